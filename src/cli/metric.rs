//! `expedite metric …`: watching the metric that confirms an incident —
//! connecting it, reading it now, showing what it says, and stopping.
//! Scripts and pipelines depend on the options, the exit status and
//! `metric show --json`: keep them as they are.

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::Subcommand;

use crate::command::Command;
use crate::model::metric::{self, Judgement, Source, SourceKind, Watch};
use crate::model::{Incident, IncidentId, State};
use crate::sources::{self, Keys, keys};
use crate::store::Store;

/// What `expedite metric` does.
#[derive(Debug, Subcommand)]
pub enum MetricWhat {
    /// Watch the incident's confirming metric where the team keeps it. A
    /// value of `-` is read from standard input (the token first, then the
    /// application key), so a key stays out of the shell's history.
    Connect {
        /// prometheus, bugsnag, sentry or datadog.
        #[arg(value_name = "KIND", value_parser = parse_kind)]
        kind: SourceKind,
        /// The service's address (Prometheus: the one /api/v1/… follows).
        #[arg(long, value_name = "URL")]
        url: String,
        /// Prometheus: PromQL giving one number a minute; Datadog: a metric query.
        #[arg(long, value_name = "Q", default_value = "", hide_default_value = true)]
        query: String,
        /// Sentry: the organisation's slug; Prometheus: a Mimir tenant.
        #[arg(long, value_name = "O", default_value = "", hide_default_value = true)]
        org: String,
        /// Bugsnag: the project's id; Sentry: the project (optional).
        #[arg(long, value_name = "P", default_value = "", hide_default_value = true)]
        project: String,
        /// Bugsnag: one error's id (else the whole project).
        #[arg(long, value_name = "E", default_value = "", hide_default_value = true)]
        error: String,
        /// Sentry: the issue's id.
        #[arg(long, value_name = "I", default_value = "", hide_default_value = true)]
        issue: String,
        /// This desk's token or API key (kept on this desk only).
        #[arg(long, value_name = "TOKEN")]
        token: Option<String>,
        /// Datadog's application key (kept on this desk only).
        #[arg(long, value_name = "KEY")]
        app_key: Option<String>,
    },
    /// Read the metric now. Exit 0 when it was read, 1 (with why) when the
    /// source can't be read — or was set up on another desk and this desk
    /// has not agreed to read it yet (--agree does).
    Poll {
        /// Read it on this desk too, from the address it names now (a
        /// metric set up on another desk is not read here until then).
        #[arg(long)]
        agree: bool,
    },
    /// What the metric says: the verdict, the baseline and threshold, the
    /// latest reading and the impact window (--json for scripts).
    Show,
    /// Stop reading the metric; what was read stays on the incident.
    Disconnect,
}

fn parse_kind(text: &str) -> Result<SourceKind, String> {
    SourceKind::parse(text).ok_or_else(|| {
        format!(
            "'{text}' is not a kind of metric source — use prometheus, bugsnag, sentry or datadog"
        )
    })
}

/// Everything `expedite metric` needs of the call.
pub struct Call<'a> {
    pub dir: &'a Path,
    pub store: &'a mut Store,
    pub state: &'a mut State,
    pub actor: &'a str,
    pub now: DateTime<Utc>,
    pub incident: IncidentId,
    pub json: bool,
}

impl Call<'_> {
    fn execute(&mut self, command: Command) -> Result<(), String> {
        self.store
            .execute(self.state, command, self.actor, self.now)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn incident(&self) -> &Incident {
        &self.state.incidents[&self.incident]
    }
}

/// Runs `expedite metric …`.
pub fn run(what: MetricWhat, mut call: Call) -> Result<(), String> {
    let id = call.incident.clone();
    match what {
        MetricWhat::Connect {
            kind,
            url,
            query,
            org,
            project,
            error,
            issue,
            token,
            app_key,
        } => {
            let source = Source {
                kind,
                url,
                query,
                org,
                project,
                error,
                issue,
            }
            .checked()
            .map_err(|e| e.to_string())?;
            let token = token.map(super::channel::secret).transpose()?;
            let app_key = app_key.map(super::channel::secret).transpose()?;
            call.execute(Command::WatchMetric {
                incident: id.clone(),
                source: Box::new(source.clone()),
            })?;
            tell!("Watching the metric on {id}: {}.", source.describe());
            // Connected here: read here.
            keys::agree(call.dir, id.as_str(), &source)?;
            if token.is_some() || app_key.is_some() {
                let keys = Keys {
                    token: token.unwrap_or_default(),
                    app_key: app_key.unwrap_or_default(),
                    origin: sources::origin(&source.url),
                };
                let kept = keys::keep(call.dir, id.as_str(), &keys)?;
                tell!("This desk's key {}.", kept_words(&kept));
            } else {
                let kept = keys::fetch(call.dir, id.as_str())?;
                if kind != SourceKind::Prometheus && kept.origin != sources::origin(&source.url) {
                    tell!(
                        "This desk has no key for it yet: give yours with --token - (it stays on this desk)."
                    );
                }
            }
            tell!("Read it now with: expedite metric poll");
        }
        MetricWhat::Poll { agree } => poll(&mut call, agree)?,
        MetricWhat::Show => {
            let incident = call.incident();
            let watch = incident.watch.as_ref().ok_or_else(|| not_watching(&id))?;
            let judgement = judgement(incident, watch);
            if call.json {
                println!("{}", show_json(incident, watch, &judgement));
            } else {
                let zone = call.state.roster.office_zone();
                let clock =
                    |t: DateTime<Utc>| t.with_timezone(&zone).format("%H:%M %Z").to_string();
                for line in show_text(incident, watch, &judgement, call.now, clock) {
                    show!("{line}");
                }
            }
        }
        MetricWhat::Disconnect => {
            call.execute(Command::StopWatching {
                incident: id.clone(),
            })?;
            keys::forget(call.dir, id.as_str()).map_err(|why| {
                format!("stopped watching, but this desk's key could not be forgotten: {why}")
            })?;
            tell!("Stopped watching the metric on {id}; what was read stays on it.");
        }
    }
    Ok(())
}

fn not_watching(id: &IncidentId) -> String {
    format!("no metric is watched on {id} — connect one: expedite metric connect KIND --url URL …")
}

fn kept_words(kept: &crate::post::Kept) -> String {
    match kept {
        crate::post::Kept::Keyring => "is kept in the desktop's keyring".into(),
        crate::post::Kept::File { why } => {
            format!("is kept in connections.ron, readable by you only (not in a keyring: {why})")
        }
    }
}

fn judgement(incident: &Incident, watch: &Watch) -> Judgement {
    metric::judge(
        &incident.series,
        watch,
        incident.opened_at,
        incident.deployment.deployed_at,
    )
}

/// Reads what is missing, and records it.
fn poll(call: &mut Call, agree: bool) -> Result<(), String> {
    let id = call.incident.clone();
    let incident = call.incident();
    let watch = incident.watch.clone().ok_or_else(|| not_watching(&id))?;
    if watch.stopped.is_some() {
        return Err(format!(
            "the metric on {id} is no longer watched — connect it again to read it"
        ));
    }
    // What is wrong with the source itself is said first, agreed or not.
    sources::checked(&watch.source).map_err(|e| format!("the metric could not be read: {e}"))?;
    let connections: crate::post::Connections =
        crate::post::read_local(&crate::post::connections_path(call.dir))
            .map_err(|e| e.to_string())?;
    if !keys::agreed(&connections, id.as_str(), &watch.source) {
        if !agree {
            return Err(format!(
                "the metric on {id} is read from {} ({}); this desk asks nothing of that address until you agree — read it from here with: expedite metric poll --agree",
                sources::origin(&watch.source.url),
                metric::not_agreed_words(&watch, call.actor)
            ));
        }
        keys::agree(call.dir, id.as_str(), &watch.source)?;
    }
    let progress = metric::Progress::of(&incident.series, incident.opened_at);
    let spans = metric::spans_to_read(&progress, incident.opened_at, call.now);
    let keys = keys::from(&connections, call.dir, id.as_str())?;
    let got = sources::read_spans(&watch.source, &keys, &spans, call.now)
        .map_err(|e| format!("the metric could not be read: {e}"))?;
    let (mut read, left_out) = (got.buckets, got.left_out);
    for b in &mut read {
        b.of = watch.key();
    }
    let lengths: std::collections::BTreeSet<u32> = read.iter().map(|b| b.secs).collect();
    let count = read.len();
    if !read.is_empty() {
        call.execute(Command::RecordSeries {
            incident: id.clone(),
            buckets: read,
        })?;
    }
    let resolution = match (lengths.first(), lengths.last()) {
        (Some(&a), Some(&b)) if a == b => format!(", each over {}", length(a)),
        (Some(&a), Some(&b)) => format!(", each over {} to {}", length(a), length(b)),
        _ => String::new(),
    };
    let left = if left_out > 0 {
        format!(" ({left_out} left out: no value, NaN or not a count)")
    } else {
        String::new()
    };
    tell!(
        "Read {count} readings{resolution} from {}{left}.",
        watch.source.kind.label()
    );
    let incident = call.incident();
    let watch = incident.watch.as_ref().expect("still watched");
    let zone = call.state.roster.office_zone();
    let clock = |t: DateTime<Utc>| t.with_timezone(&zone).format("%H:%M %Z").to_string();
    let j = judgement(incident, watch);
    tell!(
        "{}.",
        metric::verdict_words(&j, watch, incident.deployment.deployed_at, clock)
    );
    Ok(())
}

/// A bucket's length in words: "a minute", "an hour", "5 min".
fn length(secs: u32) -> String {
    match secs {
        60 => "a minute".into(),
        3600 => "an hour".into(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `metric show --json`: the verdict, baseline, threshold, latest reading
/// and impact window (values per minute), and the source without its keys.
pub fn show_json(incident: &Incident, watch: &Watch, j: &Judgement) -> String {
    let time = |t: Option<DateTime<Utc>>| t.map(rfc3339);
    let s = &watch.source;
    serde_json::json!({
        "incident": incident.id.as_str(),
        "verdict": j.verdict.name(),
        "baseline": j.baseline,
        "threshold": j.threshold,
        "threshold_set": j.threshold_set,
        "confirm_minutes": watch.confirm_minutes,
        "latest": j.latest.map(|p| serde_json::json!({"at": rfc3339(p.at), "value": p.value})),
        "impact": {"start": time(j.impact.start), "end": time(j.impact.end)},
        "proposed_impact": {"start": time(j.proposed.start), "end": time(j.proposed.end)},
        "points": incident.series.len(),
        "last_read": time(incident.series.iter().map(|b| b.read_at).max()),
        "watching": watch.stopped.is_none(),
        "source": {
            "kind": s.kind.name(),
            "url": s.url,
            "query": s.query,
            "org": s.org,
            "project": s.project,
            "error": s.error,
            "issue": s.issue,
        },
    })
    .to_string()
}

/// `metric show` for a person.
fn show_text(
    incident: &Incident,
    watch: &Watch,
    j: &Judgement,
    now: DateTime<Utc>,
    clock: impl Fn(DateTime<Utc>) -> String + Copy,
) -> Vec<String> {
    let mut lines = vec![
        format!("{} — {}", incident.id, incident.title),
        format!("Metric: {}", watch.source.describe()),
        metric::verdict_words(j, watch, incident.deployment.deployed_at, clock),
    ];
    let value = |v: Option<f64>| {
        v.map_or("not known".into(), |v| {
            format!("{} a minute", metric::number(v))
        })
    };
    lines.push(format!(
        "Normal: {}; threshold: {}{}; normal after {} min under it",
        value(j.baseline),
        value(j.threshold),
        if j.threshold_set {
            " (set by hand)"
        } else {
            " (proposed)"
        },
        watch.confirm_minutes
    ));
    match j.latest {
        Some(p) => lines.push(format!(
            "Latest: {} a minute at {}",
            metric::number(p.value),
            clock(p.at)
        )),
        None => lines.push("Nothing read yet: expedite metric poll".into()),
    }
    if let Some(read) = incident.series.iter().map(|b| b.read_at).max() {
        let ago = now - read;
        lines.push(if ago < chrono::Duration::minutes(1) {
            "Last read just now".to_owned()
        } else {
            format!("Last read {} ago", crate::time::format_length(ago))
        });
    }
    let at = |t: Option<DateTime<Utc>>| t.map_or("—".to_owned(), clock);
    lines.push(format!(
        "Impact: from {} to {}",
        at(j.impact.start),
        at(j.impact.end)
    ));
    if watch.stopped.is_some() {
        lines.push("No longer read (disconnected).".into());
    }
    lines
}
