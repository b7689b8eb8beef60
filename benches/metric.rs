//! Reading and judging the confirming metric: a Prometheus `query_range`
//! answer for a day at one point a minute (1,440 points) read into buckets
//! and judged (baseline, threshold, verdict, impact window). Target: at
//! most 5 ms, median. Also judging alone a week of readings (the most an
//! incident keeps), as the window's stages do when the readings change.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use expedite::model::Done;
use expedite::model::metric::{self, Source, SourceKind, Watch};

fn answer(opened: DateTime<Utc>) -> String {
    let from = opened - Duration::hours(12);
    let values: Vec<String> = (1..=1440)
        .map(|m| {
            let at = from + Duration::minutes(m);
            let minute = m - 12 * 60;
            let value = if (-20..33).contains(&minute) {
                80
            } else {
                4 + m % 3
            };
            format!("[{},\"{value}\"]", at.timestamp())
        })
        .collect();
    format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{{\"metric\":{{}},\"values\":[{}]}}]}}}}",
        values.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let opened = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
    let now = opened + Duration::hours(13);
    let text = answer(opened);
    let watch = Watch::new(
        Source::prometheus(
            "https://prom.example.com",
            "sum(increase(checkout_errors_total[1m]))",
        ),
        Done {
            at: opened,
            by: "Sam".into(),
        },
    );
    let deployed = Some(opened + Duration::minutes(30));
    c.bench_function("read and judge a day at one point a minute", |b| {
        b.iter(|| {
            let read = expedite::sources::prometheus::parse(black_box(&text), now).unwrap();
            assert_eq!(read.buckets.len(), 1440);
            let series = metric::join_buckets(&[], &read.buckets);
            black_box(metric::judge(&series, &watch, opened, deployed))
        })
    });
}

fn week(c: &mut Criterion) {
    let opened = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
    let watch = Watch::new(
        Source::prometheus("https://prom.example.com", "x"),
        Done {
            at: opened,
            by: "Sam".into(),
        },
    );
    let series: Vec<metric::Bucket> = (-180..metric::MAX_BUCKETS as i64 - 180)
        .map(|m| metric::Bucket {
            start: opened + Duration::minutes(m),
            secs: 60,
            value: if (-20..33).contains(&m) {
                80.0
            } else {
                4.0 + (m % 3) as f64
            },
            source: SourceKind::Prometheus,
            read_at: opened + Duration::minutes(m + 1),
            of: 0,
        })
        .collect();
    let deployed = Some(opened + Duration::minutes(30));
    c.bench_function("judge a week of readings", |b| {
        b.iter(|| black_box(metric::judge(black_box(&series), &watch, opened, deployed)))
    });
}

criterion_group!(benches, bench, week);
criterion_main!(benches);
