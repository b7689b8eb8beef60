//! What every window test shares: a window on a temp folder at a fixed
//! time, clicking and typing by visible label, and waiting for the disk.

use chrono::{DateTime, Duration, TimeZone, Utc};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::minutes(minutes)
}

pub fn app_at(dir: &std::path::Path, now: DateTime<Utc>) -> Harness<'static, ExpediteApp> {
    app_sized(dir, now, egui::vec2(1280.0, 800.0))
}

/// The window on `dir` at `now`, `size` big.
pub fn app_sized(
    dir: &std::path::Path,
    now: DateTime<Utc>,
    size: egui::Vec2,
) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(size)
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(move || now)));
    settle(&mut harness);
    harness
}

/// The window on `dir` at `now`, on a disk where every save and read takes
/// `delay` first.
pub fn app_on_slow_disk(
    dir: &std::path::Path,
    now: DateTime<Utc>,
    delay: std::time::Duration,
) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(move || now)).with_slow_disk(delay)
        });
    settle(&mut harness);
    harness
}

/// Types into the field with this label a frame at a time, without waiting
/// for the disk (on a slow one, every keystroke's draft save waits).
pub fn type_now(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .click();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.step();
}

/// Runs frames until the window is idle: everything it was saving or
/// reading has come back from the disk and been shown.
pub fn settle(harness: &mut Harness<'_, ExpediteApp>) {
    for _ in 0..1000 {
        // Frame by frame while the disk works (its answer may come at any
        // frame), then until the window has nothing more to draw.
        harness.step();
        if harness.state().is_busy() {
            std::thread::sleep(std::time::Duration::from_millis(2));
            continue;
        }
        // A service may wake the window meanwhile (a post's news, the
        // sync's): frames go on until it is quiet.
        if harness.try_run().is_ok() && !harness.state().is_busy() {
            return;
        }
    }
    panic!("the window was still saving after 2 s");
}

/// Clicks the button (or rail entry) with this visible label, scrolled
/// into sight first as a person would.
pub fn click(harness: &mut Harness<'_, ExpediteApp>, label: &str) {
    scroll_to(harness, Role::Button, label);
    harness.get_by_role_and_label(Role::Button, label).click();
    settle(harness);
}

/// Scrolls the widget into sight (a no-op when it is in sight).
pub fn scroll_to(harness: &mut Harness<'_, ExpediteApp>, role: Role, label: &str) {
    harness.get_by_role_and_label(role, label).scroll_to_me();
    settle(harness);
}

/// Types into the text field with this label, as a person would: click, then type.
pub fn type_into(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    let role = [Role::TextInput, Role::PasswordInput]
        .into_iter()
        .find(|role| harness.query_by_role_and_label(*role, label).is_some())
        .unwrap_or(Role::MultilineTextInput);
    scroll_to(harness, role, label);
    harness.get_by_role_and_label(role, label).click();
    settle(harness);
    harness.get_by_role_and_label(role, label).type_text(text);
    settle(harness);
}

/// Replaces what the field with this label holds: click, select all, type.
pub fn retype(harness: &mut Harness<'_, ExpediteApp>, label: &str, text: &str) {
    scroll_to(harness, Role::TextInput, label);
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
pub fn wait_for(harness: &mut Harness<'_, ExpediteApp>, text: &str) {
    wait_for_within(harness, text, 5);
}

/// Waits up to `seconds` for `text` to show (git, a watcher, a thread).
pub fn wait_for_within(harness: &mut Harness<'_, ExpediteApp>, text: &str, seconds: u64) {
    for _ in 0..seconds * 50 {
        harness.step();
        if harness.query_by_label_contains(text).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{text:?} did not show within {seconds} s");
}

/// The window on `dir` at `now`, watching the folder for outside changes.
pub fn app_watching(dir: &std::path::Path, now: DateTime<Utc>) -> Harness<'static, ExpediteApp> {
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
pub fn field_value(harness: &Harness<'_, ExpediteApp>, label: &str) -> String {
    harness
        .query_by_role_and_label(Role::TextInput, label)
        .or_else(|| harness.query_by_role_and_label(Role::MultilineTextInput, label))
        .unwrap_or_else(|| panic!("no field labelled {label:?}"))
        .value()
        .unwrap_or_default()
}

/// A data folder with "me" set and one incident declared at t(0) by Sam,
/// owned by `owner` (Sam when `None`).
pub fn folder_with_incident(owner: Option<&str>) -> tempfile::TempDir {
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

/// Declares another incident, `title`, in the folder at `at`, as Sam.
pub fn declare_another(dir: &std::path::Path, title: &str, at: DateTime<Utc>) {
    let mut store = Store::open(dir).unwrap();
    let (mut state, _) = store.load();
    let declare = Command::Declare {
        title: title.into(),
        evidence: NewEvidence {
            kind: EvidenceKind::ErrorScreen,
            text: "timeouts".into(),
            link: None,
        },
        owner: None,
    };
    store.execute(&mut state, declare, "Sam", at).unwrap();
}

pub fn incident_file(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("incidents/2026-11-26-sam-1.ron")).unwrap()
}

/// A roster of four, as a person might write it by hand.
/// The Contacts view at `now`, over an incident's folder that `setup` gives
/// a roster (or a rota); the folder lives as long as what is returned.
pub fn contacts_at(
    setup: fn(&std::path::Path),
    now: DateTime<Utc>,
) -> (tempfile::TempDir, Harness<'static, ExpediteApp>) {
    let dir = folder_with_incident(None);
    setup(dir.path());
    let mut harness = app_at(dir.path(), now);
    click(&mut harness, "Contacts");
    (dir, harness)
}

pub fn with_roster(dir: &std::path::Path) {
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

/// The roster above with office hours in London and a developer rotation:
/// Priya this week, Alex from Monday 30 November 09:00.
pub fn with_rota(dir: &std::path::Path) {
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

/// A save dialog that answers at once: with a path, or (like rfd with no
/// portal and no zenity) with nothing.
pub struct SaveAnswer(pub Option<std::path::PathBuf>);

impl expedite::ui::exports::SaveDialog for SaveAnswer {
    fn ask(&self, _request: expedite::ui::exports::SaveRequest) -> Option<std::path::PathBuf> {
        self.0.clone()
    }

    fn open(
        &self,
        _request: expedite::services::dialog::OpenRequest,
    ) -> Option<std::path::PathBuf> {
        self.0.clone()
    }
}

/// The window at the conclusion of an incident owned by Sam, whose team
/// and the call centre have emails on the roster.
pub fn at_conclusion(
    dir: &std::path::Path,
    answer: Option<std::path::PathBuf>,
) -> Harness<'static, ExpediteApp> {
    at_conclusion_sized(dir, answer, egui::vec2(1280.0, 800.0))
}

/// [`at_conclusion`] in a window `size` big.
pub fn at_conclusion_sized(
    dir: &std::path::Path,
    answer: Option<std::path::PathBuf>,
    size: egui::Vec2,
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
    let mut harness = Harness::builder().with_size(size).build_eframe(move |_cc| {
        ExpediteApp::new(store, Box::new(|| t(30)))
            .with_save_dialog(std::sync::Arc::new(SaveAnswer(answer)))
    });
    settle(&mut harness);
    click(&mut harness, "Conclusion");
    harness
}

/// Clicks the button and returns what it asked of the desktop, as `pick` reads it.
pub fn click_for(
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
pub fn click_and_copy(harness: &mut Harness<'_, ExpediteApp>, label: &str) -> String {
    click_for(harness, label, |c| match c {
        egui::OutputCommand::CopyText(text) => Some(text.clone()),
        _ => None,
    })
}

/// Clicks the button and returns the link it opened.
pub fn click_and_open(harness: &mut Harness<'_, ExpediteApp>, label: &str) -> String {
    click_for(harness, label, |c| match c {
        egui::OutputCommand::OpenUrl(open) => Some(open.url.clone()),
        _ => None,
    })
}

/// Opens Contacts → Import or export… and types `source` (a file's path or
/// a feed's address) where it goes, as a person would.
pub fn import_from(harness: &mut Harness<'_, ExpediteApp>, source: &str) {
    click(harness, "Contacts");
    click(harness, "Import or export…");
    type_into(harness, "File or address", source);
}
