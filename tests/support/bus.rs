//! A private D-Bus session bus for the tests, on which nothing is started
//! on demand (no service directories), so "no server" stays true unless a
//! test starts one.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `dbus-daemon` listening in `dir`; returns it and its address.
pub fn start(dir: &Path) -> (Child, String) {
    let config = dir.join("session.conf");
    std::fs::write(
        &config,
        format!(
            "<busconfig><type>session</type><listen>unix:dir={}</listen><auth>EXTERNAL</auth>\
             <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
             <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
            dir.display()
        ),
    )
    .unwrap();
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    (bus, address.trim().to_owned())
}

/// Starts a virtual X display of `size` ("1024x768"); returns it and its
/// name (":3"), which Xvfb picks and reports itself.
pub fn xvfb(size: &str) -> (Child, String) {
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0"])
        .arg(format!("{size}x24"))
        .args(["-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (xvfb, format!(":{}", line.trim()))
}

/// Which of `tools` are not on the PATH: a failure under CI (`CI` set),
/// where they must be installed (.ci/run), a skip with the reason elsewhere.
/// `Some(why)` when the test cannot run here.
pub fn missing(tools: &[&str], what: &str) -> Option<String> {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .any(|d| d.join(tool).exists())
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let why = format!("{} not installed (see .ci/run)", missing.join(", "));
    assert!(
        std::env::var_os("CI").is_none(),
        "under CI the {what} tests must run, but {why}"
    );
    eprintln!("skipped: {why}");
    Some(why)
}
