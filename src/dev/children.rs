//! The frontend watcher (`npm run dev`) beside the backend loop, its output prefixed per line.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{anyhow, Result};

use crate::process;

pub struct Frontend {
    child: Child,
    stopped: bool,
}

impl Frontend {
    pub fn start(root: &Path) -> Result<Self> {
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        let mut cmd = Command::new(npm);
        cmd.args(["run", "dev"])
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = process::own_group(&mut cmd).spawn().map_err(|error| {
            anyhow!(
                "running `npm run dev` in {}: {error}\n  help: install Node.js 22 or newer, or \
                 pass --no-frontend",
                root.display()
            )
        })?;
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

impl Drop for Frontend {
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
