//! Watching the metric that confirms an incident: where it is read (shared
//! by the team, without its keys), the readings kept as buckets, and what
//! they say — the baseline, the threshold, the verdict and the impact
//! window. Pure: reading a source is the services' work.
//!
//! The metric counts something bad (errors, failed checkouts): higher is
//! worse, and every value is per minute.
//!
//! **Baseline.** The median of the minutes of the same four hours a day
//! earlier (from 26 to 22 hours before the declaration), when at least 30
//! of them were read: the same time of day, long before anything broke.
//! Else the median of the minutes from three hours to 30 minutes before the
//! declaration (at least 10), which a problem that began more than an hour
//! and a half before anyone declared it would pull up. The spread is the
//! median absolute deviation of the same minutes.
//!
//! **Threshold.** The baseline plus the largest of: four times the spread
//! (as a standard deviation, ×1.4826), a quarter of the baseline, and one.
//! The owner can set their own.
//!
//! **Verdict.** Over the threshold is *above*; under it after having been
//! over is *recovering*, and *normal* once it has stayed under for the
//! confirmation time (15 minutes unless set); over again after it had come
//! down since the deployment is *regressed*. Gaps in the data neither break
//! nor make a run: a run lasts from its first minute to its latest.
//!
//! **Impact window.** From the first minute over the threshold — before the
//! declaration when the data says so, after the last quiet run (one as long
//! as the confirmation time) before it — to the first minute of the
//! confirmed normal run that follows. The owner can correct either end.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Done;

/// The confirmation time when none is set: under the threshold this long
/// counts as back to normal.
pub const CONFIRM_MINUTES: u32 = 15;

/// The most buckets an incident keeps: a week at one a minute. Older ones
/// go first; a colleague's file with more is cut to these.
pub const MAX_BUCKETS: usize = 7 * 24 * 60;

/// The largest value a metric takes, a reading typed by hand or read from
/// a service: counts, rates and timings past a million billion were not
/// read off a dashboard.
pub const MAX_VALUE: f64 = 1e15;

/// The longest bucket taken: a day (a source's coarsest resolution).
pub const MAX_BUCKET_SECS: u32 = 24 * 60 * 60;

/// Where a metric is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    /// The Prometheus HTTP API's `query_range` (Prometheus, VictoriaMetrics,
    /// Thanos, Mimir, Grafana Cloud, a Grafana data-source proxy).
    Prometheus,
    /// Bugsnag's Data Access API v2: a project's or an error's trend.
    Bugsnag,
    /// Sentry: an issue's events per minute.
    Sentry,
    /// Datadog's metric query API.
    Datadog,
}

impl SourceKind {
    /// Every kind, as the terminal lists them.
    pub const ALL: [Self; 4] = [Self::Prometheus, Self::Bugsnag, Self::Sentry, Self::Datadog];

    /// The kind as the terminal takes it: `prometheus`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Prometheus => "prometheus",
            Self::Bugsnag => "bugsnag",
            Self::Sentry => "sentry",
            Self::Datadog => "datadog",
        }
    }

    /// The kind as people write it: `Prometheus`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Prometheus => "Prometheus",
            Self::Bugsnag => "Bugsnag",
            Self::Sentry => "Sentry",
            Self::Datadog => "Datadog",
        }
    }

    /// The kind named `text` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// Where the team's metric is read: shared with the team, never with a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// What serves it.
    pub kind: SourceKind,
    /// The service's address (Prometheus: the address `/api/v1/…` follows).
    pub url: String,
    /// Prometheus: the PromQL giving one number per minute; Datadog: the
    /// metric query.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// Sentry: the organisation's slug; Prometheus: a Mimir tenant
    /// (`X-Scope-OrgID`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org: String,
    /// Bugsnag: the project's id; Sentry: the project's id or slug.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub project: String,
    /// Bugsnag: one error's id (else the whole project's trend).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// Sentry: the issue's id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issue: String,
}

/// Why a source can't be watched as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceError {
    /// A field the kind needs is empty: (kind, the option, what it is).
    Missing(SourceKind, &'static str, &'static str),
    /// A field holds a control character or is too long: (the option).
    Garbled(&'static str),
    /// The address can't be used.
    Address(crate::web::WebError),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(kind, option, what) => {
                write!(f, "a {} metric needs {option}: {what}", kind.label())
            }
            Self::Garbled(option) => write!(
                f,
                "{option} holds a control character or is over {FIELD_MAX} characters — write it on one line"
            ),
            Self::Address(e) => write!(f, "{e}"),
        }
    }
}

/// How a verdict on the timeline starts ("The metric: Above normal…"):
/// one line a change, the same seen on two desks kept once.
pub const TIMELINE_LINE: &str = "The metric: ";

/// The longest query or id taken.
pub const FIELD_MAX: usize = 4096;

impl Source {
    /// A Prometheus-API source: `query` read from `url`, nothing else.
    pub fn prometheus(url: impl Into<String>, query: impl Into<String>) -> Self {
        Self {
            kind: SourceKind::Prometheus,
            url: url.into(),
            query: query.into(),
            org: String::new(),
            project: String::new(),
            error: String::new(),
            issue: String::new(),
        }
    }

    /// Checks the source for its kind: the address (https, or http to this
    /// machine: a key never crosses the network in the clear) and the
    /// fields the kind needs. Returns it tidied (trimmed).
    pub fn checked(mut self) -> Result<Self, SourceError> {
        self.url = crate::web::check(&self.url, crate::web::Use::Source)
            .map_err(SourceError::Address)?
            .trim_end_matches('/')
            .to_owned();
        for (option, value) in [
            ("--query", &mut self.query),
            ("--org", &mut self.org),
            ("--project", &mut self.project),
            ("--error", &mut self.error),
            ("--issue", &mut self.issue),
        ] {
            *value = value.trim().to_owned();
            if value.len() > FIELD_MAX || value.chars().any(char::is_control) {
                return Err(SourceError::Garbled(option));
            }
        }
        let need = |value: &str, option, what| {
            if value.is_empty() {
                Err(SourceError::Missing(self.kind, option, what))
            } else {
                Ok(())
            }
        };
        match self.kind {
            SourceKind::Prometheus => need(
                &self.query,
                "--query",
                "PromQL giving one number a minute, e.g. sum(increase(checkout_errors_total[1m]))",
            )?,
            SourceKind::Bugsnag => need(&self.project, "--project", "the project's id")?,
            SourceKind::Sentry => {
                need(&self.org, "--org", "the organisation's slug")?;
                need(&self.issue, "--issue", "the issue's id")?;
            }
            SourceKind::Datadog => need(
                &self.query,
                "--query",
                "a metric query, e.g. sum:checkout.errors{env:prod}.as_count()",
            )?,
        }
        Ok(self)
    }

    /// Everything that decides what is asked of whom, as one line: what a
    /// desk agrees to read. Any change to it (on another desk, or in a
    /// crafted commit) needs agreeing to again.
    pub fn identity(&self) -> String {
        [
            self.kind.name(),
            &self.url,
            &self.query,
            &self.org,
            &self.project,
            &self.error,
            &self.issue,
        ]
        .iter()
        .map(|field| field.replace('\\', "\\\\").replace('\n', "\\n"))
        .collect::<Vec<_>>()
        .join("\n")
    }

    /// The source in a few words: "Prometheus at https://prom.example.com:
    /// sum(…)".
    pub fn describe(&self) -> String {
        let what = match self.kind {
            SourceKind::Prometheus | SourceKind::Datadog => self.query.clone(),
            SourceKind::Bugsnag if self.error.is_empty() => format!("project {}", self.project),
            SourceKind::Bugsnag => format!("error {} in project {}", self.error, self.project),
            SourceKind::Sentry => format!("issue {} in {}", self.issue, self.org),
        };
        format!(
            "{} at {}: {}",
            self.kind.label(),
            self.url,
            super::shorten(&what, 80)
        )
    }
}

/// Why this desk does not read a watch yet, for `me` at this desk: "set up
/// on Dana's desk", or — a source naming this desk that it never agreed to
/// as it stands (connected before agreements were noted, or changed in a
/// commit that signs with this desk's name) — "not agreed to on this desk".
pub fn not_agreed_words(watch: &Watch, me: &str) -> String {
    if watch.since.by == me {
        "not agreed to on this desk".into()
    } else {
        format!("set up on {}'s desk", watch.since.by)
    }
}

/// The metric an incident watches, and the owner's settings for judging it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    /// Where it is read.
    pub source: Source,
    /// When and by whom it was connected.
    pub since: Done,
    /// The owner's threshold, per minute; the proposed one when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// How long under the threshold counts as back to normal, in minutes.
    #[serde(default = "confirm_default")]
    pub confirm_minutes: u32,
    /// The owner's correction of when the impact began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_start: Option<DateTime<Utc>>,
    /// The owner's correction of when the impact ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_end: Option<DateTime<Utc>>,
    /// When reading it stopped (what was read stays, and is judged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Done>,
}

fn confirm_default() -> u32 {
    CONFIRM_MINUTES
}

impl Watch {
    /// A new watch of `source`, with the proposed threshold.
    pub fn new(source: Source, since: Done) -> Self {
        Self {
            source,
            since,
            threshold: None,
            confirm_minutes: CONFIRM_MINUTES,
            impact_start: None,
            impact_end: None,
            stopped: None,
        }
    }

    /// What names this watch on its readings: when it was connected, in
    /// milliseconds (a watch connected again is another).
    pub fn key(&self) -> i64 {
        self.since.at.timestamp_millis()
    }

    /// The confirmation time.
    pub fn confirm(&self) -> Duration {
        Duration::minutes(i64::from(self.confirm_minutes.clamp(1, 24 * 60)))
    }
}

/// One reading of the metric: its value per minute over a span of time.
/// Two desks reading the same span keep one bucket (the later read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// When the span began.
    pub start: DateTime<Utc>,
    /// How long it lasted, in seconds (60 for a minute).
    pub secs: u32,
    /// The value per minute over the span.
    pub value: f64,
    /// What it was read from.
    pub source: SourceKind,
    /// When it was read (a later read of the same span replaces it: the
    /// newest minutes are still filling in when first read).
    pub read_at: DateTime<Utc>,
    /// The watch it was read for ([`Watch::key`]): readings of a metric
    /// watched before are not this one's, whatever the desks' clocks say.
    #[serde(default)]
    pub of: i64,
}

impl Bucket {
    /// When the span ended.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::seconds(i64::from(self.secs))
    }

    /// Whether the bucket can be kept: a value from nought to
    /// [`MAX_VALUE`], a length from a second to a day.
    pub fn is_sound(&self) -> bool {
        (0.0..=MAX_VALUE).contains(&self.value) && (1..=MAX_BUCKET_SECS).contains(&self.secs)
    }
}

/// Reads an incident's readings as every desk keeps them, whatever a file
/// holds (written by hand, or by a crafted commit): oldest first, one
/// bucket per span, only sound ones, at most [`MAX_BUCKETS`].
pub fn read_series<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Bucket>, D::Error> {
    let read: Vec<Bucket> = super::exact::list(d)?;
    Ok(join_buckets(&read, &[]))
}

/// `theirs` joined into `ours`, one bucket per span, oldest first, the
/// newest [`MAX_BUCKETS`] kept; unsound buckets are dropped. A span read
/// again with the same value keeps its first read (re-reading the newest
/// minutes changes nothing); read with another value, the later read wins
/// (then the larger value), so every desk keeps the same.
pub fn join_buckets(ours: &[Bucket], theirs: &[Bucket]) -> Vec<Bucket> {
    let mut all: Vec<&Bucket> = ours.iter().chain(theirs).filter(|b| b.is_sound()).collect();
    // Each value a span was read at, once, with its first read.
    all.sort_by(|a, b| {
        (a.start, a.secs)
            .cmp(&(b.start, b.secs))
            .then(a.value.total_cmp(&b.value))
            .then(a.read_at.cmp(&b.read_at))
    });
    all.dedup_by(|later, kept| {
        (later.start, later.secs, later.value.to_bits())
            == (kept.start, kept.secs, kept.value.to_bits())
    });
    // Of those, the latest read.
    all.sort_by(|a, b| {
        (a.start, a.secs)
            .cmp(&(b.start, b.secs))
            .then(b.read_at.cmp(&a.read_at))
            .then(b.value.total_cmp(&a.value))
    });
    all.dedup_by(|later, kept| (later.start, later.secs) == (kept.start, kept.secs));
    let skip = all.len().saturating_sub(MAX_BUCKETS);
    all.into_iter().skip(skip).cloned().collect()
}

/// What the readings say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Not enough read to say (no readings, or no baseline and no threshold).
    Unknown,
    /// Over the threshold.
    Above,
    /// Under it again, not yet for the confirmation time.
    Recovering,
    /// Under it for the confirmation time (or never over).
    Normal,
    /// Over it again after it had come down since the deployment.
    Regressed,
}

impl Verdict {
    /// The verdict as scripts read it: `above`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Above => "above",
            Self::Recovering => "recovering",
            Self::Normal => "normal",
            Self::Regressed => "regressed",
        }
    }
}

/// A reading at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// When its span ended.
    pub at: DateTime<Utc>,
    /// The value per minute.
    pub value: f64,
}

/// When the metric says the incident hurt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Impact {
    /// The first minute over the threshold.
    pub start: Option<DateTime<Utc>>,
    /// The first minute of the confirmed normal run after it.
    pub end: Option<DateTime<Utc>>,
}

/// Everything the readings say, for the header, the plot and the terminal.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    /// The verdict now.
    pub verdict: Verdict,
    /// The normal level, per minute.
    pub baseline: Option<f64>,
    /// How far it normally strays (a standard deviation's worth).
    pub spread: Option<f64>,
    /// Where "over" begins: the owner's, else the proposed one.
    pub threshold: Option<f64>,
    /// Whether the threshold is the owner's.
    pub threshold_set: bool,
    /// The latest reading.
    pub latest: Option<Point>,
    /// The impact window as the data shows it.
    pub proposed: Impact,
    /// The impact window with the owner's corrections.
    pub impact: Impact,
    /// Since when the current run (over or under) has lasted.
    pub run_since: Option<DateTime<Utc>>,
}

/// How the baseline was found: the window's bounds relative to the
/// declaration, and how many minutes it needs.
const DAY_EARLIER: (i64, i64, usize) = (26 * 60, 22 * 60, 30);
const HOURS_BEFORE: (i64, i64, usize) = (3 * 60, 30, 10);

/// The windows the baseline is read from, earliest first, for `opened`: a
/// poll reads them once.
pub fn baseline_windows(opened: DateTime<Utc>) -> [(DateTime<Utc>, DateTime<Utc>); 2] {
    let at = |(from, to, _): (i64, i64, usize)| {
        (
            opened - Duration::minutes(from),
            opened - Duration::minutes(to),
        )
    };
    [at(DAY_EARLIER), at(HOURS_BEFORE)]
}

/// How far an incident's metric has been read: what the next read asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Minutes read of the day-earlier baseline window.
    pub day_read: usize,
    /// The end of the newest reading of the watched span.
    pub last_end: Option<DateTime<Utc>>,
}

impl Progress {
    /// How far `series` goes, for an incident declared at `opened`.
    pub fn of(series: &[Bucket], opened: DateTime<Utc>) -> Self {
        let mut progress = Self::default();
        progress.absorb(series, opened);
        progress
    }

    /// Takes in what was just read.
    pub fn absorb(&mut self, read: &[Bucket], opened: DateTime<Utc>) {
        let (day_from, day_to) = baseline_windows(opened)[0];
        let watched_from = opened - Duration::minutes(HOURS_BEFORE.0);
        for b in read {
            if b.start >= day_from && b.end() <= day_to {
                self.day_read += 1;
            }
            if b.start >= watched_from && self.last_end.is_none_or(|e| b.end() > e) {
                self.last_end = Some(b.end());
            }
        }
    }
}

/// The spans to read next for an incident declared at `opened`, read as
/// far as `progress` says, at `now`: the day-earlier baseline once, and
/// from the last reading (its newest five minutes again: they may still
/// have been filling in) or three hours before the declaration to the last
/// whole minute — a day at most per read, the rest next time.
pub fn spans_to_read(
    progress: &Progress,
    opened: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let minute = |t: DateTime<Utc>| {
        DateTime::from_timestamp(t.timestamp().div_euclid(60) * 60, 0).unwrap_or(t)
    };
    let to = minute(now);
    let mut spans = Vec::new();
    let (day_from, day_to) = baseline_windows(opened)[0];
    if progress.day_read < DAY_EARLIER.2 && day_to <= to {
        spans.push((minute(day_from), minute(day_to)));
    }
    let watched_from = minute(opened - Duration::minutes(HOURS_BEFORE.0));
    let from = progress.last_end.map_or(watched_from, |end| {
        minute(end - Duration::minutes(5)).max(watched_from)
    });
    let until = to.min(from + Duration::days(1));
    if from < until {
        spans.push((from, until));
    }
    spans
}

/// The median and the median absolute deviation of `values` (not empty).
fn median_and_mad(values: &mut [f64]) -> (f64, f64) {
    let median = median(values);
    let mut deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    (median, self::median(&mut deviations))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The baseline and its spread from `series`, for an incident declared at
/// `opened` (see the module's words).
pub fn baseline(series: &[Bucket], opened: DateTime<Utc>) -> Option<(f64, f64)> {
    for (from, to, least) in [DAY_EARLIER, HOURS_BEFORE] {
        let (from, to) = (
            opened - Duration::minutes(from),
            opened - Duration::minutes(to),
        );
        // The series is oldest first (as it is read): the window is a
        // slice of it, not a walk through a week of readings.
        let first = series.partition_point(|b| b.start < from);
        let past = series.partition_point(|b| b.start < to);
        let mut values: Vec<f64> = series[first..past.max(first)]
            .iter()
            .filter(|b| b.end() <= to)
            .map(|b| b.value)
            .collect();
        if values.len() >= least {
            let (median, mad) = median_and_mad(&mut values);
            return Some((median, mad * 1.4826));
        }
    }
    None
}

/// The threshold proposed for a baseline and its spread.
pub fn proposed_threshold(baseline: f64, spread: f64) -> f64 {
    baseline + (4.0 * spread).max(baseline / 4.0).max(1.0)
}

/// What `series` (oldest first) says about an incident declared at
/// `opened`, whose fix was deployed at `deployed` (if it was), watched as
/// `watch` says.
pub fn judge(
    series: &[Bucket],
    watch: &Watch,
    opened: DateTime<Utc>,
    deployed: Option<DateTime<Utc>>,
) -> Judgement {
    let base = baseline(series, opened);
    // The owner's, when it is one a command would take (a colleague's file
    // may hold anything), else the proposed one.
    let owners = watch.threshold.filter(|t| (0.0..=MAX_VALUE).contains(t));
    let threshold = owners.or_else(|| base.map(|(b, s)| proposed_threshold(b, s)));
    // The watched span: the incident's three hours before the declaration
    // on; the day-earlier baseline is not part of it.
    let from = opened - Duration::minutes(HOURS_BEFORE.0);
    let first = series.partition_point(|b| b.start < from);
    let series = &series[first..];
    let latest = series.last().map(|b| Point {
        at: b.end(),
        value: b.value,
    });
    let mut judgement = Judgement {
        verdict: Verdict::Unknown,
        baseline: base.map(|(b, _)| b),
        spread: base.map(|(_, s)| s),
        threshold,
        threshold_set: owners.is_some(),
        latest,
        proposed: Impact::default(),
        impact: Impact::default(),
        run_since: None,
    };
    let Some(threshold) = threshold else {
        return judgement;
    };
    if series.is_empty() {
        return judgement;
    }
    let confirm = watch.confirm();
    let mut start: Option<DateTime<Utc>> = None;
    let mut end: Option<DateTime<Utc>> = None;
    // The current run: whether over, and since when.
    let mut run: Option<(bool, DateTime<Utc>)> = None;
    let mut came_down_since_fix = false;
    let mut regressed = false;
    for b in series {
        let over = b.value > threshold;
        let quiet_before = match run {
            Some((false, since)) => b.start - since >= confirm,
            _ => false,
        };
        if over {
            match start {
                None => start = Some(b.start),
                // A new episode after a quiet run, before anyone declared:
                // the impact is this one.
                Some(_) if quiet_before && b.start < opened => {
                    start = Some(b.start);
                    end = None;
                }
                // Over again after a confirmed normal run: not over yet.
                Some(_) => end = None,
            }
            // Over again once it was under since the fix: the fix did not hold.
            if deployed.is_some_and(|d| b.start >= d) && came_down_since_fix {
                regressed = true;
            }
            if !matches!(run, Some((true, _))) {
                run = Some((true, b.start));
            }
        } else {
            if !matches!(run, Some((false, _))) {
                run = Some((false, b.start));
            }
            if deployed.is_some_and(|d| b.start >= d) {
                came_down_since_fix = true;
                regressed = false;
            }
            if let Some((false, since)) = run
                && start.is_some()
                && end.is_none()
                && b.end() - since >= confirm
            {
                end = Some(since);
            }
        }
    }
    let last = series.last().expect("not empty");
    let (over, since) = run.unwrap_or((last.value > threshold, last.start));
    judgement.run_since = Some(since);
    judgement.verdict = if over {
        if regressed {
            Verdict::Regressed
        } else {
            Verdict::Above
        }
    } else if last.end() - since >= confirm || start.is_none() {
        Verdict::Normal
    } else {
        Verdict::Recovering
    };
    judgement.proposed = Impact { start, end };
    judgement.impact = Impact {
        start: watch.impact_start.or(start),
        end: watch.impact_end.or(end),
    };
    judgement
}

/// A verdict in words for the header and the brief, with times shown by
/// `clock` (on this desk's clock, as the caller writes them).
pub fn verdict_words(
    judgement: &Judgement,
    watch: &Watch,
    deployed: Option<DateTime<Utc>>,
    clock: impl Fn(DateTime<Utc>) -> String,
) -> String {
    let latest = judgement
        .latest
        .map(|p| format!("{} a minute", number(p.value)))
        .unwrap_or_default();
    let since = |words: &str| match judgement.run_since {
        Some(s) => format!("{words} since {}", clock(s)),
        None => words.to_owned(),
    };
    let minutes = || match (judgement.run_since, judgement.latest) {
        (Some(from), Some(to)) => (to.at - from).num_minutes().max(0),
        _ => 0,
    };
    let after_fix = if deployed.is_some() {
        " since the deploy"
    } else {
        ""
    };
    match judgement.verdict {
        Verdict::Unknown if judgement.latest.is_none() => "No reading of the metric yet".into(),
        Verdict::Unknown => {
            "Too little read before the declaration to know what is normal — set a threshold".into()
        }
        Verdict::Above => since(&format!("Above normal: {latest}")),
        Verdict::Regressed => since(&format!("Back above normal after the fix: {latest}")),
        Verdict::Recovering => format!(
            "Under the threshold for {} min{after_fix} — normal once it stays under for {} min",
            minutes(),
            watch.confirm_minutes
        ),
        Verdict::Normal if judgement.proposed.start.is_none() => {
            format!("Normal: {latest}, never over the threshold")
        }
        Verdict::Normal => format!("Back to normal for {} min{after_fix}", minutes()),
    }
}

/// A value as people read it: whole when it is, else to one decimal.
pub fn number(value: f64) -> String {
    if (value - value.round()).abs() < 0.05 {
        format!("{}", value.round())
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()
    }

    fn at(minute: i64) -> DateTime<Utc> {
        t0() + Duration::minutes(minute)
    }

    /// One bucket a minute from `from` to `to` (minutes from t0, the
    /// declaration), valued by `value`.
    fn series(from: i64, to: i64, value: impl Fn(i64) -> f64) -> Vec<Bucket> {
        (from..to)
            .map(|m| Bucket {
                start: at(m),
                secs: 60,
                value: value(m),
                source: SourceKind::Prometheus,
                read_at: at(to + 1),
                of: 0,
            })
            .collect()
    }

    fn watch() -> Watch {
        Watch::new(
            Source::prometheus("http://127.0.0.1:9090", "x"),
            Done {
                at: at(-300),
                by: "Sam".into(),
            },
        )
    }

    /// Two errors a minute (give or take one) until 20 minutes before the
    /// declaration, then 80; the fix deployed 30 minutes after it brings
    /// it down 3 minutes later.
    fn incident(minute: i64) -> f64 {
        match minute {
            m if m < -20 => 2.0 + (m.rem_euclid(3) as f64 - 1.0),
            m if m < 33 => 80.0,
            m => 2.0 + (m.rem_euclid(3) as f64 - 1.0),
        }
    }

    #[test]
    fn a_recovery_after_the_deploy_is_normal_after_the_confirmation_time() {
        let w = watch();
        let deployed = Some(at(30));
        let s = series(-180, 40, incident);
        let j = judge(&s, &w, t0(), deployed);
        assert_eq!(j.baseline, Some(2.0));
        assert_eq!(j.verdict, Verdict::Recovering);
        assert_eq!(j.proposed.start, Some(at(-20)), "before the declaration");
        assert_eq!(j.proposed.end, None);
        let s = series(-180, 48, incident);
        assert_eq!(judge(&s, &w, t0(), deployed).verdict, Verdict::Normal);
        let j = judge(&s, &w, t0(), deployed);
        assert_eq!(j.impact.start, Some(at(-20)));
        assert_eq!(
            j.impact.end,
            Some(at(33)),
            "the first minute under, confirmed"
        );
        assert!(
            verdict_words(&j, &w, deployed, |t| t.format("%H:%M").to_string())
                .starts_with("Back to normal for 15 min since the deploy")
        );
    }

    #[test]
    fn going_over_again_after_the_fix_is_a_regression() {
        let w = watch();
        let deployed = Some(at(30));
        let relapse = |m: i64| if m >= 60 { 80.0 } else { incident(m) };
        let j = judge(&series(-180, 62, relapse), &w, t0(), deployed);
        assert_eq!(j.verdict, Verdict::Regressed);
        assert_eq!(j.run_since, Some(at(60)));
        assert_eq!(j.impact.end, None, "the impact is not over");
        assert_eq!(j.impact.start, Some(at(-20)));
        // Still high since the deploy is above, not a regression.
        let high = |m: i64| if m < -20 { 2.0 } else { 80.0 };
        let j = judge(&series(-180, 62, high), &w, t0(), deployed);
        assert_eq!(j.verdict, Verdict::Above);
    }

    #[test]
    fn the_day_earlier_is_the_baseline_when_it_was_read() {
        let w = watch();
        // A day earlier it ran at 10; the hours before the declaration at 2.
        let mut s = series(-26 * 60, -22 * 60, |_| 10.0);
        s.extend(series(-180, 0, |_| 2.0));
        let j = judge(&s, &w, t0(), None);
        assert_eq!(j.baseline, Some(10.0));
        assert_eq!(j.threshold, Some(12.5));
        // Without it, the hours before.
        let j = judge(&series(-180, 0, |_| 2.0), &w, t0(), None);
        assert_eq!(j.baseline, Some(2.0));
        assert_eq!(j.threshold, Some(3.0));
    }

    #[test]
    fn the_owners_threshold_and_impact_window_win() {
        let mut w = watch();
        w.threshold = Some(100.0);
        let s = series(-180, 40, incident);
        let j = judge(&s, &w, t0(), None);
        assert_eq!(j.verdict, Verdict::Normal, "80 is under 100");
        assert_eq!(j.proposed.start, None);
        // A threshold no command takes (from a crafted file) is not used.
        w.threshold = Some(f64::NAN);
        let crafted = judge(&s, &w, t0(), None);
        w.threshold = None;
        assert_eq!(crafted, judge(&s, &w, t0(), None), "the proposed one");
        w.impact_start = Some(at(-5));
        let j = judge(&s, &w, t0(), None);
        assert_eq!(j.impact.start, Some(at(-5)));
        assert_eq!(j.proposed.start, Some(at(-20)));
    }

    #[test]
    fn too_little_read_is_unknown() {
        let w = watch();
        let j = judge(&series(-5, 3, |_| 80.0), &w, t0(), None);
        assert_eq!(j.verdict, Verdict::Unknown);
        assert_eq!(j.latest.map(|p| p.value), Some(80.0));
        assert_eq!(judge(&[], &w, t0(), None).verdict, Verdict::Unknown);
    }

    #[test]
    fn two_desks_reading_the_same_minutes_keep_one_bucket_each() {
        let ours = series(0, 10, |_| 5.0);
        let mut theirs = series(5, 15, |_| 6.0);
        // Their read of minute 9 came later: it is the one kept.
        theirs[4].read_at = at(100);
        let joined = join_buckets(&ours, &theirs);
        assert_eq!(joined.len(), 15);
        assert_eq!(
            joined,
            join_buckets(&theirs, &ours),
            "the same on every desk"
        );
        let minute_9 = joined.iter().find(|b| b.start == at(9)).unwrap();
        assert_eq!(minute_9.value, 6.0);
        // Read again with the same value: nothing changes.
        let mut again = series(0, 10, |_| 5.0);
        for b in &mut again {
            b.read_at = at(500);
        }
        assert_eq!(join_buckets(&ours, &again), ours);
        // NaN, negative, absurd and endless buckets (a colleague's file
        // may hold anything) are not kept.
        let mut bad = series(20, 24, |_| f64::NAN);
        bad[1].value = -1.0;
        bad[2].secs = 0;
        bad[3].value = 1e300;
        assert_eq!(join_buckets(&joined, &bad).len(), 15);
    }

    #[test]
    fn what_to_read_next_starts_where_the_last_read_ended() {
        // Nothing read: the day earlier, then from three hours before.
        let p = |s: &[Bucket]| Progress::of(s, t0());
        let spans = spans_to_read(&p(&[]), t0(), at(10) + Duration::seconds(42));
        assert_eq!(
            spans,
            vec![(at(-26 * 60), at(-22 * 60)), (at(-180), at(10))]
        );
        // Read to minute 10: from minute 5 again (still filling in).
        let mut s = series(-26 * 60, -22 * 60, |_| 1.0);
        s.extend(series(-180, 10, |_| 1.0));
        assert_eq!(spans_to_read(&p(&s), t0(), at(12)), vec![(at(5), at(12))]);
        // Long unread: a day at a time.
        let spans = spans_to_read(&p(&s), t0(), at(3 * 24 * 60));
        assert_eq!(spans, vec![(at(5), at(5 + 24 * 60))]);
    }

    #[test]
    fn a_week_of_buckets_at_most() {
        let s = series(0, MAX_BUCKETS as i64 + 10, |_| 1.0);
        let joined = join_buckets(&s, &[]);
        assert_eq!(joined.len(), MAX_BUCKETS);
        assert_eq!(joined[0].start, at(10), "the oldest go first");
    }

    #[test]
    fn a_file_out_of_order_is_read_as_every_desk_keeps_it() {
        #[derive(Deserialize)]
        struct Held {
            #[serde(deserialize_with = "read_series")]
            series: Vec<Bucket>,
        }
        let kept = series(
            -26 * 60,
            90,
            |m| if (0..30).contains(&m) { 80.0 } else { 4.0 },
        );
        // The same readings written newest first, one twice, and one no
        // service gives.
        let mut written: Vec<Bucket> = kept.iter().rev().cloned().collect();
        written.push(kept[100].clone());
        let mut absurd = kept[5].clone();
        absurd.value = -3.0;
        written.insert(7, absurd);
        let text = format!("(series: {})", ron::to_string(&written).unwrap());
        let held: Held = ron::from_str(&text).unwrap();
        assert_eq!(held.series, kept);
        let w = watch();
        let judged = judge(&held.series, &w, t0(), Some(at(25)));
        assert_eq!(judged, judge(&kept, &w, t0(), Some(at(25))));
        assert_eq!(
            judged.baseline,
            Some(4.0),
            "the day-earlier window is found"
        );
    }
}
