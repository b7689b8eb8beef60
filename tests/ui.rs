//! The window, driven as a person would: by visible labels.

use chrono::{DateTime, Duration, TimeZone, Utc};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn app_at(dir: &std::path::Path, now: DateTime<Utc>) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(move || now)));
    settle(&mut harness);
    harness
}

/// Runs frames until the window is idle: everything it was saving or
/// reading has come back from the disk and been shown.
fn settle(harness: &mut Harness<'_, ExpediteApp>) {
    for _ in 0..1000 {
        // Frame by frame while the disk works (its answer may come at any
        // frame), then until the window has nothing more to draw.
        harness.step();
        if harness.state().is_busy() {
            std::thread::sleep(std::time::Duration::from_millis(2));
            continue;
        }
        harness.run();
        if !harness.state().is_busy() {
            return;
        }
    }
    panic!("the window was still saving after 2 s");
}

/// Clicks the button (or rail entry) with this visible label.
fn click(harness: &mut Harness<'_, ExpediteApp>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    settle(harness);
}

/// Types into the text field with this label, as a person would: click, then type.
fn type_into(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    let role = if harness
        .query_by_role_and_label(Role::TextInput, label)
        .is_some()
    {
        Role::TextInput
    } else {
        Role::MultilineTextInput
    };
    harness.get_by_role_and_label(role, label).click();
    settle(harness);
    harness.get_by_role_and_label(role, label).type_text(text);
    settle(harness);
}

/// Replaces what the field with this label holds: click, select all, type.
fn retype(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .click();
    settle(harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    settle(harness);
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    settle(harness);
}

/// Steps the window (without waiting for it to settle) until a label
/// containing `text` shows, for up to five seconds.
fn wait_for(harness: &mut Harness<'_, ExpediteApp>, text: &str) {
    for _ in 0..250 {
        harness.step();
        if harness.query_by_label_contains(text).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{text:?} did not show within 5 s");
}

/// The window on `dir` at `now`, watching the folder for outside changes.
fn app_watching(dir: &std::path::Path, now: DateTime<Utc>) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let watcher = expedite::store::watch::Watcher::start(dir, || {}).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(move || now)).with_watcher(watcher)
        });
    settle(&mut harness);
    harness
}

/// What the text field with this label holds.
fn field_value(harness: &Harness<'_, ExpediteApp>, label: &str) -> String {
    harness
        .query_by_role_and_label(Role::TextInput, label)
        .or_else(|| harness.query_by_role_and_label(Role::MultilineTextInput, label))
        .unwrap_or_else(|| panic!("no field labelled {label:?}"))
        .value()
        .unwrap_or_default()
}

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
    let settings = std::fs::read_to_string(dir.path().join("settings.ron")).unwrap();
    assert!(settings.contains("me: \"Sam Patel\""), "{settings}");
    // The next start does not ask again.
    let harness = app_at(dir.path(), t(1));
    assert!(harness.query_by_label("Welcome to Expedite").is_none());
}

#[test]
fn an_open_incident_shows_its_owner_stage_next_step_and_countdown() {
    let dir = folder_with_incident(Some("Jo"));

    let harness = app_at(dir.path(), t(3));
    harness.get_by_label("Checkout returns 500");
    harness.get_by_label("Jo");
    harness.get_by_label("Declared 3 min ago");
    // The header names the stage, the rail lists it, and the form is open on it.
    assert!(harness.query_all_by_label("Classified").count() >= 2);
    harness.get_by_label_contains("Decide whether to expedite");
    harness.get_by_label("Next update in 12 min");

    let harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
}

/// A data folder with "me" set and one incident declared at t(0) by Sam,
/// owned by `owner` (Sam when `None`).
fn folder_with_incident(owner: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    store
        .execute(
            &mut state,
            Command::SetMe { name: "Sam".into() },
            "Sam",
            t(0),
        )
        .unwrap();
    let evidence = NewEvidence {
        kind: EvidenceKind::ErrorScreen,
        text: "booking errors".into(),
        link: None,
    };
    let declare = Command::Declare {
        title: "Checkout returns 500".into(),
        evidence,
        owner: owner.map(Into::into),
    };
    store.execute(&mut state, declare, "Sam", t(0)).unwrap();
    dir
}

fn incident_file(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("incidents/2026-11-26-1.ron")).unwrap()
}

#[test]
fn posting_an_update_resets_the_countdown() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
    click(&mut harness, "Post update…");
    let label = "What you see, what you're doing, what you need";
    type_into(&mut harness, label, "Rolled back; errors falling");
    click(&mut harness, "Post update");
    // The default "next update in" is the unclassified cadence: 15 minutes.
    harness.get_by_label("Next update in 15 min");
    assert!(harness.query_by_label(label).is_none(), "the dialog closed");
    assert!(
        incident_file(dir.path())
            .contains("Update posted in #expedite: Rolled back; errors falling")
    );
    // The timeline shows it, newest first.
    click(&mut harness, "Timeline");
    harness.get_by_label_contains("Update posted in #expedite: Rolled back; errors falling");
}

#[test]
fn a_half_written_update_survives_closing_the_dialog_and_a_refusal_keeps_it() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(1));
    let field = egui::accesskit::Role::MultilineTextInput;
    let label = "What you see, what you're doing, what you need";
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
}

struct Broken;

impl expedite::reminder::Notifier for Broken {
    fn show(
        &self,
        _: &expedite::reminder::Reminder,
        _: std::sync::mpsc::Sender<expedite::reminder::ReminderEvent>,
    ) -> Result<(), String> {
        Err("no notification server is running on this desktop".into())
    }
}

#[test]
fn when_notifications_fail_the_window_says_so() {
    let dir = folder_with_incident(None);
    let store = Store::open(dir.path()).unwrap();
    let reminders = expedite::reminder::Reminders::start(
        std::sync::Arc::new(Broken),
        Box::new(|| t(30)),
        || {},
    );
    let mut harness = Harness::new_eframe(move |_cc| {
        ExpediteApp::new(store, Box::new(|| t(30))).with_reminders(reminders)
    });
    wait_for(
        &mut harness,
        "Desktop notifications are not working: no notification server is running on this desktop",
    );
}

#[test]
fn the_window_title_carries_the_nearest_update() {
    use expedite::ui::window_title;
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

/// A roster of four, as a person might write it by hand.
/// The Contacts view at `now`, over an incident's folder that `setup` gives
/// a roster (or a rota); the folder lives as long as what is returned.
fn contacts_at(
    setup: fn(&std::path::Path),
    now: DateTime<Utc>,
) -> (tempfile::TempDir, Harness<'static, ExpediteApp>) {
    let dir = folder_with_incident(None);
    setup(dir.path());
    let mut harness = app_at(dir.path(), now);
    click(&mut harness, "Contacts");
    (dir, harness)
}

fn with_roster(dir: &std::path::Path) {
    std::fs::write(
        dir.join("roster.ron"),
        r#"(contacts: [
            (name: "Alex Kim", roles: [Developer, WebContact], team: "Checkout",
             phones: [(label: "mobile", number: "+44 7700 900123")]),
            (name: "Priya Shah", roles: [Developer, Reviewer], team: "Payments"),
            (name: "Tom Berg", roles: [Tester], team: "QA"),
            (name: "Rosa Lind", roles: [ProductOwner], team: "Checkout", notes: "Checkout PO"),
        ])"#,
    )
    .unwrap();
}

#[test]
fn declaring_from_the_empty_state_asks_for_the_metric_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.ron"), "(me: \"Sam\")").unwrap();
    let mut harness = app_at(dir.path(), t(0));
    harness.get_by_label("No incident open");
    click(&mut harness, "Declare incident");
    harness.get_by_label("First, the metric that confirms it.");
    type_into(&mut harness, "How many", "forty");
    type_into(&mut harness, "What you see", "PaymentDeclined on checkout");
    type_into(&mut harness, "What is broken", "Card payments fail");
    click(&mut harness, "Declare");
    // A count that is not a number is refused, and nothing typed is lost.
    harness.get_by_label_contains("'forty' is not a whole number");
    assert_eq!(
        field_value(&harness, "What is broken"),
        "Card payments fail"
    );
    assert!(!dir.path().join("incidents/2026-11-26-1.ron").exists());

    retype(&mut harness, "How many", "40");
    click(&mut harness, "Declare");
    // The person declaring owns it, and the cockpit shows it.
    harness.get_by_label("Card payments fail");
    harness.get_by_label("Sam");
    harness.get_by_label("Next update in 15 min");
    let file = incident_file(dir.path());
    assert!(file.contains("ErrorTracker"), "{file}");
    assert!(file.contains("count: 40"), "{file}");
}

#[test]
fn ctrl_n_opens_the_declare_dialog_and_escape_closes_it_keeping_the_text() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(1));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    settle(&mut harness);
    // The metric comes first, and its field is ready to type into.
    harness.event(egui::Event::Text("12".into()));
    settle(&mut harness);
    assert_eq!(field_value(&harness, "How many"), "12");
    type_into(&mut harness, "What is broken", "Search is slow");
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    assert!(
        harness
            .query_by_label("First, the metric that confirms it.")
            .is_none()
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    settle(&mut harness);
    assert_eq!(field_value(&harness, "What is broken"), "Search is slow");
}

#[test]
fn taking_ownership_and_handing_over_with_a_note() {
    let dir = folder_with_incident(Some("Jo"));
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Owned");
    click(&mut harness, "Take ownership");
    // The header and the owner view both say so.
    assert_eq!(harness.query_all_by_label("Sam").count(), 2);
    assert!(harness.query_by_label("Jo").is_none());
    assert!(incident_file(dir.path()).contains("to: \"Sam\""));

    click(&mut harness, "Hand over…");
    type_into(&mut harness, "Hand over to", "Ale");
    // The roster suggests the name.
    click(&mut harness, "Alex Kim");
    assert_eq!(field_value(&harness, "Hand over to"), "Alex Kim");
    click(&mut harness, "Hand over");
    // No note, no hand-over: the next owner needs to know where things stand.
    harness.get_by_label_contains("The hand-over note is empty");
    type_into(
        &mut harness,
        "Hand-over note",
        "Rollback deployed; watching Bugsnag. Priya reviewing the fix.",
    );
    click(&mut harness, "Hand over");
    assert!(
        harness.query_by_label("Hand-over note").is_none(),
        "the dialog closed"
    );
    harness.get_by_label("Sam handed over to Alex Kim");
    click(&mut harness, "Timeline");
    harness.get_by_label_contains("Rollback deployed; watching Bugsnag");
}

#[test]
fn unsure_classification_needs_the_product_owner_asked() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Classified");
    harness
        .get_by_role_and_label(Role::RadioButton, "Unsure")
        .click();
    settle(&mut harness);
    click(&mut harness, "Record classification");
    harness.get_by_label_contains("name the product owner you asked");
    click(&mut harness, "Rosa Lind");
    type_into(
        &mut harness,
        "What did they say?",
        "Expedite: it blocks bookings",
    );
    harness
        .get_by_role_and_label(Role::CheckBox, "Revenue")
        .click();
    settle(&mut harness);
    type_into(&mut harness, "Revenue: how", "card bookings lost");
    click(&mut harness, "Record classification");
    harness.get_by_label("Advice from Rosa Lind: Expedite: it blocks bookings");
    harness.get_by_label("Revenue: card bookings lost");
    assert!(incident_file(dir.path()).contains("asked: \"Rosa Lind\""));
}

#[test]
fn the_team_is_picked_from_the_roster_or_marked_not_needed() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Team formed");
    // Only developers are suggested for the developer role.
    click(&mut harness, "Add Alex Kim");
    harness.get_by_label("Take Alex Kim off");
    click(&mut harness, "Add Tom Berg");
    click(&mut harness, "No product owner needed");
    harness.get_by_label("Not needed for this incident.");
    let file = incident_file(dir.path());
    assert!(file.contains("name: \"Alex Kim\""), "{file}");
    assert!(file.contains("role: Developer"), "{file}");
    assert!(file.contains("role: Tester"), "{file}");
    assert!(file.contains("not_needed"), "{file}");
}

#[test]
fn a_fix_that_breaks_process_needs_a_justification() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Fix");
    type_into(&mut harness, "What the fix is", "Revert PR #4821");
    harness
        .get_by_role_and_label(Role::CheckBox, "Broken for speed of fix")
        .click();
    settle(&mut harness);
    click(&mut harness, "Record fix");
    harness.get_by_label_contains("needs a justification");
    assert!(!incident_file(dir.path()).contains("Revert PR #4821"));
    type_into(
        &mut harness,
        "Why (speed of fix)",
        "Checkout down; review after",
    );
    click(&mut harness, "Record fix");
    harness.get_by_label("Broken for speed of fix");
    harness.get_by_label("Checkout down; review after");
    assert!(incident_file(dir.path()).contains("Revert PR #4821"));
}

#[test]
fn deployment_readings_are_recorded_and_plotted() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(30));
    click(&mut harness, "Deployment");
    type_into(&mut harness, "Rollback plan", "redeploy v2.31.4");
    click(&mut harness, "Record deployment");
    harness.get_by_label_contains("the usual way, so it can be rolled back");
    type_into(&mut harness, "Reading", "a few");
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("'a few' is not a number");
    retype(&mut harness, "Reading", "2");
    harness
        .get_by_role_and_label(Role::CheckBox, "Back to normal")
        .click();
    settle(&mut harness);
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("· 2 · normal");
    assert!(incident_file(dir.path()).contains("normal: true"));
}

#[test]
fn resolving_walks_the_conclusion() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(60));
    click(&mut harness, "Conclusion");
    type_into(
        &mut harness,
        "PRs, tickets and links, one per line",
        "https://github.com/hx/web/pull/4821",
    );
    click(&mut harness, "Mark summary sent");
    harness.get_by_label("https://github.com/hx/web/pull/4821");
    type_into(&mut harness, "Who reported it", "the call centre");
    click(&mut harness, "Mark origin told");
    harness.get_by_label_contains("the call centre told");
    type_into(&mut harness, "When", "yesterday");
    click(&mut harness, "Schedule postmortem");
    harness.get_by_label_contains("'yesterday' is not a time");
    retype(&mut harness, "When", "2026-11-30 10:00");
    click(&mut harness, "Schedule postmortem");
    harness.get_by_label_contains("run by Sam");
    click(&mut harness, "Resolve incident");
    harness.get_by_label("Resolved");
    assert!(harness.query_by_label_contains("Next update in").is_none());
    assert!(incident_file(dir.path()).contains("resolved_at"));

    // And back, with a reason.
    type_into(
        &mut harness,
        "Why reopen",
        "errors are back after the cache flush",
    );
    click(&mut harness, "Reopen incident");
    harness.get_by_label_contains("Next update in");
}

#[test]
fn a_store_error_is_shown_and_the_typed_note_stays() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Asked Priya to review");
    // Meanwhile the file is damaged on disk.
    std::fs::write(
        dir.path().join("incidents/2026-11-26-1.ron"),
        "(half a file",
    )
    .unwrap();
    click(&mut harness, "Add note");
    // The reason, and what to do about it, in plain sight.
    harness.get_by_label_contains("2026-11-26-1.ron can't be read (line 1, column 6");
    harness.get_by_label_contains("put back its last good copy (2026-11-26-1.ron.bak");
    assert_eq!(field_value(&harness, "Note"), "Asked Priya to review");
}

#[test]
fn a_slow_disk_never_holds_up_the_window() {
    let dir = folder_with_incident(None);
    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(|| t(2)))
                .with_slow_disk(std::time::Duration::from_millis(500))
        });
    settle(&mut harness);
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Asked Priya to review");
    harness
        .get_by_role_and_label(Role::Button, "Add note")
        .click();
    harness.step();
    harness.step();
    // Pressed again while it is being saved: once is what was meant.
    harness
        .get_by_role_and_label(Role::Button, "Add note")
        .click();
    harness.step();
    // Half a second to save: meanwhile the window draws, takes typing, and
    // keeps the note in its field until the disk says it is kept.
    assert!(harness.state().is_busy(), "still saving");
    harness
        .get_by_role_and_label(Role::TextInput, "Note")
        .click();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Note")
        .type_text(" and Tom to test");
    harness.step();
    assert!(harness.state().is_busy(), "still saving");
    assert_eq!(
        field_value(&harness, "Note"),
        "Asked Priya to review and Tom to test"
    );
    assert!(!incident_file(dir.path()).contains("Asked Priya"));

    settle(&mut harness);
    assert_eq!(
        incident_file(dir.path())
            .matches("Asked Priya to review")
            .count(),
        1,
        "{}",
        incident_file(dir.path())
    );
    // What was typed while it was being saved is not cleared with it.
    assert_eq!(
        field_value(&harness, "Note"),
        "Asked Priya to review and Tom to test"
    );
}

#[test]
fn edits_from_a_terminal_show_up_without_touching_what_is_typed() {
    let dir = folder_with_incident(None);
    let mut harness = app_watching(dir.path(), t(3));
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Half typed");

    // `expedite note` from a terminal, as another writer.
    let mut other = Store::open(dir.path()).unwrap();
    let (mut state, _) = other.load();
    let id = state.incidents.keys().next().unwrap().clone();
    let note = Command::AddNote {
        incident: id,
        text: "Noted from a terminal".into(),
    };
    other.execute(&mut state, note, "Jo", t(3)).unwrap();

    wait_for(&mut harness, "Noted from a terminal");
    assert_eq!(field_value(&harness, "Note"), "Half typed");
}

#[test]
fn ctrl_f_finds_a_contact_by_name_role_or_number() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    settle(&mut harness);
    harness.get_by_label_contains("4 of 4");
    harness
        .get_by_role_and_label(Role::TextInput, "Find contact")
        .type_text("tester");
    settle(&mut harness);
    harness.get_by_label_contains("1 of 4");
    harness.get_by_label("Tom Berg");
    assert!(harness.query_by_label("Alex Kim").is_none());
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
    ] {
        click(&mut harness, view);
        // The header and its countdown stay in sight on every view.
        harness.get_by_label("Next update in 11 min");
    }
}

#[test]
fn more_evidence_with_a_link_and_a_file_path_refused() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(4));
    click(&mut harness, "Defined");
    type_into(&mut harness, "How many", "12");
    type_into(
        &mut harness,
        "What you see",
        "call-centre callers can't pay",
    );
    type_into(&mut harness, "Link", "file:///etc/passwd");
    click(&mut harness, "Add evidence");
    harness.get_by_label_contains("is not a web link");
    assert_eq!(
        field_value(&harness, "What you see"),
        "call-centre callers can't pay"
    );
    retype(&mut harness, "Link", "https://app.bugsnag.com/hx/checkout");
    click(&mut harness, "Add evidence");
    harness.get_by_label("12 error-tracker events");
    harness.get_by_label("https://app.bugsnag.com/hx/checkout");
    assert_eq!(
        field_value(&harness, "What you see"),
        "",
        "the form is emptied"
    );
}

#[test]
fn an_untouched_form_shows_a_classification_made_elsewhere() {
    let dir = folder_with_incident(None);
    let mut harness = app_watching(dir.path(), t(3));
    click(&mut harness, "Classified");
    harness.get_by_role_and_label(Role::Button, "Record classification");

    let mut other = Store::open(dir.path()).unwrap();
    let (mut state, _) = other.load();
    let id = state.incidents.keys().next().unwrap().clone();
    let classify = Command::Classify {
        incident: id,
        decision: expedite::model::Decision::Expedite,
        advice: None,
        metrics: vec![],
        expected_lifespan: "hours".into(),
    };
    other.execute(&mut state, classify, "Jo", t(3)).unwrap();

    // The form's own heading "Expedite it?" contains the record's words, so
    // wait for the form to go rather than for the words to show.
    for _ in 0..250 {
        harness.step();
        if harness.query_by_label("Record classification").is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(harness.query_by_label("Record classification").is_none());
    harness.get_by_label("Expedite it");
}

#[test]
fn ctrl_u_opens_the_update_dialog_with_the_cadence_filled_in() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(4));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::U);
    settle(&mut harness);
    assert_eq!(field_value(&harness, "Next update in"), "15m");
    type_into(
        &mut harness,
        "What you see, what you're doing, what you need",
        "Errors falling",
    );
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
    type_into(
        &mut harness,
        "What you see, what you're doing, what you need",
        "Errors falling",
    );
    retype(&mut harness, "Next update in", "20 minutes");
    let text = click_and_copy(&mut harness, "Copy for #expedite");
    assert!(text.ends_with("Next update at 02:25 UTC.\n"), "{text}");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("Next update in 20 min");
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
    assert_eq!(
        secs(countdown_changes_in(due, due - Duration::seconds(750))),
        31
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
fn a_damaged_drafts_file_is_set_aside_and_said_so() {
    let dir = folder_with_incident(None);
    std::fs::write(dir.path().join("drafts.ron"), "(declare: (title: ").unwrap();
    let mut harness = app_at(dir.path(), t(2));
    harness.get_by_label_contains("drafts.ron");
    harness.get_by_label("Checkout returns 500");
    // What is typed now is kept again.
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "after the damage");
    drop(harness);
    let mut harness = app_at(dir.path(), t(3));
    click(&mut harness, "Timeline");
    assert_eq!(field_value(&harness, "Note"), "after the damage");
}

/// The roster above with office hours in London and a developer rotation:
/// Priya this week, Alex from Monday 30 November 09:00.
fn with_rota(dir: &std::path::Path) {
    with_roster(dir);
    let roster = std::fs::read_to_string(dir.join("roster.ron")).unwrap();
    let contacts = roster.trim_end().strip_suffix(')').unwrap();
    let roster = format!(
        r#"{contacts},
        office_hours: Some((time_zone: "Europe/London", days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
            start: "09:00:00", end: "17:30:00")),
        rota: (rotations: [(name: "Developers", role: Developer, people: ["Priya Shah", "Alex Kim"],
            hand_off_day: "Mon", hand_off_time: "09:00:00", time_zone: "Europe/London",
            starts: "2026-11-23")]),
    )"#
    );
    std::fs::write(dir.join("roster.ron"), roster).unwrap();
}

#[test]
fn the_roster_says_out_of_hours_and_who_covers_now() {
    // Thursday 26 November 2026, 02:00 in London.
    let (_dir, mut harness) = contacts_at(with_rota, t(0));
    settle(&mut harness);
    harness.get_by_label_contains(
        "Out of hours — cover below (Thu 02:00 Europe/London · office opens 09:00)",
    );
    harness.get_by_label_contains("Next: Alex Kim from Mon 09:00");
    harness.get_by_label_contains("No rota · Tom Berg");
    // The cover's name opens the card; the card copies the number.
    // The first "Priya Shah" is the cover's; the second the search list's.
    harness
        .get_all_by_role_and_label(Role::Link, "Priya Shah")
        .next()
        .unwrap()
        .click();
    settle(&mut harness);
    harness.get_by_label("On call now as developer");
    click(&mut harness, "Back to contacts");
    type_into(&mut harness, "Find contact", "alx");
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("+44 7700 900123");
    click(&mut harness, "Copy");
    harness.get_by_role_and_label(Role::Button, "Copied");
}

#[test]
fn a_search_shows_a_colleagues_rename_without_retyping() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_watching(dir.path(), t(3));
    click(&mut harness, "Contacts");
    type_into(&mut harness, "Find contact", "berg");
    let shown = |harness: &Harness<'_, ExpediteApp>, name: &str| {
        harness.query_all_by_label(name).next().is_some()
    };
    assert!(shown(&harness, "Tom Berg"));

    // Elsewhere, Tom becomes Tomas: the roster keeps its length, only a name changes.
    let mut other = Store::open(dir.path()).unwrap();
    let (mut state, _) = other.load();
    let mut tom = state.roster.find("Tom Berg").unwrap().clone();
    tom.name = "Tomas Berg".into();
    let rename = expedite::command::RosterChange::SaveContact {
        replacing: Some("Tom Berg".into()),
        contact: tom,
    };
    other
        .execute(&mut state, Command::Roster(Box::new(rename)), "Jo", t(3))
        .unwrap();
    for _ in 0..250 {
        harness.step();
        if shown(&harness, "Tomas Berg") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        shown(&harness, "Tomas Berg"),
        "the search shows the new name"
    );
    assert!(!shown(&harness, "Tom Berg"), "and not the old one");
    assert_eq!(field_value(&harness, "Find contact"), "berg");
}

#[test]
fn in_office_hours_the_banner_says_so() {
    // 10:00 in London on a Thursday.
    let (_dir, harness) = contacts_at(with_rota, t(8 * 60));
    harness.get_by_label_contains("In office hours (Thu 10:00 Europe/London)");
}

#[test]
fn adding_a_contact_refuses_a_number_with_letters_and_keeps_the_text() {
    let (dir, mut harness) = contacts_at(with_roster, t(0));
    click(&mut harness, "Add contact…");
    type_into(&mut harness, "Name", "Dana Ortiz");
    harness
        .get_by_role_and_label(Role::CheckBox, "Reviewer")
        .click();
    settle(&mut harness);
    let number = harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap();
    number.click();
    settle(&mut harness);
    harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap()
        .type_text("07700 9OO 777");
    settle(&mut harness);
    click(&mut harness, "Save contact");
    harness.get_by_label_contains("has letters or symbols in it");
    assert_eq!(field_value(&harness, "Name"), "Dana Ortiz");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana")
    );

    let field = harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap();
    field.click();
    settle(&mut harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap()
        .type_text("07700 900 777");
    settle(&mut harness);
    click(&mut harness, "Save contact");
    // Saved: the card shows, and the file has her.
    harness.get_by_label("Reviewer");
    harness.get_by_role_and_label(Role::Link, "07700 900 777");
    assert!(
        std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana Ortiz")
    );

    // Removing asks once more.
    click(&mut harness, "Remove…");
    click(&mut harness, "Remove Dana Ortiz from the roster");
    harness.get_by_label_contains("of 4");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana")
    );
}

#[test]
fn importing_a_spreadsheet_shows_what_will_change_first() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let csv = dir.path().join("more.csv");
    std::fs::write(
        &csv,
        "Name,Role,Mobile\nLee Park,Tester,+44 7700 900555\nTom Berg,Tester,+44 7700 900666\n",
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    type_into(&mut harness, "File", csv.to_str().unwrap());
    click(&mut harness, "Preview import");
    harness.get_by_label("Add 1 contact: Lee Park");
    harness.get_by_label("Update 1 contact: Tom Berg (numbers)");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Lee Park")
    );
    click(&mut harness, "Import");
    click(&mut harness, "Back to contacts");
    harness.get_by_label_contains("5 of 5");
    assert!(
        std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Lee Park")
    );
}

#[test]
fn the_team_stage_offers_who_is_on_call() {
    let dir = folder_with_incident(Some("Sam"));
    with_rota(dir.path());
    let mut harness = app_at(dir.path(), t(0));
    harness
        .get_by_role_and_label(Role::Button, "Team formed")
        .click();
    settle(&mut harness);
    click(&mut harness, "Add Priya Shah (on call)");
    assert!(incident_file(dir.path()).contains("Priya Shah"));
}

#[test]
fn office_hours_that_end_before_they_start_are_refused_then_set() {
    let (_dir, mut harness) = contacts_at(with_roster, t(0));
    harness.get_by_label_contains("Office hours are not set");
    click(&mut harness, "Office hours…");
    retype(&mut harness, "Starts at", "18:00");
    retype(&mut harness, "Ends at", "09:00");
    click(&mut harness, "Save office hours");
    harness.get_by_label_contains("ends (09:00) before it starts (18:00)");
    assert_eq!(field_value(&harness, "Starts at"), "18:00");
    retype(&mut harness, "Starts at", "09:00");
    retype(&mut harness, "Ends at", "18:00");
    retype(&mut harness, "Time zone", "Asia/Tokyo");
    click(&mut harness, "Save office hours");
    click(&mut harness, "Back to contacts");
    // 02:00 UTC is 11:00 in Tokyo, on a Thursday.
    harness.get_by_label_contains("In office hours (Thu 11:00 Asia/Tokyo)");
}

#[test]
fn cover_for_someone_shows_in_who_covers_now() {
    let (_dir, mut harness) = contacts_at(with_rota, t(0));
    click(&mut harness, "Cover for someone…");
    type_into(&mut harness, "Who covers", "Tom Berg");
    type_into(&mut harness, "Covers for", "Priya Shah");
    retype(&mut harness, "From", "2026-11-26 01:00");
    retype(&mut harness, "Until", "2026-11-26 00:00");
    click(&mut harness, "Add cover");
    harness.get_by_label_contains("ends (2026-11-26 00:00) before it starts (2026-11-26 01:00)");
    assert_eq!(field_value(&harness, "Who covers"), "Tom Berg");
    retype(&mut harness, "Until", "2026-11-26 09:00");
    click(&mut harness, "Add cover");
    harness.get_by_label_contains("Tom Berg covers for Priya Shah (developer)");
    // Once saved the form is empty for the next one.
    assert_eq!(field_value(&harness, "Who covers"), "");
    click(&mut harness, "Back to contacts");
    harness
        .get_all_by_role_and_label(Role::Link, "Tom Berg")
        .next()
        .unwrap();
    harness.get_by_label_contains("Next: Priya Shah from 09:00");
}

#[test]
fn a_half_typed_contact_survives_a_restart() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    {
        let mut harness = app_at(dir.path(), t(0));
        click(&mut harness, "Contacts");
        click(&mut harness, "Add contact…");
        type_into(&mut harness, "Name", "Dana Ortiz");
        type_into(&mut harness, "Notes", "Only after 7 a.m.");
        // The window closes within the second, before the throttled save.
        use eframe::App as _;
        harness.state_mut().on_exit(None);
    }
    let mut harness = app_at(dir.path(), t(1));
    click(&mut harness, "Contacts");
    click(&mut harness, "Add contact…");
    assert_eq!(field_value(&harness, "Name"), "Dana Ortiz");
    assert_eq!(field_value(&harness, "Notes"), "Only after 7 a.m.");
}

#[test]
fn a_crowded_role_lists_a_few_then_all_on_request() {
    let dir = folder_with_incident(None);
    let shifts: Vec<String> = (1..=6)
        .map(|n| {
            format!(
                r#"(who: "Tester {n}", role: Tester, start: "2026-11-26T00:00:00Z", end: "2026-11-26T12:00:00Z")"#
            )
        })
        .collect();
    std::fs::write(
        dir.path().join("roster.ron"),
        format!("(rota: (shifts: [{}]))", shifts.join(", ")),
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    click(&mut harness, "Contacts");
    harness.get_by_label("Tester 4");
    assert!(harness.query_by_label("Tester 5").is_none());
    harness
        .get_by_role_and_label(Role::Link, "and 2 more on call")
        .click();
    settle(&mut harness);
    harness.get_by_label("Tester 6");
    harness
        .get_all_by_label("(not on the roster)")
        .nth(5)
        .unwrap();
}

/// A save dialog that answers at once: with a path, or (like rfd with no
/// portal and no zenity) with nothing.
struct SaveAnswer(Option<std::path::PathBuf>);

impl expedite::ui::exports::SaveDialog for SaveAnswer {
    fn ask(
        &self,
        _ctx: &egui::Context,
        _request: expedite::ui::exports::SaveRequest,
    ) -> std::sync::mpsc::Receiver<Option<std::path::PathBuf>> {
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(self.0.clone()).unwrap();
        rx
    }
}

/// The window at the conclusion of an incident owned by Sam, whose team
/// and the call centre have emails on the roster.
fn at_conclusion(
    dir: &std::path::Path,
    answer: Option<std::path::PathBuf>,
) -> Harness<'static, ExpediteApp> {
    std::fs::write(
        dir.join("roster.ron"),
        r#"(contacts: [
            (name: "Sam", roles: [WebContact], email: Some("sam@shop.test")),
            (name: "the call centre", email: Some("calls@shop.test")),
        ])"#,
    )
    .unwrap();
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(|| t(30)))
                .with_save_dialog(std::sync::Arc::new(SaveAnswer(answer)))
        });
    settle(&mut harness);
    click(&mut harness, "Conclusion");
    harness
}

/// Clicks the button and returns what it asked of the desktop, as `pick` reads it.
fn click_for(
    harness: &mut Harness<'_, ExpediteApp>,
    label: &str,
    pick: impl Fn(&egui::OutputCommand) -> Option<String>,
) -> String {
    harness.get_by_role_and_label(Role::Button, label).click();
    for _ in 0..3 {
        harness.step();
        let found = harness
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(&pick);
        if let Some(found) = found {
            settle(harness);
            return found;
        }
    }
    panic!("{label} asked nothing of the desktop");
}

/// Clicks the button and returns what it put on the clipboard.
fn click_and_copy(harness: &mut Harness<'_, ExpediteApp>, label: &str) -> String {
    click_for(harness, label, |c| match c {
        egui::OutputCommand::CopyText(text) => Some(text.clone()),
        _ => None,
    })
}

/// Clicks the button and returns the link it opened.
fn click_and_open(harness: &mut Harness<'_, ExpediteApp>, label: &str) -> String {
    click_for(harness, label, |c| match c {
        egui::OutputCommand::OpenUrl(open) => Some(open.url.clone()),
        _ => None,
    })
}

#[test]
fn the_post_update_dialog_copies_the_update_written_for_the_channel() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Post update…");
    let label = "What you see, what you're doing, what you need";
    type_into(&mut harness, label, "Errors down to 2 a minute");
    retype(&mut harness, "Next update in", "20m");
    let text = click_and_copy(&mut harness, "Copy for #expedite");
    assert_eq!(
        text,
        "Expedite update: Checkout returns 500 (2026-11-26-1)\n\
         Conditions: Errors down to 2 a minute\n\
         Actions: Sam is investigating\n\
         Needs: a developer, a reviewer, a tester, a product owner to join the team\n\
         Next update at 02:25 UTC.\n"
    );
    harness.get_by_label("Copied — paste it into #expedite, then press Post update.");
    // Copying posts nothing: the dialog and the text are still there.
    assert_eq!(field_value(&harness, label), "Errors down to 2 a minute");
    assert!(!incident_file(dir.path()).contains("Update posted"));
}

#[test]
fn the_summary_and_the_note_are_copied_and_opened_in_the_mail_app() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    type_into(
        &mut harness,
        "PRs, tickets and links, one per line",
        "https://git.shop.test/pull/7",
    );
    let summary = click_and_copy(&mut harness, "Copy summary");
    assert!(
        summary.starts_with("Subject: Incident summary: Checkout returns 500 (2026-11-26-1)\n")
    );
    assert!(
        summary.contains("- https://git.shop.test/pull/7\n"),
        "typed links are in it"
    );
    harness.get_by_label("Summary copied — paste it where it goes.");

    // Short enough for a mail link: the mail app opens with it filled in.
    let opened = click_and_open(&mut harness, "Open summary in mail app");
    assert!(
        opened.starts_with("mailto:?subject=Incident%20summary%3A%20Checkout"),
        "{opened}"
    );
    assert!(
        opened.contains("https%3A%2F%2Fgit.shop.test%2Fpull%2F7"),
        "{opened}"
    );

    // With ten long links it is too long for one: it is copied, and the person told.
    let many: Vec<String> = (1..=10)
        .map(|n| format!("https://logs.shop.test/search?query=checkout%20500&from=now-6h&to=now&panel={n}&refresh=off&columns=time,level,message"))
        .collect();
    let more = format!("\n{}", many.join("\n"));
    type_into(&mut harness, "PRs, tickets and links, one per line", &more);
    let long = click_and_copy(&mut harness, "Open summary in mail app");
    assert!(long.contains("panel=10"));
    harness.get_by_label_contains("too long for a mail link");

    // The note to the call centre fits: the mail app opens with it filled in.
    type_into(&mut harness, "Who reported it", "the call centre");
    let opened = click_and_open(&mut harness, "Open note in mail app");
    assert!(
        opened.starts_with("mailto:calls@shop.test?subject=We%20are%20working%20on%20it%3A%20Checkout%20returns%20500&body=Hello%2C"),
        "{opened}"
    );
}

#[test]
fn with_no_save_dialog_the_postmortem_is_saved_to_a_typed_path() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let mut harness = at_conclusion(dir.path(), None);
    click(&mut harness, "Save postmortem draft…");
    harness.get_by_label_contains("No save dialog can be shown on this desktop");
    // A folder is not a file: said, and the dialog stays with the path.
    let folder = out.path().display().to_string();
    retype(&mut harness, "Save to", &folder);
    click(&mut harness, "Save");
    harness.get_by_label_contains("is a folder: add a file name");
    let path = out.path().join("pm.md");
    retype(&mut harness, "Save to", &path.display().to_string());
    click(&mut harness, "Save");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(
        md.starts_with("# Postmortem: Checkout returns 500\n"),
        "{md}"
    );
    assert!(md.contains("| Time (UTC) | Time (UTC) | Event | Who |"));

    // The invite, saved next, links the draft where it now is.
    click(&mut harness, "Save invite…");
    let ics = out.path().join("pm.ics");
    retype(&mut harness, "Save to", &ics.display().to_string());
    click(&mut harness, "Save");
    harness.get_by_label_contains("nobody else is invited");
    let ics = std::fs::read_to_string(&ics).unwrap();
    assert!(ics.contains("METHOD:REQUEST"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!("Draft: {}", path.display())),
        "{unfolded}"
    );

    // A file that is there already is only replaced when asked twice.
    std::fs::write(&path, "kept").unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions();
    click(&mut harness, "Save postmortem draft…");
    retype(&mut harness, "Save to", &path.display().to_string());
    click(&mut harness, "Save");
    harness.get_by_label_contains("already exists. Press Save again to replace it");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
    click(&mut harness, "Save");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# Postmortem")
    );
    // An ordinary document: its permissions kept, no backup left beside it.
    assert_eq!(std::fs::metadata(&path).unwrap().permissions(), mode);
    assert!(!out.path().join("pm.md.bak").exists());

    // A place that can't be written: the dialog comes back with why and
    // the path as typed.
    click(&mut harness, "Save postmortem draft…");
    let nowhere = format!("{}/no/such/folder/pm.md", out.path().display());
    retype(&mut harness, "Save to", &nowhere);
    click(&mut harness, "Save");
    harness.get_by_label_contains("Could not save to");
    assert_eq!(field_value(&harness, "Save to"), nowhere);
    click(&mut harness, "Cancel");

    // Cancel keeps nothing half-done.
    click(&mut harness, "Save timeline as CSV…");
    click(&mut harness, "Cancel");
    harness.get_by_label("Not saved.");
}

#[test]
fn the_save_dialogs_answer_is_where_the_file_goes() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("timeline.csv");
    let mut harness = at_conclusion(dir.path(), Some(path.clone()));
    click(&mut harness, "Save timeline as CSV…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("Time (UTC),Time (team zone),Event,Who\r\n"));
    assert!(
        csv.contains("Declared: Checkout returns 500,Sam\r\n"),
        "{csv}"
    );

    // The timeline view offers the same, and says where it went.
    std::fs::remove_file(&path).unwrap();
    click(&mut harness, "Timeline");
    click(&mut harness, "Save timeline as CSV…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    assert!(path.exists());

    // A place that can't be written says so and writes nothing.
    let mut harness = at_conclusion(dir.path(), Some(out.path().join("no/such/folder/x.eml")));
    click(&mut harness, "Save summary as .eml…");
    harness.get_by_label_contains("Could not save to");
    assert!(!out.path().join("no").exists());
}

#[test]
fn the_roster_is_saved_for_other_tools_where_the_dialog_says() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("team.vcf");
    let mut harness = at_conclusion(dir.path(), Some(path.clone()));
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    click(&mut harness, "Save contacts as vCard…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let cards = std::fs::read_to_string(&path).unwrap();
    assert_eq!(cards.matches("BEGIN:VCARD\r\nVERSION:4.0").count(), 2);
    assert!(cards.contains("FN:the call centre"), "{cards}");
}
