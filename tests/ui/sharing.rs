//! The window on a shared folder: a colleague's work from another desk (the
//! terminal there, through a real git remote) shows up, and the window's
//! own saves go out, by themselves.

#[path = "../support/desk.rs"]
mod desk;

use std::path::Path;
use std::process::Command as Process;

use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::Command;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;

fn expedite(dir: &Path, who: &str, args: &[&str]) -> String {
    let out = desk::expedite_as(dir, who, args);
    assert!(out.status.success(), "{}", desk::printed(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Sam's desk with one incident, shared through a bare remote in `tmp`;
/// my desk (Alex's) joined, and my window on it, watching and syncing every
/// 5 s, in step. Sam's folder, mine, the incident's id, the remote.
fn shared_window(
    tmp: &Path,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    String,
    std::path::PathBuf,
    Harness<'static, ExpediteApp>,
) {
    let (sams, mine, id, remote) = sams_shared_desk_and_mine(tmp);
    expedite(&mine, "Alex Kim", &["share", remote.to_str().unwrap()]);
    let mut harness = my_window(&mine);
    wait_for_within(&mut harness, "Shared · in step", 10);
    (sams, mine, id, remote, harness)
}

/// A bare remote in `tmp`, Sam's desk with one incident shared through
/// it, and my desk (Alex's, syncing every 5 s once shared) not shared yet.
/// Sam's folder, mine, the incident's id, the remote.
fn sams_shared_desk_and_mine(
    tmp: &Path,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    String,
    std::path::PathBuf,
) {
    let remote = tmp.join("remote.git");
    let out = Process::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&remote)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (sams, mine) = (tmp.join("sam"), tmp.join("alex"));
    let id = expedite(
        &sams,
        "Sam Patel",
        &[
            "declare",
            "--title",
            "Checkout returns 500",
            "--evidence",
            "error-screen:booking errors",
        ],
    );
    expedite(&sams, "Sam Patel", &["share", remote.to_str().unwrap()]);
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(
        mine.join("desk.ron"),
        "(format: \"expedite/desk\", version: 2, revision: 1, data: (me: \"Alex Kim\", sync_every_seconds: 5))\n",
    )
    .unwrap();
    (sams, mine, id, remote)
}

/// My window on my desk, watching the folder and syncing it while shared.
fn my_window(mine: &Path) -> Harness<'static, ExpediteApp> {
    let store = Store::open(mine).unwrap();
    let watcher = expedite::store::watch::Watcher::start(mine, || {}).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(|| t(3)))
                .with_watcher(watcher)
                .with_sync()
        });
    settle(&mut harness);
    harness
}

#[test]
fn a_colleagues_note_and_hand_over_arrive_and_my_note_goes_out() {
    let tmp = tempfile::tempdir().unwrap();
    let (sams, _mine, id, remote, mut harness) = shared_window(tmp.path());

    // On Sam's desk: a note and a hand-over to me, sent to the remote.
    expedite(
        &sams,
        "Sam Patel",
        &["--incident", &id, "note", "Rolled back release 41"],
    );
    let mut store = Store::open(&sams).unwrap();
    let (mut state, _) = store.load();
    let hand_over = Command::HandOver {
        incident: expedite::model::IncidentId::parse(&id).unwrap(),
        to: "Alex Kim".into(),
        note: "CDN rolled back, watch the error rate".into(),
    };
    store
        .execute(&mut state, hand_over, "Sam Patel", chrono::Utc::now())
        .unwrap();
    expedite(&sams, "Sam Patel", &["sync"]);

    // I classify in the window meanwhile, and add a note: each saves and
    // syncs, and Sam's work comes in.
    click(&mut harness, "Classified");
    harness
        .get_by_role_and_label(egui::accesskit::Role::RadioButton, "Yes, expedite")
        .click();
    settle(&mut harness);
    click(&mut harness, "Record classification");
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Watching the dashboards");
    click(&mut harness, "Add note");
    wait_for_within(&mut harness, "Rolled back release 41", 10);
    wait_for_within(&mut harness, "Alex Kim (you)", 10);
    harness.get_by_label_contains("Watching the dashboards");

    // And my note reached Sam's desk.
    let mut found = false;
    for _ in 0..100 {
        expedite(&sams, "Sam Patel", &["sync"]);
        let text = std::fs::read_to_string(sams.join(format!("incidents/{id}.ron"))).unwrap();
        if text.contains("Watching the dashboards") {
            found = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(found, "my note never reached the other desk");
    let text = std::fs::read_to_string(sams.join(format!("incidents/{id}.ron"))).unwrap();
    assert!(text.contains("decision: Expedite"), "{text}");
    assert!(text.contains("owner: \"Alex Kim\""), "{text}");

    // Offline: the remote is out of reach. My note waits, and the header says so.
    let away = tmp.path().join("remote-away.git");
    std::fs::rename(&remote, &away).unwrap();
    type_into(&mut harness, "Note", "Written on the train");
    click(&mut harness, "Add note");
    wait_for_within(&mut harness, "Offline · 1 change to send", 10);
    // Back online: the next sync sends it (every 5 s on this desk).
    std::fs::rename(&away, &remote).unwrap();
    wait_long_for_sync(&mut harness);
    expedite(&sams, "Sam Patel", &["sync"]);
    let text = std::fs::read_to_string(sams.join(format!("incidents/{id}.ron"))).unwrap();
    assert_eq!(text.matches("Written on the train").count(), 1, "{text}");
}

/// Waits until the header says the folder is in step again.
fn wait_long_for_sync(harness: &mut Harness<'_, ExpediteApp>) {
    for _ in 0..750 {
        harness.step();
        if harness
            .query_by_label_contains("Shared · in step")
            .is_some()
            && harness.query_by_label_contains("Offline").is_none()
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the folder never got back in step within 15 s");
}

#[test]
fn a_commit_pushed_with_a_desk_only_file_is_refused_and_said_in_the_header() {
    let tmp = tempfile::tempdir().unwrap();
    let (_sams, mine, _id, remote, mut harness) = shared_window(tmp.path());
    let git = |dir: &Path, args: &[&str], date: Option<&str>| {
        let mut command = Process::new("git");
        command
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Mallory")
            .env("GIT_AUTHOR_EMAIL", "m@example.com")
            .env("GIT_COMMITTER_NAME", "Mallory")
            .env("GIT_COMMITTER_EMAIL", "m@example.com");
        if let Some(date) = date {
            command.env("GIT_COMMITTER_DATE", date);
        }
        let out = command.output().unwrap();
        assert!(out.status.success(), "{}", desk::printed(&out));
    };

    // Someone with push access commits a channel file; the window's next
    // sync (after a save of its own) refuses it and says so.
    let intruder = tmp.path().join("intruder");
    git(
        tmp.path(),
        &["clone", "-q", remote.to_str().unwrap(), "intruder"],
        None,
    );
    std::fs::write(intruder.join("connections.ron"), "(data: ())\n").unwrap();
    git(&intruder, &["add", "-f", "connections.ron"], None);
    // Committed on a clock three hours fast, too.
    let fast = format!(
        "{} +0000",
        (chrono::Utc::now() + chrono::Duration::hours(3)).timestamp()
    );
    git(
        &intruder,
        &["commit", "-qm", "Channel settings"],
        Some(&fast),
    );
    git(&intruder, &["push", "-q", "origin", "HEAD:main"], None);
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Watching the dashboards");
    click(&mut harness, "Add note");
    wait_for_within(&mut harness, "In step · change refused", 10);
    assert!(!mine.join("connections.ron").exists());
}

#[test]
fn a_folder_shared_from_the_terminal_while_the_window_is_open_starts_syncing() {
    let tmp = tempfile::tempdir().unwrap();
    let (sams, mine, id, remote) = sams_shared_desk_and_mine(tmp.path());
    // My desk is not shared yet; my window is open on it.
    let mut harness = my_window(&mine);
    assert!(harness.query_by_label_contains("Shared").is_none());

    // From a terminal on my desk: join the team's folder.
    expedite(&mine, "Alex Kim", &["share", remote.to_str().unwrap()]);
    wait_for_within(&mut harness, "Shared · in step", 10);
    for _ in 0..500 {
        harness.step();
        if harness
            .query_all_by_label_contains("Checkout returns 500")
            .next()
            .is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        harness
            .query_all_by_label_contains("Checkout returns 500")
            .next()
            .is_some()
    );

    // A colleague's note now arrives by itself, without a restart.
    expedite(
        &sams,
        "Sam Patel",
        &["--incident", &id, "note", "Rolled back release 41"],
    );
    expedite(&sams, "Sam Patel", &["sync"]);
    click(&mut harness, "Timeline");
    wait_for_within(&mut harness, "Rolled back release 41", 15);
}
