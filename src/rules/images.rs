//! The images plugin.json points to: both logos set (`logos`), every path relative to its
//! plugin.json and present (`metadatapaths`), and screenshots that are images of the type their
//! extension says (`screenshots`).

use serde_json::Value;

use super::{Findings, Package, Rule};

const LOGOS: Rule = Rule::error("logos", "logos");
const ABSOLUTE: Rule = Rule::error("metadatapaths", "path-relative-to-metadata");
const LEADING: Rule = Rule::error("metadatapaths", "invalid-relative-path");
const NOT_THERE: Rule = Rule::error("metadatapaths", "path-not-exists");
const NO_SCREENSHOTS: Rule = Rule::warning("screenshots", "screenshots");
const IMAGE_TYPE: Rule = Rule::error("screenshots", "screenshots-image-type");

/// The screenshot types the catalog shows, by extension and content type.
const IMAGE_TYPES: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
];

pub fn logos(package: &Package, out: &mut Findings) {
    for (path, m) in package.manifests() {
        for size in ["small", "large"] {
            if m.text(&format!("/info/logos/{size}")).trim().is_empty() {
                out.add(
                    &LOGOS,
                    format!("{path}: info.logos.{size} is empty; the catalog shows the logo"),
                );
            }
        }
    }
}

pub fn metadata_paths(package: &Package, out: &mut Findings) {
    for (manifest_path, m) in package.manifests() {
        let dir = manifest_path.rsplit_once('/').map_or("", |(d, _)| d);
        let screenshots = m.0.pointer("/info/screenshots").and_then(Value::as_array);
        let shots = screenshots.into_iter().flatten().map(|s| {
            (
                "screenshot",
                s.get("path").and_then(Value::as_str).unwrap_or_default(),
            )
        });
        let logos = ["small", "large"].map(|s| {
            (
                "logo",
                m.str(&format!("/info/logos/{s}")).unwrap_or_default(),
            )
        });
        for (kind, path) in shots.chain(logos) {
            if path.is_empty() {
                continue;
            }
            if has_scheme(path) {
                out.add(&ABSOLUTE, format!("{manifest_path}: the {kind} `{path}` must be a path relative to plugin.json, not a URL"));
            } else if path.starts_with('.') || path.starts_with('/') {
                out.add(&LEADING, format!("{manifest_path}: write the {kind} path `{path}` without a leading `.` or `/`, e.g. img/logo.svg"));
            } else {
                let full = if dir.is_empty() {
                    path.to_owned()
                } else {
                    format!("{dir}/{path}")
                };
                if !package.exists(&full) {
                    out.add(
                        &NOT_THERE,
                        format!("{manifest_path}: the {kind} `{full}` is not in the plugin"),
                    );
                }
            }
        }
    }
}

pub fn screenshots(package: &Package, out: &mut Findings) {
    let Some(m) = package.main_manifest() else {
        return;
    };
    let list =
        m.0.pointer("/info/screenshots")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
    if list.is_empty() {
        return out.add(&NO_SCREENSHOTS, "plugin.json lists no screenshots (info.screenshots); the catalog shows them on the plugin's page");
    }
    for shot in &list {
        let path = shot.get("path").and_then(Value::as_str).unwrap_or_default();
        if path.trim().is_empty() {
            let name = shot.get("name").and_then(Value::as_str).unwrap_or_default();
            out.add(
                &NO_SCREENSHOTS,
                format!("plugin.json: the screenshot `{name}` has an empty path"),
            );
        } else if let Err(problem) = image_type(package, path) {
            out.add(
                &IMAGE_TYPE,
                format!("plugin.json: screenshot {path}: {problem}"),
            );
        }
    }
}

fn image_type(package: &Package, path: &str) -> Result<(), String> {
    let bytes = package
        .bytes(path)
        .ok_or("not in the plugin as an image file")?;
    let accepted = || {
        IMAGE_TYPES
            .iter()
            .map(|(e, _)| *e)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let content = sniff(bytes)
        .ok_or_else(|| format!("not an image of a type the catalog shows ({})", accepted()))?;
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let expected = IMAGE_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t);
    if expected == Some(content) {
        Ok(())
    } else {
        Err(format!(
            "the content is {content} but the extension is `.{ext}`"
        ))
    }
}

/// The content type by the first bytes, as browsers sniff it; only the accepted types.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(512)];
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if head.starts_with(b"\xff\xd8\xff") {
        return Some("image/jpeg");
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    let text = std::str::from_utf8(head).ok()?;
    let html = text
        .trim_start()
        .get(..4)
        .is_some_and(|s| s.eq_ignore_ascii_case("<!--"));
    (!html && text.contains("<svg")).then_some("image/svg+xml")
}

/// `scheme:` as URLs start: a letter, then letters, digits, `+`, `-` or `.`.
fn has_scheme(path: &str) -> bool {
    let Some((scheme, _)) = path.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn json_found(from: &str, to: &str) -> Vec<String> {
        let json = PLUGIN_JSON.replace(from, to);
        found(&with(clean(), |f| set(f, "plugin.json", json.as_bytes())))
    }

    #[test]
    fn logo_paths() {
        assert_eq!(
            json_found("\"small\": \"img/logo.svg\"", "\"small\": \"\""),
            ["logos/logos"]
        );
        assert_eq!(
            json_found(
                "\"small\": \"img/logo.svg\"",
                "\"small\": \"./img/logo.svg\""
            ),
            ["metadatapaths/invalid-relative-path"]
        );
        assert_eq!(
            json_found(
                "\"small\": \"img/logo.svg\"",
                "\"small\": \"https://x.y/l.svg\""
            ),
            ["metadatapaths/path-relative-to-metadata"]
        );
        assert_eq!(
            json_found("\"small\": \"img/logo.svg\"", "\"small\": \"img/nope.svg\""),
            ["metadatapaths/path-not-exists"]
        );
    }

    #[test]
    fn screenshots_are_images_of_their_type() {
        assert_eq!(
            json_found(r#"[{"name": "Main", "path": "img/shot.png"}]"#, "[]"),
            ["screenshots/screenshots"]
        );
        let found = found(&with(clean(), |f| set(f, "img/shot.png", b"GIF89a....")));
        assert_eq!(found, ["screenshots/screenshots-image-type"]);
        assert_eq!(super::sniff(SVG), Some("image/svg+xml"));
        assert_eq!(super::sniff(b"hello"), None);
    }
}
