//! One pass of the cockpit (build the frame, no painting) with a busy
//! incident: 500 timeline entries, and a roster of 10,000 contacts with a
//! rota of 10,000 shifts and 50 rotations loaded.
//! Target: at most 1 ms median per pass.
//!
//! Measured through egui_kittest, whose step also builds the accessibility
//! tree (the window only does that when a screen reader asks), so these
//! figures are an upper bound for the window.

use std::hint::black_box;

use chrono::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::Command;
use expedite::sample;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

fn busy_folder() -> (tempfile::TempDir, chrono::DateTime<chrono::Utc>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("open");
    let mut incident = sample::incident(0, 1, 500);
    incident.resolved_at = None;
    let now = incident.opened_at + Duration::minutes(30);
    store.save_incident(&incident).expect("save incident");
    // With the rota the roster bench uses: 10,000 shifts, 50 rotations.
    let mut roster = sample::roster(10_000);
    roster.rota = sample::rota(&roster, 10_000, 50, now);
    store.save_roster(&roster).expect("save roster");
    let (mut state, _) = store.load();
    let me = Command::SetMe {
        name: "Sam Patel".into(),
    };
    store.execute(&mut state, me, "Sam Patel", now).expect("me");
    (dir, now)
}

fn cockpit(
    dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).expect("open");
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| ExpediteApp::new(store, Box::new(move || now)));
    harness.run();
    harness
}

fn show(harness: &mut Harness<'static, ExpediteApp>, view: &str) {
    harness.get_by_role_and_label(Role::Button, view).click();
    harness.run();
}

fn bench(c: &mut Criterion) {
    let (dir, now) = busy_folder();
    let mut group = c.benchmark_group("ui pass");
    for view in [
        "Classified",
        "Team formed",
        "Timeline",
        "Deployment",
        "Conclusion",
        "Contacts",
    ] {
        let mut harness = cockpit(dir.path(), now);
        show(&mut harness, view);
        group.bench_function(format!("{view} view"), |b| {
            b.iter(|| {
                harness.step();
                black_box(harness.output());
            })
        });
    }
    // Typing in the contact search: every keystroke searches 10,000 contacts afresh.
    let mut harness = cockpit(dir.path(), now);
    show(&mut harness, "Contacts");
    harness
        .get_by_role_and_label(Role::TextInput, "Find contact")
        .click();
    harness.run();
    let mut typed = false;
    group.bench_function("Contacts view, one keystroke", |b| {
        b.iter(|| {
            // Alternate adding and removing a letter so each pass searches anew.
            if typed {
                harness.key_press(egui::Key::Backspace);
            } else {
                harness.event(egui::Event::Text("a".into()));
            }
            typed = !typed;
            harness.step();
            black_box(harness.output());
        })
    });
    // A save that takes ten seconds, as on a network disk that hangs: the
    // frame goes on at its usual cost while the note is being saved.
    let store = Store::open(dir.path()).expect("open");
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(move || now))
                .with_slow_disk(std::time::Duration::from_secs(10))
        });
    harness.run();
    show(&mut harness, "Timeline");
    harness
        .get_by_role_and_label(Role::TextInput, "Note")
        .click();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Note")
        .type_text("Waiting on the disk");
    harness.step();
    harness
        .get_by_role_and_label(Role::Button, "Add note")
        .click();
    harness.step();
    assert!(harness.state().is_busy(), "the note is being saved");
    group.bench_function("Timeline view, while a save takes 10 s", |b| {
        b.iter(|| {
            harness.step();
            black_box(harness.output());
        })
    });
    assert!(harness.state().is_busy(), "still saving throughout");
    harness.state().slow_disk(std::time::Duration::ZERO);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
