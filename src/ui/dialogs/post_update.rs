//! The post-update dialog: what was posted, where, and when the next one is due.

use eframe::egui;

use crate::command::Command;
use crate::pack::Pack;
use crate::pack::update;
use crate::time::parse_length;
use crate::ui::Form;
use crate::ui::drafts::UpdateDraft;
use crate::ui::widgets::{Pressed, dialog};
use crate::ui::{Action, DialogOutcome};

/// Shows the dialog for `draft` on the pack's incident; `error` is why the
/// last try was refused; `fresh` on the frame it opens, when the text box
/// takes the keyboard. The `last` update resolves the incident as it is
/// posted, and promises no next one.
pub fn show(
    ctx: &egui::Context,
    draft: &mut UpdateDraft,
    pack: &Pack<'_>,
    connected: &std::collections::BTreeMap<String, String>,
    (error, fresh): (Option<&str>, bool),
    last: bool,
) -> DialogOutcome {
    let incident = pack.incident;
    let id = ("post-update", incident.id.as_str());
    let (heading, send) = if last {
        ("Last update", "Post and resolve")
    } else {
        ("Post update", "Post update")
    };
    let pressed = dialog(ctx, id, 460.0, heading, send, error, |ui| {
        ui.add(
            egui::Label::new(egui::RichText::new(crate::text::clip(&incident.title, 300)).weak())
                .truncate(),
        );
        ui.add_space(8.0);
        let label = ui.label("Conditions — what you see");
        let text = ui
            .add(
                egui::TextEdit::multiline(&mut draft.text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .hint_text("e.g. Checkout errors down to 2/min after the rollback"),
            )
            .labelled_by(label.id);
        if fresh {
            text.request_focus();
        }
        let label = ui.label("Actions — what you are doing");
        ui.add(
            egui::TextEdit::multiline(&mut draft.actions)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("e.g. watching for 15 minutes before closing"),
        )
        .labelled_by(label.id);
        let label = ui.label("Needs — what you need");
        ui.add(
            egui::TextEdit::singleline(&mut draft.needs)
                .desired_width(f32::INFINITY)
                .hint_text("e.g. a reviewer on standby"),
        )
        .labelled_by(label.id);
        ui.add_space(6.0);
        egui::Grid::new("post-update-fields")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label("Channel");
                let options: Vec<_> = incident
                    .communication
                    .channels
                    .iter()
                    .map(|c| (c.clone(), c.as_str()))
                    .collect();
                crate::ui::widgets::choice(
                    ui,
                    "post-update-channel",
                    label.id,
                    &mut draft.channel,
                    &options,
                );
                ui.end_row();
                ui.label("");
                let posts_to = match connected.get(&draft.channel) {
                    Some(shown) => format!("Post update sends it to {shown}."),
                    None => format!(
                        "{} is not connected: Post update records it; paste the copied text yourself (connect it in Channels).",
                        draft.channel
                    ),
                };
                ui.add(egui::Label::new(egui::RichText::new(posts_to).weak()).wrap());
                ui.end_row();
                if last {
                    ui.label("Next update");
                    ui.label("None: it says the incident is resolved, and resolves it.");
                } else {
                    let label = ui.label("Next update in");
                    ui.add(
                        egui::TextEdit::singleline(&mut draft.next_in)
                            .desired_width(80.0)
                            .hint_text("15m"),
                    )
                    .labelled_by(label.id);
                }
                ui.end_row();
            });
        ui.add_space(6.0);
        copy_for_channel(ui, draft, pack, last);
    });
    match pressed {
        Pressed::Nothing => DialogOutcome::Open,
        Pressed::Close => DialogOutcome::Closed,
        Pressed::Send if draft.text.trim().is_empty() => DialogOutcome::Done(Action::Refuse(
            "The update is empty — say under Conditions what you see now.".into(),
        )),
        Pressed::Send if last => DialogOutcome::Done(Action::run(
            Command::PostLastUpdate {
                incident: incident.id.clone(),
                text: update::Typed::write(&draft.text, &draft.actions, &draft.needs),
                channel: Some(draft.channel.clone()),
            },
            Form::Update,
        )),
        Pressed::Send => DialogOutcome::Done(match parse_length(&draft.next_in) {
            Ok(next_in) => Action::run(
                Command::PostUpdate {
                    incident: incident.id.clone(),
                    text: update::Typed::write(&draft.text, &draft.actions, &draft.needs),
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
fn copy_for_channel(ui: &mut egui::Ui, draft: &UpdateDraft, pack: &Pack<'_>, last: bool) {
    // The last update is written as it will be posted: resolved now.
    let mut resolved = pack.incident.clone();
    resolved.resolved_at = Some(pack.now);
    let resolved_pack = Pack {
        incident: &resolved,
        ..pack.clone()
    };
    let pack = if last { &resolved_pack } else { pack };
    let next_at = match parse_length(&draft.next_in) {
        _ if last => pack.now,
        Ok(d) => pack.now + d,
        Err(e) => {
            // Never a text whose due time disagrees with what will be recorded.
            ui.label(
                egui::RichText::new(format!("Next update in: {e} — fix it to copy the update."))
                    .color(ui.visuals().warn_fg_color),
            );
            return;
        }
    };
    let typed = update::Typed::write(&draft.text, &draft.actions, &draft.needs);
    let text = update::text(pack, &draft.channel, &typed, Some(next_at));
    let copied_id = egui::Id::unique(("post-update-copied", pack.incident.id.as_str()));
    let copied = ui.data(|d| d.get_temp::<String>(copied_id)).as_deref() == Some(text.as_str());
    ui.horizontal(|ui| {
        if ui.button(format!("Copy for {}", draft.channel)).clicked() {
            ui.ctx().copy_text(text.clone());
            ui.data_mut(|d| d.insert_temp(copied_id, text.clone()));
        }
        // Always the same line, so nothing below moves when it changes.
        let note = if copied {
            format!(
                "Copied — paste it into {}, then press Post update.",
                draft.channel
            )
        } else {
            " ".to_owned()
        };
        ui.label(note);
    });
    egui::CollapsingHeader::new("The text to paste")
        .id_salt(("post-update-preview", pack.incident.id.as_str()))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    ui.add(egui::Label::new(egui::RichText::new(&text).monospace()).wrap());
                });
        });
}
