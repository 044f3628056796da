//! The frontend watcher (`npm run dev`) beside the backend loop, its output prefixed per line.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Stdio};

use anyhow::Result;

use crate::{npm, process};

pub struct FrontendWatcher {
    child: Child,
    stopped: bool,
}

impl FrontendWatcher {
    pub fn start(root: &Path) -> Result<Self> {
        let mut cmd = npm::script(root, "dev");
        cmd.stderr(Stdio::piped());
        let help = "install Node.js 22 or newer, or pass --no-frontend";
        let mut child = npm::spawn(process::own_group(&mut cmd), root, help)?;
        if let Some(out) = child.stdout.take() {
            prefix_lines(out);
        }
        if let Some(err) = child.stderr.take() {
            prefix_lines(err);
        }
        Ok(Self {
            child,
            stopped: false,
        })
    }

    /// Stops webpack and everything npm started.
    pub fn stop(&mut self) {
        if !std::mem::replace(&mut self.stopped, true) {
            process::stop_group(&mut self.child);
        }
    }
}

impl Drop for FrontendWatcher {
    fn drop(&mut self) {
        self.stop();
    }
}

fn prefix_lines(stream: impl Read + Send + 'static) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            eprintln!("[frontend] {line}");
        }
    });
}
