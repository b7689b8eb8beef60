//! The window. For now a calm overview of the open incidents; the full
//! cockpit builds on it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::command::Command;
use crate::model::comms::Cadence;
use crate::model::{Incident, State, comms, procedure};
use crate::store::{self, InstanceLock, Problem, Store};

/// Where the window gets the time from; tests inject a fixed one.
pub type Clock = Box<dyn Fn() -> DateTime<Utc>>;

/// Opens the window on the data folder.
pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let opened = store::data_dir(data_dir).and_then(|dir| {
        let store = Store::open(dir)?;
        let lock = store.lock_instance()?;
        Ok((store, lock))
    });
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Expedite")
            .with_app_id("expedite")
            .with_inner_size([900.0, 620.0])
            .with_min_inner_size([480.0, 360.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Expedite",
        options,
        Box::new(move |_cc| {
            Ok(match opened {
                Ok((store, lock)) => {
                    Box::new(ExpediteApp::new(store, lock, Box::new(crate::cli::now)))
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
            ui.heading("Expedite can't open this data folder");
            ui.add_space(8.0);
            ui.label(&self.message);
            ui.add_space(16.0);
            if ui.button("Close").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
    }
}

/// The main window.
pub struct ExpediteApp {
    store: Store,
    state: State,
    problems: Vec<Problem>,
    /// What is being typed into "Your name"; kept until saved.
    me_draft: String,
    /// The last thing that went wrong, shown until dismissed.
    error: Option<String>,
    clock: Clock,
    /// Whether the name field has been given focus once.
    asked_focus: bool,
    _lock: Option<InstanceLock>,
}

impl ExpediteApp {
    /// Loads the data folder. `lock` is the instance lock, held for the window's life.
    pub fn new(store: Store, lock: InstanceLock, clock: Clock) -> Self {
        let mut app = Self::without_lock(store, clock);
        app._lock = Some(lock);
        app
    }

    /// Loads the data folder without the instance lock (tests).
    pub fn without_lock(mut store: Store, clock: Clock) -> Self {
        let (state, problems) = store.load();
        Self {
            store,
            state,
            problems,
            me_draft: String::new(),
            error: None,
            clock,
            asked_focus: false,
            _lock: None,
        }
    }

    fn execute(&mut self, command: Command) {
        let actor = self
            .state
            .settings
            .me
            .clone()
            .unwrap_or_else(crate::cli::login_name);
        let now = (self.clock)();
        match self.store.execute(&mut self.state, command, &actor, now) {
            Ok(_) => self.error = None,
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn ask_for_name(&mut self, ui: &mut egui::Ui) {
        ui.add_space(ui.available_height() * 0.25);
        ui.vertical_centered(|ui| {
            ui.heading("Welcome to Expedite");
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
            submit = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            submit |= ui.button("Save").clicked();
        });
        if submit {
            let name = self.me_draft.clone();
            self.execute(Command::SetMe { name });
        }
    }

    /// One open incident: what, who, where in the procedure, what next, when to update.
    fn incident_card(
        ui: &mut egui::Ui,
        incident: &Incident,
        cadence: &Cadence,
        now: DateTime<Utc>,
    ) {
        egui::Frame::group(ui.style())
            .inner_margin(12.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&incident.title).heading().strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if let Some(due) = comms::next_update_due(incident, cadence) {
                            let (text, color) = countdown(due, now, ui.visuals());
                            ui.label(egui::RichText::new(text).strong().color(color).size(16.0));
                        }
                    });
                });
                ui.label(
                    egui::RichText::new(format!(
                        "{} · declared {}",
                        incident.id,
                        crate::cli::relative(incident.opened_at, now)
                    ))
                    .weak(),
                );
                ui.add_space(6.0);
                egui::Grid::new(("incident", incident.id.as_str()))
                    .num_columns(2)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new("Owner").weak());
                        ui.label(
                            incident
                                .owner
                                .as_deref()
                                .unwrap_or("nobody — take ownership"),
                        );
                        ui.end_row();
                        ui.label(egui::RichText::new("Stage").weak());
                        ui.label(procedure::current_stage(incident).name());
                        ui.end_row();
                    });
                ui.add_space(6.0);
                // The guidance can be long: it wraps rather than widening the card.
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(procedure::next_step(incident).step).strong(),
                    )
                    .wrap(),
                );
            });
    }
}

/// "Next update in 12 min" (amber in the last two minutes) or "Update overdue by 3 min" in red.
fn countdown(
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    visuals: &egui::Visuals,
) -> (String, egui::Color32) {
    if now > due {
        let late = crate::cli::relative(now, due);
        let late = late.trim_start_matches("in ");
        (format!("Update overdue by {late}"), visuals.error_fg_color)
    } else if due - now <= chrono::Duration::minutes(2) {
        (
            format!("Next update {}", crate::cli::relative(due, now)),
            visuals.warn_fg_color,
        )
    } else {
        (
            format!("Next update {}", crate::cli::relative(due, now)),
            visuals.strong_text_color(),
        )
    }
}

impl eframe::App for ExpediteApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let now = (self.clock)();
        let mut countdown_visible = false;
        egui::CentralPanel::default().show(ui, |ui| {
            for p in &self.problems {
                ui.colored_label(ui.visuals().warn_fg_color, &p.message);
            }
            if let Some(e) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if self.state.settings.me.is_none() {
                self.ask_for_name(ui);
                return;
            }
            let cadence = &self.state.settings.cadence;
            let open: Vec<&Incident> = self.state.open_incidents().collect();
            if open.is_empty() {
                ui.add_space(ui.available_height() * 0.3);
                ui.vertical_centered(|ui| {
                    ui.heading("No incident open");
                    ui.add_space(6.0);
                    ui.label("All calm. To declare one from a terminal:");
                    ui.code("expedite declare --title TEXT --evidence KIND:TEXT");
                });
                return;
            }
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    for incident in open.into_iter().rev() {
                        countdown_visible |= incident.is_open();
                        Self::incident_card(ui, incident, cadence, now);
                        ui.add_space(8.0);
                    }
                });
        });
        if countdown_visible {
            // The countdown shows minutes: once a second is plenty, and costs nothing in between.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
    }
}
