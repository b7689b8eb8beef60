//! Fix: best practice, or each rule broken with its justification; a
//! temporary fix names the permanent fix to follow.

use eframe::egui;

use super::drafts::FixDraft;
use super::widgets::{area, capital, field, section, weak, when};
use super::{Action, Facts};
use crate::command::Command;
use crate::model::{Deviation, DeviationReason};

/// The fix as recorded, or the form to record or change it.
pub fn show(ui: &mut egui::Ui, facts: &Facts, draft: &mut Option<FixDraft>) -> Option<Action> {
    let incident = facts.incident;
    if draft.is_none() {
        if let Some(fix) = &incident.fix {
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
            section(ui, "Process");
            if fix.is_best_practice() {
                ui.label("Best practice followed.");
            }
            for d in &fix.deviations {
                ui.label(
                    egui::RichText::new(format!("Broken for {}", d.reason.describe())).strong(),
                );
                ui.add(egui::Label::new(&d.justification).wrap());
            }
            if let Some(permanent) = &fix.permanent_fix {
                section(ui, "Permanent fix to follow");
                ui.add(egui::Label::new(permanent).wrap());
            }
            ui.add_space(8.0);
            if incident.is_open() && ui.button("Change the fix").clicked() {
                *draft = Some(FixDraft::from_incident(incident));
            }
            return None;
        }
        if !incident.is_open() {
            weak(ui, "No fix was recorded.");
            return None;
        }
    }
    // An untouched form is not a draft: it is rebuilt from the record each
    // frame, so a change arriving from elsewhere shows instead of stale blanks.
    let pristine = FixDraft::from_incident(incident);
    let mut kept = draft.take();
    let form = kept.get_or_insert_with(|| pristine.clone());
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
    for (reason, ticked, why) in &mut form.deviations {
        let name = capital(reason.describe());
        ui.checkbox(ticked, format!("Broken for {}", reason.describe()));
        if *ticked {
            ui.indent(("deviation", name.as_str()), |ui| {
                field(
                    ui,
                    &format!("Why ({})", reason.describe()),
                    why,
                    "the justification",
                );
            });
        }
    }
    let temporary = form
        .deviations
        .iter()
        .any(|(r, ticked, _)| *r == DeviationReason::TemporaryFix && *ticked);
    if temporary || !form.permanent_fix.is_empty() {
        field(
            ui,
            "Permanent fix to follow",
            &mut form.permanent_fix,
            "what will replace the temporary fix",
        );
    }
    ui.add_space(8.0);
    let mut action = None;
    ui.horizontal(|ui| {
        if super::widgets::primary(ui, "Record fix").clicked() {
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
            action = Some(Action::run(
                Command::RecordFix {
                    incident: incident.id.clone(),
                    description: form.description.clone(),
                    deviations,
                    permanent_fix: (!permanent.is_empty()).then(|| permanent.to_owned()),
                },
                |d| d.fix = None,
            ));
        }
        if incident.fix.is_some() && ui.button("Keep as it was").clicked() {
            action = Some(Action::Discard);
        }
    });
    if matches!(action, Some(Action::Discard)) {
        return None;
    }
    // Editing a recorded one stays open until recorded or dropped.
    if *form != pristine || incident.fix.is_some() {
        *draft = kept;
    }
    action
}
