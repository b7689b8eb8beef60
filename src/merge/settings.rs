//! Merging two versions of the shared settings.

use super::{Pick, Report, pick};
use crate::model::settings::Settings;

/// Merges two versions of the settings field by field. When both desks
/// changed the same field, ours (this desk's) stays and the report says so:
/// settings carry no times, and a setting is changed on purpose, rarely.
pub fn merge_settings(
    base: Option<&Settings>,
    ours: &Settings,
    theirs: &Settings,
) -> (Settings, Report) {
    let mut report = Report::new();
    let mut out = ours.clone();
    macro_rules! field {
        ($name:ident, $label:literal) => {
            match pick(base.map(|b| &b.$name), &ours.$name, &theirs.$name) {
                Pick::Ours => {}
                Pick::Theirs => out.$name = theirs.$name.clone(),
                Pick::Both => report.push(format!(
                    "The {} was changed on two desks; this desk's value was kept ({:?} rather than {:?}).",
                    $label, ours.$name, theirs.$name
                )),
            }
        };
    }
    field!(me, "name");
    field!(cadence, "update cadence");
    field!(overdue_repeat_minutes, "overdue reminder repeat");
    field!(web_team_email, "web team's address");
    (out, report)
}
