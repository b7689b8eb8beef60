//! What this desk's syncs saw of colleagues' clocks, kept in
//! `.git/expedite-clocks` (this desk's own, never shared), and how far each
//! colleague's clock is ahead of this desk's, from it.
//!
//! Each sync that brings a colleague's commits notes, for each committer,
//! the latest commit time less the time they arrived here. A commit can't
//! arrive before it was made, so each such sample is at most how far their
//! clock is ahead (it is less by however long the commit waited to be
//! pushed and fetched). Of the last few samples the largest is the best
//! guess. A clock ahead by more than the tolerance is believed at once —
//! no delay explains it. One behind is believed only when three syncs
//! apart all say so: a colleague back from a train pushes old commits
//! once, a slow clock does it every time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::clocks::{Clocks, TOLERANCE};

/// Samples kept per colleague.
const KEPT: usize = 5;
/// Colleagues kept (the most recently seen): the names come from the
/// remote, which anyone with push access can write.
const PEOPLE: usize = 50;
/// Samples of a clock behind that must agree before it is believed.
const BEHIND_AFTER: usize = 3;

fn path(root: &Path) -> PathBuf {
    root.join(".git").join("expedite-clocks")
}

/// One sample: how far ahead, and when it was taken (this desk's clock).
type Sample = (i64, i64);

fn read(root: &Path) -> BTreeMap<String, Vec<Sample>> {
    let text = super::atomic::read_plain(&path(root), 256 * 1024).unwrap_or_default();
    let mut all: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.split('\t');
        let (Some(name), Some(ahead), Some(at)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(ahead), Ok(at)) = (ahead.parse(), at.parse()) {
            all.entry(name.to_owned()).or_default().push((ahead, at));
        }
    }
    all
}

/// Notes what a sync saw: for each committer, the latest time their
/// commits were made (their clock, seconds since 1970), and `now`, when
/// they arrived (this desk's). `me` is left out.
pub fn note(root: &Path, seen: &BTreeMap<String, i64>, me: &str, now: DateTime<Utc>) {
    if seen.is_empty() {
        return;
    }
    let mut all = read(root);
    for (name, made) in seen {
        if name.trim().eq_ignore_ascii_case(me.trim()) || name.contains(['\t', '\n']) {
            continue;
        }
        let samples = all.entry(name.clone()).or_default();
        samples.push((made - now.timestamp(), now.timestamp()));
        let extra = samples.len().saturating_sub(KEPT);
        samples.drain(..extra);
    }
    // The most recently seen colleagues only.
    if all.len() > PEOPLE {
        let mut by_last: Vec<(i64, String)> = all
            .iter()
            .map(|(name, s)| (s.iter().map(|(_, at)| *at).max().unwrap_or(0), name.clone()))
            .collect();
        by_last.sort();
        for (_, name) in by_last.iter().take(all.len() - PEOPLE) {
            all.remove(name);
        }
    }
    let mut text = String::new();
    for (name, samples) in &all {
        for (ahead, at) in samples {
            text.push_str(&format!("{name}\t{ahead}\t{at}\n"));
        }
    }
    let _ = super::atomic::write_note(&path(root), text.as_bytes());
}

/// How far each colleague's clock is ahead of this desk's, as far as the
/// syncs so far can tell.
pub fn load(root: &Path) -> Clocks {
    if !root.join(".git").is_dir() {
        return Clocks::default();
    }
    Clocks::new(read(root).into_iter().filter_map(|(name, samples)| {
        let best = samples.iter().map(|(ahead, _)| *ahead).max()?;
        let best = TimeDelta::seconds(best);
        let believed = best > TOLERANCE || (samples.len() >= BEHIND_AFTER && best < -TOLERANCE);
        believed.then_some((name, best))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .unwrap()
            .to_utc()
            + TimeDelta::hours(hours)
    }

    #[test]
    fn a_clock_ahead_is_believed_at_once_and_one_behind_only_when_syncs_agree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let root = dir.path();
        // Dana's commits arrive stamped three hours ahead; Alex's two hours
        // behind — once: a train journey, or a slow clock?
        let seen = |dana: i64, alex: i64, now: DateTime<Utc>| {
            BTreeMap::from([
                (
                    "Dana".to_owned(),
                    (now + TimeDelta::hours(dana)).timestamp(),
                ),
                (
                    "Alex".to_owned(),
                    (now + TimeDelta::hours(alex)).timestamp(),
                ),
                ("Sam".to_owned(), (now + TimeDelta::hours(9)).timestamp()),
            ])
        };
        note(root, &seen(3, -2, at(0)), "Sam", at(0));
        let clocks = load(root);
        assert_eq!(clocks.ahead("Dana"), Some(TimeDelta::hours(3)));
        assert_eq!(clocks.ahead("Alex"), None, "once is not enough");
        assert_eq!(
            clocks.ahead("Sam"),
            None,
            "this desk is not its own colleague"
        );
        note(root, &seen(3, 0, at(1)), "Sam", at(1));
        note(root, &seen(3, 0, at(2)), "Sam", at(2));
        assert_eq!(load(root).ahead("Alex"), None, "back from the train");
        for h in 3..7 {
            note(root, &seen(3, -2, at(h)), "Sam", at(h));
        }
        assert_eq!(
            load(root).ahead("Alex"),
            None,
            "a sample in step still stands"
        );
        note(root, &seen(3, -2, at(7)), "Sam", at(7));
        assert_eq!(load(root).ahead("Alex"), Some(TimeDelta::hours(-2)));
    }
}
