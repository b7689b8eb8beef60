//! Watching the confirming metrics: every minute, each open incident's
//! watched metric is read from where the team keeps it (`sources`), from
//! where the last read ended; what was read goes to the disk service (the
//! folder's one writer) as readings to record, and where each metric
//! stands is told to the window. A service that asks to wait, or fails,
//! is left alone for a while (`ReadError::back_off`); a read changes
//! nothing at the service, so it is simply tried again then.
//!
//! A metric set up on another desk came through the shared folder, which
//! anyone with push access writes: it is read here only once this desk
//! agreed to read that source (`sources::keys::agreed`), and the window
//! asks.
//!
//! The minute is counted on the wall clock: a laptop that slept reads as
//! soon as it wakes. A read that comes back with nothing new changes no
//! file and wakes no frame.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::command::Command;
use crate::model::IncidentId;
use crate::model::metric::{self, Bucket, Progress, Source};
use crate::post::{Connections, connections_path, read_local};
use crate::sources::keys::KeysError;
use crate::sources::{self, Keys, ReadError};

use super::{Event, Out, Service};

/// How often a watched metric is read.
pub const EVERY: Duration = Duration::from_secs(60);

/// One incident's watched metric, as the window knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Watched {
    pub incident: IncidentId,
    pub source: Source,
    /// When the incident was declared (the spans read follow from it).
    pub opened: DateTime<Utc>,
    /// How far its readings go already.
    pub progress: Progress,
    /// The watch its readings are for ([`metric::Watch::key`]).
    pub key: i64,
}

/// What the metrics service is asked.
pub enum Job {
    /// The metrics to watch now (the open incidents' that are watched).
    Watch(Vec<Watched>),
    /// Read this incident's metric now.
    Now(IncidentId),
    /// This desk agreed to read the incident's metric from this source
    /// (its [`Source::identity`]): used at once, as the posting service
    /// notes it in the desk's file.
    Agreed(IncidentId, String),
    /// The keys this desk just gave for an incident's metric (`None`: it
    /// took them back), used at once: the posting service keeps them in
    /// the desk's file, which may not hold them yet.
    Keys(IncidentId, Option<Keys>),
    /// Read `source` for the hour before now with `keys` (else those kept
    /// for the incident), once, for a person deciding whether to watch
    /// it; nothing is recorded.
    Test {
        incident: IncidentId,
        source: Box<Source>,
        keys: Option<Keys>,
    },
}

/// What the metrics service says.
#[derive(Clone, Debug, PartialEq)]
pub enum News {
    /// Read at this time (what was new went to the disk to record).
    Read {
        incident: IncidentId,
        at: DateTime<Utc>,
    },
    /// Could not be read at this time, and why; asked again after `again`.
    Failed {
        incident: IncidentId,
        at: DateTime<Utc>,
        why: String,
        again: DateTime<Utc>,
    },
    /// A test read: the readings of the last hour, or why not.
    Tested(Result<Vec<Bucket>, String>),
    /// The incident's metric was set up on another desk and is not read
    /// here until this desk agrees (nothing was asked of its address).
    NotAgreed(IncidentId),
}

struct Standing {
    watched: Watched,
    due: DateTime<Utc>,
    failures: u32,
    /// The window was told this desk has not agreed to read it.
    asked: bool,
}

/// The metrics service, for the data folder at its root.
pub struct Metrics {
    root: PathBuf,
    /// The wall clock (the minute is counted on it, and readings are
    /// stamped with it).
    clock: crate::reminder::WallClock,
    watching: BTreeMap<IncidentId, Standing>,
    /// Keys just given, before the desk's file holds them.
    given: BTreeMap<IncidentId, Option<Keys>>,
    /// Sources just agreed to, before the desk's file holds them.
    agreed: BTreeMap<IncidentId, String>,
}

impl Metrics {
    pub fn new(root: PathBuf, clock: crate::reminder::WallClock) -> Self {
        Self {
            root,
            clock,
            watching: BTreeMap::new(),
            given: BTreeMap::new(),
            agreed: BTreeMap::new(),
        }
    }

    /// Reads every metric that is due and that this desk agreed to read;
    /// how long until the next one is.
    fn read_due(&mut self, out: &Out) -> Duration {
        let now = (self.clock)();
        let mut desk: Option<Result<Connections, KeysError>> = None;
        for standing in self.watching.values_mut() {
            if standing.due > now {
                continue;
            }
            let w = &standing.watched;
            let id = w.incident.as_str();
            let connections = desk.get_or_insert_with(|| {
                read_local::<Connections>(&connections_path(&self.root)).map_err(KeysError::Desk)
            });
            let agreed = self.agreed.get(&w.incident) == Some(&w.source.identity())
                || connections
                    .as_ref()
                    .is_ok_and(|c| sources::keys::agreed(c, id, &w.source));
            if !agreed {
                match connections {
                    // Said as a failure: nothing is asked of the source.
                    Err(why) => read_one(Err(why.clone()), standing, now, out),
                    Ok(_) => {
                        // Looked at again in a minute: the terminal may agree.
                        standing.due = now + after(EVERY);
                        if !std::mem::replace(&mut standing.asked, true) {
                            out.tell(Event::Metrics(News::NotAgreed(w.incident.clone())));
                        }
                    }
                }
                continue;
            }
            let keys = match (self.given.get(&w.incident), &*connections) {
                (Some(Some(keys)), _) => Ok(keys.clone()),
                (Some(None), _) => Ok(Keys::default()),
                (None, Ok(c)) => sources::keys::from(c, &self.root, id),
                (None, Err(why)) => Err(why.clone()),
            };
            read_one(keys, standing, now, out);
        }
        let now = (self.clock)();
        self.watching
            .values()
            .map(|s| s.due)
            .min()
            .and_then(|at| (at - now).to_std().ok())
            .map_or(EVERY, |d| d.min(EVERY))
    }
}

fn after(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::minutes(15))
}

/// Reads one watched metric with `keys` and records what was new.
fn read_one(keys: Result<Keys, KeysError>, standing: &mut Standing, now: DateTime<Utc>, out: &Out) {
    let w = &standing.watched;
    let spans = metric::spans_to_read(&w.progress, w.opened, now);
    let got = keys
        .map_err(|e| ReadError::NoKey(e.to_string()))
        .and_then(|keys| sources::read_spans(&w.source, &keys, &spans, now));
    match got {
        Ok(read) => {
            standing.failures = 0;
            standing.due = now + after(EVERY);
            let (incident, key, opened) = (w.incident.clone(), w.key, w.opened);
            standing.watched.progress.absorb(&read.buckets, opened);
            if !read.buckets.is_empty() {
                let mut buckets = read.buckets;
                for b in &mut buckets {
                    b.of = key;
                }
                let record = Command::RecordSeries {
                    incident: incident.clone(),
                    buckets,
                };
                out.ask::<super::disk::Disk>(super::disk::Job::Record(Box::new(record)));
            }
            // The disk's answer wakes the window when something changed.
            out.note(Event::Metrics(News::Read { incident, at: now }));
        }
        Err(e) => {
            let again = now + after(e.back_off(standing.failures));
            standing.failures = standing.failures.saturating_add(1);
            standing.due = again;
            out.tell(Event::Metrics(News::Failed {
                incident: w.incident.clone(),
                at: now,
                why: e.to_string(),
                again,
            }));
        }
    }
}

impl Service for Metrics {
    type Job = Job;
    const NAME: &'static str = "metrics";

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        match job {
            Job::Watch(list) => {
                let now = (self.clock)();
                let mut kept = BTreeMap::new();
                for watched in list {
                    let standing = match self.watching.remove(&watched.incident) {
                        // The same metric: where it stood, with what the
                        // incident holds now where that is further on.
                        Some(mut s)
                            if s.watched.source == watched.source
                                && s.watched.key == watched.key =>
                        {
                            if watched.progress.last_end > s.watched.progress.last_end {
                                s.watched.progress = watched.progress;
                            }
                            s
                        }
                        _ => Standing {
                            watched: watched.clone(),
                            due: now,
                            failures: 0,
                            asked: false,
                        },
                    };
                    kept.insert(watched.incident, standing);
                }
                self.watching = kept;
            }
            Job::Keys(id, keys) => {
                if let Some(s) = self.watching.get_mut(&id) {
                    s.due = DateTime::UNIX_EPOCH;
                    s.failures = 0;
                }
                self.given.insert(id, keys);
            }
            Job::Now(id) => {
                if let Some(s) = self.watching.get_mut(&id) {
                    s.due = DateTime::UNIX_EPOCH;
                }
            }
            Job::Agreed(id, identity) => {
                if let Some(s) = self.watching.get_mut(&id) {
                    s.due = DateTime::UNIX_EPOCH;
                    s.asked = false;
                }
                self.agreed.insert(id, identity);
            }
            Job::Test {
                incident,
                source,
                keys,
            } => {
                let now = (self.clock)();
                let from = now - chrono::Duration::hours(1);
                let keys = match (keys, self.given.get(&incident)) {
                    (Some(keys), _) => Ok(keys),
                    (None, Some(Some(keys))) => Ok(keys.clone()),
                    (None, _) => sources::keys::fetch(&self.root, incident.as_str()),
                };
                let got = keys
                    .map_err(|e| ReadError::NoKey(e.to_string()))
                    .and_then(|keys| sources::read(&source, &keys, from, now, now))
                    .map(|r| r.buckets)
                    .map_err(|e| e.to_string());
                out.tell(Event::Metrics(News::Tested(got)));
            }
        }
        Some(self.read_due(out))
    }

    fn tick(&mut self, out: &Out) -> Option<Duration> {
        Some(self.read_due(out))
    }
}
