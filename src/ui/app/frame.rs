//! Each frame: the header, the rail, the view picked, the banners, the
//! window title, and when to wake next.

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::command::Command;
use crate::model::procedure::{self, Stage};
use crate::model::{Incident, State, comms};
use crate::pack::Pack;
use crate::services::disk::{Done, Job};
use crate::ui::{
    Action, Dialog, Facts, View, classification, communication, conclusion, declare, deployment,
    drafts, evidence, exports, fix, header, incidents, ownership, rail, team, timeline, widgets,
};

use super::{EXIT_WAIT, ExpediteApp, Origin, Pending, SLOW_SAVE};

impl ExpediteApp {
    /// Whether the oldest command under way has taken long enough to say
    /// so; until then, wakes the window when it will have.
    fn slow_save(&self, ctx: &egui::Context) -> bool {
        let Some(sent) = self.typing.pending.front().map(|p| p.sent_at) else {
            return false;
        };
        let waited = sent.elapsed();
        if waited < SLOW_SAVE {
            ctx.request_repaint_after(SLOW_SAVE - waited);
        }
        waited >= SLOW_SAVE
    }

    /// Keeps the shown incident valid: the one picked, else the most active open one.
    pub(super) fn keep_selection(&mut self) {
        let valid = self
            .nav
            .selected
            .as_ref()
            .is_some_and(|id| self.state.incidents.contains_key(id));
        if !valid {
            self.nav.selected = self.state.current_incident().map(|i| i.id.clone());
            if matches!(
                self.nav.view,
                Some(View::Brief | View::Stage(_) | View::Timeline)
            ) {
                self.nav.view = None;
            }
        }
    }

    pub(super) fn ask_for_name(&mut self, ui: &mut egui::Ui) {
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
                    egui::TextEdit::singleline(&mut self.typing.me_draft)
                        .hint_text("e.g. Sam Patel")
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            if !self.nav.asked_focus {
                // Ready to type at once: no click needed at 3 a.m.
                field.request_focus();
                self.nav.asked_focus = true;
            }
            submit = widgets::submitted(ui, &field);
            submit |= ui.button("Save").clicked();
        });
        if submit {
            let name = self.typing.me_draft.clone();
            self.execute(Command::SetMe { name }, Pending::default());
        }
    }
}

/// Where a view starts, for the keyboard and screen readers: focused when
/// the view opens (named for it), so that Tab goes on into the view.
fn view_start(ui: &mut egui::Ui, view: View, focus: bool) {
    let rect = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(1.0, 1.0));
    let start = ui.interact(
        rect,
        egui::Id::unique("view-start"),
        egui::Sense::focusable_noninteractive(),
    );
    let name = view.name();
    start.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Region, true, name));
    if focus {
        start.request_focus();
    }
}

/// The heading of a stage view: its name, where it stands, what is missing.
/// Where it stands takes one line whatever it says (the whole of it on
/// hover): what is pressed below changes it, and the form must not move.
fn stage_heading(ui: &mut egui::Ui, incident: &Incident, stage: Stage) {
    widgets::title(ui, stage.name());
    let status = procedure::stage_status(incident, stage).describe();
    ui.add(egui::Label::new(egui::RichText::new(status).weak()).truncate());
    ui.add_space(4.0);
}

/// One stage's form.
fn stage_view(
    ui: &mut egui::Ui,
    facts: &Facts,
    stage: Stage,
    drafts: &mut drafts::IncidentDrafts,
    exports: &exports::Exports,
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
/// "Expedite — update due in 12 min", "Expedite — update overdue by 3 min";
/// with more than one incident open, whose: "Expedite — Login fails: update
/// overdue by 3 min". It changes at most once a minute: each change costs
/// the desktop a redraw.
pub fn window_title(state: &State, now: DateTime<Utc>) -> String {
    let Some((incident, due)) = state.most_urgent() else {
        return "Expedite".to_owned();
    };
    let words = header::due_words(due, now);
    if state.open_incidents().nth(1).is_some() {
        format!(
            "Expedite — {}: update {words}",
            crate::model::shorten(&incident.title, 40)
        )
    } else {
        format!("Expedite — update {words}")
    }
}

impl eframe::App for ExpediteApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Runs even while the window is hidden, whenever a background thread wakes it.
        self.handle_background(ctx);
        // A refusal is about what was typed: typing again (fixing it) takes
        // the stale message away.
        let typing = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Text(_)
                        | egui::Event::Paste(_)
                        | egui::Event::Key {
                            key: egui::Key::Backspace | egui::Key::Delete,
                            pressed: true,
                            ..
                        }
                )
            })
        });
        if typing {
            self.notices.error = None;
        }
        // So does any change to what the forms hold (a name picked from
        // the suggestions, a choice made), however it was made.
        match (&self.notices.error, &self.typing.refused_with) {
            (None, _) => self.typing.refused_with = None,
            (Some(error), Some((then, drafts))) if then == error => {
                if **drafts != *self.all_drafts() {
                    self.notices.error = None;
                    self.typing.refused_with = None;
                }
            }
            (Some(error), _) => {
                self.typing.refused_with = Some((error.clone(), self.all_drafts()));
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.desk.probe.frame(ui.ctx());
        self.read_roster_when_used(ui.ctx());
        if let Some((start, frames)) = &mut self.desk.frame_trace {
            // One line per frame, for scripts/count-frames.
            *frames += 1;
            eprintln!("frame {frames} at {} ms", start.elapsed().as_millis());
        }
        let now = (self.clock)();
        let ctx = ui.ctx().clone();
        let slow_save = self.slow_save(&ctx);
        if self.state.settings.me.is_none() {
            self.notices.show(ui, slow_save, false);
            egui::CentralPanel::default().show(ui, |ui| self.ask_for_name(ui));
            return;
        }
        self.shortcuts(&ctx);
        self.keep_selection();
        let me = self.me();
        let state = &self.state;
        let incident = self
            .nav
            .selected
            .as_ref()
            .and_then(|id| state.incidents.get(id));
        let view = self.nav.view.unwrap_or(match incident {
            Some(i) if i.is_open() => View::Brief,
            Some(_) => View::Stage(Stage::Conclusion),
            // No incident: the calm empty state with its one action.
            None => View::Stage(Stage::Defined),
        });
        let mut actions: Vec<Action> = Vec::new();
        let mut picked = None;
        // What the header and the incident's views see, built once a frame.
        if let Some(incident) = incident {
            self.news.metrics.judged(incident);
        }
        let metrics = &self.news.metrics;
        let facts = incident.map(|incident| Facts {
            incident,
            state,
            now,
            me: &me,
            sharing: self.news.sharing.as_ref(),
            posting: &self.news.posting,
            metric: metrics
                .judgement(&incident.id)
                .map(|j| (j, metrics.status.get(&incident.id))),
        });
        if let Some(facts) = &facts {
            egui::Panel::top("header").show(ui, |ui| {
                widgets::name_region(ui, "Incident");
                actions.extend(header::show(ui, facts));
            });
        }
        egui::Panel::left("rail")
            .resizable(false)
            .exact_size(190.0)
            .show(ui, |ui| {
                widgets::name_region(ui, "Procedure");
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
        let drafts = &mut self.typing.drafts;
        let contacts = &mut self.contacts;
        let mut contacts_action = None;
        let dialog_open = self.nav.dialog.is_some();
        let roster_loading = !self.later.roster.is_done();
        let archive_loading = !self.later.archive.is_done();
        self.notices.show(ui, slow_save, dialog_open);
        let exports = &self.exports;
        // A view just opened takes the keyboard at its start: Tab goes on
        // into its content, not through the header and the rail first.
        let fresh_view = self
            .nav
            .shown_view
            .replace((self.nav.selected.clone(), view))
            != Some((self.nav.selected.clone(), view));
        egui::CentralPanel::default().show(ui, |ui| {
            widgets::name_region(ui, "View");
            view_start(ui, view, fresh_view && !dialog_open);
            let action = match (view, &facts) {
                (View::Contacts, _) => {
                    contacts_action = contacts.show(
                        ui,
                        &state.roster,
                        roster_loading,
                        now,
                        exports,
                        &self.news.feed_news,
                    );
                    None
                }
                (View::Channels, _) => {
                    crate::ui::channels::show(ui, &mut self.channel_form, &self.news.posting)
                }
                (View::Incidents, _) => {
                    incidents::show(ui, state, self.nav.selected.as_ref(), now, archive_loading)
                }
                (View::Brief | View::Stage(_) | View::Timeline, None) => declare::empty_state(ui),
                (View::Brief, Some(facts)) => {
                    egui::ScrollArea::vertical()
                        .auto_shrink(false)
                        .show(ui, |ui| crate::ui::brief::show(ui, facts, roster_loading))
                        .inner
                }
                (View::Timeline, Some(facts)) => {
                    let incident = facts.incident;
                    widgets::title(ui, "Timeline");
                    let pack = Pack::new(incident, &state.roster, &state.settings, now);
                    let save = exports.timeline_button(ui, &pack);
                    timeline::show(ui, facts, &mut drafts.of(&incident.id).note).or(save)
                }
                (View::Stage(stage), Some(facts)) => {
                    let incident = facts.incident;
                    egui::ScrollArea::vertical()
                        .auto_shrink(false)
                        .show(ui, |ui| {
                            stage_heading(ui, incident, stage);
                            stage_view(ui, facts, stage, drafts.of(&incident.id), exports)
                        })
                        .inner
                }
            };
            actions.extend(action);
        });
        if let Some(view) = picked {
            self.go(view);
        }
        if view == View::Brief {
            // The brief names people with their numbers: the roster is read
            // now (in the background; this frame is already drawn).
            self.later.roster.start(self.runner.services());
        }
        if view == View::Incidents || picked == Some(View::Incidents) {
            // Resolved incidents are only read once someone looks for them.
            self.later.archive.start(self.runner.services());
        }
        for action in actions {
            self.perform(&ctx, action, Origin::View);
        }
        if let Some(action) = contacts_action {
            self.perform(&ctx, action, Origin::View);
        }
        self.dialogs(&ctx);
        super::dialogs::shortcuts_sheet(&ctx, &mut self.nav.shortcuts_shown);
        self.exports.show(&ctx, &mut self.notices);
        if let Some(request) = self.exports.take_ask()
            && !self
                .runner
                .services()
                .send::<crate::services::dialog::Dialogs>(crate::services::dialog::Job::Save(
                    request,
                ))
        {
            self.exports.no_dialog();
        }
        if let Some((path, bytes)) = self.exports.take_write() {
            self.runner.send(Job::Write { path, bytes });
        }
        self.keep_drafts(&ctx, false);
        let title = window_title(&self.state, now);
        // The window's accessible name is its title, as the task bar shows it.
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |root| {
            root.set_label(title.clone());
        });
        if title != self.nav.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.nav.title = title;
        }
        // Sleep until a time shown on screen (the countdown, the incident's
        // age, the window title) next changes; nothing repaints in between.
        let cadence = &self.state.settings;
        let shown = self
            .nav
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
            self.send_drafts();
        }
        for done in self.runner.finish(&mut self.state, EXIT_WAIT) {
            match done {
                Done::DraftsSaved(Err(e)) => {
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
