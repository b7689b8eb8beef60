//! The one mechanism under every service: a thread with an inbox. It does
//! each job in the order sent, and runs the service's timer (`tick`) when
//! it is due; it stops when told, or when nobody can send to it any more.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::{Event, Routes, Waker};

/// A kind of work done outside the frame.
pub trait Service: Send + Sized + 'static {
    /// What it is asked.
    type Job: Send + 'static;
    /// Its thread's name.
    const NAME: &'static str;
    /// What a closing window waits for.
    const AT_EXIT: AtExit = AtExit::Leave;

    /// Does one job. Returns when [`Self::tick`] should run next, when
    /// the job changes that (`None`: as planned).
    fn handle(&mut self, job: Self::Job, out: &Out) -> Option<Duration>;

    /// Its timer: runs when the lane starts and when it is due; returns
    /// when it is due next (`None`: only when a job asks).
    fn tick(&mut self, _out: &Out) -> Option<Duration> {
        None
    }
}

/// What a closing window waits for of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtExit {
    /// Nothing: what it was doing is safe to cut off.
    Leave,
    /// Its job under way, for a moment (a post being sent and recorded).
    Moment,
    /// Every job it was sent (the disk: what was typed is saved).
    Everything,
}

/// What a lane is sent.
pub enum Message<J> {
    Job(J),
    Stop,
}

/// A service's inbox.
pub type Inbox<J> = Sender<Message<J>>;

/// How a service reports: events to the window (which is woken), and jobs
/// for the other services (posting asks the disk to record).
#[derive(Clone)]
pub struct Out {
    events: Sender<Event>,
    waker: Waker,
    routes: Arc<RwLock<Routes>>,
}

impl Out {
    pub(super) fn new(events: Sender<Event>, waker: Waker, routes: Arc<RwLock<Routes>>) -> Self {
        Self {
            events,
            waker,
            routes,
        }
    }

    /// Tells the window, and wakes it; `false` when the window is gone.
    pub fn tell(&self, event: Event) -> bool {
        let sent = self.events.send(event).is_ok();
        self.waker.wake();
        sent
    }

    /// Tells the window without waking it: news it takes in when it next
    /// draws anyway.
    pub fn note(&self, event: Event) -> bool {
        self.events.send(event).is_ok()
    }

    /// Asks the service `S`; `false` when it is not running.
    pub fn ask<S: Service>(&self, job: S::Job) -> bool {
        self.routes.read().is_ok_and(|routes| routes.send::<S>(job))
    }
}

/// A running service's inbox as the routes keep it, whatever its jobs.
pub(super) trait Route: Send + Sync {
    /// The inbox, to be sent its own kind of job.
    fn inbox(&self) -> &dyn std::any::Any;
    /// Tells the lane to stop once its current job is done.
    fn stop(&self);
}

impl<J: Send + 'static> Route for Inbox<J> {
    fn inbox(&self) -> &dyn std::any::Any {
        self
    }

    fn stop(&self) {
        let _ = self.send(Message::Stop);
    }
}

/// Starts `service` on a thread of its own; its inbox, and the thread
/// (`None` when no thread could be started: then the inbox is closed, and
/// sending to it says so).
pub(super) fn spawn<S: Service>(
    service: S,
    out: Out,
) -> (Inbox<S::Job>, Option<std::thread::JoinHandle<()>>) {
    let (inbox, jobs) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(S::NAME.into())
        .spawn(move || run(service, &jobs, &out))
        .ok();
    (inbox, thread)
}

fn run<S: Service>(mut service: S, jobs: &Receiver<Message<S::Job>>, out: &Out) {
    let mut due = service.tick(out).map(|d| Instant::now() + d);
    loop {
        let message = match due {
            Some(at) => jobs.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match message {
            Ok(Message::Job(job)) => {
                if let Some(next) = service.handle(job, out) {
                    due = Some(Instant::now() + next);
                }
            }
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if due.is_some_and(|at| at <= Instant::now()) {
            due = service.tick(out).map(|d| Instant::now() + d);
        }
    }
}
