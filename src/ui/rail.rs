//! The procedure rail: the next step in words, the eight stages with where
//! each stands, and the other views.

use eframe::egui;

use super::View;
use crate::model::Incident;
use crate::model::procedure::{self, Progress};

/// How many lines the next step may take (the rest on hover).
const STEP_ROWS: usize = 7;

/// The rail; returns the view picked.
pub fn show(ui: &mut egui::Ui, incident: Option<&Incident>, view: &View) -> Option<View> {
    let mut picked = None;
    ui.add_space(6.0);
    if let Some(incident) = incident {
        let guidance = procedure::next_step(incident);
        // The next step takes the same room whatever it says, open or
        // resolved: the stages below it never move when it changes.
        let row = ui.text_style_height(&egui::TextStyle::Body);
        let room = egui::vec2(ui.available_width(), row * (STEP_ROWS as f32 + 1.0) + 4.0);
        ui.allocate_ui_with_layout(room, egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.set_min_size(room);
            if !incident.is_open() {
                ui.label(egui::RichText::new("Incident resolved").weak());
                return;
            }
            ui.label(egui::RichText::new("Next step").weak());
            let color = ui.visuals().strong_text_color();
            let job = super::widgets::at_most(ui, &guidance.step, color, STEP_ROWS);
            let response = ui.add(egui::Label::new(job).sense(egui::Sense::click()));
            if response
                .on_hover_cursor(egui::CursorIcon::PointingHand)
                .on_hover_text(format!(
                    "{} — open {}",
                    guidance.step,
                    guidance.stage.name()
                ))
                .clicked()
            {
                picked = Some(View::Stage(guidance.stage));
            }
        });
        ui.add_space(6.0);
        ui.separator();
        if ui
            .selectable_label(*view == View::Brief, "Brief")
            .on_hover_text("Where it stands, on one screen (Ctrl+B)")
            .clicked()
        {
            picked = Some(View::Brief);
        }
        for (n, status) in procedure::stages(incident).into_iter().enumerate() {
            ui.horizontal(|ui| {
                dot(ui, status.progress);
                let selected = *view == View::Stage(status.stage);
                let response = ui
                    .selectable_label(selected, status.stage.name())
                    .on_hover_text(format!("{} (Ctrl+{})", status.describe(), n + 1));
                if response.clicked() {
                    picked = Some(View::Stage(status.stage));
                }
            });
        }
        ui.separator();
        if ui
            .selectable_label(*view == View::Timeline, "Timeline")
            .on_hover_text("Ctrl+T")
            .clicked()
        {
            picked = Some(View::Timeline);
        }
    }
    if ui
        .selectable_label(*view == View::Incidents, "Incidents")
        .on_hover_text("Ctrl+I")
        .clicked()
    {
        picked = Some(View::Incidents);
    }
    if ui
        .selectable_label(*view == View::Contacts, "Contacts")
        .on_hover_text("Ctrl+F")
        .clicked()
    {
        picked = Some(View::Contacts);
    }
    if ui
        .selectable_label(*view == View::Channels, "Channels")
        .clicked()
    {
        picked = Some(View::Channels);
    }
    picked
}

/// Done: a filled green dot; in progress: an amber ring with a dot; not started: a grey ring.
fn dot(ui: &mut egui::Ui, progress: Progress) {
    let size = ui.spacing().interact_size.y * 0.5;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let c = rect.center();
    let r = size * 0.45;
    let painter = ui.painter();
    match progress {
        Progress::Done => {
            painter.circle_filled(c, r, super::widgets::DONE);
        }
        Progress::InProgress => {
            let amber = ui.visuals().warn_fg_color;
            painter.circle_stroke(c, r, egui::Stroke::new(1.5, amber));
            painter.circle_filled(c, r * 0.45, amber);
        }
        Progress::NotStarted => {
            painter.circle_stroke(c, r, egui::Stroke::new(1.0, ui.visuals().weak_text_color()));
        }
    }
}
