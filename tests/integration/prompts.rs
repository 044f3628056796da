//! The interactive path, through a real pseudo-terminal: what a person at a keyboard sees.

use std::time::Duration;

use rexpect::session::{spawn_command, PtySession};

use crate::support::Scratch;

const DOWN: &str = "\x1b[B";

fn spawn(scratch: &Scratch, args: &[&str]) -> PtySession {
    let mut cmd = scratch.std_cmd();
    cmd.args(args).env("TERM", "xterm");
    spawn_command(cmd, Some(Duration::from_secs(30).as_millis() as u64)).expect("spawn in a pty")
}

#[test]
fn answering_the_prompts_creates_the_plugin() {
    let scratch = Scratch::new();
    let mut session = spawn(&scratch, &["new", "--no-git"]);
    session.exp_string("What kind of plugin?").unwrap();
    session
        .exp_string("dynamic dashboards in app pages")
        .unwrap();
    session.send(DOWN).unwrap(); // App → Data source
    session.flush().unwrap();
    // Wait for the redraw with the moved cursor before confirming.
    session.exp_string("\x1b[4A").unwrap();
    session
        .exp_string("dynamic dashboards in app pages")
        .unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_string("Rust backend?").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("Plugin name").unwrap();
    session.send_line("Weather").unwrap();
    // The invalid answer is explained and asked again, not accepted.
    session.exp_string("--name weather").unwrap();
    session.send_line("weather").unwrap();
    session.exp_string("Organisation").unwrap();
    session.send_line("acme").unwrap();
    session.exp_string("Next steps").unwrap();
    session.exp_eof().unwrap();
    let plugin = scratch.path().join("acme-weather-datasource");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plugin.join("src/plugin.json")).unwrap())
            .unwrap();
    assert_eq!(json["backend"], true);
    assert!(plugin.join("Cargo.toml").is_file());
}

#[test]
fn flags_given_are_not_asked_again() {
    let scratch = Scratch::new();
    let mut session = spawn(
        &scratch,
        &["new", "--type", "panel", "--name", "clock", "--no-git"],
    );
    // Panels have no backend question and the name was given: only the organisation is asked.
    session.exp_string("Organisation").unwrap();
    session.send_line("acme").unwrap();
    session.exp_eof().unwrap();
    assert!(scratch
        .path()
        .join("acme-clock-panel/src/plugin.json")
        .is_file());
}

#[test]
fn ctrl_c_at_a_prompt_leaves_nothing_and_restores_the_cursor() {
    let scratch = Scratch::new();
    let mut session = spawn(&scratch, &["new", "--type", "app", "--no-git"]);
    session.exp_string("Rust backend?").unwrap();
    session.send_control('c').unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(
        rest.contains("\x1b[?25h"),
        "cursor not shown again: {rest:?}"
    );
    let status = session.process.wait().unwrap();
    assert!(
        matches!(status, rexpect::process::wait::WaitStatus::Exited(_, 130)),
        "{status:?}"
    );
    assert!(
        scratch.tree().is_empty(),
        "left behind: {:?}",
        scratch.tree().keys()
    );
}
