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
        Harness::new_eframe(move |_cc| ExpediteApp::without_lock(store, Box::new(move || now)));
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
        kind: EvidenceKind::CallCentre { count: 12 },
        text: "payment failures".into(),
        link: None,
    };
    store
        .execute(
            &mut state,
            Command::Declare {
                title: "Checkout returns 500".into(),
                evidence,
                owner: Some("Jo".into()),
            },
            "Sam",
            t(0),
        )
        .unwrap();
    drop(store);

    let harness = app_at(dir.path(), t(3));
    harness.get_by_label_contains("Checkout returns 500");
    harness.get_by_label("Jo");
    harness.get_by_label("Classified");
    harness.get_by_label_contains("Decide whether to expedite");
    harness.get_by_label("Next update in 12 min");

    let harness = app_at(dir.path(), t(20));
    harness.get_by_label("Update overdue by 5 min");
}
