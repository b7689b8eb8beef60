//! Faults, not attacks: a sync killed at any moment, a file read while git
//! writes it, desks pushing at the same moment. Sharing heals itself: the
//! next sync converges with no one deleting a lock by hand, and nothing
//! anyone typed is lost.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;

use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use team::*;

/// A small generator of moments, seeded from the clock and printed, so a
/// failing run can be told apart from the next.
struct Moments(u64);

impl Moments {
    fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1;
        println!("moments seeded with {seed}");
        Self(seed)
    }

    /// A moment in `0..limit`.
    fn within(&mut self, limit: Duration) -> Duration {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Duration::from_micros(self.0 % (limit.as_micros() as u64).max(1))
    }
}

/// Starts `expedite sync` at `dir` in a process group of its own (git and
/// the merge driver inside it) and kills the whole group after `after`.
fn killed_sync(dir: &Path, who: &str, after: Duration) {
    let mut child = desk::at_desk(&mut Command::new(env!("CARGO_BIN_EXE_expedite")), dir, who)
        .arg("sync")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = child.wait();
    // A git started at the very moment of the kill can escape it and run
    // to its end: wait for it, so what is left behind is only what a
    // killed git left.
    for _ in 0..500 {
        if !git_at_work_in(dir) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a git process is working in `dir` (Linux: its working folder).
fn git_at_work_in(dir: &Path) -> bool {
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            let path = entry.path();
            fs::read_to_string(path.join("comm")).is_ok_and(|c| c.starts_with("git"))
                && fs::read_link(path.join("cwd")).is_ok_and(|cwd| cwd.starts_with(&dir))
        })
}

#[test]
fn a_sync_killed_at_any_moment_is_healed_by_the_next_one() {
    let (_team, a, b, id) = two_desks();
    let mut moments = Moments::new();
    // How long Alex's sync takes when there is something to merge.
    note(&a, "Sam Patel", &id, "Sam before the faults");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    note(&b, "Alex Kim", &id, "Alex before the faults");
    let started = Instant::now();
    ok(expedite(&b, "Alex Kim", &["sync"]));
    let whole = started.elapsed().mul_f32(1.2);
    let mut healed = 0;
    for round in 0..24 {
        note(&a, "Sam Patel", &id, &format!("Sam round {round}"));
        ok(expedite(&a, "Sam Patel", &["sync"]));
        note(&b, "Alex Kim", &id, &format!("Alex round {round}"));
        killed_sync(&b, "Alex Kim", moments.within(whole));
        let left = [
            "index.lock",
            "AUTO_MERGE.lock",
            "ORIG_HEAD.lock",
            "HEAD.lock",
        ]
        .iter()
        .any(|lock| b.join(".git").join(lock).exists());
        // The next sync goes through by itself.
        let out = expedite(&b, "Alex Kim", &["sync"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "round {round} did not heal: {}",
            text(&out)
        );
        if left {
            healed += 1;
            assert!(text(&out).contains("was cleared"), "{}", text(&out));
        }
    }
    println!("{healed} of 24 kills left a git lock behind");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    ok(expedite(&b, "Alex Kim", &["sync"]));
    for desk in [&a, &b] {
        let mut wanted = vec![
            "Sam before the faults".to_owned(),
            "Alex before the faults".to_owned(),
        ];
        for round in 0..24 {
            wanted.push(format!("Sam round {round}"));
            wanted.push(format!("Alex round {round}"));
        }
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        has_lines(desk, &id, &wanted);
        let fsck = git(desk, &["fsck", "--no-progress"]);
        assert!(fsck.status.success(), "{}", text(&fsck));
    }
    assert_eq!(incidents(&a), incidents(&b), "both desks hold the same");
}

#[test]
fn a_file_read_while_git_writes_it_in_place_is_read_again_not_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = declare(d, "Sam Patel", "Checkout 500s");
    note(d, "Sam Patel", &id, "Before the pull");
    let path = d.join(format!("incidents/{id}.ron"));
    let whole = fs::read(&path).unwrap();
    for cut in [0, 20, whole.len() / 2, whole.len() - 3] {
        // A git checkout writes in place: the file is short for a moment.
        fs::write(&path, &whole[..cut]).unwrap();
        let writer = {
            let (path, whole) = (path.clone(), whole.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(30));
                fs::write(path, whole).unwrap();
            })
        };
        let out = expedite(d, "Sam Patel", &["--incident", &id, "status"]);
        writer.join().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!text(&out).contains("can't be read"), "{}", text(&out));
        nothing_set_aside(d);
    }
    has_lines(d, &id, &["Before the pull"]);
}

#[test]
fn a_shared_file_that_truly_cannot_be_read_comes_back_from_git_never_from_an_older_backup() {
    let (_team, a, b, id) = two_desks();
    note(&a, "Sam Patel", &id, "First finding");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    note(&a, "Sam Patel", &id, "Second finding");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    // The backup holds the version before the second finding; the file is
    // then left half-written by a git that was stopped.
    let path = a.join(format!("incidents/{id}.ron"));
    let whole = fs::read(&path).unwrap();
    fs::write(&path, &whole[..whole.len() / 3]).unwrap();
    note(&a, "Sam Patel", &id, "Third finding");
    has_lines(
        &a,
        &id,
        &["First finding", "Second finding", "Third finding"],
    );
    ok(expedite(&a, "Sam Patel", &["sync"]));
    ok(expedite(&b, "Alex Kim", &["sync"]));
    has_lines(
        &b,
        &id,
        &["First finding", "Second finding", "Third finding"],
    );
}

#[test]
fn desks_pushing_at_the_same_moment_merge_again_and_all_get_through() {
    let team = Team::new();
    let id = declare(&team.desk("a"), "Sam Patel", "Checkout 500s");
    team.share("a", "Sam Patel");
    team.share("b", "Alex Kim");
    team.share("c", "Priya Shah");
    let people = [("a", "Sam Patel"), ("b", "Alex Kim"), ("c", "Priya Shah")];
    for round in 0..6 {
        for (desk, who) in people {
            note(&team.desk(desk), who, &id, &format!("{who} round {round}"));
        }
        let runs: Vec<_> = people
            .iter()
            .map(|(desk, who)| {
                let dir = team.desk(desk);
                let who = who.to_string();
                std::thread::spawn(move || expedite(&dir, &who, &["sync"]))
            })
            .collect();
        for run in runs {
            let out = run.join().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", text(&out));
            assert!(
                !text(&out).contains("could not be reached"),
                "{}",
                text(&out)
            );
        }
    }
    for _ in 0..2 {
        for (desk, who) in people {
            ok(expedite(&team.desk(desk), who, &["sync"]));
        }
    }
    let first = incidents(&team.desk("a"));
    for (desk, _) in people {
        assert_eq!(incidents(&team.desk(desk)), first, "{desk} is not in step");
    }
}

#[test]
fn an_unreachable_remote_is_said_in_a_whole_sentence_that_names_why() {
    let (team, a, _b, id) = two_desks();
    fs::rename(&team.remote, team.root.join("moved.git")).unwrap();
    note(&a, "Sam Patel", &id, "On the train");
    let out = expedite(&a, "Sam Patel", &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    assert!(
        why.contains("does not appear to be a git repository"),
        "{why}"
    );
    assert!(!why.contains("and the repository exists"), "{why}");
    assert!(why.ends_with('.'), "{why}");
}
