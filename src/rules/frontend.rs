//! The frontend bundle: `module.js`, which Grafana loads for every plugin (`modulejs`), and no
//! known tracking or analytics service in it (`trackingscripts`).
//!
//! The validator matches URLs in module.js against a block list of about 15,000 tracking
//! domains; [`TRACKERS`] holds the widely used analytics and session-recording services from
//! it, the ones a plugin bundle realistically pulls in.

use super::{Findings, Package, Rule};

const MISSING: Rule = Rule::error("modulejs", "missing-modulejs");
const TRACKING: Rule = Rule::error("trackingscripts", "tracking-scripts");

/// One domain a line.
const TRACKERS: &str = include_str!("trackers.txt");

fn is_module(name: &str) -> bool {
    name == "module.js"
}

pub fn module_js(package: &Package, out: &mut Findings) {
    if package.named(is_module).next().is_none() {
        out.add(&MISSING, "no module.js in the plugin; Grafana loads it to start every plugin (build the frontend)");
    }
}

pub fn tracking_scripts(package: &Package, out: &mut Findings) {
    for (path, file) in package.named(is_module) {
        let text = String::from_utf8_lossy(file.bytes.as_deref().unwrap_or_default());
        for url in urls(&text) {
            if let Some(tracker) = TRACKERS.lines().find(|t| url.contains(t)) {
                out.add(
                    &TRACKING,
                    format!("{path} loads {url} ({tracker}); tracking and analytics scripts are not allowed in Grafana plugins"),
                );
            }
        }
    }
}

/// `http://` and `https://` URLs, each up to the next whitespace.
fn urls(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("http").filter_map(move |(at, _)| {
        let rest = &text[at..];
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|s| rest.starts_with(s))?;
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        (end > scheme.len()).then(|| &rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn module_js_is_required() {
        assert_eq!(
            found(&with(clean(), |f| remove(f, "module.js"))),
            ["modulejs/missing-modulejs"]
        );
    }

    #[test]
    fn analytics_urls_are_found() {
        let js = b"var s='https://www.googletagmanager.com/gtag/js?id=G-1'; fetch('https://api.example.com/x')";
        assert_eq!(
            found(&with(clean(), |f| set(f, "module.js", js))),
            ["trackingscripts/tracking-scripts"]
        );
        assert_eq!(
            super::urls("a http://x.y b https:// c").collect::<Vec<_>>(),
            ["http://x.y"]
        );
    }
}
