//! Team formed: developers, reviewers, a tester and a product owner, picked
//! from the roster, or marked not needed.

use std::collections::BTreeMap;

use eframe::egui;

use crate::command::Command;
use crate::model::Role;
use crate::ui::drafts::Form;
use crate::ui::widgets::{capital, field, section, submitted, weak};
use crate::ui::{Action, Facts};

/// Each team role: who fills it, and how to add someone or mark it not needed.
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
        let title = plural(role);
        section(ui, &title);
        let members: Vec<&str> = incident
            .team
            .members
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.name.as_str())
            .collect();
        let not_needed = incident.team.not_needed.contains(&role);
        for name in &members {
            ui.horizontal(|ui| {
                ui.label(*name);
                if let Some(call) = call_row(ui, facts, name) {
                    action = Some(call);
                }
                if open && ui.small_button(format!("Take {name} off")).clicked() {
                    action = Some(Action::run(
                        Command::RemoveTeamMember {
                            incident: incident.id.clone(),
                            name: (*name).to_owned(),
                            role,
                        },
                        Form::None,
                    ));
                }
            });
        }
        if not_needed {
            ui.horizontal(|ui| {
                weak(ui, "Not needed for this incident.");
                if open
                    && ui
                        .small_button(format!("{} needed after all", capital(role.describe())))
                        .clicked()
                {
                    action = Some(needed(facts, role, true));
                }
            });
            continue;
        }
        if !open {
            if members.is_empty() {
                weak(ui, "Nobody.");
            }
            continue;
        }
        let name = typed.entry(role).or_default();
        let label = format!("Add {}", role.describe());
        let mut add = None;
        let mut refused = None;
        ui.horizontal(|ui| {
            let response = field(ui, &label, name, "type a name");
            if ui.button("Add").on_hover_text(&label).clicked() || submitted(ui, &response) {
                // A typed name is a person on the roster, or meant anyway.
                match crate::ui::widgets::accepted_name(ui.ctx(), &facts.state.roster, name) {
                    Ok(()) => add = Some(name.clone()),
                    Err(why) => refused = Some(why),
                }
            }
        });
        // Out of hours the question is who is on call: the rota's answer first.
        let on_call: Vec<_> = facts
            .state
            .roster
            .covering(role, facts.now)
            .into_iter()
            .filter(|c| !members.iter().any(|m| m.eq_ignore_ascii_case(&c.who)))
            .collect();
        if !on_call.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("On call now:").weak());
                for c in on_call {
                    if ui
                        .small_button(format!("Add {} (on call)", c.who))
                        .clicked()
                    {
                        add = Some(c.who.to_string());
                    }
                    if let Some(call) = call_row(ui, facts, &c.who) {
                        action = Some(call);
                    }
                }
            });
        }
        if let Some(picked) = crate::ui::widgets::suggestions_except(
            ui,
            &facts.state.roster,
            name,
            Some(role),
            "Add ",
            &members,
        ) {
            add = Some(picked);
        }
        if members.is_empty()
            && ui
                .small_button(format!("No {} needed", role.describe()))
                .clicked()
        {
            action = Some(needed(facts, role, false));
        }
        if let Some(why) = refused {
            action = Some(Action::Refuse(why));
        }
        if let Some(name) = add {
            action = Some(Action::run(
                Command::AddTeamMember {
                    incident: incident.id.clone(),
                    name,
                    role,
                },
                Form::TeamRole(role),
            ));
        }
    }
    typed.retain(|_, name| !name.is_empty());
    action
}

/// A person's number to call (a `tel:` link), how the last call went, and
/// "Call Alex Kim…" to record one: forming a team out of hours is calling
/// people, and the next person on shift should see who was tried.
fn call_row(ui: &mut egui::Ui, facts: &Facts, name: &str) -> Option<Action> {
    use crate::model::CallOutcome;
    crate::ui::contacts::number_or_none(ui, facts.state.roster.number_of(name));
    if let Some(call) = facts.incident.last_call(name) {
        let text = format!(
            "{} {} ({})",
            call.outcome.describe(),
            crate::ui::widgets::when(call.at, facts.now),
            call.by
        );
        let text = egui::RichText::new(text);
        ui.label(match call.outcome {
            CallOutcome::NoAnswer => text.color(ui.visuals().warn_fg_color),
            CallOutcome::Answered => text.color(crate::ui::widgets::DONE),
            CallOutcome::Called => text.weak(),
        });
    }
    if !facts.incident.is_open() {
        return None;
    }
    let mut picked = None;
    ui.menu_button(format!("Call {name}…"), |ui| {
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
