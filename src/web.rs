//! Web addresses as people paste them: the one place that says what counts
//! as one, for each use — a link kept on the record, the address a channel
//! posts to, a feed's address, a link about to be opened — and what counts
//! as a mail address. Pure: nothing here reaches the network.

use std::fmt;

/// The longest address taken: no webhook, feed or dashboard link is
/// longer, and a longer one is usually two pasted together.
pub const MAX_ADDRESS: usize = 2048;

/// What an address is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// A link kept on the record (evidence): http or https, any host.
    Link,
    /// Where a channel's posts go: https, or http to this machine only
    /// (a secret never crosses the network in the clear).
    Post,
    /// Where a metric is read: https, or http to this machine only (its
    /// key never crosses the network in the clear).
    Source,
}

/// Why an address can't be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebError {
    /// A NUL, a line break, an escape or a bidi override in it.
    Controls(String),
    /// Spaces in it.
    Spaces(String),
    /// Over [`MAX_ADDRESS`] characters.
    TooLong,
    /// `https://` and nothing after it.
    NoHost(String),
    /// Plain http to another machine, where only https will do (for what).
    PlainHttp(String, Use),
    /// Not a web address at all.
    NotWeb(String),
    /// A name and password written into a metric's address, which the
    /// team shares: the password would be in the shared file.
    Credentials,
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Controls(a) => write!(
                f,
                "'{a}' holds control characters (a NUL, a line break, an escape) — paste the address alone, on one line"
            ),
            Self::Spaces(a) => write!(f, "'{a}' has spaces in it — paste the address alone"),
            Self::TooLong => write!(
                f,
                "that address is over {MAX_ADDRESS} characters — paste the address alone"
            ),
            Self::NoHost(a) => write!(f, "'{a}' names no host"),
            // The address is not repeated: it holds the password.
            Self::Credentials => f.write_str(
                "the address holds a name and password, and the metric's address is shared with the team — give the address without them, and the name:password as the key (--token -)",
            ),
            Self::PlainHttp(a, Use::Source) => write!(
                f,
                "'{a}' is plain http — the metric's key would cross the network readable by anyone on the way, so it must be https:// (plain http:// only to this machine)"
            ),
            Self::PlainHttp(a, _) => write!(
                f,
                "'{a}' is plain http — a webhook carries your team's messages and its own secret, so it must be https:// (plain http:// only to this machine, for testing)"
            ),
            Self::NotWeb(a) => write!(f, "'{a}' is not a web address — it starts with https://"),
        }
    }
}

/// `text` checked for `use`: the address as it will be kept (trimmed).
pub fn check(text: &str, use_: Use) -> Result<String, WebError> {
    let shown = || crate::text::one_line(text, 80);
    if text
        .chars()
        .any(|c| c.is_control() || crate::text::is_bidi_control(c))
    {
        return Err(WebError::Controls(shown()));
    }
    let text = text.trim();
    if text.contains(char::is_whitespace) {
        return Err(WebError::Spaces(shown()));
    }
    if text.len() > MAX_ADDRESS {
        return Err(WebError::TooLong);
    }
    let lower = text.to_ascii_lowercase();
    let (secure, rest) = match (
        lower.strip_prefix("https://"),
        lower.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Err(WebError::NotWeb(shown())),
    };
    let host = host_of(rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if use_ == Use::Source && authority.contains('@') {
        return Err(WebError::Credentials);
    }
    if host.is_empty() {
        return Err(WebError::NoHost(shown()));
    }
    if use_ != Use::Link && !secure && !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return Err(WebError::PlainHttp(shown(), use_));
    }
    Ok(text.to_owned())
}

/// The host part of what follows `scheme://`, without a port.
fn host_of(rest: &str) -> &str {
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => host,
    }
}

/// A feed's address to read, when `text` is one: `webcal://` read as
/// `https://`; `None` for anything that is not a web address (a path).
pub fn feed_address(text: &str) -> Option<String> {
    let text = text.trim();
    let scheme_end = text.find("://")?;
    let scheme = text[..scheme_end].to_ascii_lowercase();
    let rest = &text[scheme_end + 3..];
    if rest.is_empty()
        || rest.starts_with('/')
        || rest.contains(char::is_whitespace)
        || rest.contains(char::is_control)
        || text.len() > MAX_ADDRESS
    {
        return None;
    }
    match scheme.as_str() {
        "https" | "webcals" | "webcal" => Some(format!("https://{rest}")),
        "http" => Some(format!("http://{rest}")),
        _ => None,
    }
}

/// Whether `text` is meant as a web address (`https://`, `webcal://`…),
/// even a broken one, rather than a file's path.
pub fn looks_like_address(text: &str) -> bool {
    let text = text.trim().to_ascii_lowercase();
    ["http://", "https://", "webcal://", "webcals://"]
        .iter()
        .any(|s| text.starts_with(s))
}

/// Whether a link may be opened, checked as it is about to be offered,
/// whatever brought it (a file, a colleague's desk): http and https; a
/// `mailto:` of one plain address and nothing after it (no `?attach=`, no
/// body); a `tel:` of a number (and `;ext=` digits) only.
pub fn is_safe_link(text: &str) -> bool {
    let text = text.trim();
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let after = |scheme: &str| {
        text.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &text[scheme.len()..])
    };
    if let Some(address) = after("mailto:") {
        return is_address(address);
    }
    if let Some(number) = after("tel:") {
        let (number, extension) = number.split_once(";ext=").unwrap_or((number, "0"));
        let digits = number.strip_prefix('+').unwrap_or(number);
        return !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && !extension.is_empty()
            && extension.chars().all(|c| c.is_ascii_digit());
    }
    check(text, Use::Link).is_ok()
}

/// Whether `text` is one email address and nothing else: a user part and
/// a host with a dot, no spaces, no `?` parameters or `#`, no second `@`,
/// nothing a mail program would read as more than an address.
pub fn is_address(text: &str) -> bool {
    let Some((user, host)) = text.split_once('@') else {
        return false;
    };
    let user_ok = !user.is_empty()
        && !user.starts_with('.')
        && !user.ends_with('.')
        && user
            .chars()
            .all(|c| c.is_alphanumeric() || "!$%'*+-=^_{|}~.".contains(c));
    let host_ok = host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    user_ok && host_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_go_over_https_or_to_this_machine_only() {
        assert!(check("https://hooks.slack.com/services/T/B/x", Use::Post).is_ok());
        assert!(check("http://127.0.0.1:8080/hook", Use::Post).is_ok());
        assert!(check("http://localhost/hook", Use::Post).is_ok());
        assert!(matches!(
            check("http://hooks.example.com/x", Use::Post),
            Err(WebError::PlainHttp(..))
        ));
        // A user part can't pass another host off as this machine.
        assert!(matches!(
            check("http://127.0.0.1@evil.example/x", Use::Post),
            Err(WebError::PlainHttp(..))
        ));
        assert!(check("http://dashboards.internal/x", Use::Link).is_ok());
    }

    #[test]
    fn what_is_not_one_address_is_refused_with_why() {
        assert!(matches!(
            check("https://a/\0b", Use::Link),
            Err(WebError::Controls(_))
        ));
        assert!(matches!(
            check("https://a/\u{202E}b", Use::Link),
            Err(WebError::Controls(_))
        ));
        assert!(matches!(
            check("https://a b", Use::Link),
            Err(WebError::Spaces(_))
        ));
        assert!(matches!(
            check("https://", Use::Link),
            Err(WebError::NoHost(_))
        ));
        assert!(matches!(
            check("ftp://a", Use::Link),
            Err(WebError::NotWeb(_))
        ));
        let long = format!("https://a/{}", "x".repeat(MAX_ADDRESS));
        assert_eq!(check(&long, Use::Post), Err(WebError::TooLong));
    }

    #[test]
    fn links_are_offered_only_when_plain() {
        assert!(is_safe_link("https://grafana.example/d/x"));
        assert!(is_safe_link("mailto:sam@example.com"));
        assert!(!is_safe_link("mailto:a@b.com?attach=/etc/passwd"));
        assert!(is_safe_link("tel:+447700900123;ext=12"));
        assert!(!is_safe_link("tel:555-CALL"));
        assert!(!is_safe_link("javascript:alert(1)"));
        assert!(!is_safe_link("file:///etc/passwd"));
    }

    #[test]
    fn a_feed_address_is_read_as_https() {
        assert_eq!(
            feed_address("webcal://cal.example/x.ics").as_deref(),
            Some("https://cal.example/x.ics")
        );
        assert_eq!(feed_address("feeds/x.ics"), None);
        assert!(looks_like_address("webcal://x"));
        assert!(!looks_like_address("feeds/x.ics"));
    }
}
