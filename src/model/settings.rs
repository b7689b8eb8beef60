//! The user's settings.

use serde::{Deserialize, Serialize};

use super::comms::Cadence;

/// Settings kept in `settings.ron`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The name this person goes by on timelines; asked for on first start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me: Option<String>,
    /// How often updates are due.
    #[serde(default)]
    pub cadence: Cadence,
}
