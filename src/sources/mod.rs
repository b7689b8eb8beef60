//! Reading the confirming metric from where the team keeps it: one GET
//! (or a few) with a time limit on every step and a bounded answer, read
//! as each service documents it, into buckets of a value per minute.
//!
//! Reads change nothing at the service, so one that failed may simply be
//! tried again; a service that asks to wait (429 with `Retry-After`,
//! `X-RateLimit-Reset` or `X-Sentry-Rate-Limit-Reset`) is left alone until
//! then, at most [`MAX_WAIT`].

mod bugsnag;
mod datadog;
pub mod keys;
pub mod prometheus;
mod sentry;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::metric::{Bucket, Source, SourceKind};

/// How long finding and connecting to the service may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// How long the answer may take.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);
/// The largest answer read: a day at one point a minute is far smaller.
pub const MAX_ANSWER: u64 = 8 << 20;
/// The longest a service's request to wait is honoured; asked again after.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// The most points one answer may give: four days at one a minute.
pub const MAX_POINTS: usize = 4 * 24 * 60;

/// This desk's keys for a source: never shared, never on the timeline.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keys {
    /// The token (Prometheus: a bearer token, or `user:password` for basic
    /// auth; Bugsnag: a personal auth token; Sentry: an auth token;
    /// Datadog: the API key).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// Datadog's application key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_key: String,
    /// The address the keys were given for (scheme, host and port): they
    /// are sent there only, whatever address a colleague shares later.
    #[serde(default)]
    pub origin: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("token", &if self.token.is_empty() { "" } else { "…" })
            .field("app_key", &if self.app_key.is_empty() { "" } else { "…" })
            .field("origin", &self.origin)
            .finish()
    }
}

impl Keys {
    /// The secrets in them, to mask wherever an answer is quoted.
    fn secrets(&self) -> Vec<&str> {
        [self.token.as_str(), self.app_key.as_str()]
            .into_iter()
            .filter(|s| s.len() >= 4)
            .collect()
    }
}

/// Scheme, host and port of an address: where keys may go.
pub fn origin(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("https", &lower));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    format!("{scheme}://{authority}")
}

/// Why the metric could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The service could not be reached: tried again later.
    Offline(String),
    /// The service asked to wait this long.
    Wait { after: Duration, why: String },
    /// The service had a problem or took too long: tried again later,
    /// less often.
    Service(String),
    /// The service refused: the key, the address or the query is wrong;
    /// nothing changes until a person does something.
    Refused(String),
    /// The answer is not what the service documents.
    Garbled(String),
    /// This desk has no key for it (or one for another address).
    NoKey(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Offline(why)
            | Self::Service(why)
            | Self::Refused(why)
            | Self::Garbled(why)
            | Self::NoKey(why) => f.write_str(why),
            Self::Wait { after, why } => {
                write!(
                    f,
                    "{why}; asked again in {}",
                    crate::time::format_length(chrono::Duration::seconds(after.as_secs() as i64))
                )
            }
        }
    }
}

impl ReadError {
    /// How long to leave the source alone after this, before asking again.
    pub fn back_off(&self, failures_in_a_row: u32) -> Duration {
        let grow = |base: u64| {
            Duration::from_secs((base << failures_in_a_row.min(4)).min(MAX_WAIT.as_secs()))
        };
        match self {
            Self::Wait { after, .. } => (*after).min(MAX_WAIT),
            Self::Offline(_) => grow(60),
            Self::Service(_) | Self::Garbled(_) => grow(120),
            Self::Refused(_) | Self::NoKey(_) => MAX_WAIT,
        }
    }
}

/// What one read gave (its buckets not yet named for a watch: the one
/// who records them sets `of`).
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    /// The buckets, oldest first.
    pub buckets: Vec<Bucket>,
    /// The points left out (NaN, infinite, negative, nothing), and why.
    pub left_out: usize,
}

/// `source` as one connected here could be, or why it can't be read: it
/// may have come from the shared folder, which anyone with push access
/// writes, so it is checked again before anything is asked of it.
pub fn checked(source: &Source) -> Result<Source, ReadError> {
    source.clone().checked().map_err(|e| {
        ReadError::Refused(format!(
            "the metric's source can't be read as it stands: {e}"
        ))
    })
}

/// Reads `source`'s values from `from` to `to` (whole minutes) with this
/// desk's `keys`; `now` stamps the buckets read.
pub fn read(
    source: &Source,
    keys: &Keys,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let source = &checked(source)?;
    let needs_key = !matches!(source.kind, SourceKind::Prometheus);
    if needs_key && keys.token.is_empty() {
        return Err(ReadError::NoKey(format!(
            "this desk has no {} key for the metric — give yours: expedite metric connect {} … --token -",
            source.kind.label(),
            source.kind.name()
        )));
    }
    if source.kind == SourceKind::Datadog && keys.app_key.is_empty() {
        return Err(ReadError::NoKey(
            "this desk has no Datadog application key for the metric — give yours with --app-key -"
                .into(),
        ));
    }
    if (!keys.token.is_empty() || !keys.app_key.is_empty()) && keys.origin != origin(&source.url) {
        return Err(ReadError::NoKey(format!(
            "the metric is now read from {}, and this desk's key was given for {} — give the key again for the new address (it is never sent anywhere else)",
            origin(&source.url),
            keys.origin
        )));
    }
    let agent = crate::post::send::agent(CONNECT_LIMIT, ANSWER_LIMIT);
    let got = match source.kind {
        SourceKind::Prometheus => prometheus::read(&agent, source, keys, from, to, now),
        SourceKind::Bugsnag => bugsnag::read(&agent, source, keys, from, to, now),
        SourceKind::Sentry => sentry::read(&agent, source, keys, from, to, now),
        SourceKind::Datadog => datadog::read(&agent, source, keys, from, to, now),
    };
    // A service may quote the key back: it never reaches a message.
    let secrets = keys.secrets();
    let safe = |why: String| crate::text::one_line(&crate::text::mask_secrets(&why, &secrets), 240);
    got.map_err(|e| match e {
        ReadError::Offline(w) => ReadError::Offline(safe(w)),
        ReadError::Wait { after, why } => ReadError::Wait {
            after,
            why: safe(why),
        },
        ReadError::Service(w) => ReadError::Service(safe(w)),
        ReadError::Refused(w) => ReadError::Refused(safe(w)),
        ReadError::Garbled(w) => ReadError::Garbled(safe(w)),
        ReadError::NoKey(w) => ReadError::NoKey(safe(w)),
    })
}

/// Reads each of `spans` in turn (see `metric::spans_to_read`): every
/// reading, or the first reason one could not be read.
pub fn read_spans(
    source: &Source,
    keys: &Keys,
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let mut all = Read {
        buckets: Vec::new(),
        left_out: 0,
    };
    for (from, to) in spans {
        let got = read(source, keys, *from, *to, now)?;
        all.buckets.extend(got.buckets);
        all.left_out += got.left_out;
    }
    Ok(all)
}

/// One GET: the answer's text when it is 200, else what it means.
fn get(
    request: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
    label: &str,
) -> Result<String, ReadError> {
    let mut response = request.call().map_err(|e| unreached(e, label))?;
    let status = response.status().as_u16();
    let now = crate::desk::now_precise();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let wait = wait_asked(
        header("retry-after").as_deref(),
        header("x-ratelimit-reset").as_deref(),
        header("x-sentry-rate-limit-reset").as_deref(),
        now,
    );
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_string();
    let body = match body {
        Ok(body) => body,
        Err(ureq::Error::BodyExceedsLimit(_)) => {
            return Err(ReadError::Garbled(format!(
                "{label} answered with over {} MB — ask for less (a narrower query)",
                MAX_ANSWER >> 20
            )));
        }
        Err(e) => return Err(unreached(e, label)),
    };
    let said = || crate::text::one_line(&service_words(&body), 160);
    match status {
        200 => Ok(body),
        429 => Err(ReadError::Wait {
            after: wait.unwrap_or(Duration::from_secs(60)),
            why: format!("{label} says too many requests"),
        }),
        401 | 403 => Err(ReadError::Refused(format!(
            "{label} refused the key (HTTP {status}) — give a key that may read it: expedite metric connect … --token -"
        ))),
        404 => Err(ReadError::Refused(format!(
            "{label} has nothing at that address (HTTP 404) — check the address and the ids"
        ))),
        400 | 422 => Err(ReadError::Refused(format!(
            "{label} can't run the query (HTTP {status}): {}",
            said()
        ))),
        500..=599 => Err(ReadError::Service(format!(
            "{label} had a problem of its own (HTTP {status}); asked again later"
        ))),
        _ => Err(ReadError::Refused(format!(
            "{label} answered HTTP {status}: {}",
            said()
        ))),
    }
}

/// What a refusal's answer says: the message Prometheus (`error`),
/// Sentry (`detail`), Datadog (`errors`) or Bugsnag (`errors`) put in it,
/// else the answer's text.
fn service_words(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.trim().to_owned();
    };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    text(&value["error"])
        .or_else(|| text(&value["detail"]))
        .or_else(|| text(&value["errors"][0]))
        .unwrap_or_else(|| body.trim().to_owned())
}

/// How long a service asked to wait: `Retry-After` (seconds or an HTTP
/// date), `X-RateLimit-Reset` (seconds to wait, or the moment as Unix
/// seconds when it is that large), `X-Sentry-Rate-Limit-Reset` (the moment,
/// Unix seconds); at most [`MAX_WAIT`], never negative.
pub fn wait_asked(
    retry_after: Option<&str>,
    rate_limit_reset: Option<&str>,
    sentry_reset: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let until = |secs: f64| secs - now.timestamp() as f64;
    let seconds = retry_after
        .and_then(|v| {
            let v = v.trim();
            v.parse::<f64>().ok().or_else(|| {
                chrono::DateTime::parse_from_rfc2822(v)
                    .ok()
                    .map(|at| (at.to_utc() - now).num_seconds() as f64)
            })
        })
        .or_else(|| {
            rate_limit_reset.and_then(|v| {
                let n = v.trim().parse::<f64>().ok()?;
                Some(if n > 1e9 { until(n) } else { n })
            })
        })
        .or_else(|| sentry_reset.and_then(|v| v.trim().parse::<f64>().ok().map(until)))?;
    if !seconds.is_finite() {
        return Some(MAX_WAIT);
    }
    Some(Duration::from_secs_f64(
        seconds.clamp(0.0, MAX_WAIT.as_secs_f64()),
    ))
}

/// An error before any answer, in words.
fn unreached(e: ureq::Error, label: &str) -> ReadError {
    match e {
        ureq::Error::HostNotFound | ureq::Error::Timeout(ureq::Timeout::Resolve) => {
            ReadError::Offline(format!("offline ({label}'s address can't be looked up)"))
        }
        ureq::Error::ConnectionFailed | ureq::Error::Timeout(ureq::Timeout::Connect) => {
            ReadError::Offline(format!("offline (no connection to {label})"))
        }
        ureq::Error::Timeout(_) => ReadError::Service(format!(
            "{label} did not answer within {} s; asked again later",
            ANSWER_LIMIT.as_secs()
        )),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => ReadError::Refused(
            format!("{label}'s secure connection can't be trusted — check the address"),
        ),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::InvalidProxyUrl => {
            ReadError::Refused(format!("the address of {label} can't be used as written"))
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            ReadError::Offline(format!("offline ({label} refused the connection)"))
        }
        ureq::Error::Io(_) => ReadError::Service(format!(
            "the connection to {label} failed before its answer came; asked again later"
        )),
        other => ReadError::Garbled(format!("{label}'s answer can't be read ({other})")),
    }
}

/// The answer as JSON, or why not.
fn json(text: &str, label: &str) -> Result<serde_json::Value, ReadError> {
    serde_json::from_str(text).map_err(|_| {
        ReadError::Garbled(format!(
            "{label}'s answer is not the JSON its API documents — is the address the API's?"
        ))
    })
}

/// A value as a service gives it: when its span began, how long the span
/// lasted in seconds, and the value over it (`None`: none, or not a number).
type Point = (DateTime<Utc>, i64, Option<f64>);

/// `points` (of the `total` the answer held) as buckets of a value a
/// minute read at `now`; those with no value, no sound span, or not over
/// yet are left out and counted.
fn buckets(
    points: impl IntoIterator<Item = Point>,
    total: usize,
    kind: SourceKind,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let mut kept = Vec::new();
    for (n, (start, secs, value)) in points.into_iter().enumerate() {
        if n >= MAX_POINTS {
            return Err(ReadError::Garbled(format!(
                "the answer holds over {MAX_POINTS} points — ask for one number a minute"
            )));
        }
        let Ok(secs) = u32::try_from(secs) else {
            continue;
        };
        let bucket = Bucket {
            start,
            secs,
            value: value.map_or(f64::NAN, |v| v * 60.0 / f64::from(secs)),
            source: kind,
            read_at: now,
            of: 0,
        };
        if bucket.is_sound() && bucket.end() <= now {
            kept.push(bucket);
        }
    }
    kept.sort_by_key(|b| b.start);
    Ok(Read {
        left_out: total.saturating_sub(kept.len()),
        buckets: kept,
    })
}

/// The one series of `list`: none when it is empty; refused, with `hint`
/// on how to make it one, when there are more.
fn one_series<'a>(
    list: &'a [serde_json::Value],
    hint: &str,
) -> Result<Option<&'a serde_json::Value>, ReadError> {
    match list {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(ReadError::Refused(format!(
            "the query gives {} series, and Expedite watches one number — {hint}",
            many.len()
        ))),
    }
}

/// Unix seconds (whole or not) as a time.
fn unix(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() {
        return None;
    }
    DateTime::from_timestamp_millis((secs * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_wait_asked_for_is_bounded() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
        let w = |a, b, c| wait_asked(a, b, c, now).map(|d| d.as_secs());
        assert_eq!(w(Some("30"), None, None), Some(30));
        assert_eq!(w(Some("100000000000000"), None, None), Some(900));
        assert_eq!(w(Some("9223372036854775807"), None, None), Some(900));
        assert_eq!(w(Some("-5"), None, None), Some(0));
        assert_eq!(
            w(Some("Tue, 10 Mar 2026 02:01:00 GMT"), None, None),
            Some(60)
        );
        assert_eq!(w(None, Some("12"), None), Some(12));
        let in_90 = (now.timestamp() + 90).to_string();
        assert_eq!(w(None, Some(&in_90), None), Some(90));
        assert_eq!(w(None, None, Some(&in_90)), Some(90));
        assert_eq!(w(None, None, Some("NaN")), Some(900));
        assert_eq!(w(Some("soon"), None, None), None);
    }

    #[test]
    fn keys_go_to_their_own_address_only() {
        assert_eq!(
            origin("https://User@Prom.example.com:9090/api/v1?x"),
            "https://prom.example.com:9090"
        );
        let keys = Keys {
            token: "s3cret-token".into(),
            app_key: String::new(),
            origin: origin("https://prom.example.com"),
        };
        assert!(!format!("{keys:?}").contains("s3cret"));
        let source = Source::prometheus("https://evil.example.net", "up");
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap();
        let e = read(&source, &keys, now, now, now).unwrap_err();
        assert!(matches!(e, ReadError::NoKey(_)), "{e:?}");
        assert!(e.to_string().contains("evil.example.net"));
    }
}
