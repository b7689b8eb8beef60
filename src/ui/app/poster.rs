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

use crate::command::Command;
use crate::model::IncidentId;
use crate::model::comms::Delivery;
use crate::post::outbox::{self, Standing};
use crate::post::send;
use crate::post::{Connection, Connections, connections_path, read_local};

/// How often waiting posts are looked at while the window is open.
const EVERY: Duration = Duration::from_secs(10);

/// What the window asks of the poster.
pub enum Job {
    /// An update was saved: post it, when its channel is connected.
    Post(outbox::UpdateOut),
    /// Try failed and unknown posts again (the person asked).
    Retry,
    /// Connect a channel.
    Connect {
        channel: String,
        connection: Connection,
    },
    /// Disconnect a channel.
    Disconnect { channel: String },
    /// Send a test message to a channel, from whoever is at this desk.
    Test { channel: String, from: String },
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
    /// The answer to the last test message or connection change, or what
    /// went wrong with the outbox.
    pub said: Option<Result<String, String>>,
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
    /// Starts posting from the data folder `root`; what became of each
    /// post goes to `record` (the disk thread, the folder's one writer,
    /// which signs it with the desk's name as it is then; `false` when it
    /// has stopped). `wake` is called when where things stand has changed.
    pub fn start(
        root: PathBuf,
        record: impl Fn(Command) -> bool + Send + 'static,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
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
                    Ok(job) => said = handle(&root, job),
                    Err(RecvTimeoutError::Timeout) => {}
                }
                // Said before sending (a post waits while its request is
                // out, however long that takes), and again after.
                let mut tell = |said: Option<Result<String, String>>| {
                    let mut news = news_of(&root);
                    news.said = said;
                    if last.as_ref() == Some(&news) {
                        return true;
                    }
                    last = Some(news.clone());
                    let sent = news_tx.send(news).is_ok();
                    wake();
                    sent
                };
                if !tell(said.clone()) {
                    return;
                }
                // Anything due goes out now (pacing and backoff are the outbox's).
                let mut unrecorded = 0;
                let mut to_record = |post: &outbox::Post, delivery: &Delivery| {
                    if !record(outbox::delivery_command(post, delivery)) {
                        unrecorded += 1;
                    }
                };
                let drained = outbox::drain(&root, &crate::desk::now, &mut to_record);
                let said = match drained {
                    Err(e) => Some(Err(sentence(&format!("the outbox can't be used: {e}")))),
                    Ok(_) if unrecorded > 0 => Some(Err(format!(
                        "What became of {unrecorded} post(s) could not be written on the timeline: the window was closing. The outbox (expedite outbox) still says."
                    ))),
                    Ok(_) => said,
                };
                if !tell(said) {
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

fn handle(root: &std::path::Path, job: Job) -> Option<Result<String, String>> {
    let path = connections_path(root);
    match job {
        Job::Post(update) => outbox::enqueue_if_connected(root, &update, crate::desk::now())
            .err()
            .map(|e| {
                Err(sentence(&format!(
                    "the update is recorded, but it could not be put in the outbox to post: {e}"
                )))
            }),
        Job::Retry => outbox::retry_all(root, crate::desk::now())
            .err()
            .map(|e| Err(sentence(&format!("the outbox can't be used: {e}")))),
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
        Job::Test { channel, from } => Some((|| {
            let connections: Connections = read_local(&path).map_err(|e| e.to_string())?;
            let connection = connections
                .with_secret(root, &channel)
                .map_err(|why| sentence(&why))?;
            send::test(&connection, &channel, &from).map_err(|why| sentence(&why))?;
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
        let poster = Poster::start(dir.path().to_path_buf(), |_| true, || {});
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
