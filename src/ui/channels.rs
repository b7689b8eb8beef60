//! Channels: where each channel's updates are posted (Slack, Teams,
//! Mattermost, a webhook), connected from here with a test message. The
//! secret typed here goes to this desk's `connections.ron` only: it is not
//! kept with the drafts, never shown whole again, and never shared.

use eframe::egui;

use super::widgets;
use crate::command::channel_name;
use crate::post::{Connection, SLACK_API};
use crate::services::posting::{Job, News as PostNews};

/// The kinds a channel can be connected to, as the form offers them.
const KINDS: [&str; 5] = [
    "Slack incoming webhook",
    "Slack bot token",
    "Microsoft Teams Workflows webhook",
    "Mattermost incoming webhook",
    "Other webhook (JSON)",
];

/// The form to connect a channel, held by the window while it is open.
#[derive(Clone, Debug)]
pub struct ChannelForm {
    /// The channel, e.g. `#expedite`.
    pub channel: String,
    /// Which of [`KINDS`].
    pub kind: usize,
    /// The webhook URL or token.
    pub secret: String,
    /// Why the last try was refused here.
    pub error: Option<String>,
    /// The channel, kind and secret as they were when it was refused:
    /// once any changes, the refusal no longer holds.
    refused_as: (String, usize, String),
}

impl Default for ChannelForm {
    fn default() -> Self {
        Self {
            channel: crate::model::EXPEDITE_CHANNEL.to_owned(),
            kind: 0,
            secret: String::new(),
            error: None,
            refused_as: Default::default(),
        }
    }
}

/// The Channels view; returns what to ask of the poster.
pub fn show(ui: &mut egui::Ui, form: &mut ChannelForm, news: &PostNews) -> Option<super::Action> {
    let mut job = None;
    widgets::title(ui, "Channels");
    ui.label(
        egui::RichText::new(
            "Connect a channel and its updates are posted there when you press Post update — \
             offline too: they wait in this desk's outbox and go out once, when the service can \
             be reached. A channel not connected has its updates recorded, for you to paste.",
        )
        .weak(),
    );
    ui.add_space(8.0);
    if news.connected.is_empty() {
        ui.label("No channel is connected yet.");
    }
    // One row a channel, laid out in the frame it appears (a grid would
    // size its columns a frame later and move the buttons under the pointer).
    for (channel, shown) in &news.connected {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(channel).strong());
            ui.label(shown);
            if ui
                .button(format!("Send a test message to {channel}"))
                .clicked()
            {
                // Signed by whoever is at this desk when it goes out.
                job = Some(Job::Test {
                    channel: channel.clone(),
                    from: String::new(),
                });
            }
            if ui.button(format!("Disconnect {channel}")).clicked() {
                job = Some(Job::Disconnect {
                    channel: channel.clone(),
                });
            }
        });
    }
    // One line kept for what the last test or change said, so nothing moves.
    let (text, color) = match &news.said {
        Some(Ok(said)) => (said.as_str(), ui.visuals().text_color()),
        Some(Err(said)) => (said.as_str(), ui.visuals().warn_fg_color),
        None => (" ", ui.visuals().text_color()),
    };
    ui.label(egui::RichText::new(text).color(color));
    ui.add_space(8.0);
    ui.heading("Connect a channel");
    egui::Grid::new("channels-connect")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Channel");
            ui.add(egui::TextEdit::singleline(&mut form.channel).desired_width(200.0))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Posts to");
            let options: Vec<_> = KINDS.iter().enumerate().map(|(i, k)| (i, *k)).collect();
            crate::ui::widgets::choice(ui, "channel-kind", label.id, &mut form.kind, &options);
            ui.end_row();
            let label = ui.label(if form.kind == 1 {
                "Bot token"
            } else {
                "Webhook URL"
            });
            ui.add(
                egui::TextEdit::singleline(&mut form.secret)
                    .password(true)
                    .desired_width(360.0)
                    .hint_text(if form.kind == 1 {
                        "xoxb-…"
                    } else {
                        "https://…"
                    }),
            )
            .labelled_by(label.id);
            ui.end_row();
        });
    if form.error.is_some()
        && form.refused_as != (form.channel.clone(), form.kind, form.secret.clone())
    {
        form.error = None;
    }
    // The refusal's lines are kept whether or not there is one, so Connect
    // stays where the pointer is (a refusal wraps to several lines at 800 px).
    widgets::reserved(ui, 4, |ui| {
        if let Some(error) = &form.error {
            ui.label(egui::RichText::new(error).color(ui.visuals().warn_fg_color));
        }
    });
    if widgets::primary(ui, "Connect").clicked() {
        match connection(form) {
            Ok((channel, connection)) => {
                form.secret.clear();
                form.error = None;
                job = Some(Job::Connect {
                    channel,
                    connection,
                });
            }
            Err(why) => {
                form.error = Some(why);
                form.refused_as = (form.channel.clone(), form.kind, form.secret.clone());
            }
        }
    }
    let stuck = news.failed.len() + news.unknown.len();
    if stuck > 0 {
        ui.add_space(8.0);
        ui.heading("Posts that did not go out");
        for stuck in news.failed.iter().chain(&news.unknown) {
            ui.label(format!(
                "{} ({}): {}",
                stuck.channel, stuck.incident, stuck.why
            ));
        }
        if ui.button("Retry posting").clicked() {
            job = Some(Job::Retry);
        }
    }
    job.map(super::Action::Channel)
}

fn connection(form: &ChannelForm) -> Result<(String, Connection), String> {
    let channel = channel_name(&form.channel).map_err(|e| e.to_string())?;
    let secret = form.secret.trim().to_owned();
    if secret.is_empty() {
        return Err(if form.kind == 1 {
            "Paste the bot token (xoxb-…) from Slack.".into()
        } else {
            "Paste the webhook URL the service gave you.".into()
        });
    }
    let connection = match form.kind {
        0 => Connection::SlackWebhook { url: secret },
        1 => Connection::SlackToken {
            token: secret,
            api: SLACK_API.into(),
        },
        2 => Connection::TeamsWebhook { url: secret },
        3 => Connection::MattermostWebhook { url: secret },
        _ => Connection::Webhook { url: secret },
    };
    connection
        .check()
        .map_err(crate::services::posting::sentence)?;
    Ok((channel, connection))
}
