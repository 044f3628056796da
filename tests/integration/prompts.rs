//! The interactive path, through a real pseudo-terminal: what a person at a keyboard sees.
//! rexpect reads the byte stream; tmux, a terminal emulator at 80 columns, shows the rows a person
//! sees once redraws and wrapping have happened.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::session::{spawn_command, PtySession};
use tempfile::TempDir;

use crate::support::{require_tool, Scratch};

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
    session.send_line("y").unwrap();
    session.exp_string("Plugin name").unwrap();
    session.send_line("Weather").unwrap();
    // The invalid answer is explained and asked again, not accepted.
    session.exp_string("try: weather").unwrap();
    session.send_line("weather").unwrap();
    session.exp_string("Organisation").unwrap();
    session.send_line("acme").unwrap();
    let report = session.exp_string("Next steps").unwrap();
    session.exp_eof().unwrap();
    // A person gets a summary; the file list is for --verbose, --dry-run and --json.
    assert!(
        report.contains("--verbose lists them") && !report.contains("src/plugin.json"),
        "{report}"
    );
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

/// `new` in a detached tmux session of 80 × 30, on a server of its own.
struct Screen {
    socket: TempDir,
}

impl Screen {
    fn start(scratch: &Scratch, args: &[&str]) -> Self {
        require_tool("tmux", "apt-get install tmux");
        let socket = tempfile::Builder::new()
            .prefix("cgp-tmux-")
            .tempdir()
            .unwrap();
        let binary = scratch.std_cmd().get_program().to_owned();
        let command: Vec<String> = std::iter::once(binary.to_str().unwrap())
            .chain(args.iter().copied())
            .map(|word| format!("'{word}'"))
            .collect();
        // The shell stays after the tool ends so its last screen and exit code can be read.
        let shell = format!("{}; echo \"[exit $?]\"; sleep 600", command.join(" "));
        let screen = Screen { socket };
        let cwd = scratch.path().to_str().unwrap();
        screen.tmux(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "30",
            "-c",
            cwd,
            "-e",
            "NO_COLOR=1",
            &shell,
        ]);
        screen
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-S")
            .arg(self.socket.path().join("socket"))
            .args(["-f", "/dev/null"])
            .args(args)
            .output()
            .expect("running tmux");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    fn press(&self, key: &str) {
        self.tmux(&["send-keys", key]);
    }

    /// Types an answer and Enter as one write, once the prompt waits for keys. Keys that arrive
    /// while the prompt is busy redrawing would be echoed by the terminal itself, as they would
    /// for a person typing ahead, and move the rows the prompt keeps count of.
    fn answer(&self, text: &str) {
        self.wait_until_raw();
        self.type_text(&format!("{text}\r"));
    }

    /// The visible rows, without trailing blanks.
    fn rows(&self) -> Vec<String> {
        let text = self.tmux(&["capture-pane", "-p"]);
        let mut rows: Vec<String> = text.lines().map(|row| row.trim_end().to_owned()).collect();
        while rows.last().is_some_and(String::is_empty) {
            rows.pop();
        }
        rows
    }

    /// Waits until the tool has put the terminal in raw mode, as it does while reading a key.
    fn wait_until_raw(&self) {
        let tty = self.tmux(&["display-message", "-p", "#{pane_tty}"]);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let stty = Command::new("stty")
                .args(["-a", "-F", tty.trim()])
                .output()
                .expect("running stty");
            let settings = String::from_utf8_lossy(&stty.stdout);
            if settings.split_whitespace().any(|flag| flag == "-isig") {
                return;
            }
            assert!(Instant::now() < deadline, "never raw: {settings}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until some row shows `text`, and returns the screen.
    fn wait_for(&self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let rows = self.rows();
            if rows.iter().any(|row| row.contains(text)) {
                return rows;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never appeared; the screen:\n{}",
                rows.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(self.socket.path().join("socket"))
            .arg("kill-server")
            .output();
    }
}

fn backend_of(plugin: &Path) -> bool {
    let text = std::fs::read_to_string(plugin.join("src/plugin.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["backend"].as_bool().unwrap_or(false)
}

#[test]
fn the_backend_question_reads_whole_words_up_to_enter() {
    for (typed, backend) in [("yes", true), ("NO", false), ("Y", true), ("", false)] {
        let scratch = Scratch::new();
        let screen = Screen::start(&scratch, &["new", "--type", "datasource", "--no-git"]);
        screen.wait_for("Rust backend?");
        // Anything else is explained and asked again; it used to be read key by key, so the `y`
        // of `maybe` answered yes.
        screen.answer("maybe");
        screen.wait_for("type y or n");
        screen.answer(typed);
        let rows = screen.wait_for("Plugin name");
        let shown = if backend { "· yes" } else { "· no" };
        assert!(
            rows.iter()
                .any(|row| row.contains("Rust backend?") && row.ends_with(shown)),
            "{typed:?}: {rows:#?}"
        );
        // Nothing typed at the question is left over for the next one.
        let prompt = rows.last().unwrap();
        assert!(
            prompt.ends_with("Plugin name (e.g. weather) ›"),
            "{typed:?}: {rows:#?}"
        );
        assert!(!rows.iter().any(|row| row.starts_with('✘')), "{rows:#?}");
        screen.answer("weather");
        screen.wait_for("Organisation");
        screen.answer("acme");
        screen.wait_for("[exit 0]");
        let plugin = scratch.path().join("acme-weather-datasource");
        assert_eq!(backend_of(&plugin), backend, "{typed:?}");
    }
}

#[test]
fn one_current_error_at_80_columns_saying_what_to_type() {
    let scratch = Scratch::new();
    let screen = Screen::start(&scratch, &["new", "--type", "panel", "--no-git"]);
    screen.wait_for("Plugin name");
    // Each explanation is longer than 80 columns, and the long answer wraps after the prompt;
    // wrapped rows used to be left behind.
    let long = "WeatherStationsOfTheNorthernHemisphereAndTheSouthernOne";
    for wrong in ["Weather!", "WEATHER", long, "Wëather"] {
        screen.answer(wrong);
        screen.wait_for(&format!("\"{wrong}\""));
    }
    let rows = screen.rows();
    let errors: Vec<&String> = rows.iter().filter(|row| row.starts_with('✘')).collect();
    assert_eq!(errors.len(), 1, "{rows:#?}");
    assert!(errors[0].contains("\"Wëather\""), "{rows:#?}");
    for old in ["Weather!", "WEATHER", &long[..30]] {
        assert!(
            !rows.iter().any(|row| row.contains(old)),
            "{old} left: {rows:#?}"
        );
    }
    // The hint is an answer to type, not a flag.
    assert!(
        rows.iter().any(|row| row.trim() == "try: weather"),
        "{rows:#?}"
    );
    assert!(!rows.iter().any(|row| row.contains("--name")), "{rows:#?}");
    assert!(rows.iter().all(|row| row.chars().count() < 80), "{rows:#?}");
    screen.answer("weather");
    let rows = screen.wait_for("Organisation");
    assert_eq!(
        rows,
        [
            "✔ Plugin name (e.g. weather) · weather",
            "? Organisation (e.g. acme) ›"
        ],
        "the error is gone once answered"
    );
}

#[test]
fn an_empty_answer_is_said_to_be_required() {
    let scratch = Scratch::new();
    let screen = Screen::start(&scratch, &["new", "--type", "panel", "--no-git"]);
    screen.wait_for("Plugin name");
    screen.answer("");
    let rows = screen.wait_for("required");
    assert_eq!(
        rows,
        [
            "✘ an answer is required: type lowercase letters and digits",
            "? Plugin name (e.g. weather) ›"
        ]
    );
}

#[test]
fn ctrl_c_in_an_answer_puts_the_error_on_its_own_line() {
    let scratch = Scratch::new();
    let screen = Screen::start(&scratch, &["new", "--type", "panel", "--no-git"]);
    screen.wait_for("Plugin name");
    screen.wait_until_raw();
    screen.type_text("wea");
    screen.wait_for("› wea");
    // In a prompt's raw mode Ctrl-C is a key the prompt reads (the case this test is about);
    // between two reads it is a signal. Sending it once the terminal is raw makes it the key.
    screen.wait_until_raw();
    screen.press("C-c");
    let rows = screen.wait_for("[exit 130]");
    assert_eq!(
        rows,
        [
            "? Plugin name (e.g. weather) › wea",
            "error: interrupted by Ctrl-C",
            "[exit 130]"
        ]
    );
    assert!(scratch.tree().is_empty(), "{:?}", scratch.tree().keys());
}
