//! The incident and everything the expedited procedure records about it.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A sortable, human-friendly incident id: the UTC day it was declared, who
/// declared it and a counter for that person's day, e.g.
/// `2026-12-01-sam-patel-1`. The roster keeps names unique, so two desks
/// declaring on the same day never pick the same id. Ids without a name
/// (`2026-11-26-1`, from before the data was shared) stay valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(String);

/// The longest name part an id gets, so ids stay short enough to say aloud.
const ID_NAME_LEN: usize = 16;

impl IncidentId {
    /// The id of the `n`th incident declared on `day` (1-based), with no name.
    pub fn new(day: NaiveDate, n: u32) -> Self {
        Self(format!("{}-{n}", day.format("%Y-%m-%d")))
    }

    /// The id of the `n`th incident `who` declared on `day` (1-based).
    pub fn declared_by(day: NaiveDate, who: &str, n: u32) -> Self {
        match Self::name_part(who) {
            Some(name) => Self(format!("{}-{name}-{n}", day.format("%Y-%m-%d"))),
            None => Self::new(day, n),
        }
    }

    /// The part of an id that names `who`: their name in lower-case ASCII
    /// letters and digits, words joined by `-` ("Zoë O'Neill" → `zoe-oneill`).
    pub fn name_part(who: &str) -> Option<String> {
        let mut out = String::new();
        for word in who.split_whitespace() {
            let word: String = word
                .chars()
                .flat_map(fold_letter)
                .filter(char::is_ascii_alphanumeric)
                .collect();
            if word.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&word);
        }
        if out.len() > ID_NAME_LEN {
            out.truncate(ID_NAME_LEN);
            while out.ends_with('-') {
                out.pop();
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Parses an id typed by a person or found in a file name.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        let (day, name, n) = Self::split(&text)?;
        Some(match name {
            Some(name) => Self(format!("{}-{name}-{n}", day.format("%Y-%m-%d"))),
            None => Self::new(day, n),
        })
    }

    /// The day, the name part (if any) and the counter this id is made of.
    fn split(text: &str) -> Option<(NaiveDate, Option<&str>, u32)> {
        let day = NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
        let rest = text.get(10..)?.strip_prefix('-')?;
        let (name, n) = match rest.rsplit_once('-') {
            Some((name, n)) => (Some(name), n),
            None => (None, rest),
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
        let name_ok = |name: &str| {
            !name.is_empty()
                && name
                    .split('-')
                    .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
        };
        if name.is_some_and(|name| !name_ok(name)) {
            return None;
        }
        Some((day, name, n))
    }

    /// The day and counter of this id, when it is well formed.
    pub fn day_and_counter(&self) -> Option<(NaiveDate, u32)> {
        Self::split(&self.0).map(|(day, _, n)| (day, n))
    }

    /// The day, name part and counter of this id, when it is well formed.
    pub fn parts(&self) -> Option<(NaiveDate, Option<&str>, u32)> {
        Self::split(&self.0)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A letter as plain ASCII where it has an obvious one (é → e, ß → ss).
fn fold_letter(c: char) -> Vec<char> {
    let plain = match c {
        'à'..='å' | 'À'..='Å' | 'ā' | 'ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'ć' | 'č' => "c",
        'è'..='ë' | 'È'..='Ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì'..='ï' | 'Ì'..='Ï' | 'ī' => "i",
        'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' | 'ō' | 'ő' => "o",
        'ù'..='ü' | 'Ù'..='Ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'ł' | 'Ł' => "l",
        'ś' | 'š' | 'Ś' | 'Š' => "s",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'ř' | 'Ř' => "r",
        _ => return c.to_lowercase().collect(),
    };
    plain.chars().collect()
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An expedited production incident, from the first metric to the postmortem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Sortable id, also the file name.
    pub id: IncidentId,
    /// A few words saying what is broken.
    pub title: String,
    /// When the incident was declared.
    pub opened_at: DateTime<Utc>,
    /// When it was resolved; `None` while it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why it was reopened, while it is open again after a resolve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopened: Option<Reopening>,
    /// The metrics that confirm the issue (stage "Defined").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Who owns the incident now (stage "Owned").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Every change of owner, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hand_overs: Vec<HandOver>,
    /// Every call made to form the team, and how it went.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
    /// Whether this is to be expedited, and why (stage "Classified").
    #[serde(default)]
    pub classification: Classification,
    /// The cross-functional team (stage "Team formed").
    #[serde(default)]
    pub team: Team,
    /// Channels and updates (stage "Communicating").
    #[serde(default)]
    pub communication: Communication,
    /// How it is being fixed (stage "Fix").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// How the fix went out and how the metric looks since (stage "Deployment").
    #[serde(default)]
    pub deployment: Deployment,
    /// The confirming metric, read from where the team keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch: Option<super::metric::Watch>,
    /// What was read of it, oldest first, one bucket per span.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::metric::read_series"
    )]
    pub series: Vec<super::metric::Bucket>,
    /// Summary, word to the origin, postmortem (stage "Conclusion").
    #[serde(default)]
    pub conclusion: Conclusion,
    /// Work to do after the incident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    /// Everything that happened, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// When each part set as a whole was last set, and by whom: what decides
    /// which value stays when two desks set the same part (see `merge`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub edits: BTreeMap<Part, Edit>,
}

/// A part of an incident that a person sets as a whole, so that two people
/// may set it at once on two desks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Part {
    /// The title.
    Title,
    /// Who owns it.
    Owner,
    /// The decision, advice, metrics hit and lifespan.
    Classification,
    /// When the next update is due.
    NextUpdate,
    /// The fix and its deviations.
    Fix,
    /// When and how the fix went out.
    Deployment,
    /// The summary email.
    Summary,
    /// The word to the origin.
    OriginTold,
    /// The postmortem's time and owner.
    Postmortem,
    /// Resolved, or open.
    Resolution,
    /// The metric watched, and how it is judged.
    Watch,
}

impl Part {
    /// Every part, in the order the procedure meets them.
    pub const ALL: [Part; 11] = [
        Self::Title,
        Self::Owner,
        Self::Classification,
        Self::NextUpdate,
        Self::Fix,
        Self::Deployment,
        Self::Summary,
        Self::OriginTold,
        Self::Postmortem,
        Self::Resolution,
        Self::Watch,
    ];
}

/// When something was last set, and by whom. Later is greater; at the same
/// instant, the name decides, so every desk orders two edits alike.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Edit {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
}

impl Incident {
    /// The fix recorded before the incident came back, when no fix was
    /// recorded since: it was deployed and did not hold.
    pub fn failed_fix(&self) -> Option<&Fix> {
        let back = self.reopened.as_ref()?.done.at;
        self.fix.as_ref().filter(|f| f.recorded_at <= back)
    }

    /// A freshly declared incident with nothing recorded yet.
    pub fn new(id: IncidentId, title: String, opened_at: DateTime<Utc>) -> Self {
        Self {
            id,
            title,
            opened_at,
            resolved_at: None,
            reopened: None,
            evidence: Vec::new(),
            owner: None,
            hand_overs: Vec::new(),
            calls: Vec::new(),
            classification: Classification::default(),
            team: Team::default(),
            communication: Communication::default(),
            fix: None,
            deployment: Deployment::default(),
            watch: None,
            series: Vec::new(),
            conclusion: Conclusion::default(),
            follow_ups: Vec::new(),
            timeline: Vec::new(),
            edits: BTreeMap::new(),
        }
    }

    /// Whether the incident is still open.
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }

    /// When it was fixed, as far as the record shows: when it was resolved,
    /// else when the fix went out, once the original metric has read normal
    /// since. `None` while it is still being worked on.
    pub fn fixed_at(&self) -> Option<DateTime<Utc>> {
        let d = &self.deployment;
        // The watched metric is judged only when nothing else says: a
        // resolved incident's list row never judges a week of readings.
        self.resolved_at.or_else(|| {
            d.latest_reading_after_deploy()
                .filter(|r| r.normal)
                .and(d.deployed_at)
                .or_else(|| {
                    d.deployed_at.filter(|_| {
                        self.watched_since_deploy() == Some(super::metric::Verdict::Normal)
                    })
                })
        })
    }

    /// What the watched metric says, once it has been read since the fix
    /// was deployed (and newer than any reading typed by hand since).
    pub fn watched_since_deploy(&self) -> Option<super::metric::Verdict> {
        let deployed = self.deployment.deployed_at?;
        let watch = self.watch.as_ref()?;
        let last = self.series.last().filter(|b| b.start >= deployed)?;
        let typed = self.deployment.latest_reading_after_deploy();
        if typed.is_some_and(|r| r.at > last.end()) {
            return None;
        }
        Some(super::metric::judge(&self.series, watch, self.opened_at, Some(deployed)).verdict)
    }

    /// The last time anything happened to it; used to pick the "current" incident.
    pub fn last_activity(&self) -> DateTime<Utc> {
        self.timeline.last().map_or(self.opened_at, |e| e.at)
    }

    /// As [`Self::last_activity`], each line's time read on this desk's
    /// clock (see [`crate::model::clocks`]).
    pub fn last_activity_on(&self, clocks: &crate::model::clocks::Clocks) -> DateTime<Utc> {
        if clocks.is_empty() {
            return self.last_activity();
        }
        self.timeline
            .iter()
            .map(|e| clocks.here(&e.by, e.at))
            .max()
            .unwrap_or(self.opened_at)
    }

    /// The most recent update posted, if any, wherever it went.
    pub fn last_update(&self) -> Option<&Update> {
        self.communication.updates.last()
    }

    /// The most recent update to the stakeholders' channel (`#expedite`):
    /// the one the countdown and the reminders follow. A notice to
    /// `#deployments` or a dedicated channel does not count.
    pub fn last_stakeholder_update(&self) -> Option<&Update> {
        self.communication
            .updates
            .iter()
            .rev()
            .find(|u| u.channel.eq_ignore_ascii_case(EXPEDITE_CHANNEL))
    }

    /// Where posting `update` to its channel stands now: the latest of what
    /// became of it; `None` when no desk tried to post it.
    pub fn posting_of(&self, update: &Update) -> Option<&Posting> {
        self.latest_posting(update.at, &update.channel, &update.by)
    }

    /// The latest of what became of posting, from `by`'s desk, the update
    /// recorded at `update_at` to `channel`.
    pub fn latest_posting(
        &self,
        update_at: DateTime<Utc>,
        channel: &str,
        by: &str,
    ) -> Option<&Posting> {
        self.communication
            .postings
            .iter()
            .filter(|p| p.update_at == update_at && p.channel == channel && p.by == by)
            .max_by_key(|p| p.at)
    }

    /// The Slack message that starts this incident's thread in `channel`:
    /// the first update posted there with Slack's `ts`. Follow-ups go in it.
    pub fn slack_thread(&self, channel: &str) -> Option<&str> {
        self.communication
            .postings
            .iter()
            .filter(|p| p.channel == channel)
            .filter_map(|p| match &p.delivery {
                Delivery::Sent { ts: Some(ts) } => Some((p.at, ts.as_str())),
                _ => None,
            })
            .min()
            .map(|(_, ts)| ts)
    }
}

/// The kind of metric that confirms the issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvidenceKind {
    /// Events in the error tracker (e.g. a Bugsnag count).
    ErrorTracker { count: u32 },
    /// Reports from the call centre.
    CallCentre { count: u32 },
    /// The error screen shows raised booking errors.
    ErrorScreen,
    /// Anything else that confirms it.
    Other,
}

impl EvidenceKind {
    /// The words a person reads for this kind.
    pub fn describe(&self) -> String {
        match self {
            Self::ErrorTracker { count } => format!("{count} error-tracker events"),
            Self::CallCentre { count } => format!("{count} call-centre reports"),
            Self::ErrorScreen => "error screen showing booking errors".to_owned(),
            Self::Other => "other evidence".to_owned(),
        }
    }
}

/// One piece of evidence confirming the issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What kind of metric it is.
    pub kind: EvidenceKind,
    /// What was seen, in the reporter's words.
    pub text: String,
    /// Where to see it (dashboard, error tracker, ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// When it was recorded.
    pub added_at: DateTime<Utc>,
    /// Who recorded it.
    pub added_by: String,
}

/// A change of owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandOver {
    /// The previous owner; `None` when nobody owned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The new owner.
    pub to: String,
    /// When it changed hands.
    pub at: DateTime<Utc>,
    /// What's happening, what's next, who's engaged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Who made the change (the new owner taking it, the old one handing
    /// it on, or someone else); empty in files written before it was kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: String,
}

/// A call made to someone while forming the team (out of hours, the way
/// people are reached).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// When.
    pub at: DateTime<Utc>,
    /// Who called.
    pub by: String,
    /// Who was called.
    pub who: String,
    /// How it went.
    pub outcome: CallOutcome,
}

/// How a call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CallOutcome {
    /// Rung; no outcome yet (ringing, a message left).
    Called,
    /// They answered.
    Answered,
    /// Nobody answered.
    NoAnswer,
}

impl CallOutcome {
    /// In words: "called", "answered", "no answer".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Called => "called",
            Self::Answered => "answered",
            Self::NoAnswer => "no answer",
        }
    }
}

impl Incident {
    /// The latest call to `who`, if any.
    pub fn last_call(&self, who: &str) -> Option<&Call> {
        self.calls
            .iter()
            .filter(|c| c.who.eq_ignore_ascii_case(who))
            .max_by_key(|c| c.at)
    }
}

/// Is the incident to be expedited?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Yes: drop other work and fix it now.
    Expedite,
    /// No: it goes through the normal queue.
    DoNotExpedite,
    /// The web contact is unsure and seeks a product owner's advice.
    Unsure,
}

impl Decision {
    /// The words a person reads for this decision.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Expedite => "expedite",
            Self::DoNotExpedite => "do not expedite",
            Self::Unsure => "unsure",
        }
    }
}

/// The advice of a product owner, asked when the web contact is unsure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// Which product owner was asked.
    pub asked: String,
    /// What they said; empty while waiting for the answer.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub answer: String,
}

/// A business metric the incident hurts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Bookings completed per visit.
    Conversion,
    /// What customers go through.
    CustomerExperience,
    /// Money.
    Revenue,
}

impl Metric {
    /// All metrics, in the order the procedure lists them.
    pub const ALL: [Metric; 3] = [Self::Conversion, Self::CustomerExperience, Self::Revenue];

    /// The words a person reads for this metric.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Conversion => "conversion",
            Self::CustomerExperience => "customer experience",
            Self::Revenue => "revenue",
        }
    }
}

/// One metric the incident hurts, with how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricHit {
    /// Which metric.
    pub metric: Metric,
    /// How it is hurt ("checkout conversion down 40 %").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The classification stage's record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The decision; `None` until someone makes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The product owner's advice, when the web contact was unsure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<Advice>,
    /// The metrics hit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricHit>,
    /// How long the issue has lasted or is expected to last.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expected_lifespan: String,
}

impl Classification {
    /// Whether the given metric is recorded as hit.
    pub fn hits(&self, metric: Metric) -> bool {
        self.metrics.iter().any(|m| m.metric == metric)
    }
}

/// A role in the incident team (and on the roster).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Develops the fix.
    Developer,
    /// Reviews the fix promptly.
    Reviewer,
    /// Tests the fix.
    Tester,
    /// Speaks for the product; advises on classification.
    ProductOwner,
    /// The web department's first contact, who may own incidents.
    WebContact,
}

impl Role {
    /// The roles a formed team needs, as the procedure lists them.
    pub const TEAM: [Role; 4] = [
        Self::Developer,
        Self::Reviewer,
        Self::Tester,
        Self::ProductOwner,
    ];

    /// Every role, in the order the roster shows them.
    pub const ALL: [Role; 5] = [
        Self::Developer,
        Self::Reviewer,
        Self::Tester,
        Self::ProductOwner,
        Self::WebContact,
    ];

    /// The role named by `text` ("Developer", "product owner", "product_owner",
    /// "PO"), as people write it in a spreadsheet or a vCard.
    pub fn parse(text: &str) -> Option<Role> {
        let words: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match words.as_str() {
            "developer" | "dev" | "developers" | "engineer" => Self::Developer,
            "reviewer" | "reviewers" | "review" => Self::Reviewer,
            "tester" | "testers" | "qa" | "test" => Self::Tester,
            "productowner" | "po" | "product" => Self::ProductOwner,
            "webcontact" | "web" | "contact" => Self::WebContact,
            _ => return None,
        })
    }

    /// The role as a heading: "Product owner".
    pub fn title(self) -> &'static str {
        match self {
            Self::Developer => "Developer",
            Self::Reviewer => "Reviewer",
            Self::Tester => "Tester",
            Self::ProductOwner => "Product owner",
            Self::WebContact => "Web contact",
        }
    }

    /// The words a person reads for this role.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Developer => "developer",
            Self::Reviewer => "reviewer",
            Self::Tester => "tester",
            Self::ProductOwner => "product owner",
            Self::WebContact => "web contact",
        }
    }
}

/// A person on the incident team in one role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TeamMember {
    /// The person's name, as on the roster.
    pub name: String,
    /// What they do on this incident.
    pub role: Role,
}

/// The incident team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Who is on it, in the order they joined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<TeamMember>,
    /// Roles the owner decided this incident does not need.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_needed: Vec<Role>,
}

impl Team {
    /// Whether a role has at least one person or is marked not needed.
    pub fn is_covered(&self, role: Role) -> bool {
        self.not_needed.contains(&role) || self.members.iter().any(|m| m.role == role)
    }

    /// The roles a formed team needs that nobody has and nobody marked not needed.
    pub fn uncovered(&self) -> impl Iterator<Item = Role> + '_ {
        Role::TEAM.into_iter().filter(|r| !self.is_covered(*r))
    }
}

/// The channel every update goes to.
pub const EXPEDITE_CHANNEL: &str = "#expedite";
/// The channel to warn when deployments are affected.
pub const DEPLOYMENTS_CHANNEL: &str = "#deployments";

/// An update posted to the stakeholders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    /// When it was posted.
    pub at: DateTime<Utc>,
    /// Who posted it.
    pub by: String,
    /// What it said.
    pub text: String,
    /// Where it was posted.
    pub channel: String,
}

/// One thing that became of posting one update to one channel: sent,
/// waiting, refused, or no answer. The latest for an update is where it
/// stands. An update is named by its time and channel, posted from its
/// author's desk (each desk gives its updates times of their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The update's time (`Update::at`), which with the channel names it.
    pub update_at: DateTime<Utc>,
    /// Where it was posted.
    pub channel: String,
    /// When this became of it.
    pub at: DateTime<Utc>,
    /// Who recorded the update (`Update::by`), whose desk posts it: with
    /// `update_at` and the channel, which update this is about.
    pub by: String,
    /// What became of it.
    pub delivery: Delivery,
}

/// The communication stage's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Communication {
    /// Where updates go: `#expedite` always, plus a dedicated channel and
    /// `#deployments` when needed.
    #[serde(default = "default_channels")]
    pub channels: Vec<String>,
    /// Every update posted, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<Update>,
    /// What became of posting each update, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postings: Vec<Posting>,
    /// The due time the last poster chose ("next update in 20 min"); when
    /// `None` the cadence from the settings applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_update_due: Option<DateTime<Utc>>,
}

fn default_channels() -> Vec<String> {
    vec![EXPEDITE_CHANNEL.to_owned()]
}

impl Default for Communication {
    fn default() -> Self {
        Self {
            channels: default_channels(),
            updates: Vec::new(),
            postings: Vec::new(),
            next_update_due: None,
        }
    }
}

/// A way the fix departs from the team's best practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DeviationReason {
    /// The fix had to be fast.
    Speed,
    /// The fix is too complex to do by the book now.
    Complexity,
    /// Not enough people (out of hours, nobody in the office).
    LackOfResources,
    /// A temporary fix, with the permanent fix to follow.
    TemporaryFix,
}

impl DeviationReason {
    /// Every reason, in the order the procedure lists them.
    pub const ALL: [DeviationReason; 4] = [
        Self::Speed,
        Self::Complexity,
        Self::LackOfResources,
        Self::TemporaryFix,
    ];

    /// The words a person reads for this reason.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Speed => "speed of fix",
            Self::Complexity => "complexity of fix",
            Self::LackOfResources => "lack of resources",
            Self::TemporaryFix => "temporary fix",
        }
    }
}

/// One departure from best practice, justified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    /// Why the process was broken.
    pub reason: DeviationReason,
    /// The justification, to be repeated in the summary.
    pub justification: String,
}

/// The fix stage's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix is.
    pub description: String,
    /// Departures from best practice; empty means best practice was followed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<Deviation>,
    /// For a temporary fix: the permanent fix that must follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent_fix: Option<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
}

impl Fix {
    /// Whether best practice was followed throughout.
    pub fn is_best_practice(&self) -> bool {
        self.deviations.is_empty()
    }

    /// Whether this is a temporary fix.
    pub fn is_temporary(&self) -> bool {
        self.deviations
            .iter()
            .any(|d| d.reason == DeviationReason::TemporaryFix)
    }
}

/// A reading of the original problem metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricReading {
    /// When it was read.
    pub at: DateTime<Utc>,
    /// The value (events per minute, reports per hour, …).
    pub value: f64,
    /// Whether the reader judged the metric back to normal.
    #[serde(default)]
    pub normal: bool,
    /// What the reader saw.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Who read it.
    pub by: String,
}

/// The deployment stage's record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// When the fix was deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_at: Option<DateTime<Utc>>,
    /// Whether it went out the usual way, so it can be rolled back.
    #[serde(default)]
    pub usual_way: bool,
    /// How to roll back if needed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rollback_plan: String,
    /// Readings of the original metric, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<MetricReading>,
}

impl Deployment {
    /// The latest reading taken at or after the deployment, if any.
    pub fn latest_reading_after_deploy(&self) -> Option<&MetricReading> {
        let deployed = self.deployed_at?;
        self.readings
            .iter()
            .filter(|r| r.at >= deployed)
            .max_by_key(|r| r.at)
    }
}

/// Something done, by whom and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// When it was done.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub by: String,
}

/// The summary email sent to the web team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarySent {
    /// When and by whom.
    pub done: Done,
    /// The PRs, tickets and links it included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

/// A resolved incident opened again: the problem is back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    /// When and by whom.
    pub done: Done,
    /// Why it is back.
    pub reason: String,
}

/// The word back to whoever reported the problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginTold {
    /// When and by whom.
    pub done: Done,
    /// Who was told (call centre, another department).
    pub whom: String,
    /// What they were told went wrong, in their words rather than the
    /// team's; empty in files from before it was asked.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub about: String,
    /// They were told it was being worked on, not that it is fixed: the
    /// word back is asked for again once it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interim: bool,
}

impl OriginTold {
    /// Whether this word back still has to be followed by one saying it
    /// is fixed, now that the incident is as it is.
    pub fn still_owed(&self, incident: &Incident) -> bool {
        self.interim && incident.fixed_at().is_some()
    }
}

/// The blameless postmortem, scheduled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postmortem {
    /// When it takes place.
    pub at: DateTime<Utc>,
    /// Who owns it.
    pub owner: String,
}

/// The conclusion stage's record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    /// The summary email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_sent: Option<SummarySent>,
    /// The word to the origin of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_told: Option<OriginTold>,
    /// The postmortem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<Postmortem>,
}

/// Work to do after the incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// What to do.
    pub text: String,
    /// Who will do it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// What sort of work it is.
    #[serde(default, skip_serializing_if = "FollowUpKind::is_other")]
    pub kind: FollowUpKind,
    /// The day it should be done by, when one was agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Each time it was marked done or not done, oldest first; the last
    /// one says where it stands. A list, so two desks marking it apart
    /// merge into the later mark.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<FollowUpMark>,
}

impl FollowUp {
    /// When and by whom it was done, unless it is still to do.
    pub fn done(&self) -> Option<&FollowUpMark> {
        self.marks
            .iter()
            .max_by_key(|m| (m.at, &m.by))
            .filter(|m| m.done)
    }

    /// Whether it is still to do and its day has passed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.done().is_none() && self.due.is_some_and(|d| d < today)
    }
}

/// What sort of work a follow-up is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum FollowUpKind {
    /// The lasting fix after a temporary one.
    PermanentFix,
    /// An alert or dashboard so it is caught sooner next time.
    Monitoring,
    /// A test that would have caught it.
    Test,
    /// A change to how the team works.
    Process,
    /// A runbook or a page to write.
    Documentation,
    /// Anything else.
    #[default]
    Other,
}

impl FollowUpKind {
    /// All kinds, in the order a person picks from.
    pub const ALL: [Self; 6] = [
        Self::PermanentFix,
        Self::Monitoring,
        Self::Test,
        Self::Process,
        Self::Documentation,
        Self::Other,
    ];

    /// The words a person reads for this kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::PermanentFix => "Permanent fix",
            Self::Monitoring => "Monitoring",
            Self::Test => "Test",
            Self::Process => "Process",
            Self::Documentation => "Documentation",
            Self::Other => "Other",
        }
    }

    /// The kind named `word` ("monitoring", "permanent-fix"), any case.
    pub fn parse(word: &str) -> Option<Self> {
        let word = word.trim().to_lowercase().replace(['-', '_'], " ");
        Self::ALL
            .into_iter()
            .find(|k| k.name().to_lowercase() == word)
    }

    fn is_other(&self) -> bool {
        *self == Self::Other
    }
}

/// A follow-up marked done, or not done after all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpMark {
    /// When it was marked.
    pub at: DateTime<Utc>,
    /// Who marked it.
    pub by: String,
    /// Done (`true`) or back to do (`false`).
    pub done: bool,
}

/// An old → new change recorded on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The value before; empty when there was none.
    pub from: String,
    /// The value after.
    pub to: String,
}

/// One line of the incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub by: String,
    /// What happened, in words.
    pub what: String,
    /// The value that changed, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
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
