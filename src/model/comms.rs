//! How often updates are due, and when the next one is.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::incident::{Decision, Incident, Metric, Part};
use super::settings::Settings;

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

/// What became of posting an update to its channel's destination (Slack,
/// Teams, Mattermost, a webhook).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// The service took it; Slack's message `ts` when it gives one.
    Sent { ts: Option<String> },
    /// Not sent yet: offline, rate-limited or the service was down; tried again.
    Queued { why: String },
    /// Refused for good (a wrong webhook, an archived channel), with what to do.
    Failed { why: String },
    /// The request went out and no answer came back: it may have arrived.
    /// None of these services takes a key that would make a second try safe,
    /// so it is only sent again when a person says so.
    Unknown { why: String },
}

impl Delivery {
    /// The timeline's words for it.
    pub fn describe(&self, channel: &str) -> String {
        match self {
            Self::Sent { ts: Some(ts) } => format!("Posted to {channel} (message {ts})"),
            Self::Sent { ts: None } => format!("Posted to {channel}"),
            Self::Queued { why } => format!("Waiting to post to {channel}: {why}"),
            Self::Failed { why } => format!("Could not post to {channel}: {why}"),
            Self::Unknown { why } => format!(
                "Posting to {channel} got no answer ({why}) — it may have arrived; look in the channel before sending it again"
            ),
        }
    }
}

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
    use chrono::TimeZone;

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
