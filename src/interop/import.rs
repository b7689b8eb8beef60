//! Importing contacts and shifts: read the file (text, at most 10 MB), work
//! out what it would change, show that, and apply it whole or not at all.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::{Problem, csv_roster, ical, vcard};
use crate::command::RosterChange;
use crate::model::Role;
use crate::model::roster::{Contact, Merged, Roster, Shift};

/// The largest file an import reads.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How far back an import keeps shifts that have already ended: long enough
/// to ask who was on call when last week's incident started (the postmortem
/// wants it), short enough that a feed's years of history stay out.
pub const KEEP_ENDED_DAYS: i64 = 30;

/// The kinds of file an import understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A spreadsheet saved as CSV, with a header row.
    Csv,
    /// vCard 3.0 or 4.0 (`.vcf`), one or many cards.
    VCard,
    /// An iCalendar on-call feed (`.ics`).
    ICalendar,
}

impl Format {
    /// What a person calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::VCard => "vCard",
            Self::ICalendar => "iCalendar",
        }
    }

    /// The format of `text`, from the file name's ending or else its first line.
    pub fn guess(path: &Path, text: &str) -> Result<Format, String> {
        let ending = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ending.as_str() {
            "csv" => return Ok(Self::Csv),
            "vcf" | "vcard" => return Ok(Self::VCard),
            "ics" | "ical" | "ifb" | "icalendar" => return Ok(Self::ICalendar),
            _ => {}
        }
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        if first.eq_ignore_ascii_case("BEGIN:VCARD") {
            Ok(Self::VCard)
        } else if first.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
            Ok(Self::ICalendar)
        } else if first.contains(',') {
            Ok(Self::Csv)
        } else {
            Err(format!(
                "{} is not a file Expedite can import. Import a CSV with a header row, a vCard (.vcf) or an iCalendar on-call feed (.ics).",
                path.display()
            ))
        }
    }
}

/// Reads a file to import, refusing one that is too big or not text.
pub fn read_file(path: &Path) -> Result<String, String> {
    let name = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{name} can't be opened: {e}."))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "{name} is {:.1} MB; Expedite imports files of up to 10 MB. Split it, or export fewer people or a shorter period.",
            size as f64 / 1_048_576.0
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name} can't be read: {e}."))?;
    let not_text = || {
        format!("{name} is not a text file. Import a CSV, vCard (.vcf) or iCalendar (.ics) file.")
    };
    if bytes.contains(&0) {
        return Err(not_text());
    }
    let text = String::from_utf8(bytes).map_err(|_| not_text())?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// What an import reads shifts with.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The role shifts from a feed cover; by default each person's first role.
    pub role: Option<Role>,
    /// Now: shifts that ended more than [`KEEP_ENDED_DAYS`] before it are
    /// left out; repeats are expanded up to a horizon from it.
    pub now: DateTime<Utc>,
}

/// What an import would do, worked out against one roster.
#[derive(Clone, Debug, Default)]
pub struct Preview {
    /// The contacts the file holds.
    pub contacts: Vec<Contact>,
    /// The shifts the file holds, for people on the roster.
    pub shifts: Vec<Shift>,
    /// Broken records: while there are any, nothing is imported.
    pub problems: Vec<Problem>,
    /// Records left out, with their line and why.
    pub skipped: Vec<(usize, String)>,
    /// Things worth knowing that change nothing (unused columns).
    pub notes: Vec<String>,
    /// What merging would do to the roster.
    pub merged: Merged,
}

/// Reads `text` as `format` and works out what importing it into `roster` does.
pub fn preview(roster: &Roster, text: &str, format: Format, options: &Options) -> Preview {
    let mut preview = Preview::default();
    match format {
        Format::Csv => {
            let (contacts, problems, notes) = csv_roster::read(text);
            preview.contacts = contacts.into_iter().map(|(_, c)| c).collect();
            preview.problems = problems;
            preview.notes = notes;
        }
        Format::VCard => {
            let (contacts, problems) = vcard::read(text);
            preview.contacts = contacts.into_iter().map(|(_, c)| c).collect();
            preview.problems = problems;
        }
        Format::ICalendar => {
            let local = roster.office_zone();
            let (feed, problems) = ical::read(text, local, options.now);
            preview.problems = problems;
            let (shifts, unmatched) = ical::shifts(roster, &feed, options.role);
            let before = shifts.len();
            let kept_from = options.now - Duration::days(KEEP_ENDED_DAYS);
            preview.shifts = shifts.into_iter().filter(|s| s.end > kept_from).collect();
            let past = before - preview.shifts.len();
            if past > 0 {
                preview.notes.push(format!(
                    "{past} {} that ended more than {KEEP_ENDED_DAYS} days ago {} left out.",
                    plural(past, "shift", "shifts"),
                    if past == 1 { "is" } else { "are" }
                ));
            }
            preview.skipped = unmatched
                .into_iter()
                .map(|(line, who)| {
                    (line, format!("nobody on the roster matches \"{who}\" (by email or name); add them to the roster first"))
                })
                .collect();
        }
    }
    let mut after = roster.clone();
    preview.merged = after.merge(preview.contacts.clone(), preview.shifts.clone());
    preview
}

impl Preview {
    /// Whether applying would change anything and nothing stops it.
    pub fn can_apply(&self) -> bool {
        let m = &self.merged;
        self.problems.is_empty()
            && (!m.added.is_empty() || !m.changed.is_empty() || m.shifts_added > 0)
    }

    /// The change that applies it.
    pub fn change(&self) -> RosterChange {
        RosterChange::Import {
            contacts: self.contacts.clone(),
            shifts: self.shifts.clone(),
        }
    }

    /// The preview in words, a line each: the verdict first, then what
    /// would be added, changed and skipped.
    pub fn lines(&self) -> Vec<String> {
        let m = &self.merged;
        let mut lines = Vec::new();
        if !self.problems.is_empty() {
            lines.push(format!(
                "Nothing will be imported: {} {} can't be read. Fix {} and import again.",
                self.problems.len(),
                plural(self.problems.len(), "record", "records"),
                if self.problems.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
            for p in &self.problems {
                lines.push(format!("Line {}: {}", p.line, p.message));
            }
        } else if !self.can_apply() {
            lines
                .push("Nothing to import: everything in the file is on the roster already.".into());
        }
        if !m.added.is_empty() {
            lines.push(format!(
                "Add {} {}: {}",
                m.added.len(),
                plural(m.added.len(), "contact", "contacts"),
                list(m.added.iter().map(|n| n.to_string()))
            ));
        }
        if !m.changed.is_empty() {
            let changed = m
                .changed
                .iter()
                .map(|(n, what)| format!("{n} ({})", what.join(", ")));
            lines.push(format!(
                "Update {} {}: {}",
                m.changed.len(),
                plural(m.changed.len(), "contact", "contacts"),
                list(changed)
            ));
        }
        if !m.unchanged.is_empty() {
            lines.push(format!(
                "Leave {} {} as they are (same details).",
                m.unchanged.len(),
                plural(m.unchanged.len(), "contact", "contacts")
            ));
        }
        if m.shifts_added > 0 || m.shifts_known > 0 {
            let mut line = format!(
                "Add {} {}",
                m.shifts_added,
                plural(m.shifts_added, "shift", "shifts")
            );
            if m.shifts_known > 0 {
                let _ = write!(line, " ({} already on the rota)", m.shifts_known);
            }
            lines.push(line + ".");
        }
        for (line, why) in &self.skipped {
            lines.push(format!("Skip line {line}: {why}."));
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Up to ten items, then how many more.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut text = items
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > 10 {
        let _ = write!(text, " and {} more", items.len() - 10);
    }
    text
}
