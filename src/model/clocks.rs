//! Colleagues' clocks, as far as this desk can tell them.
//!
//! Every time written into the record is read off the clock of the desk
//! that wrote it. A desk whose clock is hours off would otherwise decide
//! when everyone's next update is due (a fast clock silences the reminders,
//! a slow one makes everyone overdue at once) and which incident is the
//! current one. The sync sees the time each colleague's commits were made,
//! on their clock, and when they arrived, on this one; from that (see
//! `store::clocks`) comes how far each colleague's clock is ahead of this
//! desk's. Times a colleague wrote are read here on this desk's clock.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

/// How far a clock may be off before it counts: a few minutes are
/// everyday drift and delay, and change nothing.
pub const TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// How far each colleague's clock is ahead of this desk's (behind when
/// negative), by the name they write in the record. Only clocks off by
/// more than [`TOLERANCE`] are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clocks {
    /// By name as a key: the name as written, and how far ahead.
    ahead: BTreeMap<String, (String, TimeDelta)>,
}

impl Clocks {
    /// From each colleague's name and how far their clock is ahead.
    pub fn new(off: impl IntoIterator<Item = (String, TimeDelta)>) -> Self {
        Self {
            ahead: off
                .into_iter()
                .filter(|(_, by)| by.abs() > TOLERANCE)
                .map(|(name, by)| (key(&name), (name, by)))
                .collect(),
        }
    }

    /// Whether every colleague's clock agrees with this desk's.
    pub fn is_empty(&self) -> bool {
        self.ahead.is_empty()
    }

    /// How far `who`'s clock is ahead of this desk's, when it is off.
    pub fn ahead(&self, who: &str) -> Option<TimeDelta> {
        self.ahead.get(&key(who)).map(|(_, by)| *by)
    }

    /// `at`, written by `who` on their clock, read on this desk's.
    pub fn here(&self, who: &str, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.ahead(who) {
            Some(by) => at.checked_sub_signed(by).unwrap_or(at),
            None => at,
        }
    }

    /// The colleagues whose clocks are off, with by how much.
    pub fn off(&self) -> impl Iterator<Item = (&str, TimeDelta)> {
        self.ahead.values().map(|(name, by)| (name.as_str(), *by))
    }

    /// What to tell the person, in one sentence; `None` when all agree.
    /// When every colleague's clock (two or more) is off the same way by
    /// about as much, the odd one out is this desk's.
    pub fn say(&self) -> Option<String> {
        let off: Vec<(&str, TimeDelta)> = self.off().collect();
        let (first, rest) = off.split_first()?;
        let alike = |by: TimeDelta| {
            (by > TimeDelta::zero()) == (first.1 > TimeDelta::zero())
                && (by - first.1).abs() <= TOLERANCE * 2
        };
        if !rest.is_empty() && rest.iter().all(|(_, by)| alike(*by)) {
            return Some(format!(
                "Every colleague's clock is about {} {} this desk's: this desk's clock is probably {} — set it right (their times are read on this desk's clock meanwhile).",
                length(first.1),
                if first.1 > TimeDelta::zero() {
                    "ahead of"
                } else {
                    "behind"
                },
                if first.1 > TimeDelta::zero() {
                    "slow"
                } else {
                    "fast"
                },
            ));
        }
        let each: Vec<String> = off
            .iter()
            .map(|(name, by)| {
                format!(
                    "{}'s clock is about {} {} this desk's",
                    name,
                    length(*by),
                    if *by > TimeDelta::zero() {
                        "ahead of"
                    } else {
                        "behind"
                    }
                )
            })
            .collect();
        Some(format!(
            "{}: their times are read on this desk's clock. One of the two clocks is wrong — check this computer's, and tell them.",
            each.join("; ")
        ))
    }
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// "3 h", "2 h 10 min", "45 min": to the nearest minute, and past an hour
/// to the nearest five (a commit waits a few seconds before it arrives).
fn length(by: TimeDelta) -> String {
    let mut minutes = (by.num_seconds().unsigned_abs() + 30) / 60;
    if minutes >= 60 {
        minutes = (minutes + 2) / 5 * 5;
    }
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_written_on_a_clock_that_is_off_are_read_on_this_desks() {
        let clocks = Clocks::new([
            ("Dana Whitfield".to_owned(), TimeDelta::hours(3)),
            ("Alex Kim".to_owned(), TimeDelta::minutes(2)),
        ]);
        let at = DateTime::parse_from_rfc3339("2026-12-06T21:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(clocks.here("dana whitfield", at), at - TimeDelta::hours(3));
        assert_eq!(clocks.here("Alex Kim", at), at, "two minutes is drift");
        assert_eq!(clocks.here("Sam Patel", at), at);
        let said = clocks.say().unwrap();
        assert!(
            said.contains("Dana Whitfield's clock is about 3 h ahead of this desk's"),
            "{said}"
        );
    }

    #[test]
    fn when_every_colleague_is_off_alike_this_desk_is_the_odd_one_out() {
        let clocks = Clocks::new([
            ("Dana".to_owned(), TimeDelta::minutes(-122)),
            ("Alex".to_owned(), TimeDelta::minutes(-120)),
        ]);
        let said = clocks.say().unwrap();
        assert!(
            said.contains("this desk's clock is probably fast"),
            "{said}"
        );
        assert!(Clocks::default().say().is_none());
    }
}
