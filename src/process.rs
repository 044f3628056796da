//! Child processes that must not outlive the command: builds and watchers run in their own
//! process group, so stopping one stops everything it started (rustc under cargo, node under npm).

use std::process::{Child, Command};

/// Puts the command in a new process group. Ctrl-C in the terminal then reaches only this tool,
/// which stops the group itself with [`stop_group`].
pub fn own_group(cmd: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd
}

/// How long a group gets to exit after SIGTERM (webpack closes its watchers, cargo its jobs)
/// before the rest is killed.
#[cfg(unix)]
const GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Ends the child's whole group and reaps the child: SIGTERM first, SIGKILL for whatever is
/// still there after [`GRACE`].
pub fn stop_group(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // The child leads its group (see `own_group`), so its pid is the group id.
        signal_group(pid, libc::SIGTERM);
        if !wait_for_group(pid, child) {
            signal_group(pid, libc::SIGKILL);
            // SIGKILL takes effect asynchronously: wait again, so that "nothing is left" is
            // already true when the caller says it.
            wait_for_group(pid, child);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Whether every member of the group is gone within [`GRACE`].
#[cfg(unix)]
fn wait_for_group(group: i32, leader: &mut Child) -> bool {
    let deadline = std::time::Instant::now() + GRACE;
    loop {
        // Reap the leader as soon as it exits: a zombie would keep the group "alive".
        let _ = leader.try_wait();
        if !signal_group(group, 0) {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// kill(2) on a process group; signal 0 only asks whether any member is left.
#[cfg(unix)]
fn signal_group(group: i32, signal: i32) -> bool {
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is shared.
    unsafe { libc::kill(-group, signal) == 0 }
}
