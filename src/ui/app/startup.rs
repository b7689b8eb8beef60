//! Opening the window: the data folder is read on a thread of its own while
//! the window and its graphics are set up; what the first frame does not
//! need is read later.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use eframe::egui;

use crate::reminder::desktop::DesktopNotifier;
use crate::services::disk::Job;
use crate::services::read;
use crate::store::watch::Watcher;
use crate::store::{self, Problem};
use crate::ui::widgets;

use super::ExpediteApp;
use crate::ui::RENDERER;

/// Opens the window on the data folder.
///
/// The data is read on a thread of its own while the window and its
/// graphics are set up, so a team's history never delays the first frame.
pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let folder = store::data_dir(data_dir.clone()).ok();
    let preloading = read::before_the_window(data_dir);
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
                Ok((mut preload, lock)) => {
                    // The system's fonts for scripts and emoji egui's own
                    // lack, before the first frame builds the fonts.
                    if let Some(fonts) =
                        crate::ui::fonts::with_fallbacks(std::mem::take(&mut preload.fonts))
                    {
                        cc.egui_ctx.set_fonts(fonts);
                    }
                    let icon = eframe::icon_data::from_png_bytes(include_bytes!(
                        "../../../assets/icons/expedite-256.png"
                    ))
                    // Only a broken build could get here; the window is still usable.
                    .inspect_err(|e| eprintln!("expedite: the window icon could not be read: {e}"))
                    .ok();
                    if let Some(icon) = icon {
                        cc.egui_ctx
                            .send_viewport_cmd(egui::ViewportCommand::Icon(Some(Arc::new(icon))));
                    }
                    let ctx = cc.egui_ctx.clone();
                    let root = preload.store.root().to_path_buf();
                    let watcher = Watcher::start(&root, move || ctx.request_repaint());
                    let mut app = ExpediteApp::from_preload(preload, Box::new(crate::desk::now))
                        .with_reminders(
                            Arc::new(DesktopNotifier::new()),
                            Box::new(crate::desk::now),
                        )
                        .with_lock(lock)
                        .with_feeds()
                        .with_metrics()
                        .with_posting()
                        .with_sync();
                    match watcher {
                        Ok(watcher) => app = app.with_watcher(watcher),
                        Err(e) => app.notices.problems.push(Problem {
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

pub use crate::services::read::Preload;

/// Data read later by the read service: not asked for yet, being read, in.
pub(super) enum Later {
    /// Not read yet: what to ask.
    Waiting(Option<read::Job>),
    /// Being read; the window wakes when it is done.
    Reading,
    /// Taken in (or never needed).
    Done,
}

impl Later {
    /// Starts reading, unless it already has.
    pub(super) fn start(&mut self, services: &crate::services::Services) {
        if let Self::Waiting(job) = self
            && let Some(job) = job.take()
        {
            *self = if services.send::<crate::services::read::Reader>(job) {
                Self::Reading
            } else {
                Self::Done
            };
        }
    }

    pub(super) fn is_done(&self) -> bool {
        matches!(self, Self::Done)
    }
}

impl ExpediteApp {
    /// Starts reading the roster when the window is first used (a key or a
    /// click; not focus or the pointer passing over): an untouched window
    /// never pays for 10,000 contacts, and a used one has them within a
    /// blink, before any suggestion or search needs them.
    pub(super) fn read_roster_when_used(&mut self, ctx: &egui::Context) {
        if !matches!(self.later.roster, Later::Waiting(_)) {
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
            self.later.roster.start(self.runner.services());
        }
    }

    /// What the read service read: the roster and the archive go to the
    /// disk to be taken in.
    pub(super) fn take_in_read(&mut self, read: read::Read) {
        match read {
            read::Read::Roster(read) => {
                self.later.roster = Later::Done;
                self.runner.send(Job::AcceptRoster(*read));
            }
            read::Read::Archive(read) => {
                self.later.archive = Later::Done;
                self.runner.send(Job::AcceptArchive(read));
            }
        }
    }
}
