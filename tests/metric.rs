//! Watching the confirming metric against real servers: VictoriaMetrics
//! and Prometheus (Debian's packages) on 127.0.0.1, fed back-dated samples,
//! read through `expedite metric …` as a team's script would. Without the
//! servers each test says it was skipped and why — except under CI (`CI`
//! set), where they must run.

#[path = "support/bus.rs"]
mod bus;
#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;
#[path = "support/victoria.rs"]
mod victoria;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration as Wait, Instant};

use chrono::{DateTime, Duration, Utc};
use expedite::command::{Command as Cmd, NewEvidence};
use expedite::model::{EvidenceKind, IncidentId};
use expedite::store::Store;
use victoria::Victoria;

fn expedite(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_expedite"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("EXPEDITE_DATA_DIR")
        .env("EXPEDITE_SECRETS", "file")
        .env("USER", "sam")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

/// `expedite metric connect prometheus --url URL --query QUERY`.
fn connect(dir: &Path, url: &str, query: &str) -> Output {
    expedite(
        dir,
        &[
            "metric",
            "connect",
            "prometheus",
            "--url",
            url,
            "--query",
            query,
        ],
    )
}

fn show(dir: &Path, id: &IncidentId) -> serde_json::Value {
    let o = ok(expedite(
        dir,
        &["metric", "show", "--json", "--incident", id.as_str()],
    ));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The whole minute `minutes` from the declaration.
fn minute(declared: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    declared + Duration::minutes(minutes)
}

/// The scenarios, each a label on one counter, as errors a minute by the
/// minute (from the declaration): 4 a minute normally; 80 from 20 minutes
/// before the declaration; the fix deployed at +30 works from +33
/// ("recover"), or works and stops working at +70 ("relapse"), or never
/// works ("high").
fn rate(scenario: &str, m: i64) -> u64 {
    let high = match scenario {
        "recover" => (-20..33).contains(&m),
        "relapse" => (-20..33).contains(&m) || m >= 70,
        _ => m >= -20,
    };
    if high { 80 } else { 4 }
}

const SCENARIOS: [&str; 3] = ["recover", "relapse", "high"];
/// Where the samples begin, in minutes from the declaration: before the
/// day-earlier baseline.
const FIRST: i64 = -27 * 60;
/// Now, in minutes from the declaration.
const NOW: i64 = 90;

/// Every sample: (scenario, unix milliseconds, counter value), a sample
/// every 15 s, the counter rising by a quarter of the minute's rate.
fn samples(declared: DateTime<Utc>) -> Vec<(&'static str, i64, u64)> {
    let mut out = Vec::new();
    for scenario in SCENARIOS {
        let mut value = 0;
        for m in FIRST..NOW {
            for q in 0..4 {
                if m == FIRST && q == 0 {
                    out.push((scenario, minute(declared, m).timestamp_millis(), 0));
                }
                value += rate(scenario, m) / 4;
                let at = minute(declared, m) + Duration::seconds(15 * (q + 1));
                out.push((scenario, at.timestamp_millis(), value));
            }
        }
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `url` answers 200.
fn wait_ready(url: &str) {
    let start = Instant::now();
    while start.elapsed() < Wait::from_secs(60) {
        if let Ok(r) = ureq::get(url).call()
            && r.status() == 200
        {
            return;
        }
        std::thread::sleep(Wait::from_millis(100));
    }
    panic!("{url} never answered");
}

/// A VictoriaMetrics with the samples, or `None` (said) when this test's
/// clock was moved days ahead of the real one.
fn victoria_here(dir: &Path, declared: DateTime<Utc>) -> Option<Victoria> {
    let server = Victoria::start(dir)?;
    let mut body = String::new();
    for (scenario, ms, value) in samples(declared) {
        body.push_str(&format!(
            "checkout_errors_total{{scenario=\"{scenario}\"}} {value} {ms}\n"
        ));
    }
    server.import(&body);
    Some(server)
}

fn prometheus(dir: &Path, declared: DateTime<Utc>) -> (Running, String) {
    let data = dir.join("data");
    let mut open_metrics = String::from("# TYPE checkout_errors counter\n");
    for (scenario, ms, value) in samples(declared) {
        open_metrics.push_str(&format!(
            "checkout_errors_total{{scenario=\"{scenario}\"}} {value} {}.{:03}\n",
            ms / 1000,
            ms % 1000
        ));
    }
    open_metrics.push_str("# EOF\n");
    let file = dir.join("samples.om");
    std::fs::write(&file, open_metrics).unwrap();
    let made = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&file)
        .arg(&data)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made));
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1h\n").unwrap();
    let port = free_port();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--storage.tsdb.retention.time=100y")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{url}/-/ready"));
    (running, url)
}

/// An incident declared at `declared` with its fix deployed 30 minutes on,
/// in a new data folder.
fn desk(declared: DateTime<Utc>) -> (tempfile::TempDir, IncidentId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    store
        .execute(
            &mut state,
            Cmd::Declare {
                title: "Checkout errors".into(),
                evidence: NewEvidence {
                    kind: EvidenceKind::ErrorTracker { count: 80 },
                    text: "80 checkout errors a minute".into(),
                    link: None,
                },
                owner: None,
            },
            "Sam",
            declared,
        )
        .unwrap();
    let id = state.incidents.keys().next().unwrap().clone();
    store
        .execute(
            &mut state,
            Cmd::RecordFix {
                incident: id.clone(),
                description: "roll back the tax change".into(),
                deviations: Vec::new(),
                permanent_fix: None,
            },
            "Sam",
            minute(declared, 25),
        )
        .unwrap();
    store
        .execute(
            &mut state,
            Cmd::RecordDeployment {
                incident: id.clone(),
                at: Some(minute(declared, 30)),
                usual_way: true,
                rollback_plan: "redeploy the previous build".into(),
            },
            "Sam",
            minute(declared, 30),
        )
        .unwrap();
    (dir, id)
}

fn declared_now() -> DateTime<Utc> {
    let now = Utc::now();
    let whole = DateTime::from_timestamp(now.timestamp() / 60 * 60, 0).unwrap();
    whole - Duration::minutes(NOW)
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Each scenario through one server: connect, poll, show.
fn scenarios(url: &str, declared: DateTime<Utc>) {
    for scenario in SCENARIOS {
        let (dir, id) = desk(declared);
        let query = format!("sum(increase(checkout_errors_total{{scenario=\"{scenario}\"}}[1m]))");
        ok(connect(dir.path(), url, &query));
        let polled = ok(expedite(dir.path(), &["metric", "poll"]));
        let said = text(&polled);
        let json = show(dir.path(), &id);
        assert_eq!(json["baseline"], 4.0, "{scenario}: {json}\n{said}");
        assert_eq!(json["threshold"], 5.0, "{scenario}: {json}");
        assert_eq!(
            json["impact"]["start"],
            rfc(minute(declared, -20)),
            "{scenario}: the impact began before the declaration\n{json}"
        );
        match scenario {
            "recover" => {
                assert_eq!(json["verdict"], "normal", "{json}\n{said}");
                assert_eq!(json["impact"]["end"], rfc(minute(declared, 33)), "{json}");
                assert_eq!(json["latest"]["value"], 4.0, "{json}");
                assert!(said.contains("Back to normal for"), "{said}");
                // The impact window goes into the summary, the postmortem
                // and the brief (the status), in the team's zone (UTC here).
                let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
                let window = format!(
                    "Impact, from the metric: {} to {} (53 min)",
                    stamp(minute(declared, -20)),
                    stamp(minute(declared, 33))
                );
                for part in ["summary", "postmortem"] {
                    let o = ok(expedite(dir.path(), &["export", part]));
                    let out = String::from_utf8_lossy(&o.stdout);
                    assert!(out.contains(&window), "{part}: {out}");
                    assert!(
                        out.contains("It began 20 min before it was declared."),
                        "{part}: {out}"
                    );
                }
            }
            "relapse" => {
                assert_eq!(json["verdict"], "regressed", "{json}\n{said}");
                assert_eq!(json["impact"]["end"], serde_json::Value::Null, "{json}");
                assert!(
                    said.contains("Back above normal after the fix: 80 a minute"),
                    "{said}"
                );
            }
            _ => {
                assert_eq!(json["verdict"], "above", "{json}\n{said}");
                assert_eq!(json["impact"]["end"], serde_json::Value::Null, "{json}");
            }
        }
        // The incident's status says it too.
        let status = ok(expedite(dir.path(), &["status", "--json"]));
        let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
        assert_eq!(status["metric"]["verdict"], json["verdict"], "{status}");
        let status = ok(expedite(dir.path(), &["status"]));
        assert!(
            String::from_utf8_lossy(&status.stdout).contains("Metric:       "),
            "{}",
            text(&status)
        );
        // A second poll reads only the newest minutes, and adds no point
        // twice.
        let points = json["points"].as_u64().unwrap();
        ok(expedite(dir.path(), &["metric", "poll"]));
        assert_eq!(show(dir.path(), &id)["points"].as_u64().unwrap(), points);
        // The verdict went on the timeline once.
        let file = std::fs::read_to_string(dir.path().join("incidents").join(format!("{id}.ron")))
            .unwrap();
        assert_eq!(file.matches("The metric: ").count(), 1, "{file}");
    }
}

#[test]
fn victoria_metrics_a_recovery_a_relapse_and_a_metric_still_high() {
    if bus::missing(&["victoria-metrics"], "metric").is_some() {
        return;
    }
    let declared = declared_now();
    let store = tempfile::tempdir().unwrap();
    let Some(server) = victoria_here(store.path(), declared) else {
        return;
    };
    let url = server.url.clone();
    scenarios(&url, declared);

    // A query giving more than one number, and a server gone: exit 1, why.
    let (dir, _) = desk(declared);
    ok(connect(
        dir.path(),
        &url,
        "increase(checkout_errors_total[1m])",
    ));
    let o = expedite(dir.path(), &["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("gives 3 series"), "{}", text(&o));
    assert!(text(&o).contains("wrap it in sum(…)"), "{}", text(&o));
    let gone = format!("http://127.0.0.1:{}", free_port());
    ok(connect(dir.path(), &gone, "up"));
    let o = expedite(dir.path(), &["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("could not be read: offline"),
        "{}",
        text(&o)
    );
    // Plain http to another machine would carry the key in the clear.
    let o = connect(dir.path(), "http://prom.example.com", "up");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("must be https://"), "{}", text(&o));
}

#[test]
fn two_desks_polling_one_metric_keep_each_minute_once() {
    if bus::missing(&["victoria-metrics", "git"], "metric").is_some() {
        return;
    }
    let declared = declared_now();
    let store = tempfile::tempdir().unwrap();
    let Some(server) = victoria_here(store.path(), declared) else {
        return;
    };
    let url = server.url.clone();
    let (_team, a, b, id) = team::two_desks();
    let query = "sum(increase(checkout_errors_total{scenario=\"high\"}[1m]))";
    let run = |dir: &Path, who: &str, args: &[&str]| team::ok(team::expedite(dir, who, args));
    run(
        &a,
        "Sam Patel",
        &[
            "metric",
            "connect",
            "prometheus",
            "--url",
            &url,
            "--query",
            query,
        ],
    );
    run(&a, "Sam Patel", &["sync"]);
    run(&b, "Alex Kim", &["sync"]);
    // The watch came through the shared folder: Alex's desk asks nothing
    // of its address until Alex agrees.
    let o = team::expedite(&b, "Alex Kim", &["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", team::text(&o));
    assert!(
        team::text(&o).contains("(set up on Sam Patel's desk)")
            && team::text(&o).contains("expedite metric poll --agree"),
        "{}",
        team::text(&o)
    );
    assert!(team::incidents(&b)[0].series.is_empty());
    // Both read the same hours, each on its own desk.
    run(&b, "Alex Kim", &["metric", "poll", "--agree"]);
    run(&a, "Sam Patel", &["metric", "poll"]);
    let alone = team::incidents(&a)[0].series.len();
    assert!(alone > 200, "{alone} readings");
    run(&a, "Sam Patel", &["sync"]);
    run(&b, "Alex Kim", &["sync"]);
    run(&a, "Sam Patel", &["sync"]);
    for dir in [&a, &b] {
        let incident = &team::incidents(dir)[0];
        assert_eq!(incident.id.as_str(), id);
        let mut starts: Vec<_> = incident.series.iter().map(|b| b.start).collect();
        let n = starts.len();
        starts.dedup();
        assert_eq!(starts.len(), n, "a minute kept twice");
        assert!(
            n >= alone && n <= alone + 2,
            "{n} after the merge, {alone} before"
        );
    }
    assert_eq!(team::incidents(&a)[0].series, team::incidents(&b)[0].series);
    // Both saw it above normal; the timeline says so once.
    let lines = team::timeline(&a, &id);
    let verdicts = lines
        .iter()
        .filter(|l| l.contains("The metric: Above normal"))
        .count();
    assert_eq!(verdicts, 1, "{lines:#?}");
}

#[test]
fn prometheus_a_recovery_a_relapse_and_a_metric_still_high() {
    if bus::missing(&["prometheus", "promtool"], "metric").is_some() {
        return;
    }
    let declared = declared_now();
    let store = tempfile::tempdir().unwrap();
    let (_server, url) = prometheus(store.path(), declared);
    scenarios(&url, declared);
}
