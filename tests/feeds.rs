//! On-call feeds as other tools write them: people matched exactly,
//! repeats of every kind with their overrides and cancellations, zones by
//! Windows name or by their own definition, and a feed read again replacing
//! what it gave before.

#[path = "support/ics.rs"]
mod ics;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use expedite::interop::import::{self, Format, Options, Preview};
use expedite::model::Role;
use expedite::model::roster::{Contact, Roster};
use ics::{calendar, calendar_of};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn roster(people: &[(&str, &str)]) -> Roster {
    Roster {
        contacts: people
            .iter()
            .map(|(name, email)| Contact {
                name: (*name).into(),
                email: (!email.is_empty()).then(|| (*email).into()),
                roles: vec![Role::Developer],
                ..Contact::default()
            })
            .collect(),
        ..Roster::default()
    }
}

fn preview(roster: &Roster, text: &str, now: DateTime<Utc>) -> Preview {
    import::preview(
        roster,
        text,
        Format::ICalendar,
        &Options {
            location: Some("/feeds/team.ics".into()),
            ..Options::at(now)
        },
    )
}

fn starts(p: &Preview, who: &str) -> Vec<DateTime<Utc>> {
    p.shifts
        .iter()
        .filter(|s| s.who == who)
        .map(|s| s.start)
        .collect()
}

#[test]
fn a_name_is_matched_whole_never_as_part_of_another() {
    let feed = calendar(
        &[],
        &[&[
            "UID:w1@example.com",
            "DTSTART:20260302T090000Z",
            "DTEND:20260309T090000Z",
            "SUMMARY:On call: Jane Doe (primary)",
        ]],
    );
    let now = utc(2026, 3, 1, 0, 0);
    // Only Jan on the roster: Jane's week is not given to Jan.
    let p = preview(&roster(&[("Jan", "")]), &feed, now);
    assert!(p.shifts.is_empty(), "{:?}", p.shifts);
    assert_eq!(p.skipped.len(), 1);
    assert!(
        p.skipped[0]
            .1
            .contains("nobody on the roster is \"On call: Jane Doe (primary)\""),
        "{:?}",
        p.skipped
    );
    // With Jane on the roster too, Jane gets it and Jan does not.
    let p = preview(&roster(&[("Jan", ""), ("Jane Doe", "")]), &feed, now);
    assert_eq!(starts(&p, "Jane Doe"), [utc(2026, 3, 2, 9, 0)]);
    assert!(starts(&p, "Jan").is_empty());
    // A summary naming two people on the roster is not guessed.
    let both = feed.replace("Jane Doe (primary)", "Jane Doe / Jan");
    let p = preview(&roster(&[("Jan", ""), ("Jane Doe", "")]), &both, now);
    assert!(p.shifts.is_empty());
    assert!(p.skipped[0].1.contains("names both"), "{:?}", p.skipped);
}

#[test]
fn people_are_found_by_bare_address_escaped_or_accented_name() {
    let feed = calendar(
        &[],
        &[
            // PagerDuty gives the attendee without mailto:.
            &[
                "UID:pd-1@example.com",
                "DTSTART:20260302T090000Z",
                "DTEND:20260303T090000Z",
                "SUMMARY:On Call - Web",
                "ATTENDEE:SAM@example.com",
            ],
            &[
                "UID:o-1@example.com",
                "DTSTART:20260303T090000Z",
                "DTEND:20260304T090000Z",
                "SUMMARY:Ben O&#39;Neil",
            ],
            &[
                "UID:j-1@example.com",
                "DTSTART:20260304T090000Z",
                "DTEND:20260305T090000Z",
                "ATTENDEE;CN=\"jose  alvarez\":mailto:unknown@example.org",
            ],
        ],
    );
    let r = roster(&[
        ("Sam Patel", "sam@example.com"),
        ("Ben O’Neil", ""),
        ("José Álvarez", ""),
    ]);
    let p = preview(&r, &feed, utc(2026, 3, 1, 0, 0));
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    assert_eq!(starts(&p, "Sam Patel"), [utc(2026, 3, 2, 9, 0)]);
    assert_eq!(starts(&p, "Ben O’Neil"), [utc(2026, 3, 3, 9, 0)]);
    assert_eq!(starts(&p, "José Álvarez"), [utc(2026, 3, 4, 9, 0)]);
}

#[test]
fn an_address_with_parameters_is_no_address() {
    let feed = calendar(
        &[],
        &[&[
            "UID:x@example.com",
            "DTSTART:20260302T090000Z",
            "DTEND:20260303T090000Z",
            "ATTENDEE:mailto:sam@example.com?attach=/etc/passwd",
        ]],
    );
    let p = preview(
        &roster(&[("Sam Patel", "sam@example.com")]),
        &feed,
        utc(2026, 3, 1, 0, 0),
    );
    assert!(p.shifts.is_empty());
    let mut c = Contact {
        name: "Sam".into(),
        email: Some("a@b.com?attach=/etc/passwd".into()),
        ..Contact::default()
    };
    assert!(
        c.check()
            .unwrap_err()
            .to_string()
            .contains("not an address")
    );
    c.email = Some("sam@example.com".into());
    assert!(c.check().is_ok());
}

/// The weekly feed a scheduler publishes: Jane's Monday hand-offs at 09:00
/// Berlin, one week moved, one handed to Bob, one cancelled.
fn weekly(extra: &[&[&str]]) -> String {
    let mut events: Vec<&[&str]> = vec![&[
        "UID:series@example.com",
        "DTSTART;TZID=Europe/Berlin:20260302T090000",
        "DTEND;TZID=Europe/Berlin:20260303T090000",
        "RRULE:FREQ=WEEKLY;COUNT=6",
        "SUMMARY:Jane Doe",
    ]];
    events.extend_from_slice(extra);
    calendar(&[], &events)
}

#[test]
fn overrides_and_cancelled_instances_replace_the_series_times() {
    let moved: &[&str] = &[
        "UID:series@example.com",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000",
        "DTSTART;TZID=Europe/Berlin:20260309T120000",
        "DTEND;TZID=Europe/Berlin:20260310T120000",
        "SUMMARY:Jane Doe",
    ];
    let handed: &[&str] = &[
        "UID:series@example.com",
        "RECURRENCE-ID:20260316T080000Z",
        "DTSTART;TZID=Europe/Berlin:20260316T090000",
        "DTEND;TZID=Europe/Berlin:20260317T090000",
        "SUMMARY:Bob Stone",
    ];
    let cancelled: &[&str] = &[
        "UID:series@example.com",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260323T090000",
        "DTSTART;TZID=Europe/Berlin:20260323T090000",
        "DTEND;TZID=Europe/Berlin:20260324T090000",
        "STATUS:CANCELLED",
    ];
    let r = roster(&[("Jane Doe", ""), ("Bob Stone", "")]);
    let p = preview(
        &r,
        &weekly(&[moved, handed, cancelled]),
        utc(2026, 3, 1, 0, 0),
    );
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    // CET until 29 March, CEST after: 09:00 Berlin is 08:00 then 07:00 UTC.
    assert_eq!(
        starts(&p, "Jane Doe"),
        [
            utc(2026, 3, 2, 8, 0),
            utc(2026, 3, 9, 11, 0),
            utc(2026, 3, 30, 7, 0),
            utc(2026, 4, 6, 7, 0),
        ]
    );
    assert_eq!(starts(&p, "Bob Stone"), [utc(2026, 3, 16, 8, 0)]);
    assert!(
        p.notes
            .iter()
            .any(|n| n == "1 cancelled shift is left out."),
        "{:?}",
        p.notes
    );

    // This and all later weeks go to Bob from 30 March, an hour later.
    let future: &[&str] = &[
        "UID:series@example.com",
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260330T090000",
        "DTSTART;TZID=Europe/Berlin:20260330T100000",
        "DTEND;TZID=Europe/Berlin:20260331T100000",
        "SUMMARY:Bob Stone",
    ];
    let p = preview(&r, &weekly(&[future]), utc(2026, 3, 1, 0, 0));
    assert_eq!(starts(&p, "Jane Doe").len(), 4);
    assert_eq!(
        starts(&p, "Bob Stone"),
        [utc(2026, 3, 30, 8, 0), utc(2026, 4, 6, 8, 0)]
    );
}

#[test]
fn reading_a_changed_feed_again_replaces_what_it_gave_before() {
    let r = roster(&[("Jane Doe", ""), ("Bob Stone", "")]);
    let now = utc(2026, 3, 1, 0, 0);
    let first = preview(&r, &weekly(&[]), now);
    let mut r2 = r.clone();
    r2.merge(
        first.contacts.clone(),
        first.shifts.clone(),
        first.feed.clone(),
    );
    assert_eq!(r2.rota.shifts.len(), 6);
    assert_eq!(r2.rota.feeds.len(), 1);

    // The same feed a day later: the week of 9 March moved an hour, the
    // week of 16 March handed to Bob under the same UID, 23 March gone.
    let changed = weekly(&[
        &[
            "UID:series@example.com",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000",
            "DTSTART;TZID=Europe/Berlin:20260309T100000",
            "DTEND;TZID=Europe/Berlin:20260310T100000",
            "SUMMARY:Jane Doe",
        ],
        &[
            "UID:series@example.com",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000",
            "DTSTART;TZID=Europe/Berlin:20260316T090000",
            "DTEND;TZID=Europe/Berlin:20260317T090000",
            "SUMMARY:Bob Stone",
        ],
    ])
    .replace(
        "COUNT=6",
        "COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20260323T090000",
    );
    let again = preview(&r2, &changed, now + Duration::days(1));
    assert!(!again.new_feed);
    assert_eq!(again.merged.shifts_removed, 3, "{:?}", again.lines());
    assert_eq!(again.merged.shifts_added, 2, "{:?}", again.lines());
    assert!(
        again.lines().contains(
            &"Take off 3 shifts the feed no longer has (moved, handed over or cancelled)."
                .to_owned()
        ),
        "{:?}",
        again.lines()
    );
    r2.merge(
        again.contacts.clone(),
        again.shifts.clone(),
        again.feed.clone(),
    );
    assert_eq!(r2.rota.feeds.len(), 1);
    let on = |at| -> Vec<String> {
        r2.on_call(Role::Developer, at)
            .iter()
            .map(|c| c.name.to_string())
            .collect()
    };
    assert_eq!(
        on(utc(2026, 3, 16, 12, 0)),
        ["Bob Stone"],
        "handed over: Jane is off"
    );
    assert!(on(utc(2026, 3, 23, 12, 0)).is_empty(), "cancelled");
    assert!(on(utc(2026, 3, 9, 8, 30)).is_empty(), "moved an hour later");
    assert_eq!(on(utc(2026, 3, 9, 9, 30)), ["Jane Doe"]);
    // A third reading of the same feed changes nothing.
    let third = preview(&r2, &changed, now + Duration::days(1));
    assert!(!third.can_apply(), "{:?}", third.lines());
    assert_eq!(
        third.lines()[0],
        "Nothing to import: the rota has this feed's shifts already."
    );
}

#[test]
fn windows_zone_names_and_a_feeds_own_zone_definition_are_honoured() {
    let event = |tzid: &str| -> String {
        calendar(
            &[
                "BEGIN:VTIMEZONE",
                "TZID:Customized Time Zone",
                "BEGIN:STANDARD",
                "DTSTART:16010101T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:16010101T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                "END:DAYLIGHT",
                "END:VTIMEZONE",
            ],
            &[&[
                "UID:z@example.com",
                &format!("DTSTART;TZID=\"{tzid}\":20260330T090000"),
                &format!("DTEND;TZID=\"{tzid}\":20260331T090000"),
                "SUMMARY:Jane Doe",
            ]],
        )
    };
    let r = roster(&[("Jane Doe", "")]);
    let now = utc(2026, 3, 1, 0, 0);
    for (tzid, start) in [
        ("W. Europe Standard Time", utc(2026, 3, 30, 7, 0)),
        ("Eastern Standard Time", utc(2026, 3, 30, 13, 0)),
        ("Customized Time Zone", utc(2026, 3, 30, 7, 0)),
    ] {
        let p = preview(&r, &event(tzid), now);
        assert!(p.skipped.is_empty(), "{tzid}: {:?}", p.skipped);
        assert_eq!(starts(&p, "Jane Doe"), [start], "{tzid}");
    }
}

#[test]
fn floating_times_follow_the_feeds_own_zone() {
    let feed = calendar(
        &["X-WR-TIMEZONE:America/New_York", "X-WR-CALNAME:Web on call"],
        &[&[
            "UID:f@example.com",
            "DTSTART:20260302T090000",
            "DTEND:20260302T170000",
            "SUMMARY:Jane Doe",
        ]],
    );
    let p = preview(&roster(&[("Jane Doe", "")]), &feed, utc(2026, 3, 1, 0, 0));
    assert_eq!(starts(&p, "Jane Doe"), [utc(2026, 3, 2, 14, 0)]);
    assert_eq!(p.feed.as_ref().unwrap().name, "Web on call");
}

#[test]
fn monthly_repeats_an_off_rule_first_day_and_a_long_running_daily_feed() {
    let r = roster(&[("Jane Doe", "")]);
    let now = utc(2026, 3, 1, 0, 0);
    // First Monday of each month; DTSTART itself a Sunday still counts.
    let monthly = calendar(
        &[],
        &[&[
            "UID:m@example.com",
            "DTSTART:20260301T090000Z",
            "DURATION:PT8H",
            "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=4",
            "SUMMARY:Jane Doe",
        ]],
    );
    let p = preview(&r, &monthly, now);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    assert_eq!(
        starts(&p, "Jane Doe"),
        [
            utc(2026, 3, 1, 9, 0),
            utc(2026, 3, 2, 9, 0),
            utc(2026, 4, 6, 9, 0),
            utc(2026, 5, 4, 9, 0),
        ]
    );
    // A daily shift begun fourteen years ago: the last 30 days and the next
    // 26 weeks come in, and the preview says where they stop.
    let daily = calendar(
        &[],
        &[&[
            "UID:d@example.com",
            "DTSTART:20120301T080000Z",
            "DTEND:20120301T200000Z",
            "RRULE:FREQ=DAILY",
            "SUMMARY:Jane Doe",
        ]],
    );
    let p = preview(&r, &daily, now);
    assert_eq!(p.shifts.len(), 30 + 26 * 7, "{:?}", p.lines());
    let feed = p.feed.as_ref().unwrap();
    assert_eq!(feed.until, Some(now + Duration::weeks(26)));
    assert!(
        p.lines()
            .iter()
            .any(|l| l.starts_with("Repeating shifts are filled in up to")),
        "{:?}",
        p.lines()
    );
}

#[test]
fn a_personal_feed_that_names_nobody_asks_whose_it_is() {
    let feed = calendar(
        &[],
        &[
            &[
                "UID:g1@example.com",
                "DTSTART:20260302T090000Z",
                "DTEND:20260303T090000Z",
                "SUMMARY:On-Call (GoAlert): Web",
            ],
            &[
                "UID:g2@example.com",
                "DTSTART:20260309T090000Z",
                "DTEND:20260310T090000Z",
                "SUMMARY:On-Call (GoAlert): Web",
            ],
        ],
    );
    let r = roster(&[("Jane Doe", "")]);
    let p = preview(&r, &feed, utc(2026, 3, 1, 0, 0));
    assert!(p.whose_needed);
    assert!(!p.can_apply());
    assert_eq!(
        p.lines()[0],
        "Nothing to import yet: the feed doesn't say whose shifts these are."
    );
    let p = import::preview(
        &r,
        &feed,
        Format::ICalendar,
        &Options {
            whose: Some("jane doe".into()),
            ..Options::at(utc(2026, 3, 1, 0, 0))
        },
    );
    assert_eq!(p.shifts.len(), 2);
    assert!(p.can_apply());
    let p = import::preview(
        &r,
        &feed,
        Format::ICalendar,
        &Options {
            whose: Some("Jane Dough".into()),
            ..Options::at(utc(2026, 3, 1, 0, 0))
        },
    );
    assert!(
        p.lines()[0].contains("did you mean Jane Doe?"),
        "{:?}",
        p.lines()
    );
}

/// Weekly rules checked against a plain walk over the days: every day from
/// the first, kept when it is one of the rule's weekdays in a week the
/// interval picks (weeks start on Monday), up to COUNT. Independent of the
/// rrule implementation the import uses.
#[test]
fn weekly_repeats_agree_with_a_day_by_day_walk() {
    let r = roster(&[("Jane Doe", "")]);
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let code =
        |d: Weekday| ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][d.num_days_from_monday() as usize];
    let now = utc(2026, 1, 1, 0, 0);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for case in 0..60 {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(next(14) as i64);
        let interval = 1 + next(3) as i64;
        let count = 1 + next(12) as usize;
        let mut chosen: Vec<Weekday> = days.iter().copied().filter(|_| next(3) == 0).collect();
        if !chosen.contains(&first.weekday()) {
            chosen.push(first.weekday());
        }
        chosen.sort_by_key(|d| d.num_days_from_monday());
        let byday: Vec<&str> = chosen.iter().map(|d| code(*d)).collect();
        let feed = calendar(
            &[],
            &[&[
                "UID:walk@example.com",
                &format!("DTSTART:{}T090000Z", first.format("%Y%m%d")),
                "DURATION:PT1H",
                &format!(
                    "RRULE:FREQ=WEEKLY;INTERVAL={interval};COUNT={count};BYDAY={}",
                    byday.join(",")
                ),
                "SUMMARY:Jane Doe",
            ]],
        );
        let week_of = |d: NaiveDate| {
            (d - Duration::days(d.weekday().num_days_from_monday() as i64)).num_days_from_ce() / 7
        };
        let mut expected = Vec::new();
        let mut day = first;
        while expected.len() < count {
            if chosen.contains(&day.weekday())
                && i64::from(week_of(day) - week_of(first)) % interval == 0
            {
                expected.push(Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap()));
            }
            day += Duration::days(1);
        }
        let p = preview(&r, &feed, now);
        assert_eq!(
            starts(&p, "Jane Doe"),
            expected,
            "case {case}: {byday:?} every {interval} from {first}"
        );
    }
}

#[test]
fn a_feed_that_would_fill_the_rota_past_any_team_is_refused_whole_with_why() {
    let now = utc(2026, 12, 1, 12, 0);
    // 600 people on call every day, for ever: 109,000 shifts in 26 weeks.
    let lines: Vec<Vec<String>> = (0..600)
        .map(|i| {
            vec![
                format!("UID:daily-{i}@oncall.test"),
                "DTSTART:20261101T090000Z".to_owned(),
                "DTEND:20261102T090000Z".to_owned(),
                "RRULE:FREQ=DAILY".to_owned(),
                format!("ATTENDEE:mailto:p{i}@example.com"),
            ]
        })
        .collect();
    let text = calendar_of(&[], &lines);
    let p = preview(&roster(&[]), &text, now);
    assert!(p.shifts.is_empty(), "never read in part");
    let said = p.lines().join("\n");
    assert!(
        said.contains("Nothing will be imported: the feed fills the 26 weeks imported with more than 100,000 shifts"),
        "{said}"
    );
    // A repeat that names the 30th of February never happens: skipped, said.
    let never = calendar(
        &[],
        &[&[
            "UID:never@oncall.test",
            "DTSTART:20261101T090000Z",
            "DTEND:20261102T090000Z",
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            "ATTENDEE:mailto:sam@example.com",
        ]],
    );
    let p = preview(&roster(&[("Sam Patel", "sam@example.com")]), &never, now);
    assert!(
        p.lines().join("\n").contains("such as 30 February"),
        "{:?}",
        p.lines()
    );
}

#[test]
fn shifts_listed_one_by_one_are_all_taken_however_far_ahead_they_are_planned() {
    let now = utc(2026, 12, 1, 12, 0);
    // A year of fortnightly shifts, each its own event: 27 of them.
    let lines: Vec<Vec<String>> = (0..27)
        .map(|i| {
            let day = now + Duration::weeks(2 * i);
            vec![
                format!("UID:shift-{i}@oncall.test"),
                format!("DTSTART:{}", day.format("%Y%m%dT090000Z")),
                format!(
                    "DTEND:{}",
                    (day + Duration::days(7)).format("%Y%m%dT090000Z")
                ),
                "ATTENDEE:mailto:sam@example.com".to_owned(),
            ]
        })
        .collect();
    let p = preview(
        &roster(&[("Sam Patel", "sam@example.com")]),
        &calendar_of(&[], &lines),
        now,
    );
    assert_eq!(p.shifts.len(), 27, "{:?}", p.lines());
    // Three years ahead is past what is read; said, not dropped silently.
    let far = now + Duration::weeks(156);
    let start = format!("DTSTART:{}", far.format("%Y%m%dT090000Z"));
    let end = format!(
        "DTEND:{}",
        (far + Duration::days(7)).format("%Y%m%dT090000Z")
    );
    let p = preview(
        &roster(&[("Sam Patel", "sam@example.com")]),
        &calendar(
            &[],
            &[&[
                "UID:far@oncall.test",
                &start,
                &end,
                "ATTENDEE:mailto:sam@example.com",
            ]],
        ),
        now,
    );
    assert!(
        p.lines().join("\n").contains("more than 2 years ahead"),
        "{:?}",
        p.lines()
    );
}
