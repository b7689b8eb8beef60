//! The watched metric in the window: the dialog that connects it (with a
//! Test that reads the last hour once), the header's word on it, and the
//! line that says what it shows and when it was last read.

use chrono::{DateTime, Local, Utc};
use eframe::egui;

use crate::model::metric::{self, Bucket, Judgement, Source, SourceKind, Verdict, Watch};
use crate::model::{Incident, IncidentId};
use crate::sources::Keys;
use crate::ui::app::metrics::MetricStatus;
use crate::ui::widgets::{self, Pressed, form_label};
use crate::ui::{Action, DialogOutcome};

/// What is typed into the metric dialog. Kept by the window only: the keys
/// in it never reach the drafts file.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricForm {
    /// The incident it was filled in for (from its watched metric).
    pub for_incident: Option<IncidentId>,
    pub kind: SourceKind,
    pub url: String,
    pub query: String,
    pub org: String,
    pub project: String,
    pub error: String,
    pub issue: String,
    pub token: String,
    pub app_key: String,
}

impl Default for MetricForm {
    fn default() -> Self {
        Self {
            for_incident: None,
            kind: SourceKind::Prometheus,
            url: String::new(),
            query: String::new(),
            org: String::new(),
            project: String::new(),
            error: String::new(),
            issue: String::new(),
            token: String::new(),
            app_key: String::new(),
        }
    }
}

impl MetricForm {
    /// The form for `incident`: its watched metric, when it has one.
    fn fill_for(&mut self, incident: &Incident) {
        if self.for_incident.as_ref() == Some(&incident.id) {
            return;
        }
        *self = Self::default();
        self.for_incident = Some(incident.id.clone());
        if let Some(w) = &incident.watch {
            let s = &w.source;
            self.kind = s.kind;
            self.url.clone_from(&s.url);
            self.query.clone_from(&s.query);
            self.org.clone_from(&s.org);
            self.project.clone_from(&s.project);
            self.error.clone_from(&s.error);
            self.issue.clone_from(&s.issue);
        }
    }

    fn source(&self) -> Source {
        Source {
            kind: self.kind,
            url: self.url.clone(),
            query: self.query.clone(),
            org: self.org.clone(),
            project: self.project.clone(),
            error: self.error.clone(),
            issue: self.issue.clone(),
        }
    }

    /// The keys typed, if any.
    fn keys(&self) -> Option<Keys> {
        let (token, app_key) = (self.token.trim(), self.app_key.trim());
        (!token.is_empty() || !app_key.is_empty()).then(|| Keys {
            token: token.to_owned(),
            app_key: app_key.to_owned(),
            origin: crate::sources::origin(&self.url),
        })
    }
}

/// Which fields each kind reads, and how each is hinted.
fn uses(kind: SourceKind, field: &str) -> Option<&'static str> {
    use SourceKind::*;
    match (kind, field) {
        (Prometheus, "url") => Some("https://prometheus.example.com"),
        (Bugsnag, "url") => Some("https://api.bugsnag.com"),
        (Sentry, "url") => Some("https://sentry.io"),
        (Datadog, "url") => Some("https://api.datadoghq.com"),
        (Prometheus, "query") => Some("sum(increase(checkout_errors_total[1m]))"),
        (Datadog, "query") => Some("sum:checkout.errors{env:prod}.as_count()"),
        (Prometheus, "org") => Some("a Mimir tenant, if any"),
        (Sentry, "org") => Some("the organisation's slug"),
        (Bugsnag, "project") => Some("the project's id"),
        (Sentry, "project") => Some("the project, if any"),
        (Bugsnag, "error") => Some("one error's id, else the whole project"),
        (Sentry, "issue") => Some("the issue's id"),
        (Prometheus, "token") => Some("a bearer token or user:password, if it needs one"),
        (Bugsnag | Sentry, "token") => Some("your auth token"),
        (Datadog, "token") => Some("the API key"),
        (Datadog, "app_key") => Some("the application key"),
        _ => None,
    }
}

/// One row of the form: every kind's rows are always there (greyed where
/// the kind does not read them), so choosing a kind moves nothing.
fn row(
    ui: &mut egui::Ui,
    kind: SourceKind,
    key: &str,
    label: &str,
    text: &mut String,
    secret: bool,
) {
    let hint = uses(kind, key);
    ui.horizontal(|ui| {
        ui.add_enabled_ui(hint.is_some(), |ui| {
            let label = form_label(ui, label);
            let mut edit = egui::TextEdit::singleline(text)
                .hint_text(hint.unwrap_or("not read from this kind"))
                .desired_width(340.0);
            if secret {
                edit = edit.password(true);
            }
            ui.add(edit).labelled_by(label.id);
        });
    });
}

/// The dialog that connects (or changes) the incident's metric.
pub fn dialog(
    ctx: &egui::Context,
    form: &mut MetricForm,
    incident: &Incident,
    tested: Option<&Option<Result<Vec<Bucket>, String>>>,
    error: Option<&str>,
) -> DialogOutcome {
    form.fill_for(incident);
    let mut action = None;
    let id = ("watch-metric", incident.id.as_str());
    let pressed = widgets::dialog(ctx, id, 560.0, "Watch this metric", "Watch", error, |ui| {
        ui.add(
            egui::Label::new(egui::RichText::new(crate::text::clip(&incident.title, 300)).weak())
                .truncate(),
        );
        ui.horizontal(|ui| {
            form_label(ui, "Read from");
            for kind in SourceKind::ALL {
                ui.selectable_value(&mut form.kind, kind, kind.label());
            }
        });
        let kind = form.kind;
        row(ui, kind, "url", "Address", &mut form.url, false);
        row(ui, kind, "query", "Query", &mut form.query, false);
        row(ui, kind, "org", "Organisation", &mut form.org, false);
        row(ui, kind, "project", "Project", &mut form.project, false);
        row(ui, kind, "error", "Error", &mut form.error, false);
        row(ui, kind, "issue", "Issue", &mut form.issue, false);
        row(ui, kind, "token", "Key or token", &mut form.token, true);
        row(
            ui,
            kind,
            "app_key",
            "Application key",
            &mut form.app_key,
            true,
        );
        widgets::weak(
            ui,
            "Keys stay on this desk (the desktop's keyring, else a file only you can read); the team shares the address and the query. Leave them empty to keep the ones given before.",
        );
        // The test's answer on lines kept for it: nothing below moves.
        ui.horizontal(|ui| {
            if ui
                .button("Test")
                .on_hover_text("Read the last hour once")
                .clicked()
            {
                action = Some(match form.source().checked() {
                    Ok(source) => Action::TestMetric {
                        incident: incident.id.clone(),
                        source: Box::new(source),
                        keys: form.keys(),
                    },
                    Err(e) => Action::Refuse(crate::services::posting::sentence(e)),
                });
            }
            let width = ui.available_width();
            ui.allocate_ui_with_layout(
                egui::vec2(width, 36.0),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_min_size(egui::vec2(width, 36.0));
                    if let Some(tested) = tested {
                        let (text, bad) = tested_words(tested);
                        let mut rich = egui::RichText::new(text);
                        if bad {
                            rich = rich.color(ui.visuals().error_fg_color);
                        }
                        ui.add(egui::Label::new(rich).wrap());
                    }
                },
            );
        });
    });
    if let Some(action) = action {
        return DialogOutcome::Done(action);
    }
    match pressed {
        Pressed::Nothing => DialogOutcome::Open,
        Pressed::Close => DialogOutcome::Closed,
        Pressed::Send => DialogOutcome::Done(match form.source().checked() {
            Ok(source) => Action::WatchMetric {
                incident: incident.id.clone(),
                source: Box::new(source),
                keys: form.keys(),
            },
            Err(e) => Action::Refuse(crate::services::posting::sentence(e)),
        }),
    }
}

/// What a test read came to, and whether it went wrong.
fn tested_words(tested: &Option<Result<Vec<Bucket>, String>>) -> (String, bool) {
    match tested {
        None => ("Reading the last hour…".into(), false),
        Some(Err(why)) => (format!("Not read: {why}"), true),
        Some(Ok(buckets)) if buckets.is_empty() => (
            "Read, but the last hour holds no values — check the query".into(),
            true,
        ),
        Some(Ok(buckets)) => {
            let latest = buckets.last().expect("not empty");
            let top = buckets.iter().map(|b| b.value).fold(0.0, f64::max);
            let at = latest.end().with_timezone(&Local).format("%H:%M");
            (
                format!(
                    "Read {} readings of the last hour: {} a minute at {at}, at most {}",
                    buckets.len(),
                    metric::number(latest.value),
                    metric::number(top)
                ),
                false,
            )
        }
    }
}

/// The header's word on the metric: short, coloured by what it says; all
/// of it on hover.
pub fn chip(ui: &mut egui::Ui, judgement: &Judgement, watch: &Watch, incident: &Incident) {
    let (words, color) = match judgement.verdict {
        Verdict::Unknown => ("Metric: not judged yet", ui.visuals().weak_text_color()),
        Verdict::Above => ("Metric above normal", ui.visuals().error_fg_color),
        Verdict::Regressed => ("Metric back above normal", ui.visuals().error_fg_color),
        Verdict::Recovering => ("Metric coming down", ui.visuals().warn_fg_color),
        Verdict::Normal => ("Metric normal", widgets::DONE),
    };
    let whole = metric::verdict_words(judgement, watch, incident.deployment.deployed_at, clock);
    ui.add(egui::Label::new(egui::RichText::new(words).color(color)).truncate())
        .on_hover_text(whole);
}

/// The button that has this desk read a metric set up on another desk.
pub const READ_HERE: &str = "Read it here";

/// A time on this desk's clock.
pub fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%H:%M").to_string()
}

/// What the metric shows and when it was last read here, for the
/// Deployment stage and the brief.
pub fn status_words(
    judgement: &Judgement,
    watch: &Watch,
    incident: &Incident,
    status: Option<&MetricStatus>,
    now: DateTime<Utc>,
    me: &str,
) -> (String, Option<String>) {
    let verdict = metric::verdict_words(judgement, watch, incident.deployment.deployed_at, clock);
    let read = incident.series.iter().map(|b| b.read_at).max();
    let ago = |t: DateTime<Utc>| crate::time::age(t, now);
    let not_agreed = status.is_some_and(|s| s.not_agreed) && watch.stopped.is_none();
    let trouble = status
        .and_then(|s| s.failed.as_ref())
        .map(|(at, why, again)| {
            format!(
                "Could not be read {}: {why} — tried again at {}",
                ago(*at),
                clock(*again)
            )
        })
        .or_else(|| {
            not_agreed.then(|| {
                format!(
                    "{}: nothing is asked of {} until you press {READ_HERE}.",
                    crate::pack::capital(&metric::not_agreed_words(watch, me)),
                    crate::sources::origin(&watch.source.url)
                )
            })
        });
    let read = match (watch.stopped.as_ref(), read) {
        (Some(stopped), _) => format!("no longer read (stopped by {})", stopped.by),
        (None, _) if not_agreed => "not read on this desk".into(),
        (None, Some(at)) => format!("last read {}", ago(at)),
        (None, None) => "not read yet".into(),
    };
    (format!("{verdict} · {read}"), trouble)
}
