//! The header, always visible: what is broken, who owns it, how long it has
//! been going, the stage, and the countdown to the next update.

use chrono::{DateTime, Utc};
use eframe::egui;

use super::{Action, Dialog, Facts};
use crate::model::comms;
use crate::model::procedure;
use crate::time::{age, minutes};

/// The header for the selected incident.
pub fn show(ui: &mut egui::Ui, facts: &Facts) -> Option<Action> {
    let incident = facts.incident;
    let cadence = &facts.state.settings;
    let mut action = None;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            // The countdown and its button claim their room first; the title truncates.
            if incident.is_open() {
                if super::widgets::primary(ui, "Post update…")
                    .on_hover_text("Ctrl+U")
                    .clicked()
                {
                    action = Some(Action::Open(Dialog::PostUpdate(incident.id.clone())));
                }
                // Beside the countdown, always there (nothing appears under
                // the pointer when it turns red).
                ui.menu_button("Snooze", |ui| {
                    for minutes in [5, 15, 30] {
                        if ui.button(format!("Snooze for {minutes} min")).clicked() {
                            action = Some(Action::run(
                                crate::command::Command::Snooze {
                                    incident: incident.id.clone(),
                                    for_: chrono::Duration::minutes(minutes),
                                },
                                crate::ui::Form::None,
                            ));
                            ui.close();
                        }
                    }
                })
                .response
                .on_hover_text("Put off the update reminder (Ctrl+Shift+S: 15 min)");
                if let Some(due) = comms::next_update_due(incident, cadence) {
                    let (text, color) = countdown(due, facts.now, ui.visuals());
                    ui.label(egui::RichText::new(text).strong().color(color).size(20.0));
                    announce(ui, due, facts.now);
                }
            } else {
                ui.label(egui::RichText::new("Resolved").strong().size(20.0));
            }
            // Another open incident due sooner than this one is named here,
            // and one click away.
            if let Some(other) = sooner(facts) {
                action = action.take().or(other.show(ui, facts.now));
            }
            // Where posting and sharing stand, on this line so that a state
            // coming or going never pushes the window down: only the title
            // gives up room.
            if let Some((words, whole)) = posting_state(facts.posting, &incident.id) {
                status(ui, &words, &whole, true);
            }
            if let Some(sharing) = facts.sharing {
                let words = sharing.summary();
                let whole = format!("{words}\n{}", sharing.detail(facts.now));
                status(ui, &words, &whole, !sharing.is_calm());
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(crate::text::clip(&incident.title, 300))
                            .size(20.0)
                            .strong(),
                    )
                    .truncate(),
                );
            });
        });
    });
    // One line whatever it holds (a wrapped line would push the whole
    // window down on one incident and not on another): the reopening's
    // reason comes last and gives way first.
    ui.horizontal(|ui| {
        let weak = |ui: &mut egui::Ui, text: &str| ui.label(egui::RichText::new(text).weak());
        weak(ui, "Owner");
        let owner = incident.owner.as_deref().unwrap_or("nobody");
        if crate::command::same_person(owner, facts.me) {
            ui.label(egui::RichText::new(format!("{owner} (you)")).strong());
        } else {
            ui.label(egui::RichText::new(owner).strong());
        }
        ui.separator();
        match incident.resolved_at {
            Some(at) => weak(ui, &format!("Resolved {}", age(at, facts.now))),
            None => weak(
                ui,
                &format!("Declared {}", age(incident.opened_at, facts.now)),
            ),
        };
        ui.separator();
        weak(ui, "Stage");
        // The stage it is at is the first one not done: say so, so that
        // "Classified" does not read as already classified.
        let stage = procedure::current_stage(incident);
        let progress = match procedure::stage_status(incident, stage).progress {
            procedure::Progress::Done => "",
            procedure::Progress::InProgress => " (in progress)",
            procedure::Progress::NotStarted => " (to do)",
        };
        ui.label(egui::RichText::new(format!("{}{progress}", stage.name())).strong());
        ui.separator();
        weak(ui, incident.id.as_str());
        if let (Some(watch), Some((judgement, _))) = (&incident.watch, facts.metric) {
            ui.separator();
            crate::ui::metric::chip(ui, judgement, watch, incident);
        }
        if let (Some(back), true) = (&incident.reopened, incident.is_open()) {
            ui.separator();
            let words = format!(
                "Reopened {}: {}",
                age(back.done.at, facts.now),
                crate::model::shorten(&back.reason, 60)
            );
            ui.add(
                egui::Label::new(egui::RichText::new(words).color(ui.visuals().warn_fg_color))
                    .truncate(),
            )
            .on_hover_text(format!("Reopened by {}: {}", back.done.by, back.reason));
        }
    });
    ui.add_space(4.0);
    action
}

/// The longest a state in the header gets, in characters; its tooltip has all.
const STATUS_LEN: usize = 28;

/// One state in the header's first line: a few words, warm when it needs
/// the person, the whole of it on hover.
fn status(ui: &mut egui::Ui, words: &str, whole: &str, warn: bool) {
    let text = egui::RichText::new(crate::model::shorten(words, STATUS_LEN));
    let text = if warn {
        text.color(ui.visuals().warn_fg_color)
    } else {
        text.weak()
    };
    ui.label(text)
        .on_hover_text(crate::text::without_os_codes(whole));
    ui.add_space(8.0);
}

/// Within this many seconds of the due time the countdown shows seconds.
const TICKING: i64 = 120;

/// The countdown. Far from the due time it shows minutes ("Next update in
/// 12 min") and changes once a minute: calm to look at, and the window stays
/// asleep. Within two minutes either side of it, it ticks in seconds: amber
/// "Next update in 01:45", then red "Update overdue 00:30", counting up; after
/// that "Update overdue by 5 min", still red.
pub fn countdown(
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    visuals: &egui::Visuals,
) -> (String, egui::Color32) {
    let clock = |seconds: i64| format!("{:02}:{:02}", seconds / 60, seconds % 60);
    let left = (due - now).num_seconds();
    match left {
        l if l > TICKING => (
            format!("Next update in {}", minutes_left(l)),
            visuals.strong_text_color(),
        ),
        l if l >= 0 => (
            format!("Next update in {}", clock(l)),
            visuals.warn_fg_color,
        ),
        l if l >= -TICKING => (
            format!("Update overdue {}", clock(-l)),
            visuals.error_fg_color,
        ),
        l => (
            format!("Update overdue by {}", minutes(-l)),
            visuals.error_fg_color,
        ),
    }
}

/// Where the countdown stands, for screen readers: a live region whose
/// words change only when the countdown turns amber ("Update due in under
/// 2 minutes") or overdue ("Update overdue"), so those moments are read out
/// without the seconds ticking being read all the time.
fn announce(ui: &mut egui::Ui, due: DateTime<Utc>, now: DateTime<Utc>) {
    let left = (due - now).num_seconds();
    let (words, live) = if left < 0 {
        ("Update overdue", egui::accesskit::Live::Assertive)
    } else if left <= TICKING {
        (
            "Update due in under 2 minutes",
            egui::accesskit::Live::Polite,
        )
    } else {
        ("Update not due yet", egui::accesskit::Live::Polite)
    };
    let rect = egui::Rect::from_min_size(ui.cursor().min, egui::Vec2::ZERO);
    let status = ui.interact(
        rect,
        egui::Id::unique("countdown-status"),
        egui::Sense::hover(),
    );
    status.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Status, true, words));
    ui.ctx()
        .accesskit_node_builder(status.id, |node| node.set_live(live));
}

/// The countdown to `due` in a few calm words that change once a minute,
/// to follow "update": "due in 12 min", "due in under a minute",
/// "overdue", "overdue by 3 min".
pub fn due_words(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match (due - now).num_seconds() {
        l if l >= 60 => format!("due in {}", minutes_left(l)),
        l if l >= 0 => "due in under a minute".to_owned(),
        l if l > -60 => "overdue".to_owned(),
        l => format!("overdue by {}", minutes(-l)),
    }
}

/// The minutes left, to the nearest (a half rounded down): "5 min" right
/// after a five-minute snooze, not "4 min".
fn minutes_left(seconds: i64) -> String {
    minutes(seconds + 29)
}

/// How long until the countdown to `due` (and the window title with it)
/// next changes what it shows.
pub fn countdown_changes_in(due: DateTime<Utc>, now: DateTime<Utc>) -> std::time::Duration {
    let left = (due - now).num_seconds();
    let wait = if left.abs() <= TICKING {
        1
    } else if left > TICKING {
        // The next minute shown, or the moment it starts ticking.
        (left - TICKING).min((left + 29).rem_euclid(60) + 1)
    } else {
        60 - (-left).rem_euclid(60)
    };
    seconds(wait)
}

/// How long until an [`age`] counted from `since` next changes.
pub fn age_changes_in(since: DateTime<Utc>, now: DateTime<Utc>) -> std::time::Duration {
    seconds(60 - (now - since).num_seconds().rem_euclid(60))
}

fn seconds(n: i64) -> std::time::Duration {
    std::time::Duration::from_secs(n.clamp(1, 60) as u64)
}

/// Another open incident whose next update is due before the shown one's.
struct Sooner<'a> {
    incident: &'a crate::model::Incident,
    due: DateTime<Utc>,
}

fn sooner<'a>(facts: &Facts<'a>) -> Option<Sooner<'a>> {
    let (incident, due) = facts.state.most_urgent()?;
    if incident.id == facts.incident.id {
        return None;
    }
    let shown = comms::next_update_due(facts.incident, &facts.state.settings);
    if shown.is_some_and(|shown| shown <= due) {
        return None;
    }
    Some(Sooner { incident, due })
}

impl Sooner<'_> {
    /// "Also overdue: Login fails — 2 min" (red), or "Also due: Login
    /// fails in 3 min"; clicking it shows that incident.
    fn show(&self, ui: &mut egui::Ui, now: DateTime<Utc>) -> Option<Action> {
        // In a narrow window the other incident's name is shorter, but it
        // is always named: "Also overdue" alone would not say which one.
        let narrow = ui.available_width() < 560.0;
        let title = crate::model::shorten(&self.incident.title, if narrow { 9 } else { 14 });
        let left = (self.due - now).num_seconds();
        let when = minutes(left.abs().max(60));
        let (words, color) = if left < 0 {
            (
                format!("Also overdue: {title} — {when}"),
                ui.visuals().error_fg_color,
            )
        } else {
            (
                format!("Also due: {title} in {when}"),
                ui.visuals().warn_fg_color,
            )
        };
        let whole = format!(
            "{} ({}): update {}. Click to show it.",
            crate::model::shorten(&self.incident.title, 200),
            self.incident.id,
            due_words(self.due, now)
        );
        let clicked = ui
            .add(egui::Button::new(egui::RichText::new(words).color(color)).frame(false))
            .on_hover_text(whole)
            .clicked();
        ui.add_space(8.0);
        clicked.then(|| Action::Select(self.incident.id.clone()))
    }
}

/// Posts that did not go out yet, in a few words and in full: a refusal
/// first, then one with no answer, then the waiting ones. A post of another
/// incident than the one shown says so.
fn posting_state(
    p: &crate::services::posting::News,
    shown: &crate::model::IncidentId,
) -> Option<(String, String)> {
    use crate::services::posting::Stuck;
    // Few words here (the title needs the room); which channel and why on hover.
    let whose = |stuck: &Stuck, words: &str| {
        if stuck.incident == *shown {
            words.to_owned()
        } else {
            format!("{words} (other incident)")
        }
    };
    let of = |stuck: &Stuck| {
        if stuck.incident == *shown {
            String::new()
        } else {
            format!(" for {}", stuck.incident)
        }
    };
    if let Some(stuck) = p.failed.first() {
        let Stuck { channel, why, .. } = stuck;
        return Some((
            whose(stuck, "Post failed"),
            format!(
                "Post to {channel}{} failed: {why}. Fix it in Channels, then Retry posting there.",
                of(stuck)
            ),
        ));
    }
    if let Some(stuck) = p.unknown.first() {
        let Stuck { channel, why, .. } = stuck;
        return Some((
            whose(stuck, "Post got no answer"),
            format!(
                "Post to {channel}{} got no answer ({why}). It may have arrived: look in {channel}, then Retry posting in Channels if it did not.",
                of(stuck)
            ),
        ));
    }
    let stuck = p.waiting.first()?;
    let words = match p.waiting.len() {
        1 => "1 post waiting".to_owned(),
        n => format!("{n} posts waiting"),
    };
    Some((
        words.clone(),
        format!(
            "{words} (to {}{}): {}. It goes out by itself, once.",
            stuck.channel,
            of(stuck),
            stuck.why
        ),
    ))
}
