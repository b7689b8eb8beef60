//! Keeping a shared folder in step from the window: a thread of its own,
//! with its own handle on the folder, so a slow or absent network never
//! holds up a save. It syncs shortly after each saved change and every
//! interval (`desk.ron`, 30 s by default); what git merges in reaches the
//! window through the folder watcher, like any change made elsewhere.
//!
//! Whether the folder is shared is looked at every few seconds, so a
//! folder shared (`expedite share`) or unshared from a terminal while the
//! window is open starts or stops syncing without a restart.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::share::{self, SyncStatus};
use crate::store::Store;

/// How long after a save the sync waits, so a burst of saves goes out as one.
const AFTER_SAVE: Duration = Duration::from_millis(800);

/// How often the thread looks whether the folder became shared or not.
const LOOK: Duration = Duration::from_secs(2);

enum Nudge {
    /// A change was saved: sync soon.
    Saved,
    /// The window is closing.
    Stop,
}

/// The window's handle on the sync thread; stops it when dropped.
pub struct Syncer {
    tx: Sender<Nudge>,
    /// Where the folder stands after each sync; `None` once it is no
    /// longer shared.
    pub status: Receiver<Option<SyncStatus>>,
}

impl Syncer {
    /// Starts keeping `root` in step while it is shared, committing as
    /// whoever is at this desk at the time of each sync; `wake` is called
    /// when the state in words changes (not on every sync, so a window in
    /// step stays asleep). `None` only when no thread can be started.
    pub fn start(root: PathBuf, wake: impl Fn() + Send + 'static) -> Option<Self> {
        let (tx, rx) = mpsc::channel();
        let (status_tx, status) = mpsc::channel();
        thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let mut store: Option<Store> = None;
                let mut said: Option<String> = None;
                let mut due = Instant::now();
                let mut asked = false;
                loop {
                    let shared = share::is_shared(&root);
                    if !shared {
                        if store.take().is_some() || said.is_some() {
                            said = None;
                            if status_tx.send(None).is_err() {
                                return;
                            }
                            wake();
                        }
                    } else if store.is_none() {
                        // Shared since the last look (or at start): say where
                        // it stands, then sync at once.
                        store = Store::open(&root).ok();
                        due = Instant::now();
                        if let Some(state) = share::status(&root, crate::desk::now()) {
                            said = Some(state.summary());
                            if status_tx.send(Some(state)).is_err() {
                                return;
                            }
                            wake();
                        }
                    }
                    if let Some(store) = store.as_mut().filter(|_| asked || Instant::now() >= due) {
                        asked = false;
                        due = Instant::now() + store.desk().sync_every();
                        let now = crate::desk::now();
                        let actor = store.desk_name();
                        let _ = share::sync(store, &actor, now);
                        if let Some(state) = share::status(&root, now) {
                            let words = Some(state.summary());
                            let changed = words != said;
                            said = words;
                            if status_tx.send(Some(state)).is_err() {
                                return;
                            }
                            if changed {
                                wake();
                            }
                        }
                    }
                    let wait = if store.is_some() {
                        due.saturating_duration_since(Instant::now()).min(LOOK)
                    } else {
                        LOOK
                    };
                    match rx.recv_timeout(wait) {
                        Ok(Nudge::Saved) => {
                            thread::sleep(AFTER_SAVE);
                            if rx.try_iter().any(|n| matches!(n, Nudge::Stop)) {
                                return;
                            }
                            asked = true;
                        }
                        Ok(Nudge::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                        Err(RecvTimeoutError::Timeout) => {}
                    }
                }
            })
            .ok()?;
        Some(Self { tx, status })
    }

    /// A change was saved: send it soon.
    pub fn saved(&self) {
        let _ = self.tx.send(Nudge::Saved);
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        let _ = self.tx.send(Nudge::Stop);
    }
}
