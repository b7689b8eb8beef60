//! Joining two versions of a file that were changed on two desks, so that a
//! team can share its data folder (through git, or a synced folder) and
//! nobody's work is lost.
//!
//! The rules, the same for every file:
//! - **Lists that only grow** (evidence, hand-overs, updates, readings,
//!   follow-ups, the timeline) are joined: every entry of either side, once,
//!   in time order. An entry is known by what it says and when it was
//!   written, so the same entry from both sides is kept once.
//! - **Sets** (the team, the channels, the roles not needed, the rota) keep
//!   what either side added and drop what either side removed, when the
//!   common ancestor is known. Without it (a synced folder's conflict copy)
//!   nothing is dropped.
//! - **A part set as a whole** (the classification, the owner, the fix…)
//!   takes the side that changed it; when both changed it, the later change
//!   wins — by time, then by name — and the other value goes on the
//!   incident's timeline, so it is never silently lost.
//!
//! Every merge is symmetric: merging B into A gives what merging A into B
//! gives, so desks that merge in any order end up with the same files.
//! Pure functions: no files, no clock.

pub mod conflict;
mod incident;
mod roster;
mod settings;

pub use incident::{merge_incident, same_incident, split_collision, stamp_incident};
pub use roster::{merge_roster, stamp_roster};
pub use settings::merge_settings;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::model::Edit;

/// Which side a three-way comparison takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    /// Both sides agree (or only ours changed): keep ours.
    Ours,
    /// Only theirs changed: take theirs.
    Theirs,
    /// Both changed, differently.
    Both,
}

/// Compares the two sides with their common ancestor (`None` when unknown).
fn pick<T: PartialEq + ?Sized>(base: Option<&T>, ours: &T, theirs: &T) -> Pick {
    if ours == theirs {
        return Pick::Ours;
    }
    match base {
        Some(b) if b == theirs => Pick::Ours,
        Some(b) if b == ours => Pick::Theirs,
        _ => Pick::Both,
    }
}

/// Joins two lists that only grow: every entry of either side once, in the
/// order of `key` (which starts with the entry's time). Entries with the same
/// key are the same entry.
fn join<'a, T, K>(ours: &'a [T], theirs: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<T>
where
    T: Clone + PartialEq,
    K: Ord,
{
    // The common cases: one side is the other plus entries at the end.
    if theirs.starts_with(ours) {
        return theirs.to_vec();
    }
    if ours.starts_with(theirs) {
        return ours.to_vec();
    }
    let mut all: Vec<(K, &T)> = ours.iter().chain(theirs).map(|t| (key(t), t)).collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all.into_iter().map(|(_, t)| t.clone()).collect()
}

/// Merges two versions of a set kept as a list: what either side added is
/// in, what either side removed from the common ancestor is out. Entries
/// both kept stay in the ancestor's order; added ones follow, by `key`.
/// Without an ancestor nothing is removed.
fn merge_set<'a, T, K>(
    base: Option<&'a [T]>,
    ours: &'a [T],
    theirs: &'a [T],
    key: impl Fn(&'a T) -> K,
) -> Vec<T>
where
    T: Clone + PartialEq,
    K: Ord,
{
    match pick(base, ours, theirs) {
        Pick::Ours => return ours.to_vec(),
        Pick::Theirs => return theirs.to_vec(),
        Pick::Both => {}
    }
    let ours_keys: BTreeSet<K> = ours.iter().map(&key).collect();
    let theirs_keys: BTreeSet<K> = theirs.iter().map(&key).collect();
    let base = base.unwrap_or_default();
    let base_keys: BTreeSet<K> = base.iter().map(&key).collect();
    let mut out: Vec<T> = base
        .iter()
        .filter(|t| {
            let k = key(t);
            ours_keys.contains(&k) && theirs_keys.contains(&k)
        })
        .cloned()
        .collect();
    let mut added: Vec<(K, &T)> = ours
        .iter()
        .chain(theirs)
        .map(|t| (key(t), t))
        .filter(|(k, _)| !base_keys.contains(k))
        .collect();
    added.sort_by(|a, b| a.0.cmp(&b.0));
    added.dedup_by(|a, b| a.0 == b.0);
    out.extend(added.into_iter().map(|(_, t)| t.clone()));
    out
}

/// The stamp for a change `actor` makes at `now` to something last stamped
/// `previous`: always later than it, so changes along one history are
/// ordered as they were made.
fn next_edit(previous: Option<&Edit>, actor: &str, now: DateTime<Utc>) -> Edit {
    let mut edit = Edit {
        at: now,
        by: actor.to_owned(),
    };
    if let Some(previous) = previous
        && edit <= *previous
    {
        edit.at = previous.at + chrono::Duration::nanoseconds(1);
    }
    edit
}

/// What a merge could not keep in the file itself: lines a person should
/// read (the merge driver prints them).
pub type Report = Vec<String>;

#[cfg(test)]
mod tests;
