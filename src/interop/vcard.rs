//! vCard 3.0 and 4.0 in (many cards per file; FN, N, TEL with TYPE, EMAIL,
//! ORG, ROLE, TITLE, NOTE, TZ; folded lines), vCard 4.0 out.

use super::{
    Problem, escape, parameter_values, parse, property_name, push_line, records, split_value,
    stable_id, text,
};
use crate::model::Role;
use crate::model::roster::{Contact, Phone, Roster, zone};

/// The contacts in a `.vcf` file, and the cards that could not be read.
pub fn read(file: &str) -> (Vec<(usize, Contact)>, Vec<Problem>) {
    let (cards, mut problems) = records(file, "VCARD");
    let mut contacts = Vec::with_capacity(cards.len());
    for card in &cards {
        match parse(card).and_then(|c| {
            contact(&c).map_err(|message| Problem {
                line: card.line,
                message,
            })
        }) {
            Ok(c) => contacts.push((card.line, c)),
            Err(problem) => problems.push(problem),
        }
    }
    if cards.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            message: "There is no card (BEGIN:VCARD … END:VCARD) in this file.".into(),
        });
    }
    problems.sort_by_key(|p| p.line);
    (contacts, problems)
}

/// One card as a contact, or why it can't be one.
fn contact(card: &icalendar::parser::Component<'_>) -> Result<Contact, String> {
    let mut c = Contact::default();
    let mut structured_name = None;
    let mut titles = Vec::new();
    for p in &card.properties {
        let raw = p.val.as_str();
        match property_name(p.name.as_str()).as_str() {
            "FN" => c.name = text(raw).trim().into(),
            "N" => {
                let parts = split_value(raw, ';');
                let family = parts.first().map_or("", |s| s.trim());
                let given = parts.get(1).map_or("", |s| s.trim());
                structured_name = Some(format!("{given} {family}").trim().to_owned());
            }
            "TEL" => {
                let number = text(raw);
                let number = number.trim();
                let number = number.strip_prefix("tel:").unwrap_or(number);
                let types = parameter_values(p, "TYPE");
                c.phones.push(Phone {
                    label: phone_label(&types).into(),
                    number: number.trim().into(),
                    extension: Default::default(),
                });
            }
            "EMAIL" if c.email.is_none() => {
                let email = text(raw);
                let email = email.trim();
                c.email = Some(email.strip_prefix("mailto:").unwrap_or(email).into());
            }
            "ORG" => {
                let units = split_value(raw, ';');
                let team = units.iter().rev().map(|u| u.trim()).find(|u| !u.is_empty());
                c.team = team.unwrap_or("").into();
            }
            "ROLE" | "TITLE" | "CATEGORIES" => titles.push(text(raw)),
            "NOTE" => c.notes = text(raw).trim().into(),
            "TZ" => {
                let tz = text(raw);
                let tz = tz.trim();
                if zone(tz).is_ok() {
                    c.time_zone = Some(tz.into());
                }
            }
            "X-EXPEDITE-CHAT" => c.chat = Some(text(raw).trim().into()),
            _ => {}
        }
    }
    if c.name.is_empty() {
        c.name = structured_name.unwrap_or_default().into();
    }
    if c.name.is_empty() {
        return Err("This card has no name (FN or N). Add one, or leave the card out.".into());
    }
    let mut unread = Vec::new();
    for title in titles {
        let before = c.roles.len();
        for role in roles_in(&title) {
            if !c.roles.contains(&role) {
                c.roles.push(role);
            }
        }
        if c.roles.len() == before && !title.trim().is_empty() {
            unread.push(title.trim().to_owned());
        }
    }
    if !unread.is_empty() {
        let titles = format!("Title: {}", unread.join(", "));
        c.notes = if c.notes.is_empty() {
            titles.into()
        } else {
            format!("{}\n{titles}", c.notes).into()
        };
    }
    c.check()?;
    Ok(c)
}

/// The roles named in a title or role text ("Developer, Reviewer").
pub(super) fn roles_in(text: &str) -> Vec<Role> {
    text.split([',', '/', ';', '&', '|'])
        .flat_map(|part| part.split(" and "))
        .filter_map(Role::parse)
        .collect()
}

fn phone_label(types: &[String]) -> &'static str {
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("cell") || has("mobile") {
        "mobile"
    } else if has("work") {
        "work"
    } else if has("home") {
        "home"
    } else {
        ""
    }
}

/// The roster's contacts as vCard 4.0 (RFC 6350), one card each, with UIDs
/// that stay the same from one export to the next.
pub fn write(roster: &Roster) -> String {
    let mut out = String::new();
    for c in &roster.contacts {
        push_line(&mut out, "BEGIN:VCARD");
        push_line(&mut out, "VERSION:4.0");
        push_line(
            &mut out,
            &format!(
                "UID:urn:x-expedite:contact:{}",
                stable_id(&c.name.to_lowercase())
            ),
        );
        push_line(&mut out, &format!("FN:{}", escape(&c.name)));
        for phone in &c.phones {
            let kind = match phone.label.as_str() {
                "mobile" | "cell" => "cell",
                "desk" | "work" | "office" => "work",
                "home" => "home",
                _ => "voice",
            };
            let value = Contact::dial(&phone.number)
                .map_or_else(|| escape(&phone.number), |digits| format!("tel:{digits}"));
            let uri = if value.starts_with("tel:") {
                ";VALUE=uri"
            } else {
                ""
            };
            push_line(&mut out, &format!("TEL{uri};TYPE={kind}:{value}"));
        }
        if let Some(email) = &c.email {
            push_line(&mut out, &format!("EMAIL:{}", escape(email)));
        }
        if !c.team.is_empty() {
            push_line(&mut out, &format!("ORG:{}", escape(&c.team)));
        }
        if !c.roles.is_empty() {
            let roles: Vec<&str> = c.roles.iter().map(|r| r.describe()).collect();
            push_line(&mut out, &format!("ROLE:{}", escape(&roles.join(", "))));
        }
        if let Some(tz) = &c.time_zone {
            push_line(&mut out, &format!("TZ:{}", escape(tz)));
        }
        if let Some(chat) = &c.chat {
            push_line(&mut out, &format!("X-EXPEDITE-CHAT:{}", escape(chat)));
        }
        if !c.notes.is_empty() {
            push_line(&mut out, &format!("NOTE:{}", escape(&c.notes)));
        }
        push_line(&mut out, "END:VCARD");
    }
    out
}
