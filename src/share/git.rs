//! Running the `git` program the person already has: their credentials, SSH
//! agent and hosts work as they do in a terminal. Never asks on a terminal
//! (the window has none) and never waits for ever.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a network step (fetch, push, clone) may take.
pub const NETWORK_LIMIT: Duration = Duration::from_secs(60);
/// How long a local step may take.
pub const LOCAL_LIMIT: Duration = Duration::from_secs(30);

/// What git printed, and whether it succeeded.
#[derive(Debug)]
pub struct Output {
    /// Exit status 0.
    pub ok: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Output {
    /// The last line git wrote on standard error, for a message.
    pub fn why(&self) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        text.lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("hint:"))
            .unwrap_or("git gave no reason")
            .trim_start_matches("fatal: ")
            .trim_start_matches("error: ")
            .to_owned()
    }
}

impl Output {
    /// What git said, in a few lines joined on one: for a refusal that
    /// names files (a merge that could not start).
    pub fn details(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .chain(self.stdout.lines())
            .map(str::trim)
            .filter(|l| {
                !l.is_empty()
                    && !l.starts_with("hint:")
                    && !l.starts_with("expedite:")
                    && *l != "Aborting"
                    && !l.starts_with("Merge with strategy")
            })
            .take(4)
            .collect();
        if lines.is_empty() {
            self.why()
        } else {
            lines
                .join("; ")
                .replace("error: ", "")
                .replace("fatal: ", "")
        }
    }
}

/// Runs `git -C dir ARGS` with `env`, stopping it after `limit`. `Err` when
/// git could not be started or took too long.
pub fn run(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> Result<Output, String> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .env("SSH_ASKPASS_REQUIRE", "never")
        .env("GIT_SSH_COMMAND", ssh_command())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "the git program is not installed — install git (e.g. `sudo apt install git`) to share the folder".to_owned()
        } else {
            format!("git could not be started ({e})")
        }
    })?;
    // Read both pipes on their own threads so a chatty git never blocks.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    // Checked often at first (most git calls take a few milliseconds), then
    // less, up to every 20 ms for a slow network.
    let mut pause = Duration::from_micros(100);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "git {} gave no answer in {} s and was stopped",
                args.first().unwrap_or(&""),
                limit.as_secs()
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    Ok(Output {
        ok: status.success(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// SSH as the person has it, but never stopping to ask a question.
fn ssh_command() -> String {
    let base = std::env::var("GIT_SSH_COMMAND")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "ssh".to_owned());
    format!("{base} -o BatchMode=yes -o ConnectTimeout=20")
}
