//! Fix: best practice, or each rule broken with its justification; a
//! temporary fix names the permanent fix to follow.

use eframe::egui;

use crate::command::Command;
use crate::model::{Deviation, DeviationReason};
use crate::ui::Form;
use crate::ui::drafts::FixDraft;
use crate::ui::widgets::{Editable, area, editable, field, named, section, weak, when};
use crate::ui::{Action, Facts};

/// How wide a reason's "why" is, beside its box.
const FIELD_WIDTH: f32 = 300.0;

/// The fix as recorded, or the form to record or change it.
pub fn show(ui: &mut egui::Ui, facts: &Facts, draft: &mut Option<FixDraft>) -> Option<Action> {
    let incident = facts.incident;
    let how = Editable {
        recorded: incident.fix.is_some(),
        open: incident.is_open(),
        change: "Change the fix",
        record: "Record fix",
        never: "No fix was recorded.",
    };
    let show_record = |ui: &mut egui::Ui| {
        let Some(fix) = &incident.fix else { return };
        section(ui, "The fix");
        ui.add(egui::Label::new(&fix.description).wrap());
        weak(
            ui,
            format!(
                "recorded {} by {}",
                when(fix.recorded_at, facts.now),
                fix.recorded_by
            ),
        );
        if incident.is_open() && incident.failed_fix().is_some() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "Deployed before it came back, and it did not hold: change the fix to the next one, then deploy it.",
            );
        }
        section(ui, "Process");
        if fix.is_best_practice() {
            ui.label("Best practice followed.");
        }
        for d in &fix.deviations {
            ui.label(egui::RichText::new(format!("Broken for {}", d.reason.describe())).strong());
            ui.add(egui::Label::new(&d.justification).wrap());
        }
        if let Some(permanent) = &fix.permanent_fix {
            section(ui, "Permanent fix to follow");
            ui.add(egui::Label::new(permanent).wrap());
        }
    };
    let fields = |ui: &mut egui::Ui, form: &mut FixDraft| {
        area(
            ui,
            "What the fix is",
            &mut form.description,
            "e.g. Revert PR #4821 (payment client timeout)",
            3,
        );
        section(ui, "Best practice?");
        weak(
            ui,
            "Code developed with our best practices and procedures. Breaking them is discussed now and justified later in the summary — never a get-out clause.",
        );
        // Every reason has its row, its "why" beside it (open once ticked),
        // and the permanent fix its row below: ticking one moves nothing.
        let temporary = form
            .deviations
            .iter()
            .any(|(r, ticked, _)| *r == DeviationReason::TemporaryFix && *ticked);
        egui::Grid::new("deviations")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (reason, ticked, why) in &mut form.deviations {
                    ui.checkbox(ticked, format!("Broken for {}", reason.describe()));
                    let name = format!("Why ({})", reason.describe());
                    let field = ui.add_enabled(
                        *ticked,
                        egui::TextEdit::singleline(why)
                            .hint_text("why — the justification")
                            .desired_width(FIELD_WIDTH),
                    );
                    named(ui, &field, &name);
                    ui.end_row();
                }
            });
        ui.add_enabled_ui(temporary || !form.permanent_fix.is_empty(), |ui| {
            field(
                ui,
                "Permanent fix to follow",
                &mut form.permanent_fix,
                "what will replace the temporary fix",
            );
        });
    };
    let submit = |form: &FixDraft| {
        let deviations = form
            .deviations
            .iter()
            .filter(|(_, ticked, _)| *ticked)
            .map(|(reason, _, why)| Deviation {
                reason: *reason,
                justification: why.clone(),
            })
            .collect();
        let permanent = form.permanent_fix.trim();
        Action::run(
            Command::RecordFix {
                incident: incident.id.clone(),
                description: form.description.clone(),
                deviations,
                permanent_fix: (!permanent.is_empty()).then(|| permanent.to_owned()),
            },
            Form::Fix,
        )
    };
    let pristine = FixDraft::from_incident(incident);
    editable(ui, draft, pristine, how, show_record, fields, submit)
}
