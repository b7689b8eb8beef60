//! Two and three desks sharing one data folder through a real git remote (a
//! bare repository in a temp folder), with the real `git` program: nothing
//! anyone writes is lost, whatever order they sync in.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;

use std::fs;
use std::path::Path;

use team::*;

#[test]
fn two_desks_run_one_incident_through_a_shared_remote_and_lose_nothing() {
    let team = Team::new();
    let (a, b) = (team.desk("a"), team.desk("b"));
    // Sam has been working alone; the folder gets shared.
    let id = declare(&a, "Sam Patel", "Checkout 500s");
    import_contact(&a, "Sam Patel", "Sam Patel", "+44 7700 900001");
    assert!(team.share("a", "Sam Patel").contains("now shared"));
    // Alex joins with an empty folder.
    assert!(team.share("b", "Alex Kim").contains("The team's data"));
    assert_eq!(incidents(&b).len(), 1);

    // Both work on the same incident at once, offline from each other.
    ok(expedite(
        &a,
        "Sam Patel",
        &["--incident", &id, "update", "Investigating the CDN"],
    ));
    note(&b, "Alex Kim", &id, "Error rate doubles every 5 min");
    ok(expedite(
        &b,
        "Alex Kim",
        &["--incident", &id, "update", "Alex on it too"],
    ));
    // Both declare another incident the same day.
    let sams = declare(&a, "Sam Patel", "Search is slow");
    let alexs = declare(&b, "Alex Kim", "Login fails");
    assert_ne!(sams, alexs, "ids never collide between desks");
    // Both change the roster.
    import_contact(&a, "Sam Patel", "Priya Shah", "+44 7700 900002");
    import_contact(&b, "Alex Kim", "Ben O'Neill", "+44 7700 900003");

    ok(expedite(&a, "Sam Patel", &["sync"]));
    ok(expedite(&b, "Alex Kim", &["sync"]));
    ok(expedite(&a, "Sam Patel", &["sync"]));

    for desk in [&a, &b] {
        nothing_set_aside(desk);
        let all = incidents(desk);
        let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
        let lines = timeline(desk, &id);
        for want in [
            "Investigating the CDN",
            "Error rate doubles every 5 min",
            "Alex on it too",
        ] {
            assert!(
                lines.iter().any(|l| l.contains(want)),
                "{want} is missing on {}: {lines:#?}",
                desk.display()
            );
        }
        let main = all.iter().find(|i| i.id.as_str() == id).unwrap();
        assert_eq!(main.communication.updates.len(), 2);
        let names: Vec<String> = roster(desk)
            .contacts
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        for want in ["Sam Patel", "Priya Shah", "Ben O'Neill"] {
            assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
        }
    }
    assert_eq!(incidents(&a), incidents(&b), "both desks hold the same");
    // The history says who did what.
    let log = String::from_utf8_lossy(&git(&a, &["log", "--format=%an: %s"]).stdout).into_owned();
    assert!(log.contains("Alex Kim: "), "{log}");
    assert!(log.contains("Sam Patel: "), "{log}");
    // Status says the folder is shared and in step.
    let status = ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    assert!(status.contains("Shared · in step"), "{status}");
}

#[test]
fn a_plain_git_pull_merges_with_the_driver() {
    let (_team, a, b, id) = two_desks();
    note(&a, "Sam Patel", &id, "Rolled back release 41");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    note(&b, "Alex Kim", &id, "Watching the dashboards");
    // Alex uses git by hand: commit, then a plain pull.
    let out = git(&b, &["commit", "-qam", "Alex: a note"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = git(&b, &["pull", "-q", "--no-rebase", "--no-edit"]);
    assert!(
        out.status.success(),
        "the pull merged by itself: {}",
        text(&out)
    );
    let lines = timeline(&b, &id);
    assert!(lines.iter().any(|l| l.contains("Rolled back release 41")));
    assert!(lines.iter().any(|l| l.contains("Watching the dashboards")));
    nothing_set_aside(&b);
}

#[test]
fn an_unreachable_remote_keeps_the_changes_queued_and_says_so() {
    let (team, a, b, id) = two_desks();
    let away = team.root.join("remote-away.git");
    fs::rename(&team.remote, &away).unwrap();
    note(&a, "Sam Patel", &id, "On the train");
    let out = expedite(&a, "Sam Patel", &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let why = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(why.contains("could not be reached"), "{why}");
    assert!(why.contains("1 change is committed here"), "{why}");
    let status = ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    assert!(status.contains("Offline · 1 change to send"), "{status}");
    // Back online: it goes out, exactly once.
    fs::rename(&away, &team.remote).unwrap();
    ok(expedite(&a, "Sam Patel", &["sync"]));
    ok(expedite(&b, "Alex Kim", &["sync"]));
    let lines = timeline(&b, &id);
    assert_eq!(
        lines.iter().filter(|l| l.contains("On the train")).count(),
        1
    );
}

/// Writes `ours` and `theirs` into `path` the way git leaves a conflict.
fn write_conflict(path: &Path, ours: &str, theirs: &str) {
    fs::write(
        path,
        format!("<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> origin/main\n"),
    )
    .unwrap();
}

#[test]
fn a_conflicted_file_or_a_synced_folders_conflict_copy_is_merged_not_rolled_back() {
    let (_team, a, b, id) = two_desks();
    note(&a, "Sam Patel", &id, "Sam's own last note");
    note(&b, "Alex Kim", &id, "Alex's note");
    let file = format!("incidents/{id}.ron");
    let mine = fs::read_to_string(a.join(&file)).unwrap();
    let yours = fs::read_to_string(b.join(&file)).unwrap();

    // Git's markers in the file (a pull without the driver set up).
    write_conflict(&a.join(&file), &mine, &yours);
    ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    has_lines(&a, &id, &["Sam's own last note", "Alex's note"]);

    // A synced folder's conflict copy beside the file.
    fs::write(a.join(&file), &mine).unwrap();
    let copy = a.join(format!(
        "incidents/{id}.sync-conflict-20261201-101530-ABCDEFG.ron"
    ));
    fs::write(&copy, &yours).unwrap();
    ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    assert!(!copy.exists(), "the copy was merged and removed");
    has_lines(&a, &id, &["Sam's own last note", "Alex's note"]);

    // Two different incidents under one id between the markers: both kept.
    let other = declare(&b, "Alex Kim", "Login fails");
    let other_text = fs::read_to_string(b.join(format!("incidents/{other}.ron")))
        .unwrap()
        .replace(&other, &id);
    let mine = fs::read_to_string(a.join(&file)).unwrap();
    write_conflict(&a.join(&file), &mine, &other_text);
    ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    let titles: Vec<String> = incidents(&a).into_iter().map(|i| i.title).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Login fails".to_owned()), "{titles:?}");
    assert!(titles.contains(&"Checkout 500s".to_owned()), "{titles:?}");
    nothing_set_aside(&a);
}

#[test]
fn three_desks_syncing_in_every_order_end_with_every_change() {
    let team = Team::new();
    let desks = [("a", "Sam Patel"), ("b", "Alex Kim"), ("c", "Priya Shah")];
    let id = declare(&team.desk("a"), "Sam Patel", "Checkout 500s");
    for (desk, who) in desks {
        team.share(desk, who);
    }
    let orders = [[0, 1, 2], [2, 0, 1], [1, 2, 0]];
    for (round, order) in orders.iter().enumerate() {
        for (desk, who) in desks {
            ok(expedite(
                &team.desk(desk),
                who,
                &[
                    "--incident",
                    &id,
                    "note",
                    &format!("round {round} from {who}"),
                ],
            ));
        }
        for &d in order {
            let (desk, who) = desks[d];
            ok(expedite(&team.desk(desk), who, &["sync"]));
        }
    }
    for &(desk, who) in &desks {
        ok(expedite(&team.desk(desk), who, &["sync"]));
    }
    let first = incidents(&team.desk("a"));
    for (desk, _) in desks {
        let dir = team.desk(desk);
        assert_eq!(incidents(&dir), first, "{desk} is not in step");
        nothing_set_aside(&dir);
    }
    let lines = timeline(&team.desk("c"), &id);
    for round in 0..orders.len() {
        for (_, who) in desks {
            let want = format!("round {round} from {who}");
            assert_eq!(
                lines.iter().filter(|l| l.contains(&want)).count(),
                1,
                "{want}: {lines:#?}"
            );
        }
    }
}

#[test]
fn one_person_declaring_on_two_desks_the_same_day_keeps_both_incidents() {
    let team = Team::new();
    let (laptop, desktop) = (team.desk("laptop"), team.desk("desktop"));
    declare(&laptop, "Sam Patel", "Checkout 500s");
    team.share("laptop", "Sam Patel");
    team.share("desktop", "Sam Patel");
    // Apart from each other, the same person declares on both.
    let first = declare(&desktop, "Sam Patel", "Search is slow");
    let second = declare(&laptop, "Sam Patel", "Login fails");
    assert_eq!(first, second, "the same id on both desks");
    for desk in [&desktop, &laptop, &desktop, &laptop] {
        ok(expedite(desk, "Sam Patel", &["sync"]));
    }
    for desk in [&laptop, &desktop] {
        let titles: Vec<String> = incidents(desk).into_iter().map(|i| i.title).collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        for want in ["Checkout 500s", "Search is slow", "Login fails"] {
            assert!(titles.iter().any(|t| t == want), "{want}: {titles:?}");
        }
        nothing_set_aside(desk);
    }
    assert_eq!(incidents(&laptop), incidents(&desktop));
}

#[test]
fn a_merge_driver_left_pointing_at_a_moved_program_is_set_again_before_merging() {
    let (_team, a, b, id) = two_desks();
    let out = git(
        &b,
        &[
            "config",
            "merge.expedite.driver",
            "/gone/expedite merge-driver %O %A %B %P",
        ],
    );
    assert!(out.status.success());
    note(&a, "Sam Patel", &id, "From Sam");
    ok(expedite(&a, "Sam Patel", &["sync"]));
    note(&b, "Alex Kim", &id, "From Alex");
    ok(expedite(&b, "Alex Kim", &["sync"]));
    let lines = timeline(&b, &id);
    assert!(lines.iter().any(|l| l.contains("From Sam")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("From Alex")), "{lines:#?}");
    let config =
        String::from_utf8_lossy(&git(&b, &["config", "merge.expedite.driver"]).stdout).into_owned();
    assert!(!config.contains("/gone/"), "{config}");
}
