//! Connecting a channel and posting from the window, against a real HTTP
//! server on 127.0.0.1 and the window's real poster thread.

use crate::http::{Answer, Server};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;

const SECRET: egui::accesskit::Role = egui::accesskit::Role::PasswordInput;

/// The window on `dir` at t(5), posting through the real posting service.
fn window_posting(dir: &std::path::Path) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(|| t(5))).with_posting());
    settle(&mut harness);
    harness
}

/// `#expedite` connected to `connection` on the desk at `dir`, as on a
/// desk where it was set up yesterday.
fn connected_beforehand(dir: &std::path::Path, connection: expedite::post::Connection) {
    let mut connections = expedite::post::Connections::default();
    connections.channels.insert("#expedite".into(), connection);
    expedite::post::write_local(&expedite::post::connections_path(dir), &connections).unwrap();
}

/// Types into the password field with this label, replacing what it holds.
fn type_secret(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    harness.get_by_role_and_label(SECRET, label).click();
    settle(harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    settle(harness);
    harness.get_by_role_and_label(SECRET, label).type_text(text);
    settle(harness);
}

#[test]
fn a_channel_connected_in_the_window_gets_a_test_message_and_the_update_as_shown() {
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = window_posting(dir.path());

    click(&mut harness, "Channels");
    harness.get_by_label("No channel is connected yet.");
    // A plain-http address elsewhere is refused here, with why.
    type_secret(&mut harness, "Webhook URL", "http://hooks.example.com/x");
    click(&mut harness, "Connect");
    harness.get_by_label_contains("must be https://");
    type_secret(
        &mut harness,
        "Webhook URL",
        &server.url("/services/T/B/secret-part"),
    );
    // Retyped, the refusal no longer holds and goes.
    assert!(
        harness
            .query_by_label_contains("must be https://")
            .is_none()
    );
    click(&mut harness, "Connect");
    wait_for_within(&mut harness, "#expedite is connected", 20);
    settle(&mut harness);
    // The secret is not shown whole, and the field is empty again.
    assert!(harness.query_by_label_contains("secret-part").is_none());
    let field = harness.get_by_role_and_label(SECRET, "Webhook URL");
    assert!(field.value().unwrap_or_default().is_empty());

    click(&mut harness, "Send a test message to #expedite");
    wait_for_within(&mut harness, "The test message reached #expedite.", 20);
    assert!(
        server.seen()[0]
            .body
            .contains("Expedite test message from Sam")
    );

    // Post an update: what goes out is what the dialog shows.
    click(&mut harness, "Post update…");
    harness.get_by_label_contains("Post update sends it to Slack webhook");
    type_into(
        &mut harness,
        "Conditions — what you see",
        "Errors down to 2 a minute",
    );
    let shown = click_and_copy(&mut harness, "Copy for #expedite");
    click(&mut harness, "Post update");
    for _ in 0..250 {
        if server.seen().len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "the update went out once");
    let body: serde_json::Value = serde_json::from_str(&seen[1].body).unwrap();
    assert_eq!(body["text"].as_str().unwrap(), shown);

    // The update says where it stands, once the poster has recorded it.
    click(&mut harness, "Communicating");
    wait_for_within(&mut harness, "Posted to #expedite at", 20);
}

#[test]
fn an_update_the_service_refused_says_so_under_it_with_what_to_do() {
    let server = Server::start(vec![Answer::Http(404, "", "channel_not_found")]);
    let dir = folder_with_incident(Some("Sam"));
    connected_beforehand(
        dir.path(),
        expedite::post::Connection::SlackWebhook {
            url: server.url("/services/T/B/gone"),
        },
    );
    // A second incident, declared later: the window opens on it.
    declare_another(dir.path(), "Search is slow", t(1));
    let mut harness = window_posting(dir.path());
    harness.get_by_label("Search is slow");
    click(&mut harness, "Channels");
    wait_for_within(&mut harness, "Send a test message to #expedite", 20);
    settle(&mut harness);
    click(&mut harness, "Post update…");
    type_into(&mut harness, "Conditions — what you see", "Errors falling");
    click(&mut harness, "Post update");
    click(&mut harness, "Communicating");
    wait_for_within(
        &mut harness,
        "Could not post to #expedite: channel_not_found",
        20,
    );
    harness.get_by_label_contains("connect the channel again");
    harness.get_by_label("Post failed");
    // Another incident shown: the header says whose post it is.
    click(&mut harness, "Incidents");
    harness
        .get_by_label_contains("Checkout returns 500")
        .click();
    settle(&mut harness);
    harness.get_by_label("Post failed (other incident)");
}

#[test]
fn a_service_that_never_answers_leaves_the_window_free_and_the_post_said_to_wait() {
    let server = Server::start(vec![Answer::Hang]);
    let dir = folder_with_incident(Some("Sam"));
    // Connected beforehand, as on a desk where it was set up yesterday.
    connected_beforehand(
        dir.path(),
        expedite::post::Connection::Webhook {
            url: server.url("/hook"),
        },
    );
    let mut harness = window_posting(dir.path());
    // The window has heard from the poster before anything is clicked.
    click(&mut harness, "Channels");
    wait_for_within(&mut harness, "Send a test message to #expedite", 20);
    settle(&mut harness);
    click(&mut harness, "Timeline");
    click(&mut harness, "Post update…");
    harness.get_by_label_contains("Post update sends it to webhook");
    type_into(&mut harness, "Conditions — what you see", "Errors falling");
    click(&mut harness, "Post update");
    // While the request hangs, the window goes on: a note saves at once.
    click(&mut harness, "Timeline");
    type_into(&mut harness, "Note", "Still watching");
    click(&mut harness, "Add note");
    harness.get_by_label_contains("Note: Still watching");
    assert!(incident_file(dir.path()).contains("Update for #expedite"));
    wait_for_within(&mut harness, "1 post waiting", 20);
}

#[test]
fn on_a_first_run_the_name_typed_signs_the_post_and_every_desk_sees_it_posted() {
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let dir = folder_with_incident(Some("Sam"));
    // A new desk: no name yet; the channel was connected from a terminal.
    std::fs::remove_file(dir.path().join("desk.ron")).unwrap();
    connected_beforehand(
        dir.path(),
        expedite::post::Connection::Webhook {
            url: server.url("/hook"),
        },
    );
    let mut harness = window_posting(dir.path());
    type_into(&mut harness, "Your name", "Dana Whitfield");
    click(&mut harness, "Save");
    click(&mut harness, "Post update…");
    type_into(&mut harness, "Conditions — what you see", "Errors falling");
    click(&mut harness, "Post update");
    click(&mut harness, "Communicating");
    wait_for_within(&mut harness, "Posted to #expedite at", 20);
    assert!(harness.query_by_label_contains("Waiting to post").is_none());
    assert_eq!(server.seen().len(), 1);
    // Signed by the name typed, and named so that any desk finds it.
    let file = incident_file(dir.path());
    assert!(!file.contains("someone"), "{file}");
    let mut store = Store::open(dir.path()).unwrap();
    let (state, _) = store.load();
    let incident = state.incidents.values().next().unwrap();
    let update = incident.communication.updates.last().unwrap();
    assert_eq!(update.by, "Dana Whitfield");
    let posting = incident
        .posting_of(update)
        .expect("its posting, as any desk reads it");
    assert!(
        matches!(
            posting.delivery,
            expedite::model::comms::Delivery::Sent { .. }
        ),
        "{posting:?}"
    );
    let line = incident
        .timeline
        .iter()
        .find(|e| e.what.starts_with("Posted to #expedite"))
        .expect("the timeline says it was posted");
    assert_eq!(line.by, "Dana Whitfield");
}

#[test]
fn at_800_px_a_refused_address_moves_nothing_under_the_pointer() {
    let dir = folder_with_incident(Some("Sam"));
    let store = Store::open(dir.path()).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(|| t(5))).with_posting());
    settle(&mut harness);
    click(&mut harness, "Channels");
    type_secret(&mut harness, "Webhook URL", "http://hooks.example.com/x");
    let connect_at = harness.get_by_label("Connect").rect();
    click(&mut harness, "Connect");
    harness.get_by_label_contains("must be https://");
    assert_eq!(harness.get_by_label("Connect").rect(), connect_at);
}
