//! Flags plus, where allowed, prompts → [`Answers`]: everything `new` needs to know from the user.

use std::path::PathBuf;

use anyhow::Result;

use crate::bad_input;
use crate::cli::NewArgs;
use crate::plugin::{PluginId, PluginKind, PluginName};
use crate::scaffold::plan::Answers;
use crate::ui::{shell_quote, Prompter};

/// Resolves the answers. `prompter` is `None` when we may not ask (no terminal, or `--yes`).
pub fn resolve(args: &NewArgs, prompter: Option<&mut dyn Prompter>) -> Result<Answers> {
    // Flags are checked before any question, so a typo fails fast instead of after three prompts.
    let name = args.name.as_deref().map(PluginName::name).transpose();
    let name = name.map_err(|error| bad_input!("{error}"))?;
    let org = args.org.as_deref().map(PluginName::org).transpose();
    let org = org.map_err(|error| bad_input!("{error}"))?;
    if let (Some(PluginKind::Panel), Some(true)) = (args.kind, args.backend_choice()) {
        return Err(bad_input!(
            "a panel plugin cannot have a backend: Grafana runs backends only for apps and data \
             sources\n  help: drop --backend, or choose --type app or --type datasource"
        ));
    }

    let Some(prompter) = prompter else {
        return from_flags_only(args, name, org);
    };
    let kind = match args.kind {
        Some(kind) => kind,
        None => prompter.kind()?,
    };
    let backend = match (args.backend_choice(), kind.can_have_backend()) {
        (Some(choice), _) => choice,
        (None, true) => prompter.backend(kind)?,
        (None, false) => false,
    };
    if backend && !kind.can_have_backend() {
        return Err(bad_input!("a {kind} plugin cannot have a backend"));
    }
    let name = match name {
        Some(name) => name,
        None => prompter.name()?,
    };
    let org = match org {
        Some(org) => org,
        None => prompter.org()?,
    };
    Ok(finish(args, PluginId { org, name, kind }, backend))
}

fn from_flags_only(
    args: &NewArgs,
    name: Option<PluginName>,
    org: Option<PluginName>,
) -> Result<Answers> {
    let (Some(kind), Some(name), Some(org)) = (args.kind, name, org) else {
        let missing: Vec<&str> = [
            (args.kind.is_none(), TYPE_PLACEHOLDER),
            (args.name.is_none(), NAME_PLACEHOLDER),
            (args.org.is_none(), ORG_PLACEHOLDER),
        ]
        .into_iter()
        .filter_map(|(absent, flag)| absent.then_some(flag))
        .collect();
        let why = if args.yes {
            "--yes was given, so nothing is asked"
        } else {
            "there is no terminal to ask in"
        };
        return Err(bad_input!(
            "missing {}: {why}\n  help: {}",
            missing.join(", "),
            completed_command(args)
        ));
    };
    Ok(finish(
        args,
        PluginId { org, name, kind },
        args.backend_choice().unwrap_or(false),
    ))
}

const TYPE_PLACEHOLDER: &str = "--type <app|datasource|panel|scenesapp>";
const NAME_PLACEHOLDER: &str = "--name <NAME>";
const ORG_PLACEHOLDER: &str = "--org <ORG>";

/// The user's command with placeholders where flags are missing, so it can be copied and
/// completed: the flags already given (in their long spelling) are kept.
fn completed_command(args: &NewArgs) -> String {
    let mut words = vec!["create-grafana-plugin".to_owned(), "new".to_owned()];
    if let Some(dir) = &args.dir {
        words.push(shell_quote(&dir.display().to_string()));
    }
    let given = |flag: &str, value: &str| format!("{flag} {}", shell_quote(value));
    words.push(match args.kind {
        Some(kind) => given("--type", kind.as_str()),
        None => TYPE_PLACEHOLDER.to_owned(),
    });
    match args.backend_choice() {
        Some(true) => words.push("--backend".to_owned()),
        Some(false) => words.push("--no-backend".to_owned()),
        None => {}
    }
    for (value, flag, placeholder) in [
        (&args.name, "--name", NAME_PLACEHOLDER),
        (&args.org, "--org", ORG_PLACEHOLDER),
    ] {
        words.push(match value {
            Some(value) => given(flag, value),
            None => placeholder.to_owned(),
        });
    }
    for (value, flag) in [
        (&args.description, "--description"),
        (&args.author, "--author"),
    ] {
        words.extend(value.as_deref().map(|value| given(flag, value)));
    }
    let switches = [
        (args.yes, "--yes"),
        (args.force, "--force"),
        (args.dry_run, "--dry-run"),
        (args.json, "--json"),
        (args.no_git, "--no-git"),
        (args.verbose, "--verbose"),
    ];
    for (on, flag) in switches {
        if on {
            words.push(flag.to_owned());
        }
    }
    words.join(" ")
}

fn finish(args: &NewArgs, id: PluginId, backend: bool) -> Answers {
    let description = args.description.clone().unwrap_or_else(|| {
        format!(
            "{} {} plugin for Grafana",
            id.name.title(),
            kind_noun(id.kind)
        )
    });
    let author = args.author.clone().unwrap_or_else(|| id.org.title());
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(id.to_string()));
    Answers {
        id,
        backend,
        description,
        author,
        dir,
    }
}

fn kind_noun(kind: PluginKind) -> &'static str {
    match kind.plugin_type() {
        "datasource" => "data source",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::error::exit_code;

    fn args(flags: &[&str]) -> NewArgs {
        let argv = ["create-grafana-plugin", "new"].iter().chain(flags);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::New(args) => args,
            other => panic!("parsed as {other:?}"),
        }
    }

    /// Scripted answers; panics if asked something the test did not expect.
    #[derive(Default)]
    struct Script {
        kind: Option<PluginKind>,
        backend: Option<bool>,
        name: Option<&'static str>,
        org: Option<&'static str>,
        asked: Vec<&'static str>,
    }

    impl Prompter for Script {
        fn kind(&mut self) -> Result<PluginKind> {
            self.asked.push("kind");
            Ok(self.kind.expect("kind was not expected to be asked"))
        }
        fn backend(&mut self, _: PluginKind) -> Result<bool> {
            self.asked.push("backend");
            Ok(self.backend.expect("backend was not expected to be asked"))
        }
        fn name(&mut self) -> Result<PluginName> {
            self.asked.push("name");
            Ok(PluginName::name(self.name.expect("name not expected"))?)
        }
        fn org(&mut self) -> Result<PluginName> {
            self.asked.push("org");
            Ok(PluginName::org(self.org.expect("org not expected"))?)
        }
    }

    #[test]
    fn flags_alone_are_enough() {
        let a = resolve(
            &args(&[
                "--type",
                "datasource",
                "--backend",
                "--name",
                "weather",
                "--org",
                "acme",
            ]),
            None,
        )
        .unwrap();
        assert_eq!(a.id.to_string(), "acme-weather-datasource");
        assert!(a.backend);
        assert_eq!(a.dir, PathBuf::from("acme-weather-datasource"));
        assert_eq!(a.author, "Acme");
        assert_eq!(a.description, "Weather data source plugin for Grafana");
    }

    #[test]
    fn without_a_terminal_the_backend_defaults_to_none() {
        let a = resolve(&args(&["--type", "app", "--name", "w", "--org", "o"]), None).unwrap();
        assert!(!a.backend);
    }

    #[test]
    fn without_a_terminal_every_missing_flag_is_named() {
        let error = resolve(&args(&["--name", "weather"]), None).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("--type") && text.contains("--org") && !text.contains("--name <"),
            "{text}"
        );
        assert!(text.contains("no terminal"), "{text}");
        assert_eq!(exit_code(&error), 2);
    }

    #[test]
    fn the_suggested_command_keeps_the_flags_given() {
        let help = |flags: &[&str]| {
            let text = resolve(&args(flags), None).unwrap_err().to_string();
            text.lines()
                .find_map(|line| line.strip_prefix("  help: "))
                .unwrap_or_else(|| panic!("no help line in {text}"))
                .to_owned()
        };
        assert_eq!(
            help(&["--type", "datasource"]),
            "create-grafana-plugin new --type datasource --name <NAME> --org <ORG>"
        );
        assert_eq!(
            help(&[
                "my plugins/w",
                "--plugin-name",
                "weather",
                "--backend",
                "--description",
                "It's sunny",
                "--no-git",
                "--yes",
            ]),
            "create-grafana-plugin new 'my plugins/w' --type <app|datasource|panel|scenesapp> \
             --backend --name weather --org <ORG> --description 'It'\\''s sunny' --yes --no-git"
        );
    }

    #[test]
    fn prompts_ask_only_what_flags_left_out() {
        let mut script = Script {
            kind: Some(PluginKind::App),
            backend: Some(true),
            org: Some("acme"),
            ..Default::default()
        };
        let a = resolve(&args(&["--name", "weather"]), Some(&mut script)).unwrap();
        assert_eq!(script.asked, ["kind", "backend", "org"]);
        assert_eq!(a.id.to_string(), "acme-weather-app");
        assert!(a.backend);
    }

    #[test]
    fn panels_are_not_asked_about_a_backend() {
        let mut script = Script {
            kind: Some(PluginKind::Panel),
            name: Some("clock"),
            org: Some("acme"),
            ..Default::default()
        };
        let a = resolve(&args(&[]), Some(&mut script)).unwrap();
        assert_eq!(script.asked, ["kind", "name", "org"]);
        assert!(!a.backend);
    }

    #[test]
    fn a_panel_with_a_backend_is_refused_before_any_question() {
        let mut script = Script::default();
        let error =
            resolve(&args(&["--type", "panel", "--backend"]), Some(&mut script)).unwrap_err();
        assert!(error.to_string().contains("cannot have a backend"));
        assert!(script.asked.is_empty());
    }

    #[test]
    fn invalid_flags_fail_before_any_question() {
        let mut script = Script::default();
        let error = resolve(&args(&["--name", "Wëather"]), Some(&mut script)).unwrap_err();
        assert!(error.to_string().contains("--name weather"), "{error}");
        assert!(script.asked.is_empty());
    }

    #[test]
    fn explicit_dir_description_and_author_are_kept() {
        let a = resolve(
            &args(&[
                "out/x",
                "--type",
                "panel",
                "--name",
                "w",
                "--org",
                "o",
                "--description",
                "Hi \"there\"",
                "--author",
                "Me",
            ]),
            None,
        )
        .unwrap();
        assert_eq!(a.dir, PathBuf::from("out/x"));
        assert_eq!(a.description, "Hi \"there\"");
        assert_eq!(a.author, "Me");
    }
}
