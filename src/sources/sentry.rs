//! Sentry: an issue's events per minute. The per-issue statistics
//! (`GET /api/0/issues/{id}/`, `stats`) come by the hour, too coarse to see
//! a fix work; the organisation's event statistics
//! (`GET /api/0/organizations/{org}/events-stats/` with
//! `query=issue.id:{id}`, `yAxis=count()`, `interval=1m`, `start`, `end`)
//! give the same issue's events a minute: `{"data": [[unix, [{"count":
//! n}]], …]}`, each time the start of its minute. `Authorization: Bearer`.

use chrono::{DateTime, SecondsFormat, Utc};

use super::{Keys, Read, ReadError, buckets, get, json, unix};
use crate::model::metric::{Source, SourceKind};

pub(super) fn read(
    agent: &ureq::Agent,
    source: &Source,
    keys: &Keys,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let label = "Sentry";
    let mut request = agent
        .get(format!(
            "{}/api/0/organizations/{}/events-stats/",
            source.url,
            super::bugsnag::enc(&source.org)
        ))
        .query("query", format!("issue.id:{}", source.issue))
        .query("yAxis", "count()")
        .query("interval", "1m")
        .query("start", from.to_rfc3339_opts(SecondsFormat::Secs, true))
        .query("end", to.to_rfc3339_opts(SecondsFormat::Secs, true))
        .header("Authorization", &format!("Bearer {}", keys.token))
        .header("Accept", "application/json");
    if !source.project.is_empty() {
        request = request.query("project", &source.project);
    }
    let answer = json(&get(request, label)?, label)?;
    let data = answer["data"]
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s answer has no data")))?;
    let points = data.iter().filter_map(|row| {
        let at = unix(row[0].as_f64()?)?;
        // A count the service can't say is left out, not taken for none.
        let count = row[1].as_array().and_then(|parts| {
            parts
                .iter()
                .map(|p| p["count"].as_f64())
                .sum::<Option<f64>>()
        });
        Some((at, 60, count))
    });
    buckets(points, data.len(), SourceKind::Sentry, now)
}
