//! The domain: pure data and pure functions. No egui, no files, no clock.

pub mod clocks;
pub mod comms;
pub mod exact;
pub mod incident;
pub mod metric;
pub mod phone;
pub mod procedure;
pub mod roster;
pub mod settings;
pub mod stamped;

pub use incident::*;
pub use stamped::{Stamp, Stamped};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

/// The longest name a person, an origin or a channel takes: a name is shown
/// on one line everywhere.
pub const NAME_MAX: usize = 100;

/// Everything the app knows: incidents, roster and settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// Every incident, by id (ids sort by date, so this is chronological).
    pub incidents: BTreeMap<IncidentId, Stamped<Incident>>,
    /// Ids held by files that could not be loaded (newer or damaged); never reused.
    pub taken_ids: BTreeSet<IncidentId>,
    /// The contact roster.
    pub roster: Stamped<roster::Roster>,
    /// The user's settings.
    pub settings: settings::Settings,
}

impl State {
    /// The incident people mean when they don't say: the most recently
    /// active open one.
    /// Times colleagues wrote are read on this desk's clock, so a clock
    /// hours off elsewhere never decides it.
    pub fn current_incident(&self) -> Option<&Incident> {
        let clocks = &self.settings.clocks;
        self.open_incidents()
            .max_by_key(|i| (i.last_activity_on(clocks), i.id.clone()))
    }

    /// The open incident whose next update is due first, with when.
    pub fn most_urgent(&self) -> Option<(&Incident, DateTime<Utc>)> {
        self.open_incidents()
            .filter_map(|i| comms::next_update_due(i, &self.settings).map(|due| (i, due)))
            .min_by_key(|(i, due)| (*due, i.id.clone()))
    }

    /// The open incidents, oldest first.
    pub fn open_incidents(&self) -> impl Iterator<Item = &Incident> {
        self.incidents
            .values()
            .map(|i| &**i)
            .filter(|i| i.is_open())
    }

    /// The id the next incident `who` declares on `day` gets: one past the
    /// highest counter among that day's ids with their name.
    pub fn next_incident_id(&self, day: NaiveDate, who: &str) -> IncidentId {
        let name = IncidentId::name_part(who);
        let n = self
            .incidents
            .keys()
            .chain(&self.taken_ids)
            .filter_map(IncidentId::parts)
            .filter(|(d, n, _)| *d == day && *n == name.as_deref())
            .map(|(_, _, n)| n)
            .max()
            .unwrap_or(0);
        IncidentId::declared_by(day, who, n + 1)
    }
}

/// The first line of `text`, cut to `chars` characters with "…" when longer.
pub fn shorten(text: &str, chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > chars {
        format!(
            "{}…",
            line.chars()
                .take(chars.saturating_sub(1))
                .collect::<String>()
        )
    } else {
        line.to_owned()
    }
}
