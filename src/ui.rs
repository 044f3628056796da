//! The terminal: whether we may ask, how we ask, and whether output is coloured.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use crate::plugin::{PluginKind, PluginName};

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
        parse: fn(&str) -> Result<PluginName, crate::plugin::NameError>,
    ) -> Result<PluginName> {
        let text = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(|text: &String| parse(text.trim()).map(drop).map_err(|e| e.to_string()))
            .interact_text();
        let text = answered(text, "an answer")?;
        Ok(parse(text.trim())?)
    }
}

/// Ctrl-C can interrupt the terminal read before our handler ends the process; that is the
/// user stopping, not a terminal failure.
fn answered<T>(result: dialoguer::Result<T>, what: &str) -> Result<T> {
    let dialoguer::Error::IO(error) = match result {
        Ok(answer) => return Ok(answer),
        Err(error) => error,
    };
    if error.kind() == std::io::ErrorKind::Interrupted || crate::interrupt::requested() {
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
        let index = Select::with_theme(&self.theme)
            .with_prompt("What kind of plugin?")
            .items(labels)
            .default(0)
            .interact();
        let index = answered(index, "the plugin kind")?;
        Ok(PluginKind::ALL[index])
    }

    fn backend(&mut self, kind: PluginKind) -> Result<bool> {
        let answer = Confirm::with_theme(&self.theme)
            .with_prompt(format!(
                "Does the {} have a Rust backend?",
                kind.plugin_type()
            ))
            .default(false)
            .interact();
        answered(answer, "the backend choice")
    }

    fn name(&mut self) -> Result<PluginName> {
        self.ask_part("Plugin name (e.g. weather)", PluginName::name)
    }

    fn org(&mut self) -> Result<PluginName> {
        self.ask_part("Organisation (e.g. acme)", PluginName::org)
    }
}
