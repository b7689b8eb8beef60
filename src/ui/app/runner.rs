//! The window's side of the services (`crate::services`): it holds the one
//! [`Services`] handle, and for the disk it keeps the order. A command is
//! sent with a *base* — the part of the window's state it works on — and
//! only once everything sent before it has come back, so a base is never
//! older than this window's own last save; what the disk re-read or
//! changed comes back as [`Changes`] that go into the window's state.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::command::Command;
use crate::model::State;
use crate::model::roster::Feed;
use crate::services::disk::{self, Done, FeedText, Job, SlowDisk};
use crate::services::{self, Event, Services};
use crate::store::Store;

/// What waits for the jobs before it to come back.
enum Queued {
    /// A command, who gives it, when.
    Run(Command, String, DateTime<Utc>),
    /// A subscribed feed's new text (or its last good copy).
    Refresh(Box<FeedText>),
}

/// The window's handle on everything outside the frame, and the order of
/// what it asks of the disk.
pub struct Runner {
    services: Services,
    /// The data folder.
    root: std::path::PathBuf,
    /// Disk jobs sent and not yet come back.
    in_flight: usize,
    /// Commands waiting for everything before them to come back.
    queue: VecDeque<Queued>,
    slow_disk: SlowDisk,
    /// Whether the services wake this window's frames yet.
    wakes: bool,
}

impl Runner {
    /// Starts the services every window has: the disk over `store`,
    /// reading in the background, reading feeds' addresses for previews,
    /// and the save dialog (`dialog`).
    pub fn start(store: Store, dialog: std::sync::Arc<dyn services::dialog::SaveDialog>) -> Self {
        let mut services = Services::new();
        let root = store.root().to_path_buf();
        let (disk, slow_disk) = disk::Disk::new(store);
        services.start(disk);
        services.start(services::read::Reader);
        services.start(services::fetch::Fetch);
        services.start(services::dialog::Dialogs::new(dialog));
        Self {
            services,
            root,
            in_flight: 0,
            queue: VecDeque::new(),
            slow_disk,
            wakes: false,
        }
    }

    /// Has the services wake this window's frames when they have news.
    pub fn wake(&mut self, ctx: &eframe::egui::Context) {
        if !self.wakes {
            let ctx = ctx.clone();
            self.services.wake_with(move || ctx.request_repaint());
            self.wakes = true;
        }
    }

    /// The data folder.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    /// The services, to start more of them and to ask them things.
    pub fn services(&mut self) -> &mut Services {
        &mut self.services
    }

    /// Makes every disk job first wait `delay`, as on a slow or network
    /// disk: for tests and benches of a window that must not wait with it.
    pub fn slow_disk(&self, delay: Duration) {
        self.slow_disk.set(delay);
    }

    /// Sends a disk job that needs no base.
    pub fn send(&mut self, job: Job) {
        if self.services.send::<services::disk::Disk>(job) {
            self.in_flight += 1;
        }
    }

    /// Queues a command; it is sent once everything before it is back.
    pub fn run(&mut self, command: Command, actor: String, now: DateTime<Utc>) {
        self.queue.push_back(Queued::Run(command, actor, now));
    }

    /// Queues taking in a subscribed feed's new text; like a command, it is
    /// sent once everything before it is back. `from_copy`: the text is
    /// this desk's last good copy, the feed itself could not be read.
    pub fn refresh(
        &mut self,
        feed: Feed,
        text: String,
        from_copy: bool,
        actor: String,
        now: DateTime<Utc>,
    ) {
        self.queue.push_back(Queued::Refresh(Box::new(FeedText {
            feed,
            text,
            from_copy,
            actor,
            now,
        })));
    }

    /// Whether a disk job is under way or waiting.
    pub fn is_busy(&self) -> bool {
        self.in_flight > 0 || !self.queue.is_empty()
    }

    /// Everything that came back since last asked, with what the disk
    /// re-read or changed put into `state`; then the next command is sent
    /// if nothing is under way. Returns the disk's answers, every other
    /// service's events, and whether the state changed.
    pub fn take_in(&mut self, state: &mut State) -> (Vec<Done>, Vec<Event>, bool) {
        let mut done = Vec::new();
        let mut others = Vec::new();
        let mut changed = false;
        for event in self.services.events() {
            match event {
                Event::Disk(answer) => {
                    let (result, changes) = *answer;
                    // What another service recorded was not the window's own.
                    if !matches!(result, Done::Recorded(..)) {
                        self.in_flight = self.in_flight.saturating_sub(1);
                    }
                    changed |= changes.apply_to(state);
                    done.push(result);
                }
                other => others.push(other),
            }
        }
        self.send_next(state);
        (done, others, changed)
    }

    fn send_next(&mut self, state: &State) {
        if self.in_flight > 0 {
            return;
        }
        let Some(next) = self.queue.pop_front() else {
            return;
        };
        let job = match next {
            Queued::Run(command, actor, now) => Job::Run {
                base: Box::new(base_for(state, &command)),
                command,
                actor,
                now,
            },
            Queued::Refresh(feed) => Job::Refresh(
                feed,
                Box::new(State {
                    roster: state.roster.clone(),
                    ..State::default()
                }),
            ),
        };
        self.send(job);
    }

    /// Waits (up to `bound`) for every disk job sent and queued to come
    /// back, for the window's last moments; the disk's answers, in order.
    pub fn finish(&mut self, state: &mut State, bound: Duration) -> Vec<Done> {
        let until = std::time::Instant::now() + bound;
        let mut all = Vec::new();
        loop {
            all.extend(self.take_in(state).0);
            if !self.is_busy() || std::time::Instant::now() >= until {
                return all;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// The part of `state` that `command` works on, copied: the incident it
/// names; for a declaration, every id already used; the roster; the settings.
fn base_for(state: &State, command: &Command) -> State {
    let mut base = State::default();
    match command.incident() {
        Some(id) => {
            if let Some(incident) = state.incidents.get(id) {
                base.incidents.insert(id.clone(), incident.clone());
            }
        }
        None if matches!(command, Command::Declare { .. }) => {
            base.taken_ids = state
                .taken_ids
                .iter()
                .chain(state.incidents.keys())
                .cloned()
                .collect();
        }
        None if matches!(command, Command::Roster(_)) => base.roster = state.roster.clone(),
        None => base.settings = state.settings.clone(),
    }
    base
}
