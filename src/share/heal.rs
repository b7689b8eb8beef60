//! Sharing that heals itself: one sync at a time per folder, and what a
//! killed git left behind cleared when it is safe to.
//!
//! Git guards its files with lock files (`.git/index.lock`,
//! `AUTO_MERGE.lock`, `packed-refs.lock`, `refs/…/*.lock`) that it creates
//! and removes itself; a git that is killed (a power cut, a closed laptop
//! lid, a process group stopped mid-merge) leaves them, and every later git
//! refuses to work. A lock file is *stale* when no git is at work in the
//! folder: a git holds no operating-system lock, so nobody will ever remove
//! it but us. On Linux every process's working folder is looked at (git
//! runs in the folder it works on, and no other person's process can work
//! in this owner-only folder); where processes can't be looked at, a lock
//! older than a minute is taken as stale — Expedite's own git calls stop
//! long before that. Expedite's own syncs never overlap, since each holds
//! `.git/expedite-sync.lock` for its whole run.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::SyncError;

/// How long a sync waits for another sync of the same folder to finish.
pub const SYNC_WAIT: Duration = Duration::from_secs(150);

/// How old a lock must be to be stale where processes can't be looked at.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// Held for a whole sync: no two syncs of one folder at once, whichever
/// process runs them (the window, a terminal).
#[derive(Debug)]
pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// Waits (up to [`SYNC_WAIT`]) for the folder's sync lock.
    pub fn take(root: &Path) -> Result<Self, SyncError> {
        let path = root.join(".git").join("expedite-sync.lock");
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(|e| {
            SyncError::Failed(format!(
                "Could not open {} ({e}). Check that the folder is yours to write.",
                path.display()
            ))
        })?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(TryLockError::WouldBlock) if started.elapsed() < SYNC_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(SyncError::Failed(format!(
                        "Another sync of {} has been running for over {} s. Nothing was lost; try again once it ends.",
                        root.display(),
                        SYNC_WAIT.as_secs()
                    )));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(SyncError::Failed(format!(
                        "Could not lock {} ({e}). Try again in a moment.",
                        path.display()
                    )));
                }
            }
        }
    }
}

/// Git's lock files in the repository at `root`: those at the top of
/// `.git` and under `.git/refs`.
fn git_locks(root: &Path) -> Vec<PathBuf> {
    let git = root.join(".git");
    let mut found = Vec::new();
    let mut folders = vec![(git.clone(), 0), (git.join("refs"), 1)];
    let mut looked = 0;
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            looked += 1;
            if looked > 10_000 {
                return found;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file() && path.extension().is_some_and(|x| x == "lock") {
                // Expedite's own sync lock is an OS lock, not git's.
                if path.file_name().is_some_and(|n| n != "expedite-sync.lock") {
                    found.push(path);
                }
            } else if kind.is_dir() && (1..8).contains(&depth) {
                folders.push((path, depth + 1));
            }
        }
    }
    found.sort();
    found
}

/// The git processes at work in the folder, by process id; `None` where
/// processes can't be looked at (not Linux).
fn gits_at_work(root: &Path) -> Option<Vec<u32>> {
    let proc = fs::read_dir("/proc").ok()?;
    fs::read_link("/proc/self/cwd").ok()?;
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut pids = Vec::new();
    for entry in proc.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        let is_git =
            fs::read_to_string(dir.join("comm")).is_ok_and(|c| c.trim().starts_with("git"));
        if is_git && fs::read_link(dir.join("cwd")).is_ok_and(|cwd| cwd.starts_with(&root)) {
            pids.push(pid);
        }
    }
    Some(pids)
}

/// The time as the file system in `dir` stamps files (on a shared disk, the
/// file server's clock): what a lock's age is measured against, so neither
/// this desk's clock nor another's moves it. `fallback` when nothing can be
/// written there.
fn disk_now(dir: &Path, fallback: SystemTime) -> SystemTime {
    let probe = dir.join(format!(".expedite-now-{}", std::process::id()));
    let stamped = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|file| file.metadata())
        .and_then(|meta| meta.modified());
    let _ = fs::remove_file(&probe);
    stamped.unwrap_or(fallback)
}

/// Clears git's lock files that no running git holds, and says which were
/// cleared; `Err` names a lock a running git holds and what to do.
pub fn clear_stale_locks(root: &Path, now: SystemTime) -> Result<Vec<String>, SyncError> {
    let locks = git_locks(root);
    if locks.is_empty() {
        return Ok(Vec::new());
    }
    let name = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    match gits_at_work(root) {
        Some(pids) if !pids.is_empty() => {
            let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
            return Err(SyncError::Failed(format!(
                "A git program is at work in {} (process {}) and holds {}. Nothing was lost: sync again once it ends; if it seems stuck, stop it (kill {}).",
                root.display(),
                pids.join(", "),
                name(&locks[0]),
                pids.join(" ")
            )));
        }
        Some(_) => {}
        None => {
            let now = disk_now(&root.join(".git"), now);
            let young = locks.iter().find(|lock| {
                fs::metadata(lock)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|at| now.duration_since(at).ok())
                    .is_none_or(|age| age < STALE_AFTER)
            });
            if let Some(lock) = young {
                return Err(SyncError::Failed(format!(
                    "{} in {} is less than a minute old, so a git may still be at work there. Nothing was lost: sync again in a minute.",
                    name(lock),
                    root.display()
                )));
            }
        }
    }
    let mut cleared = Vec::new();
    for lock in locks {
        match fs::remove_file(&lock) {
            Ok(()) => cleared.push(name(&lock)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(SyncError::Failed(format!(
                    "{} was left by a git that stopped mid-way and could not be removed ({e}). Remove it by hand, then sync again.",
                    lock.display()
                )));
            }
        }
    }
    Ok(cleared)
}

/// How old a lock in a remote on a shared disk must be to be taken as left
/// by a push that was stopped: git holds a branch's lock for milliseconds,
/// and a desk on another machine can't be looked at.
pub const REMOTE_STALE_AFTER: Duration = Duration::from_secs(10);

/// The lock file a remote kept on a disk this machine can reach (a bare
/// repository on a shared disk) could not take, as git's answer names it:
/// "Unable to create '/…/remote.git/refs/heads/main.lock': File exists".
pub fn remote_lock(remote: &str, said: &str) -> Option<PathBuf> {
    let remote = fs::canonicalize(remote.strip_prefix("file://").unwrap_or(remote)).ok()?;
    let (_, rest) = said.split_once("Unable to create '")?;
    let (path, _) = rest.split_once("': File exists")?;
    let path = PathBuf::from(path);
    let lock = fs::canonicalize(path.parent()?)
        .ok()?
        .join(path.file_name()?);
    (lock.starts_with(&remote) && lock.extension().is_some_and(|x| x == "lock")).then_some(lock)
}

/// What became of a remote's lock.
#[derive(Debug, PartialEq, Eq)]
pub enum RemoteLock {
    /// It was left by a push that was stopped, and was cleared.
    Cleared,
    /// It may still be held: ask again after this long.
    Young(Duration),
    /// A git on this machine is at work in the remote, or it can't be removed.
    Held(String),
}

/// Clears a lock in a remote on a shared disk when no git on this machine
/// works in the remote and it is older than [`REMOTE_STALE_AFTER`].
pub fn clear_remote_lock(remote: &Path, lock: &Path, now: SystemTime) -> RemoteLock {
    let Ok(meta) = fs::symlink_metadata(lock) else {
        // Gone meanwhile: the push that held it finished.
        return RemoteLock::Cleared;
    };
    if !meta.is_file() {
        return RemoteLock::Held(format!("{} is not a lock file", lock.display()));
    }
    if gits_at_work(remote).is_some_and(|pids| !pids.is_empty()) {
        return RemoteLock::Young(Duration::from_millis(200));
    }
    let now = disk_now(remote, now);
    let age = meta
        .modified()
        .ok()
        .and_then(|at| now.duration_since(at).ok())
        .unwrap_or_default();
    if age < REMOTE_STALE_AFTER {
        return RemoteLock::Young(REMOTE_STALE_AFTER - age);
    }
    match fs::remove_file(lock) {
        Ok(()) => RemoteLock::Cleared,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => RemoteLock::Cleared,
        Err(e) => RemoteLock::Held(format!(
            "{} was left in the shared remote by a push that was stopped, and could not be removed ({e}); remove it by hand",
            lock.display()
        )),
    }
}
