//! The window. For now a calm overview of the open incidents with the
//! update timer; the full cockpit builds on it.

pub mod post_update;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::command::{Command, Effect};
use crate::model::comms::Cadence;
use crate::model::{Incident, IncidentId, State, comms, procedure};
use crate::reminder::desktop::DesktopNotifier;
use crate::reminder::{NotificationAction, ReminderEvent, Reminders, Watch};
use crate::store::watch::Watcher;
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
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Expedite")
        .with_app_id(crate::APP_ID)
        .with_inner_size([900.0, 620.0])
        .with_min_inner_size([480.0, 360.0]);
    match eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/expedite-256.png")) {
        Ok(icon) => viewport = viewport.with_icon(Arc::new(icon)),
        // Only a broken build could get here; the window is still usable.
        Err(e) => eprintln!("expedite: the window icon could not be read: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Expedite",
        options,
        Box::new(move |cc| {
            Ok(match opened {
                Ok((store, lock)) => {
                    let ctx = cc.egui_ctx.clone();
                    let reminders = Reminders::start(
                        Arc::new(DesktopNotifier::new()),
                        Box::new(crate::cli::now),
                        move || ctx.request_repaint(),
                    );
                    let ctx = cc.egui_ctx.clone();
                    let watcher = Watcher::start(store.root(), move || ctx.request_repaint());
                    let mut app = ExpediteApp::new(store, Box::new(crate::cli::now))
                        .with_reminders(reminders)
                        .with_lock(lock);
                    match watcher {
                        Ok(watcher) => app.watcher = Some(watcher),
                        Err(e) => app.problems.push(Problem {
                            path: app.store.root().to_path_buf(),
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
    /// The last thing that went wrong, shown until the next success.
    error: Option<String>,
    /// Why desktop notifications don't work, when they don't.
    notification_trouble: Option<String>,
    /// The update being written, per incident; kept when the dialog closes.
    drafts: HashMap<IncidentId, post_update::Draft>,
    /// The incident whose post-update dialog is open.
    composing: Option<IncidentId>,
    clock: Clock,
    /// The title last given to the window, so it is only sent when it changes.
    title: String,
    /// Whether the name field has been given focus once.
    asked_focus: bool,
    reminders: Option<Reminders>,
    watcher: Option<Watcher>,
    _lock: Option<InstanceLock>,
}

impl ExpediteApp {
    /// Loads the data folder. No reminders, no watching and no instance lock
    /// until given ([`Self::with_reminders`], [`Self::with_lock`]).
    pub fn new(mut store: Store, clock: Clock) -> Self {
        let (state, problems) = store.load();
        Self {
            store,
            state,
            problems,
            me_draft: String::new(),
            error: None,
            notification_trouble: None,
            drafts: HashMap::new(),
            composing: None,
            clock,
            title: String::new(),
            asked_focus: false,
            reminders: None,
            watcher: None,
            _lock: None,
        }
    }

    /// Reminds through this reminder thread, starting with what is due now.
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

    /// Tells the reminder thread the due times as they are now.
    fn reschedule(&self) {
        if let Some(reminders) = &self.reminders {
            let repeat = chrono::Duration::minutes(i64::from(
                self.state.settings.overdue_repeat_minutes.max(1),
            ));
            reminders.watch(Watch::all(&self.state), repeat);
        }
    }

    /// Applies a command; `true` when it was saved.
    fn execute(&mut self, command: Command) -> bool {
        let actor = self
            .state
            .settings
            .me
            .clone()
            .unwrap_or_else(crate::cli::login_name);
        let now = (self.clock)();
        match self.store.execute(&mut self.state, command, &actor, now) {
            Ok(outcome) => {
                self.error = None;
                if !outcome.reloaded.is_empty() || outcome.effects.contains(&Effect::Reschedule) {
                    self.reschedule();
                }
                true
            }
            Err(e) => {
                self.error = Some(e.to_string());
                false
            }
        }
    }

    /// Takes in what happened in the background: outside edits and reminders.
    fn handle_background(&mut self, ctx: &egui::Context) {
        if let Some(watcher) = &self.watcher {
            let paths: Vec<PathBuf> = watcher.changes.try_iter().collect();
            if !paths.is_empty() {
                match self.store.take_outside_changes(&mut self.state, paths) {
                    Ok(changed) if !changed.is_empty() => self.reschedule(),
                    Ok(_) => {}
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
        }
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
                    self.execute(Command::Snooze {
                        incident,
                        for_: chrono::Duration::minutes(15),
                    });
                }
                ReminderEvent::Action(incident, NotificationAction::PostUpdate) => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    self.composing = Some(incident);
                }
            }
        }
    }

    /// The post-update dialog, when open.
    fn compose(&mut self, ctx: &egui::Context) {
        let Some(id) = self.composing.clone() else {
            return;
        };
        let Some(incident) = self.state.incidents.get(&id).cloned() else {
            self.composing = None;
            return;
        };
        let cadence = self.state.settings.cadence.clone();
        let draft = self
            .drafts
            .entry(id.clone())
            .or_insert_with(|| post_update::Draft::new(&incident, &cadence));
        match post_update::show(ctx, draft, &incident) {
            post_update::Outcome::Open => {}
            post_update::Outcome::Closed => self.composing = None,
            post_update::Outcome::Post(command) => {
                if self.execute(command) {
                    self.drafts.remove(&id);
                    self.composing = None;
                } else if let Some(draft) = self.drafts.get_mut(&id) {
                    // The text stays; the reason shows beside it.
                    draft.error = self.error.take();
                }
            }
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
    ) -> Option<CardAction> {
        let mut action = None;
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
                ui.add_space(8.0);
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Post update…").clicked() {
                        action = Some(CardAction::Compose);
                    }
                    ui.label(egui::RichText::new("Snooze reminder:").weak());
                    for minutes in [5, 15, 30] {
                        if ui.button(format!("{minutes} min")).clicked() {
                            action = Some(CardAction::Snooze(minutes));
                        }
                    }
                });
            });
        action
    }
}

/// What a person asked for on an incident's card.
enum CardAction {
    Compose,
    Snooze(i64),
}

/// The window title, so the task bar shows the nearest update due:
/// "Expedite — update due in 12 min", "Expedite — update overdue by 3 min".
pub fn window_title(state: &State, now: DateTime<Utc>) -> String {
    let nearest = state
        .open_incidents()
        .filter_map(|i| comms::next_update_due(i, &state.settings.cadence))
        .min();
    match nearest {
        None => "Expedite".to_owned(),
        Some(due) if now > due => format!(
            "Expedite — update overdue by {}",
            crate::cli::relative(now, due).trim_start_matches("in ")
        ),
        Some(due) => format!("Expedite — update due {}", crate::cli::relative(due, now)),
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
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Runs even while the window is hidden, whenever a background thread wakes it.
        self.handle_background(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let now = (self.clock)();
        let ctx = ui.ctx().clone();
        let mut countdown_visible = false;
        let mut actions: Vec<(IncidentId, CardAction)> = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(why) = &self.notification_trouble {
                egui::Frame::new()
                    .fill(ui.visuals().error_fg_color.gamma_multiply(0.15))
                    .inner_margin(8.0)
                    .corner_radius(4.0)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let text = format!(
                            "Desktop notifications are not working: {why}. Reminders still show here — the countdown turns red and the window asks for attention — so keep this window in sight."
                        );
                        let strong = ui.visuals().strong_text_color();
                        ui.add(egui::Label::new(egui::RichText::new(text).color(strong)).wrap());
                    });
                ui.add_space(6.0);
            }
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
            egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                for incident in open.into_iter().rev() {
                    countdown_visible = true;
                    if let Some(action) = Self::incident_card(ui, incident, cadence, now) {
                        actions.push((incident.id.clone(), action));
                    }
                    ui.add_space(8.0);
                }
            });
        });
        for (incident, action) in actions {
            match action {
                CardAction::Compose => self.composing = Some(incident),
                CardAction::Snooze(minutes) => {
                    self.execute(Command::Snooze {
                        incident,
                        for_: chrono::Duration::minutes(minutes),
                    });
                }
            }
        }
        if self.composing.is_none()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::U))
        {
            self.composing = self.state.current_incident().map(|i| i.id.clone());
        }
        self.compose(&ctx);
        let title = window_title(&self.state, now);
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if countdown_visible {
            // The countdown shows minutes: once a second is plenty, and costs nothing in between.
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }
}
