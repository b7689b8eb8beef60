//! Deployment: deployed the usual way with a rollback plan, then readings of
//! the original problem metric, plotted so "is it fixed?" shows at a glance.

use chrono::{DateTime, DurationRound, Local, TimeZone, Utc};
use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints, Points, VLine};

use crate::command::Command;
use crate::model::{EvidenceKind, Incident};
use crate::ui::drafts::{DeploymentDraft, Form, ReadingDraft, parse_local_time};
use crate::ui::widgets::{field, marked, section, weak, when};
use crate::ui::{Action, Facts};

/// The deployment, the readings plot and the forms for both.
pub fn show(
    ui: &mut egui::Ui,
    facts: &Facts,
    deploy: &mut DeploymentDraft,
    reading: &mut ReadingDraft,
) -> Option<Action> {
    let incident = facts.incident;
    let open = incident.is_open();
    let d = &incident.deployment;
    let mut action = None;
    // The same rows before and after it is recorded: what was recorded
    // stays in its field, greyed, and the button says it was done.
    section(ui, "Deployed");
    if open || d.deployed_at.is_some() {
        let recorded = d.deployed_at.is_some();
        let (mut usual, mut at) = (
            d.usual_way,
            d.deployed_at
                .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        );
        ui.add_enabled_ui(!recorded, |ui| {
            let usual = if recorded {
                &mut usual
            } else {
                &mut deploy.usual_way
            };
            ui.checkbox(usual, "Deployed the usual way (it can be rolled back)");
        });
        // The plan can be put right until the incident is resolved: once
        // recorded, the field holds it, and "Change rollback plan" beside
        // it saves what is typed there.
        // So it starts from the plan kept when a reopening took back the
        // deployment that did not hold.
        if deploy.rollback_plan.is_empty() {
            deploy.rollback_plan = d.rollback_plan.clone();
        }
        let mut plan = d.rollback_plan.clone();
        ui.horizontal(|ui| {
            ui.add_enabled_ui(open, |ui| {
                let text = if open {
                    &mut deploy.rollback_plan
                } else {
                    &mut plan
                };
                field(ui, "Rollback plan", text, "e.g. redeploy v2.31.4");
            });
            let changed = deploy.rollback_plan.trim() != d.rollback_plan;
            if recorded
                && open
                && ui
                    .add_enabled(changed, egui::Button::new("Change rollback plan"))
                    .clicked()
            {
                action = Some(Action::run(
                    Command::RecordDeployment {
                        incident: incident.id.clone(),
                        at: d.deployed_at,
                        usual_way: d.usual_way,
                        rollback_plan: deploy.rollback_plan.clone(),
                    },
                    Form::Deployment,
                ));
            }
        });
        ui.add_enabled_ui(!recorded, |ui| {
            let at = if recorded { &mut at } else { &mut deploy.at };
            field(ui, "Deployed at", at, "now, or HH:MM");
        });
        let done = d.deployed_at.map(|at| {
            format!(
                "{} — {}",
                when(at, facts.now),
                if d.usual_way {
                    "the usual way, so it can be rolled back"
                } else {
                    "NOT the usual way"
                }
            )
        });
        if marked(ui, "Record deployment", "Deployment recorded", done, |_| {}) {
            action = Some(
                match parse_local_time(&deploy.at, facts.now, Some(facts.now)) {
                    Ok(at) => Action::run(
                        Command::RecordDeployment {
                            incident: incident.id.clone(),
                            at: (!deploy.at.trim().is_empty()).then_some(at),
                            usual_way: deploy.usual_way,
                            rollback_plan: deploy.rollback_plan.clone(),
                        },
                        Form::Deployment,
                    ),
                    Err(why) => Action::Refuse(format!("Deployed at: {why}")),
                },
            );
        }
    } else {
        weak(ui, "Not deployed.");
    }

    section(ui, "The original problem metric");
    weak(
        ui,
        "Monitor the metric that confirmed the issue until it is back to normal.",
    );
    if open {
        ui.horizontal(|ui| {
            // A set width: the box beside it stays put whatever the room.
            let label = crate::ui::widgets::form_label(ui, "Reading");
            ui.add(
                egui::TextEdit::singleline(&mut reading.value)
                    .hint_text("e.g. 3")
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut reading.normal, "Back to normal");
        });
        field(
            ui,
            "What it shows",
            &mut reading.note,
            "e.g. errors/min, Bugsnag",
        );
        field(
            ui,
            "Read at",
            &mut reading.at,
            "now, or e.g. 02:40 (your time)",
        );
        if ui.button("Add reading").clicked() {
            let typed = reading.value.trim().replace(',', ".");
            let at = parse_local_time(&reading.at, facts.now, Some(facts.now));
            action = Some(match (typed.parse::<f64>(), at) {
                (Ok(value), Ok(at)) if value.is_finite() => Action::run(
                    Command::AddMetricReading {
                        incident: incident.id.clone(),
                        at: (!reading.at.trim().is_empty()).then_some(at),
                        value,
                        normal: reading.normal,
                        note: reading.note.clone(),
                    },
                    Form::Reading,
                ),
                (Ok(value), Err(why)) if value.is_finite() => {
                    Action::Refuse(format!("Read at: {why}"))
                }
                _ => Action::Refuse(format!(
                    "Reading: '{}' is not a number — give the metric's value, e.g. 3 or 0.5.",
                    reading.value.trim()
                )),
            });
        }
    }
    // Below the form: a reading added grows the page under the last
    // control, and moves none.
    if !d.readings.is_empty() {
        for r in d.readings.iter().rev().take(5) {
            let before_it_came_back = incident
                .reopened
                .as_ref()
                .is_some_and(|back| r.at <= back.done.at && open);
            let state = match (r.normal, before_it_came_back) {
                (true, true) => "normal then, before it came back",
                (true, false) => "normal",
                (false, _) => "not normal yet",
            };
            let note = if r.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", crate::text::clip(&r.note, crate::text::SHOWN_MAX))
            };
            weak(
                ui,
                format!("{} · {} · {state}{note}", when(r.at, facts.now), r.value),
            );
        }
        plot(ui, incident);
    }
    action
}

/// Readings over time, with the declaration and the deploy marked.
fn plot(ui: &mut egui::Ui, incident: &Incident) {
    // Minutes from the hour the incident was declared in, so that the
    // axis marks fall on round clock times (02:10, 02:20), not on the
    // declaration's odd seconds.
    let origin = incident
        .opened_at
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap_or(incident.opened_at);
    let minutes = |t: DateTime<Utc>| (t - origin).num_seconds() as f64 / 60.0;
    let points: Vec<[f64; 2]> = incident
        .deployment
        .readings
        .iter()
        .map(|r| [minutes(r.at), r.value])
        .collect();
    let normal: Vec<[f64; 2]> = incident
        .deployment
        .readings
        .iter()
        .filter(|r| r.normal)
        .map(|r| [minutes(r.at), r.value])
        .collect();
    // The count given when it was declared (or added since as evidence of
    // the same kind — the metric that confirmed it, not another's scale):
    // where the metric started, so the readings show how far it came down.
    let first = incident
        .evidence
        .first()
        .map(|e| std::mem::discriminant(&e.kind));
    let declared: Vec<[f64; 2]> = incident
        .evidence
        .iter()
        .filter(|e| Some(std::mem::discriminant(&e.kind)) == first)
        .filter_map(|e| match e.kind {
            EvidenceKind::ErrorTracker { count } | EvidenceKind::CallCentre { count } => {
                Some([minutes(e.added_at), f64::from(count)])
            }
            _ => None,
        })
        .collect();
    let top = points
        .iter()
        .chain(&declared)
        .map(|p| p[1])
        .fold(0.0_f64, f64::max);
    let deployed = incident.deployment.deployed_at.map(minutes);
    // The x axis is minutes since the declaration; people read clock times.
    let clock = move |x: f64| {
        let at = origin + chrono::Duration::seconds((x * 60.0) as i64);
        Local.from_utc_datetime(&at.naive_utc()).format("%H:%M")
    };
    let strong = ui.visuals().strong_text_color();
    let good = crate::ui::widgets::DONE;
    let warn = ui.visuals().warn_fg_color;
    let accent = ui.visuals().hyperlink_color;
    let declared_at = minutes(incident.opened_at);
    // The key above the plot, where it covers neither a line nor a point.
    ui.horizontal_wrapped(|ui| {
        // Each mark drawn as the plot draws it, then what it stands for.
        let key = |ui: &mut egui::Ui, mark: Mark, color: egui::Color32, what: &str| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            let c = rect.center();
            let painter = ui.painter();
            match mark {
                Mark::Dot(r) => {
                    painter.circle_filled(c, r, color);
                }
                Mark::Diamond => {
                    painter.add(egui::Shape::convex_polygon(
                        vec![
                            c + egui::vec2(0.0, -5.0),
                            c + egui::vec2(5.0, 0.0),
                            c + egui::vec2(0.0, 5.0),
                            c + egui::vec2(-5.0, 0.0),
                        ],
                        color,
                        egui::Stroke::NONE,
                    ));
                }
                Mark::Line => {
                    painter.vline(c.x, rect.y_range(), egui::Stroke::new(1.5, color));
                }
            }
            ui.label(egui::RichText::new(what).small());
            ui.add_space(6.0);
        };
        key(ui, Mark::Dot(3.0), strong, "Metric");
        key(ui, Mark::Dot(5.0), good, "Back to normal");
        if !declared.is_empty() {
            key(ui, Mark::Diamond, warn, "Count given as evidence");
        }
        key(ui, Mark::Line, warn, "Declared");
        if deployed.is_some() {
            key(ui, Mark::Line, accent, "Deployed");
        }
    });
    Plot::new(("readings", incident.id.as_str()))
        .height(170.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .include_y(0.0)
        .include_y(if top > 0.0 { top * 1.15 } else { 1.0 })
        // A little room either side, so neither line sits on the frame.
        .include_x(declared_at - 5.0)
        .include_x(deployed.unwrap_or(declared_at) + 5.0)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(clock_steps))
        .x_axis_formatter(move |mark, _| clock(mark.value).to_string())
        .label_formatter(move |hover| {
            let (egui_plot::HoverPosition::NearDataPoint { position, .. }
            | egui_plot::HoverPosition::Elsewhere { position }) = *hover;
            Some(format!("{} — {:.1}", clock(position.x), position.y))
        })
        .show(ui, |plot| {
            plot.line(Line::new("Metric", PlotPoints::from(points.clone())).color(strong));
            plot.points(
                Points::new("Metric", PlotPoints::from(points))
                    .radius(3.0)
                    .color(strong),
            );
            plot.points(
                Points::new("Back to normal", PlotPoints::from(normal))
                    .radius(5.0)
                    .color(good),
            );
            if !declared.is_empty() {
                plot.points(
                    Points::new("Count given as evidence", PlotPoints::from(declared))
                        .radius(5.0)
                        .shape(egui_plot::MarkerShape::Diamond)
                        .color(warn),
                );
            }
            plot.vline(VLine::new("Declared", declared_at).color(warn));
            if let Some(x) = deployed {
                plot.vline(VLine::new("Deployed", x).color(accent));
            }
        });
}

/// How a key's mark is drawn.
#[derive(Clone, Copy)]
enum Mark {
    Dot(f32),
    Diamond,
    Line,
}

/// Clock-friendly steps for the time axis, in minutes: the smallest of 1,
/// 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours or a day that the plot
/// can show apart, and the two after it for the thicker lines.
fn clock_steps(input: egui_plot::GridInput) -> [f64; 3] {
    const STEPS: [f64; 13] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0,
    ];
    let first = STEPS
        .iter()
        .position(|s| *s >= input.base_step_size)
        .unwrap_or(STEPS.len() - 3)
        .min(STEPS.len() - 3);
    [STEPS[first], STEPS[first + 1], STEPS[first + 2]]
}
