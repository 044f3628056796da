//! The embedded templates and the Handlebars engine that renders them. Pure: no disk access.

use std::collections::BTreeMap;
use std::thread;

use anyhow::{anyhow, bail, Context, Result};
use handlebars::{
    handlebars_helper, Context as HbContext, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderErrorReason, Renderable, Template,
};
use include_dir::{include_dir, Dir, File};
use serde_json::Value;

use super::plan::PlannedFile;

mod fold;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const TEMPLATE_SUFFIX: &str = ".hbs";
const PARTIALS_DIR: &str = "_partials";
const DATA_DIR: &str = "_data";

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
        fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static File<'static>>) {
            out.extend(dir.files());
            for sub in dir.dirs() {
                walk(sub, out);
            }
        }
        let mut files = Vec::new();
        walk(self.dir, &mut files);
        files
    }

    /// The file's path inside the layer, always with `/`.
    fn relative(&self, file: &File) -> String {
        let full = file.path().to_string_lossy().replace('\\', "/");
        full.strip_prefix(&self.path)
            .map(|rest| rest.trim_start_matches('/').to_owned())
            .unwrap_or(full)
    }
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
    let mut engine = engine();
    register_partials(&mut engine, layers)?;
    // Converted to Handlebars' form once, not once per template.
    let context = HbContext::wraps(with_data(context, layers)?)?;
    let sources = sources(layers);
    let templates = parse_all(&sources)?;
    let mut out: BTreeMap<String, (PlannedFile, &str)> = BTreeMap::new();
    for (source, template) in sources.iter().zip(templates) {
        let planned = render_file(&mut engine, source, template, &context)
            .with_context(|| format!("rendering {}", source.shown))?;
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

/// One file of a layer that becomes a file of the plugin.
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
}

fn sources(layers: &[Layer]) -> Vec<Source<'_>> {
    let mut sources = Vec::new();
    for layer in layers {
        for file in layer.files() {
            let relative = layer.relative(file);
            if is_partial(&relative) || is_data(&relative) {
                continue;
            }
            sources.push(Source {
                layer: &layer.path,
                shown: format!("templates/{}/{relative}", layer.path),
                relative,
                file,
            });
        }
    }
    sources
}

/// Parsing is most of what `new` spends its time on (Handlebars parses about 10 MB/s), so the
/// templates are parsed on every core; rendering them is cheap and happens in order. The first
/// error in file order is reported, whichever thread found it.
fn parse_all(sources: &[Source]) -> Result<Vec<Option<Template>>> {
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let mut parsed: Vec<(usize, Result<Template>)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                scope.spawn(move || {
                    let mine = sources.iter().enumerate().skip(worker).step_by(workers);
                    mine.filter(|(_, source)| source.is_template())
                        .map(|(index, source)| (index, parse(source)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a template parser panicked"))
            .collect()
    });
    let mut templates: Vec<Option<Template>> = sources.iter().map(|_| None).collect();
    parsed.sort_by_key(|(index, _)| *index);
    for (index, result) in parsed {
        templates[index] = Some(result?);
    }
    Ok(templates)
}

fn parse(source: &Source) -> Result<Template> {
    let text = utf8(source.file, &source.shown)?;
    fold::compile(text, &source.shown).with_context(|| format!("parsing {}", source.shown))
}

fn is_partial(relative: &str) -> bool {
    relative.split('/').next() == Some(PARTIALS_DIR)
}

fn is_data(relative: &str) -> bool {
    relative.split('/').next() == Some(DATA_DIR)
}

/// Handlebars parses templates at about 10 MB/s, so bulky text that holds nothing to substitute
/// (a lockfile's dependency entries) lives in `_data/` and reaches templates as a variable,
/// `{{data.<file name before the first dot>}}`, without going through the parser.
fn with_data(context: &Value, layers: &[Layer]) -> Result<Value> {
    let mut data = serde_json::Map::new();
    for layer in layers {
        for file in layer.files() {
            let relative = layer.relative(file);
            if !is_data(&relative) {
                continue;
            }
            let name = relative.rsplit('/').next().unwrap_or_default();
            let key = name.split('.').next().unwrap_or_default().to_owned();
            let text = utf8(file, &layer.path)?;
            if data.insert(key, Value::from(text)).is_some() {
                bail!(
                    "data `{name}` is defined twice (second in templates/{})",
                    layer.path
                );
            }
        }
    }
    let mut context = context.clone();
    if let Value::Object(variables) = &mut context {
        variables.insert("data".to_owned(), Value::Object(data));
    }
    Ok(context)
}

fn register_partials(engine: &mut Handlebars, layers: &[Layer]) -> Result<()> {
    for layer in layers {
        for file in layer.files() {
            let relative = layer.relative(file);
            if !is_partial(&relative) {
                continue;
            }
            let name = relative
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(TEMPLATE_SUFFIX);
            if engine.has_template(name) {
                bail!(
                    "partial `{name}` is defined twice (second in templates/{})",
                    layer.path
                );
            }
            let text = utf8(file, &layer.path)?;
            engine
                .register_partial(name, text)
                .with_context(|| format!("parsing partial templates/{}/{relative}", layer.path))?;
        }
    }
    Ok(())
}

fn render_file(
    engine: &mut Handlebars,
    source: &Source,
    template: Option<Template>,
    context: &HbContext,
) -> Result<PlannedFile> {
    let (path, contents) = match template {
        Some(template) => {
            engine.register_template(&source.shown, template);
            let rendered = engine.render_with_context(&source.shown, context)?;
            let path = source.relative.strip_suffix(TEMPLATE_SUFFIX);
            (path.unwrap_or(&source.relative), rendered.into_bytes())
        }
        None => (source.relative.as_str(), source.file.contents().to_vec()),
    };
    let path = output_path(path);
    Ok(PlannedFile {
        executable: path.ends_with(".sh"),
        path,
        contents,
    })
}

fn utf8<'a>(file: &'a File, shown: &str) -> Result<&'a str> {
    file.contents_utf8()
        .ok_or_else(|| anyhow!("template {shown} is not UTF-8 text"))
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

    #[test]
    fn data_files_reach_templates_as_text_and_are_not_written() {
        let layers = [Layer::get("backend/_shared").unwrap()];
        let context = with_data(&json!({ "id": "x" }), &layers).unwrap();
        let deps = context["data"]["cargo_lock_dependencies"].as_str().unwrap();
        assert!(deps.contains("name = \"grafana-plugin-sdk\""));
        assert_eq!(context["id"], "x");
        let written: Vec<_> = sources(&layers).into_iter().map(|s| s.relative).collect();
        assert!(
            written.iter().all(|path| !path.starts_with("_data/")),
            "{written:?}"
        );
        assert!(
            written.contains(&"_Cargo.lock.hbs".to_owned()),
            "{written:?}"
        );
    }

    static GOOD: File = File::new("t/good.hbs", b"{{id}}");
    static FIRST_BAD: File = File::new("t/first.hbs", b"{{#if id}}");
    static SECOND_BAD: File = File::new("t/second.hbs", b"{{/if}}");

    #[test]
    fn the_first_parse_error_in_file_order_is_reported() {
        let source = |file: &'static File<'static>| Source {
            layer: "t",
            relative: file.path().to_string_lossy().replace("t/", ""),
            shown: file.path().display().to_string(),
            file,
        };
        let ok = parse_all(&[source(&GOOD), source(&GOOD)]).unwrap();
        assert!(ok.iter().all(Option::is_some));
        for _ in 0..20 {
            let sources = [source(&GOOD), source(&FIRST_BAD), source(&SECOND_BAD)];
            let err = parse_all(&sources).unwrap_err();
            assert!(format!("{err:#}").contains("t/first.hbs"), "{err:#}");
        }
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
        ] {
            Layer::get(path).unwrap();
        }
        assert!(Layer::get("frontend/nope").is_err());
    }
}
