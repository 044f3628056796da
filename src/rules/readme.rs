//! README.md, which the catalog shows as the plugin's page: present and not empty (`readme`),
//! no longer a template (`templatereadme`), free of developer jargon (`jargon`), and with
//! absolute links only (`brokenlinks`), since the catalog shows it away from the package.

use super::{Findings, Package, Rule};

const MISSING: Rule = Rule::error("readme", "missing-readme");
const COMMENT: Rule = Rule::warning("readme", "readme-comment");
const TEMPLATE: Rule = Rule::error("templatereadme", "template-readme");
const JARGON: Rule = Rule::warning("jargon", "developer-jargon");
const RELATIVE: Rule = Rule::error("brokenlinks", "relative-link");

/// The validator's developer words, matched as written (case-sensitive).
const JARGON_WORDS: &[&str] = &["yarn", "nodejs"];

/// The titles of create-plugin's template READMEs, matched case-insensitively.
const CREATE_PLUGIN_TITLES: &[&str] = &[
    "grafana panel plugin template",
    "grafana data source plugin template",
    "grafana datasource plugin template",
    "grafana app plugin template",
    "grafana data source backend plugin template",
];

/// The placeholders of the catalog README that `new` generates (templates/base/src/README.md.hbs):
/// while one is left, the page still describes no plugin.
const GENERATED_PLACEHOLDERS: &[&str] = &[
    "[Explain in a paragraph or two what problem this plugin solves",
    "[minimum version, as in plugin.json",
    "[Any service, account or permission the plugin needs]",
    "[Describe the configuration steps",
    "[Describe the first thing a user should try.]",
    "[Link to fuller documentation, if any.]",
    "[Say where to report bugs and ask questions",
];

fn readme_text(package: &Package) -> Option<String> {
    package.text("README.md").filter(|t| !t.trim().is_empty())
}

pub fn readme(package: &Package, out: &mut Findings) {
    let Some(text) = package.text("README.md") else {
        return out.add(
            &MISSING,
            "no README.md in the plugin; the catalog shows it as the plugin's page",
        );
    };
    if text.trim().is_empty() {
        return out.add(
            &MISSING,
            "README.md is empty; the catalog shows it as the plugin's page",
        );
    }
    if text.lines().any(|line| {
        line.find("<!--")
            .is_some_and(|at| line[at + 4..].contains("-->"))
    }) {
        out.add(
            &COMMENT,
            "README.md holds an HTML comment, which the catalog may show; remove it",
        );
    }
}

pub fn template_readme(package: &Package, out: &mut Findings) {
    let Some(text) = readme_text(package) else {
        return;
    };
    let lower = text.to_lowercase();
    if CREATE_PLUGIN_TITLES.iter().any(|t| lower.contains(t)) {
        out.add(
            &TEMPLATE,
            "README.md is still create-plugin's template; describe your plugin instead",
        );
    }
    if let Some(left) = GENERATED_PLACEHOLDERS.iter().find(|p| text.contains(*p)) {
        out.add(
            &TEMPLATE,
            format!(
                "README.md still holds the generated placeholder `{left}…`; replace every \
                 [bracketed] placeholder in src/README.md with a description of your plugin"
            ),
        );
    }
}

pub fn jargon(package: &Package, out: &mut Findings) {
    let Some(text) = readme_text(package) else {
        return;
    };
    let found: Vec<&str> = JARGON_WORDS
        .iter()
        .copied()
        .filter(|w| text.contains(w))
        .collect();
    if !found.is_empty() {
        out.add(
            &JARGON,
            format!(
                "README.md uses developer jargon ({}); keep build and contribution notes in a \
                 separate file such as CONTRIBUTING.md",
                found.join(", ")
            ),
        );
    }
}

pub fn relative_links(package: &Package, out: &mut Findings) {
    let Some(text) = readme_text(package) else {
        return;
    };
    for target in link_targets(&text) {
        let target = target.split_whitespace().next().unwrap_or(target);
        let absolute = ["https://", "http://", "mailto:"]
            .iter()
            .any(|s| target.starts_with(s));
        if !absolute && !target.starts_with('#') {
            out.add(
                &RELATIVE,
                format!(
                    "README.md links to `{target}`, a relative link that breaks in the catalog; \
                     use an absolute https:// URL"
                ),
            );
        }
    }
}

/// The targets of Markdown links and images, `[text](target)`, each on one line.
fn link_targets(text: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    for line in text.lines() {
        let mut from = 0;
        while let Some(open) = line[from..].find('[').map(|i| from + i) {
            match link_at(line, open) {
                Some((target, end)) => {
                    targets.push(target);
                    from = end;
                }
                None => from = open + 1,
            }
        }
    }
    targets
}

/// A link starting at the `[` at `open`: its target and where it ends. The text is at least one
/// character and ends at the first `](` that is followed by a target and `)`.
fn link_at(line: &str, open: usize) -> Option<(&str, usize)> {
    let mut search = open + 2;
    while let Some(close) = line.get(search..)?.find("](").map(|i| search + i) {
        let start = close + 2;
        if let Some(end) = line
            .get(start + 1..)
            .and_then(|r| r.find(')'))
            .map(|i| start + 1 + i)
        {
            return Some((&line[start..end], end + 1));
        }
        search = close + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn readme_found(text: &str) -> Vec<String> {
        found(&with(clean(), |f| set(f, "README.md", text.as_bytes())))
    }

    #[test]
    fn readme_is_required() {
        assert_eq!(
            found(&with(clean(), |f| remove(f, "README.md"))),
            ["readme/missing-readme"]
        );
        assert_eq!(readme_found("  \n"), ["readme/missing-readme"]);
    }

    #[test]
    fn templates_are_recognised() {
        assert_eq!(
            readme_found("# Grafana Data Source Backend Plugin Template\n"),
            ["templatereadme/template-readme"]
        );
        let generated = include_str!("../../templates/base/src/README.md.hbs");
        assert_eq!(readme_found(generated), ["templatereadme/template-readme"]);
    }

    #[test]
    fn every_generated_placeholder_is_in_the_template() {
        let generated = include_str!("../../templates/base/src/README.md.hbs");
        for placeholder in super::GENERATED_PLACEHOLDERS {
            assert!(generated.contains(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn jargon_comments_and_relative_links() {
        assert_eq!(
            readme_found("Run yarn install"),
            ["jargon/developer-jargon"]
        );
        assert_eq!(readme_found("a <!-- note --> b"), ["readme/readme-comment"]);
        assert_eq!(
            readme_found("See [docs](docs/setup.md) and ![shot](img/a.png \"alt\")"),
            ["brokenlinks/relative-link", "brokenlinks/relative-link"]
        );
        assert!(readme_found("[a](https://x.y) [b](#top) [c](mailto:a@b.c) [d]\n(e)").is_empty());
    }
}
