//! Everything the program does outside the frame, as jobs: the disk (the
//! data folder's one writer), posting, syncing, subscribed feeds, reading a
//! feed's address for a preview, the desktop's save dialog, reading what
//! the first frame did not need, the update reminders and the watched
//! metrics. No egui here: the window holds one
//! [`Services`], sends it [`Job`]s, takes its [`Event`]s each frame, and is
//! woken by one [`Waker`] when there are some.
//!
//! Each kind of job is a [`Service`] in a module of its own, run on a lane
//! (a thread of its own, `lane.rs`) with one inbox: jobs of one kind are
//! done one at a time, in the order sent, and a slow network never holds up
//! the disk. A job is sent to its service by the service's type
//! (`services.send::<disk::Disk>(job)`), routed by that type: adding a kind
//! of job is one module (the service and its `Job`), the [`Event`] it tells
//! and the window's arm that takes that event in.

mod lane;

pub mod dialog;
pub mod disk;
pub mod feeds;
pub mod fetch;
pub mod metrics;
pub mod posting;
pub mod read;
pub mod remind;
pub mod sync;

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, OnceLock, RwLock};

pub use lane::{AtExit, Out, Service};

/// Who to wake when an event is ready: the window, once it has a frame.
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<Box<dyn Fn() + Send + Sync>>>);

impl Waker {
    /// Wakes with `wake` from now on (only the first call counts).
    pub fn set(&self, wake: impl Fn() + Send + Sync + 'static) {
        let _ = self.0.set(Box::new(wake));
    }

    /// Wakes whoever is waiting for events, if anyone is yet.
    pub fn wake(&self) {
        if let Some(wake) = self.0.get() {
            wake();
        }
    }
}

/// What comes back.
pub enum Event {
    /// The disk's answer, and what it re-read or changed.
    Disk(Box<(disk::Done, disk::Changes)>),
    Posting(posting::News),
    /// Where the shared folder stands; `None` once it is not shared.
    Sync(Option<crate::share::SyncStatus>),
    Feeds(feeds::News),
    Fetched(fetch::Fetched),
    Dialog(dialog::Answer),
    Read(read::Read),
    /// A reminder shown (or not), or a notification's button clicked.
    Reminder(crate::reminder::ReminderEvent),
    /// Where a watched metric stands.
    Metrics(metrics::News),
}

/// Each running service's inbox, by its kind: a new kind needs no entry
/// here.
#[derive(Default)]
pub struct Routes(HashMap<TypeId, Box<dyn lane::Route>>);

impl Routes {
    /// Sends `job` to the service `S`; `false` when it is not running (or
    /// has stopped).
    fn send<S: Service>(&self, job: S::Job) -> bool {
        self.0
            .get(&TypeId::of::<S>())
            .and_then(|route| route.inbox().downcast_ref::<lane::Inbox<S::Job>>())
            .is_some_and(|inbox| inbox.send(lane::Message::Job(job)).is_ok())
    }

    /// Routes `S`'s jobs to `inbox`, telling the lane it replaces to stop.
    fn replace<S: Service>(&mut self, inbox: lane::Inbox<S::Job>) {
        if let Some(old) = self.0.insert(TypeId::of::<S>(), Box::new(inbox)) {
            old.stop();
        }
    }

    /// Tells every service but `S` to stop.
    fn stop_all_but<S: Service>(&mut self) {
        let kept = TypeId::of::<S>();
        self.0.retain(|kind, route| {
            if *kind != kept {
                route.stop();
            }
            *kind == kept
        });
    }

    /// Tells every service to stop.
    fn stop_all(&mut self) {
        for (_, route) in self.0.drain() {
            route.stop();
        }
    }
}

/// How long a closing window waits for a post under way to be sent and
/// recorded (a request's own time limit is longer; what it leaves is found
/// by the next run as "may have arrived").
const EXIT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The window's one handle on everything outside the frame.
pub struct Services {
    routes: Arc<RwLock<Routes>>,
    events: Receiver<Event>,
    sender: Sender<Event>,
    waker: Waker,
    /// The lanes' threads, joined when the window closes: the disk's last
    /// and whole, so what it was asked to save (and to record for the
    /// others) is saved; the others for a moment.
    threads: Vec<(AtExit, std::thread::JoinHandle<()>)>,
}

impl Default for Services {
    fn default() -> Self {
        Self::new()
    }
}

impl Services {
    /// No service running yet: start each with [`Self::start`].
    pub fn new() -> Self {
        let (sender, events) = mpsc::channel();
        Self {
            routes: Arc::default(),
            events,
            sender,
            waker: Waker::default(),
            threads: Vec::new(),
        }
    }

    /// Starts `service` on a lane of its own (replacing one of its kind
    /// already running, which stops once its current job is done).
    pub fn start<S: Service>(&mut self, service: S) {
        let out = Out::new(self.sender.clone(), self.waker.clone(), self.routes.clone());
        let (inbox, thread) = lane::spawn(service, out);
        if let Ok(mut routes) = self.routes.write() {
            routes.replace::<S>(inbox);
        }
        self.threads.retain(|(_, thread)| !thread.is_finished());
        if let Some(thread) = thread {
            self.threads.push((S::AT_EXIT, thread));
        }
    }

    /// Asks the service `S` for `job`; `false` when it is not running.
    pub fn send<S: Service>(&self, job: S::Job) -> bool {
        self.routes.read().is_ok_and(|routes| routes.send::<S>(job))
    }

    /// What came back since last asked, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Wakes the window with `wake` when events are ready.
    pub fn wake_with(&self, wake: impl Fn() + Send + Sync + 'static) {
        self.waker.set(wake);
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.routes.write() {
            routes.stop_all_but::<disk::Disk>();
        }
        let threads = std::mem::take(&mut self.threads);
        let until = std::time::Instant::now() + EXIT_WAIT;
        while threads
            .iter()
            .any(|(at_exit, t)| *at_exit == AtExit::Moment && !t.is_finished())
            && std::time::Instant::now() < until
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        if let Ok(mut routes) = self.routes.write() {
            routes.stop_all();
        }
        // What the disk was asked to save is saved before the window goes.
        for (at_exit, thread) in threads {
            if at_exit == AtExit::Everything {
                let _ = thread.join();
            }
        }
    }
}
