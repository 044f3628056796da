//! Everything the user can type. After parsing, nothing else in the crate reads flags: each command
//! resolves its arguments into a plan first.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::grafana::settings::{json_object, JsonData, SecureSetting};
use crate::plugin::PluginKind;
use crate::target;

#[derive(Debug, Parser)]
#[command(
    name = "create-grafana-plugin",
    version,
    about = "Scaffold, build and check Grafana plugins with a Rust backend",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new plugin project (asks for what the flags leave out)
    New(NewArgs),
    /// Start the plugin's backend the way Grafana does and prove it answers
    Check(CheckArgs),
    /// Compile the backend for Grafana's platforms into dist/, with the frontend
    Build(BuildArgs),
    /// Zip dist/ for distribution: one archive for all platforms and one per platform
    Package(PackageArgs),
    /// Rebuild the backend on every save and restart it (in Grafana's container, or --local)
    Dev(DevArgs),
    /// Run the plugin validator's offline checks on a plugin zip or dist/ folder
    Validate(ValidateArgs),
    /// Bring the files this tool manages to what this version generates, merging your edits
    Update(UpdateArgs),
    /// Add a part `new` generates to an existing plugin (today: the Rust backend)
    Add(AddArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(subcommand)]
    pub part: AddPart,
}

#[derive(Debug, Subcommand)]
pub enum AddPart {
    /// Add the Rust backend to an app or data source that has none
    Backend(AddBackendArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Works on plugins made by this tool, by @grafana/create-plugin, or by hand. Files \
you changed are never overwritten: what they still need is listed.\nExample: \
create-grafana-plugin add backend --dry-run"
)]
pub struct AddBackendArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    /// Show what would be added and changed, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Print one JSON object describing the result on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without a terminal nothing is asked: --type, --name and --org are then required.\n\
Example: create-grafana-plugin new --type datasource --backend --name weather --org acme"
)]
pub struct NewArgs {
    /// Directory to create the plugin in [default: ./<plugin id>]
    pub dir: Option<PathBuf>,

    /// Kind of plugin
    #[arg(
        long = "type",
        visible_alias = "plugin-type",
        value_name = "KIND",
        value_enum,
        ignore_case = true,
        help_heading = "Plugin"
    )]
    pub kind: Option<PluginKind>,

    /// Generate a Rust backend (not for panels)
    #[arg(long, conflicts_with = "no_backend", help_heading = "Plugin")]
    pub backend: bool,

    /// Generate a frontend-only plugin
    #[arg(long, help_heading = "Plugin")]
    pub no_backend: bool,

    /// Plugin name: lowercase letters and digits, e.g. weather
    #[arg(
        long,
        visible_alias = "plugin-name",
        value_name = "NAME",
        help_heading = "Plugin"
    )]
    pub name: Option<String>,

    /// Organisation: lowercase letters and digits, e.g. acme
    #[arg(
        long,
        visible_alias = "org-name",
        value_name = "ORG",
        help_heading = "Plugin"
    )]
    pub org: Option<String>,

    /// One-line description for plugin.json, package.json and Cargo.toml
    #[arg(long, value_name = "TEXT", help_heading = "Plugin")]
    pub description: Option<String>,

    /// Author shown in plugin.json [default: the organisation]
    #[arg(long, value_name = "TEXT", help_heading = "Plugin")]
    pub author: Option<String>,

    /// Never ask: take defaults for what has one (no backend), fail on what is missing
    #[arg(short, long, help_heading = "Behaviour")]
    pub yes: bool,

    /// Write into an existing non-empty directory, adding only missing files (never overwrites)
    #[arg(long, help_heading = "Behaviour")]
    pub force: bool,

    /// Show what would be written, write nothing
    #[arg(long, help_heading = "Behaviour")]
    pub dry_run: bool,

    /// Print one JSON object describing the result on stdout
    #[arg(long, help_heading = "Behaviour")]
    pub json: bool,

    /// Do not run `git init` in the new directory
    #[arg(long, help_heading = "Behaviour")]
    pub no_git: bool,

    /// List every file created, not only the summary (--dry-run and --json always list them)
    #[arg(short, long, help_heading = "Behaviour")]
    pub verbose: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 updated or already up to date, 1 conflicts left (listed), 2 bad \
input (e.g. uncommitted changes), 130 Ctrl-C (nothing changed).\n\
Example: create-grafana-plugin update --dry-run"
)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    /// Update even with uncommitted changes or outside a git work tree (no safety net)
    #[arg(long)]
    pub force: bool,

    /// List what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Print one JSON object describing the result on stdout
    #[arg(long)]
    pub json: bool,
}

/// The plugin `build`, `check`, `dev`, `package`, `update` and `add` work on.
#[derive(Debug, Args)]
pub struct PluginDir {
    /// Plugin directory, or any directory inside it [default: .]
    pub dir: Option<PathBuf>,
}

impl PluginDir {
    /// Where to start looking for the plugin's root.
    pub fn start(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| PathBuf::from("."))
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status is 0 only when the handshake is valid, CheckHealth is OK and every \
requested call succeeds.\nExample: create-grafana-plugin check --query '{\"queryText\":\"x\"}' --resource ping"
)]
pub struct CheckArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    /// Run this executable instead of building the backend with cargo
    #[arg(long, value_name = "PATH", help_heading = "Backend")]
    pub exe: Option<PathBuf>,

    /// Build with --release before checking (ignored with --exe)
    #[arg(long, help_heading = "Backend")]
    pub release: bool,

    /// Instance jsonData, a JSON object or @file holding one [default: from provisioning/]
    #[arg(
        long,
        value_name = "JSON|@FILE",
        allow_hyphen_values = true,
        value_parser = JsonData::parse,
        help_heading = "Settings"
    )]
    pub json_data: Option<JsonData>,

    /// A decrypted secure setting (repeatable) [default: from provisioning/]
    #[arg(
        long,
        value_name = "KEY=VALUE",
        value_parser = SecureSetting::parse,
        help_heading = "Settings"
    )]
    pub secure: Vec<SecureSetting>,

    /// Also send one query with this JSON model (refId A) and report its frames
    #[arg(
        long,
        value_name = "JSON",
        allow_hyphen_values = true,
        value_parser = query_model,
        help_heading = "Calls"
    )]
    pub query: Option<serde_json::Value>,

    /// Also call this resource path, as Grafana passes it (e.g. ping?x=1)
    #[arg(
        long,
        value_name = "PATH",
        value_parser = resource_path,
        help_heading = "Calls"
    )]
    pub resource: Option<String>,

    /// Seconds to wait for the handshake and for each call (above 0, at most 3600)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "10",
        allow_negative_numbers = true,
        value_parser = timeout,
        help_heading = "Calls"
    )]
    pub timeout: Duration,

    /// Print one JSON object with every step, its status and milliseconds
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = format!(
        "Targets: {}.\nExample: create-grafana-plugin build --target linux --target darwin-arm64",
        target::names()
    ),
    mut_arg(Targets::ID, |arg| arg
        .help("Platform to build the backend for (repeatable) [default: this machine]")
        .help_heading("Backend"))
)]
pub struct BuildArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    #[command(flatten)]
    pub targets: Targets,

    /// Build without optimisations (faster to compile, larger and slower binaries)
    #[arg(long, help_heading = "Backend")]
    pub debug: bool,

    /// Number of parallel compile jobs, passed to cargo [default: number of CPUs]
    #[arg(
        short,
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = jobs,
        help_heading = "Backend"
    )]
    pub jobs: Option<u32>,

    /// Also run `npm run build`; fail if node_modules is missing [default: when installed]
    #[arg(long, conflicts_with = "no_frontend", help_heading = "Frontend")]
    pub frontend: bool,

    /// Build only the backend, leaving the frontend files in dist/ as they are
    #[arg(long, help_heading = "Frontend")]
    pub no_frontend: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Writes <id>-<version>.zip and <id>-<version>.<os>_<arch>.zip, each with a \
.sha1 and a .sha256 file, then runs validate's checks on the result.\nExample: create-grafana-plugin build --target all && create-grafana-plugin package",
    mut_arg(Targets::ID, |arg| arg
        .help("Platform whose executable must be included (repeatable) [default: those in dist/]"))
)]
pub struct PackageArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    #[command(flatten)]
    pub targets: Targets,

    /// Directory for the archives [default: <plugin>/artifacts]
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Package executables that carry debug information (from `dev` or `build --debug`), which
    /// is otherwise refused
    #[arg(long)]
    pub allow_debug: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without --local the backend goes to dist/ for the Grafana that \
`docker compose up` starts.\nExample: create-grafana-plugin dev --local --no-frontend"
)]
pub struct DevArgs {
    #[command(flatten)]
    pub plugin: PluginDir,

    /// Run the backend here, started as Grafana starts it, and show its CheckHealth after each build
    #[arg(long)]
    pub local: bool,

    /// Do not run the frontend watcher (`npm run dev`)
    #[arg(long)]
    pub no_frontend: bool,

    /// What to build for [default: linux, or host with --local]
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: Option<DevTarget>,
}

/// Where a development build runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DevTarget {
    /// Linux for this machine's architecture, as Grafana's container runs it
    Linux,
    /// This machine, with cargo's default target
    Host,
}

fn query_model(text: &str) -> Result<serde_json::Value, String> {
    json_object(text, "--query '{\"queryText\":\"x\"}'")
}

/// The sub-path after `/resources/` that Grafana passes on: it must fit in a URL.
fn resource_path(text: &str) -> Result<String, String> {
    let help = "  help: give the path after /resources/, e.g. --resource 'ping?x=1'";
    let path = text.trim_start_matches('/');
    if path.is_empty() {
        return Err(format!("the path is empty\n{help}"));
    }
    if path.contains("://") {
        return Err(format!("a resource path is not a URL\n{help}"));
    }
    http::uri::PathAndQuery::try_from(format!("/{path}"))
        .map(|_| path.to_owned())
        .map_err(|error| {
            format!("not a URL path ({error}); spaces and such must be %-encoded\n{help}")
        })
}

/// The longest wait a check allows; a plugin that needs longer to answer is broken anyway.
const MAX_TIMEOUT_SECS: f64 = 3600.0;

fn timeout(text: &str) -> Result<Duration, String> {
    let help = "  help: give seconds above 0 and at most 3600, e.g. --timeout 30 or --timeout 0.5";
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= MAX_TIMEOUT_SECS => Ok(Duration::from_secs_f64(secs)),
        Ok(_) => Err(format!("out of range\n{help}")),
        Err(_) => Err(format!("not a number of seconds\n{help}")),
    }
}

fn jobs(text: &str) -> Result<u32, String> {
    let help = "  help: give 1 or more, or leave out --jobs to use every CPU";
    match text.trim().parse::<u32>() {
        Ok(0) => Err(format!("cargo needs at least one job\n{help}")),
        Ok(jobs) => Ok(jobs),
        Err(_) => Err(format!("not a whole number\n{help}")),
    }
}

/// `--target` of `build` and `package`, each of which gives it its own help.
#[derive(Debug, Args)]
pub struct Targets {
    #[arg(id = Targets::ID, short, long = "target", value_name = "TARGET", value_parser = target_name)]
    pub names: Vec<String>,
}

impl Targets {
    const ID: &'static str = "target";
}

/// A name from the target table (or `all`), checked before the command looks for a plugin.
fn target_name(text: &str) -> Result<String, String> {
    target::resolve(&[text.to_owned()])
        .map(|_| text.trim().to_ascii_lowercase())
        .map_err(|error| error.to_string())
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit 0 when no check reports an error, 1 when one does, 2 when the path cannot \
be read.\nExample: create-grafana-plugin package && create-grafana-plugin validate \
artifacts/acme-weather-datasource-1.0.0.zip"
)]
pub struct ValidateArgs {
    /// A plugin zip, a dist/ folder, or a plugin whose dist/ to check [default: .]
    pub path: Option<PathBuf>,

    /// Print every finding as one JSON object
    #[arg(long)]
    pub json: bool,
}

impl NewArgs {
    /// `Some(true)` for --backend, `Some(false)` for --no-backend, `None` to ask or default.
    pub fn backend_choice(&self) -> Option<bool> {
        match (self.backend, self.no_backend) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_help_names_the_targets_of_the_table() {
        let mut cli = Cli::command();
        let build = cli.find_subcommand_mut("build").expect("build");
        let help = build.render_long_help().to_string();
        let line = help
            .lines()
            .find(|l| l.starts_with("Targets: "))
            .expect(&help);
        let names: Vec<&str> = target::TARGETS.iter().map(|t| t.name).collect();
        assert_eq!(line, format!("Targets: {}, all.", names.join(", ")));
    }

    #[test]
    fn create_plugin_spellings_are_accepted() {
        let cli = Cli::try_parse_from([
            "create-grafana-plugin",
            "new",
            "--plugin-type=datasource",
            "--plugin-name=weather",
            "--org-name=acme",
            "--backend",
        ])
        .unwrap();
        let Command::New(args) = cli.command else {
            panic!("parsed as another command");
        };
        assert_eq!(args.kind, Some(PluginKind::Datasource));
        assert_eq!(args.name.as_deref(), Some("weather"));
        assert_eq!(args.org.as_deref(), Some("acme"));
        assert_eq!(args.backend_choice(), Some(true));
    }

    fn check(args: &[&str]) -> Result<CheckArgs, clap::Error> {
        let all = ["create-grafana-plugin", "check"].iter().chain(args);
        match Cli::try_parse_from(all)?.command {
            Command::Check(args) => Ok(args),
            _ => panic!("parsed as another command"),
        }
    }

    /// The message clap shows for `args`, which must be refused as a bad value (exit 2).
    fn refused(args: &[&str]) -> String {
        let error = check(args).unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::ValueValidation,
            "{args:?}: {error}"
        );
        assert_eq!(error.exit_code(), 2);
        error.to_string()
    }

    #[test]
    fn values_starting_with_a_dash_reach_the_json_check() {
        // Not taken for unknown flags: the user learns what a valid value looks like.
        assert!(
            refused(&["--json-data", "-1"]).contains("a JSON object {…} is needed, not a number")
        );
        assert!(refused(&["--query", "-2.5"]).contains("not a number"));
        assert!(refused(&["--timeout", "-1"]).contains("out of range"));
    }

    #[test]
    fn check_values_are_parsed_and_bad_ones_refused_with_help() {
        let args = check(&[
            "--json-data",
            r#"{"path":"/api"}"#,
            "--secure",
            "apiKey=a=b",
            "--query",
            r#"{"queryText":"x"}"#,
            "--resource",
            "/ping?x=1",
            "--timeout",
            "0.5",
        ])
        .unwrap();
        assert_eq!(
            args.json_data,
            Some(JsonData::Inline(serde_json::json!({"path": "/api"})))
        );
        assert_eq!(
            args.secure,
            [SecureSetting {
                key: "apiKey".into(),
                value: "a=b".into()
            }]
        );
        assert_eq!(args.query, Some(serde_json::json!({"queryText": "x"})));
        assert_eq!(args.resource.as_deref(), Some("ping?x=1"));
        assert_eq!(args.timeout, Duration::from_millis(500));
        assert_eq!(check(&[]).unwrap().timeout, Duration::from_secs(10));
        let file = check(&["--json-data", "@settings.json"]).unwrap();
        assert_eq!(file.json_data, Some(JsonData::File("settings.json".into())));
        for (args, says) in [
            (&["--query", "{bad"][..], "not valid JSON"),
            (&["--query", "[1]"], "not an array"),
            (&["--json-data", "\"x\""], "not a string"),
            (&["--json-data", "@"], "needs a file name"),
            (&["--secure", "novalue"], "not KEY=VALUE"),
            (&["--secure", "=value"], "not KEY=VALUE"),
            (&["--resource", ""], "the path is empty"),
            (&["--resource", "http://localhost:3000/ping"], "not a URL"),
            (&["--resource", "a b"], "%-encoded"),
            (&["--timeout", "0"], "out of range"),
            (&["--timeout", "NaN"], "out of range"),
            (&["--timeout", "inf"], "out of range"),
            (&["--timeout", "1e300"], "out of range"),
            (&["--timeout", "3601"], "out of range"),
            (&["--timeout", "soon"], "not a number"),
        ] {
            let message = refused(args);
            assert!(message.contains(says), "{args:?}: {message}");
            assert!(message.contains("\n  help: "), "{args:?}: {message}");
        }
    }

    #[test]
    fn build_and_package_values_are_checked_by_clap() {
        let parse = |args: &[&str]| {
            let all = ["create-grafana-plugin"].iter().chain(args);
            Cli::try_parse_from(all).map(|_| ())
        };
        for args in [
            &["build", "--jobs", "0"][..],
            &["build", "--jobs", "-2"],
            &["build", "--target", "freebsd"],
            &["package", "--target", "plan9"],
        ] {
            let error = parse(args).unwrap_err();
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{args:?}"
            );
            assert!(
                error.to_string().contains("\n  help: "),
                "{args:?}: {error}"
            );
        }
        assert!(parse(&["build", "--jobs", "3", "--target", "Linux"]).is_ok());
        assert!(parse(&["package", "--allow-debug", "--target", "all"]).is_ok());
    }

    #[test]
    fn backend_flags_conflict() {
        let parsed =
            Cli::try_parse_from(["create-grafana-plugin", "new", "--backend", "--no-backend"]);
        assert!(parsed.is_err());
    }
}
