//! Keeping subscribed feeds current: a lane of its own reads each feed from its address every hour (and at once when asked),
//! so a slow or absent network never holds up a frame or a save. What it
//! read goes to the disk thread as a refresh job, which reads it against
//! the roster as saved and applies it when it changes anything; what it
//! could not read is said in the window and changes nothing.
//!
//! The hour is counted on the wall clock, not the monotonic one, so a
//! laptop that slept through the hour refreshes when it wakes. This desk's
//! last good copy of each feed (`feeds/<id>.ics`) says when it was last
//! read here: a window opened within the hour does not read it again. When
//! a feed can't be read and the repeats it filled in are about to run out,
//! they are filled in further from that copy, and the window says so.
//!
//! A feed subscribed to on another desk came through the shared folder,
//! which anyone with push access can write: it is not read here until this
//! desk agrees (`store::feed_agreed`), and the window asks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use smol_str::SmolStr;

use crate::model::roster::Feed;

use super::{Event, Out, Service};

/// How often a subscribed feed is read.
pub const EVERY: Duration = Duration::from_secs(60 * 60);
/// [`EVERY`] on the wall clock.
fn every() -> chrono::Duration {
    chrono::Duration::from_std(EVERY).unwrap_or_else(|_| chrono::Duration::hours(1))
}

/// How long the lane waits at most between looks at the clock.
const LOOK: Duration = Duration::from_secs(60);

/// What the feeds service is asked.
pub enum Job {
    /// The subscribed feeds, as the roster has them now.
    Feeds(Vec<Feed>),
    /// Read this feed now.
    Now(SmolStr),
    /// This desk agrees to read this feed (added on another desk): note
    /// it, and read it now.
    Agree(SmolStr),
}

/// What the feeds service says.
pub enum News {
    /// A feed read (or not).
    Fetched(Box<Fetched>),
    /// A subscribed feed this desk has not agreed to read.
    NotAgreed(Box<Feed>),
    /// Everything asked of it so far is done (said after the feeds an ask
    /// made it read, so the window knows when nothing is under way).
    Answered,
}

/// A feed read from its address, or why it could not be.
pub struct Fetched {
    /// The feed, as it was when asked for.
    pub feed: Feed,
    /// Its text, or why not.
    pub result: Result<String, String>,
    /// When it could not be read and its filled-in cover runs out soon:
    /// this desk's last good copy, to fill its repeats in from meanwhile.
    pub copy: Option<String>,
}

/// The feeds service, for the data folder at its root.
pub struct Feeds {
    root: PathBuf,
    /// Every subscribed feed.
    all: Vec<Feed>,
    /// Those of them this desk reads.
    feeds: Vec<Feed>,
    /// When each is read next (on the wall clock: a laptop that slept
    /// through the hour reads it when it wakes).
    due: HashMap<SmolStr, DateTime<Utc>>,
}

impl Feeds {
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            all: Vec::new(),
            feeds: Vec::new(),
            due: HashMap::new(),
        }
    }

    /// Reads every feed that is due, telling the window of each; how long
    /// until the next look.
    fn read_due(&mut self, out: &Out) -> Duration {
        let now = crate::desk::now();
        for feed in &self.feeds {
            if self.due.get(&feed.id).is_none_or(|at| *at > now) {
                continue;
            }
            let result = crate::interop::fetch::fetch(&feed.location)
                .map(|file| file.text)
                .map_err(|why| why.to_string());
            self.due
                .insert(feed.id.clone(), crate::desk::now() + every());
            let copy = (result.is_err() && feed.runs_out_soon(now))
                .then(|| crate::store::feed_copy(&self.root, &feed.id))
                .flatten();
            let fetched = Fetched {
                feed: feed.clone(),
                result,
                copy,
            };
            out.tell(Event::Feeds(News::Fetched(Box::new(fetched))));
        }
        let now = crate::desk::now();
        self.due
            .values()
            .min()
            .and_then(|at| (*at - now).to_std().ok())
            .map_or(LOOK, |d| d.min(LOOK))
    }
}

impl Service for Feeds {
    type Job = Job;
    const NAME: &'static str = "feeds";

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        let root = &self.root;
        match job {
            Job::Feeds(list) => {
                let (agreed, not): (Vec<Feed>, Vec<Feed>) = list
                    .iter()
                    .cloned()
                    .partition(|f| crate::store::feed_agreed(root, f));
                for feed in not {
                    out.note(Event::Feeds(News::NotAgreed(Box::new(feed))));
                }
                self.due.retain(|id, _| agreed.iter().any(|f| &f.id == id));
                for feed in &agreed {
                    self.due
                        .entry(feed.id.clone())
                        .or_insert_with(|| last_read_here(root, &feed.id) + every());
                }
                self.all = list;
                self.feeds = agreed;
            }
            Job::Agree(id) => {
                if let Some(feed) = self.all.iter().find(|f| f.id == id) {
                    match crate::store::agree_to_feed(root, feed) {
                        Ok(()) => {
                            if !self.feeds.iter().any(|f| f.id == id) {
                                self.feeds.push(feed.clone());
                            }
                            self.due.insert(id, DateTime::UNIX_EPOCH);
                        }
                        Err(e) => {
                            let fetched = Fetched {
                                feed: feed.clone(),
                                result: Err(format!(
                                    "That this desk reads it could not be noted ({e})."
                                )),
                                copy: None,
                            };
                            out.note(Event::Feeds(News::Fetched(Box::new(fetched))));
                        }
                    }
                }
            }
            Job::Now(id) => {
                if let Some(at) = self.due.get_mut(&id) {
                    *at = DateTime::UNIX_EPOCH;
                }
            }
        }
        let next = self.read_due(out);
        // Everything this ask made it read is told: it is answered.
        out.tell(Event::Feeds(News::Answered));
        Some(next)
    }

    fn tick(&mut self, out: &Out) -> Option<Duration> {
        Some(self.read_due(out))
    }
}

/// When this desk last read the feed well: its copy's time (long ago when
/// there is none, so it is read at once).
fn last_read_here(root: &std::path::Path, id: &str) -> DateTime<Utc> {
    std::fs::metadata(crate::store::feed_copy_path(root, id))
        .and_then(|m| m.modified())
        .map_or(DateTime::UNIX_EPOCH, DateTime::<Utc>::from)
}
