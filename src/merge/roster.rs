//! Merging two versions of the roster.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use smol_str::SmolStr;

use super::{Pick, Report, merge_set, pick};
use crate::model::Edit;
use crate::model::roster::{Contact, Override, Phone, Roster, Rotation, Shift};

/// The key a contact is known by across desks: its name, in lower case
/// (the roster refuses two contacts whose names differ only in case).
fn contact_key(name: &str) -> SmolStr {
    name.to_lowercase().into()
}

/// Records, on the roster a command produced, which contacts (and whether
/// the office hours) it changed, and when.
pub fn stamp_roster(before: &Roster, after: &mut Roster, actor: &str, now: DateTime<Utc>) {
    if before.office_hours != after.office_hours {
        after.office_hours_edit = Some(super::next_edit(
            before.office_hours_edit.as_ref(),
            actor,
            now,
        ));
    }
    if before.contacts == after.contacts {
        return;
    }
    let mut changed: Vec<SmolStr> = Vec::new();
    if before.contacts.len() == after.contacts.len()
        && before
            .contacts
            .iter()
            .zip(&after.contacts)
            .all(|(b, a)| b.name == a.name)
    {
        // Edited in place, the usual case: compare side by side.
        for (b, a) in before.contacts.iter().zip(&after.contacts) {
            if b != a {
                changed.push(contact_key(&a.name));
            }
        }
    } else {
        let old: HashMap<SmolStr, &Contact> = before
            .contacts
            .iter()
            .map(|c| (contact_key(&c.name), c))
            .collect();
        let mut kept = std::collections::HashSet::new();
        for contact in &after.contacts {
            let key = contact_key(&contact.name);
            if old.get(&key) != Some(&contact) {
                changed.push(key.clone());
            }
            kept.insert(key);
        }
        changed.extend(old.into_keys().filter(|k| !kept.contains(k)));
    }
    for key in changed {
        let edit = super::next_edit(before.contact_edits.get(&key), actor, now);
        after.contact_edits.insert(key, edit);
    }
}

/// Merges two versions of the roster, given their common ancestor when
/// known. Symmetric, except for the order of the report's lines.
pub fn merge_roster(base: Option<&Roster>, ours: &Roster, theirs: &Roster) -> (Roster, Report) {
    let mut report = Report::new();
    match pick(base, ours, theirs) {
        Pick::Ours => return (ours.clone(), report),
        Pick::Theirs => return (theirs.clone(), report),
        Pick::Both => {}
    }
    let mut out = Roster {
        contacts: merge_contacts(base, ours, theirs, &mut report),
        ..Roster::default()
    };
    out.contact_edits = ours.contact_edits.clone();
    for (key, edit) in &theirs.contact_edits {
        let entry = out.contact_edits.entry(key.clone()).or_insert(edit.clone());
        if edit > entry {
            *entry = edit.clone();
        }
    }
    let hours_ours = (&ours.office_hours_edit, format!("{:?}", ours.office_hours));
    let hours_theirs = (
        &theirs.office_hours_edit,
        format!("{:?}", theirs.office_hours),
    );
    let take_theirs = match pick(
        base.map(|b| &b.office_hours),
        &ours.office_hours,
        &theirs.office_hours,
    ) {
        Pick::Ours => hours_theirs.0 > hours_ours.0 && ours.office_hours == theirs.office_hours,
        Pick::Theirs => true,
        Pick::Both => {
            let later = hours_theirs > hours_ours;
            let (kept, lost) = if later {
                (&theirs.office_hours_edit, &ours.office_hours_edit)
            } else {
                (&ours.office_hours_edit, &theirs.office_hours_edit)
            };
            report.push(format!(
                "Office hours were changed on two desks; {}'s later change was kept over {}'s.",
                kept.as_ref().map_or("one desk", |e| e.by.as_str()),
                lost.as_ref().map_or("the other desk", |e| e.by.as_str()),
            ));
            later
        }
    };
    let from = if take_theirs { theirs } else { ours };
    out.office_hours.clone_from(&from.office_hours);
    out.office_hours_edit.clone_from(&from.office_hours_edit);
    out.rota.shifts = merge_set(
        base.map(|b| &b.rota.shifts[..]),
        &ours.rota.shifts,
        &theirs.rota.shifts,
        |s: &Shift| s.clone(),
    );
    out.rota.overrides = merge_set(
        base.map(|b| &b.rota.overrides[..]),
        &ours.rota.overrides,
        &theirs.rota.overrides,
        |o: &Override| o.clone(),
    );
    out.rota.feeds = merge_feeds(&ours.rota.feeds, &theirs.rota.feeds);
    out.rota.rotations = merge_set(
        base.map(|b| &b.rota.rotations[..]),
        &ours.rota.rotations,
        &theirs.rota.rotations,
        rotation_key,
    );
    (out, report)
}

/// The feeds both desks know, one each by id: the later reading or
/// subscription change of each. A feed one desk read and the other never
/// knew is kept (its shifts are, whatever the merge of shifts keeps).
fn merge_feeds(
    ours: &[crate::model::roster::Feed],
    theirs: &[crate::model::roster::Feed],
) -> Vec<crate::model::roster::Feed> {
    let mut out: Vec<crate::model::roster::Feed> = ours.to_vec();
    for feed in theirs {
        match out.iter_mut().find(|f| f.id == feed.id) {
            Some(mine) if feed.merge_key() > mine.merge_key() => *mine = feed.clone(),
            Some(_) => {}
            None => out.push(feed.clone()),
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn rotation_key(r: &Rotation) -> impl Ord + '_ {
    (
        &r.name,
        r.role,
        &r.people,
        r.hand_off_day.num_days_from_monday(),
        r.hand_off_time,
        &r.time_zone,
        r.starts,
    )
}

/// The contacts of both sides: each one once, changed as either side
/// changed it; a contact one side removed and the other changed is kept.
fn merge_contacts(
    base: Option<&Roster>,
    ours: &Roster,
    theirs: &Roster,
    report: &mut Report,
) -> Vec<Contact> {
    let index = |r: &Roster| -> BTreeMap<SmolStr, (usize, Contact)> {
        r.contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (contact_key(&c.name), (i, c.clone())))
            .collect()
    };
    let b = base.map(index).unwrap_or_default();
    let o = index(ours);
    let t = index(theirs);
    let mut keys: Vec<&SmolStr> = o.keys().chain(t.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out: Vec<(Option<usize>, SmolStr, Contact)> = Vec::new();
    for key in keys {
        let before = b.get(key).map(|(_, c)| c);
        let mine = o.get(key).map(|(_, c)| c);
        let yours = t.get(key).map(|(_, c)| c);
        let kept = match pick(base.map(|_| &before), &mine, &yours) {
            Pick::Ours => mine.cloned(),
            Pick::Theirs => yours.cloned(),
            Pick::Both => match (mine, yours) {
                (Some(m), Some(y)) => Some(merge_contact(
                    before,
                    (m, ours.contact_edits.get(key)),
                    (y, theirs.contact_edits.get(key)),
                    report,
                )),
                // Removed on one desk, changed on the other: keep the change.
                (Some(c), None) | (None, Some(c)) => Some(c.clone()),
                (None, None) => None,
            },
        };
        if let Some(contact) = kept {
            out.push((b.get(key).map(|(i, _)| *i), key.clone(), contact));
        }
    }
    // The ancestor's order for contacts it had; new ones after, by name.
    out.sort_by(|x, y| (x.0.is_none(), x.0, &x.1).cmp(&(y.0.is_none(), y.0, &y.1)));
    out.into_iter().map(|(_, _, c)| c).collect()
}

/// One contact changed on both desks: numbers and roles joined, each other
/// field from the side that changed it, or from the later change when both
/// did — the other value then kept in the contact's notes.
fn merge_contact(
    base: Option<&Contact>,
    (ours, ours_edit): (&Contact, Option<&Edit>),
    (theirs, theirs_edit): (&Contact, Option<&Edit>),
    report: &mut Report,
) -> Contact {
    let theirs_later = (theirs_edit, format!("{theirs:?}")) > (ours_edit, format!("{ours:?}"));
    let later = if theirs_later { theirs } else { ours };
    let mut out = later.clone();
    let mut also = Vec::new();
    let field = |get: fn(&Contact) -> String| {
        let (b, o, t) = (base.map(get), get(ours), get(theirs));
        match pick(b.as_ref(), &o, &t) {
            Pick::Ours => (o, None),
            Pick::Theirs => (t, None),
            Pick::Both => {
                let (kept, lost) = if theirs_later { (t, o) } else { (o, t) };
                (kept, Some(lost))
            }
        }
    };
    let (team, lost) = field(|c| c.team.to_string());
    out.team = team.into();
    also.extend(lost.filter(|l| !l.is_empty()).map(|l| format!("team {l}")));
    let (email, lost) = field(|c| c.email.as_deref().unwrap_or_default().to_owned());
    out.email = Some(SmolStr::from(email)).filter(|e| !e.is_empty());
    also.extend(lost.filter(|l| !l.is_empty()).map(|l| format!("email {l}")));
    let (chat, lost) = field(|c| c.chat.as_deref().unwrap_or_default().to_owned());
    out.chat = Some(SmolStr::from(chat)).filter(|e| !e.is_empty());
    also.extend(lost.filter(|l| !l.is_empty()).map(|l| format!("chat {l}")));
    let (zone, lost) = field(|c| c.time_zone.as_deref().unwrap_or_default().to_owned());
    out.time_zone = Some(SmolStr::from(zone)).filter(|e| !e.is_empty());
    also.extend(
        lost.filter(|l| !l.is_empty())
            .map(|l| format!("time zone {l}")),
    );
    let (mut notes, lost) = field(|c| c.notes.to_string());
    if let Some(lost) = lost.filter(|l| !l.is_empty() && !notes.contains(l.as_str())) {
        also.push(lost);
    }
    if !also.is_empty() {
        if !notes.is_empty() {
            notes.push_str(" · ");
        }
        notes.push_str(&format!("Also, from another desk: {}", also.join("; ")));
        report.push(format!(
            "{} was changed on two desks; the later change was kept and the other values put in the contact's notes.",
            later.name
        ));
    }
    out.notes = notes.into();
    out.roles = merge_set(
        base.map(|b| &b.roles[..]),
        &ours.roles,
        &theirs.roles,
        |r| *r,
    );
    out.phones = merge_set(
        base.map(|b| &b.phones[..]),
        &ours.phones,
        &theirs.phones,
        |p: &Phone| {
            p.number
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        },
    );
    out
}
