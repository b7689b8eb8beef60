//! The disk: the data folder's one writer. Every store transaction (a
//! command applied and saved), every re-read of a file changed elsewhere,
//! taking in what was read in the background, every save of the drafts,
//! an export's write, an import's preview, a feed's refresh and what the
//! other services record (a post's fate) runs here, one job at a time in
//! the order asked, on the lane that owns the [`Store`].
//!
//! A command comes with a *base*: the part of the window's state it works
//! on (the incident it names, the ids taken for a declaration, the roster or
//! the settings). The store re-reads whatever changed on disk since, applies
//! the command, and saves; what it re-read or changed comes back as
//! [`Changes`] that the window puts into its state.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::command::Command;
use crate::interop::import;
use crate::model::roster::{Feed, Roster};
use crate::model::settings::Settings;
use crate::model::{Incident, IncidentId, Stamped, State};
use crate::store::{self, Outcome, Problem, Reloaded, Store, StoreError};

use super::{AtExit, Event, Out, Service};

/// An import read and previewed: the file, its format, and what it would
/// do (or why it can't be read).
pub type Previewed = Result<
    Box<(
        PathBuf,
        crate::interop::import::Format,
        crate::interop::import::Preview,
    )>,
    crate::interop::import::ImportError,
>;

/// How the window's drafts are written (the window's own kind of file).
pub type DraftsSaver = Box<dyn FnOnce(&mut Store) -> Result<(), StoreError> + Send>;

/// The disk service: the store, and how long each job waits first (for
/// tests and benches of a slow disk).
pub struct Disk {
    store: Store,
    slow: Arc<AtomicU64>,
}

/// Makes every disk job wait first, as on a slow or network disk.
#[derive(Clone, Default)]
pub struct SlowDisk(Arc<AtomicU64>);

impl SlowDisk {
    /// Each job waits `delay` first (zero: not at all, which also ends a
    /// wait under way).
    pub fn set(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.0.store(ms, Ordering::Relaxed);
    }
}

impl Disk {
    /// The disk service over `store`, and its slow-disk knob.
    pub fn new(store: Store) -> (Self, SlowDisk) {
        let slow = SlowDisk::default();
        (
            Self {
                store,
                slow: slow.0.clone(),
            },
            slow,
        )
    }
}

impl Service for Disk {
    type Job = Job;
    const NAME: &'static str = "expedite-disk";
    const AT_EXIT: AtExit = AtExit::Everything;

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        // A slow disk, for tests and benches; ends early when unset.
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < u128::from(self.slow.load(Ordering::Relaxed)) {
            std::thread::sleep(Duration::from_millis(2));
        }
        // Another lane's work answers that lane itself, and what it
        // changed reaches the window through the folder's watcher.
        let (done, changes) = work(&mut self.store, job)?;
        out.tell(Event::Disk(Box::new((done, changes))));
        None
    }
}

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
    SaveDrafts(DraftsSaver),
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
    /// Work another lane needs done with the folder's store — a sync's
    /// commits and merges, under the folder's write lock — done here so the
    /// folder has one writer. It sends its own answer to the lane that
    /// waits for it.
    With(Box<dyn FnOnce(&mut Store) + Send>),
    /// Record what another service did (what became of a post), against
    /// the incident as its file holds it, signed by whoever is at this desk
    /// now. Comes back as [`Done::Recorded`].
    Record(Box<Command>),
}

/// A subscribed feed's text to take in, who reads it, when.
pub struct FeedText {
    pub feed: Feed,
    pub text: String,
    /// The text is this desk's last good copy, not what was just read.
    pub from_copy: bool,
    pub actor: String,
    pub now: DateTime<Utc>,
}

/// What came back from a job.
pub enum Done {
    /// A command: saved (with what it did) or refused.
    Ran(Result<Outcome, StoreError>),
    /// Files changed elsewhere, re-read (or why not).
    Outside(Result<Reloaded, StoreError>),
    /// Data read in the background, taken in, with the files that did not load.
    Accepted(Vec<Problem>),
    /// The drafts saved, or why they could not be.
    DraftsSaved(Result<(), StoreError>),
    /// A file to import, read and previewed (or why not).
    Previewed(Previewed),
    /// An exported document written (or why not).
    Written(std::io::Result<()>),
    /// A subscribed feed read again: what it changed (`None`: nothing), or
    /// why it could not be taken in.
    Refreshed(Box<Feed>, bool, Result<Option<String>, String>),
    /// What another service asked to record, saved (or why not).
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
    pub fn apply_to(self, state: &mut State) -> bool {
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

/// Does one job on the disk thread: what to tell the window, if anything.
fn work(store: &mut Store, job: Job) -> Option<(Done, Changes)> {
    let answer = match job {
        Job::With(work) => {
            work(store);
            return None;
        }
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
                Err(why) => (done(Err(why.to_string())), Changes::default()),
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
        Job::SaveDrafts(save) => (Done::DraftsSaved(save(store)), Changes::default()),
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
    };
    Some(answer)
}
