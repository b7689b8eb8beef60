//! The window: the incident cockpit. A header with the countdown, the
//! procedure rail, one view per stage, the timeline, the incidents and the
//! contacts. Views read the state and return [`Action`]s; the app runs the
//! commands through the store and keeps everything typed in [`drafts`].

pub mod classification;
pub mod communication;
pub mod conclusion;
pub mod contacts;
pub mod declare;
pub mod deployment;
pub mod drafts;
pub mod evidence;
pub mod exports;
pub mod fix;
pub mod header;
pub mod incidents;
pub mod ownership;
pub mod post_update;
pub mod probe;
pub mod rail;
pub mod roster_forms;
pub mod runner;
pub mod team;
pub mod timeline;
pub mod widgets;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::command::Command;
use crate::interop::pack::Pack;
use crate::model::procedure::{self, Stage};
use crate::model::{Incident, IncidentId, Stamped, State, comms};
use crate::reminder::desktop::DesktopNotifier;
use crate::reminder::{NotificationAction, ReminderEvent, Reminders, Watch};
use crate::store::watch::Watcher;
use crate::store::{self, InstanceLock, Problem, Store};
use runner::{Done, Job};

/// The renderer the window uses (and the bare-window yardstick with it).
pub const RENDERER: eframe::Renderer = eframe::Renderer::Glow;

/// Where the window gets the time from; tests inject a fixed one.
pub type Clock = Box<dyn Fn() -> DateTime<Utc>>;

/// Opens the window on the data folder.
///
/// The data is read on a thread of its own while the window and its
/// graphics are set up, so a team's history never delays the first frame.
pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let folder = store::data_dir(data_dir.clone()).ok();
    let preloading = std::thread::spawn(move || {
        let store = Store::open(store::data_dir(data_dir)?)?;
        let lock = store.lock_instance()?;
        let icon = eframe::icon_data::from_png_bytes(include_bytes!(
            "../../assets/icons/expedite-256.png"
        ))
        // Only a broken build could get here; the window is still usable.
        .inspect_err(|e| eprintln!("expedite: the window icon could not be read: {e}"))
        .ok();
        Ok::<_, store::StoreError>((Preload::read(store), lock, icon))
    });
    let viewport = egui::ViewportBuilder::default()
        .with_title("Expedite")
        .with_app_id(crate::APP_ID)
        .with_inner_size([1180.0, 780.0])
        .with_min_inner_size([640.0, 480.0]);
    let options = eframe::NativeOptions {
        viewport,
        renderer: RENDERER,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Expedite",
        options,
        Box::new(move |cc| {
            let preloaded = preloading
                .join()
                .unwrap_or(Err(store::StoreError::Stopped { dir: folder }));
            Ok(match preloaded {
                Ok((preload, lock, icon)) => {
                    if let Some(icon) = icon {
                        cc.egui_ctx
                            .send_viewport_cmd(egui::ViewportCommand::Icon(Some(Arc::new(icon))));
                    }
                    let ctx = cc.egui_ctx.clone();
                    let reminders = Reminders::start(
                        Arc::new(DesktopNotifier::new()),
                        Box::new(crate::desk::now),
                        move || ctx.request_repaint(),
                    );
                    let ctx = cc.egui_ctx.clone();
                    let root = preload.store.root().to_path_buf();
                    let watcher = Watcher::start(&root, move || ctx.request_repaint());
                    let mut app = ExpediteApp::from_preload(preload, Box::new(crate::desk::now))
                        .with_reminders(reminders)
                        .with_lock(lock);
                    match watcher {
                        Ok(watcher) => app = app.with_watcher(watcher),
                        Err(e) => app.problems.push(Problem {
                            path: root,
                            message: format!(
                                "Changes made elsewhere (a terminal, a shared folder) won't show until restart: the folder can't be watched ({e})."
                            ),
                        }),
                    }
                    Box::new(app)
                }
                Err(e) => {
                    eprintln!("expedite: {e}");
                    Box::new(Refused {
                        message: e.to_string(),
                    })
                }
            })
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "expedite: the window could not open: {e}. Try `expedite status` in a terminal meanwhile."
            );
            ExitCode::FAILURE
        }
    }
}

/// Shown instead of the app when the data folder can't be opened (e.g. another window has it).
pub struct Refused {
    /// Why.
    pub message: String,
}

impl eframe::App for Refused {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(24.0);
            widgets::title(ui, "Expedite can't open this data folder");
            ui.add_space(8.0);
            ui.label(&self.message);
            ui.add_space(16.0);
            if ui.button("Close").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
    }
}

/// What a view sees: the incident, the whole state, the time and who is at the keyboard.
pub struct Facts<'a> {
    /// The incident shown.
    pub incident: &'a Stamped<Incident>,
    /// Everything loaded (roster, settings, other incidents).
    pub state: &'a State,
    /// Now, from the app's clock.
    pub now: DateTime<Utc>,
    /// The name the person goes by.
    pub me: &'a str,
}

/// What a view asks the app to do.
pub enum Action {
    /// Run a command; when it is saved, empty the form it was made from.
    Run(Command, drafts::Form),
    /// What was typed can't become a command: say why (the text stays).
    Refuse(String),
    /// Open a dialog.
    Open(Dialog),
    /// Show another incident.
    Select(IncidentId),
    /// Read a file to import and preview what it would change.
    Preview {
        path: PathBuf,
        role: Option<crate::model::Role>,
    },
}

impl Action {
    /// Runs `command`; once it is saved, `form` is emptied.
    pub fn run(command: Command, form: drafts::Form) -> Self {
        Self::Run(command, form)
    }
}

/// What a person did with a dialog this frame.
pub enum DialogOutcome {
    /// Nothing yet.
    Open,
    /// Closed without sending; what was typed is kept.
    Closed,
    /// Sent: run this (or say why it can't be); the dialog closes once it is saved.
    Done(Action),
}

/// A dialog over the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// Declare an incident.
    Declare,
    /// Post an update on this incident.
    PostUpdate(IncidentId),
    /// Hand this incident over.
    HandOver(IncidentId),
}

/// What the main area shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// One stage of the procedure.
    Stage(Stage),
    /// The incident's timeline.
    Timeline,
    /// All incidents.
    Incidents,
    /// The roster.
    Contacts,
}

/// How long typing may go unsaved to disk at most.
const DRAFT_SAVE_EVERY: Duration = Duration::from_secs(1);

/// How long a closing window waits for the disk to finish.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// Where an action came from, for what happens once it is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Origin {
    /// A view in the main area (or the window itself).
    #[default]
    View,
    /// The open dialog: it closes once its command is saved.
    Dialog,
    /// The contacts view: it moves on to the page it asked for.
    Contacts,
}

/// What to do once a command sent to the disk is saved.
struct Pending {
    /// The command, to know it again.
    command: Option<Command>,
    /// The form the command came from, emptied once it is saved.
    form: drafts::Form,
    /// The drafts when it was sent: only what is still as it was then is
    /// cleared, so text typed meanwhile stays.
    sent: drafts::Drafts,
    /// A declaration: show the new incident.
    declared: bool,
    from: Origin,
    /// Where the contacts view goes next.
    contacts: Option<contacts::AfterSave>,
}

impl Default for Pending {
    fn default() -> Self {
        Self {
            command: None,
            form: drafts::Form::None,
            sent: drafts::Drafts::default(),
            declared: false,
            from: Origin::View,
            contacts: None,
        }
    }
}

/// The main window.
pub struct ExpediteApp {
    /// The one way to the disk: store transactions and drafts saves run there.
    runner: runner::Runner,
    /// Commands sent and not back yet, in order, with what to do once saved.
    pending: VecDeque<Pending>,
    /// Whether a save of the drafts is under way.
    drafts_in_flight: bool,
    state: State,
    problems: Vec<Problem>,
    /// Everything typed and not yet a command.
    drafts: drafts::Drafts,
    /// The drafts as last written to disk.
    saved_drafts: drafts::Drafts,
    drafts_saved_at: Option<Instant>,
    /// What is being typed into "Your name"; kept until saved.
    me_draft: String,
    /// The last thing that went wrong, shown until the next success.
    error: Option<String>,
    /// Why desktop notifications don't work, when they don't.
    notification_trouble: Option<String>,
    /// The incident shown.
    selected: Option<IncidentId>,
    /// The view picked; `None` follows the incident's next step.
    view: Option<View>,
    dialog: Option<Dialog>,
    /// The dialog shown has not been drawn yet: its first field takes the keyboard.
    dialog_fresh: bool,
    contacts: contacts::Contacts,
    /// Copying, mailing and saving the conclusion pack.
    exports: exports::Exports,
    clock: Clock,
    /// The title last given to the window, so it is only sent when it changes.
    title: String,
    /// Whether the name field has been given focus once.
    asked_focus: bool,
    reminders: Option<Reminders>,
    watcher: Option<Watcher>,
    _lock: Option<InstanceLock>,
    /// With `EXPEDITE_TRACE_FRAMES` set: when the window started, and frames built so far.
    frame_trace: Option<(Instant, u64)>,
    probe: probe::FirstFrameProbe,
    /// The roster: read when the window is first used.
    roster: Later<store::RosterRead>,
    /// The resolved incidents: read when first looked for.
    archive: Later<store::ArchiveRead>,
}

/// What the window reads before its first frame: the settings and the open
/// incidents. The roster is read when the window is first used, the resolved
/// incidents when first asked for (see [`ExpediteApp::starting`]).
pub struct Preload {
    store: Store,
    state: State,
    problems: Vec<Problem>,
    deferred: store::Deferred,
}

impl Preload {
    /// Loads the settings and the open incidents.
    pub fn read(mut store: Store) -> Self {
        let (state, problems, deferred) = store.load_active();
        Self {
            store,
            state,
            problems,
            deferred,
        }
    }
}

/// Data read later, on a thread of its own: not asked for yet, being read, in.
enum Later<T> {
    /// Not read yet: how to read it.
    Waiting(Box<dyn FnOnce() -> T + Send>),
    /// Being read; the window wakes when it is done.
    Reading(Receiver<T>),
    /// Taken in (or never needed).
    Done,
}

impl<T: Send + 'static> Later<T> {
    fn waiting(read: impl FnOnce() -> T + Send + 'static) -> Self {
        Self::Waiting(Box::new(read))
    }

    /// Starts reading, unless it already has.
    fn start(&mut self, ctx: &egui::Context) {
        *self = match std::mem::replace(self, Self::Done) {
            Self::Waiting(read) => Self::Reading(in_background(ctx, read)),
            other => other,
        };
    }

    /// What was read, once, when it is ready.
    fn ready(&mut self) -> Option<T> {
        let Self::Reading(rx) = self else {
            return None;
        };
        match rx.try_recv() {
            Ok(read) => {
                *self = Self::Done;
                Some(read)
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                *self = Self::Done;
                None
            }
        }
    }

    fn is_done(&self) -> bool {
        matches!(self, Self::Done)
    }
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
        app.roster = Later::waiting(move || store::read_roster(&roster));
        app.archive = Later::waiting(move || store::read_archive(&archive));
        app
    }

    /// Starts reading the roster when the window is first used (a key or a
    /// click; not focus or the pointer passing over): an untouched window
    /// never pays for 10,000 contacts, and a used one has them within a
    /// blink, before any suggestion or search needs them.
    fn read_roster_when_used(&mut self, ctx: &egui::Context) {
        if !matches!(self.roster, Later::Waiting(_)) {
            return;
        }
        let used = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { pressed: true, .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { pressed: true, .. }
                )
            })
        });
        if used {
            self.roster.start(ctx);
        }
    }

    fn loaded(mut store: Store, state: State, mut problems: Vec<Problem>, clock: Clock) -> Self {
        // Before the first frame, like the rest of the start-up reads.
        let (drafts, more) = store.load_drafts::<drafts::Drafts>();
        problems.extend(more);
        let forms = drafts.roster.clone();
        Self {
            runner: runner::Runner::start(store),
            pending: VecDeque::new(),
            drafts_in_flight: false,
            state,
            problems,
            saved_drafts: drafts.clone(),
            drafts,
            drafts_saved_at: None,
            me_draft: String::new(),
            error: None,
            notification_trouble: None,
            selected: None,
            view: None,
            dialog: None,
            dialog_fresh: false,
            contacts: contacts::Contacts::with_forms(forms),
            exports: exports::Exports::default(),
            clock,
            title: String::new(),
            asked_focus: false,
            reminders: None,
            watcher: None,
            _lock: None,
            frame_trace: std::env::var_os("EXPEDITE_TRACE_FRAMES").map(|_| (Instant::now(), 0)),
            probe: probe::FirstFrameProbe::from_env(),
            roster: Later::Done,
            archive: Later::Done,
        }
    }

    /// Hands the roster and the archive, once read in the background, to
    /// the disk thread to take in.
    fn take_in_loaded(&mut self) {
        if let Some(read) = self.roster.ready() {
            self.runner.send(Job::AcceptRoster(read));
        }
        if let Some(read) = self.archive.ready() {
            self.runner.send(Job::AcceptArchive(read));
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
        self.runner.is_busy() || self.exports.writing()
    }

    /// Reminds through this reminder thread, starting with what is due now.
    /// Saves files through `dialog` instead of the desktop's save dialog.
    pub fn with_save_dialog(mut self, dialog: Arc<dyn exports::SaveDialog>) -> Self {
        self.exports = exports::Exports::new(dialog);
        self
    }

    pub fn with_reminders(mut self, reminders: Reminders) -> Self {
        self.reminders = Some(reminders);
        self.reschedule();
        self
    }

    /// Holds the instance lock for the window's life.
    pub fn with_lock(mut self, lock: InstanceLock) -> Self {
        self._lock = Some(lock);
        self
    }

    /// Watches the data folder for changes made elsewhere.
    pub fn with_watcher(mut self, watcher: Watcher) -> Self {
        self.watcher = Some(watcher);
        self
    }

    /// Tells the reminder thread the due times as they are now.
    fn reschedule(&self) {
        if let Some(reminders) = &self.reminders {
            let repeat = chrono::Duration::minutes(i64::from(
                self.state.settings.overdue_repeat_minutes.max(1),
            ));
            reminders.watch(Watch::all(&self.state), repeat);
        }
    }

    fn me(&self) -> String {
        self.state
            .settings
            .me
            .clone()
            .unwrap_or_else(crate::desk::login_name)
    }

    /// Sends a command to be applied and saved; `then` says what to do once
    /// it is. Until then what was typed stays where it is.
    fn execute(&mut self, command: Command, then: Pending) {
        // The same again while the first is being saved (a double click):
        // once is what was meant.
        if self
            .pending
            .iter()
            .any(|p| p.command.as_ref() == Some(&command))
        {
            return;
        }
        let then = Pending {
            command: Some(command.clone()),
            ..then
        };
        let actor = self.me();
        let now = (self.clock)();
        self.runner.run(command, actor, now);
        self.pending.push_back(then);
    }

    /// Does what a view or dialog asked: a command goes to the disk thread,
    /// the rest happens at once.
    fn perform(&mut self, ctx: &egui::Context, action: Action, from: Origin) {
        let after = match from {
            Origin::Contacts => self.contacts.take_after_save(),
            _ => None,
        };
        match action {
            Action::Run(command, form) => {
                let then = Pending {
                    declared: matches!(command, Command::Declare { .. }),
                    form,
                    sent: self.drafts.clone(),
                    from,
                    contacts: after,
                    ..Pending::default()
                };
                self.execute(command, then);
            }
            Action::Refuse(why) => self.error = Some(why),
            Action::Preview { path, role } => {
                let roster = Box::new((*self.state.roster).clone());
                let now = (self.clock)();
                self.runner.send(Job::Preview {
                    path,
                    role,
                    now,
                    roster,
                });
            }
            Action::Open(dialog) => self.open_dialog(dialog),
            Action::Select(id) => {
                self.selected = Some(id);
                self.view = None;
                self.error = None;
                if from == Origin::Dialog {
                    self.close_dialog(ctx);
                }
                if let Some(after) = after {
                    self.contacts.saved(after);
                }
            }
        }
    }

    /// What a command did, once back from the disk: on success the text it
    /// came from is cleared (and its dialog closed); on failure the reason
    /// shows and nothing typed is touched.
    fn finished(&mut self, ctx: &egui::Context, result: Result<store::Outcome, store::StoreError>) {
        let then = self.pending.pop_front().unwrap_or_default();
        match result {
            Ok(outcome) => {
                self.error = None;
                if then.declared {
                    // Show the new incident.
                    self.selected = outcome.saved.first().cloned();
                    self.view = None;
                }
                let incident = then.command.as_ref().and_then(Command::incident);
                self.drafts.clear_as_sent(&then.sent, incident, then.form);
                if then.from == Origin::Dialog {
                    self.close_dialog(ctx);
                }
                if let Some(after) = then.contacts {
                    self.contacts.saved(after);
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Takes in what came back from the disk thread.
    fn take_in_done(&mut self, ctx: &egui::Context) {
        let (done, changed) = self.runner.take_in(&mut self.state);
        if changed {
            self.reschedule();
        }
        for done in done {
            match done {
                Done::Ran(result) => self.finished(ctx, result),
                Done::Outside(Ok(_)) => {}
                Done::Outside(Err(e)) => self.error = Some(e.to_string()),
                Done::Accepted(problems) => self.problems.extend(problems),
                Done::Previewed(read) => self.contacts.previewed(read),
                Done::Written(result) => self.exports.written(result),
                Done::DraftsSaved(drafts, result) => {
                    self.drafts_in_flight = false;
                    match result {
                        Ok(()) => self.saved_drafts = *drafts,
                        Err(e) => {
                            self.error = Some(format!(
                                "What you typed is still here, but it could not be kept on disk in case of a restart: {e}"
                            ));
                            ctx.request_repaint_after(DRAFT_SAVE_EVERY);
                        }
                    }
                }
            }
        }
    }

    /// Takes in what happened in the background: data read, outside edits and reminders.
    fn handle_background(&mut self, ctx: &egui::Context) {
        self.runner.wake(ctx);
        self.take_in_loaded();
        if let Some(watcher) = &self.watcher {
            let paths: Vec<PathBuf> = watcher.changes.try_iter().collect();
            if !paths.is_empty() {
                self.runner.send(Job::Outside(paths));
            }
        }
        self.take_in_done(ctx);
        let events: Vec<ReminderEvent> = self
            .reminders
            .as_ref()
            .map(|r| r.events.try_iter().collect())
            .unwrap_or_default();
        for event in events {
            match event {
                ReminderEvent::Shown(reminder) => {
                    self.notification_trouble = None;
                    let attention = if reminder.critical {
                        egui::UserAttentionType::Critical
                    } else {
                        egui::UserAttentionType::Informational
                    };
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(attention));
                }
                ReminderEvent::Failed(_, why) => {
                    self.notification_trouble = Some(why);
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                        egui::UserAttentionType::Critical,
                    ));
                }
                ReminderEvent::Action(incident, NotificationAction::Snooze15) => {
                    let snooze = Command::Snooze {
                        incident,
                        for_: chrono::Duration::minutes(15),
                    };
                    self.execute(snooze, Pending::default());
                }
                ReminderEvent::Action(incident, NotificationAction::PostUpdate) => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    self.selected = Some(incident.clone());
                    self.open_dialog(Dialog::PostUpdate(incident));
                }
            }
        }
    }

    /// Writes the drafts when they changed: at once when `now_please`,
    /// otherwise at most once a second while typing.
    fn keep_drafts(&mut self, ctx: &egui::Context, now_please: bool) {
        if !self.drafts_changed() {
            return;
        }
        let since = self.drafts_saved_at.map(|t| t.elapsed());
        if !now_please && since.is_some_and(|s| s < DRAFT_SAVE_EVERY) {
            ctx.request_repaint_after(DRAFT_SAVE_EVERY - since.unwrap_or_default());
            return;
        }
        if self.drafts_in_flight {
            // The one under way comes back with a frame; this goes after it.
            return;
        }
        self.drafts_saved_at = Some(Instant::now());
        self.drafts_in_flight = true;
        self.runner
            .send(Job::SaveDrafts(Box::new(self.drafts.clone())));
    }

    /// Whether the drafts differ from what is on disk (empty ones dropped first).
    fn drafts_changed(&mut self) -> bool {
        // The roster's forms live in the contacts view; their text is kept here.
        if self.drafts.roster != self.contacts.forms {
            self.drafts.roster = self.contacts.forms.clone();
        }
        self.drafts.prune();
        self.drafts != self.saved_drafts
    }

    /// Opens a dialog; its first field takes the keyboard.
    fn open_dialog(&mut self, dialog: Dialog) {
        self.dialog = Some(dialog);
        self.dialog_fresh = true;
        self.error = None;
    }

    fn close_dialog(&mut self, ctx: &egui::Context) {
        self.dialog = None;
        self.error = None;
        self.keep_drafts(ctx, true);
    }

    /// The open dialog, if any.
    fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let fresh = std::mem::take(&mut self.dialog_fresh);
        let error = self.error.as_deref();
        let outcome = match &dialog {
            Dialog::Declare => {
                let me = self.me();
                let draft = &mut self.drafts.declare;
                declare::dialog(ctx, draft, &me, &self.state.roster, error, fresh)
            }
            Dialog::PostUpdate(id) => {
                let Some(incident) = self.state.incidents.get(id) else {
                    return self.close_dialog(ctx);
                };
                let cadence = &self.state.settings.cadence;
                let pack = Pack::new(
                    incident,
                    &self.state.roster,
                    &self.state.settings,
                    (self.clock)(),
                );
                let draft = self
                    .drafts
                    .of(id)
                    .update
                    .get_or_insert_with(|| drafts::UpdateDraft::new(incident, cadence));
                post_update::show(ctx, draft, &pack, error, fresh)
            }
            Dialog::HandOver(id) => {
                let Some(incident) = self.state.incidents.get(id) else {
                    return self.close_dialog(ctx);
                };
                let draft = &mut self.drafts.of(id).hand_over;
                ownership::dialog(ctx, draft, incident, &self.state.roster, error, fresh)
            }
        };
        match outcome {
            DialogOutcome::Open => {}
            DialogOutcome::Closed => self.close_dialog(ctx),
            DialogOutcome::Done(action) => self.perform(ctx, action, Origin::Dialog),
        }
    }

    /// Ctrl+N declare, Ctrl+U post update, Ctrl+F find a contact.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        let pressed = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key));
        if self.dialog.is_some() || self.state.settings.me.is_none() {
            return;
        }
        if pressed(egui::Key::N) {
            self.open_dialog(Dialog::Declare);
        } else if pressed(egui::Key::U) {
            let open = self
                .selected
                .as_ref()
                .and_then(|id| self.state.incidents.get(id))
                .map(|i| &**i)
                .filter(|i| i.is_open())
                .or_else(|| self.state.current_incident());
            if let Some(id) = open.map(|i| i.id.clone()) {
                self.open_dialog(Dialog::PostUpdate(id));
            }
        } else if pressed(egui::Key::F) {
            self.view = Some(View::Contacts);
            self.contacts.focus = true;
            self.contacts.page = contacts::Page::List;
        }
    }

    /// Keeps the shown incident valid: the one picked, else the most active open one.
    fn keep_selection(&mut self) {
        let valid = self
            .selected
            .as_ref()
            .is_some_and(|id| self.state.incidents.contains_key(id));
        if !valid {
            self.selected = self.state.current_incident().map(|i| i.id.clone());
            if matches!(self.view, Some(View::Stage(_) | View::Timeline)) {
                self.view = None;
            }
        }
    }

    fn ask_for_name(&mut self, ui: &mut egui::Ui) {
        ui.add_space(ui.available_height() * 0.25);
        ui.vertical_centered(|ui| {
            widgets::title(ui, "Welcome to Expedite");
            ui.add_space(6.0);
            ui.label(
                "Your name goes on every timeline entry you make, so colleagues know who did what.",
            );
            ui.add_space(14.0);
        });
        let mut submit = false;
        let row_width = 420.0_f32.min(ui.available_width());
        ui.horizontal(|ui| {
            ui.add_space((ui.available_width() - row_width).max(0.0) / 2.0);
            let label = ui.label("Your name");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.me_draft)
                        .hint_text("e.g. Sam Patel")
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            if !self.asked_focus {
                // Ready to type at once: no click needed at 3 a.m.
                field.request_focus();
                self.asked_focus = true;
            }
            submit = widgets::submitted(ui, &field);
            submit |= ui.button("Save").clicked();
        });
        if submit {
            let name = self.me_draft.clone();
            self.execute(Command::SetMe { name }, Pending::default());
        }
    }
}

/// Banners above every view: notifications not working, files not loaded,
/// the last error (shown in the dialog instead while one is open).
fn banners(
    ui: &mut egui::Ui,
    notification_trouble: Option<&str>,
    problems: &mut Vec<Problem>,
    error: &mut Option<String>,
    dialog_open: bool,
) {
    if let Some(why) = notification_trouble {
        let text = format!(
            "Desktop notifications are not working: {why}. Reminders still show here — the countdown turns red and the window asks for attention — so keep this window in sight."
        );
        widgets::error_box(ui, &text);
        ui.add_space(4.0);
    }
    let mut dismissed = None;
    for (i, p) in problems.iter().enumerate() {
        if widgets::error_box(ui, &p.message) {
            dismissed = Some(i);
        }
        ui.add_space(4.0);
    }
    if let Some(i) = dismissed {
        problems.remove(i);
    }
    if !dialog_open && let Some(e) = error.as_deref() {
        if widgets::error_box(ui, e) {
            *error = None;
        }
        ui.add_space(4.0);
    }
}

/// Runs `work` on a thread of its own; the window wakes when it is done.
fn in_background<T: Send + 'static>(
    ctx: &egui::Context,
    work: impl FnOnce() -> T + Send + 'static,
) -> Receiver<T> {
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let _ = tx.send(work());
        ctx.request_repaint();
    });
    rx
}

/// The heading of a stage view: its name, where it stands, what is missing.
fn stage_heading(ui: &mut egui::Ui, incident: &Incident, stage: Stage) {
    widgets::title(ui, stage.name());
    widgets::weak(ui, procedure::stage_status(incident, stage).describe());
    ui.add_space(4.0);
}

/// One stage's form.
fn stage_view(
    ui: &mut egui::Ui,
    facts: &Facts,
    stage: Stage,
    drafts: &mut drafts::IncidentDrafts,
    exports: &mut exports::Exports,
) -> Option<Action> {
    match stage {
        Stage::Defined => evidence::show(ui, facts, &mut drafts.evidence),
        Stage::Owned => ownership::show(ui, facts),
        Stage::Classified => classification::show(ui, facts, &mut drafts.classification),
        Stage::TeamFormed => team::show(ui, facts, &mut drafts.team),
        Stage::Communicating => communication::show(ui, facts, &mut drafts.channel),
        Stage::Fix => fix::show(ui, facts, &mut drafts.fix),
        Stage::Deployment => {
            deployment::show(ui, facts, &mut drafts.deployment, &mut drafts.reading)
        }
        Stage::Conclusion => conclusion::show(ui, facts, &mut drafts.conclusion, exports),
    }
}

/// The window title, so the task bar shows the nearest update due:
/// "Expedite — update due in 12 min", "Expedite — update overdue by 3 min".
/// It changes at most once a minute: each change costs the desktop a redraw.
pub fn window_title(state: &State, now: DateTime<Utc>) -> String {
    let nearest = state
        .open_incidents()
        .filter_map(|i| comms::next_update_due(i, &state.settings.cadence))
        .min();
    let Some(due) = nearest else {
        return "Expedite".to_owned();
    };
    let left = (due - now).num_seconds();
    match left {
        l if l >= 60 => format!("Expedite — update due in {}", header::minutes(l)),
        l if l >= 0 => "Expedite — update due in under a minute".to_owned(),
        l if l > -60 => "Expedite — update overdue".to_owned(),
        l => format!("Expedite — update overdue by {}", header::minutes(-l)),
    }
}

impl eframe::App for ExpediteApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Runs even while the window is hidden, whenever a background thread wakes it.
        self.handle_background(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.probe.frame(ui.ctx());
        self.read_roster_when_used(ui.ctx());
        if let Some((start, frames)) = &mut self.frame_trace {
            // One line per frame, for scripts/count-frames.
            *frames += 1;
            eprintln!("frame {frames} at {} ms", start.elapsed().as_millis());
        }
        let now = (self.clock)();
        let ctx = ui.ctx().clone();
        if self.state.settings.me.is_none() {
            egui::CentralPanel::default().show(ui, |ui| {
                banners(
                    ui,
                    self.notification_trouble.as_deref(),
                    &mut self.problems,
                    &mut self.error,
                    false,
                );
                self.ask_for_name(ui);
            });
            return;
        }
        self.shortcuts(&ctx);
        self.keep_selection();
        let me = self.me();
        let state = &self.state;
        let incident = self
            .selected
            .as_ref()
            .and_then(|id| state.incidents.get(id));
        let view = self.view.unwrap_or(match incident {
            Some(i) if i.is_open() => View::Stage(procedure::next_step(i).stage),
            Some(_) => View::Stage(Stage::Conclusion),
            // No incident: the calm empty state with its one action.
            None => View::Stage(Stage::Defined),
        });
        let mut actions: Vec<Action> = Vec::new();
        let mut picked = None;
        if let Some(incident) = incident {
            let facts = Facts {
                incident,
                state,
                now,
                me: &me,
            };
            egui::Panel::top("header").show(ui, |ui| {
                actions.extend(header::show(ui, &facts));
            });
        }
        egui::Panel::left("rail")
            .resizable(false)
            .exact_size(190.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    picked = rail::show(ui, incident.map(|i| &**i), &view);
                    ui.add_space(10.0);
                    if ui
                        .button("Declare incident…")
                        .on_hover_text("Ctrl+N")
                        .clicked()
                    {
                        actions.push(Action::Open(Dialog::Declare));
                    }
                });
            });
        let drafts = &mut self.drafts;
        let contacts = &mut self.contacts;
        let exports = &mut self.exports;
        let mut contacts_action = None;
        let dialog_open = self.dialog.is_some();
        let roster_loading = !self.roster.is_done();
        let archive_loading = !self.archive.is_done();
        egui::CentralPanel::default().show(ui, |ui| {
            banners(
                ui,
                self.notification_trouble.as_deref(),
                &mut self.problems,
                &mut self.error,
                dialog_open,
            );
            let action = match (view, incident) {
                (View::Contacts, _) => {
                    contacts_action =
                        contacts.show(ui, &state.roster, roster_loading, now, exports);
                    None
                }
                (View::Incidents, _) => {
                    incidents::show(ui, state, self.selected.as_ref(), now, archive_loading)
                }
                (View::Stage(_) | View::Timeline, None) => declare::empty_state(ui),
                (View::Timeline, Some(incident)) => {
                    let facts = Facts {
                        incident,
                        state,
                        now,
                        me: &me,
                    };
                    widgets::title(ui, "Timeline");
                    let pack = Pack::new(incident, &state.roster, &state.settings, now);
                    ui.horizontal(|ui| {
                        exports.timeline_button(ui, &pack);
                        exports.show_notice(ui);
                    });
                    timeline::show(ui, &facts, &mut drafts.of(&incident.id).note)
                }
                (View::Stage(stage), Some(incident)) => {
                    let facts = Facts {
                        incident,
                        state,
                        now,
                        me: &me,
                    };
                    egui::ScrollArea::vertical()
                        .auto_shrink(false)
                        .show(ui, |ui| {
                            stage_heading(ui, incident, stage);
                            stage_view(ui, &facts, stage, drafts.of(&incident.id), exports)
                        })
                        .inner
                }
            };
            actions.extend(action);
        });
        if let Some(view) = picked {
            self.view = Some(view);
            self.error = None;
        }
        if view == View::Incidents || picked == Some(View::Incidents) {
            // Resolved incidents are only read once someone looks for them.
            self.archive.start(&ctx);
        }
        for action in actions {
            self.perform(&ctx, action, Origin::View);
        }
        if let Some(action) = contacts_action {
            self.perform(&ctx, action, Origin::Contacts);
        }
        self.dialogs(&ctx);
        self.exports.show(&ctx);
        if let Some((path, bytes)) = self.exports.take_write() {
            self.runner.send(Job::Write { path, bytes });
        }
        self.keep_drafts(&ctx, false);
        let title = window_title(&self.state, now);
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        // Sleep until a time shown on screen (the countdown, the incident's
        // age, the window title) next changes; nothing repaints in between.
        let cadence = &self.state.settings.cadence;
        let shown = self
            .selected
            .as_ref()
            .and_then(|id| self.state.incidents.get(id));
        let countdowns = self
            .state
            .open_incidents()
            .filter_map(|i| comms::next_update_due(i, cadence))
            .map(|due| header::countdown_changes_in(due, now));
        let age = shown.map(|s| header::age_changes_in(s.resolved_at.unwrap_or(s.opened_at), now));
        if let Some(wait) = countdowns.chain(age).min() {
            ctx.request_repaint_after(wait);
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Whatever is under way finishes, and what was typed is kept, before
        // the window goes (a few seconds at most on a disk that hangs).
        if self.drafts_changed() {
            self.runner
                .send(Job::SaveDrafts(Box::new(self.drafts.clone())));
        }
        for done in self.runner.finish(&mut self.state, EXIT_WAIT) {
            match done {
                Done::DraftsSaved(_, Err(e)) => {
                    eprintln!("expedite: what you typed could not be kept: {e}");
                }
                Done::Ran(Err(e)) => eprintln!("expedite: {e}"),
                _ => {}
            }
        }
        if self.runner.is_busy() {
            eprintln!(
                "expedite: the disk did not answer within {} s; what was being saved may not be.",
                EXIT_WAIT.as_secs()
            );
        }
    }
}
