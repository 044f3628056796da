//! A backend's log lines as Grafana's log shows them to a person. Backends write hclog JSON on
//! stderr (`{"@level":"debug","@message":"query","pluginId":…}`), which Grafana parses into
//! `level`, message and fields; printed raw, the fields drown in quotes and braces.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// hclog's own keys that say nothing a reader of `dev`'s output needs: when (the line appears
/// as it happens) and which logger (the line is already prefixed with its source).
const HIDDEN: [&str; 2] = ["@timestamp", "@module"];

/// `DEBUG query pluginId=… refIds=["A"]` for an hclog JSON line, with the level coloured when
/// `colors`; any other line as it is.
pub fn readable(line: &str, colors: bool) -> Cow<'_, str> {
    match parse(line) {
        Some(entry) => Cow::Owned(entry.render(colors)),
        None => Cow::Borrowed(line),
    }
}

/// A JSON object's entries in the order the backend wrote them (serde_json's map sorts them).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Ordered)
    }
}

struct Entry {
    level: String,
    message: String,
    fields: Vec<(String, Value)>,
}

/// An hclog line is a JSON object with `@level`; other JSON (a plugin printing data) is not one.
fn parse(line: &str) -> Option<Entry> {
    if !line.trim_start().starts_with('{') {
        return None;
    }
    let Entries(entries) = serde_json::from_str(line).ok()?;
    let (mut level, mut message) = (None, String::new());
    let mut fields = Vec::new();
    for (key, value) in entries {
        match (key.as_str(), value) {
            ("@level", Value::String(text)) => level = Some(text.to_uppercase()),
            ("@message", Value::String(text)) => message = text,
            (hidden, _) if HIDDEN.contains(&hidden) => {}
            (_, value) => fields.push((key, value)),
        }
    }
    Some(Entry {
        level: level?,
        message,
        fields,
    })
}

impl Entry {
    fn render(&self, colors: bool) -> String {
        let level = console::style(&self.level).force_styling(colors);
        let level = match self.level.as_str() {
            "ERROR" => level.red().bold(),
            "WARN" => level.yellow(),
            "INFO" => level.green(),
            "DEBUG" => level.blue(),
            _ => level.dim(),
        };
        let mut text = format!("{level} {}", self.message);
        for (key, value) in &self.fields {
            text.push_str(&format!(" {key}={}", value_text(value)));
        }
        text
    }
}

/// logfmt as Grafana writes it: strings bare unless empty or holding spaces, arrays `[a b]`, and
/// objects `{key=value …}`.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) if text.is_empty() || text.contains(char::is_whitespace) => {
            Value::String(text.clone()).to_string()
        }
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value_text).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(key, value)| format!("{key}={}", value_text(value)))
                .collect();
            format!("{{{}}}", items.join(" "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generated backend writes for a query (grafana-plugin-sdk's hclog layer).
    const QUERY: &str = r#"{"@timestamp":"2026-11-30T12:00:00.000001+00:00","@level":"DEBUG","@message":"plugin request","pluginId":"acme-wx-datasource","endpoint":"queryData","orgId":1,"refIds":"[\"A\"]","target":"gpx_wx::logging"}"#;

    #[test]
    fn an_hclog_line_reads_as_level_message_and_fields_in_their_order() {
        assert_eq!(
            readable(QUERY, false),
            r#"DEBUG plugin request pluginId=acme-wx-datasource endpoint=queryData orgId=1 refIds=["A"] target=gpx_wx::logging"#
        );
        let hclog = r#"{"@level":"info","@message":"ready","@module":"plugin.x","@timestamp":"t"}"#;
        assert_eq!(readable(hclog, false), "INFO ready");
    }

    #[test]
    fn nested_values_read_as_logfmt() {
        let line = r#"{"@level":"warn","@message":"slow query","refIds":["A","B"],"span":{"name":"query","ms":12.5},"note":"took a while","empty":"","ok":true,"none":null}"#;
        assert_eq!(
            readable(line, false),
            r#"WARN slow query refIds=[A B] span={ms=12.5 name=query} note="took a while" empty="" ok=true none=null"#
        );
    }

    #[test]
    fn other_lines_pass_through_unchanged() {
        for line in [
            "thread 'main' panicked at pkg/main.rs:3:5",
            r#"{"not":"hclog"}"#,
            r#"{"@level":"debug","@message":"cut off"#,
            "[1, 2]",
            "",
        ] {
            assert!(
                matches!(readable(line, false), Cow::Borrowed(l) if l == line),
                "{line}"
            );
        }
    }

    #[test]
    fn the_level_is_coloured_only_when_colours_are_on() {
        let coloured = readable(QUERY, true);
        assert!(
            coloured.contains("\u{1b}[34mDEBUG\u{1b}[0m"),
            "{coloured:?}"
        );
        assert!(!readable(QUERY, false).contains('\u{1b}'));
    }
}
