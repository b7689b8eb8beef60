//! The brief: where an open incident stands, on one screen, for the
//! colleague taking over — what is broken, who is on it, what was said last
//! and where, when the next update is due, and the next step. The window
//! shows it as the incident's first view; "Copy as hand-over note" copies
//! [`Brief::text`].

use chrono::{DateTime, Utc};

use super::{Pack, length, one_line};
use crate::model::comms::Delivery;
use crate::model::procedure;
use crate::model::{EXPEDITE_CHANNEL, Role};

/// A person named in the brief, with the number to call them on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// As the record names them.
    pub name: String,
    /// What they do here: "owner", "developer", "covers testers now".
    pub part: String,
    /// Their first number on the roster, as written.
    pub number: Option<String>,
    /// How the last call to them went: "no answer 03:12 UTC (Sam Patel)".
    pub last_call: Option<String>,
}

/// The brief's contents, each part in lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brief {
    /// "Checkout returns 500 (2026-12-02-sam-patel-1), declared 02:00 GMT, 1 h 5 min ago".
    pub headline: String,
    /// Why it is open again, when it was reopened.
    pub reopened: Option<String>,
    /// What is broken: the confirming metric, the latest reading.
    pub broken: Vec<String>,
    /// Who is on it: the owner, the team, and who covers a missing role now.
    pub people: Vec<Person>,
    /// Roles nobody has (and nobody marked not needed).
    pub missing: Vec<&'static str>,
    /// What was said last and where: the last update, the last hand-over note.
    pub said: Vec<String>,
    /// When the next update is due, in words.
    pub next_update: String,
    /// The next step of the procedure.
    pub next_step: String,
}

impl Brief {
    /// The brief for the pack's incident at the pack's time.
    pub fn new(pack: &Pack) -> Self {
        let incident = pack.incident;
        let now = pack.now;
        let since = now - incident.opened_at;
        let headline = format!(
            "{} ({}), declared {}, {}",
            crate::model::shorten(&one_line(&incident.title), 200),
            incident.id,
            pack.stamp(incident.opened_at),
            if since < chrono::Duration::minutes(1) {
                "just now".to_owned()
            } else {
                format!("{} ago", length(since))
            }
        );
        let reopened = incident
            .reopened
            .as_ref()
            .filter(|_| incident.is_open())
            .map(|r| {
                format!(
                    "Reopened {} by {}: {}",
                    pack.stamp(r.done.at),
                    one_line(&r.done.by),
                    one_line(&r.reason)
                )
            });

        let mut broken: Vec<String> = incident
            .evidence
            .last()
            .map(|e| pack.evidence(e))
            .into_iter()
            .collect();
        if let Some(r) = incident.deployment.readings.last() {
            let note = one_line(&r.note);
            // A "normal" read before the incident came back is no longer so.
            let before_reopen = incident
                .reopened
                .as_ref()
                .is_some_and(|back| r.at <= back.done.at);
            broken.push(format!(
                "Latest reading: {} ({}) at {} by {}{}",
                r.value,
                match (r.normal, before_reopen) {
                    (true, true) => "normal then, before it came back",
                    (true, false) => "normal",
                    (false, _) => "not normal yet",
                },
                pack.stamp(r.at),
                one_line(&r.by),
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" — {note}")
                }
            ));
        }
        broken.extend(pack.metric_lines());
        if incident.is_open()
            && incident.watched_since_deploy() == Some(crate::model::metric::Verdict::Normal)
        {
            broken.push("Back to normal since the fix: post a last update and resolve?".into());
        }
        if let Some(at) = incident.deployment.deployed_at {
            broken.push(format!("Fix deployed {}", pack.stamp(at)));
        } else if let Some(fix) = incident.failed_fix() {
            broken.push(format!(
                "The fix deployed before it came back did not hold: {}",
                one_line(&fix.description)
            ));
        } else if let Some(fix) = &incident.fix {
            broken.push(format!(
                "Fix (not deployed yet): {}",
                one_line(&fix.description)
            ));
        }

        let number = |name: &str| pack.roster.number_of(name).map(str::to_owned);
        let called = |name: &str| {
            incident.last_call(name).map(|c| {
                format!(
                    "{} {} ({})",
                    c.outcome.describe(),
                    pack.clock(c.at),
                    one_line(&c.by)
                )
            })
        };
        let mut people = Vec::new();
        if let Some(owner) = incident.owner.as_deref() {
            people.push(Person {
                name: owner.to_owned(),
                part: "owner".into(),
                number: number(owner),
                last_call: called(owner),
            });
        }
        for m in &incident.team.members {
            people.push(Person {
                name: m.name.clone(),
                part: m.role.describe().to_owned(),
                number: number(&m.name),
                last_call: called(&m.name),
            });
        }
        // Who could fill a role nobody has, as the rota says now.
        let missing: Vec<&'static str> = incident.team.uncovered().map(Role::describe).collect();
        for role in incident.team.uncovered() {
            for on_call in pack.roster.covering(role, now) {
                let until = on_call
                    .until
                    .map(|t| format!(" until {}", pack.clock(t)))
                    .unwrap_or_default();
                people.push(Person {
                    name: on_call.who.to_string(),
                    part: format!("on call as {}{until}, not on the team", role.describe()),
                    number: number(&on_call.who),
                    last_call: called(&on_call.who),
                });
            }
        }

        let mut said = Vec::new();
        if let Some(u) = incident.communication.updates.last() {
            let standing = match incident.posting_of(u).map(|p| &p.delivery) {
                Some(Delivery::Sent { .. }) => "posted",
                Some(Delivery::Queued { .. }) => "waiting to be posted",
                Some(Delivery::Failed { .. }) => "could not be posted",
                Some(Delivery::Unknown { .. }) => "posting got no answer",
                None => "recorded, not posted",
            };
            said.push(format!(
                "Last update {} in {} by {} ({standing}): {}",
                pack.stamp(u.at),
                u.channel,
                one_line(&u.by),
                one_line(&u.text)
            ));
            if u.channel != EXPEDITE_CHANNEL
                && let Some(s) = incident.last_stakeholder_update()
            {
                said.push(format!(
                    "Last in #expedite {} by {}: {}",
                    pack.stamp(s.at),
                    one_line(&s.by),
                    one_line(&s.text)
                ));
            }
        } else {
            said.push("No update posted yet.".to_owned());
        }
        // The last change of hands, with its note or saying it had none:
        // an older hand-over's note is not where things stand now.
        if let Some(h) = incident.hand_overs.last().filter(|h| h.from.is_some()) {
            let note = match one_line(&h.note) {
                note if note.trim().is_empty() => "no note was left".to_owned(),
                note => note,
            };
            said.push(format!(
                "{} {}: {note}",
                pack.hand_over(h),
                pack.stamp(h.at)
            ));
        }

        Self {
            headline,
            reopened,
            broken,
            people,
            missing,
            said,
            next_update: next_update(pack.next_update, now, pack),
            next_step: procedure::next_step(incident).step,
        }
    }

    /// The brief as plain text, to paste into a chat or read on a call.
    pub fn text(&self) -> String {
        let mut out = format!("Hand-over: {}\n", self.headline);
        if let Some(r) = &self.reopened {
            out.push_str(&format!("{r}\n"));
        }
        out.push_str("\nWhat is broken\n");
        for line in &self.broken {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str("\nWho is on it\n");
        for p in &self.people {
            let number = p
                .number
                .as_deref()
                .map(|n| format!(", {n}"))
                .unwrap_or_default();
            let call = p
                .last_call
                .as_deref()
                .map(|c| format!(" — {c}"))
                .unwrap_or_default();
            out.push_str(&format!("- {} ({}){number}{call}\n", p.name, p.part));
        }
        if !self.missing.is_empty() {
            out.push_str(&format!("- Nobody yet as: {}\n", self.missing.join(", ")));
        }
        out.push_str("\nWhat was said last\n");
        for line in &self.said {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str(&format!(
            "\n{}\nNext step: {}\n",
            self.next_update, self.next_step
        ));
        out
    }
}

/// "Next update due 03:15 GMT, in 12 min", "Next update overdue by 3 min
/// (was due 03:00 GMT)", or "Resolved: no more updates due".
fn next_update(due: Option<DateTime<Utc>>, now: DateTime<Utc>, pack: &Pack) -> String {
    let Some(due) = due else {
        return "Resolved: no more updates due.".to_owned();
    };
    if due >= now {
        // To the nearest minute: "in 5 min" right after a five-minute snooze.
        format!(
            "Next update due {}, in {}.",
            pack.clock(due),
            length(due - now + chrono::Duration::seconds(29))
        )
    } else if now - due < chrono::Duration::minutes(1) {
        format!("Next update overdue (was due {}).", pack.clock(due))
    } else {
        format!(
            "Next update overdue by {} (was due {}).",
            length(now - due),
            pack.clock(due)
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::command::{Command, NewEvidence, apply};
    use crate::model::roster::{Contact, Phone, Roster};
    use crate::model::settings::Settings;
    use crate::model::{EvidenceKind, State};

    fn t(m: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::minutes(m)
    }

    fn contact(name: &str, number: &str, role: Role) -> Contact {
        Contact {
            name: name.into(),
            roles: vec![role],
            phones: vec![Phone {
                label: "mobile".into(),
                number: number.into(),
                extension: Default::default(),
            }],
            ..Contact::default()
        }
    }

    #[test]
    fn the_brief_answers_the_four_questions_and_copies_as_text() {
        let mut state = State::default();
        let declare = Command::Declare {
            title: "Checkout returns 500".into(),
            evidence: NewEvidence {
                kind: EvidenceKind::ErrorTracker { count: 340 },
                text: "TypeErrors in checkout".into(),
                link: None,
            },
            owner: None,
        };
        apply(&mut state, declare, "Sam Patel", t(0)).unwrap();
        let id = state.incidents.keys().next().unwrap().clone();
        let steps = [
            Command::AddTeamMember {
                incident: id.clone(),
                name: "Alex Kim".into(),
                role: Role::Developer,
            },
            Command::PostUpdate {
                incident: id.clone(),
                text: "Rolling back".into(),
                channel: None,
                next_in: Some(Duration::minutes(20)),
            },
            Command::HandOver {
                incident: id.clone(),
                to: "Alex Kim".into(),
                note: "rollback half done; watch the error rate".into(),
            },
        ];
        for (n, step) in steps.into_iter().enumerate() {
            apply(&mut state, step, "Sam Patel", t(1 + n as i64)).unwrap();
        }
        let roster = Roster {
            contacts: vec![
                contact("Alex Kim", "+44 7700 900123", Role::Developer),
                contact("Sam Patel", "+44 7700 900456", Role::Developer),
            ],
            ..Roster::default()
        };
        let settings = Settings::default();
        let incident = &state.incidents[&id];
        let brief = Brief::new(&Pack::new(incident, &roster, &settings, t(10)));
        assert!(
            brief.headline.starts_with("Checkout returns 500 ("),
            "{}",
            brief.headline
        );
        assert!(brief.broken[0].starts_with("340 error-tracker events: TypeErrors in checkout"));
        assert_eq!(
            brief.people[0],
            Person {
                name: "Alex Kim".into(),
                part: "owner".into(),
                number: Some("+44 7700 900123".into()),
                last_call: None,
            }
        );
        assert_eq!(brief.people[1].part, "developer");
        assert!(brief.missing.contains(&"tester"));
        assert!(
            brief.said[0]
                .contains("in #expedite by Sam Patel (recorded, not posted): Rolling back")
        );
        assert!(brief.said[1].starts_with("Sam Patel handed over to Alex Kim"));
        assert!(brief.said[1].ends_with("rollback half done; watch the error rate"));
        assert!(
            brief.next_update.starts_with("Next update due "),
            "{}",
            brief.next_update
        );
        assert!(
            brief.next_update.ends_with(", in 12 min."),
            "{}",
            brief.next_update
        );
        let text = brief.text();
        assert!(text.starts_with("Hand-over: Checkout returns 500"));
        assert!(
            text.contains("- Alex Kim (owner), +44 7700 900123\n"),
            "{text}"
        );
        assert!(text.contains("Next step: "));
        // Overdue, it says by how much.
        let late = Brief::new(&Pack::new(incident, &roster, &settings, t(30)));
        assert!(
            late.next_update
                .starts_with("Next update overdue by 8 min (was due "),
            "{}",
            late.next_update
        );
    }

    #[test]
    fn after_a_reopen_the_brief_says_the_fix_did_not_hold() {
        let mut state = State::default();
        let declare = Command::Declare {
            title: "Checkout returns 500".into(),
            evidence: NewEvidence {
                kind: EvidenceKind::ErrorScreen,
                text: "booking errors".into(),
                link: None,
            },
            owner: None,
        };
        apply(&mut state, declare, "Sam Patel", t(0)).unwrap();
        let id = state.incidents.keys().next().unwrap().clone();
        let steps = [
            Command::RecordFix {
                incident: id.clone(),
                description: "Revert PR 4821".into(),
                deviations: Vec::new(),
                permanent_fix: None,
            },
            Command::RecordDeployment {
                incident: id.clone(),
                at: None,
                usual_way: true,
                rollback_plan: "redeploy v2.31.4".into(),
            },
            Command::Resolve {
                incident: id.clone(),
            },
            Command::Reopen {
                incident: id.clone(),
                reason: "errors are back".into(),
            },
        ];
        for (n, step) in steps.into_iter().enumerate() {
            apply(&mut state, step, "Sam Patel", t(1 + n as i64)).unwrap();
        }
        let (roster, settings) = (Roster::default(), Settings::default());
        let brief = Brief::new(&Pack::new(&state.incidents[&id], &roster, &settings, t(10)));
        let said = brief.broken.join("\n");
        assert!(
            said.contains("The fix deployed before it came back did not hold: Revert PR 4821"),
            "{said}"
        );
        assert!(!said.contains("not deployed yet"), "{said}");
    }
}
