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

/// Ends the child's whole group and reaps the child.
pub fn stop_group(child: &mut Child) {
    #[cfg(unix)]
    {
        // The child leads its group (see `own_group`), so its pid is the group id.
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group; no memory is shared.
            unsafe {
                libc::kill(-pid, libc::SIGTERM);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
