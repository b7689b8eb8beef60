//! Subscribing to an on-call feed by its address, against a real HTTP
//! server on 127.0.0.1 inside the test: the rota follows the feed as it
//! changes, a refresh that fails says why and leaves the rota as it was,
//! and this desk keeps the last good copy.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/http.rs"]
mod http;
#[path = "support/team.rs"]
mod team;

use std::path::Path;
use std::process::Output;

use chrono::{Duration, Utc};
use http::{Answer, Server};

fn expedite(dir: &Path, args: &[&str]) -> Output {
    desk::expedite_as(dir, "Sam Patel", args)
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", desk::printed(&o));
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn failed(o: Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A team of two developers, named as the feed names them.
fn team(dir: &Path) {
    std::fs::write(
        dir.join("roster.ron"),
        r#"(contacts: [
            (name: "Jane Doe", roles: [Developer], email: "jane@example.com"),
            (name: "Bob Stone", roles: [Developer], email: "bob@example.com"),
        ])"#,
    )
    .unwrap();
}

/// A calendar called `name` around one event of these content lines,
/// kept for the test's life (the server answers with `&'static str`).
fn calendar(name: &str, event: &[String]) -> &'static str {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Subscription test//EN\r\nX-WR-CALNAME:{name}\r\n\
         BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        event.join("\r\n")
    );
    Box::leak(text.into_boxed_str())
}

/// A feed with one shift, from yesterday to a week from now, for `who`
/// (by address, as PagerDuty writes its attendees: no `mailto:`).
fn feed(who: &str) -> &'static str {
    let at = |days| (Utc::now() + Duration::days(days)).format("%Y%m%dT%H%M00Z");
    calendar(
        "Web on call",
        &[
            "UID:shift-1@oncall.test".into(),
            format!("DTSTART:{}", at(-1)),
            format!("DTEND:{}", at(7)),
            "SUMMARY:On call: Web".into(),
            format!("ATTENDEE;CN=Someone:{who}"),
        ],
    )
}

const CALENDAR: &str = "Content-Type: text/calendar\r\n";

fn who_covers(dir: &Path) -> String {
    ok(expedite(dir, &["who", "--role", "developer"]))
}

#[test]
fn a_subscribed_feed_keeps_the_rota_current_and_a_failed_refresh_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    team(dir.path());
    let server = Server::start(vec![
        Answer::Http(200, CALENDAR, feed("jane@example.com")),
        // The shift handed to Bob under the same UID.
        Answer::Http(200, CALENDAR, feed("bob@example.com")),
        Answer::Http(404, "", "no such feed"),
        Answer::Http(200, "Content-Type: text/html\r\n", "<html>Sign in</html>"),
    ]);
    let address = server.url("/feeds/web.ics?token=k1");

    let said = ok(expedite(
        dir.path(),
        &["import", "roster", &address, "--subscribe"],
    ));
    assert!(said.contains("Add 1 shift"), "{said}");
    assert!(said.contains("travels unencrypted"), "{said}");
    assert!(said.contains("Subscribed to Web on call"), "{said}");
    assert!(who_covers(dir.path()).contains("Jane Doe"));
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("subscribed: true"), "{roster}");
    assert!(roster.contains(&address), "{roster}");
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("feeds"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ics"))
        .collect();
    assert_eq!(copies.len(), 1, "the last good copy is kept on this desk");
    let seen = server.seen();
    assert_eq!(seen[0].path, "/feeds/web.ics?token=k1");
    assert!(
        seen[0]
            .headers
            .to_lowercase()
            .contains("accept: text/calendar"),
        "{}",
        seen[0].headers
    );

    // The feed changed: the shift is Bob's now, and Jane's comes off.
    let said = ok(expedite(dir.path(), &["import", "refresh"]));
    assert!(said.contains("Web on call: "), "{said}");
    let now = who_covers(dir.path());
    assert!(now.contains("Bob Stone"), "{now}");
    assert!(!now.contains("Jane Doe until"), "{now}");

    // The feed is gone: said, and the rota stays as it was.
    let before = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    let said = failed(expedite(dir.path(), &["import", "refresh"]));
    assert!(said.contains("not refreshed"), "{said}");
    assert!(said.contains("answered 404"), "{said}");
    assert!(said.contains("1 feed could not be refreshed"), "{said}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("roster.ron")).unwrap(),
        before
    );
    // A sign-in page instead of the calendar: the same.
    let said = failed(expedite(dir.path(), &["import", "refresh"]));
    assert!(said.contains("can't be read"), "{said}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("roster.ron")).unwrap(),
        before
    );
    assert!(who_covers(dir.path()).contains("Bob Stone"));

    // Left: its shifts stay; nothing is refreshed any more.
    let said = ok(expedite(
        dir.path(),
        &["import", "unsubscribe", "Web on call"],
    ));
    assert!(said.contains("no longer refreshed"), "{said}");
    let said = ok(expedite(dir.path(), &["import", "refresh"]));
    assert!(said.contains("No feed is subscribed to"), "{said}");
    assert!(who_covers(dir.path()).contains("Bob Stone"));
    assert_eq!(server.seen().len(), 4, "no request after leaving");
}

#[test]
fn an_address_that_cant_be_reached_or_a_file_to_subscribe_is_refused_with_why() {
    let dir = tempfile::tempdir().unwrap();
    team(dir.path());
    // A port nobody listens on: as offline as a test can be.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("http://127.0.0.1:{port}/feed.ics");
    let o = expedite(dir.path(), &["import", "roster", &address, "--subscribe"]);
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    let said = desk::printed(&o);
    assert!(said.contains("Can't reach 127.0.0.1"), "{said}");
    assert!(!dir.path().join("feeds").exists());

    let file = dir.path().join("web.ics");
    std::fs::write(&file, feed("jane@example.com")).unwrap();
    let o = expedite(
        dir.path(),
        &["import", "roster", file.to_str().unwrap(), "--subscribe"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    assert!(
        desk::printed(&o).contains("a file is read once"),
        "{}",
        desk::printed(&o)
    );
}

/// A weekly hand-over to `who` that repeats without end, begun a week ago.
fn weekly(who: &str) -> &'static str {
    let at = |days| (Utc::now() + Duration::days(days)).format("%Y%m%dT090000Z");
    calendar(
        "Weekly web",
        &[
            "UID:weekly-1@oncall.test".into(),
            format!("DTSTART:{}", at(-7)),
            format!("DTEND:{}", at(-6)),
            "RRULE:FREQ=WEEKLY".into(),
            "SUMMARY:On call".into(),
            format!("ATTENDEE:mailto:{who}"),
        ],
    )
}

#[test]
fn offline_as_a_feeds_cover_runs_out_its_repeats_go_on_from_the_last_good_copy() {
    let dir = tempfile::tempdir().unwrap();
    team(dir.path());
    let server = Server::start(vec![
        Answer::Http(200, CALENDAR, weekly("jane@example.com")),
        Answer::Http(503, "", "down"),
    ]);
    let address = server.url("/weekly.ics");
    ok(expedite(
        dir.path(),
        &["import", "roster", &address, "--subscribe"],
    ));
    // As the repeats filled in are about to run out (the record says they
    // end in three days), the feed can't be read: the copy is used.
    let path = dir.path().join("roster.ron");
    let roster = std::fs::read_to_string(&path).unwrap();
    let at = roster
        .find("until: \"")
        .unwrap_or_else(|| panic!("the feed records where repeats stop: {roster}"))
        + 8;
    let end = at + roster[at..].find('"').unwrap();
    let soon = (Utc::now() + Duration::days(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::fs::write(&path, format!("{}{soon}{}", &roster[..at], &roster[end..])).unwrap();
    let said = failed(expedite(dir.path(), &["import", "refresh"]));
    assert!(said.contains("answered 503"), "{said}");
    assert!(said.contains("From this desk's last good copy:"), "{said}");
    assert!(who_covers(dir.path()).contains("Jane Doe"));

    // Far from running out, a failed read uses no copy.
    std::fs::write(&path, &roster).unwrap();
    let said = failed(expedite(dir.path(), &["import", "refresh"]));
    assert!(!said.contains("last good copy"), "{said}");
}

#[test]
fn a_copy_read_months_later_fills_the_repeats_in_further() {
    use expedite::interop::import::{self, Options};
    let text = weekly("jane@example.com");
    let mut roster = expedite::model::roster::Roster::default();
    roster.contacts.push(expedite::model::roster::Contact {
        name: "Jane Doe".into(),
        roles: vec![expedite::model::Role::Developer],
        email: Some("jane@example.com".into()),
        ..Default::default()
    });
    let now = Utc::now();
    let first = import::preview(
        &roster,
        text,
        import::Format::ICalendar,
        &Options {
            location: Some("https://oncall.example.com/weekly.ics".into()),
            subscribe: true,
            ..Options::at(now)
        },
    );
    let feed = first.feed.clone().unwrap();
    let until = feed
        .until
        .expect("an endless repeat is filled in up to a point");
    roster.merge(
        first.contacts.clone(),
        first.shifts.clone(),
        first.feed.clone(),
    );
    let later = until - Duration::days(3);
    assert!(feed.runs_out_soon(later) && !feed.runs_out_soon(now));
    let (change, said) = import::refresh_change(&roster, &feed, text, later, "Sam Patel")
        .unwrap()
        .expect("weeks more of repeats");
    assert!(said.contains("added"), "{said}");
    let expedite::command::RosterChange::Import {
        feed: Some(again), ..
    } = change
    else {
        panic!("an import");
    };
    assert!(again.until.unwrap() > until + Duration::weeks(20));
}

#[test]
fn a_feed_read_once_is_subscribed_to_by_importing_its_address_again() {
    let dir = tempfile::tempdir().unwrap();
    team(dir.path());
    let server = Server::start(vec![Answer::Http(200, CALENDAR, feed("jane@example.com"))]);
    let address = server.url("/web.ics");
    ok(expedite(dir.path(), &["import", "roster", &address]));
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(!roster.contains("subscribed: true"), "{roster}");
    // Nothing new in the feed: subscribing is still a change, and said.
    let said = ok(expedite(
        dir.path(),
        &["import", "roster", &address, "--subscribe"],
    ));
    assert!(said.contains("Subscribe to Web on call"), "{said}");
    assert!(said.contains("Imported into"), "{said}");
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("subscribed: true"), "{roster}");
    // Asked again, there is nothing to change.
    let said = ok(expedite(
        dir.path(),
        &["import", "roster", &address, "--subscribe"],
    ));
    assert!(said.contains("Nothing to import"), "{said}");
}

#[test]
fn a_feed_subscribed_on_another_desk_is_read_here_only_once_this_desk_agrees() {
    let server = Server::start(vec![
        Answer::Http(200, CALENDAR, feed("jane@example.com")),
        Answer::Http(200, CALENDAR, feed("bob@example.com")),
    ]);
    let address = server.url("/feeds/web.ics");
    let shared = team::Team::new();
    let (sam, alex) = (shared.desk("a"), shared.desk("b"));
    std::fs::create_dir_all(&sam).unwrap();
    team(&sam);
    ok(expedite(
        &sam,
        &["import", "roster", &address, "--subscribe"],
    ));
    shared.share("a", "Sam Patel");
    shared.share("b", "Alex Kim");
    assert_eq!(server.seen().len(), 1);

    // Alex's desk has the feed through the shared folder; it is not read.
    let said = ok(desk::expedite_as(&alex, "Alex Kim", &["import", "refresh"]));
    assert!(said.contains("added on Sam Patel's desk"), "{said}");
    assert!(said.contains("--fetch \"Web on call\""), "{said}");
    assert_eq!(server.seen().len(), 1, "nothing was read from Alex's desk");
    // Alex agrees: read now, and from then on.
    let said = ok(desk::expedite_as(
        &alex,
        "Alex Kim",
        &["import", "refresh", "--fetch", "Web on call"],
    ));
    assert!(said.contains("Web on call: "), "{said}");
    assert_eq!(server.seen().len(), 2);

    // Someone with push access points the feed somewhere else: Sam's desk,
    // which agreed to the old address, reads the new one only once asked.
    let roster = std::fs::read_to_string(sam.join("roster.ron")).unwrap();
    let elsewhere = "https://calendar.example.net/steal.ics";
    std::fs::write(sam.join("roster.ron"), roster.replace(&address, elsewhere)).unwrap();
    let said = ok(expedite(&sam, &["import", "refresh"]));
    assert!(said.contains("not read here until you agree"), "{said}");
    assert!(said.contains(elsewhere), "{said}");
    assert_eq!(server.seen().len(), 2);
}
