//! The window and the disk: errors that keep what was typed, a slow disk,
//! changes made elsewhere, damaged drafts.

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use expedite::command::Command;
use expedite::store::Store;

use crate::common::*;

#[test]
fn a_store_error_is_shown_and_the_typed_note_stays() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Asked Priya to review");
    // Meanwhile the file is damaged on disk.
    std::fs::write(
        dir.path().join("incidents/2026-11-26-sam-1.ron"),
        "(half a file",
    )
    .unwrap();
    click(&mut harness, "Add note");
    // The reason, and what to do about it, in plain sight.
    harness.get_by_label_contains("2026-11-26-sam-1.ron can't be read (line 1, column 6");
    harness.get_by_label_contains("put back its last good copy (2026-11-26-sam-1.ron.bak");
    assert_eq!(field_value(&harness, "Note"), "Asked Priya to review");
}

#[test]
fn a_slow_disk_never_holds_up_the_window() {
    let dir = folder_with_incident(None);
    let mut harness = app_on_slow_disk(dir.path(), t(2), std::time::Duration::from_millis(500));
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
    type_now(&mut harness, "Note", " and Tom to test");
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

#[test]
fn a_save_that_takes_long_says_so_until_it_is_done() {
    let dir = folder_with_incident(None);
    let mut harness = app_on_slow_disk(dir.path(), t(2), std::time::Duration::from_secs(30));
    click(&mut harness, "Timeline");
    // Typed and sent frame by frame: every save now waits on the disk.
    type_now(&mut harness, "Note", "Paged the DBA");
    harness
        .get_by_role_and_label(Role::Button, "Add note")
        .click();
    harness.step();
    assert!(
        harness.query_by_label_contains("Saving…").is_none(),
        "a save says nothing at first"
    );
    wait_for(&mut harness, "Saving… the disk is slow to answer");
    // The disk answers: the note goes, and the change shows.
    harness.state().slow_disk(std::time::Duration::ZERO);
    settle(&mut harness);
    assert!(harness.query_by_label_contains("Saving…").is_none());
    assert!(incident_file(dir.path()).contains("Paged the DBA"));
}

#[test]
fn a_save_that_comes_back_late_closes_only_its_own_dialog() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = app_on_slow_disk(dir.path(), t(2), std::time::Duration::from_secs(30));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::U);
    harness.step();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Conditions — what you see")
        .type_text("Errors falling");
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    harness.step();
    // Still saving: the person closes it and starts declaring another.
    harness.key_press(egui::Key::Escape);
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.step();
    harness.get_by_label("First, the metric that confirms it.");
    harness.state().slow_disk(std::time::Duration::ZERO);
    settle(&mut harness);
    assert!(incident_file(dir.path()).contains("Errors falling"));
    harness.get_by_label("First, the metric that confirms it.");
}
