//! Declaring an incident: the calm empty state with its one action, and the
//! dialog that asks first for the confirming metric.

use eframe::egui;

use super::drafts::DeclareDraft;
use super::widgets::{field, suggestions, weak};
use super::{Action, Dialog};
use crate::command::Command;
use crate::model::Role;
use crate::model::roster::Roster;

/// Shown when no incident is open.
pub fn empty_state(ui: &mut egui::Ui) -> Option<Action> {
    let mut action = None;
    ui.add_space(ui.available_height() * 0.25);
    ui.vertical_centered(|ui| {
        super::widgets::title(ui, "No incident open");
        ui.add_space(6.0);
        ui.label("All calm. When something breaks, start here.");
        ui.add_space(14.0);
        let (fill, ink) = (
            ui.visuals().selection.bg_fill,
            ui.visuals().selection.stroke.color,
        );
        let button = egui::Button::new(
            egui::RichText::new("Declare incident")
                .size(18.0)
                .color(ink),
        )
        .fill(fill)
        .min_size(egui::vec2(200.0, 40.0));
        if ui.add(button).on_hover_text("Ctrl+N").clicked() {
            action = Some(Action::Open(Dialog::Declare));
        }
    });
    action
}

/// What the dialog asks for.
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed; the draft is kept.
    Closed,
    /// Declare; the draft or why it can't be.
    Submit(Result<Command, String>),
}

/// The declare dialog.
pub fn dialog(
    ctx: &egui::Context,
    draft: &mut DeclareDraft,
    me: &str,
    roster: &Roster,
    error: Option<&str>,
    fresh: bool,
) -> Outcome {
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique("declare")).show(ctx, |ui| {
        ui.set_width(480.0_f32.min(ctx.content_rect().width() - 60.0));
        super::widgets::title(ui, "Declare incident");
        weak(ui, "First, the metric that confirms it.");
        ui.add_space(8.0);
        let first = super::evidence::fields(ui, &mut draft.evidence, "declare");
        if fresh {
            // Ready to type the metric at once.
            first.request_focus();
        }
        ui.add_space(6.0);
        field(
            ui,
            "What is broken",
            &mut draft.title,
            "e.g. Checkout returns 500",
        );
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label("Owner");
            ui.radio_value(&mut draft.someone_else, false, format!("Me ({me})"));
            ui.radio_value(&mut draft.someone_else, true, "Someone else");
        });
        if draft.someone_else {
            field(ui, "Owner's name", &mut draft.owner, "who takes ownership");
            if let Some(name) = suggestions(ui, roster, &draft.owner, Some(Role::WebContact), "") {
                draft.owner = name;
            }
        } else {
            weak(ui, "The first web contact takes ownership.");
        }
        if let Some(error) = error {
            ui.add_space(4.0);
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let ctrl_enter = ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::Enter));
            if super::widgets::primary(ui, "Declare")
                .on_hover_text("Ctrl+Enter")
                .clicked()
                || ctrl_enter
            {
                outcome = Outcome::Submit(draft.evidence.to_evidence().map(|evidence| {
                    Command::Declare {
                        title: draft.title.clone(),
                        evidence,
                        owner: draft.someone_else.then(|| draft.owner.clone()),
                    }
                }));
            }
            if ui.button("Cancel").clicked() {
                outcome = Outcome::Closed;
            }
        });
    });
    if matches!(outcome, Outcome::Open) && modal.should_close() {
        outcome = Outcome::Closed;
    }
    outcome
}
