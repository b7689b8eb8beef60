//! `expedite who`: who covers each role now, or the contacts matching a query.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::model::Role;
use crate::model::roster::{Contact, Roster, search, zone};

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %d %b %H:%M").to_string()
}

/// Why the rota may not know who covered at `at`, when that is long enough
/// before `now` that an import would have left its shifts out.
fn history_note(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    let days = crate::interop::import::KEEP_ENDED_DAYS;
    (at < now - chrono::Duration::days(days)).then(|| {
        format!(
            "Imports keep shifts that ended up to {days} days before the import, so shifts from this time may be missing."
        )
    })
}

/// Who covers each role (or `only` that one) at `at`; `now` tells a question
/// about the past or the future from one about now.
pub fn cover(
    roster: &Roster,
    only: Option<Role>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    as_json: bool,
) -> String {
    let tz = roster.office_zone();
    let note = history_note(at, now);
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| only.is_none_or(|o| o == *r))
        .collect();
    let out_of_hours = roster.out_of_hours(at);
    if as_json {
        let roles: Vec<Value> = roles
            .iter()
            .map(|&role| {
                let cover = roster.cover(role, at);
                let now: Vec<Value> = cover
                    .now
                    .iter()
                    .map(|c| {
                        let mut person = roster.find(&c.who).map_or_else(|| json!({ "name": c.who.as_str() }), contact_json);
                        person["until"] = json!(c.until.map(|t| t.to_rfc3339()));
                        person
                    })
                    .collect();
                json!({
                    "role": role.describe(),
                    "rota": roster.rota.covers(role),
                    "now": now,
                    "next": cover.next.map(|(from, who)| json!({ "from": from.to_rfc3339(), "people": who })),
                })
            })
            .collect();
        let mut value =
            json!({ "at": at.to_rfc3339(), "out_of_hours": out_of_hours, "roles": roles });
        if let Some(note) = note {
            value["note"] = json!(note);
        }
        return format!("{value:#}\n");
    }
    let mut text = String::new();
    let when = local(at, tz);
    match (out_of_hours, &roster.office_hours) {
        (Some(true), Some(h)) => {
            let _ = write!(text, "Out of hours ({when}, {}).", tz.name());
            if let Some(open) = h.next_change(at) {
                let _ = write!(text, " Office opens {}.", local(open, tz));
            }
            text.push('\n');
        }
        (Some(false), _) => {
            let _ = writeln!(text, "In office hours ({when}, {}).", tz.name());
        }
        _ => {
            let _ = writeln!(
                text,
                "{when} UTC. Office hours are not set, so in or out of hours is not known."
            );
        }
    }
    if let Some(note) = note {
        let _ = writeln!(text, "{note}");
    }
    let then = if at == now { "now" } else { "at that time" };
    for role in roles {
        let cover = roster.cover(role, at);
        let _ = write!(text, "\n{}\n", role.title());
        if cover.now.is_empty() {
            // With nobody on call (no rota, or none of its turns then),
            // anyone with the role may be called: all of them, each with
            // their numbers.
            let anyone: Vec<_> = roster.with_role(role).collect();
            match (roster.rota.covers(role), anyone.is_empty()) {
                (true, true) => {
                    let _ = writeln!(text, "  Nobody on the rota {then}.");
                }
                (true, false) => {
                    let _ = writeln!(text, "  Nobody on the rota {then} — anyone with this role:");
                }
                (false, true) => {
                    text.push_str("  No rota, and nobody on the roster has this role.\n");
                }
                (false, false) => text.push_str("  No rota — anyone with this role:\n"),
            }
            for contact in anyone {
                let _ = writeln!(text, "  {}", contact.name);
                reach(&mut text, contact, "    ", at);
            }
        }
        for c in &cover.now {
            let _ = write!(text, "  {}", c.who);
            if let Some(until) = c.until {
                let _ = write!(text, " until {}", local(until, tz));
            }
            text.push('\n');
            match roster.find(&c.who) {
                Some(contact) => reach(&mut text, contact, "    ", at),
                None => text.push_str("    Not on the roster: no numbers known.\n"),
            }
        }
        if let Some((from, who)) = cover.next {
            let who = if who.is_empty() {
                "nobody".to_owned()
            } else {
                who.join(", ")
            };
            let _ = writeln!(text, "  Next: {who} from {}", local(from, tz));
        }
    }
    text
}

/// The contacts matching `query` (and `role`), best first, with their numbers
/// and, for those who live elsewhere, their local time at `now`.
pub fn find(
    roster: &Roster,
    query: &str,
    role: Option<Role>,
    now: DateTime<Utc>,
    as_json: bool,
) -> String {
    let hits: Vec<&Contact> = search(roster, query)
        .into_iter()
        .map(|i| &roster.contacts[i])
        .filter(|c| role.is_none_or(|r| c.roles.contains(&r)))
        .take(20)
        .collect();
    if as_json {
        let value = Value::Array(hits.into_iter().map(contact_json).collect());
        return format!("{value:#}\n");
    }
    if hits.is_empty() {
        return format!("Nobody on the roster matches \"{query}\".\n");
    }
    let mut text = String::new();
    for c in hits {
        let roles: Vec<&str> = c.roles.iter().map(|r| r.describe()).collect();
        let _ = write!(text, "{}", c.name);
        if !roles.is_empty() {
            let _ = write!(text, " — {}", roles.join(", "));
        }
        if !c.team.is_empty() {
            let _ = write!(text, " · {}", c.team);
        }
        text.push('\n');
        reach(&mut text, c, "  ", now);
    }
    text
}

/// A contact's numbers, email and chat, one per line, and their local time
/// when they live in another zone.
fn reach(text: &mut String, c: &Contact, indent: &str, at: DateTime<Utc>) {
    for p in &c.phones {
        let label = if p.label.is_empty() {
            "phone"
        } else {
            p.label.as_str()
        };
        let ext = if p.extension.is_empty() {
            String::new()
        } else {
            format!(" ext. {}", p.extension)
        };
        let not_to_call = if p.can_call() { "" } else { " (not for calls)" };
        let _ = writeln!(
            text,
            "{indent}{label}: {}{ext}{not_to_call}",
            crate::model::phone::show(&p.number)
        );
    }
    if let Some(email) = &c.email {
        let _ = writeln!(text, "{indent}email: {email}");
    }
    for more in &c.more_emails {
        let label = if more.label.is_empty() {
            "other email".to_owned()
        } else {
            format!("email ({})", more.label)
        };
        let _ = writeln!(text, "{indent}{label}: {}", more.address);
    }
    if let Some(chat) = &c.chat {
        let _ = writeln!(text, "{indent}chat: {chat}");
    }
    if let Some(tz) = c.time_zone.as_deref().and_then(|z| zone(z).ok()) {
        let _ = writeln!(
            text,
            "{indent}their time: {} ({})",
            at.with_timezone(&tz).format("%H:%M %a"),
            tz.name()
        );
    }
}

fn contact_json(c: &Contact) -> Value {
    json!({
        "name": c.name.as_str(),
        "roles": c.roles.iter().map(|r| r.describe()).collect::<Vec<_>>(),
        "team": c.team.as_str(),
        "phones": c.phones.iter().map(|p| json!({ "label": p.label.as_str(), "number": p.number.as_str(), "extension": p.extension.as_str(), "call": p.can_call() })).collect::<Vec<_>>(),
        "email": c.email.as_deref(),
        "more_emails": c.more_emails.iter().map(|e| json!({ "label": e.label.as_str(), "address": e.address.as_str() })).collect::<Vec<_>>(),
        "chat": c.chat.as_deref(),
        "time_zone": c.time_zone.as_deref(),
    })
}
