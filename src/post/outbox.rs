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
    /// Who recorded the update (`Update::by`): with its time and channel,
    /// how the incident names it. Empty in outboxes written before it was
    /// kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub update_by: String,
    /// Exactly what goes out.
    pub text: String,
    /// Where it stands.
    pub standing: Standing,
    /// Tries so far.
    #[serde(default)]
    pub attempts: u32,
    /// The process sending it, while it is being sent: a post marked
    /// sending by a process that is gone was cut off mid-request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<u32>,
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
    /// When each channel's destination (by a digest of the channel's name)
    /// may next be sent to: pacing holds across every process posting from
    /// this desk, the window and the terminal alike.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub paced: std::collections::BTreeMap<String, DateTime<Utc>>,
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
    update: &UpdateOut,
    now: DateTime<Utc>,
) -> Result<bool, LocalError> {
    let connections: Connections = read_local(&connections_path(root))?;
    if !connections.channels.contains_key(&update.channel) {
        return Ok(false);
    }
    enqueue(root, update, now)?;
    Ok(true)
}

/// A saved update on its way out: the incident's name for it (its time,
/// channel and author) and exactly what goes out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateOut {
    pub incident: IncidentId,
    pub channel: String,
    pub update_at: DateTime<Utc>,
    pub update_by: String,
    pub text: String,
}

/// Puts a post in the outbox, to go out at once. The same post (incident,
/// channel, time and text) is never queued twice.
pub fn enqueue(root: &Path, update: &UpdateOut, now: DateTime<Utc>) -> Result<(), LocalError> {
    change(root, |outbox| {
        let known = outbox.posts.iter().any(|p| {
            p.is(
                &update.incident,
                &update.channel,
                update.update_at,
                &update.text,
            )
        });
        if !known {
            outbox.posts.push(Post {
                incident: update.incident.clone(),
                channel: update.channel.clone(),
                update_at: update.update_at,
                update_by: update.update_by.clone(),
                text: update.text.clone(),
                standing: Standing::Waiting {
                    why: "not tried yet".into(),
                },
                attempts: 0,
                sender: None,
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

/// Sends every post that is due, at most one a second to a destination
/// (across every process posting from this desk), and hands each outcome
/// to `record` as soon as it is known, to go on the incident's timeline
/// (see [`delivery_command`]). Posts whose channel is not connected stay
/// as they are. `now` is asked before each. Each post is tried at most
/// once a drain: one the service asked to wait goes out on a later drain,
/// however long this one took.
pub fn drain(
    root: &Path,
    now: &dyn Fn() -> DateTime<Utc>,
    record: &mut dyn FnMut(&Post, &Delivery),
) -> Result<Vec<Outcome>, LocalError> {
    let connections: Connections = read_local(&connections_path(root))?;
    // A post left marked "sending" was cut off mid-request: it may have
    // arrived. Unknown now, and said on its timeline.
    let cut_off = change(root, |outbox| {
        let mut cut_off = Vec::new();
        for post in &mut outbox.posts {
            if post.standing == Standing::Sending && !post.sender.is_some_and(process_alive) {
                post.sender = None;
                post.standing = Standing::Unknown {
                    why: STOPPED_MID_POST.into(),
                };
                cut_off.push(post.clone());
            }
        }
        cut_off
    })?;
    let mut outcomes = Vec::new();
    for post in cut_off {
        let delivery = Delivery::Unknown {
            why: STOPPED_MID_POST.into(),
        };
        record(&post, &delivery);
        outcomes.push(Outcome { post, delivery });
    }
    let mut tried: Vec<Post> = Vec::new();
    // Each channel's secret is asked of the keyring once a drain, not once a post.
    let mut secrets: std::collections::HashMap<
        String,
        Result<super::Connection, super::ChannelError>,
    > = std::collections::HashMap::new();
    loop {
        // Take the next due post, and mark it sending, under the lock.
        let at = now();
        // Its channel's turn is taken in the same change (see [`take_turn`]).
        let next = change(root, |outbox| {
            let post = outbox.posts.iter_mut().find(|p| {
                matches!(p.standing, Standing::Waiting { .. })
                    && p.next_try <= at
                    && connections.channels.contains_key(&p.channel)
                    && !tried.iter().any(|t| t.same_post(p))
            })?;
            post.standing = Standing::Sending;
            post.sender = Some(std::process::id());
            post.attempts += 1;
            let post = post.clone();
            let wait = take_turn(&mut outbox.paced, &post.channel);
            Some((post, wait))
        })?;
        let Some((post, wait)) = next else { break };
        std::thread::sleep(wait);
        tried.push(post.clone());
        let connection = secrets
            .entry(post.channel.clone())
            .or_insert_with(|| connections.with_secret(root, &post.channel))
            .clone();
        let attempt = match connection {
            Ok(connection) => {
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
                send::post(&connection, &message)
            }
            // Nothing went out: it waits for the keyring, asked again later.
            Err(why) => Attempt::Retry {
                after: Some(KEYRING_WAIT),
                why: why.to_string(),
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
            outbox.posts[i].sender = None;
            match &attempt {
                Attempt::Sent { .. } => {
                    outbox.posts.remove(i);
                }
                Attempt::Retry { after, why } => {
                    let p = &mut outbox.posts[i];
                    let backoff = 2i64.saturating_pow(p.attempts.min(16)).min(MAX_BACKOFF);
                    // A service's wait is taken up to a bound: no answer can
                    // put a post off for years (or overflow the clock).
                    let asked = after.map(|a| {
                        i64::try_from(a.as_secs())
                            .unwrap_or(i64::MAX)
                            .min(send::MAX_RETRY_AFTER.as_secs() as i64)
                    });
                    let wait = asked.unwrap_or(backoff).max(1);
                    p.next_try = at
                        .checked_add_signed(chrono::Duration::seconds(wait))
                        .unwrap_or(at);
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
        record(&post, &delivery);
        outcomes.push(Outcome { post, delivery });
    }
    Ok(outcomes)
}

/// Whether the process `pid` still runs (another window or terminal
/// sending a post this minute).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // This process marked it and is not sending it now: a drain of
        // its own was cut short.
        return false;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 only asks whether the process is there.
        // SAFETY: kill with signal 0 sends nothing; it has no memory effects.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Why a post found marked "sending" is unknown.
const STOPPED_MID_POST: &str = "Expedite stopped while it was being sent";

/// Takes `channel`'s next turn in `paced` and says how long to wait for
/// it: each channel's destination takes one message a second from this
/// desk, whichever process sends it. Taken in the same locked change that
/// marks the post sending (so two processes never take the same turn, and
/// pacing costs no write of its own), waited for outside the lock; a turn
/// far ahead (a clock moved back) waits one pace at most. Kept to the
/// microsecond: whole seconds would let two posts through a tenth of a
/// second apart.
fn take_turn(
    paced: &mut std::collections::BTreeMap<String, DateTime<Utc>>,
    channel: &str,
) -> Duration {
    let key = format!("{:016x}", crate::store::envelope::digest(channel));
    let pace = chrono::Duration::from_std(PACE).unwrap_or_else(|_| chrono::Duration::seconds(1));
    let at = crate::desk::now_precise();
    // A turn more than a pace ago holds nobody back any more.
    paced.retain(|_, t| *t + pace > at);
    let turn = paced.get(&key).map_or(at, |last| (*last + pace).max(at));
    paced.insert(key, turn);
    (turn - at).min(pace).to_std().unwrap_or(Duration::ZERO)
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

/// The command that says on `post`'s incident what became of it: naming
/// the update as the incident does (its time, channel and author), with
/// a service's words masked once more, since the timeline is shared with
/// every desk. Give it the name of whoever is at this desk now.
pub fn delivery_command(post: &Post, delivery: &Delivery) -> Command {
    let masked = |why: &str| crate::text::one_line(&crate::text::mask_secrets(why, &[]), 160);
    Command::RecordDelivery {
        incident: post.incident.clone(),
        channel: post.channel.clone(),
        update_at: post.update_at,
        update_by: Some(post.update_by.clone()).filter(|b| !b.is_empty()),
        delivery: match delivery {
            // The timeline says "waiting" without the changing details.
            Delivery::Queued { .. } => Delivery::Queued {
                why: "it goes out when the service can be reached".into(),
            },
            Delivery::Failed { why } => Delivery::Failed { why: masked(why) },
            Delivery::Unknown { why } => Delivery::Unknown { why: masked(why) },
            other => other.clone(),
        },
    }
}
