//! Reminders against a real desktop: a private D-Bus session with the dunst
//! notification server on a virtual X display. Needs Xvfb, dbus-daemon,
//! dunst and dunstctl; without them each test says it was skipped and why —
//! except under CI (`CI` set), where they must run.

#[path = "support/bus.rs"]
mod bus;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use expedite::model::IncidentId;
use expedite::reminder::Reminder;
use expedite::reminder::desktop::DesktopNotifier;

const CHILD: &str = "EXPEDITE_NOTIFY_CHILD";
/// How a test runs [`notify_child`] in its own process: alone, though ignored.
const CHILD_ARGS: [&str; 5] = [
    "--exact",
    "notify_child",
    "--ignored",
    "--nocapture",
    "--test-threads=1",
];

/// Says why a test can't run here: a failure under CI, a skip elsewhere.
fn missing_tools() -> Option<String> {
    bus::missing(
        &["Xvfb", "dbus-daemon", "dunst", "dunstctl", "xdotool"],
        "desktop",
    )
}

/// A private desktop: X display, session bus and (optionally) dunst.
struct Desktop {
    dir: tempfile::TempDir,
    display: String,
    bus: String,
    children: Vec<Child>,
}

impl Desktop {
    fn start(with_server: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut children = Vec::new();
        let (xvfb, display) = bus::xvfb("1024x768");
        children.push(xvfb);
        let (bus, address) = bus::start(dir.path());
        children.push(bus);
        let mut desktop = Self {
            dir,
            display,
            bus: address,
            children,
        };
        if with_server {
            let dunst = desktop
                .command("dunst")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            desktop.children.push(dunst);
            desktop.wait_for("dunst to start", || desktop.displayed().is_some());
        }
        desktop
    }

    /// A command that runs on this desktop.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", self.dir.path())
            .env("XDG_RUNTIME_DIR", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path());
        c
    }

    /// How many notifications dunst shows now.
    fn displayed(&self) -> Option<u32> {
        self.count("displayed")
    }

    /// How many notifications dunst keeps in its history (closed ones).
    fn history(&self) -> Option<u32> {
        self.count("history")
    }

    fn count(&self, which: &str) -> Option<u32> {
        let out = self
            .command("dunstctl")
            .args(["count", which])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().parse().ok())?
    }

    /// The summaries dunst received, from its history (closing what is shown first).
    fn summaries(&self) -> String {
        self.command("dunstctl").arg("close-all").status().unwrap();
        let out = self.command("dunstctl").arg("history").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Shows a reminder from a separate process (so the bus address is its own)
    /// and returns what the notifier said: "ok" or the error.
    fn notify(&self, summary: &str) -> String {
        let out = self
            .command(std::env::current_exe().unwrap())
            .args(CHILD_ARGS)
            .env(CHILD, summary)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| l.split_once("notifier: ").map(|(_, said)| said))
            .unwrap_or("no answer")
            .to_owned()
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn reminder(summary: &str) -> Reminder {
    Reminder {
        incident: IncidentId::parse("2026-11-26-1").unwrap(),
        summary: summary.to_owned(),
        body: "Last update 16 min ago in #expedite.\nNext step: Describe the fix.".into(),
        critical: false,
        count: 1,
    }
}

/// The child side: shows one reminder with the real notifier, twice when
/// asked. Not a test of its own: the tests above run it with `--ignored`
/// inside their private desktop session.
#[test]
#[ignore = "the child process of the desktop notification tests"]
fn notify_child() {
    let summary =
        std::env::var(CHILD).expect("run by a notification test, which names the reminder");
    let notifier = DesktopNotifier::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let actions = expedite::reminder::Actions::new(move |event| {
        let _ = tx.lock().unwrap().send(event);
    });
    use expedite::reminder::Notifier;
    let mut result = notifier.show(&reminder(&summary), actions.clone());
    if result.is_ok() && summary.contains("twice") {
        result = notifier.show(&reminder(&format!("{summary} again")), actions);
    }
    if result.is_ok() && summary.contains("withdrawn") {
        result = notifier.withdraw(&reminder(&summary).incident);
    }
    println!(
        "notifier: {}",
        result.err().map_or_else(|| "ok".into(), |e| e.to_string())
    );
    if summary.contains("click me") {
        // Wait for the person (dunstctl, in the test) to press the bubble.
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => println!("action: {event:?}"),
            Err(e) => println!("action: none ({e})"),
        }
    }
}

#[test]
fn the_real_notification_server_receives_the_reminder() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(true);
    assert_eq!(desktop.notify("Update due: Checkout returns 500"), "ok");
    assert_eq!(desktop.displayed(), Some(1));
    assert!(
        desktop
            .summaries()
            .contains("Update due: Checkout returns 500")
    );
}

#[test]
fn a_newer_reminder_replaces_the_older_bubble() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(true);
    assert_eq!(desktop.notify("Update due: shown twice"), "ok");
    assert_eq!(
        desktop.displayed(),
        Some(1),
        "one bubble per incident, never a storm"
    );
}

#[test]
fn a_reminder_no_longer_true_is_withdrawn_from_the_screen() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(true);
    assert_eq!(desktop.notify("Update due: withdrawn once posted"), "ok");
    assert_eq!(desktop.displayed(), Some(0), "closed through the server");
    assert!(
        desktop.history().is_some_and(|n| n >= 1),
        "it was shown, then closed"
    );
    // Closed as it was, never first replaced by another bubble.
    let shown = desktop.summaries();
    assert!(shown.contains("withdrawn once posted"), "{shown}");
    assert!(!shown.contains("Update posted"), "{shown}");
}

#[test]
fn no_notification_server_is_a_clear_message() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(false);
    assert_eq!(
        desktop.notify("Update due: x"),
        "no notification server is running on this desktop"
    );
}

#[test]
fn no_session_bus_is_a_clear_message() {
    if missing_tools().is_some() {
        return;
    }
    let mut desktop = Desktop::start(false);
    desktop.bus = format!("unix:path={}/no-bus-here", desktop.dir.path().display());
    let said = desktop.notify("Update due: x");
    assert!(
        said.starts_with("there is no desktop session bus"),
        "{said}"
    );
}

fn expedite(desktop: &Desktop, data: &Path, args: &[&str]) -> String {
    let out = desktop
        .command(env!("CARGO_BIN_EXE_expedite"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The app under a virtual display, its window hidden; a due time set from
/// a terminal meanwhile reaches its timer, and the reminder reaches the desktop.
#[test]
fn the_hidden_window_reminds_when_a_terminal_sets_the_due_time() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(true);
    let data: PathBuf = desktop.dir.path().join("data");
    expedite(
        &desktop,
        &data,
        &[
            "declare",
            "--title",
            "Checkout returns 500",
            "--evidence",
            "error-screen:booking errors",
        ],
    );
    expedite(
        &desktop,
        &data,
        &["update", "Investigating", "--next-in", "1h"],
    );
    // The window's own messages go to a file: a pipe read after the
    // window is killed waits for every process that inherited it.
    let log_path = desktop.dir.path().join("window.log");
    let mut app = desktop
        .command(env!("CARGO_BIN_EXE_expedite"))
        .arg("--data-dir")
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    // The title carries the countdown ("Expedite — update due in 59 min"); give up after 20 s.
    let hide = desktop
        .command("timeout")
        .args([
            "20",
            "xdotool",
            "search",
            "--sync",
            "--name",
            "^Expedite",
            "windowunmap",
            "--sync",
        ])
        .status()
        .unwrap();
    assert!(hide.success(), "the window appeared and was hidden");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(desktop.displayed(), Some(0), "nothing is due for an hour");

    let asked = Instant::now();
    expedite(
        &desktop,
        &data,
        &["update", "Fix deploying", "--next-in", "2s"],
    );
    desktop.wait_for("the reminder", || {
        desktop.displayed().is_some_and(|n| n > 0)
    });
    let took = asked.elapsed();
    assert!(
        app.try_wait().unwrap().is_none(),
        "the app is still running"
    );
    let _ = app.kill();
    let _ = app.wait();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        desktop
            .summaries()
            .contains("Update due: Checkout returns 500"),
        "{log}"
    );
    eprintln!("reminder arrived {took:?} after the 2 s due time was set");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn pressing_the_bubble_comes_back_as_post_update() {
    if missing_tools().is_some() {
        return;
    }
    let desktop = Desktop::start(true);
    let mut child = desktop
        .command(std::env::current_exe().unwrap())
        .args(CHILD_ARGS)
        .env(CHILD, "Update due: click me")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = |prefix: &str| {
        lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest.to_owned()))
            .unwrap_or_default()
    };
    assert_eq!(said("notifier: "), "ok");
    // What a click on the bubble does: dunst invokes its default action.
    assert!(
        desktop
            .command("dunstctl")
            .arg("action")
            .status()
            .unwrap()
            .success()
    );
    let action = said("action: ");
    let _ = child.wait();
    assert!(action.contains("PostUpdate"), "{action}");
}
