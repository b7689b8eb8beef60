//! Importing contacts and shifts: read the file (text, at most 10 MB), work
//! out what it would change, show that, and apply it whole or not at all.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::{Problem, csv_roster, ical, vcard};
use crate::command::RosterChange;
use crate::model::Role;
use crate::model::roster::{Contact, Feed, Merged, Roster, RosterError, Shift};

pub use super::bytes::{FileText, MAX_BYTES, decode};

/// How far back an import keeps shifts that have already ended: long enough
/// to ask who was on call when last week's incident started (the postmortem
/// wants it), short enough that a feed's years of history stay out.
pub const KEEP_ENDED_DAYS: i64 = 30;

/// Why a file or a feed could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing was given to import.
    NothingGiven,
    /// A file was given to subscribe to (as given).
    FileNotFeed(String),
    /// Not a kind of file Expedite imports (its name).
    NotImportable(String),
    /// The file could not be opened (its name, why).
    CantOpen { name: String, why: String },
    /// The file could not be read (its name, why).
    CantRead { name: String, why: String },
    /// The file is over [`MAX_BYTES`] (its name, its size in bytes).
    TooBig { name: String, size: u64 },
    /// The file is not text (its name).
    NotText(String),
    /// A subscribed feed's new text can't be read (the first problem).
    Unreadable(String),
    /// The feed could not be read from its address.
    Fetch(super::fetch::FetchError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NothingGiven => f.write_str(
                "Give the file to import (a .csv, .vcf or .ics) or a feed's address (https:// or webcal://).",
            ),
            Self::FileNotFeed(source) => write!(
                f,
                "{source} is a file: a file is read once. Subscribe to the feed's address (https:// or webcal://) to keep the rota current by itself."
            ),
            Self::NotImportable(name) => write!(
                f,
                "{name} is not a file Expedite can import. Import a CSV with a header row, a vCard (.vcf) or an iCalendar on-call feed (.ics)."
            ),
            Self::CantOpen { name, why } => write!(
                f,
                "{name} can't be opened: {why}. Import a CSV, vCard (.vcf) or iCalendar (.ics) file."
            ),
            Self::CantRead { name, why } => write!(f, "{name} can't be read: {why}."),
            Self::TooBig { name, size } => write!(
                f,
                "{name} is {:.1} MB; Expedite imports files of up to 10 MB. Split it, or export fewer people or a shorter period.",
                *size as f64 / 1_048_576.0
            ),
            Self::NotText(name) => write!(
                f,
                "{name} is not a text file. Import a CSV, vCard (.vcf) or iCalendar (.ics) file."
            ),
            Self::Unreadable(problem) => {
                write!(f, "What its address gives now can't be read: {problem}")
            }
            Self::Fetch(e) => e.fmt(f),
        }
    }
}

impl From<super::fetch::FetchError> for ImportError {
    fn from(e: super::fetch::FetchError) -> Self {
        Self::Fetch(e)
    }
}

impl From<ImportError> for String {
    fn from(e: ImportError) -> Self {
        e.to_string()
    }
}

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
    pub fn guess(path: &Path, text: &str) -> Result<Format, ImportError> {
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
            Err(ImportError::NotImportable(path.display().to_string()))
        }
    }
}

/// Reads a file to import, refusing one that is too big or not text.
pub fn read_file(path: &Path) -> Result<FileText, ImportError> {
    use std::io::Read as _;
    let name = || path.display().to_string();
    let too_big = |size: u64| ImportError::TooBig { name: name(), size };
    let file = crate::store::atomic::open_named(path).map_err(|e| ImportError::CantOpen {
        name: name(),
        why: e.to_string(),
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_BYTES {
        return Err(too_big(size));
    }
    // What is read is bounded too, whatever the size said (a file that
    // grows, or one the system says is empty).
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::CantRead {
            name: name(),
            why: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    decode(&bytes).ok_or_else(|| ImportError::NotText(name()))
}

/// Where a file is, as a feed's location: its full path, so reading it
/// again from another folder still finds the same feed.
pub fn location_of(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// What an import reads shifts with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The role shifts from a feed cover; by default each person's first role.
    pub role: Option<Role>,
    /// Now: shifts that ended more than [`KEEP_ENDED_DAYS`] before it are
    /// left out; repeats are filled in up to [`ical::HORIZON_WEEKS`] after it.
    pub now: DateTime<Utc>,
    /// Whose shifts a feed holds, for a personal feed that names nobody
    /// (GoAlert's); by default each event's own attendee or summary.
    pub whose: Option<String>,
    /// Where the file came from (a path or an address): a feed read again
    /// from the same place replaces what it gave before.
    pub location: Option<String>,
    /// Who imports (kept with the feed).
    pub by: String,
    /// Whether the feed is to be refreshed from its address by itself.
    pub subscribe: bool,
    /// Where the import says how far it has got.
    pub progress: super::Progress,
}

impl Options {
    /// Options for an import at `now` with nothing else said.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            role: None,
            now,
            whose: None,
            location: None,
            by: String::new(),
            subscribe: false,
            progress: super::Progress::default(),
        }
    }
}

/// What an import would do, worked out against one roster.
#[derive(Clone, Debug, Default)]
pub struct Preview {
    /// The contacts the file holds.
    pub contacts: Vec<Contact>,
    /// The shifts the file holds, for people on the roster.
    pub shifts: Vec<Shift>,
    /// The feed the shifts come from, as the rota will keep it.
    pub feed: Option<Feed>,
    /// Whether the feed is new to the rota (else it replaces its earlier reading).
    pub new_feed: bool,
    /// Broken records: while there are any, nothing is imported.
    pub problems: Vec<Problem>,
    /// Records left out, with their line and why.
    pub skipped: Vec<(usize, String)>,
    /// Whether the feed names nobody on the roster in any event: it is
    /// likely one person's own feed, and needs to be told whose.
    pub whose_needed: bool,
    /// Whether importing it subscribes to the feed, which was not
    /// subscribed to before: a change even when its shifts are all on the
    /// rota already.
    pub subscribes: bool,
    /// Things worth knowing that change nothing (unused columns).
    pub notes: Vec<String>,
    /// What merging would do to the roster.
    pub merged: Merged,
}

/// How many of a feed's UIDs the rota keeps to know it again.
const UID_SAMPLE: usize = 16;

/// What an import read, and what importing it would do.
#[derive(Clone, Debug)]
pub struct Read {
    /// The kind of file it is.
    pub format: Format,
    /// What importing it into the roster would do.
    pub preview: Preview,
    /// The text read: a subscribed feed's last good copy is kept from it.
    pub text: String,
}

/// Reads `source` — a file's path, or a feed's address (`https://`,
/// `webcal://`), fetched — tells its format and works out what importing
/// it into `roster` does, where it came from kept as the feed's location.
/// A note says so when a file was not UTF-8 or an address is not
/// encrypted; only an address can be subscribed to.
pub fn preview_from(roster: &Roster, source: &str, options: Options) -> Result<Read, ImportError> {
    let source = source.trim();
    if source.is_empty() {
        return Err(ImportError::NothingGiven);
    }
    let (file, format, location) = if super::fetch::looks_like_address(source) {
        (
            super::fetch::fetch(source)?,
            Format::ICalendar,
            source.to_owned(),
        )
    } else {
        if options.subscribe {
            return Err(ImportError::FileNotFeed(source.to_owned()));
        }
        let path = Path::new(source);
        let file = read_file(path)?;
        let format = Format::guess(path, &file.text)?;
        (file, format, location_of(path))
    };
    let options = Options {
        location: Some(location),
        ..options
    };
    let mut preview = preview(roster, &file.text, format, &options);
    preview.notes.splice(0..0, file.note);
    if source.to_ascii_lowercase().starts_with("http://") {
        preview.notes.insert(
            0,
            "The address starts http://, so the feed travels unencrypted: use its https:// address if the on-call tool gives one."
                .into(),
        );
    }
    Ok(Read {
        format,
        preview,
        text: file.text,
    })
}

/// The change that brings `roster` up to date with a subscribed feed's
/// new text, with what it does in words; `None` when it is up to date
/// already, or why the text can't be read (the rota is left as it was).
pub fn refresh_change(
    roster: &Roster,
    feed: &Feed,
    text: &str,
    now: DateTime<Utc>,
    by: &str,
) -> Result<Option<(RosterChange, String)>, ImportError> {
    let preview = refresh_preview(roster, feed, text, now, by);
    if let Some(problem) = preview.problems.first() {
        return Err(ImportError::Unreadable(problem.message.clone()));
    }
    let m = &preview.merged;
    let said = match (m.shifts_added, m.shifts_removed) {
        (0, 0) => "the shifts are as they were; the feed's record is updated.".to_owned(),
        (added, 0) => format!("{} added.", count(added, "shift", "shifts")),
        (0, removed) => format!("{} taken off.", count(removed, "shift", "shifts")),
        (added, removed) => format!(
            "{} added, {removed} taken off (moved, handed over or cancelled).",
            count(added, "shift", "shifts")
        ),
    };
    Ok(preview.can_apply().then(|| (preview.change(), said)))
}

/// What reading a subscribed feed's new text would do to `roster`: read
/// as it was first imported (its role, whose shifts), replacing what it
/// gave before.
pub fn refresh_preview(
    roster: &Roster,
    feed: &Feed,
    text: &str,
    now: DateTime<Utc>,
    by: &str,
) -> Preview {
    let options = Options {
        role: feed.role,
        whose: feed.whose.as_ref().map(|w| w.to_string()),
        location: Some(feed.location.to_string()),
        by: by.to_owned(),
        subscribe: true,
        ..Options::at(now)
    };
    preview(roster, text, Format::ICalendar, &options)
}

/// Reads `text` as `format` and works out what importing it into `roster` does.
pub fn preview(roster: &Roster, text: &str, format: Format, options: &Options) -> Preview {
    let mut preview = Preview::default();
    match format {
        Format::Csv => {
            let (contacts, problems, notes) =
                csv_roster::read_with(text, roster.phone_country(), &options.progress);
            preview.contacts = contacts.into_iter().map(|(_, c)| c).collect();
            preview.problems = problems;
            preview.notes = notes;
        }
        Format::VCard => {
            let (contacts, problems, notes) =
                vcard::read_with(text, roster.phone_country(), &options.progress);
            preview.contacts = contacts.into_iter().map(|(_, c)| c).collect();
            preview.problems = problems;
            preview.notes = notes;
        }
        Format::ICalendar => feed_preview(roster, text, options, &mut preview),
    }
    options.progress.set(0, 1, super::READING, 1.0);
    let mut after = roster.clone();
    preview.merged = after.merge(
        preview.contacts.clone(),
        preview.shifts.clone(),
        preview.feed.clone(),
    );
    options.progress.set(1, 1, 0.0, 1.0);
    preview
}

fn feed_preview(roster: &Roster, text: &str, options: &Options, preview: &mut Preview) {
    let window = ical::Window {
        from: options.now - Duration::days(KEEP_ENDED_DAYS),
        to: options.now + Duration::weeks(ical::HORIZON_WEEKS),
    };
    let read = ical::read_with(text, roster.office_zone(), window, &options.progress);
    if !read.problems.is_empty() {
        preview.problems = read.problems;
        return;
    }
    let whose = match options.whose.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => match roster.find(name) {
            Some(c) => Some(c),
            None => {
                let why =
                    roster
                        .check_name(name)
                        .err()
                        .unwrap_or_else(|| RosterError::NotOnRoster {
                            name: name.to_owned(),
                            nearest: None,
                        });
                preview.problems.push(Problem {
                    line: 0,
                    message: format!("{why} Choose whose shifts these are from the roster."),
                });
                return;
            }
        },
        _ => None,
    };
    let ical::Matched {
        mut shifts,
        unclear,
        ended,
    } = ical::shifts(roster, &read, options.role, whose);
    preview.whose_needed = whose.is_none()
        && shifts.is_empty()
        && !read.events.is_empty()
        && read
            .events
            .iter()
            .all(|e| e.emails.is_empty() && e.names.is_empty());
    let mut skipped = read.skipped.clone();
    skipped.extend(unclear);
    skipped.sort_by_key(|(line, _)| *line);
    preview.skipped = skipped;
    let location = options.location.clone().unwrap_or_default();
    let mut sample: Vec<&String> = read.uids.iter().collect();
    sample.sort_by_cached_key(|u| super::stable_id(u));
    sample.truncate(UID_SAMPLE);
    let known = roster.rota.feeds.iter().find(|f| {
        (!location.is_empty() && f.location == location)
            || f.uids
                .iter()
                .any(|u| sample.iter().any(|s| s.as_str() == u.as_str()))
    });
    let file_name = Path::new(&location)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|_| !location.contains("://"))
        .map(str::to_owned);
    let name = read
        .name
        .clone()
        .or(file_name)
        .or_else(|| (!location.is_empty()).then(|| location.clone()))
        .unwrap_or_else(|| "On-call feed".into());
    let id = known.map_or_else(
        || {
            let first = sample.first().map_or("", |u| u.as_str());
            super::stable_id(&format!("{location}|{name}|{first}"))
        },
        |f| f.id.to_string(),
    );
    preview.new_feed = known.is_none();
    for s in &mut shifts {
        s.source = Some(id.as_str().into());
    }
    preview.shifts = shifts;
    let was_subscribed = known.is_some_and(|f| f.subscribed);
    preview.subscribes = options.subscribe && !was_subscribed && !preview.whose_needed;
    preview.feed = Some(Feed {
        id: id.into(),
        name: name.into(),
        location: location.into(),
        uids: sample.into_iter().map(|u| u.as_str().into()).collect(),
        read: options.now,
        by: options.by.as_str().into(),
        from: window.from,
        until: read.cut_at,
        subscribed: options.subscribe || was_subscribed,
        role: options.role,
        whose: whose.map(|c| c.name.clone()),
        subscription_edit: if options.subscribe && !was_subscribed {
            Some(crate::model::incident::Edit {
                at: options.now,
                by: options.by.clone(),
            })
        } else {
            known.and_then(|f| f.subscription_edit.clone())
        },
    });
    if preview.whose_needed {
        preview.notes.push(format!(
            "None of the {} {} in this feed names anyone: it looks like one person's own calendar (GoAlert's personal feed is). Choose whose shifts they are, and preview again.",
            read.events.len(),
            plural(read.events.len(), "event", "events")
        ));
    }
    if ended > 0 {
        preview.notes.push(format!(
            "{} {} that ended more than {KEEP_ENDED_DAYS} days ago {} left out.",
            ended,
            plural(ended, "shift", "shifts"),
            if ended == 1 { "is" } else { "are" }
        ));
    }
    if read.cancelled > 0 {
        preview.notes.push(format!(
            "{} cancelled {} left out.",
            read.cancelled,
            if read.cancelled == 1 {
                "shift is"
            } else {
                "shifts are"
            }
        ));
    }
    if let Some(until) = read.cut_at {
        let local = until.with_timezone(&roster.office_zone());
        preview.notes.push(format!(
            "Repeating shifts are filled in up to {} ({} weeks ahead); {}",
            local.format("%a %-d %b %Y"),
            ical::HORIZON_WEEKS,
            if options.subscribe || was_subscribed {
                "the subscription keeps them going."
            } else {
                "import the feed again before then, or subscribe to it, to keep the rota going."
            }
        ));
    }
}

impl Preview {
    /// Whether applying would change anything and nothing stops it.
    pub fn can_apply(&self) -> bool {
        let m = &self.merged;
        self.problems.is_empty()
            && (!m.added.is_empty()
                || !m.changed.is_empty()
                || m.shifts_added > 0
                || m.shifts_removed > 0
                || self.subscribes)
    }

    /// The change that applies it.
    pub fn change(&self) -> RosterChange {
        RosterChange::Import {
            contacts: self.contacts.clone(),
            shifts: self.shifts.clone(),
            feed: self.feed.clone(),
        }
    }

    /// The preview in words, a line each: the verdict first, then what
    /// would be added, changed, taken off and skipped.
    pub fn lines(&self) -> Vec<String> {
        let m = &self.merged;
        let mut lines = Vec::new();
        if !self.problems.is_empty() {
            let n = self.problems.len();
            lines.push(
                if self.feed.is_none()
                    && self.contacts.is_empty()
                    && n == 1
                    && self.problems[0].line <= 1
                {
                    format!("Nothing will be imported: {}", self.problems[0].message)
                } else {
                    format!(
                        "Nothing will be imported: {n} {} can't be read. Fix {} and import again.",
                        plural(n, "record", "records"),
                        if n == 1 { "it" } else { "them" }
                    )
                },
            );
            for p in &self.problems {
                if p.line > 0 && !(n == 1 && lines[0].ends_with(&p.message)) {
                    lines.push(format!("Line {}: {}", p.line, p.message));
                } else if p.line == 0 {
                    lines.push(p.message.clone());
                }
            }
            return lines;
        }
        if !self.can_apply() {
            lines.push(if self.whose_needed {
                "Nothing to import yet: the feed doesn't say whose shifts these are.".to_owned()
            } else if self.shifts.is_empty() && self.contacts.is_empty() && !self.skipped.is_empty() {
                "Nothing to import: no event in the feed can be used (each is listed below with why).".to_owned()
            } else if self.feed.is_some() {
                "Nothing to import: the rota has this feed's shifts already.".to_owned()
            } else {
                "Nothing to import: everything in the file is on the roster already.".to_owned()
            });
        } else if !self.skipped.is_empty() {
            let n = self.skipped.len();
            lines.push(format!(
                "{n} {} can't be used and {} skipped (each is listed below with why); the rest imports.",
                if self.feed.is_some() {
                    plural(n, "event", "events")
                } else {
                    plural(n, "record", "records")
                },
                if n == 1 { "is" } else { "are" }
            ));
        }
        if let Some(feed) = &self.feed {
            if self.subscribes {
                lines.push(format!(
                    "Subscribe to {}: it is read again every hour while Expedite is open.",
                    feed.name
                ));
            }
            lines.push(if self.new_feed {
                format!("Feed: {} (new to the rota).", feed.name)
            } else {
                format!(
                    "Feed: {} — read before, so what it gave from {} on is replaced by what it gives now.",
                    feed.name,
                    feed.from.format("%-d %b %Y")
                )
            });
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
        if m.shifts_removed > 0 {
            lines.push(format!(
                "Take off {} {} the feed no longer has (moved, handed over or cancelled).",
                m.shifts_removed,
                plural(m.shifts_removed, "shift", "shifts")
            ));
        }
        const SHOWN: usize = 50;
        for (line, why) in self.skipped.iter().take(SHOWN) {
            lines.push(format!("Skip line {line}: {why}."));
        }
        if self.skipped.len() > SHOWN {
            lines.push(format!(
                "… and {} more skipped.",
                self.skipped.len() - SHOWN
            ));
        }
        let without: usize = self
            .contacts
            .iter()
            .map(Contact::numbers_without_country)
            .sum();
        if without > 0 {
            lines.push(format!(
                "{without} {} no country, so {} kept as written and may not dial from another country's phone: set Office hours → Phone country, or add a time zone to the {}.",
                plural(without, "number has", "numbers have"),
                if without == 1 { "it is" } else { "they are" },
                plural(without, "contact", "contacts"),
            ));
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

/// "1 shift", "3 shifts".
fn count(n: usize, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", plural(n, one, many))
}
