use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

/// The kinds of plugin `new` can scaffold. This enum is the single source of truth: adding a kind
/// means one variant here, its facts in the methods below, and one `templates/frontend/<kind>/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// Custom pages, UI extensions and bundled plugins
    App,
    /// Queries data from a custom source
    Datasource,
    /// A visualization for data or a widget
    Panel,
    /// An app whose pages are built with Grafana Scenes
    #[value(name = "scenesapp", alias = "scenes-app")]
    ScenesApp,
}

impl PluginKind {
    pub const ALL: [PluginKind; 4] = [Self::App, Self::Datasource, Self::Panel, Self::ScenesApp];

    /// The name users type and the name of the kind's template folder.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Datasource => "datasource",
            Self::Panel => "panel",
            Self::ScenesApp => "scenesapp",
        }
    }

    /// The `type` in plugin.json, which is also the last part of the plugin id.
    pub fn plugin_type(self) -> &'static str {
        match self {
            Self::App | Self::ScenesApp => "app",
            Self::Datasource => "datasource",
            Self::Panel => "panel",
        }
    }

    /// The label shown in the interactive selection.
    pub fn label(self) -> &'static str {
        match self {
            Self::App => "App (custom pages, UI extensions, bundled plugins)",
            Self::Datasource => "Data source (query data from a custom source)",
            Self::Panel => "Panel (a visualization for data or a widget)",
            Self::ScenesApp => "App with Scenes (dynamic dashboards in app pages)",
        }
    }

    /// The kind's frontend template layers under `templates/frontend/`, in order. Both app kinds
    /// share `_apps` (the configuration page and its tests) before their own folder.
    pub fn frontend_layers(self) -> &'static [&'static str] {
        match self {
            Self::App => &["_apps", "app"],
            Self::Datasource => &["datasource"],
            Self::Panel => &["panel"],
            Self::ScenesApp => &["_apps", "scenesapp"],
        }
    }

    /// The kind's backend template layers under `templates/backend/`, in order: what every Rust
    /// backend has, then the app or data source services. Grafana runs no backend for panels.
    pub fn backend_layers(self) -> &'static [&'static str] {
        match self {
            Self::App | Self::ScenesApp => &["_shared", "app"],
            Self::Datasource => &["_shared", "datasource"],
            Self::Panel => &[],
        }
    }

    pub fn can_have_backend(self) -> bool {
        !self.backend_layers().is_empty()
    }
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_types_are_the_three_grafana_knows() {
        let types: Vec<_> = PluginKind::ALL.map(PluginKind::plugin_type).to_vec();
        assert_eq!(types, ["app", "datasource", "panel", "app"]);
    }

    #[test]
    fn only_panels_cannot_have_a_backend() {
        for kind in PluginKind::ALL {
            assert_eq!(kind.can_have_backend(), kind != PluginKind::Panel, "{kind}");
        }
        assert_eq!(
            PluginKind::ScenesApp.backend_layers(),
            PluginKind::App.backend_layers()
        );
    }

    #[test]
    fn each_kind_ends_with_its_own_frontend_folder() {
        for kind in PluginKind::ALL {
            assert_eq!(kind.frontend_layers().last(), Some(&kind.as_str()));
        }
    }

    #[test]
    fn clap_names_match_template_folders() {
        for kind in PluginKind::ALL {
            let value = kind.to_possible_value().expect("every kind is selectable");
            assert_eq!(value.get_name(), kind.as_str());
        }
    }
}
