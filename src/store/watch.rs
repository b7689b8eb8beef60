//! Noticing changes made to the data folder from elsewhere: a terminal, a
//! colleague's machine through a shared folder, a `git pull`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use notify::{RecursiveMode, Watcher as _};

/// Watches the data folder and its `incidents/` folder (folders, not files:
/// an atomic save replaces the file). Reports each changed path.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
    /// Paths that changed; the store tells which really moved on.
    pub changes: Receiver<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; `wake` is called on every change (the window
    /// passes `request_repaint`).
    pub fn start(root: &Path, wake: impl Fn() + Send + 'static) -> notify::Result<Self> {
        let (tx, changes) = mpsc::channel();
        let mut inner =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if event.kind.is_access() {
                    return;
                }
                for path in event.paths {
                    if tx.send(path).is_err() {
                        return;
                    }
                }
                wake();
            })?;
        inner.watch(root, RecursiveMode::NonRecursive)?;
        inner.watch(&root.join("incidents"), RecursiveMode::NonRecursive)?;
        Ok(Self {
            _inner: inner,
            changes,
        })
    }
}
