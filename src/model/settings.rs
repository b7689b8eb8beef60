//! The user's settings.

use serde::{Deserialize, Serialize};

use chrono::Duration;

use super::incident::{Decision, Incident, Metric};

/// Settings kept in `settings.ron`, shared by the team when the folder is;
/// `me` is this desk's own and lives in `desk.ron` (see [`Desk`]), read
/// here from older files that still hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The name this person goes by on timelines; asked for on first start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me: Option<String>,
    /// How often updates are due.
    #[serde(default)]
    pub cadence: Cadence,
    /// Minutes between repeated reminders while an update is overdue.
    #[serde(default = "default_overdue_repeat")]
    pub overdue_repeat_minutes: u32,
    /// Where the summary email goes: the web team's list, e.g. `web@example.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_team_email: Option<String>,
    /// How far colleagues' clocks are off from this desk's, as this desk's
    /// syncs measured them; never in a file of the team's.
    #[serde(skip)]
    pub clocks: super::clocks::Clocks,
}

fn default_overdue_repeat() -> u32 {
    5
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            me: None,
            cadence: Cadence::default(),
            overdue_repeat_minutes: default_overdue_repeat(),
            web_team_email: None,
            clocks: super::clocks::Clocks::default(),
        }
    }
}

/// What belongs to this desk alone, kept in `desk.ron` and never shared:
/// the person's name and how often the window syncs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    /// The name this person goes by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me: Option<String>,
    /// Seconds between syncs while the window is open on a shared folder;
    /// 30 when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_every_seconds: Option<u32>,
}

impl Desk {
    /// Seconds between syncs while the window is open.
    pub fn sync_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.sync_every_seconds.unwrap_or(30).max(5)))
    }
}

/// Minutes between updates, by how the incident is classified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadence {
    /// Expedited, with revenue hit.
    pub expedited_revenue_minutes: u32,
    /// Expedited.
    pub expedited_minutes: u32,
    /// Classified as not to be expedited.
    pub not_expedited_minutes: u32,
    /// Not classified yet, or unsure: assume the worst.
    pub unclassified_minutes: u32,
}

impl Default for Cadence {
    fn default() -> Self {
        Self {
            expedited_revenue_minutes: 15,
            expedited_minutes: 30,
            not_expedited_minutes: 60,
            unclassified_minutes: 15,
        }
    }
}

impl Cadence {
    /// The interval between updates for this incident as classified now.
    pub fn interval_for(&self, incident: &Incident) -> Duration {
        let c = &incident.classification;
        let minutes = match c.decision {
            Some(Decision::Expedite) if c.hits(Metric::Revenue) => self.expedited_revenue_minutes,
            Some(Decision::Expedite) => self.expedited_minutes,
            Some(Decision::DoNotExpedite) => self.not_expedited_minutes,
            Some(Decision::Unsure) | None => self.unclassified_minutes,
        };
        Duration::minutes(i64::from(minutes.max(1)))
    }
}
