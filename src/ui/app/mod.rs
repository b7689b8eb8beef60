//! The window: the incident cockpit, split by concern. This file holds the
//! app's state and how it is built; [`startup`] opens the window,
//! [`commands`] sends what people do to the disk thread and takes in the
//! results, [`background`] takes in what other threads report, [`dialogs`]
//! the dialogs and shortcuts, [`frame`] draws each frame.

mod background;
mod commands;
mod dialogs;
pub mod feeds;
mod frame;
pub mod metrics;
pub mod runner;
pub mod startup;

pub use frame::window_title;
pub use startup::{Preload, Refused, run};

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::command::Command;
use crate::model::{IncidentId, State};
use crate::reminder::{Notifier, WallClock, Watch};
use crate::store::watch::Watcher;
use crate::store::{self, InstanceLock, Problem, Store};
use crate::ui::notices::Notices;
use crate::ui::{Clock, Dialog, View, contacts, drafts, exports, probe};

use startup::Later;

/// How long typing may go unsaved to disk at most.
const DRAFT_SAVE_EVERY: Duration = Duration::from_secs(1);

/// How long a closing window waits for the disk to finish.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// How long a save may take before the window says it is still saving.
const SLOW_SAVE: Duration = Duration::from_millis(700);

/// Where an action came from, for what happens once it is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Origin {
    /// A view in the main area (or the window itself).
    #[default]
    View,
    /// The open dialog: it closes once its command is saved.
    Dialog,
}

/// What to do once a command sent to the disk is saved.
struct Pending {
    /// The command, to know it again.
    command: Option<Command>,
    /// When it was asked for.
    sent_at: Instant,
    /// The form the command came from, emptied once it is saved.
    form: crate::ui::Form,
    /// The drafts when it was sent: only what is still as it was then is
    /// cleared, so text typed meanwhile stays.
    sent: drafts::Drafts,
    /// A declaration: show the new incident.
    declared: bool,
    /// Where the contacts view goes next.
    contacts: Option<contacts::AfterSave>,
    /// The dialog it was sent from, closed once it is saved.
    dialog: Option<Dialog>,
}

impl Default for Pending {
    fn default() -> Self {
        Self {
            command: None,
            sent_at: Instant::now(),
            form: crate::ui::Form::None,
            sent: drafts::Drafts::default(),
            declared: false,
            contacts: None,
            dialog: None,
        }
    }
}

/// The main window, in a handful of parts.
pub struct ExpediteApp {
    /// The window's handle on everything outside the frame (the services),
    /// and the order of what it asks of the disk.
    runner: runner::Runner,
    /// The record as this window knows it.
    state: State,
    /// What is being typed, kept, and on its way to the disk.
    typing: Typing,
    /// What the window has to say: the last error, notifications' trouble,
    /// files that did not load (the exports' notice is the exports').
    notices: Notices,
    /// What is shown: the incident, the view, the dialog.
    nav: Navigation,
    /// What the services said of posting, sharing and feeds.
    news: News,
    /// This desk's window: the watcher, the instance lock, the probes.
    desk: Desk,
    /// What is read later: the roster, the resolved incidents.
    later: Reads,
    /// The views with state of their own.
    contacts: contacts::Contacts,
    /// Copying, mailing and saving the conclusion pack.
    exports: exports::Exports,
    /// The form to connect a channel.
    channel_form: crate::ui::channels::ChannelForm,
    /// The form to watch a metric (its keys never reach the drafts).
    metric_form: crate::ui::metric::MetricForm,
    clock: Clock,
}

/// Everything typed and not yet saved, and the commands on their way.
#[derive(Default)]
struct Typing {
    /// Commands sent and not back yet, in order, with what to do once saved.
    pending: VecDeque<Pending>,
    /// Whether a save of the drafts is under way.
    drafts_in_flight: bool,
    /// The drafts being saved, which become the saved ones once they are.
    drafts_sent: Option<Box<drafts::Drafts>>,
    /// Everything typed and not yet a command.
    drafts: drafts::Drafts,
    /// The drafts as last written to disk.
    saved_drafts: drafts::Drafts,
    drafts_saved_at: Option<Instant>,
    /// What is being typed into "Your name"; kept until saved.
    me_draft: String,
    /// The refusal shown, and the drafts as they were when it came: once
    /// they change (a field retyped, a chip picked), it no longer holds.
    refused_with: Option<(String, Box<drafts::Drafts>)>,
}

/// What is shown.
#[derive(Default)]
struct Navigation {
    /// The incident shown.
    selected: Option<IncidentId>,
    /// The view picked; `None` follows the incident's next step.
    view: Option<View>,
    dialog: Option<Dialog>,
    /// The dialog shown has not been drawn yet: its first field takes the keyboard.
    dialog_fresh: bool,
    /// The title last given to the window, so it is only sent when it changes.
    title: String,
    /// The keyboard shortcuts sheet (F1) is open.
    shortcuts_shown: bool,
    /// The incident and view shown last frame: a change gives the new view
    /// the keyboard.
    shown_view: Option<(Option<IncidentId>, View)>,
    /// Whether the name field has been given focus once.
    asked_focus: bool,
}

/// What the services said.
#[derive(Default)]
struct News {
    /// Where the shared folder stands, as the sync service last said.
    sharing: Option<crate::share::SyncStatus>,
    /// Where posting stands, as the posting service last said.
    posting: crate::services::posting::News,
    /// The window's side of the feeds service.
    refresher: feeds::Refresher,
    /// Where each subscribed feed stands on this desk.
    feed_news: feeds::FeedNews,
    /// Feeds' addresses being read for a preview.
    previews_reading: usize,
    /// The window's side of the metrics service.
    metrics: metrics::MetricNews,
    /// Hand-overs to this person from other desks already told of.
    told_hand_overs: std::collections::HashSet<(IncidentId, chrono::DateTime<chrono::Utc>)>,
}

/// This desk's window.
struct Desk {
    watcher: Option<Watcher>,
    _lock: Option<InstanceLock>,
    /// With `EXPEDITE_TRACE_FRAMES` set: when the window started, and frames built so far.
    frame_trace: Option<(Instant, u64)>,
    probe: probe::FirstFrameProbe,
}

/// What is read later.
struct Reads {
    /// The roster: read when the window is first used.
    roster: Later,
    /// The resolved incidents: read when first looked for.
    archive: Later,
}

impl ExpediteApp {
    /// Loads the whole data folder and the drafts before returning. No
    /// reminders, no watching and no instance lock until given
    /// ([`Self::with_reminders`], [`Self::with_lock`]).
    pub fn new(mut store: Store, clock: Clock) -> Self {
        let (state, problems) = store.load();
        Self::loaded(store, state, problems, clock)
    }

    /// Loads only what the first frame shows (settings, open incidents); the
    /// roster is read in the background when the window is first used, the
    /// resolved incidents when first asked for. This is how the window
    /// starts: its first frame waits for neither.
    pub fn starting(store: Store, clock: Clock) -> Self {
        Self::from_preload(Preload::read(store), clock)
    }

    /// The window from data read beforehand (see [`run`]).
    pub fn from_preload(preload: Preload, clock: Clock) -> Self {
        let mut app = Self::loaded(preload.store, preload.state, preload.problems, clock);
        let store::Deferred { roster, archive } = preload.deferred;
        app.later.roster = Later::Waiting(Some(crate::services::read::Job::Roster(roster)));
        app.later.archive = Later::Waiting(Some(crate::services::read::Job::Archive(archive)));
        app
    }

    fn loaded(mut store: Store, state: State, mut problems: Vec<Problem>, clock: Clock) -> Self {
        // Before the first frame, like the rest of the start-up reads.
        let (drafts, more) = store.load_drafts::<drafts::Drafts>();
        problems.extend(more);
        // The roster's forms are held by the contacts view alone.
        let saved_drafts = drafts.clone();
        let mut drafts = drafts;
        let forms = std::mem::take(&mut drafts.roster);
        Self {
            runner: runner::Runner::start(store, Arc::new(exports::NativeDialog)),
            state,
            typing: Typing {
                saved_drafts,
                drafts,
                ..Typing::default()
            },
            notices: Notices::with_problems(problems),
            nav: Navigation::default(),
            news: News::default(),
            desk: Desk {
                watcher: None,
                _lock: None,
                frame_trace: std::env::var_os("EXPEDITE_TRACE_FRAMES").map(|_| (Instant::now(), 0)),
                probe: probe::FirstFrameProbe::from_env(),
            },
            later: Reads {
                roster: Later::Done,
                archive: Later::Done,
            },
            contacts: contacts::Contacts::with_forms(forms),
            exports: exports::Exports::default(),
            channel_form: Default::default(),
            metric_form: Default::default(),
            clock,
        }
    }

    /// Makes every save and read wait `delay` first, as on a slow or
    /// network disk: for tests and benches of a window that must not wait.
    pub fn with_slow_disk(self, delay: std::time::Duration) -> Self {
        self.slow_disk(delay);
        self
    }

    /// Changes how long every save and read waits first (zero: not at all,
    /// which also ends a wait under way).
    pub fn slow_disk(&self, delay: std::time::Duration) {
        self.runner.slow_disk(delay);
    }

    /// Whether something is being saved or read (or waits its turn).
    pub fn is_busy(&self) -> bool {
        self.runner.is_busy()
            || self.exports.writing()
            || self.news.previews_reading > 0
            || self.news.refresher.is_busy()
    }

    /// Saves files through `dialog` instead of the desktop's save dialog.
    pub fn with_save_dialog(mut self, dialog: Arc<dyn exports::SaveDialog>) -> Self {
        self.runner
            .services()
            .start(crate::services::dialog::Dialogs::new(dialog));
        self
    }

    /// Reminds through `notifier` on the wall clock `clock` (the reminder
    /// service), starting with what is due now.
    pub fn with_reminders(mut self, notifier: Arc<dyn Notifier>, clock: WallClock) -> Self {
        self.runner
            .services()
            .start(crate::services::remind::Remind::new(notifier, clock));
        self.reschedule();
        self
    }

    /// Holds the instance lock for the window's life.
    pub fn with_lock(mut self, lock: InstanceLock) -> Self {
        self.desk._lock = Some(lock);
        self
    }

    /// Watches the data folder for changes made elsewhere.
    pub fn with_watcher(mut self, watcher: Watcher) -> Self {
        self.desk.watcher = Some(watcher);
        self
    }

    /// Posts updates to connected channels: the posting service, whose
    /// every outcome the disk service records.
    pub fn with_posting(mut self) -> Self {
        let root = self.runner.root().to_path_buf();
        self.runner
            .services()
            .start(crate::services::posting::Posting::new(root));
        self
    }

    /// Keeps subscribed feeds current: the feeds service.
    pub fn with_feeds(mut self) -> Self {
        let root = self.runner.root().to_path_buf();
        self.runner
            .services()
            .start(crate::services::feeds::Feeds::new(root));
        self
    }

    /// Reads each open incident's watched metric every minute: the
    /// metrics service.
    pub fn with_metrics(self) -> Self {
        self.with_metrics_on(Box::new(crate::desk::now))
    }

    /// As [`Self::with_metrics`], counting minutes on `clock`.
    pub fn with_metrics_on(mut self, clock: WallClock) -> Self {
        let root = self.runner.root().to_path_buf();
        self.runner
            .services()
            .start(crate::services::metrics::Metrics::new(root, clock));
        self
    }

    /// Keeps the folder in step while it is shared (from the start, or
    /// once shared from a terminal): the sync service.
    pub fn with_sync(mut self) -> Self {
        let root = self.runner.root().to_path_buf();
        self.runner
            .services()
            .start(crate::services::sync::Sync::new(root));
        self
    }

    /// Tells the reminder thread the due times as they are now.
    pub(super) fn reschedule(&mut self) {
        let repeat =
            chrono::Duration::minutes(i64::from(self.state.settings.overdue_repeat_minutes.max(1)));
        let watch = crate::services::remind::Job::Watch(Watch::all(&self.state), repeat);
        // Without the reminder service (a window made for a test) nothing reminds.
        self.runner
            .services()
            .send::<crate::services::remind::Remind>(watch);
    }

    pub(super) fn me(&self) -> String {
        self.state
            .settings
            .me
            .clone()
            .unwrap_or_else(crate::desk::login_name)
    }
}
