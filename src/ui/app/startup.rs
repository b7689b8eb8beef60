//! Opening the window: the data folder is read on a thread of its own while
//! the window and its graphics are set up; what the first frame does not
//! need is read later.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use eframe::egui;

use crate::model::State;
use crate::reminder::Reminders;
use crate::reminder::desktop::DesktopNotifier;
use crate::store::watch::Watcher;
use crate::store::{self, Problem, Store};
use crate::ui::app::runner::Job;
use crate::ui::widgets;

use super::ExpediteApp;
use crate::ui::RENDERER;

/// Opens the window on the data folder.
///
/// The data is read on a thread of its own while the window and its
/// graphics are set up, so a team's history never delays the first frame.
pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let folder = store::data_dir(data_dir.clone()).ok();
    // Phone numbers' metadata, read once, before the contacts are shown.
    std::thread::spawn(crate::model::phone::warm);
    let preloading = std::thread::spawn(move || {
        let store = Store::open(store::data_dir(data_dir)?)?;
        let lock = store.lock_instance()?;
        let icon = eframe::icon_data::from_png_bytes(include_bytes!(
            "../../../assets/icons/expedite-256.png"
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
                    // The system's fonts for scripts and emoji egui's own
                    // lack, read off this thread and used from the next frame.
                    let ctx = cc.egui_ctx.clone();
                    std::thread::spawn(move || {
                        if let Some(fonts) = crate::ui::fonts::with_system_fallbacks() {
                            ctx.set_fonts(fonts);
                            ctx.request_repaint();
                        }
                    });
                    let ctx = cc.egui_ctx.clone();
                    let reminders = Reminders::start(
                        Arc::new(DesktopNotifier::new()),
                        Box::new(crate::desk::now),
                        move || ctx.request_repaint(),
                    );
                    let ctx = cc.egui_ctx.clone();
                    let root = preload.store.root().to_path_buf();
                    let watcher = Watcher::start(&root, move || ctx.request_repaint());
                    let ctx = cc.egui_ctx.clone();
                    let syncer =
                        super::sync::Syncer::start(root.clone(), move || ctx.request_repaint());
                    let ctx = cc.egui_ctx.clone();
                    let refresher =
                        super::feeds::Refresher::start(root.clone(), move || ctx.request_repaint());
                    let app = ExpediteApp::from_preload(preload, Box::new(crate::desk::now))
                        .with_reminders(reminders)
                        .with_lock(lock)
                        .with_refresher(refresher);
                    let ctx = cc.egui_ctx.clone();
                    let mut app = app.posting_from(root.clone(), move || ctx.request_repaint());
                    if let Some(syncer) = syncer {
                        app = app.with_syncer(syncer);
                    }
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

/// What the window reads before its first frame: the settings and the open
/// incidents. The roster is read when the window is first used, the resolved
/// incidents when first asked for (see [`ExpediteApp::starting`]).
pub struct Preload {
    pub(super) store: Store,
    pub(super) state: State,
    pub(super) problems: Vec<Problem>,
    pub(super) deferred: store::Deferred,
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
pub(super) enum Later<T> {
    /// Not read yet: how to read it.
    Waiting(Box<dyn FnOnce() -> T + Send>),
    /// Being read; the window wakes when it is done.
    Reading(Receiver<T>),
    /// Taken in (or never needed).
    Done,
}

impl<T: Send + 'static> Later<T> {
    pub(super) fn waiting(read: impl FnOnce() -> T + Send + 'static) -> Self {
        Self::Waiting(Box::new(read))
    }

    /// Starts reading, unless it already has.
    pub(super) fn start(&mut self, ctx: &egui::Context) {
        *self = match std::mem::replace(self, Self::Done) {
            Self::Waiting(read) => Self::Reading(in_background(ctx, read)),
            other => other,
        };
    }

    /// What was read, once, when it is ready.
    pub(super) fn ready(&mut self) -> Option<T> {
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

    pub(super) fn is_done(&self) -> bool {
        matches!(self, Self::Done)
    }
}

/// Runs `work` on a thread of its own; the window wakes when it is done.
pub(super) fn in_background<T: Send + 'static>(
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

impl ExpediteApp {
    /// Starts reading the roster when the window is first used (a key or a
    /// click; not focus or the pointer passing over): an untouched window
    /// never pays for 10,000 contacts, and a used one has them within a
    /// blink, before any suggestion or search needs them.
    pub(super) fn read_roster_when_used(&mut self, ctx: &egui::Context) {
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

    /// Hands the roster and the archive, once read in the background, to
    /// the disk thread to take in.
    pub(super) fn take_in_loaded(&mut self) {
        if let Some(read) = self.roster.ready() {
            self.runner.send(Job::AcceptRoster(read));
        }
        if let Some(read) = self.archive.ready() {
            self.runner.send(Job::AcceptArchive(read));
        }
    }
}
