//! Loading a large data folder, saving one incident, and merging two
//! desks' versions of one.
//!
//! The data: 1,000 resolved incidents with 50 timeline entries each and a
//! roster of 10,000 contacts. Targets: load everything in at most 150 ms;
//! save one incident (with fsync) in at most 5 ms, median; merge two
//! versions of an incident of 500 timeline entries, each with changes the
//! other lacks, in at most 5 ms, median.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use expedite::sample;
use expedite::store::Store;

fn large_folder() -> (tempfile::TempDir, Vec<expedite::model::Incident>) {
    // On the real disk, not tmpfs, so fsync costs what it costs users.
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).expect("temp dir");
    let mut store = Store::open(dir.path()).expect("open");
    let incidents = sample::incidents(1_000, 50);
    for incident in &incidents {
        store.save_incident(incident).expect("save");
    }
    store
        .save_roster(&sample::roster(10_000))
        .expect("save roster");
    (dir, incidents)
}

fn bench(c: &mut Criterion) {
    let (dir, incidents) = large_folder();
    let mut group = c.benchmark_group("store");
    group.sample_size(20);
    group.bench_function("load 1000 incidents + 10000 contacts", |b| {
        // The app keeps what it loads, so freeing it is not part of the measure.
        b.iter_with_large_drop(|| {
            let mut store = Store::open(dir.path()).expect("open");
            let (state, problems) = store.load();
            assert!(problems.is_empty());
            black_box(state)
        })
    });
    let mut store = Store::open(dir.path()).expect("open");
    store.load();
    let mut incident = incidents[500].clone();
    group.sample_size(100);
    group.bench_function("save one incident (fsync)", |b| {
        b.iter(|| {
            incident.title.push('.');
            store.save_incident(black_box(&incident)).expect("save");
        })
    });
    group.finish();
}

fn merge(c: &mut Criterion) {
    use chrono::Duration;
    use expedite::model::{Decision, Part, TimelineEntry};
    let mut base = sample::incident(0, 1, 500);
    base.resolved_at = None;
    let end = base.timeline.last().map(|e| e.at).expect("entries");
    let mut ours = base.clone();
    let mut theirs = base.clone();
    for (side, who) in [(&mut ours, "Sam Patel"), (&mut theirs, "Alex Kim")] {
        for k in 0..10 {
            side.timeline.push(TimelineEntry {
                at: end + Duration::seconds(7 * k + who.len() as i64),
                by: who.into(),
                what: format!("Note: {who} {k}"),
                change: None,
            });
        }
        side.edits.insert(
            Part::Classification,
            expedite::model::Edit {
                at: end + Duration::minutes(2),
                by: who.into(),
            },
        );
    }
    ours.classification.decision = Some(Decision::Unsure);
    theirs.classification.decision = Some(Decision::DoNotExpedite);
    let mut group = c.benchmark_group("merge");
    group.bench_function("two versions of a 500-entry incident", |b| {
        b.iter(|| {
            expedite::merge::merge_incident(
                Some(black_box(&base)),
                black_box(&ours),
                black_box(&theirs),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench, merge);
criterion_main!(benches);
