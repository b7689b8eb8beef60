//! Bugsnag's Data Access API v2: a project's trend
//! (`GET /projects/{project_id}/trend`) or one error's
//! (`GET /projects/{project_id}/errors/{error_id}/trend`), with
//! `Authorization: token …` and `X-Version: 2`; the answer a list of
//! buckets `{"from", "to", "events_count"}`.
//!
//! Bugsnag chooses the buckets' span (the trend is coarse: often an hour
//! or more); each is kept at the length it has, its count spread over its
//! minutes, and `metric show` says the resolution read.

use chrono::{DateTime, Utc};

use super::{Keys, Read, ReadError, buckets, get, json};
use crate::model::metric::{Source, SourceKind};

pub(super) fn read(
    agent: &ureq::Agent,
    source: &Source,
    keys: &Keys,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let label = "Bugsnag";
    let path = if source.error.is_empty() {
        format!("{}/projects/{}/trend", source.url, enc(&source.project))
    } else {
        format!(
            "{}/projects/{}/errors/{}/trend",
            source.url,
            enc(&source.project),
            enc(&source.error)
        )
    };
    let minutes = (to - from).num_minutes().clamp(1, 1440);
    let request = agent
        .get(path)
        .query("buckets_count", minutes.to_string())
        .header("Authorization", &format!("token {}", keys.token))
        .header("X-Version", "2")
        .header("Accept", "application/json");
    let answer = json(&get(request, label)?, label)?;
    let list = answer
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s trend is not a list of buckets")))?;
    let time = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc())
    };
    let points = list.iter().filter_map(|bucket| {
        let (start, end) = (time(&bucket["from"])?, time(&bucket["to"])?);
        Some((
            start,
            (end - start).num_seconds(),
            bucket["events_count"].as_f64(),
        ))
    });
    buckets(points, list.len(), SourceKind::Bugsnag, now)
}

/// An id as one segment of a path.
pub(super) fn enc(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
