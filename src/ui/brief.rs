//! The brief: an open incident's first view, answering what a colleague
//! taking over asks — what is broken, who is on it, what was said last and
//! where, when the next update is due — and the next step.

use eframe::egui;

use super::widgets::{section, title, weak};
use super::{Action, Dialog, Facts};
use crate::pack::Pack;
use crate::pack::brief::Brief;

/// The brief for the shown incident.
pub fn show(ui: &mut egui::Ui, facts: &Facts, roster_loading: bool) -> Option<Action> {
    let incident = facts.incident;
    let pack = Pack::new(
        incident,
        &facts.state.roster,
        &facts.state.settings,
        facts.now,
    );
    let brief = Brief::new(&pack);
    let mut action = None;
    ui.horizontal(|ui| {
        title(ui, "Brief");
        if ui
            .button("Copy as hand-over note")
            .on_hover_text("The brief as text, to paste into a chat or read out on a call")
            .clicked()
        {
            action = Some(super::exports::copy(brief.text(), "The hand-over note"));
        }
        if incident.is_open() && ui.button("Hand over…").on_hover_text("Ctrl+H").clicked() {
            action = Some(Action::Open(Dialog::HandOver(incident.id.clone())));
        }
    });
    line(ui, &brief.headline);
    if let Some(reopened) = &brief.reopened {
        ui.label(egui::RichText::new(reopened).color(ui.visuals().warn_fg_color));
    }

    section(ui, "What is broken");
    if brief.broken.is_empty() {
        weak(ui, "No metric recorded yet.");
    }
    for l in &brief.broken {
        line(ui, l);
    }

    section(ui, "Who is on it");
    people(ui, &brief, roster_loading);
    if !brief.missing.is_empty() {
        ui.label(
            egui::RichText::new(format!("Nobody yet as: {}", brief.missing.join(", ")))
                .color(ui.visuals().warn_fg_color),
        );
    }

    section(ui, "What was said last");
    for l in &brief.said {
        line(ui, l);
    }

    section(ui, "Next update");
    let overdue = brief.next_update.contains("overdue");
    let text = egui::RichText::new(&brief.next_update).strong();
    ui.label(if overdue {
        text.color(ui.visuals().error_fg_color)
    } else {
        text
    });

    section(ui, "Next step");
    line(ui, &brief.next_step);
    action
}

fn line(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(text).wrap());
}

/// Each person with their part and a number to call (a `tel:` link).
fn people(ui: &mut egui::Ui, brief: &Brief, roster_loading: bool) {
    if brief.people.is_empty() {
        weak(ui, "Nobody owns it yet.");
    }
    egui::Grid::new("brief-people")
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for p in &brief.people {
                ui.label(egui::RichText::new(&p.name).strong());
                ui.label(&p.part);
                if p.number.is_none() && roster_loading {
                    ui.label(egui::RichText::new("reading the roster…").weak());
                } else {
                    super::contacts::number_or_none(ui, p.number.as_deref());
                }
                match &p.last_call {
                    Some(call) => {
                        ui.label(egui::RichText::new(call).weak());
                    }
                    // An empty cell, not an empty label a screen reader reads.
                    None => {
                        ui.allocate_space(egui::Vec2::ZERO);
                    }
                }
                ui.end_row();
            }
        });
}
