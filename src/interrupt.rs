//! Ctrl-C handling. While nothing is on disk yet the process simply ends (after giving the cursor
//! back, which prompts hide); while files are being written, the writer is told to undo its work.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Context;

use crate::error::EXIT_INTERRUPTED;

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// How many [`Deferred`] guards are alive; they nest (a build inside a command that cleans up).
static DEFERRED: AtomicUsize = AtomicUsize::new(0);

pub fn install() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        REQUESTED.store(true, Ordering::SeqCst);
        if DEFERRED.load(Ordering::SeqCst) == 0 {
            let _ = console::Term::stderr().show_cursor();
            eprintln!();
            std::process::exit(EXIT_INTERRUPTED.into());
        }
    })
    .context("installing the Ctrl-C handler")
}

/// While the guard lives, Ctrl-C only sets a flag that [`requested`] reports, so that the code
/// holding it can clean up before returning.
pub struct Deferred(());

impl Deferred {
    pub fn start() -> Self {
        DEFERRED.fetch_add(1, Ordering::SeqCst);
        Deferred(())
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        DEFERRED.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Resolves once Ctrl-C was pressed, for async code that races it against its work.
pub async fn pressed() {
    while !requested() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Runs an async command on a single-threaded runtime with Ctrl-C deferred, so the command can
/// stop and reap the processes it started before the tool exits.
pub fn block_on<F: std::future::Future>(command: F) -> anyhow::Result<F::Output> {
    let _deferred = Deferred::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(runtime.block_on(command))
}
