//! The outbox: posts waiting to go out, in this desk's own `outbox.ron`,
//! written before the first attempt so that a crash, a restart or a laptop
//! lid loses none and sends none twice.
//!
//! An item is marked *sending* on disk before its request goes out. One
//! found marked so later (the program stopped mid-request) may have arrived:
//! it becomes *unknown*, and is only sent again when a person says so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::send::{self, Attempt};
use super::{Connections, LocalError, connections_path, read_local, write_local};
use crate::command::Command;
use crate::model::IncidentId;
use crate::model::comms::Delivery;
use crate::store::Store;
use crate::store::envelope::Kind;

/// At most one message a second to one destination.
const PACE: Duration = Duration::from_secs(1);
/// The longest wait between two tries of a post that could not go out.
const MAX_BACKOFF: i64 = 300;
/// How long a post waits for a keyring that could not give its secret.
const KEYRING_WAIT: Duration = Duration::from_secs(60);

/// Where a post stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Waiting to go out (offline, rate-limited, the service was down).
    Waiting { why: String },
    /// Its request is going out now.
    Sending,
    /// Refused for good; stays until retried (after fixing what was wrong).
    Failed { why: String },
    /// Went out with no answer; it may have arrived. Only sent again on request.
    Unknown { why: String },
}

/// One post in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// The incident it is about.
    pub incident: IncidentId,
    /// The channel it goes to.
    pub channel: String,
    /// When the update was recorded: with the channel and the text, which
    /// update it is.
    pub update_at: DateTime<Utc>,
    /// Exactly what goes out.
    pub text: String,
    /// Where it stands.
    pub standing: Standing,
    /// Tries so far.
    #[serde(default)]
    pub attempts: u32,
    /// Not before this.
    pub next_try: DateTime<Utc>,
}

impl Post {
    /// The same post: one update's text to one channel, whatever became of it.
    pub fn same_post(&self, other: &Post) -> bool {
        self.is(
            &other.incident,
            &other.channel,
            other.update_at,
            &other.text,
        )
    }

    /// This post is the update recorded at `update_at` on `incident`, with
    /// `text`, to `channel`.
    pub fn is(
        &self,
        incident: &IncidentId,
        channel: &str,
        update_at: DateTime<Utc>,
        text: &str,
    ) -> bool {
        &self.incident == incident
            && self.channel == channel
            && self.update_at == update_at
            && self.text == text
    }
}

/// Every post waiting, failed or unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// Oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
}

impl Kind for Outbox {
    const FORMAT: &'static str = "expedite/outbox";
}

/// Where this desk keeps its outbox.
pub fn outbox_path(root: &Path) -> PathBuf {
    root.join("outbox.ron")
}

fn lock(root: &Path) -> Result<crate::store::WriteLock, LocalError> {
    crate::store::WriteLock::acquire(&root.join(".outbox.lock"))
        .map_err(|e| LocalError(format!("the outbox is busy ({e}); try again in a moment")))
}

/// Changes the outbox under its lock.
fn change<R>(root: &Path, f: impl FnOnce(&mut Outbox) -> R) -> Result<R, LocalError> {
    let _lock = lock(root)?;
    let path = outbox_path(root);
    let mut outbox: Outbox = read_local(&path)?;
    let before = outbox.clone();
    let result = f(&mut outbox);
    // Written only when it changed: an idle window's look at an empty
    // outbox touches no file (and wakes no watcher).
    if outbox != before {
        write_local(&path, &outbox)?;
    }
    Ok(result)
}

/// The outbox as it is now.
pub fn read(root: &Path) -> Result<Outbox, LocalError> {
    read_local(&outbox_path(root))
}

/// Puts a post in the outbox when its channel is connected (an update to a
/// channel that is not stays recorded only, and is never sent later by
/// surprise); `false` when it is not connected.
pub fn enqueue_if_connected(
    root: &Path,
    incident: &IncidentId,
    channel: &str,
    update_at: DateTime<Utc>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<bool, LocalError> {
    let connections: Connections = read_local(&connections_path(root))?;
    if !connections.channels.contains_key(channel) {
        return Ok(false);
    }
    enqueue(root, incident, channel, update_at, text, now)?;
    Ok(true)
}

/// Puts a post in the outbox, to go out at once. The same post (incident,
/// channel, time and text) is never queued twice.
pub fn enqueue(
    root: &Path,
    incident: &IncidentId,
    channel: &str,
    update_at: DateTime<Utc>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), LocalError> {
    change(root, |outbox| {
        let known = outbox
            .posts
            .iter()
            .any(|p| p.is(incident, channel, update_at, text));
        if !known {
            outbox.posts.push(Post {
                incident: incident.clone(),
                channel: channel.to_owned(),
                update_at,
                text: text.to_owned(),
                standing: Standing::Waiting {
                    why: "not tried yet".into(),
                },
                attempts: 0,
                next_try: now,
            });
        }
    })
}

/// Puts failed and unknown posts back in line, to go out at once: the
/// person has looked (an unknown one may have arrived already).
pub fn retry_all(root: &Path, now: DateTime<Utc>) -> Result<usize, LocalError> {
    change(root, |outbox| {
        let mut n = 0;
        for post in &mut outbox.posts {
            match post.standing {
                Standing::Failed { .. } | Standing::Unknown { .. } => {
                    post.standing = Standing::Waiting {
                        why: "tried again on request".into(),
                    };
                    n += 1;
                }
                Standing::Waiting { .. } | Standing::Sending => {}
            }
            post.next_try = now;
        }
        n
    })
}

/// What one post came to, for the person to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The post.
    pub post: Post,
    /// What became of it.
    pub delivery: Delivery,
}

/// Sends every post that is due, at most one a second to a destination,
/// and records on each incident's timeline what became of it. Posts whose
/// channel is not connected stay as they are. `now` is asked before each.
/// Each post is tried at most once a drain: one the service asked to wait
/// goes out on a later drain, however long this one took.
pub fn drain(
    root: &Path,
    actor: &str,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<Vec<Outcome>, LocalError> {
    let connections: Connections = read_local(&connections_path(root))?;
    // A post left marked "sending" was cut off mid-request: unknown now.
    change(root, |outbox| {
        for post in &mut outbox.posts {
            if post.standing == Standing::Sending {
                post.standing = Standing::Unknown {
                    why: "Expedite stopped while it was being sent".into(),
                };
            }
        }
    })?;
    let mut outcomes = Vec::new();
    let mut last_sent: Vec<(String, std::time::Instant)> = Vec::new();
    let mut tried: Vec<Post> = Vec::new();
    // Each channel's secret is asked of the keyring once a drain, not once a post.
    let mut secrets: std::collections::HashMap<String, Result<super::Connection, String>> =
        std::collections::HashMap::new();
    loop {
        // Take the next due post, and mark it sending, under the lock.
        let at = now();
        let next = change(root, |outbox| {
            let post = outbox.posts.iter_mut().find(|p| {
                matches!(p.standing, Standing::Waiting { .. })
                    && p.next_try <= at
                    && connections.channels.contains_key(&p.channel)
                    && !tried.iter().any(|t| t.same_post(p))
            })?;
            post.standing = Standing::Sending;
            post.attempts += 1;
            Some(post.clone())
        })?;
        let Some(post) = next else { break };
        tried.push(post.clone());
        let connection = secrets
            .entry(post.channel.clone())
            .or_insert_with(|| connections.with_secret(root, &post.channel))
            .clone();
        let attempt = match connection {
            Ok(connection) => {
                let url = connection.url();
                if let Some((_, when)) = last_sent.iter().find(|(u, _)| *u == url)
                    && when.elapsed() < PACE
                {
                    std::thread::sleep(PACE - when.elapsed());
                }
                let thread = match connection {
                    super::Connection::SlackToken { .. } => thread_of(root, &post),
                    _ => None,
                };
                let message = send::Message {
                    channel: &post.channel,
                    incident: post.incident.as_str(),
                    text: &post.text,
                    thread: thread.as_deref(),
                };
                let attempt = send::post(&connection, &message);
                last_sent.retain(|(u, _)| *u != url);
                last_sent.push((url, std::time::Instant::now()));
                attempt
            }
            // Nothing went out: it waits for the keyring, asked again later.
            Err(why) => Attempt::Retry {
                after: Some(KEYRING_WAIT),
                why,
            },
        };
        let at = now();
        let delivery = match &attempt {
            Attempt::Sent { ts } => Delivery::Sent { ts: ts.clone() },
            Attempt::Retry { why, .. } => Delivery::Queued { why: why.clone() },
            Attempt::Failed { why } => Delivery::Failed { why: why.clone() },
            Attempt::Unknown { why } => Delivery::Unknown { why: why.clone() },
        };
        change(root, |outbox| {
            let Some(i) = outbox.posts.iter().position(|p| p.same_post(&post)) else {
                return;
            };
            match &attempt {
                Attempt::Sent { .. } => {
                    outbox.posts.remove(i);
                }
                Attempt::Retry { after, why } => {
                    let p = &mut outbox.posts[i];
                    let backoff = 2i64.saturating_pow(p.attempts.min(16)).min(MAX_BACKOFF);
                    let wait = after.map_or(backoff, |a| a.as_secs() as i64);
                    p.next_try = at + chrono::Duration::seconds(wait.max(1));
                    p.standing = Standing::Waiting { why: why.clone() };
                }
                Attempt::Failed { why } => {
                    outbox.posts[i].standing = Standing::Failed { why: why.clone() }
                }
                Attempt::Unknown { why } => {
                    outbox.posts[i].standing = Standing::Unknown { why: why.clone() }
                }
            }
        })?;
        record(root, actor, at, &post, &delivery);
        outcomes.push(Outcome { post, delivery });
    }
    Ok(outcomes)
}

/// The Slack thread `post` goes in: its incident's first message posted to
/// the channel, as the incident's file says (a colleague's desk may have
/// posted it). `None` for the first, or when the file can't be read.
fn thread_of(root: &Path, post: &Post) -> Option<String> {
    let text = crate::store::atomic::read_plain(
        &crate::store::incident_file(root, &post.incident),
        crate::store::atomic::MAX_DATA_FILE,
    )
    .ok()?;
    let incident = crate::store::envelope::read::<crate::model::Incident>(&text)
        .ok()?
        .data;
    incident.slack_thread(&post.channel).map(str::to_owned)
}

/// Says on the incident's timeline what became of a post (once per
/// outcome: a post that keeps waiting is said to wait once).
fn record(root: &Path, actor: &str, at: DateTime<Utc>, post: &Post, delivery: &Delivery) {
    let Ok(mut store) = Store::open(root) else {
        return;
    };
    // The command re-reads the one incident it names; nothing else is needed.
    let mut state = crate::model::State::default();
    let command = Command::RecordDelivery {
        incident: post.incident.clone(),
        channel: post.channel.clone(),
        update_at: post.update_at,
        delivery: match delivery {
            // The timeline says "waiting" without the changing details.
            Delivery::Queued { .. } => Delivery::Queued {
                why: "it goes out when the service can be reached".into(),
            },
            // Masked once more: the timeline is shared with every desk.
            Delivery::Failed { why } => Delivery::Failed {
                why: crate::text::one_line(&crate::text::mask_secrets(why, &[]), 160),
            },
            Delivery::Unknown { why } => Delivery::Unknown {
                why: crate::text::one_line(&crate::text::mask_secrets(why, &[]), 160),
            },
            other => other.clone(),
        },
    };
    let _ = store.execute(&mut state, command, actor, at);
}
