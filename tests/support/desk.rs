//! Running `expedite` from the tests as a person at a desk would: on that
//! desk's data folder, as that desk's person, on a machine with no git
//! identity of its own (as a fresh laptop).

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `expedite --data-dir DIR --as WHO ARGS…`.
pub fn expedite_as(dir: &Path, who: &str, args: &[&str]) -> Output {
    at_desk(&mut Command::new(env!("CARGO_BIN_EXE_expedite")), dir, who)
        .args(args)
        .output()
        .unwrap()
}

/// `command` (expedite, or a program that runs it) told to act at `dir` as
/// `who`, on a machine with no git identity of its own; its arguments
/// follow.
pub fn at_desk<'c>(command: &'c mut Command, dir: &Path, who: &str) -> &'c mut Command {
    command
        .arg("--data-dir")
        .arg(dir)
        .arg("--as")
        .arg(who)
        .env_remove("EXPEDITE_DATA_DIR")
        .env("USER", "someone")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
}

/// What a run printed, both streams, for a failed assertion to show.
pub fn printed(o: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs `command` with `stdin` on its standard input (a secret piped in, as
/// from a password manager), and what it printed.
pub fn run_with_stdin(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A program that stops reading (it refused what it read) closes the
    // pipe: that is its answer, not the test's failure.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}
