//! Every command, and each way it can be refused.

use chrono::{Duration, TimeZone};

use super::*;
use crate::model::procedure::{Progress, Stage, current_stage, next_step, stage_status};
use crate::model::{DeviationReason, Metric, comms};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

fn evidence() -> NewEvidence {
    NewEvidence {
        kind: EvidenceKind::ErrorTracker { count: 340 },
        text: "TypeError in checkout".into(),
        link: Some("https://errors.example.com/1".into()),
    }
}

/// A state with one incident declared by sam at t0.
fn declared() -> (State, IncidentId) {
    let mut state = State::default();
    let cmd = Command::Declare {
        title: "Checkout 500s".into(),
        evidence: evidence(),
        owner: None,
    };
    apply(&mut state, cmd, "sam", t0()).unwrap();
    let id = state.incidents.keys().next().unwrap().clone();
    (state, id)
}

fn run(state: &mut State, cmd: Command) -> Result<Vec<Effect>, CommandError> {
    apply(state, cmd, "sam", mins(5))
}

/// Applies a command that must be refused, and checks nothing changed.
fn refused(state: &mut State, cmd: Command) -> CommandError {
    let before = state.clone();
    let err = run(state, cmd).expect_err("the command should be refused");
    assert_eq!(*state, before, "a refused command changed the state");
    assert!(err.to_string().ends_with('.'), "not a sentence: {err}");
    err
}

fn incident(state: &State, id: &IncidentId) -> Incident {
    (*state.incidents[id]).clone()
}

#[test]
fn declare_makes_the_declarer_owner_and_logs_it() {
    let (state, id) = declared();
    assert_eq!(id.as_str(), "2026-11-26-sam-1");
    let i = incident(&state, &id);
    assert_eq!(i.owner.as_deref(), Some("sam"));
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(i.hand_overs.len(), 1);
    assert!(
        i.timeline
            .iter()
            .any(|e| e.what == "Declared: Checkout 500s" && e.by == "sam" && e.at == t0())
    );
    let owner = i.timeline.iter().find(|e| e.what == "Owner set").unwrap();
    assert_eq!(
        owner.change,
        Some(Change {
            from: String::new(),
            to: "sam".into()
        })
    );
}

#[test]
fn declare_with_another_owner_and_ids_count_per_day() {
    let (mut state, _) = declared();
    let cmd = Command::Declare {
        title: "Search down".into(),
        evidence: evidence(),
        owner: Some("  jo ".into()),
    };
    let effects = apply(&mut state, cmd, "sam", mins(1)).unwrap();
    let id = IncidentId::parse("2026-11-26-sam-2").unwrap();
    assert_eq!(
        effects,
        vec![Effect::SaveIncident(id.clone()), Effect::Reschedule]
    );
    assert_eq!(state.incidents[&id].owner.as_deref(), Some("jo"));
    // The next day starts again at 1.
    let cmd = Command::Declare {
        title: "Next day".into(),
        evidence: evidence(),
        owner: None,
    };
    apply(&mut state, cmd, "sam", t0() + Duration::days(1)).unwrap();
    assert!(
        state
            .incidents
            .contains_key(&IncidentId::parse("2026-11-27-sam-1").unwrap())
    );
}

#[test]
fn declare_skips_ids_held_by_unreadable_files() {
    let mut state = State::default();
    state
        .taken_ids
        .insert(IncidentId::parse("2026-11-26-sam-1").unwrap());
    let cmd = Command::Declare {
        title: "x".into(),
        evidence: evidence(),
        owner: None,
    };
    apply(&mut state, cmd, "sam", t0()).unwrap();
    assert!(
        state
            .incidents
            .contains_key(&IncidentId::parse("2026-11-26-sam-2").unwrap())
    );
}

#[test]
fn declare_refusals() {
    let mut state = State::default();
    let err = refused(
        &mut state,
        Command::Declare {
            title: "  ".into(),
            evidence: evidence(),
            owner: None,
        },
    );
    assert!(err.to_string().contains("title is empty"));
    let zero = NewEvidence {
        kind: EvidenceKind::CallCentre { count: 0 },
        ..evidence()
    };
    assert_eq!(
        refused(
            &mut state,
            Command::Declare {
                title: "x".into(),
                evidence: zero,
                owner: None
            }
        ),
        CommandError::ZeroCount
    );
    let no_text = NewEvidence {
        text: " ".into(),
        ..evidence()
    };
    assert!(matches!(
        refused(
            &mut state,
            Command::Declare {
                title: "x".into(),
                evidence: no_text,
                owner: None
            }
        ),
        CommandError::Missing("evidence", _)
    ));
    let bad_link = NewEvidence {
        link: Some("file:///etc/passwd".into()),
        ..evidence()
    };
    assert!(matches!(
        refused(
            &mut state,
            Command::Declare {
                title: "x".into(),
                evidence: bad_link,
                owner: None
            }
        ),
        CommandError::BadLink(_)
    ));
    assert!(matches!(
        refused(
            &mut state,
            Command::Declare {
                title: "x".into(),
                evidence: evidence(),
                owner: Some(" ".into())
            }
        ),
        CommandError::Missing("owner", _)
    ));
}

#[test]
fn unknown_incident_is_refused() {
    let (mut state, _) = declared();
    let ghost = IncidentId::parse("2020-01-01-9").unwrap();
    let err = refused(
        &mut state,
        Command::AddNote {
            incident: ghost.clone(),
            text: "hi".into(),
        },
    );
    assert_eq!(err, CommandError::UnknownIncident(ghost));
}

#[test]
fn add_evidence_and_its_refusal() {
    let (mut state, id) = declared();
    let more = NewEvidence {
        kind: EvidenceKind::ErrorScreen,
        text: "booking errors on step 3".into(),
        link: None,
    };
    run(
        &mut state,
        Command::AddEvidence {
            incident: id.clone(),
            evidence: more,
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(i.evidence.len(), 2);
    assert!(i.timeline.last().unwrap().what.contains("error screen"));
    let bad = NewEvidence {
        link: Some("javascript:alert(1)".into()),
        ..evidence()
    };
    refused(
        &mut state,
        Command::AddEvidence {
            incident: id,
            evidence: bad,
        },
    );
}

#[test]
fn ownership_take_and_hand_over() {
    let (mut state, id) = declared();
    assert_eq!(
        refused(
            &mut state,
            Command::TakeOwnership {
                incident: id.clone()
            }
        ),
        CommandError::AlreadyOwner("sam".into())
    );
    let err = refused(
        &mut state,
        Command::HandOver {
            incident: id.clone(),
            to: "SAM".into(),
            note: "n".into(),
        },
    );
    assert_eq!(err, CommandError::HandOverToOwner("SAM".into()));
    assert!(err.to_string().contains("hand it to someone else"));
    assert!(matches!(
        refused(
            &mut state,
            Command::HandOver {
                incident: id.clone(),
                to: "jo".into(),
                note: " ".into()
            }
        ),
        CommandError::Missing("hand-over note", _)
    ));
    assert!(matches!(
        refused(
            &mut state,
            Command::HandOver {
                incident: id.clone(),
                to: "".into(),
                note: "x".into()
            }
        ),
        CommandError::Missing("new owner", _)
    ));
    let note = "Rollback ready; Alex on the fix; next update 02:30";
    run(
        &mut state,
        Command::HandOver {
            incident: id.clone(),
            to: "jo".into(),
            note: note.into(),
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(i.owner.as_deref(), Some("jo"));
    let h = i.hand_overs.last().unwrap();
    assert_eq!(
        (h.from.as_deref(), h.to.as_str(), h.note.as_str()),
        (Some("sam"), "jo", note)
    );
    let entry = i.timeline.last().unwrap();
    assert!(entry.what.contains(note));
    assert_eq!(
        entry.change,
        Some(Change {
            from: "sam".into(),
            to: "jo".into()
        })
    );
    // Sam takes it back.
    run(
        &mut state,
        Command::TakeOwnership {
            incident: id.clone(),
        },
    )
    .unwrap();
    assert_eq!(incident(&state, &id).owner.as_deref(), Some("sam"));
    assert_eq!(
        incident(&state, &id).timeline.last().unwrap().what,
        "Took ownership"
    );
}

#[test]
fn classification_rules() {
    let (mut state, id) = declared();
    let classify = |decision, advice, metrics| Command::Classify {
        incident: id.clone(),
        decision,
        advice,
        metrics,
        expected_lifespan: "since the 01:40 deploy".into(),
    };
    assert_eq!(
        refused(&mut state, classify(Decision::Unsure, None, vec![])),
        CommandError::UnsureWithoutProductOwner
    );
    let blank = Some(Advice {
        asked: " ".into(),
        answer: " ".into(),
    });
    assert_eq!(
        refused(&mut state, classify(Decision::Unsure, blank, vec![])),
        CommandError::UnsureWithoutProductOwner
    );
    let nameless = Some(Advice {
        asked: " ".into(),
        answer: "yes".into(),
    });
    assert!(matches!(
        refused(&mut state, classify(Decision::Unsure, nameless, vec![])),
        CommandError::Missing("product owner", _)
    ));
    let twice = vec![
        MetricHit {
            metric: Metric::Revenue,
            note: "a".into(),
        },
        MetricHit {
            metric: Metric::Revenue,
            note: "b".into(),
        },
    ];
    assert_eq!(
        refused(&mut state, classify(Decision::Expedite, None, twice)),
        CommandError::DuplicateMetric("revenue")
    );

    let asked = Some(Advice {
        asked: "Priya".into(),
        answer: String::new(),
    });
    run(&mut state, classify(Decision::Unsure, asked, vec![])).unwrap();
    let i = incident(&state, &id);
    assert_eq!(
        stage_status(&i, Stage::Classified).progress,
        Progress::InProgress
    );
    assert_eq!(
        stage_status(&i, Stage::Classified).missing,
        vec!["Priya's answer".to_owned()]
    );
    assert!(i.timeline.last().unwrap().what.contains("Asked Priya"));

    let hit = vec![MetricHit {
        metric: Metric::Revenue,
        note: "bookings -30 %".into(),
    }];
    run(&mut state, classify(Decision::Expedite, None, hit)).unwrap();
    let i = incident(&state, &id);
    assert_eq!(stage_status(&i, Stage::Classified).progress, Progress::Done);
    assert_eq!(i.classification.expected_lifespan, "since the 01:40 deploy");
    let entry = i
        .timeline
        .iter()
        .rev()
        .find(|e| e.what == "Classified")
        .unwrap();
    assert_eq!(
        entry.change,
        Some(Change {
            from: "unsure".into(),
            to: "expedite".into()
        })
    );
}

#[test]
fn team_members_roles_and_refusals() {
    let (mut state, id) = declared();
    let add = |name: &str, role| Command::AddTeamMember {
        incident: id.clone(),
        name: name.into(),
        role,
    };
    assert_eq!(
        refused(&mut state, add("jo", Role::WebContact)),
        CommandError::NotATeamRole(Role::WebContact)
    );
    assert!(matches!(
        refused(&mut state, add(" ", Role::Tester)),
        CommandError::Missing("name", _)
    ));
    run(
        &mut state,
        Command::SetRoleNeeded {
            incident: id.clone(),
            role: Role::Tester,
            needed: false,
        },
    )
    .unwrap();
    run(&mut state, add("Alex", Role::Developer)).unwrap();
    assert_eq!(
        refused(&mut state, add("alex", Role::Developer)),
        CommandError::AlreadyInTeam("alex".into(), Role::Developer)
    );
    // Adding someone to a role marked not needed makes it needed again.
    run(&mut state, add("Tess", Role::Tester)).unwrap();
    assert!(
        !incident(&state, &id)
            .team
            .not_needed
            .contains(&Role::Tester)
    );
    assert_eq!(
        refused(
            &mut state,
            Command::SetRoleNeeded {
                incident: id.clone(),
                role: Role::Tester,
                needed: false
            }
        ),
        CommandError::RoleFilled(Role::Tester, "Tess".into())
    );
    run(
        &mut state,
        Command::RemoveTeamMember {
            incident: id.clone(),
            name: "tess".into(),
            role: Role::Tester,
        },
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut state,
            Command::RemoveTeamMember {
                incident: id.clone(),
                name: "Tess".into(),
                role: Role::Tester
            }
        ),
        CommandError::NotInTeam("Tess".into(), Role::Tester)
    );
    let i = incident(&state, &id);
    assert_eq!(
        i.team.members,
        vec![TeamMember {
            name: "Alex".into(),
            role: Role::Developer
        }]
    );
    assert!(
        i.timeline
            .iter()
            .any(|e| e.what == "Tess left the team (tester)")
    );
    assert_eq!(
        refused(
            &mut state,
            Command::SetRoleNeeded {
                incident: id.clone(),
                role: Role::WebContact,
                needed: false
            }
        ),
        CommandError::NotATeamRole(Role::WebContact)
    );
    run(
        &mut state,
        Command::SetRoleNeeded {
            incident: id.clone(),
            role: Role::Reviewer,
            needed: false,
        },
    )
    .unwrap();
    run(
        &mut state,
        Command::SetRoleNeeded {
            incident: id.clone(),
            role: Role::Reviewer,
            needed: true,
        },
    )
    .unwrap();
    assert!(incident(&state, &id).team.not_needed.is_empty());
}

#[test]
fn channels_keep_expedite_and_normalise_names() {
    let (mut state, id) = declared();
    let set = |c: &[&str]| Command::SetChannels {
        incident: id.clone(),
        channels: c.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        refused(&mut state, set(&["#inc-checkout"])),
        CommandError::ExpediteChannelRequired
    );
    assert_eq!(
        refused(&mut state, set(&["#expedite", "two words"])),
        CommandError::BadChannel("two words".into())
    );
    run(
        &mut state,
        set(&["expedite", "#inc-checkout", "deployments", "#expedite"]),
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(
        i.communication.channels,
        vec!["#expedite", "#inc-checkout", "#deployments"]
    );
    assert_eq!(
        i.timeline.last().unwrap().change,
        Some(Change {
            from: "#expedite".into(),
            to: "#expedite, #inc-checkout, #deployments".into()
        })
    );
}

#[test]
fn each_update_keeps_its_own_standing_even_two_in_one_second() {
    use crate::model::comms::Delivery;
    let (mut state, id) = declared();
    let post = |text: &str| Command::PostUpdate {
        incident: id.clone(),
        text: text.into(),
        channel: None,
        next_in: None,
    };
    run(&mut state, post("Rolling back")).unwrap();
    run(&mut state, post("Rolled back")).unwrap();
    let i = incident(&state, &id);
    let (first, second) = (&i.communication.updates[0], &i.communication.updates[1]);
    assert!(second.at > first.at, "two updates, two times");
    let record = |update_at, delivery| Command::RecordDelivery {
        incident: id.clone(),
        channel: "#expedite".into(),
        update_at,
        update_by: None,
        delivery,
    };
    run(&mut state, record(first.at, Delivery::Sent { ts: None })).unwrap();
    let refused = Delivery::Failed {
        why: "channel_not_found".into(),
    };
    run(&mut state, record(second.at, refused.clone())).unwrap();
    // Waiting twice is said once; the later "waiting" changes nothing.
    let waiting = Delivery::Queued {
        why: "offline".into(),
    };
    let i = incident(&state, &id);
    let (first, second) = (&i.communication.updates[0], &i.communication.updates[1]);
    assert_eq!(
        i.posting_of(first).unwrap().delivery,
        Delivery::Sent { ts: None }
    );
    assert_eq!(i.posting_of(second).unwrap().delivery, refused);
    let third_at = mins(6);
    run(&mut state, record(third_at, waiting.clone())).unwrap();
    let before = incident(&state, &id);
    assert_eq!(run(&mut state, record(third_at, waiting)).unwrap(), vec![]);
    assert_eq!(incident(&state, &id), before);
}

#[test]
fn posting_updates_sets_the_next_due_time() {
    let (mut state, id) = declared();
    let cadence = crate::model::settings::Settings::default();
    // Before any update: the unclassified cadence from the declaration.
    assert_eq!(
        comms::next_update_due(&incident(&state, &id), &cadence),
        Some(mins(15))
    );
    let post = |text: &str, channel: Option<&str>, next_in| Command::PostUpdate {
        incident: id.clone(),
        text: text.into(),
        channel: channel.map(Into::into),
        next_in,
    };
    let effects = run(
        &mut state,
        post("Investigating", None, Some(Duration::minutes(20))),
    )
    .unwrap();
    assert!(effects.contains(&Effect::Reschedule));
    // What follows is said by the command: the update goes out where it goes.
    assert!(effects.contains(&Effect::Post(id.clone())), "{effects:?}");
    let i = incident(&state, &id);
    assert_eq!(i.communication.updates[0].channel, "#expedite");
    assert_eq!(comms::next_update_due(&i, &cadence), Some(mins(25)));
    assert!(i.timeline.last().unwrap().what.contains("Investigating"));
    // A post to a dedicated channel (or #deployments) is not an update to
    // the stakeholders: the countdown stays as it was.
    apply(
        &mut state,
        post(
            "Fix in review",
            Some("inc-checkout"),
            Some(Duration::minutes(60)),
        ),
        "jo",
        mins(10),
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(comms::next_update_due(&i, &cadence), Some(mins(25)));
    apply(
        &mut state,
        post("Hold deploys", Some("#deployments"), None),
        "jo",
        mins(11),
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(comms::next_update_due(&i, &cadence), Some(mins(25)));
    assert_eq!(i.last_stakeholder_update().unwrap().text, "Investigating");
    assert!(
        i.communication
            .channels
            .contains(&"#inc-checkout".to_owned()),
        "a new channel is added"
    );
    assert_eq!(i.communication.updates[1].by, "jo");
    // Without "next in", the cadence runs from the latest #expedite update.
    apply(
        &mut state,
        post("Fix deploying", None, None),
        "jo",
        mins(12),
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(comms::next_update_due(&i, &cadence), Some(mins(27)));
    assert!(matches!(
        refused(&mut state, post("  ", None, None)),
        CommandError::Missing("update", _)
    ));
    assert_eq!(
        refused(&mut state, post("x", None, Some(Duration::zero()))),
        CommandError::NonPositiveInterval
    );
    assert!(matches!(
        refused(&mut state, post("x", Some("#a b"), None)),
        CommandError::BadChannel(_)
    ));
}

#[test]
fn resolved_incident_refuses_updates_until_reopened() {
    let (mut state, id) = declared();
    run(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(i.resolved_at, Some(mins(5)));
    assert_eq!(
        comms::next_update_due(&i, &crate::model::settings::Settings::default()),
        None,
        "a resolved incident has no timer"
    );
    let post = Command::PostUpdate {
        incident: id.clone(),
        text: "x".into(),
        channel: None,
        next_in: None,
    };
    let err = refused(&mut state, post.clone());
    assert_eq!(err, CommandError::Resolved(id.clone(), "post an update"));
    assert!(err.to_string().contains("Reopen it first"));
    assert_eq!(
        refused(
            &mut state,
            Command::Resolve {
                incident: id.clone()
            }
        ),
        CommandError::Resolved(id.clone(), "resolve it again")
    );
    refused(
        &mut state,
        Command::SetChannels {
            incident: id.clone(),
            channels: vec!["#expedite".into()],
        },
    );
    assert!(matches!(
        refused(
            &mut state,
            Command::Reopen {
                incident: id.clone(),
                reason: " ".into()
            }
        ),
        CommandError::Missing("reason", _)
    ));
    run(
        &mut state,
        Command::Reopen {
            incident: id.clone(),
            reason: "errors are back".into(),
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert!(i.is_open());
    assert_eq!(
        comms::next_update_due(&i, &crate::model::settings::Settings::default()),
        Some(mins(5)),
        "due at once after reopening"
    );
    assert_eq!(
        refused(
            &mut state,
            Command::Reopen {
                incident: id.clone(),
                reason: "x".into()
            }
        ),
        CommandError::AlreadyOpen(id.clone())
    );
    run(&mut state, post).unwrap();
}

#[test]
fn word_back_while_it_is_still_being_worked_on_is_asked_for_again_once_fixed() {
    let (mut state, id) = declared();
    let told = || Command::MarkOriginTold {
        incident: id.clone(),
        whom: "the call centre".into(),
        about: String::new(),
    };
    run(&mut state, told()).unwrap();
    let i = incident(&state, &id);
    assert!(i.conclusion.origin_told.as_ref().unwrap().interim);
    assert!(!next_step(&i).step.starts_with("Tell the origin"));
    run(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    let said: Vec<&str> = i.timeline.iter().map(|e| e.what.as_str()).collect();
    assert!(said.contains(&"Told the call centre it is being worked on"));
    assert!(
        said.contains(&"the call centre was told it was being worked on: tell them it is fixed")
    );
    assert!(
        stage_status(&i, Stage::Conclusion)
            .missing
            .contains(&"word back to the call centre that it is fixed".to_owned())
    );
    run(&mut state, told()).unwrap();
    let i = incident(&state, &id);
    assert!(!i.conclusion.origin_told.as_ref().unwrap().interim);
    assert!(
        !stage_status(&i, Stage::Conclusion)
            .missing
            .iter()
            .any(|m| m.contains("call centre"))
    );

    // Once the fix is out and the metric reads normal, it is fixed: the
    // word back says so before the incident is resolved.
    let (mut state, id) = declared();
    let steps = [
        Command::RecordDeployment {
            incident: id.clone(),
            at: None,
            usual_way: true,
            rollback_plan: "redeploy v41".into(),
        },
        Command::AddMetricReading {
            incident: id.clone(),
            at: None,
            value: 1.0,
            normal: true,
            note: String::new(),
        },
        Command::MarkOriginTold {
            incident: id.clone(),
            whom: "the call centre".into(),
            about: String::new(),
        },
    ];
    for step in steps {
        run(&mut state, step).unwrap();
    }
    assert!(
        !incident(&state, &id)
            .conclusion
            .origin_told
            .as_ref()
            .unwrap()
            .interim
    );
}

#[test]
fn after_a_reopening_the_fix_that_did_not_hold_asks_for_the_next_one() {
    let (mut state, id) = declared();
    let fix = |what: &str| Command::RecordFix {
        incident: id.clone(),
        description: what.into(),
        deviations: vec![],
        permanent_fix: None,
    };
    run(&mut state, fix("Revert PR 4821")).unwrap();
    assert_eq!(
        stage_status(&incident(&state, &id), Stage::Fix).progress,
        Progress::Done
    );
    run(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
    )
    .unwrap();
    let reopen = Command::Reopen {
        incident: id.clone(),
        reason: "errors are back".into(),
    };
    apply(&mut state, reopen, "jo", mins(30)).unwrap();
    let post = Command::PostUpdate {
        incident: id.clone(),
        text: "It is back".into(),
        channel: None,
        next_in: None,
    };
    apply(&mut state, post, "jo", mins(31)).unwrap();
    let i = incident(&state, &id);
    let status = stage_status(&i, Stage::Fix);
    assert_eq!(status.progress, Progress::InProgress);
    assert!(
        status.missing[0].starts_with("the next fix"),
        "{:?}",
        status.missing
    );
    apply(
        &mut state,
        fix("Revert PR 4821 and warm the cache"),
        "jo",
        mins(40),
    )
    .unwrap();
    assert_eq!(
        stage_status(&incident(&state, &id), Stage::Fix).progress,
        Progress::Done
    );
}

#[test]
fn reopening_undoes_what_said_it_was_fixed_and_keeps_the_record() {
    let (mut state, id) = declared();
    let steps = [
        Command::RecordDeployment {
            incident: id.clone(),
            at: None,
            usual_way: true,
            rollback_plan: "redeploy v41".into(),
        },
        Command::MarkSummarySent {
            incident: id.clone(),
            links: vec![],
        },
        Command::MarkOriginTold {
            incident: id.clone(),
            whom: "the call centre".into(),
            about: String::new(),
        },
        Command::Resolve {
            incident: id.clone(),
        },
    ];
    for step in steps {
        run(&mut state, step).unwrap();
    }
    let reopen = Command::Reopen {
        incident: id.clone(),
        reason: "errors are back".into(),
    };
    apply(&mut state, reopen, "jo", mins(30)).unwrap();
    let i = incident(&state, &id);
    assert!(i.is_open());
    assert_eq!(i.reopened.as_ref().unwrap().reason, "errors are back");
    assert_eq!(i.reopened.as_ref().unwrap().done.by, "jo");
    assert_eq!(i.deployment.deployed_at, None);
    assert_eq!(
        i.deployment.rollback_plan, "redeploy v41",
        "the plan is kept"
    );
    assert!(i.conclusion.summary_sent.is_none());
    assert!(i.conclusion.origin_told.is_none());
    let said: Vec<&str> = i.timeline.iter().map(|e| e.what.as_str()).collect();
    assert!(said.contains(&"Reopened: errors are back"));
    assert!(said.iter().any(|w| w.starts_with("The deployment of ")
        && w.ends_with("did not fix it: deploy the next fix and record it")));
    assert!(said.contains(&"The summary sent by sam said it was fixed: send a new one when it is"));
    assert!(said.contains(&"the call centre was told it was fixed: tell them it is back"));
    // The next step is to say so; after an update, the procedure goes on.
    let step = next_step(&i);
    assert_eq!(step.stage, Stage::Communicating);
    assert!(
        step.step.starts_with("It is back (errors are back)"),
        "{}",
        step.step
    );
    let post = Command::PostUpdate {
        incident: id.clone(),
        text: "It is back; rolling back again".into(),
        channel: None,
        next_in: None,
    };
    apply(&mut state, post, "jo", mins(31)).unwrap();
    let step = next_step(&incident(&state, &id));
    assert!(!step.step.starts_with("It is back"), "{}", step.step);
    // Resolving again ends the reopening.
    apply(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
        "jo",
        mins(40),
    )
    .unwrap();
    assert!(incident(&state, &id).reopened.is_none());
}

#[test]
fn notes_and_follow_ups() {
    let (mut state, id) = declared();
    run(
        &mut state,
        Command::AddNote {
            incident: id.clone(),
            text: "Called Alex".into(),
        },
    )
    .unwrap();
    assert_eq!(
        incident(&state, &id).timeline.last().unwrap().what,
        "Note: Called Alex"
    );
    assert!(matches!(
        refused(
            &mut state,
            Command::AddNote {
                incident: id.clone(),
                text: "".into()
            }
        ),
        CommandError::Missing("note", _)
    ));
    run(
        &mut state,
        Command::AddFollowUp {
            incident: id.clone(),
            text: "Alert on payment errors".into(),
            owner: Some("jo".into()),
            kind: Default::default(),
            due: None,
        },
    )
    .unwrap();
    run(
        &mut state,
        Command::AddFollowUp {
            incident: id.clone(),
            text: "Write a runbook".into(),
            owner: Some(" ".into()),
            kind: Default::default(),
            due: None,
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(i.follow_ups[0].owner.as_deref(), Some("jo"));
    assert_eq!(i.follow_ups[1].owner, None);
    assert!(matches!(
        refused(
            &mut state,
            Command::AddFollowUp {
                incident: id,
                text: " ".into(),
                owner: None,
                kind: Default::default(),
                due: None,
            }
        ),
        CommandError::Missing("follow-up", _)
    ));
}

#[test]
fn fix_needs_justified_deviations_and_a_permanent_fix_when_temporary() {
    let (mut state, id) = declared();
    let fix =
        |deviations: Vec<(DeviationReason, &str)>, permanent: Option<&str>| Command::RecordFix {
            incident: id.clone(),
            description: "Disable the new payment widget".into(),
            deviations: deviations
                .into_iter()
                .map(|(reason, j)| Deviation {
                    reason,
                    justification: j.into(),
                })
                .collect(),
            permanent_fix: permanent.map(Into::into),
        };
    let err = refused(&mut state, fix(vec![(DeviationReason::Speed, "  ")], None));
    assert_eq!(err, CommandError::UnjustifiedDeviation("speed of fix"));
    assert!(err.to_string().contains("needs a justification"));
    assert_eq!(
        refused(
            &mut state,
            fix(
                vec![(DeviationReason::Speed, "a"), (DeviationReason::Speed, "b")],
                None
            )
        ),
        CommandError::DuplicateDeviation("speed of fix")
    );
    assert_eq!(
        refused(
            &mut state,
            fix(
                vec![(DeviationReason::TemporaryFix, "widget off till Monday")],
                Some(" ")
            )
        ),
        CommandError::TemporaryFixWithoutPermanentFix
    );
    let mut no_description = fix(vec![], None);
    if let Command::RecordFix { description, .. } = &mut no_description {
        description.clear();
    }
    assert!(matches!(
        refused(&mut state, no_description),
        CommandError::Missing("fix description", _)
    ));

    run(&mut state, fix(vec![], None)).unwrap();
    let i = incident(&state, &id);
    assert!(i.fix.as_ref().unwrap().is_best_practice());
    assert!(
        i.timeline
            .last()
            .unwrap()
            .what
            .starts_with("Fix recorded (best practice)")
    );
    assert_eq!(stage_status(&i, Stage::Fix).progress, Progress::Done);

    let deviations = vec![
        (
            DeviationReason::LackOfResources,
            "out of hours, no reviewer",
        ),
        (DeviationReason::TemporaryFix, "widget off"),
    ];
    run(
        &mut state,
        fix(deviations, Some("Fix the widget's null check")),
    )
    .unwrap();
    let i = incident(&state, &id);
    assert!(i.fix.as_ref().unwrap().is_temporary());
    assert!(i.timeline.iter().any(|e| {
        e.what
            .starts_with("Fix changed (breaks process for lack of resources, temporary fix)")
    }));
    assert!(
        i.timeline
            .last()
            .unwrap()
            .what
            .contains("Fix the widget's null check")
    );
}

#[test]
fn deployment_and_readings() {
    let (mut state, id) = declared();
    let deploy = |at| Command::RecordDeployment {
        incident: id.clone(),
        at,
        usual_way: true,
        rollback_plan: "redeploy v41".into(),
    };
    assert_eq!(
        refused(&mut state, deploy(Some(mins(6)))),
        CommandError::InFuture("deployment time")
    );
    assert_eq!(
        refused(&mut state, deploy(Some(mins(-1)))),
        CommandError::BeforeDeclared("deployment time")
    );
    run(&mut state, deploy(Some(mins(3)))).unwrap();
    let reading = |at, value, normal| Command::AddMetricReading {
        incident: id.clone(),
        at,
        value,
        normal,
        note: "".into(),
    };
    assert_eq!(
        refused(&mut state, reading(None, f64::NAN, true)),
        CommandError::BadReading
    );
    assert_eq!(
        refused(&mut state, reading(Some(mins(9)), 1.0, true)),
        CommandError::InFuture("reading time")
    );
    let i = incident(&state, &id);
    assert_eq!(
        stage_status(&i, Stage::Deployment).missing,
        vec!["a reading of the original metric since the deploy".to_owned()]
    );
    run(&mut state, reading(Some(mins(4)), 1.0, true)).unwrap();
    // A baseline from before the incident goes in time order, before the others.
    run(&mut state, reading(Some(mins(-60)), 0.5, true)).unwrap();
    let i = incident(&state, &id);
    assert_eq!(
        i.deployment
            .readings
            .iter()
            .map(|r| r.value)
            .collect::<Vec<_>>(),
        vec![0.5, 1.0]
    );
    assert_eq!(i.deployment.rollback_plan, "redeploy v41");
    assert_eq!(stage_status(&i, Stage::Deployment).progress, Progress::Done);
}

#[test]
fn conclusion_steps() {
    let (mut state, id) = declared();
    let err = refused(
        &mut state,
        Command::MarkSummarySent {
            incident: id.clone(),
            links: vec!["see PR 12".into()],
        },
    );
    assert_eq!(err, CommandError::BadLink("see PR 12".into()));
    run(
        &mut state,
        Command::MarkSummarySent {
            incident: id.clone(),
            links: vec!["https://git.example.com/pr/12".into(), " ".into()],
        },
    )
    .unwrap();
    assert!(matches!(
        refused(
            &mut state,
            Command::MarkOriginTold {
                incident: id.clone(),
                whom: "".into(),
                about: String::new(),
            }
        ),
        CommandError::Missing("origin", _)
    ));
    run(
        &mut state,
        Command::MarkOriginTold {
            incident: id.clone(),
            whom: "Call centre".into(),
            about: String::new(),
        },
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut state,
            Command::SchedulePostmortem {
                incident: id.clone(),
                at: mins(5),
                owner: "sam".into()
            }
        ),
        CommandError::PostmortemInPast
    );
    assert!(matches!(
        refused(
            &mut state,
            Command::SchedulePostmortem {
                incident: id.clone(),
                at: mins(600),
                owner: " ".into()
            }
        ),
        CommandError::Missing("postmortem owner", _)
    ));
    run(
        &mut state,
        Command::SchedulePostmortem {
            incident: id.clone(),
            at: mins(3000),
            owner: "sam".into(),
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(
        i.conclusion.summary_sent.as_ref().unwrap().links,
        vec!["https://git.example.com/pr/12"]
    );
    assert_eq!(
        i.conclusion.origin_told.as_ref().unwrap().whom,
        "Call centre"
    );
    assert_eq!(stage_status(&i, Stage::Conclusion).progress, Progress::Done);
}

#[test]
fn set_me_saves_settings() {
    let mut state = State::default();
    assert!(matches!(
        apply(&mut state, Command::SetMe { name: " ".into() }, "x", t0()),
        Err(CommandError::Missing("name", _))
    ));
    assert_eq!(
        apply(
            &mut state,
            Command::SetMe {
                name: " Sam ".into()
            },
            "x",
            t0()
        ),
        Ok(vec![Effect::SaveSettings])
    );
    assert_eq!(state.settings.me.as_deref(), Some("Sam"));
}

#[test]
fn the_web_teams_address_is_one_address_and_is_kept_for_the_team() {
    let mut state = State::default();
    let set = |email: &str| Command::SetWebTeam {
        email: Some(email.into()),
    };
    for bad in [
        "web team",
        "a@b@c.test",
        "web@host",
        "x@y.test\nBcc: z@y.test",
    ] {
        let refused = apply(&mut state, set(bad), "Sam", t0()).unwrap_err();
        assert!(
            refused.to_string().contains("is not an email address"),
            "{refused}"
        );
    }
    assert_eq!(state.settings.web_team_email, None);
    assert_eq!(
        apply(&mut state, set(" web@shop.test "), "Sam", t0()),
        Ok(vec![Effect::SaveTeamSettings])
    );
    assert_eq!(
        state.settings.web_team_email.as_deref(),
        Some("web@shop.test")
    );
    // The same again changes nothing; empty forgets it.
    assert_eq!(
        apply(&mut state, set("web@shop.test"), "Sam", t0()),
        Ok(vec![])
    );
    assert_eq!(
        apply(&mut state, set(""), "Sam", t0()),
        Ok(vec![Effect::SaveTeamSettings])
    );
    assert_eq!(state.settings.web_team_email, None);
}

/// The procedure walked end to end, checking the guidance at each step.
#[test]
fn the_whole_procedure_guides_each_step() {
    let mut state = State::default();
    let mut i = Incident::new(IncidentId::parse("2026-11-26-1").unwrap(), "t".into(), t0());
    state.incidents.insert(i.id.clone(), i.clone().into());
    let id = i.id.clone();
    let step = |state: &State| next_step(&state.incidents[&id]);

    assert_eq!(step(&state).stage, Stage::Defined);
    assert_eq!(current_stage(&state.incidents[&id]), Stage::Defined);
    run(
        &mut state,
        Command::AddEvidence {
            incident: id.clone(),
            evidence: evidence(),
        },
    )
    .unwrap();
    assert_eq!(
        step(&state).step,
        "Nobody owns this yet — take ownership or hand it to someone."
    );
    run(
        &mut state,
        Command::TakeOwnership {
            incident: id.clone(),
        },
    )
    .unwrap();
    assert_eq!(step(&state).stage, Stage::Classified);
    assert!(step(&state).step.contains("If unsure, ask a product owner"));
    let classify = |decision, advice| Command::Classify {
        incident: id.clone(),
        decision,
        advice,
        metrics: vec![],
        expected_lifespan: String::new(),
    };
    run(
        &mut state,
        classify(
            Decision::Unsure,
            Some(Advice {
                asked: "Priya".into(),
                answer: String::new(),
            }),
        ),
    )
    .unwrap();
    assert!(step(&state).step.starts_with("Waiting for Priya's answer"));
    run(
        &mut state,
        classify(
            Decision::Unsure,
            Some(Advice {
                asked: "Priya".into(),
                answer: "expedite it".into(),
            }),
        ),
    )
    .unwrap();
    assert_eq!(step(&state).stage, Stage::Communicating);
    run(
        &mut state,
        Command::PostUpdate {
            incident: id.clone(),
            text: "on it".into(),
            channel: None,
            next_in: None,
        },
    )
    .unwrap();
    assert_eq!(step(&state).stage, Stage::TeamFormed);
    assert_eq!(current_stage(&state.incidents[&id]), Stage::TeamFormed);
    assert!(
        step(&state)
            .step
            .contains("a developer, a reviewer, a tester and a product owner")
    );
    for (name, role) in [
        ("Alex", Role::Developer),
        ("Jo", Role::Reviewer),
        ("Tess", Role::Tester),
    ] {
        run(
            &mut state,
            Command::AddTeamMember {
                incident: id.clone(),
                name: name.into(),
                role,
            },
        )
        .unwrap();
    }
    assert!(step(&state).step.contains("find a product owner"));
    run(
        &mut state,
        Command::SetRoleNeeded {
            incident: id.clone(),
            role: Role::ProductOwner,
            needed: false,
        },
    )
    .unwrap();
    assert_eq!(step(&state).stage, Stage::Fix);
    // Communication is under way, so the rail moves on to the fix.
    assert_eq!(current_stage(&state.incidents[&id]), Stage::Fix);
    run(
        &mut state,
        Command::RecordFix {
            incident: id.clone(),
            description: "revert".into(),
            deviations: vec![],
            permanent_fix: None,
        },
    )
    .unwrap();
    assert!(
        step(&state)
            .step
            .starts_with("Deploy the fix the usual way")
    );
    // A deployment without a plan is refused; one recorded without (as an
    // older file may hold) asks for it.
    assert!(matches!(
        refused(
            &mut state,
            Command::RecordDeployment {
                incident: id.clone(),
                at: None,
                usual_way: true,
                rollback_plan: " ".into(),
            },
        ),
        CommandError::Missing("rollback plan", _)
    ));
    {
        let mut older = incident(&state, &id);
        older.deployment.deployed_at = Some(mins(40));
        older.deployment.usual_way = true;
        state.incidents.insert(id.clone(), older.into());
    }
    assert_eq!(
        step(&state).step,
        "Write down the rollback plan for the deployment."
    );
    run(
        &mut state,
        Command::RecordDeployment {
            incident: id.clone(),
            at: None,
            usual_way: true,
            rollback_plan: "redeploy".into(),
        },
    )
    .unwrap();
    assert!(step(&state).step.starts_with("Monitor the original metric"));
    run(
        &mut state,
        Command::AddMetricReading {
            incident: id.clone(),
            at: None,
            value: 40.0,
            normal: false,
            note: "".into(),
        },
    )
    .unwrap();
    assert!(
        stage_status(&state.incidents[&id], Stage::Deployment).missing[0]
            .contains("back to normal")
    );
    run(
        &mut state,
        Command::AddMetricReading {
            incident: id.clone(),
            at: None,
            value: 1.0,
            normal: true,
            note: "".into(),
        },
    )
    .unwrap();
    assert!(step(&state).step.contains("resolve the incident"));
    run(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
    )
    .unwrap();
    assert_eq!(
        stage_status(&state.incidents[&id], Stage::Communicating).progress,
        Progress::Done
    );
    assert!(step(&state).step.starts_with("Send the summary email"));
    run(
        &mut state,
        Command::MarkSummarySent {
            incident: id.clone(),
            links: vec![],
        },
    )
    .unwrap();
    assert!(step(&state).step.starts_with("Tell the origin"));
    run(
        &mut state,
        Command::MarkOriginTold {
            incident: id.clone(),
            whom: "call centre".into(),
            about: String::new(),
        },
    )
    .unwrap();
    assert!(
        step(&state)
            .step
            .starts_with("Schedule a blameless postmortem")
    );
    run(
        &mut state,
        Command::SchedulePostmortem {
            incident: id.clone(),
            at: mins(3000),
            owner: "sam".into(),
        },
    )
    .unwrap();
    assert!(step(&state).step.starts_with("All done"));
    i = (*state.incidents[&id]).clone();
    assert!(
        Stage::ALL
            .iter()
            .all(|s| stage_status(&i, *s).progress == Progress::Done)
    );
}

#[test]
fn not_expedited_is_told_to_go_to_the_normal_queue() {
    let (mut state, id) = declared();
    run(
        &mut state,
        Command::Classify {
            incident: id.clone(),
            decision: Decision::DoNotExpedite,
            advice: None,
            metrics: vec![],
            expected_lifespan: String::new(),
        },
    )
    .unwrap();
    assert!(
        next_step(&state.incidents[&id])
            .step
            .starts_with("Not to be expedited")
    );
}

#[test]
fn a_snooze_puts_the_next_update_off_and_never_brings_it_forward() {
    let (mut state, id) = declared();
    // Due in ten minutes, from an update just posted.
    run(
        &mut state,
        Command::PostUpdate {
            incident: id.clone(),
            text: "Looking into it".into(),
            channel: None,
            next_in: Some(Duration::minutes(10)),
        },
    )
    .unwrap();
    let due = |state: &State| {
        comms::next_update_due(
            &incident(state, &id),
            &crate::model::settings::Settings::default(),
        )
    };
    let before = due(&state).unwrap();
    run(
        &mut state,
        Command::Snooze {
            incident: id.clone(),
            for_: Duration::minutes(1),
        },
    )
    .unwrap();
    assert_eq!(due(&state), Some(before + Duration::minutes(1)));
}

#[test]
fn snooze_moves_the_due_time_and_is_on_the_timeline() {
    let (mut state, id) = declared();
    let effects = run(
        &mut state,
        Command::Snooze {
            incident: id.clone(),
            for_: Duration::minutes(15),
        },
    )
    .unwrap();
    assert!(effects.contains(&Effect::Reschedule));
    let i = incident(&state, &id);
    // The first update was due at 02:15: put off by 15 minutes from there.
    assert_eq!(
        comms::next_update_due(&i, &crate::model::settings::Settings::default()),
        Some(mins(30))
    );
    assert_eq!(
        i.timeline.last().unwrap().what,
        "Update reminder snoozed for 15m (until 02:30 UTC)"
    );
    assert_eq!(
        refused(
            &mut state,
            Command::Snooze {
                incident: id.clone(),
                for_: Duration::zero()
            }
        ),
        CommandError::NonPositiveInterval
    );
    run(
        &mut state,
        Command::Resolve {
            incident: id.clone(),
        },
    )
    .unwrap();
    assert_eq!(
        refused(
            &mut state,
            Command::Snooze {
                incident: id.clone(),
                for_: Duration::minutes(5)
            }
        ),
        CommandError::Resolved(id, "snooze its reminder")
    );
}

#[test]
fn a_follow_up_has_a_kind_a_due_day_and_is_ticked_off_and_back() {
    let (mut state, id) = declared();
    let today = mins(5).date_naive();
    assert!(matches!(
        refused(
            &mut state,
            Command::AddFollowUp {
                incident: id.clone(),
                text: "Alert on payment errors".into(),
                owner: None,
                kind: FollowUpKind::Monitoring,
                due: Some(today - chrono::Days::new(3)),
            }
        ),
        CommandError::FollowUpDueInPast(_)
    ));
    run(
        &mut state,
        Command::AddFollowUp {
            incident: id.clone(),
            text: "Alert on payment errors".into(),
            owner: Some("Jo".into()),
            kind: FollowUpKind::Monitoring,
            due: Some(today + chrono::Days::new(7)),
        },
    )
    .unwrap();
    let mark = |done| Command::MarkFollowUp {
        incident: id.clone(),
        added_at: mins(5),
        text: "Alert on payment errors".into(),
        done,
    };
    let i = incident(&state, &id);
    assert!(i.follow_ups[0].done().is_none());
    assert!(
        i.timeline
            .last()
            .unwrap()
            .what
            .starts_with("Follow-up (monitoring, Jo, by "),
        "{:?}",
        i.timeline.last()
    );
    apply(&mut state, mark(true), "jo", mins(60)).unwrap();
    let i = incident(&state, &id);
    let done = i.follow_ups[0].done().expect("marked done");
    assert_eq!((done.at, done.by.as_str()), (mins(60), "jo"));
    assert_eq!(
        i.timeline.last().unwrap().what,
        "Follow-up done: Alert on payment errors"
    );
    // Ticking it again changes nothing: no second line.
    let lines = i.timeline.len();
    apply(&mut state, mark(true), "jo", mins(61)).unwrap();
    assert_eq!(incident(&state, &id).timeline.len(), lines);
    apply(&mut state, mark(false), "sam", mins(62)).unwrap();
    let i = incident(&state, &id);
    assert!(i.follow_ups[0].done().is_none());
    assert!(i.follow_ups[0].overdue(today + chrono::Days::new(8)));
    assert!(!i.follow_ups[0].overdue(today + chrono::Days::new(7)));
    let gone = Command::MarkFollowUp {
        incident: id.clone(),
        added_at: mins(5),
        text: "Something never added".into(),
        done: true,
    };
    assert!(matches!(
        refused(&mut state, gone),
        CommandError::NoSuchFollowUp(_)
    ));
}

#[test]
fn moving_the_postmortem_says_from_when_to_when() {
    let (mut state, id) = declared();
    let schedule = |at, owner: &str| Command::SchedulePostmortem {
        incident: id.clone(),
        at,
        owner: owner.into(),
    };
    run(&mut state, schedule(mins(3000), "sam")).unwrap();
    run(&mut state, schedule(mins(4440), "Jo")).unwrap();
    let i = incident(&state, &id);
    let pm = i.conclusion.postmortem.as_ref().unwrap();
    assert_eq!((pm.at, pm.owner.as_str()), (mins(4440), "Jo"));
    let moved = i.timeline.last().unwrap();
    assert_eq!(moved.what, "Postmortem moved");
    let change = moved.change.as_ref().unwrap();
    assert_eq!(change.from, "2026-11-28 04:00 UTC, owned by sam");
    assert_eq!(change.to, "2026-11-29 04:00 UTC, owned by Jo");
    // The same time and owner again is no change.
    let lines = i.timeline.len();
    run(&mut state, schedule(mins(4440), "Jo")).unwrap();
    assert_eq!(incident(&state, &id).timeline.len(), lines);
}

#[test]
fn a_note_of_a_whole_log_is_refused_with_where_to_put_it() {
    let (mut state, id) = declared();
    let text = "x".repeat(TEXT_MAX + 1);
    let err = run(
        &mut state,
        Command::AddNote {
            incident: id.clone(),
            text,
        },
    )
    .unwrap_err();
    assert_eq!(err, CommandError::TextTooLong("note", TEXT_MAX + 1));
    assert!(err.to_string().contains("give its link"), "{err}");
    let fits = "x".repeat(TEXT_MAX);
    run(
        &mut state,
        Command::AddNote {
            incident: id,
            text: fits,
        },
    )
    .unwrap();
}

fn prometheus(url: &str) -> Box<crate::model::metric::Source> {
    Box::new(crate::model::metric::Source {
        kind: crate::model::metric::SourceKind::Prometheus,
        url: url.into(),
        query: "sum(increase(checkout_errors_total[1m]))".into(),
        org: String::new(),
        project: String::new(),
        error: String::new(),
        issue: String::new(),
    })
}

fn minute_read(m: i64, value: f64, of: i64) -> crate::model::metric::Bucket {
    crate::model::metric::Bucket {
        start: mins(m),
        secs: 60,
        value,
        source: crate::model::metric::SourceKind::Prometheus,
        read_at: mins(m + 1),
        of,
    }
}

#[test]
fn a_metric_is_watched_only_over_https_and_with_what_its_kind_needs() {
    let (mut state, id) = declared();
    let err = refused(
        &mut state,
        Command::WatchMetric {
            incident: id.clone(),
            source: prometheus("http://prom.example.com"),
        },
    );
    assert!(err.to_string().contains("must be https://"), "{err}");
    let mut no_query = prometheus("https://prom.example.com");
    no_query.query.clear();
    let err = refused(
        &mut state,
        Command::WatchMetric {
            incident: id.clone(),
            source: no_query,
        },
    );
    assert!(err.to_string().contains("needs --query"), "{err}");
    let err = refused(
        &mut state,
        Command::RecordSeries {
            incident: id,
            buckets: vec![minute_read(1, 3.0, 0)],
        },
    );
    assert!(matches!(err, CommandError::NotWatching(_)), "{err}");
}

#[test]
fn readings_belong_to_the_watch_they_were_read_for_whatever_the_clocks_say() {
    let (mut state, id) = declared();
    // Connected on a colleague's desk whose clock is two hours ahead.
    apply(
        &mut state,
        Command::WatchMetric {
            incident: id.clone(),
            source: prometheus("https://prom.example.com"),
        },
        "alex",
        mins(120),
    )
    .unwrap();
    let key = incident(&state, &id).watch.unwrap().key();
    // Read here, on a clock that says it is earlier: still this watch's.
    run(
        &mut state,
        Command::RecordSeries {
            incident: id.clone(),
            buckets: vec![minute_read(1, 3.0, key), minute_read(2, 4.0, key - 1)],
        },
    )
    .unwrap();
    let i = incident(&state, &id);
    assert_eq!(
        i.series.len(),
        1,
        "the reading of another watch is left out"
    );
    assert_eq!(i.series[0].value, 3.0);
    // Connected again to another metric: what was read of the first goes.
    run(
        &mut state,
        Command::WatchMetric {
            incident: id.clone(),
            source: prometheus("https://other.example.com"),
        },
    )
    .unwrap();
    assert!(incident(&state, &id).series.is_empty());
    // Stopped: what was read stays, and nothing more is taken as read.
    run(
        &mut state,
        Command::StopWatching {
            incident: id.clone(),
        },
    )
    .unwrap();
    let err = refused(&mut state, Command::StopWatching { incident: id });
    assert!(matches!(err, CommandError::NotWatching(_)), "{err}");
}
