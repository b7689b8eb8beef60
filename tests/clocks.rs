//! Desks whose clocks disagree. Sam's desk keeps good time; Dana's runs
//! three hours fast and Alex's two hours slow — their commands stamp the
//! record with their own clocks (the library, given their time) and their
//! commits carry it (git's own date variables), as a real desk would.
//! Nothing important may follow the wrong clock: not the reminders, not
//! the default incident, not an undo, and every desk is told.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;

use std::path::Path;
use std::process::Command as Process;

use chrono::{DateTime, Duration, Utc};
use expedite::command::Command;
use expedite::model::{IncidentId, State};
use expedite::store::Store;
use team::*;

/// Runs a command on `dir` as `who`, on a clock `ahead` of the real one.
fn on_clock(dir: &Path, who: &str, ahead: Duration, command: impl FnOnce(&State) -> Command) {
    let mut store = Store::open(dir).unwrap();
    let (mut state, _) = store.load();
    let command = command(&state);
    store
        .execute(&mut state, command, who, Utc::now() + ahead)
        .unwrap();
}

/// Whether the `faketime` program is here to run a desk on another clock.
fn faketime() -> bool {
    Process::new("faketime")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `expedite ARGS` at `dir` as `who`, on a clock `ahead` of this one: the
/// whole program under `faketime` when it is installed (its own clock,
/// git's commits), else with its commits dated so (git's own variables).
fn expedite_on_clock(dir: &Path, who: &str, ahead: Duration, args: &[&str]) -> String {
    let then = Utc::now() + ahead;
    let date = format!("{} +0000", then.timestamp());
    let mut command = if faketime() {
        let mut c = Process::new("faketime");
        c.arg("-f")
            .arg(format!("@{}", then.format("%Y-%m-%d %H:%M:%S")))
            .arg(env!("CARGO_BIN_EXE_expedite"))
            .env("TZ", "UTC")
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        c
    } else {
        Process::new(env!("CARGO_BIN_EXE_expedite"))
    };
    let out = desk::at_desk(&mut command, dir, who)
        .args(args)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_AUTHOR_DATE", &date)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    text(&out)
}

fn id(text: &str) -> IncidentId {
    IncidentId::parse(text).unwrap()
}

/// When Sam's desk says the next update is due, read from `status --json`.
fn due_on(dir: &Path, who: &str, incident: &str) -> (DateTime<Utc>, bool) {
    let out = ok(expedite(
        dir,
        who,
        &["--json", "--incident", incident, "status"],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let due = DateTime::parse_from_rfc3339(json["next_update_due"].as_str().unwrap())
        .unwrap()
        .to_utc();
    (due, json["overdue"].as_bool().unwrap())
}

#[test]
fn a_desk_three_hours_fast_neither_silences_reminders_nor_picks_the_incident_nor_beats_an_undo() {
    let fast = Duration::hours(3);
    let team = Team::new();
    let (sam, dana) = (team.desk("a"), team.desk("d"));
    let checkout = declare(&sam, "Sam Patel", "Checkout 500s");
    let search = declare(&sam, "Sam Patel", "Search is slow");
    ok(expedite(
        &sam,
        "Sam Patel",
        &[
            "--incident",
            &checkout,
            "follow-up",
            "add",
            "Add an alert on 500s",
        ],
    ));
    team.share("a", "Sam Patel");
    expedite_on_clock(
        &dana,
        "Dana Whitfield",
        fast,
        &["share", team.remote.to_str().unwrap()],
    );

    // Dana posts an update and snoozes nothing; her stamps are 3 h ahead.
    on_clock(&dana, "Dana Whitfield", fast, |_| Command::PostUpdate {
        incident: id(&checkout),
        text: "Rolled back release 41".into(),
        channel: None,
        next_in: None,
    });
    // She notes on the search incident, and ticks the follow-up off.
    on_clock(&dana, "Dana Whitfield", fast, |_| Command::AddNote {
        incident: id(&search),
        text: "Search index rebuilt".into(),
    });
    on_clock(&dana, "Dana Whitfield", fast, |state| {
        let f = &state.incidents[&id(&checkout)].follow_ups[0];
        Command::MarkFollowUp {
            incident: id(&checkout),
            added_at: f.added_at,
            text: f.text.clone(),
            done: true,
        }
    });
    expedite_on_clock(&dana, "Dana Whitfield", fast, &["sync"]);
    ok(expedite(&sam, "Sam Patel", &["sync"]));

    // The reminder follows Dana's update as it happened, not her clock.
    let (due, overdue) = due_on(&sam, "Sam Patel", &checkout);
    let now = Utc::now();
    assert!(!overdue);
    assert!(
        due < now + Duration::minutes(40) && due > now - Duration::minutes(5),
        "due {due}, now {now}: the reminder follows Dana's clock"
    );
    // Sam is told.
    let status = ok(expedite(
        &sam,
        "Sam Patel",
        &["--incident", &checkout, "status"],
    ));
    assert!(
        status.contains("Dana Whitfield's clock is about 3 h ahead of this desk's"),
        "{status}"
    );

    // Sam works on Checkout after Dana's note on Search: a note without
    // an incident goes to Checkout, whatever Dana's clock said.
    note(&sam, "Sam Patel", &checkout, "Watching the error rate");
    ok(expedite(
        &sam,
        "Sam Patel",
        &["note", "Where does this go?"],
    ));
    has_lines(&sam, &checkout, &["Where does this go?"]);

    // Sam undoes Dana's tick: it is undone, here and on Dana's desk.
    ok(expedite(
        &sam,
        "Sam Patel",
        &["--incident", &checkout, "follow-up", "undo", "alert"],
    ));
    let list = ok(expedite(
        &sam,
        "Sam Patel",
        &["--incident", &checkout, "follow-up", "list"],
    ));
    assert!(!list.contains("done"), "{list}");
    ok(expedite(&sam, "Sam Patel", &["sync"]));
    expedite_on_clock(&dana, "Dana Whitfield", fast, &["sync"]);
    let store_view = incidents(&dana);
    let f = &store_view
        .iter()
        .find(|i| i.id.as_str() == checkout)
        .unwrap()
        .follow_ups[0];
    assert!(
        f.done().is_none(),
        "the undo held on Dana's desk: {:?}",
        f.marks
    );
}

#[test]
fn a_desk_two_hours_slow_never_makes_everyone_overdue_and_each_side_is_told() {
    let slow = Duration::hours(-2);
    let team = Team::new();
    let (sam, alex) = (team.desk("a"), team.desk("x"));
    let checkout = declare(&sam, "Sam Patel", "Checkout 500s");
    ok(expedite(
        &sam,
        "Sam Patel",
        &["--incident", &checkout, "update", "Looking into it"],
    ));
    team.share("a", "Sam Patel");
    expedite_on_clock(
        &alex,
        "Alex Kim",
        slow,
        &["share", team.remote.to_str().unwrap()],
    );
    // A slow clock shows every time; a train journey only once.
    for round in 0..3 {
        on_clock(&alex, "Alex Kim", slow, |_| Command::AddNote {
            incident: id(&checkout),
            text: format!("Alex's round {round}"),
        });
        expedite_on_clock(&alex, "Alex Kim", slow, &["sync"]);
        ok(expedite(&sam, "Sam Patel", &["sync"]));
        note(
            &sam,
            "Sam Patel",
            &checkout,
            &format!("Sam's round {round}"),
        );
        ok(expedite(&sam, "Sam Patel", &["sync"]));
    }
    on_clock(&alex, "Alex Kim", slow, |_| Command::PostUpdate {
        incident: id(&checkout),
        text: "Fix deployed, watching".into(),
        channel: None,
        next_in: None,
    });
    expedite_on_clock(&alex, "Alex Kim", slow, &["sync"]);
    ok(expedite(&sam, "Sam Patel", &["sync"]));
    let (due, overdue) = due_on(&sam, "Sam Patel", &checkout);
    assert!(
        !overdue,
        "Alex's update, two hours 'ago' on his clock, is fresh"
    );
    assert!(due > Utc::now(), "due {due}");
    let status = ok(expedite(
        &sam,
        "Sam Patel",
        &["--incident", &checkout, "status"],
    ));
    assert!(
        status.contains("Alex Kim's clock is about 2 h behind this desk's"),
        "{status}"
    );
    // Alex's desk, its clock truly slow, sees Sam's commits two hours
    // ahead of it: told too.
    if !faketime() {
        println!("skipped the slow desk's own view: faketime is not installed");
        return;
    }
    let status = expedite_on_clock(
        &alex,
        "Alex Kim",
        slow,
        &["--incident", &checkout, "status"],
    );
    assert!(
        status.contains("Sam Patel's clock is about 2 h ahead of this desk's"),
        "{status}"
    );
}

#[test]
fn the_loser_of_a_true_clash_keeps_its_text_on_the_timeline() {
    let (_team, a, b, id) = two_desks();
    for (dir, who, lifespan) in [
        (&a, "Sam Patel", "until the 18:00 deploy"),
        (&b, "Alex Kim", "about two days"),
    ] {
        ok(expedite(
            dir,
            who,
            &[
                "--incident",
                &id,
                "classify",
                "yes",
                "--metric",
                "conversion",
                "--lifespan",
                lifespan,
            ],
        ));
    }
    for _ in 0..2 {
        ok(expedite(&a, "Sam Patel", &["sync"]));
        ok(expedite(&b, "Alex Kim", &["sync"]));
    }
    // One lifespan is the incident's; the other, typed at the same time on
    // the other desk, is on the timeline of both.
    for desk in [&a, &b] {
        let incident = incidents(desk)
            .into_iter()
            .find(|i| i.id.as_str() == id)
            .unwrap();
        let kept = incident.classification.expected_lifespan.clone();
        let lost = if kept == "about two days" {
            "until the 18:00 deploy"
        } else {
            "about two days"
        };
        let lines = timeline(desk, &id).join("\n");
        assert!(
            lines.contains(&format!("expected to last {lost}")),
            "{lines}"
        );
    }
}
