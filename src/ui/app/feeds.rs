//! Keeping subscribed feeds current from the window: a thread of its own
//! reads each feed from its address every hour (and at once when asked),
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

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use smol_str::SmolStr;

use crate::model::roster::{Feed, Roster};
use crate::model::{Stamp, Stamped};

/// How often a subscribed feed is read.
pub const EVERY: Duration = Duration::from_secs(60 * 60);
/// How long the thread sleeps at most between looks at the clock.
const LOOK: Duration = Duration::from_secs(60);

enum Ask {
    /// The subscribed feeds, as the roster has them now.
    Feeds(Vec<Feed>),
    /// Read this feed now.
    Now(SmolStr),
    /// This desk agrees to read this feed (added on another desk): note
    /// it, and read it now.
    Agree(SmolStr),
    /// The window is closing.
    Stop,
}

/// What the thread says.
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

/// Where one feed stands on this desk, for the window to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    /// Being read now.
    Reading,
    /// Read at this time; what it changed, if anything.
    Read(DateTime<Utc>, Option<String>),
    /// Could not be read at this time, and why; the rota is as it was.
    Failed(DateTime<Utc>, String),
    /// Subscribed to on another desk (by this person); not read here until
    /// this desk agrees.
    NotAgreed(String),
}

/// Each subscribed feed's status, by id.
pub type FeedNews = BTreeMap<SmolStr, FeedStatus>;

/// The window's handle on the refresh thread; stops it when dropped.
pub struct Refresher {
    tx: Sender<Ask>,
    /// Each feed read (or not), as it happens.
    pub news: Receiver<News>,
    /// The roster the feeds were last told from, to tell again only when
    /// it changes, and the feeds told.
    told: Option<(Stamp, Vec<(SmolStr, SmolStr)>)>,
    /// Asks sent and not yet answered.
    asked: usize,
}

impl Refresher {
    /// Starts the thread for the data folder at `root`; `wake` is called
    /// when a feed has been read, so the window takes it in.
    pub fn start(root: PathBuf, wake: impl Fn() + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let (news_tx, news) = mpsc::channel();
        thread::Builder::new()
            .name("feeds".into())
            .spawn(move || run(&root, &rx, &news_tx, &wake))
            .expect("a thread can be started");
        Self {
            tx,
            news,
            told: None,
            asked: 0,
        }
    }

    /// Tells the thread which of the roster's feeds are subscribed to,
    /// when they are not what it was told last (looked at only when the
    /// roster has changed: this is called every frame).
    pub fn feeds(&mut self, roster: &Stamped<Roster>) {
        if self
            .told
            .as_ref()
            .is_some_and(|(stamp, _)| *stamp == roster.stamp())
        {
            return;
        }
        let subscribed: Vec<Feed> = roster.rota.subscribed().cloned().collect();
        let key: Vec<(SmolStr, SmolStr)> = subscribed
            .iter()
            .map(|f| (f.id.clone(), f.location.clone()))
            .collect();
        let same = self
            .told
            .as_ref()
            .map_or(key.is_empty(), |(_, told)| *told == key);
        self.told = Some((roster.stamp(), key));
        if !same {
            self.ask(Ask::Feeds(subscribed));
        }
    }

    /// Reads this feed now.
    pub fn now(&mut self, id: &str) {
        self.ask(Ask::Now(id.into()));
    }

    /// Notes that this desk reads this feed, added on another desk, and
    /// reads it now.
    pub fn agree(&mut self, id: &str) {
        self.ask(Ask::Agree(id.into()));
    }

    fn ask(&mut self, ask: Ask) {
        if self.tx.send(ask).is_ok() {
            self.asked += 1;
        }
    }

    /// What the thread said since last asked: the feeds read (or not),
    /// and those this desk has not agreed to read. An answer to an ask
    /// counts it done.
    pub fn take_news(&mut self) -> (Vec<Fetched>, Vec<Feed>) {
        let mut fetched = Vec::new();
        let mut not_agreed = Vec::new();
        for news in self.news.try_iter() {
            match news {
                News::Fetched(f) => fetched.push(*f),
                News::NotAgreed(f) => not_agreed.push(*f),
                News::Answered => self.asked = self.asked.saturating_sub(1),
            }
        }
        (fetched, not_agreed)
    }

    /// Whether something asked of the thread is still under way.
    pub fn is_busy(&self) -> bool {
        self.asked > 0
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        let _ = self.tx.send(Ask::Stop);
    }
}

fn run(root: &std::path::Path, rx: &Receiver<Ask>, out: &Sender<News>, wake: &(impl Fn() + Send)) {
    // Every subscribed feed, and those of them this desk reads.
    let mut all: Vec<Feed> = Vec::new();
    let mut feeds: Vec<Feed> = Vec::new();
    let mut due: HashMap<SmolStr, SystemTime> = HashMap::new();
    loop {
        let now = SystemTime::now();
        let next = due.values().min().copied();
        let wait = next
            .and_then(|at| at.duration_since(now).ok())
            .map_or(LOOK, |d| d.min(LOOK));
        let asked = rx.recv_timeout(wait);
        let answer = matches!(asked, Ok(Ask::Feeds(_) | Ask::Now(_) | Ask::Agree(_)));
        match asked {
            Ok(Ask::Feeds(list)) => {
                let (agreed, not): (Vec<Feed>, Vec<Feed>) = list
                    .iter()
                    .cloned()
                    .partition(|f| crate::store::feed_agreed(root, f));
                for feed in not {
                    if out.send(News::NotAgreed(Box::new(feed))).is_err() {
                        return;
                    }
                }
                due.retain(|id, _| agreed.iter().any(|f| &f.id == id));
                for feed in &agreed {
                    due.entry(feed.id.clone())
                        .or_insert_with(|| last_read_here(root, &feed.id) + EVERY);
                }
                all = list;
                feeds = agreed;
            }
            Ok(Ask::Agree(id)) => {
                if let Some(feed) = all.iter().find(|f| f.id == id) {
                    match crate::store::agree_to_feed(root, feed) {
                        Ok(()) => {
                            if !feeds.iter().any(|f| f.id == id) {
                                feeds.push(feed.clone());
                            }
                            due.insert(id, SystemTime::UNIX_EPOCH);
                        }
                        Err(e) => {
                            let fetched = Fetched {
                                feed: feed.clone(),
                                result: Err(format!(
                                    "That this desk reads it could not be noted ({e})."
                                )),
                                copy: None,
                            };
                            if out.send(News::Fetched(Box::new(fetched))).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
            Ok(Ask::Now(id)) => {
                if let Some(at) = due.get_mut(&id) {
                    *at = SystemTime::UNIX_EPOCH;
                }
            }
            Ok(Ask::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let now = SystemTime::now();
        for feed in &feeds {
            if due.get(&feed.id).is_none_or(|at| *at > now) {
                continue;
            }
            let result = crate::interop::fetch::fetch(&feed.location).map(|file| file.text);
            due.insert(feed.id.clone(), SystemTime::now() + EVERY);
            let copy = (result.is_err() && feed.runs_out_soon(chrono::Utc::now()))
                .then(|| crate::store::feed_copy(root, &feed.id))
                .flatten();
            let fetched = Fetched {
                feed: feed.clone(),
                result,
                copy,
            };
            if out.send(News::Fetched(Box::new(fetched))).is_err() {
                return;
            }
            wake();
        }
        if answer {
            if out.send(News::Answered).is_err() {
                return;
            }
            wake();
        }
    }
}

/// When this desk last read the feed well: its copy's time (long ago when
/// there is none, so it is read at once).
fn last_read_here(root: &std::path::Path, id: &str) -> SystemTime {
    std::fs::metadata(crate::store::feed_copy_path(root, id))
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}
