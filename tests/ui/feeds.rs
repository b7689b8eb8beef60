//! Subscribing to an on-call feed from the window, against a real HTTP
//! server on 127.0.0.1 and the window's real refresh thread.

use crate::http::{Answer, Server};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;

/// The window on `dir` at t(0), refreshing feeds through the real feeds service.
fn window_refreshing(dir: &std::path::Path) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(|| t(0))).with_feeds());
    settle(&mut harness);
    harness
}

/// A feed with one shift around t(0) for `who`, named by address.
fn feed(who: &str) -> &'static str {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Window test//EN\r\nX-WR-CALNAME:Web on call\r\n\
         BEGIN:VEVENT\r\nUID:shift-1@oncall.test\r\nDTSTAMP:20261101T000000Z\r\n\
         DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:On call\r\nATTENDEE:mailto:{who}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        (t(0) - chrono::Duration::days(1)).format("%Y%m%dT%H%M00Z"),
        (t(0) + chrono::Duration::days(6)).format("%Y%m%dT%H%M00Z"),
    );
    Box::leak(text.into_boxed_str())
}

const CALENDAR: &str = "Content-Type: text/calendar\r\n";

#[test]
fn a_feed_subscribed_to_in_the_window_is_read_again_and_a_failure_changes_nothing() {
    let dir = folder_with_incident(Some("Sam"));
    std::fs::write(
        dir.path().join("roster.ron"),
        r#"(contacts: [
            (name: "Jane Doe", roles: [Developer], email: "jane@example.com"),
            (name: "Bob Stone", roles: [Developer], email: "bob@example.com"),
        ])"#,
    )
    .unwrap();
    let server = Server::start(vec![
        Answer::Http(200, CALENDAR, feed("jane@example.com")),
        // Read again at once by the refresh thread: handed to Bob.
        Answer::Http(200, CALENDAR, feed("bob@example.com")),
        Answer::Http(404, "", "gone"),
    ]);
    let address = server.url("/web.ics");
    let mut harness = window_refreshing(dir.path());
    import_from(&mut harness, &address);
    harness
        .get_by_label("Subscribe: read it again every hour")
        .click();
    settle(&mut harness);
    click(&mut harness, "Preview import");
    wait_for(&mut harness, "Add 1 shift.");
    harness.get_by_label_contains("travels unencrypted");
    click(&mut harness, "Import");
    // The new subscription is read again at once, the feed has moved on,
    // and the window says what it changed.
    wait_for(
        &mut harness,
        "\"Web on call\" refreshed: 1 shift added, 1 taken off",
    );
    harness.get_by_label_contains("Subscribed: read every hour");
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("Bob Stone"), "{roster}");
    assert!(roster.contains("subscribed: true"), "{roster}");

    // Asked again, the feed is gone: said, and the rota stays as it was.
    click(&mut harness, "Refresh now");
    wait_for(&mut harness, "\"Web on call\" could not be refreshed:");
    // Said in the strip of notices and kept beside the feed.
    assert_eq!(
        harness.query_all_by_label_contains("answered 404").count(),
        2
    );
    harness.get_by_label_contains("Not read 02:00:");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("roster.ron")).unwrap(),
        roster
    );
    assert_eq!(server.seen().len(), 3);
    assert!(dir.path().join("feeds").is_dir(), "the last good copy");
}

#[test]
fn cover_a_feed_filled_in_running_out_is_warned_of_with_what_to_do() {
    let dir = folder_with_incident(Some("Sam"));
    let until = (t(0) + chrono::Duration::days(5)).to_rfc3339();
    let read = (t(0) - chrono::Duration::weeks(25)).to_rfc3339();
    std::fs::write(
        dir.path().join("roster.ron"),
        format!(
            r#"(contacts: [(name: "Jane Doe", roles: [Developer])],
            rota: (feeds: [(id: "f1", name: "Web on call",
                location: "https://oncall.example.com/web.ics",
                read: "{read}", from: "{read}", until: Some("{until}"))]))"#
        ),
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    click(&mut harness, "Contacts");
    harness.get_by_label_contains(
        "Cover from \"Web on call\" runs out Tue 02:00: import it again, or subscribe to it",
    );
    click(&mut harness, "Import or export…");
    harness.get_by_label_contains("filled in only up to Tue 1 Dec 2026");
    // Subscribing is one click, and says so where the feed is listed.
    click(&mut harness, "Subscribe");
    harness.get_by_label_contains("Subscribed: read every hour");
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("subscribed: true"), "{roster}");
}

#[test]
fn a_feed_subscribed_on_another_desk_is_fetched_here_only_once_agreed_to() {
    let dir = folder_with_incident(Some("Sam"));
    let server = Server::start(vec![Answer::Http(200, CALENDAR, feed("jane@example.com"))]);
    let address = server.url("/web.ics");
    let read = (t(0) - chrono::Duration::days(2)).to_rfc3339();
    // The feed came through the shared folder: subscribed on Dana's desk.
    std::fs::write(
        dir.path().join("roster.ron"),
        format!(
            r#"(contacts: [(name: "Jane Doe", roles: [Developer], email: "jane@example.com")],
            rota: (feeds: [(id: "f1", name: "Web on call", location: "{address}",
                read: "{read}", by: "Dana Whitfield", from: "{read}", subscribed: true)]))"#
        ),
    )
    .unwrap();
    let mut harness = window_refreshing(dir.path());
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    wait_for(&mut harness, "Added on Dana Whitfield's desk — fetch it?");
    assert!(
        harness.query_by_label("Refresh now").is_none(),
        "it can't be read here before this desk agrees"
    );
    assert_eq!(server.seen().len(), 0, "nothing was read before agreeing");
    click(&mut harness, "Fetch it");
    wait_for(&mut harness, "\"Web on call\" refreshed");
    assert_eq!(server.seen().len(), 1);
    harness.get_by_label("Refresh now");
    assert!(
        harness
            .query_by_label_contains("Added on Dana Whitfield's desk")
            .is_none()
    );
}
