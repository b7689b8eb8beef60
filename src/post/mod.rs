//! Posting updates where they go: each channel connected on its own to a
//! Slack incoming webhook, a Slack bot token (`chat.postMessage`), a
//! Microsoft Teams Workflows webhook, a Mattermost incoming webhook or a
//! generic JSON webhook.
//!
//! What connects a channel is a secret (a webhook URL is one: anyone with it
//! can post). It stays on this desk: in the desktop's keyring when there is
//! one (`keyring`), else in `connections.ron` itself, owner-only. Either way
//! `connections.ron` says which channels are connected and how, and is never
//! shared (`.gitignore` keeps it out of git). Posts wait in `outbox.ron`,
//! also this desk's own, so two colleagues sharing a folder never both send
//! one.

pub mod keyring;
pub mod outbox;
pub mod send;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::envelope::{self, Kind};

/// Where a channel's posts go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Connection {
    /// A Slack incoming webhook URL.
    SlackWebhook { url: String },
    /// A Slack bot token, posting with `chat.postMessage` to the channel of
    /// the same name; `api` is Slack's Web API address.
    SlackToken { token: String, api: String },
    /// A Microsoft Teams Workflows ("Post to a channel when a webhook request
    /// is received") URL; posts an Adaptive Card.
    TeamsWebhook { url: String },
    /// A Mattermost incoming webhook URL (Slack-compatible).
    MattermostWebhook { url: String },
    /// Any URL that takes a JSON body `{channel, incident, text}`.
    Webhook { url: String },
}

/// Slack's Web API.
pub const SLACK_API: &str = "https://slack.com/api";

impl Connection {
    /// What kind it is, in words.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SlackWebhook { .. } => "Slack webhook",
            Self::SlackToken { .. } => "Slack bot token",
            Self::TeamsWebhook { .. } => "Teams webhook",
            Self::MattermostWebhook { .. } => "Mattermost webhook",
            Self::Webhook { .. } => "webhook",
        }
    }

    /// The address posts go to.
    pub fn url(&self) -> String {
        match self {
            Self::SlackToken { api, .. } => {
                format!("{}/chat.postMessage", api.trim_end_matches('/'))
            }
            Self::SlackWebhook { url }
            | Self::TeamsWebhook { url }
            | Self::MattermostWebhook { url }
            | Self::Webhook { url } => url.clone(),
        }
    }

    /// The secret part: the token, or the whole webhook address.
    fn secret_mut(&mut self) -> &mut String {
        match self {
            Self::SlackToken { token, .. } => token,
            Self::SlackWebhook { url }
            | Self::TeamsWebhook { url }
            | Self::MattermostWebhook { url }
            | Self::Webhook { url } => url,
        }
    }

    /// What in it is secret, to be masked wherever a service quotes it back:
    /// the token or the webhook's address, and each long part of its path.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = match self {
            Self::SlackToken { token, .. } => vec![token.clone()],
            Self::SlackWebhook { url }
            | Self::TeamsWebhook { url }
            | Self::MattermostWebhook { url }
            | Self::Webhook { url } => vec![url.clone()],
        };
        let address = self.url();
        let path = address
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, path)| path.to_owned())
            .unwrap_or_default();
        secrets.extend(
            path.split(['/', '?', '&', '='])
                .filter(|part| part.len() >= 8)
                .map(str::to_owned),
        );
        secrets
    }

    /// The connection as `channel list` shows it: never the whole secret.
    pub fn masked(&self) -> String {
        match self {
            Self::SlackToken { token, api } => {
                let api = if api == SLACK_API {
                    String::new()
                } else {
                    format!(" via {api}")
                };
                format!("{} {}{api}", self.kind(), mask(token))
            }
            _ => format!("{} {}", self.kind(), mask_url(&self.url())),
        }
    }

    /// Checks the address: https, or http to this machine only (for testing).
    pub fn check(&self) -> Result<(), ChannelError> {
        let url = self.url();
        if let Self::SlackToken { token, .. } = self
            && (token.trim().is_empty() || token.chars().any(char::is_whitespace))
        {
            return Err(ChannelError::BadToken);
        }
        check_url(&url).map_err(ChannelError::Address)
    }
}

/// A web address posts may go to: `https://`, or `http://` to this
/// machine (`web::check` for posting).
pub fn check_url(url: &str) -> Result<(), crate::web::WebError> {
    crate::web::check(url, crate::web::Use::Post).map(|_| ())
}

/// Why a channel could not be connected, used or disconnected on this desk.
/// Its words follow "expedite: " in the terminal and begin a sentence in
/// the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelError {
    /// A Slack token that is empty or has spaces in it.
    BadToken,
    /// An address posts can't go to.
    Address(crate::web::WebError),
    /// This desk's own file could not be read or written.
    Desk(LocalError),
    /// The channel is not connected on this desk.
    NotConnected(String),
    /// The keyring was said to hold the channel's secret, and does not.
    SecretGone(String),
    /// The keyring holding the channel's secret could not be read.
    KeyringUnread {
        channel: String,
        why: keyring::KeyringError,
    },
    /// Disconnected, but the keyring still holds the secret.
    SecretLeft {
        channel: String,
        why: keyring::KeyringError,
    },
    /// The test message did not go out (for now).
    TestNotOut(String),
    /// The service refused the test message.
    TestRefused { channel: String, why: String },
    /// No answer came back to the test message: it may have arrived.
    TestUnanswered { channel: String, why: String },
}

impl fmt::Display for ChannelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadToken => f.write_str(
                "the token is empty or has spaces in it — paste the bot token (xoxb-…) as Slack shows it",
            ),
            Self::Address(e) => e.fmt(f),
            Self::Desk(e) => e.fmt(f),
            Self::NotConnected(channel) => write!(f, "{channel} is not connected"),
            Self::SecretGone(channel) => write!(
                f,
                "the desktop's keyring no longer holds {channel}'s secret — connect the channel again"
            ),
            Self::KeyringUnread { channel, why } => write!(
                f,
                "{channel}'s secret is in the desktop's keyring, which could not be read: {why} — start or unlock the keyring, or connect the channel again"
            ),
            Self::SecretLeft { channel, why } => write!(
                f,
                "{channel} is disconnected, but its secret could not be removed from the desktop's keyring ({why}) — remove the item \"Expedite: {channel}\" there by hand"
            ),
            Self::TestNotOut(why) => write!(f, "the test message did not go out: {why}"),
            Self::TestRefused { channel, why } => {
                write!(f, "{channel} refused the test message — {why}")
            }
            Self::TestUnanswered { channel, why } => write!(
                f,
                "no answer came back ({why}); look in {channel} whether it arrived"
            ),
        }
    }
}

impl From<LocalError> for ChannelError {
    fn from(e: LocalError) -> Self {
        Self::Desk(e)
    }
}

impl From<ChannelError> for String {
    fn from(e: ChannelError) -> Self {
        e.to_string()
    }
}

fn mask(secret: &str) -> String {
    let shown: String = secret.chars().take(5).collect();
    let tail: String = {
        let chars: Vec<char> = secret.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    if secret.chars().count() <= 12 {
        "•••".to_owned()
    } else {
        format!("{shown}…{tail}")
    }
}

/// `https://hooks.slack.com/…/XyZ9` — the host and the last four characters.
fn mask_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split('/').next().unwrap_or_default();
    let chars: Vec<char> = url.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    if rest.len() > host.len() + 1 {
        format!("{scheme}://{host}/…{tail}")
    } else {
        format!("{scheme}://{host}")
    }
}

/// Every connected channel, by its name (`#expedite`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connections {
    /// The channels and where their posts go. The secret of one kept in
    /// the keyring is empty here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, Connection>,
    /// The channels whose secret is in the desktop's keyring, each with
    /// how it is shown (masked, as `channel list` prints it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub in_keyring: BTreeMap<String, String>,
    /// This desk's keys for each incident's metric, by the incident's id;
    /// those kept in the keyring are here without their secrets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metric_keys: BTreeMap<String, crate::sources::Keys>,
    /// The incidents whose metric keys are in the desktop's keyring.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub metric_keys_in_keyring: std::collections::BTreeSet<String>,
    /// The metric sources this desk agreed to read, by the incident's id
    /// (each as [`crate::model::metric::Source::identity`] says it): one
    /// that came from the shared folder is read here only once agreed to.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metric_sources: BTreeMap<String, String>,
}

impl Connections {
    /// How `channel` is shown: its kind and a masked address, never the
    /// whole secret, and where the secret is kept.
    pub fn shown(&self, channel: &str) -> Option<String> {
        let connection = self.channels.get(channel)?;
        Some(match self.in_keyring.get(channel) {
            Some(shown) => format!("{shown} (in the desktop's keyring)"),
            None => connection.masked(),
        })
    }

    /// `channel`'s connection with its secret, read from the keyring when
    /// it is kept there. `Err` says why it could not be read and what to do.
    pub fn with_secret(&self, root: &Path, channel: &str) -> Result<Connection, ChannelError> {
        let mut connection = self
            .channels
            .get(channel)
            .cloned()
            .ok_or_else(|| ChannelError::NotConnected(channel.to_owned()))?;
        if self.in_keyring.contains_key(channel) {
            match keyring::fetch(root, channel) {
                Ok(Some(secret)) => *connection.secret_mut() = secret,
                Ok(None) => return Err(ChannelError::SecretGone(channel.to_owned())),
                Err(why) => {
                    return Err(ChannelError::KeyringUnread {
                        channel: channel.to_owned(),
                        why,
                    });
                }
            }
        }
        Ok(connection)
    }
}

/// Where a channel's secret went when it was connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kept {
    /// In the desktop's keyring.
    Keyring,
    /// In `connections.ron`, readable by this desk's owner only, and why not
    /// in a keyring.
    File { why: keyring::KeyringError },
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keyring => f.write_str("its secret is kept in the desktop's keyring"),
            Self::File { why } => write!(
                f,
                "its secret is kept in connections.ron, readable by you only (not in a keyring: {why})"
            ),
        }
    }
}

impl Kind for Connections {
    const FORMAT: &'static str = "expedite/connections";
}

/// Where this desk keeps its connections (owner-only, never shared).
pub fn connections_path(root: &Path) -> PathBuf {
    root.join("connections.ron")
}

/// Why this desk's own files could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalError(pub String);

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads one of this desk's own files; the default when there is none.
pub fn read_local<T: Kind + Default>(path: &Path) -> Result<T, LocalError> {
    match crate::store::atomic::read_plain(path, crate::store::atomic::MAX_DATA_FILE) {
        Ok(text) => envelope::read::<T>(&text).map(|r| r.data).map_err(|e| {
            LocalError(format!(
                "{} can't be read ({e}); it was left as it is. Repair it in a text editor, or remove it and connect the channels again.",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(LocalError(format!("{} could not be read: {e}", path.display()))),
    }
}

/// Writes one of this desk's own files, owner-only, atomically.
pub fn write_local<T: Kind>(path: &Path, data: &T) -> Result<(), LocalError> {
    let text = envelope::write(data, 1).map_err(|e| LocalError(e.to_string()))?;
    crate::store::atomic::write_atomic(path, text.as_bytes())
        .map_err(|e| LocalError(format!("{} could not be written: {e}", path.display())))?;
    // The backup holds the same secrets; it is owner-only as well, and kept
    // out of git like every *.bak.
    Ok(())
}

/// Connects `channel` on this desk: checks the address, keeps its secret
/// (in the keyring when there is one), and returns the connection as it may
/// be shown (masked) and where the secret went.
pub fn connect(
    root: &Path,
    channel: &str,
    mut connection: Connection,
) -> Result<(String, Kept), ChannelError> {
    connection.check()?;
    let path = connections_path(root);
    let mut connections: Connections = read_local(&path)?;
    let shown = connection.masked();
    let label = format!("Expedite: {channel} ({})", connection.kind());
    let kept = match keyring::store(root, channel, &label, connection.secret_mut()) {
        Ok(()) => {
            connection.secret_mut().clear();
            connections
                .in_keyring
                .insert(channel.to_owned(), shown.clone());
            Kept::Keyring
        }
        Err(why) => {
            connections.in_keyring.remove(channel);
            Kept::File { why }
        }
    };
    connections.channels.insert(channel.to_owned(), connection);
    write_local(&path, &connections)?;
    if let Kept::File { .. } = kept {
        // A secret the keyring held before is stale now: the file's is used.
        let _ = keyring::forget(root, channel);
    }
    Ok((shown, kept))
}

/// Disconnects `channel` on this desk, forgetting its secret; `false` when
/// it was not connected.
pub fn disconnect(root: &Path, channel: &str) -> Result<bool, ChannelError> {
    let path = connections_path(root);
    let mut connections: Connections = read_local(&path)?;
    if connections.channels.remove(channel).is_none() {
        return Ok(false);
    }
    let was_in_keyring = connections.in_keyring.remove(channel).is_some();
    write_local(&path, &connections)?;
    if was_in_keyring {
        keyring::forget(root, channel).map_err(|why| ChannelError::SecretLeft {
            channel: channel.to_owned(),
            why,
        })?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_machine_takes_posts() {
        assert!(check_url("https://hooks.slack.com/services/T/B/x").is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_url("http://localhost/hook").is_ok());
        assert!(
            check_url("http://hooks.example.com/x")
                .unwrap_err()
                .to_string()
                .contains("https")
        );
        assert!(check_url("http://127.0.0.1.evil.test/x").is_err());
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn a_listed_connection_never_shows_its_whole_secret() {
        let hook = Connection::SlackWebhook {
            url: "https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx".into(),
        };
        let shown = hook.masked();
        assert_eq!(shown, "Slack webhook https://hooks.slack.com/…uvwx");
        let token = Connection::SlackToken {
            token: "xoxb-1234567890-abcdefghijkl".into(),
            api: SLACK_API.into(),
        };
        assert_eq!(token.masked(), "Slack bot token xoxb-…ijkl");
    }
}
