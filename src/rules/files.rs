//! The documents beside the code: CHANGELOG.md (`changelog`) and LICENSE (`license`).
//!
//! The validator identifies the license with a text classifier and accepts BSD, MIT,
//! Apache-2.0, LGPL-3, GPL-3 and AGPL-3 licenses. Here they are recognised by their standard
//! wording; a text not recognised is a warning, not an error, as the classifier may still
//! accept it.

use super::{Findings, Package, Rule};

const NO_CHANGELOG: Rule = Rule::warning("changelog", "missing-changelog");
const NO_LICENSE: Rule = Rule::error("license", "license-not-provided");
const GENERIC: Rule = Rule::warning("license", "license-with-generic-text");
/// Not a validator rule: stands in for `license-not-valid` when the wording is not recognised.
const UNRECOGNISED: Rule = Rule::warning("license", "license-not-recognized");

/// Each accepted license and phrases its text holds (compared case-insensitively).
const ACCEPTED: &[(&str, &[&str])] = &[
    ("Apache-2.0", &["apache license", "version 2.0"]),
    ("MIT", &["permission is hereby granted, free of charge"]),
    (
        "BSD",
        &["redistribution and use in source and binary forms"],
    ),
    ("0BSD", &["with or without fee is hereby granted"]),
    (
        "AGPL-3.0",
        &["gnu affero general public license", "version 3"],
    ),
    (
        "LGPL-3.0",
        &["gnu lesser general public license", "version 3"],
    ),
    ("GPL-3.0", &["gnu general public license", "version 3"]),
];

pub fn changelog(package: &Package, out: &mut Findings) {
    match package.text("CHANGELOG.md") {
        None => out.add(
            &NO_CHANGELOG,
            "no CHANGELOG.md in the plugin; the catalog shows it beside the README",
        ),
        Some(text) if text.trim().is_empty() => out.add(&NO_CHANGELOG, "CHANGELOG.md is empty"),
        Some(_) => {}
    }
}

pub fn license(package: &Package, out: &mut Findings) {
    let Some(text) = package.text("LICENSE") else {
        return out.add(
            &NO_LICENSE,
            "no LICENSE file in the plugin; the catalog requires one",
        );
    };
    let lower = text.to_lowercase();
    let recognised = ACCEPTED
        .iter()
        .any(|(_, phrases)| phrases.iter().all(|p| lower.contains(p)));
    if !recognised {
        out.add(
            &UNRECOGNISED,
            format!(
                "LICENSE is not recognised as one the catalog accepts ({})",
                ACCEPTED
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    } else if text.contains("{name of copyright owner}") || text.contains("{yyyy}") {
        out.add(
            &GENERIC,
            "LICENSE still holds the template's {yyyy} or {name of copyright owner}; fill them in",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn changelog_and_license() {
        assert_eq!(
            found(&with(clean(), |f| remove(f, "CHANGELOG.md"))),
            ["changelog/missing-changelog"]
        );
        assert_eq!(
            found(&with(clean(), |f| remove(f, "LICENSE"))),
            ["license/license-not-provided"]
        );
        assert_eq!(
            found(&with(clean(), |f| set(
                f,
                "LICENSE",
                b"All rights reserved."
            ))),
            ["license/license-not-recognized"]
        );
        let generic = b"Apache License Version 2.0 ... Copyright {yyyy} {name of copyright owner}";
        assert_eq!(
            found(&with(clean(), |f| set(f, "LICENSE", generic))),
            ["license/license-with-generic-text"]
        );
        let generated = include_bytes!("../../templates/base/LICENSE");
        assert!(found(&with(clean(), |f| set(f, "LICENSE", generated))).is_empty());
    }
}
