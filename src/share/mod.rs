//! Sharing the data folder with a team through git: `expedite share REMOTE`
//! makes the folder a git work tree shared with REMOTE, `expedite sync`
//! commits what changed, fetches, merges (with Expedite's own merge driver,
//! so a conflict is merged, never rolled back) and pushes. No server of ours:
//! the team's own git host, or a bare repository on a shared disk.
//!
//! The remote is untrusted: what a fetch brings is judged against the set
//! of files Expedite shares before it is merged ([`trust`]); only those
//! files are ever committed; git is told how to merge and what to ignore in
//! the repository's own `.git/info` and config, where the shared files
//! can't override it; and a sync clears what a killed git left behind
//! ([`heal`]).

pub mod heal;
pub mod trust;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::git::{self, LOCAL_LIMIT, NETWORK_LIMIT, Output};
use crate::model::{Incident, IncidentId};
use crate::store::envelope::{self, Kind};
use crate::store::{Store, StoreError};

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

/// The attributes this desk's git works with, in `.git/info/attributes`,
/// which wins over any committed `.gitattributes`: no line-ending or
/// encoding conversion, no filter, and Expedite's merge for its files.
const INFO_ATTRIBUTES: &str = "\
# Set by Expedite on this desk; wins over the shared .gitattributes.
* -text -eol -ident -filter -working-tree-encoding merge=text
*.ron merge=expedite
";

/// Git's settings for the folder, in its own config (never shared): links
/// are checked out as plain files, what git creates is the owner's only,
/// no line endings are changed, and the record-by-record merge.
fn settings(driver: &str) -> [(&'static str, String); 7] {
    [
        ("core.symlinks", "false".into()),
        ("core.sharedrepository", "0600".into()),
        ("core.autocrlf", "false".into()),
        ("pull.rebase", "false".into()),
        ("merge.renames", "false".into()),
        (
            "merge.expedite.name",
            "Expedite's record-by-record merge".into(),
        ),
        ("merge.expedite.driver", driver.into()),
    ]
}

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
                "This data folder is not shared. Share it with: expedite share REMOTE (a git URL or a path to a bare repository).",
            ),
            Self::Offline { to_send, why } => write!(
                f,
                "The shared remote could not be reached ({why}). Nothing was lost: {} committed here and will go out on the next sync.",
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

/// What a sync did besides bringing the folder in step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// What was not taken in from the remote, in sentences.
    pub refused: Vec<String>,
    /// What was put right on the way (a lock a killed git left, a file
    /// that should not have been shared), in sentences.
    pub healed: Vec<String>,
}

/// How long a refusal is shown after the sync that made it.
const REFUSAL_SHOWN: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Where a shared folder stands, for the header and `expedite status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// The remote it is shared with.
    pub remote: String,
    /// When it was last in step with the remote.
    pub last_synced: Option<DateTime<Utc>>,
    /// When the last sync was tried, and why it failed (when it did).
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// What a sync of the last day refused to take in from the remote.
    pub refused: Option<(DateTime<Utc>, String)>,
    /// How far colleagues' clocks are off from this desk's.
    pub clocks: crate::model::clocks::Clocks,
    /// Commits made here that the remote does not have yet.
    pub to_send: usize,
}

impl SyncStatus {
    /// Whether there is nothing to look at: in step, nothing refused, every
    /// clock agreeing.
    pub fn is_calm(&self) -> bool {
        self.last_error.is_none() && self.refused.is_none() && self.clocks.is_empty()
    }

    /// The state in a few words: "Shared · in step",
    /// "Offline · 2 changes to send", "Can't sync: …", "In step · change
    /// refused" (what a colleague pushed), "In step · clock off".
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
            None if self.refused.is_some() => "In step · change refused".to_owned(),
            None if !self.clocks.is_empty() => "In step · clock off".to_owned(),
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
        let sentence = |text: &mut String, more: String| {
            if !text.ends_with('.') {
                text.push('.');
            }
            text.push(' ');
            text.push_str(&more);
        };
        if let Some((at, what)) = &self.refused {
            sentence(&mut text, format!("Refused {}: {what}", when(*at)));
        }
        if let Some(clocks) = self.clocks.say() {
            sentence(&mut text, clocks);
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

/// Where the shared folder stands at `now`; `None` when it is not shared.
pub fn status(root: &Path, now: DateTime<Utc>) -> Option<SyncStatus> {
    let remote = remote_url(root).filter(|_| root.join(".git").is_dir())?;
    let record = read_record(root);
    let mut last_synced = None;
    let mut last_error = None;
    let mut refused = None;
    for line in record.lines() {
        let mut parts = line.splitn(3, ' ');
        let (kind, at, why) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let at = at.and_then(|a| DateTime::parse_from_rfc3339(a).ok());
        match (kind, at) {
            (Some("synced"), Some(at)) => last_synced = Some(at.to_utc()),
            (Some("failed"), Some(at)) => last_error = Some((at.to_utc(), why.to_owned())),
            (Some("refused"), Some(at)) if now - at.to_utc() < REFUSAL_SHOWN => {
                refused = Some((at.to_utc(), why.to_owned()));
            }
            _ => {}
        }
    }
    Some(SyncStatus {
        remote,
        last_synced,
        last_error,
        refused,
        clocks: crate::store::clocks::load(root),
        to_send: ahead(root),
    })
}

/// The sync record's text (small; a longer one was not written by us).
fn read_record(root: &Path) -> String {
    use std::io::Read as _;
    let mut text = String::new();
    if let Ok(file) = crate::store::atomic::open_plain(&sync_record(root)) {
        let _ = file.take(64 * 1024).read_to_string(&mut text);
    }
    text
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

fn record(root: &Path, outcome: &Result<Synced, SyncError>, now: DateTime<Utc>) {
    let path = sync_record(root);
    let old = read_record(root);
    let kept = |kind: &str| {
        old.lines()
            .find(|l| l.starts_with(kind))
            .map(|l| format!("{l}\n"))
            .unwrap_or_default()
    };
    let text = match outcome {
        Ok(synced) if synced.refused.is_empty() => {
            format!("synced {}\n{}", now.to_rfc3339(), kept("refused "))
        }
        Ok(synced) => format!(
            "synced {}\nrefused {} {}\n",
            now.to_rfc3339(),
            now.to_rfc3339(),
            crate::text::one_line(&synced.refused.join(" "), 2000)
        ),
        Err(e) => {
            let why = match e {
                SyncError::Offline { why, .. } => format!("offline: {why}"),
                other => other.to_string(),
            };
            format!(
                "{}failed {} {}\n{}",
                kept("synced "),
                now.to_rfc3339(),
                crate::text::one_line(&why, 2000),
                kept("refused ")
            )
        }
    };
    // A note for the header, not data: written without waiting for the disk.
    let _ = crate::store::atomic::write_note(&path, text.as_bytes());
}

fn must(out: Result<Output, git::GitError>, what: &str) -> Result<Output, SyncError> {
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

/// Sets the repository up for Expedite (see [`ensure_setup`]) and moves
/// this person's name out of the team's settings.
fn prepare(root: &Path, store: &mut Store) -> Result<(), SyncError> {
    ensure_setup(root, true)?;
    store
        .move_my_name_out_of_shared_settings()
        .map_err(store_failed)?;
    Ok(())
}

/// The settings in a git config file, as `section.subsection.key` (section
/// and key in lower case) to the value, quotes taken off.
fn config_values(config: &str) -> std::collections::BTreeMap<String, String> {
    let mut values = std::collections::BTreeMap::new();
    let mut section = String::new();
    for line in config.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match header.split_once(char::is_whitespace) {
                Some((name, sub)) => {
                    format!("{}.{}", name.to_lowercase(), sub.trim().trim_matches('"'))
                }
                None => header.to_lowercase(),
            };
        } else if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            values.insert(
                format!("{section}.{}", key.trim().to_lowercase()),
                value.replace("\\\"", "\"").replace("\\\\", "\\"),
            );
        }
    }
    values
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

/// Makes the repository work as Expedite needs, whatever the shared files
/// say: git's settings in its own config ([`settings`]; the merge driver
/// set again when the program it names is gone), the attributes in
/// `.git/info/attributes` and the desk-only files in `.git/info/exclude`
/// (both win over, or stand beside, anything committed), and Expedite's own
/// `.gitignore` and `.gitattributes` in the folder, put back when changed.
/// `fresh` sets every setting, even those already there.
fn ensure_setup(root: &Path, fresh: bool) -> Result<(), SyncError> {
    // Read from the file itself, not asked of git: this runs every sync.
    // A value read wrongly is only set again.
    let config = fs::read_to_string(root.join(".git").join("config")).unwrap_or_default();
    let current = config_values(&config);
    let driver_there = current.get("merge.expedite.driver").is_some_and(|value| {
        let value = value.trim();
        let program = match value.strip_prefix('\'') {
            Some(quoted) => quoted.split('\'').next().unwrap_or_default(),
            None => value.split_whitespace().next().unwrap_or_default(),
        };
        Path::new(program).is_file()
    });
    let driver = if driver_there && !fresh {
        current["merge.expedite.driver"].clone()
    } else {
        driver_command()?
    };
    for (key, value) in settings(&driver) {
        if current.get(key) != Some(&value) {
            must(
                git::run(root, &["config", key, &value], &[], LOCAL_LIMIT),
                "setting up git for the folder",
            )?;
        }
    }
    let info = root.join(".git").join("info");
    crate::store::atomic::create_private_dir(&info)
        .map_err(|e| SyncError::Failed(format!("Could not make {} ({e}).", info.display())))?;
    let exclude = format!(
        "# Set by Expedite on this desk: what never leaves it.\n{}",
        GITIGNORE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (path, text) in [
        (info.join("attributes"), INFO_ATTRIBUTES.to_owned()),
        (info.join("exclude"), exclude),
        (root.join(".gitignore"), GITIGNORE.to_owned()),
        (root.join(".gitattributes"), GITATTRIBUTES.to_owned()),
    ] {
        let same = crate::store::atomic::read_plain(&path, 64 * 1024).is_ok_and(|t| t == text);
        if !same {
            crate::store::atomic::write_note(&path, text.as_bytes()).map_err(|e| {
                SyncError::Failed(format!(
                    "Could not write {} ({e}). Check that the folder is yours to write.",
                    path.display()
                ))
            })?;
        }
    }
    Ok(())
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
) -> Result<(Shared, Synced), SyncError> {
    let root = store.root().to_path_buf();
    let fresh = !root.join(".git").is_dir();
    if fresh {
        must(
            git::run(
                &root,
                &["init", "-q", "-b", "main", "--shared=0600"],
                &[],
                LOCAL_LIMIT,
            ),
            "making the folder a git repository",
        )?;
    }
    match remote_url(&root) {
        Some(url) if url == remote => {
            prepare(&root, store)?;
            let synced = sync(store, actor, now)?;
            return Ok((Shared::AlreadyShared, synced));
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
    let _sync = heal::SyncLock::take(&root)?;
    let mut synced = Synced::default();
    let has_data = has_data(&root);
    let branch = remote_branch(&root)?;
    let env = identity(&root, actor);
    let outcome = match branch {
        None => {
            commit_local(store, &root, actor, "shared the folder", &mut synced)?;
            if push(&root, "main")? == Pushed::Behind {
                return Err(SyncError::Failed(
                    "Someone shared another folder with this remote at the same moment. Nothing was lost: run the same share command again.".into(),
                ));
            }
            Shared::Pushed
        }
        Some(branch) => {
            fetch(&root, &branch).map_err(|e| match e {
                SyncError::Offline { why, .. } => SyncError::Failed(format!(
                    "The shared remote could not be reached ({why}). Nothing was changed; share again once it can be."
                )),
                other => other,
            })?;
            let theirs = format!("refs/remotes/origin/{branch}");
            let has_commits = git::run(
                &root,
                &["rev-parse", "-q", "--verify", "HEAD"],
                &[],
                LOCAL_LIMIT,
            )
            .is_ok_and(|o| o.ok);
            if !has_data && !has_commits {
                // An empty folder: take the remote's data, as far as it is
                // Expedite's to take.
                let intake = trust::take_in(&root, &theirs, None, &env_refs(&env))?;
                synced.refused = intake.refused.iter().map(trust::Refusal::message).collect();
                {
                    let _lock = store.lock_for_sync().map_err(store_failed)?;
                    let _ = fs::remove_file(root.join(".gitignore"));
                    let _ = fs::remove_file(root.join(".gitattributes"));
                    must(
                        git::run(
                            &root,
                            &["checkout", "-q", "-B", &branch, &intake.commit],
                            &env_refs(&env),
                            LOCAL_LIMIT,
                        ),
                        "taking the remote's data",
                    )?;
                }
                track(&root, &theirs)?;
                prepare(&root, store)?;
                commit_local(store, &root, actor, "set up sharing", &mut synced)?;
                Shared::Cloned
            } else {
                commit_local(store, &root, actor, "shared the folder", &mut synced)?;
                if has_commits && current_branch(&root).is_none_or(|b| b != branch) {
                    let _ = git::run(&root, &["branch", "-q", "-m", &branch], &[], LOCAL_LIMIT);
                }
                let ours = has_commits.then_some("HEAD");
                let intake = trust::take_in(&root, &theirs, ours, &env_refs(&env))?;
                synced.refused = intake.refused.iter().map(trust::Refusal::message).collect();
                {
                    let _lock = store.lock_for_sync().map_err(store_failed)?;
                    merge(
                        &root,
                        &intake.commit,
                        &["--allow-unrelated-histories"],
                        &env,
                    )?;
                    commit_local(store, &root, actor, "an incident renumbered", &mut synced)?;
                }
                track(&root, &theirs)?;
                if push(&root, &branch)? == Pushed::Behind {
                    // A colleague pushed meanwhile: a sync merges it in.
                    return sync(store, actor, now).map(|more| {
                        synced.and(more);
                        (Shared::Merged, synced)
                    });
                }
                Shared::Merged
            }
        }
    };
    make_private(&root, true);
    // Each way above leaves the branch tracking the remote's: `push -u`,
    // or `branch --set-upstream-to`.
    let synced = Ok(synced);
    record(&root, &synced, now);
    synced.map(|s| (outcome, s))
}

/// For each committer of the commits `theirs` brings, the latest time
/// one of them was made (their clock, seconds since 1970).
fn committed(root: &Path, theirs: &str) -> std::collections::BTreeMap<String, i64> {
    let mut latest = std::collections::BTreeMap::new();
    let out = git::run(
        root,
        &[
            "log",
            "-n",
            "500",
            "--format=%cn%x1f%ct",
            &format!("HEAD..{theirs}"),
        ],
        &[],
        LOCAL_LIMIT,
    );
    for line in out
        .ok()
        .filter(|o| o.ok)
        .map(|o| o.stdout)
        .unwrap_or_default()
        .lines()
    {
        if let Some((name, at)) = line.split_once('\u{1f}')
            && let Ok(at) = at.trim().parse::<i64>()
        {
            let name = crate::text::one_line(name, 80);
            let entry = latest.entry(name).or_insert(at);
            *entry = (*entry).max(at);
        }
    }
    latest
}

/// The branch follows the remote's.
fn track(root: &Path, theirs: &str) -> Result<(), SyncError> {
    let upstream = theirs.trim_start_matches("refs/remotes/");
    must(
        git::run(
            root,
            &["branch", "-q", "--set-upstream-to", upstream],
            &[],
            LOCAL_LIMIT,
        ),
        "tracking the remote's branch",
    )
    .map(|_| ())
}

/// Fetches the remote's branch, and nothing else (no tags, no other
/// branches: a remote stuffed with them costs this desk nothing).
fn fetch(root: &Path, branch: &str) -> Result<(), SyncError> {
    let refspec = format!("+refs/heads/{branch}:refs/remotes/origin/{branch}");
    let offline = |why: String| SyncError::Offline {
        to_send: ahead(root),
        why,
    };
    match git::run(
        root,
        &["fetch", "-q", "--no-tags", "origin", &refspec],
        &[],
        NETWORK_LIMIT,
    ) {
        Ok(o) if o.ok => Ok(()),
        // A remote that does not have the branch yet: nothing to take in.
        Ok(o) if o.stderr.contains("couldn't find remote ref") => Ok(()),
        Ok(o) => Err(offline(o.why())),
        Err(why) => Err(offline(why.to_string())),
    }
}

/// Takes group and other permissions off the shared files and folders git
/// wrote (git writes them as the umask says; the data folder is the
/// owner's only), and off `.git` when an older share left it open. The
/// data files are looked at only after git wrote some (`wrote`).
fn make_private(root: &Path, wrote: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tighten = |path: &Path, meta: &fs::Metadata| {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                let private = if meta.is_dir() || mode & 0o100 != 0 {
                    0o700
                } else {
                    0o600
                };
                let _ = fs::set_permissions(path, fs::Permissions::from_mode(private));
            }
        };
        let folders = if wrote {
            vec![root.to_path_buf(), root.join("incidents")]
        } else {
            Vec::new()
        };
        for folder in folders {
            let Ok(entries) = fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(meta) = fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.is_file() || (meta.is_dir() && path == root.join("incidents")) {
                    tighten(&path, &meta);
                }
            }
        }
        let git = root.join(".git");
        let Ok(meta) = fs::symlink_metadata(&git) else {
            return;
        };
        // Files git writes at the top of `.git` as the umask says, whatever
        // `core.sharedRepository` asks (FETCH_HEAD).
        for entry in fs::read_dir(&git).into_iter().flatten().flatten() {
            if let Ok(file) = fs::symlink_metadata(entry.path())
                && file.is_file()
            {
                tighten(&entry.path(), &file);
            }
        }
        if !meta.is_dir() || meta.permissions().mode() & 0o077 == 0 {
            return;
        }
        let mut folders = vec![git.clone()];
        let mut looked = 0;
        while let Some(folder) = folders.pop() {
            let Ok(entries) = fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                looked += 1;
                if looked > 200_000 {
                    return;
                }
                let path = entry.path();
                let Ok(meta) = fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.is_dir() {
                    folders.push(path.clone());
                }
                if meta.is_dir() || meta.is_file() {
                    tighten(&path, &meta);
                }
            }
        }
        // Last, so an interrupted walk is done again next time.
        tighten(&git, &meta);
    }
    #[cfg(not(unix))]
    let _ = root;
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

/// Commits what changed among Expedite's shared files, and only those,
/// with a message a person can read; returns whether there was anything.
/// What git should never have been told of (a desk-only file, a link) is
/// taken out of what is shared first, and a shared file that does not read
/// (left half-written by a killed git) is mended before it is committed.
fn commit_local(
    store: &mut Store,
    root: &Path,
    actor: &str,
    fallback: &str,
    synced: &mut Synced,
) -> Result<bool, SyncError> {
    // What this desk shares holds only the shared files: checked once for
    // each commit the branch comes to (and below, for what is staged).
    let head = head_commit(root);
    let checked = root.join(".git").join("expedite-checked");
    if head.is_none() || head.as_deref() != fs::read_to_string(&checked).ok().as_deref() {
        untrack_foreign(root, synced)?;
        if let Some(head) = &head {
            let _ = crate::store::atomic::write_note(&checked, head.as_bytes());
        }
    }
    let status = must(
        git::run(
            root,
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--no-renames",
            ],
            &[],
            LOCAL_LIMIT,
        ),
        "looking for changes",
    )?;
    let merging = root.join(".git").join("MERGE_HEAD").exists();
    // The common case first: nothing changed.
    if status.stdout.is_empty() && !merging {
        return Ok(false);
    }
    let mut paths = Vec::new();
    for record in status.stdout.split('\0').filter(|r| r.len() > 3) {
        let path = &record[3..];
        if !trust::is_shared_path(path) {
            continue;
        }
        match fs::symlink_metadata(root.join(path)) {
            Ok(meta) if meta.is_file() => {
                if path.ends_with(".ron")
                    && let Some(problem) = store.mend(&root.join(path))
                {
                    synced.healed.push(problem.message);
                }
                paths.push(path.to_owned());
            }
            // Gone: Expedite never removes one of its files, so a git that
            // was stopped while writing it, or a damaged copy moved aside,
            // took it. Its last shared version is put back rather than its
            // removal shared with every desk.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let put_back = git::run(
                    root,
                    &["checkout", "-q", "HEAD", "--", &format!(":(literal){path}")],
                    &[],
                    LOCAL_LIMIT,
                );
                if put_back.as_ref().is_ok_and(|o| o.ok) {
                    synced.healed.push(format!(
                        "{} was missing from the folder and was put back as last shared.",
                        crate::text::one_line(path, 80)
                    ));
                } else {
                    paths.push(path.to_owned());
                }
            }
            // A link or a folder where a shared file should be is never shared.
            _ => {}
        }
    }
    if !paths.is_empty() {
        let mut list = Vec::new();
        for path in &paths {
            list.extend_from_slice(format!(":(literal){path}").as_bytes());
            list.push(0);
        }
        must(
            git::run_with_input(
                root,
                &["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"],
                &[],
                LOCAL_LIMIT,
                Some(list),
            ),
            "noting the changes",
        )?;
    }
    let mut paths = staged(root)?;
    // Something staged by hand that is not Expedite's is never committed.
    if paths.iter().any(|p| !trust::is_shared_path(p)) {
        untrack_foreign(root, synced)?;
        paths = staged(root)?;
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    if paths.is_empty() && !merging {
        return Ok(false);
    }
    let actor_line = crate::text::one_line(actor, 60);
    let message = commit_message(root, &actor_line, &paths)
        .unwrap_or_else(|| format!("{actor_line}: {fallback}"));
    let env = identity(root, actor);
    must(
        git::run(
            root,
            &[
                "commit",
                "-q",
                "--no-verify",
                "--allow-empty",
                "-m",
                &message,
            ],
            &env_refs(&env),
            LOCAL_LIMIT,
        ),
        "committing the changes",
    )?;
    Ok(true)
}

/// The paths staged to be committed.
fn staged(root: &Path) -> Result<Vec<String>, SyncError> {
    let out = must(
        git::run(
            root,
            &["diff", "--cached", "--name-only", "-z"],
            &[],
            LOCAL_LIMIT,
        ),
        "listing the changes",
    )?;
    Ok(out
        .stdout
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The commit the branch is at, read from `.git` (no git process).
fn head_commit(root: &Path) -> Option<String> {
    let git = root.join(".git");
    let head = fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(name) = head.strip_prefix("ref: ") else {
        return Some(head.to_owned());
    };
    if let Ok(id) = fs::read_to_string(git.join(name)) {
        return Some(id.trim().to_owned());
    }
    let packed = fs::read_to_string(git.join("packed-refs")).ok()?;
    packed
        .lines()
        .find_map(|l| l.strip_suffix(name).and_then(|l| l.strip_suffix(' ')))
        .map(str::to_owned)
}

/// Takes out of what this desk shares anything that is not one of
/// Expedite's shared files as a plain file — tracked by an older version
/// that took it in from the remote, or added by hand. A desk-only file
/// stays on the desk, untracked; a shared file that had become a link is
/// put back as its last plain version in the history.
fn untrack_foreign(root: &Path, synced: &mut Synced) -> Result<(), SyncError> {
    for (path, _, why) in trust::foreign_in_index(root)? {
        let shown = crate::text::one_line(&path, 80);
        let literal = format!(":(literal){path}");
        let is_link =
            fs::symlink_metadata(root.join(&path)).is_ok_and(|m| m.file_type().is_symlink());
        if trust::is_shared_path(&path) {
            // Never follow it: the link itself goes.
            if is_link {
                let _ = fs::remove_file(root.join(&path));
            }
            match trust::last_plain_version(root, &path) {
                Some(object) => {
                    must(
                        git::run(
                            root,
                            &[
                                "update-index",
                                "--cacheinfo",
                                &format!("100644,{object},{path}"),
                            ],
                            &[],
                            LOCAL_LIMIT,
                        ),
                        "putting back a shared file",
                    )?;
                    must(
                        git::run(
                            root,
                            &["checkout-index", "-f", "-q", "--", &path],
                            &[],
                            LOCAL_LIMIT,
                        ),
                        "putting back a shared file",
                    )?;
                    synced.healed.push(format!(
                        "{shown} had become a link; its last plain version was put back."
                    ));
                }
                None => {
                    must(
                        git::run(
                            root,
                            &["rm", "-q", "--cached", "--", &literal],
                            &[],
                            LOCAL_LIMIT,
                        ),
                        "taking a link out of what is shared",
                    )?;
                    synced
                        .healed
                        .push(format!("{shown} was a link and is no longer shared."));
                }
            }
        } else {
            must(
                git::run(
                    root,
                    &["rm", "-q", "--cached", "--ignore-unmatch", "--", &literal],
                    &[],
                    LOCAL_LIMIT,
                ),
                "taking a file out of what is shared",
            )?;
            if is_link {
                let _ = fs::remove_file(root.join(&path));
            }
            let _ = why;
            synced.healed.push(format!(
                "{shown} is no longer shared: it is not one of Expedite's shared files."
            ));
        }
    }
    Ok(())
}

/// A merge a killed sync left half-way (git's `MERGE_HEAD`): git forgets it
/// and what it wrote stays in the folder, to be committed as this desk's
/// change (every version there is a merge of both sides, so nothing is
/// lost) and merged again.
fn settle_interrupted_merge(root: &Path, synced: &mut Synced) -> Result<(), SyncError> {
    let git_dir = root.join(".git");
    if !git_dir.join("MERGE_HEAD").exists() {
        return Ok(());
    }
    must(
        git::run(root, &["reset", "-q"], &[], LOCAL_LIMIT),
        "settling a merge that was stopped half-way",
    )?;
    for name in ["MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE"] {
        let _ = fs::remove_file(git_dir.join(name));
    }
    synced
        .healed
        .push("A merge that was stopped half-way was settled; what it had written is kept.".into());
    Ok(())
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
        let text = crate::store::atomic::read_plain(&root.join(one), trust::MAX_FILE).ok()?;
        let incident = envelope::read::<Incident>(&text).ok()?.data;
        let last = incident.timeline.last()?;
        let what = last
            .what
            .split(':')
            .next()
            .unwrap_or(&last.what)
            .to_lowercase();
        return Some(format!(
            "{actor}: {} on {} ({})",
            crate::text::one_line(&what, 40),
            incident.id,
            crate::text::one_line(&incident.title, 50)
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

fn merge(
    root: &Path,
    theirs: &str,
    extra: &[&str],
    env: &[(&'static str, String)],
) -> Result<(), SyncError> {
    let mut args = vec![
        "merge",
        "-q",
        "--no-edit",
        "--no-verify",
        "-m",
        "Merged the shared remote's changes",
    ];
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
                Err(e) => e.to_string(),
            };
            Err(SyncError::Failed(format!(
                "The colleague's changes could not be merged ({}); this folder was left as it was. Run `git status` in {} to see which file.",
                crate::text::one_line(&why, 300),
                root.display()
            )))
        }
    }
}

/// What a push came to, when the remote could be reached.
#[derive(Debug, PartialEq, Eq)]
enum Pushed {
    /// The remote took it.
    Taken,
    /// Someone pushed first: merge their work and push again.
    Behind,
    /// A remote on a shared disk could not lock the branch (this lock file).
    Locked(PathBuf),
}

fn push(root: &Path, branch: &str) -> Result<Pushed, SyncError> {
    let out = git::run(
        root,
        &[
            "push",
            "--porcelain",
            "-u",
            "origin",
            &format!("HEAD:refs/heads/{branch}"),
        ],
        &[],
        NETWORK_LIMIT,
    );
    match out {
        Ok(o) if o.ok => Ok(Pushed::Taken),
        // "!\tHEAD:refs/heads/main\t[rejected] (fetch first)": the remote
        // moved on since the fetch (see `lost_race`). A refusal by the
        // remote itself (a hook, a protected branch) is said as it is.
        Ok(o) if o.stdout.lines().any(|l| l.starts_with('!') && lost_race(l)) => {
            match remote_url(root).and_then(|remote| heal::remote_lock(&remote, &o.stderr)) {
                Some(lock) => Ok(Pushed::Locked(lock)),
                None => Ok(Pushed::Behind),
            }
        }
        Ok(o) if o.stdout.lines().any(|l| l.starts_with('!')) => {
            let line = o
                .stdout
                .lines()
                .find(|l| l.starts_with('!'))
                .unwrap_or_default();
            let why = line.rsplit('\t').next().unwrap_or(line);
            Err(SyncError::Failed(format!(
                "The shared remote refused this desk's changes ({}). Nothing was lost: they are committed here. Ask whoever looks after the remote whether pushing to {branch} is allowed.",
                crate::text::one_line(why, 200)
            )))
        }
        Ok(o) => Err(SyncError::Offline {
            to_send: ahead(root),
            why: o.why(),
        }),
        Err(why) => Err(SyncError::Offline {
            to_send: ahead(root),
            why: why.to_string(),
        }),
    }
}

/// Whether a refused push line says another push got there first: the
/// branch moved on ("[rejected] (fetch first)"), or the remote was updating
/// it at that very moment and could not lock it.
fn lost_race(line: &str) -> bool {
    line.contains("\t[rejected]")
        || (line.contains("[remote rejected]")
            && (line.contains("lock")
                || line.contains("failed to update ref")
                || line.contains("incorrect old value")))
}

/// How many times a sync merges and pushes again when colleagues keep
/// pushing first.
const PUSH_TRIES: u32 = 6;

/// The part of a sync that changes the data folder (commit what changed,
/// merge what came), done under the folder's write lock by whoever writes
/// the folder: it returns what it healed along the way.
pub type LockedWork = Box<dyn FnOnce(&mut Store) -> Result<Synced, SyncError> + Send>;

/// Whoever writes the data folder. A sync hands it the work that changes
/// the folder, so the folder keeps one writer: on the command line the
/// store itself, in the window the disk lane (`services::sync`). Fetching
/// and pushing, which may take the network's time, stay with the sync.
pub trait Writer {
    /// The data folder.
    fn folder(&self) -> &Path;
    /// Runs `work` with the folder's store, under its write lock.
    fn locked(&mut self, work: LockedWork) -> Result<Synced, SyncError>;
}

impl Writer for Store {
    fn folder(&self) -> &Path {
        self.root()
    }

    fn locked(&mut self, work: LockedWork) -> Result<Synced, SyncError> {
        let _lock = self.lock_for_sync().map_err(store_failed)?;
        work(self)
    }
}

impl Synced {
    /// Adds what another part of the same sync did.
    fn and(&mut self, more: Synced) {
        self.refused.extend(more.refused);
        self.healed.extend(more.healed);
    }
}

/// Commits what changed, fetches, merges what may be taken in and pushes,
/// until in step with the remote. Never force-pushes; a local change stays
/// committed when the remote cannot be reached, and goes out on the next
/// sync. One sync at a time per folder; what changes the folder is done by
/// `writer`.
pub fn sync(writer: &mut dyn Writer, actor: &str, now: DateTime<Utc>) -> Result<Synced, SyncError> {
    let root = writer.folder().to_path_buf();
    if !is_shared(&root) {
        return Err(SyncError::NotShared);
    }
    let result =
        heal::SyncLock::take(&root).and_then(|_sync| sync_inner(writer, &root, actor, now));
    record(&root, &result, now);
    result
}

fn sync_inner(
    writer: &mut dyn Writer,
    root: &Path,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Synced, SyncError> {
    let mut synced = Synced::default();
    ensure_setup(root, false)?;
    let (folder, me) = (root.to_path_buf(), actor.to_owned());
    synced.and(writer.locked(Box::new(move |store| {
        let mut synced = Synced::default();
        for lock in heal::clear_stale_locks(&folder, now.into())? {
            synced.healed.push(format!(
                "{lock} was left by a git that stopped mid-way and was cleared."
            ));
        }
        settle_interrupted_merge(&folder, &mut synced)?;
        commit_local(store, &folder, &me, "changes", &mut synced)?;
        Ok(synced)
    }))?);
    let branch = current_branch(root).unwrap_or_else(|| "main".into());
    let theirs = format!("refs/remotes/origin/{branch}");
    let started = std::time::Instant::now();
    for attempt in 0..PUSH_TRIES {
        fetch(root, &branch)?;
        // FETCH_HEAD, written as the umask says.
        make_private(root, false);
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
                // When the colleagues' commits were made (their clocks)
                // and when they arrived (this one's).
                let arrived = now + started.elapsed();
                crate::store::clocks::note(root, &committed(root, &theirs), actor, arrived);
                let env = identity(root, actor);
                let intake = trust::take_in(root, &theirs, Some("HEAD"), &env_refs(&env))?;
                for refusal in &intake.refused {
                    let message = refusal.message();
                    if !synced.refused.contains(&message) {
                        synced.refused.push(message);
                    }
                }
                let (folder, me, commit) = (root.to_path_buf(), actor.to_owned(), intake.commit);
                let env = env.clone();
                synced.and(writer.locked(Box::new(move |store| {
                    let mut synced = Synced::default();
                    // What a window saved since the commit above goes in first.
                    commit_local(store, &folder, &me, "changes", &mut synced)?;
                    merge(&folder, &commit, &[], &env)?;
                    // An incident the merge driver had to give a new id to.
                    commit_local(store, &folder, &me, "an incident renumbered", &mut synced)?;
                    make_private(&folder, true);
                    Ok(synced)
                }))?);
                1
            }
            Some((ahead, _)) => ahead,
            None => 1,
        };
        if to_send == 0 {
            return Ok(synced);
        }
        match push(root, &branch)? {
            Pushed::Taken => return Ok(synced),
            // A push stopped mid-way on a desk that reaches the remote as a
            // folder can leave the branch locked; once it is surely stale,
            // it is cleared.
            Pushed::Locked(lock) => {
                let remote = remote_url(root).map(PathBuf::from).unwrap_or_default();
                let when = std::time::SystemTime::from(now) + started.elapsed();
                match heal::clear_remote_lock(&remote, &lock, when) {
                    heal::RemoteLock::Cleared => synced.healed.push(format!(
                        "{} was left in the shared remote by a push that was stopped and was cleared.",
                        lock.display()
                    )),
                    heal::RemoteLock::Young(wait) => std::thread::sleep(wait.min(heal::REMOTE_STALE_AFTER)),
                    heal::RemoteLock::Held(why) => {
                        return Err(SyncError::Failed(format!(
                            "The shared remote's branch is locked: {why}. Nothing was lost: this desk's changes are committed here."
                        )));
                    }
                }
            }
            // Someone pushed meanwhile: fetch and merge again, after a
            // pause that grows, so desks racing each other part.
            Pushed::Behind => {
                let jitter = u64::from(std::process::id() % 97);
                std::thread::sleep(std::time::Duration::from_millis(
                    (50 << attempt.min(5)) + jitter,
                ));
            }
        }
    }
    Err(SyncError::Failed(format!(
        "Colleagues pushed first {PUSH_TRIES} times in a row while this desk tried to send its changes. Nothing was lost: they are committed here and the next sync sends them."
    )))
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
    let newer = |e: &String| e.contains("newer");
    // A side that is empty or does not read (damaged, or not Expedite's at
    // all) is not taken: the other is kept whole, and the merge goes on —
    // one bad version never stops every later sync. A version written by a
    // newer Expedite is not dropped: the merge stops and says so.
    let (mine, yours) = match (read(ours, "this desk's"), read(theirs, "the colleague's")) {
        (Ok(Some(mine)), Ok(Some(yours))) => (mine, yours),
        (Err(e), _) | (_, Err(e)) if newer(&e) => return Err(e),
        (Ok(Some(_)), other) => {
            let why = other
                .err()
                .unwrap_or_else(|| format!("{path} is empty on the other side"));
            return Ok(vec![format!("{why}; this desk's version was kept.")]);
        }
        (other, Ok(Some(_))) => {
            let why = other
                .err()
                .unwrap_or_else(|| format!("{path} was empty here"));
            fs::copy(theirs, ours).map_err(|e| {
                format!("{path}: the colleague's version could not be written ({e})")
            })?;
            return Ok(vec![format!("{why}; the colleague's version was taken.")]);
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
        (Ok(None), Ok(None)) => return Ok(Vec::new()),
    };
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
