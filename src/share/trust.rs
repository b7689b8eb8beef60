//! What a sync takes in from the shared remote, judged before anything of
//! it reaches the work tree.
//!
//! Anyone who can push to the remote (a teammate, a stolen credential,
//! anyone who can write the shared disk) can write any commit. What is
//! shared is an explicit set — the incidents, the roster, the team's
//! settings, and the `.gitignore` and `.gitattributes` Expedite writes — as
//! regular files of a bounded size. An incoming tip whose tree holds
//! anything else is not merged as it is: a commit on top of it puts back
//! what it should not have changed (each refused entry as it was at the
//! common ancestor, or gone), and that commit is merged instead. Git never
//! writes a desk-only file, a link or a path outside the folder; the rest
//! of the colleague's work comes in, syncing goes on, and the history keeps
//! both the refused commit and the one that undid it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{GITATTRIBUTES, GITIGNORE, SyncError, must};
use crate::git::{self, LOCAL_LIMIT};
use crate::model::IncidentId;

/// The largest file a sync takes in: far past any roster or incident a
/// team writes, short of one that would take a desk's memory.
pub const MAX_FILE: u64 = 64 << 20;

/// Incoming commits looked through to find which one brought a refused
/// entry; older ones are not named.
const CULPRIT_SEARCH: usize = 100;

/// Whether `path` (as git names it, from the folder's top) is one of the
/// files Expedite shares: `roster.ron`, `settings.ron`, `.gitignore`,
/// `.gitattributes`, or `incidents/<id>.ron` for an incident id as
/// Expedite writes it.
pub fn is_shared_path(path: &str) -> bool {
    match path {
        "roster.ron" | "settings.ron" | ".gitignore" | ".gitattributes" => true,
        _ => path
            .strip_prefix("incidents/")
            .and_then(|name| name.strip_suffix(".ron"))
            .is_some_and(|id| IncidentId::parse(id).is_some_and(|parsed| parsed.as_str() == id)),
    }
}

/// Files that belong to one desk and are never taken from the remote.
fn is_desk_only(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        path,
        "desk.ron" | "connections.ron" | "outbox.ron" | "drafts.ron" | ".outbox.lock"
    ) || path.starts_with("feeds/")
        || name.ends_with(".bak")
        || name.ends_with(".lock")
        || name.contains(".corrupt-")
        || name.contains(crate::store::atomic::TMP_MARK)
}

/// Why an entry of an incoming tree was not taken in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// A file each desk keeps for itself (a secret, a name, the outbox).
    DeskOnly,
    /// Not one of Expedite's shared files.
    Foreign,
    /// A symbolic link.
    Link,
    /// Not a plain file (a submodule, or a tree where a file should be).
    NotAFile,
    /// Bigger than [`MAX_FILE`].
    TooBig(u64),
    /// A `.gitignore` with rules Expedite does not write.
    IgnoreRules,
    /// A `.gitattributes` with rules Expedite does not write.
    AttributeRules,
    /// A data file that does not read as what its name says it is.
    Unreadable(String),
    /// One of Expedite's files, removed.
    Removed,
}

impl Why {
    fn words(&self) -> String {
        match self {
            Self::DeskOnly => "stays on each desk and is never taken from the remote".into(),
            Self::Foreign => "is not one of Expedite's files".into(),
            Self::Link => "is a symbolic link, which Expedite never follows".into(),
            Self::NotAFile => "is not a plain file".into(),
            Self::TooBig(size) => format!(
                "is {} MB, over the {} MB a shared file may be",
                size.div_ceil(1 << 20),
                MAX_FILE >> 20
            ),
            Self::IgnoreRules => "would change which files stay on each desk".into(),
            Self::AttributeRules => "would change how git merges or converts the files".into(),
            Self::Unreadable(why) => format!("does not read as Expedite's ({why})"),
            Self::Removed => "was removed, and Expedite never removes its files".into(),
        }
    }
}

/// One entry of a tree, as `git ls-tree -r -l` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    mode: String,
    kind: String,
    object: String,
    size: Option<u64>,
    path: String,
}

/// A commit that brought something that was not taken in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Its short hash, or "one of the commits" when it was not found.
    pub commit: String,
    /// Who wrote it, as the commit says (anyone can write any name).
    pub author: String,
    /// Its first line.
    pub subject: String,
    /// Each entry refused, with why.
    pub entries: Vec<(String, Why)>,
}

impl Refusal {
    /// The whole refusal in sentences: which commit, by whom, what, and
    /// what to do.
    pub fn message(&self) -> String {
        let what: Vec<String> = self
            .entries
            .iter()
            .map(|(path, why)| format!("{} {}", crate::text::one_line(path, 60), why.words()))
            .collect();
        format!(
            "Part of commit {} by {} (“{}”) was not taken in from the shared remote: {}. The rest was merged and this desk goes on syncing. Ask {} what it was for; if nobody on the team made it, change who can push to the remote.",
            self.commit,
            self.author,
            self.subject,
            what.join("; "),
            self.author,
        )
    }
}

/// What to merge from the remote, and what of it was refused.
#[derive(Debug)]
pub struct Intake {
    /// The commit to merge: the remote's own, or one on top of it that
    /// undoes what was refused.
    pub commit: String,
    /// The refusals, one per commit that brought something.
    pub refused: Vec<Refusal>,
}

/// Judges the tree of `theirs` (an incoming commit) against the shared set,
/// and when something in it is refused, makes the commit on top of it that
/// puts back what it should not have changed. `ours` is this desk's commit
/// it will be merged with (none for a folder with no history yet).
pub fn take_in(
    root: &Path,
    theirs: &str,
    ours: Option<&str>,
    env: &[(&str, &str)],
) -> Result<Intake, SyncError> {
    let theirs = rev_parse(root, &format!("{theirs}^{{commit}}"))?;
    let base = ours.and_then(|ours| merge_base(root, ours, &theirs));
    let at_base = match &base {
        Some(base) => judge_all(root, list_tree(root, base)?)?.0,
        None => Vec::new(),
    };
    let (mut kept, mut refused) = judge_all(root, list_tree(root, &theirs)?)?;
    // What changed since both desks last agreed must read as what its name
    // says: a file that does not would stop every merge of it.
    let changed: Vec<usize> = (0..kept.len())
        .filter(|&i| {
            let e = &kept[i];
            e.path.ends_with(".ron")
                && !at_base
                    .iter()
                    .any(|b| b.path == e.path && b.object == e.object)
        })
        .collect();
    for (i, why) in unreadable(root, &kept, &changed)?.into_iter().rev() {
        let entry = kept.remove(i);
        refused.push((entry, Why::Unreadable(why)));
    }
    // Expedite never removes one of its files: one gone from the incoming
    // tree would stop every merge with a desk that changed it, and take
    // its record from everyone. It stays.
    let present: BTreeSet<&str> = kept
        .iter()
        .chain(refused.iter().map(|(e, _)| e))
        .map(|e| e.path.as_str())
        .collect();
    let removed: Vec<Entry> = at_base
        .iter()
        .filter(|b| b.path.ends_with(".ron") && !present.contains(b.path.as_str()))
        .cloned()
        .collect();
    refused.extend(removed.into_iter().map(|e| (e, Why::Removed)));
    if refused.is_empty() {
        return Ok(Intake {
            commit: theirs,
            refused: Vec::new(),
        });
    }
    if base.is_some() {
        // A refused entry goes back to how it was when both desks last
        // agreed. A link or a file put where a folder was (`incidents`)
        // takes the folder's files back with it.
        let replaced = |path: &str| {
            refused.iter().any(|(r, _)| {
                path == r.path
                    || path
                        .strip_prefix(r.path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        let kept_paths: BTreeSet<String> = kept.iter().map(|e| e.path.clone()).collect();
        kept.extend(
            at_base
                .into_iter()
                .filter(|e| replaced(&e.path) && !kept_paths.contains(&e.path)),
        );
    }
    let tree = make_tree(root, &kept)?;
    let refusals = culprits(root, base.as_deref(), &theirs, &refused);
    let lines: Vec<String> = refusals.iter().map(Refusal::message).collect();
    let message = format!(
        "Expedite: not taken in from the shared remote\n\n{}\n",
        lines.join("\n\n")
    );
    let commit = must(
        git::run(
            root,
            &["commit-tree", &tree, "-p", &theirs, "-m", &message],
            env,
            LOCAL_LIMIT,
        ),
        "undoing what the remote should not have brought",
    )?
    .stdout
    .trim()
    .to_owned();
    Ok(Intake {
        commit,
        refused: refusals,
    })
}

/// The entries of this desk's own index that are not Expedite's shared
/// files as plain files: left there by an older version that took them in,
/// or added by hand. Each with why.
pub fn foreign_in_index(root: &Path) -> Result<Vec<(String, String, Why)>, SyncError> {
    let out = must(
        git::run(root, &["ls-files", "-s", "-z"], &[], LOCAL_LIMIT),
        "listing what this desk shares",
    )?;
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for record in out.stdout.split('\0').filter(|r| !r.is_empty()) {
        // "<mode> <object> <stage>\t<path>"
        let Some((head, path)) = record.split_once('\t') else {
            continue;
        };
        let mode = head.split(' ').next().unwrap_or_default();
        if !seen.insert(path.to_owned()) {
            continue;
        }
        let why = if !is_shared_path(path) {
            Some(if is_desk_only(path) {
                Why::DeskOnly
            } else {
                Why::Foreign
            })
        } else if mode == "120000" {
            Some(Why::Link)
        } else if mode != "100644" && mode != "100755" {
            Some(Why::NotAFile)
        } else {
            None
        };
        if let Some(why) = why {
            found.push((path.to_owned(), mode.to_owned(), why));
        }
    }
    Ok(found)
}

/// The last version of `path` in this desk's history that was a plain
/// file: its object name, when there is one within the last commits.
pub fn last_plain_version(root: &Path, path: &str) -> Option<String> {
    let log = git::run(
        root,
        &[
            "rev-list",
            "-n",
            "50",
            "HEAD",
            "--",
            &format!(":(literal){path}"),
        ],
        &[],
        LOCAL_LIMIT,
    )
    .ok()
    .filter(|o| o.ok)?;
    log.stdout.lines().find_map(|commit| {
        let entries = list_tree(root, commit).ok()?;
        entries
            .into_iter()
            .find(|e| e.path == path && e.mode == "100644" && e.kind == "blob")
            .map(|e| e.object)
    })
}

fn rev_parse(root: &Path, what: &str) -> Result<String, SyncError> {
    Ok(must(
        git::run(
            root,
            &["rev-parse", "-q", "--verify", what],
            &[],
            LOCAL_LIMIT,
        ),
        "reading the remote's branch",
    )?
    .stdout
    .trim()
    .to_owned())
}

fn merge_base(root: &Path, a: &str, b: &str) -> Option<String> {
    git::run(root, &["merge-base", a, b], &[], LOCAL_LIMIT)
        .ok()
        .filter(|o| o.ok)
        .map(|o| o.stdout.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Every entry of the commit's tree, subfolders included.
fn list_tree(root: &Path, commit: &str) -> Result<Vec<Entry>, SyncError> {
    let out = must(
        git::run(
            root,
            &["ls-tree", "-r", "-l", "-z", "--full-tree", commit],
            &[],
            LOCAL_LIMIT,
        ),
        "reading what the remote brought",
    )?;
    let mut entries = Vec::new();
    for record in out.stdout.split('\0').filter(|r| !r.is_empty()) {
        // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
        let Some((head, path)) = record.split_once('\t') else {
            continue;
        };
        let mut fields = head.split_whitespace();
        let (Some(mode), Some(kind), Some(object), size) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        entries.push(Entry {
            mode: mode.to_owned(),
            kind: kind.to_owned(),
            object: object.to_owned(),
            size: size.and_then(|s| s.parse().ok()),
            path: path.to_owned(),
        });
    }
    Ok(entries)
}

/// Splits entries into those taken in and those refused (with why). A path
/// listed twice (a tree git itself would not write) keeps its first entry.
#[allow(clippy::type_complexity)]
fn judge_all(
    root: &Path,
    entries: Vec<Entry>,
) -> Result<(Vec<Entry>, Vec<(Entry, Why)>), SyncError> {
    let mut kept = Vec::new();
    let mut refused = Vec::new();
    let mut seen = BTreeSet::new();
    for entry in entries {
        if !seen.insert(entry.path.clone()) {
            refused.push((entry, Why::Foreign));
            continue;
        }
        match judge(root, &entry)? {
            None => kept.push(entry),
            Some(why) => refused.push((entry, why)),
        }
    }
    Ok((kept, refused))
}

fn judge(root: &Path, entry: &Entry) -> Result<Option<Why>, SyncError> {
    if entry.mode == "120000" {
        return Ok(Some(Why::Link));
    }
    if !is_shared_path(&entry.path) {
        return Ok(Some(if is_desk_only(&entry.path) {
            Why::DeskOnly
        } else {
            Why::Foreign
        }));
    }
    if entry.kind != "blob" || (entry.mode != "100644" && entry.mode != "100755") {
        return Ok(Some(Why::NotAFile));
    }
    let size = entry.size.unwrap_or(u64::MAX);
    if size > MAX_FILE {
        return Ok(Some(Why::TooBig(size)));
    }
    let ours = match entry.path.as_str() {
        ".gitignore" => (GITIGNORE, Why::IgnoreRules),
        ".gitattributes" => (GITATTRIBUTES, Why::AttributeRules),
        _ => return Ok(None),
    };
    if size > 64 * 1024 {
        return Ok(Some(ours.1));
    }
    let text = must(
        git::run(root, &["cat-file", "blob", &entry.object], &[], LOCAL_LIMIT),
        "reading what the remote brought",
    )?
    .stdout;
    Ok((!only_rules_of(&text, ours.0)).then_some(ours.1))
}

/// Whether every rule in `text` is one of the rules in `ours` (comments and
/// blank lines aside): a file that only leaves some of them out can't make
/// git share or treat anything differently from what Expedite decides.
fn only_rules_of(text: &str, ours: &str) -> bool {
    let rules: BTreeSet<&str> = ours
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    text.lines()
        .map(|l| l.trim_end_matches('\r').trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .all(|l| rules.contains(l))
}

/// Of `entries`, those at `which` that do not read as the kind of file
/// their name says, with why (sorted by index). A file written by a newer
/// Expedite reads: each desk says so and leaves it alone.
fn unreadable(
    root: &Path,
    entries: &[Entry],
    which: &[usize],
) -> Result<Vec<(usize, String)>, SyncError> {
    use crate::model::{Incident, roster::Roster, settings::Settings};
    use crate::store::envelope::{self, ReadError};
    let mut found = Vec::new();
    // Read in batches of up to 48 MB through one `git cat-file --batch`.
    let mut start = 0;
    while start < which.len() {
        let mut end = start;
        let mut size = 0;
        while end < which.len()
            && (end == start || size + entries[which[end]].size.unwrap_or(0) <= 48 << 20)
        {
            size += entries[which[end]].size.unwrap_or(0);
            end += 1;
        }
        let batch = &which[start..end];
        start = end;
        let mut input = Vec::new();
        for &i in batch {
            input.extend_from_slice(entries[i].object.as_bytes());
            input.push(b'\n');
        }
        let out = git::run_raw(
            root,
            &["cat-file", "--batch"],
            &[],
            LOCAL_LIMIT,
            Some(input),
        )
        .map_err(|e| SyncError::Failed(format!("Reading what the remote brought: {e}.")))?;
        // "<object> blob <size>\n<bytes>\n" for each, in order.
        let mut rest = out.stdout.as_slice();
        for &i in batch {
            let Some(newline) = rest.iter().position(|&b| b == b'\n') else {
                found.push((i, "it could not be read from git".to_owned()));
                continue;
            };
            let header = String::from_utf8_lossy(&rest[..newline]);
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let after = &rest[newline + 1..];
            let (bytes, tail) = after.split_at(size.min(after.len()));
            rest = tail.strip_prefix(b"\n").unwrap_or(tail);
            let Ok(text) = std::str::from_utf8(bytes) else {
                found.push((i, "it is not UTF-8 text".to_owned()));
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let path = entries[i].path.as_str();
            let error = if path == "roster.ron" {
                envelope::read::<Roster>(text).err()
            } else if path == "settings.ron" {
                envelope::read::<Settings>(text).err()
            } else if path.starts_with("incidents/") {
                envelope::read::<Incident>(text).err()
            } else {
                None
            };
            match error {
                None | Some(ReadError::Newer { .. }) => {}
                Some(e) => found.push((i, crate::text::one_line(&e.to_string(), 120))),
            }
        }
    }
    found.sort_by_key(|(i, _)| *i);
    Ok(found)
}

/// Writes the tree holding `entries` (top-level files and `incidents/`).
fn make_tree(root: &Path, entries: &[Entry]) -> Result<String, SyncError> {
    let mut top: BTreeMap<&str, &Entry> = BTreeMap::new();
    let mut incidents: BTreeMap<&str, &Entry> = BTreeMap::new();
    for entry in entries {
        match entry.path.strip_prefix("incidents/") {
            Some(name) => incidents.insert(name, entry),
            None => top.insert(entry.path.as_str(), entry),
        };
    }
    let mktree = |items: Vec<(String, String, String, &str)>| -> Result<String, SyncError> {
        let mut input = Vec::new();
        for (mode, kind, object, name) in items {
            input.extend_from_slice(format!("{mode} {kind} {object}\t{name}").as_bytes());
            input.push(0);
        }
        Ok(must(
            git::run_with_input(root, &["mktree", "-z"], &[], LOCAL_LIMIT, Some(input)),
            "writing what is taken in",
        )?
        .stdout
        .trim()
        .to_owned())
    };
    let plain = |e: &Entry, name: &str| {
        (
            e.mode.clone(),
            e.kind.clone(),
            e.object.clone(),
            name.to_owned(),
        )
    };
    let mut items: Vec<(String, String, String, &str)> = Vec::new();
    let folder;
    if !incidents.is_empty() {
        folder = mktree(
            incidents
                .iter()
                .map(|(name, e)| {
                    let (m, k, o, _) = plain(e, name);
                    (m, k, o, *name)
                })
                .collect(),
        )?;
        items.push(("040000".into(), "tree".into(), folder.clone(), "incidents"));
    }
    for (name, e) in &top {
        let (m, k, o, _) = plain(e, name);
        items.push((m, k, o, name));
    }
    mktree(items)
}

/// Names the commits that brought each refused entry: the oldest incoming
/// commit whose tree holds it, among the last [`CULPRIT_SEARCH`].
fn culprits(
    root: &Path,
    base: Option<&str>,
    theirs: &str,
    refused: &[(Entry, Why)],
) -> Vec<Refusal> {
    let range = match base {
        Some(base) => format!("{base}..{theirs}"),
        None => theirs.to_owned(),
    };
    let commits: Vec<String> = git::run(
        root,
        &[
            "rev-list",
            "--topo-order",
            "-n",
            &CULPRIT_SEARCH.to_string(),
            &range,
        ],
        &[],
        LOCAL_LIMIT,
    )
    .ok()
    .filter(|o| o.ok)
    .map(|o| o.stdout.lines().map(str::to_owned).collect())
    .unwrap_or_default();
    let mut by_commit: Vec<(String, Vec<(String, Why)>)> = Vec::new();
    // Newest first from rev-list: the oldest commit still holding an
    // entry is where it came in.
    let mut holder: BTreeMap<usize, String> = BTreeMap::new();
    for commit in &commits {
        let Ok(tree) = list_tree(root, commit) else {
            continue;
        };
        for (i, (entry, why)) in refused.iter().enumerate() {
            // Where it came in: the oldest commit holding it, or, for a
            // removal, the oldest without it.
            let holds = tree.iter().any(|e| {
                e.path == entry.path
                    && (*why == Why::Removed || (e.object == entry.object && e.mode == entry.mode))
            });
            if holds != (*why == Why::Removed) {
                holder.insert(i, commit.clone());
            }
        }
    }
    for (i, (entry, why)) in refused.iter().enumerate() {
        let commit = holder.get(&i).cloned().unwrap_or_else(|| theirs.to_owned());
        match by_commit.iter_mut().find(|(c, _)| *c == commit) {
            Some((_, list)) => list.push((entry.path.clone(), why.clone())),
            None => by_commit.push((commit, vec![(entry.path.clone(), why.clone())])),
        }
    }
    by_commit
        .into_iter()
        .map(|(commit, entries)| {
            let info = git::run(
                root,
                &["log", "-1", "--format=%h%x1f%an%x1f%s", &commit],
                &[],
                LOCAL_LIMIT,
            )
            .ok()
            .filter(|o| o.ok)
            .map(|o| o.stdout)
            .unwrap_or_default();
            let mut parts = info.trim_end_matches('\n').splitn(3, '\u{1f}');
            let short = parts.next().filter(|s| !s.is_empty()).unwrap_or("?");
            Refusal {
                commit: crate::text::one_line(short, 16),
                author: crate::text::one_line(parts.next().unwrap_or("someone"), 60),
                subject: crate::text::one_line(parts.next().unwrap_or(""), 80),
                entries,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_set_is_expedites_files_and_nothing_else() {
        for shared in [
            "roster.ron",
            "settings.ron",
            ".gitignore",
            ".gitattributes",
            "incidents/2026-12-01-1.ron",
            "incidents/2026-12-01-sam-patel-3.ron",
        ] {
            assert!(is_shared_path(shared), "{shared}");
        }
        for not in [
            "connections.ron",
            "desk.ron",
            "outbox.ron",
            "drafts.ron",
            "roster.ron.bak",
            "../evil.ron",
            "incidents/../roster.ron",
            "incidents/notes.ron",
            "incidents/2026-12-01-SAM-1.ron",
            "incidents/sub/2026-12-01-1.ron",
            "incidents",
            ".gitmodules",
            "README.md",
            "feeds/a.ics",
        ] {
            assert!(!is_shared_path(not), "{not}");
        }
    }

    #[test]
    fn only_expedites_own_rules_are_taken() {
        assert!(only_rules_of(GITIGNORE, GITIGNORE));
        assert!(only_rules_of(
            "desk.ron\r\n# ours\n\nconnections.ron\n",
            GITIGNORE
        ));
        assert!(!only_rules_of(
            &format!("{GITIGNORE}!connections.ron\n"),
            GITIGNORE
        ));
        assert!(!only_rules_of("*.ron merge=union\n", GITATTRIBUTES));
        assert!(!only_rules_of("*.ron text eol=crlf\n", GITATTRIBUTES));
        assert!(only_rules_of(GITATTRIBUTES, GITATTRIBUTES));
    }
}
