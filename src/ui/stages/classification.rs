//! Classified: expedite or not (or unsure, and which product owner advised),
//! the business metrics hit, and how long the issue is expected to last.

use eframe::egui;

use crate::command::Command;
use crate::model::{Advice, Decision, MetricHit, Role};
use crate::ui::Form;
use crate::ui::drafts::ClassificationDraft;
use crate::ui::widgets::{Editable, capital, editable, field, section, suggestions, weak};
use crate::ui::{Action, Facts};

/// The classification as recorded, or the form to record or change it.
pub fn show(
    ui: &mut egui::Ui,
    facts: &Facts,
    draft: &mut Option<ClassificationDraft>,
) -> Option<Action> {
    let incident = facts.incident;
    let c = &incident.classification;
    let how = Editable {
        recorded: c.decision.is_some(),
        open: incident.is_open(),
        change: "Change classification",
        record: "Record classification",
        never: "It was never classified.",
    };
    let show_record = |ui: &mut egui::Ui| {
        let Some(decision) = c.decision else { return };
        section(ui, "Decision");
        ui.label(egui::RichText::new(sentence(decision)).size(16.0).strong());
        if let Some(advice) = &c.advice {
            ui.label(format!("Advice from {}: {}", advice.asked, advice.answer));
        }
        section(ui, "Metrics hit");
        if c.metrics.is_empty() {
            weak(ui, "None recorded.");
        }
        for hit in &c.metrics {
            ui.label(format!(
                "{}: {}",
                capital(hit.metric.describe()),
                crate::text::clip(&hit.note, crate::text::SHOWN_MAX)
            ));
        }
        if !c.expected_lifespan.is_empty() {
            section(ui, "Expected lifespan");
            ui.label(&c.expected_lifespan);
        }
    };
    let fields = |ui: &mut egui::Ui, form: &mut ClassificationDraft| {
        section(ui, "Expedite it?");
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(
                &mut form.decision,
                Some(Decision::Expedite),
                "Yes, expedite",
            );
            ui.radio_value(&mut form.decision, Some(Decision::DoNotExpedite), "No");
            ui.radio_value(&mut form.decision, Some(Decision::Unsure), "Unsure");
        });
        // The advice rows are there whatever is picked (greyed unless
        // "Unsure" or a name is given): picking moves nothing below them.
        let advising = form.decision == Some(Decision::Unsure) || !form.asked.is_empty();
        ui.add_enabled_ui(advising, |ui| {
            weak(
                ui,
                "When unsure, seek a product owner's advice before going on.",
            );
            field(
                ui,
                "Which product owner did you ask?",
                &mut form.asked,
                "a name",
            );
            let picked = suggestions(
                ui,
                &facts.state.roster,
                &form.asked,
                Some(Role::ProductOwner),
                "",
            );
            let answer = field(ui, "What did they say?", &mut form.answer, "their advice");
            if let Some(name) = picked {
                form.asked = name;
                // What they said is typed next: it goes where it belongs.
                answer.request_focus();
            }
        });
        section(ui, "Which metrics does it hurt?");
        // Each metric's "how" opens on its own row, to the right: ticking one
        // never moves the next checkbox from under the pointer.
        for (metric, hit, note) in &mut form.metrics {
            let name = capital(metric.describe());
            ui.horizontal(|ui| {
                ui.scope(|ui| {
                    ui.set_min_width(170.0);
                    ui.checkbox(hit, name.as_str());
                });
                if *hit {
                    let label = ui.label(egui::RichText::new(format!("{name}: how")).weak());
                    ui.add(
                        egui::TextEdit::singleline(note)
                            .hint_text("e.g. bookings down 30%")
                            .desired_width((ui.available_width() - 20.0).clamp(120.0, 320.0)),
                    )
                    .labelled_by(label.id);
                }
            });
        }
        section(ui, "How long will it last?");
        field(
            ui,
            "Expected lifespan",
            &mut form.lifespan,
            "e.g. until the 14:00 deploy; days if untouched",
        );
    };
    let pristine = ClassificationDraft::from_incident(incident);
    let ctx = ui.ctx().clone();
    editable(ui, draft, pristine, how, show_record, fields, |form| {
        submit(&ctx, facts, form)
    })
}

fn submit(ctx: &egui::Context, facts: &Facts, form: &ClassificationDraft) -> Action {
    let Some(decision) = form.decision else {
        return Action::Refuse("Choose yes, no or unsure first.".to_owned());
    };
    if let Err(why) = crate::ui::widgets::accepted_name(ctx, &facts.state.roster, &form.asked) {
        return Action::Refuse(why);
    }
    let advice = (!form.asked.trim().is_empty() || decision == Decision::Unsure).then(|| Advice {
        asked: form.asked.clone(),
        answer: form.answer.clone(),
    });
    let metrics = form
        .metrics
        .iter()
        .filter(|(_, hit, _)| *hit)
        .map(|(metric, _, note)| MetricHit {
            metric: *metric,
            note: note.clone(),
        })
        .collect();
    Action::run(
        Command::Classify {
            incident: facts.incident.id.clone(),
            decision,
            advice,
            metrics,
            expected_lifespan: form.lifespan.clone(),
        },
        Form::Classification,
    )
}

fn sentence(decision: Decision) -> &'static str {
    match decision {
        Decision::Expedite => "Expedite it",
        Decision::DoNotExpedite => "Not expedited: it goes through the normal queue",
        Decision::Unsure => "Unsure — advice sought",
    }
}
