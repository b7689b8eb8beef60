//! Sharing the data folder with a team through git: `expedite share REMOTE`
//! makes the folder a git work tree shared with REMOTE, `expedite sync`
//! commits what changed, fetches, merges (with Expedite's own merge driver,
//! so a conflict is merged, never rolled back) and pushes. No server of ours:
//! the team's own git host, or a bare repository on a shared disk.

pub mod git;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::model::{Incident, IncidentId};
use crate::store::envelope::{self, Kind};
use crate::store::{Store, StoreError};
use git::{LOCAL_LIMIT, NETWORK_LIMIT, Output};

/// What stays on this desk, whatever is shared.
pub const GITIGNORE: &str = "\
# Expedite: what stays on this desk.
# This person's own name and sync interval.
desk.ron
# Where this desk's channels post (webhook URLs and tokens are secrets),
# and the posts waiting to go out (only this desk sends them).
connections.ron
outbox.ron
.outbox.lock
# Text typed and not yet saved.
drafts.ron
# The last good copy of each subscribed feed (each desk reads its own).
feeds/
# Locks, backups, files set aside, half-written saves.
.instance.lock
.write.lock
*.bak
*.corrupt-*
.*.tmp-*
# A synced folder's conflict copies (Expedite merges them).
*.sync-conflict-*
*(conflicted copy*
";

/// Expedite's files merge with Expedite's merge driver.
pub const GITATTRIBUTES: &str = "\
# Expedite's files merge record by record (expedite merge-driver).
*.ron merge=expedite
";

/// Where the outcome of the last sync is kept (inside `.git`, never shared).
fn sync_record(root: &Path) -> PathBuf {
    root.join(".git").join("expedite-sync")
}

/// Why sharing or syncing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The folder is not shared.
    NotShared,
    /// The remote could not be reached: local changes are committed and wait.
    Offline { to_send: usize, why: String },
    /// Anything else, said so a person can act on it.
    Failed(String),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotShared => f.write_str(
                "this data folder is not shared — share it with: expedite share REMOTE (a git URL or a path to a bare repository)",
            ),
            Self::Offline { to_send, why } => write!(
                f,
                "the shared remote could not be reached ({why}). Nothing was lost: {} committed here and will go out on the next sync.",
                changes(*to_send)
            ),
            Self::Failed(why) => f.write_str(why),
        }
    }
}

fn changes(n: usize) -> String {
    match n {
        0 => "no changes are".to_owned(),
        1 => "1 change is".to_owned(),
        n => format!("{n} changes are"),
    }
}

/// Where a shared folder stands, for the header and `expedite status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// The remote it is shared with.
    pub remote: String,
    /// When it was last in step with the remote.
    pub last_synced: Option<DateTime<Utc>>,
    /// When the last sync was tried, and why it failed (when it did).
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// Commits made here that the remote does not have yet.
    pub to_send: usize,
}

impl SyncStatus {
    /// The state in a few words: "Shared · in step",
    /// "Offline · 2 changes to send", "Can't sync: …".
    pub fn summary(&self) -> String {
        match &self.last_error {
            Some((_, why)) if why.starts_with("offline:") => {
                format!(
                    "Offline · {} to send",
                    match self.to_send {
                        1 => "1 change".to_owned(),
                        n => format!("{n} changes"),
                    }
                )
            }
            Some((_, why)) => format!("Can't sync: {why}"),
            // No time in it: a window in step stays asleep rather than
            // redraw "12 s ago" every second ([`Self::detail`] has the time).
            None if self.last_synced.is_some() => "Shared · in step".to_owned(),
            None => "Shared · not synced yet".to_owned(),
        }
    }

    /// The state with its times, for a tooltip and `expedite status`.
    pub fn detail(&self, now: DateTime<Utc>) -> String {
        let when = |at: DateTime<Utc>| {
            format!(
                "{} ({})",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                crate::time::relative(at, now)
            )
        };
        let mut text = format!("Shared with {}", self.remote);
        if let Some(at) = self.last_synced {
            text.push_str(&format!("; last in step {}", when(at)));
        }
        if let Some((at, why)) = &self.last_error {
            let why = why.strip_prefix("offline: ").unwrap_or(why);
            text.push_str(&format!("; last try {}: {why}", when(*at)));
        }
        text
    }
}

/// Whether `root` is a folder shared through git (with a remote).
pub fn is_shared(root: &Path) -> bool {
    root.join(".git").is_dir() && remote_url(root).is_some()
}

/// The remote's URL, read from the repository's config file (no git
/// process: this is asked often).
fn remote_url(root: &Path) -> Option<String> {
    let config = fs::read_to_string(root.join(".git").join("config")).ok()?;
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if in_origin
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "url"
        {
            return Some(value.trim().to_owned());
        }
    }
    None
}

/// Where the shared folder stands; `None` when it is not shared.
pub fn status(root: &Path) -> Option<SyncStatus> {
    let remote = remote_url(root).filter(|_| root.join(".git").is_dir())?;
    let record = fs::read_to_string(sync_record(root)).unwrap_or_default();
    let mut last_synced = None;
    let mut last_error = None;
    for line in record.lines() {
        let mut parts = line.splitn(3, ' ');
        let (kind, at, why) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let at = at.and_then(|a| DateTime::parse_from_rfc3339(a).ok());
        match (kind, at) {
            (Some("synced"), Some(at)) => last_synced = Some(at.to_utc()),
            (Some("failed"), Some(at)) => last_error = Some((at.to_utc(), why.to_owned())),
            _ => {}
        }
    }
    Some(SyncStatus {
        remote,
        last_synced,
        last_error,
        to_send: ahead(root),
    })
}

/// Commits here that the remote branch does not have.
fn ahead(root: &Path) -> usize {
    git::run(
        root,
        &["rev-list", "--count", "@{upstream}..HEAD"],
        &[],
        LOCAL_LIMIT,
    )
    .ok()
    .filter(|o| o.ok)
    .and_then(|o| o.stdout.trim().parse().ok())
    .unwrap_or_else(|| {
        // No upstream yet (never pushed): every commit is to send.
        git::run(root, &["rev-list", "--count", "HEAD"], &[], LOCAL_LIMIT)
            .ok()
            .filter(|o| o.ok)
            .and_then(|o| o.stdout.trim().parse().ok())
            .unwrap_or(0)
    })
}

fn record(root: &Path, outcome: &Result<(), SyncError>, now: DateTime<Utc>) {
    let path = sync_record(root);
    let old = fs::read_to_string(&path).unwrap_or_default();
    let synced = old
        .lines()
        .find(|l| l.starts_with("synced "))
        .map(str::to_owned);
    let text = match outcome {
        Ok(()) => format!("synced {}\n", now.to_rfc3339()),
        Err(e) => {
            let why = match e {
                SyncError::Offline { why, .. } => format!("offline: {why}"),
                other => other.to_string(),
            };
            let why = why.replace('\n', " ");
            let mut text = synced.map(|s| format!("{s}\n")).unwrap_or_default();
            text.push_str(&format!("failed {} {why}\n", now.to_rfc3339()));
            text
        }
    };
    // A note for the header, not data: written without waiting for the disk.
    let tmp = path.with_extension("tmp");
    if fs::write(&tmp, text).is_ok() {
        let _ = fs::rename(&tmp, &path);
    }
}

fn must(out: Result<Output, String>, what: &str) -> Result<Output, SyncError> {
    match out {
        Ok(o) if o.ok => Ok(o),
        Ok(o) => Err(SyncError::Failed(format!("{what}: {}", o.why()))),
        Err(e) => Err(SyncError::Failed(format!("{what}: {e}"))),
    }
}

/// The name and address git records a commit under: git's own setting when
/// the person has one, else their name in Expedite.
fn identity(root: &Path, actor: &str) -> Vec<(&'static str, String)> {
    let email = git::run(root, &["config", "user.email"], &[], LOCAL_LIMIT)
        .ok()
        .filter(|o| o.ok && !o.stdout.trim().is_empty())
        .map(|o| o.stdout.trim().to_owned())
        .unwrap_or_else(|| {
            format!(
                "{}@expedite.invalid",
                IncidentId::name_part(actor).unwrap_or_else(|| "someone".into())
            )
        });
    vec![
        ("GIT_AUTHOR_NAME", actor.to_owned()),
        ("GIT_COMMITTER_NAME", actor.to_owned()),
        ("GIT_AUTHOR_EMAIL", email.clone()),
        ("GIT_COMMITTER_EMAIL", email),
    ]
}

fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Sets the repository up for Expedite: ignore and attribute files, the
/// merge driver, and the team's settings without anyone's own name.
fn prepare(root: &Path, store: &mut Store) -> Result<(), SyncError> {
    let write = |name: &str, text: &str| {
        crate::store::atomic::write_atomic(&root.join(name), text.as_bytes()).map_err(|e| {
            SyncError::Failed(format!("could not write {name} in {}: {e}", root.display()))
        })
    };
    write(".gitignore", GITIGNORE)?;
    write(".gitattributes", GITATTRIBUTES)?;
    let driver = driver_command()?;
    for (key, value) in [
        ("merge.expedite.name", "Expedite's record-by-record merge"),
        ("merge.expedite.driver", driver.as_str()),
        ("pull.rebase", "false"),
    ] {
        must(
            git::run(root, &["config", key, value], &[], LOCAL_LIMIT),
            "setting up git",
        )?;
    }
    store
        .move_my_name_out_of_shared_settings()
        .map_err(store_failed)?;
    Ok(())
}

/// How git is to run this Expedite as its merge driver.
fn driver_command() -> Result<String, SyncError> {
    let exe = std::env::current_exe()
        .map_err(|e| SyncError::Failed(format!("could not find the expedite program ({e})")))?;
    Ok(format!(
        "{} merge-driver %O %A %B %P",
        shell_quote(&exe.to_string_lossy())
    ))
}

/// Points git's merge driver at this Expedite when it is not set, or the
/// program it names is gone (Expedite was moved or reinstalled elsewhere).
/// A driver set to an Expedite that is there is left alone.
fn ensure_driver(root: &Path) -> Result<(), SyncError> {
    let config = fs::read_to_string(root.join(".git").join("config")).unwrap_or_default();
    let mut in_driver = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_driver = line.replace(' ', "") == "[merge\"expedite\"]";
        } else if in_driver
            && let Some(value) = line.strip_prefix("driver").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=')
        {
            let value = value.trim();
            let program = match value.strip_prefix('\'') {
                Some(quoted) => quoted.split('\'').next().unwrap_or_default(),
                None => value.split_whitespace().next().unwrap_or_default(),
            };
            if Path::new(program).is_file() {
                return Ok(());
            }
        }
    }
    let driver = driver_command()?;
    must(
        git::run(
            root,
            &["config", "merge.expedite.driver", &driver],
            &[],
            LOCAL_LIMIT,
        ),
        "setting up git's merge driver",
    )?;
    Ok(())
}

/// Adds to `.gitignore` what this version keeps on the desk and an older
/// one did not know of (a channel's secret must never be committed).
fn ensure_ignored(root: &Path) -> Result<(), SyncError> {
    let path = root.join(".gitignore");
    let current = fs::read_to_string(&path).unwrap_or_default();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter(|l| !current.lines().any(|c| c.trim() == *l))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# Added by Expedite: kept on this desk.\n");
    for line in missing {
        text.push_str(line);
        text.push('\n');
    }
    crate::store::atomic::write_atomic(&path, text.as_bytes())
        .map_err(|e| SyncError::Failed(format!("could not update .gitignore: {e}")))
}

fn store_failed(e: StoreError) -> SyncError {
    SyncError::Failed(e.to_string())
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The remote's default branch, `None` when the remote holds nothing yet.
fn remote_branch(root: &Path) -> Result<Option<String>, SyncError> {
    let out = git::run(
        root,
        &["ls-remote", "--symref", "origin", "HEAD"],
        &[],
        NETWORK_LIMIT,
    )
    .map_err(|why| SyncError::Failed(format!("the remote could not be reached ({why})")))?;
    if !out.ok {
        return Err(SyncError::Failed(format!(
            "the remote could not be reached ({})",
            out.why()
        )));
    }
    if let Some(branch) = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("ref: refs/heads/"))
        .and_then(|l| l.split_whitespace().next())
    {
        return Ok(Some(branch.to_owned()));
    }
    // A remote without HEAD: take its first branch, if any.
    let heads = must(
        git::run(
            root,
            &["ls-remote", "--heads", "origin"],
            &[],
            NETWORK_LIMIT,
        ),
        "listing the remote's branches",
    )?;
    Ok(heads.stdout.lines().find_map(|l| {
        l.split_once("refs/heads/")
            .map(|(_, b)| b.trim().to_owned())
    }))
}

/// What `share` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    /// The remote's data was brought into an empty folder.
    Cloned,
    /// This folder's data was pushed to an empty remote.
    Pushed,
    /// Both held data; they were merged and pushed.
    Merged,
    /// It was already shared with this remote; synced.
    AlreadyShared,
}

/// Makes the data folder a git work tree shared with `remote`.
pub fn share(
    store: &mut Store,
    remote: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Shared, SyncError> {
    let root = store.root().to_path_buf();
    let fresh = !root.join(".git").is_dir();
    if fresh {
        must(
            git::run(&root, &["init", "-q", "-b", "main"], &[], LOCAL_LIMIT),
            "making the folder a git repository",
        )?;
    }
    match remote_url(&root) {
        Some(url) if url == remote => {
            prepare(&root, store)?;
            sync(store, actor, now)?;
            return Ok(Shared::AlreadyShared);
        }
        Some(_) => must(
            git::run(
                &root,
                &["remote", "set-url", "origin", remote],
                &[],
                LOCAL_LIMIT,
            ),
            "setting the remote",
        )?,
        None => must(
            git::run(
                &root,
                &["remote", "add", "origin", remote],
                &[],
                LOCAL_LIMIT,
            ),
            "adding the remote",
        )?,
    };
    prepare(&root, store)?;
    let has_data = has_data(&root);
    let branch = remote_branch(&root)?;
    let env = identity(&root, actor);
    let outcome = match branch {
        None => {
            commit_all(&root, actor, &format!("{actor}: shared the folder"))?;
            push(&root, "main")?;
            Shared::Pushed
        }
        Some(branch) => {
            must(
                git::run(&root, &["fetch", "-q", "origin"], &[], NETWORK_LIMIT),
                "fetching from the remote",
            )?;
            let theirs = format!("origin/{branch}");
            let has_commits = git::run(
                &root,
                &["rev-parse", "-q", "--verify", "HEAD"],
                &[],
                LOCAL_LIMIT,
            )
            .is_ok_and(|o| o.ok);
            if !has_data && !has_commits {
                // An empty folder: take the remote's data as it is.
                {
                    let _lock = store.lock_for_sync().map_err(store_failed)?;
                    let _ = fs::remove_file(root.join(".gitignore"));
                    let _ = fs::remove_file(root.join(".gitattributes"));
                    must(
                        git::run(
                            &root,
                            &["checkout", "-q", "-B", &branch, "--track", &theirs],
                            &env_refs(&env),
                            LOCAL_LIMIT,
                        ),
                        "taking the remote's data",
                    )?;
                }
                prepare(&root, store)?;
                commit_all(&root, actor, &format!("{actor}: set up sharing"))?;
                Shared::Cloned
            } else {
                commit_all(&root, actor, &format!("{actor}: shared the folder"))?;
                if has_commits && current_branch(&root).is_none_or(|b| b != branch) {
                    let _ = git::run(&root, &["branch", "-q", "-m", &branch], &[], LOCAL_LIMIT);
                }
                {
                    let _lock = store.lock_for_sync().map_err(store_failed)?;
                    merge(&root, &theirs, &["--allow-unrelated-histories"], &env)?;
                    commit_all(&root, actor, &format!("{actor}: an incident renumbered"))?;
                }
                must(
                    git::run(
                        &root,
                        &["branch", "-q", "--set-upstream-to", &theirs],
                        &[],
                        LOCAL_LIMIT,
                    ),
                    "tracking the remote's branch",
                )?;
                push(&root, &branch)?;
                Shared::Merged
            }
        }
    };
    // Each way above leaves the branch tracking the remote's: `push -u`,
    // `checkout --track`, `branch --set-upstream-to`.
    record(&root, &Ok(()), now);
    Ok(outcome)
}

/// The branch checked out, read from `.git/HEAD`.
fn current_branch(root: &Path) -> Option<String> {
    let head = fs::read_to_string(root.join(".git").join("HEAD")).ok()?;
    head.trim()
        .strip_prefix("ref: refs/heads/")
        .map(str::to_owned)
}

fn has_data(root: &Path) -> bool {
    root.join("roster.ron").exists()
        || root.join("settings.ron").exists()
        || fs::read_dir(root.join("incidents")).is_ok_and(|mut d| {
            d.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "ron")))
        })
}

/// Commits every change in the folder (what `.gitignore` leaves in), with
/// a message a person can read. Returns whether there was anything.
fn commit_all(root: &Path, actor: &str, fallback: &str) -> Result<bool, SyncError> {
    // The common case first, in one git call: nothing changed.
    let status = must(
        git::run(root, &["status", "--porcelain", "-z"], &[], LOCAL_LIMIT),
        "looking for changes",
    )?;
    if status.stdout.is_empty() {
        return Ok(false);
    }
    must(
        git::run(root, &["add", "-A"], &[], LOCAL_LIMIT),
        "noting the changes",
    )?;
    let staged = must(
        git::run(
            root,
            &["diff", "--cached", "--name-only", "-z"],
            &[],
            LOCAL_LIMIT,
        ),
        "listing the changes",
    )?;
    let paths: Vec<&str> = staged
        .stdout
        .split('\0')
        .filter(|p| !p.is_empty())
        .collect();
    if paths.is_empty() {
        return Ok(false);
    }
    let message = commit_message(root, actor, &paths).unwrap_or_else(|| fallback.to_owned());
    let env = identity(root, actor);
    must(
        git::run(
            root,
            &["commit", "-q", "--no-verify", "-m", &message],
            &env_refs(&env),
            LOCAL_LIMIT,
        ),
        "committing the changes",
    )?;
    Ok(true)
}

/// "Sam: update on 2026-12-01-sam-1 (Checkout 500s)", or, for many files,
/// "Sam: changes to 3 incidents and the roster".
fn commit_message(root: &Path, actor: &str, paths: &[&str]) -> Option<String> {
    let incidents: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| p.starts_with("incidents/") && p.ends_with(".ron"))
        .collect();
    let roster = paths.contains(&"roster.ron");
    if let ([one], false) = (&incidents[..], roster) {
        let text = fs::read_to_string(root.join(one)).ok()?;
        let incident = envelope::read::<Incident>(&text).ok()?.data;
        let last = incident.timeline.last()?;
        let what = last
            .what
            .split(':')
            .next()
            .unwrap_or(&last.what)
            .to_lowercase();
        let what: String = what.chars().take(40).collect();
        return Some(format!(
            "{actor}: {what} on {} ({})",
            incident.id,
            short(&incident.title)
        ));
    }
    let mut parts = Vec::new();
    match incidents.len() {
        0 => {}
        1 => parts.push("1 incident".to_owned()),
        n => parts.push(format!("{n} incidents")),
    }
    if roster {
        parts.push("the roster".to_owned());
    }
    if parts.is_empty() {
        parts.push("the settings".to_owned());
    }
    Some(format!("{actor}: changes to {}", parts.join(" and ")))
}

fn short(title: &str) -> String {
    crate::model::shorten(title, 50)
}

fn merge(
    root: &Path,
    theirs: &str,
    extra: &[&str],
    env: &[(&'static str, String)],
) -> Result<(), SyncError> {
    let mut args = vec!["merge", "-q", "--no-edit", "--no-verify"];
    args.extend_from_slice(extra);
    args.push(theirs);
    let out = git::run(root, &args, &env_refs(env), LOCAL_LIMIT);
    match out {
        Ok(o) if o.ok => Ok(()),
        other => {
            // Back to exactly what was here: nothing local is lost.
            let _ = git::run(root, &["merge", "--abort"], &[], LOCAL_LIMIT);
            let why = match other {
                Ok(o) => o.details(),
                Err(e) => e,
            };
            Err(SyncError::Failed(format!(
                "the colleague's changes could not be merged ({why}); this folder was left as it was. Run `git status` in {} to see which file",
                root.display()
            )))
        }
    }
}

fn push(root: &Path, branch: &str) -> Result<(), SyncError> {
    let out = git::run(
        root,
        &[
            "push",
            "-q",
            "-u",
            "origin",
            &format!("HEAD:refs/heads/{branch}"),
        ],
        &[],
        NETWORK_LIMIT,
    );
    match out {
        Ok(o) if o.ok => Ok(()),
        Ok(o) => Err(SyncError::Offline {
            to_send: ahead(root),
            why: o.why(),
        }),
        Err(why) => Err(SyncError::Offline {
            to_send: ahead(root),
            why,
        }),
    }
}

/// Commits what changed, fetches, merges and pushes, until in step with
/// the remote. Never force-pushes; a local change stays committed when the
/// remote cannot be reached, and goes out on the next sync.
pub fn sync(store: &mut Store, actor: &str, now: DateTime<Utc>) -> Result<(), SyncError> {
    let root = store.root().to_path_buf();
    if !is_shared(&root) {
        return Err(SyncError::NotShared);
    }
    let result = sync_inner(store, &root, actor);
    record(&root, &result, now);
    result
}

fn sync_inner(store: &mut Store, root: &Path, actor: &str) -> Result<(), SyncError> {
    ensure_driver(root)?;
    ensure_ignored(root)?;
    {
        let _lock = store.lock_for_sync().map_err(store_failed)?;
        commit_all(root, actor, &format!("{actor}: changes"))?;
    }
    let branch = current_branch(root).unwrap_or_else(|| "main".into());
    let theirs = format!("origin/{branch}");
    for _ in 0..3 {
        let offline = |why: String| SyncError::Offline {
            to_send: ahead(root),
            why,
        };
        match git::run(root, &["fetch", "-q", "origin"], &[], NETWORK_LIMIT) {
            Ok(o) if o.ok => {}
            Ok(o) => return Err(offline(o.why())),
            Err(why) => return Err(offline(why)),
        }
        // How far apart, in one call: "<ahead> <behind>"; it fails when the
        // remote has no such branch yet.
        let counts = git::run(
            root,
            &[
                "rev-list",
                "--left-right",
                "--count",
                &format!("HEAD...{theirs}"),
            ],
            &[],
            LOCAL_LIMIT,
        )
        .ok()
        .filter(|o| o.ok)
        .and_then(|o| {
            let mut n = o.stdout.split_whitespace().map(|n| n.parse::<usize>().ok());
            Some((n.next()??, n.next()??))
        });
        let to_send = match counts {
            Some((_, behind)) if behind > 0 => {
                let env = identity(root, actor);
                let _lock = store.lock_for_sync().map_err(store_failed)?;
                // What a window saved since the commit above goes in first.
                commit_all(root, actor, &format!("{actor}: changes"))?;
                merge(root, &theirs, &[], &env)?;
                // An incident the merge driver had to give a new id to.
                commit_all(root, actor, &format!("{actor}: an incident renumbered"))?;
                1
            }
            Some((ahead, _)) => ahead,
            None => 1,
        };
        if to_send == 0 {
            return Ok(());
        }
        match push(root, &branch) {
            Ok(()) => return Ok(()),
            // Someone pushed meanwhile: fetch and merge again.
            Err(SyncError::Offline { why, .. })
                if why.contains("rejected")
                    || why.contains("fetch first")
                    || why.contains("non-fast-forward") =>
            {
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Err(SyncError::Failed(
        "the remote kept changing while this desk tried to send its changes; try again in a moment"
            .into(),
    ))
}

/// `expedite merge-driver BASE OURS THEIRS PATH`: merges the three versions
/// git hands over and writes the result over OURS. `Err` (a non-zero exit)
/// only when the versions cannot be read or are not the same thing; git
/// then leaves its conflict markers, which Expedite merges when it next
/// reads the file.
pub fn merge_driver(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: &str,
) -> Result<Vec<String>, String> {
    let name = Path::new(path);
    if name == Path::new("roster.ron") {
        merge_files::<crate::model::roster::Roster>(base, ours, theirs, path)
    } else if name == Path::new("settings.ron") {
        merge_files::<crate::model::settings::Settings>(base, ours, theirs, path)
    } else if path.starts_with("incidents/") && path.ends_with(".ron") {
        merge_files::<Incident>(base, ours, theirs, path)
            .or_else(|why| keep_both_incidents(ours, theirs, path).map_err(|_| why))
    } else {
        Err(format!("{path} is not one of Expedite's files"))
    }
}

fn merge_files<T: Kind>(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: &str,
) -> Result<Vec<String>, String> {
    let read = |p: &Path, side: &str| -> Result<Option<envelope::Read<T>>, String> {
        let text =
            fs::read_to_string(p).map_err(|e| format!("{path} ({side}) could not be read: {e}"))?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        envelope::read::<T>(&text)
            .map(Some)
            .map_err(|e| format!("{path} ({side}) can't be read: {e}"))
    };
    // An unreadable ancestor only means nothing is known to be removed.
    let base_read = read(base, "common ancestor").ok().flatten();
    let mine = read(ours, "this desk's")?.ok_or_else(|| format!("{path} is empty here"))?;
    let yours = read(theirs, "the colleague's")?
        .ok_or_else(|| format!("{path} is empty on the other side"))?;
    let (merged, report) =
        T::merge(base_read.as_ref().map(|b| &b.data), &mine.data, &yours.data)
            .ok_or_else(|| format!("{path}: the two versions are not of the same thing"))?;
    let revision = mine.revision.max(yours.revision) + 1;
    let text = envelope::write(&merged, revision).map_err(|e| e.to_string())?;
    fs::write(ours, text).map_err(|e| format!("{path}: the merge could not be written ({e})"))?;
    Ok(report)
}

/// Two different incidents that ended up with one id: the first declared
/// keeps it (written over OURS), the other is written beside it under the
/// next free id and goes out on the next sync.
fn keep_both_incidents(ours: &Path, theirs: &Path, path: &str) -> Result<Vec<String>, String> {
    let read = |p: &Path| -> Result<Incident, String> {
        let text = fs::read_to_string(p).map_err(|e| e.to_string())?;
        envelope::read::<Incident>(&text)
            .map(|r| r.data)
            .map_err(|e| e.to_string())
    };
    let dir = Path::new(path).parent().unwrap_or(Path::new("incidents"));
    let mine = read(ours)?;
    let old = mine.id.clone();
    let (kept, moved) = crate::merge::split_collision(mine, read(theirs)?, |id| {
        !dir.join(format!("{id}.ron")).exists()
    })
    .ok_or("not an incident id")?;
    let write = |to: &Path, incident: &Incident| {
        let text = envelope::write(incident, 1).map_err(|e| e.to_string())?;
        crate::store::atomic::write_atomic(to, text.as_bytes()).map_err(|e| e.to_string())
    };
    // OURS is git's own temp file: written in place, no backup beside it.
    let text = envelope::write(&kept, 1).map_err(|e| e.to_string())?;
    fs::write(ours, text).map_err(|e| e.to_string())?;
    write(&dir.join(format!("{}.ron", moved.id)), &moved)?;
    Ok(vec![format!(
        "Two incidents were declared as {old}; “{}” is now {}.",
        moved.title, moved.id
    )])
}
