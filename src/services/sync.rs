//! Keeping a shared folder in step: a lane of its own with its own handle
//! on the folder, so a slow or absent network never holds up a save. It
//! syncs shortly after each saved change and every interval (`desk.ron`,
//! 30 s by default), committing as the desk's name at that moment; what git
//! merges in reaches the window through the folder watcher, like any
//! change made elsewhere.
//!
//! Whether the folder is shared is looked at every few seconds, so a
//! folder shared (`expedite share`) or unshared from a terminal while the
//! window is open starts or stops syncing without a restart.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::share;
use crate::store::Store;

use super::{Event, Out, Routes, Service, lane::Inbox};

/// How long after a save the sync waits, so a burst of saves goes out as one.
const AFTER_SAVE: Duration = Duration::from_millis(800);

/// How often the lane looks whether the folder became shared or not.
const LOOK: Duration = Duration::from_secs(2);

/// What the sync is asked.
pub enum Job {
    /// A change was saved: sync soon.
    Saved,
}

/// The sync service, for the data folder at its root.
pub struct Sync {
    root: PathBuf,
    /// The folder, while it is shared.
    store: Option<Store>,
    /// Where it stood last, in words (the window is woken only when they change).
    said: Option<String>,
    /// When the next sync is due.
    due: Instant,
    /// A save asked for a sync.
    asked: bool,
}

impl Sync {
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            store: None,
            said: None,
            due: Instant::now(),
            asked: false,
        }
    }
}

impl Service for Sync {
    type Job = Job;
    const NAME: &'static str = "sync";

    fn route(routes: &mut Routes) -> &mut Option<Inbox<Job>> {
        &mut routes.sync
    }

    fn handle(&mut self, Job::Saved: Job, _out: &Out) -> Option<Duration> {
        self.asked = true;
        Some(AFTER_SAVE)
    }

    fn tick(&mut self, out: &Out) -> Option<Duration> {
        if !share::is_shared(&self.root) {
            if self.store.take().is_some() || self.said.is_some() {
                self.said = None;
                out.tell(Event::Sync(None));
            }
            return Some(LOOK);
        }
        if self.store.is_none() {
            // Shared since the last look (or at start): say where it
            // stands, then sync at once.
            self.store = Store::open(&self.root).ok();
            self.due = Instant::now();
            if let Some(state) = share::status(&self.root, crate::desk::now()) {
                self.said = Some(state.summary());
                out.tell(Event::Sync(Some(state)));
            }
        }
        let Some(store) = self.store.as_mut() else {
            // It can't be opened now: looked at again shortly.
            return Some(LOOK);
        };
        if self.asked || Instant::now() >= self.due {
            self.asked = false;
            self.due = Instant::now() + store.desk().sync_every();
            let now = crate::desk::now();
            let actor = store.desk_name();
            let _ = share::sync(store, &actor, now);
            if let Some(state) = share::status(&self.root, now) {
                let words = Some(state.summary());
                let changed = words != self.said;
                self.said = words;
                // A window in step stays asleep: woken only when the words change.
                if changed {
                    out.tell(Event::Sync(Some(state)));
                } else {
                    out.note(Event::Sync(Some(state)));
                }
            }
        }
        Some(self.due.saturating_duration_since(Instant::now()).min(LOOK))
    }
}
