//! One attempt to post a message to a connection, over HTTP, with a time
//! limit on each step; and what the answer means, as each service documents
//! its answers.

use std::time::Duration;

use super::{ChannelError, Connection};

/// How long connecting may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// How long the answer may take once the message is sent.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// The longest wait a service's `Retry-After` is taken for: a service
/// that asks for more (a year, or 2^63 seconds) is asked again after this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Taken; Slack's `ts` when the service gives one.
    Sent { ts: Option<String> },
    /// Not taken now, worth trying again: after `after` when the service
    /// said (429 `Retry-After`), else after the outbox's backoff.
    Retry {
        after: Option<Duration>,
        why: String,
    },
    /// Refused for good, with what to do.
    Failed { why: String },
    /// Sent, and no answer came back: it may have arrived.
    Unknown { why: String },
}

/// One message to post.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    /// The channel it is for (`#expedite`).
    pub channel: &'a str,
    /// The incident it is about (its id), or "test".
    pub incident: &'a str,
    /// Exactly what it says.
    pub text: &'a str,
    /// Slack's `ts` of the message whose thread it goes in (with a bot
    /// token; webhooks can't reply in a thread).
    pub thread: Option<&'a str>,
}

/// An HTTP client with a time limit on every step: `connect` to find the
/// server, connect and send, `answer` for the answer and its body. Every
/// answer is read as an answer (a 404 is not an error of the client).
pub(crate) fn agent(connect: Duration, answer: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_resolve(Some(connect))
        .timeout_connect(Some(connect))
        .timeout_send_request(Some(connect))
        .timeout_recv_response(Some(answer))
        .timeout_recv_body(Some(answer))
        .user_agent(concat!("Expedite/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Posts `message` to `connection`, once. Whatever the answer says goes on
/// a shared timeline: any secret in it (the webhook's address, a token, a
/// key a service quotes back) is masked and it is cut to one short line.
pub fn post(connection: &Connection, message: &Message) -> Attempt {
    let secrets = connection.secrets();
    let known: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let safe = |why: String| crate::text::one_line(&crate::text::mask_secrets(&why, &known), 160);
    match post_once(connection, message) {
        Attempt::Sent { ts } => Attempt::Sent { ts },
        Attempt::Retry { after, why } => Attempt::Retry {
            after,
            why: safe(why),
        },
        Attempt::Failed { why } => Attempt::Failed { why: safe(why) },
        Attempt::Unknown { why } => Attempt::Unknown { why: safe(why) },
    }
}

fn post_once(connection: &Connection, message: &Message) -> Attempt {
    let agent = agent(CONNECT_LIMIT, ANSWER_LIMIT);
    let body = body(connection, message);
    let mut request = agent
        .post(connection.url())
        .header("Content-Type", "application/json; charset=utf-8");
    if let Connection::SlackToken { token, .. } = connection {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = match request.send(body.as_str()) {
        Ok(response) => response,
        Err(e) => return failed_to_reach(e),
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, crate::desk::now_precise()));
    let answer = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    understand(connection, status, retry_after, answer.trim())
}

/// How long a `Retry-After` asks to wait, as RFC 9110 writes it: seconds,
/// or an HTTP date (read against `now`); at most [`MAX_RETRY_AFTER`].
fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let secs = match value.parse::<u64>() {
        Ok(secs) => secs,
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            u64::try_from((at.to_utc() - now).num_seconds().max(0)).ok()?
        }
    };
    Some(Duration::from_secs(secs.min(MAX_RETRY_AFTER.as_secs())))
}

/// Sends a test message from `actor` to `channel` now, outside the outbox;
/// `Err` says why it did not arrive (in words to follow "expedite: ").
pub fn test(connection: &Connection, channel: &str, actor: &str) -> Result<(), ChannelError> {
    let text = format!("Expedite test message from {actor}: {channel} is connected.");
    let message = Message {
        channel,
        incident: "test",
        text: &text,
        thread: None,
    };
    match post(connection, &message) {
        Attempt::Sent { .. } => Ok(()),
        Attempt::Retry { why, .. } => Err(ChannelError::TestNotOut(why)),
        Attempt::Failed { why } => Err(ChannelError::TestRefused {
            channel: channel.to_owned(),
            why,
        }),
        Attempt::Unknown { why } => Err(ChannelError::TestUnanswered {
            channel: channel.to_owned(),
            why,
        }),
    }
}

/// The JSON each service takes.
pub fn body(connection: &Connection, message: &Message) -> String {
    let Message {
        channel,
        incident,
        text,
        thread,
    } = *message;
    let value = match connection {
        Connection::SlackWebhook { .. } => serde_json::json!({ "text": slack_escape(text) }),
        Connection::SlackToken { .. } => {
            let mut body = serde_json::json!({
                "channel": channel.trim_start_matches('#'),
                "text": slack_escape(text),
            });
            if let Some(ts) = thread {
                body["thread_ts"] = ts.into();
                // The stakeholders' channel sees every update, not only
                // those who follow the thread.
                body["reply_broadcast"] = channel
                    .eq_ignore_ascii_case(crate::model::EXPEDITE_CHANNEL)
                    .into();
            }
            body
        }
        Connection::MattermostWebhook { .. } => {
            serde_json::json!({ "text": quiet_mentions(text) })
        }
        Connection::TeamsWebhook { .. } => serde_json::json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": text.lines().filter(|l| !l.trim().is_empty()).map(|line| serde_json::json!({
                        "type": "TextBlock",
                        "text": teams_escape(line),
                        "wrap": true,
                    })).collect::<Vec<_>>(),
                },
            }],
        }),
        Connection::Webhook { .. } => serde_json::json!({
            "channel": channel,
            "incident": incident,
            "text": text,
        }),
    };
    value.to_string()
}

/// Slack's three control characters, escaped as Slack asks: no name or
/// title can become a `<!channel>` ping or a link.
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Mattermost pings `@channel`, `@all` and `@here` written plainly: a zero
/// width space after the `@` keeps the word and drops the ping.
fn quiet_mentions(text: &str) -> String {
    let mut out = text.to_owned();
    for word in ["@channel", "@all", "@here", "@everyone"] {
        out = out.replace(word, &format!("@\u{200B}{}", &word[1..]));
    }
    out
}

/// Adaptive Card text is Markdown: the characters that would make a link or
/// emphasis are escaped.
fn teams_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '(' | ')' | '`' | '#' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An error before any answer came. Only an error that shows the
/// message never reached the service (its address not found, no
/// connection, the connection or the sending of the message cut short)
/// is worth trying again by itself; any other (the connection closed or
/// reset once the message was written, an answer that can't be read) may
/// have come after the service took the message: it may have arrived, and
/// is never sent again unasked.
fn failed_to_reach(e: ureq::Error) -> Attempt {
    use std::io::ErrorKind;
    let not_sent = |why: String| Attempt::Retry { after: None, why };
    match e {
        ureq::Error::HostNotFound | ureq::Error::Timeout(ureq::Timeout::Resolve) => {
            not_sent("offline (the service's address can't be looked up)".into())
        }
        ureq::Error::ConnectionFailed | ureq::Error::Timeout(ureq::Timeout::Connect) => {
            not_sent("offline (no connection to the service)".into())
        }
        // Cut short while the message was being written: the service can't
        // act on half a request.
        ureq::Error::Timeout(ureq::Timeout::SendRequest | ureq::Timeout::SendBody) => {
            not_sent("the service did not take the message in time".into())
        }
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::HostUnreachable
                    | ErrorKind::AddrNotAvailable
                    | ErrorKind::NetworkDown
                    | ErrorKind::NotConnected
            ) =>
        {
            not_sent(format!("offline ({})", io_words(io.kind())))
        }
        // Before any message: the secure connection was refused, or the
        // address can't be used as written.
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => Attempt::Failed {
            why: "the service's secure connection can't be trusted — check the address, or ask whoever runs it".into(),
        },
        ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::InvalidProxyUrl => {
            Attempt::Failed {
                why: "the address can't be used as written — connect the channel again with the address the service gave".into(),
            }
        }
        ureq::Error::Timeout(ureq::Timeout::RecvResponse | ureq::Timeout::RecvBody) => {
            Attempt::Unknown {
                why: format!("no answer within {} s", ANSWER_LIMIT.as_secs()),
            }
        }
        ureq::Error::Io(io) => Attempt::Unknown {
            why: format!(
                "the connection {} after the message was sent",
                io_words(io.kind())
            ),
        },
        other => Attempt::Unknown {
            why: format!("the answer can't be read ({other})"),
        },
    }
}

/// An I/O error's kind in words, without the system's error number.
fn io_words(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::ConnectionRefused => "the service refused the connection",
        ErrorKind::NetworkUnreachable | ErrorKind::NetworkDown => "no network",
        ErrorKind::HostUnreachable => "the service's machine can't be reached",
        ErrorKind::AddrNotAvailable | ErrorKind::NotConnected => "no connection",
        ErrorKind::ConnectionReset => "was reset",
        ErrorKind::ConnectionAborted => "was aborted",
        ErrorKind::BrokenPipe => "was closed by the service",
        ErrorKind::UnexpectedEof => "was closed before an answer came",
        ErrorKind::TimedOut => "timed out",
        _ => "failed",
    }
}

/// What an answer means, for each service as it documents its answers.
fn understand(
    connection: &Connection,
    status: u16,
    retry_after: Option<Duration>,
    answer: &str,
) -> Attempt {
    if status == 429 {
        return Attempt::Retry {
            after: retry_after.or(Some(Duration::from_secs(30))),
            why: "rate-limited by the service".into(),
        };
    }
    if status >= 500 {
        return Attempt::Retry {
            after: retry_after,
            why: format!("the service had a problem (HTTP {status})"),
        };
    }
    match connection {
        Connection::SlackToken { .. } if status == 200 => {
            let value: serde_json::Value = serde_json::from_str(answer).unwrap_or_default();
            if value["ok"].as_bool() == Some(true) {
                return Attempt::Sent {
                    ts: value["ts"].as_str().map(str::to_owned),
                };
            }
            let error = value["error"]
                .as_str()
                .unwrap_or("an answer Slack did not explain");
            if error == "ratelimited" {
                return Attempt::Retry {
                    after: retry_after.or(Some(Duration::from_secs(30))),
                    why: "rate-limited by Slack".into(),
                };
            }
            Attempt::Failed {
                why: slack_advice(error),
            }
        }
        Connection::SlackWebhook { .. } | Connection::MattermostWebhook { .. }
            if (200..300).contains(&status) =>
        {
            Attempt::Sent { ts: None }
        }
        Connection::TeamsWebhook { .. } | Connection::Webhook { .. }
            if (200..300).contains(&status) =>
        {
            Attempt::Sent { ts: None }
        }
        _ => {
            let error = answer.lines().next().unwrap_or_default().trim();
            let error = if error.is_empty() {
                format!("HTTP {status}")
            } else if error.starts_with('<') {
                // A web page (a sign-in page, a proxy's error): its markup
                // says nothing a person can act on, and may quote the address.
                format!("HTTP {status}, answered with a web page")
            } else {
                crate::text::one_line(error, 80)
            };
            Attempt::Failed {
                why: slack_advice(&error),
            }
        }
    }
}

/// Slack's error names, with what to do about each.
fn slack_advice(error: &str) -> String {
    let todo = match error {
        "invalid_token" | "token_revoked" | "not_authed" | "invalid_auth" | "account_inactive" => {
            "the token or webhook is no longer valid — make a new one in Slack and connect the channel again"
        }
        "channel_not_found" | "no_service" | "no_service_id" | "no_team" => {
            "the channel or the webhook is gone — check it in Slack and connect the channel again"
        }
        "channel_is_archived" | "is_archived" => {
            "the channel is archived — unarchive it in Slack or connect another channel"
        }
        "not_in_channel" => {
            "the bot is not in the channel — invite it there (/invite @bot) and retry"
        }
        "action_prohibited" | "posting_to_general_channel_denied" | "restricted_action" => {
            "Slack's settings forbid posting there — ask a Slack admin, or connect another channel"
        }
        "invalid_payload" | "no_text" | "msg_too_long" => {
            "Slack did not take the message as written — shorten it and retry"
        }
        _ => "check the channel's connection (expedite channel list) and retry",
    };
    format!("{error}: {todo}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date_and_bounded() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap();
        assert_eq!(retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(
            retry_after("Mon, 07 Dec 2026 03:02:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        // A date gone by: at once; years ahead or 2^64−1 s: the bound.
        assert_eq!(
            retry_after("Mon, 07 Dec 2026 02:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after("18446744073709551615", now),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            retry_after("Fri, 01 Jan 2100 00:00:00 GMT", now),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
