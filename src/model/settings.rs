//! The user's settings.

use serde::{Deserialize, Serialize};

use super::comms::Cadence;

/// Settings kept in `settings.ron`.
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
        }
    }
}
