//! Keeping a shared folder in step from the window: a thread of its own,
//! with its own handle on the folder, so a slow or absent network never
//! holds up a save. It syncs shortly after each saved change and every
//! interval (`desk.ron`, 30 s by default); what git merges in reaches the
//! window through the folder watcher, like any change made elsewhere.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use crate::share::{self, SyncStatus};
use crate::store::Store;

/// How long after a save the sync waits, so a burst of saves goes out as one.
const AFTER_SAVE: Duration = Duration::from_millis(800);

enum Nudge {
    /// A change was saved: sync soon.
    Saved,
    /// The window is closing.
    Stop,
}

/// The window's handle on the sync thread; stops it when dropped.
pub struct Syncer {
    tx: Sender<Nudge>,
    /// Where the folder stands after each sync.
    pub status: Receiver<SyncStatus>,
}

impl Syncer {
    /// Starts syncing `root` as `actor`, when the folder is shared; `wake`
    /// is called when the state in words changes (not on every sync, so a
    /// window in step stays asleep).
    pub fn start(root: PathBuf, actor: String, wake: impl Fn() + Send + 'static) -> Option<Self> {
        if !share::is_shared(&root) {
            return None;
        }
        let mut store = Store::open(&root).ok()?;
        let every = store.desk().sync_every();
        let (tx, rx) = mpsc::channel();
        let (status_tx, status) = mpsc::channel();
        thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let mut said = String::new();
                if let Some(state) = share::status(&root, crate::desk::now()) {
                    said = state.summary();
                    if status_tx.send(state).is_err() {
                        return;
                    }
                    wake();
                }
                loop {
                    match rx.recv_timeout(every) {
                        Ok(Nudge::Saved) => {
                            thread::sleep(AFTER_SAVE);
                            if rx.try_iter().any(|n| matches!(n, Nudge::Stop)) {
                                return;
                            }
                        }
                        Ok(Nudge::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                        Err(RecvTimeoutError::Timeout) => {}
                    }
                    let now = crate::desk::now();
                    let _ = share::sync(&mut store, &actor, now);
                    let Some(state) = share::status(&root, now) else {
                        continue;
                    };
                    let words = state.summary();
                    let changed = words != said;
                    said = words;
                    if status_tx.send(state).is_err() {
                        return;
                    }
                    if changed {
                        wake();
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
