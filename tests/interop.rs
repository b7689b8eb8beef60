//! Importing contacts and on-call feeds, and exporting the roster and rota:
//! realistic files written per RFC 6350 / RFC 5545 / RFC 4180, broken ones
//! included, and exports read back by the same parsers.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use expedite::interop::import::{self, Format, Options};
use expedite::interop::{ical, vcard};
use expedite::model::Role;
use expedite::model::roster::{Contact, OfficeHours, Phone, Roster, Rota, Rotation, Shift};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn options() -> Options {
    Options::at(utc(2026, 3, 1, 0, 0))
}

const CARDS: &str = "BEGIN:VCARD\r
VERSION:3.0\r
FN:Sam Patel\r
N:Patel;Sam;;;\r
TEL;TYPE=CELL:+44 7700 900123\r
TEL;TYPE=WORK,VOICE:+44 20 7946 0123\r
EMAIL;TYPE=INTERNET:sam@example.com\r
ORG:Example Ltd;Web Team\r
TITLE:Developer\r
NOTE:Prefers a call\\, not chat\\, after 22:00.\\nBackup: Alex.\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
N:Okafor;Jo;;;\r
TEL;VALUE=uri;TYPE=cell:tel:+1-212-555-0199\r
item1.EMAIL:jo@example.com\r
ROLE:Product owner\r
TZ:America/New_York\r
NOTE:Covers the US eveni\r
 ngs; call first.\r
END:VCARD\r
";

#[test]
fn vcards_of_both_versions_are_read_with_folded_lines_and_escapes() {
    let (contacts, problems) = vcard::read(CARDS, None);
    assert!(problems.is_empty(), "{problems:?}");
    let sam = &contacts[0].1;
    assert_eq!(contacts[0].0, 1);
    assert_eq!(sam.name, "Sam Patel");
    assert_eq!(sam.roles, [Role::Developer]);
    assert_eq!(sam.team, "Web Team");
    assert_eq!(sam.phones[0].label, "mobile");
    assert_eq!(sam.phones[1].label, "work");
    assert_eq!(sam.email.as_deref(), Some("sam@example.com"));
    assert_eq!(
        sam.notes,
        "Prefers a call, not chat, after 22:00.\nBackup: Alex."
    );
    let jo = &contacts[1].1;
    assert_eq!(contacts[1].0, 12);
    assert_eq!(jo.name, "Jo Okafor", "from N when there is no FN");
    assert_eq!(jo.phones[0].number, "+12125550199");
    assert_eq!(
        jo.email.as_deref(),
        Some("jo@example.com"),
        "grouped property"
    );
    assert_eq!(jo.roles, [Role::ProductOwner]);
    assert_eq!(jo.time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(jo.notes, "Covers the US evenings; call first.");
}

#[test]
fn broken_cards_are_reported_by_line_and_block_the_whole_import() {
    let file = format!(
        "{CARDS}BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Reception\r\nTEL:call the front desk\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+44 1234 567890\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Cut Short\r\n"
    );
    let (contacts, problems) = vcard::read(&file, None);
    assert_eq!(contacts.len(), 2);
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [22, 27, 31], "{problems:?}");
    assert!(
        problems[0].message.contains("letters"),
        "{}",
        problems[0].message
    );
    assert!(problems[1].message.contains("no name"));
    assert!(problems[2].message.contains("END:VCARD"));

    let roster = Roster::default();
    let preview = import::preview(&roster, &file, Format::VCard, &options());
    assert!(!preview.can_apply());
    let lines = preview.lines();
    assert!(
        lines[0].starts_with("Nothing will be imported: 3 records"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Line 22: ")),
        "{lines:?}"
    );
}

#[test]
fn a_spreadsheet_maps_columns_by_name_and_reports_the_rest() {
    let file = "Full Name,ROLE,Mobile,E-mail,team,Shoe size\n\
                Sam Patel,Developer,+44 7700 900123,sam@example.com,Web,9\n\
                \"Okafor, Jo\",\"Product owner, reviewer\",+1 212 555 0199,jo@example.com,\"Web, US\",7\n\
                ,,,,,\n\
                Al Smith,Tester,07700 9OO 456,al@example.com,QA,10\n\
                Too,Many,Fields,Here,x,y,z\n";
    let roster = Roster::default();
    let preview = import::preview(&roster, file, Format::Csv, &options());
    assert_eq!(preview.contacts.len(), 2);
    let jo = &preview.contacts[1];
    assert_eq!(jo.name, "Okafor, Jo");
    assert_eq!(jo.roles, [Role::ProductOwner, Role::Reviewer]);
    assert_eq!(jo.team, "Web, US");
    let problems: Vec<usize> = preview.problems.iter().map(|p| p.line).collect();
    assert_eq!(problems, [5, 6], "{:?}", preview.problems);
    assert!(preview.problems[1].message.contains("double quotes"));
    assert!(preview.notes[0].contains("Shoe size"));
    assert!(!preview.can_apply());

    // Mended, the same file imports; a second time it changes nothing.
    let mended = file
        .replace("07700 9OO 456", "07700 900 456")
        .replace("Too,Many,Fields,Here,x,y,z\n", "");
    let preview = import::preview(&roster, &mended, Format::Csv, &options());
    assert!(preview.can_apply(), "{:?}", preview.lines());
    assert_eq!(preview.merged.added.len(), 3);
    let mut state = expedite::model::State::default();
    expedite::command::apply(
        &mut state,
        expedite::command::Command::Roster(Box::new(preview.change())),
        "me",
        options().now,
    )
    .unwrap();
    assert_eq!(state.roster.contacts.len(), 3);
    let again = import::preview(&state.roster, &mended, Format::Csv, &options());
    assert!(!again.can_apply());
    assert!(
        again.lines()[0].contains("on the roster already"),
        "{:?}",
        again.lines()
    );
}

#[test]
fn an_import_updates_people_matched_by_email_then_name() {
    let mut roster = Roster::default();
    roster.contacts.push(Contact {
        name: "Samuel Patel".into(),
        email: Some("SAM@example.com".into()),
        phones: vec![Phone {
            label: "mobile".into(),
            number: "+44 7700 900123".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    });
    roster.contacts.push(Contact {
        name: "Jo Okafor".into(),
        ..Contact::default()
    });
    let preview = import::preview(&roster, CARDS, Format::VCard, &options());
    assert!(preview.can_apply());
    assert!(preview.merged.added.is_empty());
    let changed: Vec<String> = preview
        .merged
        .changed
        .iter()
        .map(|(n, w)| format!("{n}: {}", w.join(", ")))
        .collect();
    assert_eq!(
        changed[0],
        "Sam Patel: name, team, notes, email, roles, numbers"
    );
    assert!(changed[1].starts_with("Jo Okafor: "), "{changed:?}");
    assert!(
        preview
            .lines()
            .iter()
            .any(|l| l.starts_with("Update 2 contacts: Sam Patel (name"))
    );
}

fn people() -> Roster {
    let person = |name: &str, email: &str, role| Contact {
        name: name.into(),
        email: Some(email.into()),
        roles: vec![role],
        ..Contact::default()
    };
    Roster {
        contacts: vec![
            person("Sam Patel", "sam@example.com", Role::Developer),
            person("Jo Okafor", "jo@example.com", Role::ProductOwner),
            person("Al Smith", "al@example.com", Role::Tester),
        ],
        office_hours: Some(OfficeHours::default()),
        rota: Rota::default(),
        ..Roster::default()
    }
}

const FEED: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example On-Call//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/London\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
DTSTART:19810329T010000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
TZNAME:BST\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
DTSTART:19961027T020000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
TZNAME:GMT\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:weekly-1@example.com\r
DTSTAMP:20260301T000000Z\r
DTSTART;TZID=Europe/London:20260316T090000\r
DTEND;TZID=Europe/London:20260323T090000\r
RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3\r
SUMMARY:On call - Web primary\r
ATTENDEE;CN=\"Patel, Sam\";ROLE=REQ-PARTICIPANT:mailto:sam@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:one@example.com\r
DTSTAMP:20260301T000000Z\r
DTSTART:20260321T180000Z\r
DTEND:20260322T060000Z\r
SUMMARY:Jo Okafor (product escalation)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:allday@example.com\r
DTSTAMP:20260301T000000Z\r
DTSTART;VALUE=DATE:20260329\r
DTEND;VALUE=DATE:20260330\r
SUMMARY:On call: Al Smith\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:stranger@example.com\r
DTSTAMP:20260301T000000Z\r
DTSTART:20260321T180000Z\r
DTEND:20260322T060000Z\r
SUMMARY:On call\r
ATTENDEE;CN=Pat Stranger:mailto:pat@elsewhere.example\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn an_on_call_feed_becomes_shifts_in_local_time_across_the_change() {
    let roster = people();
    let preview = import::preview(&roster, FEED, Format::ICalendar, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let sam: Vec<(DateTime<Utc>, DateTime<Utc>)> = preview
        .shifts
        .iter()
        .filter(|s| s.who == "Sam Patel")
        .map(|s| (s.start, s.end))
        .collect();
    // Every other Monday 09:00 London: GMT on 16 March, BST from 29 March.
    assert_eq!(
        sam,
        [
            (utc(2026, 3, 16, 9, 0), utc(2026, 3, 23, 9, 0)),
            (utc(2026, 3, 30, 8, 0), utc(2026, 4, 6, 8, 0)),
            (utc(2026, 4, 13, 8, 0), utc(2026, 4, 20, 8, 0)),
        ]
    );
    let jo = preview
        .shifts
        .iter()
        .find(|s| s.who == "Jo Okafor")
        .unwrap();
    assert_eq!(
        (jo.start, jo.role),
        (utc(2026, 3, 21, 18, 0), Role::ProductOwner)
    );
    // All day on the change day, in the office's zone: midnight GMT to midnight BST.
    let al = preview.shifts.iter().find(|s| s.who == "Al Smith").unwrap();
    assert_eq!(
        (al.start, al.end),
        (utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0))
    );
    assert_eq!(preview.skipped.len(), 1);
    assert_eq!(preview.skipped[0].0, 44);
    assert!(
        preview.skipped[0].1.contains("Pat Stranger")
            || preview.skipped[0].1.contains("pat@elsewhere")
    );
    assert!(preview.can_apply());
    assert!(
        preview.lines().iter().any(|l| l == "Add 5 shifts."),
        "{:?}",
        preview.lines()
    );

    // Imported, the rota answers "who covers now".
    let mut roster = roster;
    roster.merge(
        preview.contacts.clone(),
        preview.shifts.clone(),
        preview.feed.clone(),
    );
    let on_call: Vec<&str> = roster
        .on_call(Role::Developer, utc(2026, 3, 31, 3, 0))
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(on_call, ["Sam Patel"]);
}

#[test]
fn a_role_can_be_given_for_a_whole_feed() {
    let preview = import::preview(
        &people(),
        FEED,
        Format::ICalendar,
        &Options {
            role: Some(Role::WebContact),
            ..options()
        },
    );
    assert!(preview.shifts.iter().all(|s| s.role == Role::WebContact));
}

#[test]
fn events_that_cant_be_used_are_skipped_by_line_and_the_rest_imports() {
    let broken = FEED
        .replace(
            "DTSTART:20260321T180000Z\r\nDTEND:20260322T060000Z\r\nSUMMARY:Jo",
            "DTSTART:tomorrow\r\nDTEND:20260322T060000Z\r\nSUMMARY:Jo",
        )
        .replace(
            "DTSTART;TZID=Europe/London:20260316",
            "DTSTART;TZID=London Standard Time:20260316",
        );
    let preview = import::preview(&people(), &broken, Format::ICalendar, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let lines: Vec<usize> = preview.skipped.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [21, 30, 44], "{:?}", preview.skipped);
    assert!(preview.skipped[0].1.contains("London Standard Time"));
    assert!(preview.skipped[0].1.contains("IANA"));
    assert!(preview.skipped[1].1.contains("tomorrow"));
    // Al's day still imports, and the preview says what was left.
    let who: Vec<&str> = preview.shifts.iter().map(|s| s.who.as_str()).collect();
    assert_eq!(who, ["Al Smith"]);
    assert!(preview.can_apply());
    let lines = preview.lines();
    assert_eq!(
        lines[0],
        "3 events can't be used and are skipped (each is listed below with why); the rest imports.",
        "{lines:?}"
    );
    assert!(lines.contains(&"Skip line 30: the time \"tomorrow\" can't be read (iCalendar times look like 20261128T090000Z).".to_owned()), "{lines:?}");
}

#[test]
fn a_file_that_is_no_calendar_is_refused_whole() {
    let preview = import::preview(
        &people(),
        "SUMMARY:On call\r\nDTSTART:20260321T180000Z\r\n",
        Format::ICalendar,
        &options(),
    );
    assert!(!preview.can_apply());
    assert_eq!(
        preview.lines(),
        [
            "Nothing will be imported: This is not an iCalendar file: it has no BEGIN:VCALENDAR and no events. Export the on-call calendar as .ics."
        ]
    );
}

#[test]
fn big_and_binary_files_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    std::fs::write(&big, vec![b'a'; (import::MAX_BYTES + 1) as usize]).unwrap();
    let err = import::read_file(&big).unwrap_err().to_string();
    assert!(err.contains("10 MB"), "{err}");
    let binary = dir.path().join("photo.vcf");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 0, 1]).unwrap();
    assert!(
        import::read_file(&binary)
            .unwrap_err()
            .to_string()
            .contains("not a text file")
    );
    let text = dir.path().join("list.txt");
    std::fs::write(&text, "just some words\n").unwrap();
    assert!(
        Format::guess(&text, "just some words\n")
            .unwrap_err()
            .to_string()
            .contains("CSV")
    );
    assert_eq!(
        Format::guess(Path::new("x.dat"), "\nBEGIN:VCARD\r\n").unwrap(),
        Format::VCard
    );
}

#[test]
fn the_roster_exported_as_vcard_reads_back_the_same() {
    let mut roster = people();
    roster.contacts[0].phones = vec![
        Phone {
            label: "mobile".into(),
            number: "+44 7700 900123".into(),
            extension: Default::default(),
        },
        Phone {
            label: "desk".into(),
            number: "+44 20 7946 0123".into(),
            extension: Default::default(),
        },
    ];
    roster.contacts[0].team = "Web; payments, checkout".into();
    roster.contacts[0].notes = "Call, don't text.\nVery long note that goes on and on so that the line has to be folded by the writer at 75 octets — with a dash".into();
    roster.contacts[0].time_zone = Some("Europe/London".into());
    roster.contacts[0].chat = Some("@sam".into());
    roster.contacts[0].roles.push(Role::Reviewer);
    let text = vcard::write(&roster);
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:x-expedite:contact:"));
    assert!(text.lines().all(|l| l.len() <= 75), "{text}");
    assert!(text.contains("TEL;VALUE=uri;TYPE=cell:tel:+447700900123"));
    assert_eq!(
        text,
        vcard::write(&roster),
        "stable from one export to the next"
    );
    let (back, problems) = vcard::read(&text, None);
    assert!(problems.is_empty(), "{problems:?}");
    let back: Vec<Contact> = back.into_iter().map(|(_, c)| c).collect();
    assert_eq!(back.len(), 3);
    let sam = &back[0];
    assert_eq!(sam.team, roster.contacts[0].team);
    assert_eq!(sam.notes, roster.contacts[0].notes);
    assert_eq!(sam.roles, roster.contacts[0].roles);
    assert_eq!(sam.chat, roster.contacts[0].chat);
    assert_eq!(sam.time_zone, roster.contacts[0].time_zone);
    assert_eq!(sam.phones[1].label, "work");
    assert_eq!(back[1], roster.contacts[1]);
}

#[test]
fn the_rota_exported_as_ics_reads_back_as_free_utc_events() {
    let mut roster = people();
    roster.rota.shifts.push(Shift {
        who: "Al Smith".into(),
        role: Role::Tester,
        start: utc(2026, 3, 2, 18, 0),
        end: utc(2026, 3, 3, 8, 0),
        source: None,
    });
    roster.rota.rotations.push(Rotation {
        name: "Web, developers".into(),
        role: Role::Developer,
        people: vec!["Sam Patel".into(), "Jo Okafor".into()],
        hand_off_day: Weekday::Mon,
        hand_off_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        time_zone: "Europe/London".into(),
        starts: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    });
    let now = utc(2026, 3, 4, 12, 0);
    let text = ical::write(&roster, now, 4);
    assert_eq!(text, ical::write(&roster, now, 4), "stable UIDs and stamps");
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(
        events.len(),
        1 + 5,
        "the shift and turns from 2 March to 1 April"
    );
    for e in &events {
        assert_eq!(e.find_prop("TRANSP").unwrap().val.as_str(), "TRANSPARENT");
        assert!(e.find_prop("DTSTART").unwrap().val.as_str().ends_with('Z'));
        assert!(e.find_prop("UID").is_some());
    }
    // Read back as a feed, the turns keep 09:00 London across 29 March.
    let window = ical::Window {
        from: now - chrono::Duration::days(30),
        to: now + chrono::Duration::weeks(26),
    };
    let feed = ical::read(&text, chrono_tz::Tz::UTC, window);
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
    assert!(feed.skipped.is_empty(), "{:?}", feed.skipped);
    let matched = ical::shifts(&roster, &feed, None, None);
    assert!(matched.unclear.is_empty());
    let shifts = matched.shifts;
    let starts: Vec<DateTime<Utc>> = shifts.iter().map(|s| s.start).collect();
    assert!(starts.contains(&utc(2026, 3, 23, 9, 0)));
    assert!(starts.contains(&utc(2026, 3, 30, 8, 0)));
}

#[test]
fn an_import_keeps_the_last_thirty_days_of_shifts_and_says_what_it_left_out() {
    // Sam's shifts end on 23 March, 6 April and 20 April; Jo's on 22 March
    // at 06:00, Al's on 29 March.
    let feed_at = |now| import::preview(&people(), FEED, Format::ICalendar, &Options::at(now));
    // On 23 April at noon, 30 days back is 24 March at noon: Jo's shift and
    // Sam's first are left out, the rest stay.
    let preview = feed_at(utc(2026, 4, 23, 12, 0));
    let kept: Vec<(&str, DateTime<Utc>)> = preview
        .shifts
        .iter()
        .map(|s| (s.who.as_str(), s.end))
        .collect();
    assert_eq!(
        kept,
        [
            ("Al Smith", utc(2026, 3, 29, 23, 0)),
            ("Sam Patel", utc(2026, 4, 6, 8, 0)),
            ("Sam Patel", utc(2026, 4, 20, 8, 0)),
        ]
    );
    assert!(
        preview
            .notes
            .contains(&"2 shifts that ended more than 30 days ago are left out.".to_owned()),
        "{:?}",
        preview.notes
    );
    // Two days earlier only Jo's shift is that old, and the note says so in
    // the singular; three weeks after the feed's first shift, nothing is.
    let preview = feed_at(utc(2026, 4, 21, 12, 0));
    assert_eq!(preview.shifts.len(), 4);
    assert!(
        preview
            .notes
            .contains(&"1 shift that ended more than 30 days ago is left out.".to_owned()),
        "{:?}",
        preview.notes
    );
    let preview = feed_at(utc(2026, 4, 6, 0, 0));
    assert_eq!(preview.shifts.len(), 5);
    assert!(
        preview.notes.iter().all(|n| !n.contains("left out")),
        "{:?}",
        preview.notes
    );
}
