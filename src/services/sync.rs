//! Keeping a shared folder in step: a lane of its own, so a slow or absent
//! network never holds up a save. It syncs shortly after each saved change
//! and every interval (`desk.ron`, 30 s by default), committing as the
//! desk's name at that moment. It holds no store: what changes the folder
//! (committing, merging) it asks of the disk lane, the folder's one writer,
//! and waits for; fetching and pushing it does itself. What git merges in
//! reaches the window through the folder watcher, like any change made
//! elsewhere.
//!
//! Whether the folder is shared is looked at every few seconds, so a
//! folder shared (`expedite share`) or unshared from a terminal while the
//! window is open starts or stops syncing without a restart.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::share::{self, LockedWork, SyncError, Synced};
use crate::store::Store;

use super::{Event, Out, Service, disk};

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
    /// Whether the folder was shared at the last look.
    shared: bool,
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
            shared: false,
            said: None,
            due: Instant::now(),
            asked: false,
        }
    }
}

impl Service for Sync {
    type Job = Job;
    const NAME: &'static str = "sync";

    fn handle(&mut self, Job::Saved: Job, _out: &Out) -> Option<Duration> {
        self.asked = true;
        Some(AFTER_SAVE)
    }

    fn tick(&mut self, out: &Out) -> Option<Duration> {
        if !share::is_shared(&self.root) {
            if std::mem::take(&mut self.shared) || self.said.is_some() {
                self.said = None;
                out.tell(Event::Sync(None));
            }
            return Some(LOOK);
        }
        if !self.shared {
            // Shared since the last look (or at start): say where it
            // stands, then sync at once.
            self.shared = true;
            self.due = Instant::now();
            if let Some(state) = share::status(&self.root, crate::desk::now()) {
                self.said = Some(state.summary());
                out.tell(Event::Sync(Some(state)));
            }
        }
        if self.asked || Instant::now() >= self.due {
            // Who is at this desk now, and how often they sync: asked of
            // the disk lane, which reads `desk.ron` (it may mend it).
            let Some((actor, every)) =
                with_store(out, |store| (store.desk_name(), store.desk().sync_every()))
            else {
                // The disk lane has stopped: the window is closing.
                return None;
            };
            self.asked = false;
            self.due = Instant::now() + every;
            let now = crate::desk::now();
            let mut writer = ThroughDisk {
                root: &self.root,
                out,
            };
            // Its result is kept with the folder (`share::status` reads it).
            let _ = share::sync(&mut writer, &actor, now);
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

/// Runs `work` with the folder's store on the disk lane and waits for its
/// answer; `None` when the disk lane is not there to do it.
fn with_store<R: Send + 'static>(
    out: &Out,
    work: impl FnOnce(&mut Store) -> R + Send + 'static,
) -> Option<R> {
    let (answer, answered) = mpsc::channel();
    let job = disk::Job::With(Box::new(move |store| {
        let _ = answer.send(work(store));
    }));
    if !out.ask::<super::disk::Disk>(job) {
        return None;
    }
    answered.recv().ok()
}

/// The window's folder as a sync's writer: the disk lane.
struct ThroughDisk<'a> {
    root: &'a Path,
    out: &'a Out,
}

impl share::Writer for ThroughDisk<'_> {
    fn folder(&self) -> &Path {
        self.root
    }

    fn locked(&mut self, work: LockedWork) -> Result<Synced, SyncError> {
        with_store(self.out, move |store| store.locked(work)).unwrap_or_else(|| {
            Err(SyncError::Failed(
                "The window is closing: what was saved is committed at the next sync.".into(),
            ))
        })
    }
}
