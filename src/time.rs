//! Time as people type it and read it back. The window, the terminal and the
//! reminders all read typed times and lengths here, so the same text means
//! the same instant everywhere:
//!
//! - a moment: `14:05` (today), `2026-12-03 14:05` (also with a `T`, with
//!   seconds, or as `03/12/2026 14:05`), `2026-12-03` (09:00 that day),
//!   `now`, or an exact RFC 3339 instant such as `2026-12-03T14:05:00Z`;
//! - a length: `90s`, `20m`, `1h30m`, `1h30`, `2h`, `20 min`, `20 minutes`,
//!   `1 hour 30 minutes`.
//!
//! A local moment is read in the zone its use agrees on — the office's for
//! the rota and for `expedite who --at`, the person's own for what they saw
//! and did — and made an instant by the rota's rule where clocks change: a
//! time that happens twice is the first of the two for a start and the last
//! for an end; a time the clocks skip is the first valid instant after it.
//!
//! Pure: nothing here reads the clock; `now` always comes in as an argument.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};

/// Which instant a local time means when the clocks change around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The start of something: the first of two repeated instants.
    Start,
    /// The end of something: the last of two repeated instants.
    End,
}

/// The time of day a date typed alone stands for: the start of a working day.
pub const DAY_STARTS: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => unreachable!(),
};

/// What a typed moment is, before a zone makes it an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typed {
    /// An exact instant (RFC 3339, or `now`).
    Instant(DateTime<Utc>),
    /// A time of day, meaning today in the zone of its use.
    TimeOfDay(NaiveTime),
    /// A date and time on the wall clock of the zone of its use.
    Local(NaiveDateTime),
}

impl Typed {
    /// The wall-clock time in `zone` this stands for, "today" being `now`'s.
    pub fn wall_clock<Z: TimeZone>(self, zone: &Z, now: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Self::Instant(at) => at.with_timezone(zone).naive_local(),
            Self::TimeOfDay(time) => now.with_timezone(zone).date_naive().and_time(time),
            Self::Local(local) => local,
        }
    }
}

const LOCAL_FORMATS: [&str; 5] = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
];

/// Why a typed time can't be read; says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not a moment (what was typed, and a day to show in the example:
    /// tomorrow, never one already past).
    NotATime(String, NaiveDate),
    /// Not a day (what was typed, and the example's day).
    NotADay(String, NaiveDate),
    /// Not a time of day.
    NotATimeOfDay(String),
    /// Not a length of time.
    NotALength(String),
    /// A number without its unit (what was typed, the number).
    NoUnit(String, i64),
    /// A length of nothing, or less.
    NotPositive(String),
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotATime(t, day) => {
                let day = day.format("%Y-%m-%d");
                write!(
                    f,
                    "'{t}' is not a time — write 14:05 for today, {day} 14:05, or {day} for 09:00 that day"
                )
            }
            Self::NotADay(t, day) => write!(
                f,
                "'{t}' is not a day — write {}, {}, tomorrow or in 7 days",
                day.format("%Y-%m-%d"),
                day.format("%d/%m/%Y")
            ),
            Self::NotATimeOfDay(t) => {
                write!(f, "'{t}' is not a time of day — write it like 09:00")
            }
            Self::NotALength(t) => write!(
                f,
                "'{t}' is not a length of time — write it like 90s, 15m, 1h30m or 2h"
            ),
            Self::NoUnit(t, n) => write!(
                f,
                "'{t}' needs a unit after the number — s, m or h (e.g. {n}m)"
            ),
            Self::NotPositive(t) => write!(f, "'{t}' is not a positive length of time"),
        }
    }
}

impl std::error::Error for TimeError {}

/// Said where words are made (the terminal, the window).
impl From<TimeError> for String {
    fn from(e: TimeError) -> Self {
        e.to_string()
    }
}

/// Reads a typed moment without placing it in a zone yet. `now` answers `now`.
pub fn read_moment(text: &str, now: DateTime<Utc>) -> Result<Typed, TimeError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(Typed::Instant(now));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(Typed::Instant(at.to_utc()));
    }
    if let Ok(time) = time_of_day(t) {
        return Ok(Typed::TimeOfDay(time));
    }
    if let Some(at) = LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        return Ok(Typed::Local(at));
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(Typed::Local(day.and_time(DAY_STARTS)));
    }
    Err(TimeError::NotATime(t.to_owned(), example_day(now)))
}

/// The day examples of typed times show: the day after `now` (in UTC, so
/// that it is never one already past anywhere).
pub fn example_day(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive() + Duration::days(1)
}

/// A typed moment as an instant: a local one on `zone`'s wall clock, by the
/// `edge` rule where the clocks change.
pub fn moment<Z: TimeZone>(
    text: &str,
    zone: &Z,
    now: DateTime<Utc>,
    edge: Edge,
) -> Result<DateTime<Utc>, TimeError> {
    Ok(match read_moment(text, now)? {
        Typed::Instant(at) => at,
        typed => instant(zone, typed.wall_clock(zone, now), edge),
    })
}

/// The wall-clock time in `zone` that a typed moment names: what a form
/// shows back and compares before it makes instants of it.
pub fn wall_clock<Z: TimeZone>(
    text: &str,
    zone: &Z,
    now: DateTime<Utc>,
) -> Result<NaiveDateTime, TimeError> {
    Ok(read_moment(text, now)?.wall_clock(zone, now))
}

/// A day as typed, `today` being the reader's: `2026-12-11`, `11/12/2026`,
/// `today`, `tomorrow`, or `in 7 days` / `7d` / `2w` from today.
pub fn day(text: &str, today: NaiveDate) -> Result<NaiveDate, TimeError> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return Ok(today + Duration::days(1)),
        _ => {}
    }
    if let Some(day) = ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&t, f).ok())
    {
        return Ok(day);
    }
    let ahead = t.strip_prefix("in ").unwrap_or(&t);
    let digits = ahead.len() - ahead.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let days_per = match ahead[digits..].trim() {
        "d" | "day" | "days" => Some(1),
        "w" | "week" | "weeks" => Some(7),
        _ => None,
    };
    if let (Ok(n), Some(per)) = (ahead[..digits].parse::<i64>(), days_per)
        && (1..=3650).contains(&n)
    {
        return Ok(today + Duration::days(n * per));
    }
    Err(TimeError::NotADay(
        text.trim().to_owned(),
        today + Duration::days(7),
    ))
}

/// A time of day as typed: `09:00`, `9:00` or `17:30:00`.
pub fn time_of_day(text: &str) -> Result<NaiveTime, TimeError> {
    let t = text.trim();
    ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
        .ok_or_else(|| TimeError::NotATimeOfDay(t.to_owned()))
}

/// The instant a wall-clock time in `zone` means, by the `edge` rule.
pub fn instant<Z: TimeZone>(zone: &Z, local: NaiveDateTime, edge: Edge) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.to_utc(),
        LocalResult::Ambiguous(a, b) => match edge {
            Edge::Start => a.to_utc().min(b.to_utc()),
            Edge::End => a.to_utc().max(b.to_utc()),
        },
        LocalResult::None => after_gap(zone, local),
    }
}

/// The first valid instant after a local time that the clocks skip. Gaps
/// start and end on whole minutes, so the search walks minutes.
fn after_gap<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> DateTime<Utc> {
    let minute = local
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(local);
    (1..=26 * 60)
        .find_map(|step| {
            zone.from_local_datetime(&(minute + Duration::minutes(step)))
                .earliest()
        })
        .map(|t| t.to_utc())
        // No zone has a gap of more than a day; read the time as UTC.
        .unwrap_or_else(|| local.and_utc())
}

/// Reads a length of time as people write it: `90s`, `20m`, `1h30m`,
/// `1h30` (the bare number after hours is minutes), `2h`, `20 min`,
/// `20 minutes`, `1 hour 30 minutes`. Units go largest first, each once;
/// the length must be positive.
pub fn parse_length(text: &str) -> Result<Duration, TimeError> {
    let t = text.trim();
    let bad = || TimeError::NotALength(t.to_owned());
    if t.is_empty() {
        return Err(bad());
    }
    let mut rest = t;
    let mut total = Duration::zero();
    // The rank of the last unit read: 1 hours, 2 minutes, 3 seconds.
    let mut last = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(bad());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = rest[digits..].trim_start();
        let word = rest.len() - rest.trim_start_matches(|c: char| c.is_alphabetic()).len();
        let unit = rest[..word].to_lowercase();
        rest = rest[word..].trim_start();
        let rank = match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 2,
            "s" | "sec" | "secs" | "second" | "seconds" => 3,
            // "1h30": a bare number after a unit counts in the next smaller one.
            "" if rest.is_empty() && (1..3).contains(&last) => last + 1,
            "" if rest.is_empty() => return Err(TimeError::NoUnit(t.to_owned(), n)),
            _ => return Err(bad()),
        };
        if rank <= last {
            return Err(bad());
        }
        let secs = [3600, 60, 1][rank - 1];
        total += Duration::try_seconds(n.checked_mul(secs).ok_or_else(bad)?).ok_or_else(bad)?;
        last = rank;
    }
    if total <= Duration::zero() {
        return Err(TimeError::NotPositive(t.to_owned()));
    }
    Ok(total)
}

/// "12 min", "1 h 5 min" (whole minutes, rounded down).
pub fn minutes(seconds: i64) -> String {
    let m = seconds / 60;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

/// "just now", "3 min ago", "1 h 5 min ago": changes once a minute.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - since).num_seconds().max(0);
    if seconds < 60 {
        "just now".to_owned()
    } else {
        format!("{} ago", minutes(seconds))
    }
}

/// Writes a length the way [`parse_length`] reads it, e.g. `1h30m`.
pub fn format_length(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// A time on `zone`'s clock, as short as is clear from `now`: "14:00"
/// today, "Mon 09:00" within the coming week, else "Mon 07 Dec 09:00".
pub fn near(t: DateTime<Utc>, zone: chrono_tz::Tz, now: DateTime<Utc>) -> String {
    let (t, today) = (
        t.with_timezone(&zone),
        now.with_timezone(&zone).date_naive(),
    );
    let days = (t.date_naive() - today).num_days();
    if days == 0 {
        t.format("%H:%M").to_string()
    } else if (1..7).contains(&days) {
        t.format("%a %H:%M").to_string()
    } else {
        t.format("%a %d %b %H:%M").to_string()
    }
}

/// How far `t` is from `now`, in words: "in 12 min", "3 min ago", "now".
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let span = |s: i64| {
        let s = s.abs();
        if s < 60 {
            format!("{s} s")
        } else if s < 3600 {
            format!("{} min", s / 60)
        } else if s < 48 * 3600 {
            format!("{} h {} min", s / 3600, s / 60 % 60)
        } else {
            format!("{} days", s / 86400)
        }
    };
    match secs {
        0 => "now".to_owned(),
        s if s > 0 => format!("in {}", span(s)),
        s => format!("{} ago", span(s)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_examples_in_a_refusal_are_days_still_ahead() {
        let now = Utc.with_ymd_and_hms(2031, 3, 9, 23, 30, 0).unwrap();
        let day = super::day("someday", now.date_naive()).unwrap_err();
        assert_eq!(
            day.to_string(),
            "'someday' is not a day — write 2031-03-16, 16/03/2031, tomorrow or in 7 days"
        );
        let moment = super::read_moment("half past", now).unwrap_err();
        assert_eq!(
            moment.to_string(),
            "'half past' is not a time — write 14:05 for today, 2031-03-10 14:05, or 2031-03-10 for 09:00 that day"
        );
    }

    #[test]
    fn a_day_is_read_as_people_write_it() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(super::day("2026-12-11", today), Ok(d(2026, 12, 11)));
        assert_eq!(super::day("11/12/2026", today), Ok(d(2026, 12, 11)));
        assert_eq!(super::day(" Tomorrow ", today), Ok(d(2026, 12, 3)));
        assert_eq!(super::day("today", today), Ok(today));
        assert_eq!(super::day("in 7 days", today), Ok(d(2026, 12, 9)));
        assert_eq!(super::day("2w", today), Ok(d(2026, 12, 16)));
        let bad = super::day("next-ish", today).unwrap_err().to_string();
        assert!(bad.contains("'next-ish' is not a day"), "{bad}");
        assert!(super::day("0d", today).is_err());
    }

    use chrono_tz::Tz;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn lengths_read_as_people_write_them() {
        let m = Duration::minutes;
        for (typed, length) in [
            ("90s", Duration::seconds(90)),
            ("15m", m(15)),
            (" 1h30m ", m(90)),
            ("1h30", m(90)),
            ("2h", m(120)),
            ("2h5s", Duration::seconds(7205)),
            ("20 min", m(20)),
            ("20 minutes", m(20)),
            ("1 minute", m(1)),
            ("1 hour 30 minutes", m(90)),
            ("1h 30min", m(90)),
            ("2 hours", m(120)),
            ("45 sec", Duration::seconds(45)),
            ("5M", m(5)),
        ] {
            assert_eq!(parse_length(typed), Ok(length), "{typed}");
        }
        for bad in [
            "",
            "soon",
            "m",
            "1x",
            "0s",
            "0m",
            "30m1h",
            "1h1h",
            "1.5h",
            "-5m",
            "20 furlongs",
            "99999999999999999h",
        ] {
            let err = parse_length(bad).expect_err(bad).to_string();
            assert!(err.contains("length of time"), "{bad}: {err}");
            assert!(err.contains(bad.trim()), "{bad}: {err}");
        }
        assert_eq!(parse_length("15"), Err(TimeError::NoUnit("15".into(), 15)));
        assert!(
            parse_length("1m30s20")
                .unwrap_err()
                .to_string()
                .contains("needs a unit")
        );
        assert_eq!(format_length(Duration::minutes(90)), "1h30m");
        assert_eq!(format_length(Duration::seconds(45)), "45s");
    }

    #[test]
    fn a_length_written_back_reads_the_same() {
        for secs in [1, 59, 60, 90, 3600, 5400, 7205] {
            let d = Duration::seconds(secs);
            assert_eq!(parse_length(&format_length(d)), Ok(d));
        }
    }

    #[test]
    fn the_same_typed_moment_is_the_same_instant_in_one_zone() {
        let london: Tz = "Europe/London".parse().unwrap();
        let now = utc(2026, 7, 1, 12, 0);
        let at = |typed| moment(typed, &london, now, Edge::Start).unwrap();
        // Summer: London is an hour ahead of UTC.
        for typed in [
            "2026-07-03 14:05",
            "2026-07-03T14:05",
            "2026-07-03 14:05:00",
            "03/07/2026 14:05",
            "2026-07-03T13:05:00Z",
            "2026-07-03T15:05:00+02:00",
        ] {
            assert_eq!(at(typed), utc(2026, 7, 3, 13, 5), "{typed}");
        }
        assert_eq!(at("14:05"), utc(2026, 7, 1, 13, 5));
        assert_eq!(at("2026-07-03"), utc(2026, 7, 3, 8, 0));
        assert_eq!(at("now"), now);
        let err = moment("tomorrow", &london, now, Edge::Start)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'tomorrow' is not a time"), "{err}");
    }

    #[test]
    fn today_is_the_zones_today() {
        // 23:30 UTC on 1 July is already 2 July in Tokyo.
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let now = utc(2026, 7, 1, 23, 30);
        assert_eq!(
            moment("09:00", &tokyo, now, Edge::Start),
            Ok(utc(2026, 7, 2, 0, 0))
        );
    }

    #[test]
    fn clock_changes_follow_the_rota_rule() {
        let london: Tz = "Europe/London".parse().unwrap();
        let now = utc(2026, 3, 1, 0, 0);
        // 01:30 on 25 October happens twice: first for a start, last for an end.
        let twice = "2026-10-25 01:30";
        assert_eq!(
            moment(twice, &london, now, Edge::Start),
            Ok(utc(2026, 10, 25, 0, 30))
        );
        assert_eq!(
            moment(twice, &london, now, Edge::End),
            Ok(utc(2026, 10, 25, 1, 30))
        );
        // 01:30 on 29 March never happens: the first instant after, 02:00 BST.
        assert_eq!(
            moment("2026-03-29 01:30", &london, now, Edge::Start),
            Ok(utc(2026, 3, 29, 1, 0))
        );
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = utc(2026, 7, 1, 12, 0);
        assert_eq!(relative(now, now), "now");
        assert_eq!(relative(now + Duration::minutes(12), now), "in 12 min");
        assert_eq!(relative(now - Duration::seconds(30), now), "30 s ago");
        assert_eq!(relative(now + Duration::minutes(150), now), "in 2 h 30 min");
        assert_eq!(relative(now - Duration::days(3), now), "3 days ago");
    }
}
