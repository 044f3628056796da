//! Starting a backend the way Grafana does, reading its handshake, and always reaping it.

use std::io;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

use super::handshake::{self, Handshake, APP_PROTOCOL};
use super::log;
use crate::plugin::GRAFANA_VERSION;

/// A running backend. Dropping it kills the process; [`Running::stop`] also reaps it.
pub struct Running {
    child: Child,
    output: Output,
}

/// What the plugin wrote on stderr (and on stdout after the handshake), kept for error messages
/// and, when echoing, shown live with a prefix per line (hclog JSON lines as Grafana shows them).
#[derive(Clone, Default)]
pub struct Output {
    kept: Arc<Mutex<Vec<u8>>>,
    echo: Option<&'static str>,
}

impl Output {
    /// Also prints every line on stderr, after `prefix`.
    pub fn echoing(prefix: &'static str) -> Self {
        Self {
            echo: Some(prefix),
            ..Self::default()
        }
    }

    pub fn text(&self) -> String {
        let bytes = self.kept.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).trim_end().to_owned()
    }

    fn drain(&self, mut from: impl AsyncRead + Unpin + Send + 'static) {
        let sink = self.kept.clone();
        let echo = self.echo;
        let colors = console::colors_enabled_stderr();
        tokio::spawn(async move {
            let mut chunk = [0u8; 4096];
            let mut line = Vec::new();
            while let Ok(n @ 1..) = from.read(&mut chunk).await {
                if let Ok(mut buffer) = sink.lock() {
                    buffer.extend_from_slice(&chunk[..n]);
                }
                let Some(prefix) = echo else { continue };
                for &byte in &chunk[..n] {
                    if byte == b'\n' {
                        let text = String::from_utf8_lossy(&line);
                        let shown = log::readable(text.trim_end(), colors);
                        eprintln!("{prefix}{shown}");
                        line.clear();
                    } else {
                        line.push(byte);
                    }
                }
            }
        });
    }
}

pub enum LaunchError {
    Missing,
    NotExecutable,
    Spawn(io::Error),
    ExitedEarly {
        status: Option<ExitStatus>,
        stderr: String,
    },
    NoHandshake {
        stderr: String,
    },
    Malformed {
        line: String,
        error: handshake::HandshakeError,
    },
}

impl LaunchError {
    pub fn explain(&self, exe: &Path) -> String {
        let exe = exe.display();
        match self {
            Self::Missing => format!(
                "{exe} does not exist\n  help: build the backend first (cargo build), or pass --exe with the right path"
            ),
            Self::NotExecutable => format!("{exe} is not executable\n  help: chmod +x {exe}"),
            Self::Spawn(error) => format!("could not start {exe}: {error}"),
            Self::ExitedEarly { status, stderr } => format!(
                "the plugin exited ({}) before printing its handshake{}",
                status.map_or("status unknown".to_owned(), |s| s.to_string()),
                shown_stderr(stderr)
            ),
            Self::NoHandshake { stderr } => format!(
                "the plugin printed no handshake line in time (go-plugin expects `1|{APP_PROTOCOL}|tcp|HOST:PORT|grpc` on stdout){}",
                shown_stderr(stderr)
            ),
            Self::Malformed { line, error } => {
                format!("the plugin's first line {line:?} is not a valid handshake: {error}")
            }
        }
    }
}

fn shown_stderr(stderr: &str) -> String {
    if stderr.is_empty() {
        "; it wrote nothing on stderr".to_owned()
    } else {
        format!("; its stderr:\n{stderr}")
    }
}

/// Starts `exe` with Grafana's environment. The handshake is read separately, with
/// [`Running::handshake`], so the caller owns the process (and can reap it) while waiting.
pub fn spawn(exe: &Path, output: Output) -> Result<(Running, ChildStdout), LaunchError> {
    if !exe.is_file() {
        return Err(LaunchError::Missing);
    }
    let mut child = Command::new(exe)
        // The magic cookie go-plugin checks; Grafana uses this value for every plugin type.
        .env("grafana_plugin_type", "datasource")
        .env("PLUGIN_PROTOCOL_VERSIONS", APP_PROTOCOL.to_string())
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        // The version the generated development container runs, announced as Grafana does.
        .env("GF_VERSION", GRAFANA_VERSION)
        .env("GF_EDITION", "oss")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| match error.kind() {
            io::ErrorKind::PermissionDenied => LaunchError::NotExecutable,
            io::ErrorKind::NotFound => LaunchError::Missing,
            _ => LaunchError::Spawn(error),
        })?;
    if let Some(stderr) = child.stderr.take() {
        output.drain(stderr);
    }
    let stdout = child.stdout.take().expect("stdout is piped");
    Ok((Running { child, output }, stdout))
}

impl Running {
    /// Waits up to `timeout` for the handshake line on the plugin's stdout.
    pub async fn handshake(
        &mut self,
        stdout: ChildStdout,
        timeout: Duration,
    ) -> Result<Handshake, LaunchError> {
        read_handshake(self, stdout, timeout).await
    }
}

async fn read_handshake(
    running: &mut Running,
    stdout: ChildStdout,
    timeout: Duration,
) -> Result<Handshake, LaunchError> {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    let read = tokio::time::timeout(timeout, reader.read_line(&mut line)).await;
    match read {
        Err(_elapsed) => {
            return Err(LaunchError::NoHandshake {
                stderr: running.output.text(),
            })
        }
        Ok(Ok(0)) | Ok(Err(_)) => {
            let status = tokio::time::timeout(Duration::from_secs(2), running.child.wait())
                .await
                .ok()
                .and_then(Result::ok);
            // Give the stderr reader a moment to collect the last words.
            tokio::time::sleep(Duration::from_millis(50)).await;
            return Err(LaunchError::ExitedEarly {
                status,
                stderr: running.output.text(),
            });
        }
        Ok(Ok(_)) => {}
    }
    // The plugin may keep logging to stdout; keep reading so it never blocks on a full pipe.
    running.output.drain(reader);
    let line = line.trim_end().to_owned();
    handshake::parse(&line).map_err(|error| LaunchError::Malformed { line, error })
}

impl Running {
    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits up to `grace` for the process to exit by itself.
    pub async fn wait_exit(&mut self, grace: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(grace, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok)
    }

    /// Resident memory of the plugin process in KiB, where the OS tells it (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()?)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Kills the process if it still runs and reaps it, so nothing is left behind.
    pub async fn stop(&mut self) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let _ = self.child.start_kill();
        self.child.wait().await.ok()
    }
}
