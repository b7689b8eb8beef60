//! Declaring an incident: the calm empty state with its one action, and the
//! dialog that asks first for the confirming metric.

use eframe::egui;

use crate::command::Command;
use crate::model::Role;
use crate::model::roster::Roster;
use crate::ui::Form;
use crate::ui::drafts::DeclareDraft;
use crate::ui::widgets::{self, Pressed, field, suggestions, weak};
use crate::ui::{Action, Dialog, DialogOutcome};

/// Shown when no incident is open.
pub fn empty_state(ui: &mut egui::Ui) -> Option<Action> {
    let mut action = None;
    ui.add_space(ui.available_height() * 0.25);
    ui.vertical_centered(|ui| {
        crate::ui::widgets::title(ui, "No incident open");
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
        // What is worth doing before anything breaks, in the calm.
        ui.add_space(28.0);
        weak(
            ui,
            "Before you need them: the team's numbers for out-of-hours calls.",
        );
        if ui
            .button("Import contacts…")
            .on_hover_text("A vCard, CSV or calendar file, or a feed's address")
            .clicked()
        {
            action = Some(Action::ShowContacts(crate::ui::contacts::Page::Files));
        }
        // (The strip along the bottom says that F1 shows every shortcut.)
    });
    action
}

/// The declare dialog.
pub fn dialog(
    ctx: &egui::Context,
    draft: &mut DeclareDraft,
    me: &str,
    roster: &Roster,
    error: Option<&str>,
    fresh: bool,
) -> DialogOutcome {
    let heading = "Declare incident";
    let pressed = widgets::dialog(ctx, "declare", 480.0, heading, "Declare", error, |ui| {
        weak(ui, "First, the metric that confirms it.");
        ui.add_space(8.0);
        let first = crate::ui::evidence::fields(ui, &mut draft.evidence, "declare");
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
        // The counter's line is always there, so nothing moves when it shows.
        let length = draft.title.trim().chars().count();
        let max = crate::command::TITLE_MAX;
        let counter = if length > max {
            egui::RichText::new(format!(
                "{length} of {max} characters — shorten it; the detail goes in the evidence"
            ))
            .color(ui.visuals().error_fg_color)
        } else if length > max * 3 / 4 {
            egui::RichText::new(format!("{length} of {max} characters")).weak()
        } else {
            egui::RichText::new(" ").weak()
        };
        ui.label(counter.small());
        ui.checkbox(
            &mut draft.watch_next,
            "Then connect this metric, to be read every minute (Prometheus, Bugsnag, Sentry, Datadog)",
        );
        ui.add_space(2.0);
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
    });
    match pressed {
        Pressed::Nothing => DialogOutcome::Open,
        Pressed::Close => DialogOutcome::Closed,
        // Refused in the form's order: the evidence, the title, the owner.
        Pressed::Send => DialogOutcome::Done(match draft.evidence.to_evidence() {
            Ok(evidence)
                if let Err(why) = crate::command::check_evidence(
                    evidence.clone(),
                    me,
                    chrono::DateTime::UNIX_EPOCH,
                )
                .and_then(|_| crate::command::check_title(draft.title.clone())) =>
            {
                Action::Refuse(why.to_string())
            }
            Ok(_)
                if draft.someone_else
                    && let Err(why) =
                        crate::ui::widgets::accepted_name(ctx, roster, &draft.owner) =>
            {
                Action::Refuse(why)
            }
            Ok(evidence) => Action::Run(
                Command::Declare {
                    title: draft.title.clone(),
                    evidence,
                    owner: draft.someone_else.then(|| draft.owner.clone()),
                },
                Form::Declare,
            ),
            Err(why) => Action::Refuse(why),
        }),
    }
}
