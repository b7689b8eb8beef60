//! How often updates are due, and when the next one is.

use chrono::{DateTime, Utc};

pub use super::incident::Delivery;
use super::incident::{Incident, Part};
pub use super::settings::Cadence;
use super::settings::Settings;

/// When the next update is due; `None` once the incident is resolved.
///
/// The poster's own choice ("next update in 20 min") wins; otherwise the
/// cadence runs from the last update to `#expedite`, or from the
/// declaration before any.
///
/// Each time is read on this desk's clock (`settings.clocks`): a colleague
/// whose clock is hours off neither silences the reminders nor makes
/// everyone overdue at once.
pub fn next_update_due(incident: &Incident, settings: &Settings) -> Option<DateTime<Utc>> {
    if !incident.is_open() {
        return None;
    }
    let clocks = &settings.clocks;
    if let Some(due) = incident.communication.next_update_due {
        let by = incident
            .edits
            .get(&Part::NextUpdate)
            .map_or("", |e| e.by.as_str());
        return Some(clocks.here(by, due));
    }
    let since = match incident.last_stakeholder_update() {
        Some(u) => clocks.here(&u.by, u.at),
        None => incident.opened_at,
    };
    Some(since + settings.cadence.interval_for(incident))
}

/// Whether the next update is overdue at `now`.
pub fn is_overdue(incident: &Incident, settings: &Settings, now: DateTime<Utc>) -> bool {
    next_update_due(incident, settings).is_some_and(|due| now > due)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::model::*;

    fn incident() -> Incident {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
        Incident::new(IncidentId::parse("2026-11-26-1").unwrap(), "t".into(), t)
    }

    #[test]
    fn cadence_follows_the_classification() {
        let c = Settings::default();
        let mut i = incident();
        let due = |i: &Incident| next_update_due(i, &c).unwrap() - i.opened_at;
        assert_eq!(due(&i), Duration::minutes(15), "unclassified");
        i.classification.decision = Some(Decision::Expedite);
        assert_eq!(due(&i), Duration::minutes(30));
        i.classification.metrics.push(MetricHit {
            metric: Metric::Revenue,
            note: String::new(),
        });
        assert_eq!(due(&i), Duration::minutes(15), "expedited with revenue hit");
        i.classification.decision = Some(Decision::DoNotExpedite);
        assert_eq!(due(&i), Duration::minutes(60));
        i.classification.decision = Some(Decision::Unsure);
        assert_eq!(due(&i), Duration::minutes(15));
    }

    #[test]
    fn overdue_only_after_the_due_time() {
        let c = Settings::default();
        let i = incident();
        let due = next_update_due(&i, &c).unwrap();
        assert!(!is_overdue(&i, &c, due));
        assert!(is_overdue(&i, &c, due + Duration::seconds(1)));
    }
}
