//! The post-update dialog: what was posted, where, and when the next one is due.

use eframe::egui;

use super::drafts::UpdateDraft;
use crate::command::Command;
use crate::model::Incident;
use crate::model::comms::parse_duration;

/// What the person did with the dialog this frame.
pub enum Outcome {
    /// Nothing yet.
    Open,
    /// Closed without posting; the draft is kept.
    Closed,
    /// Post this, or why it can't be posted.
    Post(Result<Command, String>),
}

/// Shows the dialog for `draft` on `incident`; `error` is why the last try was
/// refused; `fresh` on the frame it opens, when the text box takes the keyboard.
pub fn show(
    ctx: &egui::Context,
    draft: &mut UpdateDraft,
    incident: &Incident,
    error: Option<&str>,
    fresh: bool,
) -> Outcome {
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique(("post-update", incident.id.as_str()))).show(ctx, |ui| {
        ui.set_width(460.0_f32.min(ctx.content_rect().width() - 60.0));
        super::widgets::title(ui, "Post update");
        ui.label(egui::RichText::new(&incident.title).weak());
        ui.add_space(8.0);
        let label = ui.label("What you see, what you're doing, what you need");
        let text = ui
            .add(
                egui::TextEdit::multiline(&mut draft.text)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY)
                    .hint_text("e.g. Checkout errors down to 2/min after the rollback; watching for 15 minutes."),
            )
            .labelled_by(label.id);
        if fresh {
            text.request_focus();
        }
        ui.add_space(6.0);
        egui::Grid::new("post-update-fields").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label("Channel");
            egui::ComboBox::from_id_salt("post-update-channel")
                .selected_text(&draft.channel)
                .show_ui(ui, |ui| {
                    for channel in &incident.communication.channels {
                        ui.selectable_value(&mut draft.channel, channel.clone(), channel);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Next update in");
            ui.add(egui::TextEdit::singleline(&mut draft.next_in).desired_width(80.0).hint_text("15m"))
                .labelled_by(label.id);
            ui.end_row();
        });
        if let Some(error) = error {
            ui.add_space(6.0);
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let ctrl_enter = ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::Enter));
            if super::widgets::primary(ui, "Post update").on_hover_text("Ctrl+Enter").clicked() || ctrl_enter {
                outcome = Outcome::Post(
                    parse_duration(&draft.next_in)
                        .map(|next_in| Command::PostUpdate {
                            incident: incident.id.clone(),
                            text: draft.text.clone(),
                            channel: Some(draft.channel.clone()),
                            next_in: Some(next_in),
                        })
                        .map_err(|e| format!("Next update in: {e}.")),
                );
            }
            if ui.button("Cancel").on_hover_text("Esc — the text is kept").clicked() {
                outcome = Outcome::Closed;
            }
        });
    });
    if matches!(outcome, Outcome::Open) && modal.should_close() {
        outcome = Outcome::Closed;
    }
    outcome
}
