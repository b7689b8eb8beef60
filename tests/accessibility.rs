//! The window as a screen reader reads it: the accessibility tree over
//! AT-SPI, from a real running window on a virtual X display with its own
//! session and accessibility buses (`scripts/atspi-tree` reads it with
//! Debian's python3-pyatspi). Needs Xvfb, dbus-daemon, at-spi2-core and
//! python3-gi with the Atspi typelib.

#[path = "support/bus.rs"]
mod bus;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const LAUNCHER: &str = "/usr/libexec/at-spi-bus-launcher";

/// The Python with the Atspi typelib: Debian's own, when a newer one comes first on the PATH.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

struct Node {
    depth: usize,
    role: String,
    name: String,
    focusable: bool,
}

/// Starts the window on a private desktop and reads its tree.
fn read_tree(data: &Path) -> Vec<Node> {
    let dir = tempfile::tempdir().unwrap();
    let mut children: Vec<Child> = Vec::new();
    let (xvfb, display) = bus::xvfb("1280x800");
    children.push(xvfb);
    let (session, address) = bus::start(dir.path());
    children.push(session);
    let env = |c: &mut Command| {
        c.env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("EXPEDITE_SECRETS", "file")
            .env_remove("EXPEDITE_DATA_DIR")
            .env_remove("AT_SPI_BUS_ADDRESS");
    };
    let mut launcher = Command::new(LAUNCHER);
    env(&mut launcher);
    // Its "accessibility on" switch is a GSettings key: kept in memory, as
    // there is no dconf on this private bus. In a group of its own, so the
    // accessibility bus it starts goes with it.
    let launcher = launcher
        .env("GSETTINGS_BACKEND", "memory")
        .arg("--launch-immediately")
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let group = launcher.id();
    children.push(launcher);
    let mut reader = Command::new(python());
    env(&mut reader);
    real_clock(&mut reader);
    let out = reader
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/atspi-tree"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_expedite"))
        .arg("--data-dir")
        .arg(data)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{group}")])
        .status();
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }
    assert!(out.status.success(), "atspi-tree failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Node {
                depth: v["depth"].as_u64().unwrap() as usize,
                role: v["role"].as_str().unwrap().to_owned(),
                name: v["name"].as_str().unwrap().to_owned(),
                focusable: v["focusable"].as_bool().unwrap(),
            }
        })
        .collect()
}

/// The reader and the window it starts run on the real clock: under a moved
/// clock (libfaketime, `scripts/test-moved-clock`) Python's sleep fails. The
/// incident is declared on the same clock, so what the window says of it is
/// the same whatever the date.
fn real_clock(c: &mut Command) -> &mut Command {
    c.env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .env_remove("FAKETIME_DONT_FAKE_MONOTONIC")
}

fn cannot_run() -> bool {
    if let Some(why) = bus::missing(&["Xvfb", "dbus-daemon"], "accessibility") {
        eprintln!("skipped: {why}");
        return true;
    }
    let typelib = Command::new(python())
        .args(["-c", "import gi; gi.require_version('Atspi', '2.0')"])
        .status()
        .is_ok_and(|s| s.success());
    if !Path::new(LAUNCHER).exists() || !typelib {
        let why = "at-spi2-core or python3-pyatspi not installed (see .ci/run)";
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the accessibility test must run, but {why}"
        );
        eprintln!("skipped: {why}");
        return true;
    }
    false
}

#[test]
fn a_screen_reader_finds_every_node_named_and_the_countdown_announced() {
    if cannot_run() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    std::fs::write(
        d.join("desk.ron"),
        "#![enable(implicit_some)]\n(\n\tformat: \"expedite/desk\",\n\tversion: 2,\n\trevision: 1,\n\tdata: (me: \"Sam Patel\"),\n)",
    )
    .unwrap();
    std::fs::write(
        d.join("roster.ron"),
        r#"(contacts: [(name: "Sam Patel", roles: [WebContact], phones: [(label: "mobile", number: "+44 7700 900456")])])"#,
    )
    .unwrap();
    let declared = real_clock(&mut Command::new(env!("CARGO_BIN_EXE_expedite")))
        .arg("--data-dir")
        .arg(d)
        .args([
            "--as",
            "Sam Patel",
            "declare",
            "--title",
            "Checkout returns 500",
        ])
        .args(["--evidence", "error-tracker:340 TypeErrors in checkout"])
        .env_remove("EXPEDITE_DATA_DIR")
        .output()
        .unwrap();
    assert!(declared.status.success());

    let tree = read_tree(d);
    let shown: Vec<String> = tree
        .iter()
        .map(|n| {
            format!(
                "{}{} {:?}{}",
                "  ".repeat(n.depth),
                n.role,
                n.name,
                if n.focusable { " [focusable]" } else { "" }
            )
        })
        .collect();
    let shown = shown.join("\n");
    // The window is named for what it says in the task bar.
    let frame = tree.iter().find(|n| n.role == "frame").expect("a window");
    assert!(
        frame.name.starts_with("Expedite — update due in "),
        "{shown}"
    );
    // Every node has a name: the window, its panels, every control.
    let unnamed: Vec<&Node> = tree.iter().filter(|n| n.name.trim().is_empty()).collect();
    assert!(
        unnamed.is_empty(),
        "{} unnamed nodes:\n{shown}",
        unnamed.len()
    );
    for region in ["Incident", "Procedure", "View"] {
        assert!(
            tree.iter().any(|n| n.role == "panel" && n.name == region),
            "no {region} panel:\n{shown}"
        );
    }
    // The countdown's state is a status a screen reader announces.
    assert!(
        tree.iter()
            .any(|n| n.role == "status bar" && n.name == "Update not due yet"),
        "{shown}"
    );
    // The stages and the view's start are there to Tab to.
    for name in ["Brief", "Defined", "Post update…", "Hand over…"] {
        assert!(
            tree.iter().any(|n| n.name == name && n.focusable),
            "{name} is not focusable:\n{shown}"
        );
    }
}
