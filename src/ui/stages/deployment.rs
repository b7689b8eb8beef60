//! Deployment: deployed the usual way with a rollback plan, then readings of
//! the original problem metric, plotted so "is it fixed?" shows at a glance.

use chrono::{DateTime, DurationRound, Local, TimeZone, Utc};
use eframe::egui;
use egui_plot::{Line, Plot, PlotPoints, Points, VLine};

use crate::command::Command;
use crate::model::{EvidenceKind, Incident};
use crate::ui::Form;
use crate::ui::drafts::{DeploymentDraft, ReadingDraft, parse_local_time};
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
    watched(ui, facts, reading, &mut action);
    // Below the form: a reading added grows the page under the last
    // control, and moves none.
    if !d.readings.is_empty() || !incident.series.is_empty() {
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
        plot(ui, incident, facts.metric.map(|(j, _)| j));
    }
    action
}

/// The watched metric: the button that connects or changes it (always in
/// the same place), then what it says, when it was last read, and its
/// threshold — rows that are there whether or not it has been read.
fn watched(
    ui: &mut egui::Ui,
    facts: &Facts,
    reading: &mut ReadingDraft,
    action: &mut Option<Action>,
) {
    let incident = facts.incident;
    let open = incident.is_open();
    let watch = incident.watch.as_ref();
    let reading_now = watch.is_some_and(|w| w.stopped.is_none());
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let label = if reading_now {
            "Change the metric…"
        } else {
            "Watch this metric…"
        };
        // One width for both of its words: the buttons after it stay put.
        let button = egui::Button::new(label).min_size(egui::vec2(150.0, 0.0));
        if ui
            .add_enabled(open, button)
            .on_hover_text("Read it every minute from Prometheus, Bugsnag, Sentry or Datadog")
            .clicked()
        {
            *action = Some(Action::Open(crate::ui::Dialog::WatchMetric(
                incident.id.clone(),
            )));
        }
        // Set up on another desk, it is read here only once agreed to: the
        // same place, one width for both words.
        let not_agreed = facts
            .metric
            .and_then(|(_, status)| status)
            .is_some_and(|s| s.not_agreed);
        let (label, hover) = if not_agreed && reading_now {
            (
                crate::ui::metric::READ_HERE,
                "Read it from this desk too, every minute, from the address it names",
            )
        } else {
            ("Read now", "Read it now rather than at the next minute")
        };
        if ui
            .add_enabled(
                open && reading_now,
                egui::Button::new(label).min_size(egui::vec2(95.0, 0.0)),
            )
            .on_hover_text(hover)
            .clicked()
        {
            *action = Some(match (not_agreed, watch) {
                (true, Some(w)) => {
                    Action::AgreeMetric(incident.id.clone(), Box::new(w.source.clone()))
                }
                _ => Action::ReadMetricNow(incident.id.clone()),
            });
        }
        if ui
            .add_enabled(open && reading_now, egui::Button::new("Stop watching"))
            .on_hover_text("What was read stays; this desk's key is forgotten")
            .clicked()
        {
            *action = Some(Action::StopWatching(incident.id.clone()));
        }
    });
    let (Some(watch), Some((judgement, status))) = (watch, facts.metric) else {
        weak(
            ui,
            "Not watched: readings are typed by hand. Watch it to have it read every minute.",
        );
        return;
    };
    let (words, trouble) =
        crate::ui::metric::status_words(judgement, watch, incident, status, facts.now, facts.me);
    ui.add(egui::Label::new(egui::RichText::new(words).strong()).truncate());
    // The line for trouble is kept whether or not there is any.
    let trouble_text =
        egui::RichText::new(trouble.unwrap_or_default()).color(ui.visuals().warn_fg_color);
    ui.add(egui::Label::new(trouble_text).truncate());
    weak(ui, watch.source.describe());
    ui.horizontal(|ui| {
        let label = crate::ui::widgets::form_label(ui, "Threshold");
        let proposed = judgement
            .threshold
            .filter(|_| !judgement.threshold_set)
            .or_else(|| {
                judgement
                    .baseline
                    .zip(judgement.spread)
                    .map(|(b, s)| crate::model::metric::proposed_threshold(b, s))
            })
            .map_or("proposed when the baseline is read".to_owned(), |t| {
                format!("proposed {}", crate::model::metric::number(t))
            });
        ui.add_enabled(
            open,
            egui::TextEdit::singleline(&mut reading.threshold)
                .hint_text(proposed)
                .desired_width(150.0),
        )
        .labelled_by(label.id);
        ui.label("a minute; normal after");
        ui.add_enabled(
            open,
            egui::TextEdit::singleline(&mut reading.confirm)
                .hint_text(watch.confirm_minutes.to_string())
                .desired_width(40.0),
        )
        .on_hover_text("Minutes under the threshold that count as back to normal");
        ui.label("min");
        if ui.add_enabled(open, egui::Button::new("Set")).clicked() {
            *action = Some(limits(incident, watch, reading));
        }
    });
    let at = |t: Option<DateTime<Utc>>| t.map_or("—".to_owned(), |t| when(t, facts.now));
    weak(
        ui,
        format!(
            "Impact, as the metric shows it: from {} to {}",
            at(judgement.proposed.start),
            at(judgement.proposed.end)
        ),
    );
    // The owner's correction of either end; empty keeps the metric's.
    ui.horizontal(|ui| {
        let label = crate::ui::widgets::form_label(ui, "Impact from");
        // The hint is the time in use: the owner's, else the metric's.
        let hint = |set: Option<DateTime<Utc>>, shown: Option<DateTime<Utc>>| {
            set.or(shown).map_or("—".to_owned(), |t| {
                t.with_timezone(&Local).format("%H:%M").to_string()
            })
        };
        ui.add_enabled(
            open,
            egui::TextEdit::singleline(&mut reading.impact_start)
                .hint_text(hint(watch.impact_start, judgement.proposed.start))
                .desired_width(90.0),
        )
        .labelled_by(label.id);
        let to = ui.label("to");
        ui.add_enabled(
            open,
            egui::TextEdit::singleline(&mut reading.impact_end)
                .hint_text(hint(watch.impact_end, judgement.proposed.end))
                .desired_width(90.0),
        )
        .labelled_by(to.id);
        if ui
            .add_enabled(open, egui::Button::new("Set impact window"))
            .on_hover_text("Empty fields take the metric's times")
            .clicked()
        {
            let time = |typed: &str, what: &str| match typed.trim() {
                "" => Ok(None),
                t => parse_local_time(t, facts.now, None)
                    .map(Some)
                    .map_err(|why| format!("Impact {what}: {why}")),
            };
            *action = Some(
                match (
                    time(&reading.impact_start, "from"),
                    time(&reading.impact_end, "to"),
                ) {
                    (Ok(start), Ok(end)) => Action::run(
                        Command::SetImpact {
                            incident: incident.id.clone(),
                            start,
                            end,
                        },
                        Form::None,
                    ),
                    (Err(why), _) | (_, Err(why)) => Action::Refuse(why),
                },
            );
        }
    });
}

/// The threshold and confirmation time as typed, as a command.
fn limits(
    incident: &Incident,
    watch: &crate::model::metric::Watch,
    typed: &ReadingDraft,
) -> Action {
    let threshold = match typed.threshold.trim().replace(',', ".") {
        t if t.is_empty() => None,
        t => match t.parse::<f64>() {
            Ok(v) => Some(v),
            Err(_) => {
                return Action::Refuse(format!(
                    "Threshold: '{t}' is not a number — give a value a minute, like 10, or leave it empty for the proposed one."
                ));
            }
        },
    };
    let confirm = match typed.confirm.trim() {
        "" => watch.confirm_minutes,
        t => match t.parse::<u32>() {
            Ok(m) => m,
            Err(_) => {
                return Action::Refuse(format!(
                    "Normal after: '{t}' is not a number of minutes — 15 is usual."
                ));
            }
        },
    };
    Action::run(
        Command::SetMetricLimits {
            incident: incident.id.clone(),
            threshold,
            confirm_minutes: confirm,
        },
        Form::None,
    )
}

/// Readings over time, with the declaration and the deploy marked; the
/// watched metric's readings with its normal band, threshold and impact
/// window when it is watched.
fn plot(ui: &mut egui::Ui, incident: &Incident, judged: Option<&crate::model::metric::Judgement>) {
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
    // The watched metric's readings, from three hours before the
    // declaration (the day-earlier baseline is not drawn), each at the end
    // of its span.
    let watched_from = incident.opened_at - chrono::Duration::hours(3);
    let series: Vec<[f64; 2]> = incident
        .series
        .iter()
        .filter(|b| b.start >= watched_from)
        .map(|b| [minutes(b.end()), b.value])
        .collect();
    let judged = judged.filter(|_| !series.is_empty());
    let threshold = judged.and_then(|j| j.threshold);
    let top = points
        .iter()
        .chain(&declared)
        .chain(&series)
        .map(|p| p[1])
        .chain(threshold)
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
    let error = ui.visuals().error_fg_color;
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
                Mark::Bar => {
                    painter.rect_filled(
                        egui::Rect::from_center_size(c, egui::vec2(12.0, 5.0)),
                        1.0,
                        color,
                    );
                }
            }
            ui.label(egui::RichText::new(what).small());
            ui.add_space(6.0);
        };
        if !points.is_empty() {
            key(ui, Mark::Dot(3.0), strong, "Metric");
            key(ui, Mark::Dot(5.0), good, "Back to normal");
        }
        if judged.is_some() {
            key(ui, Mark::Bar, accent, "Read every minute");
            key(ui, Mark::Bar, good.gamma_multiply(0.5), "Normal");
            key(ui, Mark::Bar, error.gamma_multiply(0.6), "Threshold");
            key(ui, Mark::Bar, error.gamma_multiply(0.25), "Impact");
        }
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
        .include_x(
            series
                .first()
                .map_or(declared_at, |p| p[0])
                .min(declared_at)
                - 5.0,
        )
        .include_x(deployed.unwrap_or(declared_at) + 5.0)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(clock_steps))
        .y_grid_spacer(egui_plot::uniform_grid_spacer(value_steps))
        .x_axis_formatter(move |mark, _| clock(mark.value).to_string())
        .label_formatter(move |hover| {
            let (egui_plot::HoverPosition::NearDataPoint { position, .. }
            | egui_plot::HoverPosition::Elsewhere { position }) = *hover;
            Some(format!("{} — {:.1}", clock(position.x), position.y))
        })
        .show(ui, |plot| {
            if let Some(j) = judged {
                if let (Some(b), Some(spread)) = (j.baseline, j.spread) {
                    let band = (b - spread).max(0.0)..=(b + spread).max(b + 0.2);
                    plot.span(
                        egui_plot::Span::new("Normal", band)
                            .axis(egui_plot::Axis::Y)
                            .fill(good.gamma_multiply(0.15))
                            .border_width(0.0),
                    );
                }
                if let Some(start) = j.impact.start {
                    let end = j
                        .impact
                        .end
                        .map(minutes)
                        .or(series.last().map(|p| p[0]))
                        .unwrap_or(minutes(start));
                    plot.span(
                        egui_plot::Span::new("Impact", minutes(start)..=end)
                            .fill(error.gamma_multiply(0.12))
                            .border_width(0.0),
                    );
                }
                if let Some(t) = j.threshold {
                    plot.hline(
                        egui_plot::HLine::new("Threshold", t)
                            .color(error.gamma_multiply(0.6))
                            .style(egui_plot::LineStyle::dashed_loose()),
                    );
                }
                plot.line(
                    Line::new("Read every minute", PlotPoints::from(series.clone())).color(accent),
                );
            }
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
    Bar,
}

/// Clock-friendly steps for the time axis, in minutes: 1, 2, 5, 10, 15, 30
/// minutes, 1, 2, 3, 6, 12 hours or a day — the finest the plot can show
/// apart, and coarser ones with room for a label (a time needs about ten
/// times the finest spacing).
fn clock_steps(input: egui_plot::GridInput) -> [f64; 3] {
    const STEPS: [f64; 13] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0,
    ];
    let at_least = |size: f64| {
        STEPS
            .iter()
            .copied()
            .find(|s| *s >= size)
            .unwrap_or(STEPS[STEPS.len() - 1])
    };
    let base = input.base_step_size;
    [at_least(base), at_least(base * 5.0), at_least(base * 10.0)]
}

/// Steps for the value axis on a 1-2-5 scale at any size: the finest the
/// plot can show apart, and coarser ones with room for a label (about
/// four times the finest spacing), so a metric of 80 a minute reads 0, 20,
/// 40… rather than only 0.
fn value_steps(input: egui_plot::GridInput) -> [f64; 3] {
    let at_least = |size: f64| {
        let size = size.max(1e-9);
        let decade = 10f64.powf(size.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * decade)
            .find(|s| *s >= size)
            .unwrap_or(10.0 * decade)
    };
    let base = input.base_step_size;
    // The labelled step divides the thickest, so their labels never mix
    // (20, 40, 50, 60).
    let labelled = at_least(base * 4.0);
    [at_least(base), labelled, labelled * 5.0]
}
