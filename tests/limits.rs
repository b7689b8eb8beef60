//! Input that cannot hurt: whatever a person types or a file holds, the
//! answer comes at once, says what is wrong and what to do, and nothing is
//! taken in that would crash, hang or fill the machine.

#[path = "support/desk.rs"]
mod desk;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn expedite(dir: &Path, who: &str, args: &[&str]) -> Output {
    desk::expedite_as(dir, who, args)
}

/// Refused with exit 1 (or clap's 2), saying `why`, within a second or two.
fn refused(dir: &Path, args: &[&str], why: &str) {
    let started = Instant::now();
    let out = expedite(dir, "Sam Patel", args);
    let took = started.elapsed();
    let said = desk::printed(&out);
    let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
    let short: String = said.chars().take(600).collect();
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{shown:?} was taken: {short}"
    );
    assert!(said.contains(why), "{shown:?}: {short}");
    assert!(!said.contains("panicked"), "{short}");
    assert!(took < Duration::from_secs(10), "{shown:?} took {took:?}");
}

fn declared() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = expedite(
        dir.path(),
        "Sam Patel",
        &[
            "declare",
            "--title",
            "Checkout 500s",
            "--evidence",
            "other:seen",
        ],
    );
    assert!(out.status.success(), "{}", desk::printed(&out));
    dir
}

#[test]
fn special_files_are_refused_at_once_never_read_without_end() {
    let dir = declared();
    let d = dir.path();
    refused(
        d,
        &["import", "roster", "/dev/zero"],
        "it is a device or a pipe, not a file",
    );
    let fifo = d.join("nobody-writes.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    refused(
        d,
        &["import", "roster", fifo.to_str().unwrap()],
        "it is a device or a pipe",
    );
    refused(
        d,
        &["import", "roster", d.to_str().unwrap()],
        "it is a folder",
    );
}

#[test]
fn huge_lengths_of_time_are_refused_with_the_most_allowed() {
    let dir = declared();
    let d = dir.path();
    for (args, why) in [
        (
            &["update", "x", "--next-in", "99999999999999m"][..],
            "at most 7 days",
        ),
        (
            &["update", "x", "--next-in", "100000000h"][..],
            "at most 7 days",
        ),
        (&["snooze", "99999999999999m"][..], "at most 7 days"),
        (&["snooze", "8d"][..], "not a length of time"),
        (
            &["update", "x", "--next-in", "999999999999999999999h"][..],
            "not a length of time",
        ),
    ] {
        refused(d, args, why);
    }
    // A week is fine, and the update it was given with is kept.
    let out = expedite(d, "Sam Patel", &["update", "Weekend", "--next-in", "168h"]);
    assert!(out.status.success(), "{}", desk::printed(&out));
}

#[test]
fn names_channels_secrets_and_addresses_have_limits() {
    let dir = declared();
    let d = dir.path();
    let out = expedite(d, "", &["note", "Signed by nobody"]);
    assert_eq!(out.status.code(), Some(1), "{}", desk::printed(&out));
    assert!(
        desk::printed(&out).contains("none was given"),
        "{}",
        desk::printed(&out)
    );
    let long = "A".repeat(100_000);
    refused(
        d,
        &["hand-over", "--to", &long, "--note", "x", "--anyway"],
        "a name takes at most 100",
    );
    refused(
        d,
        &["update", "x", "--channel", &format!("#{long}")],
        "a name takes at most 100",
    );
    refused(
        d,
        &["update", "x", "--channel", "#deploy\u{1b}[2J"],
        "control characters",
    );
    // Secrets come on standard input: a NUL in an address, and 10 MB of
    // "secret", are refused and never written down.
    let set_from_stdin = |input: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_expedite"));
        command
            .arg("--data-dir")
            .arg(d)
            .args(["channel", "set", "#expedite", "--slack-webhook", "-"])
            .env("EXPEDITE_SECRETS", "file");
        let out = desk::run_with_stdin(command, input);
        assert_eq!(out.status.code(), Some(1), "{}", desk::printed(&out));
        desk::printed(&out).chars().take(600).collect::<String>()
    };
    let said = set_from_stdin("https://hooks.slack.com/a\0b\n");
    assert!(said.contains("control characters"), "{said}");
    let said = set_from_stdin(&"x".repeat(10 << 20));
    assert!(said.contains("over 4096 characters"), "{said}");
    assert!(!d.join("connections.ron").exists());
    refused(d, &["export", "rota", "--weeks", "-1"], "not in 1..=520");
    refused(
        d,
        &["export", "rota", "--weeks", "999999999"],
        "not in 1..=520",
    );
}

#[test]
fn days_centuries_away_and_readings_no_dashboard_shows_are_refused() {
    let dir = declared();
    let d = dir.path();
    refused(
        d,
        &[
            "postmortem",
            "--at",
            "9999-12-31T10:00:00Z",
            "--owner",
            "Sam Patel",
            "--anyway",
        ],
        "at most 366 days from now",
    );
    refused(
        d,
        &["follow-up", "add", "Rotate the keys", "--due", "9999-12-31"],
        "at most 3650 days",
    );
    refused(
        d,
        &["reading", "1e308", "--note", "errors"],
        "past a million billion",
    );
}
