//! Everything typed that is not yet a saved command: half-written updates,
//! notes, hand-over notes and stage forms. Kept when a dialog closes or the
//! view changes, and written to `drafts.ron` beside the data so a restart (or
//! a crash) loses nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::command::NewEvidence;
use crate::model::comms::Cadence;
use crate::model::{
    Decision, DeviationReason, EXPEDITE_CHANNEL, EvidenceKind, Incident, IncidentId, Metric, Role,
};
use crate::store::envelope::Kind;
use crate::time::format_length;
use crate::ui::Form;

/// All drafts of this window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Drafts {
    /// The incident being declared.
    #[serde(skip_serializing_if = "is_default")]
    pub declare: DeclareDraft,
    /// Per incident.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub incidents: BTreeMap<IncidentId, IncidentDrafts>,
    /// The roster's forms: in the file only, for the contacts view holds
    /// them while the window runs.
    #[serde(skip_serializing_if = "is_default")]
    pub roster: super::contacts::forms::RosterDrafts,
}

impl Kind for Drafts {
    const FORMAT: &'static str = "expedite/drafts";
}

impl Drafts {
    /// The drafts for one incident, created empty when first needed.
    pub fn of(&mut self, incident: &IncidentId) -> &mut IncidentDrafts {
        self.incidents.entry(incident.clone()).or_default()
    }

    /// Drops the incidents whose drafts are all empty, so the file stays small.
    pub fn prune(&mut self) {
        self.incidents
            .retain(|_, d| *d != IncidentDrafts::default());
    }

    /// Empties `form` (of `incident`, for an incident's forms).
    pub fn clear(&mut self, incident: Option<&IncidentId>, form: Form) {
        if form == Form::Declare {
            self.declare = DeclareDraft::default();
            return;
        }
        let Some(id) = incident else {
            return;
        };
        let d = self.of(id);
        match form {
            Form::None | Form::Declare => {}
            Form::Update => d.update = None,
            Form::HandOver => d.hand_over = HandOverDraft::default(),
            Form::Note => d.note.clear(),
            Form::Evidence => d.evidence = EvidenceDraft::default(),
            Form::Classification => d.classification = None,
            Form::TeamRole(role) => {
                d.team.remove(&role);
            }
            Form::Channel => d.channel.clear(),
            Form::Fix => d.fix = None,
            Form::Deployment => d.deployment = DeploymentDraft::default(),
            // What the metric shows (its unit, where it is read) is the same
            // for the next reading: it stays.
            Form::Reading => {
                let note = std::mem::take(&mut d.reading.note);
                let threshold = std::mem::take(&mut d.reading.threshold);
                let confirm = std::mem::take(&mut d.reading.confirm);
                let impact_start = std::mem::take(&mut d.reading.impact_start);
                let impact_end = std::mem::take(&mut d.reading.impact_end);
                d.reading = ReadingDraft {
                    note,
                    threshold,
                    confirm,
                    impact_start,
                    impact_end,
                    ..ReadingDraft::default()
                };
            }
            Form::SummaryLinks => d.conclusion.links.clear(),
            Form::WebTeam => d.conclusion.web_team = None,
            Form::OriginWhom => {
                d.conclusion.whom.clear();
                d.conclusion.noticed.clear();
            }
            Form::Postmortem => {
                d.conclusion.postmortem_at.clear();
                d.conclusion.postmortem_owner.clear();
                d.conclusion.postmortem_changing = false;
            }
            Form::FollowUp => {
                d.conclusion.follow_up.clear();
                d.conclusion.follow_up_owner.clear();
                d.conclusion.follow_up_kind = Default::default();
                d.conclusion.follow_up_due.clear();
            }
            Form::ReopenReason => d.conclusion.reopen_reason.clear(),
        }
    }

    /// Empties what a saved command was made from, as it was when the
    /// command was sent (`sent`) — but only the fields still as they were
    /// then: whatever was typed while it was being saved stays.
    pub fn clear_as_sent(&mut self, sent: &Drafts, incident: Option<&IncidentId>, form: Form) {
        let mut cleared = sent.clone();
        cleared.clear(incident, form);
        if self == sent {
            *self = cleared;
            return;
        }
        let as_value = |d: &Drafts| serde_json::to_value(d).unwrap_or_default();
        let merged = keep_typed(as_value(self), &as_value(sent), as_value(&cleared));
        if let Ok(merged) = serde_json::from_value(merged) {
            *self = merged;
        }
    }
}

/// `now` with each part that `cleared` changed from `sent` taken from
/// `cleared`, where `now` still holds what `sent` did. (Fields left out
/// because they are empty read as `null`.)
fn keep_typed(
    now: serde_json::Value,
    sent: &serde_json::Value,
    cleared: serde_json::Value,
) -> serde_json::Value {
    use serde_json::Value;
    if *sent == cleared {
        return now;
    }
    if now == *sent {
        return cleared;
    }
    match (now, sent, cleared) {
        (Value::Object(mut now), Value::Object(sent), Value::Object(mut cleared)) => {
            let keys: std::collections::BTreeSet<String> = now
                .keys()
                .chain(sent.keys())
                .chain(cleared.keys())
                .cloned()
                .collect();
            for key in keys {
                let merged = keep_typed(
                    now.remove(&key).unwrap_or(Value::Null),
                    sent.get(&key).unwrap_or(&Value::Null),
                    cleared.remove(&key).unwrap_or(Value::Null),
                );
                if !merged.is_null() {
                    now.insert(key, merged);
                }
            }
            Value::Object(now)
        }
        // Changed both by the person and by the clearing: what they typed wins.
        (now, _, _) => now,
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Declaring an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeclareDraft {
    /// What is broken.
    pub title: String,
    /// The confirming metric.
    pub evidence: EvidenceDraft,
    /// Who owns it; empty means the person declaring.
    pub owner: String,
    /// Whether someone else takes ownership.
    pub someone_else: bool,
    /// Connect the confirming metric, to be read every minute, once declared.
    pub watch_next: bool,
}

/// The kinds of evidence, as a person chooses them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvidenceChoice {
    /// Error-tracker events (with a count).
    #[default]
    ErrorTracker,
    /// Call-centre reports (with a count).
    CallCentre,
    /// The error screen showing booking errors.
    ErrorScreen,
    /// Anything else.
    Other,
}

impl EvidenceChoice {
    /// Every kind, in the order the procedure lists them.
    pub const ALL: [Self; 4] = [
        Self::ErrorTracker,
        Self::CallCentre,
        Self::ErrorScreen,
        Self::Other,
    ];

    /// The words a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::ErrorTracker => "Error-tracker events (e.g. Bugsnag)",
            Self::CallCentre => "Call-centre reports",
            Self::ErrorScreen => "Error screen with booking errors",
            Self::Other => "Other",
        }
    }

    /// Whether this kind comes with a count.
    pub fn counted(self) -> bool {
        matches!(self, Self::ErrorTracker | Self::CallCentre)
    }
}

/// Evidence being entered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceDraft {
    /// Which kind.
    pub kind: EvidenceChoice,
    /// How many, as typed.
    pub count: String,
    /// What was seen.
    pub text: String,
    /// Where to see it.
    pub link: String,
}

impl EvidenceDraft {
    /// The evidence as a command takes it, or what is wrong with the count.
    pub fn to_evidence(&self) -> Result<NewEvidence, String> {
        let count = || -> Result<u32, String> {
            let typed = self.count.trim();
            typed.parse().map_err(|_| {
                if typed.is_empty() {
                    "How many: give the number seen, e.g. 120.".to_owned()
                } else {
                    format!("How many: '{typed}' is not a whole number — give the number seen, e.g. 120.")
                }
            })
        };
        let kind = match self.kind {
            EvidenceChoice::ErrorTracker => EvidenceKind::ErrorTracker { count: count()? },
            EvidenceChoice::CallCentre => EvidenceKind::CallCentre { count: count()? },
            EvidenceChoice::ErrorScreen => EvidenceKind::ErrorScreen,
            EvidenceChoice::Other => EvidenceKind::Other,
        };
        let link = self.link.trim();
        Ok(NewEvidence {
            kind,
            text: self.text.clone(),
            link: (!link.is_empty()).then(|| link.to_owned()),
        })
    }
}

/// The drafts of one incident.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncidentDrafts {
    /// The update being written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateDraft>,
    /// The hand-over being written.
    #[serde(skip_serializing_if = "is_default")]
    pub hand_over: HandOverDraft,
    /// A timeline note.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// More evidence.
    #[serde(skip_serializing_if = "is_default")]
    pub evidence: EvidenceDraft,
    /// The classification, when being written or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<ClassificationDraft>,
    /// The name being typed for each team role.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub team: BTreeMap<Role, String>,
    /// A dedicated channel being added.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// The fix, when being written or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixDraft>,
    /// The deployment being recorded.
    #[serde(skip_serializing_if = "is_default")]
    pub deployment: DeploymentDraft,
    /// A metric reading being entered.
    #[serde(skip_serializing_if = "is_default")]
    pub reading: ReadingDraft,
    /// The conclusion's fields.
    #[serde(skip_serializing_if = "is_default")]
    pub conclusion: ConclusionDraft,
}

/// An update being written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateDraft {
    /// Conditions: what we see.
    pub text: String,
    /// Actions: what we are doing.
    pub actions: String,
    /// Needs: what we need.
    pub needs: String,
    /// Where it goes.
    pub channel: String,
    /// "Next update in", as typed (e.g. `15m`).
    pub next_in: String,
}

impl Default for UpdateDraft {
    fn default() -> Self {
        Self {
            text: String::new(),
            actions: String::new(),
            needs: String::new(),
            channel: EXPEDITE_CHANNEL.to_owned(),
            next_in: "15m".to_owned(),
        }
    }
}

impl UpdateDraft {
    /// An update with Actions and Needs started from what the record says
    /// (the fix, the team, the roles still missing) and the interval from
    /// the cadence; Conditions is for the poster.
    pub fn new(incident: &Incident, cadence: &Cadence, actions: String, needs: String) -> Self {
        Self {
            next_in: format_length(cadence.interval_for(incident)),
            actions,
            needs,
            ..Self::default()
        }
    }
}

/// A hand-over being written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandOverDraft {
    /// To whom.
    pub to: String,
    /// What's happening, what's next, who's engaged.
    pub note: String,
}

/// The classification form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassificationDraft {
    /// Yes, no or unsure.
    pub decision: Option<Decision>,
    /// The product owner asked.
    pub asked: String,
    /// What they said.
    pub answer: String,
    /// Each metric: whether it is hit, and the note.
    pub metrics: Vec<(Metric, bool, String)>,
    /// How long the issue is expected to last.
    pub lifespan: String,
}

impl ClassificationDraft {
    /// The form filled from what the incident records.
    pub fn from_incident(incident: &Incident) -> Self {
        let c = &incident.classification;
        Self {
            decision: c.decision,
            asked: c
                .advice
                .as_ref()
                .map(|a| a.asked.clone())
                .unwrap_or_default(),
            answer: c
                .advice
                .as_ref()
                .map(|a| a.answer.clone())
                .unwrap_or_default(),
            metrics: Metric::ALL
                .iter()
                .map(|&m| {
                    let hit = c.metrics.iter().find(|h| h.metric == m);
                    (
                        m,
                        hit.is_some(),
                        hit.map(|h| h.note.clone()).unwrap_or_default(),
                    )
                })
                .collect(),
            lifespan: c.expected_lifespan.clone(),
        }
    }
}

/// The fix form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FixDraft {
    /// What the fix is.
    pub description: String,
    /// Each way of breaking process: whether ticked, and why.
    pub deviations: Vec<(DeviationReason, bool, String)>,
    /// The permanent fix to follow a temporary one.
    pub permanent_fix: String,
}

impl FixDraft {
    /// The form filled from what the incident records.
    pub fn from_incident(incident: &Incident) -> Self {
        let fix = incident.fix.as_ref();
        Self {
            description: fix.map(|f| f.description.clone()).unwrap_or_default(),
            deviations: DeviationReason::ALL
                .iter()
                .map(|&r| {
                    let d = fix.and_then(|f| f.deviations.iter().find(|d| d.reason == r));
                    (
                        r,
                        d.is_some(),
                        d.map(|d| d.justification.clone()).unwrap_or_default(),
                    )
                })
                .collect(),
            permanent_fix: fix
                .and_then(|f| f.permanent_fix.clone())
                .unwrap_or_default(),
        }
    }
}

/// The deployment form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeploymentDraft {
    /// When, as typed; empty means now.
    pub at: String,
    /// Deployed the usual way, so it can be rolled back.
    pub usual_way: bool,
    /// How to roll back.
    pub rollback_plan: String,
}

impl Default for DeploymentDraft {
    fn default() -> Self {
        Self {
            at: String::new(),
            usual_way: true,
            rollback_plan: String::new(),
        }
    }
}

/// A metric reading being entered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadingDraft {
    /// The value, as typed.
    pub value: String,
    /// Back to normal.
    pub normal: bool,
    /// What it shows.
    pub note: String,
    /// When it was read, as typed; empty means now.
    pub at: String,
    /// The watched metric's threshold, as typed; empty: the proposed one.
    pub threshold: String,
    /// How long under it counts as normal, in minutes, as typed.
    pub confirm: String,
    /// When the impact began, as corrected by hand; empty: as the metric shows.
    pub impact_start: String,
    /// When it ended, as corrected by hand; empty: as the metric shows.
    pub impact_end: String,
}

/// The conclusion's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConclusionDraft {
    /// The web team's address as typed, where it differs from the team's
    /// settings (`None`: as the settings have it).
    pub web_team: Option<String>,
    /// The web team's address was left changed: keep it for the team (as
    /// soon as nothing else pressed in the same moment is being done).
    #[serde(skip)]
    pub keep_web_team: bool,
    /// PRs, tickets and links for the summary, one per line.
    pub links: String,
    /// Who reported it.
    pub whom: String,
    /// What went wrong, in their words; empty takes the pack's default.
    pub noticed: String,
    /// When the postmortem is, as typed.
    pub postmortem_at: String,
    /// Who runs the postmortem; empty means the person scheduling.
    pub postmortem_owner: String,
    /// A follow-up being added.
    pub follow_up: String,
    /// Who does it.
    pub follow_up_owner: String,
    /// What sort of work it is.
    pub follow_up_kind: crate::model::FollowUpKind,
    /// The day it is due by, as typed; empty for none.
    pub follow_up_due: String,
    /// "Change…" was pressed on a scheduled postmortem.
    #[serde(skip)]
    pub postmortem_changing: bool,
    /// Why the incident is back.
    pub reopen_reason: String,
    /// "Resolve incident…" was pressed: asking about a last update.
    #[serde(skip)]
    pub confirm_resolve: bool,
}

/// A time the person typed about what they saw or did, in their own zone
/// (read as [`crate::time`] reads every typed moment). Empty means `default`.
pub fn parse_local_time(
    typed: &str,
    now: DateTime<Utc>,
    default: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, String> {
    if typed.trim().is_empty() {
        return default.ok_or_else(|| {
            let day = crate::time::example_day(now).format("%Y-%m-%d");
            format!("Give a time, e.g. 14:00 or {day} 14:00.")
        });
    }
    Ok(crate::time::moment(
        typed,
        &chrono::Local,
        now,
        crate::time::Edge::Start,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearing_after_a_save_keeps_what_was_typed_meanwhile() {
        let id = IncidentId::parse("2026-11-26-1").unwrap();
        let mut drafts = Drafts::default();
        drafts.of(&id).note = "Asked Priya".into();
        drafts.of(&id).evidence.text = "500s on checkout".into();
        drafts.of(&id).channel = "#checkout".into();
        let sent = drafts.clone();
        // A note and evidence sent together, as two commands would clear them.
        let clear = |d: &mut Drafts, sent: &Drafts| {
            d.clear_as_sent(sent, Some(&id), Form::Note);
            let mut sent = sent.clone();
            sent.clear(Some(&id), Form::Note);
            d.clear_as_sent(&sent, Some(&id), Form::Evidence);
        };

        // Nothing typed meanwhile: cleared as asked, the rest left.
        let mut same = drafts.clone();
        clear(&mut same, &sent);
        assert_eq!(same.of(&id).note, "");
        assert_eq!(same.of(&id).evidence, EvidenceDraft::default());
        assert_eq!(same.of(&id).channel, "#checkout");

        // More typed into the note while it was saved: the note stays, the
        // evidence (untouched since) is cleared.
        drafts.of(&id).note = "Asked Priya and Tom".into();
        clear(&mut drafts, &sent);
        assert_eq!(drafts.of(&id).note, "Asked Priya and Tom");
        assert_eq!(drafts.of(&id).evidence, EvidenceDraft::default());
        assert_eq!(drafts.of(&id).channel, "#checkout");
    }
}
