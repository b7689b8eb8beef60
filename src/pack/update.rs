//! The text of an update, written for the channel it goes to: a short
//! Conditions / Actions / Needs for `#expedite`, a deployment notice for
//! `#deployments`, the fuller version for a dedicated channel.
//!
//! Plain text with one fact per line, which reads the same pasted into any
//! chat tool. What the poster typed may name its parts ("Conditions: …",
//! "Actions: …", "Needs: …", one a line, as the window's three fields
//! write it); a part not typed is written from the record, and a fact the
//! record does not have is left out, never filled with a placeholder.

use chrono::{DateTime, Utc};

use super::{Pack, aside, one_line};
use crate::model::{DEPLOYMENTS_CHANNEL, EXPEDITE_CHANNEL};

/// The update for `channel`; `typed` is what the poster wrote (what they see
/// now), `next_at` when the next update will come (the poster's choice, else
/// the cadence's).
pub fn text(pack: &Pack<'_>, channel: &str, typed: &str, next_at: Option<DateTime<Utc>>) -> String {
    let next_at = next_at.or(pack.next_update);
    match channel {
        EXPEDITE_CHANNEL => short(pack, typed, next_at),
        DEPLOYMENTS_CHANNEL => deployments(pack, typed, next_at),
        _ => full(pack, typed, next_at),
    }
}

fn heading(pack: &Pack<'_>, what: &str) -> String {
    let i = pack.incident;
    let state = match i.resolved_at {
        Some(at) => format!(" — resolved {}", pack.clock(at)),
        None => String::new(),
    };
    format!("{what}: {} ({}){state}", one_line(&i.title), i.id)
}

fn short(pack: &Pack<'_>, typed: &str, next_at: Option<DateTime<Utc>>) -> String {
    let typed = Typed::read(typed);
    let mut out = heading(pack, "Expedite update");
    out.push('\n');
    can(&mut out, pack, &typed);
    out.push_str(&next(pack, next_at));
    out
}

/// Conditions, Actions and Needs: as typed, else from the record.
fn can(out: &mut String, pack: &Pack<'_>, typed: &Typed) {
    maybe_line(
        out,
        "Conditions",
        typed.conditions.clone().or_else(|| conditions(pack)),
    );
    maybe_line(
        out,
        "Actions",
        typed.actions.clone().or_else(|| actions(pack)),
    );
    line(
        out,
        "Needs",
        &typed.needs.clone().unwrap_or_else(|| needs(pack)),
    );
}

/// What the poster typed, taken apart into the update's three parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    /// What we see.
    pub conditions: Option<String>,
    /// What we are doing.
    pub actions: Option<String>,
    /// What we need.
    pub needs: Option<String>,
}

impl Typed {
    /// Reads lines labelled "Conditions:", "Actions:" or "Needs:" (also
    /// "Condition", "Action", "Need", any case); unlabelled text is the
    /// conditions, as people write an update in one line.
    pub fn read(typed: &str) -> Self {
        let mut out = Self::default();
        let mut plain = Vec::new();
        for raw in typed.lines() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let (label, rest) = match line.split_once(':') {
                Some((label, rest)) => (label.trim().to_lowercase(), rest.trim()),
                None => (String::new(), line),
            };
            let slot = match label.as_str() {
                "conditions" | "condition" => &mut out.conditions,
                "actions" | "action" => &mut out.actions,
                "needs" | "need" => &mut out.needs,
                _ => {
                    plain.push(line);
                    continue;
                }
            };
            if !rest.is_empty() {
                let joined = match slot.take() {
                    Some(before) => format!("{before}; {rest}"),
                    None => rest.to_owned(),
                };
                *slot = Some(joined);
            }
        }
        if !plain.is_empty() {
            let plain = one_line(&plain.join(" "));
            out.conditions = Some(match out.conditions.take() {
                Some(c) => format!("{plain}; {c}"),
                None => plain,
            });
        }
        out
    }

    /// The three parts as the window's fields write them, one a line.
    pub fn write(conditions: &str, actions: &str, needs: &str) -> String {
        [
            ("Conditions", conditions),
            ("Actions", actions),
            ("Needs", needs),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}: {}", one_line(v)))
        .collect::<Vec<_>>()
        .join("\n")
    }
}

/// The incident's latest update as it is posted to its channel: the text
/// for that channel, written from the record as saved, at the update's time
/// and with the next update as now due.
pub fn as_posted(
    incident: &crate::model::Incident,
    roster: &crate::model::roster::Roster,
    settings: &crate::model::settings::Settings,
) -> Option<(crate::model::Update, String)> {
    let update = incident.last_update()?.clone();
    let pack = Pack::new(incident, roster, settings, update.at);
    let next = crate::model::comms::next_update_due(incident, settings);
    let posted = text(&pack, &update.channel, &update.text, next);
    Some((update, posted))
}

/// The Actions line the record gives, for the window's field to start from.
pub fn default_actions(pack: &Pack<'_>) -> String {
    actions(pack).unwrap_or_default()
}

/// The Needs line the record gives, for the window's field to start from.
pub fn default_needs(pack: &Pack<'_>) -> String {
    needs(pack)
}

fn deployments(pack: &Pack<'_>, typed: &str, next_at: Option<DateTime<Utc>>) -> String {
    let i = pack.incident;
    let d = &i.deployment;
    let mut out = heading(pack, "Deployment notice");
    out.push('\n');
    let status = match (d.deployed_at, &i.fix) {
        (Some(at), _) => format!(
            "the fix went out at {}{}",
            pack.clock(at),
            if d.usual_way {
                ", the usual way"
            } else {
                ", NOT the usual way"
            }
        ),
        (None, Some(fix)) => format!(
            "a fix is on its way ({}); please hold other deployments to the affected service until it is out",
            one_line(&fix.description)
        ),
        (None, None) => {
            "please hold deployments to the affected service until further notice".to_owned()
        }
    };
    line(&mut out, "Deployments", &status);
    let typed = Typed::read(typed);
    let details: Vec<String> = [typed.conditions, typed.actions, typed.needs]
        .into_iter()
        .flatten()
        .collect();
    if !details.is_empty() {
        line(&mut out, "Details", &details.join("; "));
    }
    if !d.rollback_plan.trim().is_empty() {
        line(&mut out, "Rollback plan", &one_line(&d.rollback_plan));
    }
    maybe_line(&mut out, "Owner", pack.owner().map(one_line));
    out.push_str(&next(pack, next_at));
    out
}

fn full(pack: &Pack<'_>, typed: &str, next_at: Option<DateTime<Utc>>) -> String {
    let i = pack.incident;
    let mut out = heading(pack, "Incident update");
    out.push('\n');
    maybe_line(&mut out, "Owner", pack.owner().map(one_line));
    line(&mut out, "Open for", &pack.duration());
    let decided = pack.incident.classification.decision.is_some();
    let decision = if decided {
        pack.decision()
    } else {
        "not decided yet".to_owned()
    };
    line(&mut out, "Classified", &decision);
    let impact: Vec<String> = i
        .classification
        .metrics
        .iter()
        .map(|m| match one_line(&m.note) {
            note if note.is_empty() => m.metric.describe().to_owned(),
            note => format!("{} ({note})", m.metric.describe()),
        })
        .collect();
    if !impact.is_empty() {
        line(&mut out, "Impact", &impact.join("; "));
    }
    can(&mut out, pack, &Typed::read(typed));
    if !i.team.members.is_empty() {
        line(&mut out, "Team", &pack.team());
    }
    if let Some(fix) = &i.fix {
        for d in &fix.deviations {
            line(
                &mut out,
                "Process deviation",
                &format!("{}: {}", d.reason.describe(), one_line(&d.justification)),
            );
        }
    }
    let rollback = &i.deployment.rollback_plan;
    if !rollback.trim().is_empty() {
        line(&mut out, "Rollback plan", &one_line(rollback));
    }
    for link in pack.links() {
        line(&mut out, "Link", &link);
    }
    out.push_str(&next(pack, next_at));
    out
}

/// What we see now, from the record: the latest reading, else the evidence
/// that confirmed it; once it came back, why, until a reading since.
fn conditions(pack: &Pack<'_>) -> Option<String> {
    let i = pack.incident;
    let last = i.deployment.readings.last();
    if let Some(back) = &i.reopened
        && last.is_none_or(|r| r.at < back.done.at)
    {
        return Some(format!(
            "it came back at {}: {}",
            pack.clock(back.done.at),
            one_line(&back.reason)
        ));
    }
    if let Some(r) = last {
        let normal = if r.normal {
            "back to normal"
        } else {
            "not normal yet"
        };
        let note = aside(&r.note);
        return Some(format!(
            "the metric read {} at {} ({normal}){note}",
            r.value,
            pack.clock(r.at)
        ));
    }
    i.evidence
        .last()
        .map(|e| format!("{}: {}", e.kind.describe(), one_line(&e.text)))
}

/// What we are doing, from the record.
fn actions(pack: &Pack<'_>) -> Option<String> {
    let i = pack.incident;
    if let Some(fix) = i.failed_fix() {
        return Some(format!(
            "the fix deployed earlier did not hold ({}); working on the next one",
            one_line(&fix.description)
        ));
    }
    Some(match (&i.fix, i.deployment.deployed_at) {
        (Some(fix), Some(at)) => format!(
            "fix deployed at {} ({}); watching the metric",
            pack.clock(at),
            one_line(&fix.description)
        ),
        (Some(fix), None) => format!("working on the fix: {}", one_line(&fix.description)),
        (None, _) => {
            // Only who is on it: someone called who has not answered is
            // said as such, never as working on it.
            let (engaged, waiting): (Vec<_>, Vec<_>) = i.team.members.iter().partition(|m| {
                i.last_call(&m.name)
                    .is_none_or(|c| c.outcome == crate::model::CallOutcome::Answered)
            });
            let named = |people: Vec<&crate::model::TeamMember>| {
                people
                    .iter()
                    .map(|m| format!("{} ({})", one_line(&m.name), m.role.describe()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut said = if engaged.is_empty() {
                format!("{} is investigating", pack.owner()?)
            } else {
                format!("investigating — {}", named(engaged))
            };
            if !waiting.is_empty() {
                said.push_str(&format!("; called, no answer yet: {}", named(waiting)));
            }
            said
        }
    })
}

/// What we need: the team's missing roles, else what the last update
/// asked for (still needed until someone says otherwise), else nothing.
fn needs(pack: &Pack<'_>) -> String {
    let missing = pack.roles_missing();
    if pack.incident.is_open() && !missing.is_empty() {
        let roles: Vec<String> = missing.iter().map(|r| format!("a {r}")).collect();
        return format!("{} to join the team", roles.join(", "));
    }
    pack.incident
        .last_stakeholder_update()
        .and_then(|u| Typed::read(&u.text).needs)
        .filter(|n| !n.trim().is_empty() && n.trim() != NOTHING)
        .unwrap_or_else(|| NOTHING.to_owned())
}

/// Needs, when nothing is.
const NOTHING: &str = "nothing right now";

fn next(pack: &Pack<'_>, next_at: Option<DateTime<Utc>>) -> String {
    match (pack.incident.is_open(), next_at) {
        (false, _) => "No more updates: the incident is resolved.\n".to_owned(),
        (true, Some(at)) => format!("Next update at {}.\n", pack.clock(at)),
        (true, None) => String::new(),
    }
}

fn maybe_line(out: &mut String, label: &str, value: Option<String>) {
    if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
        line(out, label, &value);
    }
}

fn line(out: &mut String, label: &str, value: &str) {
    out.push_str(label);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::model::roster::Roster;
    use crate::model::settings::Settings;
    use crate::model::{Evidence, EvidenceKind, Incident, IncidentId};

    fn incident() -> Incident {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
        let mut i = Incident::new(
            IncidentId::parse("2026-11-26-sam-1").unwrap(),
            "Checkout 500s".into(),
            t,
        );
        i.owner = Some("Sam Patel".into());
        i.evidence.push(Evidence {
            kind: EvidenceKind::ErrorScreen,
            text: "booking errors".into(),
            link: None,
            added_at: t,
            added_by: "Sam Patel".into(),
        });
        i
    }

    fn written(i: &Incident, channel: &str, typed: &str) -> String {
        let roster = Roster::default();
        let settings = Settings::default();
        let now = i.opened_at + Duration::minutes(10);
        let pack = Pack::new(i, &roster, &settings, now);
        text(&pack, channel, typed, Some(now + Duration::minutes(15)))
    }

    #[test]
    fn actions_name_as_engaged_only_who_answered_or_was_not_called() {
        use crate::model::{Call, CallOutcome, Role, TeamMember};
        let mut i = incident();
        for (name, role) in [("Alex Kim", Role::Developer), ("Ben Ode", Role::Tester)] {
            i.team.members.push(TeamMember {
                name: name.into(),
                role,
            });
        }
        let call = |who: &str, outcome, m| Call {
            at: i.opened_at + Duration::minutes(m),
            by: "Sam Patel".into(),
            who: who.into(),
            outcome,
        };
        i.calls.push(call("Ben Ode", CallOutcome::Answered, 1));
        i.calls.push(call("Ben Ode", CallOutcome::NoAnswer, 2));
        let out = written(&i, EXPEDITE_CHANNEL, "Errors");
        assert!(
            out.contains(
                "Actions: investigating — Alex Kim (developer); called, no answer yet: Ben Ode (tester)\n"
            ),
            "{out}"
        );
        i.calls.push(call("Alex Kim", CallOutcome::Called, 3));
        let out = written(&i, EXPEDITE_CHANNEL, "Errors");
        assert!(
            out.contains("Actions: Sam Patel is investigating; called, no answer yet: Alex Kim (developer), Ben Ode (tester)\n"),
            "{out}"
        );
    }

    #[test]
    fn what_was_typed_under_needs_is_the_need_not_nothing_right_now() {
        let i = incident();
        let out = written(
            &i,
            EXPEDITE_CHANNEL,
            "Errors down to 2/min\nNeed: reviewer on standby",
        );
        assert!(out.contains("Conditions: Errors down to 2/min\n"), "{out}");
        assert!(out.contains("Needs: reviewer on standby\n"), "{out}");
        assert!(!out.contains("nothing right now"), "{out}");
        assert!(
            !out.contains("Conditions: Errors down to 2/min; Need"),
            "{out}"
        );
    }

    #[test]
    fn the_three_fields_read_back_as_written_and_untyped_parts_come_from_the_record() {
        let typed = Typed::write("Errors falling", "", "a tester");
        assert_eq!(typed, "Conditions: Errors falling\nNeeds: a tester");
        let read = Typed::read(&typed);
        assert_eq!(read.conditions.as_deref(), Some("Errors falling"));
        assert_eq!(read.actions, None);
        let out = written(&incident(), EXPEDITE_CHANNEL, &typed);
        assert!(
            out.contains("Actions: Sam Patel is investigating\n"),
            "{out}"
        );
        assert!(out.contains("Needs: a tester\n"), "{out}");
    }

    #[test]
    fn a_deployment_notice_leaves_out_what_is_not_recorded() {
        let mut i = incident();
        let out = written(&i, DEPLOYMENTS_CHANNEL, "");
        assert!(!out.contains("Rollback plan"), "{out}");
        assert!(!out.contains("not recorded"), "{out}");
        i.deployment.rollback_plan = "revert PR 812".into();
        let out = written(&i, DEPLOYMENTS_CHANNEL, "Conditions: holding deploys");
        assert!(out.contains("Rollback plan: revert PR 812\n"), "{out}");
        assert!(out.contains("Details: holding deploys\n"), "{out}");
    }

    #[test]
    fn after_a_reopen_the_update_says_it_came_back_and_the_fix_did_not_hold() {
        let mut i = incident();
        let t = i.opened_at;
        i.fix = Some(crate::model::Fix {
            description: "Revert PR 4821".into(),
            deviations: Vec::new(),
            permanent_fix: None,
            recorded_at: t + Duration::minutes(3),
            recorded_by: "Sam Patel".into(),
        });
        i.deployment.readings.push(crate::model::MetricReading {
            at: t + Duration::minutes(5),
            value: 2.0,
            normal: true,
            note: String::new(),
            by: "Sam Patel".into(),
        });
        let before = written(&i, EXPEDITE_CHANNEL, "");
        assert!(before.contains("(back to normal)"), "{before}");
        i.reopened = Some(crate::model::Reopening {
            done: crate::model::Done {
                at: t + Duration::minutes(8),
                by: "Sam Patel".into(),
            },
            reason: "errors are back after the cache flush".into(),
        });
        let out = written(&i, EXPEDITE_CHANNEL, "");
        assert!(!out.contains("back to normal"), "{out}");
        assert!(
            out.contains("it came back at")
                && out.contains(": errors are back after the cache flush\n"),
            "{out}"
        );
        assert!(
            out.contains("Actions: the fix deployed earlier did not hold (Revert PR 4821); working on the next one\n"),
            "{out}"
        );
        // A reading taken since says where it stands again.
        i.deployment.readings.push(crate::model::MetricReading {
            at: t + Duration::minutes(9),
            value: 40.0,
            normal: false,
            note: String::new(),
            by: "Sam Patel".into(),
        });
        let out = written(&i, EXPEDITE_CHANNEL, "");
        assert!(out.contains("the metric read 40"), "{out}");
    }

    #[test]
    fn what_the_last_update_asked_for_is_still_needed_in_the_next() {
        let mut i = incident();
        // The team is formed: no role is missing.
        i.team.not_needed = crate::model::Role::TEAM.to_vec();
        assert_eq!(
            default_needs(&Pack::new(
                &i,
                &Roster::default(),
                &Settings::default(),
                i.opened_at
            )),
            "nothing right now"
        );
        i.communication.updates.push(crate::model::Update {
            at: i.opened_at + Duration::minutes(5),
            by: "Sam Patel".into(),
            channel: EXPEDITE_CHANNEL.into(),
            text: Typed::write("Errors falling", "", "a DBA to check the locks"),
        });
        let (roster, settings) = (Roster::default(), Settings::default());
        let pack = Pack::new(&i, &roster, &settings, i.opened_at + Duration::minutes(6));
        assert_eq!(default_needs(&pack), "a DBA to check the locks");
    }
}
