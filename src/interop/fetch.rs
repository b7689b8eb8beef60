//! Reading an on-call feed from its address: what a subscription is
//! refreshed from. `webcal://` is the calendar apps' name for the same
//! address over `https://`; plain `http://` is read too (an office's own
//! server), and the preview says it is not encrypted.
//!
//! One GET with a time limit on every step, at most [`MAX_BYTES`], an
//! answer other than 200 said in words: a refresh that fails leaves the
//! rota as it was and says why.

use std::io::Read;
use std::time::Duration;

use super::bytes::{FileText, MAX_BYTES, decode};

/// How long finding and connecting to the server may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(10);
/// How long the whole answer may take to arrive.
const ANSWER_LIMIT: Duration = Duration::from_secs(30);

pub use crate::web::{feed_address as address, looks_like_address};

/// The host an address names, for messages.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority.rsplit('@').next().unwrap_or(authority)
}

/// Why a feed could not be read from its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// What was given is not a feed's address (as given).
    NotAddress(String),
    /// The host's name is not known: offline, or mistyped.
    HostNotFound(String),
    /// The host could not be reached: offline, or the server is down.
    Unreachable(String),
    /// The host did not answer in time.
    TimedOut(String),
    /// The request failed some other way (the client's words).
    Failed { host: String, why: String },
    /// The host answered, but not with the feed (its status and reason).
    Status {
        host: String,
        code: u16,
        reason: String,
    },
    /// The answer stopped half-way (why).
    Cut { host: String, why: String },
    /// The answer is over [`MAX_BYTES`].
    TooBig(String),
    /// The answer is not text.
    NotText(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAddress(given) => write!(
                f,
                "\"{given}\" is not a feed's address. Copy the address from the on-call tool (it starts https:// or webcal://)."
            ),
            Self::HostNotFound(host) => {
                write!(f, "Can't find {host}: offline, or the address is mistyped.")
            }
            Self::Unreachable(host) => {
                write!(f, "Can't reach {host}: offline, or the server is down.")
            }
            Self::TimedOut(host) => write!(f, "{host} did not answer in time."),
            Self::Failed { host, why } => write!(f, "Can't read the feed from {host}: {why}."),
            Self::Status { host, code, reason } => {
                let what = match code {
                    401 | 403 => {
                        "the address needs a key it doesn't have: copy the feed's whole address again from the on-call tool (private feeds carry their key in it)"
                    }
                    404 | 410 => {
                        "there is no feed at this address (any more): copy the address again from the on-call tool"
                    }
                    500..=599 => "the server has a problem of its own; it is tried again later",
                    _ => "it is not a calendar it sent",
                };
                write!(f, "{host} answered {code} {reason}: {what}.")
            }
            Self::Cut { host, why } => {
                write!(
                    f,
                    "The feed from {host} stopped half-way ({why}). Try again."
                )
            }
            Self::TooBig(host) => write!(
                f,
                "The feed from {host} is over 10 MB; Expedite reads feeds of up to 10 MB. Ask the on-call tool for a shorter period."
            ),
            Self::NotText(host) => write!(f, "What {host} sent is not text, so not a calendar."),
        }
    }
}

/// Reads the feed at `given` (as typed: `webcal://` and all), or says why
/// it can't.
pub fn fetch(given: &str) -> Result<FileText, FetchError> {
    let url = address(given).ok_or_else(|| FetchError::NotAddress(given.to_owned()))?;
    let host = host(&url).to_owned();
    let mut response = crate::post::send::agent(CONNECT_LIMIT, ANSWER_LIMIT)
        .get(&url)
        .header("Accept", "text/calendar, */*;q=0.5")
        .call()
        .map_err(|e| unreachable(&host, e))?;
    let status = response.status();
    if status.as_u16() != 200 {
        return Err(FetchError::Status {
            host,
            code: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
        });
    }
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FetchError::Cut {
            host: host.clone(),
            why: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(FetchError::TooBig(host));
    }
    decode(&bytes).ok_or(FetchError::NotText(host))
}

/// Why the server could not be reached.
fn unreachable(host: &str, e: ureq::Error) -> FetchError {
    let host = host.to_owned();
    match e {
        ureq::Error::HostNotFound => FetchError::HostNotFound(host),
        ureq::Error::ConnectionFailed | ureq::Error::Io(_) => FetchError::Unreachable(host),
        ureq::Error::Timeout(_) => FetchError::TimedOut(host),
        other => FetchError::Failed {
            host,
            why: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_is_read_over_https_and_paths_are_no_addresses() {
        assert_eq!(
            address("webcal://oncall.example.com/feed.ics?key=a1").as_deref(),
            Some("https://oncall.example.com/feed.ics?key=a1")
        );
        assert_eq!(
            address(" HTTPS://example.com/x.ics ").as_deref(),
            Some("https://example.com/x.ics")
        );
        assert_eq!(address("/home/sam/feed.ics"), None);
        assert_eq!(address("ftp://example.com/x.ics"), None);
        assert_eq!(address("https:///x.ics"), None);
        assert!(looks_like_address("webcal://x"));
        assert!(!looks_like_address("feeds/x.ics"));
        assert_eq!(
            host("https://user@oncall.example.com:8443/a"),
            "oncall.example.com:8443"
        );
    }
}
