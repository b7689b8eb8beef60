//! Outside formats: vCard and CSV contacts, iCalendar on-call feeds, and the
//! files Expedite writes for others (vCard 4.0, `.ics`). The conclusion
//! pack's texts are the app's own words and live in [`crate::pack`]; its
//! invite uses the iCalendar writing here.
//!
//! vCard and iCalendar share one line syntax (RFC 6350 took it from RFC
//! 5545): folded lines, `NAME;PARAM=VALUE:value`, backslash escapes. The
//! `icalendar` crate's parser reads both; this module cuts a file into its
//! records first so that a broken record is reported with its own line number
//! and the rest of the file is still checked.

pub mod bytes;
pub mod csv_roster;
pub mod fetch;
pub mod ical;
pub mod import;
pub mod vcard;

use icalendar::parser::{Component, read_calendar_simple, unfold};
use smol_str::SmolStr;

use crate::model::roster::{Contact, Email, Phone};

/// How far reading a file has got, for a progress bar: one end kept by
/// the thread reading, the other by the window drawing it.
#[derive(Clone, Debug, Default)]
pub struct Progress(std::sync::Arc<std::sync::atomic::AtomicU32>);

impl Progress {
    /// `done` of `total` read (in whatever unit: bytes, records), of the
    /// part of the work from `from` to `to` (fractions of the whole).
    pub fn set(&self, done: usize, total: usize, from: f32, to: f32) {
        let part = if total == 0 {
            1.0
        } else {
            (done as f32 / total as f32).clamp(0.0, 1.0)
        };
        let whole = from + (to - from) * part;
        self.0.store(
            (whole * 1000.0) as u32,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// How much is done, from 0 to 1.
    pub fn fraction(&self) -> f32 {
        self.0.load(std::sync::atomic::Ordering::Relaxed) as f32 / 1000.0
    }
}

/// How much of an import's time reading the file takes; working out what
/// it changes takes the rest.
pub(crate) const READING: f32 = 0.85;

/// Something wrong with one record of a file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line of the file (from 1) the record starts on.
    pub line: usize,
    /// What is wrong, in words that say what to do.
    pub message: String,
}

/// One `BEGIN:NAME … END:NAME` record of a file and the line it starts on.
#[derive(Clone)]
struct Record {
    line: usize,
    text: String,
}

/// Cuts `text` into its `BEGIN:name` … `END:name` records (nested ones of
/// other names stay inside), reporting records that never end.
fn records(text: &str, name: &str) -> (Vec<Record>, Vec<Problem>) {
    let begin = format!("BEGIN:{name}");
    let end = format!("END:{name}");
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut open: Option<Record> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_end();
        if trimmed.eq_ignore_ascii_case(&begin) {
            if let Some(unfinished) = open.take() {
                problems.push(unended(unfinished.line, name));
            }
            open = Some(Record {
                line: n + 1,
                text: String::new(),
            });
        }
        if let Some(record) = &mut open {
            record.text.push_str(trimmed);
            record.text.push_str("\r\n");
            if trimmed.eq_ignore_ascii_case(&end) {
                found.extend(open.take());
            }
        }
    }
    if let Some(unfinished) = open {
        problems.push(unended(unfinished.line, name));
    }
    (found, problems)
}

fn unended(line: usize, name: &str) -> Problem {
    Problem {
        line,
        message: format!(
            "The record that starts here has no END:{name}. The file may be cut short: export it again."
        ),
    }
}

/// Parses one record into its component, or says where it is broken.
fn parse(record: &Record) -> Result<Component<'static>, Problem> {
    let unfolded = unfold(&record.text);
    match read_calendar_simple(&unfolded) {
        Ok(mut components) if !components.is_empty() => Ok(owned(components.swap_remove(0))),
        Ok(_) => Err(Problem {
            line: record.line,
            message: "This record is empty.".into(),
        }),
        Err(error) => {
            // The error points into the unfolded text; count whole lines up
            // to it (a folded line counts once, which is close enough).
            let offset = unfolded.len() - error.input.len();
            let line = record.line + unfolded[..offset].matches('\n').count();
            let near: String = error
                .input
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect();
            Err(Problem {
                line,
                message: format!(
                    "This line can't be read: \"{near}\". Lines look like NAME:value."
                ),
            })
        }
    }
}

fn owned(c: Component<'_>) -> Component<'static> {
    Component {
        name: c.name.into_owned(),
        properties: c
            .properties
            .into_iter()
            .map(|p| icalendar::parser::Property {
                name: p.name.into_owned(),
                val: p.val.into_owned(),
                params: p
                    .params
                    .into_iter()
                    .map(|q| icalendar::parser::Parameter {
                        key: q.key.into_owned(),
                        val: q.val.map(|v| v.into_owned()),
                    })
                    .collect(),
            })
            .collect(),
        components: c.components.into_iter().map(owned).collect(),
    }
}

/// The file's opening lines, before its first record, unfolded: where a
/// calendar keeps `X-WR-CALNAME` and `X-WR-TIMEZONE`.
fn unfold_head(file: &str) -> String {
    let end = file
        .match_indices("BEGIN:")
        .find(|(at, _)| {
            let rest = &file[at + 6..];
            !rest
                .get(..9)
                .is_some_and(|n| n.eq_ignore_ascii_case("VCALENDAR"))
        })
        .map_or(file.len(), |(at, _)| at);
    unfold(&file[..end])
}

/// `text` as an email address (a `mailto:` before it taken off), or `None`
/// when it is not one address: no parameters, no second scheme, no spaces.
pub fn safe_email(text: &str) -> Option<String> {
    let text = without_scheme(text.trim(), "mailto:");
    crate::web::is_address(text).then(|| text.to_owned())
}

/// `text` without `scheme` (`mailto:`, `tel:`) before it, in any case.
fn without_scheme<'a>(text: &'a str, scheme: &str) -> &'a str {
    match text.get(..scheme.len()) {
        Some(start) if start.eq_ignore_ascii_case(scheme) => &text[scheme.len()..],
        _ => text,
    }
}

/// One number as a file wrote it, made a roster number: a `tel:` taken
/// off, the extension kept apart, and the number in international form
/// when it says its country (`+`, `00`); the contact's reader then reads
/// the others in the contact's own country
/// (`Contact::keep_numbers_international`).
fn phone(written: &str, label: SmolStr) -> Phone {
    let mut phone = Phone {
        label,
        number: without_scheme(written.trim(), "tel:").trim().into(),
        extension: SmolStr::default(),
    };
    // Only the extension is taken apart here: the country to read the
    // number in is known once the whole record is (its own time zone).
    phone.keep_international(None);
    phone
}

/// Puts a file's addresses on a contact: the preferred usable one (else
/// the first) is where mail goes, every other is kept with its label. Each
/// is taken as an address only (a `mailto:` taken off). One that is not an
/// email address at all (Outlook's Exchange names, `/o=ExchangeLabs/…`, an
/// address with `?attach=` after it) is left out — never the contact, nor
/// the file — and returned, for the preview to say.
fn put_emails(contact: &mut Contact, found: Vec<FoundEmail>) -> Vec<String> {
    let (found, left_out): (Vec<FoundEmail>, Vec<FoundEmail>) = found
        .into_iter()
        .filter(|e| !e.address.trim().is_empty())
        .partition(|e| safe_email(&e.address).is_some());
    let main = found.iter().position(|e| e.preferred).unwrap_or(0);
    for (i, e) in found.into_iter().enumerate() {
        let address: SmolStr = safe_email(&e.address)
            .unwrap_or_else(|| e.address.trim().to_owned())
            .into();
        if address.is_empty()
            || contact
                .addresses()
                .any(|a| a.eq_ignore_ascii_case(&address))
        {
            continue;
        }
        if i == main {
            if let Some(first) = contact.email.replace(address) {
                contact.more_emails.insert(
                    0,
                    Email {
                        label: SmolStr::default(),
                        address: first,
                    },
                );
            }
        } else {
            contact.more_emails.push(Email {
                label: e.label,
                address,
            });
        }
    }
    left_out
        .into_iter()
        .map(|e| crate::text::one_line(&e.address, 60))
        .collect()
}

/// The preview's line for addresses left out of a file's contacts, by
/// contact: `None` when there were none.
fn left_out_note(left_out: &[(String, String)]) -> Option<String> {
    let (first_name, first) = left_out.first()?;
    let n = left_out.len();
    let mut names: Vec<&str> = left_out.iter().map(|(name, _)| name.as_str()).collect();
    names.dedup();
    let shown: Vec<&str> = names.iter().take(5).copied().collect();
    Some(format!(
        "{n} {} not an email address and {} left out (such as {first_name}'s \"{first}\"; Outlook writes Exchange names there); the rest of {} imports: {}{}.",
        if n == 1 {
            "address is"
        } else {
            "addresses are"
        },
        if n == 1 { "is" } else { "are" },
        if names.len() == 1 {
            "the contact"
        } else {
            "these contacts"
        },
        shown.join(", "),
        if names.len() > 5 {
            format!(" and {} more", names.len() - 5)
        } else {
            String::new()
        }
    ))
}

/// An address as a file gave it: its label and whether it is marked preferred.
struct FoundEmail {
    label: SmolStr,
    address: String,
    preferred: bool,
}

/// What an address's type words say it is ("work", "home"), without the
/// words that only say it is an address.
fn email_label(words: &[&str]) -> SmolStr {
    let quiet = [
        "internet", "pref", "x400", "smtp", "other", "email", "e-mail", "mail", "address", "value",
        "label", "type",
    ];
    let kept: Vec<String> = words
        .iter()
        .flat_map(|w| w.split([',', ' ', '*', '_', '$', '!', '<', '>']))
        .map(str::to_lowercase)
        .filter(|w| {
            !w.is_empty() && !quiet.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    kept.join(" ").into()
}

/// A property's name without its vCard group (`item1.TEL` is `TEL`), upper case.
fn property_name(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase()
}

/// The values of a parameter (`TYPE=work,voice` and bare vCard 3.0 `CELL`
/// both count), lower case.
fn parameter_values(property: &icalendar::parser::Property<'_>, key: &str) -> Vec<String> {
    let mut values = Vec::new();
    for p in &property.params {
        match &p.val {
            Some(v) if p.key.as_str().eq_ignore_ascii_case(key) => values.extend(
                v.as_str()
                    .trim_matches('"')
                    .split(',')
                    .map(|s| s.trim().to_ascii_lowercase()),
            ),
            None if key.eq_ignore_ascii_case("TYPE") => {
                values.push(p.key.as_str().to_ascii_lowercase())
            }
            _ => {}
        }
    }
    values
}

/// The first value of a parameter, as written.
fn parameter(property: &icalendar::parser::Property<'_>, key: &str) -> Option<String> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"').to_owned())
}

/// Splits a structured value on unescaped `separator`s and unescapes each part.
fn split_value(raw: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let last = parts.last_mut().expect("never empty");
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => last.push('\n'),
                Some(other) => last.push(other),
                None => {}
            },
            c if c == separator => parts.push(String::new()),
            c => last.push(c),
        }
    }
    parts
}

/// A text value unescaped.
fn text(raw: &str) -> String {
    split_value(raw, '\u{0}').remove(0)
}

/// Escapes text for a vCard or iCalendar value.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets (never inside a character)
/// and ended with CRLF, as both RFCs ask.
pub(crate) fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A short, stable id made from `text` (FNV-1a), for UIDs that stay the
/// same from one export to the next.
pub(crate) fn stable_id(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
