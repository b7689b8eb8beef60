//! Team formed: developers, reviewers, a tester and a product owner, picked
//! from the roster, or marked not needed.

use std::collections::BTreeMap;

use eframe::egui;

use crate::command::Command;
use crate::model::Role;
use crate::ui::Form;
use crate::ui::widgets::{capital, field, named, section, submitted, weak};
use crate::ui::{Action, Facts};

/// How wide a team member's name is in the list.
const NAME_WIDTH: f32 = 170.0;
/// How wide their part is.
const ROLE_WIDTH: f32 = 100.0;
/// How wide their number is.
const NUMBER_WIDTH: f32 = 150.0;
/// How wide how the last call went is ("no answer 3 min ago (Sam)"),
/// where someone else follows it on the line.
const CALL_WIDTH: f32 = 190.0;

/// Each team role with how to add someone or mark it not needed, then the
/// team itself. Nothing here moves when something is pressed: each role's
/// rows are there whatever it holds (a person added stays in the roster's
/// suggestions, ticked and greyed; "not needed" takes the place of its
/// button), and the team is listed below every role, in the order people
/// joined, a person taken off keeping their row (to put them back) for as
/// long as the window is open.
pub fn show(
    ui: &mut egui::Ui,
    facts: &Facts,
    typed: &mut BTreeMap<Role, String>,
) -> Option<Action> {
    let incident = facts.incident;
    let open = incident.is_open();
    let mut action = None;
    weak(
        ui,
        "Cross-functional: developers to fix, developers to review promptly, a tester and a product owner.",
    );
    for role in Role::TEAM {
        section(ui, &plural(role));
        let members: Vec<&str> = incident
            .team
            .members
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.name.as_str())
            .collect();
        let not_needed = incident.team.not_needed.contains(&role);
        if !open {
            let whom = if not_needed {
                "Not needed for this incident.".to_owned()
            } else if members.is_empty() {
                "Nobody.".to_owned()
            } else {
                members.join(", ")
            };
            weak(ui, whom);
            continue;
        }
        if let Some(picked) = add_rows(ui, facts, role, typed, &members, not_needed, &mut action) {
            action = Some(Action::run(
                Command::AddTeamMember {
                    incident: incident.id.clone(),
                    name: picked,
                    role,
                },
                Form::TeamRole(role),
            ));
        }
        ui.horizontal(|ui| {
            if not_needed {
                weak(ui, "Not needed for this incident.");
                if ui
                    .small_button(format!("{} needed after all", capital(role.describe())))
                    .clicked()
                {
                    action = Some(needed(facts, role, true));
                }
            } else if ui
                .add_enabled(
                    members.is_empty(),
                    egui::Button::new(format!("No {} needed", role.describe())).small(),
                )
                .clicked()
            {
                action = Some(needed(facts, role, false));
            }
        });
    }
    typed.retain(|_, name| !name.is_empty());
    section(ui, "On the team");
    let id = egui::Id::unique(("team-rows", incident.id.as_str()));
    let rows = crate::ui::widgets::kept_rows(ui, id, &incident.team.members);
    if rows.is_empty() {
        weak(ui, "Nobody yet.");
    }
    for (member, on) in rows {
        let name = member.name.as_str();
        ui.horizontal(|ui| {
            // Cells of a set width, so a longer name added below moves
            // nobody's buttons; how the last call went comes after them.
            cell(ui, NAME_WIDTH, egui::RichText::new(name).strong());
            cell(
                ui,
                ROLE_WIDTH,
                egui::RichText::new(capital(member.role.describe())),
            );
            if !on {
                weak(ui, "taken off");
                let back = ui.small_button("Put back");
                named(ui, &back, &format!("Put {name} back"));
                if open && back.clicked() {
                    action = Some(Action::run(
                        Command::AddTeamMember {
                            incident: incident.id.clone(),
                            name: name.to_owned(),
                            role: member.role,
                        },
                        Form::None,
                    ));
                }
                return;
            }
            ui.allocate_ui_with_layout(
                egui::vec2(NUMBER_WIDTH, ui.spacing().interact_size.y),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_width(NUMBER_WIDTH);
                    number(ui, facts, name);
                },
            );
            if let Some(call) = call_button(ui, facts, name) {
                action = Some(call);
            }
            if open {
                let off = ui.small_button("Take off");
                named(ui, &off, &format!("Take {name} off"));
                if off.clicked() {
                    action = Some(Action::run(
                        Command::RemoveTeamMember {
                            incident: incident.id.clone(),
                            name: name.to_owned(),
                            role: member.role,
                        },
                        Form::None,
                    ));
                }
            }
            last_call(ui, facts, name, None);
        });
    }
    action
}

/// A label in a cell `width` wide, from its left, cut short (whole on hover).
fn cell(ui: &mut egui::Ui, width: f32, text: egui::RichText) {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.add(egui::Label::new(text).truncate());
        },
    );
}

/// The add field, who is on call, and the roster's suggestions for a role;
/// the name picked or typed (and accepted). A refusal goes to `action`.
fn add_rows(
    ui: &mut egui::Ui,
    facts: &Facts,
    role: Role,
    typed: &mut BTreeMap<Role, String>,
    members: &[&str],
    not_needed: bool,
    action: &mut Option<Action>,
) -> Option<String> {
    let name = typed.entry(role).or_default();
    let label = format!("Add {}", role.describe());
    let mut add = None;
    ui.add_enabled_ui(!not_needed, |ui| {
        ui.horizontal(|ui| {
            let response = field(ui, &label, name, "type a name");
            if ui.button("Add").on_hover_text(&label).clicked() || submitted(ui, &response) {
                // A typed name is a person on the roster, or meant anyway.
                match crate::ui::widgets::accepted_name(ui.ctx(), &facts.state.roster, name) {
                    Ok(()) => add = Some(name.clone()),
                    Err(why) => *action = Some(Action::Refuse(why)),
                }
            }
        });
        // Out of hours the question is who is on call: the rota's answer
        // first, those already on the team ticked where they were.
        let on_call = facts.state.roster.covering(role, facts.now);
        if !on_call.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("On call now:").weak());
                for c in on_call {
                    let added = members.iter().any(|m| m.eq_ignore_ascii_case(&c.who));
                    let offer = format!("Add {} (on call)", c.who);
                    if crate::ui::widgets::offer(ui, &offer, &c.who, added) {
                        add = Some(c.who.to_string());
                    }
                    number(ui, facts, &c.who);
                    if let Some(call) = call_button(ui, facts, &c.who) {
                        *action = Some(call);
                    }
                    last_call(ui, facts, &c.who, Some(CALL_WIDTH));
                }
            });
        }
        if let Some(picked) = crate::ui::widgets::suggestions_except(
            ui,
            &facts.state.roster,
            name,
            Some(role),
            "Add ",
            members,
        ) {
            add = Some(picked);
        }
    });
    add
}

/// A person's number to call (a `tel:` link), or that the roster has none.
fn number(ui: &mut egui::Ui, facts: &Facts, name: &str) {
    crate::ui::contacts::number_or_none(ui, facts.state.roster.number_of(name));
}

/// How the last call to them went: forming a team out of hours is calling
/// people, and the next person on shift should see who was tried. In a
/// cell `width` wide when given (where others follow it on the line).
fn last_call(ui: &mut egui::Ui, facts: &Facts, name: &str, width: Option<f32>) {
    use crate::model::CallOutcome;
    let text = match facts.incident.last_call(name) {
        Some(call) => {
            let text = egui::RichText::new(format!(
                "{} {} ({})",
                call.outcome.describe(),
                crate::ui::widgets::when(call.at, facts.now),
                call.by
            ));
            match call.outcome {
                CallOutcome::NoAnswer => text.color(ui.visuals().warn_fg_color),
                CallOutcome::Answered => text.color(crate::ui::widgets::DONE),
                CallOutcome::Called => text.weak(),
            }
        }
        None if width.is_none() => return,
        None => egui::RichText::new(""),
    };
    match width {
        Some(width) => cell(ui, width, text),
        None => {
            ui.label(text);
        }
    }
}

/// "Call…" (named "Call Alex Kim…") to record a call and how it went.
fn call_button(ui: &mut egui::Ui, facts: &Facts, name: &str) -> Option<Action> {
    use crate::model::CallOutcome;
    if !facts.incident.is_open() {
        return None;
    }
    let mut picked = None;
    let menu = ui.menu_button("Call…", |ui| {
        for (label, outcome) in [
            ("Answered", CallOutcome::Answered),
            ("No answer", CallOutcome::NoAnswer),
            ("Called, waiting to hear back", CallOutcome::Called),
        ] {
            if ui.button(label).clicked() {
                picked = Some(outcome);
                ui.close();
            }
        }
    });
    named(ui, &menu.response, &format!("Call {name}…"));
    picked.map(|outcome| {
        Action::run(
            Command::RecordCall {
                incident: facts.incident.id.clone(),
                who: name.to_owned(),
                outcome,
            },
            Form::None,
        )
    })
}

fn needed(facts: &Facts, role: Role, needed: bool) -> Action {
    Action::run(
        Command::SetRoleNeeded {
            incident: facts.incident.id.clone(),
            role,
            needed,
        },
        Form::None,
    )
}

fn plural(role: Role) -> String {
    match role {
        Role::Developer => "Developers fixing".to_owned(),
        Role::Reviewer => "Reviewers".to_owned(),
        other => capital(other.describe()),
    }
}
