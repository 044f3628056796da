//! `unsafesvg`: SVG files run in Grafana's pages, so none may hold scripts, event handlers or
//! the HTML elements that carry them (the validator's deny list), nor be malformed XML, which
//! browsers may read differently from a checker.

use super::{Findings, Package, Rule};

const UNSAFE: Rule = Rule::error("unsafesvg", "unsafe-svg-file");

/// Elements refused wherever they appear: scripts, and HTML or MathML that an SVG can embed
/// (through `foreignObject` and the like) to run or hide markup. One element a line.
const FORBIDDEN: &str = include_str!("svg_forbidden.txt");

pub fn unsafe_svg(package: &Package, out: &mut Findings) {
    let svgs = package.named(|n| n.to_ascii_lowercase().ends_with(".svg"));
    for (path, file) in svgs {
        let text = String::from_utf8_lossy(file.bytes.as_deref().unwrap_or_default());
        if let Err(problem) = scan(&text) {
            out.add(&UNSAFE, format!("{path} is unsafe: {problem}"));
        }
    }
}

/// Walks the XML: every element and attribute, refusing forbidden ones and malformed markup.
fn scan(text: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        if rest[at..].starts_with('&') {
            rest = entity(&rest[at..])?;
            continue;
        }
        let markup = &rest[at..];
        rest = if let Some(after) = markup.strip_prefix("<!--") {
            skip_past(after, "-->", "an unclosed comment")?
        } else if let Some(after) = markup.strip_prefix("<![CDATA[") {
            skip_past(after, "]]>", "an unclosed CDATA section")?
        } else if let Some(after) = markup.strip_prefix("<?") {
            skip_past(after, "?>", "an unclosed processing instruction")?
        } else if let Some(after) = markup.strip_prefix("<!") {
            declaration(after)?
        } else if let Some(after) = markup.strip_prefix("</") {
            let (name, after) = name(after)?;
            let after = after
                .trim_start()
                .strip_prefix('>')
                .ok_or(format!("a malformed end tag </{name}"))?;
            match open.pop() {
                Some(start) if start == name => after,
                Some(start) => return Err(format!("</{name}> closes <{start}>")),
                None => return Err(format!("</{name}> closes nothing")),
            }
        } else {
            let (tag, after, closed) = start_tag(&markup[1..])?;
            if !closed {
                open.push(tag);
            }
            after
        };
    }
    match open.last() {
        Some(tag) => Err(format!("<{tag}> is never closed")),
        None => Ok(()),
    }
}

/// A start tag after its `<`: the name, what follows the tag, and whether it closed itself.
fn start_tag(text: &str) -> Result<(&str, &str, bool), String> {
    let (tag, mut rest) = name(text)?;
    refuse_element(tag)?;
    loop {
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix("/>") {
            return Ok((tag, after, true));
        }
        if let Some(after) = trimmed.strip_prefix('>') {
            return Ok((tag, after, false));
        }
        if trimmed.len() == rest.len() {
            return Err(format!("a malformed <{tag}> tag"));
        }
        let (attribute, after) = name(trimmed)?;
        refuse_attribute(attribute)?;
        let after = after
            .trim_start()
            .strip_prefix('=')
            .ok_or(format!("attribute {attribute} has no value"))?;
        rest = quoted(after.trim_start(), attribute)?;
    }
}

fn refuse_element(tag: &str) -> Result<(), String> {
    let local = tag.rsplit(':').next().unwrap_or(tag);
    if FORBIDDEN.lines().any(|element| element == local) {
        Err(format!("it contains a <{local}> element"))
    } else {
        Ok(())
    }
}

/// Event handlers (`onload`, `onclick`, …) run script; namespaced attributes cannot be handlers.
fn refuse_attribute(attribute: &str) -> Result<(), String> {
    if !attribute.contains(':') && attribute.to_ascii_lowercase().starts_with("on") {
        Err(format!("it has an event handler attribute, {attribute}"))
    } else {
        Ok(())
    }
}

fn quoted<'a>(text: &'a str, attribute: &str) -> Result<&'a str, String> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'');
    let quote = quote.ok_or(format!("the value of {attribute} is not quoted"))?;
    let body = &text[1..];
    let end = body
        .find(quote)
        .ok_or(format!("the value of {attribute} never ends"))?;
    let value = &body[..end];
    if value.contains('<') {
        return Err(format!("the value of {attribute} holds a `<`"));
    }
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        rest = entity(&rest[at..])?;
    }
    Ok(&body[end + 1..])
}

/// An entity reference at the start of `text`: only XML's own and numeric ones exist in SVG
/// without a DTD, so any other is malformed.
fn entity(text: &str) -> Result<&str, String> {
    let end = text.find(';').filter(|e| *e < 12).ok_or("a stray `&`")?;
    let body = &text[1..end];
    let numeric = match body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
        Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
        None => body
            .strip_prefix('#')
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())),
    };
    if numeric || ["amp", "lt", "gt", "apos", "quot"].contains(&body) {
        Ok(&text[end + 1..])
    } else {
        Err(format!("an unknown entity &{body};"))
    }
}

/// `<!DOCTYPE …>` and other declarations, whose internal subset may nest `[…]` and `<…>`.
fn declaration(text: &str) -> Result<&str, String> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '<' => depth += 1,
            ']' | '>' if depth > 0 => depth -= 1,
            '>' => return Ok(&text[i + 1..]),
            _ => {}
        }
    }
    Err("an unclosed declaration".into())
}

fn skip_past<'a>(text: &'a str, end: &str, what: &str) -> Result<&'a str, String> {
    text.find(end)
        .map(|i| &text[i + end.len()..])
        .ok_or_else(|| what.to_owned())
}

/// An XML name at the start of `text` and what follows it.
fn name(text: &str) -> Result<(&str, &str), String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || "_:.-".contains(c) || !c.is_ascii()))
        .unwrap_or(text.len());
    let first_ok = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
    if end > 0 && first_ok {
        Ok((&text[..end], &text[end..]))
    } else {
        Err(format!(
            "malformed markup near `{}`",
            text.chars().take(20).collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::scan;

    #[test]
    fn ordinary_svgs_pass() {
        assert_eq!(scan(std::str::from_utf8(SVG).unwrap()), Ok(()));
        let generated = include_str!("../../templates/base/src/img/logo.svg");
        assert_eq!(scan(generated), Ok(()));
        let rich = r##"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><!-- c --><svg xmlns:xlink="http://www.w3.org/1999/xlink"><text x='1'>A &amp; B &#169;</text><use xlink:href="#a"/><![CDATA[<x>]]></svg>"##;
        assert_eq!(scan(rich), Ok(()));
    }

    #[test]
    fn scripts_handlers_and_malformed_markup_are_refused() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><g ONCLICK='x()'/></svg>",
            "<svg onload=prompt(1)></svg>",
            "<svgonload=alert(1)><svg>",
            "<svg><foreignObject><iframe src=\"x\"/></foreignObject></svg>",
            "<svg><text>&xml;</text></svg>",
            "<svg><g></svg>",
            "<svg>",
        ] {
            assert!(scan(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unsafe_svg_is_an_error() {
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script></svg>";
        assert_eq!(
            found(&with(clean(), |f| set(f, "img/logo.svg", svg))),
            ["unsafesvg/unsafe-svg-file"]
        );
    }
}
