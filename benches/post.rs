//! From pressing Post to the destination receiving the request: the outbox
//! written (before the first try) and the request sent, against a local
//! server that answers at once. Target: at most 50 ms median.
//!
//! The figure is the time from the post being handed to the outbox until
//! the server has read the request; the server's own time and what happens
//! after it answers (the timeline noting "Posted") are not in it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::post::{Connection, Connections, connections_path, outbox, write_local};
use expedite::store::Store;

/// A server that answers 200 at once and says when each request was read.
fn server() -> (u16, mpsc::Receiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("an address").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = tx.send(Instant::now());
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (port, rx)
}

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
    let (port, received) = server();
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
                let at = now + chrono::Duration::seconds(n);
                let pressed = Instant::now();
                outbox::enqueue(root, &id, "#expedite", at, text, expedite::desk::now())
                    .expect("queued");
                outbox::drain(root, "Sam Patel", &expedite::desk::now).expect("sent");
                let got = received
                    .recv_timeout(Duration::from_secs(5))
                    .expect("received");
                total += got - pressed;
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
