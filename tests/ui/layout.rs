//! The layout rule (ARCHITECTURE.md, "Nothing moves under the pointer"):
//! in each view, with realistic data, press what reveals, hides or records
//! something, and what is refused; after every press, every control still
//! in the window is where it was. People click where a button was a moment
//! ago.
//!
//! The walk scrolls a control into sight first (as a person would), notes
//! where every control is, presses, waits for the disk, and compares; each
//! view is walked at 1280×800 and at 800×600 where it matters most.

use std::collections::HashMap;

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use expedite::ui::ExpediteApp;

use crate::common::*;

/// What a person can click, tick or type into.
const CONTROLS: [Role; 9] = [
    Role::Button,
    Role::PasswordInput,
    Role::CheckBox,
    Role::TextInput,
    Role::MultilineTextInput,
    Role::Link,
    Role::ComboBox,
    Role::RadioButton,
    Role::Tab,
];

/// A press, as a person makes it.
#[derive(Clone, Copy, Debug)]
enum Press<'a> {
    /// Click the button with this label.
    Click(&'a str),
    /// Tick (or untick) the box with this label.
    Tick(&'a str),
    /// Type into the field with this label (and press nothing else).
    Type(&'a str, &'a str),
    /// Pick the radio button with this label.
    Radio(&'a str),
}

impl Press<'_> {
    fn label(&self) -> &str {
        match self {
            Press::Click(l) | Press::Tick(l) | Press::Type(l, _) | Press::Radio(l) => l,
        }
    }

    fn role(&self, harness: &Harness<'_, ExpediteApp>) -> Role {
        match self {
            Press::Click(_) => Role::Button,
            Press::Tick(_) => Role::CheckBox,
            Press::Radio(_) => Role::RadioButton,
            Press::Type(label, _) => [Role::TextInput, Role::PasswordInput]
                .into_iter()
                .find(|role| harness.query_by_role_and_label(*role, label).is_some())
                .unwrap_or(Role::MultilineTextInput),
        }
    }
}

/// Each control's place, by its identity, with what a person reads on it.
fn places(harness: &Harness<'_, ExpediteApp>) -> HashMap<String, (String, egui::Pos2)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = HashMap::new();
    for node in harness.query_all_by(|n| CONTROLS.contains(&n.role())) {
        let kit = node.accesskit_node();
        let name = kit.label().or_else(|| kit.value()).unwrap_or_default();
        let what = format!("{:?} '{}'", kit.role(), name);
        // Two controls of the same name (a Copy per row) told apart by order.
        let n = seen.entry(what.clone()).or_default();
        *n += 1;
        out.insert(format!("{what} #{n}"), (what, node.rect().min));
    }
    out
}

/// Presses each in turn in `view`, and says what moved: "view: after
/// press, control moved by (dx, dy)".
fn walk(harness: &mut Harness<'static, ExpediteApp>, view: &str, presses: &[Press]) -> Vec<Moved> {
    let mut moved = Vec::new();
    for press in presses {
        let role = press.role(harness);
        // The first of several of that name (two notices' "Dismiss").
        let first = |h: &Harness<'static, ExpediteApp>| {
            h.get_all_by_role_and_label(role, press.label())
                .next()
                .unwrap_or_else(|| panic!("{view}: no {role:?} '{}'", press.label()))
                .scroll_to_me();
        };
        first(harness);
        settle(harness);
        let before = places(harness);
        let node = harness
            .get_all_by_role_and_label(role, press.label())
            .next()
            .unwrap();
        match press {
            Press::Click(_) | Press::Tick(_) | Press::Radio(_) => node.click(),
            Press::Type(_, text) => {
                node.click();
                harness.step();
                harness
                    .get_all_by_role_and_label(role, press.label())
                    .next()
                    .unwrap()
                    .type_text(text);
            }
        }
        settle(harness);
        let after = places(harness);
        let mut here: Vec<Moved> = before
            .iter()
            .filter_map(|(id, (what, was))| {
                let (_, now) = after.get(id)?;
                let d = *now - *was;
                (d.length() > 0.5).then(|| Moved {
                    view: view.to_owned(),
                    press: format!("{press:?}"),
                    control: what.clone(),
                    by: d,
                })
            })
            .collect();
        here.sort_by(|a, b| a.control.cmp(&b.control));
        moved.extend(here);
    }
    moved
}

/// A control that moved, and what moved it.
#[derive(Debug)]
struct Moved {
    view: String,
    press: String,
    control: String,
    by: egui::Vec2,
}

/// Nothing moved.
fn judge(moved: Vec<Moved>) {
    let said: Vec<String> = moved
        .iter()
        .map(|m| {
            format!(
                "{}: after {}, {} moved by ({:.0}, {:.0})",
                m.view, m.press, m.control, m.by.x, m.by.y
            )
        })
        .collect();
    assert!(
        said.is_empty(),
        "controls moved under the pointer:\n{}",
        said.join("\n")
    );
}

/// The window on `dir` at `now`, `size` big.
fn window(
    dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
    size: egui::Vec2,
) -> Harness<'static, ExpediteApp> {
    let store = expedite::store::Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(size)
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(move || now)).with_posting());
    settle(&mut harness);
    harness
}

/// The sizes each view is walked at.
const SIZES: [(f32, f32); 2] = [(1280.0, 800.0), (800.0, 600.0)];

/// Walks `view` at each of [`SIZES`], on an incident's folder that `setup`
/// fills, at `now`, and says whether anything moved.
fn walk_view(setup: fn(&std::path::Path), minutes: i64, view: &str, presses: &[Press]) {
    let mut moved = Vec::new();
    for (w, h) in SIZES {
        let dir = folder_with_incident(None);
        setup(dir.path());
        let mut harness = window(dir.path(), t(minutes), egui::vec2(w, h));
        click(&mut harness, view);
        moved.extend(walk(&mut harness, &format!("{view} at {w}x{h}"), presses));
    }
    judge(moved);
}

#[test]
fn the_fix_view_keeps_its_controls_in_place() {
    walk_view(
        |_| {},
        5,
        "Fix",
        &[
            Press::Click("Record fix"),
            Press::Type("What the fix is", "Revert PR #4821"),
            Press::Tick("Broken for speed of fix"),
            Press::Tick("Broken for temporary fix"),
            Press::Click("Record fix"),
            Press::Type("Why (speed of fix)", "checkout down"),
            Press::Tick("Broken for speed of fix"),
        ],
    );
}

#[test]
fn the_team_view_keeps_its_controls_in_place() {
    walk_view(
        with_roster,
        2,
        "Team formed",
        &[
            Press::Click("Add Alex Kim"),
            Press::Click("Add Tom Berg"),
            Press::Click("Call Tom Berg…"),
            Press::Click("No answer"),
            Press::Click("No product owner needed"),
            Press::Click("Take Alex Kim off"),
            Press::Click("Put Alex Kim back"),
        ],
    );
}

#[test]
fn the_channels_view_keeps_its_controls_in_place() {
    walk_view(
        |_| {},
        5,
        "Channels",
        &[
            Press::Click("Connect"),
            Press::Type("Webhook URL", "http://hooks.example.com/x"),
            Press::Click("Connect"),
        ],
    );
}

#[test]
fn the_evidence_keeps_its_controls_in_place() {
    walk_view(
        |_| {},
        5,
        "Defined",
        &[
            Press::Click("Add evidence"),
            Press::Type("How many", "120"),
            Press::Type("What you see", "PaymentDeclined on checkout"),
            Press::Type("Link", "https://errors.example.com/issue/1"),
            Press::Click("Add evidence"),
        ],
    );
}

#[test]
fn the_classification_keeps_its_controls_in_place() {
    walk_view(
        with_roster,
        5,
        "Classified",
        &[
            Press::Radio("Unsure"),
            Press::Tick("Conversion"),
            Press::Click("Rosa Lind"),
            Press::Radio("Yes, expedite"),
            Press::Click("Record classification"),
        ],
    );
}

#[test]
fn the_communication_keeps_its_controls_in_place() {
    walk_view(
        |_| {},
        5,
        "Communicating",
        &[
            Press::Type("Dedicated channel", "#inc-checkout"),
            Press::Click("Add channel"),
            Press::Type("Dedicated channel", "#inc-payments"),
            Press::Click("Add channel"),
            Press::Click("Stop using #inc-checkout"),
            Press::Click("Use #inc-checkout again"),
            Press::Tick("#deployments"),
            Press::Click("15 min"),
        ],
    );
}

#[test]
fn the_deployment_keeps_its_controls_in_place() {
    walk_view(
        |_| {},
        30,
        "Deployment",
        &[
            Press::Type("Rollback plan", "redeploy v2.31.4"),
            Press::Click("Record deployment"),
            Press::Type("Reading", "a few"),
            Press::Click("Add reading"),
            Press::Type("Reading", "2"),
        ],
    );
}

/// The incident deployed at +10, its metric watched and read: down since.
fn watched(dir: &std::path::Path) {
    use expedite::model::metric::{Bucket, Source, SourceKind};
    let id = expedite::model::IncidentId::parse("2026-11-26-sam-1").unwrap();
    let mut store = expedite::store::Store::open(dir).unwrap();
    let (mut state, _) = store.load();
    let source = Source::prometheus(
        "http://127.0.0.1:9",
        "sum(increase(checkout_errors_total[1m]))",
    );
    let buckets = (-180..25)
        .map(|m| Bucket {
            start: t(m),
            secs: 60,
            value: if (-20..12).contains(&m) { 80.0 } else { 4.0 },
            source: SourceKind::Prometheus,
            read_at: t(26),
            // Read for the watch connected at +11.
            of: t(11).timestamp_millis(),
        })
        .collect();
    let steps = [
        (
            expedite::command::Command::RecordDeployment {
                incident: id.clone(),
                at: Some(t(10)),
                usual_way: true,
                rollback_plan: "redeploy v41".into(),
            },
            t(10),
        ),
        (
            expedite::command::Command::WatchMetric {
                incident: id.clone(),
                source: Box::new(source),
            },
            t(11),
        ),
        (
            expedite::command::Command::RecordSeries {
                incident: id,
                buckets,
            },
            t(26),
        ),
    ];
    for (step, at) in steps {
        store.execute(&mut state, step, "Sam", at).unwrap();
    }
}

#[test]
fn the_watched_metric_keeps_its_controls_in_place() {
    walk_view(
        watched,
        30,
        "Deployment",
        &[
            Press::Type("Threshold", "lots"),
            Press::Click("Set"),
            Press::Type("Threshold", "0"),
            Press::Click("Set"),
            Press::Type("Impact from", "soon"),
            Press::Click("Set impact window"),
            Press::Click("Read now"),
            Press::Click("Stop watching"),
        ],
    );
}

#[test]
fn the_conclusion_keeps_its_controls_in_place() {
    let mut moved = Vec::new();
    for (w, h) in SIZES {
        let dir = folder_with_incident(None);
        let mut harness = at_conclusion_sized(dir.path(), None, egui::vec2(w, h));
        moved.extend(walk(
            &mut harness,
            &format!("Conclusion at {w}x{h}"),
            &[
                Press::Type("To", "web-team@shop.test"),
                Press::Type(
                    "PRs, tickets and links, one per line",
                    "https://example.com/pr/1",
                ),
                Press::Click("Mark summary sent"),
                Press::Click("Mark origin told"),
                Press::Click("Copy summary"),
                // Refused (nothing typed), at the foot of the page; then the
                // notices are dismissed with the page scrolled to its end.
                Press::Click("Add follow-up"),
                Press::Click("Dismiss"),
                Press::Click("Dismiss"),
            ],
        ));
    }
    judge(moved);
}

#[test]
fn the_import_page_keeps_its_controls_in_place() {
    let mut moved = Vec::new();
    for (w, h) in SIZES {
        let dir = folder_with_incident(None);
        with_roster(dir.path());
        let csv = dir.path().join("more.csv");
        std::fs::write(&csv, "Name,Role,Mobile\nLee Park,Tester,+44 7700 900555\n").unwrap();
        let mut harness = window(dir.path(), t(0), egui::vec2(w, h));
        click(&mut harness, "Contacts");
        click(&mut harness, "Import or export…");
        let path = csv.display().to_string();
        moved.extend(walk(
            &mut harness,
            &format!("Import at {w}x{h}"),
            &[
                Press::Type("File or address", &path),
                Press::Click("Preview import"),
                Press::Click("Import"),
            ],
        ));
    }
    judge(moved);
}
