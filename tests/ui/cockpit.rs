//! The cockpit: the name asked on first start, the header and its
//! countdown, posting and snoozing updates, notifications, the window title,
//! switching incidents, and every view at 800×600.

use chrono::Duration;
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::store::Store;
use expedite::ui::{ExpediteApp, window_title};

use crate::common::*;

#[test]
fn first_start_asks_for_a_name_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_at(dir.path(), t(0));
    harness.get_by_label("Welcome to Expedite");
    let name_field = egui::accesskit::Role::TextInput;
    harness
        .get_by_role_and_label(name_field, "Your name")
        .click();
    settle(&mut harness);
    harness
        .get_by_role_and_label(name_field, "Your name")
        .type_text("Sam Patel");
    settle(&mut harness);
    harness.get_by_label("Save").click();
    settle(&mut harness);
    harness.get_by_label("No incident open");
    // The name is this desk's own: kept out of the settings a team shares.
    let desk = std::fs::read_to_string(dir.path().join("desk.ron")).unwrap();
    assert!(desk.contains("me: \"Sam Patel\""), "{desk}");
    assert!(!dir.path().join("settings.ron").exists());
    // The next start does not ask again.
    let harness = app_at(dir.path(), t(1));
    assert!(harness.query_by_label("Welcome to Expedite").is_none());
}

#[test]
fn an_open_incident_shows_its_owner_stage_next_step_and_countdown() {
    let dir = folder_with_incident(Some("Jo"));

    let mut harness = app_at(dir.path(), t(3));
    harness.get_by_label("Checkout returns 500");
    // The owner in the header and in the brief, which opens first.
    assert_eq!(harness.query_all_by_label("Jo").count(), 2);
    harness.get_by_label("owner");
    harness.get_by_label("Declared 3 min ago");
    // The header names the stage and whether it is started; the rail lists it.
    harness.get_by_label("Classified (to do)");
    harness.get_by_label("Classified");
    assert!(
        harness
            .query_all_by_label_contains("Decide whether to expedite")
            .count()
            >= 2
    );
    harness.get_by_label("Next update in 12 min");
    // The next step in the rail opens its stage's form.
    harness
        .query_all_by_label_contains("Decide whether to expedite")
        .next()
        .unwrap()
        .click();
    settle(&mut harness);
    harness.get_by_label("Record classification");

    let harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
}

#[test]
fn posting_an_update_resets_the_countdown() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
    click(&mut harness, "Post update…");
    let label = "Conditions — what you see";
    type_into(&mut harness, label, "Rolled back; errors falling");
    click(&mut harness, "Post update");
    // The default "next update in" is the unclassified cadence: 15 minutes.
    harness.get_by_label("Next update in 15 min");
    assert!(harness.query_by_label(label).is_none(), "the dialog closed");
    assert!(
        incident_file(dir.path())
            .contains("Update for #expedite: Conditions: Rolled back; errors falling")
    );
    // The timeline shows it, newest first.
    click(&mut harness, "Timeline");
    harness.get_by_label_contains("Update for #expedite: Conditions: Rolled back; errors falling");
    // With no channel connected, the update says it was recorded only.
    click(&mut harness, "Communicating");
    harness.get_by_label_contains("Recorded, not posted: #expedite is not connected here");
    // ...and is one click from the clipboard, as it was recorded.
    let copied = click_and_copy(&mut harness, "Copy this update for #expedite");
    assert!(
        copied.starts_with("Expedite update: Checkout returns 500 (2026-11-26-sam-1)\nConditions: Rolled back; errors falling\n"),
        "{copied}"
    );
    assert!(copied.contains("Next update at "), "{copied}");
    harness.get_by_label("The update for #expedite copied — paste it where it goes.");
}

#[test]
fn a_half_written_update_survives_closing_the_dialog_and_a_refusal_keeps_it() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(1));
    let field = egui::accesskit::Role::MultilineTextInput;
    let label = "Conditions — what you see";
    harness.get_by_label("Post update…").click();
    settle(&mut harness);
    harness.get_by_role_and_label(field, label).click();
    settle(&mut harness);
    harness.get_by_role_and_label(field, label).type_text("   ");
    settle(&mut harness);
    // Posting only spaces is refused, with the reason beside the text.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Post update")
        .click();
    settle(&mut harness);
    harness.get_by_label_contains("The update is empty");
    type_into(&mut harness, label, "Half a thought");
    harness.get_by_label("Cancel").click();
    settle(&mut harness);
    assert!(harness.query_by_label(label).is_none(), "the dialog closed");
    harness.get_by_label("Post update…").click();
    settle(&mut harness);
    let value = harness
        .get_by_role_and_label(field, label)
        .value()
        .unwrap_or_default();
    assert!(value.ends_with("Half a thought"), "{value:?}");
    assert!(!incident_file(dir.path()).contains("Half a thought"));
    click(&mut harness, "Cancel");

    // Nor does a restart lose it.
    drop(harness);
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Post update…");
    assert!(field_value(&harness, label).ends_with("Half a thought"));
}

#[test]
fn snoozing_from_the_window_moves_the_countdown() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
    click(&mut harness, "Communicating");
    click(&mut harness, "15 min");
    harness.get_by_label("Next update in 15 min");
    assert!(incident_file(dir.path()).contains("Update reminder snoozed for 15m"));
    // Beside the countdown too, from any view: put off by 30 more minutes.
    click(&mut harness, "Timeline");
    click(&mut harness, "Snooze");
    click(&mut harness, "Snooze for 30 min");
    harness.get_by_label("Next update in 45 min");
}

struct Broken;

impl expedite::reminder::Notifier for Broken {
    fn show(
        &self,
        _: &expedite::reminder::Reminder,
        _: expedite::reminder::Actions,
    ) -> Result<(), expedite::reminder::NotifyError> {
        Err(expedite::reminder::NotifyError::NoServer)
    }
}

#[test]
fn when_notifications_fail_the_window_says_so() {
    let dir = folder_with_incident(None);
    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::new_eframe(move |_cc| {
        ExpediteApp::new(store, Box::new(|| t(30)))
            .with_reminders(std::sync::Arc::new(Broken), Box::new(|| t(30)))
    });
    wait_for(
        &mut harness,
        "Desktop notifications are not working: no notification server is running on this desktop",
    );
}

#[test]
fn the_window_title_carries_the_nearest_update() {
    let dir = folder_with_incident(None);
    let (mut state, _) = Store::open(dir.path()).unwrap().load();
    assert_eq!(
        window_title(&state, t(3)),
        "Expedite — update due in 12 min"
    );
    assert_eq!(
        window_title(&state, t(18)),
        "Expedite — update overdue by 3 min"
    );
    let id = state.incidents.keys().next().unwrap().clone();
    let resolve = Command::Resolve { incident: id };
    expedite::command::apply(&mut state, resolve, "Sam", t(20)).unwrap();
    assert_eq!(window_title(&state, t(21)), "Expedite");
}

#[test]
fn with_two_incidents_open_the_overdue_one_is_never_hidden() {
    let dir = folder_with_incident(None); // due at t(15)
    declare_another(dir.path(), "Search is slow", t(10)); // due at t(25)
    let mut harness = app_at(dir.path(), t(18));
    // The newer incident is shown; the other's overdue update is named.
    harness.get_by_label("Search is slow");
    harness.get_by_label("Next update in 7 min");
    harness.get_by_label("Also overdue: Checkout retu… — 3 min");
    let (state, _) = Store::open(dir.path()).unwrap().load();
    assert_eq!(
        window_title(&state, t(18)),
        "Expedite — Checkout returns 500: update overdue by 3 min"
    );
    // The Incidents list marks each one's countdown.
    click(&mut harness, "Incidents");
    harness.get_by_label("Update overdue by 3 min");
    harness.get_by_label("Update due in 7 min");
    // One click shows the overdue one; nothing else is due sooner then.
    click(&mut harness, "Also overdue: Checkout retu… — 3 min");
    harness.get_by_label("Update overdue by 3 min");
    harness.get_by_label("Checkout returns 500");
    assert!(harness.query_by_label_contains("Also ").is_none());
    drop(harness);

    // In a narrow window the other incident is still named, more briefly.
    let mut harness = app_sized(dir.path(), t(18), egui::vec2(800.0, 600.0));
    click(&mut harness, "Also overdue: Checkout… — 3 min");
    harness.get_by_label("Checkout returns 500");
}

#[test]
fn a_colleague_opening_the_window_reads_where_it_stands_on_the_first_screen() {
    let dir = folder_with_incident(Some("Alex Kim"));
    with_roster(dir.path());
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let steps = [
        Command::AddTeamMember {
            incident: expedite::model::IncidentId::parse("2026-11-26-sam-1").unwrap(),
            name: "Tom Berg".into(),
            role: expedite::model::Role::Tester,
        },
        Command::PostUpdate {
            incident: expedite::model::IncidentId::parse("2026-11-26-sam-1").unwrap(),
            text: "Rolling back v42".into(),
            channel: None,
            next_in: Some(Duration::minutes(20)),
        },
    ];
    for (n, step) in steps.into_iter().enumerate() {
        store
            .execute(&mut state, step, "Sam", t(2 + n as i64))
            .unwrap();
    }
    drop(store);
    let mut harness = app_at(dir.path(), t(10));
    // What is broken, who is on it (with a number to call), what was said
    // last and where, when the next update is due, and the next step.
    assert_eq!(
        harness.query_all_by_label("Brief").count(),
        3,
        "the rail's, the view's heading and the view's region"
    );
    harness.get_by_label_contains("error screen");
    harness.get_by_label("owner");
    harness.get_by_label("+44 7700 900123");
    harness.get_by_label("tester");
    harness.get_by_label("no number on the roster");
    harness.get_by_label_contains("Nobody yet as: developer, reviewer");
    harness.get_by_label_contains("in #expedite by Sam (recorded, not posted): Rolling back v42");
    harness.get_by_label_contains("Next update due ");
    harness.get_by_label_contains(", in 13 min.");
    let copied = click_and_copy(&mut harness, "Copy as hand-over note");
    assert!(
        copied.starts_with("Hand-over: Checkout returns 500"),
        "{copied}"
    );
    assert!(
        copied.contains("- Alex Kim (owner), +44 7700 900123"),
        "{copied}"
    );
    assert!(copied.contains("Next step: "), "{copied}");
    harness.get_by_label("The hand-over note copied — paste it where it goes.");
}

#[test]
fn ctrl_u_opens_the_update_dialog_with_the_cadence_filled_in() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(4));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::U);
    settle(&mut harness);
    assert_eq!(field_value(&harness, "Next update in"), "15m");
    type_into(&mut harness, "Conditions — what you see", "Errors falling");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("Next update in 15 min");
}

#[test]
fn the_next_update_can_be_written_out_in_words() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = app_at(dir.path(), t(5));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::U);
    settle(&mut harness);
    type_into(&mut harness, "Conditions — what you see", "Errors falling");
    retype(&mut harness, "Next update in", "20 minutes");
    let text = click_and_copy(&mut harness, "Copy for #expedite");
    assert!(text.ends_with("Next update at 02:25 UTC.\n"), "{text}");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("Next update in 20 min");
}

#[test]
fn the_minutes_left_are_rounded_to_the_nearest_not_down() {
    let dir = folder_with_incident(None);
    // Due at t(15); a second after a five-minute wait began.
    let harness = app_at(dir.path(), t(10) + Duration::seconds(1));
    harness.get_by_label("Next update in 5 min");
    brief_says(&harness, "in 5 min.");
    // Overdue by less than a minute: overdue, not "by 0 min".
    let harness = app_at(dir.path(), t(15) + Duration::seconds(20));
    brief_says(&harness, "Next update overdue (was due");
}

/// The brief's "Next update" line holds `words`.
fn brief_says(harness: &Harness<'static, ExpediteApp>, words: &str) {
    harness.get_by_label_contains(words);
}

#[test]
fn the_countdown_ticks_in_seconds_only_around_the_due_time() {
    use expedite::ui::header::countdown_changes_in;
    let dir = folder_with_incident(None);
    // Due at t(15): calm minutes until two minutes before.
    let harness = app_at(dir.path(), t(13) - Duration::seconds(30));
    harness.get_by_label("Next update in 2 min");
    let harness = app_at(dir.path(), t(14) - Duration::seconds(5));
    harness.get_by_label("Next update in 01:05");
    let harness = app_at(dir.path(), t(16) + Duration::seconds(20));
    harness.get_by_label("Update overdue 01:20");
    let harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");

    // And the window sleeps until the text changes.
    let due = t(15);
    let secs = |d: std::time::Duration| d.as_secs();
    // 12 min 30 s left shows "12 min" (to the nearest minute, a half
    // down) until 11 min 30 s are left, a minute on.
    assert_eq!(
        secs(countdown_changes_in(due, due - Duration::seconds(750))),
        60
    );
    assert_eq!(
        secs(countdown_changes_in(due, due - Duration::seconds(130))),
        10
    );
    assert_eq!(
        secs(countdown_changes_in(due, due - Duration::seconds(90))),
        1
    );
    assert_eq!(
        secs(countdown_changes_in(due, due + Duration::seconds(60))),
        1
    );
    assert_eq!(
        secs(countdown_changes_in(due, due + Duration::seconds(200))),
        40
    );
}

#[test]
fn the_post_update_dialog_copies_the_update_written_for_the_channel() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Post update…");
    let label = "Conditions — what you see";
    type_into(&mut harness, label, "Errors down to 2 a minute");
    retype(&mut harness, "Next update in", "20m");
    let text = click_and_copy(&mut harness, "Copy for #expedite");
    assert_eq!(
        text,
        "Expedite update: Checkout returns 500 (2026-11-26-sam-1)\n\
         Conditions: Errors down to 2 a minute\n\
         Actions: Sam is investigating\n\
         Needs: a developer, a reviewer, a tester, a product owner to join the team\n\
         Next update at 02:25 UTC.\n"
    );
    harness.get_by_label("Copied — paste it into #expedite, then press Post update.");
    // Copying posts nothing: the dialog and the text are still there.
    assert_eq!(field_value(&harness, label), "Errors down to 2 a minute");
    assert!(!incident_file(dir.path()).contains("Update posted"));

    // Actions and Needs start from the record and say what is typed there.
    assert_eq!(
        field_value(&harness, "Actions — what you are doing"),
        "Sam is investigating"
    );
    retype(
        &mut harness,
        "Needs — what you need",
        "a reviewer on standby",
    );
    let text = click_and_copy(&mut harness, "Copy for #expedite");
    assert!(text.contains("Needs: a reviewer on standby\n"), "{text}");
    assert!(!text.contains("join the team"), "{text}");

    // While "Next update in" does not read, nothing with a stale time is copied.
    retype(&mut harness, "Next update in", "soonish");
    assert!(
        harness
            .query_by_role_and_label(egui::accesskit::Role::Button, "Copy for #expedite")
            .is_none()
    );
    harness.get_by_label_contains("fix it to copy the update");

    // What is posted is what the fields say, part by part.
    retype(&mut harness, "Next update in", "20m");
    click(&mut harness, "Post update");
    let file = incident_file(dir.path());
    assert!(
        file.contains(r"Conditions: Errors down to 2 a minute\nActions: Sam is investigating\nNeeds: a reviewer on standby"),
        "{file}"
    );
}

#[test]
fn switching_between_open_incidents_from_the_list() {
    let dir = folder_with_incident(None);
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let second = Command::Declare {
        title: "Search is slow".into(),
        evidence: NewEvidence {
            kind: EvidenceKind::CallCentre { count: 3 },
            text: "customers can't find hotels".into(),
            link: None,
        },
        owner: None,
    };
    store.execute(&mut state, second, "Sam", t(1)).unwrap();
    let mut harness = app_at(dir.path(), t(2));
    harness.get_by_label("Search is slow");
    click(&mut harness, "Incidents");
    harness
        .get_by_label_contains("Checkout returns 500 — Sam")
        .click();
    settle(&mut harness);
    harness.get_by_label("Checkout returns 500");
}

#[test]
fn every_view_opens_at_800_by_600_with_named_controls() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(|| t(4))));
    settle(&mut harness);
    // The accessibility check fails the run if any control has no name.
    for view in [
        "Brief",
        "Defined",
        "Owned",
        "Classified",
        "Team formed",
        "Communicating",
        "Fix",
        "Deployment",
        "Conclusion",
        "Timeline",
        "Incidents",
        "Contacts",
        "Channels",
    ] {
        click(&mut harness, view);
        // The header and its countdown stay in sight on every view.
        harness.get_by_label("Next update in 11 min");
    }
}

#[test]
fn a_very_long_title_is_refused_and_one_already_on_disk_keeps_every_dialog_in_reach() {
    // Declaring: over the limit, the counter says so and the declaration is refused.
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(4));
    click(&mut harness, "Declare incident…");
    type_into(&mut harness, "How many", "3");
    type_into(&mut harness, "What you see", "errors");
    type_into(
        &mut harness,
        "What is broken",
        &"Checkout fails ".repeat(11),
    );
    harness.get_by_label("164 of 150 characters — shorten it; the detail goes in the evidence");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label_contains("The title is 164 characters; keep it to 150");
    drop(harness);

    // A 5,000-character title written by hand: the window at 800×600 still
    // has every dialog's field and buttons inside it.
    let path = dir.path().join("incidents/2026-11-26-sam-1.ron");
    let file = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        file.replace("Checkout returns 500", &"Checkout fails ".repeat(333)),
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(|| t(4))));
    settle(&mut harness);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0));
    click(&mut harness, "Post update…");
    let in_reach = |harness: &Harness<'_, ExpediteApp>, role, label: &str| {
        let rect = harness.get_by_role_and_label(role, label).rect();
        assert!(
            window.contains_rect(rect),
            "{label} at {rect:?} is out of reach"
        );
    };
    in_reach(
        &harness,
        Role::MultilineTextInput,
        "Conditions — what you see",
    );
    in_reach(&harness, Role::Button, "Post update");
    in_reach(&harness, Role::Button, "Cancel");
    click(&mut harness, "Cancel");
    click(&mut harness, "Hand over…");
    in_reach(&harness, Role::TextInput, "Hand over to");
    in_reach(&harness, Role::MultilineTextInput, "Hand-over note");
    in_reach(&harness, Role::Button, "Hand over");
}

#[test]
fn the_window_shows_the_open_incident_before_reading_the_roster_and_history() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let old = Command::Declare {
        title: "Search was slow".into(),
        evidence: NewEvidence {
            kind: EvidenceKind::Other,
            text: "timeouts".into(),
            link: None,
        },
        owner: None,
    };
    store.execute(&mut state, old, "Sam", t(0)).unwrap();
    let id = state.incidents.keys().last().unwrap().clone();
    store
        .execute(&mut state, Command::Resolve { incident: id }, "Sam", t(1))
        .unwrap();

    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| ExpediteApp::starting(store, Box::new(|| t(2))));
    harness.step();
    harness.get_by_label("Checkout returns 500");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    wait_for(&mut harness, "4 of 4");
    // Not `click`: the spinner repaints until the history is in.
    harness
        .get_by_role_and_label(Role::Button, "Incidents")
        .click();
    wait_for(&mut harness, "Search was slow — resolved");
}

#[test]
fn a_colleagues_note_of_megabytes_shows_its_start_and_how_much_more() {
    let dir = folder_with_incident(Some("Sam"));
    // A note pasted whole on another desk: five megabytes of log.
    let file = dir.path().join("incidents/2026-11-26-sam-1.ron");
    let text = std::fs::read_to_string(&file).unwrap();
    let log = "GET /checkout 500 ".repeat(300_000);
    let entry =
        format!("timeline: [(at: \"2026-11-26T09:01:00Z\", by: \"Dana\", what: \"Note: {log}\"), ");
    let text = text.replacen("timeline: [", &entry, 1);
    std::fs::write(&file, text).unwrap();
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Timeline");
    let shown = harness.get_by_label_contains("more characters, kept in the file");
    let words = shown.value().unwrap_or_default();
    assert!(
        words.starts_with("Note: GET /checkout 500"),
        "{}",
        &words[..80]
    );
    assert!(
        words.len() < 10_000,
        "the row lays out {} characters",
        words.len()
    );
}
