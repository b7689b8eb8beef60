//! The window's one way to the disk. Every store transaction (a command
//! applied and saved), every re-read of a file changed elsewhere, taking in
//! what was read in the background, and every save of the drafts runs here,
//! on a thread of its own that owns the [`Store`], one job at a time in the
//! order asked. The frame only sends jobs and takes in what comes back, so it
//! never waits on the disk.
//!
//! A command is sent with a *base*: the part of the window's state it works
//! on (the incident it names, the ids taken for a declaration, the roster or
//! the settings). The store re-reads whatever changed on disk since, applies
//! the command, and saves; what it re-read or changed comes back as
//! [`Changes`] that the window puts into its state. Commands go one at a time,
//! each sent only once everything before it has come back, so a base is
//! never older than this window's own last save.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::command::Command;
use crate::interop::import;
use crate::model::roster::{Feed, Roster};
use crate::model::settings::Settings;
use crate::model::{Incident, IncidentId, Stamped, State};
use crate::store::{self, Outcome, Problem, Reloaded, Store, StoreError};
use crate::ui::contacts::forms::Previewed;
use crate::ui::drafts::Drafts;

/// What the window asks of the disk.
pub enum Job {
    /// Apply and save a command, from this base.
    Run {
        command: Command,
        actor: String,
        now: DateTime<Utc>,
        base: Box<State>,
    },
    /// Re-read these files, changed elsewhere.
    Outside(Vec<PathBuf>),
    /// Take in the roster read in the background.
    AcceptRoster(store::RosterRead),
    /// Take in the resolved incidents read in the background.
    AcceptArchive(store::ArchiveRead),
    /// Keep what was typed, in case of a restart.
    SaveDrafts(Box<Drafts>),
    /// Write an exported document (atomically, no `.bak`) where the person chose.
    Write { path: PathBuf, bytes: Vec<u8> },
    /// Bring the rota up to date with a subscribed feed's text, just read
    /// from its address (against this base, re-read first like a command).
    Refresh(Box<FeedText>, Box<State>),
    /// Read a file to import and work out what it would do to this roster.
    Preview {
        path: PathBuf,
        roster: Box<Roster>,
        options: Box<import::Options>,
    },
    /// Record what another part of the window's work did (what became of a
    /// post), against the incident as its file holds it, signed by whoever
    /// is at this desk now. Sent through a [`Recorder`], not counted as
    /// the window's own.
    Record(Box<Command>),
    /// The window is closing: no more jobs.
    Stop,
}

/// What waits for the jobs before it to come back.
enum Queued {
    /// A command, who gives it, when.
    Run(Command, String, DateTime<Utc>),
    /// A subscribed feed's new text (or its last good copy).
    Refresh(Box<FeedText>),
}

/// A subscribed feed's text to take in, who reads it, when.
pub struct FeedText {
    feed: Feed,
    text: String,
    /// The text is this desk's last good copy, not what was just read.
    from_copy: bool,
    actor: String,
    now: DateTime<Utc>,
}

/// What came back from a job.
pub enum Done {
    /// A command: saved (with what it did) or refused.
    Ran(Result<Outcome, StoreError>),
    /// Files changed elsewhere, re-read (or why not).
    Outside(Result<Reloaded, StoreError>),
    /// Data read in the background, taken in, with the files that did not load.
    Accepted(Vec<Problem>),
    /// The drafts as saved, or why they could not be.
    DraftsSaved(Box<Drafts>, Result<(), StoreError>),
    /// A file to import, read and previewed (or why not).
    Previewed(Previewed),
    /// An exported document written (or why not).
    Written(std::io::Result<()>),
    /// A subscribed feed read again: what it changed (`None`: nothing), or
    /// why it could not be taken in.
    Refreshed(Box<Feed>, bool, Result<Option<String>, String>),
    /// What another part of the window asked to record, saved (or why not).
    Recorded(Box<Command>, Result<Outcome, StoreError>),
}

/// What a job re-read or changed, for the window's state. Whatever the
/// result, these are what the files hold now.
#[derive(Default)]
pub struct Changes {
    incidents: Vec<Incident>,
    taken_ids: Vec<IncidentId>,
    roster: Option<Roster>,
    settings: Option<Settings>,
}

impl Changes {
    /// Puts them into `state`; whether anything changed.
    fn apply_to(self, state: &mut State) -> bool {
        let changed = !self.incidents.is_empty()
            || !self.taken_ids.is_empty()
            || self.roster.is_some()
            || self.settings.is_some();
        for incident in self.incidents {
            state.incidents.insert(incident.id.clone(), incident.into());
        }
        state.taken_ids.extend(self.taken_ids);
        if let Some(roster) = self.roster {
            *state.roster = roster;
        }
        if let Some(mut settings) = self.settings {
            // What the syncs measured of colleagues' clocks is the window's.
            settings.clocks = std::mem::take(&mut state.settings.clocks);
            state.settings = settings;
        }
        changed
    }

    /// What `state` (a base after its job) holds that came from the disk or
    /// the command: its incidents, any id newly taken, and the roster and the
    /// settings where they were re-read or saved.
    fn of(
        mut state: State,
        base_taken: &std::collections::BTreeSet<IncidentId>,
        roster: bool,
        settings: bool,
    ) -> Self {
        Self {
            incidents: std::mem::take(&mut state.incidents)
                .into_values()
                .map(Stamped::into_inner)
                .collect(),
            taken_ids: state.taken_ids.difference(base_taken).cloned().collect(),
            roster: roster.then(|| std::mem::take(&mut *state.roster)),
            settings: settings.then_some(state.settings),
        }
    }
}

/// Who to wake when a job is done: the window, once it has a frame.
pub type Waker = Arc<OnceLock<egui::Context>>;

/// The window's side of the disk thread.
pub struct Runner {
    jobs: Option<Sender<Job>>,
    done: Receiver<(Done, Changes)>,
    /// Jobs sent and not yet come back.
    in_flight: usize,
    /// Commands waiting for everything before them to come back.
    queue: VecDeque<Queued>,
    waker: Waker,
    /// How long each job waits first, in milliseconds (0: not at all).
    slow_disk: Arc<AtomicU64>,
    worker: Option<JoinHandle<()>>,
}

impl Runner {
    /// Starts the disk thread with `store`.
    pub fn start(store: Store) -> Self {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, done) = mpsc::channel();
        let waker: Waker = Arc::default();
        let wake = waker.clone();
        let slow_disk = Arc::new(AtomicU64::new(0));
        let delay = slow_disk.clone();
        let worker = std::thread::Builder::new()
            .name("expedite-disk".into())
            .spawn(move || {
                let mut store = store;
                for job in inbox {
                    if matches!(job, Job::Stop) {
                        break;
                    }
                    // A slow disk, for tests and benches; ends early when unset.
                    let start = std::time::Instant::now();
                    while start.elapsed().as_millis() < u128::from(delay.load(Ordering::Relaxed)) {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    let result = work(&mut store, job);
                    if outbox.send(result).is_err() {
                        break;
                    }
                    if let Some(ctx) = wake.get() {
                        ctx.request_repaint();
                    }
                }
            })
            .expect("a thread for the disk");
        Self {
            jobs: Some(jobs),
            done,
            in_flight: 0,
            queue: VecDeque::new(),
            waker,
            slow_disk,
            worker: Some(worker),
        }
    }

    /// Makes every job first wait `delay`, as on a slow or network disk:
    /// for tests and benches of a window that must not wait with it.
    pub fn slow_disk(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.slow_disk.store(ms, Ordering::Relaxed);
    }

    /// Wakes this window's frames when jobs are done.
    pub fn wake(&self, ctx: &egui::Context) {
        if self.waker.get().is_none() {
            let _ = self.waker.set(ctx.clone());
        }
    }

    /// Sends a job that needs no base.
    pub fn send(&mut self, job: Job) {
        if let Some(jobs) = &self.jobs
            && jobs.send(job).is_ok()
        {
            self.in_flight += 1;
        }
    }

    /// Queues a command; it is sent once everything before it is back.
    pub fn run(&mut self, command: Command, actor: String, now: DateTime<Utc>) {
        self.queue.push_back(Queued::Run(command, actor, now));
    }

    /// Queues taking in a subscribed feed's new text; like a command, it is
    /// sent once everything before it is back.
    /// `from_copy`: the text is this desk's last good copy, the feed itself
    /// could not be read.
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

    /// Whether a job is under way or waiting.
    pub fn is_busy(&self) -> bool {
        self.in_flight > 0 || !self.queue.is_empty()
    }

    /// What came back since last asked, each with its changes put into
    /// `state`; then sends the next command if nothing is under way.
    /// Returns what came back and whether the state changed.
    pub fn take_in(&mut self, state: &mut State) -> (Vec<Done>, bool) {
        let mut done = Vec::new();
        let mut changed = false;
        while let Ok((result, changes)) = self.done.try_recv() {
            if !matches!(result, Done::Recorded(..)) {
                self.in_flight = self.in_flight.saturating_sub(1);
            }
            changed |= changes.apply_to(state);
            done.push(result);
        }
        if self.in_flight == 0
            && let Some(next) = self.queue.pop_front()
        {
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
        (done, changed)
    }

    /// Waits (up to `bound`) for every job sent and queued to come back, for
    /// the window's last moments; what came back, in order.
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

/// A way for another thread of the window (the poster) to have something
/// recorded by the disk thread, the folder's one writer.
#[derive(Clone)]
pub struct Recorder {
    jobs: Sender<Job>,
}

impl Recorder {
    /// Has `command` applied and saved; `false` when the disk thread has
    /// stopped (the window is closing).
    pub fn record(&self, command: Command) -> bool {
        self.jobs.send(Job::Record(Box::new(command))).is_ok()
    }
}

impl Runner {
    /// A [`Recorder`] for another thread.
    pub fn recorder(&self) -> Option<Recorder> {
        self.jobs.clone().map(|jobs| Recorder { jobs })
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // The thread ends once the jobs before this are done (a recorder
        // elsewhere may still hold the channel open).
        if let Some(jobs) = self.jobs.take() {
            let _ = jobs.send(Job::Stop);
        }
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
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

/// Applies and saves `command` from `base`, re-reading what changed
/// elsewhere first; what the state holds afterwards for the window (what
/// was re-read is kept should the command be refused or fail to save).
fn run(
    store: &mut Store,
    command: Command,
    actor: &str,
    now: DateTime<Utc>,
    mut state: State,
) -> (Result<Outcome, StoreError>, Changes) {
    let taken = state.taken_ids.clone();
    let declare = matches!(command, Command::Declare { .. });
    let roster = matches!(command, Command::Roster(_));
    let settings = !declare && !roster && command.incident().is_none();
    let mut kept = None;
    let subscribes = command.subscribes();
    let result = store.execute_seen(&mut state, command, actor, now, |read, r| {
        if !r.is_empty() {
            kept = Some((read.clone(), r.clone()));
        }
    });
    // Subscribed to here: this desk reads it (a note of its own; should it
    // fail, the feed is listed as one to agree to, and nothing is lost).
    if result.is_ok() {
        for feed in state
            .roster
            .rota
            .feeds
            .iter()
            .filter(|f| subscribes.contains(&f.id))
        {
            let _ = crate::store::agree_to_feed(store.root(), feed);
        }
    }
    let changes = match (&result, kept) {
        (Ok(_), _) => Changes::of(state, &taken, roster, settings),
        (Err(_), Some((state, r))) => Changes::of(state, &taken, r.roster, r.settings),
        (Err(_), None) => Changes::default(),
    };
    (result, changes)
}

/// Does one job on the disk thread.
fn work(store: &mut Store, job: Job) -> (Done, Changes) {
    match job {
        Job::Run {
            command,
            actor,
            now,
            base,
        } => {
            let (result, changes) = run(store, command, &actor, now, *base);
            (Done::Ran(result), changes)
        }
        Job::Refresh(job, base) => {
            let FeedText {
                feed,
                text,
                from_copy,
                actor,
                now,
            } = *job;
            let feed = Box::new(feed);
            let done = |result| Done::Refreshed(feed.clone(), from_copy, result);
            match import::refresh_change(&base.roster, &feed, &text, now, &actor) {
                Err(why) => (done(Err(why)), Changes::default()),
                Ok(change) => {
                    // Kept whatever it changes: it says when this desk last
                    // read the feed well (a failure to keep it costs a read
                    // at start).
                    if !from_copy {
                        let _ = store::keep_feed_copy(store.root(), &feed, &text);
                    }
                    match change {
                        None => (done(Ok(None)), Changes::default()),
                        Some((change, said)) => {
                            let command = Command::Roster(Box::new(change));
                            let (result, changes) = run(store, command, &actor, now, *base);
                            let result = result.map(|_| Some(said)).map_err(|e| e.to_string());
                            (done(result), changes)
                        }
                    }
                }
            }
        }
        Job::Outside(paths) => {
            let mut state = State::default();
            let result = store.take_outside_changes(&mut state, paths);
            let changes = match &result {
                Ok(r) => Changes::of(state, &Default::default(), r.roster, r.settings),
                Err(_) => Changes::default(),
            };
            (Done::Outside(result), changes)
        }
        Job::AcceptRoster(read) => {
            let mut state = State::default();
            let fresh = !store.has_read(&store.roster_path());
            let problems = store.accept_roster(&mut state, read);
            let changes = Changes::of(state, &Default::default(), fresh, false);
            (Done::Accepted(problems), changes)
        }
        Job::AcceptArchive(read) => {
            let mut state = State::default();
            let problems = store.accept_archive(&mut state, read);
            let changes = Changes::of(state, &Default::default(), false, false);
            (Done::Accepted(problems), changes)
        }
        Job::Preview {
            path,
            roster,
            options,
        } => {
            let previewed = import::preview_from(&roster, &path.to_string_lossy(), *options)
                .map(|read| Box::new((path, read.format, read.preview)));
            (Done::Previewed(previewed), Changes::default())
        }
        Job::Write { path, bytes } => (
            Done::Written(store::atomic::write_document(&path, &bytes)),
            Changes::default(),
        ),
        Job::SaveDrafts(drafts) => {
            let result = store.save_drafts(&*drafts);
            (Done::DraftsSaved(drafts, result), Changes::default())
        }
        Job::Record(command) => {
            let actor = store.desk_name();
            let (result, state) =
                store.execute_fresh((*command).clone(), &actor, crate::desk::now());
            let changes = match &result {
                Ok(_) => Changes::of(state, &Default::default(), false, false),
                Err(_) => Changes::default(),
            };
            (Done::Recorded(command, result), changes)
        }
        Job::Stop => (Done::Accepted(Vec::new()), Changes::default()),
    }
}
