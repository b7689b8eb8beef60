//! The procedure's steps from the terminal: `hand-over`, `classify`, `team`,
//! `fix`, `deployed`, `reading`, `resolve`… Each is read into the same
//! [`Command`] the window runs, so the rules, refusals and timeline lines
//! are the window's; only the reading of the arguments is the terminal's.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::command::Command;
use crate::model::{
    Advice, CallOutcome, Decision, Deviation, DeviationReason, FollowUpKind, Incident, IncidentId,
    Metric, MetricHit, Role, State,
};
use crate::time::{self, Edge};

/// A step of the procedure.
#[derive(Debug, Subcommand)]
pub enum Step {
    /// Hand the incident to a colleague, with a note on where things stand.
    HandOver {
        /// Who takes it, by their name on the roster.
        #[arg(long, value_name = "NAME")]
        to: String,
        /// Where things stand, for whoever takes it.
        #[arg(long, value_name = "TEXT")]
        note: String,
        /// Take a name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// Take ownership of the incident yourself.
    TakeOwnership,
    /// Decide whether to expedite: yes, no, or unsure (then say which
    /// product owner you asked with --advice-from).
    Classify {
        /// yes, no or unsure.
        #[arg(value_name = "DECISION", value_parser = parse_decision)]
        decision: Decision,
        /// The product owner asked for advice (needed when unsure).
        #[arg(long, value_name = "NAME")]
        advice_from: Option<String>,
        /// What they said; leave it out while waiting for the answer.
        #[arg(long, value_name = "TEXT", default_value = "")]
        advice: String,
        /// A metric hurt, as conversion, cx or revenue, with how after a
        /// colon: "cx:customers cannot pay". Repeat for more.
        #[arg(long, value_name = "METRIC[:HOW]", value_parser = parse_metric)]
        metric: Vec<MetricHit>,
        /// How long the problem is expected to last without a fix.
        #[arg(long, value_name = "TEXT", default_value = "")]
        lifespan: String,
        /// Take a product owner's name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// Put people on the team, take them off, or mark a role not needed.
    Team {
        /// What to change.
        #[command(subcommand)]
        what: TeamWhat,
    },
    /// Set the channels updates go to (#expedite always stays, first);
    /// without any, lists them.
    Channels {
        /// Channels such as #deployments or #inc-checkout.
        channels: Vec<String>,
    },
    /// Record a call made while forming the team, and how it went.
    Call {
        /// Who was called.
        name: String,
        /// answered, no-answer or called (rung, no outcome yet).
        #[arg(long, value_name = "OUTCOME", value_parser = parse_outcome, default_value = "called")]
        outcome: CallOutcome,
        /// Take a name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// Record the fix, with each rule broken and why.
    Fix {
        /// What the fix is.
        #[arg(long, value_name = "TEXT")]
        description: String,
        /// A rule broken, as KIND:WHY; KIND is speed, complexity, resources
        /// or temporary. Repeat for more.
        #[arg(long, value_name = "KIND:WHY", value_parser = parse_deviation)]
        deviation: Vec<Deviation>,
        /// The lasting fix to follow a temporary one.
        #[arg(long, value_name = "TEXT")]
        permanent_fix: Option<String>,
    },
    /// Record that the fix is deployed, and how to roll it back.
    Deployed {
        /// When [default: now]: 14:05 (today, this machine's time),
        /// "2026-12-01 14:05", or exactly 2026-12-01T14:05:00Z.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// How to undo it if it goes wrong.
        #[arg(long, value_name = "TEXT")]
        rollback_plan: String,
        /// It did not go out the usual way (say why in a note).
        #[arg(long)]
        not_usual_way: bool,
    },
    /// Record a reading of the original problem metric.
    Reading {
        /// The metric's value, e.g. 3 or 0.5.
        #[arg(value_parser = parse_value, allow_negative_numbers = true)]
        value: f64,
        /// When it was read [default: now]; as for `deployed --at`.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The metric is back to normal.
        #[arg(long)]
        normal: bool,
        /// What the reading shows, e.g. "errors/min, Bugsnag".
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
    /// Record that the summary email went to web.
    SummarySent {
        /// A PR, ticket or link it named. Repeat for more.
        #[arg(long, value_name = "URL")]
        link: Vec<String>,
    },
    /// Record that whoever reported it was told.
    OriginTold {
        /// Who was told: the call centre, which department.
        #[arg(long, value_name = "WHO")]
        whom: String,
        /// What they were told went wrong, in their words.
        #[arg(long, value_name = "TEXT", default_value = "")]
        noticed: String,
    },
    /// Schedule the blameless postmortem, or move it.
    Postmortem {
        /// When: "2026-12-03 14:00" (this machine's time) or exactly 2026-12-03T14:00:00Z.
        #[arg(long, value_name = "TIME")]
        at: String,
        /// Who runs it [default: you].
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// Take a name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// Work to do after the incident: add, list, or tick off.
    FollowUp {
        /// What to do.
        #[command(subcommand)]
        what: FollowUpWhat,
    },
    /// The incident is over.
    Resolve,
    /// The incident is back.
    Reopen {
        /// Why it is back.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

/// What `expedite team` changes.
#[derive(Debug, Subcommand)]
pub enum TeamWhat {
    /// Put someone on the team.
    Add {
        /// Their name on the roster.
        name: String,
        /// developer, reviewer, tester or product owner [default: their first such role on the roster].
        #[arg(long, value_name = "ROLE", value_parser = super::parse_role)]
        role: Option<Role>,
        /// Take a name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// Take someone off the team.
    Remove {
        /// Their name.
        name: String,
        /// The role they leave [default: the one they have on the team].
        #[arg(long, value_name = "ROLE", value_parser = super::parse_role)]
        role: Option<Role>,
    },
    /// Mark a role as not needed for this incident.
    NotNeeded {
        /// developer, reviewer, tester or product owner.
        #[arg(value_parser = super::parse_role)]
        role: Role,
    },
    /// Mark a role as needed again.
    Needed {
        /// developer, reviewer, tester or product owner.
        #[arg(value_parser = super::parse_role)]
        role: Role,
    },
}

/// What `expedite follow-up` does.
#[derive(Debug, Subcommand)]
pub enum FollowUpWhat {
    /// Add a follow-up.
    Add {
        /// What needs doing.
        text: String,
        /// Who does it.
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// permanent-fix, monitoring, test, process, documentation or other.
        #[arg(long, value_name = "KIND", value_parser = parse_kind, default_value = "other")]
        kind: FollowUpKind,
        /// The day it is due by: 2026-12-11, tomorrow, "in 7 days".
        #[arg(long, value_name = "DAY")]
        due: Option<String>,
        /// Take an owner's name the roster lacks.
        #[arg(long)]
        anyway: bool,
    },
    /// List the follow-ups.
    List,
    /// Tick one off, named by its text (or a part only it has).
    Done {
        /// Its text, or a part of it.
        text: String,
    },
    /// It was not done after all.
    Undo {
        /// Its text, or a part of it.
        text: String,
    },
}

/// What a step asks for: a command to run, or something to print.
pub enum Asked {
    /// Run this command.
    Run(Command),
    /// Print this, changing nothing.
    Show(String),
}

/// Reads a step into the command the window would run for it, checking
/// names against the roster as the window does. `Err` says what is wrong
/// and what to do.
pub fn read(
    step: Step,
    id: &IncidentId,
    state: &State,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Asked, String> {
    let incident = id.clone();
    let inc = &state.incidents[id];
    let named = |name: &str, anyway: bool| -> Result<(), String> {
        if anyway {
            return Ok(());
        }
        state.roster.check_name(name).map_err(|why| {
            format!("{why} Use the name on the roster, or add --anyway to take it as typed.")
        })
    };
    let command = match step {
        Step::HandOver { to, note, anyway } => {
            named(&to, anyway)?;
            Command::HandOver { incident, to, note }
        }
        Step::TakeOwnership => Command::TakeOwnership { incident },
        Step::Classify {
            decision,
            advice_from,
            advice,
            metric,
            lifespan,
            anyway,
        } => {
            if let Some(name) = &advice_from {
                named(name, anyway)?;
            }
            Command::Classify {
                incident,
                decision,
                advice: advice_from.map(|asked| Advice {
                    asked,
                    answer: advice,
                }),
                metrics: metric,
                expected_lifespan: lifespan,
            }
        }
        Step::Team { what } => team(what, incident, inc, state, &named)?,
        Step::Channels { channels } if channels.is_empty() => {
            return Ok(Asked::Show(inc.communication.channels.join("\n") + "\n"));
        }
        Step::Channels { mut channels } => {
            // #expedite always gets the updates: it need not be typed.
            if !channels
                .iter()
                .any(|c| c.eq_ignore_ascii_case(crate::model::EXPEDITE_CHANNEL))
            {
                channels.insert(0, crate::model::EXPEDITE_CHANNEL.to_owned());
            }
            Command::SetChannels { incident, channels }
        }
        Step::Call {
            name,
            outcome,
            anyway,
        } => {
            named(&name, anyway)?;
            Command::RecordCall {
                incident,
                who: name,
                outcome,
            }
        }
        Step::Fix {
            description,
            deviation,
            permanent_fix,
        } => Command::RecordFix {
            incident,
            description,
            deviations: deviation,
            permanent_fix,
        },
        Step::Deployed {
            at,
            rollback_plan,
            not_usual_way,
        } => Command::RecordDeployment {
            incident,
            at: at.map(|t| moment(&t, now)).transpose()?,
            usual_way: !not_usual_way,
            rollback_plan,
        },
        Step::Reading {
            value,
            at,
            normal,
            note,
        } => Command::AddMetricReading {
            incident,
            at: at.map(|t| moment(&t, now)).transpose()?,
            value,
            normal,
            note,
        },
        Step::SummarySent { link } => Command::MarkSummarySent {
            incident,
            links: link,
        },
        Step::OriginTold { whom, noticed } => {
            let about = if noticed.trim().is_empty() {
                let pack = crate::pack::Pack::new(inc, &state.roster, &state.settings, now);
                pack.noticed()
            } else {
                noticed
            };
            Command::MarkOriginTold {
                incident,
                whom,
                about,
            }
        }
        Step::Postmortem { at, owner, anyway } => {
            let owner = owner.unwrap_or_else(|| me.to_owned());
            named(&owner, anyway)?;
            Command::SchedulePostmortem {
                incident,
                at: moment(&at, now)?,
                owner,
            }
        }
        Step::FollowUp { what } => match what {
            FollowUpWhat::Add {
                text,
                owner,
                kind,
                due,
                anyway,
            } => {
                if let Some(o) = &owner {
                    named(o, anyway)?;
                }
                let today = now.with_timezone(&chrono::Local).date_naive();
                Command::AddFollowUp {
                    incident,
                    text,
                    owner,
                    kind,
                    due: due
                        .map(|d| time::day(&d, today))
                        .transpose()
                        .map_err(|why| format!("--due: {why}"))?,
                }
            }
            FollowUpWhat::List => return Ok(Asked::Show(follow_ups(inc, now))),
            FollowUpWhat::Done { text } => mark(inc, incident, &text, true)?,
            FollowUpWhat::Undo { text } => mark(inc, incident, &text, false)?,
        },
        Step::Resolve => Command::Resolve { incident },
        Step::Reopen { reason } => Command::Reopen { incident, reason },
    };
    Ok(Asked::Run(command))
}

fn team(
    what: TeamWhat,
    incident: IncidentId,
    inc: &Incident,
    state: &State,
    named: &dyn Fn(&str, bool) -> Result<(), String>,
) -> Result<Command, String> {
    Ok(match what {
        TeamWhat::Add { name, role, anyway } => {
            named(&name, anyway)?;
            let role = match role {
                Some(r) => r,
                None => state
                    .roster
                    .find(&name)
                    .and_then(|c| c.roles.iter().copied().find(|r| Role::TEAM.contains(r)))
                    .ok_or_else(|| {
                        format!("say which role {name} takes: --role developer, reviewer, tester or product-owner")
                    })?,
            };
            Command::AddTeamMember {
                incident,
                name,
                role,
            }
        }
        TeamWhat::Remove { name, role } => {
            let on_team: Vec<Role> = inc
                .team
                .members
                .iter()
                .filter(|m| m.name.eq_ignore_ascii_case(name.trim()))
                .map(|m| m.role)
                .collect();
            let role = match (role, on_team.as_slice()) {
                (Some(r), _) => r,
                (None, [one]) => *one,
                (None, []) => return Err(format!("{name} is not on the team")),
                (None, _) => {
                    return Err(format!(
                        "{name} is on the team in more than one role — say which with --role"
                    ));
                }
            };
            Command::RemoveTeamMember {
                incident,
                name,
                role,
            }
        }
        TeamWhat::NotNeeded { role } => Command::SetRoleNeeded {
            incident,
            role,
            needed: false,
        },
        TeamWhat::Needed { role } => Command::SetRoleNeeded {
            incident,
            role,
            needed: true,
        },
    })
}

/// The follow-up whose text is `text`, or the one only whose text holds it.
fn mark(inc: &Incident, incident: IncidentId, text: &str, done: bool) -> Result<Command, String> {
    let wanted = text.trim().to_lowercase();
    let exact: Vec<_> = inc
        .follow_ups
        .iter()
        .filter(|f| f.text.trim().to_lowercase() == wanted)
        .collect();
    let found: Vec<_> = if exact.is_empty() {
        inc.follow_ups
            .iter()
            .filter(|f| f.text.to_lowercase().contains(&wanted))
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [f] => Ok(Command::MarkFollowUp {
            incident,
            added_at: f.added_at,
            text: f.text.clone(),
            done,
        }),
        [] => Err(format!(
            "no follow-up on {} says '{}' — see them with: expedite follow-up list",
            inc.id,
            text.trim()
        )),
        many => Err(format!(
            "'{}' is in {} follow-ups ({}) — give more of the text",
            text.trim(),
            many.len(),
            many.iter()
                .map(|f| crate::model::shorten(&f.text, 40))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// The follow-ups as a person reads them, one a line.
fn follow_ups(inc: &Incident, now: DateTime<Utc>) -> String {
    if inc.follow_ups.is_empty() {
        return format!("No follow-ups on {} yet.\n", inc.id);
    }
    let today = now.with_timezone(&chrono::Local).date_naive();
    let mut out = String::new();
    for f in &inc.follow_ups {
        let tick = if f.done().is_some() { "[x]" } else { "[ ]" };
        let mut about = vec![f.kind.name().to_owned()];
        about.extend(f.owner.clone());
        if let Some(day) = f.due {
            about.push(format!("due {}", day.format("%Y-%m-%d")));
        }
        if f.overdue(today) {
            about.push("OVERDUE".to_owned());
        }
        out.push_str(&format!("{tick} {} ({})\n", f.text, about.join(", ")));
    }
    out
}

/// A typed time in this machine's zone, as the window reads one.
fn moment(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    Ok(time::moment(text, &chrono::Local, now, Edge::Start)?)
}

fn parse_decision(text: &str) -> Result<Decision, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "expedite" => Ok(Decision::Expedite),
        "no" | "do-not-expedite" => Ok(Decision::DoNotExpedite),
        "unsure" => Ok(Decision::Unsure),
        _ => Err(format!(
            "'{text}' is not a decision — use yes, no or unsure"
        )),
    }
}

fn parse_metric(text: &str) -> Result<MetricHit, String> {
    let (name, how) = text.split_once(':').unwrap_or((text, ""));
    let metric = match name.trim().to_lowercase().as_str() {
        "conversion" => Metric::Conversion,
        "cx" | "customer-experience" | "customer experience" => Metric::CustomerExperience,
        "revenue" => Metric::Revenue,
        other => {
            return Err(format!(
                "'{other}' is not a metric — use conversion, cx or revenue"
            ));
        }
    };
    Ok(MetricHit {
        metric,
        note: how.trim().to_owned(),
    })
}

fn parse_deviation(text: &str) -> Result<Deviation, String> {
    const KINDS: &str = "speed, complexity, resources or temporary";
    let (kind, why) = text
        .split_once(':')
        .ok_or_else(|| format!("write a rule broken as KIND:WHY, where KIND is {KINDS}"))?;
    let reason = match kind.trim().to_lowercase().as_str() {
        "speed" => DeviationReason::Speed,
        "complexity" => DeviationReason::Complexity,
        "resources" | "lack-of-resources" => DeviationReason::LackOfResources,
        "temporary" | "temporary-fix" => DeviationReason::TemporaryFix,
        other => return Err(format!("'{other}' is not a reason — use {KINDS}")),
    };
    Ok(Deviation {
        reason,
        justification: why.trim().to_owned(),
    })
}

fn parse_outcome(text: &str) -> Result<CallOutcome, String> {
    match text.trim().to_lowercase().as_str() {
        "answered" => Ok(CallOutcome::Answered),
        "no-answer" | "no answer" => Ok(CallOutcome::NoAnswer),
        "called" => Ok(CallOutcome::Called),
        _ => Err(format!(
            "'{text}' is not how a call went — use answered, no-answer or called"
        )),
    }
}

fn parse_kind(text: &str) -> Result<FollowUpKind, String> {
    FollowUpKind::parse(text).ok_or_else(|| {
        format!(
            "'{text}' is not a kind of follow-up — use permanent-fix, monitoring, test, process, documentation or other"
        )
    })
}

fn parse_value(text: &str) -> Result<f64, String> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{text}' is not a number — give the metric's value, e.g. 3 or 0.5"))
}
