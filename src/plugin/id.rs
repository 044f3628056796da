//! Plugin names and ids, validated against plugin.json's id pattern
//! `^[0-9a-z]+\-([0-9a-z]+\-)?(app|panel|datasource)$`.

use std::fmt;

use super::PluginKind;

/// Longer parts make ids, directory names and container names unwieldy; Grafana's catalog has no
/// id anywhere near this long.
const MAX_PART_LEN: usize = 40;

/// Which part of the id a text is meant to be; only used to word errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Name,
    Org,
}

impl Part {
    fn noun(self) -> &'static str {
        match self {
            Part::Name => "plugin name",
            Part::Org => "organisation",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Part::Name => "--name",
            Part::Org => "--org",
        }
    }
}

/// One validated part of a plugin id: lowercase ASCII letters and digits, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginName(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    part: Part,
    given: String,
    problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    Empty,
    BadCharacters(Vec<char>),
    StartsWithDigit,
    TooLong(usize),
    Reserved(&'static str),
}

impl PluginName {
    pub fn name(text: &str) -> Result<Self, NameError> {
        Self::parse(Part::Name, text)
    }

    pub fn org(text: &str) -> Result<Self, NameError> {
        Self::parse(Part::Org, text)
    }

    fn parse(part: Part, text: &str) -> Result<Self, NameError> {
        let error = |problem| NameError {
            part,
            given: text.to_owned(),
            problem,
        };
        if text.is_empty() {
            return Err(error(Problem::Empty));
        }
        let mut bad: Vec<char> = text.chars().filter(|c| !is_id_char(*c)).collect();
        bad.dedup();
        if !bad.is_empty() {
            return Err(error(Problem::BadCharacters(bad)));
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(error(Problem::StartsWithDigit));
        }
        if text.len() > MAX_PART_LEN {
            return Err(error(Problem::TooLong(text.len())));
        }
        if let Some(reason) = reserved(part, text) {
            return Err(error(Problem::Reserved(reason)));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `weather` → `Weather`, for plugin.json's human-readable `name`.
    pub fn title(&self) -> String {
        let mut chars = self.0.chars();
        chars
            .next()
            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn reserved(part: Part, text: &str) -> Option<&'static str> {
    match (part, text) {
        (Part::Name, "app" | "panel" | "datasource") => {
            Some("it is a plugin type, and would make the id read like a type")
        }
        (Part::Org, "grafana") => {
            Some("it is reserved for plugins published by Grafana Labs; use your own organisation")
        }
        _ => None,
    }
}

/// What the user most likely meant: lowercased, accents folded, other characters dropped.
fn suggest(text: &str) -> Option<String> {
    let mut folded = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold_accent(c) {
            Some(plain) => folded.push_str(plain),
            None => folded.push(c),
        }
    }
    let suggestion: String = folded
        .chars()
        .filter(|c| is_id_char(*c))
        .skip_while(char::is_ascii_digit)
        .take(MAX_PART_LEN)
        .collect();
    (!suggestion.is_empty() && suggestion != text).then_some(suggestion)
}

/// The common Latin accents, so that `wëather` suggests `weather` rather than `wather`.
fn fold_accent(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåā", "a"),
        ("çćč", "c"),
        ("ďđ", "d"),
        ("èéêëēėęě", "e"),
        ("ğ", "g"),
        ("ìíîïī", "i"),
        ("ł", "l"),
        ("ñńň", "n"),
        ("òóôõöøō", "o"),
        ("ř", "r"),
        ("śšş", "s"),
        ("ť", "t"),
        ("ùúûüūů", "u"),
        ("ýÿ", "y"),
        ("źżž", "z"),
        ("æ", "ae"),
        ("œ", "oe"),
        ("ß", "ss"),
    ];
    TABLE
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

impl NameError {
    /// A valid spelling close to what was given, if there is one.
    pub fn suggestion(&self) -> Option<String> {
        suggest(&self.given)
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = self.part.noun();
        let given = &self.given;
        match &self.problem {
            Problem::Empty => write!(f, "the {noun} is empty")?,
            Problem::BadCharacters(bad) => {
                let shown: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
                write!(
                    f,
                    "invalid {noun} {given:?}: {} not allowed; Grafana plugin ids allow only \
                     lowercase letters a-z and digits 0-9 in each part",
                    shown.join(", ")
                )?
            }
            Problem::StartsWithDigit => write!(
                f,
                "invalid {noun} {given:?}: it must start with a letter (it also names the Cargo \
                 package and the npm package)"
            )?,
            Problem::TooLong(len) => write!(
                f,
                "invalid {noun} {given:?}: {len} characters, at most {MAX_PART_LEN} are allowed"
            )?,
            Problem::Reserved(reason) => write!(f, "invalid {noun} {given:?}: {reason}")?,
        }
        match self.suggestion() {
            Some(suggestion) => write!(f, "\n  help: try `{} {suggestion}`", self.part.flag()),
            None => write!(
                f,
                "\n  help: pass {} with lowercase letters and digits, e.g. `{} {}`",
                self.part.flag(),
                self.part.flag(),
                match self.part {
                    Part::Name => "weather",
                    Part::Org => "myorg",
                }
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// `<org>-<name>-<type>`, the id Grafana loads the plugin by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginId {
    pub org: PluginName,
    pub name: PluginName,
    pub kind: PluginKind,
}

impl PluginId {
    /// Reads the id of an existing plugin of `kind`, made by this tool, by create-plugin or by
    /// hand. The error says which of this tool's rules the id breaks, without a flag to pass:
    /// the id is in a file, not on the command line.
    pub fn parse(id: &str, kind: PluginKind) -> Result<Self, String> {
        let parts: Vec<&str> = id.split('-').collect();
        let [org, name, suffix] = parts[..] else {
            return Err(format!(
                "it has {} part(s) joined by `-`, not the three of <org>-<name>-<type>",
                parts.len()
            ));
        };
        if suffix != kind.plugin_type() {
            return Err(format!(
                "it ends in `{suffix}`, but its type is `{}`",
                kind.plugin_type()
            ));
        }
        let first_line = |error: NameError| {
            let text = error.to_string();
            text.lines().next().unwrap_or_default().to_owned()
        };
        Ok(Self {
            org: PluginName::org(org).map_err(first_line)?,
            name: PluginName::name(name).map_err(first_line)?,
            kind,
        })
    }

    /// create-plugin's convention for the backend executable, kept so Grafana's docs apply.
    pub fn executable(&self) -> String {
        format!("gpx_{}", self.name.as_str())
    }
}

impl fmt::Display for PluginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.org.as_str(),
            self.name.as_str(),
            self.kind.plugin_type()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// plugin.json's id pattern, checked by hand so the test does not share code with the parser.
    fn matches_id_pattern(id: &str) -> bool {
        let parts: Vec<&str> = id.split('-').collect();
        let part_ok = |p: &str| !p.is_empty() && p.chars().all(is_id_char);
        matches!(parts.len(), 3 | 4)
            && parts[..parts.len() - 1].iter().all(|p| part_ok(p))
            && ["app", "panel", "datasource"].contains(parts.last().unwrap())
    }

    fn id(org: &str, name: &str, kind: PluginKind) -> PluginId {
        PluginId {
            org: PluginName::org(org).unwrap(),
            name: PluginName::name(name).unwrap(),
            kind,
        }
    }

    #[test]
    fn ids_follow_grafana_convention() {
        assert_eq!(
            id("acme", "weather", PluginKind::Datasource).to_string(),
            "acme-weather-datasource"
        );
        assert_eq!(
            id("acme", "weather", PluginKind::ScenesApp).to_string(),
            "acme-weather-app"
        );
        for kind in PluginKind::ALL {
            assert!(matches_id_pattern(&id("a1", "b2", kind).to_string()));
        }
    }

    #[test]
    fn existing_ids_are_read_back_or_refused_with_the_rule_they_break() {
        let parsed = PluginId::parse("acme-weather-datasource", PluginKind::Datasource).unwrap();
        assert_eq!(parsed, id("acme", "weather", PluginKind::Datasource));
        let scenes = PluginId::parse("acme-weather-app", PluginKind::ScenesApp).unwrap();
        assert_eq!(scenes.to_string(), "acme-weather-app");
        for (given, kind, says) in [
            ("acme-datasource", PluginKind::Datasource, "2 part(s)"),
            ("a-b-c-datasource", PluginKind::Datasource, "4 part(s)"),
            ("acme-weather-app", PluginKind::Datasource, "ends in `app`"),
            (
                "Acme-weather-app",
                PluginKind::App,
                "invalid organisation \"Acme\"",
            ),
            (
                "acme-9lives-app",
                PluginKind::App,
                "must start with a letter",
            ),
        ] {
            let error = PluginId::parse(given, kind).unwrap_err();
            assert!(error.contains(says), "{given}: {error}");
            assert!(!error.contains("help:"), "{given}: {error}");
        }
    }

    #[test]
    fn executable_is_gpx_and_name() {
        assert_eq!(
            id("acme", "weather", PluginKind::App).executable(),
            "gpx_weather"
        );
    }

    #[test]
    fn accepts_lowercase_alphanumerics() {
        for ok in ["weather", "w", "weather2", "a1b2c3"] {
            assert_eq!(PluginName::name(ok).unwrap().as_str(), ok);
        }
        assert!(PluginName::name(&"a".repeat(MAX_PART_LEN)).is_ok());
    }

    #[test]
    fn rejects_with_reason_and_suggestion() {
        let cases = [
            ("", "is empty", None),
            ("Weather", "'W'", Some("weather")),
            ("wëather", "'ë'", Some("weather")),
            ("my weather", "' '", Some("myweather")),
            ("my-weather", "'-'", Some("myweather")),
            ("../etc", "'.', '/'", Some("etc")),
            ("a/b", "'/'", Some("ab")),
            ("1weather", "must start with a letter", Some("weather")),
            ("-weather", "'-'", Some("weather")),
            ("panel", "plugin type", None),
            ("日本", "'日', '本'", None),
        ];
        for (given, fragment, suggestion) in cases {
            let error = PluginName::name(given).expect_err(given);
            let text = error.to_string();
            assert!(text.contains(fragment), "{given:?}: {text}");
            assert_eq!(error.suggestion().as_deref(), suggestion, "{given:?}");
            assert!(text.contains("help:"), "{given:?}: {text}");
        }
    }

    #[test]
    fn too_long_is_refused_and_the_suggestion_fits() {
        let long = "a".repeat(MAX_PART_LEN + 1);
        let error = PluginName::name(&long).unwrap_err();
        assert!(error.to_string().contains("at most 40"));
        assert_eq!(error.suggestion().map(|s| s.len()), Some(MAX_PART_LEN));
    }

    #[test]
    fn grafana_org_is_reserved() {
        let error = PluginName::org("grafana").unwrap_err().to_string();
        assert!(
            error.contains("Grafana Labs") && error.contains("--org"),
            "{error}"
        );
    }

    #[test]
    fn every_suggestion_is_valid() {
        for given in ["Wëather", "ACME Corp", "--x--", "9lives", "Ærø", "straße"] {
            if let Some(s) = PluginName::name(given).unwrap_err().suggestion() {
                assert!(PluginName::name(&s).is_ok(), "{given:?} suggested {s:?}");
            }
        }
    }

    #[test]
    fn title_capitalises_the_first_letter() {
        assert_eq!(PluginName::name("weather").unwrap().title(), "Weather");
    }
}
