//! Setting `"backend": true` and `"executable"` in the user's `src/plugin.json` by editing its
//! text, never by re-serialising: the user's formatting, key order and other members stay as they
//! are. serde_json only checks the input and the result.

use anyhow::{bail, Result};
use serde_json::Value;

use crate::scaffold::json_edit::top_level_members;

/// `text` with `"backend": true` and `"executable": "<executable>"` as top-level members: values
/// replaced where the keys exist, otherwise inserted where Grafana's templates have them, just
/// before `"info"` (else after `"type"`), the executable after `"backend"`, spaced like the member
/// they follow.
pub fn set_backend(text: &str, executable: &str) -> Result<String> {
    let before: Value = serde_json::from_str(text)?;
    let members = top_level_members(text);
    let find = |key: &str| members.iter().rev().find(|m| m.key == key);
    let before_info = match members.iter().position(|m| m.key == "info") {
        Some(at) if at > 0 => Some(&members[at - 1]),
        _ => None,
    };
    let Some(anchor) = before_info.or_else(|| find("type")) else {
        bail!("it has no \"type\"");
    };
    let executable_literal = serde_json::to_string(executable)?;
    // (offset, removed length, inserted text), applied from the end so offsets stay valid.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    // The first member follows `{` and may be spaced unlike the others (`{"type": "app", …`).
    let spacing = match &members[..] {
        [first, second, ..] if std::ptr::eq(first, anchor) => second.spacing(text),
        _ => anchor.spacing(text),
    };
    let member =
        |key: &str, value: &str| format!(",{spacing}\"{key}\"{}{value}", anchor.colon(text));
    match (find("backend"), find("executable")) {
        (Some(backend), executable) => {
            edits.push((backend.value_start, backend.value_len(), "true".into()));
            match executable {
                Some(e) => edits.push((e.value_start, e.value_len(), executable_literal)),
                None => edits.push((
                    backend.value_end,
                    0,
                    member("executable", &executable_literal),
                )),
            }
        }
        (None, Some(e)) => {
            edits.push((e.value_start, e.value_len(), executable_literal));
            edits.push((anchor.value_end, 0, member("backend", "true")));
        }
        (None, None) => edits.push((
            anchor.value_end,
            0,
            member("backend", "true") + &member("executable", &executable_literal),
        )),
    }
    edits.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    let mut out = text.to_owned();
    for (at, removed, inserted) in edits {
        out.replace_range(at..at + removed, &inserted);
    }
    verify(&before, &out, executable)?;
    Ok(out)
}

/// The result parses, has exactly the two members set, and every other member unchanged.
fn verify(before: &Value, after: &str, executable: &str) -> Result<()> {
    let mut after: Value = serde_json::from_str(after)?;
    let mut before = before.clone();
    let (Some(after_map), Some(before_map)) = (after.as_object_mut(), before.as_object_mut())
    else {
        bail!("it is not a JSON object");
    };
    let backend = after_map.remove("backend");
    let exe = after_map.remove("executable");
    before_map.remove("backend");
    before_map.remove("executable");
    if backend != Some(Value::Bool(true))
        || exe.as_ref().and_then(Value::as_str) != Some(executable)
        || after_map != before_map
    {
        bail!("editing it went wrong (a bug in create-grafana-plugin; nothing was written)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(text: &str) -> String {
        set_backend(text, "gpx_weather").unwrap()
    }

    #[test]
    fn two_spaces_as_create_plugin_writes_them_before_info() {
        let text = "{\n  \"$schema\": \"x\",\n  \"type\": \"datasource\",\n  \"name\": \"W\",\n  \"metrics\": true,\n  \"info\": {\"a\": [1, {\"b\": \"}\"}]}\n}\n";
        assert_eq!(
            edited(text),
            "{\n  \"$schema\": \"x\",\n  \"type\": \"datasource\",\n  \"name\": \"W\",\n  \"metrics\": true,\n  \"backend\": true,\n  \"executable\": \"gpx_weather\",\n  \"info\": {\"a\": [1, {\"b\": \"}\"}]}\n}\n"
        );
        let info_first = "{\"info\": {}, \"type\": \"app\"}";
        assert_eq!(
            edited(info_first),
            "{\"info\": {}, \"type\": \"app\", \"backend\": true, \"executable\": \"gpx_weather\"}"
        );
    }

    #[test]
    fn tabs_and_crlf_are_kept() {
        let text = "{\r\n\t\"id\": \"acme-weather-app\",\r\n\t\"type\": \"app\",\r\n\t\"name\": \"W\"\r\n}\r\n";
        assert_eq!(
            edited(text),
            "{\r\n\t\"id\": \"acme-weather-app\",\r\n\t\"type\": \"app\",\r\n\t\"backend\": true,\r\n\t\"executable\": \"gpx_weather\",\r\n\t\"name\": \"W\"\r\n}\r\n"
        );
    }

    #[test]
    fn four_spaces_and_type_as_the_last_member() {
        let text = "{\n    \"id\": \"acme-weather-app\",\n    \"type\" : \"app\"\n}";
        assert_eq!(
            edited(text),
            "{\n    \"id\": \"acme-weather-app\",\n    \"type\" : \"app\",\n    \"backend\" : true,\n    \"executable\" : \"gpx_weather\"\n}"
        );
    }

    #[test]
    fn one_line() {
        assert_eq!(
            edited(r#"{"type":"app","id":"acme-weather-app"}"#),
            r#"{"type":"app","backend":true,"executable":"gpx_weather","id":"acme-weather-app"}"#
        );
        assert_eq!(
            edited(r#"{"id": "x-y-app", "type": "app"}"#),
            r#"{"id": "x-y-app", "type": "app", "backend": true, "executable": "gpx_weather"}"#
        );
    }

    #[test]
    fn existing_keys_get_their_values_replaced_in_place() {
        let text = "{\n  \"type\": \"app\",\n  \"name\": \"W\",\n  \"executable\": \"\",\n  \"backend\": false\n}\n";
        assert_eq!(
            edited(text),
            "{\n  \"type\": \"app\",\n  \"name\": \"W\",\n  \"executable\": \"gpx_weather\",\n  \"backend\": true\n}\n"
        );
        let only_backend = "{\n  \"type\": \"app\",\n  \"backend\": false,\n  \"name\": \"W\"\n}";
        assert_eq!(
            edited(only_backend),
            "{\n  \"type\": \"app\",\n  \"backend\": true,\n  \"executable\": \"gpx_weather\",\n  \"name\": \"W\"\n}"
        );
        let only_executable = "{\"type\": \"app\", \"executable\": null}";
        assert_eq!(
            edited(only_executable),
            "{\"type\": \"app\", \"backend\": true, \"executable\": \"gpx_weather\"}"
        );
    }

    #[test]
    fn a_nested_type_or_backend_is_not_touched() {
        let text = "{\n  \"info\": {\"type\": \"x\", \"backend\": false},\n  \"type\": \"app\"\n}";
        let out = edited(text);
        assert!(
            out.starts_with("{\n  \"info\": {\"type\": \"x\", \"backend\": false},"),
            "{out}"
        );
        assert!(
            out.ends_with(
                "\"type\": \"app\",\n  \"backend\": true,\n  \"executable\": \"gpx_weather\"\n}"
            ),
            "{out}"
        );
    }

    #[test]
    fn invalid_json_and_missing_type_are_errors() {
        assert!(set_backend("{\"type\": ", "gpx_w").is_err());
        assert!(set_backend("{\"id\": \"x\"}", "gpx_w").is_err());
    }
}
