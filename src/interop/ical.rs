//! iCalendar on-call feeds in (as PagerDuty, Opsgenie, GoAlert, Grafana
//! OnCall, Google, Outlook and Thunderbird publish them) and the rota out as
//! `.ics`.
//!
//! Repeats are expanded by the `rrule` implementation the `icalendar` crate
//! brings (every RFC 5545 rule, and every RRULE an event has), in local
//! wall-clock time: the rule runs on the event's local times as if they
//! were UTC, and each local start and end then becomes an instant as RFC
//! 5545 says (`feed_instant`): a time in the hour the clocks skip is read
//! with the offset before the change, and a time the clocks pass twice is
//! the first. A DTEND's end is read on the clock, so a 09:00 hand-off stays
//! at 09:00 across a clock change (see `raw_event`); a DURATION's days are
//! days on the clock, its hours exact hours, as RFC 5545 says. RDATE
//! (also as periods with their own end), EXDATE, RECURRENCE-ID overrides
//! (also with `RANGE=THISANDFUTURE`) and cancelled instances are applied
//! here. Repeats are filled in up to the window's end; shifts the calendar
//! lists one by one are taken up to [`LISTED_WEEKS`] ahead.
//!
//! A feed is read event by event: one event that can't be used is skipped
//! with its line and why, and the others import.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{
    DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset as _, TimeZone as _, Utc,
};
use chrono_tz::Tz;
use icalendar::{Calendar, Component as _, Event, EventLike as _};
use icalendar::{RRule, Tz as RuleTz, UnvalidatedRRule};

use super::{
    Problem, parameter, parameter_values, parse, property_name, records, text, unfold_head,
};
use crate::model::Role;
use crate::model::roster::{Contact, Roster, Shift, start_instant, zone};

/// How far ahead a repeat with no end is filled in.
pub const HORIZON_WEEKS: i64 = 26;

/// How far ahead a shift the calendar lists by itself (not a repeat) is
/// taken: a rota planned a year and more ahead is read whole.
pub const LISTED_WEEKS: i64 = 104;

/// The most shifts a whole feed may fill the period with: far past any
/// on-call rota (a team of 100 with a shift a day for 26 weeks is 18,200),
/// short of what would take a desk's memory. A feed that goes past it is
/// refused whole, with why, rather than read in part.
pub const MAX_FEED_SHIFTS: usize = 100_000;

/// The most repeats worked out for a whole feed, in the period or before
/// it: a bound on the time a feed of old daily repeats takes to read.
pub const MAX_FEED_STEPS: usize = 2_000_000;

/// The most occurrences one event may have in the period imported: on-call
/// cover doesn't change hands every few minutes, and a rule that says so
/// would fill the rota with millions of entries.
pub const MAX_OCCURRENCES: usize = 10_000;

/// The period an import fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Occurrences that ended before this are left out.
    pub from: DateTime<Utc>,
    /// Occurrences that start after this are left out.
    pub to: DateTime<Utc>,
}

/// One event's on-call periods, with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedShift {
    /// Line of its `BEGIN:VEVENT`.
    pub line: usize,
    /// Its UID, if it has one.
    pub uid: Option<String>,
    /// Attendees' addresses (without `mailto:`), in order.
    pub emails: Vec<String>,
    /// Attendees' names (CN), in order.
    pub names: Vec<String>,
    /// Its summary.
    pub summary: String,
    /// Start and end of each occurrence in the period.
    pub times: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// How many of its occurrences ended before the period.
    pub ended: usize,
}

/// What a feed holds for the period imported.
#[derive(Clone, Debug, Default)]
pub struct Feed {
    /// Its name (`X-WR-CALNAME`), if it gives one.
    pub name: Option<String>,
    /// The events with occurrences in the period.
    pub events: Vec<FeedShift>,
    /// Events that can't be used: their line and why.
    pub skipped: Vec<(usize, String)>,
    /// Every UID in the feed.
    pub uids: Vec<String>,
    /// Occurrences cancelled (STATUS:CANCELLED).
    pub cancelled: usize,
    /// Set when a repeat goes on past the period: the rota then has the
    /// feed's cover only up to here.
    pub cut_at: Option<DateTime<Utc>>,
    /// Why the file is not a calendar at all (then nothing is read).
    pub problems: Vec<Problem>,
}

/// Reads a feed; floating times and all-day events are taken in the feed's
/// own zone (`X-WR-TIMEZONE`), else in `local`.
pub fn read(file: &str, local: Tz, window: Window) -> Feed {
    read_with(file, local, window, &super::Progress::default())
}

/// [`read`], saying how far it has got.
pub fn read_with(file: &str, local: Tz, window: Window, progress: &super::Progress) -> Feed {
    let mut feed = Feed::default();
    let head = unfold_head(file);
    let mut local = local;
    for line in head.lines() {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let name = name.split(';').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("X-WR-TIMEZONE") {
            if let Ok(tz) = known_zone(value) {
                local = tz;
            }
        } else if name.eq_ignore_ascii_case("X-WR-CALNAME") {
            let value = text(value).trim().to_owned();
            if !value.is_empty() {
                feed.name = Some(value);
            }
        }
    }
    let (events, unended) = records(file, "VEVENT");
    let calendar = file
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR"));
    if events.is_empty() && unended.is_empty() {
        feed.problems.push(Problem {
            line: 1,
            message: if calendar {
                "There is no event (BEGIN:VEVENT … END:VEVENT) in this calendar.".into()
            } else {
                "This is not an iCalendar file: it has no BEGIN:VCALENDAR and no events. Export the on-call calendar as .ics.".into()
            },
        });
        return feed;
    }
    feed.skipped
        .extend(unended.into_iter().map(|p| (p.line, p.message)));
    let zones = Zones::read(file, window);
    // Each event on its own, then overrides joined to the series they change.
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    let mut alone = Vec::new();
    for (n, record) in events.iter().enumerate() {
        if n % 256 == 0 {
            progress.set(n, events.len(), 0.0, super::READING / 2.0);
        }
        let parsed = parse(record)
            .map_err(|p| p.message)
            .and_then(|e| raw_event(&e, record.line, local, &zones));
        match parsed {
            Ok(event) => match event.uid.clone() {
                Some(uid) => {
                    let entry = series.entry(uid).or_default();
                    if event.recurrence_id.is_some() {
                        entry.overrides.push(event);
                    } else {
                        entry.masters.push(event);
                    }
                }
                None => alone.push(event),
            },
            Err(why) => feed.skipped.push((record.line, why)),
        }
    }
    feed.uids = series.keys().cloned().collect();
    let total = alone.len() + series.len();
    let half = super::READING / 2.0;
    let mut budget = Budget::new();
    let mut refused = None;
    for (n, event) in alone.into_iter().enumerate() {
        if n % 256 == 0 {
            progress.set(n, total, half, super::READING);
        }
        if let Err(why) = expand_series(&mut feed, vec![event], Vec::new(), window, &mut budget) {
            refused = Some(why);
            break;
        }
    }
    let done = total - series.len();
    for (n, (_, s)) in std::mem::take(&mut series).into_iter().enumerate() {
        if refused.is_some() {
            break;
        }
        if n % 256 == 0 {
            progress.set(done + n, total, half, super::READING);
        }
        if let Err(why) = expand_series(&mut feed, s.masters, s.overrides, window, &mut budget) {
            refused = Some(why);
        }
    }
    if let Some(why) = refused {
        // Refused whole: never a rota read in part.
        return Feed {
            name: feed.name,
            problems: vec![Problem {
                line: 0,
                message: why,
            }],
            ..Feed::default()
        };
    }
    feed.skipped.sort_by_key(|(line, _)| *line);
    feed.events.sort_by_key(|e| e.line);
    feed
}

#[derive(Default)]
struct Series {
    masters: Vec<RawEvent>,
    overrides: Vec<RawEvent>,
}

/// An event as written, before its repeats are worked out.
#[derive(Clone, Debug)]
struct RawEvent {
    line: usize,
    uid: Option<String>,
    emails: Vec<String>,
    names: Vec<String>,
    summary: String,
    start: When,
    length: Length,
    /// Every RRULE: the occurrences are their union.
    rules: Vec<String>,
    /// RDATEs, a period's with its own length.
    rdates: Vec<(When, Option<Length>)>,
    exdates: Vec<When>,
    /// The occurrence it replaces, and whether it replaces the later ones too.
    recurrence_id: Option<(When, bool)>,
    cancelled: bool,
}

/// A DTSTART, DTEND, RDATE, EXDATE or RECURRENCE-ID value: a local time
/// in a zone (UTC for `Z` times), or a day.
#[derive(Clone, Copy, Debug, PartialEq)]
struct When {
    at: NaiveDateTime,
    zone: Tz,
    all_day: bool,
}

/// How long an occurrence lasts: time on the clock (a DTEND's, a
/// DURATION's days and weeks), then exact time (a DURATION's hours,
/// minutes and seconds, an RDATE period's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Length {
    wall: Duration,
    exact: Duration,
}

impl Length {
    fn wall(wall: Duration) -> Self {
        Self {
            wall,
            exact: Duration::zero(),
        }
    }

    fn is_positive(&self) -> bool {
        self.wall + self.exact > Duration::zero()
    }

    /// When an occurrence starting at `start` on `zone`'s clock ends.
    fn end(&self, zone: Tz, start: NaiveDateTime) -> DateTime<Utc> {
        feed_instant(zone, start + self.wall) + self.exact
    }
}

/// The instant a feed's local time means, as RFC 5545 says: in the hour
/// the clocks skip, the time read with the offset in force before the
/// change; when the clocks pass it twice, the first.
fn feed_instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    use chrono::LocalResult;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.to_utc(),
        LocalResult::Ambiguous(a, b) => a.to_utc().min(b.to_utc()),
        LocalResult::None => {
            // No zone's gap is longer than a few hours.
            let before = zone
                .from_local_datetime(&(local - Duration::hours(6)))
                .earliest()
                .map(|t| t.offset().fix().local_minus_utc())
                .unwrap_or(0);
            (local - Duration::seconds(i64::from(before))).and_utc()
        }
    }
}

impl When {
    /// The same moment as a local time in `zone`.
    fn local_in(&self, zone: Tz) -> NaiveDateTime {
        if self.zone == zone || self.all_day {
            self.at
        } else {
            start_instant(self.zone, self.at)
                .with_timezone(&zone)
                .naive_local()
        }
    }
}

fn raw_event(
    e: &icalendar::parser::Component<'_>,
    line: usize,
    local: Tz,
    zones: &Zones,
) -> Result<RawEvent, String> {
    let mut emails = Vec::new();
    let mut names = Vec::new();
    let mut summary = String::new();
    let mut uid = None;
    let mut start = None;
    let mut end = None;
    let mut duration = None;
    let mut rules = Vec::new();
    let mut rdates = Vec::new();
    let mut exdates = Vec::new();
    let mut recurrence_id = None;
    let mut cancelled = false;
    for p in &e.properties {
        let raw = p.val.as_str();
        match property_name(p.name.as_str()).as_str() {
            "ATTENDEE" => {
                // With or without `mailto:` (PagerDuty leaves it out).
                if let Some(email) = super::safe_email(raw) {
                    emails.push(email);
                }
                if let Some(name) = parameter(p, "CN") {
                    let name = name.trim().to_owned();
                    if !name.is_empty() {
                        names.push(name);
                    }
                }
            }
            "UID" => uid = Some(text(raw).trim().to_owned()).filter(|u| !u.is_empty()),
            "SUMMARY" => summary = text(raw).trim().to_owned(),
            "DTSTART" => start = Some(when(raw, p, local, zones)?),
            "DTEND" => end = Some(when(raw, p, local, zones)?),
            "DURATION" => {
                duration = Some(length(raw).ok_or_else(|| {
                    format!("its DURATION \"{raw}\" can't be read (it looks like PT12H or P7D)")
                })?)
            }
            "RRULE" => rules.push(raw.trim().to_owned()),
            "RDATE" => {
                for value in raw.split(',') {
                    // A PERIOD: its start, then its end or its length.
                    let (begins, until) = match value.split_once('/') {
                        Some((begins, until)) => (begins, Some(until)),
                        None => (value, None),
                    };
                    let at = when(begins, p, local, zones)?;
                    let own = match until {
                        None => None,
                        Some(until) if until.trim_start().starts_with(['P', '+', '-']) => {
                            Some(length(until).ok_or_else(|| {
                                format!("its RDATE period \"{value}\" can't be read")
                            })?)
                        }
                        Some(until) => {
                            let end = when(until, p, local, zones)?;
                            Some(Length {
                                wall: Duration::zero(),
                                exact: feed_instant(end.zone, end.at)
                                    - feed_instant(at.zone, at.at),
                            })
                        }
                    };
                    rdates.push((at, own));
                }
            }
            "EXDATE" => {
                for value in raw.split(',') {
                    exdates.push(when(value, p, local, zones)?);
                }
            }
            "RECURRENCE-ID" => {
                let future = parameter(p, "RANGE")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("THISANDFUTURE"));
                recurrence_id = Some((when(raw, p, local, zones)?, future));
            }
            "STATUS" => cancelled = raw.trim().eq_ignore_ascii_case("CANCELLED"),
            _ => {}
        }
    }
    let start = start.ok_or("it has no DTSTART, so it's not clear when the cover starts")?;
    let length = match (end, duration) {
        // A DTEND is read on the clock: every occurrence ends at the same
        // local time of day as the first. RFC 5545 (3.8.5.3) would give
        // each the first's exact length, but a weekly 09:00 hand-off would
        // then end at 08:00 or 10:00 the week the clocks change, leaving
        // an hour with nobody on call or two people; on-call calendars mean
        // the hand-off.
        (Some(end), _) => Length::wall(end.local_in(start.zone) - start.at),
        (None, Some(d)) => d,
        (None, None) if start.all_day => Length::wall(Duration::days(1)),
        (None, None) if cancelled => Length::wall(Duration::zero()),
        (None, None) => {
            return Err(
                "it has no DTEND or DURATION, so it's not clear when the cover ends".into(),
            );
        }
    };
    if !length.is_positive() && !cancelled {
        return Err("it ends when it starts or before".into());
    }
    Ok(RawEvent {
        line,
        uid,
        emails,
        names,
        summary,
        start,
        length,
        rules,
        rdates,
        exdates,
        recurrence_id,
        cancelled,
    })
}

fn when(
    raw: &str,
    p: &icalendar::parser::Property<'_>,
    local: Tz,
    zones: &Zones,
) -> Result<When, String> {
    let raw = raw.trim();
    let all_day = parameter_values(p, "VALUE").iter().any(|v| v == "date")
        || (raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()));
    if all_day {
        let day = NaiveDate::parse_from_str(raw, "%Y%m%d").map_err(|_| {
            format!("the date \"{raw}\" can't be read (iCalendar dates look like 20261128)")
        })?;
        return Ok(When {
            at: day.and_time(NaiveTime::MIN),
            zone: local,
            all_day: true,
        });
    }
    let (digits, utc) = match raw.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (raw, false),
    };
    let at = NaiveDateTime::parse_from_str(digits, "%Y%m%dT%H%M%S").map_err(|_| {
        format!("the time \"{raw}\" can't be read (iCalendar times look like 20261128T090000Z)")
    })?;
    let zone = if utc {
        Tz::UTC
    } else {
        match parameter(p, "TZID") {
            Some(id) => zones.get(&id)?,
            None => local,
        }
    };
    Ok(When {
        at,
        zone,
        all_day: false,
    })
}

/// The zones a feed names: IANA names (also behind a path, as
/// `/mozilla.org/20050126_1/Europe/London`), Windows names ("W. Europe
/// Standard Time", mapped by CLDR's table), and otherwise the zone its own
/// VTIMEZONE describes.
struct Zones {
    defined: HashMap<String, Option<Tz>>,
}

impl Zones {
    fn read(file: &str, window: Window) -> Zones {
        let (records, _) = records(file, "VTIMEZONE");
        let mut defined = HashMap::new();
        for record in &records {
            let Ok(c) = parse(record) else { continue };
            let Some(id) = c
                .properties
                .iter()
                .find(|p| p.name.as_str().eq_ignore_ascii_case("TZID"))
                .map(|p| p.val.as_str().trim().to_owned())
            else {
                continue;
            };
            if known_zone(&id).is_err() {
                defined.insert(id, described_zone(&c, window));
            }
        }
        Zones { defined }
    }

    fn get(&self, id: &str) -> Result<Tz, String> {
        let id = id.trim();
        known_zone(id).or_else(|why| match self.defined.get(id) {
            Some(Some(tz)) => Ok(tz.to_owned()),
            Some(None) => Err(format!(
                "its time zone \"{id}\" is not a name Expedite knows, and the feed's own definition of it matches no zone (export the feed with IANA zones or in UTC)"
            )),
            None => Err(why),
        })
    }
}

/// A zone by its IANA or Windows name.
pub fn known_zone(id: &str) -> Result<Tz, String> {
    let id = id.trim().trim_matches('"');
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    if let Some(tz) = (0..parts.len()).find_map(|from| zone(&parts[from..].join("/")).ok()) {
        return Ok(tz);
    }
    if let Some(tz) = localzone::win_zone_to_iana(id, None).and_then(|name| zone(name).ok()) {
        return Ok(tz);
    }
    Err(format!(
        "its time zone \"{id}\" is neither an IANA name (such as Europe/London) nor a Windows one, and the feed doesn't define it (export the feed with IANA zones or in UTC)"
    ))
}

/// The IANA zone whose clock changes are the ones a VTIMEZONE describes
/// over the period (and a year either side), if there is one.
fn described_zone(c: &icalendar::parser::Component<'_>, window: Window) -> Option<Tz> {
    use chrono::Datelike as _;
    let (first, last) = (window.from.year() - 1, window.to.year() + 1);
    // Each change: the instant, the offset before and after (seconds).
    let mut changes: Vec<(DateTime<Utc>, i32, i32)> = Vec::new();
    let mut fixed = None;
    for part in &c.components {
        let name = part.name.as_str().to_ascii_uppercase();
        if name != "STANDARD" && name != "DAYLIGHT" {
            continue;
        }
        let prop = |key: &str| {
            part.properties
                .iter()
                .find(|p| p.name.as_str().eq_ignore_ascii_case(key))
                .map(|p| p.val.as_str().trim().to_owned())
        };
        let (Some(from), Some(to)) = (
            prop("TZOFFSETFROM").and_then(|o| offset(&o)),
            prop("TZOFFSETTO").and_then(|o| offset(&o)),
        ) else {
            continue;
        };
        let Some(onset) =
            prop("DTSTART").and_then(|s| NaiveDateTime::parse_from_str(&s, "%Y%m%dT%H%M%S").ok())
        else {
            continue;
        };
        let mut onsets = vec![onset];
        if let Some(rule) = prop("RRULE") {
            let window = Window {
                from: NaiveDate::from_ymd_opt(first, 1, 1)?
                    .and_time(NaiveTime::MIN)
                    .and_utc(),
                to: NaiveDate::from_ymd_opt(last, 12, 31)?
                    .and_time(NaiveTime::MIN)
                    .and_utc(),
            };
            let Ok((repeats, _, _)) =
                wall_clock_repeats(&rule, onset, Tz::UTC, window, 200, &mut Budget::new())
            else {
                return None;
            };
            onsets = repeats;
        }
        if onsets.iter().all(|o| o.year() < first) {
            fixed = Some(to);
        }
        for o in onsets
            .into_iter()
            .filter(|o| (first..=last).contains(&o.year()))
        {
            changes.push((o.and_utc() - Duration::seconds(i64::from(from)), from, to));
        }
    }
    let offset_at = |tz: Tz, at: DateTime<Utc>| {
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let fits = |tz: Tz| {
        if changes.is_empty() {
            return fixed
                .is_some_and(|f| offset_at(tz, window.from) == f && offset_at(tz, window.to) == f);
        }
        changes.iter().all(|(at, from, to)| {
            offset_at(tz, *at - Duration::minutes(1)) == *from
                && offset_at(tz, *at + Duration::minutes(1)) == *to
        })
    };
    let candidates = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| tz.name().contains('/') && !tz.name().starts_with("Etc/"));
    candidates.copied().find(|tz| fits(*tz))
}

/// A UTC offset such as `+0100`, `-0500` or `+053000`, in seconds.
fn offset(raw: &str) -> Option<i32> {
    let (sign, digits) = match raw.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i32>().ok());
    Some(sign * (n(0..2)? * 3600 + n(2..4)? * 60 + n(4..6).unwrap_or(0)))
}

/// An iCalendar duration such as `PT12H`, `P7D`, `P1W` or `P1DT2H30M`:
/// its weeks and days on the clock, its hours, minutes and seconds exact.
fn length(raw: &str) -> Option<Length> {
    let raw = raw.trim();
    let (negative, raw) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let mut rest = raw.strip_prefix('P')?;
    let (mut wall, mut exact) = (Duration::zero(), Duration::zero());
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        // Bounded: no on-call shift is measured in thousands of years.
        let n: i64 = rest[..digits].parse().ok().filter(|n| *n <= 1_000_000)?;
        let unit = rest[digits..].chars().next()?;
        match (unit, in_time) {
            ('W', false) => wall += Duration::weeks(n),
            ('D', false) => wall += Duration::days(n),
            ('H', true) => exact += Duration::hours(n),
            ('M', true) => exact += Duration::minutes(n),
            ('S', true) => exact += Duration::seconds(n),
            _ => return None,
        }
        rest = &rest[digits + 1..];
    }
    Some(if negative {
        Length {
            wall: -wall,
            exact: -exact,
        }
    } else {
        Length { wall, exact }
    })
}

/// What reading one feed has used so far, against its bounds
/// ([`MAX_FEED_SHIFTS`], [`MAX_FEED_STEPS`], [`MAX_FEED_TIME`]).
struct Budget {
    shifts: usize,
    steps: usize,
    started: std::time::Instant,
}

/// The longest a feed's repeats may take to work out: a rule can make the
/// repeat library search a long way for nothing (a 30th of February).
pub const MAX_FEED_TIME: std::time::Duration = std::time::Duration::from_secs(3);

impl Budget {
    fn new() -> Self {
        Self {
            shifts: 0,
            steps: 0,
            started: std::time::Instant::now(),
        }
    }

    /// `Err` once the feed has taken longer than [`MAX_FEED_TIME`].
    fn in_time(&self) -> Result<(), String> {
        if self.started.elapsed() > MAX_FEED_TIME {
            return Err(format!(
                "the feed takes more than {} s to work out — its repeats search far more than any on-call rota's. Check it is the on-call calendar, or export a shorter period.",
                MAX_FEED_TIME.as_secs()
            ));
        }
        Ok(())
    }
}

/// Why expanding stopped: one event can't be used (skipped with why), or
/// the whole feed is past its bounds (refused whole, with why).
enum Stop {
    Skip(String),
    Refuse(String),
}

/// How far before the window's start a repeat's starts are kept: an
/// override may move one of them into it.
const KEPT_BEFORE_DAYS: i64 = 31;

/// A simple daily or weekly rule's step in days, when its starts can be
/// moved on by whole steps without changing which days it gives: no
/// COUNT, no BY-part but a weekly BYDAY that holds the start's own day.
fn whole_step_days(parts: &[(String, String)], start: NaiveDateTime) -> Option<i64> {
    let get = |key: &str| {
        parts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if get("COUNT").is_some() {
        return None;
    }
    let interval: i64 = get("INTERVAL").map_or(Some(1), |v| v.parse().ok())?;
    if interval < 1 {
        return None;
    }
    let others = parts
        .iter()
        .any(|(k, _)| k.starts_with("BY") && k != "BYDAY");
    match get("FREQ")? {
        "DAILY" if !others && get("BYDAY").is_none() => Some(interval),
        "WEEKLY" if !others => {
            if let Some(days) = get("BYDAY") {
                let own = start.format("%a").to_string()[..2].to_ascii_uppercase();
                if !days.split(',').any(|d| d.trim() == own) {
                    return None;
                }
            }
            Some(7 * interval)
        }
        _ => None,
    }
}

/// Whether a rule's BYMONTHDAY days fit none of its BYMONTH months (the
/// 30th of February): it has no occurrence, and looking for one is long.
fn never_happens(parts: &[(String, String)]) -> bool {
    let get = |key: &str| {
        parts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let (Some(months), Some(days)) = (get("BYMONTH"), get("BYMONTHDAY")) else {
        return false;
    };
    let longest = |month: u32| match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let months: Vec<u32> = months
        .split(',')
        .filter_map(|m| m.trim().parse().ok())
        .collect();
    let days: Vec<i32> = days
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    !months.is_empty()
        && !days.is_empty()
        && days.iter().all(|&d| {
            months
                .iter()
                .all(|&m| d == 0 || d.unsigned_abs() > longest(m))
        })
}

/// The local starts of a repeat from a little before `window` to its end,
/// with the first start always the first (RFC 5545 counts DTSTART whether
/// or not it fits the rule), at most `cap` of them in the period; whether
/// it goes on past the window; and how many ended long before it.
fn wall_clock_repeats(
    rule: &str,
    start: NaiveDateTime,
    zone: Tz,
    window: Window,
    cap: usize,
    budget: &mut Budget,
) -> Result<(Vec<NaiveDateTime>, bool, usize), Stop> {
    // UNTIL is read here, in the event's own local terms; the rest of the
    // rule goes to rrule as written.
    let mut until = None;
    let mut count = None;
    let mut rest = Vec::new();
    let mut parts = Vec::new();
    for part in rule.trim().trim_start_matches("RRULE:").split(';') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        parts.push((
            key.trim().to_ascii_uppercase(),
            value.trim().to_ascii_uppercase(),
        ));
        if key.trim().eq_ignore_ascii_case("UNTIL") {
            let v = value.trim();
            until = Some(
                if v.len() == 8 {
                    NaiveDate::parse_from_str(v, "%Y%m%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(23, 59, 59))
                } else if let Some(utc) = v.strip_suffix(['Z', 'z']) {
                    NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                        .ok()
                        .map(|t| t.and_utc().with_timezone(&zone).naive_local())
                } else {
                    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()
                }
                .ok_or_else(|| Stop::Skip(format!("its repeat's UNTIL \"{v}\" can't be read")))?,
            );
        } else if !part.trim().is_empty() {
            if key.trim().eq_ignore_ascii_case("COUNT") {
                count = value.trim().parse::<usize>().ok();
            }
            rest.push(part.trim());
        }
    }
    let rule: UnvalidatedRRule =
        rest.join(";")
            .parse()
            .map_err(|e: icalendar::rrule::RRuleError| {
                Stop::Skip(format!("its repeat (RRULE) can't be read: {e}"))
            })?;
    if never_happens(&parts) {
        // The repeat library would search for it for a long time.
        return Err(Stop::Skip(
            "its repeat names a day no month it names has (such as 30 February), so it never happens"
                .into(),
        ));
    }
    let kept_from = window.from - Duration::days(KEPT_BEFORE_DAYS);
    // A simple repeat that began long ago starts again from a whole number
    // of steps on, a little before the window: the years between cost
    // nothing, and the days it gives are the same.
    let mut first = start;
    let mut ended = 0;
    if let Some(step) = whole_step_days(&parts, start) {
        let behind = (kept_from.with_timezone(&zone).naive_local() - start).num_days();
        let steps = behind / step;
        if steps > 1 {
            first = start + Duration::days((steps - 1) * step);
            ended = usize::try_from(steps - 1).unwrap_or(usize::MAX);
        }
    }
    let as_rule_time = |t: NaiveDateTime| RuleTz::UTC.from_utc_datetime(&t);
    let mut starts = vec![start];
    let mut goes_on = false;
    if until.is_none_or(|u| u >= first) {
        let rule: RRule<_> = match until {
            Some(u) => rule.until(as_rule_time(u)),
            None => rule,
        };
        let set = rule
            .build(as_rule_time(first))
            .map_err(|e| Stop::Skip(format!("its repeat (RRULE) can't be used: {e}")))?
            .limit();
        let past_window = |t: NaiveDateTime| start_instant(zone, t) > window.to;
        let mut in_window = 0;
        let mut start_in_rule = false;
        for (i, t) in (&set).into_iter().enumerate() {
            let made = i + 1;
            let t = t.naive_utc();
            budget.steps += 1;
            if budget.steps > MAX_FEED_STEPS {
                return Err(Stop::Refuse(format!(
                    "the feed's repeats go on for more than {} steps — far more than any on-call rota's. Check it is the on-call calendar, or export a shorter period.",
                    thousands(MAX_FEED_STEPS)
                )));
            }
            if budget.steps.is_multiple_of(1024) {
                budget.in_time().map_err(Stop::Refuse)?;
            }
            start_in_rule |= t == start;
            // DTSTART counts as the first of COUNT even when off the rule.
            if count.is_some_and(|c| made + usize::from(!start_in_rule) > c) {
                break;
            }
            if past_window(t) {
                goes_on = true;
                break;
            }
            if start_instant(zone, t) < kept_from {
                ended += usize::from(t != start);
                continue;
            }
            if t != start {
                starts.push(t);
            }
            in_window += 1;
            if in_window > cap {
                return Err(Stop::Skip(format!(
                    "it repeats more than {cap} times in the period imported; on-call cover doesn't change hands that often"
                )));
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    Ok((starts, goes_on, ended))
}

/// `n` with a comma between thousands: 100,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One occurrence before it becomes instants.
struct Occurrence {
    /// The start the series gives it (what a RECURRENCE-ID names).
    original: NaiveDateTime,
    start: NaiveDateTime,
    length: Length,
    /// Which event it now belongs to: the master (0) or an override (1 + i).
    from: usize,
    /// The calendar lists it by itself (DTSTART, RDATE, an override), not
    /// as one of a repeat's: taken up to [`LISTED_WEEKS`] ahead.
    listed: bool,
}

/// Works out one series (its master and the overrides of its instances)
/// and adds its occurrences in `window` to the feed; `Err` when the feed
/// as a whole goes past its bounds.
fn expand_series(
    feed: &mut Feed,
    masters: Vec<RawEvent>,
    overrides: Vec<RawEvent>,
    window: Window,
    budget: &mut Budget,
) -> Result<(), String> {
    let mut masters = masters.into_iter();
    let master = masters.next();
    // A UID given twice without RECURRENCE-ID: each copy is read on its own.
    for extra in masters {
        expand_series(feed, vec![extra], Vec::new(), window, budget)?;
    }
    let Some(master) = master else {
        // Overrides whose series isn't in the feed stand on their own.
        for o in overrides {
            let mut o = o;
            o.recurrence_id = None;
            expand_series(feed, vec![o], Vec::new(), window, budget)?;
        }
        return Ok(());
    };
    budget.in_time()?;
    let zone = master.start.zone;
    // DTSTART, each RDATE (a period's with its own length), then every
    // RRULE's starts: the set is their union.
    let mut starts: Vec<(NaiveDateTime, Option<Length>, bool)> =
        vec![(master.start.at, None, true)];
    starts.extend(
        master
            .rdates
            .iter()
            .map(|(r, own)| (r.local_in(zone), *own, true)),
    );
    let mut ended_long_ago = 0;
    for rule in &master.rules {
        match wall_clock_repeats(rule, master.start.at, zone, window, MAX_OCCURRENCES, budget) {
            Ok((found, goes_on, ended)) => {
                if goes_on && !master.cancelled {
                    feed.cut_at = Some(window.to);
                }
                ended_long_ago += ended;
                starts.extend(found.into_iter().map(|t| (t, None, false)));
            }
            Err(Stop::Skip(why)) => {
                feed.skipped.push((master.line, why));
                return Ok(());
            }
            Err(Stop::Refuse(why)) => return Err(why),
        }
    }
    // One occurrence per start: listed if the calendar lists it anywhere,
    // with a period's own length when it has one.
    starts.sort_by_key(|(t, own, listed)| (*t, own.is_none(), !listed));
    starts.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.2 |= later.2;
            true
        } else {
            false
        }
    });
    let mut occurrences: Vec<Occurrence> = starts
        .into_iter()
        .map(|(s, own, listed)| Occurrence {
            original: s,
            start: s,
            length: own.unwrap_or(master.length),
            from: 0,
            listed,
        })
        .collect();
    // EXDATE: a day alone takes out whatever starts that day.
    occurrences.retain(|o| {
        !master.exdates.iter().any(|x| {
            if x.all_day {
                x.at.date() == o.original.date()
            } else {
                x.local_in(zone) == o.original
            }
        })
    });
    if master.cancelled {
        feed.cancelled += occurrences.len();
        occurrences.clear();
    }
    // Overrides, earliest first, so a later THISANDFUTURE wins over an
    // earlier one from its own instant on.
    let mut overrides = overrides;
    overrides.sort_by_key(|o| o.recurrence_id.map(|(w, _)| w.local_in(zone)));
    let mut cancelled = HashSet::new();
    for (i, o) in overrides.iter().enumerate() {
        let Some((rid, future)) = o.recurrence_id else {
            continue;
        };
        let rid = if rid.all_day && !master.start.all_day {
            rid.at.date().and_time(master.start.at.time())
        } else {
            rid.local_in(zone)
        };
        let moved_by = o.start.local_in(zone) - rid;
        let mut matched = false;
        for occ in occurrences.iter_mut() {
            let hit = if future {
                occ.original >= rid
            } else {
                occ.original == rid
            };
            if hit {
                matched = true;
                occ.start = if future {
                    occ.original + moved_by
                } else {
                    o.start.local_in(zone)
                };
                occ.length = o.length;
                occ.from = i + 1;
                occ.listed = true;
                if o.cancelled {
                    cancelled.insert(occ.original);
                }
            }
        }
        if !matched && !o.cancelled && !future {
            occurrences.push(Occurrence {
                original: rid,
                start: o.start.local_in(zone),
                length: o.length,
                from: i + 1,
                listed: true,
            });
        }
    }
    feed.cancelled += cancelled.len();
    occurrences.retain(|o| !cancelled.contains(&o.original));
    // Into instants, by event: repeats up to the window's end, shifts the
    // calendar lists by themselves up to LISTED_WEEKS ahead.
    let listed_to = window.to + Duration::weeks(LISTED_WEEKS - HORIZON_WEEKS);
    let mut times: Vec<Vec<(DateTime<Utc>, DateTime<Utc>)>> = vec![Vec::new(); overrides.len() + 1];
    let mut ended = vec![0; overrides.len() + 1];
    ended[0] = ended_long_ago;
    let mut too_far = 0;
    for occ in occurrences {
        let start = feed_instant(zone, occ.start);
        let end = occ.length.end(zone, occ.start);
        let limit = if occ.listed { listed_to } else { window.to };
        if end <= window.from {
            ended[occ.from] += 1;
        } else if start > limit {
            too_far += usize::from(occ.listed);
        } else if end > start {
            budget.shifts += 1;
            if budget.shifts > MAX_FEED_SHIFTS {
                return Err(format!(
                    "the feed fills the {HORIZON_WEEKS} weeks imported with more than {} shifts — far more than any on-call rota. Check it is the on-call calendar, or export a shorter period.",
                    thousands(MAX_FEED_SHIFTS)
                ));
            }
            times[occ.from].push((start, end));
        }
    }
    if too_far > 0 {
        feed.skipped.push((
            master.line,
            format!(
                "{too_far} of its shifts {} more than {} years ahead and {} left out",
                if too_far == 1 { "starts" } else { "start" },
                LISTED_WEEKS / 52,
                if too_far == 1 { "is" } else { "are" }
            ),
        ));
    }
    let events = std::iter::once(&master).chain(overrides.iter());
    for ((event, mut times), ended) in events.zip(times).zip(ended) {
        if times.is_empty() && ended == 0 {
            continue;
        }
        times.sort_unstable();
        feed.events.push(FeedShift {
            line: event.line,
            uid: event.uid.clone(),
            emails: event.emails.clone(),
            names: event.names.clone(),
            summary: event.summary.clone(),
            times,
            ended,
        });
    }
    Ok(())
}

/// A name or address as compared: HTML entities decoded (`O&#39;Neil`),
/// accents taken off, case folded, typographic apostrophes made plain and
/// runs of spaces made one.
pub fn normalised(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    let decoded = html_escape::decode_html_entities(name);
    let plain: String = decoded
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{b4}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The roster by normalised name and by address, for matching feeds.
pub struct People<'r> {
    roster: &'r Roster,
    by_name: HashMap<String, Vec<usize>>,
    by_email: HashMap<String, Vec<usize>>,
}

impl<'r> People<'r> {
    /// Indexes `roster` once.
    pub fn new(roster: &'r Roster) -> Self {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in roster.contacts.iter().enumerate() {
            by_name.entry(normalised(&c.name)).or_default().push(i);
            for email in c.addresses() {
                let list = by_email.entry(email.trim().to_lowercase()).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        Self {
            roster,
            by_name,
            by_email,
        }
    }

    fn contact(&self, i: usize) -> &'r Contact {
        &self.roster.contacts[i]
    }

    /// Who an event names: by address, then by a whole name (an attendee's,
    /// the summary, or one part of the summary between separators such as
    /// "On call: Sam Patel (primary)"). Never by part of a name; an event
    /// that names two people in its summary, or a name two contacts share,
    /// is not guessed.
    pub fn named(&self, event: &FeedShift) -> Result<Vec<&'r Contact>, String> {
        let mut found: Vec<usize> = Vec::new();
        let add = |found: &mut Vec<usize>, list: &[usize], what: &str| -> Result<(), String> {
            match list {
                [one] => {
                    if !found.contains(one) {
                        found.push(*one);
                    }
                    Ok(())
                }
                many => Err(format!(
                    "{what} is {}: which of them is on call is not clear (give the contacts different names or addresses)",
                    names_of(many.iter().map(|i| self.contact(*i).name.as_str()))
                )),
            }
        };
        for email in &event.emails {
            if let Some(list) = self.by_email.get(&email.to_lowercase()) {
                add(&mut found, list, &format!("\"{email}\""))?;
            }
        }
        if found.is_empty() {
            for name in &event.names {
                if let Some(list) = self.by_name.get(&normalised(name)) {
                    add(&mut found, list, &format!("\"{name}\""))?;
                }
            }
        }
        if found.is_empty() && !event.summary.is_empty() {
            let whole = normalised(&event.summary);
            if let Some(list) = self.by_name.get(&whole) {
                add(&mut found, list, &format!("\"{}\"", event.summary))?;
            } else {
                let mut parts: Vec<usize> = Vec::new();
                for part in whole.split([
                    '-', '\u{2013}', '\u{2014}', ':', '|', '(', ')', '[', ']', '{', '}', ',', '/',
                    ';', '\u{2022}',
                ]) {
                    if let Some(list) = self.by_name.get(part.trim()) {
                        add(&mut found, list, &format!("\"{}\"", part.trim()))?;
                        parts.extend(list);
                    }
                }
                parts.sort_unstable();
                parts.dedup();
                if parts.len() > 1 {
                    return Err(format!(
                        "its summary \"{}\" names {}: which of them is on call is not clear",
                        event.summary,
                        names_of(parts.iter().map(|i| self.contact(*i).name.as_str()))
                    ));
                }
            }
        }
        if found.is_empty() {
            return Err(self.nobody(event));
        }
        Ok(found.into_iter().map(|i| self.contact(i)).collect())
    }

    /// Why nobody matches, with the nearest names on the roster.
    fn nobody(&self, event: &FeedShift) -> String {
        let who = event
            .names
            .first()
            .or(event.emails.first())
            .cloned()
            .unwrap_or_else(|| event.summary.clone());
        if who.is_empty() {
            return "it names nobody (no attendee and no summary)".into();
        }
        let mut text = format!("nobody on the roster is \"{who}\"");
        if let Some(email) = event.emails.first().filter(|e| **e != who) {
            text.push_str(&format!(" or has the address {email}"));
        }
        let nearest = self
            .roster
            .nearest_names(&html_escape::decode_html_entities(&who), 2);
        if !nearest.is_empty() {
            text.push_str(&format!(" (nearest: {})", nearest.join(", ")));
        }
        text.push_str("; add them to the roster, or their address to their card");
        text
    }
}

fn names_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("both {a} and {b}"),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Turns feed events into shifts: every event's occurrences for the
/// person it names (or for `whose`, a personal feed's owner), in `role`
/// or else the person's first role. Shifts of one person in one role that
/// overlap (an event listed twice, an override over its own series) become
/// one; shifts that only meet stay apart, as the feed has them. Returns the shifts and, for events whose
/// person is not clear, the line and why.
pub fn shifts(
    roster: &Roster,
    feed: &Feed,
    role: Option<Role>,
    whose: Option<&Contact>,
) -> Matched {
    let people = People::new(roster);
    let mut periods: BTreeMap<(String, Role), Vec<Period>> = BTreeMap::new();
    let mut unclear = Vec::new();
    let mut ended = 0;
    for event in &feed.events {
        let named = match whose {
            Some(c) => Ok(vec![c]),
            None => people.named(event),
        };
        match named {
            Ok(contacts) => {
                ended += event.ended;
                for contact in contacts {
                    let role = role
                        .or_else(|| contact.roles.first().copied())
                        .unwrap_or(Role::WebContact);
                    periods
                        .entry((contact.name.to_string(), role))
                        .or_default()
                        .extend(event.times.iter().copied());
                }
            }
            Err(why) if !event.times.is_empty() => unclear.push((event.line, why)),
            Err(_) => {}
        }
    }
    let mut shifts = Vec::new();
    for ((who, role), mut times) in periods {
        times.sort_unstable();
        let mut joined: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(times.len());
        for (start, end) in times {
            match joined.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => joined.push((start, end)),
            }
        }
        shifts.extend(joined.into_iter().map(|(start, end)| Shift {
            who: who.as_str().into(),
            role,
            start,
            end,
            source: None,
        }));
    }
    shifts.sort_by(|a, b| (a.start, &a.who).cmp(&(b.start, &b.who)));
    Matched {
        shifts,
        unclear,
        ended,
    }
}

/// A start and an end.
type Period = (DateTime<Utc>, DateTime<Utc>);

/// A feed's events given to the people they name.
#[derive(Clone, Debug, Default)]
pub struct Matched {
    /// The shifts, in order of start.
    pub shifts: Vec<Shift>,
    /// Events with shifts in the period whose person is not clear: the
    /// line and why.
    pub unclear: Vec<(usize, String)>,
    /// Occurrences of matched events that ended before the period.
    pub ended: usize,
}

pub fn write(roster: &Roster, now: DateTime<Utc>, weeks: i64) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Expedite on-call rota");
    let stamp = now;
    let mut add = |kind: &str,
                   who: &str,
                   role: Role,
                   start: DateTime<Utc>,
                   end: DateTime<Utc>,
                   summary: String| {
        let uid = format!(
            "{}@expedite",
            super::stable_id(&format!(
                "{kind}|{}|{role:?}|{}|{}",
                who.to_lowercase(),
                start.timestamp(),
                end.timestamp()
            ))
        );
        calendar.push(
            Event::new()
                .uid(&uid)
                .timestamp(stamp)
                .starts(start)
                .ends(end)
                .summary(&summary)
                .add_property("TRANSP", "TRANSPARENT")
                .done(),
        );
    };
    for s in &roster.rota.shifts {
        add(
            "shift",
            &s.who,
            s.role,
            s.start,
            s.end,
            format!("On call: {} ({})", s.who, s.role.describe()),
        );
    }
    for o in &roster.rota.overrides {
        let summary = match &o.covers_for {
            Some(name) => format!(
                "On call: {} covers for {} ({})",
                o.who,
                name,
                o.role.describe()
            ),
            None => format!("On call: {} ({}, override)", o.who, o.role.describe()),
        };
        add("override", &o.who, o.role, o.start, o.end, summary);
    }
    let from = now - Duration::weeks(1);
    let to = now + Duration::weeks(weeks);
    for r in &roster.rota.rotations {
        for turn in r.turns(from, to) {
            add(
                "rotation",
                &turn.0,
                r.role,
                turn.1,
                turn.2,
                format!("On call: {} ({}, {})", turn.0, r.role.describe(), r.name),
            );
        }
    }
    calendar.done().to_string()
}
