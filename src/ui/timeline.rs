//! The timeline: every entry, newest first, with time, who and what; notes
//! added inline. Long timelines scroll virtually: only visible rows are built.

use std::sync::Arc;

use eframe::egui;

use super::Form;
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
                    Form::Note,
                ));
            }
        });
        ui.add_space(6.0);
    }
    let rows = formatted_rows(ui, facts);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_height,
        rows.len(),
        |ui, range| {
            for r in &rows[range] {
                row(ui, r, row_height);
            }
        },
    );
    action
}

/// One entry as shown: time, who, what.
struct Row {
    when: String,
    by: String,
    what: String,
}

/// The entries in words, newest first. Formatting times in the local zone
/// and building the sentences is done once per change of the timeline (or
/// of the day), not every frame: the rows are kept in egui's memory.
fn formatted_rows(ui: &egui::Ui, facts: &Facts) -> Arc<Vec<Row>> {
    let incident = facts.incident;
    let today = facts.now.with_timezone(&chrono::Local).date_naive();
    let key = (incident.stamp(), today);
    let id = egui::Id::unique(("timeline-rows", incident.id.as_str()));
    let hash = egui::Id::unique(key);
    if let Some((cached, rows)) = ui.data(|d| d.get_temp::<(egui::Id, Arc<Vec<Row>>)>(id))
        && cached == hash
    {
        return rows;
    }
    let rows: Arc<Vec<Row>> = Arc::new(
        incident
            .timeline
            .iter()
            .rev()
            .map(|e| Row {
                when: when(e.at, facts.now),
                by: e.by.clone(),
                what: describe(e),
            })
            .collect(),
    );
    ui.data_mut(|d| d.insert_temp(id, (hash, Arc::clone(&rows))));
    rows
}

fn row(ui: &mut egui::Ui, row: &Row, height: f32) {
    ui.horizontal(|ui| {
        ui.set_height(height);
        cell(
            ui,
            120.0,
            height,
            egui::RichText::new(row.when.as_str()).weak(),
        );
        cell(
            ui,
            110.0,
            height,
            egui::RichText::new(row.by.as_str()).weak(),
        );
        ui.add(egui::Label::new(row.what.as_str()).truncate())
            .on_hover_text(row.what.as_str());
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
        Some(c) if c.from.is_empty() => format!("{}: {}", shown(&entry.what), shown(&c.to)),
        Some(c) => format!(
            "{}: from {} to {}",
            shown(&entry.what),
            shown(&c.from),
            shown(&c.to)
        ),
        None => shown(&entry.what).into_owned(),
    }
}

/// A part of an entry as the timeline shows it: a text of megabytes (a
/// colleague's pasted log) is cut, so the rows stay light.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    crate::text::clip(text, crate::text::SHOWN_MAX)
}
