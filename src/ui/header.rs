//! The header, always visible: what is broken, who owns it, how long it has
//! been going, the stage, and the countdown to the next update.

use chrono::{DateTime, Utc};
use eframe::egui;

use super::{Action, Dialog, Facts};
use crate::model::comms::{self, Cadence};
use crate::model::procedure;

/// The header for the selected incident.
pub fn show(ui: &mut egui::Ui, facts: &Facts, cadence: &Cadence) -> Option<Action> {
    let incident = facts.incident;
    let mut action = None;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // The countdown and its button claim their room first; the title truncates.
            if incident.is_open() {
                if super::widgets::primary(ui, "Post update…")
                    .on_hover_text("Ctrl+U")
                    .clicked()
                {
                    action = Some(Action::Open(Dialog::PostUpdate(incident.id.clone())));
                }
                if let Some(due) = comms::next_update_due(incident, cadence) {
                    let (text, color) = countdown(due, facts.now, ui.visuals());
                    ui.label(egui::RichText::new(text).strong().color(color).size(20.0));
                }
            } else {
                ui.label(egui::RichText::new("Resolved").strong().size(20.0));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(
                    egui::Label::new(egui::RichText::new(&incident.title).size(20.0).strong())
                        .truncate(),
                );
            });
        });
    });
    ui.horizontal_wrapped(|ui| {
        let weak = |ui: &mut egui::Ui, text: &str| ui.label(egui::RichText::new(text).weak());
        weak(ui, "Owner");
        ui.label(egui::RichText::new(incident.owner.as_deref().unwrap_or("nobody")).strong());
        ui.separator();
        match incident.resolved_at {
            Some(at) => weak(
                ui,
                &format!("Resolved {}", crate::cli::relative(at, facts.now)),
            ),
            None => weak(
                ui,
                &format!(
                    "Declared {}",
                    crate::cli::relative(incident.opened_at, facts.now)
                ),
            ),
        };
        ui.separator();
        weak(ui, "Stage");
        ui.label(egui::RichText::new(procedure::current_stage(incident).name()).strong());
        ui.separator();
        weak(ui, incident.id.as_str());
    });
    ui.add_space(4.0);
    action
}

/// "Next update in 12:04" (amber in the last two minutes), or
/// "Update overdue 03:12" in red, counting up.
pub fn countdown(
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    visuals: &egui::Visuals,
) -> (String, egui::Color32) {
    let clock = |seconds: i64| {
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m:02}:{s:02}")
        }
    };
    let left = (due - now).num_seconds();
    if left < 0 {
        (
            format!("Update overdue {}", clock(-left)),
            visuals.error_fg_color,
        )
    } else if left <= 120 {
        (
            format!("Next update in {}", clock(left)),
            visuals.warn_fg_color,
        )
    } else {
        (
            format!("Next update in {}", clock(left)),
            visuals.strong_text_color(),
        )
    }
}
