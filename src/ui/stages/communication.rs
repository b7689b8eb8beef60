//! Communicating: where updates go, the updates posted, and the timer.

use eframe::egui;

use crate::command::Command;
use crate::model::{DEPLOYMENTS_CHANNEL, EXPEDITE_CHANNEL};
use crate::ui::Form;
use crate::ui::widgets::{field, section, submitted, weak, when};
use crate::ui::{Action, Dialog, Facts};

/// Channels, the update timer's buttons, and every update posted.
pub fn show(ui: &mut egui::Ui, facts: &Facts, new_channel: &mut String) -> Option<Action> {
    let incident = facts.incident;
    let open = incident.is_open();
    let channels = &incident.communication.channels;
    let mut action = None;
    let set = |channels: Vec<String>| {
        Action::run(
            Command::SetChannels {
                incident: incident.id.clone(),
                channels,
            },
            Form::Channel,
        )
    };
    if open {
        ui.horizontal_wrapped(|ui| {
            if ui.button("Post update…").clicked() {
                action = Some(Action::Open(Dialog::PostUpdate(incident.id.clone())));
            }
            ui.label(egui::RichText::new("Snooze reminder:").weak());
            for minutes in [5, 15, 30] {
                if ui.button(format!("{minutes} min")).clicked() {
                    action = Some(Action::run(
                        Command::Snooze {
                            incident: incident.id.clone(),
                            for_: chrono::Duration::minutes(minutes),
                        },
                        Form::None,
                    ));
                }
            }
        });
        weak(
            ui,
            "If you are busy with the fix, consider asking someone else to post the updates.",
        );
    }
    section(ui, "Channels");
    ui.add_enabled(false, egui::Checkbox::new(&mut true, EXPEDITE_CHANNEL))
        .on_disabled_hover_text("Every update goes to #expedite.");
    let mut deployments = channels.iter().any(|c| c == DEPLOYMENTS_CHANNEL);
    let response = ui.add_enabled(
        open,
        egui::Checkbox::new(&mut deployments, DEPLOYMENTS_CHANNEL),
    );
    weak(ui, "Tick when the issue affects deployments.");
    if response.changed() {
        let mut list: Vec<String> = channels
            .iter()
            .filter(|c| *c != DEPLOYMENTS_CHANNEL)
            .cloned()
            .collect();
        if deployments {
            list.push(DEPLOYMENTS_CHANNEL.to_owned());
        }
        action = Some(set(list));
    }
    if open {
        ui.horizontal(|ui| {
            let response = field(ui, "Dedicated channel", new_channel, "#inc-checkout");
            if ui.button("Add channel").clicked() || submitted(ui, &response) {
                let mut name = new_channel.trim().to_owned();
                if !name.is_empty() && !name.starts_with('#') {
                    name.insert(0, '#');
                }
                let mut list = channels.clone();
                list.push(name);
                action = Some(set(list));
            }
        });
        weak(
            ui,
            "When the issue is complex; #expedite still gets the regular updates.",
        );
    }
    // Below the field that adds them: one added grows the list under the
    // last control, one no longer used keeps its row to be used again.
    let dedicated: Vec<String> = channels
        .iter()
        .filter(|c| *c != EXPEDITE_CHANNEL && *c != DEPLOYMENTS_CHANNEL)
        .cloned()
        .collect();
    let id = egui::Id::unique(("dedicated-channels", incident.id.as_str()));
    for (channel, used) in crate::ui::widgets::kept_rows(ui, id, &dedicated) {
        ui.horizontal(|ui| {
            if !used {
                weak(ui, format!("{channel} — no longer used"));
                if open && ui.small_button(format!("Use {channel} again")).clicked() {
                    let mut list = channels.clone();
                    list.push(channel.clone());
                    action = Some(set(list));
                }
                return;
            }
            ui.label(&channel);
            if open && ui.small_button(format!("Stop using {channel}")).clicked() {
                action = Some(set(channels
                    .iter()
                    .filter(|c| **c != channel)
                    .cloned()
                    .collect()));
            }
        });
    }
    section(ui, "Updates");
    let updates = &incident.communication.updates;
    if updates.is_empty() {
        weak(ui, "None yet.");
    }
    for update in updates.iter().rev() {
        ui.label(
            egui::RichText::new(format!(
                "{} · {} · {}",
                when(update.at, facts.now),
                update.channel,
                update.by
            ))
            .weak(),
        );
        ui.add(egui::Label::new(crate::text::clip(&update.text, crate::text::SHOWN_MAX)).wrap());
        let (words, tone) = standing(facts, update);
        let visuals = ui.visuals();
        let text = egui::RichText::new(words);
        let text = match tone {
            Tone::Calm | Tone::ByHand => text.weak(),
            Tone::Waiting => text.color(visuals.warn_fg_color),
            Tone::Stuck => text.color(visuals.error_fg_color),
        };
        ui.add(egui::Label::new(text).wrap());
        // What only a person can post is one click from the clipboard.
        if matches!(tone, Tone::ByHand | Tone::Stuck)
            && ui
                .small_button(format!("Copy this update for {}", update.channel))
                .clicked()
        {
            action = Some(Action::Export(crate::ui::exports::Export::Copy {
                text: as_posted(facts, update),
                what: format!("The update for {}", update.channel),
            }));
        }
        ui.add_space(4.0);
    }
    action
}

/// The update as it would have been posted to its channel: the latest with
/// when the next one is due, an earlier one as it was written then.
fn as_posted(facts: &Facts, update: &crate::model::Update) -> String {
    let (incident, state) = (facts.incident, facts.state);
    if incident.last_update() == Some(update)
        && let Some((_, text)) =
            crate::pack::update::as_posted(incident, &state.roster, &state.settings)
    {
        return text;
    }
    let mut pack = crate::pack::Pack::new(incident, &state.roster, &state.settings, update.at);
    pack.next_update = None;
    crate::pack::update::text(&pack, &update.channel, &update.text, None)
}

/// How much a post's standing asks of the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    /// Posted.
    Calm,
    /// Recorded with nothing here to post it to: a person pastes it.
    ByHand,
    /// Goes out by itself.
    Waiting,
    /// Needs a person: refused, or no answer.
    Stuck,
}

/// Where posting `update` stands, in words: from the incident's record of
/// its postings (any desk's), else from this desk's connections.
fn standing(facts: &Facts, update: &crate::model::Update) -> (String, Tone) {
    use crate::model::comms::Delivery;
    let channel = &update.channel;
    let Some(posting) = facts.incident.posting_of(update) else {
        return if facts.posting.connected.contains_key(channel) {
            (format!("Waiting to post to {channel}."), Tone::Waiting)
        } else {
            (
                format!(
                    "Recorded, not posted: {channel} is not connected here — copy it into the channel."
                ),
                Tone::ByHand,
            )
        };
    };
    let by = if crate::command::same_person(&posting.by, facts.me) {
        String::new()
    } else {
        format!(" from {}'s desk", posting.by)
    };
    match &posting.delivery {
        Delivery::Sent { .. } => (
            format!(
                "Posted to {channel}{by} at {}.",
                when(posting.at, facts.now)
            ),
            Tone::Calm,
        ),
        Delivery::Queued { .. } => (
            format!(
                "Waiting to post to {channel}{by}: it goes out when the service can be reached."
            ),
            Tone::Waiting,
        ),
        Delivery::Failed { why } => (
            format!(
                "Could not post to {channel}{by}: {}.",
                why.trim_end_matches('.')
            ),
            Tone::Stuck,
        ),
        Delivery::Unknown { .. } => (
            format!(
                "Posting to {channel}{by} got no answer: it may have arrived. Look in the channel, then Retry posting in Channels if it is not there."
            ),
            Tone::Stuck,
        ),
    }
}
