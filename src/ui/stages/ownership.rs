//! Owned: who owns the incident, taking it, and handing it over with a note.

use eframe::egui;

use crate::command::Command;
use crate::model::Incident;
use crate::model::roster::Roster;
use crate::ui::Form;
use crate::ui::drafts::HandOverDraft;
use crate::ui::widgets::{self, Pressed, area, field, section, suggestions, weak, when};
use crate::ui::{Action, Dialog, DialogOutcome, Facts};

/// The owner, the hand-overs so far, and the buttons to change owner.
pub fn show(ui: &mut egui::Ui, facts: &Facts) -> Option<Action> {
    let incident = facts.incident;
    let mut action = None;
    section(ui, "Owner");
    ui.label(
        egui::RichText::new(incident.owner.as_deref().unwrap_or("Nobody yet"))
            .size(18.0)
            .strong(),
    );
    weak(
        ui,
        "The owner follows the issue through to resolution, or hands it over with a note.",
    );
    if incident.is_open() {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if incident.owner.as_deref() != Some(facts.me) && ui.button("Take ownership").clicked()
            {
                action = Some(Action::run(
                    Command::TakeOwnership {
                        incident: incident.id.clone(),
                    },
                    Form::None,
                ));
            }
            if ui.button("Hand over…").on_hover_text("Ctrl+H").clicked() {
                action = Some(Action::Open(Dialog::HandOver(incident.id.clone())));
            }
        });
    }
    let hand_overs: Vec<_> = incident
        .hand_overs
        .iter()
        .filter(|h| h.from.is_some())
        .collect();
    if !hand_overs.is_empty() {
        section(ui, "Hand-overs");
        for h in hand_overs.into_iter().rev() {
            ui.label(egui::RichText::new(crate::pack::hand_over(h)).strong());
            weak(ui, when(h.at, facts.now));
            if !h.note.is_empty() {
                ui.add(egui::Label::new(&h.note).wrap());
            }
            ui.add_space(4.0);
        }
    }
    action
}

/// The hand-over dialog: to whom, and a note on where things stand.
pub fn dialog(
    ctx: &egui::Context,
    draft: &mut HandOverDraft,
    incident: &Incident,
    roster: &Roster,
    brief: &dyn Fn() -> String,
    error: Option<&str>,
    fresh: bool,
) -> DialogOutcome {
    let id = ("hand-over", incident.id.as_str());
    let pressed = widgets::dialog(ctx, id, 460.0, "Hand over", "Hand over", error, |ui| {
        ui.add(
            egui::Label::new(egui::RichText::new(crate::text::clip(&incident.title, 300)).weak())
                .truncate(),
        );
        // The hand-over starts from where things stand.
        egui::CollapsingHeader::new("The brief")
            .default_open(false)
            .show(ui, |ui| {
                // Written only while it is open.
                let brief = brief();
                egui::ScrollArea::vertical()
                    .max_height(160.0)
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(egui::RichText::new(&brief).small()).wrap());
                    });
                if ui.button("Copy the brief").clicked() {
                    ui.ctx().copy_text(brief);
                }
            });
        ui.add_space(8.0);
        let to = field(ui, "Hand over to", &mut draft.to, "a name from the roster");
        if fresh {
            to.request_focus();
        }
        let picked = suggestions(ui, roster, &draft.to, None, "");
        ui.add_space(4.0);
        let note = area(
            ui,
            "Hand-over note",
            &mut draft.note,
            "What's happening, what's next, who's engaged",
            4,
        );
        if let Some(name) = picked {
            draft.to = name;
            // Chosen (a click, or Tab and Space): on to the note, never
            // back into the name.
            note.request_focus();
        }
    });
    match pressed {
        Pressed::Nothing => DialogOutcome::Open,
        Pressed::Close => DialogOutcome::Closed,
        Pressed::Send => DialogOutcome::Done(
            match crate::ui::widgets::accepted_name(ctx, roster, &draft.to) {
                Err(why) => Action::Refuse(why),
                Ok(()) => Action::run(
                    Command::HandOver {
                        incident: incident.id.clone(),
                        to: draft.to.clone(),
                        note: draft.note.clone(),
                    },
                    Form::HandOver,
                ),
            },
        ),
    }
}
