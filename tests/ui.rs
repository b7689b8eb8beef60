//! The window, driven as a person would: by visible labels.

use chrono::{DateTime, Duration, TimeZone, Utc};
use eframe::egui;
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
    let mut harness =
        Harness::new_eframe(move |_cc| ExpediteApp::new(store, Box::new(move || now)));
    harness.run();
    harness
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
    harness.run();
    harness
        .get_by_role_and_label(name_field, "Your name")
        .type_text("Sam Patel");
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    harness.get_by_label("No incident open");
    let settings = std::fs::read_to_string(dir.path().join("settings.ron")).unwrap();
    assert!(settings.contains("me: \"Sam Patel\""), "{settings}");
    // The next start does not ask again.
    let harness = app_at(dir.path(), t(1));
    assert!(harness.query_by_label("Welcome to Expedite").is_none());
}

#[test]
fn an_open_incident_shows_its_owner_next_step_and_countdown() {
    let dir = folder_with_incident(Some("Jo"));

    let harness = app_at(dir.path(), t(3));
    harness.get_by_label_contains("Checkout returns 500");
    harness.get_by_label("Jo");
    harness.get_by_label("Classified");
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
    harness.get_by_label("Post update…").click();
    harness.run();
    let field = egui::accesskit::Role::MultilineTextInput;
    let label = "What you see, what you're doing, what you need";
    harness.get_by_role_and_label(field, label).click();
    harness.run();
    harness
        .get_by_role_and_label(field, label)
        .type_text("Rolled back; errors falling");
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Post update")
        .click();
    harness.run();
    // The default "next update in" is the unclassified cadence: 15 minutes.
    harness.get_by_label("Next update in 15 min");
    assert!(harness.query_by_label(label).is_none(), "the dialog closed");
    assert!(
        incident_file(dir.path())
            .contains("Update posted in #expedite: Rolled back; errors falling")
    );
}

#[test]
fn a_half_written_update_survives_closing_the_dialog_and_a_refusal_keeps_it() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(1));
    let field = egui::accesskit::Role::MultilineTextInput;
    let label = "What you see, what you're doing, what you need";
    harness.get_by_label("Post update…").click();
    harness.run();
    harness.get_by_role_and_label(field, label).click();
    harness.run();
    harness.get_by_role_and_label(field, label).type_text("   ");
    harness.run();
    // Posting only spaces is refused, with the reason beside the text.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Post update")
        .click();
    harness.run();
    harness.get_by_label_contains("The update is empty");
    harness
        .get_by_role_and_label(field, label)
        .type_text("Half a thought");
    harness.run();
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label(label).is_none(), "the dialog closed");
    harness.get_by_label("Post update…").click();
    harness.run();
    let value = harness
        .get_by_role_and_label(field, label)
        .value()
        .unwrap_or_default();
    assert!(value.ends_with("Half a thought"), "{value:?}");
    assert!(!incident_file(dir.path()).contains("Half a thought"));
}

#[test]
fn snoozing_from_the_window_moves_the_countdown() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
    harness.get_by_label("15 min").click();
    harness.run();
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
    let banner =
        "Desktop notifications are not working: no notification server is running on this desktop";
    for _ in 0..100 {
        harness.step();
        if harness.query_by_label_contains(banner).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no banner after 5 s");
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
