//! Conflicts left on disk by tools that do not know Expedite's files: git's
//! conflict markers inside a file, and the conflict copies a synced folder
//! writes next to it. Both are taken apart here so they can be merged.

use std::path::{Path, PathBuf};

/// The versions a file with git's conflict markers holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versions {
    /// The text as on this side (`<<<<<<<` to `=======` in each conflict).
    pub ours: String,
    /// The text as on the other side (`=======` to `>>>>>>>`).
    pub theirs: String,
    /// The common ancestor, when git wrote it (`merge.conflictStyle diff3`
    /// or `zdiff3`: `|||||||` to `=======`).
    pub base: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Both,
    Ours,
    Base,
    Theirs,
}

/// Whether a line is a conflict marker made of seven `c`s, alone or followed
/// by a space and a label.
fn marker(line: &str, c: char) -> bool {
    let body = line.trim_end_matches(['\r', '\n']);
    let Some(rest) = body.strip_prefix(&c.to_string().repeat(7)) else {
        return false;
    };
    rest.is_empty() || rest.starts_with(' ')
}

/// Takes a file with git's conflict markers apart into its versions; `None`
/// when it holds no (well-formed) conflict. Expedite writes no line that
/// starts with a marker: text a person typed is on one line, quoted.
pub fn split_markers(text: &str) -> Option<Versions> {
    let mut ours = String::new();
    let mut theirs = String::new();
    let mut base = String::new();
    let mut every_conflict_has_base = true;
    let mut conflicts = 0;
    let mut state = In::Both;
    let mut saw_base = false;
    for line in text.split_inclusive('\n') {
        match state {
            In::Both if marker(line, '<') => {
                state = In::Ours;
                saw_base = false;
                conflicts += 1;
            }
            In::Ours if marker(line, '|') => {
                state = In::Base;
                saw_base = true;
            }
            In::Ours | In::Base if marker(line, '=') => {
                every_conflict_has_base &= saw_base;
                state = In::Theirs;
            }
            In::Theirs if marker(line, '>') => state = In::Both,
            In::Both => {
                ours.push_str(line);
                theirs.push_str(line);
                base.push_str(line);
            }
            In::Ours => ours.push_str(line),
            In::Base => base.push_str(line),
            In::Theirs => theirs.push_str(line),
        }
    }
    (conflicts > 0 && state == In::Both).then(|| Versions {
        ours,
        theirs,
        base: every_conflict_has_base.then_some(base),
    })
}

/// The file a synced folder's conflict copy belongs to, when `path` is one:
/// Syncthing's `roster.sync-conflict-20261201-101530-ABCDEFG.ron`, and the
/// `roster (conflicted copy 2026-12-01).ron` of Dropbox and Nextcloud.
pub fn conflict_copy_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".ron")?;
    let original = if let Some((before, after)) = stem.split_once(".sync-conflict-") {
        (!after.is_empty()).then_some(before)?
    } else {
        let open = stem.find(" (")?;
        let inside = &stem[open..];
        (inside.contains("conflicted copy") && inside.ends_with(')')).then_some(&stem[..open])?
    };
    (!original.is_empty()).then(|| path.with_file_name(format!("{original}.ron")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_split_into_both_sides_and_keep_the_common_lines() {
        let text = "a\n<<<<<<< HEAD\nmine\n=======\nyours\n>>>>>>> origin/main\nz\n";
        let v = split_markers(text).unwrap();
        assert_eq!(v.ours, "a\nmine\nz\n");
        assert_eq!(v.theirs, "a\nyours\nz\n");
        assert_eq!(v.base, None);
    }

    #[test]
    fn diff3_markers_give_the_common_ancestor_too() {
        let text = "a\n<<<<<<< ours\nmine\n||||||| base\nold\n=======\nyours\n>>>>>>> theirs\n";
        let v = split_markers(text).unwrap();
        assert_eq!(v.base.as_deref(), Some("a\nold\n"));
        assert_eq!(v.ours, "a\nmine\n");
    }

    #[test]
    fn a_file_without_markers_or_with_a_broken_conflict_is_not_split() {
        assert_eq!(split_markers("(\n\tdata: ()\n)\n"), None);
        assert_eq!(split_markers("<<<<<<< HEAD\nmine\n=======\n"), None);
        // A quoted string holding a marker-like text is not a marker line.
        assert_eq!(split_markers("\ttext: \"<<<<<<< no\",\n"), None);
    }

    #[test]
    fn conflict_copies_name_the_file_they_belong_to() {
        let p = |s: &str| conflict_copy_of(Path::new(s));
        assert_eq!(
            p("/d/roster.sync-conflict-20261201-101530-ABCDEFG.ron"),
            Some(PathBuf::from("/d/roster.ron"))
        );
        assert_eq!(
            p("/d/incidents/2026-12-01-sam-1.sync-conflict-20261201-101530-X.ron"),
            Some(PathBuf::from("/d/incidents/2026-12-01-sam-1.ron"))
        );
        assert_eq!(
            p("/d/roster (Sam's conflicted copy 2026-12-01).ron"),
            Some(PathBuf::from("/d/roster.ron"))
        );
        assert_eq!(p("/d/roster.ron"), None);
        assert_eq!(p("/d/roster.ron.bak"), None);
    }
}
