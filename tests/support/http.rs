//! A small HTTP server on 127.0.0.1 for the tests, answering request by
//! request as a test scripts it, and keeping what it was sent.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server answers, request by request; the last one repeats.
#[derive(Clone)]
pub enum Answer {
    /// Status, extra header lines, body.
    Http(u16, &'static str, &'static str),
    /// Read the request, never answer.
    Hang,
    /// Read the request, then close the connection without a word (a
    /// proxy or a service that fell over once it had the message).
    Close,
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: String,
    pub body: String,
    /// When it arrived.
    pub at: std::time::Instant,
}

pub struct Server {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start(answers: Vec<Answer>) -> Self {
        Self::start_on(0, answers)
    }

    /// As [`Self::start`], on this port (0: any free one).
    pub fn start_on(port: u16, answers: Vec<Answer>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut headers = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    headers.push_str(&line);
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_owned();
                log.lock().unwrap().push(Seen {
                    path,
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                    at: std::time::Instant::now(),
                });
                let answer = answers[n.min(answers.len() - 1)].clone();
                n += 1;
                match answer {
                    Answer::Hang => {
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_secs(60));
                            drop(stream);
                        });
                    }
                    Answer::Close => {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                    }
                    Answer::Http(status, extra, body) => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
                            body.len()
                        );
                    }
                }
            }
        });
        Self { port, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}
