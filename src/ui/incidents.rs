//! Every incident: switch between the open ones, look back at (and reopen)
//! resolved ones.

use chrono::{DateTime, Utc};
use eframe::egui;

use super::Action;
use super::widgets::{section, weak, when};
use crate::model::{Incident, IncidentId, State, comms, procedure};

/// Open incidents first, then the resolved ones newest first.
pub fn show(
    ui: &mut egui::Ui,
    state: &State,
    selected: Option<&IncidentId>,
    now: DateTime<Utc>,
    loading: bool,
) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        super::widgets::title(ui, "Incidents");
        if ui.button("Declare incident…").clicked() {
            action = Some(Action::Open(super::Dialog::Declare));
        }
    });
    section(ui, "Open");
    let open: Vec<&Incident> = state.open_incidents().collect();
    if open.is_empty() {
        weak(ui, "None — all calm.");
    }
    for incident in open.into_iter().rev() {
        let is_selected = selected == Some(&incident.id);
        // Opened when, or reopened when: a relapse is not a fresh incident.
        let opened = match &incident.reopened {
            Some(back) => format!("reopened {}", when(back.done.at, now)),
            None => when(incident.opened_at, now),
        };
        let text = format!(
            "{} — {} · {} · {}",
            crate::model::shorten(&incident.title, 80),
            incident.owner.as_deref().unwrap_or("no owner"),
            procedure::current_stage(incident).name(),
            opened,
        );
        ui.horizontal(|ui| {
            // Each open incident's countdown first, so an overdue one is never
            // hidden or pushed out of the window by a long title.
            if let Some(due) = comms::next_update_due(incident, &state.settings) {
                let words = super::header::due_words(due, now);
                let visuals = ui.visuals();
                let color = if due < now {
                    visuals.error_fg_color
                } else if (due - now).num_seconds() < 120 {
                    visuals.warn_fg_color
                } else {
                    visuals.weak_text_color()
                };
                ui.label(egui::RichText::new(format!("Update {words}")).color(color));
            }
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            if ui
                .selectable_label(is_selected, text)
                .on_hover_text(&incident.title)
                .clicked()
            {
                action = Some(Action::Select(incident.id.clone()));
            }
        });
    }
    section(ui, "Resolved");
    if loading {
        ui.horizontal(|ui| {
            ui.spinner();
            weak(ui, "Reading the resolved incidents…");
        });
        return action;
    }
    let resolved: Vec<&Incident> = state
        .incidents
        .values()
        .map(|i| &**i)
        .rev()
        .filter(|i| !i.is_open())
        .collect();
    if resolved.is_empty() {
        weak(ui, "None yet.");
        return action;
    }
    weak(
        ui,
        "Open one to read it; reopen it from its Conclusion if the problem is back.",
    );
    let row_height = ui.spacing().interact_size.y + 2.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_height,
        resolved.len(),
        |ui, rows| {
            for incident in &resolved[rows] {
                let text = format!(
                    "{} · {} — resolved {}",
                    incident.id,
                    crate::model::shorten(&incident.title, 80),
                    incident
                        .resolved_at
                        .map(|t| when(t, now))
                        .unwrap_or_default()
                );
                if ui
                    .selectable_label(selected == Some(&incident.id), text)
                    .clicked()
                {
                    action = Some(Action::Select(incident.id.clone()));
                }
            }
        },
    );
    action
}
