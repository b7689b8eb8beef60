//! Calendars read as their calendar meant, checked against an independent
//! reader: Python's `icalendar` with `recurring_ical_events` (Debian's
//! python3-recurring-ical-events) expands each calendar here, and every
//! shift Expedite reads must be one it finds, and the other way round.
//! The calendars are written for this test from RFC 5545 and from the
//! shapes on-call products export: several RRULEs on one event, RDATE
//! periods, DURATION in exact hours across a clock change, a moved
//! occurrence (RECURRENCE-ID), a start in the hour the clocks skip, and
//! single shifts listed one by one far ahead. One reading differs from
//! RFC 5545 on purpose and is not compared: a repeat's DTEND is read on
//! the clock (a weekly 09:00 hand-off stays at 09:00 the week the clocks
//! change), where the RFC gives every occurrence the first one's exact
//! length.

#[path = "support/ics.rs"]
mod ics;

use std::collections::BTreeSet;
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use expedite::interop::ical::{self, Window};
use ics::{calendar, calendar_of};

/// The peer's expansion: each occurrence as `UID start end` in UTC.
const PEER: &str = r#"
import sys, re, datetime, icalendar, recurring_ical_events
try:
    import zoneinfo
except ImportError:
    from backports import zoneinfo
text = open(sys.argv[1], 'rb').read()
cal = icalendar.Calendar.from_ical(text)
# Each event's DURATION as written: a timedelta can't tell PT24H (exact)
# from P1D (a day on the clock).
durations = {}
for block in re.findall(r'BEGIN:VEVENT(.*?)END:VEVENT', text.decode(), re.S):
    uid = re.search(r'^UID:(.*?)\r?$', block, re.M)
    dur = re.search(r'^DURATION:(.*?)\r?$', block, re.M)
    if uid and dur:
        m = re.fullmatch(r'P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?', dur.group(1).strip())
        w, d, h, mi, se = [int(x or 0) for x in m.groups()]
        durations[uid.group(1).strip()] = (7 * w + d, 3600 * h + 60 * mi + se)
start = datetime.datetime.fromisoformat(sys.argv[2])
end = datetime.datetime.fromisoformat(sys.argv[3])
local = zoneinfo.ZoneInfo(sys.argv[4])
UTC = datetime.timezone.utc
def instant(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=local)
        # pytz zones need their own localisation; zoneinfo's fold=0 is
        # RFC 5545's choice for a skipped or repeated hour.
        if hasattr(v.tzinfo, 'localize'):
            v = v.tzinfo.normalize(v)
        return v.astimezone(UTC)
    return datetime.datetime(v.year, v.month, v.day, tzinfo=local).astimezone(UTC)
def wall(v):
    if isinstance(v, datetime.datetime):
        return v.replace(tzinfo=None), (v.tzinfo or local)
    return datetime.datetime(v.year, v.month, v.day), local
out = []
for ev in recurring_ical_events.of(cal).between(start, end):
    s = ev['DTSTART'].dt
    # The peer adds a DTEND to each occurrence by pytz's arithmetic, which
    # keeps the start's offset across a clock change: a DURATION is read
    # here as RFC 5545 says instead.
    if str(ev.get('UID')) in durations:
        days, seconds = durations[str(ev.get('UID'))]
        # Days are nominal (the same wall-clock time), the rest exact.
        naive, zone = wall(s)
        naive += datetime.timedelta(days=days)
        if hasattr(zone, 'localize'):
            e = zone.localize(naive).astimezone(UTC)
        else:
            e = naive.replace(tzinfo=zone).astimezone(UTC)
        e += datetime.timedelta(seconds=seconds)
    elif 'DTEND' in ev:
        e = instant(ev['DTEND'].dt)
    else:
        e = instant(s) + datetime.timedelta(days=1)
    out.append('%s %s %s' % (ev.get('UID'), instant(s).strftime('%Y-%m-%dT%H:%M:%SZ'), e.strftime('%Y-%m-%dT%H:%M:%SZ')))
print('\n'.join(sorted(out)))
"#;

fn utc(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, 0, 0, 0).unwrap()
}

/// Whether the peer reader is here to compare with.
fn peer_here() -> bool {
    Command::new("/usr/bin/python3")
        .args(["-c", "import icalendar, recurring_ical_events"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What the peer finds in `calendar` between `from` and `to`, floating
/// times in `zone`.
fn peer(calendar: &str, from: DateTime<Utc>, to: DateTime<Utc>, zone: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, calendar).unwrap();
    let out = Command::new("/usr/bin/python3")
        .args(["-c", PEER])
        .arg(&file)
        .arg(from.to_rfc3339())
        .arg(to.to_rfc3339())
        .arg(zone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{calendar}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What Expedite reads: each occurrence as `UID start end`, those that
/// start before `to` and end after `from`, as the peer counts them.
fn ours(calendar: &str, from: DateTime<Utc>, to: DateTime<Utc>, zone: &str) -> BTreeSet<String> {
    let window = Window { from, to };
    let feed = ical::read(calendar, zone.parse().unwrap(), window);
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert!(feed.skipped.is_empty(), "{:?}", feed.skipped);
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    feed.events
        .iter()
        .flat_map(|e| {
            let uid = e.uid.clone().unwrap_or_default();
            e.times
                .iter()
                .filter(|(s, end)| *s < to && *end > from)
                .map(move |(s, end)| format!("{uid} {} {}", fmt(*s), fmt(*end)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Compares both readers on `calendar`, and says which shifts differ.
fn agree(name: &str, calendar: &str, from: DateTime<Utc>, to: DateTime<Utc>, zone: &str) -> usize {
    let theirs = peer(calendar, from, to, zone);
    let ours = ours(calendar, from, to, zone);
    let missing: Vec<&String> = theirs.difference(&ours).collect();
    let extra: Vec<&String> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: the peer has and Expedite lacks {missing:#?}\nExpedite has and the peer lacks {extra:#?}"
    );
    assert!(!theirs.is_empty(), "{name}: nothing to compare");
    theirs.len()
}

#[test]
fn shifts_are_read_as_an_independent_reader_reads_them() {
    if !peer_here() {
        println!(
            "skipped: the peer reader (python3-icalendar, python3-recurring-ical-events) is not installed"
        );
        return;
    }
    let (from, to) = (utc(2027, 1, 1), utc(2027, 12, 31));
    let mut compared = 0;
    // One event, two RRULE lines: weekday nights and Saturdays. The
    // peer takes one RRULE per event, and RFC 5545 makes the set their
    // union: each is expanded alone and the two joined.
    let nights = |rules: &[&str]| {
        let mut lines = vec![
            "UID:nights@oncall.test",
            "DTSTART:20270104T180000Z",
            "DTEND:20270105T090000Z",
            "SUMMARY:Nights",
        ];
        lines.extend_from_slice(rules);
        calendar(&[], &[&lines])
    };
    // (UNTIL, not COUNT: with a DTSTART off one of the rules, RFC 5545
    // leaves COUNT's reckoning undefined.)
    let (weekdays, saturdays) = (
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;UNTIL=20270401T000000Z",
        "RRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20270301T000000Z",
    );
    let mut theirs = peer(&nights(&[weekdays]), from, to, "Europe/London");
    theirs.extend(peer(&nights(&[saturdays]), from, to, "Europe/London"));
    let ours_both = ours(&nights(&[weekdays, saturdays]), from, to, "Europe/London");
    let missing: Vec<&String> = theirs.difference(&ours_both).collect();
    let extra: Vec<&String> = ours_both.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "two RRULEs: the peer has and Expedite lacks {missing:#?}\nExpedite has and the peer lacks {extra:#?}"
    );
    compared += theirs.len();
    // Shifts listed one by one, over a year ahead.
    let singles: Vec<Vec<String>> = (0..27)
        .map(|n| {
            let day = utc(2027, 1, 4) + Duration::weeks(2 * n);
            vec![
                format!("UID:single-{n}@oncall.test"),
                format!("DTSTART:{}", day.format("%Y%m%dT090000Z")),
                format!(
                    "DTEND:{}",
                    (day + Duration::days(7)).format("%Y%m%dT090000Z")
                ),
            ]
        })
        .collect();
    compared += agree(
        "singles far ahead",
        &calendar_of(&[], &singles),
        from,
        utc(2028, 2, 1),
        "UTC",
    );
    // Exact hours across the clock change: PT24H is 24 hours, P1D a day.
    compared += agree(
        "DURATION across a clock change",
        &calendar(
            &[],
            &[
                &[
                    "UID:exact@oncall.test",
                    "DTSTART;TZID=Europe/London:20270327T120000",
                    "DURATION:PT24H",
                    "RRULE:FREQ=DAILY;COUNT=3",
                ],
                &[
                    "UID:nominal@oncall.test",
                    "DTSTART;TZID=Europe/London:20270327T120000",
                    "DURATION:P1D",
                    "RRULE:FREQ=DAILY;COUNT=3",
                ],
            ],
        ),
        from,
        to,
        "Europe/London",
    );
    // One occurrence of a weekly shift moved and lengthened.
    compared += agree(
        "a moved occurrence",
        &calendar(
            &[],
            &[
                &[
                    "UID:weekly@oncall.test",
                    "DTSTART;TZID=America/New_York:20270104T090000",
                    "DTEND;TZID=America/New_York:20270111T090000",
                    "RRULE:FREQ=WEEKLY;COUNT=8",
                ],
                &[
                    "UID:weekly@oncall.test",
                    "RECURRENCE-ID;TZID=America/New_York:20270118T090000",
                    "DTSTART;TZID=America/New_York:20270118T130000",
                    "DTEND;TZID=America/New_York:20270125T090000",
                ],
            ],
        ),
        from,
        to,
        "America/New_York",
    );
    // A daily hand-off in the hour the clocks skip in London, for six and
    // a half exact hours.
    compared += agree(
        "a start in the skipped hour",
        &calendar(
            &[],
            &[&[
                "UID:early@oncall.test",
                "DTSTART;TZID=Europe/London:20270326T013000",
                "DURATION:PT6H30M",
                "RRULE:FREQ=DAILY;COUNT=4",
            ]],
        ),
        from,
        to,
        "Europe/London",
    );
    println!("{compared} shifts compared; every one agreed");
}

#[test]
fn rdate_periods_keep_their_own_ends() {
    // The peer reader here can't read RDATE periods; RFC 5545 says what
    // they mean: each its own start and end (or start and length).
    let text = calendar(
        &[],
        &[&[
            "UID:periods@oncall.test",
            "DTSTART:20270301T090000Z",
            "DTEND:20270301T170000Z",
            "RDATE;VALUE=PERIOD:20270308T090000Z/20270308T210000Z,20270315T090000Z/PT4H",
        ]],
    );
    let got = ours(&text, utc(2027, 1, 1), utc(2027, 12, 31), "UTC");
    let want: BTreeSet<String> = [
        "periods@oncall.test 2027-03-01T09:00:00Z 2027-03-01T17:00:00Z",
        "periods@oncall.test 2027-03-08T09:00:00Z 2027-03-08T21:00:00Z",
        "periods@oncall.test 2027-03-15T09:00:00Z 2027-03-15T13:00:00Z",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(got, want);
}
