//! Who covers when: office hours, shifts, weekly rotations and overrides,
//! across the spring and autumn clock changes in London and New York.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use expedite::model::Role;
use expedite::model::roster::{
    Contact, OfficeHours, Override, Roster, Rota, Rotation, Shift, end_instant, start_instant, zone,
};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
}

fn rotation(zone: &str, day: Weekday, h: u32, m: u32, starts: NaiveDate) -> Rotation {
    Rotation {
        name: "Developers".into(),
        role: Role::Developer,
        people: vec!["Ana".into(), "Ben".into(), "Cal".into()],
        hand_off_day: day,
        hand_off_time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
        time_zone: zone.into(),
        starts,
    }
}

fn roster_with(rota: Rota) -> Roster {
    let contacts = ["Ana", "Ben", "Cal", "Dee"]
        .iter()
        .map(|n| Contact {
            name: (*n).into(),
            roles: vec![Role::Developer],
            ..Contact::default()
        })
        .collect();
    Roster {
        contacts,
        office_hours: None,
        rota,
        ..Roster::default()
    }
}

fn names(roster: &Roster, role: Role, at: DateTime<Utc>) -> Vec<String> {
    roster
        .covering(role, at)
        .into_iter()
        .map(|c| c.who.to_string())
        .collect()
}

#[test]
fn local_times_follow_the_clock_change_rules() {
    let london = zone("Europe/London").unwrap();
    let new_york = zone("America/New_York").unwrap();
    // London, 29 March 2026: 01:00 GMT jumps to 02:00 BST; 01:30 never happens.
    assert_eq!(
        start_instant(london, local(2026, 3, 29, 1, 30)),
        utc(2026, 3, 29, 1, 0)
    );
    assert_eq!(
        end_instant(london, local(2026, 3, 29, 1, 30)),
        utc(2026, 3, 29, 1, 0)
    );
    // London, 25 October 2026: 01:30 happens at 00:30 UTC (BST) and 01:30 UTC (GMT).
    assert_eq!(
        start_instant(london, local(2026, 10, 25, 1, 30)),
        utc(2026, 10, 25, 0, 30)
    );
    assert_eq!(
        end_instant(london, local(2026, 10, 25, 1, 30)),
        utc(2026, 10, 25, 1, 30)
    );
    // New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT; 02:30 moves to 03:00 EDT.
    assert_eq!(
        start_instant(new_york, local(2026, 3, 8, 2, 30)),
        utc(2026, 3, 8, 7, 0)
    );
    // New York, 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    assert_eq!(
        start_instant(new_york, local(2026, 11, 1, 1, 30)),
        utc(2026, 11, 1, 5, 30)
    );
    assert_eq!(
        end_instant(new_york, local(2026, 11, 1, 1, 30)),
        utc(2026, 11, 1, 6, 30)
    );
}

#[test]
fn an_unknown_zone_is_refused_with_what_to_write() {
    let err = zone("Europe/Londres").unwrap_err().to_string();
    assert!(err.contains("Europe/Londres"), "{err}");
    assert!(err.contains("Europe/London"), "{err}");
}

#[test]
fn a_weekly_hand_off_stays_at_nine_local_across_both_changes() {
    // Monday 09:00 London; Ana's first turn starts Monday 2 March 2026.
    let r = roster_with(Rota {
        rotations: vec![rotation(
            "Europe/London",
            Weekday::Mon,
            9,
            0,
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        )],
        ..Rota::default()
    });
    let dev = Role::Developer;
    assert!(
        names(&r, dev, utc(2026, 3, 2, 8, 59)).is_empty(),
        "before the first turn"
    );
    assert_eq!(names(&r, dev, utc(2026, 3, 2, 9, 0)), ["Ana"]);
    assert_eq!(names(&r, dev, utc(2026, 3, 9, 9, 0)), ["Ben"]);
    assert_eq!(names(&r, dev, utc(2026, 3, 16, 9, 0)), ["Cal"]);
    assert_eq!(names(&r, dev, utc(2026, 3, 23, 9, 0)), ["Ana"]);
    // After the spring change 09:00 BST is 08:00 UTC.
    assert_eq!(names(&r, dev, utc(2026, 3, 30, 7, 59)), ["Ana"]);
    assert_eq!(names(&r, dev, utc(2026, 3, 30, 8, 0)), ["Ben"]);
    // After the autumn change (25 October) it is 09:00 UTC again.
    let autumn = utc(2026, 10, 26, 8, 30);
    let before = names(&r, dev, autumn);
    let after = names(&r, dev, utc(2026, 10, 26, 9, 0));
    assert_eq!(before.len(), 1);
    assert_ne!(before, after, "the hand-off is at 09:00 GMT, not 08:00");
    // And who is next, from when.
    let cover = r.cover(dev, utc(2026, 3, 31, 12, 0));
    assert_eq!(cover.now[0].who, "Ben");
    assert_eq!(cover.now[0].until, Some(utc(2026, 4, 6, 8, 0)));
    let (when, next) = cover.next.unwrap();
    assert_eq!(when, utc(2026, 4, 6, 8, 0));
    assert_eq!(next, ["Cal"]);
}

#[test]
fn a_hand_off_at_half_past_one_on_the_change_days() {
    // Sunday 01:30 London: skipped on 29 March, doubled on 25 October.
    let spring = roster_with(Rota {
        rotations: vec![rotation(
            "Europe/London",
            Weekday::Sun,
            1,
            30,
            NaiveDate::from_ymd_opt(2026, 3, 22).unwrap(),
        )],
        ..Rota::default()
    });
    let dev = Role::Developer;
    assert_eq!(names(&spring, dev, utc(2026, 3, 29, 0, 59)), ["Ana"]);
    assert_eq!(
        names(&spring, dev, utc(2026, 3, 29, 1, 0)),
        ["Ben"],
        "moved to 02:00 BST"
    );
    // Starting 18 October, Ana hands to Ben on 25 October at 01:30, which
    // happens twice: Ben starts at the first, Ana stops at the last.
    let autumn = roster_with(Rota {
        rotations: vec![rotation(
            "Europe/London",
            Weekday::Sun,
            1,
            30,
            NaiveDate::from_ymd_opt(2026, 10, 18).unwrap(),
        )],
        ..Rota::default()
    });
    assert_eq!(names(&autumn, dev, utc(2026, 10, 25, 0, 29)), ["Ana"]);
    assert_eq!(names(&autumn, dev, utc(2026, 10, 25, 1, 0)), ["Ana", "Ben"]);
    assert_eq!(names(&autumn, dev, utc(2026, 10, 25, 1, 30)), ["Ben"]);

    // New York, Sunday 01:30: exists on 8 March (the gap is 02:00-03:00),
    // doubled on 1 November.
    let ny = |starts| {
        roster_with(Rota {
            rotations: vec![rotation("America/New_York", Weekday::Sun, 1, 30, starts)],
            ..Rota::default()
        })
    };
    let spring = ny(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    assert_eq!(names(&spring, dev, utc(2026, 3, 8, 6, 29)), ["Ana"]);
    assert_eq!(
        names(&spring, dev, utc(2026, 3, 8, 6, 30)),
        ["Ben"],
        "01:30 EST"
    );
    assert_eq!(
        names(&spring, dev, utc(2026, 3, 15, 5, 30)),
        ["Cal"],
        "01:30 EDT"
    );
    let autumn = ny(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
    assert_eq!(names(&autumn, dev, utc(2026, 11, 1, 5, 29)), ["Ana"]);
    assert_eq!(names(&autumn, dev, utc(2026, 11, 1, 6, 0)), ["Ana", "Ben"]);
    assert_eq!(names(&autumn, dev, utc(2026, 11, 1, 6, 30)), ["Ben"]);
}

#[test]
fn overrides_win_and_several_people_can_share_a_role() {
    let shift = |who: &str, from, to| Shift {
        who: who.into(),
        role: Role::Tester,
        start: from,
        end: to,
        source: None,
    };
    let r = roster_with(Rota {
        shifts: vec![
            shift("Ana", utc(2026, 6, 1, 0, 0), utc(2026, 6, 8, 0, 0)),
            shift("Ben", utc(2026, 6, 1, 0, 0), utc(2026, 6, 8, 0, 0)),
        ],
        overrides: vec![
            Override {
                who: "Dee".into(),
                covers_for: Some("Ben".into()),
                role: Role::Tester,
                start: utc(2026, 6, 2, 18, 0),
                end: utc(2026, 6, 3, 8, 0),
            },
            Override {
                who: "Cal".into(),
                covers_for: None,
                role: Role::Tester,
                start: utc(2026, 6, 5, 0, 0),
                end: utc(2026, 6, 6, 0, 0),
            },
        ],
        ..Rota::default()
    });
    let t = Role::Tester;
    assert_eq!(names(&r, t, utc(2026, 6, 2, 12, 0)), ["Ana", "Ben"]);
    assert_eq!(names(&r, t, utc(2026, 6, 2, 20, 0)), ["Ana", "Dee"]);
    assert_eq!(names(&r, t, utc(2026, 6, 5, 12, 0)), ["Cal"]);
    assert_eq!(names(&r, t, utc(2026, 6, 8, 0, 0)), Vec::<String>::new());
    let on_call: Vec<&str> = r
        .on_call(t, utc(2026, 6, 2, 20, 0))
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(on_call, ["Ana", "Dee"]);
    let next = r.cover(t, utc(2026, 6, 2, 12, 0)).next.unwrap();
    assert_eq!(
        next,
        (utc(2026, 6, 2, 18, 0), vec!["Ana".into(), "Dee".into()])
    );
    assert!(
        r.cover(Role::Developer, utc(2026, 6, 2, 12, 0))
            .now
            .is_empty()
    );
}

#[test]
fn office_hours_know_weekends_holidays_and_summer_time() {
    let hours = OfficeHours {
        holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()],
        ..OfficeHours::default()
    };
    // Wednesday 1 July 2026, London on BST: 09:00 local is 08:00 UTC.
    assert!(!hours.is_open(utc(2026, 7, 1, 7, 59)));
    assert!(hours.is_open(utc(2026, 7, 1, 8, 0)));
    assert!(!hours.is_open(utc(2026, 7, 1, 16, 30)), "17:30 BST");
    // Winter: 09:00 GMT is 09:00 UTC.
    assert!(!hours.is_open(utc(2026, 12, 2, 8, 30)));
    assert!(hours.is_open(utc(2026, 12, 2, 9, 0)));
    // Saturday and Christmas Day.
    assert!(!hours.is_open(utc(2026, 11, 28, 12, 0)));
    assert!(!hours.is_open(utc(2026, 12, 25, 12, 0)));
    // Friday evening: next opening is Monday 09:00.
    assert_eq!(
        hours.next_change(utc(2026, 11, 27, 18, 0)),
        Some(utc(2026, 11, 30, 9, 0))
    );
    let roster = Roster {
        office_hours: Some(hours),
        ..Roster::default()
    };
    assert_eq!(roster.out_of_hours(utc(2026, 11, 27, 2, 0)), Some(true));
    assert_eq!(
        Roster::default().out_of_hours(utc(2026, 11, 27, 2, 0)),
        None
    );
}

#[test]
fn bad_entries_are_refused_with_what_to_do() {
    let mut contact = Contact {
        name: "Sam".into(),
        phones: vec![expedite::model::roster::Phone {
            label: "mobile".into(),
            number: "+44 77OO 900123".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    };
    let err = contact.check().unwrap_err().to_string();
    assert!(err.contains("letters"), "{err}");
    contact.phones[0].number = "+44 (0)7700 900-123".into();
    assert!(contact.check().is_ok());
    contact.email = Some("sam at example".into());
    assert!(
        contact
            .check()
            .unwrap_err()
            .to_string()
            .contains("name@example.com")
    );
    contact.email = None;
    contact.time_zone = Some("Mars/Olympus".into());
    assert!(contact.check().unwrap_err().to_string().contains("IANA"));

    let shift = Shift {
        who: "Sam".into(),
        role: Role::Developer,
        start: utc(2026, 6, 2, 18, 0),
        end: utc(2026, 6, 2, 8, 0),
        source: None,
    };
    assert!(shift.check().unwrap_err().to_string().contains("ends"));
    let hours = OfficeHours {
        start: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        ..OfficeHours::default()
    };
    assert!(
        hours
            .check()
            .unwrap_err()
            .to_string()
            .contains("before it starts")
    );
}

#[test]
fn a_roster_file_without_a_rota_still_reads() {
    let old = r#"(contacts: [(name: "Sam", roles: [Developer])])"#;
    let roster: Roster = ron::from_str(old).unwrap();
    assert!(roster.rota.is_empty());
    assert!(roster.office_hours.is_none());
    let with = Roster {
        office_hours: Some(OfficeHours::default()),
        ..roster
    };
    let text = ron::to_string(&with).unwrap();
    assert!(text.contains("Mon"), "{text}");
    assert_eq!(ron::from_str::<Roster>(&text).unwrap(), with);
}

#[test]
fn search_ranks_names_first_and_forgives_missing_letters() {
    let person = |name: &str, notes: &str, number: &str| Contact {
        name: name.into(),
        notes: notes.into(),
        phones: vec![expedite::model::roster::Phone {
            label: "mobile".into(),
            number: number.into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    };
    let roster = Roster {
        contacts: vec![
            person("Priya Shah", "Ask Sam first", "+44 7700 900001"),
            person("Alex Samson", "", "+44 7700 900002"),
            person("Samantha Jones", "", "+44 7700 900003"),
            person("Sam Patel", "", "+44 7700 900123"),
        ],
        ..Roster::default()
    };
    let names = |q: &str| -> Vec<&str> {
        expedite::model::roster::search(&roster, q)
            .into_iter()
            .map(|i| roster.contacts[i].name.as_str())
            .collect()
    };
    assert_eq!(
        names("sam"),
        ["Samantha Jones", "Sam Patel", "Alex Samson", "Priya Shah"]
    );
    assert_eq!(names("sam pat"), ["Sam Patel"]);
    assert_eq!(names("smpt"), ["Sam Patel"], "letters in order");
    assert_eq!(names("900 123"), ["Sam Patel"], "digits of a number");
    assert_eq!(
        names("07700-900123"),
        ["Sam Patel"],
        "typed with punctuation"
    );
    assert!(names("zz").is_empty());
    assert_eq!(names("").len(), 4);
}

#[test]
fn renaming_a_contact_keeps_their_place_on_the_rota() {
    use expedite::command::{Command, RosterChange, apply};
    let mut state = expedite::model::State {
        roster: roster_with(Rota {
            rotations: vec![rotation(
                "Europe/London",
                Weekday::Mon,
                9,
                0,
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            )],
            ..Rota::default()
        })
        .into(),
        ..Default::default()
    };
    let mut ana = state.roster.find("Ana").unwrap().clone();
    ana.name = "Ana Silva".into();
    let change = RosterChange::SaveContact {
        replacing: Some("ana".into()),
        contact: ana,
    };
    apply(
        &mut state,
        Command::Roster(Box::new(change)),
        "me",
        utc(2026, 3, 1, 0, 0),
    )
    .unwrap();
    assert_eq!(state.roster.rota.rotations[0].people[0], "Ana Silva");
    let on_call: Vec<&str> = state
        .roster
        .on_call(Role::Developer, utc(2026, 3, 2, 12, 0))
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(on_call, ["Ana Silva"]);

    // A second contact by the same name is refused, and nothing changes.
    let clash = RosterChange::SaveContact {
        replacing: None,
        contact: Contact {
            name: "ben".into(),
            ..Contact::default()
        },
    };
    let err = apply(
        &mut state,
        Command::Roster(Box::new(clash)),
        "me",
        utc(2026, 3, 1, 0, 0),
    )
    .unwrap_err();
    assert!(err.to_string().contains("already on the roster"), "{err}");
    assert_eq!(state.roster.contacts.len(), 4);
}
