//! Getting a fresh build running: locally, as `check` starts a backend, or in the docker-compose
//! Grafana, which starts the new binary once the old process ends.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::grafana::client::{self, Instance};
use crate::grafana::launch::{self, Output, Running};
use crate::grafana::settings;
use crate::plugin::{Manifest, DIST};
use crate::target::BuildTarget;

const TIMEOUT: Duration = Duration::from_secs(10);

/// What a cycle's timing counts from.
#[derive(Clone, Copy, Debug)]
pub enum Cause {
    /// `dev` starting: the first build, which no save asked for.
    Start(Instant),
    /// A save, when the watcher first saw it.
    Save(Instant),
}

impl Cause {
    pub fn since(self) -> Instant {
        match self {
            Cause::Start(at) | Cause::Save(at) => at,
        }
    }
}

pub enum Deployment {
    Local(Box<Backend>),
    Container(Container),
}

impl Deployment {
    /// Puts the executable cargo built to work and reports the cycle's timing.
    pub async fn deploy(&mut self, exe: &Path, cause: Cause, build_took: Duration) {
        match self {
            Deployment::Local(backend) => backend.replace(exe, cause, build_took).await,
            Deployment::Container(container) => container.replace(exe, cause, build_took),
        }
    }

    pub async fn stop(&mut self) {
        if let Deployment::Local(backend) = self {
            backend.stop().await;
        }
    }
}

/// The backend as a local process, started the way Grafana starts it.
pub struct Backend {
    instance: Instance,
    running: Option<Running>,
}

impl Backend {
    pub fn new(root: &Path, manifest: &Manifest) -> Result<Self> {
        let settings = settings::resolve(Some((root, &manifest.id)), None, &[])?;
        Ok(Self {
            instance: Instance {
                plugin_id: manifest.id.clone(),
                plugin_type: manifest.plugin_type.clone(),
                settings,
            },
            running: None,
        })
    }

    async fn replace(&mut self, exe: &Path, cause: Cause, build_took: Duration) {
        self.stop().await;
        let (mut running, stdout) = match launch::spawn(exe, Output::echoing("[backend] ")) {
            Ok(spawned) => spawned,
            Err(error) => {
                eprintln!("[dev] could not start the backend: {}", error.explain(exe));
                return;
            }
        };
        let pid = running.pid().unwrap_or_default();
        let answer = match running.handshake(stdout, TIMEOUT).await {
            Ok(handshake) => health(&handshake.address, &self.instance)
                .await
                .map(|message| (handshake.address, message)),
            Err(error) => Err(error.explain(exe)),
        };
        match answer {
            Ok((address, message)) => eprintln!(
                "[dev] backend answering on {address} (pid {pid}): CheckHealth OK: {message}\n\
                 [dev] {}",
                timing(cause, build_took)
            ),
            Err(problem) => {
                eprintln!("[dev] the new backend (pid {pid}) does not answer: {problem}")
            }
        }
        self.running = Some(running);
    }

    async fn stop(&mut self) {
        if let Some(mut running) = self.running.take() {
            running.stop().await;
        }
    }
}

/// "save → built 1.2 s → answering 0.1 s later (1.3 s in all)"; the first cycle had no save.
fn timing(cause: Cause, build_took: Duration) -> String {
    let all = cause.since().elapsed();
    let steps = format!(
        "built {:.1} s → answering {:.1} s later ({:.1} s in all)",
        build_took.as_secs_f64(),
        all.saturating_sub(build_took).as_secs_f64(),
        all.as_secs_f64()
    );
    match cause {
        Cause::Start(_) => format!("first build: {steps}"),
        Cause::Save(_) => format!("save → {steps}"),
    }
}

async fn health(address: &str, instance: &Instance) -> Result<String, String> {
    let channel = client::connect(address, TIMEOUT)
        .await
        .map_err(|e| format!("{e:#}"))?;
    let call = client::check_health(channel, instance);
    match tokio::time::timeout(TIMEOUT, call).await {
        Ok(result) => result.map_err(|e| format!("{e:#}")),
        Err(_) => Err(format!(
            "CheckHealth did not answer within {} s",
            TIMEOUT.as_secs()
        )),
    }
}

/// The backend inside the docker-compose Grafana, whose plugin folder is `dist/`.
pub struct Container {
    root: PathBuf,
    file: PathBuf,
    told_not_running: bool,
}

impl Container {
    pub fn new(root: &Path, target: &BuildTarget, bin: &str) -> Self {
        Self {
            root: root.to_owned(),
            file: root.join(DIST).join(target.file_name(bin)),
            told_not_running: false,
        }
    }

    fn replace(&mut self, exe: &Path, cause: Cause, build_took: Duration) {
        if let Err(error) = install(exe, &self.file) {
            eprintln!("[dev] {error:#}");
            return;
        }
        let shown = self.file.strip_prefix(&self.root).unwrap_or(&self.file);
        let took = build_took.as_secs_f64();
        match cause {
            Cause::Start(_) => eprintln!(
                "[dev] {} updated by the first build, {took:.1} s",
                shown.display()
            ),
            Cause::Save(_) => eprintln!(
                "[dev] {} updated, {took:.1} s after the save",
                shown.display()
            ),
        }
        if self.restart_in_container() {
            eprintln!(
                "[dev] stopped the old backend in Grafana's container; Grafana starts the new one"
            );
        } else if !self.told_not_running {
            eprintln!(
                "[dev] no docker compose project is running in {}: start Grafana with \
                 `docker compose up --build` (it loads dist/ and restarts the backend when \
                 the file changes); or use --local to run the backend here",
                self.root.display()
            );
            self.told_not_running = true;
        }
    }

    /// Ends the plugin process in the running `grafana` service, as create-plugin's watcher
    /// does; the container's entrypoint would also notice the new file, within 2 s.
    fn restart_in_container(&self) -> bool {
        let name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name else { return false };
        let quiet = |args: &[&str]| {
            Command::new("docker")
                .args(args)
                .current_dir(&self.root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        quiet(&["compose", "exec", "-T", "grafana", "pkill", "-f", &name])
    }
}

/// Replaces `file` with `exe` in one rename, so Grafana never starts a half-copied binary.
fn install(exe: &Path, file: &Path) -> Result<()> {
    let dir = file.parent().expect("dist file has a parent");
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let partial = dir.join(format!(".dev.partial-{}", std::process::id()));
    std::fs::copy(exe, &partial)
        .with_context(|| format!("copying {} to {}", exe.display(), partial.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("making {} executable", partial.display()))?;
    }
    std::fs::rename(&partial, file).with_context(|| format!("replacing {}", file.display()))
}
