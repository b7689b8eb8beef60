//! `expedite channel …` and `expedite outbox …`: connecting channels to
//! where their posts go, and the posts waiting to go out.

use std::path::Path;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::command::channel_name;
use crate::model::comms::Delivery;
use crate::post::outbox::{self, Standing};
use crate::post::send;
use crate::post::{self, Connection, Connections, SLACK_API, connections_path, read_local};

/// What `expedite channel` does.
#[derive(Debug, Subcommand)]
pub enum ChannelWhat {
    /// Connect a channel to where its posts go (one of the options). A value
    /// of `-` is read from standard input, so a secret stays out of the
    /// shell's history.
    #[command(group(clap::ArgGroup::new("destination").required(true).multiple(false)))]
    Set {
        /// The channel, e.g. #expedite.
        channel: String,
        /// A Slack incoming webhook URL.
        #[arg(long, value_name = "URL", group = "destination")]
        slack_webhook: Option<String>,
        /// A Slack bot token (xoxb-…), posting with chat.postMessage.
        #[arg(long, value_name = "TOKEN", group = "destination")]
        slack_token: Option<String>,
        /// A Microsoft Teams Workflows webhook URL.
        #[arg(long, value_name = "URL", group = "destination")]
        teams_webhook: Option<String>,
        /// A Mattermost incoming webhook URL.
        #[arg(long, value_name = "URL", group = "destination")]
        mattermost_webhook: Option<String>,
        /// Any URL taking JSON {channel, incident, text}.
        #[arg(long, value_name = "URL", group = "destination")]
        webhook: Option<String>,
        /// Slack's Web API address, for a bot token [default: https://slack.com/api].
        #[arg(long, value_name = "URL", hide = true)]
        slack_api: Option<String>,
    },
    /// The connected channels (secrets shown in part only).
    List,
    /// Send a test message to the channel now.
    Test {
        /// The channel.
        channel: String,
    },
    /// Disconnect the channel: its updates are recorded, not posted.
    Remove {
        /// The channel.
        channel: String,
    },
}

/// What `expedite outbox` does besides listing.
#[derive(Debug, Subcommand)]
pub enum OutboxWhat {
    /// Try every waiting, failed and unknown post again now. An unknown one
    /// may have arrived already: look in the channel first.
    Retry,
}

/// The longest secret taken: a webhook's address or a token is a few
/// hundred characters.
const SECRET_MAX: usize = 4096;

pub(super) fn secret(value: String) -> Result<String, String> {
    let too_long = || {
        format!(
            "that secret is over {SECRET_MAX} characters — a webhook address or token is far shorter; check what was pasted or piped in"
        )
    };
    if value != "-" {
        if value.len() > SECRET_MAX {
            return Err(too_long());
        }
        return Ok(value.trim().to_owned());
    }
    use std::io::{BufRead as _, Read as _};
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(SECRET_MAX as u64 + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| format!("could not read standard input: {e}"))?;
    if bytes.len() > SECRET_MAX && !bytes.ends_with(b"\n") {
        return Err(too_long());
    }
    let line = String::from_utf8(bytes)
        .map_err(|_| "standard input is not text — pipe the secret in as it is".to_owned())?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        return Err(
            "standard input was empty — pipe the secret in, e.g. from your password manager".into(),
        );
    }
    Ok(line)
}

/// Runs `expedite channel …`.
pub fn channel(root: &Path, what: ChannelWhat, actor: &str) -> Result<(), String> {
    let path = connections_path(root);
    let connections: Connections = read_local(&path).map_err(|e| e.to_string())?;
    match what {
        ChannelWhat::Set {
            channel,
            slack_webhook,
            slack_token,
            teams_webhook,
            mattermost_webhook,
            webhook,
            slack_api,
        } => {
            let channel = channel_name(&channel).map_err(|e| e.to_string())?;
            let connection = if let Some(url) = slack_webhook {
                Connection::SlackWebhook { url: secret(url)? }
            } else if let Some(token) = slack_token {
                Connection::SlackToken {
                    token: secret(token)?,
                    api: slack_api.unwrap_or_else(|| SLACK_API.to_owned()),
                }
            } else if let Some(url) = teams_webhook {
                Connection::TeamsWebhook { url: secret(url)? }
            } else if let Some(url) = mattermost_webhook {
                Connection::MattermostWebhook { url: secret(url)? }
            } else if let Some(url) = webhook {
                Connection::Webhook { url: secret(url)? }
            } else {
                unreachable!("clap requires one destination")
            };
            let (shown, kept) = post::connect(root, &channel, connection)?;
            tell!(
                "{channel} is connected: {shown}; {kept}. Updates to it are posted from now on; try it with: expedite channel test {channel}"
            );
        }
        ChannelWhat::List => {
            if connections.channels.is_empty() {
                show!(
                    "No channel is connected: updates are recorded, and copied into the channel by hand. Connect one with: expedite channel set '#expedite' --slack-webhook -"
                );
            }
            for channel in connections.channels.keys() {
                show!(
                    "{channel}  {}",
                    connections.shown(channel).unwrap_or_default()
                );
            }
        }
        ChannelWhat::Test { channel } => {
            let channel = channel_name(&channel).map_err(|e| e.to_string())?;
            if !connections.channels.contains_key(&channel) {
                return Err(not_connected(&channel));
            }
            let connection = connections.with_secret(root, &channel)?;
            send::test(&connection, &channel, actor)?;
            tell!("The test message reached {channel}.");
        }
        ChannelWhat::Remove { channel } => {
            let channel = channel_name(&channel).map_err(|e| e.to_string())?;
            if !post::disconnect(root, &channel)? {
                return Err(not_connected(&channel));
            }
            tell!("{channel} is disconnected: its updates are recorded, not posted.");
        }
    }
    Ok(())
}

fn not_connected(channel: &str) -> String {
    format!(
        "{channel} is not connected — connect it with: expedite channel set '{channel}' --slack-webhook -"
    )
}

/// Runs `expedite outbox` (and `outbox retry`).
pub fn outbox_cmd(
    root: &Path,
    what: Option<OutboxWhat>,
    actor: &str,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<(), String> {
    if let Some(OutboxWhat::Retry) = what {
        let unknown = outbox::read(root)
            .map_err(|e| e.to_string())?
            .posts
            .iter()
            .filter(|p| matches!(p.standing, Standing::Unknown { .. }))
            .count();
        if unknown > 0 {
            tell!(
                "Sending again {unknown} post(s) that got no answer before: if one had arrived, the channel shows it twice."
            );
        }
        outbox::retry_all(root, now()).map_err(|e| e.to_string())?;
        let outcomes = drain(root, actor, now)?;
        for o in &outcomes {
            tell!(
                "{} ({}).",
                o.delivery.describe(&o.post.channel),
                o.post.incident
            );
        }
    }
    let posts = outbox::read(root).map_err(|e| e.to_string())?.posts;
    if posts.is_empty() {
        show!("The outbox is empty: every post went out.");
    }
    for p in &posts {
        let standing = match &p.standing {
            Standing::Waiting { why } => format!(
                "waiting ({why}); next try {}",
                p.next_try.format("%H:%M:%S UTC")
            ),
            Standing::Sending => "being sent".to_owned(),
            Standing::Failed { why } => format!("failed: {why}"),
            Standing::Unknown { why } => format!("unknown: {why} — it may have arrived"),
        };
        let tries = match p.attempts {
            1 => "1 try".to_owned(),
            n => format!("{n} tries"),
        };
        show!(
            "{}  {}  update of {}  {standing}  ({tries})",
            p.incident,
            p.channel,
            p.update_at.format("%Y-%m-%d %H:%M UTC"),
        );
    }
    Ok(())
}

/// After `expedite update`: posts the update when its channel is
/// connected, and says what became of it. `Err` when it was refused or its
/// fate is unknown (the update itself is recorded either way).
pub fn post_update(
    root: &Path,
    actor: &str,
    update: &outbox::UpdateOut,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<Option<Delivery>, String> {
    if !outbox::enqueue_if_connected(root, update, now()).map_err(|e| e.to_string())? {
        return Ok(None);
    }
    let outcomes = drain(root, actor, now)?;
    Ok(outcomes
        .into_iter()
        .find(|o| {
            o.post.is(
                &update.incident,
                &update.channel,
                update.update_at,
                &update.text,
            )
        })
        .map(|o| o.delivery))
}

/// Sends what is due in the outbox, writing what became of each post on
/// its incident's timeline as soon as it is known, signed by `actor`.
fn drain(
    root: &Path,
    actor: &str,
    now: &dyn Fn() -> DateTime<Utc>,
) -> Result<Vec<outbox::Outcome>, String> {
    let mut store = crate::store::Store::open(root).map_err(|e| e.to_string())?;
    let mut record = |post: &outbox::Post, delivery: &Delivery| {
        let mut state = crate::model::State::default();
        let command = outbox::delivery_command(post, delivery);
        if let Err(e) = store.execute(&mut state, command, actor, now()) {
            tell!(
                "What became of the post to {} could not be written on {}: {e}",
                post.channel,
                post.incident
            );
        }
    };
    outbox::drain(root, now, &mut record).map_err(|e| e.to_string())
}
