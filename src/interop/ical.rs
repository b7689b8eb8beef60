//! iCalendar on-call feeds in (as PagerDuty, Opsgenie, GoAlert and Grafana
//! OnCall publish them) and the rota out as `.ics`.
//!
//! Repeats are expanded here rather than by the `rrule` crate: feeds use
//! daily and weekly repeats, and expanding them in local time with the rota's
//! own clock-change rules keeps a 09:00 hand-off at 09:00.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component as _, Event, EventLike as _};

use super::{Problem, parameter, parameter_values, parse, property_name, records, text};
use crate::model::Role;
use crate::model::roster::{Roster, Shift, end_instant, start_instant, zone};

/// How far ahead a repeat with no end is expanded.
pub const HORIZON_WEEKS: i64 = 26;

/// One on-call period from a feed, with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedShift {
    /// Line of its `BEGIN:VEVENT`.
    pub line: usize,
    /// Who the event names: attendee emails and names, then its summary.
    pub people: Vec<String>,
    /// Its summary, for messages.
    pub summary: String,
    /// Start and end of each occurrence.
    pub times: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// The events of a feed; all-day and floating times are taken in `local`.
pub fn read(file: &str, local: Tz, now: DateTime<Utc>) -> (Vec<FeedShift>, Vec<Problem>) {
    let (events, mut problems) = records(file, "VEVENT");
    let mut shifts = Vec::new();
    for record in &events {
        match parse(record).and_then(|e| {
            event(&e, local, now).map_err(|message| Problem {
                line: record.line,
                message,
            })
        }) {
            Ok(Some((people, summary, times))) => shifts.push(FeedShift {
                line: record.line,
                people,
                summary,
                times,
            }),
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    if events.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            message: "There is no event (BEGIN:VEVENT … END:VEVENT) in this file.".into(),
        });
    }
    (shifts, problems)
}

/// Who an event names, its summary, and its occurrences.
type EventParts = (Vec<String>, String, Vec<(DateTime<Utc>, DateTime<Utc>)>);

fn event(
    e: &icalendar::parser::Component<'_>,
    local: Tz,
    now: DateTime<Utc>,
) -> Result<Option<EventParts>, String> {
    let mut people = Vec::new();
    let mut summary = String::new();
    let mut start = None;
    let mut end = None;
    let mut duration = None;
    let mut rule = None;
    let mut except = Vec::new();
    let mut cancelled = false;
    for p in &e.properties {
        let raw = p.val.as_str();
        match property_name(p.name.as_str()).as_str() {
            "ATTENDEE" => {
                if let Some(email) = raw
                    .trim()
                    .strip_prefix("mailto:")
                    .or_else(|| raw.trim().strip_prefix("MAILTO:"))
                {
                    people.push(email.trim().to_owned());
                }
                if let Some(name) = parameter(p, "CN") {
                    people.push(name);
                }
            }
            "SUMMARY" => summary = text(raw).trim().to_owned(),
            "DTSTART" => start = Some(when(raw, p, local)?),
            "DTEND" => end = Some(when(raw, p, local)?),
            "DURATION" => {
                duration = Some(length(raw).ok_or_else(|| {
                    format!("DURATION \"{raw}\" can't be read; write it like PT12H or P7D.")
                })?)
            }
            "RRULE" => rule = Some(raw.to_owned()),
            "EXDATE" => {
                for value in raw.split(',') {
                    except.push(when(value, p, local)?.instant(local, true));
                }
            }
            "STATUS" => cancelled = raw.trim().eq_ignore_ascii_case("CANCELLED"),
            _ => {}
        }
    }
    if cancelled {
        return Ok(None);
    }
    if !summary.is_empty() {
        people.push(summary.clone());
    }
    let start =
        start.ok_or("This event has no DTSTART, so it's not clear when the cover starts.")?;
    // Length in local terms, so a repeated 09:00-17:00 stays 09:00-17:00.
    let length = match (end, duration) {
        (Some(end), _) => end.at - start.at,
        (None, Some(d)) => d,
        (None, None) if start.all_day => Duration::days(1),
        (None, None) => {
            return Err(
                "This event has no DTEND or DURATION, so it's not clear when the cover ends."
                    .into(),
            );
        }
    };
    if length <= Duration::zero() {
        return Err("This event ends before it starts.".into());
    }
    let starts = match rule {
        None => vec![start.at],
        Some(rule) => repeat(&rule, start, local, now)?,
    };
    let times = starts
        .into_iter()
        .map(|s| {
            let from = When { at: s, ..start }.instant(local, true);
            let to = When {
                at: s + length,
                ..start
            }
            .instant(local, false);
            (from, to)
        })
        .filter(|(from, _)| !except.contains(from))
        .collect();
    Ok(Some((people, summary, times)))
}

/// A DTSTART, DTEND or EXDATE value: local or UTC, in a zone or all day.
#[derive(Clone, Copy, Debug)]
struct When {
    at: NaiveDateTime,
    utc: bool,
    zone: Option<Tz>,
    all_day: bool,
}

impl When {
    fn instant(&self, local: Tz, start: bool) -> DateTime<Utc> {
        if self.utc {
            return self.at.and_utc();
        }
        let zone = self.zone.unwrap_or(local);
        if start {
            start_instant(zone, self.at)
        } else {
            end_instant(zone, self.at)
        }
    }
}

fn when(raw: &str, p: &icalendar::parser::Property<'_>, local: Tz) -> Result<When, String> {
    let raw = raw.trim();
    let zone = match parameter(p, "TZID") {
        Some(id) => Some(tzid(&id)?),
        None => None,
    };
    let all_day = parameter_values(p, "VALUE").iter().any(|v| v == "date") || raw.len() == 8;
    if all_day {
        let day = NaiveDate::parse_from_str(raw, "%Y%m%d").map_err(|_| {
            format!("The date \"{raw}\" can't be read; iCalendar dates look like 20261128.")
        })?;
        return Ok(When {
            at: day.and_time(chrono::NaiveTime::MIN),
            utc: false,
            zone: zone.or(Some(local)),
            all_day: true,
        });
    }
    let (text, utc) = match raw.strip_suffix('Z') {
        Some(t) => (t, true),
        None => (raw, false),
    };
    let at = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").map_err(|_| {
        format!("The time \"{raw}\" can't be read; iCalendar times look like 20261128T090000Z.")
    })?;
    Ok(When {
        at,
        utc,
        zone,
        all_day: false,
    })
}

/// A TZID as an IANA zone; calendar programs often put a path before it
/// (`/mozilla.org/20050126_1/Europe/London`).
fn tzid(id: &str) -> Result<Tz, String> {
    let parts: Vec<&str> = id.trim().trim_matches('/').split('/').collect();
    (0..parts.len())
        .find_map(|from| zone(&parts[from..].join("/")).ok())
        .ok_or_else(|| format!(
            "The time zone \"{id}\" is not an IANA name (such as Europe/London). Export the feed with IANA zones or in UTC."
        ))
}

/// An iCalendar duration such as `PT12H`, `P7D`, `P1W` or `P1DT2H30M`.
fn length(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    let (negative, raw) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let mut rest = raw.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        total += match (unit, in_time) {
            ('W', false) => Duration::weeks(n),
            ('D', false) => Duration::days(n),
            ('H', true) => Duration::hours(n),
            ('M', true) => Duration::minutes(n),
            ('S', true) => Duration::seconds(n),
            _ => return None,
        };
        rest = &rest[digits + 1..];
    }
    Some(if negative { -total } else { total })
}

/// The local starts of a daily or weekly repeat, up to its COUNT, its UNTIL
/// or [`HORIZON_WEEKS`] from `now`.
fn repeat(
    rule: &str,
    start: When,
    local: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<NaiveDateTime>, String> {
    let mut frequency = None;
    let mut interval = 1i64;
    let mut count = None;
    let mut until = None;
    let mut days = Vec::new();
    for part in rule.split(';') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => frequency = Some(value.trim().to_ascii_uppercase()),
            "INTERVAL" => {
                interval = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("INTERVAL \"{value}\" is not a positive number."))?
            }
            "COUNT" => {
                count = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("COUNT \"{value}\" is not a number."))?,
                )
            }
            "UNTIL" => {
                let v = value.trim();
                let at = if v.len() == 8 {
                    NaiveDate::parse_from_str(v, "%Y%m%d")
                        .ok()
                        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(1))
                } else {
                    NaiveDateTime::parse_from_str(v.trim_end_matches('Z'), "%Y%m%dT%H%M%S")
                        .ok()
                        .map(|t| t.and_utc())
                };
                until = Some(at.ok_or_else(|| format!("UNTIL \"{v}\" can't be read."))?);
            }
            "BYDAY" => {
                for d in value.split(',') {
                    let d = d
                        .trim()
                        .trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
                    days.push(match d.to_ascii_uppercase().as_str() {
                        "MO" => chrono::Weekday::Mon,
                        "TU" => chrono::Weekday::Tue,
                        "WE" => chrono::Weekday::Wed,
                        "TH" => chrono::Weekday::Thu,
                        "FR" => chrono::Weekday::Fri,
                        "SA" => chrono::Weekday::Sat,
                        "SU" => chrono::Weekday::Sun,
                        other => return Err(format!("BYDAY \"{other}\" is not a weekday.")),
                    });
                }
            }
            _ => {}
        }
    }
    let step = match frequency.as_deref() {
        Some("DAILY") => Duration::days(interval),
        Some("WEEKLY") => Duration::weeks(interval),
        Some(other) => {
            return Err(format!(
                "This event repeats {other}; only daily and weekly repeats are understood. Export the feed with the shifts listed one by one."
            ));
        }
        None => return Err("This event's RRULE has no FREQ.".into()),
    };
    let horizon = now + Duration::weeks(HORIZON_WEEKS);
    let first = start.at;
    let mut starts = Vec::new();
    let mut period = 0i64;
    use chrono::Datelike;
    'periods: loop {
        let base = first + step * period as i32;
        // Within a weekly period, each BYDAY day of that week, in order.
        let mut in_period: Vec<NaiveDateTime> =
            if days.is_empty() || frequency.as_deref() == Some("DAILY") {
                vec![base]
            } else {
                let monday = base - Duration::days(base.weekday().num_days_from_monday() as i64);
                let mut v: Vec<NaiveDateTime> = days
                    .iter()
                    .map(|d| monday + Duration::days(d.num_days_from_monday() as i64))
                    .filter(|t| *t >= first)
                    .collect();
                v.sort();
                v
            };
        in_period.dedup();
        for s in in_period {
            let instant = When { at: s, ..start }.instant(local, true);
            if until.is_some_and(|u| instant > u)
                || instant > horizon
                || count.is_some_and(|c| starts.len() >= c)
            {
                break 'periods;
            }
            starts.push(s);
        }
        period += 1;
        if period > 5000 {
            break;
        }
    }
    Ok(starts)
}

/// Turns feed events into shifts for the people on `roster`: matched by
/// email, then by name (an attendee's, or a name in the summary). Returns the
/// shifts and, for events naming nobody on the roster, the line and who.
pub fn shifts(
    roster: &Roster,
    feed: &[FeedShift],
    role: Option<Role>,
) -> (Vec<Shift>, Vec<(usize, String)>) {
    let mut shifts = Vec::new();
    let mut unmatched = Vec::new();
    for event in feed {
        let Some(contact) = match_person(roster, &event.people) else {
            let who = event
                .people
                .first()
                .cloned()
                .unwrap_or_else(|| event.summary.clone());
            unmatched.push((event.line, who));
            continue;
        };
        let role = role
            .or_else(|| contact.roles.first().copied())
            .unwrap_or(Role::WebContact);
        for (start, end) in &event.times {
            shifts.push(Shift {
                who: contact.name.clone(),
                role,
                start: *start,
                end: *end,
            });
        }
    }
    (shifts, unmatched)
}

fn match_person<'r>(
    roster: &'r Roster,
    people: &[String],
) -> Option<&'r crate::model::roster::Contact> {
    let by_email = people.iter().filter(|p| p.contains('@')).find_map(|p| {
        roster
            .contacts
            .iter()
            .find(|c| c.email.as_ref().is_some_and(|e| e.eq_ignore_ascii_case(p)))
    });
    by_email
        .or_else(|| people.iter().find_map(|p| roster.find(p)))
        .or_else(|| {
            // A name inside a summary such as "On call: Sam Patel (primary)".
            let texts: Vec<String> = people.iter().map(|p| p.to_lowercase()).collect();
            roster
                .contacts
                .iter()
                .filter(|c| {
                    c.name.len() >= 3 && texts.iter().any(|t| t.contains(&c.name.to_lowercase()))
                })
                .max_by_key(|c| c.name.len())
        })
}

/// The rota as an iCalendar file: every shift and override, and each
/// rotation's turns from a week before `now` to `weeks` after, in UTC, with
/// stable UIDs and marked free (TRANSP:TRANSPARENT) so they don't block
/// anyone's calendar.
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
