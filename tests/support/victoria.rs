//! A real VictoriaMetrics on 127.0.0.1 for the metric tests, fed
//! back-dated samples through its import API, stopped when dropped.
//! Callers first check it is installed (`bus::missing`): under CI it must be.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};

pub struct Victoria {
    child: Child,
    /// Where it answers: `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Drop for Victoria {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Victoria {
    /// Starts one storing in `dir`, once it answers; `None` (said) when
    /// this test's clock is moved days ahead of the real one:
    /// VictoriaMetrics (a Go program) keeps the real time under faketime
    /// and refuses samples more than two days in its future.
    pub fn start(dir: &Path) -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("victoria-metrics")
            .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
            .arg(format!("-storageDataPath={}", dir.display()))
            // Back-dated samples: no answer is served from the cache.
            .args([
                "-retentionPeriod=100y",
                "-search.latencyOffset=0s",
                "-search.disableCache",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..600 {
            if let Ok(answer) = ureq::get(format!("{}/health", server.url)).call() {
                let date = answer
                    .headers()
                    .get("date")
                    .and_then(|d| d.to_str().ok())
                    .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
                    .map(|d| d.to_utc())
                    .unwrap_or_else(Utc::now);
                if Utc::now() - date > chrono::Duration::days(1) {
                    eprintln!(
                        "skipped: the clock is moved ahead, and VictoriaMetrics keeps the real one"
                    );
                    return None;
                }
                return Some(server);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("victoria-metrics did not start");
    }

    /// Stores samples written in Prometheus's text format, a line each
    /// (`name{labels} value unix-milliseconds`), and flushes them.
    pub fn import(&self, lines: &str) {
        let answer = ureq::post(format!("{}/api/v1/import/prometheus", self.url))
            .send(lines)
            .unwrap();
        assert_eq!(answer.status(), 204);
        let _ = ureq::get(format!("{}/internal/force_flush", self.url)).call();
    }

    /// Waits until queries are answered with `name`'s sample at `at` (a busy
    /// machine may take a moment to make what was stored searchable).
    pub fn wait_until_served(&self, name: &str, at: DateTime<Utc>) {
        for _ in 0..300 {
            let answer = ureq::get(format!("{}/api/v1/query", self.url))
                .query("query", name)
                .query("time", at.timestamp().to_string())
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .unwrap_or_default();
            if answer.contains(&format!("\"{name}\"")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{name} was stored but never served");
    }
}
