//! `SOURCE_DATE_EPOCH` (reproducible-builds.org): when set, generated dates come from it instead
//! of the clock, so rebuilding the same sources gives the same bytes.

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::bad_input;

/// The time to stamp on build output: `SOURCE_DATE_EPOCH` if set, else `None`.
pub fn fixed() -> Result<Option<DateTime<Utc>>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => parse(&value).map(Some),
        Err(_) => Ok(None),
    }
}

/// `SOURCE_DATE_EPOCH`, or now.
pub fn now() -> Result<DateTime<Utc>> {
    Ok(fixed()?.unwrap_or_else(|| {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        DateTime::from_timestamp(seconds, 0).unwrap_or_default()
    }))
}

fn parse(value: &str) -> Result<DateTime<Utc>> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or_else(|| {
            bad_input!(
                "SOURCE_DATE_EPOCH is `{value}`, not a number of seconds since 1970\n  help: e.g. \
                 SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_are_utc_seconds() {
        let day = |v: &str| parse(v).unwrap().format("%Y-%m-%d").to_string();
        assert_eq!(day("0"), "1970-01-01");
        assert_eq!(day(" 1795478399\n"), "2026-11-23");
        assert_eq!(day("1795478400"), "2026-11-24");
    }

    #[test]
    fn nonsense_is_explained() {
        let error = parse("yesterday").unwrap_err().to_string();
        assert!(error.contains("not a number of seconds"), "{error}");
    }
}
