//! Conclusion: the summary email, word back to the origin of the report, the
//! blameless postmortem, follow-ups, and resolving (or reopening).

use eframe::egui;

use super::drafts::{ConclusionDraft, parse_local_time};
use super::widgets::{area, field, link, section, suggestions, weak, when};
use super::{Action, Facts};
use crate::command::Command;

/// The three closing steps, follow-ups, and resolve / reopen.
pub fn show(ui: &mut egui::Ui, facts: &Facts, form: &mut ConclusionDraft) -> Option<Action> {
    let incident = facts.incident;
    let id = &incident.id;
    let c = &incident.conclusion;
    let mut action = None;

    section(ui, "Summary email to web");
    if let Some(sent) = &c.summary_sent {
        ui.label(format!(
            "Sent {} by {}",
            when(sent.done.at, facts.now),
            sent.done.by
        ));
        for l in &sent.links {
            link(ui, l);
        }
    } else {
        area(
            ui,
            "PRs, tickets and links, one per line",
            &mut form.links,
            "https://github.com/…/pull/4821",
            2,
        );
        if ui.button("Mark summary sent").clicked() {
            let links = form
                .links
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            action = Some(Action::run(
                Command::MarkSummarySent {
                    incident: id.clone(),
                    links,
                },
                |d| d.conclusion.links.clear(),
            ));
        }
    }

    section(ui, "Word back to whoever reported it");
    if let Some(told) = &c.origin_told {
        ui.label(format!(
            "{} told {} by {}",
            told.whom,
            when(told.done.at, facts.now),
            told.done.by
        ));
    } else {
        field(
            ui,
            "Who reported it",
            &mut form.whom,
            "e.g. the call centre, the finance department",
        );
        if ui.button("Mark origin told").clicked() {
            action = Some(Action::run(
                Command::MarkOriginTold {
                    incident: id.clone(),
                    whom: form.whom.clone(),
                },
                |d| d.conclusion.whom.clear(),
            ));
        }
    }

    section(ui, "Blameless postmortem");
    if let Some(pm) = &c.postmortem {
        ui.label(format!("{} — run by {}", when(pm.at, facts.now), pm.owner));
    } else {
        field(
            ui,
            "When",
            &mut form.postmortem_at,
            "YYYY-MM-DD HH:MM, your time",
        );
        field(ui, "Run by", &mut form.postmortem_owner, facts.me);
        // Suggestions once typing starts; left empty, it is the person scheduling.
        if !form.postmortem_owner.is_empty()
            && let Some(name) =
                suggestions(ui, &facts.state.roster, &form.postmortem_owner, None, "")
        {
            form.postmortem_owner = name;
        }
        if ui.button("Schedule postmortem").clicked() {
            action = Some(
                match parse_local_time(&form.postmortem_at, facts.now, None) {
                    Ok(at) => {
                        let owner = form.postmortem_owner.trim();
                        Action::run(
                            Command::SchedulePostmortem {
                                incident: id.clone(),
                                at,
                                owner: if owner.is_empty() { facts.me } else { owner }.to_owned(),
                            },
                            |d| {
                                d.conclusion.postmortem_at.clear();
                                d.conclusion.postmortem_owner.clear();
                            },
                        )
                    }
                    Err(why) => Action::Refuse(format!("Postmortem time: {why}")),
                },
            );
        }
    }

    section(ui, "Follow-ups");
    for f in &incident.follow_ups {
        let owner = f
            .owner
            .as_deref()
            .map(|o| format!(" — {o}"))
            .unwrap_or_default();
        ui.add(egui::Label::new(format!("• {}{owner}", f.text)).wrap());
    }
    field(
        ui,
        "Follow-up",
        &mut form.follow_up,
        "work to do after the incident",
    );
    field(ui, "Who does it", &mut form.follow_up_owner, "optional");
    if ui.button("Add follow-up").clicked() {
        let owner = form.follow_up_owner.trim();
        action = Some(Action::run(
            Command::AddFollowUp {
                incident: id.clone(),
                text: form.follow_up.clone(),
                owner: (!owner.is_empty()).then(|| owner.to_owned()),
            },
            |d| {
                d.conclusion.follow_up.clear();
                d.conclusion.follow_up_owner.clear();
            },
        ));
    }

    ui.add_space(14.0);
    ui.separator();
    if let Some(at) = incident.resolved_at {
        ui.label(egui::RichText::new(format!("Resolved {}", when(at, facts.now))).strong());
        field(
            ui,
            "Why reopen",
            &mut form.reopen_reason,
            "the problem is back because…",
        );
        if ui.button("Reopen incident").clicked() {
            action = Some(Action::run(
                Command::Reopen {
                    incident: id.clone(),
                    reason: form.reopen_reason.clone(),
                },
                |d| d.conclusion.reopen_reason.clear(),
            ));
        }
    } else {
        weak(
            ui,
            "Resolve when the fix is confirmed and the steps above are done or handed on.",
        );
        if ui.button("Resolve incident").clicked() {
            action = Some(Action::run(
                Command::Resolve {
                    incident: id.clone(),
                },
                |_| {},
            ));
        }
    }
    action
}
