//! The terminal: whether we may ask, how we ask, and whether output is coloured.

use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Input, Select};
use serde::Serialize;

use crate::plugin::{NameError, PluginKind, PluginName};

/// Colours follow the `NO_COLOR` convention and stay off in CI logs.
pub fn init_colors() {
    if plain_requested() {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
}

fn plain_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Writes a command's result to stdout in one piece. A reader that has read enough (`| head`)
/// closes the pipe; that ends the output, not the command, so the rest is dropped quietly and the
/// exit status stays the command's own. SIGPIPE stays ignored (Rust's default) rather than reset,
/// as dev, check and build own child processes.
pub fn print_result(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("writing the result to stdout"),
    }
}

/// The one JSON object `--json` promises, pretty-printed.
pub fn print_json(report: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(report).context("serialising the report")?;
    print_result(|out| writeln!(out, "{text}"))
}

/// Progress bars and spinners only where someone watches them redraw: a terminal on stderr,
/// outside CI and without `NO_COLOR`. Elsewhere progress is plain lines.
pub fn animations() -> bool {
    std::io::stderr().is_terminal() && !plain_requested()
}

/// Prompts are read from stdin and drawn on stderr, so both must be terminals; otherwise
/// (CI, pipes, redirected output) we never ask and never hang.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The questions `new` may ask. A trait so the answer logic can be tested with scripted answers.
pub trait Prompter {
    fn kind(&mut self) -> Result<PluginKind>;
    fn backend(&mut self, kind: PluginKind) -> Result<bool>;
    fn name(&mut self) -> Result<PluginName>;
    fn org(&mut self) -> Result<PluginName>;
}

/// Interactive prompts with dialoguer.
pub struct TerminalPrompter {
    theme: ColorfulTheme,
}

impl TerminalPrompter {
    pub fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }

    fn ask_part(
        &self,
        prompt: &str,
        parse: fn(&str) -> Result<PluginName, NameError>,
    ) -> Result<PluginName> {
        // Empty answers reach the validator, which says the answer is required; dialoguer alone
        // would ask again without a word.
        let text = ask("an answer", true, || {
            Input::<String>::with_theme(&self.theme)
                .with_prompt(prompt)
                .allow_empty(true)
                .validate_with(|text: &String| {
                    clear_wrapped_answer(&self.theme, prompt, text);
                    match parse(text.trim()) {
                        Ok(_) => Ok(()),
                        Err(error) => Err(fit_to_terminal(&answer_problem(text, &error))),
                    }
                })
                .interact_text()
        })?;
        Ok(parse(text.trim())?)
    }
}

/// A name or organisation problem, worded for someone typing an answer rather than a flag.
fn answer_problem(answer: &str, error: &NameError) -> String {
    let text = error.to_string();
    // The first line says what is wrong; the rest is help about the flag, replaced here.
    let problem = text.lines().next().unwrap_or_default();
    match (answer.trim().is_empty(), error.suggestion()) {
        (true, _) => "an answer is required: type lowercase letters and digits".to_owned(),
        (false, Some(suggestion)) => format!("{problem}\ntry: {suggestion}"),
        (false, None) => format!("{problem}\ntype lowercase letters and digits"),
    }
}

/// What the backend question accepts: y, yes, n or no in any case, or nothing for no.
fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "n" | "no" => Some(false),
        "y" | "yes" => Some(true),
        _ => None,
    }
}

/// dialoguer clears as many rows as an error has line breaks, so a message the terminal wraps
/// leaves rows behind that pile up with each wrong answer. Breaking lines ourselves, one column
/// short of the width (a full row leaves the cursor in limbo), keeps the count right.
fn fit_to_terminal(message: &str) -> String {
    let columns = usize::from(console::Term::stderr().size().1);
    // The theme puts "✘ " before the first row; later rows are indented to match.
    wrap(message, columns.saturating_sub(3).max(1), "  ")
}

fn wrap(message: &str, width: usize, indent: &str) -> String {
    let mut rows: Vec<String> = Vec::new();
    for line in message.lines() {
        let mut row = String::new();
        for word in line.split(' ').filter(|word| !word.is_empty()) {
            for piece in split_long_word(word, width) {
                let width_with_piece =
                    console::measure_text_width(&row) + 1 + console::measure_text_width(&piece);
                if !row.is_empty() && width_with_piece > width {
                    rows.push(std::mem::take(&mut row));
                }
                if !row.is_empty() {
                    row.push(' ');
                }
                row.push_str(&piece);
            }
        }
        rows.push(row);
    }
    rows.join(&format!("\n{indent}"))
}

/// dialoguer clears only the cursor's row before it validates an answer, so an answer that
/// wrapped would leave its earlier rows on screen. Validation is the first moment we see the
/// answer, and the cursor still sits on its last row.
fn clear_wrapped_answer(theme: &dyn Theme, prompt: &str, answer: &str) {
    let term = console::Term::stderr();
    let columns = usize::from(term.size().1).max(1);
    let mut shown = String::new();
    if theme.format_input_prompt(&mut shown, prompt, None).is_err() {
        return;
    }
    let width = console::measure_text_width(&shown) + console::measure_text_width(answer);
    // A row filled to the last column keeps the cursor on it until the next character.
    let rows_above = width.saturating_sub(1) / columns;
    if rows_above > 0 {
        let _ = term.clear_last_lines(rows_above);
    }
}

/// A word wider than a row (a long pasted answer) is cut, since a wrap would miscount rows.
fn split_long_word(word: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|chunk| chunk.iter().collect())
        .collect()
}

/// Runs one prompt. A prompt reads keys in raw mode, where Ctrl-C is a key it turns into an
/// error; our handler is held off meanwhile, so that this error is what ends the process, with
/// its message after a line break, rather than a race between the two. A Ctrl-C that arrives as
/// a signal while the prompt waits for a key also ends the wait with that error.
///
/// `typing` says the cursor waits on the prompt's row, after the answer typed so far (a text
/// prompt) rather than below a list (a select), so the message needs a line break first.
fn ask<T>(what: &str, typing: bool, prompt: impl FnOnce() -> dialoguer::Result<T>) -> Result<T> {
    let _deferred = crate::interrupt::Deferred::start();
    if crate::interrupt::requested() {
        return Err(anyhow::Error::new(crate::error::Interrupted));
    }
    let dialoguer::Error::IO(error) = match prompt() {
        Ok(answer) => return Ok(answer),
        Err(error) => error,
    };
    if error.kind() == std::io::ErrorKind::Interrupted || crate::interrupt::requested() {
        if typing {
            let _ = console::Term::stderr().write_line("");
        }
        return Err(anyhow::Error::new(crate::error::Interrupted));
    }
    Err(error).with_context(|| format!("reading {what} from the terminal"))
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

impl Prompter for TerminalPrompter {
    fn kind(&mut self) -> Result<PluginKind> {
        let labels = PluginKind::ALL.map(PluginKind::label);
        let index = ask("the plugin kind", false, || {
            Select::with_theme(&self.theme)
                .with_prompt("What kind of plugin?")
                .items(labels)
                .default(0)
                .interact()
        })?;
        Ok(PluginKind::ALL[index])
    }

    /// An answer is read up to Enter: a one-key confirm would take the `y` of `yes` and leave
    /// `es` for the next question.
    fn backend(&mut self, kind: PluginKind) -> Result<bool> {
        let prompt = format!("Does the {} have a Rust backend? (y/N)", kind.plugin_type());
        let answer = ask("the backend choice", true, || {
            Input::<String>::with_theme(&self.theme)
                .with_prompt(&prompt)
                .default("no".to_owned())
                .show_default(false)
                .report(false)
                .validate_with(|text: &String| {
                    clear_wrapped_answer(&self.theme, &prompt, text);
                    match parse_yes_no(text) {
                        Some(_) => Ok(()),
                        None => Err(fit_to_terminal(
                            "type y or n, then Enter (Enter alone means no)",
                        )),
                    }
                })
                .interact_text()
        })?;
        let backend = parse_yes_no(&answer).unwrap_or(false);
        // The answer is shown as the word it means, whichever spelling was typed.
        let mut shown = String::new();
        let word = if backend { "yes" } else { "no" };
        self.theme
            .format_input_prompt_selection(&mut shown, &prompt, word)
            .expect("formatting into a String");
        console::Term::stderr()
            .write_line(&shown)
            .context("writing the backend choice to the terminal")?;
        Ok(backend)
    }

    fn name(&mut self) -> Result<PluginName> {
        self.ask_part("Plugin name (e.g. weather)", PluginName::name)
    }

    fn org(&mut self) -> Result<PluginName> {
        self.ask_part("Organisation (e.g. acme)", PluginName::org)
    }
}

/// Quotes a path for a POSIX shell only when it needs it, so the common case stays readable.
pub fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("acme-weather-app"), "acme-weather-app");
        assert_eq!(shell_quote("my plugins/x"), "'my plugins/x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn yes_and_no_are_whole_words_in_any_case() {
        for yes in ["y", "Y", "yes", "YES", "Yes", " yes "] {
            assert_eq!(parse_yes_no(yes), Some(true), "{yes:?}");
        }
        for no in ["", "n", "N", "no", "NO", "No"] {
            assert_eq!(parse_yes_no(no), Some(false), "{no:?}");
        }
        for other in ["es", "o", "yep", "nope", "maybe", "y n", "1", "true"] {
            assert_eq!(parse_yes_no(other), None, "{other:?}");
        }
    }

    #[test]
    fn answer_problems_say_what_to_type_not_which_flag() {
        let error = PluginName::name("Weather").unwrap_err();
        let text = answer_problem("Weather", &error);
        assert!(text.ends_with("\ntry: weather"), "{text}");
        assert!(!text.contains("--name"), "{text}");
        let empty = answer_problem("", &PluginName::org("").unwrap_err());
        assert!(empty.contains("required"), "{empty}");
    }

    #[test]
    fn wrapped_rows_fit_the_width_and_keep_every_word() {
        let error = PluginName::name("Weather!").unwrap_err();
        let message = answer_problem("Weather!", &error);
        for width in [20, 40, 77] {
            let wrapped = wrap(&message, width, "");
            for row in wrapped.lines() {
                assert!(
                    console::measure_text_width(row) <= width,
                    "{row:?} > {width}"
                );
            }
            let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(words(&wrapped), words(&message));
        }
        let long = wrap(&"x".repeat(50), 20, "");
        assert_eq!(long.lines().count(), 3, "{long}");
    }
}
