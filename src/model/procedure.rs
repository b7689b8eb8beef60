//! The expedited procedure's stages: what "done" means for each, and what to
//! do next, in plain words.

use super::incident::{Decision, Incident, Role};

/// The eight stages of the expedited procedure, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// The issue is confirmed by a metric.
    Defined,
    /// Someone owns it.
    Owned,
    /// Expedite or not is decided.
    Classified,
    /// The cross-functional team is in place.
    TeamFormed,
    /// Stakeholders are kept updated.
    Communicating,
    /// The fix is described and any deviation justified.
    Fix,
    /// The fix is out and the original metric is back to normal.
    Deployment,
    /// Summary sent, origin told, postmortem scheduled.
    Conclusion,
}

impl Stage {
    /// All stages in procedure order.
    pub const ALL: [Stage; 8] = [
        Self::Defined,
        Self::Owned,
        Self::Classified,
        Self::TeamFormed,
        Self::Communicating,
        Self::Fix,
        Self::Deployment,
        Self::Conclusion,
    ];

    /// The stage's name as the procedure says it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Defined => "Defined",
            Self::Owned => "Owned",
            Self::Classified => "Classified",
            Self::TeamFormed => "Team formed",
            Self::Communicating => "Communicating",
            Self::Fix => "Fix",
            Self::Deployment => "Deployment",
            Self::Conclusion => "Conclusion",
        }
    }
}

/// How far a stage has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing recorded yet.
    NotStarted,
    /// Something recorded, something missing (or, for communication, ongoing).
    InProgress,
    /// Everything the stage asks for is recorded.
    Done,
}

impl Progress {
    /// The words a person reads: "Done", "In progress", "Not started".
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::InProgress => "In progress",
            Self::Done => "Done",
        }
    }
}

/// A stage's progress and what it still misses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageStatus {
    /// Which stage.
    pub stage: Stage,
    /// How far it has got.
    pub progress: Progress,
    /// What is missing, each item a short phrase a person can act on.
    pub missing: Vec<String>,
}

impl StageStatus {
    /// Where the stage stands in a sentence: "In progress — still needed: a; b".
    pub fn describe(&self) -> String {
        let word = self.progress.describe();
        if self.missing.is_empty() {
            word.to_owned()
        } else {
            format!("{word} — still needed: {}", self.missing.join("; "))
        }
    }

    fn new(stage: Stage, progress: Progress, missing: Vec<String>) -> Self {
        Self {
            stage,
            progress,
            missing,
        }
    }
}

/// The status of one stage of the incident.
pub fn stage_status(incident: &Incident, stage: Stage) -> StageStatus {
    use Progress::*;
    match stage {
        Stage::Defined => {
            if incident.evidence.is_empty() {
                StageStatus::new(
                    stage,
                    NotStarted,
                    vec!["a metric that confirms the issue".into()],
                )
            } else {
                StageStatus::new(stage, Done, vec![])
            }
        }
        Stage::Owned => match incident.owner {
            Some(_) => StageStatus::new(stage, Done, vec![]),
            None => StageStatus::new(stage, NotStarted, vec!["an owner".into()]),
        },
        Stage::Classified => classified(incident),
        Stage::TeamFormed => {
            let team = &incident.team;
            let missing: Vec<String> = team
                .uncovered()
                .map(|r| format!("a {} (or mark the role not needed)", r.describe()))
                .collect();
            let progress = if missing.is_empty() {
                Done
            } else if team.members.is_empty() && team.not_needed.is_empty() {
                NotStarted
            } else {
                InProgress
            };
            StageStatus::new(stage, progress, missing)
        }
        Stage::Communicating => {
            if incident.communication.updates.is_empty() {
                StageStatus::new(
                    stage,
                    NotStarted,
                    vec!["a first update in #expedite".into()],
                )
            } else if incident.is_open() {
                // Communication goes on until the incident is resolved.
                StageStatus::new(stage, InProgress, vec![])
            } else {
                StageStatus::new(stage, Done, vec![])
            }
        }
        Stage::Fix => fix(incident),
        Stage::Deployment => deployment(incident),
        Stage::Conclusion => {
            let c = &incident.conclusion;
            let mut missing = Vec::new();
            if c.summary_sent.is_none() {
                missing.push("the summary email to web".to_owned());
            }
            match &c.origin_told {
                None => missing.push("word back to the origin of the report".to_owned()),
                Some(t) if t.still_owed(incident) => {
                    missing.push(format!("word back to {} that it is fixed", t.whom))
                }
                Some(_) => {}
            }
            if c.postmortem.is_none() {
                missing.push("a blameless postmortem scheduled".to_owned());
            }
            let progress = match missing.len() {
                0 => Done,
                3 => NotStarted,
                _ => InProgress,
            };
            StageStatus::new(stage, progress, missing)
        }
    }
}

fn classified(incident: &Incident) -> StageStatus {
    let c = &incident.classification;
    let stage = Stage::Classified;
    match c.decision {
        None => StageStatus::new(
            stage,
            Progress::NotStarted,
            vec!["a decision: expedite, do not expedite, or unsure".into()],
        ),
        Some(Decision::Unsure) => match &c.advice {
            Some(a) if !a.answer.trim().is_empty() => {
                StageStatus::new(stage, Progress::Done, vec![])
            }
            Some(a) => StageStatus::new(
                stage,
                Progress::InProgress,
                vec![format!("{}'s answer", a.asked)],
            ),
            None => StageStatus::new(
                stage,
                Progress::InProgress,
                vec!["a product owner's advice".into()],
            ),
        },
        Some(_) => StageStatus::new(stage, Progress::Done, vec![]),
    }
}

fn fix(incident: &Incident) -> StageStatus {
    let stage = Stage::Fix;
    let Some(fix) = &incident.fix else {
        return StageStatus::new(
            stage,
            Progress::NotStarted,
            vec!["a description of the fix".into()],
        );
    };
    // The command refuses these gaps, but a hand-edited file may still have them.
    let mut missing = Vec::new();
    if fix.description.trim().is_empty() {
        missing.push("a description of the fix".to_owned());
    }
    for d in fix
        .deviations
        .iter()
        .filter(|d| d.justification.trim().is_empty())
    {
        missing.push(format!(
            "a justification for breaking process ({})",
            d.reason.describe()
        ));
    }
    if incident.is_open() && incident.failed_fix().is_some() {
        missing.push("the next fix (the one deployed before it came back did not hold)".to_owned());
    }
    if fix.is_temporary()
        && fix
            .permanent_fix
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
    {
        missing.push("the permanent fix to follow the temporary one".to_owned());
    }
    let progress = if missing.is_empty() {
        Progress::Done
    } else {
        Progress::InProgress
    };
    StageStatus::new(stage, progress, missing)
}

fn deployment(incident: &Incident) -> StageStatus {
    let stage = Stage::Deployment;
    let d = &incident.deployment;
    if d.deployed_at.is_none() {
        let progress = if d.readings.is_empty() {
            Progress::NotStarted
        } else {
            Progress::InProgress
        };
        return StageStatus::new(stage, progress, vec!["the fix deployed".into()]);
    }
    let mut missing = Vec::new();
    if d.rollback_plan.trim().is_empty() {
        missing.push("a rollback plan".to_owned());
    }
    use super::metric::Verdict;
    match (incident.watched_since_deploy(), d.latest_reading_after_deploy()) {
        (Some(Verdict::Normal), _) => {}
        (Some(Verdict::Recovering), _) => missing.push(format!(
            "the original metric back to normal (it is coming down; {} min under the threshold confirm it)",
            incident.watch.as_ref().map_or(15, |w| w.confirm_minutes)
        )),
        (Some(Verdict::Above | Verdict::Regressed), _) => missing
            .push("the original metric back to normal (the watched metric is above normal)".to_owned()),
        (Some(Verdict::Unknown), _) => missing.push(
            "the original metric back to normal (set the watched metric's threshold: too little was read before the declaration to know what is normal)".to_owned(),
        ),
        (None, None) => missing.push("a reading of the original metric since the deploy".to_owned()),
        (None, Some(r)) if !r.normal => {
            missing.push("the original metric back to normal (latest reading is not)".to_owned())
        }
        (None, Some(_)) => {}
    }
    let progress = if missing.is_empty() {
        Progress::Done
    } else {
        Progress::InProgress
    };
    StageStatus::new(stage, progress, missing)
}

/// The status of every stage, in procedure order.
pub fn stages(incident: &Incident) -> Vec<StageStatus> {
    Stage::ALL
        .iter()
        .map(|s| stage_status(incident, *s))
        .collect()
}

/// The stage the incident is at: the first one not done. Communication counts
/// as under way once the first update is out, since it runs alongside the rest.
pub fn current_stage(incident: &Incident) -> Stage {
    stages(incident)
        .into_iter()
        .find(|s| match s.stage {
            Stage::Communicating => s.progress == Progress::NotStarted,
            _ => s.progress != Progress::Done,
        })
        .map_or(Stage::Conclusion, |s| s.stage)
}

/// What to do next, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guidance {
    /// The stage the step belongs to.
    pub stage: Stage,
    /// One sentence saying what to do.
    pub step: String,
}

/// The next thing the owner should do on this incident.
pub fn next_step(incident: &Incident) -> Guidance {
    let status = |stage| stage_status(incident, stage);
    let say = |stage, step: &str| Guidance {
        stage,
        step: step.to_owned(),
    };

    if status(Stage::Defined).progress != Progress::Done {
        return say(
            Stage::Defined,
            "Confirm the issue with a metric: error-tracker events, call-centre reports or the error screen.",
        );
    }
    if incident.owner.is_none() {
        return say(
            Stage::Owned,
            "Nobody owns this yet — take ownership or hand it to someone.",
        );
    }
    if let Some(back) = &incident.reopened
        && incident.is_open()
        && incident
            .last_stakeholder_update()
            .is_none_or(|u| u.at <= back.done.at)
    {
        return Guidance {
            stage: Stage::Communicating,
            step: format!(
                "It is back ({}): post an update in #expedite saying so, and tell the origin of the report that it is not fixed yet.",
                back.reason
            ),
        };
    }
    let c = &incident.classification;
    match (c.decision, &c.advice) {
        (None, _) => {
            return say(
                Stage::Classified,
                "Decide whether to expedite: which of conversion, customer experience and revenue are hit, and for how long? If unsure, ask a product owner.",
            );
        }
        (Some(Decision::Unsure), None) => {
            return say(
                Stage::Classified,
                "You're unsure — ask a product owner whether to expedite before going on.",
            );
        }
        (Some(Decision::Unsure), Some(a)) if a.answer.trim().is_empty() => {
            return Guidance {
                stage: Stage::Classified,
                step: format!(
                    "Waiting for {}'s answer on whether to expedite — record it when it comes.",
                    a.asked
                ),
            };
        }
        _ => {}
    }
    if incident.is_open() && c.decision == Some(Decision::DoNotExpedite) {
        return say(
            Stage::Classified,
            "Not to be expedited — tell the origin of the report, raise it in the normal queue and resolve this incident.",
        );
    }
    if incident.communication.updates.is_empty() {
        return say(
            Stage::Communicating,
            "Post a first update in #expedite: what you see, what you're doing, when the next update comes.",
        );
    }
    let team = status(Stage::TeamFormed);
    if team.progress != Progress::Done {
        let roles: Vec<String> = Role::TEAM
            .iter()
            .filter(|r| !incident.team.is_covered(**r))
            .map(|r| format!("a {}", r.describe()))
            .collect();
        return Guidance {
            stage: Stage::TeamFormed,
            step: format!(
                "Form the team: find {} — or mark a role not needed. Out of hours, use the roster.",
                join_words(&roles)
            ),
        };
    }
    let fix = status(Stage::Fix);
    if fix.progress != Progress::Done {
        let step = match incident.fix {
            None => "Describe the fix, and say whether it breaks best practice and why.".to_owned(),
            Some(_) if incident.failed_fix().is_some() => {
                "The fix deployed before it came back did not hold: record the next fix (Change the fix), then deploy it.".to_owned()
            }
            Some(_) => format!("Complete the fix record: {}.", fix.missing.join("; ")),
        };
        return Guidance {
            stage: Stage::Fix,
            step,
        };
    }
    let deployment = status(Stage::Deployment);
    if deployment.progress != Progress::Done {
        let d = &incident.deployment;
        let step = if d.deployed_at.is_none() {
            "Deploy the fix the usual way, so it can be rolled back, and record it.".to_owned()
        } else if d.rollback_plan.trim().is_empty() {
            "Write down the rollback plan for the deployment.".to_owned()
        } else {
            "Monitor the original metric and record a reading: is it back to normal?".to_owned()
        };
        return Guidance {
            stage: Stage::Deployment,
            step,
        };
    }
    if incident.is_open() {
        return say(
            Stage::Deployment,
            "The metric is back to normal — post a last update and resolve the incident.",
        );
    }
    let conclusion = &incident.conclusion;
    if conclusion.summary_sent.is_none() {
        return say(
            Stage::Conclusion,
            "Send the summary email to web, with the PRs, tickets and links.",
        );
    }
    if conclusion
        .origin_told
        .as_ref()
        .is_none_or(|t| t.still_owed(incident))
    {
        return say(
            Stage::Conclusion,
            "Tell the origin of the report (call centre or other department) that it is fixed.",
        );
    }
    if conclusion.postmortem.is_none() {
        return say(
            Stage::Conclusion,
            "Schedule a blameless postmortem, or ask someone to schedule it.",
        );
    }
    say(
        Stage::Conclusion,
        "All done — the postmortem is scheduled. Thank you.",
    )
}

/// "a", "a and b", "a, b and c".
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::model::*;

    fn bare() -> Incident {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
        Incident::new(IncidentId::parse("2026-11-26-1").unwrap(), "t".into(), t)
    }

    fn progress(i: &Incident) -> Vec<Progress> {
        stages(i).iter().map(|s| s.progress).collect()
    }

    #[test]
    fn a_bare_incident_has_nothing_started_and_says_what_is_missing() {
        let i = bare();
        assert!(progress(&i).iter().all(|p| *p == Progress::NotStarted));
        let missing: Vec<String> = stages(&i).into_iter().flat_map(|s| s.missing).collect();
        assert!(missing.contains(&"a metric that confirms the issue".to_owned()));
        assert!(missing.contains(&"an owner".to_owned()));
        assert!(missing.contains(&"a tester (or mark the role not needed)".to_owned()));
        assert!(missing.contains(&"a blameless postmortem scheduled".to_owned()));
        assert_eq!(current_stage(&i), Stage::Defined);
    }

    #[test]
    fn team_is_in_progress_until_every_role_is_covered() {
        let mut i = bare();
        i.team.not_needed.push(Role::Tester);
        let s = stage_status(&i, Stage::TeamFormed);
        assert_eq!(s.progress, Progress::InProgress);
        assert_eq!(s.missing.len(), 3);
        i.team.members.push(TeamMember {
            name: "a".into(),
            role: Role::Developer,
        });
        i.team.members.push(TeamMember {
            name: "b".into(),
            role: Role::Reviewer,
        });
        i.team.members.push(TeamMember {
            name: "c".into(),
            role: Role::ProductOwner,
        });
        assert_eq!(stage_status(&i, Stage::TeamFormed).progress, Progress::Done);
    }

    #[test]
    fn unsure_without_advice_is_in_progress() {
        let mut i = bare();
        i.owner = Some("sam".into());
        i.evidence.push(Evidence {
            kind: EvidenceKind::ErrorScreen,
            text: "errors".into(),
            link: None,
            added_at: i.opened_at,
            added_by: "sam".into(),
        });
        i.classification.decision = Some(Decision::Unsure);
        let s = stage_status(&i, Stage::Classified);
        assert_eq!(
            (s.progress, s.missing),
            (
                Progress::InProgress,
                vec!["a product owner's advice".to_owned()]
            )
        );
        assert!(
            next_step(&i).step.contains("ask a product owner"),
            "{:?}",
            next_step(&i)
        );
    }

    #[test]
    fn a_hand_edited_fix_with_gaps_is_not_done() {
        let mut i = bare();
        i.fix = Some(Fix {
            description: " ".into(),
            deviations: vec![
                Deviation {
                    reason: DeviationReason::Complexity,
                    justification: "".into(),
                },
                Deviation {
                    reason: DeviationReason::TemporaryFix,
                    justification: "for now".into(),
                },
            ],
            permanent_fix: None,
            recorded_at: i.opened_at,
            recorded_by: "sam".into(),
        });
        let s = stage_status(&i, Stage::Fix);
        assert_eq!(s.progress, Progress::InProgress);
        assert_eq!(
            s.missing,
            vec![
                "a description of the fix".to_owned(),
                "a justification for breaking process (complexity of fix)".to_owned(),
                "the permanent fix to follow the temporary one".to_owned(),
            ]
        );
    }

    #[test]
    fn readings_before_the_deploy_do_not_confirm_it() {
        let mut i = bare();
        let t = i.opened_at;
        i.deployment.readings.push(MetricReading {
            at: t,
            value: 1.0,
            normal: true,
            note: "".into(),
            by: "s".into(),
        });
        assert_eq!(
            stage_status(&i, Stage::Deployment).progress,
            Progress::InProgress
        );
        i.deployment.deployed_at = Some(t + Duration::minutes(5));
        i.deployment.rollback_plan = "redeploy".into();
        let s = stage_status(&i, Stage::Deployment);
        assert_eq!(
            s.missing,
            vec!["a reading of the original metric since the deploy".to_owned()]
        );
        i.deployment.readings.push(MetricReading {
            at: t + Duration::minutes(9),
            value: 1.0,
            normal: true,
            note: "".into(),
            by: "s".into(),
        });
        assert_eq!(stage_status(&i, Stage::Deployment).progress, Progress::Done);
    }

    #[test]
    fn conclusion_partly_done_is_in_progress() {
        let mut i = bare();
        i.conclusion.origin_told = Some(OriginTold {
            done: Done {
                at: i.opened_at,
                by: "s".into(),
            },
            whom: "call centre".into(),
            about: String::new(),
            interim: false,
        });
        let s = stage_status(&i, Stage::Conclusion);
        assert_eq!(s.progress, Progress::InProgress);
        assert_eq!(s.missing.len(), 2);
    }
}
