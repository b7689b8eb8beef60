//! Everything a person can do, as data, and the one function that does it.
//!
//! `apply` validates a command against the state, changes the state, writes
//! the timeline and returns the effects the app must carry out (save a file,
//! reschedule the reminder). A rejected command changes nothing.

mod roster;

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::model::metric::{self, Watch};
use crate::model::{
    Advice, Change, Decision, Deviation, Done, EXPEDITE_CHANNEL, Evidence, EvidenceKind, Fix,
    FollowUp, FollowUpKind, Incident, IncidentId, MetricHit, MetricReading, OriginTold, Postmortem,
    Role, State, SummarySent, TeamMember, TimelineEntry, Update,
};
use crate::time::format_length;

pub use roster::RosterChange;

/// Evidence as a person enters it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvidence {
    /// What kind of metric.
    pub kind: EvidenceKind,
    /// What was seen.
    pub text: String,
    /// Where to see it.
    pub link: Option<String>,
}

/// One thing a person does.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Declare a new incident from the metric that confirms it.
    Declare {
        /// What is broken, in a few words.
        title: String,
        /// The confirming metric.
        evidence: NewEvidence,
        /// Who owns it; the person declaring when `None`.
        owner: Option<String>,
    },
    /// Record more evidence.
    AddEvidence {
        incident: IncidentId,
        evidence: NewEvidence,
    },
    /// The actor takes ownership.
    TakeOwnership { incident: IncidentId },
    /// Hand the incident to someone else, with a note on where things stand.
    HandOver {
        incident: IncidentId,
        to: String,
        note: String,
    },
    /// Record whether to expedite, and why.
    Classify {
        incident: IncidentId,
        decision: Decision,
        advice: Option<Advice>,
        metrics: Vec<MetricHit>,
        expected_lifespan: String,
    },
    /// Put someone on the team in a role.
    AddTeamMember {
        incident: IncidentId,
        name: String,
        role: Role,
    },
    /// Take someone off the team in a role.
    RemoveTeamMember {
        incident: IncidentId,
        name: String,
        role: Role,
    },
    /// Mark a team role as not needed, or needed again.
    SetRoleNeeded {
        incident: IncidentId,
        role: Role,
        needed: bool,
    },
    /// Choose the channels updates go to (`#expedite` always stays).
    SetChannels {
        incident: IncidentId,
        channels: Vec<String>,
    },
    /// Record an update posted to stakeholders.
    PostUpdate {
        incident: IncidentId,
        text: String,
        /// `#expedite` when `None`.
        channel: Option<String>,
        /// When the next update is due, from now; the cadence when `None`.
        next_in: Option<Duration>,
    },
    /// The last update, and the incident resolved with it: the update says
    /// no more will come (never "next update at").
    PostLastUpdate {
        incident: IncidentId,
        text: String,
        channel: Option<String>,
    },
    /// What became of posting an update (the one posted at `update_at`)
    /// to its channel's destination.
    RecordDelivery {
        incident: IncidentId,
        channel: String,
        update_at: DateTime<Utc>,
        /// Who recorded the update (`Update::by`), which with its time and
        /// channel names it; `None`: the one recording this.
        update_by: Option<String>,
        delivery: crate::model::comms::Delivery,
    },
    /// Put off the update reminder for a while.
    Snooze {
        incident: IncidentId,
        for_: Duration,
    },
    /// Add a note to the timeline.
    AddNote { incident: IncidentId, text: String },
    /// Record a call to someone while forming the team, and how it went.
    RecordCall {
        incident: IncidentId,
        who: String,
        outcome: crate::model::CallOutcome,
    },
    /// Record the fix and any departures from best practice.
    RecordFix {
        incident: IncidentId,
        description: String,
        deviations: Vec<Deviation>,
        permanent_fix: Option<String>,
    },
    /// Record the deployment of the fix.
    RecordDeployment {
        incident: IncidentId,
        /// Now when `None`.
        at: Option<DateTime<Utc>>,
        usual_way: bool,
        rollback_plan: String,
    },
    /// Record a reading of the original problem metric.
    AddMetricReading {
        incident: IncidentId,
        /// Now when `None`.
        at: Option<DateTime<Utc>>,
        value: f64,
        normal: bool,
        note: String,
    },
    /// Watch the confirming metric where the team keeps it (replacing the
    /// one watched before, and what was read of it).
    WatchMetric {
        incident: IncidentId,
        source: Box<crate::model::metric::Source>,
    },
    /// Stop reading the metric; what was read stays, and is still judged.
    StopWatching { incident: IncidentId },
    /// Readings of the watched metric, joined to those kept (one per span);
    /// only those read for the watch now in place (`Bucket::of`) are kept.
    RecordSeries {
        incident: IncidentId,
        buckets: Vec<crate::model::metric::Bucket>,
    },
    /// The owner's threshold (`None`: the proposed one) and confirmation
    /// time, in minutes.
    SetMetricLimits {
        incident: IncidentId,
        threshold: Option<f64>,
        confirm_minutes: u32,
    },
    /// The owner's correction of the impact window (`None`: as the data
    /// shows it).
    SetImpact {
        incident: IncidentId,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    },
    /// The summary email went to web.
    MarkSummarySent {
        incident: IncidentId,
        links: Vec<String>,
    },
    /// The origin of the report was told.
    MarkOriginTold {
        incident: IncidentId,
        whom: String,
        /// What went wrong in plain words; empty takes the pack's default.
        about: String,
    },
    /// The blameless postmortem is scheduled.
    SchedulePostmortem {
        incident: IncidentId,
        at: DateTime<Utc>,
        owner: String,
    },
    /// Work to do after the incident.
    AddFollowUp {
        incident: IncidentId,
        text: String,
        owner: Option<String>,
        kind: FollowUpKind,
        due: Option<NaiveDate>,
    },
    /// A follow-up done, or not done after all. It is named by when it
    /// was added and its text, which no merge changes.
    MarkFollowUp {
        incident: IncidentId,
        added_at: DateTime<Utc>,
        text: String,
        done: bool,
    },
    /// The incident is over.
    Resolve { incident: IncidentId },
    /// The incident is back.
    Reopen {
        incident: IncidentId,
        reason: String,
    },
    /// The name this person goes by.
    SetMe { name: String },
    /// Where the summary email goes (the web team's list), for the whole
    /// team; `None` forgets it.
    SetWebTeam { email: Option<String> },
    /// A change to the roster or the rota.
    Roster(Box<RosterChange>),
}

impl Command {
    /// The feeds (by id) this command subscribes to: whoever runs it on a
    /// desk agrees to read them there.
    pub fn subscribes(&self) -> Vec<smol_str::SmolStr> {
        match self {
            Self::Roster(change) => match &**change {
                RosterChange::Import {
                    feed: Some(feed), ..
                } if feed.subscribed => vec![feed.id.clone()],
                RosterChange::Subscribe { feed, on: true } => vec![feed.clone()],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The incident the command acts on; `None` for a declaration or a setting.
    pub fn incident(&self) -> Option<&IncidentId> {
        use Command::*;
        match self {
            Declare { .. } | SetMe { .. } | SetWebTeam { .. } | Roster(_) => None,
            AddEvidence { incident, .. }
            | TakeOwnership { incident }
            | HandOver { incident, .. }
            | Classify { incident, .. }
            | AddTeamMember { incident, .. }
            | RemoveTeamMember { incident, .. }
            | SetRoleNeeded { incident, .. }
            | SetChannels { incident, .. }
            | PostUpdate { incident, .. }
            | PostLastUpdate { incident, .. }
            | RecordDelivery { incident, .. }
            | Snooze { incident, .. }
            | AddNote { incident, .. }
            | RecordCall { incident, .. }
            | RecordFix { incident, .. }
            | RecordDeployment { incident, .. }
            | AddMetricReading { incident, .. }
            | WatchMetric { incident, .. }
            | StopWatching { incident }
            | RecordSeries { incident, .. }
            | SetMetricLimits { incident, .. }
            | SetImpact { incident, .. }
            | MarkSummarySent { incident, .. }
            | MarkOriginTold { incident, .. }
            | SchedulePostmortem { incident, .. }
            | AddFollowUp { incident, .. }
            | MarkFollowUp { incident, .. }
            | Resolve { incident }
            | Reopen { incident, .. } => Some(incident),
        }
    }
}

/// Something the app must do after a command changed the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Write this incident's file.
    SaveIncident(IncidentId),
    /// Write this desk's settings file (its person's name).
    SaveSettings,
    /// Write the team's settings file.
    SaveTeamSettings,
    /// The next update's due time may have moved: tell the reminder.
    Reschedule,
    /// The incident's latest update was recorded: post it where it goes
    /// (when its channel is connected on this desk).
    Post(IncidentId),
    /// Write the roster file.
    SaveRoster,
}

/// The furthest an update may be put off ("next update in", a snooze): an
/// open incident is spoken of at least once a week.
pub const LONGEST_WAIT: Duration = Duration::days(7);

/// The longest title an incident takes: a line people can read at a glance
/// in the header, the window title and a Slack message's first line.
pub const TITLE_MAX: usize = 150;

/// Why a command was refused; each says what to do instead.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    /// No incident has this id.
    UnknownIncident(IncidentId),
    /// A required field is empty. (field, what to write)
    Missing(&'static str, &'static str),
    /// The title is longer than a title can be (its length in characters).
    TitleTooLong(usize),
    /// A link that is not a web address.
    BadLink(String),
    /// A count of zero confirms nothing.
    ZeroCount,
    /// The actor already owns it.
    AlreadyOwner(String),
    /// Handing over to the current owner.
    HandOverToOwner(String),
    /// Unsure, but no product owner named.
    UnsureWithoutProductOwner,
    /// The same metric listed twice.
    DuplicateMetric(&'static str),
    /// The web contact is the owner, not a team role.
    NotATeamRole(Role),
    /// The person already has this role.
    AlreadyInTeam(String, Role),
    /// The person does not have this role.
    NotInTeam(String, Role),
    /// Marking a role not needed while someone fills it.
    RoleFilled(Role, String),
    /// A channel name that is not one.
    BadChannel(String),
    /// `#expedite` cannot be dropped.
    ExpediteChannelRequired,
    /// The incident is resolved; this needs an open one. (what was tried)
    Resolved(IncidentId, &'static str),
    /// Reopening an open incident.
    AlreadyOpen(IncidentId),
    /// A deviation without a justification.
    UnjustifiedDeviation(&'static str),
    /// The same deviation listed twice.
    DuplicateDeviation(&'static str),
    /// A temporary fix without the permanent fix to follow.
    TemporaryFixWithoutPermanentFix,
    /// A time in the future where a past one is needed. (what)
    InFuture(&'static str),
    /// A time before the incident was declared. (what)
    BeforeDeclared(&'static str),
    /// A postmortem scheduled in the past.
    PostmortemInPast,
    /// A follow-up due on a day already gone.
    FollowUpDueInPast(chrono::NaiveDate),
    /// No follow-up with this text (shortened) was added at that time.
    NoSuchFollowUp(String),
    /// A reading that is not a number.
    BadReading,
    /// A metric's source that can't be read as given.
    BadSource(crate::model::metric::SourceError),
    /// No metric is watched on this incident.
    NotWatching(IncidentId),
    /// A threshold that is not a number a metric reaches.
    BadThreshold,
    /// A confirmation time of none, or over a day.
    BadConfirmTime,
    /// An impact window that ends before it starts.
    ImpactBackwards,
    /// "Next update in" zero or less.
    NonPositiveInterval,
    /// A length of time further than it may reach (what, the most).
    TooFar(&'static str, Duration),
    /// A name longer than [`NAME_MAX`] (which, how long).
    NameTooLong(&'static str, usize),
    /// Free text longer than [`TEXT_MAX`] (which, how long).
    TextTooLong(&'static str, usize),
    /// A name holding control characters (which).
    NameHasControls(&'static str),
    /// Nobody to sign the change with (`--as ""`).
    NoActor,
    /// A roster change that can't be made, with what to do instead.
    Roster(String),
    /// A roster entry that is not right as given.
    Entry(crate::model::roster::RosterError),
    /// Not one email address (what was typed).
    BadAddress(String),
}

impl From<crate::model::roster::RosterError> for CommandError {
    fn from(e: crate::model::roster::RosterError) -> Self {
        Self::Entry(e)
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CommandError::*;
        match self {
            UnknownIncident(id) => write!(f, "There is no incident {id}. Check the id with `expedite status`."),
            Missing(field, hint) => write!(f, "The {field} is empty — {hint}."),
            TitleTooLong(n) => write!(f, "The title is {n} characters; keep it to {TITLE_MAX} — say in a few words what is broken, and put the detail in the evidence or a note."),
            BadLink(link) => write!(f, "'{link}' is not a web link — links start with http:// or https://."),
            ZeroCount => f.write_str("A count of 0 confirms nothing — give the number seen, or pick another kind of evidence."),
            AlreadyOwner(who) => write!(f, "{who} already owns this incident."),
            HandOverToOwner(who) => write!(f, "{who} already owns this incident — hand it to someone else."),
            UnsureWithoutProductOwner => f.write_str("When unsure, name the product owner you asked for advice."),
            DuplicateMetric(m) => write!(f, "{m} is listed twice — keep one, with one note."),
            NotATeamRole(r) => write!(f, "The {} is the incident's owner, not a team role — hand the incident over instead.", r.describe()),
            AlreadyInTeam(name, r) => write!(f, "{name} is already the team's {}.", r.describe()),
            NotInTeam(name, r) => write!(f, "{name} is not the team's {}.", r.describe()),
            RoleFilled(r, name) => write!(f, "{name} is the team's {} — take them off the team before marking the role not needed.", r.describe()),
            BadChannel(c) => write!(f, "'{c}' is not a channel name — write it like #expedite, without spaces."),
            ExpediteChannelRequired => write!(f, "{EXPEDITE_CHANNEL} always gets the updates — it can't be removed."),
            Resolved(id, what) => write!(f, "Incident {id} is resolved, so you can't {what}. Reopen it first if the problem is back."),
            AlreadyOpen(id) => write!(f, "Incident {id} is already open."),
            UnjustifiedDeviation(r) => write!(f, "Breaking process for {r} needs a justification — say why, it goes in the summary."),
            DuplicateDeviation(r) => write!(f, "{r} is listed twice — keep one, with one justification."),
            TemporaryFixWithoutPermanentFix => f.write_str("A temporary fix needs the permanent fix that will follow — describe it."),
            InFuture(what) => write!(f, "The {what} is in the future — give the time it happened."),
            BeforeDeclared(what) => write!(f, "The {what} is before the incident was declared — check the date and time."),
            PostmortemInPast => f.write_str("That time has passed — schedule the postmortem for a time still to come."),
            FollowUpDueInPast(day) => write!(f, "{} has passed — give a day from today on, or leave the due day empty.", day.format("%a %-d %b %Y")),
            NoSuchFollowUp(text) => write!(f, "There is no follow-up \"{text}\" on this incident — it may have been changed on another desk; look at the list again."),
            BadSource(e) => write!(f, "The metric can't be watched: {e}."),
            NotWatching(id) => write!(f, "No metric is watched on {id} — connect one first (Watch this metric…, or expedite metric connect)."),
            BadThreshold => f.write_str("The threshold is not a number the metric reaches — give a value per minute, like 10, or leave it empty for the proposed one."),
            BadConfirmTime => f.write_str("The confirmation time is from 1 to 1440 minutes — 15 is usual."),
            ImpactBackwards => f.write_str("The impact window ends before it starts — check the two times."),
            BadReading => f.write_str("The reading is not a number a dashboard shows (or is past a million billion) — give the metric's value."),
            NonPositiveInterval => f.write_str("The next update must be due some time from now — give a positive length, e.g. 15m."),
            TooFar(what, most) => write!(
                f,
                "The {what} can be at most {} from now — {}.",
                match most.num_days() {
                    d if d > 0 && *most == Duration::days(d) => format!("{d} days"),
                    _ => crate::time::format_length(*most),
                },
                if *most <= LONGEST_WAIT {
                    "give a shorter length, e.g. 30m or 2h"
                } else {
                    "give a nearer day"
                }
            ),
            TextTooLong(field, length) => write!(
                f,
                "The {field} is {length} characters long; one entry takes at most {TEXT_MAX} — put a long log in a file or a page and give its link."
            ),
            NameTooLong(field, length) => write!(
                f,
                "The {field} is {length} characters long; a name takes at most {NAME_MAX} — shorten it."
            ),
            NameHasControls(field) => write!(
                f,
                "The {field} holds control characters (a tab, a line break, an escape) — type it on one line."
            ),
            NoActor => f.write_str(
                "Every change is signed with a name, and none was given — say who you are (--as NAME, or your name in the window).",
            ),
            Roster(why) => f.write_str(why),
            Entry(e) => e.fmt(f),
            BadAddress(text) => write!(
                f,
                "'{text}' is not an email address — write one address, like web-team@example.com."
            ),
        }
    }
}

impl std::error::Error for CommandError {}

/// Applies `command`, done by `actor` at `now`, to `state`.
///
/// On success the state is changed, the timeline says what changed, and the
/// effects say what the app must do. On error nothing is changed.
pub fn apply(
    state: &mut State,
    command: Command,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, CommandError> {
    use Command::*;
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(CommandError::NoActor);
    }
    check_name(actor, "name you act as")?;
    let target = command.incident().cloned();
    match command {
        Declare {
            title,
            evidence,
            owner,
        } => {
            // In the order the declare form asks: the evidence, then the title.
            let evidence = check_evidence(evidence, actor, now)?;
            let title = check_title(title)?;
            let owner = match owner {
                Some(o) => name(
                    o,
                    "owner",
                    "name who owns it, or leave it out to own it yourself",
                )?,
                None => actor.to_owned(),
            };
            let id = state.next_incident_id(now.date_naive(), actor);
            let mut incident = Incident::new(id.clone(), title.clone(), now);
            log(
                &mut incident,
                actor,
                now,
                format!("Declared: {title}"),
                None,
            );
            log_evidence(&mut incident, &evidence, actor, now);
            incident.evidence.push(evidence);
            log(
                &mut incident,
                actor,
                now,
                "Owner set".into(),
                Some(change("", &owner)),
            );
            incident.hand_overs.push(crate::model::HandOver {
                from: None,
                to: owner.clone(),
                at: now,
                note: String::new(),
                by: actor.to_owned(),
            });
            incident.owner = Some(owner);
            state.incidents.insert(id.clone(), incident.into());
            Ok(vec![Effect::SaveIncident(id), Effect::Reschedule])
        }
        SetMe { name } => {
            let name = self::name(name, "name", "type the name you go by on the team")?;
            state.settings.me = Some(name);
            Ok(vec![Effect::SaveSettings])
        }
        SetWebTeam { email } => {
            let email = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
            if let Some(e) = &email
                && !crate::web::is_address(e)
            {
                return Err(CommandError::BadAddress(crate::model::shorten(e, 80)));
            }
            if state.settings.web_team_email == email {
                return Ok(Vec::new());
            }
            state.settings.web_team_email = email;
            Ok(vec![Effect::SaveTeamSettings])
        }
        Roster(change) => {
            // Work on a copy so that a refusal leaves nothing changed.
            let mut roster = state.roster.clone();
            let effects = roster::apply(&mut roster, *change, actor, now)?;
            crate::merge::stamp_roster(&state.roster, &mut roster, actor, now);
            state.roster = roster;
            Ok(effects)
        }
        other => {
            let id = target.expect("every other command names an incident");
            let incident = state
                .incidents
                .get_mut(&id)
                .ok_or_else(|| CommandError::UnknownIncident(id.clone()))?;
            // When the next update is due as this desk reads it (a snooze
            // puts it off from there).
            let due = crate::model::comms::next_update_due(incident, &state.settings);
            // Work on a copy so that a rejection half-way leaves nothing changed.
            let mut draft = incident.clone();
            let effects = apply_to_incident(&mut draft, other, actor, now, due)?;
            crate::merge::stamp_incident(incident, &mut draft, actor, now);
            *incident = draft;
            Ok(effects)
        }
    }
}

fn apply_to_incident(
    inc: &mut Incident,
    command: Command,
    actor: &str,
    now: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
) -> Result<Vec<Effect>, CommandError> {
    use Command::*;
    let saved = vec![Effect::SaveIncident(inc.id.clone())];
    let rescheduled = vec![Effect::SaveIncident(inc.id.clone()), Effect::Reschedule];
    let open = |inc: &Incident, what: &'static str| {
        if inc.is_open() {
            Ok(())
        } else {
            Err(CommandError::Resolved(inc.id.clone(), what))
        }
    };
    match command {
        Declare { .. } | SetMe { .. } | SetWebTeam { .. } | Roster(_) => {
            unreachable!("handled by apply")
        }
        PostLastUpdate {
            incident,
            text,
            channel,
        } => {
            let update = PostUpdate {
                incident: incident.clone(),
                text,
                channel,
                next_in: None,
            };
            let mut effects = apply_to_incident(inc, update, actor, now, due)?;
            for effect in apply_to_incident(inc, Resolve { incident }, actor, now, due)? {
                if !effects.contains(&effect) {
                    effects.push(effect);
                }
            }
            Ok(effects)
        }
        AddEvidence { evidence, .. } => {
            let evidence = check_evidence(evidence, actor, now)?;
            log_evidence(inc, &evidence, actor, now);
            inc.evidence.push(evidence);
            Ok(saved)
        }
        TakeOwnership { .. } => {
            if inc.owner.as_deref().is_some_and(|o| same_person(o, actor)) {
                return Err(CommandError::AlreadyOwner(actor.to_owned()));
            }
            set_owner(inc, actor.to_owned(), String::new(), actor, now);
            Ok(rescheduled)
        }
        HandOver { to, note, .. } => {
            let to = name(to, "new owner", "name who takes the incident over")?;
            if inc.owner.as_deref().is_some_and(|o| same_person(o, &to)) {
                return Err(CommandError::HandOverToOwner(to));
            }
            let note = required(
                note,
                "hand-over note",
                "say what's happening, what's next and who's engaged",
            )?;
            set_owner(inc, to, note, actor, now);
            Ok(rescheduled)
        }
        Classify {
            decision,
            advice,
            metrics,
            expected_lifespan,
            ..
        } => {
            let advice = match advice {
                Some(a) if a.asked.trim().is_empty() && a.answer.trim().is_empty() => None,
                Some(a) => Some(Advice {
                    asked: name(a.asked, "product owner", "name the product owner you asked")?,
                    answer: a.answer.trim().to_owned(),
                }),
                None => None,
            };
            if decision == Decision::Unsure && advice.is_none() {
                return Err(CommandError::UnsureWithoutProductOwner);
            }
            for (i, m) in metrics.iter().enumerate() {
                if metrics[..i].iter().any(|o| o.metric == m.metric) {
                    return Err(CommandError::DuplicateMetric(m.metric.describe()));
                }
            }
            let old = inc.classification.decision.map_or("", Decision::describe);
            log(
                inc,
                actor,
                now,
                "Classified".into(),
                Some(change(old, decision.describe())),
            );
            if let Some(a) = &advice {
                let what = if a.answer.is_empty() {
                    format!("Asked {} whether to expedite", a.asked)
                } else {
                    format!("{} advised: {}", a.asked, a.answer)
                };
                log(inc, actor, now, what, None);
            }
            let c = &mut inc.classification;
            c.decision = Some(decision);
            c.advice = advice;
            c.metrics = metrics
                .into_iter()
                .map(|m| MetricHit {
                    metric: m.metric,
                    note: m.note.trim().to_owned(),
                })
                .collect();
            c.expected_lifespan = expected_lifespan.trim().to_owned();
            // The cadence depends on the classification.
            Ok(rescheduled)
        }
        AddTeamMember { name, role, .. } => {
            let name = self::name(
                name,
                "name",
                "pick someone from the roster or type their name",
            )?;
            if role == Role::WebContact {
                return Err(CommandError::NotATeamRole(role));
            }
            if inc
                .team
                .members
                .iter()
                .any(|m| m.role == role && same_person(&m.name, &name))
            {
                return Err(CommandError::AlreadyInTeam(name, role));
            }
            log(
                inc,
                actor,
                now,
                format!("{name} joined the team as {}", role.describe()),
                None,
            );
            inc.team.not_needed.retain(|r| *r != role);
            inc.team.members.push(TeamMember { name, role });
            Ok(saved)
        }
        RemoveTeamMember { name, role, .. } => {
            let Some(pos) = inc
                .team
                .members
                .iter()
                .position(|m| m.role == role && same_person(&m.name, &name))
            else {
                return Err(CommandError::NotInTeam(name.trim().to_owned(), role));
            };
            let member = inc.team.members.remove(pos);
            log(
                inc,
                actor,
                now,
                format!("{} left the team ({})", member.name, role.describe()),
                None,
            );
            Ok(saved)
        }
        SetRoleNeeded { role, needed, .. } => {
            if role == Role::WebContact {
                return Err(CommandError::NotATeamRole(role));
            }
            if needed {
                inc.team.not_needed.retain(|r| *r != role);
                log(
                    inc,
                    actor,
                    now,
                    format!("A {} is needed after all", role.describe()),
                    None,
                );
            } else {
                if let Some(m) = inc.team.members.iter().find(|m| m.role == role) {
                    return Err(CommandError::RoleFilled(role, m.name.clone()));
                }
                if !inc.team.not_needed.contains(&role) {
                    inc.team.not_needed.push(role);
                }
                log(
                    inc,
                    actor,
                    now,
                    format!("No {} needed", role.describe()),
                    None,
                );
            }
            Ok(saved)
        }
        SetChannels { channels, .. } => {
            open(inc, "change its channels")?;
            let mut list = Vec::new();
            for c in channels {
                let c = channel_name(&c)?;
                if !list.contains(&c) {
                    list.push(c);
                }
            }
            if !list.iter().any(|c| c == EXPEDITE_CHANNEL) {
                return Err(CommandError::ExpediteChannelRequired);
            }
            let old = inc.communication.channels.join(", ");
            log(
                inc,
                actor,
                now,
                "Channels".into(),
                Some(change(&old, &list.join(", "))),
            );
            inc.communication.channels = list;
            Ok(saved)
        }
        PostUpdate {
            text,
            channel,
            next_in,
            ..
        } => {
            open(inc, "post an update")?;
            let text = required(
                text,
                "update",
                "say what you see, what you're doing and what you need",
            )?;
            let channel = channel_name(channel.as_deref().unwrap_or(EXPEDITE_CHANNEL))?;
            if next_in.is_some_and(|d| d <= Duration::zero()) {
                return Err(CommandError::NonPositiveInterval);
            }
            if next_in.is_some_and(|d| d > LONGEST_WAIT) {
                return Err(CommandError::TooFar("next update", LONGEST_WAIT));
            }
            if !inc.communication.channels.contains(&channel) {
                log(inc, actor, now, format!("Channel {channel} added"), None);
                inc.communication.channels.push(channel.clone());
            }
            log(
                inc,
                actor,
                now,
                format!(
                    "Update for {channel}: {}",
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                ),
                None,
            );
            // Only an update to the stakeholders' channel resets their
            // countdown; a deployment notice or a dedicated channel's post
            // leaves it as it was.
            let stakeholders = channel == EXPEDITE_CHANNEL;
            // Each of this desk's updates has a time of its own, by which its
            // postings name it: a second update within the same second (a
            // script's) is a millisecond later.
            let at = inc
                .communication
                .updates
                .iter()
                .filter(|u| u.by == actor && u.channel == channel)
                .map(|u| u.at)
                .max()
                .filter(|last| *last >= now)
                .map_or(now, |last| last + Duration::milliseconds(1));
            inc.communication.updates.push(Update {
                at,
                by: actor.to_owned(),
                text,
                channel,
            });
            if stakeholders {
                inc.communication.next_update_due = next_in.map(|d| now + d);
            }
            Ok(vec![
                Effect::SaveIncident(inc.id.clone()),
                Effect::Reschedule,
                Effect::Post(inc.id.clone()),
            ])
        }
        RecordDelivery {
            channel,
            update_at,
            update_by,
            delivery,
            ..
        } => {
            // A post that keeps waiting is said to wait once; sent, refused
            // and unanswered happen once to a post by themselves.
            let what = delivery.describe(&channel);
            let by = update_by.unwrap_or_else(|| actor.to_owned());
            let waiting = matches!(delivery, crate::model::comms::Delivery::Queued { .. });
            let still_waiting = waiting
                && inc
                    .latest_posting(update_at, &channel, &by)
                    .is_some_and(|p| {
                        matches!(p.delivery, crate::model::comms::Delivery::Queued { .. })
                    });
            if still_waiting {
                return Ok(Vec::new());
            }
            log(inc, actor, now, what, None);
            inc.communication.postings.push(crate::model::Posting {
                update_at,
                channel,
                at: now,
                by,
                delivery,
            });
            Ok(saved)
        }
        Snooze { for_, .. } => {
            open(inc, "snooze its reminder")?;
            if for_ <= Duration::zero() {
                return Err(CommandError::NonPositiveInterval);
            }
            if for_ > LONGEST_WAIT {
                return Err(CommandError::TooFar("snooze", LONGEST_WAIT));
            }
            // Put off, never brought forward: from the deadline when it is
            // still ahead, from now when it has passed.
            let from = due.map_or(now, |due| due.max(now));
            let until = from + for_;
            if until - now > LONGEST_WAIT {
                return Err(CommandError::TooFar("snooze", LONGEST_WAIT));
            }
            log(
                inc,
                actor,
                now,
                format!(
                    "Update reminder snoozed for {} (until {})",
                    format_length(for_),
                    until.format("%H:%M UTC")
                ),
                None,
            );
            inc.communication.next_update_due = Some(until);
            Ok(rescheduled)
        }
        RecordCall { who, outcome, .. } => {
            open(inc, "record a call")?;
            let who = name(who, "name", "say who was called")?;
            log(
                inc,
                actor,
                now,
                format!("Called {who}: {}", outcome.describe()),
                None,
            );
            inc.calls.push(crate::model::Call {
                at: now,
                by: actor.to_owned(),
                who,
                outcome,
            });
            Ok(saved)
        }
        AddNote { text, .. } => {
            let text = required(text, "note", "type what you want on the timeline")?;
            log(inc, actor, now, format!("Note: {text}"), None);
            Ok(saved)
        }
        RecordFix {
            description,
            deviations,
            permanent_fix,
            ..
        } => {
            let description = required(description, "fix description", "say what the fix changes")?;
            let mut checked: Vec<Deviation> = Vec::new();
            for d in deviations {
                let reason = d.reason.describe();
                if checked.iter().any(|c| c.reason == d.reason) {
                    return Err(CommandError::DuplicateDeviation(reason));
                }
                let justification = d.justification.trim().to_owned();
                if justification.is_empty() {
                    return Err(CommandError::UnjustifiedDeviation(reason));
                }
                checked.push(Deviation {
                    reason: d.reason,
                    justification,
                });
            }
            let permanent_fix = permanent_fix
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
            let fix = Fix {
                description,
                deviations: checked,
                permanent_fix,
                recorded_at: now,
                recorded_by: actor.to_owned(),
            };
            if fix.is_temporary() && fix.permanent_fix.is_none() {
                return Err(CommandError::TemporaryFixWithoutPermanentFix);
            }
            let how = if fix.is_best_practice() {
                "best practice".to_owned()
            } else {
                let reasons: Vec<&str> =
                    fix.deviations.iter().map(|d| d.reason.describe()).collect();
                format!("breaks process for {}", reasons.join(", "))
            };
            let verb = if inc.fix.is_some() {
                "Fix changed"
            } else {
                "Fix recorded"
            };
            log(
                inc,
                actor,
                now,
                format!("{verb} ({how}): {}", fix.description),
                None,
            );
            if let Some(p) = &fix.permanent_fix {
                log(
                    inc,
                    actor,
                    now,
                    format!("Permanent fix to follow: {p}"),
                    None,
                );
            }
            inc.fix = Some(fix);
            Ok(saved)
        }
        RecordDeployment {
            at,
            usual_way,
            rollback_plan,
            ..
        } => {
            let at = past_time(inc, at, now, "deployment time")?;
            let rollback_plan = present(
                rollback_plan,
                "rollback plan",
                "say how to undo the deployment if it goes wrong, e.g. redeploy v2.31.4",
            )?;
            let way = if usual_way {
                "the usual way"
            } else {
                "NOT the usual way"
            };
            // Recorded again with only a new plan: the plan's change alone
            // goes on the timeline.
            let d = &inc.deployment;
            if d.deployed_at != Some(at) || d.usual_way != usual_way {
                log(
                    inc,
                    actor,
                    now,
                    format!("Fix deployed {way} at {}", at.format("%H:%M UTC")),
                    None,
                );
            }
            if rollback_plan != inc.deployment.rollback_plan {
                log(
                    inc,
                    actor,
                    now,
                    "Rollback plan".into(),
                    Some(change(&inc.deployment.rollback_plan, &rollback_plan)),
                );
            }
            let d = &mut inc.deployment;
            d.deployed_at = Some(at);
            d.usual_way = usual_way;
            d.rollback_plan = rollback_plan;
            Ok(saved)
        }
        AddMetricReading {
            at,
            value,
            normal,
            note,
            ..
        } => {
            // Counts, rates and timings people read off a dashboard: a
            // value past a million billion was not read off one.
            if !value.is_finite() || value.abs() > metric::MAX_VALUE {
                return Err(CommandError::BadReading);
            }
            // Readings from before the declaration are welcome: they show the baseline.
            let at = at.unwrap_or(now);
            if at > now {
                return Err(CommandError::InFuture("reading time"));
            }
            let note = note.trim().to_owned();
            let verdict = if normal {
                "back to normal"
            } else {
                "not normal yet"
            };
            let mut what = format!("Metric reading {value} ({verdict})");
            if !note.is_empty() {
                what.push_str(&format!(": {note}"));
            }
            log(inc, actor, now, what, None);
            let readings = &mut inc.deployment.readings;
            let pos = readings.partition_point(|r| r.at <= at);
            readings.insert(
                pos,
                MetricReading {
                    at,
                    value,
                    normal,
                    note,
                    by: actor.to_owned(),
                },
            );
            Ok(saved)
        }
        WatchMetric { source, .. } => {
            let source = source.checked().map_err(CommandError::BadSource)?;
            if inc
                .watch
                .as_ref()
                .is_some_and(|w| w.source == source && w.stopped.is_none())
            {
                return Ok(Vec::new());
            }
            log(
                inc,
                actor,
                now,
                format!("Watching the metric: {}", source.describe()),
                None,
            );
            // Readings of another metric say nothing of this one.
            inc.series.clear();
            let kept = inc.watch.take();
            let mut watch = Watch::new(
                source,
                Done {
                    at: now,
                    by: actor.to_owned(),
                },
            );
            if let Some(kept) = kept {
                watch.confirm_minutes = kept.confirm_minutes;
            }
            inc.watch = Some(watch);
            Ok(saved)
        }
        StopWatching { .. } => {
            let watch = inc
                .watch
                .as_mut()
                .filter(|w| w.stopped.is_none())
                .ok_or_else(|| CommandError::NotWatching(inc.id.clone()))?;
            watch.stopped = Some(Done {
                at: now,
                by: actor.to_owned(),
            });
            log(
                inc,
                actor,
                now,
                "Stopped watching the metric (what was read is kept)".into(),
                None,
            );
            Ok(saved)
        }
        RecordSeries { buckets, .. } => {
            let Some(watch) = &inc.watch else {
                return Err(CommandError::NotWatching(inc.id.clone()));
            };
            let deployed = inc.deployment.deployed_at;
            let before = metric::judge(&inc.series, watch, inc.opened_at, deployed).verdict;
            // Nothing read before it happened (on the reading desk's own
            // clock: another desk's may be hours off), nothing long before
            // the baseline's day, nothing read for a metric watched before.
            let earliest = inc.opened_at - Duration::hours(27);
            let key = watch.key();
            let fresh: Vec<_> = buckets
                .into_iter()
                .filter(|b| b.start >= earliest && b.end() <= b.read_at && b.of == key)
                .collect();
            let series = metric::join_buckets(&inc.series, &fresh);
            if series == inc.series {
                return Ok(Vec::new());
            }
            inc.series = series;
            let judgement = metric::judge(&inc.series, watch, inc.opened_at, deployed);
            if judgement.verdict != before && judgement.verdict != metric::Verdict::Unknown {
                let what = format!(
                    "The metric: {}",
                    metric::verdict_words(&judgement, watch, deployed, |t| {
                        t.format("%H:%M UTC").to_string()
                    })
                );
                log(inc, actor, now, what, None);
            }
            Ok(saved)
        }
        SetMetricLimits {
            threshold,
            confirm_minutes,
            ..
        } => {
            if threshold.is_some_and(|t| !(0.0..=metric::MAX_VALUE).contains(&t)) {
                return Err(CommandError::BadThreshold);
            }
            if !(1..=24 * 60).contains(&confirm_minutes) {
                return Err(CommandError::BadConfirmTime);
            }
            let watch = inc
                .watch
                .as_mut()
                .ok_or_else(|| CommandError::NotWatching(inc.id.clone()))?;
            if watch.threshold == threshold && watch.confirm_minutes == confirm_minutes {
                return Ok(Vec::new());
            }
            watch.threshold = threshold;
            watch.confirm_minutes = confirm_minutes;
            let what = match threshold {
                Some(t) => format!(
                    "Metric threshold set to {} a minute, normal after {confirm_minutes} min under it",
                    metric::number(t)
                ),
                None => format!(
                    "Metric threshold back to the proposed one, normal after {confirm_minutes} min under it"
                ),
            };
            log(inc, actor, now, what, None);
            Ok(saved)
        }
        SetImpact { start, end, .. } => {
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                return Err(CommandError::ImpactBackwards);
            }
            if start.is_some_and(|s| s > now) || end.is_some_and(|e| e > now) {
                return Err(CommandError::InFuture("impact window"));
            }
            let watch = inc
                .watch
                .as_mut()
                .ok_or_else(|| CommandError::NotWatching(inc.id.clone()))?;
            watch.impact_start = start;
            watch.impact_end = end;
            let time = |t: Option<DateTime<Utc>>| {
                t.map_or("as the metric shows".to_owned(), |t| {
                    t.format("%Y-%m-%d %H:%M UTC").to_string()
                })
            };
            log(
                inc,
                actor,
                now,
                format!("Impact window set: from {} to {}", time(start), time(end)),
                None,
            );
            Ok(saved)
        }
        MarkSummarySent { links, .. } => {
            let links = links
                .into_iter()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .map(check_link)
                .collect::<Result<Vec<_>, _>>()?;
            log(
                inc,
                actor,
                now,
                match links.len() {
                    0 => "Summary email sent".to_owned(),
                    1 => "Summary email sent (1 link)".to_owned(),
                    n => format!("Summary email sent ({n} links)"),
                },
                None,
            );
            inc.conclusion.summary_sent = Some(SummarySent {
                done: Done {
                    at: now,
                    by: actor.to_owned(),
                },
                links,
            });
            Ok(saved)
        }
        MarkOriginTold { whom, about, .. } => {
            let whom = name(
                whom,
                "origin",
                "say who reported it: the call centre or which department",
            )?;
            let interim = inc.fixed_at().is_none();
            let what = if interim {
                format!("Told {whom} it is being worked on")
            } else {
                format!("Told {whom}")
            };
            log(inc, actor, now, what, None);
            inc.conclusion.origin_told = Some(OriginTold {
                done: Done {
                    at: now,
                    by: actor.to_owned(),
                },
                whom,
                about: about.trim().to_owned(),
                interim,
            });
            Ok(saved)
        }
        SchedulePostmortem { at, owner, .. } => {
            let owner = name(owner, "postmortem owner", "name who runs the postmortem")?;
            if at <= now {
                return Err(CommandError::PostmortemInPast);
            }
            if at > now + Duration::days(366) {
                return Err(CommandError::TooFar("postmortem", Duration::days(366)));
            }
            let said = |at: DateTime<Utc>, owner: &str| {
                format!("{}, owned by {owner}", at.format("%Y-%m-%d %H:%M UTC"))
            };
            match inc.conclusion.postmortem.take() {
                Some(old) if old.at == at && old.owner == owner => {
                    inc.conclusion.postmortem = Some(old);
                    return Ok(Vec::new());
                }
                Some(old) => {
                    let change = Change {
                        from: said(old.at, &old.owner),
                        to: said(at, &owner),
                    };
                    log(inc, actor, now, "Postmortem moved".into(), Some(change));
                }
                None => log(
                    inc,
                    actor,
                    now,
                    format!("Postmortem scheduled for {}", said(at, &owner)),
                    None,
                ),
            }
            inc.conclusion.postmortem = Some(Postmortem { at, owner });
            Ok(saved)
        }
        AddFollowUp {
            text,
            owner,
            kind,
            due,
            ..
        } => {
            let text = required(text, "follow-up", "say what needs doing")?;
            let owner = owner.map(|o| o.trim().to_owned()).filter(|o| !o.is_empty());
            if let Some(day) = due
                && day < (now - Duration::hours(14)).date_naive()
            {
                return Err(CommandError::FollowUpDueInPast(day));
            }
            if let Some(day) = due
                && day > (now + Duration::days(3650)).date_naive()
            {
                return Err(CommandError::TooFar(
                    "follow-up's day",
                    Duration::days(3650),
                ));
            }
            let mut about = Vec::new();
            if kind != FollowUpKind::Other {
                about.push(kind.name().to_lowercase());
            }
            about.extend(owner.clone());
            about.extend(due.map(|d| format!("by {}", d.format("%a %-d %b"))));
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join(", "))
            };
            log(inc, actor, now, format!("Follow-up{about}: {text}"), None);
            inc.follow_ups.push(FollowUp {
                text,
                owner,
                added_at: now,
                kind,
                due,
                marks: Vec::new(),
            });
            Ok(saved)
        }
        MarkFollowUp {
            added_at,
            text,
            done,
            ..
        } => {
            let Some(f) = inc
                .follow_ups
                .iter_mut()
                .find(|f| f.added_at == added_at && f.text == text)
            else {
                return Err(CommandError::NoSuchFollowUp(crate::model::shorten(
                    &text, 60,
                )));
            };
            if f.done().is_some() == done {
                return Ok(Vec::new());
            }
            // Made after seeing the mark it undoes, it comes after it,
            // whatever a colleague's clock said then.
            let at = f
                .marks
                .iter()
                .map(|m| m.at)
                .max()
                .filter(|last| *last >= now)
                .map_or(now, |last| last + Duration::nanoseconds(1));
            f.marks.push(crate::model::FollowUpMark {
                at,
                by: actor.to_owned(),
                done,
            });
            let what = if done {
                format!("Follow-up done: {text}")
            } else {
                format!("Follow-up not done after all: {text}")
            };
            log(inc, actor, now, what, None);
            Ok(saved)
        }
        Resolve { .. } => {
            open(inc, "resolve it again")?;
            log(inc, actor, now, "Resolved".into(), None);
            inc.resolved_at = Some(now);
            inc.reopened = None;
            if let Some(told) = &inc.conclusion.origin_told
                && told.interim
            {
                let what = format!(
                    "{} was told it was being worked on: tell them it is fixed",
                    told.whom
                );
                log(inc, actor, now, what, None);
            }
            Ok(rescheduled)
        }
        Reopen { reason, .. } => {
            if inc.is_open() {
                return Err(CommandError::AlreadyOpen(inc.id.clone()));
            }
            let reason = required(reason, "reason", "say why the incident is back")?;
            log(inc, actor, now, format!("Reopened: {reason}"), None);
            inc.resolved_at = None;
            inc.reopened = Some(crate::model::Reopening {
                done: Done {
                    at: now,
                    by: actor.to_owned(),
                },
                reason,
            });
            // What said "fixed" no longer holds; the record of it stays on
            // the timeline, and each is asked for again.
            if let Some(at) = inc.deployment.deployed_at.take() {
                let what = format!(
                    "The deployment of {} did not fix it: deploy the next fix and record it",
                    at.format("%Y-%m-%d %H:%M UTC")
                );
                log(inc, actor, now, what, None);
            }
            if let Some(sent) = inc.conclusion.summary_sent.take() {
                let what = format!(
                    "The summary sent by {} said it was fixed: send a new one when it is",
                    sent.done.by
                );
                log(inc, actor, now, what, None);
            }
            if let Some(told) = inc.conclusion.origin_told.take() {
                let what = format!("{} was told it was fixed: tell them it is back", told.whom);
                log(inc, actor, now, what, None);
            }
            // Stakeholders think it is over: tell them now.
            inc.communication.next_update_due = Some(now);
            Ok(rescheduled)
        }
    }
}

fn set_owner(inc: &mut Incident, to: String, note: String, actor: &str, now: DateTime<Utc>) {
    let from = inc.owner.clone();
    let mut what = if same_person(&to, actor) {
        "Took ownership".to_owned()
    } else {
        "Handed over".to_owned()
    };
    if !note.is_empty() {
        what.push_str(&format!(": {note}"));
    }
    log(
        inc,
        actor,
        now,
        what,
        Some(change(from.as_deref().unwrap_or(""), &to)),
    );
    inc.hand_overs.push(crate::model::HandOver {
        from,
        to: to.clone(),
        at: now,
        note,
        by: actor.to_owned(),
    });
    inc.owner = Some(to);
}

fn log(inc: &mut Incident, actor: &str, at: DateTime<Utc>, what: String, change: Option<Change>) {
    inc.timeline.push(TimelineEntry {
        at,
        by: actor.to_owned(),
        what,
        change,
    });
}

fn log_evidence(inc: &mut Incident, e: &Evidence, actor: &str, now: DateTime<Utc>) {
    log(
        inc,
        actor,
        now,
        format!("Evidence: {} — {}", e.kind.describe(), e.text),
        None,
    );
}

fn change(from: &str, to: &str) -> Change {
    Change {
        from: from.to_owned(),
        to: to.to_owned(),
    }
}

pub use crate::model::NAME_MAX;

/// A name, as `required` takes it, of at most [`NAME_MAX`] characters and
/// with no control characters (a name is shown on one line everywhere).
fn name(value: String, field: &'static str, hint: &'static str) -> Result<String, CommandError> {
    let value = present(value, field, hint)?;
    check_name(&value, field)?;
    Ok(value)
}

/// Refuses a name that is too long or holds control characters.
pub fn check_name(value: &str, field: &'static str) -> Result<(), CommandError> {
    let length = value.chars().count();
    if length > NAME_MAX {
        return Err(CommandError::NameTooLong(field, length));
    }
    if value
        .chars()
        .any(|c| c.is_control() || crate::text::is_bidi_control(c))
    {
        return Err(CommandError::NameHasControls(field));
    }
    Ok(())
}

/// Free text that must be there: trimmed, and at most [`TEXT_MAX`]
/// characters.
fn required(
    value: String,
    field: &'static str,
    hint: &'static str,
) -> Result<String, CommandError> {
    let value = present(value, field, hint)?;
    let length = value.chars().count();
    if length > TEXT_MAX {
        return Err(CommandError::TextTooLong(field, length));
    }
    Ok(value)
}

/// A value that must be there, trimmed (its own limit is checked by its kind).
fn present(value: String, field: &'static str, hint: &'static str) -> Result<String, CommandError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CommandError::Missing(field, hint));
    }
    Ok(value.to_owned())
}

/// The longest free text one entry takes (a note, a fix, a reason): pages
/// of it, and a log pasted whole goes in a file linked from a note.
pub const TEXT_MAX: usize = 20_000;

/// Whether two names are the same person's, as people type them (case and
/// surrounding spaces aside).
pub fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn check_link(link: String) -> Result<String, CommandError> {
    crate::web::check(&link, crate::web::Use::Link).map_err(|_| CommandError::BadLink(link))
}

/// What is broken, in a few words: present, and not longer than a title.
pub fn check_title(title: String) -> Result<String, CommandError> {
    let title = present(title, "title", "say in a few words what is broken")?;
    let length = title.chars().count();
    if length > TITLE_MAX {
        return Err(CommandError::TitleTooLong(length));
    }
    Ok(title)
}

/// Evidence as typed, checked as a declaration or an addition checks it
/// (`now` and `actor` sign it).
pub fn check_evidence(
    e: NewEvidence,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Evidence, CommandError> {
    if let EvidenceKind::ErrorTracker { count: 0 } | EvidenceKind::CallCentre { count: 0 } = e.kind
    {
        return Err(CommandError::ZeroCount);
    }
    let text = required(e.text, "evidence", "say what you saw and where")?;
    let link = e
        .link
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .map(check_link)
        .transpose()?;
    Ok(Evidence {
        kind: e.kind,
        text,
        link,
        added_at: now,
        added_by: actor.to_owned(),
    })
}

/// `#name`, accepting `name`; no spaces.
pub fn channel_name(raw: &str) -> Result<String, CommandError> {
    let name = raw.trim().trim_start_matches('#');
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '#') {
        return Err(CommandError::BadChannel(crate::text::one_line(raw, 60)));
    }
    // Slack's own limit for a channel's name.
    check_name(name, "channel name")?;
    if name.chars().count() > 80 {
        return Err(CommandError::NameTooLong(
            "channel name",
            name.chars().count(),
        ));
    }
    Ok(format!("#{name}"))
}

fn past_time(
    inc: &Incident,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    what: &'static str,
) -> Result<DateTime<Utc>, CommandError> {
    let at = at.unwrap_or(now);
    if at > now {
        return Err(CommandError::InFuture(what));
    }
    if at < inc.opened_at {
        return Err(CommandError::BeforeDeclared(what));
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
