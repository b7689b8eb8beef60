//! The conclusion pack: every output for a fully recorded incident and for a
//! nearly empty one, compared with golden files, read back by other
//! programs' parsers, and fed text that tries to break out of its format.
//!
//! `UPDATE_GOLDEN=1 cargo test --test conclusion` rewrites the golden files
//! after a deliberate change; review the diff before committing it.

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use expedite::command::{self, Command, NewEvidence};
use expedite::model::{
    Decision, Deviation, DeviationReason, EvidenceKind, FollowUpKind, Incident, IncidentId, Metric,
    MetricHit, Role, State,
};
use expedite::pack::Pack;
use expedite::pack::email::{self, MAILTO_MAX};
use expedite::pack::{postmortem, update};

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

const ROSTER: &str = r#"(
    contacts: [
        (name: "Sam Patel", roles: [WebContact], email: Some("sam.patel@shop.test")),
        (name: "Alex Kim", roles: [Developer], email: Some("alex.kim@shop.test")),
        (name: "Lee Park", roles: [Reviewer], email: Some("lee.park@shop.test")),
        (name: "Zoë Ångström", roles: [Tester], email: Some("zoe@shop.test")),
        (name: "Priya Shah", roles: [ProductOwner]),
        (name: "the call centre", email: Some("callcentre@shop.test")),
    ],
    office_hours: Some((time_zone: "Europe/London", days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
        start: "09:00:00", end: "17:30:00")),
)"#;

fn run(state: &mut State, command: Command, who: &str, at: DateTime<Utc>) {
    command::apply(state, command, who, at).unwrap();
}

fn declare(state: &mut State, title: &str, text: &str) -> IncidentId {
    let evidence = NewEvidence {
        kind: EvidenceKind::ErrorTracker { count: 340 },
        text: text.into(),
        link: Some("https://errors.shop.test/checkout/1".into()),
    };
    let declare = Command::Declare {
        title: title.into(),
        evidence,
        owner: None,
    };
    run(state, declare, "Sam Patel", t(0));
    state.incidents.keys().next().unwrap().clone()
}

/// An incident with every stage recorded.
fn full() -> State {
    let mut state = State {
        roster: ron::from_str(ROSTER).unwrap(),
        ..State::default()
    };
    state.settings.web_team_email = Some("web-team@shop.test".into());
    let id = declare(
        &mut state,
        "Checkout fails for card payments",
        "340 TypeErrors in checkout",
    );
    let s = &mut state;
    let i = || id.clone();
    run(
        s,
        Command::AddEvidence {
            incident: i(),
            evidence: NewEvidence {
                kind: EvidenceKind::CallCentre { count: 12 },
                text: "Customers say the pay button does nothing".into(),
                link: None,
            },
        },
        "Sam Patel",
        t(3),
    );
    run(
        s,
        Command::Classify {
            incident: i(),
            decision: Decision::Expedite,
            advice: None,
            metrics: vec![
                MetricHit {
                    metric: Metric::Conversion,
                    note: "checkout conversion down 40 %".into(),
                },
                MetricHit {
                    metric: Metric::Revenue,
                    note: "about £3k an hour".into(),
                },
            ],
            expected_lifespan: "until fixed".into(),
        },
        "Sam Patel",
        t(5),
    );
    for (n, (name, role)) in [
        ("Alex Kim", Role::Developer),
        ("Lee Park", Role::Reviewer),
        ("Zoë Ångström", Role::Tester),
        ("Priya Shah", Role::ProductOwner),
    ]
    .into_iter()
    .enumerate()
    {
        let add = Command::AddTeamMember {
            incident: i(),
            name: name.into(),
            role,
        };
        run(s, add, "Sam Patel", t(6 + n as i64));
    }
    let channels = ["#expedite", "#deployments", "#inc-checkout"].map(String::from);
    run(
        s,
        Command::SetChannels {
            incident: i(),
            channels: channels.to_vec(),
        },
        "Sam Patel",
        t(10),
    );
    let post = Command::PostUpdate {
        incident: i(),
        text: "Card payments failing since 01:50; reverting the release".into(),
        channel: None,
        next_in: Some(Duration::minutes(15)),
    };
    run(s, post, "Sam Patel", t(12));
    let delivered = Command::RecordDelivery {
        incident: i(),
        channel: "#expedite".into(),
        update_at: t(12),
        update_by: None,
        delivery: expedite::model::comms::Delivery::Sent { ts: None },
    };
    run(s, delivered, "Sam Patel", t(12));
    let hand_over = Command::HandOver {
        incident: i(),
        to: "Alex Kim".into(),
        note: "I'm off at 02:30; the revert is building".into(),
    };
    run(s, hand_over, "Sam Patel", t(25));
    let fix = Command::RecordFix {
        incident: i(),
        description: "Revert https://git.shop.test/shop/pull/4821 (3-D Secure callback)".into(),
        deviations: vec![
            Deviation {
                reason: DeviationReason::Speed,
                justification: "customers could not pay".into(),
            },
            Deviation {
                reason: DeviationReason::TemporaryFix,
                justification: "the revert drops the new 3-D Secure flow".into(),
            },
        ],
        permanent_fix: Some("Fix the 3-D Secure callback and ship the flow again".into()),
    };
    run(s, fix, "Alex Kim", t(40));
    let deploy = Command::RecordDeployment {
        incident: i(),
        at: Some(t(50)),
        usual_way: true,
        rollback_plan: "Re-deploy release 2026.11.25-3".into(),
    };
    run(s, deploy, "Alex Kim", t(50));
    let reading = Command::AddMetricReading {
        incident: i(),
        at: Some(t(70)),
        value: 0.4,
        normal: true,
        note: "errors back to baseline".into(),
    };
    run(s, reading, "Alex Kim", t(70));
    for (text, owner, kind, due) in [
        (
            "Alert when card payment errors pass 50 a minute",
            "Lee Park",
            FollowUpKind::Monitoring,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 4),
        ),
        (
            "Add a test for the 3-D Secure callback",
            "Alex Kim",
            FollowUpKind::Other,
            None,
        ),
    ] {
        let add = Command::AddFollowUp {
            incident: i(),
            text: text.into(),
            owner: Some(owner.into()),
            kind,
            due,
        };
        run(s, add, "Alex Kim", t(72));
    }
    // The test is written before the summary goes: it shows as done.
    let done = Command::MarkFollowUp {
        incident: i(),
        added_at: t(72),
        text: "Add a test for the 3-D Secure callback".into(),
        done: true,
    };
    run(s, done, "Alex Kim", t(74));
    let sent = Command::MarkSummarySent {
        incident: i(),
        links: vec!["https://jira.shop.test/browse/WEB-123".into()],
    };
    run(s, sent, "Alex Kim", t(75));
    let told = Command::MarkOriginTold {
        incident: i(),
        whom: "the call centre".into(),
        about: String::new(),
    };
    run(s, told, "Alex Kim", t(76));
    let pm = Command::SchedulePostmortem {
        incident: i(),
        at: Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap(),
        owner: "Alex Kim".into(),
    };
    run(s, pm, "Alex Kim", t(77));
    run(s, Command::Resolve { incident: i() }, "Alex Kim", t(80));
    state
}

/// Declared and nothing else, with an empty roster.
fn nearly_empty() -> State {
    let mut state = State::default();
    declare(&mut state, "Search is slow", "errors in search");
    state
}

fn incident(state: &State) -> &Incident {
    state.incidents.values().next().unwrap()
}

fn pack<'a>(state: &'a State, now: DateTime<Utc>) -> Pack<'a> {
    Pack::new(incident(state), &state.roster, &state.settings, now)
}

/// Every output of the pack, by file name.
fn outputs(state: &State, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let p = pack(state, now);
    let summary = email::summary(&p);
    let origin = email::origin(&p, "");
    vec![
        (
            "update-expedite.txt",
            update::text(&p, "#expedite", "", None),
        ),
        (
            "update-deployments.txt",
            update::text(&p, "#deployments", "", None),
        ),
        (
            "update-dedicated.txt",
            update::text(&p, "#inc-checkout", "", None),
        ),
        ("summary.txt", summary.text()),
        ("summary.eml", summary.eml(now)),
        ("origin.txt", origin.text()),
        ("origin.eml", origin.eml(now)),
        ("postmortem.md", postmortem::markdown(&p)),
        (
            "invite.ics",
            postmortem::invite(&p, "postmortem-draft.md").ics,
        ),
        ("timeline.csv", postmortem::timeline_csv(&p)),
    ]
}

fn golden(set: &str, state: &State, now: DateTime<Utc>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(set);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    for (name, text) in outputs(state, now) {
        let path = dir.join(name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
        if want != text {
            differ.push(format!("{name}:\n--- want\n{want}\n--- got\n{text}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

#[test]
fn a_fully_recorded_incident_matches_the_golden_files() {
    golden("full", &full(), t(90));
}

#[test]
fn a_nearly_empty_incident_says_what_is_not_recorded_yet() {
    let state = nearly_empty();
    golden("empty", &state, t(30));
    for (name, text) in outputs(&state, t(30)) {
        // The word to the origin is plain language, the invite and the
        // timeline have nothing to leave out, and the updates — pasted or
        // posted where stakeholders read them — say only what is there; the
        // drafts for the team (summary, postmortem) name each missing part.
        let gaps = ["summary.txt", "summary.eml", "postmortem.md"];
        if gaps.contains(&name) {
            assert!(text.contains("(not recorded yet)"), "{name}:\n{text}");
        }
        if name.starts_with("update-") {
            assert!(!text.contains("not recorded"), "{name}:\n{text}");
        }
    }
}

/// The `.ics` as a calendar program reads it: icalendar's own parser.
#[test]
fn the_invite_reads_back_as_a_request_with_the_team_invited() {
    let state = full();
    let p = pack(&state, t(90));
    let invite = postmortem::invite(&p, "/home/alex/postmortem-2026-11-26-1.md");
    assert!(
        invite.ics.lines().all(|l| l.len() <= 76),
        "folded at 75 octets"
    );
    let unfolded = icalendar::parser::unfold(&invite.ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let method = calendar.properties.iter().find(|p| p.name == "METHOD");
    assert_eq!(method.unwrap().val.as_str(), "REQUEST");
    assert_eq!(calendar.components.len(), 1);
    let event = &calendar.components[0];
    assert_eq!(event.name, "VEVENT");
    let value = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
    };
    // The scheduled time, an hour long, in UTC.
    assert_eq!(value("DTSTART").unwrap(), "20261130T140000Z");
    assert_eq!(value("DTEND").unwrap(), "20261130T150000Z");
    assert!(
        value("DESCRIPTION")
            .unwrap()
            .contains("/home/alex/postmortem-2026-11-26-1.md")
    );
    assert!(value("ORGANIZER").unwrap().ends_with("alex.kim@shop.test"));
    let attendees: Vec<String> = event
        .properties
        .iter()
        .filter(|p| p.name == "ATTENDEE")
        .map(|p| p.val.to_string())
        .collect();
    assert_eq!(
        attendees,
        [
            "mailto:sam.patel@shop.test",
            "mailto:lee.park@shop.test",
            "mailto:zoe@shop.test"
        ]
    );
    assert_eq!(event.components[0].name, "VALARM");
    // Priya has no email: the person is told, not silently left out.
    assert_eq!(invite.warnings.len(), 1, "{:?}", invite.warnings);
    assert!(invite.warnings[0].starts_with("Priya Shah has no email"));
    // The UID is the same however often it is written; the stamp moves.
    let again = postmortem::invite(&pack(&state, t(200)), "elsewhere.md");
    let uid = |ics: &str| {
        ics.lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(uid(&invite.ics), uid(&again.ics));
}

#[test]
fn an_unscheduled_postmortem_is_offered_within_five_working_days_in_office_hours() {
    let mut state = full();
    let id = incident(&state).id.clone();
    state.incidents.get_mut(&id).unwrap().conclusion.postmortem = None;
    // Resolved on Thursday 26 November: two working days on is Monday 30th, at
    // 14:00 London time (GMT, so 14:00 UTC).
    let slot = postmortem::default_slot(&pack(&state, t(90)));
    assert_eq!(slot, Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap());
    // An office that closes at 12:00 gets a meeting that ends by then.
    state.roster.office_hours.as_mut().unwrap().end = "12:00:00".parse().unwrap();
    let slot = postmortem::default_slot(&pack(&state, t(90)));
    assert_eq!(slot, Utc.with_ymd_and_hms(2026, 11, 30, 11, 0, 0).unwrap());
    // A bank holiday on Monday moves it to Tuesday.
    let hours = state.roster.office_hours.as_mut().unwrap();
    hours.holidays.push("2026-11-30".parse().unwrap());
    let slot = postmortem::default_slot(&pack(&state, t(90)));
    assert_eq!(slot, Utc.with_ymd_and_hms(2026, 12, 1, 11, 0, 0).unwrap());
    let invite = postmortem::invite(&pack(&state, t(90)), "draft.md");
    assert!(invite.ics.contains("DTSTART:20261201T110000Z"));
    assert!(invite.ics.contains("The time is a suggestion"));
}

/// The `.eml` as a mail program reads it: mail-parser.
#[test]
fn the_summary_email_reads_back_with_its_subject_and_body() {
    let state = full();
    let p = pack(&state, t(90));
    let eml = email::summary(&p).eml(t(90));
    assert!(eml.split("\r\n").all(|l| l.len() <= 78), "short lines");
    let message = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert_eq!(
        message.subject(),
        Some("Incident summary: Checkout fails for card payments (2026-11-26-sam-patel-1)")
    );
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("alex.kim@shop.test"));
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(
        to.address(),
        Some("web-team@shop.test"),
        "the web team's list, from the settings"
    );
    let body = message.body_text(0).unwrap();
    assert!(body.contains("- Revenue: about £3k an hour"), "{body}");
    assert!(
        body.contains("- Speed of fix: customers could not pay"),
        "{body}"
    );
    assert!(
        body.contains("- https://jira.shop.test/browse/WEB-123"),
        "{body}"
    );
    assert!(body.contains("Fix the 3-D Secure callback and ship the flow again"));
    assert_eq!(body.replace("\r\n", "\n"), email::summary(&p).body);
    assert_eq!(message.header_raw("X-Unsent").map(str::trim), Some("1"));

    // The word to the call centre goes to its address on the roster.
    let origin = email::origin(&p, "").eml(t(90));
    let message = mail_parser::MessageParser::default()
        .parse(origin.as_bytes())
        .unwrap();
    let to = message.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("callcentre@shop.test"));
    assert_eq!(
        message.subject(),
        Some("Fixed: Customers say the pay button does nothing")
    );
}

#[test]
fn a_mailto_link_is_encoded_and_gives_way_to_copying_when_too_long() {
    let state = full();
    let p = pack(&state, t(90));
    let origin = email::origin(&p, "");
    let link = origin.mailto().expect("a short note fits in a link");
    assert!(link.starts_with("mailto:callcentre@shop.test?subject=Fixed%3A%20Customers%20say"));
    assert!(link.contains("%0D%0A"), "line breaks as CRLF");
    assert!(!link.contains(' ') && !link.contains('\n'));
    // The summary is longer than a link may be: no link, so the window copies it.
    let summary = email::summary(&p);
    assert!(summary.body.len() > MAILTO_MAX / 3);
    assert_eq!(summary.mailto(), None);
}

#[test]
fn the_timeline_csv_reads_back_row_for_row() {
    let state = full();
    let p = pack(&state, t(90));
    let text = postmortem::timeline_csv(&p);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["Time (UTC)", "Time (team zone)", "Event", "Who"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let timeline = &incident(&state).timeline;
    assert_eq!(rows.len(), timeline.len());
    assert_eq!(&rows[0][0], "2026-11-26T02:00:00Z");
    assert_eq!(&rows[0][1], "2026-11-26 02:00 GMT");
    assert_eq!(&rows[0][2], "Declared: Checkout fails for card payments");
    assert_eq!(&rows[0][3], "Sam Patel");
    // The channels entry has commas in it and survives as one cell.
    assert!(
        rows.iter()
            .any(|r| &r[2] == "Channels (#expedite → #expedite, #deployments, #inc-checkout)")
    );
}

/// What a person might type, and what each format must not let it do.
const NASTY: &str = "Pay \"fails\"; drop | table\r\nBcc: evil@attacker.test\nEND:VEVENT\nBEGIN:VEVENT\n# Heading <script>x</script> =HYPERLINK(\"x\") café ✓";

fn nasty() -> State {
    let mut state = State {
        roster: ron::from_str(ROSTER).unwrap(),
        ..State::default()
    };
    let id = declare(&mut state, NASTY, NASTY);
    let s = &mut state;
    let note = Command::AddNote {
        incident: id.clone(),
        text: format!("=1+2 {NASTY}"),
    };
    run(s, note, "Sam Patel", t(1));
    let add = Command::AddTeamMember {
        incident: id.clone(),
        name: "Zoë Ångström".into(),
        role: Role::Tester,
    };
    run(s, add, "Sam Patel", t(2));
    let fix = Command::RecordFix {
        incident: id.clone(),
        description: NASTY.into(),
        deviations: vec![Deviation {
            reason: DeviationReason::Speed,
            justification: NASTY.into(),
        }],
        permanent_fix: None,
    };
    run(s, fix, "Sam Patel", t(3));
    let follow = Command::AddFollowUp {
        incident: id,
        text: NASTY.into(),
        owner: Some("Mallory | \"Boss\"".into()),
        kind: Default::default(),
        due: None,
    };
    run(s, follow, "Sam Patel", t(4));
    state
}

#[test]
fn typed_text_cannot_add_a_header_a_calendar_property_or_a_table_cell() {
    let state = nasty();
    let p = pack(&state, t(10));
    let flat = NASTY.split_whitespace().collect::<Vec<_>>().join(" ");

    // Email: one Subject, no Bcc, the text kept whole on one line.
    let eml = email::summary(&p).eml(t(10));
    let headers = eml.split("\r\n\r\n").next().unwrap();
    assert!(!headers.contains("\r\nBcc"), "{headers}");
    let message = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    assert!(message.header("Bcc").is_none());
    assert_eq!(
        message.subject().unwrap(),
        format!("Incident summary: {flat} (2026-11-26-sam-patel-1)")
    );
    assert!(message.body_text(0).unwrap().contains(&flat));
    // mailto: nothing raw that would end the link or start a parameter.
    let link = email::origin(&p, "").mailto().unwrap();
    let query = link.split_once('?').unwrap().1;
    assert_eq!(query.matches('&').count(), 1, "{link}");
    assert!(!link.contains(['"', ' ', '\n', '\r', '<', '|']), "{link}");

    // iCalendar: exactly one event with the properties written, the title
    // read back exactly.
    let ics = postmortem::invite(&p, "draft; \"x\"\nATTENDEE:mailto:evil@attacker.test").ics;
    assert!(ics.lines().all(|l| l.len() <= 76));
    let unfolded = icalendar::parser::unfold(&ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    assert_eq!(calendar.components.len(), 1);
    let event = &calendar.components[0];
    let names: Vec<&str> = event.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "DESCRIPTION",
            "ORGANIZER",
            "ATTENDEE"
        ]
    );
    let summary = event
        .properties
        .iter()
        .find(|p| p.name == "SUMMARY")
        .unwrap();
    let read = summary.val.as_str().replace("\\;", ";").replace("\\,", ",");
    assert_eq!(read, format!("Blameless postmortem: {flat}"));

    // CSV: every row has four cells; the note that starts with "=" is text.
    let csv_text = postmortem::timeline_csv(&p);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.len() == 4));
    assert!(
        rows.iter()
            .any(|r| r[2].starts_with("'Note: =1+2") || r[2].starts_with("Note: =1+2"))
    );
    assert!(rows.iter().all(|r| !r[2].starts_with('=')));

    // Markdown: every table row has its own number of cells; no heading,
    // raw HTML or list item comes from the typed text.
    let md = postmortem::markdown(&p);
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 3 || cells == 5, "{cells} in {line}");
    }
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).skip(1).collect();
    let sections = [
        "Summary",
        "Impact",
        "Detection",
        "Response",
        "Recovery",
        "Timeline",
        "What went well",
        "What went badly",
        "Where we were lucky",
        "Action items",
        "Links",
    ];
    assert_eq!(
        headings,
        sections.map(|s| format!("## {s}")),
        "only the draft's own headings"
    );
    assert!(md.starts_with("# Postmortem: Pay \"fails\"; drop \\| table Bcc"));
    // Every "<" is escaped: no raw HTML, and the text still reads as typed.
    let chars: Vec<char> = md.chars().collect();
    for (n, c) in chars.iter().enumerate() {
        if *c == '<' {
            assert_eq!(chars[n - 1], '\\', "a raw < in {md}");
        }
    }
    assert!(md.contains("\\<script>x\\</script>"), "{md}");
}

#[test]
fn the_word_to_the_origin_is_plain_language() {
    let state = full();
    let p = pack(&state, t(90));
    let note = email::origin(&p, "the call centre");
    let body = note.body.to_lowercase();
    for jargon in [
        "deploy", "rollback", "revert", "metric", "expedite", "pr ", "ticket", "incident", "http",
        "#",
    ] {
        assert!(!body.contains(jargon), "{jargon:?} in:\n{}", note.body);
    }
    assert!(
        note.body
            .starts_with("Hello,\n\nThank you for telling us about this problem")
    );
    assert!(
        note.body
            .contains("It was fixed on Thu 26 Nov 2026 03:20 GMT")
    );
    // In their words, not the team's title.
    assert!(
        note.body
            .contains("about this problem: Customers say the pay button does nothing."),
        "{}",
        note.body
    );
    assert!(
        !note
            .body
            .contains(&state.incidents.values().next().unwrap().title)
    );
    assert!(!note.subject.contains("Checkout fails"));
    // What the person typed for the note wins over the call centre's report.
    let mut p = pack(&state, t(90));
    p.noticed = "the pay button did nothing".into();
    let note = email::origin(&p, "the call centre");
    assert!(
        note.body
            .contains("about this problem: the pay button did nothing.")
    );
    assert_eq!(note.subject, "Fixed: the pay button did nothing");
}
