//! Defined: the metrics that confirm the issue, and more as they come in.

use eframe::egui;

use crate::command::Command;
use crate::ui::Form;
use crate::ui::drafts::{EvidenceChoice, EvidenceDraft};
use crate::ui::widgets::{capital, field, link, section, weak, when};
use crate::ui::{Action, Facts};

/// The form to add evidence, then the evidence so far below it: a piece
/// added grows the list under the last control and moves nothing.
pub fn show(ui: &mut egui::Ui, facts: &Facts, draft: &mut EvidenceDraft) -> Option<Action> {
    let incident = facts.incident;
    let mut action = None;
    if incident.is_open() {
        section(ui, "Add evidence");
        fields(ui, draft, "evidence");
        ui.horizontal(|ui| {
            if crate::ui::widgets::primary(ui, "Add evidence").clicked() {
                action = Some(match draft.to_evidence() {
                    Ok(evidence) => Action::run(
                        Command::AddEvidence {
                            incident: incident.id.clone(),
                            evidence,
                        },
                        Form::Evidence,
                    ),
                    Err(why) => Action::Refuse(why),
                });
            }
            // The metric that confirms it, read every minute from where
            // the team keeps it, from the start.
            let watched = incident.watch.as_ref().is_some_and(|w| w.stopped.is_none());
            let label = if watched {
                "Change the metric…"
            } else {
                "Watch this metric…"
            };
            if ui
                .button(label)
                .on_hover_text("Read it every minute from Prometheus, Bugsnag, Sentry or Datadog")
                .clicked()
            {
                action = Some(Action::Open(crate::ui::Dialog::WatchMetric(
                    incident.id.clone(),
                )));
            }
        });
    }
    section(ui, "Evidence so far");
    for e in &incident.evidence {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(capital(&e.kind.describe())).strong());
            if !e.text.is_empty() {
                ui.label(format!(
                    "— {}",
                    crate::text::clip(&e.text, crate::text::SHOWN_MAX)
                ));
            }
            if let Some(url) = &e.link {
                link(ui, url);
            }
        });
        weak(
            ui,
            format!("added {} by {}", when(e.added_at, facts.now), e.added_by),
        );
    }
    action
}

/// The evidence fields, shared with the declare dialog; returns the first text field.
pub fn fields(ui: &mut egui::Ui, draft: &mut EvidenceDraft, salt: &str) -> egui::Response {
    ui.horizontal(|ui| {
        let label = crate::ui::widgets::form_label(ui, "Kind of evidence");
        let options = EvidenceChoice::ALL.map(|k| (k, k.label()));
        crate::ui::widgets::choice(
            ui,
            ("evidence-kind", salt),
            label.id,
            &mut draft.kind,
            &options,
        );
    });
    // There for every kind (greyed for one not counted): choosing a kind
    // moves no field below it.
    let counted = draft.kind.counted();
    let count = ui
        .add_enabled_ui(counted, |ui| {
            field(ui, "How many", &mut draft.count, "e.g. 120")
        })
        .inner;
    let count = counted.then_some(count);
    let text = field(
        ui,
        "What you see",
        &mut draft.text,
        "e.g. PaymentDeclined on checkout",
    );
    field(ui, "Link", &mut draft.link, "https://… (optional)");
    count.unwrap_or(text)
}
