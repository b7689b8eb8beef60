//! Running the `git` program the person already has: their credentials, SSH
//! agent and hosts work as they do in a terminal. Never asks on a terminal
//! (the window has none) and never waits for ever.

use std::io::{Read, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a network step (fetch, push, clone) may take.
pub const NETWORK_LIMIT: Duration = Duration::from_secs(60);
/// How long a local step may take.
pub const LOCAL_LIMIT: Duration = Duration::from_secs(30);

/// Why git gave no answer to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitError {
    /// There is no `git` program to run.
    NotInstalled,
    /// It could not be started, or waited for (why).
    NotRun(String),
    /// `git WHAT` gave no answer in this many seconds and was stopped.
    NoAnswer { what: String, secs: u64 },
    /// `git WHAT` printed more than [`OUTPUT_LIMIT`].
    TooMuch { what: String },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotInstalled => f.write_str(
                "the git program is not installed — install git (e.g. `sudo apt install git`) to share the folder",
            ),
            Self::NotRun(why) => write!(f, "git could not be started ({why})"),
            Self::NoAnswer { what, secs } => {
                write!(f, "git {what} gave no answer in {secs} s and was stopped")
            }
            Self::TooMuch { what } => write!(
                f,
                "git {what} printed more than {} MB and was not listened to further",
                OUTPUT_LIMIT >> 20
            ),
        }
    }
}

impl From<GitError> for String {
    fn from(e: GitError) -> Self {
        e.to_string()
    }
}

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
    /// What git gave as its reason, in one line for a message: the first
    /// line that says something particular (which address, which host),
    /// without git's boilerplate ("Please make sure you have the correct
    /// access rights and the repository exists.") or its hints.
    pub fn why(&self) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let said = |l: &&str| {
            !l.is_empty()
                && !l.starts_with("hint:")
                && !l.starts_with("Please make sure you have the correct access rights")
                && *l != "and the repository exists."
        };
        let lines: Vec<&str> = text.lines().map(str::trim).filter(said).collect();
        let generic = |l: &&&str| l.ends_with("Could not read from remote repository.");
        let line = lines
            .iter()
            .find(|l| !generic(l))
            .or_else(|| lines.first())
            .copied()
            .unwrap_or("git gave no reason");
        let line = line
            .trim_start_matches("fatal: ")
            .trim_start_matches("error: ")
            .trim_end_matches('.');
        crate::text::one_line(line, 200)
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

/// The most git may print for one call before it is stopped: enough for
/// the listing of any tree Expedite shares, not enough to take the memory.
pub const OUTPUT_LIMIT: usize = 64 << 20;

/// Runs `git -C dir ARGS` with `env`, stopping it after `limit`. `Err` when
/// git could not be started, took too long or printed more than
/// [`OUTPUT_LIMIT`].
pub fn run(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> Result<Output, GitError> {
    run_with_input(dir, args, env, limit, None)
}

/// As [`run`], with `input` on git's standard input.
pub fn run_with_input(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
    input: Option<Vec<u8>>,
) -> Result<Output, GitError> {
    let raw = run_raw(dir, args, env, limit, input)?;
    Ok(Output {
        ok: raw.ok,
        stdout: String::from_utf8_lossy(&raw.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&raw.stderr).into_owned(),
    })
}

/// What git printed, as bytes (file contents, which need not be text).
#[derive(Debug)]
pub struct RawOutput {
    /// Exit status 0.
    pub ok: bool,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
}

/// As [`run_with_input`], keeping what git printed as bytes.
pub fn run_raw(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
    input: Option<Vec<u8>>,
) -> Result<RawOutput, GitError> {
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
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            GitError::NotInstalled
        } else {
            GitError::NotRun(e.to_string())
        }
    })?;
    // Written and read on threads of their own, so a chatty git never blocks.
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let out = child.stdout.take().map(read_bounded);
    let err = child.stderr.take().map(read_bounded);
    let started = Instant::now();
    // Checked often at first (most git calls take a few milliseconds), then
    // less, up to every 20 ms for a slow network.
    let mut pause = Duration::from_micros(100);
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| GitError::NotRun(e.to_string()))?
        {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(GitError::NoAnswer {
                what: args.first().unwrap_or(&"").to_string(),
                secs: limit.as_secs(),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let take = |reader: Option<std::thread::JoinHandle<(Vec<u8>, bool)>>| {
        reader.and_then(|r| r.join().ok()).unwrap_or_default()
    };
    let (stdout, cut) = take(out);
    let (stderr, _) = take(err);
    if cut {
        return Err(GitError::TooMuch {
            what: args.first().unwrap_or(&"").to_string(),
        });
    }
    Ok(RawOutput {
        ok: status.success(),
        stdout,
        stderr,
    })
}

/// Reads a pipe to its end on a thread of its own, keeping at most
/// [`OUTPUT_LIMIT`] bytes; `true` beside them when there was more.
fn read_bounded(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        let mut cut = false;
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) if kept.len() + n <= OUTPUT_LIMIT => kept.extend_from_slice(&buf[..n]),
                // Read on to the end, so git is never blocked writing.
                Ok(_) => cut = true,
            }
        }
        (kept, cut)
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
