//! Version strings the rules judge: a plugin's semver version, and Grafana version ranges in
//! the two dialects the validator applies (the schema's pattern and a semver constraint parser).

/// `MAJOR.MINOR.PATCH[-pre][+build]` as semver.org defines it.
pub fn is_version(text: &str) -> bool {
    let (rest, build) = split_once_opt(text, '+');
    let (core, pre) = split_once_opt(rest, '-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| is_number(p))
        && pre.is_none_or(|p| dotted(p, true))
        && build.is_none_or(|b| dotted(b, false))
}

/// The schema's `info.version` pattern: a version core at the start, or `%VERSION%` at the end
/// (the pattern's alternation is unanchored on the other side).
pub fn schema_version(text: &str) -> bool {
    if text.ends_with("%VERSION%") {
        return true;
    }
    let mut parts = text.splitn(3, '.');
    let (Some(a), Some(b), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = c.bytes().take_while(u8::is_ascii_digit).count();
    is_number(a) && is_number(b) && is_number(&c[..digits])
}

/// The schema's `dependencies.grafanaDependency` pattern: one comparison such as `>=10.4.0`,
/// optionally followed by a space and an upper one such as `<12.0.0`.
pub fn schema_range(text: &str) -> bool {
    let (first, second) = split_once_opt(text, ' ');
    let first_ok = {
        let version = strip_operator(first, &["<=", ">=", "<", ">", "=", "~", "^"]);
        pattern_version(version, true, true)
    };
    first_ok
        && second.is_none_or(|s| {
            let version = strip_operator(s, &["<=", ">=", "<", "=>"]);
            pattern_version(version, false, false)
        })
}

/// A semver constraint as Go's Masterminds/semver reads it: `||`-separated alternatives of
/// comparisons separated by spaces or commas, each an optional operator and a version whose
/// parts may be `x`, `X` or `*`; or a hyphen range `1.2 - 1.4`.
pub fn is_constraint(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.split("||").all(|alternative| {
            let alternative = alternative.trim();
            if let Some((low, high)) = alternative.split_once(" - ") {
                return loose_version(low.trim()) && loose_version(high.trim());
            }
            let comparisons: Vec<&str> = alternative
                .split([',', ' '])
                .filter(|c| !c.is_empty())
                .collect();
            !comparisons.is_empty() && comparisons.iter().all(|c| is_comparison(c))
        })
}

fn is_comparison(text: &str) -> bool {
    let operators = ["!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"];
    let version = strip_operator(text, &operators);
    loose_version(version.trim_start())
}

/// `1`, `1.2`, `1.2.3`, each part a number or a wildcard, an optional `v`, then `-pre`/`+build`.
fn loose_version(text: &str) -> bool {
    if text == "*" || text.eq_ignore_ascii_case("x") {
        return true;
    }
    let text = text.strip_prefix('v').unwrap_or(text);
    let (rest, build) = split_once_opt(text, '+');
    let (core, pre) = split_once_opt(rest, '-');
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            matches!(*p, "x" | "X" | "*")
                || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        && pre.is_none_or(|p| dotted(p, false))
        && build.is_none_or(|b| dotted(b, false))
}

/// The schema's version shape: digits, then one or two parts of digits, `x` (and `*` where
/// `star`); the third part is optional only where `optional_patch`.
fn pattern_version(text: &str, star: bool, optional_patch: bool) -> bool {
    let mut parts = text.split('.');
    let major = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let part_ok = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_digit() || b == b'x' || (star && b == b'*'))
    };
    let count_ok = if optional_patch {
        (1..=2).contains(&rest.len())
    } else {
        rest.len() == 2
    };
    !major.is_empty()
        && major.bytes().all(|b| b.is_ascii_digit())
        && count_ok
        && rest.iter().all(part_ok)
}

fn strip_operator<'a>(text: &'a str, operators: &[&str]) -> &'a str {
    operators
        .iter()
        .find_map(|op| text.strip_prefix(op))
        .unwrap_or(text)
}

fn split_once_opt(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.split_once(separator) {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    }
}

/// Digits without a leading zero (zero itself allowed).
fn is_number(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

/// Dot-separated identifiers of `[0-9A-Za-z-]`; numeric ones without leading zeros if `strict`.
fn dotted(text: &str, strict: bool) -> bool {
    text.split('.').all(|id| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && (!strict || !id.bytes().all(|b| b.is_ascii_digit()) || is_number(id))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_versions_are_semver() {
        for ok in [
            "1.0.0",
            "0.1.0",
            "10.20.30",
            "1.0.0-beta.1",
            "1.0.0+build.5",
        ] {
            assert!(is_version(ok), "{ok}");
        }
        for bad in ["%VERSION%", "1.0", "01.0.0", "1.0.0-", "v1.0.0", ""] {
            assert!(!is_version(bad), "{bad}");
        }
    }

    #[test]
    fn the_schema_version_pattern_allows_the_placeholder() {
        assert!(schema_version("1.2.3"));
        assert!(schema_version("%VERSION%"));
        assert!(!schema_version("1.2"));
        assert!(!schema_version("latest"));
    }

    #[test]
    fn ranges_in_the_schema_dialect() {
        for ok in [">=12.3.0", ">=10.4.0 <12.0.0", "^10.0", "9.x", ">=7.0.*"] {
            assert!(schema_range(ok), "{ok}");
        }
        for bad in ["", ">=12", "latest", ">=10 <11", "10.0.0 || 11.0.0"] {
            assert!(!schema_range(bad), "{bad}");
        }
    }

    #[test]
    fn ranges_as_constraints() {
        for ok in [
            ">=12.3.0",
            ">=10.4.0, <12",
            "^10 || ~11.1",
            "1.2 - 1.4",
            "*",
            "9.x",
        ] {
            assert!(is_constraint(ok), "{ok}");
        }
        for bad in ["", "   ", "latest", ">=", ">=1.2.3.4", "1.2 -"] {
            assert!(!is_constraint(bad), "{bad}");
        }
    }
}
