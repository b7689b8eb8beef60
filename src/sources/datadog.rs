//! Datadog's metric query (`GET /api/v1/query` with `from`, `to` in Unix
//! seconds and `query`; `DD-API-KEY` and `DD-APPLICATION-KEY`): the answer's
//! `series[].pointlist` of `[milliseconds, value]` (the time sometimes a
//! float, the value sometimes null), each point the start of the series'
//! `interval` in seconds.
//!
//! The query counts per interval (`….as_count()`): a point's value is
//! spread over its interval's minutes.

use chrono::{DateTime, Utc};

use super::{Keys, Read, ReadError, buckets, get, json, one_series, unix};
use crate::model::metric::{MAX_BUCKET_SECS, Source, SourceKind};

pub(super) fn read(
    agent: &ureq::Agent,
    source: &Source,
    keys: &Keys,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let label = "Datadog";
    let request = agent
        .get(format!("{}/api/v1/query", source.url))
        .query("from", from.timestamp().to_string())
        .query("to", to.timestamp().to_string())
        .query("query", &source.query)
        .header("DD-API-KEY", &keys.token)
        .header("DD-APPLICATION-KEY", &keys.app_key)
        .header("Accept", "application/json");
    let answer = json(&get(request, label)?, label)?;
    if answer["status"] == "error" {
        let why = answer["error"].as_str().unwrap_or("no reason given");
        return Err(ReadError::Refused(format!(
            "{label} can't run the query: {}",
            crate::text::one_line(why, 160)
        )));
    }
    let series = answer["series"]
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s answer has no series")))?;
    let Some(one) = one_series(series, "use sum:… without a by {…}")? else {
        return buckets([], 0, SourceKind::Datadog, now);
    };
    let interval = one["interval"]
        .as_i64()
        .filter(|i| (1..=i64::from(MAX_BUCKET_SECS)).contains(i))
        .unwrap_or(60);
    let list = one["pointlist"]
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s series has no points")))?;
    let points = list.iter().filter_map(|pair| {
        let at = unix(pair[0].as_f64()? / 1000.0)?;
        Some((at, interval, pair[1].as_f64()))
    });
    buckets(points, list.len(), SourceKind::Datadog, now)
}
