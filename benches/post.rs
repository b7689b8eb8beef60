//! From pressing Post to the destination receiving the request: the outbox
//! written (before the first try) and the request sent, against a local
//! server that answers at once. Target: at most 50 ms median.
//!
//! The figure is the time from the post being handed to the outbox until
//! the server has read the request; the server's own time and what happens
//! after it answers (the timeline noting "Posted") are not in it.

#[path = "../tests/support/http.rs"]
mod http;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::post::{Connection, Connections, connections_path, outbox, write_local};
use expedite::store::Store;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).expect("temp dir");
    let root = dir.path();
    let mut store = Store::open(root).expect("open");
    let (mut state, _) = store.load();
    let now = expedite::desk::now();
    let declare = Command::Declare {
        title: "Checkout 500s".into(),
        evidence: NewEvidence {
            kind: EvidenceKind::ErrorScreen,
            text: "booking errors".into(),
            link: None,
        },
        owner: None,
    };
    let id = store
        .execute(&mut state, declare, "Sam Patel", now)
        .expect("declared")
        .saved[0]
        .clone();
    let server = http::Server::start(vec![http::Answer::Http(200, "", "ok")]);
    let port = server.port;
    let mut connections = Connections::default();
    connections.channels.insert(
        "#expedite".into(),
        Connection::SlackWebhook {
            url: format!("http://127.0.0.1:{port}/hook"),
        },
    );
    write_local(&connections_path(root), &connections).expect("connected");
    let text = "Expedite update: Checkout 500s\nConditions: errors falling\nActions: watching\nNeeds: nothing right now\n";
    let mut group = c.benchmark_group("post");
    group.sample_size(30);
    let mut n = 0i64;
    group.bench_function("from Post to the server reading the request", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                // A channel of its own each time: the desk's pacing (one
                // message a second to a channel) is not what is measured.
                let channel = format!("#bench-{n}");
                connections.channels.clear();
                connections.channels.insert(
                    channel.clone(),
                    Connection::SlackWebhook {
                        url: format!("http://127.0.0.1:{port}/hook/{n}"),
                    },
                );
                write_local(&connections_path(root), &connections).expect("connected");
                let update = outbox::UpdateOut {
                    incident: id.clone(),
                    channel,
                    update_at: now + chrono::Duration::seconds(n),
                    update_by: "Sam Patel".into(),
                    text: text.into(),
                };
                let pressed = Instant::now();
                outbox::enqueue(root, &update, expedite::desk::now()).expect("queued");
                outbox::drain(root, &expedite::desk::now, &mut |_, _| {}).expect("sent");
                // The drain returns once the server has answered, so it has
                // read the request by now.
                let seen = server.seen();
                assert_eq!(seen.len() as i64, n, "one request a post");
                total += seen.last().expect("received").at - pressed;
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
