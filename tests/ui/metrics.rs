//! The watched metric in the window: connecting it from the Deployment
//! stage (with a test read), the service reading it, what the header and
//! the stage say, and the notification when the fix does not hold — with
//! a Prometheus-API server on 127.0.0.1 answering as Prometheus documents.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use expedite::command::Command;
use expedite::model::IncidentId;
use expedite::model::metric::{Source, SourceKind};
use expedite::reminder::{Actions, Notifier, Reminder};
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;
use crate::http::{Answer, Server};

fn id() -> IncidentId {
    IncidentId::parse("2026-11-26-sam-1").unwrap()
}

/// A `query_range` answer with a point a minute from three hours before
/// the declaration to `to` minutes after it, each the minute's errors:
/// 4 normally, 80 from 20 minutes before the declaration until the fix
/// works at +33, and 80 again from `relapse` on, when given.
fn answer(to: i64, relapse: Option<i64>) -> &'static str {
    let values: Vec<String> = (-179..=to)
        .map(|m| {
            let minute = m - 1;
            let high = (-20..33).contains(&minute) || relapse.is_some_and(|r| minute >= r);
            format!("[{},\"{}\"]", t(m).timestamp(), if high { 80 } else { 4 })
        })
        .collect();
    let body = format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{{\"metric\":{{}},\"values\":[{}]}}]}}}}",
        values.join(",")
    );
    Box::leak(body.into_boxed_str())
}

/// The incident with its fix deployed at +30.
fn deployed_folder() -> tempfile::TempDir {
    let dir = folder_with_incident(Some("Sam"));
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    store
        .execute(
            &mut state,
            Command::RecordDeployment {
                incident: id(),
                at: Some(t(30)),
                usual_way: true,
                rollback_plan: "redeploy v41".into(),
            },
            "Sam",
            t(30),
        )
        .unwrap();
    dir
}

#[derive(Default)]
struct Recording(Mutex<Vec<Reminder>>);

impl Notifier for Recording {
    fn show(&self, reminder: &Reminder, _: Actions) -> Result<(), String> {
        self.0.lock().unwrap().push(reminder.clone());
        Ok(())
    }
}

fn app(
    dir: &std::path::Path,
    now: DateTime<Utc>,
    notifier: Arc<Recording>,
) -> Harness<'static, ExpediteApp> {
    let store = Store::open(dir).unwrap();
    let mut harness = Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(move || now))
                .with_reminders(notifier, Box::new(move || now))
                .with_metrics()
                .with_posting()
        });
    settle(&mut harness);
    harness
}

#[test]
fn a_metric_connected_from_the_deployment_stage_is_read_and_judged() {
    let server = Server::start(vec![Answer::Http(200, "", answer(90, None))]);
    let dir = deployed_folder();
    let mut harness = app(dir.path(), t(91), Arc::default());
    click(&mut harness, "Deployment");
    harness.get_by_label_contains("Not watched: readings are typed by hand.");
    let button = harness.get_by_label("Watch this metric…").rect();
    click(&mut harness, "Watch this metric…");
    // Every kind's fields are there; choosing one moves none of them.
    let query_at = harness.get_by_label("Query").rect();
    click(&mut harness, "Sentry");
    assert_eq!(harness.get_by_label("Query").rect(), query_at);
    click(&mut harness, "Prometheus");
    type_into(&mut harness, "Address", &server.url(""));
    click(&mut harness, "Watch");
    wait_for(&mut harness, "A Prometheus metric needs --query");
    type_into(
        &mut harness,
        "Query",
        "sum(increase(checkout_errors_total[1m]))",
    );
    type_into(&mut harness, "Key or token", "glsa_kept_on_this_desk");
    click(&mut harness, "Test");
    wait_for(&mut harness, "readings of the last hour: 4 a minute");
    click(&mut harness, "Watch");
    wait_for(&mut harness, "Back to normal for 57 min since the deploy");
    harness.get_by_label("Metric normal");
    // The stage counts what the watched metric read since the deploy.
    assert!(
        harness
            .query_by_label_contains("a reading of the original metric since the deploy")
            .is_none()
    );
    harness.get_by_label_contains("Prometheus at http://127.0.0.1");
    harness.get_by_label_contains("Impact, as the metric shows it: from ");
    // The button that opened it is where it was, saying what it does now.
    assert_eq!(
        harness.get_by_label("Change the metric…").rect().min,
        button.min
    );
    // The key went with the requests and stays on this desk.
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.headers.contains("Bearer glsa_kept_on_this_desk")),
        "the key was not sent"
    );
    settle(&mut harness);
    let file = incident_file(dir.path());
    assert!(
        file.contains("sum(increase(checkout_errors_total[1m]))"),
        "{file}"
    );
    assert!(!file.contains("glsa_kept"), "the key is in the shared file");
    let drafts = std::fs::read_to_string(dir.path().join("drafts.ron")).unwrap_or_default();
    assert!(!drafts.contains("glsa_kept"), "the key is in the drafts");
    let connections = std::fs::read_to_string(dir.path().join("connections.ron")).unwrap();
    assert!(connections.contains("metric_keys"), "{connections}");
    // The owner's own threshold.
    type_into(&mut harness, "Threshold", "100");
    click(&mut harness, "Set");
    wait_for(&mut harness, "Normal: 4 a minute, never over the threshold");
    assert!(incident_file(dir.path()).contains("Metric threshold set to 100 a minute"));
    // The owner corrects when the impact began; the end stays the metric's.
    type_into(&mut harness, "Impact from", "01:45");
    click(&mut harness, "Set impact window");
    settle(&mut harness);
    let file = incident_file(dir.path());
    assert!(file.contains("Impact window set: from "), "{file}");
    assert!(file.contains(" to as the metric shows"), "{file}");
    type_into(&mut harness, "Impact from", "soon");
    click(&mut harness, "Set impact window");
    harness.get_by_label_contains("Impact from: ");
    // The brief proposes what comes next.
    click(&mut harness, "Brief");
    harness.get_by_label_contains("post a last update and resolve?");
}

#[test]
fn the_fix_not_holding_is_told_once_by_a_notification() {
    let server = Server::start(vec![Answer::Http(200, "", answer(95, Some(70)))]);
    let dir = deployed_folder();
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let source = Source {
        kind: SourceKind::Prometheus,
        url: server.url(""),
        query: "sum(increase(checkout_errors_total[1m]))".into(),
        org: String::new(),
        project: String::new(),
        error: String::new(),
        issue: String::new(),
    };
    store
        .execute(
            &mut state,
            Command::WatchMetric {
                incident: id(),
                source: Box::new(source),
            },
            "Sam",
            t(31),
        )
        .unwrap();
    // What was read before: back to normal since +33.
    let read_before: Vec<_> = expedite::sources::prometheus::parse(answer(60, None), t(61))
        .unwrap()
        .buckets;
    store
        .execute(
            &mut state,
            Command::RecordSeries {
                incident: id(),
                buckets: read_before,
            },
            "Sam",
            t(61),
        )
        .unwrap();
    drop(store);
    let notifier = Arc::new(Recording::default());
    let mut harness = app(dir.path(), t(96), notifier.clone());
    click(&mut harness, "Deployment");
    wait_for(
        &mut harness,
        "Back above normal after the fix: 80 a minute since",
    );
    harness.get_by_label("Metric back above normal");
    harness.get_by_label_contains("the watched metric is above normal");
    let told = || {
        notifier
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.summary.contains("back above normal"))
            .cloned()
            .collect::<Vec<_>>()
    };
    for _ in 0..100 {
        if !told().is_empty() {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let told = told();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].summary, "Checkout returns 500: back above normal");
    assert!(
        told[0].body.contains("80 a minute since"),
        "{}",
        told[0].body
    );
    assert!(told[0].critical);
    let file = incident_file(dir.path());
    assert_eq!(
        file.matches("The metric: Back above normal after the fix")
            .count(),
        1
    );
}
