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
use expedite::model::metric::Source;
use expedite::reminder::{Actions, Notifier, Reminder};
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;
use crate::http::{Answer, Server};
use crate::victoria::Victoria;

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
    fn show(&self, reminder: &Reminder, _: Actions) -> Result<(), expedite::reminder::NotifyError> {
        self.0.lock().unwrap().push(reminder.clone());
        Ok(())
    }
}

/// A Prometheus-API source at `url` for `query`.
fn source(url: &str, query: &str) -> Box<Source> {
    Box::new(Source::prometheus(url, query))
}

/// The incident deployed at +30, its metric on `server` watched from +31
/// (connected on this desk) and read as `answer` gave it up to `read_to`
/// minutes.
fn watched_folder(server: &Server, read_to: i64) -> tempfile::TempDir {
    let dir = deployed_folder();
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let source = source(&server.url(""), "sum(increase(checkout_errors_total[1m]))");
    expedite::sources::keys::agree(dir.path(), id().as_str(), &source).unwrap();
    let watch = Command::WatchMetric {
        incident: id(),
        source,
    };
    store.execute(&mut state, watch, "Sam", t(31)).unwrap();
    let read_at = t(read_to + 1);
    let mut read_before = expedite::sources::prometheus::parse(answer(read_to, None), read_at)
        .unwrap()
        .buckets;
    // Read for the watch connected at +31.
    for b in &mut read_before {
        b.of = t(31).timestamp_millis();
    }
    let record = Command::RecordSeries {
        incident: id(),
        buckets: read_before,
    };
    store.execute(&mut state, record, "Sam", read_at).unwrap();
    dir
}

/// The notifications whose summary says `about`, once the window has had
/// two seconds to show any.
fn told(
    harness: &mut Harness<'static, ExpediteApp>,
    notifier: &Recording,
    about: &str,
) -> Vec<Reminder> {
    let shown = || -> Vec<Reminder> {
        let all = notifier.0.lock().unwrap();
        all.iter()
            .filter(|r| r.summary.contains(about))
            .cloned()
            .collect()
    };
    for _ in 0..100 {
        if !shown().is_empty() {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    shown()
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
                .with_metrics_on(Box::new(move || now))
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
    // What was read before: back to normal since +33.
    let dir = watched_folder(&server, 60);
    let notifier = Arc::new(Recording::default());
    let mut harness = app(dir.path(), t(96), notifier.clone());
    click(&mut harness, "Deployment");
    wait_for(
        &mut harness,
        "Back above normal after the fix: 80 a minute since",
    );
    harness.get_by_label("Metric back above normal");
    harness.get_by_label_contains("the watched metric is above normal");
    let told = told(&mut harness, &notifier, "back above normal");
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

/// Stores `name`'s value for each minute from `minutes` on `server`, each
/// written at the end of its minute.
fn import(
    server: &Victoria,
    name: &str,
    declared: DateTime<Utc>,
    minutes: impl Iterator<Item = (i64, u32)>,
) {
    let mut body = String::new();
    for (m, value) in minutes {
        let at = declared + chrono::Duration::minutes(m + 1);
        body.push_str(&format!("{name} {value} {}\n", at.timestamp_millis()));
    }
    server.import(&body);
}

/// Against a real VictoriaMetrics and the real clock: a fix deployed 30
/// minutes after the declaration brings the errors down at +33; an hour on
/// the window says so and proposes the impact window, the summary carries
/// it; then the errors come back, and the next read raises a notification.
#[test]
fn a_real_metric_server_shows_the_fix_working_and_then_not_holding() {
    let store = tempfile::tempdir().unwrap();
    if crate::bus::missing(&["victoria-metrics"], "metric").is_some() {
        return;
    }
    let Some(server) = Victoria::start(store.path()) else {
        return;
    };
    let now = Utc::now();
    let declared = DateTime::from_timestamp(now.timestamp() / 60 * 60, 0).unwrap()
        - chrono::Duration::minutes(90);
    // Errors a minute: 4, then 80 from 20 minutes before the declaration
    // until the fix works; each minute's value stands for that minute.
    let rate = |m: i64| if (-20..33).contains(&m) { 80 } else { 4 };
    import(
        &server,
        "checkout_errors",
        declared,
        (-27 * 60..90).map(|m| (m, rate(m))),
    );
    // An incident declared 90 minutes ago, its fix deployed at +30.
    let dir = tempfile::tempdir().unwrap();
    let mut disk = Store::open(dir.path()).unwrap();
    let (mut state, _) = disk.load();
    let me = Command::SetMe { name: "Sam".into() };
    disk.execute(&mut state, me, "Sam", declared).unwrap();
    let declare = Command::Declare {
        title: "Checkout returns 500".into(),
        evidence: expedite::command::NewEvidence {
            kind: expedite::model::EvidenceKind::ErrorTracker { count: 80 },
            text: "checkout errors".into(),
            link: None,
        },
        owner: None,
    };
    disk.execute(&mut state, declare, "Sam", declared).unwrap();
    let id = state.incidents.keys().next().unwrap().clone();
    let deployed = declared + chrono::Duration::minutes(30);
    let deploy = Command::RecordDeployment {
        incident: id.clone(),
        at: Some(deployed),
        usual_way: true,
        rollback_plan: "redeploy v41".into(),
    };
    disk.execute(&mut state, deploy, "Sam", deployed).unwrap();
    let source = source(
        &server.url,
        r#"sum(max_over_time({__name__=~"checkout_errors|checkout_errors_again"}[1m]))"#,
    );
    // Connected on this desk.
    expedite::sources::keys::agree(dir.path(), id.as_str(), &source).unwrap();
    let watch = Command::WatchMetric {
        incident: id.clone(),
        source,
    };
    disk.execute(&mut state, watch, "Sam", now).unwrap();
    drop(disk);
    let notifier = Arc::new(Recording::default());
    let store = Store::open(dir.path()).unwrap();
    let told = notifier.clone();
    let mut harness = Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            ExpediteApp::new(store, Box::new(Utc::now))
                .with_reminders(told, Box::new(Utc::now))
                .with_metrics()
        });
    click(&mut harness, "Deployment");
    wait_for_within(
        &mut harness,
        "Back to normal for 57 min since the deploy",
        20,
    );
    harness.get_by_label("Metric normal");
    let clock = |m: i64| {
        (declared + chrono::Duration::minutes(m))
            .with_timezone(&chrono::Local)
            .format("%H:%M")
            .to_string()
    };
    harness.get_by_label_contains(&format!(
        "Impact, as the metric shows it: from {} to {}",
        clock(-20),
        clock(33)
    ));
    // The errors come back for the last five minutes read: the next read
    // (every minute; Read now here) sees it.
    import(
        &server,
        "checkout_errors_again",
        declared,
        (85..90).map(|m| (m, 76)),
    );
    server.wait_until_served(
        "checkout_errors_again",
        declared + chrono::Duration::minutes(90),
    );
    click(&mut harness, "Read now");
    wait_for_within(
        &mut harness,
        "Back above normal after the fix: 80 a minute",
        20,
    );
    for _ in 0..100 {
        if notifier
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.summary.contains("back above normal"))
        {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let told: Vec<_> = notifier
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.summary.contains("back above normal"))
        .cloned()
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0]
            .body
            .contains(&format!("80 a minute since {}", clock(85))),
        "{}",
        told[0].body
    );
}

#[test]
fn declaring_can_go_straight_on_to_connecting_its_metric() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.ron"), "(me: \"Sam\")").unwrap();
    let mut harness = app_at(dir.path(), t(0));
    click(&mut harness, "Declare incident");
    type_into(&mut harness, "How many", "40");
    type_into(&mut harness, "What you see", "PaymentDeclined on checkout");
    type_into(&mut harness, "What is broken", "Card payments fail");
    harness
        .get_by_label_contains("Then connect this metric")
        .click();
    settle(&mut harness);
    click(&mut harness, "Declare");
    // Declared, and the metric's dialog is open over the new incident.
    harness.get_by_label("Watch this metric");
    harness.get_by_label("Key or token");
    assert!(incident_file(dir.path()).contains("Card payments fail"));
}

#[test]
fn back_to_normal_for_the_confirmation_time_is_told_with_what_to_do_next() {
    // Read so far: down since +33, for 7 minutes (coming down); the next
    // read reaches +60.
    let server = Server::start(vec![Answer::Http(200, "", answer(60, None))]);
    let dir = watched_folder(&server, 40);
    let notifier = Arc::new(Recording::default());
    let mut harness = app(dir.path(), t(61), notifier.clone());
    click(&mut harness, "Deployment");
    wait_for(&mut harness, "Back to normal for 27 min since the deploy");
    let told = told(&mut harness, &notifier, "back to normal");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].summary, "Checkout returns 500: back to normal");
    assert!(
        told[0].body.ends_with("— post a last update and resolve?"),
        "{}",
        told[0].body
    );
    assert!(!told[0].critical);
}

/// The deployed incident, its metric on `server` watched from +31 on Dana's
/// desk: what the shared folder brings, never agreed to on this one.
fn watched_on_danas_desk(server: &Server) -> tempfile::TempDir {
    let dir = deployed_folder();
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let watch = Command::WatchMetric {
        incident: id(),
        source: source(&server.url(""), "sum(increase(checkout_errors_total[1m]))"),
    };
    store.execute(&mut state, watch, "Dana", t(31)).unwrap();
    dir
}

/// A metric set up on another desk came through the shared folder, which
/// anyone with push access writes: this desk asks nothing of its address
/// until the person here agrees, then reads it every minute.
#[test]
fn a_metric_set_up_on_another_desk_is_read_here_only_once_agreed() {
    let server = Server::start(vec![Answer::Http(200, "", answer(90, None))]);
    let dir = watched_on_danas_desk(&server);
    let mut harness = app(dir.path(), t(91), Arc::default());
    click(&mut harness, "Deployment");
    wait_for(
        &mut harness,
        "Set up on Dana's desk: nothing is asked of http://127.0.0.1",
    );
    harness.get_by_label_contains("not read on this desk");
    let stop = harness.get_by_label("Stop watching").rect();
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(server.seen().is_empty(), "asked before this desk agreed");
    click(&mut harness, "Read it here");
    wait_for(&mut harness, "Back to normal for 57 min since the deploy");
    assert!(!server.seen().is_empty());
    assert!(
        harness
            .query_by_label_contains("Set up on Dana's desk")
            .is_none()
    );
    // The button said what it did in the same place; the next one stayed.
    harness.get_by_label("Read now");
    assert_eq!(harness.get_by_label("Stop watching").rect(), stop);
    settle(&mut harness);
    let connections = std::fs::read_to_string(dir.path().join("connections.ron")).unwrap();
    assert!(connections.contains("metric_sources"), "{connections}");
    // A later start reads it without asking again.
    drop(harness);
    let before = server.seen().len();
    let mut harness = app(dir.path(), t(92), Arc::default());
    click(&mut harness, "Deployment");
    for _ in 0..100 {
        if server.seen().len() > before {
            break;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(server.seen().len() > before, "not read after a restart");
    assert!(
        harness
            .query_by_label_contains("Set up on Dana's desk")
            .is_none()
    );
}

/// A colleague's watch on a desk whose own file can't be read: nothing is
/// asked of its address (whatever the window was told before), and what is
/// wrong with the desk's file is said.
#[test]
fn a_metric_from_elsewhere_is_not_read_when_the_desks_file_cannot_be_read() {
    let server = Server::start(vec![Answer::Http(200, "", answer(90, None))]);
    let dir = watched_on_danas_desk(&server);
    std::fs::write(dir.path().join("connections.ron"), "(not ron").unwrap();
    let mut harness = app(dir.path(), t(91), Arc::default());
    click(&mut harness, "Deployment");
    wait_for(&mut harness, "connections.ron can't be read");
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(server.seen().is_empty(), "asked without this desk agreeing");
}
