//! The conclusion pack's common ground: one incident with the roster, the
//! team's time zone and the clock, and the phrases every output shares.
//!
//! Everything here and in the pack's writers ([`update`],
//! [`email`], [`postmortem`]) is a pure
//! function of the record: the same incident gives the same text. Whatever
//! is not recorded yet reads "(not recorded yet)" instead of failing.

pub mod brief;
pub mod email;
pub mod postmortem;
pub mod update;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::model::comms;
use crate::model::roster::Roster;
use crate::model::settings::Settings;
use crate::model::{Decision, Evidence, HandOver, Incident, MetricHit, Role};

/// What a missing part of the record reads as.
pub const NOT_RECORDED: &str = "(not recorded yet)";

/// An incident and what the pack needs around it.
#[derive(Clone, Debug)]
pub struct Pack<'a> {
    /// The incident written about.
    pub incident: &'a Incident,
    /// Where people's emails and numbers come from.
    pub roster: &'a Roster,
    /// The team's time zone: the office's, else UTC.
    pub zone: Tz,
    /// Now, from the caller's clock.
    pub now: DateTime<Utc>,
    /// When the next update is due (the cadence's answer), if still open.
    pub next_update: Option<DateTime<Utc>>,
    /// PRs, tickets and links typed but not yet recorded (the summary form).
    pub extra_links: Vec<String>,
    /// The web team's address, where the summary goes (from the settings).
    pub web_team: Option<&'a str>,
    /// What went wrong in the origin's words, typed but not yet recorded
    /// (the word-to-the-origin form); empty takes [`Pack::noticed`]'s default.
    pub noticed: String,
}

impl<'a> Pack<'a> {
    /// The pack for `incident` at `now`, with the team's zone from the roster
    /// and the cadence and the web team's address from the settings.
    pub fn new(
        incident: &'a Incident,
        roster: &'a Roster,
        settings: &'a Settings,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            incident,
            roster,
            zone: roster.office_zone(),
            now,
            next_update: comms::next_update_due(incident, settings),
            extra_links: Vec::new(),
            web_team: settings
                .web_team_email
                .as_deref()
                .map(str::trim)
                .filter(|e| crate::web::is_address(e)),
            noticed: String::new(),
        }
    }

    /// What went wrong, in the words of whoever reported it rather than
    /// the team's title: what was typed for the note, else what they were
    /// told, else what the call centre reported, else how customers are
    /// hurt, and only last the title.
    pub fn noticed(&self) -> String {
        let i = self.incident;
        let typed = self.noticed.trim();
        let told = i.conclusion.origin_told.as_ref().map(|t| t.about.trim());
        let reported = i
            .evidence
            .iter()
            .find(|e| matches!(e.kind, crate::model::EvidenceKind::CallCentre { .. }))
            .map(|e| e.text.trim());
        let customers = i
            .classification
            .metrics
            .iter()
            .find(|m| m.metric == crate::model::Metric::CustomerExperience)
            .map(|m| m.note.trim());
        [Some(typed), told, reported, customers]
            .into_iter()
            .flatten()
            .find(|t| !t.is_empty())
            .map_or_else(|| i.title.trim().to_owned(), str::to_owned)
    }

    /// What the watched metric says and the impact window it shows (with
    /// the owner's corrections), in lines for the brief, the summary and
    /// the postmortem; none when no metric is watched.
    pub fn metric_lines(&self) -> Vec<String> {
        use crate::model::metric;
        let i = self.incident;
        let Some(watch) = &i.watch else {
            return Vec::new();
        };
        let j = metric::judge(&i.series, watch, i.opened_at, i.deployment.deployed_at);
        let clock = |t: DateTime<Utc>| self.clock(t);
        let mut lines = vec![format!(
            "The metric: {} — {}",
            metric::verdict_words(&j, watch, i.deployment.deployed_at, clock),
            watch.source.describe(),
        )];
        let corrected = |by_hand: bool| if by_hand { " (set by hand)" } else { "" };
        match (j.impact.start, j.impact.end) {
            (Some(start), Some(end)) => lines.push(format!(
                "Impact, from the metric: {}{} to {}{} ({})",
                self.stamp(start),
                corrected(watch.impact_start.is_some()),
                self.stamp(end),
                corrected(watch.impact_end.is_some()),
                length(end - start)
            )),
            (Some(start), None) => lines.push(format!(
                "Impact, from the metric: since {}{}, not over",
                self.stamp(start),
                corrected(watch.impact_start.is_some())
            )),
            _ => {}
        }
        if let (Some(start), true) = (j.impact.start, j.impact.start < Some(i.opened_at)) {
            lines.push(format!(
                "It began {} before it was declared.",
                length(i.opened_at - start)
            ));
        }
        lines
    }

    /// `at` in the team's zone, with the day: "Thu 26 Nov 2026 02:00 GMT".
    pub fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%a %-d %b %Y %H:%M %Z")
            .to_string()
    }

    /// `at` in the team's zone, the time only: "02:45 GMT".
    pub fn clock(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%H:%M %Z").to_string()
    }

    /// `at` in the team's zone for a table: "2026-11-26 02:00 GMT".
    pub fn stamp(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// The person who owns the incident, when someone does.
    pub fn owner(&self) -> Option<&'a str> {
        self.incident.owner.as_deref()
    }

    /// A person's email from the roster, when it is there.
    pub fn email_of(&self, name: &str) -> Option<&'a str> {
        self.roster.find(name)?.email.as_deref()
    }

    /// How the incident was classified, in a sentence.
    pub fn decision(&self) -> String {
        let c = &self.incident.classification;
        let Some(decision) = c.decision else {
            return NOT_RECORDED.to_owned();
        };
        let mut out = match decision {
            Decision::Expedite => "Expedited".to_owned(),
            Decision::DoNotExpedite => "Not expedited".to_owned(),
            Decision::Unsure => "Unsure whether to expedite".to_owned(),
        };
        if let Some(a) = &c.advice {
            let answer = if a.answer.trim().is_empty() {
                "no answer yet"
            } else {
                a.answer.trim()
            };
            out.push_str(&format!(" ({} advised: {answer})", a.asked));
        }
        out
    }

    /// The team, role by role: "Alex Kim (developer), Lee Park (tester)".
    pub fn team(&self) -> String {
        let members = &self.incident.team.members;
        if members.is_empty() {
            return NOT_RECORDED.to_owned();
        }
        members
            .iter()
            .map(|m| format!("{} ({})", m.name, m.role.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A metric the incident hurts, and how: "conversion: down 40 %", or
    /// "conversion: hit" when nobody said how.
    pub fn impact(hit: &MetricHit) -> String {
        match one_line(&hit.note) {
            n if n.is_empty() => format!("{}: hit", hit.metric.describe()),
            n => format!("{}: {n}", hit.metric.describe()),
        }
    }

    /// One piece of evidence in a line: "340 error-tracker events: 340
    /// TypeErrors (https://…), recorded 2026-11-26 02:00 GMT by Sam".
    pub fn evidence(&self, e: &Evidence) -> String {
        let link = e
            .link
            .as_deref()
            .map(|l| format!(" ({})", one_line(l)))
            .unwrap_or_default();
        format!(
            "{}: {}{link}, recorded {} by {}",
            e.kind.describe(),
            one_line(&e.text),
            self.stamp(e.added_at),
            one_line(&e.added_by)
        )
    }

    /// A change of owner in words, as it happened: "Sam Patel took
    /// ownership", "Dana took ownership from Alex Kim", "Sam Patel handed
    /// over to Alex Kim", "Sam Patel made Jo the owner".
    pub fn hand_over(&self, h: &HandOver) -> String {
        hand_over(h)
    }

    /// The updates, by channel, and how many Expedite posted: "3 updates
    /// posted (2 in #expedite, 1 in #deployments)", or, when some were only
    /// recorded, "3 updates (…): 2 posted, 1 recorded but not posted by
    /// Expedite" — an update is counted as posted only when its channel's
    /// service took it.
    pub fn updates(&self) -> String {
        use crate::model::comms::Delivery;
        let updates = &self.incident.communication.updates;
        if updates.is_empty() {
            return "no updates posted".to_owned();
        }
        let mut by_channel: Vec<(&str, usize)> = Vec::new();
        let (mut posted, mut maybe) = (0, 0);
        for u in updates {
            match by_channel.iter_mut().find(|(c, _)| *c == u.channel) {
                Some((_, n)) => *n += 1,
                None => by_channel.push((&u.channel, 1)),
            }
            match self.incident.posting_of(u).map(|p| &p.delivery) {
                Some(Delivery::Sent { .. }) => posted += 1,
                Some(Delivery::Unknown { .. }) => maybe += 1,
                _ => {}
            }
        }
        let parts: Vec<String> = by_channel
            .iter()
            .map(|(c, n)| format!("{n} in {c}"))
            .collect();
        let n = updates.len();
        let s = if n == 1 { "" } else { "s" };
        if posted == n {
            return format!("{n} update{s} posted ({})", parts.join(", "));
        }
        let mut how = Vec::new();
        if posted > 0 {
            how.push(format!("{posted} posted"));
        }
        if maybe > 0 {
            how.push(format!("{maybe} sent with no answer (it may have arrived)"));
        }
        let unposted = n - posted - maybe;
        if unposted > 0 {
            how.push(format!("{unposted} recorded but not posted by Expedite"));
        }
        format!("{n} update{s} ({}): {}", parts.join(", "), how.join(", "))
    }

    /// Everyone who owned the incident or is on its team, first seen first.
    pub fn people(&self) -> Vec<String> {
        let i = self.incident;
        let mut out: Vec<String> = Vec::new();
        let names = i
            .hand_overs
            .iter()
            .map(|h| h.to.as_str())
            .chain(i.team.members.iter().map(|m| m.name.as_str()));
        for name in names.map(one_line) {
            if !name.is_empty() && !out.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                out.push(name);
            }
        }
        out
    }

    /// Roles the team still lacks: "a tester, a reviewer".
    pub fn roles_missing(&self) -> Vec<&'static str> {
        self.incident.team.uncovered().map(Role::describe).collect()
    }

    /// How long the incident lasted (or has lasted until now): "1 h 40 min".
    pub fn duration(&self) -> String {
        let end = self.incident.resolved_at.unwrap_or(self.now);
        length(end - self.incident.opened_at)
    }

    /// Every link recorded anywhere on the incident, first seen first, once each.
    pub fn links(&self) -> Vec<String> {
        let i = self.incident;
        let mut found: Vec<String> = Vec::new();
        let mut add = |link: &str| {
            let link = link.trim();
            if !link.is_empty() && !found.iter().any(|l| l == link) {
                found.push(link.to_owned());
            }
        };
        for e in &i.evidence {
            e.link.as_deref().into_iter().for_each(&mut add);
            urls(&e.text).for_each(&mut add);
        }
        let texts = i
            .hand_overs
            .iter()
            .map(|h| h.note.as_str())
            .chain(i.communication.updates.iter().map(|u| u.text.as_str()))
            .chain(i.fix.iter().map(|f| f.description.as_str()))
            .chain(i.fix.iter().filter_map(|f| f.permanent_fix.as_deref()))
            .chain(i.timeline.iter().map(|e| e.what.as_str()))
            .chain(i.follow_ups.iter().map(|f| f.text.as_str()));
        for text in texts {
            urls(text).for_each(&mut add);
        }
        if let Some(sent) = &i.conclusion.summary_sent {
            sent.links.iter().for_each(|l| add(l));
        }
        self.extra_links.iter().for_each(|l| add(l));
        found
    }
}

/// A length of time in words: "45 min", "1 h 40 min", "2 d 3 h".
pub fn length(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) if mins == 0 => format!("{hours} h"),
        (0, _) => format!("{hours} h {mins} min"),
        _ => format!("{days} d {hours} h"),
    }
}

/// The http(s) links inside free text, without trailing punctuation.
pub fn urls(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .map(|w| w.trim_start_matches(['(', '[', '\'']))
        .filter(|w| w.starts_with("https://") || w.starts_with("http://"))
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '\'']))
}

/// Text typed on one line for one line of output: line breaks and other
/// control characters become spaces, runs of spaces one.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first letter in capitals: "speed of fix" -> "Speed of fix".
pub fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A note after what it is about: " — note", or nothing when there is none.
pub fn aside(note: &str) -> String {
    match one_line(note) {
        n if n.is_empty() => String::new(),
        n => format!(" — {n}"),
    }
}

/// `text` on one line, or "(not recorded yet)" when there is nothing.
pub fn or_missing(text: Option<&str>) -> String {
    match text.map(one_line) {
        Some(t) if !t.is_empty() => t,
        _ => NOT_RECORDED.to_owned(),
    }
}

/// A change of owner as it happened: "Alex Kim took ownership from Sam",
/// "Sam handed over to Alex Kim", "Dana handed it from Sam to Alex Kim".
pub fn hand_over(h: &HandOver) -> String {
    let same = crate::command::same_person;
    let (to, by) = (one_line(&h.to), one_line(&h.by));
    match h.from.as_deref().map(one_line) {
        None if by.is_empty() || same(&by, &to) => format!("{to} took ownership"),
        None => format!("{by} made {to} the owner"),
        Some(from) if !by.is_empty() && same(&by, &to) => {
            format!("{to} took ownership from {from}")
        }
        Some(from) if by.is_empty() || same(&by, &from) => {
            format!("{from} handed over to {to}")
        }
        Some(from) => format!("{by} handed it from {from} to {to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_as_people_say_them() {
        assert_eq!(length(Duration::minutes(45)), "45 min");
        assert_eq!(length(Duration::minutes(100)), "1 h 40 min");
        assert_eq!(length(Duration::minutes(120)), "2 h");
        assert_eq!(length(Duration::minutes(3000)), "2 d 2 h");
    }

    #[test]
    fn a_change_of_owner_says_who_did_it() {
        use crate::command::{Command, NewEvidence, apply};
        use crate::model::{EvidenceKind, State};
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 26, 2, 0, 0).unwrap();
        let mut state = State::default();
        let declare = Command::Declare {
            title: "Checkout 500s".into(),
            evidence: NewEvidence {
                kind: EvidenceKind::ErrorScreen,
                text: "errors".into(),
                link: None,
            },
            owner: Some("Jo".into()),
        };
        apply(&mut state, declare, "Sam", t0).unwrap();
        let id = state.incidents.keys().next().unwrap().clone();
        let hand = |to: &str| Command::HandOver {
            incident: id.clone(),
            to: to.into(),
            note: "over to you".into(),
        };
        apply(&mut state, hand("Alex"), "Jo", t0 + Duration::minutes(1)).unwrap();
        apply(&mut state, hand("Dana"), "Dana", t0 + Duration::minutes(2)).unwrap();
        apply(&mut state, hand("Lee"), "Sam", t0 + Duration::minutes(3)).unwrap();
        let incident = &state.incidents[&id];
        let (roster, settings) = (Roster::default(), Settings::default());
        let pack = Pack::new(incident, &roster, &settings, t0);
        let said: Vec<String> = incident
            .hand_overs
            .iter()
            .map(|h| pack.hand_over(h))
            .collect();
        assert_eq!(
            said,
            [
                "Sam made Jo the owner",
                "Jo handed over to Alex",
                "Dana took ownership from Alex",
                "Sam handed it from Dana to Lee",
            ]
        );
    }

    #[test]
    fn only_updates_a_service_took_are_counted_as_posted() {
        use crate::command::{Command, NewEvidence, apply};
        use crate::model::comms::Delivery;
        use crate::model::{EvidenceKind, State};
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 26, 2, 0, 0).unwrap();
        let at = |m| t0 + Duration::minutes(m);
        let mut state = State::default();
        let declare = Command::Declare {
            title: "Checkout 500s".into(),
            evidence: NewEvidence {
                kind: EvidenceKind::ErrorScreen,
                text: "errors".into(),
                link: None,
            },
            owner: None,
        };
        apply(&mut state, declare, "Sam", t0).unwrap();
        let id = state.incidents.keys().next().unwrap().clone();
        for (m, delivery) in [
            (1, Some(Delivery::Sent { ts: None })),
            (
                2,
                Some(Delivery::Unknown {
                    why: "reset".into(),
                }),
            ),
            (3, None),
            (
                4,
                Some(Delivery::Failed {
                    why: "archived".into(),
                }),
            ),
        ] {
            let post = Command::PostUpdate {
                incident: id.clone(),
                text: format!("update {m}"),
                channel: None,
                next_in: None,
            };
            apply(&mut state, post, "Sam", at(m)).unwrap();
            if let Some(delivery) = delivery {
                let record = Command::RecordDelivery {
                    incident: id.clone(),
                    channel: "#expedite".into(),
                    update_at: at(m),
                    update_by: None,
                    delivery,
                };
                apply(&mut state, record, "Sam", at(m)).unwrap();
            }
        }
        let (roster, settings) = (Roster::default(), Settings::default());
        let pack = Pack::new(&state.incidents[&id], &roster, &settings, at(5));
        assert_eq!(
            pack.updates(),
            "4 updates (4 in #expedite): 1 posted, 1 sent with no answer (it may have arrived), 2 recorded but not posted by Expedite"
        );
    }

    #[test]
    fn links_in_text_lose_the_punctuation_after_them() {
        let found: Vec<&str> =
            urls("See https://x.test/pr/1, and (https://y.test/T-2). ftp://no").collect();
        assert_eq!(found, ["https://x.test/pr/1", "https://y.test/T-2"]);
    }
}
