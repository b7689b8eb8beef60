//! Bugsnag, Sentry and Datadog as their documentation shows them, each
//! answered by a server on 127.0.0.1: the request each is sent, a good
//! answer, and each way an answer goes wrong — 429 with the service's own
//! rate-limit header, a 5xx, a hang, malformed JSON, an empty result, NaN.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/http.rs"]
mod http;

use std::process::Command;
use std::time::Duration as Wait;

use chrono::{DateTime, Duration, Utc};
use expedite::model::metric::{Source, SourceKind};
use expedite::sources::{self, Keys, ReadError};
use http::{Answer, Server};

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Now, to the whole minute, and the hour before it.
fn hour() -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    let to = DateTime::from_timestamp(now.timestamp() / 60 * 60, 0).unwrap();
    (to - Duration::hours(1), to)
}

fn source(kind: SourceKind, server: &Server) -> Source {
    Source {
        kind,
        url: server.url(""),
        query: "sum:checkout.errors{env:prod}.as_count()".into(),
        org: "acme".into(),
        project: "5f1".into(),
        error: String::new(),
        issue: "4242".into(),
    }
}

fn keys(server: &Server) -> Keys {
    Keys {
        token: "tok-secret-123".into(),
        app_key: "app-secret-456".into(),
        origin: sources::origin(&server.url("")),
    }
}

fn read(kind: SourceKind, answers: Vec<Answer>) -> (Result<sources::Read, ReadError>, Server) {
    let server = Server::start(answers);
    let (from, to) = hour();
    let got = sources::read(&source(kind, &server), &keys(&server), from, to, Utc::now());
    (got, server)
}

/// The faults every service is tried with: its 429 (with `header`), a
/// 5xx, a hang, malformed JSON.
fn faults(kind: SourceKind, header: &'static str, asked: u64) {
    let (got, _s) = read(kind, vec![Answer::Http(429, header, "{}")]);
    match got {
        Err(ReadError::Wait { after, .. }) => {
            assert!(
                after.as_secs().abs_diff(asked) <= 1,
                "{after:?}, asked {asked}"
            )
        }
        other => panic!("{other:?}"),
    }
    let (got, _s) = read(kind, vec![Answer::Http(503, "", "upstream down")]);
    assert!(matches!(got, Err(ReadError::Service(_))), "{got:?}");
    let start = std::time::Instant::now();
    let (got, _s) = read(kind, vec![Answer::Hang]);
    assert!(
        matches!(got, Err(ReadError::Service(ref w)) if w.contains("did not answer")),
        "{got:?}"
    );
    assert!(start.elapsed() < Wait::from_secs(20));
    let (got, _s) = read(kind, vec![Answer::Http(200, "", "{\"data\": [[1, ")]);
    assert!(matches!(got, Err(ReadError::Garbled(_))), "{got:?}");
    // Closed once the request was read: a read changes nothing there, so
    // it is simply asked again later.
    let (got, _s) = read(kind, vec![Answer::Close]);
    assert!(matches!(got, Err(ReadError::Service(_))), "{got:?}");
    // An answer far past any day of points is not read into memory.
    let huge = leak(format!("[{}]", "0,".repeat(5 << 20)));
    let (got, _s) = read(kind, vec![Answer::Http(200, "", huge)]);
    assert!(
        matches!(got, Err(ReadError::Garbled(ref w)) if w.contains("over 8 MB")),
        "{got:?}"
    );
    let (got, _s) = read(
        kind,
        vec![Answer::Http(
            401,
            "",
            "{\"errors\":[\"bad token tok-secret-123\"]}",
        )],
    );
    match got {
        Err(ReadError::Refused(why)) => assert!(!why.contains("tok-secret-123"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bugsnag_trend_buckets_spread_over_their_span() {
    let (from, to) = hour();
    let half = from + Duration::minutes(30);
    let body = leak(format!(
        r#"[{{"from":"{}","to":"{}","events_count":600}},{{"from":"{}","to":"{}","events_count":"NaN"}},{{"from":"{}","to":"{}","events_count":0}}]"#,
        from.to_rfc3339(),
        half.to_rfc3339(),
        half.to_rfc3339(),
        to.to_rfc3339(),
        to.to_rfc3339(),
        (to + Duration::hours(1)).to_rfc3339(),
    ));
    let (got, server) = read(SourceKind::Bugsnag, vec![Answer::Http(200, "", body)]);
    let got = got.unwrap();
    // 600 events over 30 minutes: 20 a minute, in one bucket of 30 min.
    assert_eq!(got.buckets.len(), 1, "{got:?}");
    assert_eq!(got.buckets[0].value, 20.0);
    assert_eq!(got.buckets[0].secs, 1800);
    assert_eq!(got.left_out, 2, "NaN, and a bucket not over yet");
    let seen = &server.seen()[0];
    assert!(
        seen.path
            .starts_with("/projects/5f1/trend?buckets_count=60"),
        "{}",
        seen.path
    );
    let headers = seen.headers.to_ascii_lowercase();
    assert!(
        headers.contains("authorization: token tok-secret-123"),
        "{headers}"
    );
    assert!(headers.contains("x-version: 2"), "{headers}");
    let (got, _s) = read(SourceKind::Bugsnag, vec![Answer::Http(200, "", "[]")]);
    assert!(got.unwrap().buckets.is_empty());
    faults(SourceKind::Bugsnag, "Retry-After: 42\r\n", 42);
}

#[test]
fn sentry_counts_an_issues_events_a_minute() {
    let (from, _) = hour();
    let t = |m: i64| (from + Duration::minutes(m)).timestamp();
    let body = leak(format!(
        r#"{{"data":[[{},[{{"count":3}}]],[{},[{{"count":0}}]],[{},[{{"count":"NaN"}}]]],"start":{},"end":{}}}"#,
        t(0),
        t(1),
        t(2),
        t(0),
        t(60)
    ));
    let (got, server) = read(SourceKind::Sentry, vec![Answer::Http(200, "", body)]);
    let got = got.unwrap();
    let values: Vec<f64> = got.buckets.iter().map(|b| b.value).collect();
    assert_eq!(values, vec![3.0, 0.0]);
    assert_eq!(
        got.left_out, 1,
        "a count the service can't say is not taken for none"
    );
    assert_eq!(got.buckets[0].start, from);
    let seen = &server.seen()[0];
    assert!(
        seen.path
            .starts_with("/api/0/organizations/acme/events-stats/?"),
        "{}",
        seen.path
    );
    assert!(seen.path.contains("query=issue.id%3A4242"), "{}", seen.path);
    assert!(seen.path.contains("interval=1m"), "{}", seen.path);
    assert!(
        seen.headers.contains("Bearer tok-secret-123"),
        "{}",
        seen.headers
    );
    let (got, _s) = read(
        SourceKind::Sentry,
        vec![Answer::Http(200, "", r#"{"data":[]}"#)],
    );
    assert!(got.unwrap().buckets.is_empty());
    let reset = leak(format!(
        "X-Sentry-Rate-Limit-Reset: {}\r\n",
        Utc::now().timestamp() + 120
    ));
    faults(SourceKind::Sentry, reset, 120);
}

#[test]
fn datadog_points_per_interval_with_float_times_and_nulls() {
    let (from, _) = hour();
    let ms = |m: i64| (from + Duration::minutes(m)).timestamp_millis();
    let body = leak(format!(
        r#"{{"status":"ok","res_type":"time_series","series":[{{"metric":"checkout.errors","interval":120,"pointlist":[[{}.0,240.0],[{},null],[{},"NaN"]]}}],"query":"q"}}"#,
        ms(0),
        ms(2),
        ms(4)
    ));
    let (got, server) = read(SourceKind::Datadog, vec![Answer::Http(200, "", body)]);
    let got = got.unwrap();
    // 240 in two minutes: 120 a minute.
    assert_eq!(got.buckets.len(), 1, "{got:?}");
    assert_eq!(got.buckets[0].value, 120.0);
    assert_eq!(got.buckets[0].secs, 120);
    assert_eq!(got.left_out, 2);
    let seen = &server.seen()[0];
    assert!(
        seen.path.starts_with("/api/v1/query?from="),
        "{}",
        seen.path
    );
    let headers = seen.headers.to_ascii_lowercase();
    assert!(headers.contains("dd-api-key: tok-secret-123"), "{headers}");
    assert!(
        headers.contains("dd-application-key: app-secret-456"),
        "{headers}"
    );
    let (got, _s) = read(
        SourceKind::Datadog,
        vec![Answer::Http(200, "", r#"{"status":"ok","series":[]}"#)],
    );
    assert!(got.unwrap().buckets.is_empty());
    let (got, _s) = read(
        SourceKind::Datadog,
        vec![Answer::Http(
            200,
            "",
            r#"{"status":"error","error":"Error parsing query: unknown metric"}"#,
        )],
    );
    assert!(
        matches!(got, Err(ReadError::Refused(ref w)) if w.contains("unknown metric")),
        "{got:?}"
    );
    faults(SourceKind::Datadog, "X-RateLimit-Reset: 7\r\n", 7);
}

#[test]
fn keys_given_on_standard_input_stay_on_the_desk_and_go_to_their_address_only() {
    let (from, _) = hour();
    let ms = |m: i64| (from + Duration::minutes(m)).timestamp_millis();
    let body = leak(format!(
        r#"{{"status":"ok","series":[{{"interval":60,"pointlist":[[{},5.0],[{},6.0]]}}]}}"#,
        ms(0),
        ms(1)
    ));
    let server = Server::start(vec![Answer::Http(200, "", body)]);
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| desk::expedite_as(dir.path(), "Sam", args);
    let declared = run(&[
        "declare",
        "--title",
        "Checkout errors",
        "--evidence",
        "error-tracker:80 errors",
    ]);
    assert!(declared.status.success(), "{}", desk::printed(&declared));
    let mut connect = Command::new(env!("CARGO_BIN_EXE_expedite"));
    desk::at_desk(&mut connect, dir.path(), "Sam")
        .env("EXPEDITE_SECRETS", "file")
        .args(["metric", "connect", "datadog", "--url"])
        .arg(server.url(""))
        .args([
            "--query",
            "sum:checkout.errors{*}.as_count()",
            "--token",
            "-",
            "--app-key",
            "-",
        ]);
    let o = desk::run_with_stdin(connect, "dd-api-789\ndd-app-012\n");
    assert!(o.status.success(), "{}", desk::printed(&o));
    assert!(
        desk::printed(&o).contains("readable by you only"),
        "{}",
        desk::printed(&o)
    );
    let o = run(&["metric", "poll"]);
    assert!(o.status.success(), "{}", desk::printed(&o));
    let headers = server.seen()[0].headers.to_ascii_lowercase();
    assert!(headers.contains("dd-api-key: dd-api-789"), "{headers}");
    assert!(
        headers.contains("dd-application-key: dd-app-012"),
        "{headers}"
    );
    // The keys are in the desk's own file, nowhere in the shared ones.
    for entry in walk(dir.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        let own = entry.ends_with("connections.ron");
        assert_eq!(text.contains("dd-api-789"), own, "{}", entry.display());
    }
    let o = run(&["metric", "show", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["latest"]["value"], 6.0, "{json}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("dd-api"));
    // A colleague points the shared source elsewhere: the key is not sent.
    let elsewhere = Server::start(vec![Answer::Http(200, "", body)]);
    let o = run(&[
        "metric",
        "connect",
        "datadog",
        "--url",
        &elsewhere.url(""),
        "--query",
        "x",
    ]);
    assert!(
        desk::printed(&o).contains("no key for it yet"),
        "{}",
        desk::printed(&o)
    );
    let o = run(&["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    assert!(
        elsewhere.seen().is_empty(),
        "the key went to another address"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// What a crafted commit can put in the shared source is read only as a
/// source connected here could be: no plain http to another machine, and a
/// password in the address is refused before it is kept anywhere.
#[test]
fn a_shared_source_is_checked_again_before_it_is_read() {
    let server = Server::start(vec![Answer::Http(200, "", "{}")]);
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| desk::expedite_as(dir.path(), "Sam", args);
    let o = run(&[
        "declare",
        "--title",
        "Checkout errors",
        "--evidence",
        "error-tracker:80 errors",
    ]);
    assert!(o.status.success(), "{}", desk::printed(&o));
    let o = run(&[
        "metric",
        "connect",
        "prometheus",
        "--url",
        "https://bob:hunter2@prom.example.com",
        "--query",
        "up",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    assert!(
        desk::printed(&o).contains("holds a name and password"),
        "{}",
        desk::printed(&o)
    );
    assert!(!desk::printed(&o).contains("hunter2"));
    let o = run(&[
        "metric",
        "connect",
        "prometheus",
        "--url",
        &server.url(""),
        "--query",
        "up",
    ]);
    assert!(o.status.success(), "{}", desk::printed(&o));
    for entry in walk(dir.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains("hunter2"), "{}", entry.display());
    }
    // Someone with push access points the shared source at another
    // machine over plain http.
    let file = walk(dir.path())
        .into_iter()
        .find(|p| {
            p.extension().is_some_and(|e| e == "ron")
                && p.parent().is_some_and(|d| d.ends_with("incidents"))
        })
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(&server.url(""), "http://192.0.2.10:9090"),
    )
    .unwrap();
    let o = run(&["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    assert!(
        desk::printed(&o).contains("can't be read as it stands"),
        "{}",
        desk::printed(&o)
    );
    assert!(
        desk::printed(&o).contains("must be https://"),
        "{}",
        desk::printed(&o)
    );
    assert!(server.seen().is_empty(), "nothing was asked of anyone");
    // Pointed at another https address, it is not read until this desk
    // agrees: nothing is asked of an address chosen by whoever pushed.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("http://192.0.2.10:9090", "https://203.0.113.7"),
    )
    .unwrap();
    let o = run(&["metric", "poll"]);
    assert_eq!(o.status.code(), Some(1), "{}", desk::printed(&o));
    assert!(
        desk::printed(&o).contains("is read from https://203.0.113.7 (not agreed to on this desk)")
            && desk::printed(&o).contains("expedite metric poll --agree"),
        "{}",
        desk::printed(&o)
    );
}
