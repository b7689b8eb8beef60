//! The command line, run as a person would from a terminal.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

fn expedite(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_expedite"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("EXPEDITE_DATA_DIR")
        .env("USER", "sam")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> Output {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn status_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["status", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&stdout(&ok(expedite(dir, &args)))).unwrap()
}

#[test]
fn declare_update_status_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(expedite(
        dir.path(),
        &[
            "declare",
            "--title",
            "Checkout returns 500",
            "--evidence",
            "error-tracker:340 TypeErrors in checkout",
            "--evidence",
            "call-centre:12 calls about payment",
            "--link",
            "https://errors.example.com/1",
        ],
    ));
    let id = stdout(&out).trim().to_owned();
    assert!(
        id.len() >= "2026-11-26-1".len() && id.ends_with("-1"),
        "only the id is printed: {id:?}"
    );

    let s = status_json(dir.path(), &[]);
    assert_eq!(s["id"], id.as_str());
    assert_eq!(s["title"], "Checkout returns 500");
    assert_eq!(s["owner"], "sam", "the login name when settings don't say");
    assert_eq!(s["updates"], 0);
    assert_eq!(s["stage"], "Classified");
    assert_eq!(s["overdue"], false);
    assert!(s["last_update"].is_null());

    ok(expedite(
        dir.path(),
        &[
            "update",
            "Investigating; rollback ready",
            "--next-in",
            "1h30m",
            "--as",
            "Jo Brown",
        ],
    ));
    let s = status_json(dir.path(), &[]);
    assert_eq!(s["updates"], 1);
    let last = chrono::DateTime::parse_from_rfc3339(s["last_update"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(s["next_update_due"].as_str().unwrap()).unwrap();
    assert_eq!((due - last).num_minutes(), 90);

    // An update due in one second is overdue two seconds later: drills can run in seconds.
    ok(expedite(
        dir.path(),
        &["update", "Rollback started", "--next-in", "1s"],
    ));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // A notice to #deployments is not an update to the stakeholders: still overdue.
    ok(expedite(
        dir.path(),
        &["update", "Fix deploying", "--channel", "deployments"],
    ));
    let s = status_json(dir.path(), &["--incident", &id]);
    assert_eq!(s["overdue"], true);
    assert_eq!(s["updates"], 3);

    ok(expedite(
        dir.path(),
        &["note", "Called the payment provider"],
    ));
    let file = std::fs::read_to_string(dir.path().join(format!("incidents/{id}.ron"))).unwrap();
    assert!(
        file.contains("Update for #deployments: Fix deploying"),
        "{file}"
    );
    assert!(file.contains("Note: Called the payment provider"));
    assert!(file.contains("by: \"Jo Brown\""), "--as names the actor");
    assert!(file.contains("count: 12"), "every --evidence is kept");

    let text = stdout(&ok(expedite(dir.path(), &["status"])));
    assert!(text.contains("Checkout returns 500"), "{text}");
    assert!(text.contains("OVERDUE"), "{text}");
    assert!(text.contains("Owner:        sam"), "{text}");

    // The last update resolves it, and what it says promises nothing more.
    let said = stderr(&ok(expedite(
        dir.path(),
        &["update", "Back to normal", "--last"],
    )));
    assert!(said.contains("it is resolved"), "{said}");
    let s = status_json(dir.path(), &["--incident", &id]);
    assert!(s["next_update_due"].is_null(), "{s}");
    let posted = stdout(&ok(expedite(dir.path(), &["export", "update"])));
    assert!(posted.contains("No more updates"), "{posted}");
}

#[test]
fn the_most_recently_active_open_incident_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let first = stdout(&ok(expedite(
        dir.path(),
        &["declare", "--title", "One", "--evidence", "other:seen"],
    )))
    .trim()
    .to_owned();
    let second = stdout(&ok(expedite(
        dir.path(),
        &[
            "declare",
            "--title",
            "Two",
            "--evidence",
            "error-screen:errors",
            "--owner",
            "Jo",
        ],
    )))
    .trim()
    .to_owned();
    assert_ne!(first, second);
    assert_eq!(status_json(dir.path(), &[])["owner"], "Jo");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(expedite(
        dir.path(),
        &["--incident", &first, "note", "still here"],
    ));
    assert_eq!(status_json(dir.path(), &[])["id"], first.as_str());
}

#[test]
fn the_data_dir_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_expedite"))
        .args(["declare", "--title", "Env", "--evidence", "other:seen"])
        .env("EXPEDITE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let out = ok(out);
    let id = stdout(&out).trim().to_owned();
    assert!(dir.path().join(format!("incidents/{id}.ron")).exists());
}

#[test]
fn usage_errors_exit_2_with_a_useful_message() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["declare", "--evidence", "other:x"], "--title"),
        (&["declare", "--title", "x"], "--evidence"),
        (
            &["declare", "--title", "x", "--evidence", "bugsnag:3 errors"],
            "'bugsnag' is not a kind of evidence",
        ),
        (
            &[
                "declare",
                "--title",
                "x",
                "--evidence",
                "error-tracker:lots",
            ],
            "needs a count",
        ),
        (
            &["declare", "--title", "x", "--evidence", "no colon"],
            "KIND:TEXT",
        ),
        (&["update", "x", "--next-in", "15"], "needs a unit"),
        (
            &["update", "x", "--next-in", "soon"],
            "write it like 90s, 15m, 1h30m",
        ),
        (&["update", "x", "--next-in", "0m"], "positive"),
        (
            &["status", "--incident", "yesterday"],
            "ids look like 2026-11-26-1",
        ),
        (&["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, says) in cases {
        let out = expedite(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert!(
        !dir.path().join("incidents").exists()
            || std::fs::read_dir(dir.path().join("incidents"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn runtime_errors_exit_1_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = expedite(dir.path(), &["update", "hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no incident is open — declare one with"),
        "{}",
        stderr(&out)
    );

    let id = stdout(&ok(expedite(
        dir.path(),
        &["declare", "--title", "x", "--evidence", "other:seen"],
    )))
    .trim()
    .to_owned();
    let path = dir.path().join(format!("incidents/{id}.ron"));
    let before = std::fs::read(&path).unwrap();
    let out = expedite(dir.path(), &["update", "   "]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("The update is empty"),
        "{}",
        stderr(&out)
    );
    let out = expedite(dir.path(), &["--incident", "2020-01-01-1", "note", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("there is no incident 2020-01-01-1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "nothing half-written"
    );
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(expedite(dir.path(), &["--version"]));
    assert_eq!(
        stdout(&out).trim(),
        format!("expedite {}", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&ok(expedite(dir.path(), &["--help"])));
    for word in [
        "declare",
        "update",
        "note",
        "status",
        "--data-dir",
        "--as",
        "--incident",
    ] {
        assert!(help.contains(word), "{word} missing from --help");
    }
}

#[test]
fn snooze_moves_the_next_update_and_shows_in_status() {
    let dir = tempfile::tempdir().unwrap();
    ok(expedite(
        dir.path(),
        &["declare", "--title", "x", "--evidence", "other:seen"],
    ));
    let due = || {
        let s = status_json(dir.path(), &[]);
        chrono::DateTime::parse_from_rfc3339(s["next_update_due"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    // The first update is still ahead: the snooze puts it off from there.
    let before = due();
    assert!(before > chrono::Utc::now());
    let out = ok(expedite(dir.path(), &["snooze", "10m"]));
    assert!(
        stderr(&out).contains("snoozed. Next update due at"),
        "{}",
        stderr(&out)
    );
    let put_off = (due() - before).num_seconds();
    assert_eq!(put_off, 600, "put off by 10 min");
    let out = expedite(dir.path(), &["snooze", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lengths_and_times_are_read_as_people_write_them() {
    let dir = tempfile::tempdir().unwrap();
    ok(expedite(
        dir.path(),
        &["declare", "--title", "x", "--evidence", "other:seen"],
    ));
    let due_in = |args: &[&str]| {
        let before = Utc::now();
        ok(expedite(dir.path(), args));
        let s = status_json(dir.path(), &[]);
        let due = DateTime::parse_from_rfc3339(s["next_update_due"].as_str().unwrap()).unwrap();
        (due.to_utc() - before).num_seconds()
    };
    let secs = due_in(&["update", "Looking", "--next-in", "20 minutes"]);
    assert!((1195..=1205).contains(&secs), "due {secs} s from now");
    // A snooze puts the deadline off from where it was (20 min ahead),
    // never brings it forward.
    let secs = due_in(&["snooze", "1h30"]);
    assert!((6595..=6605).contains(&secs), "due {secs} s from now");
    let secs = due_in(&["snooze", "45 min"]);
    assert!((9295..=9305).contains(&secs), "due {secs} s from now");
    let out = expedite(dir.path(), &["snooze", "a while"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'a while' is not a length of time"),
        "{}",
        stderr(&out)
    );

    // A time of day for `who --at` is today's, in the office's zone (UTC here).
    let json: serde_json::Value = serde_json::from_str(&stdout(&ok(expedite(
        dir.path(),
        &["who", "--at", "14:05", "--json"],
    ))))
    .unwrap();
    let today = Utc::now().date_naive();
    let at = DateTime::parse_from_rfc3339(json["at"].as_str().unwrap()).unwrap();
    // Run across midnight, "today" may be the next day: either is right.
    assert!(
        [today, today.succ_opt().unwrap()]
            .iter()
            .any(|d| at.to_utc() == d.and_hms_opt(14, 5, 0).unwrap().and_utc()),
        "{at}"
    );
}

const TEAM_CSV: &str = "Name,Role,Mobile,Email,Time zone\n\
Sam Patel,Developer,+44 7700 900123,sam@example.com,Europe/London\n\
Jo Okafor,Product owner,+1 212 555 0199,jo@example.com,America/New_York\n\
Al Smith,Tester,+44 7700 900456,al@example.com,\n";

/// A weekly on-call feed for Sam Patel handing off at 09:00 London time on
/// the day 33 days before `now`'s date and every seven days from there; it
/// starts ten weeks before that day and repeats 200 times. Returns the feed
/// and that day.
fn on_call_feed(now: DateTime<Utc>) -> (String, NaiveDate) {
    // Ends fall 33 days before today and every week from there, so the one
    // nearest the 30-day line is two to four days from it at any time of day.
    let today = now.with_timezone(&London).date_naive();
    let anchor = today - Duration::days(33);
    let first = anchor - Duration::weeks(10);
    let stamp = |d: NaiveDate| d.format("%Y%m%dT090000").to_string();
    let feed = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\
BEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTAMP:{}Z\r\n\
DTSTART;TZID=Europe/London:{}\r\nDTEND;TZID=Europe/London:{}\r\n\
RRULE:FREQ=WEEKLY;COUNT=200\r\nSUMMARY:On call: Sam Patel\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        stamp(first),
        stamp(first),
        stamp(first + Duration::weeks(1)),
    );
    (feed, anchor)
}

/// 09:00 London on `day`, as `expedite who` shows it for a roster without
/// office hours (in UTC).
fn handoff(day: NaiveDate) -> String {
    London
        .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
        .format("%a %d %b %H:%M")
        .to_string()
}

/// 02:00 UTC on `day`, as `--at` takes it.
fn at_two(day: NaiveDate) -> String {
    format!("{day}T02:00:00Z")
}

#[test]
fn import_a_roster_then_ask_who_covers_out_of_hours() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("team.csv");
    std::fs::write(&csv, TEAM_CSV).unwrap();
    let dry = ok(expedite(
        dir.path(),
        &["import", "roster", csv.to_str().unwrap(), "--dry-run"],
    ));
    assert!(
        stderr(&dry).contains("Add 3 contacts: Sam Patel, Jo Okafor, Al Smith"),
        "{}",
        stderr(&dry)
    );
    assert!(stderr(&dry).contains("Dry run"));
    assert!(
        !dir.path().join("roster.ron").exists(),
        "a dry run writes nothing"
    );
    ok(expedite(
        dir.path(),
        &["import", "roster", csv.to_str().unwrap()],
    ));

    let (text, anchor) = on_call_feed(Utc::now());
    let feed = dir.path().join("on-call.ics");
    std::fs::write(&feed, text).unwrap();
    let out = ok(expedite(
        dir.path(),
        &["import", "roster", feed.to_str().unwrap()],
    ));
    // Ten weekly shifts ended 33 days ago or before; the next one ended 26
    // days ago and is kept, so last week's incident can still be asked about.
    assert!(
        stderr(&out).contains("10 shifts that ended more than 30 days ago are left out."),
        "{}",
        stderr(&out)
    );
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("Sam Patel"));

    // Now: the shift that started on the last hand-off, until the next.
    let text = stdout(&ok(expedite(dir.path(), &["who"])));
    let today = anchor + Duration::days(33);
    let until_now = anchor + Duration::weeks(5);
    assert!(
        text.contains(&format!(
            "Developer\n  Sam Patel until {}",
            handoff(until_now)
        )),
        "{text}"
    );

    // Ten days ago, 02:00 UTC: the shift that ended five days ago answers.
    let past = today - Duration::days(10);
    let out = ok(expedite(dir.path(), &["who", "--at", &at_two(past)]));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "Developer\n  Sam Patel until {}",
            handoff(anchor + Duration::weeks(4))
        )),
        "{text}"
    );
    assert!(text.contains("mobile: +44 7700 900123"), "{text}");
    // No rota for product owners: whoever has the role, with their number.
    assert!(
        text.contains("Product owner\n  No rota — anyone with this role:\n  Jo Okafor\n    mobile: +1 212-555-0199"),
        "{text}"
    );
    assert!(!text.contains("may be missing"), "{text}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&ok(expedite(
        dir.path(),
        &[
            "who",
            "--at",
            &at_two(past),
            "--role",
            "developer",
            "--json",
        ],
    ))))
    .unwrap();
    assert_eq!(json["roles"][0]["now"][0]["name"], "Sam Patel");
    assert_eq!(
        json["roles"][0]["now"][0]["phones"][0]["number"], "+447700900123",
        "kept in international form, as imported"
    );
    assert_eq!(json["roles"].as_array().unwrap().len(), 1);
    assert!(json.get("note").is_none(), "{json}");

    // Sixty days ago the import left the shifts out, and `who` says so
    // rather than answering "nobody" as if that were the record.
    let long_ago = today - Duration::days(60);
    let text = stdout(&ok(expedite(
        dir.path(),
        &["who", "--at", &at_two(long_ago)],
    )));
    assert!(
        text.contains(
            "Imports keep shifts that ended up to 30 days before the import, so shifts from this time may be missing."
        ),
        "{text}"
    );
    assert!(
        text.contains("Developer\n  Nobody on the rota at that time — anyone with this role:"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&ok(expedite(
        dir.path(),
        &["who", "--at", &at_two(long_ago), "--json"],
    ))))
    .unwrap();
    assert!(
        json["note"].as_str().unwrap().contains("may be missing"),
        "{json}"
    );

    // A query finds people by name, digits or role.
    let found = stdout(&ok(expedite(dir.path(), &["who", "okaf"])));
    assert!(found.starts_with("Jo Okafor — product owner"), "{found}");
    assert!(found.contains("+1 212-555-0199"));
    let by_digits = stdout(&ok(expedite(dir.path(), &["who", "900456"])));
    assert!(by_digits.starts_with("Al Smith"), "{by_digits}");
    let none = stdout(&ok(expedite(dir.path(), &["who", "zzzz"])));
    assert!(none.contains("Nobody on the roster matches"));
}

#[test]
fn a_broken_import_changes_nothing_and_says_which_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("team.csv");
    std::fs::write(&csv, TEAM_CSV).unwrap();
    ok(expedite(
        dir.path(),
        &["import", "roster", csv.to_str().unwrap()],
    ));
    let before = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    let broken = dir.path().join("more.csv");
    std::fs::write(
        &broken,
        "Name,Mobile\nNew Person,+44 7700 900999\nBad Number,call me\n",
    )
    .unwrap();
    let out = expedite(dir.path(), &["import", "roster", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Line 3: Bad Number's number"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("nothing was imported"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("roster.ron")).unwrap(),
        before,
        "not even New Person"
    );
    let out = expedite(dir.path(), &["who", "--at", "tomorrow"]);
    assert!(stderr(&out).contains("is not a time"), "{}", stderr(&out));
}

#[test]
fn export_contacts_and_rota_for_other_tools() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("team.csv");
    std::fs::write(&csv, TEAM_CSV).unwrap();
    ok(expedite(
        dir.path(),
        &["import", "roster", csv.to_str().unwrap()],
    ));
    let cards = stdout(&ok(expedite(dir.path(), &["export", "contacts"])));
    assert_eq!(cards.matches("BEGIN:VCARD\r\nVERSION:4.0").count(), 3);
    let out = dir.path().join("rota.ics");
    ok(expedite(
        dir.path(),
        &["export", "rota", out.to_str().unwrap()],
    ));
    let ics = std::fs::read_to_string(out).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
}

#[test]
fn who_says_whether_it_is_out_of_hours_in_the_office_zone() {
    let dir = tempfile::tempdir().unwrap();
    // A roster typed by hand: office hours in New York, one override.
    std::fs::write(
        dir.path().join("roster.ron"),
        r#"(
            contacts: [(name: "Jo Okafor", roles: [WebContact], phones: [(label: "mobile", number: "+1 212 555 0199")])],
            office_hours: Some((time_zone: "America/New_York", days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
                start: "09:00:00", end: "17:00:00", holidays: ["2026-11-26"])),
            rota: (overrides: [(who: "Jo Okafor", role: WebContact,
                start: "2026-11-26T00:00:00Z", end: "2026-11-30T14:00:00Z")]),
        )"#,
    )
    .unwrap();
    // Thanksgiving, 11:00 in New York: a holiday, so out of hours.
    let text = stdout(&ok(expedite(
        dir.path(),
        &["who", "--at", "2026-11-26 11:00"],
    )));
    assert!(
        text.starts_with(
            "Out of hours (Thu 26 Nov 11:00, America/New_York). Office opens Fri 27 Nov 09:00."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Web contact\n  Jo Okafor until Mon 30 Nov 09:00\n    mobile: +1 212-555-0199"
        ),
        "{text}"
    );
    let text = stdout(&ok(expedite(
        dir.path(),
        &["who", "--at", "2026-11-27T15:00:00Z"],
    )));
    assert!(
        text.starts_with("In office hours (Fri 27 Nov 10:00, America/New_York)."),
        "{text}"
    );
}

#[test]
fn export_the_conclusion_pack_to_stdout_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("roster.ron"),
        r#"(contacts: [(name: "Sam", email: Some("sam@shop.test")), (name: "Ana", email: Some("ana@shop.test"))])"#,
    )
    .unwrap();
    let declare = [
        "declare",
        "--title",
        "Café checkout fails",
        "--evidence",
        "error-screen:booking errors",
    ];
    let id = stdout(&ok(expedite(d, &declare))).trim().to_owned();
    ok(expedite(
        d,
        &["update", "Rolling back", "--channel", "#expedite"],
    ));

    // Each channel gets its own shape of update.
    let short = stdout(&ok(expedite(
        d,
        &[
            "export",
            "update",
            "--text",
            "Errors falling",
            "--next-in",
            "20m",
        ],
    )));
    assert!(
        short.starts_with(&format!("Expedite update: Café checkout fails ({id})\n")),
        "{short}"
    );
    assert!(short.contains("Conditions: Errors falling\n"), "{short}");
    assert!(short.contains("Next update at "), "{short}");
    let deploy = stdout(&ok(expedite(
        d,
        &["export", "update", "--channel", "deployments"],
    )));
    // A fact not recorded is left out, never pasted as a placeholder.
    assert!(!deploy.contains("not recorded"), "{deploy}");
    assert!(!deploy.contains("Rollback plan"), "{deploy}");

    // Text to stdout; an .eml file when asked for one.
    let summary = stdout(&ok(expedite(d, &["export", "summary"])));
    assert!(summary.starts_with(&format!(
        "Subject: Incident summary: Café checkout fails ({id})"
    )));
    let eml = d.join("summary.eml");
    let o = ok(expedite(
        d,
        &["export", "summary", "-o", eml.to_str().unwrap()],
    ));
    assert!(stderr(&o).contains("Written to"));
    let eml = std::fs::read_to_string(&eml).unwrap();
    assert!(
        eml.contains("Subject: =?UTF-8?Q?Incident_summary=3A_Caf=C3=A9_checkout"),
        "{eml}"
    );
    assert!(eml.contains("From: \"Sam\" <sam@shop.test>\r\n"));

    // The invite says what it could not do; the file is still written.
    let ics = d.join("pm.ics");
    let o = ok(expedite(
        d,
        &[
            "export",
            "invite",
            "--draft",
            "/srv/pm.md",
            "-o",
            ics.to_str().unwrap(),
        ],
    ));
    assert!(
        stderr(&o).contains("nobody else is invited"),
        "{}",
        stderr(&o)
    );
    let ics = std::fs::read_to_string(&ics).unwrap();
    assert!(ics.contains("METHOD:REQUEST\r\n") && ics.contains("Draft: /srv/pm.md"));

    // A resolved incident is still the one exported when nothing is open.
    ok(expedite(d, &["note", "done"]));
    let md = stdout(&ok(expedite(d, &["export", "postmortem"])));
    assert!(
        md.starts_with("# Postmortem: Café checkout fails\n"),
        "{md}"
    );
    let csv = stdout(&ok(expedite(d, &["--incident", &id, "export", "timeline"])));
    assert!(
        csv.starts_with("Time (UTC),Time (team zone),Event,Who\r\n"),
        "{csv}"
    );
    assert!(csv.contains(",Note: done,sam\r\n"), "{csv}");

    let o = expedite(d, &["--incident", "2020-01-01-1", "export", "postmortem"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("there is no incident 2020-01-01-1"));
}
