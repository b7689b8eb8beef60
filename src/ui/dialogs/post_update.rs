//! The post-update dialog: what was posted, where, and when the next one is due.

use eframe::egui;

use crate::command::Command;
use crate::pack::Pack;
use crate::pack::update;
use crate::time::parse_length;
use crate::ui::drafts::{Form, UpdateDraft};
use crate::ui::widgets::{Pressed, dialog};
use crate::ui::{Action, DialogOutcome};

/// Shows the dialog for `draft` on the pack's incident; `error` is why the
/// last try was refused; `fresh` on the frame it opens, when the text box
/// takes the keyboard.
pub fn show(
    ctx: &egui::Context,
    draft: &mut UpdateDraft,
    pack: &Pack<'_>,
    error: Option<&str>,
    fresh: bool,
) -> DialogOutcome {
    let incident = pack.incident;
    let id = ("post-update", incident.id.as_str());
    let pressed = dialog(ctx, id, 460.0, "Post update", "Post update", error, |ui| {
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
        egui::Grid::new("post-update-fields")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
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
                ui.add(
                    egui::TextEdit::singleline(&mut draft.next_in)
                        .desired_width(80.0)
                        .hint_text("15m"),
                )
                .labelled_by(label.id);
                ui.end_row();
            });
        ui.add_space(6.0);
        copy_for_channel(ui, draft, pack);
    });
    match pressed {
        Pressed::Nothing => DialogOutcome::Open,
        Pressed::Close => DialogOutcome::Closed,
        Pressed::Send => DialogOutcome::Done(match parse_length(&draft.next_in) {
            Ok(next_in) => Action::run(
                Command::PostUpdate {
                    incident: incident.id.clone(),
                    text: draft.text.clone(),
                    channel: Some(draft.channel.clone()),
                    next_in: Some(next_in),
                },
                Form::Update,
            ),
            Err(e) => Action::Refuse(format!("Next update in: {e}.")),
        }),
    }
}

/// "Copy for #expedite": the update written for the chosen channel, put on
/// the clipboard to paste there; the text itself can be looked at first.
fn copy_for_channel(ui: &mut egui::Ui, draft: &UpdateDraft, pack: &Pack<'_>) {
    let next_at = parse_length(&draft.next_in).ok().map(|d| pack.now + d);
    let text = update::text(pack, &draft.channel, &draft.text, next_at);
    let copied_id = egui::Id::unique(("post-update-copied", pack.incident.id.as_str()));
    let copied = ui.data(|d| d.get_temp::<String>(copied_id)).as_deref() == Some(text.as_str());
    ui.horizontal(|ui| {
        if ui.button(format!("Copy for {}", draft.channel)).clicked() {
            ui.ctx().copy_text(text.clone());
            ui.data_mut(|d| d.insert_temp(copied_id, text.clone()));
        }
        if copied {
            ui.label(format!(
                "Copied — paste it into {}, then press Post update.",
                draft.channel
            ));
        }
    });
    egui::CollapsingHeader::new("The text to paste")
        .id_salt(("post-update-preview", pack.incident.id.as_str()))
        .show(ui, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(&text).monospace()).wrap());
        });
}
