//! Editing members of a user's JSON file as text, never by re-serialising it: the user's
//! formatting, key order and other members stay byte for byte as they are. `add backend` sets two
//! members of `src/plugin.json` with it, `update` merges the tool's keys into `package.json`. The
//! text must be valid JSON (callers check with serde_json first).

use anyhow::{bail, Result};

/// A member of an object, as byte offsets into the text.
#[derive(Debug)]
pub struct Member {
    pub key: String,
    /// Where the text before the key (after the preceding `,` or `{`) starts.
    pub spacing_start: usize,
    pub key_start: usize,
    pub key_end: usize,
    pub value_start: usize,
    pub value_end: usize,
}

impl Member {
    /// What separates this member from the one before: a newline and indentation, a space, or
    /// nothing, in the file's own style (CRLF included).
    pub fn spacing<'a>(&self, text: &'a str) -> &'a str {
        &text[self.spacing_start..self.key_start]
    }

    /// What separates the key from the value: `: `, ` : `, `:`.
    pub fn colon<'a>(&self, text: &'a str) -> &'a str {
        &text[self.key_end..self.value_start]
    }

    pub fn value_len(&self) -> usize {
        self.value_end - self.value_start
    }
}

/// The members of the top-level object of `text`.
pub fn top_level_members(text: &str) -> Vec<Member> {
    match text.find('{') {
        Some(open) => members(text, open),
        None => Vec::new(),
    }
}

/// The members of the object whose `{` is at `open`.
pub fn members(text: &str, open: usize) -> Vec<Member> {
    let bytes = text.as_bytes();
    let mut members = Vec::new();
    let mut at = open + 1;
    loop {
        let spacing_start = at;
        at = skip_space(bytes, at);
        if bytes.get(at) != Some(&b'"') {
            return members;
        }
        let key_start = at;
        let key_end = skip_string(bytes, at);
        let key = serde_json::from_str(&text[key_start..key_end]).unwrap_or_default();
        let value_start = skip_space(bytes, skip_space(bytes, key_end) + 1);
        let value_end = skip_value(bytes, value_start);
        members.push(Member {
            key,
            spacing_start,
            key_start,
            key_end,
            value_start,
            value_end,
        });
        at = skip_space(bytes, value_end);
        if bytes.get(at) != Some(&b',') {
            return members;
        }
        at += 1;
    }
}

/// Where the `{` of the object at `path` (keys from the top level down) is, if there is one.
pub fn object_at(text: &str, path: &[String]) -> Option<usize> {
    let mut open = text.find('{')?;
    for key in path {
        let member = members(text, open).into_iter().find(|m| m.key == *key)?;
        if text.as_bytes()[member.value_start] != b'{' {
            return None;
        }
        open = member.value_start;
    }
    Some(open)
}

/// The keys of the object at `path`, in the file's order.
pub fn keys_at(text: &str, path: &[String]) -> Vec<String> {
    object_at(text, path)
        .map(|open| members(text, open).into_iter().map(|m| m.key).collect())
        .unwrap_or_default()
}

/// `text` with the member at `path` set to `value` (a JSON literal): its value replaced in place
/// if it exists, otherwise inserted after the member named `after` (else last), spaced like its
/// siblings. A missing parent object is created.
pub fn set(text: &str, path: &[String], value: &str, after: Option<&str>) -> Result<String> {
    let Some((key, parent)) = path.split_last() else {
        bail!("no key to set");
    };
    let Some(open) = object_at(text, parent) else {
        let Some((parent_key, grandparent)) = parent.split_last() else {
            bail!("it is not a JSON object");
        };
        let grandparent_open = object_at(text, grandparent);
        let exists = grandparent_open
            .is_some_and(|open| members(text, open).iter().any(|m| m.key == *parent_key));
        if exists {
            bail!("{} is not an object", parent.join("."));
        }
        // Created level by level: a `{}` the next level goes into.
        let created = set(text, parent, "{}", None)?;
        return set(&created, path, value, after);
    };
    let siblings = members(text, open);
    if let Some(member) = siblings.iter().find(|m| m.key == *key) {
        return Ok(splice(text, member.value_start, member.value_len(), value));
    }
    let literal = serde_json::to_string(key)?;
    let anchor = after
        .and_then(|after| siblings.iter().find(|m| m.key == after))
        .or(siblings.last());
    let Some(anchor) = anchor else {
        return Ok(fill_empty(text, open, &literal, value));
    };
    // The first member follows `{` and may be spaced unlike the others (`{"type": "app", …`).
    let spacing = match &siblings[..] {
        [first, second, ..] if std::ptr::eq(first, anchor) => second.spacing(text),
        // A lone member right after `{`: spaced after the comma as after its colon.
        [_] if anchor.spacing(text).is_empty() && anchor.colon(text).ends_with(' ') => " ",
        _ => anchor.spacing(text),
    };
    let member = format!(",{spacing}{literal}{}{value}", anchor.colon(text));
    Ok(splice(text, anchor.value_end, 0, &member))
}

/// `text` without the member at `path` and the comma that separated it; unchanged if absent.
pub fn remove(text: &str, path: &[String]) -> String {
    let Some((key, parent)) = path.split_last() else {
        return text.to_owned();
    };
    let Some(open) = object_at(text, parent) else {
        return text.to_owned();
    };
    let siblings = members(text, open);
    let Some(at) = siblings.iter().position(|m| m.key == *key) else {
        return text.to_owned();
    };
    // The next member takes the removed one's spacing; the last one takes its comma with it.
    let (start, end) = match (at.checked_sub(1), siblings.get(at + 1)) {
        (_, Some(next)) => (siblings[at].key_start, next.key_start),
        (Some(before), None) => (siblings[before].value_end, siblings[at].value_end),
        (None, None) => (siblings[at].spacing_start, siblings[at].value_end),
    };
    splice(text, start, end - start, "")
}

/// The first member of the empty object at `open`, indented one level below the line the object
/// starts on, with the file's own newline and indentation unit (all on one line in a one-line
/// file).
fn fill_empty(text: &str, open: usize, key: &str, value: &str) -> String {
    let close = skip_value(text.as_bytes(), open) - 1;
    let top = top_level_members(text);
    let top_spacing = top.get(1).or(top.first()).map_or("", |m| m.spacing(text));
    let inner = match top_spacing.rfind('\n') {
        None => format!("{key}: {value}"),
        Some(newline_at) => {
            let newline = if top_spacing.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            let unit = &top_spacing[newline_at + 1..];
            let line_start = text[..open].rfind('\n').map_or(0, |at| at + 1);
            let indent: String = text[line_start..open]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            format!("{newline}{indent}{unit}{key}: {value}{newline}{indent}")
        }
    };
    splice(text, open + 1, close - open - 1, &inner)
}

fn splice(text: &str, at: usize, removed: usize, inserted: &str) -> String {
    let mut out = text.to_owned();
    out.replace_range(at..at + removed, inserted);
    out
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Past the closing quote of the string starting at `at`.
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    at += 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

fn skip_value(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&byte) = bytes.get(i) {
                match byte {
                    b'"' => {
                        i = skip_string(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            i
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !b",}]".contains(b) && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &str) -> Vec<String> {
        keys.split('.').map(str::to_owned).collect()
    }

    const PACKAGE: &str = "{\n  \"name\": \"x\",\n  \"devDependencies\": {\n    \"a\": \"^1.0.0\",\n    \"b\": \"^2.0.0\"\n  }\n}\n";

    #[test]
    fn a_nested_value_is_replaced_in_place() {
        assert_eq!(
            set(PACKAGE, &path("devDependencies.b"), "\"^2.1.0\"", None).unwrap(),
            PACKAGE.replace("^2.0.0", "^2.1.0")
        );
    }

    #[test]
    fn a_new_member_goes_after_its_predecessor_spaced_like_its_siblings() {
        assert_eq!(
            set(PACKAGE, &path("devDependencies.ab"), "\"1\"", Some("a")).unwrap(),
            PACKAGE.replace("\"^1.0.0\",", "\"^1.0.0\",\n    \"ab\": \"1\",")
        );
        assert_eq!(
            set(PACKAGE, &path("devDependencies.c"), "\"1\"", None).unwrap(),
            PACKAGE.replace("\"^2.0.0\"", "\"^2.0.0\",\n    \"c\": \"1\"")
        );
    }

    #[test]
    fn missing_and_empty_objects_get_indented_members() {
        let crlf = "{\r\n\t\"name\": \"x\",\r\n\t\"scripts\": {}\r\n}";
        assert_eq!(
            set(crlf, &path("scripts.build"), "\"b\"", None).unwrap(),
            "{\r\n\t\"name\": \"x\",\r\n\t\"scripts\": {\r\n\t\t\"build\": \"b\"\r\n\t}\r\n}"
        );
        assert_eq!(
            set("{\"name\": \"x\"}", &path("engines.node"), "\">=22\"", None).unwrap(),
            "{\"name\": \"x\", \"engines\": {\"node\": \">=22\"}}"
        );
    }

    #[test]
    fn removing_a_member_takes_one_comma_with_it() {
        let without_a = remove(PACKAGE, &path("devDependencies.a"));
        assert_eq!(without_a, PACKAGE.replace("\"a\": \"^1.0.0\",\n    ", ""));
        assert_eq!(
            remove(PACKAGE, &path("devDependencies.b")),
            PACKAGE.replace(",\n    \"b\": \"^2.0.0\"", "")
        );
        assert_eq!(
            remove(&without_a, &path("devDependencies.b")),
            "{\n  \"name\": \"x\",\n  \"devDependencies\": {\n  }\n}\n"
        );
        assert_eq!(remove(PACKAGE, &path("scripts.a")), PACKAGE);
    }

    #[test]
    fn keys_come_in_the_files_order() {
        assert_eq!(keys_at(PACKAGE, &path("devDependencies")), ["a", "b"]);
        assert!(keys_at(PACKAGE, &path("name")).is_empty());
    }
}
