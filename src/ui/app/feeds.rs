//! The window's side of the feeds service (`services::feeds`): it tells
//! the service which feeds the roster subscribes to (when the roster
//! changes), asks for a feed now or agrees to one, counts what is under
//! way, and keeps where each feed stands on this desk.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use smol_str::SmolStr;

use crate::model::roster::{Feed, Roster};
use crate::model::{Stamp, Stamped};
use crate::services::feeds::{Fetched, Job, News};
use crate::services::{self, Services};

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

/// The window's side of the feeds service.
#[derive(Default)]
pub struct Refresher {
    /// The roster the feeds were last told from, to tell again only when
    /// it changes, and the feeds told.
    told: Option<(Stamp, Vec<(SmolStr, SmolStr)>)>,
    /// Asks sent and not yet answered.
    asked: usize,
}

impl Refresher {
    /// Tells the thread which of the roster's feeds are subscribed to,
    /// when they are not what it was told last (looked at only when the
    /// roster has changed: this is called every frame).
    pub fn feeds(&mut self, services: &Services, roster: &Stamped<Roster>) {
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
            // Told again when the service starts later (a window made for
            // a test) only if the roster changes.
            self.ask(services, Job::Feeds(subscribed));
        }
    }

    /// Reads this feed now.
    pub fn now(&mut self, services: &Services, id: &str) -> bool {
        self.ask(services, Job::Now(id.into()))
    }

    /// Notes that this desk reads this feed, added on another desk, and
    /// reads it now.
    pub fn agree(&mut self, services: &Services, id: &str) -> bool {
        self.ask(services, Job::Agree(id.into()))
    }

    /// `false` when the feeds service is not running.
    fn ask(&mut self, services: &Services, job: Job) -> bool {
        let sent = services.send::<services::feeds::Feeds>(job);
        if sent {
            self.asked += 1;
        }
        sent
    }

    /// What the thread said since last asked: the feeds read (or not),
    /// and those this desk has not agreed to read. An answer to an ask
    /// counts it done.
    pub fn take_news(&mut self, news: Vec<News>) -> (Vec<Fetched>, Vec<Feed>) {
        let mut fetched = Vec::new();
        let mut not_agreed = Vec::new();
        for news in news {
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
