//! Parsing templates quickly. Handlebars' parser (pest) spends about 500 instructions on each
//! byte of plain text, and it finds each element's line and column by counting from the top of
//! the file. Plain text, not tags, was therefore most of `new`'s time. Before parsing, each run
//! of whole lines that holds no tag is swapped for a short placeholder expression; after parsing,
//! each placeholder is swapped back for its text.
//!
//! The parsed template is the same as a plain parse, apart from where one raw string ends and the
//! next begins (tested below on every template and on generated ones). What stays untouched is
//! what Handlebars looks at around a tag: the tag's own line, for "standalone" tags, and any
//! whitespace a `~` trims, also past comments. Anything unexpected falls back to the plain
//! parse, and so does any error, so that it names the line as written.

use std::borrow::Cow;

use anyhow::{Context as _, Result};
use handlebars::template::{HelperTemplate, Template, TemplateElement};
use handlebars::{Context, Handlebars, RenderContext, Renderable, StringOutput};

/// Expression names that stand for folded text; `__folded_lines_3` is the fourth run.
const PLACEHOLDER: &str = "__folded_lines_";

/// Shorter runs are not worth a placeholder.
const MIN_RUN: usize = 48;

/// Renders the template `text`. Whenever folding does not apply or anything fails, the text as
/// written is parsed and rendered instead: folding moves line numbers, so errors come from there.
pub fn render(text: &str, name: &str, engine: &Handlebars, context: &Context) -> Result<String> {
    if let Some(Ok(rendered)) =
        compile_folded(text, name).map(|t| render_parsed(&t, engine, context))
    {
        return Ok(rendered);
    }
    let template = Template::compile_with_name(text, name.to_owned())
        .with_context(|| format!("parsing {name}"))?;
    render_parsed(&template, engine, context)
}

fn render_parsed(template: &Template, engine: &Handlebars, context: &Context) -> Result<String> {
    let mut out = StringOutput::new();
    let mut render_context = RenderContext::new(template.name.as_ref());
    template.render(engine, context, &mut render_context, &mut out)?;
    Ok(out.into_string()?)
}

/// The template parsed with its plain runs folded; `None` when there is nothing to fold, the
/// folded text does not parse, or a placeholder went missing.
fn compile_folded(text: &str, name: &str) -> Option<Template> {
    let folded = fold(text);
    if folded.runs.is_empty() {
        return None;
    }
    let mut template = Template::compile_with_name(&folded.source, name.to_owned()).ok()?;
    (unfold(&mut template, &folded.runs) == folded.runs.len()).then_some(template)
}

struct Folded<'a> {
    /// What the parser reads: `text` with each run replaced by a one-line placeholder.
    source: String,
    /// As Handlebars renders it: `\{{` is `{{`.
    runs: Vec<Cow<'a, str>>,
}

fn fold(text: &str) -> Folded<'_> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let busy = busy_lines(text, &lines);
    let mut folded = Folded {
        source: String::with_capacity(text.len() / 2),
        runs: Vec::new(),
    };
    let (mut index, mut offset) = (0, 0);
    while index < lines.len() {
        let free = busy[index..].iter().take_while(|busy| !**busy).count();
        if free == 0 {
            folded.source.push_str(lines[index]);
            offset += lines[index].len();
            index += 1;
            continue;
        }
        let run: usize = lines[index..index + free].iter().map(|l| l.len()).sum();
        folded.push_run(&text[offset..offset + run]);
        offset += run;
        index += free;
    }
    folded
}

impl<'a> Folded<'a> {
    fn push_run(&mut self, run: &'a str) {
        // The run's last newline stays, so a tag after the run still begins its own line.
        let (body, newline) = match run.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (run, ""),
        };
        if body.len() < MIN_RUN {
            self.source.push_str(run);
            return;
        }
        let index = self.runs.len();
        self.source
            .push_str(&format!("{{{{{PLACEHOLDER}{index}}}}}{newline}"));
        self.runs.push(unescape(body));
    }
}

/// Which lines a tag touches, or a `~` next to a tag may trim. Tags are found the way the
/// grammar finds them: `\{{` is text (GitHub's `${{ }}` in workflows), a `{{!--` comment ends at
/// `--}}`, anything else at `}}`.
fn busy_lines(text: &str, lines: &[&str]) -> Vec<bool> {
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some(start)
        })
        .collect();
    let line_of = |pos: usize| {
        starts
            .partition_point(|&start| start <= pos)
            .saturating_sub(1)
    };
    let mut busy = vec![false; lines.len()];
    let mut mark = |first: usize, last: usize| {
        let last = last.min(text.len().saturating_sub(1)).max(first);
        busy[line_of(first)..=line_of(last)].fill(true);
    };
    // After a `~}}`, Handlebars trims the start of every raw text until the next tag that is
    // not a comment, so no placeholder (itself a tag) may go there.
    let mut trimming: Option<usize> = None;
    let mut from = 0;
    while let Some(found) = text[from..].find("{{") {
        let open = from + found;
        if is_escaped(text, open) {
            from = open + 2;
            continue;
        }
        let close = tag_end(text, open);
        // `{{~` trims the end of the raw text before it.
        let first = if text[open + 2..].starts_with('~') {
            text[..open].trim_end().len()
        } else {
            open
        };
        mark(
            trimming.unwrap_or(first).min(first),
            close.saturating_sub(1),
        );
        let comment = text[open..].starts_with("{{!");
        if !comment {
            trimming = None;
        }
        if text[..close].ends_with("~}}") {
            trimming = trimming.or(Some(close));
        }
        from = close.max(open + 2);
    }
    if let Some(after) = trimming {
        mark(after, text.len());
    }
    busy
}

/// One backslash makes `{{` text; two or more are text themselves, and the tag stays a tag.
fn is_escaped(text: &str, open: usize) -> bool {
    let before = &text[..open];
    before.ends_with('\\') && !before.ends_with("\\\\")
}

fn unescape(body: &str) -> Cow<'_, str> {
    if body.contains("\\{{") {
        Cow::Owned(body.replace("\\{{", "{{"))
    } else {
        Cow::Borrowed(body)
    }
}

/// The byte after the tag that opens at `open`.
fn tag_end(text: &str, open: usize) -> usize {
    let rest = &text[open..];
    let comment_end = rest
        .starts_with("{{!--")
        .then(|| rest.find("--}}").map(|at| at + 4));
    let end = comment_end
        .flatten()
        .or_else(|| rest[2..].find("}}").map(|at| at + 4));
    end.map_or(text.len(), |end| open + end)
}

/// Puts the folded text back in place of its placeholders; returns how many it replaced.
fn unfold(template: &mut Template, runs: &[Cow<str>]) -> usize {
    let mut restored = 0;
    for element in &mut template.elements {
        let run = match element {
            TemplateElement::Expression(helper) => placeholder(helper, runs),
            TemplateElement::HelperBlock(helper) => {
                for inner in [&mut helper.template, &mut helper.inverse] {
                    restored += inner.as_mut().map_or(0, |t| unfold(t, runs));
                }
                None
            }
            TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                restored += block.template.as_mut().map_or(0, |t| unfold(t, runs));
                None
            }
            _ => None,
        };
        if let Some(run) = run {
            *element = TemplateElement::RawString(run.to_owned());
            restored += 1;
        }
    }
    restored
}

fn placeholder<'a>(helper: &HelperTemplate, runs: &'a [Cow<str>]) -> Option<&'a str> {
    if !helper.params.is_empty() || !helper.hash.is_empty() {
        return None;
    }
    let index = helper.name.as_name()?.strip_prefix(PLACEHOLDER)?;
    runs.get(index.parse::<usize>().ok()?)
        .map(|run| run.as_ref())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    use super::*;

    /// A parse with adjacent raw strings joined and empty ones dropped, which is what rendering
    /// sees. `mapping` (line and column per element) is left out because joining changes it.
    fn normalised(template: &Template) -> Vec<TemplateElement> {
        let mut out: Vec<TemplateElement> = Vec::new();
        for element in &template.elements {
            let element = match element.clone() {
                TemplateElement::HelperBlock(mut helper) => {
                    normalise_inner(&mut helper.template);
                    normalise_inner(&mut helper.inverse);
                    TemplateElement::HelperBlock(helper)
                }
                TemplateElement::PartialBlock(mut block) => {
                    normalise_inner(&mut block.template);
                    TemplateElement::PartialBlock(block)
                }
                TemplateElement::DecoratorBlock(mut block) => {
                    normalise_inner(&mut block.template);
                    TemplateElement::DecoratorBlock(block)
                }
                other => other,
            };
            match (out.last_mut(), element) {
                (_, TemplateElement::RawString(text)) if text.is_empty() => {}
                (Some(TemplateElement::RawString(previous)), TemplateElement::RawString(text)) => {
                    previous.push_str(&text)
                }
                (_, element) => out.push(element),
            }
        }
        out
    }

    fn normalise_inner(template: &mut Option<Template>) {
        if let Some(template) = template {
            template.elements = normalised(template);
            template.mapping.clear();
        }
    }

    /// Where folding applies, it must parse to what the plain parse gives; where the plain parse
    /// fails, folding must not succeed (else `render` would accept a broken template).
    fn assert_same_parse(text: &str) {
        let plain = Template::compile_with_name(text, "t".to_owned());
        match (plain, compile_folded(text, "t")) {
            (Ok(plain), Some(fast)) => {
                assert_eq!(normalised(&fast), normalised(&plain), "{text:?}")
            }
            (Err(plain), Some(fast)) => panic!("{text:?}: plain {plain:?}, folded {fast:?}"),
            (_, None) => {}
        }
    }

    fn every_template() -> Vec<(String, &'static str)> {
        let files = super::super::files_below(&super::super::TEMPLATES).into_iter();
        let templates = files.filter(|file| file.path().extension() == Some("hbs".as_ref()));
        templates
            .map(|file| {
                (
                    file.path().display().to_string(),
                    file.contents_utf8().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn every_template_parses_as_it_would_unfolded_and_most_text_skips_the_parser() {
        let (mut written, mut parsed) = (0, 0);
        for (path, text) in every_template() {
            assert_same_parse(text);
            let folded = fold(text);
            assert_eq!(
                compile_folded(text, "t").is_some(),
                !folded.runs.is_empty(),
                "{path}: folded, but fell back to the plain parse"
            );
            written += text.len();
            parsed += folded.source.len();
        }
        // Not a speed test: it proves the folding happens at all on the real templates.
        assert!(
            parsed * 3 < written,
            "the parser still reads {parsed} of {written} bytes"
        );
    }

    #[test]
    fn whitespace_control_and_standalone_tags_keep_their_lines() {
        let long = "plain text that is long enough to be folded away, really it is\n";
        for text in [
            format!(
                "{long}{long}{{{{#if a}}}}\n{long}{long}{{{{else}}}}\n{long}{{{{/if}}}}\n{long}"
            ),
            format!("{long}  {{{{~x~}}}}  \n\n{long}\n{long}   \n{{{{~y}}}}{long}"),
            format!("{{{{!-- a\n{long}{long} --}}}}\n{long}{{{{! b\n{long} }}}}{long}"),
            format!(
                "{long}\\{{{{ not a tag\n{long}{{{{{{{{raw}}}}}}}}\n{long}{{{{{{{{/raw}}}}}}}}\n"
            ),
            format!("{long}  {{{{> part}}}}\n{long}{{{{#each xs as |x|}}}}\n{long}{{{{/each}}}}"),
            format!("{long}{{{{#if a}}}}\n{long}"), // unclosed: the same error either way
        ] {
            assert_same_parse(&text);
        }
    }

    #[test]
    fn errors_name_the_line_as_written() {
        let long = "plain text that is long enough to be folded away, really it is\n";
        let mut engine = Handlebars::new();
        engine.set_strict_mode(true);
        let context = Context::wraps(serde_json::json!({ "a": true })).unwrap();
        let folded =
            |text: &str| format!("{:#}", render(text, "t", &engine, &context).unwrap_err());
        let plain = |text: &str| {
            let template = Template::compile_with_name(text, "t".to_owned());
            let error = match template {
                Ok(template) => render_parsed(&template, &engine, &context).unwrap_err(),
                Err(error) => anyhow::Error::from(error).context("parsing t"),
            };
            format!("{error:#}")
        };

        let unclosed = format!("{long}{long}{{{{#if a}}}}\n{long}{long}{{{{/each}}}}\n");
        assert_eq!(folded(&unclosed), plain(&unclosed));
        assert!(
            folded(&unclosed).contains(long.trim_end()),
            "{}",
            folded(&unclosed)
        );

        let missing =
            format!("{long}{long}{{{{#if a}}}}\n{long}{long}{{{{missing}}}}\n{{{{/if}}}}\n");
        let error = folded(&missing);
        assert_eq!(error, plain(&missing));
        assert!(
            error.contains("line 6") && !error.contains(PLACEHOLDER),
            "{error}"
        );
    }

    /// Lines of plain text (long enough to fold) mixed with lines of tags, so that folded runs
    /// often meet standalone tags, `~`, escapes, comments and raw blocks.
    fn template_text() -> impl Strategy<Value = String> {
        let tag = prop_oneof![
            Just("{{x}}"),
            Just("{{#if a}}"),
            Just("{{else}}"),
            Just("{{/if}}"),
            Just("{{~y~}}"),
            Just("{{~#each xs}}"),
            Just("{{/each~}}"),
            Just("{{!-- a comment\nover lines --}}"),
            Just("{{! short }}"),
            Just("{{> part}}"),
            Just("{{#> layout}}"),
            Just("{{/layout}}"),
            Just("{{#*inline \"p\"}}"),
            Just("{{/inline}}"),
            Just("\\{{ escaped }}"),
            Just("\\\\{{z}}"),
            Just("{{{{raw}}}}"),
            Just("{{{{/raw}}}}"),
            Just("{{#if b\n  }}"),
            Just("}}"),
            Just("  "),
            Just("text"),
        ];
        let line = prop_oneof![
            Just("plain words that are long enough to fold, with no tags at all".to_owned()),
            Just("    indented line, also plenty long for the folding threshold".to_owned()),
            Just(
                "a line with GitHub's $\\{{ secrets.TOKEN }} in it, long enough to fold".to_owned()
            ),
            Just(String::new()),
            Just("   \t".to_owned()),
            prop::collection::vec(tag, 1..4).prop_map(|tags| tags.concat()),
            "[a-z {}~#/\\\\]{0,12}",
        ];
        let ending = prop_oneof![8 => Just("\n"), 1 => Just("\r\n"), 1 => Just("")];
        prop::collection::vec((line, ending), 0..30).prop_map(|lines| {
            lines
                .into_iter()
                .map(|(line, ending)| line + ending)
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            // Cheap cases, and some of the pairings that matter are rare.
            cases: 1024,
            // Beside the integration tests' seeds, so that one folder holds them all.
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/proptest-regressions/fold.txt"
            )))),
            ..ProptestConfig::default()
        })]

        #[test]
        fn folding_never_changes_what_a_template_parses_to(text in template_text()) {
            assert_same_parse(&text);
        }
    }
}
