//! The terminal: whether we may ask, how we ask, and whether output is coloured.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use crate::plugin::{PluginKind, PluginName};

/// Colours follow the `NO_COLOR` convention and stay off in CI logs.
pub fn init_colors() {
    let disabled = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if disabled {
        console::set_colors_enabled(false);
        console::set_colors_enabled_stderr(false);
    }
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
        let text: String = Input::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(|text: &String| parse(text.trim()).map(drop).map_err(|e| e.to_string()))
            .interact_text()
            .context("reading an answer from the terminal")?;
        Ok(parse(text.trim())?)
    }
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
            .interact()
            .context("reading the plugin kind from the terminal")?;
        Ok(PluginKind::ALL[index])
    }

    fn backend(&mut self, kind: PluginKind) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt(format!(
                "Does the {} have a Rust backend?",
                kind.plugin_type()
            ))
            .default(false)
            .interact()
            .context("reading the backend choice from the terminal")
    }

    fn name(&mut self) -> Result<PluginName> {
        self.ask_part("Plugin name (e.g. weather)", PluginName::name)
    }

    fn org(&mut self) -> Result<PluginName> {
        self.ask_part("Organisation (e.g. acme)", PluginName::org)
    }
}
