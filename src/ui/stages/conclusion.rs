//! Conclusion: the summary email, word back to the origin of the report, the
//! blameless postmortem, follow-ups, and resolving (or reopening).

use eframe::egui;

use crate::command::Command;
use crate::model::FollowUpKind;
use crate::pack::Pack;
use crate::pack::email::{self, Email};
use crate::ui::Form;
use crate::ui::drafts::{ConclusionDraft, parse_local_time};
use crate::ui::exports::{self, Exports};
use crate::ui::widgets::{
    accepted_name, area, capital, field, form_label, link, marked, section, suggestions, weak, when,
};
use crate::ui::{Action, Facts};

/// The three closing steps with what they send and save, follow-ups, and
/// resolve / reopen.
pub fn show(
    ui: &mut egui::Ui,
    facts: &Facts,
    form: &mut ConclusionDraft,
    exports: &Exports,
) -> Option<Action> {
    let incident = facts.incident;
    let id = &incident.id;
    let c = &incident.conclusion;
    // Where the summary goes: as typed here, else the team's address.
    let kept = facts
        .state
        .settings
        .web_team_email
        .clone()
        .unwrap_or_default();
    let mut web_to = form.web_team.clone().unwrap_or_else(|| kept.clone());
    let mut pack = Pack::new(
        incident,
        &facts.state.roster,
        &facts.state.settings,
        facts.now,
    );
    pack.extra_links = form
        .links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    // What the note to the origin says when nothing is typed: the hint of
    // its "What they noticed" field.
    let noticed_default = crate::model::shorten(&pack.noticed(), 80);
    pack.noticed = form.noticed.clone();

    // Each step looks the same before and after it is marked done: what
    // was typed stays where it was (greyed, as recorded), and the button
    // that marked it says so in its place. Nothing below moves.
    section(ui, "Summary email to web");
    if web_team(ui, &mut web_to, &kept) {
        form.keep_web_team = true;
        ui.ctx().request_repaint();
    }
    let mut action = None;
    form.web_team = (web_to != kept).then(|| web_to.clone());
    let typed = web_to.trim();
    if crate::web::is_address(typed) {
        pack.web_team = Some(typed);
    }
    let sent = c.summary_sent.as_ref();
    let mut links = sent.map(|s| s.links.join("\n"));
    ui.add_enabled_ui(sent.is_none(), |ui| {
        area(
            ui,
            "PRs, tickets and links, one per line",
            links.as_mut().unwrap_or(&mut form.links),
            "https://github.com/…/pull/4821",
            2,
        );
    });
    action = action.or(send_row(
        ui,
        exports,
        || email::summary(&pack),
        "summary",
        facts.now,
    ));
    let said = sent.map(|s| format!("Sent {} by {}", when(s.done.at, facts.now), s.done.by));
    let sent_links = sent.map_or(&[][..], |s| &s.links[..]);
    // What it linked to, on the same line (one line whatever it holds).
    let links_after = |ui: &mut egui::Ui| {
        for l in sent_links {
            link(ui, l);
        }
    };
    if marked(
        ui,
        "Mark summary sent",
        "Summary marked sent",
        said,
        links_after,
    ) {
        action = Some(Action::run(
            Command::MarkSummarySent {
                incident: id.clone(),
                links: pack.extra_links.clone(),
            },
            Form::SummaryLinks,
        ));
    }

    section(ui, "Word back to whoever reported it");
    // Told it was being worked on, and it is fixed now: asked for again
    // (the note now says it is fixed), from the same person.
    let owed = c.origin_told.as_ref().filter(|t| t.still_owed(incident));
    let told = c.origin_told.as_ref().filter(|t| !t.still_owed(incident));
    let (mut whom, mut about) = (told.map(|t| t.whom.clone()), told.map(|t| t.about.clone()));
    ui.add_enabled_ui(told.is_none(), |ui| {
        field(
            ui,
            "Who reported it",
            whom.as_mut().unwrap_or(&mut form.whom),
            owed.map_or("e.g. the call centre, the finance department", |t| {
                t.whom.as_str()
            }),
        );
        // Their words, not the team's title: shown as the hint, so what
        // the note will say is in sight before anything is typed.
        field(
            ui,
            "What they noticed",
            about.as_mut().unwrap_or(&mut form.noticed),
            &noticed_default,
        )
        .on_hover_text("In their words — the note says it back to them");
    });
    let to = match (told, owed) {
        (Some(t), _) => t.whom.as_str(),
        (None, Some(t)) if form.whom.trim().is_empty() => t.whom.as_str(),
        _ => form.whom.as_str(),
    };
    action = action.or(send_row(
        ui,
        exports,
        || email::origin(&pack, to),
        "note",
        facts.now,
    ));
    let said = told.map(|t| {
        format!(
            "{} told {}{} by {}",
            t.whom,
            if t.interim {
                "it is being worked on, "
            } else {
                ""
            },
            when(t.done.at, facts.now),
            t.done.by
        )
    });
    let mark = if owed.is_some() {
        "Mark origin told it is fixed"
    } else {
        "Mark origin told"
    };
    if marked(ui, mark, "Origin marked told", said, |_| {}) {
        action = Some(Action::run(
            Command::MarkOriginTold {
                incident: id.clone(),
                whom: to.to_owned(),
                about: pack.noticed(),
            },
            Form::OriginWhom,
        ));
    }

    section(ui, "Blameless postmortem");
    if let Some(pm) = &c.postmortem {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{} — run by {}", when(pm.at, facts.now), pm.owner));
            if !form.postmortem_changing && ui.button("Change time or owner…").clicked() {
                // The form starts from what is scheduled.
                form.postmortem_changing = true;
                let local = pm.at.with_timezone(&chrono::Local);
                form.postmortem_at = local.format("%Y-%m-%d %H:%M").to_string();
                form.postmortem_owner = pm.owner.clone();
            }
        });
    }
    if c.postmortem.is_none() || form.postmortem_changing {
        action = action.or(postmortem_form(ui, facts, form));
    }

    let saved = ui.horizontal_wrapped(|ui| {
        let busy = exports.busy();
        if ui
            .add_enabled(!busy, egui::Button::new("Save postmortem draft…"))
            .on_hover_text("Markdown: summary, impact, timeline, action items")
            .clicked()
        {
            return Some(exports::save(exports::postmortem_draft(&pack)));
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Save invite…"))
            .on_hover_text("A calendar invite (.ics) for the team, linking the draft")
            .clicked()
        {
            return Some(exports::save(exports.invite(&pack)));
        }
        exports.timeline_button(ui, &pack)
    });
    action = action.or(saved.inner);

    section(ui, "Follow-ups");
    action = action.or(follow_ups(ui, facts, form));

    ui.add_space(14.0);
    ui.separator();
    if let Some(at) = incident.resolved_at {
        ui.label(egui::RichText::new(format!("Resolved {}", when(at, facts.now))).strong());
        // "Reopen" at the end of its field's line: once pressed, what
        // resolves ("Resolve incident…", at the line's start) is not
        // under the pointer.
        ui.horizontal(|ui| {
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
                    Form::ReopenReason,
                ));
            }
        });
    } else {
        weak(
            ui,
            "Resolve when the fix is confirmed and the steps above are done or handed on.",
        );
        // It stays where it is (greyed) while asking, so nothing moves.
        let asked = ui
            .add_enabled(
                !form.confirm_resolve,
                egui::Button::new("Resolve incident…"),
            )
            .clicked();
        if asked {
            form.confirm_resolve = true;
        }
        if form.confirm_resolve {
            // Asked once, in a box below: the button that resolves is not
            // where "Resolve incident…" (or "Reopen incident") was.
            let last = incident.last_stakeholder_update();
            let asking = egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new("Post a last update first?").strong());
                weak(
                    ui,
                    &match last {
                        Some(u) => format!(
                            "The last update in #expedite was at {}. Stakeholders hear it is fixed from the last update.",
                            when(u.at, facts.now)
                        ),
                        None => "Nothing was posted in #expedite yet. Stakeholders hear it is fixed from the last update.".to_owned(),
                    },
                );
                ui.horizontal(|ui| {
                    if ui.button("Not yet").clicked() {
                        form.confirm_resolve = false;
                    }
                    if ui
                        .button("Post a last update…")
                        .on_hover_text("Posting it resolves the incident")
                        .clicked()
                    {
                        form.confirm_resolve = false;
                        action = Some(Action::Open(crate::ui::Dialog::LastUpdate(id.clone())));
                    }
                    if ui.button("Resolve now").clicked() {
                        form.confirm_resolve = false;
                        action = Some(Action::run(
                            Command::Resolve {
                                incident: id.clone(),
                            },
                            Form::None,
                        ));
                    }
                });
            });
            if asked {
                // Below the fold on a small window: brought into view.
                asking.response.scroll_to_me(Some(egui::Align::BOTTOM));
            }
        }
    }
    // Kept once nothing else pressed with leaving the field is in the way.
    if action.is_none() && std::mem::take(&mut form.keep_web_team) {
        action = Some(Action::run(
            Command::SetWebTeam {
                email: Some(web_to.trim().to_owned()),
            },
            Form::WebTeam,
        ));
    }
    action
}

/// The web team's address, kept for the whole team once typed (when the
/// field is left or Enter pressed: whether it was, with a change to keep);
/// beside it, on the same line, whether it is an address and whether it is
/// kept.
fn web_team(ui: &mut egui::Ui, to: &mut String, kept: &str) -> bool {
    ui.horizontal(|ui| {
        let label = form_label(ui, "To");
        let field = ui
            .add(
                egui::TextEdit::singleline(to)
                    .hint_text("the web team's, e.g. web@example.com")
                    .desired_width((ui.available_width() - 180.0).clamp(160.0, 360.0)),
            )
            .labelled_by(label.id);
        let typed = to.trim();
        let (words, warn) = if typed.is_empty() {
            ("No address yet: your mail program will ask", false)
        } else if !crate::web::is_address(typed) {
            ("Not an email address yet", true)
        } else if typed == kept.trim() {
            ("The team's address", false)
        } else {
            ("Kept for the team when you leave the field", false)
        };
        let text = egui::RichText::new(words);
        // In the room left on the line (all of it on hover).
        ui.add(
            egui::Label::new(if warn {
                text.color(ui.visuals().warn_fg_color)
            } else {
                text.weak()
            })
            .truncate(),
        )
        .on_hover_text(words);
        field.lost_focus()
            && typed != kept.trim()
            && (typed.is_empty() || crate::web::is_address(typed))
    })
    .inner
}

/// Copy, open in the mail program, save as `.eml` — and a look at the text.
/// The email is only written when a button is pressed or the text is shown,
/// not every frame.
fn send_row(
    ui: &mut egui::Ui,
    exports: &Exports,
    mail: impl Fn() -> Email,
    what: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Action> {
    let title = capital(what);
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        if ui.button(format!("Copy {what}")).clicked() {
            action = Some(exports::copy(mail().text(), &title));
        }
        if ui
            .button(format!("Open {what} in mail app"))
            .on_hover_text("A new email with the subject and text filled in")
            .clicked()
        {
            action = Some(exports::mail(mail(), &title));
        }
        if ui
            .add_enabled(
                !exports.busy(),
                egui::Button::new(format!("Save {what} as .eml…")),
            )
            .on_hover_text("A draft email file that mail programs open, ready to send")
            .clicked()
        {
            action = Some(exports::save(exports::email(&mail(), now, what)));
        }
    });
    egui::CollapsingHeader::new(format!("Read the {what}"))
        .id_salt(("read", what))
        .show(ui, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(mail().text()).monospace()).wrap());
        });
    action
}

/// When the postmortem is and who runs it: to schedule it, or to move it.
fn postmortem_form(ui: &mut egui::Ui, facts: &Facts, form: &mut ConclusionDraft) -> Option<Action> {
    let moving = facts.incident.conclusion.postmortem.is_some();
    field(
        ui,
        "When",
        &mut form.postmortem_at,
        "YYYY-MM-DD HH:MM, your time",
    );
    field(ui, "Run by", &mut form.postmortem_owner, facts.me);
    // Suggestions once typing starts; left empty, it is the person scheduling.
    if let Some(name) = suggestions(ui, &facts.state.roster, &form.postmortem_owner, None, "") {
        form.postmortem_owner = name;
    }
    let mut action = None;
    ui.horizontal(|ui| {
        let label = if moving {
            "Move postmortem"
        } else {
            "Schedule postmortem"
        };
        if ui.button(label).clicked() {
            let named = accepted_name(ui.ctx(), &facts.state.roster, &form.postmortem_owner);
            action = Some(
                match parse_local_time(&form.postmortem_at, facts.now, None) {
                    Ok(_) if let Err(why) = named => Action::Refuse(why),
                    Ok(at) => {
                        let owner = form.postmortem_owner.trim();
                        Action::run(
                            Command::SchedulePostmortem {
                                incident: facts.incident.id.clone(),
                                at,
                                owner: if owner.is_empty() { facts.me } else { owner }.to_owned(),
                            },
                            Form::Postmortem,
                        )
                    }
                    Err(why) => Action::Refuse(format!("Postmortem time: {why}")),
                },
            );
        }
        if moving && ui.button("Keep it as it is").clicked() {
            form.postmortem_changing = false;
        }
    });
    action
}

/// The follow-ups, each ticked off when done, and the form for another.
fn follow_ups(ui: &mut egui::Ui, facts: &Facts, form: &mut ConclusionDraft) -> Option<Action> {
    let incident = facts.incident;
    let today = facts.now.with_timezone(&chrono::Local).date_naive();
    let mut action = None;
    if incident.follow_ups.is_empty() {
        weak(ui, "None yet.");
    }
    for f in &incident.follow_ups {
        let done = f.done();
        let mut ticked = done.is_some();
        let mut about = vec![f.kind.name().to_owned()];
        about.extend(f.owner.clone());
        if let Some(day) = f.due {
            about.push(format!("due {}", day.format("%a %-d %b")));
        }
        if let Some(mark) = done {
            about.push(format!("done {} by {}", when(mark.at, facts.now), mark.by));
        }
        ui.horizontal_wrapped(|ui| {
            let text = if done.is_some() {
                egui::RichText::new(crate::text::clip(&f.text, crate::text::SHOWN_MAX))
                    .strikethrough()
            } else {
                egui::RichText::new(crate::text::clip(&f.text, crate::text::SHOWN_MAX))
            };
            if ui.checkbox(&mut ticked, text).changed() {
                action = Some(Action::run(
                    Command::MarkFollowUp {
                        incident: incident.id.clone(),
                        added_at: f.added_at,
                        text: f.text.clone(),
                        done: ticked,
                    },
                    Form::None,
                ));
            }
            let about = about.join(" · ");
            if f.overdue(today) {
                ui.colored_label(ui.visuals().warn_fg_color, format!("{about} — overdue"));
            } else {
                weak(ui, &about);
            }
        });
    }
    ui.add_space(4.0);
    field(
        ui,
        "Follow-up",
        &mut form.follow_up,
        "work to do after the incident",
    );
    ui.horizontal(|ui| {
        let label = form_label(ui, "Kind");
        let options = FollowUpKind::ALL.map(|k| (k, k.name()));
        crate::ui::widgets::choice(
            ui,
            "follow-up-kind",
            label.id,
            &mut form.follow_up_kind,
            &options,
        );
    });
    field(ui, "Who does it", &mut form.follow_up_owner, "optional");
    if let Some(name) = suggestions(ui, &facts.state.roster, &form.follow_up_owner, None, "") {
        form.follow_up_owner = name;
    }
    let in_a_week = (today + chrono::Duration::days(7)).format("%Y-%m-%d");
    field(
        ui,
        "Due by",
        &mut form.follow_up_due,
        &format!("optional — e.g. {in_a_week}, in 7 days"),
    );
    if ui.button("Add follow-up").clicked() {
        let owner = form.follow_up_owner.trim();
        let typed_due = form.follow_up_due.trim();
        let due = (!typed_due.is_empty())
            .then(|| crate::time::day(typed_due, today))
            .transpose();
        let named = accepted_name(ui.ctx(), &facts.state.roster, owner);
        action = Some(match (due, named) {
            (Err(why), _) => Action::Refuse(format!("Due by: {why}")),
            (_, Err(why)) => Action::Refuse(why),
            (Ok(due), Ok(())) => Action::run(
                Command::AddFollowUp {
                    incident: incident.id.clone(),
                    text: form.follow_up.clone(),
                    owner: (!owner.is_empty()).then(|| owner.to_owned()),
                    kind: form.follow_up_kind,
                    due,
                },
                Form::FollowUp,
            ),
        });
    }
    action
}
