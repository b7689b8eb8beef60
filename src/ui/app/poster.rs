//! Posting from the window: a thread of its own that puts saved updates in
//! the outbox, sends what is due (with the outbox's pacing and retries),
//! tests and changes connections, and tells the window where things stand.
//! The network never runs on the UI thread; a service that accepts the
//! connection and never answers holds up only this thread, and only for the
//! request's time limit.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::IncidentId;
use crate::post::outbox::{self, Standing};
use crate::post::send;
use crate::post::{Connection, Connections, connections_path, read_local};

/// How often waiting posts are looked at while the window is open.
const EVERY: Duration = Duration::from_secs(10);

/// What the window asks of the poster.
pub enum Job {
    /// An update was saved: post it, when its channel is connected.
    Post {
        incident: IncidentId,
        channel: String,
        update_at: DateTime<Utc>,
        text: String,
    },
    /// Try failed and unknown posts again (the person asked).
    Retry,
    /// Connect a channel.
    Connect {
        channel: String,
        connection: Connection,
    },
    /// Disconnect a channel.
    Disconnect { channel: String },
    /// Send a test message to a channel.
    Test { channel: String },
    /// The window is closing.
    Stop,
}

/// Where posting stands, as the window shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostNews {
    /// The connected channels, each with its connection as shown (masked).
    pub connected: BTreeMap<String, String>,
    /// Posts waiting to go out, with why.
    pub waiting: Vec<Stuck>,
    /// Posts refused, with why and what to do.
    pub failed: Vec<Stuck>,
    /// Posts that got no answer.
    pub unknown: Vec<Stuck>,
    /// The answer to the last test message or connection change.
    pub said: Option<Result<String, String>>,
    /// The incident files the outbox just wrote what became of posts into:
    /// the window reads them again.
    pub recorded: Vec<PathBuf>,
}

/// A post not out yet: which incident's, to which channel, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stuck {
    pub incident: IncidentId,
    pub channel: String,
    pub why: String,
}

/// The window's handle on the poster thread; stops it when dropped.
pub struct Poster {
    tx: Sender<Job>,
    /// Where posting stands after each change.
    pub news: Receiver<PostNews>,
}

impl Poster {
    /// Starts posting from the data folder `root` as `actor`; `wake` is
    /// called when where things stand has changed.
    pub fn start(root: PathBuf, actor: String, wake: impl Fn() + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let (news_tx, news) = mpsc::channel();
        let _ = thread::Builder::new().name("poster".into()).spawn(move || {
            let mut last = None;
            // At once on start: posts left waiting by the last run go now.
            let mut wait = Duration::ZERO;
            loop {
                let mut said = None;
                let asked = rx.recv_timeout(wait);
                wait = EVERY;
                match asked {
                    Ok(Job::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    Ok(job) => said = handle(&root, &actor, job),
                    Err(RecvTimeoutError::Timeout) => {}
                }
                // Said before sending (a post waits while its request is
                // out, however long that takes), and again after.
                let mut tell = |said: Option<Result<String, String>>, recorded: Vec<PathBuf>| {
                    let mut news = news_of(&root);
                    news.said = said;
                    news.recorded = recorded;
                    if last.as_ref() == Some(&news) {
                        return true;
                    }
                    last = Some(news.clone());
                    let sent = news_tx.send(news).is_ok();
                    wake();
                    sent
                };
                if !tell(said.clone(), Vec::new()) {
                    return;
                }
                // Anything due goes out now (pacing and backoff are the outbox's).
                let outcomes = outbox::drain(&root, &actor, &crate::desk::now).unwrap_or_default();
                let mut recorded: Vec<PathBuf> = outcomes
                    .iter()
                    .map(|o| crate::store::incident_file(&root, &o.post.incident))
                    .collect();
                recorded.sort();
                recorded.dedup();
                if !tell(said, recorded) {
                    return;
                }
            }
        });
        Self { tx, news }
    }

    /// Asks the poster to do `job`.
    pub fn ask(&self, job: Job) {
        let _ = self.tx.send(job);
    }
}

impl Drop for Poster {
    fn drop(&mut self) {
        let _ = self.tx.send(Job::Stop);
    }
}

fn handle(root: &std::path::Path, actor: &str, job: Job) -> Option<Result<String, String>> {
    let path = connections_path(root);
    match job {
        Job::Post {
            incident,
            channel,
            update_at,
            text,
        } => {
            let _ = outbox::enqueue_if_connected(
                root,
                &incident,
                &channel,
                update_at,
                &text,
                crate::desk::now(),
            );
            None
        }
        Job::Retry => {
            let _ = outbox::retry_all(root, crate::desk::now());
            None
        }
        Job::Connect {
            channel,
            connection,
        } => Some(
            crate::post::connect(root, &channel, connection)
                .map(|(shown, kept)| sentence(&format!("{channel} is connected: {shown}; {kept}")))
                .map_err(|why| sentence(&why)),
        ),
        Job::Disconnect { channel } => Some(
            crate::post::disconnect(root, &channel)
                .map(|_| {
                    format!("{channel} is disconnected: its updates are recorded, not posted.")
                })
                .map_err(|why| sentence(&why)),
        ),
        Job::Test { channel } => Some((|| {
            let connections: Connections = read_local(&path).map_err(|e| e.to_string())?;
            let connection = connections
                .with_secret(root, &channel)
                .map_err(|why| sentence(&why))?;
            send::test(&connection, &channel, actor).map_err(|why| sentence(&why))?;
            Ok(format!("The test message reached {channel}."))
        })()),
        Job::Stop => None,
    }
}

/// A reason as the window shows it: a sentence, capitalised, with its stop.
pub fn sentence(why: &str) -> String {
    let mut chars = why.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let rest = chars.as_str().trim_end_matches('.');
    format!("{first}{rest}.")
}

fn news_of(root: &std::path::Path) -> PostNews {
    let connections: Connections = read_local(&connections_path(root)).unwrap_or_default();
    let posts = outbox::read(root).unwrap_or_default().posts;
    let mut news = PostNews {
        connected: connections
            .channels
            .keys()
            .map(|c| (c.clone(), connections.shown(c).unwrap_or_default()))
            .collect(),
        ..PostNews::default()
    };
    for p in posts {
        let stuck = |why: String| Stuck {
            incident: p.incident.clone(),
            channel: p.channel.clone(),
            why,
        };
        match p.standing {
            Standing::Waiting { ref why } => news.waiting.push(stuck(why.clone())),
            Standing::Sending => news.waiting.push(stuck("being sent".into())),
            Standing::Failed { ref why } => news.failed.push(stuck(why.clone())),
            Standing::Unknown { ref why } => news.unknown.push(stuck(why.clone())),
        }
    }
    news
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_made_through_the_poster_is_said_back() {
        let dir = tempfile::tempdir().unwrap();
        let poster = Poster::start(dir.path().to_path_buf(), "Sam".into(), || {});
        poster.ask(Job::Connect {
            channel: "#expedite".into(),
            connection: Connection::Webhook {
                url: "http://127.0.0.1:9/hook".into(),
            },
        });
        // The news of the start may come first; the answer follows.
        let news = loop {
            let news = poster
                .news
                .recv_timeout(Duration::from_secs(5))
                .expect("news");
            if news.said.is_some() {
                break news;
            }
        };
        assert!(news.connected.contains_key("#expedite"), "{news:?}");
        assert!(matches!(news.said, Some(Ok(_))), "{news:?}");
    }
}
