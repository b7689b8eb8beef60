//! The timeline: every entry, newest first, with time, who and what; notes
//! added inline. Long timelines scroll virtually: only visible rows are built.

use eframe::egui;

use super::widgets::{submitted, when};
use super::{Action, Facts};
use crate::command::Command;
use crate::model::TimelineEntry;

/// The note field and the entries.
pub fn show(ui: &mut egui::Ui, facts: &Facts, note: &mut String) -> Option<Action> {
    let incident = facts.incident;
    let mut action = None;
    if incident.is_open() {
        ui.horizontal(|ui| {
            let label = ui.label("Note");
            let width = (ui.available_width() - 90.0).max(120.0);
            let response = ui
                .add(
                    egui::TextEdit::singleline(note)
                        .hint_text("what happened, what you decided")
                        .desired_width(width),
                )
                .labelled_by(label.id);
            if ui.button("Add note").clicked() || submitted(ui, &response) {
                action = Some(Action::run(
                    Command::AddNote {
                        incident: incident.id.clone(),
                        text: note.clone(),
                    },
                    |d| d.note.clear(),
                ));
            }
        });
        ui.add_space(6.0);
    }
    let entries = &incident.timeline;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_height,
        entries.len(),
        |ui, rows| {
            for i in rows {
                let entry = &entries[entries.len() - 1 - i];
                row(ui, entry, facts, row_height);
            }
        },
    );
    action
}

fn row(ui: &mut egui::Ui, entry: &TimelineEntry, facts: &Facts, height: f32) {
    ui.horizontal(|ui| {
        ui.set_height(height);
        cell(
            ui,
            120.0,
            height,
            egui::RichText::new(when(entry.at, facts.now)).weak(),
        );
        cell(ui, 110.0, height, egui::RichText::new(&entry.by).weak());
        let text = describe(entry);
        ui.add(egui::Label::new(text.as_str()).truncate())
            .on_hover_text(text);
    });
}

/// A left-aligned column of fixed width; longer text is cut with "…".
fn cell(ui: &mut egui::Ui, width: f32, height: f32, text: egui::RichText) {
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(egui::vec2(width, height), layout, |ui| {
        ui.set_width(width);
        ui.add(egui::Label::new(text).truncate());
    });
}

/// One entry in words: "Owner set: from Sam to Jo".
pub fn describe(entry: &TimelineEntry) -> String {
    match &entry.change {
        Some(c) if c.from.is_empty() => format!("{}: {}", entry.what, c.to),
        Some(c) => format!("{}: from {} to {}", entry.what, c.from, c.to),
        None => entry.what.clone(),
    }
}
