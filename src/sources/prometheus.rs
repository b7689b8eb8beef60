//! The Prometheus HTTP API's range query, as Prometheus documents it
//! (`GET /api/v1/query_range` with `query`, `start`, `end`, `step`; an
//! answer `{"status":"success","data":{"resultType":"matrix","result":
//! [{"metric":{…},"values":[[unix, "value"],…]}]}}`, values as strings that
//! may be "NaN"). VictoriaMetrics, Thanos, Mimir (its tenant in
//! `X-Scope-OrgID`), Grafana Cloud (basic auth) and a Grafana data-source
//! proxy (a bearer token) answer the same way.
//!
//! The step is a minute, and the query gives one number a minute (for a
//! counter, `sum(increase(x_total[1m]))`): the point at `t` is the minute
//! that ended at `t`.

use base64::Engine as _;
use chrono::{DateTime, Utc};

use super::{Keys, Read, ReadError, buckets, get, json, one_series, unix};
use crate::model::metric::{Source, SourceKind};

pub(super) fn read(
    agent: &ureq::Agent,
    source: &Source,
    keys: &Keys,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Read, ReadError> {
    let label = "Prometheus";
    let mut request = agent
        .get(format!("{}/api/v1/query_range", source.url))
        .query("query", &source.query)
        .query("start", (from.timestamp() + 60).to_string())
        .query("end", to.timestamp().to_string())
        .query("step", "60")
        .header("Accept", "application/json");
    if let Some(auth) = authorization(&keys.token) {
        request = request.header("Authorization", &auth);
    }
    if !source.org.is_empty() {
        request = request.header("X-Scope-OrgID", &source.org);
    }
    parse(&get(request, label)?, now)
}

/// A `query_range` answer as buckets read at `now`.
pub fn parse(text: &str, now: DateTime<Utc>) -> Result<Read, ReadError> {
    let label = "Prometheus";
    let answer = json(text, label)?;
    if answer["status"] != "success" {
        return Err(ReadError::Garbled(format!(
            "{label} did not say the query succeeded"
        )));
    }
    let result = answer["data"]["result"]
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s answer has no result")))?;
    if answer["data"]["resultType"] != "matrix" {
        return Err(ReadError::Garbled(format!(
            "{label} did not answer with a series over time"
        )));
    }
    let Some(series) = one_series(result, "wrap it in sum(…)")? else {
        return buckets([], 0, SourceKind::Prometheus, now);
    };
    let values = series["values"]
        .as_array()
        .ok_or_else(|| ReadError::Garbled(format!("{label}'s series has no values")))?;
    // The point at `t` is the minute that ended at `t`.
    let points = values.iter().filter_map(|pair| {
        let at = unix(pair[0].as_f64()?)?;
        let value = pair[1].as_str().and_then(|v| v.trim().parse::<f64>().ok());
        Some((at - chrono::Duration::seconds(60), 60, value))
    });
    buckets(points, values.len(), SourceKind::Prometheus, now)
}

/// The `Authorization` header for a token: as given when it names its
/// scheme, basic auth for `user:password` (Grafana Cloud), else a bearer
/// token (a Grafana service account's, an auth proxy's).
fn authorization(token: &str) -> Option<String> {
    let token = token.trim();
    if token.is_empty() {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    if lower.starts_with("bearer ") || lower.starts_with("basic ") {
        return Some(token.to_owned());
    }
    if token.contains(':') {
        let encoded = base64::engine::general_purpose::STANDARD.encode(token);
        return Some(format!("Basic {encoded}"));
    }
    Some(format!("Bearer {token}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_token_becomes_the_header_its_form_asks_for() {
        use super::authorization as a;
        assert_eq!(a(""), None);
        assert_eq!(a("glsa_abc").as_deref(), Some("Bearer glsa_abc"));
        assert_eq!(a("123:glc_x").as_deref(), Some("Basic MTIzOmdsY194"));
        assert_eq!(a("Basic abc=").as_deref(), Some("Basic abc="));
    }
}
