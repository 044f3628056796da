//! The outcomes that get their own exit code; everything else is an `anyhow::Error` (exit 1).

use std::fmt;

/// Something the user typed or chose is wrong and they can fix it: exit 2, like clap's usage errors.
#[derive(Debug)]
pub struct BadInput(pub String);

/// The user pressed Ctrl-C: exit 130, as shells report SIGINT.
#[derive(Debug)]
pub struct Interrupted;

/// Ctrl-C ended a command that runs until stopped (`dev`), and it cleaned up: exit 130 as for
/// [`Interrupted`], but no failure, so `main` prints the message alone, without `error:`.
#[derive(Debug)]
pub struct Stopped(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted by Ctrl-C")
    }
}

impl std::error::Error for Interrupted {}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stopped {}

/// Shorthand for returning a [`BadInput`] with a formatted message.
#[macro_export]
macro_rules! bad_input {
    ($($arg:tt)*) => {
        ::anyhow::Error::new($crate::error::BadInput(format!($($arg)*)))
    };
}

pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn exit_code(error: &anyhow::Error) -> u8 {
    let is =
        |predicate: fn(&(dyn std::error::Error + 'static)) -> bool| error.chain().any(predicate);
    if is(|e| e.is::<Interrupted>() || e.is::<Stopped>()) {
        EXIT_INTERRUPTED
    } else if is(|e| e.is::<BadInput>()) {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILURE
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn exit_codes_survive_context() {
        let bad: anyhow::Result<()> = Err(bad_input!("no")).context("while planning");
        assert_eq!(exit_code(&bad.unwrap_err()), EXIT_BAD_INPUT);
        let stop = anyhow::Error::new(Interrupted).context("writing");
        assert_eq!(exit_code(&stop), EXIT_INTERRUPTED);
        let stopped = anyhow::Error::new(Stopped("stopped".into()));
        assert_eq!(exit_code(&stopped), EXIT_INTERRUPTED);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), EXIT_FAILURE);
    }
}
