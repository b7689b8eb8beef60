//! The text of an update, written for the channel it goes to: a short
//! Conditions / Actions / Needs for `#expedite`, a deployment notice for
//! `#deployments`, the fuller version for a dedicated channel.
//!
//! Plain text with one fact per line, which reads the same pasted into any
//! chat tool.

use chrono::{DateTime, Utc};

use super::{NOT_RECORDED, Pack, aside, one_line, or_missing};
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
    let mut out = heading(pack, "Expedite update");
    out.push('\n');
    line(&mut out, "Conditions", &conditions(pack, typed));
    line(&mut out, "Actions", &actions(pack));
    line(&mut out, "Needs", &needs(pack));
    out.push_str(&next(pack, next_at));
    out
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
    if !typed.trim().is_empty() {
        line(&mut out, "Details", &one_line(typed));
    }
    line(
        &mut out,
        "Rollback plan",
        &or_missing(Some(&d.rollback_plan)),
    );
    line(&mut out, "Owner", &or_missing(pack.owner()));
    out.push_str(&next(pack, next_at));
    out
}

fn full(pack: &Pack<'_>, typed: &str, next_at: Option<DateTime<Utc>>) -> String {
    let i = pack.incident;
    let mut out = heading(pack, "Incident update");
    out.push('\n');
    line(&mut out, "Owner", &or_missing(pack.owner()));
    line(&mut out, "Open for", &pack.duration());
    line(&mut out, "Classified", &pack.decision());
    let impact: Vec<String> = i
        .classification
        .metrics
        .iter()
        .map(|m| match one_line(&m.note) {
            note if note.is_empty() => m.metric.describe().to_owned(),
            note => format!("{} ({note})", m.metric.describe()),
        })
        .collect();
    line(
        &mut out,
        "Impact",
        &if impact.is_empty() {
            NOT_RECORDED.to_owned()
        } else {
            impact.join("; ")
        },
    );
    line(&mut out, "Conditions", &conditions(pack, typed));
    line(&mut out, "Actions", &actions(pack));
    line(&mut out, "Needs", &needs(pack));
    line(&mut out, "Team", &pack.team());
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

/// What we see now: the poster's words, else the latest reading, else the
/// evidence that confirmed it.
fn conditions(pack: &Pack<'_>, typed: &str) -> String {
    let i = pack.incident;
    if !typed.trim().is_empty() {
        return one_line(typed);
    }
    if let Some(r) = i.deployment.readings.last() {
        let normal = if r.normal {
            "back to normal"
        } else {
            "not normal yet"
        };
        let note = aside(&r.note);
        return format!(
            "the metric read {} at {} ({normal}){note}",
            r.value,
            pack.clock(r.at)
        );
    }
    match i.evidence.last() {
        Some(e) => format!("{}: {}", e.kind.describe(), one_line(&e.text)),
        None => NOT_RECORDED.to_owned(),
    }
}

/// What we are doing.
fn actions(pack: &Pack<'_>) -> String {
    let i = pack.incident;
    match (&i.fix, i.deployment.deployed_at) {
        (Some(fix), Some(at)) => format!(
            "fix deployed at {} ({}); watching the metric",
            pack.clock(at),
            one_line(&fix.description)
        ),
        (Some(fix), None) => format!("working on the fix: {}", one_line(&fix.description)),
        (None, _) if !i.team.members.is_empty() => format!("investigating — {}", pack.team()),
        (None, _) => match pack.owner() {
            Some(owner) => format!("{owner} is investigating"),
            None => NOT_RECORDED.to_owned(),
        },
    }
}

/// What we need: the team's missing roles, else nothing.
fn needs(pack: &Pack<'_>) -> String {
    let missing = pack.roles_missing();
    if pack.incident.is_open() && !missing.is_empty() {
        let roles: Vec<String> = missing.iter().map(|r| format!("a {r}")).collect();
        format!("{} to join the team", roles.join(", "))
    } else {
        "nothing right now".to_owned()
    }
}

fn next(pack: &Pack<'_>, next_at: Option<DateTime<Utc>>) -> String {
    match (pack.incident.is_open(), next_at) {
        (false, _) => "No more updates: the incident is resolved.\n".to_owned(),
        (true, Some(at)) => format!("Next update at {}.\n", pack.clock(at)),
        (true, None) => "Next update: (not set)\n".to_owned(),
    }
}

fn line(out: &mut String, label: &str, value: &str) {
    out.push_str(label);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}
