//! Posting: saved updates put in the outbox and sent when due (with the
//! outbox's pacing and retries, `post::outbox`), connections tested and
//! changed, and where things stand told to the window. What became of each
//! post is recorded by the disk service, the folder's one writer, signed
//! with the desk's name at that moment. A service that accepts the
//! connection and never answers holds up only this lane, and only for the
//! request's time limit.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::model::IncidentId;
use crate::model::comms::Delivery;
use crate::post::outbox::{self, Standing};
use crate::post::send;
use crate::post::{Connection, Connections, connections_path, read_local};

use super::{AtExit, Event, Out, Service};

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
    /// Keep this desk's keys for an incident's metric (`None`: forget
    /// them); they live beside the channels' secrets, in the same file.
    MetricKeys {
        incident: String,
        keys: Option<crate::sources::Keys>,
    },
    /// Note that this desk reads an incident's metric from `source`, in
    /// the same file as its keys.
    AgreeMetric {
        incident: String,
        source: Box<crate::model::metric::Source>,
    },
}

/// Where posting stands, as the window shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct News {
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

/// The posting service, for the data folder at its root.
pub struct Posting {
    root: std::path::PathBuf,
    /// What was last told, so the same is not told again.
    last: Option<News>,
    /// The answer to the last job, told with the next news.
    said: Option<Result<String, String>>,
}

impl Posting {
    pub fn new(root: std::path::PathBuf) -> Self {
        Self {
            root,
            last: None,
            said: None,
        }
    }

    /// Tells the window where posting stands, when it changed; `false`
    /// when the window is gone.
    fn tell(&mut self, out: &Out, said: Option<Result<String, String>>) -> bool {
        let mut news = news_of(&self.root);
        news.said = said;
        if self.last.as_ref() == Some(&news) {
            return true;
        }
        self.last = Some(news.clone());
        out.tell(Event::Posting(news))
    }
}

impl Service for Posting {
    type Job = Job;
    const NAME: &'static str = "poster";
    const AT_EXIT: AtExit = AtExit::Moment;

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        self.said = handle(&self.root, job);
        // Said before sending (a post waits while its request is out,
        // however long that takes), and again after.
        self.tell(out, self.said.clone());
        Some(Duration::ZERO)
    }

    /// At once on start (posts left waiting by the last run go now), then
    /// every [`EVERY`] and after each job: anything due goes out (pacing
    /// and backoff are the outbox's).
    fn tick(&mut self, out: &Out) -> Option<Duration> {
        let said = self.said.take();
        let mut unrecorded = 0;
        let mut record = |post: &outbox::Post, delivery: &Delivery| {
            let command = outbox::delivery_command(post, delivery);
            let record = super::disk::Job::Record(Box::new(command));
            if !out.ask::<super::disk::Disk>(record) {
                unrecorded += 1;
            }
        };
        let drained = outbox::drain(&self.root, &crate::desk::now, &mut record);
        let said = match drained {
            Err(e) => Some(Err(sentence(format!("the outbox can't be used: {e}")))),
            Ok(_) if unrecorded > 0 => Some(Err(format!(
                "What became of {unrecorded} post(s) could not be written on the timeline: the window was closing. The outbox (expedite outbox) still says."
            ))),
            Ok(_) => said,
        };
        self.tell(out, said);
        Some(EVERY)
    }
}

fn handle(root: &std::path::Path, job: Job) -> Option<Result<String, String>> {
    let path = connections_path(root);
    match job {
        Job::Post(update) => outbox::enqueue_if_connected(root, &update, crate::desk::now())
            .err()
            .map(|e| {
                Err(sentence(format!(
                    "the update is recorded, but it could not be put in the outbox to post: {e}"
                )))
            }),
        Job::Retry => outbox::retry_all(root, crate::desk::now())
            .err()
            .map(|e| Err(sentence(format!("the outbox can't be used: {e}")))),
        Job::Connect {
            channel,
            connection,
        } => Some(
            crate::post::connect(root, &channel, connection)
                .map(|(shown, kept)| sentence(format!("{channel} is connected: {shown}; {kept}")))
                .map_err(sentence),
        ),
        Job::Disconnect { channel } => Some(
            crate::post::disconnect(root, &channel)
                .map(|_| {
                    format!("{channel} is disconnected: its updates are recorded, not posted.")
                })
                .map_err(sentence),
        ),
        Job::MetricKeys {
            incident,
            keys: Some(keys),
        } => Some(
            crate::sources::keys::keep(root, &incident, &keys)
                .map(|kept| sentence(format!("This desk's key for the metric is kept: {kept}")))
                .map_err(|why| sentence(format!("the metric's key could not be kept: {why}"))),
        ),
        Job::MetricKeys {
            incident,
            keys: None,
        } => crate::sources::keys::forget(root, &incident)
            .err()
            .map(|why| {
                Err(sentence(format!(
                    "this desk's key for the metric could not be forgotten: {why}"
                )))
            }),
        Job::AgreeMetric { incident, source } => {
            crate::sources::keys::agree(root, &incident, &source)
                .err()
                .map(|why| {
                    Err(sentence(format!(
                        "this desk could not note that it reads the metric: {why}"
                    )))
                })
        }
        Job::Test { channel, from } => Some((|| {
            let connections: Connections = read_local(&path).map_err(|e| e.to_string())?;
            let connection = connections.with_secret(root, &channel).map_err(sentence)?;
            send::test(&connection, &channel, &from).map_err(sentence)?;
            Ok(format!("The test message reached {channel}."))
        })()),
    }
}

/// A reason as the window shows it: a sentence, capitalised, with its stop.
pub fn sentence(why: impl std::fmt::Display) -> String {
    let why = why.to_string();
    format!("{}.", crate::pack::capital(why.trim_end_matches('.')))
}

fn news_of(root: &std::path::Path) -> News {
    let connections: Connections = read_local(&connections_path(root)).unwrap_or_default();
    let posts = outbox::read(root).unwrap_or_default().posts;
    let mut news = News {
        connected: connections
            .channels
            .keys()
            .map(|c| (c.clone(), connections.shown(c).unwrap_or_default()))
            .collect(),
        ..News::default()
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
    use crate::services::Services;

    #[test]
    fn a_connection_made_through_the_posting_service_is_said_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut services = Services::new();
        services.start(Posting::new(dir.path().to_path_buf()));
        assert!(
            services.send::<crate::services::posting::Posting>(Job::Connect {
                channel: "#expedite".into(),
                connection: Connection::Webhook {
                    url: "http://127.0.0.1:9/hook".into(),
                },
            })
        );
        // The news of the start may come first; the answer follows.
        let until = std::time::Instant::now() + Duration::from_secs(5);
        let news = loop {
            assert!(std::time::Instant::now() < until, "no answer");
            let said = services.events().into_iter().find_map(|e| match e {
                Event::Posting(news) if news.said.is_some() => Some(news),
                _ => None,
            });
            if let Some(news) = said {
                break news;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(news.connected.contains_key("#expedite"), "{news:?}");
        assert!(matches!(news.said, Some(Ok(_))), "{news:?}");
    }
}
