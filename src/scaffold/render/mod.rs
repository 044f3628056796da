//! The embedded templates and the Handlebars engine that renders them. Pure: no disk access.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context, Result};
use handlebars::{
    handlebars_helper, Context as HbContext, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderErrorReason, Renderable,
};
use include_dir::{include_dir, Dir, File};
use serde_json::Value;

use super::PlannedFile;
use crate::parallel;

mod fold;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const TEMPLATE_SUFFIX: &str = ".hbs";
const PARTIALS_DIR: &str = "_partials";

/// Names that would mean something to cargo, npm or git inside this repository, so they are stored
/// under a neutral name (see templates/README.md).
const RENAMES: &[(&str, &str)] = &[
    ("_gitignore", ".gitignore"),
    ("_npmrc", ".npmrc"),
    ("_Cargo.toml", "Cargo.toml"),
    ("_Cargo.lock", "Cargo.lock"),
    ("_package.json", "package.json"),
    ("_package-lock.json", "package-lock.json"),
];

/// One folder of templates, e.g. `frontend/datasource`.
pub struct Layer {
    path: String,
    dir: &'static Dir<'static>,
}

impl Layer {
    pub fn get(path: &str) -> Result<Self> {
        let dir = TEMPLATES.get_dir(path).ok_or_else(|| {
            anyhow!("template layer `templates/{path}` is missing from this build")
        })?;
        Ok(Self {
            path: path.to_owned(),
            dir,
        })
    }

    fn files(&self) -> Vec<&'static File<'static>> {
        files_below(self.dir)
    }

    /// The file's path inside the layer, always with `/`.
    fn relative(&self, file: &File) -> String {
        let full = file.path().to_string_lossy().replace('\\', "/");
        full.strip_prefix(&self.path)
            .map(|rest| rest.trim_start_matches('/').to_owned())
            .unwrap_or(full)
    }
}

/// Every file in `dir` and its subfolders.
fn files_below(dir: &'static Dir<'static>) -> Vec<&'static File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(files_below(sub));
    }
    files
}

handlebars_helper!(json_literal: |value: Json| serde_json::to_string(value).unwrap_or_default());
handlebars_helper!(toml_literal: |text: str| toml::Value::String(text.to_owned()).to_string());
handlebars_helper!(snake: |text: str| crate::plugin::snake_case(text));

fn engine() -> Handlebars<'static> {
    let mut engine = Handlebars::new();
    engine.set_strict_mode(true);
    engine.register_escape_fn(handlebars::no_escape);
    engine.register_helper("json", Box::new(json_literal));
    engine.register_helper("toml", Box::new(toml_literal));
    engine.register_helper("snake", Box::new(snake));
    engine.register_helper("cargo_lock_packages", Box::new(CargoLockPackages));
    engine
}

/// `{{#cargo_lock_packages}}…{{/cargo_lock_packages}}` renders its content, then orders the
/// `[[package]]` entries by name, as cargo writes them. A lockfile template can then hold the
/// plugin's own entry (named after the plugin id) anywhere, and cargo finds nothing to rewrite.
struct CargoLockPackages;

impl HelperDef for CargoLockPackages {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        context: &'rc HbContext,
        render_context: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let template = helper.template().ok_or_else(|| {
            RenderErrorReason::Other("cargo_lock_packages must be used as a block".into())
        })?;
        let inner = template.renders(registry, context, render_context)?;
        out.write(&sort_lock_packages(&inner))?;
        Ok(())
    }
}

fn sort_lock_packages(text: &str) -> String {
    let mut blocks: Vec<&str> = text
        .split("[[package]]")
        .map(str::trim)
        .filter(|block| !block.is_empty())
        .collect();
    let name = |block: &str| {
        block
            .lines()
            .find_map(|line| line.strip_prefix("name = "))
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned()
    };
    // Stable: several versions of one crate keep cargo's order.
    blocks.sort_by_cached_key(|block| name(block));
    let entries: Vec<String> = blocks
        .iter()
        .map(|b| format!("[[package]]\n{b}\n"))
        .collect();
    entries.join("\n")
}

/// Renders the union of `layers` with `context`. Files are returned sorted by path.
pub fn render(layers: &[Layer], context: &Value) -> Result<Vec<PlannedFile>> {
    render_files(layer_files(layers), context)
}

fn render_files<'a>(
    files: impl Iterator<Item = Source<'a>>,
    context: &Value,
) -> Result<Vec<PlannedFile>> {
    let mut engine = engine();
    let mut sources = Vec::new();
    for file in files {
        if file.is_partial() {
            register_partial(&mut engine, &file)?
        } else {
            sources.push(file)
        }
    }
    // Converted to Handlebars' form once, not once per template.
    let context = HbContext::wraps(context)?;
    let rendered = parallel::map(&sources, |source| {
        render_file(&engine, source, &context)
            .with_context(|| format!("rendering {}", source.shown))
    });
    let mut out: BTreeMap<String, (PlannedFile, &str)> = BTreeMap::new();
    for (source, planned) in sources.iter().zip(rendered) {
        // The first error in file order, whichever thread met it.
        let planned = planned?;
        if let Some((_, earlier)) = out.get(&planned.path) {
            bail!(
                "templates/{earlier} and templates/{} both write `{}`",
                source.layer,
                planned.path
            );
        }
        out.insert(planned.path.clone(), (planned, source.layer));
    }
    Ok(out.into_values().map(|(file, _)| file).collect())
}

/// One file of a layer.
struct Source<'a> {
    layer: &'a str,
    /// Inside the layer, with `/`.
    relative: String,
    /// Names the template in error messages (Handlebars adds line and column).
    shown: String,
    file: &'static File<'static>,
}

impl Source<'_> {
    fn is_template(&self) -> bool {
        self.relative.ends_with(TEMPLATE_SUFFIX)
    }

    /// Under `_partials/`: a template that others include with `{{> name}}`, not a file of the
    /// plugin.
    fn is_partial(&self) -> bool {
        self.relative.split('/').next() == Some(PARTIALS_DIR)
    }

    /// A partial's name: its file name without `.hbs`.
    fn partial_name(&self) -> &str {
        let name = self.relative.rsplit('/').next().unwrap_or_default();
        name.strip_suffix(TEMPLATE_SUFFIX).unwrap_or(name)
    }

    fn text(&self) -> Result<&'static str> {
        self.file
            .contents_utf8()
            .ok_or_else(|| anyhow!("template {} is not UTF-8 text", self.shown))
    }
}

fn layer_files(layers: &[Layer]) -> impl Iterator<Item = Source<'_>> {
    layers.iter().flat_map(|layer| {
        layer.files().into_iter().map(move |file| {
            let relative = layer.relative(file);
            Source {
                layer: &layer.path,
                shown: format!("templates/{}/{relative}", layer.path),
                relative,
                file,
            }
        })
    })
}

fn register_partial(engine: &mut Handlebars, source: &Source) -> Result<()> {
    let name = source.partial_name();
    if engine.has_template(name) {
        bail!(
            "partial `{name}` is defined twice (second in {})",
            source.shown
        );
    }
    engine
        .register_partial(name, source.text()?)
        .with_context(|| format!("parsing partial {}", source.shown))
}

fn render_file(engine: &Handlebars, source: &Source, context: &HbContext) -> Result<PlannedFile> {
    let (path, contents) = if source.is_template() {
        let rendered = fold::render(source.text()?, &source.shown, engine, context)?;
        let path = source.relative.strip_suffix(TEMPLATE_SUFFIX);
        (path.unwrap_or(&source.relative), rendered.into_bytes())
    } else {
        (source.relative.as_str(), source.file.contents().to_vec())
    };
    let path = output_path(path);
    Ok(PlannedFile {
        executable: path.ends_with(".sh"),
        path,
        contents,
    })
}

fn output_path(path: &str) -> String {
    let (dir, name) = match path.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, path),
    };
    let name = RENAMES
        .iter()
        .find(|(stored, _)| *stored == name)
        .map_or(name, |(_, real)| real);
    match dir {
        Some(dir) => format!("{dir}/{name}"),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn neutral_names_are_restored() {
        assert_eq!(output_path("_gitignore"), ".gitignore");
        assert_eq!(output_path("_Cargo.toml"), "Cargo.toml");
        assert_eq!(output_path("x/_package.json"), "x/package.json");
        assert_eq!(output_path("src/_other.ts"), "src/_other.ts");
    }

    #[test]
    fn quoting_helpers_produce_literals_their_parsers_read_back() {
        let text = "say \"hi\" \\ {{x}}\nnext line ünï";
        let context = json!({ "text": text });
        let engine = engine();
        let json_out = engine.render_template("{{json text}}", &context).unwrap();
        assert_eq!(serde_json::from_str::<String>(&json_out).unwrap(), text);
        let toml_out = engine
            .render_template("v = {{toml text}}", &context)
            .unwrap();
        let table: toml::Table = toml_out.parse().unwrap();
        assert_eq!(table["v"].as_str(), Some(text));
    }

    #[test]
    fn strict_mode_rejects_unknown_variables_and_keeps_escaped_braces() {
        let engine = engine();
        assert!(engine.render_template("{{missing}}", &json!({})).is_err());
        let out = engine
            .render_template("$\\{{ secrets.TOKEN }} <{{a}}>", &json!({"a": "&"}))
            .unwrap();
        assert_eq!(out, "${{ secrets.TOKEN }} <&>");
    }

    #[test]
    fn lockfile_packages_are_sorted_by_name() {
        let text = "[[package]]\nname = \"zed\"\n\n[[package]]\nname = \"acme-x-app\"\ndependencies = [\"zed\"]\n\n[[package]]\nname = \"b\"\nversion = \"2\"\n\n[[package]]\nname = \"b\"\nversion = \"1\"\n";
        let sorted = sort_lock_packages(text);
        let names: Vec<&str> = sorted
            .lines()
            .filter(|l| l.starts_with("name") || l.starts_with("version"))
            .collect();
        assert_eq!(
            names,
            [
                "name = \"acme-x-app\"",
                "name = \"b\"",
                "version = \"2\"",
                "name = \"b\"",
                "version = \"1\"",
                "name = \"zed\""
            ]
        );
        assert!(sorted.ends_with("\"zed\"\n") && !sorted.ends_with("\n\n"));
    }

    fn source(file: &'static File<'static>) -> Source<'static> {
        let relative = file.path().display().to_string();
        Source {
            layer: "t",
            shown: format!("templates/t/{relative}"),
            relative,
            file,
        }
    }

    fn render_static(files: &[&'static File<'static>]) -> Result<Vec<PlannedFile>> {
        render_files(files.iter().map(|file| source(file)), &json!({ "id": "x" }))
    }

    static PARTIAL: File = File::new("_partials/greeting.hbs", b"hello {{id}}");
    static USES_PARTIAL: File = File::new("README.md.hbs", b"{{> greeting}}!");
    static PLAIN: File = File::new("_gitignore", b"{{not a template}}");

    static WITH_DEFAULT: File = File::new(
        "list.hbs",
        b"a\n{{#> greeting}}\ndefault\n{{/greeting}}\n{{#> missing}}\n{{/missing}}\nb\n",
    );

    static GOOD: File = File::new("good.hbs", b"{{id}}");
    static FIRST_BAD: File = File::new("first.hbs", b"{{#if id}}");
    static SECOND_BAD: File = File::new("second.hbs", b"{{/if}}");
    static RENDER_BAD: File = File::new("third.hbs", b"{{missing}}");

    #[test]
    fn partials_reach_templates_and_are_not_written() {
        let files = render_static(&[&PARTIAL, &USES_PARTIAL, &PLAIN]).unwrap();
        let written: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.path.as_str(), f.contents.as_slice()))
            .collect();
        assert_eq!(
            written,
            [
                (".gitignore", b"{{not a template}}".as_slice()),
                ("README.md", b"hello x!".as_slice())
            ]
        );
    }

    /// A kind that adds nothing to a shared file provides no partial: the block's content, here
    /// nothing, stands in, standalone lines and all, even in strict mode.
    #[test]
    fn a_partial_block_is_the_default_for_a_missing_partial() {
        let contents = |files: &[PlannedFile]| String::from_utf8(files[0].contents.clone());
        let with = render_static(&[&PARTIAL, &WITH_DEFAULT]).unwrap();
        assert_eq!(contents(&with).unwrap(), "a\nhello xb\n");
        let without = render_static(&[&WITH_DEFAULT]).unwrap();
        assert_eq!(contents(&without).unwrap(), "a\ndefault\nb\n");
    }

    #[test]
    fn the_first_error_in_file_order_is_reported() {
        assert_eq!(render_static(&[&GOOD]).unwrap()[0].contents, b"x");
        // Files are spread over threads; which one fails first must not matter.
        for _ in 0..20 {
            let err = render_static(&[&GOOD, &FIRST_BAD, &SECOND_BAD, &RENDER_BAD]).unwrap_err();
            assert!(format!("{err:#}").contains("t/first.hbs"), "{err:#}");
        }
        let err = render_static(&[&GOOD, &RENDER_BAD, &SECOND_BAD]).unwrap_err();
        assert!(
            format!("{err:#}").contains("rendering templates/t/third.hbs"),
            "{err:#}"
        );
    }

    #[test]
    fn every_layer_folder_exists() {
        for path in [
            "base",
            "frontend/_apps",
            "frontend/app",
            "frontend/datasource",
            "frontend/panel",
            "frontend/scenesapp",
            "backend/_shared",
            "backend/app",
            "backend/datasource",
            "add/backend",
        ] {
            Layer::get(path).unwrap();
        }
        assert!(Layer::get("frontend/nope").is_err());
    }
}
