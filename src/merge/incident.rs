//! Merging two versions of an incident.

use chrono::{DateTime, Utc};

use super::{Pick, join, merge_set, pick};
use crate::model::{
    Call, EXPEDITE_CHANNEL, Evidence, FollowUp, FollowUpMark, HandOver, Incident, IncidentId,
    MetricReading, Part, Posting, TeamMember, TimelineEntry, Update,
};

/// Records, on the version a command produced, which parts it changed and
/// when, so that a later merge knows which change is the later one. A stamp
/// always comes after the one it replaces — by a nanosecond if this desk's
/// clock is behind the colleague's — so a change made after seeing
/// another's wins over it, whatever the clocks say.
pub fn stamp_incident(before: &Incident, after: &mut Incident, actor: &str, now: DateTime<Utc>) {
    for part in Part::ALL {
        if !same(part, before, after) {
            let edit = super::next_edit(before.edits.get(&part), actor, now);
            after.edits.insert(part, edit);
        }
    }
}

/// Merges two versions of one incident, given their common ancestor when
/// known. Symmetric: swapping `ours` and `theirs` gives the same incident.
pub fn merge_incident(base: Option<&Incident>, ours: &Incident, theirs: &Incident) -> Incident {
    match pick(base, ours, theirs) {
        Pick::Ours => return ours.clone(),
        Pick::Theirs => return theirs.clone(),
        Pick::Both => {}
    }
    let mut out = ours.clone();
    let mut notes = Vec::new();
    for part in Part::ALL {
        let edit_ours = ours.edits.get(&part);
        let edit_theirs = theirs.edits.get(&part);
        // A side changed the part when its value or its stamp moved on
        // from the ancestor: a part set and then set back is a change too,
        // and the later of the two changes wins.
        let changed = |side: &Incident| {
            base.is_none_or(|b| !same(part, b, side) || b.edits.get(&part) != side.edits.get(&part))
        };
        let take_theirs = match (changed(ours), changed(theirs)) {
            (_, false) => false,
            (false, true) => true,
            (true, true) if same(part, ours, theirs) => edit_theirs > edit_ours,
            (true, true) => {
                let theirs_later =
                    (edit_theirs, value_key(part, theirs)) > (edit_ours, value_key(part, ours));
                notes.push(lost_value(part, if theirs_later { ours } else { theirs }));
                theirs_later
            }
        };
        if take_theirs {
            copy(part, theirs, &mut out);
            match edit_theirs {
                Some(e) => out.edits.insert(part, e.clone()),
                None => out.edits.remove(&part),
            };
        }
    }
    if ours.opened_at != theirs.opened_at {
        out.opened_at = ours.opened_at.min(theirs.opened_at);
    }
    out.evidence = join(&ours.evidence, &theirs.evidence, evidence_key);
    out.hand_overs = join(&ours.hand_overs, &theirs.hand_overs, hand_over_key);
    out.calls = join(&ours.calls, &theirs.calls, |c: &Call| {
        (c.at, c.who.as_str(), c.by.as_str(), c.outcome)
    });
    out.communication.updates = join(
        &ours.communication.updates,
        &theirs.communication.updates,
        update_key,
    );
    out.communication.postings = join(
        &ours.communication.postings,
        &theirs.communication.postings,
        posting_key,
    );
    out.deployment.readings = join(
        &ours.deployment.readings,
        &theirs.deployment.readings,
        reading_key,
    );
    // Two desks reading the same minutes keep one bucket for each.
    out.series = crate::model::metric::join_buckets(&ours.series, &theirs.series);
    // Readings of a metric watched before are not this one's.
    if let Some(w) = &out.watch {
        let key = w.key();
        out.series.retain(|b| b.of == key);
    }
    out.follow_ups = join(&ours.follow_ups, &theirs.follow_ups, follow_up_key);
    // One follow-up marked on either desk: its marks from both, so the
    // later mark says where it stands.
    for f in &mut out.follow_ups {
        let key = follow_up_key(f);
        let same = |side: &Incident| {
            side.follow_ups
                .iter()
                .find(|g| follow_up_key(g) == key)
                .map(|g| g.marks.clone())
                .unwrap_or_default()
        };
        let (a, b) = (same(ours), same(theirs));
        f.marks = join(&a, &b, |m: &FollowUpMark| (m.at, m.by.clone(), m.done));
    }
    out.team.members = merge_set(
        base.map(|b| &b.team.members[..]),
        &ours.team.members,
        &theirs.team.members,
        |m: &TeamMember| (m.name.to_lowercase(), m.role),
    );
    out.team.not_needed = merge_set(
        base.map(|b| &b.team.not_needed[..]),
        &ours.team.not_needed,
        &theirs.team.not_needed,
        |r| *r,
    );
    let mut channels = merge_set(
        base.map(|b| &b.communication.channels[..]),
        &ours.communication.channels,
        &theirs.communication.channels,
        |c: &String| c.to_lowercase(),
    );
    // `#expedite` always gets the updates, and comes first.
    channels.retain(|c| !c.eq_ignore_ascii_case(EXPEDITE_CHANNEL));
    channels.insert(0, EXPEDITE_CHANNEL.to_owned());
    out.communication.channels = channels;
    let mut timeline = join(&ours.timeline, &theirs.timeline, timeline_key);
    if !notes.is_empty() {
        timeline.extend(notes);
        timeline.sort_by(|a, b| timeline_key(a).cmp(&timeline_key(b)));
        timeline.dedup_by(|a, b| timeline_key(a) == timeline_key(b));
    }
    // A verdict on the watched metric seen on two desks is one line: the
    // first (the timeline is in order, so the earliest is kept).
    let mut seen = std::collections::HashSet::new();
    let verdict = crate::model::metric::TIMELINE_LINE;
    timeline.retain(|e| !e.what.starts_with(verdict) || seen.insert(e.what.clone()));
    out.timeline = timeline;
    out
}

/// Whether two versions hold the same value for a part.
fn same(part: Part, a: &Incident, b: &Incident) -> bool {
    match part {
        Part::Title => a.title == b.title,
        Part::Owner => a.owner == b.owner,
        Part::Classification => a.classification == b.classification,
        Part::NextUpdate => a.communication.next_update_due == b.communication.next_update_due,
        Part::Fix => a.fix == b.fix,
        Part::Deployment => {
            let (x, y) = (&a.deployment, &b.deployment);
            x.deployed_at == y.deployed_at
                && x.usual_way == y.usual_way
                && x.rollback_plan == y.rollback_plan
        }
        Part::Summary => a.conclusion.summary_sent == b.conclusion.summary_sent,
        Part::OriginTold => a.conclusion.origin_told == b.conclusion.origin_told,
        Part::Postmortem => a.conclusion.postmortem == b.conclusion.postmortem,
        Part::Resolution => a.resolved_at == b.resolved_at && a.reopened == b.reopened,
        Part::Watch => a.watch == b.watch,
    }
}

/// Sets `to`'s part to `from`'s value.
fn copy(part: Part, from: &Incident, to: &mut Incident) {
    match part {
        Part::Title => to.title.clone_from(&from.title),
        Part::Owner => to.owner.clone_from(&from.owner),
        Part::Classification => to.classification.clone_from(&from.classification),
        Part::NextUpdate => to.communication.next_update_due = from.communication.next_update_due,
        Part::Fix => to.fix.clone_from(&from.fix),
        Part::Deployment => {
            to.deployment.deployed_at = from.deployment.deployed_at;
            to.deployment.usual_way = from.deployment.usual_way;
            to.deployment
                .rollback_plan
                .clone_from(&from.deployment.rollback_plan);
        }
        Part::Summary => to
            .conclusion
            .summary_sent
            .clone_from(&from.conclusion.summary_sent),
        Part::OriginTold => to
            .conclusion
            .origin_told
            .clone_from(&from.conclusion.origin_told),
        Part::Postmortem => to
            .conclusion
            .postmortem
            .clone_from(&from.conclusion.postmortem),
        Part::Watch => to.watch.clone_from(&from.watch),
        Part::Resolution => {
            to.resolved_at = from.resolved_at;
            to.reopened.clone_from(&from.reopened);
        }
    }
}

/// A total order on a part's values, for the rare tie between two changes
/// stamped at the same instant by the same name.
fn value_key(part: Part, inc: &Incident) -> String {
    match part {
        Part::Title => inc.title.clone(),
        Part::Owner => format!("{:?}", inc.owner),
        Part::Classification => format!("{:?}", inc.classification),
        Part::NextUpdate => format!("{:?}", inc.communication.next_update_due),
        Part::Fix => format!("{:?}", inc.fix),
        Part::Deployment => format!(
            "{:?} {} {}",
            inc.deployment.deployed_at, inc.deployment.usual_way, inc.deployment.rollback_plan
        ),
        Part::Summary => format!("{:?}", inc.conclusion.summary_sent),
        Part::OriginTold => format!("{:?}", inc.conclusion.origin_told),
        Part::Postmortem => format!("{:?}", inc.conclusion.postmortem),
        Part::Resolution => format!("{:?} {:?}", inc.resolved_at, inc.reopened),
        Part::Watch => format!("{:?}", inc.watch),
    }
}

/// The timeline line that keeps the value a later change replaced. It
/// names only the value lost, so that three desks merging in any order
/// write the same lines.
fn lost_value(part: Part, loser: &Incident) -> TimelineEntry {
    let edit = loser.edits.get(&part);
    TimelineEntry {
        at: edit.map_or(loser.opened_at, |e| e.at),
        by: edit.map(|e| e.by.clone()).unwrap_or_default(),
        what: format!(
            "Also set the {} to {} at the same time — the later change was kept",
            label(part),
            describe(part, loser),
        ),
        change: None,
    }
}

/// The part, as the sentence "Also set the … to …" names it.
fn label(part: Part) -> &'static str {
    match part {
        Part::Title => "title",
        Part::Owner => "owner",
        Part::Classification => "classification",
        Part::NextUpdate => "next update due",
        Part::Fix => "fix",
        Part::Deployment => "deployment",
        Part::Summary => "summary email",
        Part::OriginTold => "word to the origin",
        Part::Postmortem => "postmortem",
        Part::Resolution => "state",
        Part::Watch => "metric watched",
    }
}

/// A part's value in words.
fn describe(part: Part, inc: &Incident) -> String {
    let time = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let c = &inc.conclusion;
    match part {
        Part::Title => inc.title.clone(),
        Part::Owner => inc.owner.clone().unwrap_or_else(|| "nobody".into()),
        Part::Classification => {
            let class = &inc.classification;
            let mut text = class
                .decision
                .map_or("not classified", |d| d.describe())
                .to_owned();
            if !class.metrics.is_empty() {
                let metrics: Vec<&str> =
                    class.metrics.iter().map(|m| m.metric.describe()).collect();
                text.push_str(&format!(" ({})", metrics.join(", ")));
            }
            if let Some(advice) = &class.advice {
                text.push_str(&format!(", advice from {}", advice.asked));
            }
            if !class.expected_lifespan.is_empty() {
                text.push_str(&format!(", expected to last {}", class.expected_lifespan));
            }
            text
        }
        Part::NextUpdate => inc
            .communication
            .next_update_due
            .map_or("by the cadence".into(), time),
        Part::Fix => inc
            .fix
            .as_ref()
            .map_or("none".into(), |f| f.description.clone()),
        Part::Deployment => match inc.deployment.deployed_at {
            Some(at) => format!(
                "deployed {}{}",
                time(at),
                if inc.deployment.usual_way {
                    " the usual way"
                } else {
                    ""
                }
            ),
            None => "not deployed".into(),
        },
        Part::Summary => c
            .summary_sent
            .as_ref()
            .map_or("not sent".into(), |s| format!("sent by {}", s.done.by)),
        Part::OriginTold => c
            .origin_told
            .as_ref()
            .map_or("not told".into(), |o| format!("{} told", o.whom)),
        Part::Postmortem => c.postmortem.as_ref().map_or("not scheduled".into(), |p| {
            format!("{} with {}", time(p.at), p.owner)
        }),
        Part::Resolution => inc
            .resolved_at
            .map_or("open".into(), |at| format!("resolved {}", time(at))),
        Part::Watch => inc
            .watch
            .as_ref()
            .map_or("none".into(), |w| w.source.describe()),
    }
}

fn evidence_key(e: &Evidence) -> (DateTime<Utc>, &str, &str, Option<&str>, String) {
    (
        e.added_at,
        &e.added_by,
        &e.text,
        e.link.as_deref(),
        e.kind.describe(),
    )
}

fn hand_over_key(h: &HandOver) -> (DateTime<Utc>, &str, Option<&str>, &str, &str) {
    (h.at, &h.to, h.from.as_deref(), &h.note, &h.by)
}

fn update_key(u: &Update) -> (DateTime<Utc>, &str, &str, &str) {
    (u.at, &u.by, &u.channel, &u.text)
}

fn posting_key(p: &Posting) -> (DateTime<Utc>, DateTime<Utc>, &str, &str, String) {
    (
        p.at,
        p.update_at,
        &p.channel,
        &p.by,
        p.delivery.describe(&p.channel),
    )
}

fn reading_key(r: &MetricReading) -> (DateTime<Utc>, &str, u64, bool, &str) {
    (r.at, &r.by, r.value.to_bits(), r.normal, &r.note)
}

fn follow_up_key(f: &FollowUp) -> (DateTime<Utc>, &str, Option<&str>) {
    (f.added_at, &f.text, f.owner.as_deref())
}

type TimelineKey<'a> = (DateTime<Utc>, &'a str, &'a str, Option<(&'a str, &'a str)>);

fn timeline_key(e: &TimelineEntry) -> TimelineKey<'_> {
    (
        e.at,
        &e.by,
        &e.what,
        e.change.as_ref().map(|c| (c.from.as_str(), c.to.as_str())),
    )
}

/// Whether two versions are of one incident: the same id, declared at the
/// same moment with the same declaration line. Two declared apart that
/// ended up with one id differ at least in that line or that moment.
pub fn same_incident(a: &Incident, b: &Incident) -> bool {
    a.id == b.id && a.opened_at == b.opened_at && declared(a) == declared(b)
}

/// The declaration's line, wherever a merge put it among lines of the same
/// second.
fn declared(i: &Incident) -> Option<&TimelineEntry> {
    i.timeline
        .iter()
        .find(|e| e.at == i.opened_at && e.what.starts_with("Declared: "))
}

/// Two different incidents that ended up with one id (the same person
/// declaring on two desks the same day while apart). The one declared first
/// keeps the id; the other takes the next id `free` allows, with a line on
/// its timeline saying so. Every desk picks alike, so they stay in step.
pub fn split_collision(
    a: Incident,
    b: Incident,
    free: impl Fn(&IncidentId) -> bool,
) -> Option<(Incident, Incident)> {
    let key = |i: &Incident| {
        (
            i.opened_at,
            i.title.clone(),
            format!("{:?}", i.timeline.first()),
        )
    };
    let (kept, mut moved) = if key(&a) <= key(&b) { (a, b) } else { (b, a) };
    let (day, name, mut n) = moved.id.parts()?;
    let name = name.map(str::to_owned);
    let new_id = loop {
        n += 1;
        let id = match &name {
            Some(name) => IncidentId::parse(&format!("{}-{name}-{n}", day.format("%Y-%m-%d")))?,
            None => IncidentId::new(day, n),
        };
        if id != kept.id && free(&id) {
            break id;
        }
    };
    moved.timeline.push(TimelineEntry {
        at: moved.opened_at,
        by: String::new(),
        what: format!(
            "Renumbered {new_id}: {} was also given to another incident declared at the same time",
            moved.id
        ),
        change: None,
    });
    moved.id = new_id;
    Some((kept, moved))
}
