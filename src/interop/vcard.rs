//! vCard 2.1, 3.0 and 4.0 in (many cards per file; FN, N, TEL with its
//! types and extension, every EMAIL, ORG, ROLE, TITLE, NOTE, TZ; folded
//! lines; 2.1's QUOTED-PRINTABLE with soft line breaks and CHARSET; grouped
//! properties with Apple's labels), vCard 4.0 out.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{
    FoundEmail, Problem, Progress, READING, Record, email_label, escape, left_out_note, parameter,
    parameter_values, parse, phone, property_name, push_line, put_emails, records, split_value,
    stable_id, text,
};
use crate::model::Role;
use crate::model::phone::label;
use crate::model::roster::{Contact, Roster, zone};

/// The contacts in a `.vcf` file, and the cards that could not be read.
/// A number written without `+` is read as one of `country` (the office's).
pub fn read(file: &str, country: Option<&str>) -> (Vec<(usize, Contact)>, Vec<Problem>) {
    let (contacts, problems, _) = read_with(file, country, &Progress::default());
    (contacts, problems)
}

/// [`read`], saying how far it has got, with notes for the preview
/// (addresses left out).
pub fn read_with(
    file: &str,
    country: Option<&str>,
    progress: &Progress,
) -> (Vec<(usize, Contact)>, Vec<Problem>, Vec<String>) {
    let (cards, mut problems) = records(file, "VCARD");
    let mut contacts = Vec::with_capacity(cards.len());
    let mut left_out: Vec<(String, String)> = Vec::new();
    for (n, card) in cards.iter().enumerate() {
        if n % 256 == 0 {
            progress.set(n, cards.len(), 0.0, READING);
        }
        let card = join_soft_breaks(card);
        match parse(&card).and_then(|c| {
            contact(&c, country).map_err(|message| Problem {
                line: card.line,
                message,
            })
        }) {
            Ok((c, dropped)) => {
                left_out.extend(dropped.into_iter().map(|a| (c.name.to_string(), a)));
                contacts.push((card.line, c));
            }
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
    (
        contacts,
        problems,
        left_out_note(&left_out).into_iter().collect(),
    )
}

/// vCard 2.1 breaks a long QUOTED-PRINTABLE value with a `=` at the end of
/// the line (a soft line break) rather than by folding: joined here, so the
/// line syntax reads the value whole.
fn join_soft_breaks(card: &Record) -> Cow<'_, Record> {
    if !card.text.to_ascii_uppercase().contains("QUOTED-PRINTABLE") {
        return Cow::Borrowed(card);
    }
    let mut text = String::with_capacity(card.text.len());
    let mut continuing = false;
    for line in card.text.split("\r\n").filter(|l| !l.is_empty()) {
        let quoted = continuing || {
            let head = line.split(':').next().unwrap_or("");
            head.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
        };
        if quoted && line.ends_with('=') {
            text.push_str(&line[..line.len() - 1]);
            continuing = true;
        } else {
            text.push_str(line);
            text.push_str("\r\n");
            continuing = false;
        }
    }
    Cow::Owned(Record {
        line: card.line,
        text,
    })
}

/// A property's value as text: quoted-printable decoded and read in its
/// CHARSET (UTF-8 when none is named) where the card says so; as it stands
/// otherwise (the file itself was already read as text).
fn value<'a>(p: &'a icalendar::parser::Property<'_>) -> Cow<'a, str> {
    let raw = p.val.as_str();
    let quoted = parameter(p, "ENCODING")
        .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
        || p.params
            .iter()
            .any(|q| q.val.is_none() && q.key.as_str().eq_ignore_ascii_case("QUOTED-PRINTABLE"));
    if !quoted {
        return Cow::Borrowed(raw);
    }
    let bytes = quoted_printable(raw);
    let charset = parameter(p, "CHARSET")
        .and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (decoded, _, _) = charset.decode(&bytes);
    // A line break inside a value is CRLF in quoted-printable; "\n" here.
    Cow::Owned(decoded.replace("\r\n", "\n"))
}

/// Quoted-printable (RFC 2045) to bytes: `=XX` is a byte; a `=` that starts
/// no byte is kept as it is.
fn quoted_printable(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'='
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A property's type words, without 2.1's bare encoding and charset words.
fn types(p: &icalendar::parser::Property<'_>) -> Vec<String> {
    let mut types = parameter_values(p, "TYPE");
    types.retain(|t| {
        !matches!(
            t.as_str(),
            "quoted-printable" | "base64" | "8bit" | "7bit" | "b"
        )
    });
    types
}

/// Whether a property is marked as the one to use first (`PREF=1`, or
/// `pref` among its types).
fn preferred(p: &icalendar::parser::Property<'_>) -> bool {
    parameter(p, "PREF").is_some_and(|v| v.trim() == "1") || types(p).iter().any(|t| t == "pref")
}

/// One card as a contact, or why it can't be one.
fn contact(
    card: &icalendar::parser::Component<'_>,
    country: Option<&str>,
) -> Result<(Contact, Vec<String>), String> {
    let mut c = Contact::default();
    let mut structured_name = None;
    let mut titles = Vec::new();
    let mut emails = Vec::new();
    // What a group's label says (`item1.X-ABLabel:_$!<Mobile>!$_`): Apple's
    // way of naming a number or an address in a group.
    let group_labels: HashMap<String, String> = card
        .properties
        .iter()
        .filter(|p| property_name(p.name.as_str()) == "X-ABLABEL")
        .filter_map(|p| {
            let (group, _) = p.name.as_str().rsplit_once('.')?;
            Some((group.to_ascii_lowercase(), text(&value(p))))
        })
        .collect();
    let group_label = |name: &str| -> Option<&str> {
        let (group, _) = name.rsplit_once('.')?;
        group_labels
            .get(&group.to_ascii_lowercase())
            .map(String::as_str)
    };
    let mut phones = Vec::new();
    for p in &card.properties {
        let raw = value(p);
        match property_name(p.name.as_str()).as_str() {
            "FN" => c.name = text(&raw).trim().into(),
            "N" => {
                let parts = split_value(&raw, ';');
                let family = parts.first().map_or("", |s| s.trim());
                let given = parts.get(1).map_or("", |s| s.trim());
                structured_name = Some(format!("{given} {family}").trim().to_owned());
            }
            "TEL" => {
                let types = types(p);
                let mut words: Vec<&str> = types.iter().map(String::as_str).collect();
                words.extend(group_label(p.name.as_str()));
                let number = phone(&text(&raw), label(&words));
                if !number.number.is_empty() {
                    phones.push((preferred(p), number));
                }
            }
            "EMAIL" => {
                let types = types(p);
                let mut words: Vec<&str> = types.iter().map(String::as_str).collect();
                words.extend(group_label(p.name.as_str()));
                emails.push(FoundEmail {
                    label: email_label(&words),
                    address: text(&raw),
                    preferred: preferred(p),
                });
            }
            "ORG" => {
                let units = split_value(&raw, ';');
                let team = units.iter().rev().map(|u| u.trim()).find(|u| !u.is_empty());
                c.team = team.unwrap_or("").into();
            }
            "ROLE" | "TITLE" | "CATEGORIES" => titles.push(text(&raw)),
            "NOTE" => c.notes = text(&raw).trim().into(),
            "TZ" => {
                let tz = text(&raw);
                let tz = tz.trim();
                if zone(tz).is_ok() {
                    c.time_zone = Some(tz.into());
                }
            }
            "X-EXPEDITE-CHAT" => c.chat = Some(text(&raw).trim().into()),
            _ => {}
        }
    }
    // The preferred number first; the rest in the card's order.
    phones.sort_by_key(|(preferred, _)| !preferred);
    c.phones = phones.into_iter().map(|(_, p)| p).collect();
    c.keep_numbers_international(country);
    let left_out = put_emails(&mut c, emails);
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
    c.check().map_err(|e| e.to_string())?;
    Ok((c, left_out))
}

/// The roles named in a title or role text ("Developer, Reviewer").
pub(super) fn roles_in(text: &str) -> Vec<Role> {
    text.split([',', '/', ';', '&', '|'])
        .flat_map(|part| part.split(" and "))
        .filter_map(Role::parse)
        .collect()
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
                "work fax" => "work,fax",
                "home fax" => "home,fax",
                "fax" => "fax",
                "pager" => "pager",
                _ => "voice",
            };
            let ext = if phone.extension.is_empty() {
                String::new()
            } else {
                format!(";ext={}", phone.extension)
            };
            let value = Contact::dial(&phone.number).map_or_else(
                || escape(&format!("{}{ext}", phone.number)),
                |digits| format!("tel:{digits}{ext}"),
            );
            let uri = if value.starts_with("tel:") {
                ";VALUE=uri"
            } else {
                ""
            };
            push_line(&mut out, &format!("TEL{uri};TYPE={kind}:{value}"));
        }
        if let Some(email) = &c.email {
            push_line(&mut out, &format!("EMAIL;PREF=1:{}", escape(email)));
        }
        for more in &c.more_emails {
            let words: Vec<String> = more
                .label
                .split_whitespace()
                .map(|w| {
                    w.chars()
                        .filter(|c| c.is_alphanumeric() || *c == '-')
                        .collect()
                })
                .filter(|w: &String| !w.is_empty())
                .collect();
            let kind = if words.is_empty() {
                String::new()
            } else {
                format!(";TYPE={}", words.join(","))
            };
            push_line(&mut out, &format!("EMAIL{kind}:{}", escape(&more.address)));
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
