//! The merge rules, and a fuzz of desks acting and syncing in random orders.

use chrono::{DateTime, Duration, TimeZone, Utc};
use smol_str::SmolStr;

use super::*;
use crate::command::{Command, NewEvidence, RosterChange, apply};
use crate::model::comms::Delivery;
use crate::model::roster::{Contact, OfficeHours, Phone, Roster, Shift};
use crate::model::{Decision, EvidenceKind, Incident, IncidentId, Part, Role, State};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

/// A state with one incident Sam declared at t0.
fn declared() -> (State, IncidentId) {
    let mut state = State::default();
    let cmd = Command::Declare {
        title: "Checkout 500s".into(),
        evidence: NewEvidence {
            kind: EvidenceKind::ErrorTracker { count: 340 },
            text: "TypeError in checkout".into(),
            link: None,
        },
        owner: None,
    };
    apply(&mut state, cmd, "Sam Patel", t0()).unwrap();
    let id = state.incidents.keys().next().unwrap().clone();
    (state, id)
}

fn run(state: &mut State, cmd: Command, who: &str, at: DateTime<Utc>) {
    apply(state, cmd, who, at).expect("the command applies");
}

fn inc(state: &State, id: &IncidentId) -> Incident {
    (*state.incidents[id]).clone()
}

fn classify(id: &IncidentId, decision: Decision) -> Command {
    Command::Classify {
        incident: id.clone(),
        decision,
        advice: (decision == Decision::Unsure).then(|| crate::model::Advice {
            asked: "Priya Shah".into(),
            answer: String::new(),
        }),
        metrics: Vec::new(),
        expected_lifespan: String::new(),
    }
}

#[test]
fn ids_name_the_declarer_so_two_desks_never_pick_the_same_one() {
    let (state, id) = declared();
    assert_eq!(id.as_str(), "2026-11-26-sam-patel-1");
    let day = t0().date_naive();
    assert_eq!(
        state.next_incident_id(day, "Sam Patel").as_str(),
        "2026-11-26-sam-patel-2"
    );
    assert_eq!(
        state.next_incident_id(day, "Zoë O'Neill").as_str(),
        "2026-11-26-zoe-oneill-1"
    );
    assert_eq!(
        IncidentId::parse(" 2026-11-26-Sam-Patel-1 "),
        Some(id.clone())
    );
    // Ids from before the name was part of them still read.
    assert_eq!(
        IncidentId::parse("2026-11-26-1").unwrap().as_str(),
        "2026-11-26-1"
    );
    assert_eq!(IncidentId::parse("2026-11-26-sam-"), None);
    assert_eq!(IncidentId::parse("2026-11-26--1"), None);
    assert_eq!(IncidentId::parse("2026-11-26"), None);
}

#[test]
fn notes_and_updates_from_both_desks_are_all_kept_once() {
    let (base, id) = declared();
    let (mut a, mut b) = (base.clone(), base.clone());
    let note = |text: &str| Command::AddNote {
        incident: id.clone(),
        text: text.into(),
    };
    run(&mut a, note("rolled back the CDN"), "Sam Patel", mins(3));
    run(&mut b, note("checked the logs"), "Alex Kim", mins(2));
    run(
        &mut b,
        Command::PostUpdate {
            incident: id.clone(),
            text: "Investigating".into(),
            channel: None,
            next_in: None,
        },
        "Alex Kim",
        mins(4),
    );
    let merged = merge_incident(Some(&inc(&base, &id)), &inc(&a, &id), &inc(&b, &id));
    let whats: Vec<&str> = merged.timeline.iter().map(|e| e.what.as_str()).collect();
    assert!(whats.contains(&"Note: rolled back the CDN"), "{whats:?}");
    assert!(whats.contains(&"Note: checked the logs"), "{whats:?}");
    assert_eq!(merged.communication.updates.len(), 1);
    // In time order, and nothing twice.
    assert!(merged.timeline.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(
        merged.timeline.len(),
        inc(&a, &id).timeline.len() + inc(&b, &id).timeline.len() - inc(&base, &id).timeline.len()
    );
}

#[test]
fn both_desks_classifying_keeps_the_later_and_puts_the_other_on_the_timeline() {
    let (base, id) = declared();
    let (mut a, mut b) = (base.clone(), base.clone());
    run(
        &mut a,
        classify(&id, Decision::Expedite),
        "Sam Patel",
        mins(5),
    );
    run(&mut b, classify(&id, Decision::Unsure), "Alex Kim", mins(3));
    let (ia, ib) = (inc(&a, &id), inc(&b, &id));
    for merged in [
        merge_incident(Some(&inc(&base, &id)), &ia, &ib),
        merge_incident(Some(&inc(&base, &id)), &ib, &ia),
        merge_incident(None, &ia, &ib),
    ] {
        assert_eq!(merged.classification.decision, Some(Decision::Expedite));
        let lost = merged
            .timeline
            .iter()
            .find(|e| e.what.starts_with("Also set the classification"))
            .expect("the earlier classification is on the timeline");
        assert_eq!(lost.by, "Alex Kim");
        assert!(lost.what.contains("unsure"), "{}", lost.what);
        assert_eq!(merged.edits[&Part::Classification].by, "Sam Patel");
    }
}

#[test]
fn a_hand_over_on_one_desk_and_a_classification_on_the_other_are_both_kept() {
    let (base, id) = declared();
    let (mut a, mut b) = (base.clone(), base.clone());
    run(
        &mut a,
        Command::HandOver {
            incident: id.clone(),
            to: "Dana Whitfield".into(),
            note: "CDN rolled back, watching errors".into(),
        },
        "Sam Patel",
        mins(5),
    );
    run(
        &mut b,
        classify(&id, Decision::Expedite),
        "Alex Kim",
        mins(6),
    );
    let m = merge_incident(Some(&inc(&base, &id)), &inc(&a, &id), &inc(&b, &id));
    assert_eq!(m.owner.as_deref(), Some("Dana Whitfield"));
    assert_eq!(m.classification.decision, Some(Decision::Expedite));
    assert_eq!(m.hand_overs.len(), 2);
    assert!(!m.timeline.iter().any(|e| e.what.starts_with("Also set")));
}

#[test]
fn a_team_member_removed_on_one_desk_stays_removed_and_one_added_on_the_other_is_in() {
    let (mut base, id) = declared();
    let add = |name: &str, role| Command::AddTeamMember {
        incident: id.clone(),
        name: name.into(),
        role,
    };
    run(
        &mut base,
        add("Ben O'Neill", Role::Developer),
        "Sam Patel",
        mins(1),
    );
    let (mut a, mut b) = (base.clone(), base.clone());
    run(
        &mut a,
        Command::RemoveTeamMember {
            incident: id.clone(),
            name: "Ben O'Neill".into(),
            role: Role::Developer,
        },
        "Sam Patel",
        mins(2),
    );
    run(&mut b, add("Priya Shah", Role::Tester), "Alex Kim", mins(3));
    let m = merge_incident(Some(&inc(&base, &id)), &inc(&a, &id), &inc(&b, &id));
    let names: Vec<&str> = m.team.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Priya Shah"]);
    // Without the common ancestor (a synced folder's copy) nothing is dropped.
    let m = merge_incident(None, &inc(&a, &id), &inc(&b, &id));
    assert_eq!(m.team.members.len(), 2);
}

fn contact(name: &str, number: &str) -> Contact {
    Contact {
        name: name.into(),
        roles: vec![Role::Developer],
        phones: vec![Phone {
            label: "mobile".into(),
            number: number.into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    }
}

fn save(contact: Contact, replacing: Option<&str>) -> Command {
    Command::Roster(Box::new(RosterChange::SaveContact {
        replacing: replacing.map(SmolStr::from),
        contact,
    }))
}

/// A roster with Sam on it, saved by Sam.
fn roster_with_sam() -> State {
    let mut base = State::default();
    run(
        &mut base,
        save(contact("Sam Patel", "+44 7700 900001"), None),
        "Sam Patel",
        mins(0),
    );
    base
}

#[test]
fn a_colleagues_new_number_and_my_new_contact_are_both_on_the_merged_roster() {
    let base = roster_with_sam();
    let (mut a, mut b) = (base.clone(), base.clone());
    run(
        &mut a,
        save(contact("Priya Shah", "+44 7700 900002"), None),
        "Sam Patel",
        mins(1),
    );
    let mut sam = contact("Sam Patel", "+44 7700 900099");
    sam.email = Some("sam@example.com".into());
    run(&mut b, save(sam, Some("Sam Patel")), "Alex Kim", mins(2));
    let (m, report) = merge_roster(Some(&base.roster), &a.roster, &b.roster);
    assert!(report.is_empty(), "{report:?}");
    let names: Vec<&str> = m.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Sam Patel", "Priya Shah"]);
    assert_eq!(m.contacts[0].phones[0].number, "+447700900099");
    assert_eq!(m.contacts[0].email.as_deref(), Some("sam@example.com"));
    let (again, _) = merge_roster(Some(&base.roster), &b.roster, &a.roster);
    assert_eq!(again, m);
}

#[test]
fn a_feed_read_on_one_desk_and_left_on_another_merges_to_the_later_word() {
    let base = roster_with_sam();
    let feed = crate::model::roster::Feed {
        id: "f1".into(),
        name: "Web on call".into(),
        location: "https://oncall.example.com/web.ics".into(),
        uids: Vec::new(),
        read: mins(1),
        by: "Sam Patel".into(),
        from: mins(-60),
        until: None,
        subscribed: true,
        role: None,
        whose: None,
        subscription_edit: None,
    };
    let shift = Shift {
        role: Role::Developer,
        who: "Sam Patel".into(),
        start: mins(0),
        end: mins(600),
        source: Some("f1".into()),
    };
    let mut both = base.clone();
    let import = RosterChange::Import {
        contacts: Vec::new(),
        shifts: vec![shift],
        feed: Some(feed),
    };
    run(
        &mut both,
        Command::Roster(Box::new(import)),
        "Sam Patel",
        mins(1),
    );
    let (mut a, mut b) = (both.clone(), both.clone());
    // One desk adds a contact; the other leaves the feed later.
    run(
        &mut a,
        save(contact("Priya Shah", "+44 7700 900002"), None),
        "Sam Patel",
        mins(2),
    );
    let leave = RosterChange::Subscribe {
        feed: "f1".into(),
        on: false,
    };
    run(
        &mut b,
        Command::Roster(Box::new(leave)),
        "Alex Kim",
        mins(3),
    );
    let (m, _) = merge_roster(Some(&both.roster), &a.roster, &b.roster);
    assert_eq!(m.rota.feeds.len(), 1, "the feed is kept: {:?}", m.rota);
    assert!(!m.rota.feeds[0].subscribed, "the later word: left");
    assert_eq!(m.rota.shifts.len(), 1);
    assert_eq!(m.contacts.len(), 2);
    let (again, _) = merge_roster(Some(&both.roster), &b.roster, &a.roster);
    assert_eq!(again, m);
}

#[test]
fn a_contact_changed_on_two_desks_keeps_both_numbers_and_the_later_email() {
    let base = roster_with_sam();
    let (mut a, mut b) = (base.clone(), base.clone());
    let mut mine = contact("Sam Patel", "+44 7700 900001");
    mine.phones.push(Phone {
        label: "home".into(),
        number: "+44 20 7946 0001".into(),
        extension: Default::default(),
    });
    mine.email = Some("sam@home.example".into());
    run(&mut a, save(mine, Some("Sam Patel")), "Sam Patel", mins(1));
    let mut yours = contact("Sam Patel", "+44 7700 900001");
    yours.email = Some("sam@example.com".into());
    run(&mut b, save(yours, Some("Sam Patel")), "Alex Kim", mins(2));
    let (m, report) = merge_roster(Some(&base.roster), &a.roster, &b.roster);
    let sam = &m.contacts[0];
    assert_eq!(sam.phones.len(), 2);
    assert_eq!(sam.email.as_deref(), Some("sam@example.com"));
    assert!(
        sam.notes.contains("email sam@home.example"),
        "{}",
        sam.notes
    );
    assert_eq!(report.len(), 1);
    let (again, _) = merge_roster(Some(&base.roster), &b.roster, &a.roster);
    assert_eq!(again, m);
}

/// A small, seedable random source, so a failing case can be replayed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn one<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PEOPLE: [&str; 4] = ["Sam Patel", "Alex Kim", "Dana Whitfield", "Ben O'Neill"];

/// A random command on the incident (many are refused; that is fine).
fn random_command(dice: &mut Dice, id: &IncidentId, n: u64) -> Command {
    let incident = id.clone();
    let person = (*dice.one(&PEOPLE)).to_owned();
    let role = *dice.one(&Role::TEAM);
    match dice.below(16) {
        0 | 1 => Command::AddNote {
            incident,
            text: format!("note {n}"),
        },
        2 => Command::PostUpdate {
            incident,
            text: format!("update {n}"),
            channel: None,
            next_in: Some(Duration::minutes(5 + dice.below(30) as i64)),
        },
        3 => Command::HandOver {
            incident,
            to: person,
            note: format!("hand-over {n}"),
        },
        4 => classify(
            id,
            *dice.one(&[
                Decision::Expedite,
                Decision::DoNotExpedite,
                Decision::Unsure,
            ]),
        ),
        5 => Command::AddTeamMember {
            incident,
            name: person,
            role,
        },
        6 => Command::RemoveTeamMember {
            incident,
            name: person,
            role,
        },
        7 => Command::SetRoleNeeded {
            incident,
            role,
            needed: dice.below(2) == 0,
        },
        8 => Command::RecordFix {
            incident,
            description: format!("fix {n}"),
            deviations: Vec::new(),
            permanent_fix: None,
        },
        9 => Command::AddMetricReading {
            incident,
            at: None,
            value: dice.below(100) as f64,
            normal: dice.below(2) == 0,
            note: String::new(),
        },
        10 => Command::SetChannels {
            incident,
            channels: if dice.below(2) == 0 {
                vec!["#expedite".into(), "#deployments".into()]
            } else {
                vec!["#expedite".into(), format!("#inc-{}", dice.below(3))]
            },
        },
        11 => Command::AddFollowUp {
            incident,
            text: format!("follow-up {n}"),
            owner: None,
            kind: Default::default(),
            due: None,
        },
        12 => Command::Resolve { incident },
        14 => Command::RecordCall {
            incident,
            who: person,
            outcome: *dice.one(&[
                crate::model::CallOutcome::Called,
                crate::model::CallOutcome::Answered,
                crate::model::CallOutcome::NoAnswer,
            ]),
        },
        13 => Command::RecordDelivery {
            incident,
            channel: (*dice.one(&["#expedite", "#deployments"])).to_owned(),
            update_at: DateTime::UNIX_EPOCH + Duration::minutes(dice.below(4) as i64),
            update_by: None,
            delivery: match dice.below(3) {
                0 => Delivery::Sent {
                    ts: Some(format!("1700000000.{n:06}")),
                },
                1 => Delivery::Queued {
                    why: "offline".into(),
                },
                _ => Delivery::Failed {
                    why: format!("refused {n}"),
                },
            },
        },
        _ => Command::Reopen {
            incident,
            reason: format!("back {n}"),
        },
    }
}

/// Every entry a list that only grows holds, as text, for "nothing lost".
fn entries(i: &Incident) -> Vec<String> {
    let mut out: Vec<String> = i.timeline.iter().map(|e| format!("{e:?}")).collect();
    out.extend(i.communication.updates.iter().map(|u| format!("{u:?}")));
    out.extend(i.communication.postings.iter().map(|p| format!("{p:?}")));
    out.extend(i.hand_overs.iter().map(|h| format!("{h:?}")));
    out.extend(i.calls.iter().map(|c| format!("{c:?}")));
    out.extend(i.deployment.readings.iter().map(|r| format!("{r:?}")));
    out.extend(i.follow_ups.iter().map(|f| format!("{f:?}")));
    out.extend(i.evidence.iter().map(|e| format!("{e:?}")));
    out
}

/// A desk: its own copy, and the version it last synced (git's merge base).
struct Desk {
    who: &'static str,
    state: Incident,
    synced: Incident,
}

/// Syncing as `expedite sync` does with git: merge the remote into ours
/// (three-way, from what we last synced), then the remote is the merge.
fn sync(desk: &mut Desk, remote: &mut Incident) {
    let merged = merge_incident(Some(&desk.synced), &desk.state, remote);
    let swapped = merge_incident(Some(&desk.synced), remote, &desk.state);
    assert_eq!(merged, swapped, "the merge is symmetric");
    assert_eq!(merge_incident(Some(remote), remote, &merged), merged);
    *remote = merged.clone();
    desk.state = merged.clone();
    desk.synced = merged;
}

#[test]
fn desks_acting_and_syncing_in_random_orders_end_alike_and_lose_nothing() {
    let (base, id) = declared();
    let base = inc(&base, &id);
    for case in 0..1000u64 {
        let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (case + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let desks_n = 2 + dice.below(2) as usize;
        let mut desks: Vec<Desk> = ["Sam Patel", "Alex Kim", "Priya Shah"][..desks_n]
            .iter()
            .map(|who| Desk {
                who,
                state: base.clone(),
                synced: base.clone(),
            })
            .collect();
        let mut remote = base.clone();
        let mut seen: Vec<String> = entries(&base);
        let mut latest_edit = base.edits.clone();
        let mut clock = 0i64;
        for step in 0..(5 + dice.below(30)) {
            let d = dice.below(desks_n as u64) as usize;
            if dice.below(4) == 0 {
                sync(&mut desks[d], &mut remote);
                continue;
            }
            // Sometimes two desks act at the very same instant.
            clock += dice.below(3) as i64;
            let at = t0() + Duration::seconds(clock * 20);
            let command = random_command(&mut dice, &id, step);
            let desk = &mut desks[d];
            let mut state = State::default();
            state
                .incidents
                .insert(id.clone(), desk.state.clone().into());
            if apply(&mut state, command, desk.who, at).is_ok() {
                desk.state = inc(&state, &id);
                seen.extend(entries(&desk.state));
                for (part, edit) in &desk.state.edits {
                    let e = latest_edit.entry(*part).or_insert(edit.clone());
                    if edit > e {
                        *e = edit.clone();
                    }
                }
            }
        }
        // Everyone syncs until in step: twice round is enough.
        for _ in 0..2 {
            for desk in &mut desks {
                sync(desk, &mut remote);
            }
        }
        for desk in &desks {
            assert_eq!(
                desk.state, remote,
                "case {case}: {} is not in step",
                desk.who
            );
        }
        let have = entries(&remote);
        for entry in &seen {
            assert!(have.contains(entry), "case {case}: lost {entry}");
        }
        assert_eq!(
            remote.edits, latest_edit,
            "case {case}: the later change did not win"
        );
        // What merged still reads back as it was written.
        let text = crate::store::envelope::write(&remote, 1).unwrap();
        let read = crate::store::envelope::read::<Incident>(&text).unwrap();
        assert_eq!(read.data, remote, "case {case}");
    }
}

#[test]
fn rosters_changed_on_desks_in_random_orders_end_alike_and_keep_every_contact_added() {
    for case in 0..1000u64 {
        let mut dice = Dice(0x5851_F42D_4C95_7F2D ^ (case + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let base = Roster::default();
        let who = ["Sam Patel", "Alex Kim"];
        let mut states = [base.clone(), base.clone()];
        let mut synced = [base.clone(), base.clone()];
        let mut remote = base.clone();
        let mut added = std::collections::BTreeSet::new();
        let mut removed = std::collections::BTreeSet::new();
        for step in 0..(4 + dice.below(20)) {
            let d = dice.below(2) as usize;
            if dice.below(4) == 0 {
                let (m, _) = merge_roster(Some(&synced[d]), &states[d], &remote);
                let (swapped, _) = merge_roster(Some(&synced[d]), &remote, &states[d]);
                assert_eq!(m, swapped, "case {case}: the roster merge is symmetric");
                remote = m.clone();
                states[d] = m.clone();
                synced[d] = m;
                continue;
            }
            let name = format!("Person {}", dice.below(6));
            let change = match dice.below(5) {
                0 | 1 => RosterChange::SaveContact {
                    replacing: states[d]
                        .contacts
                        .iter()
                        .any(|c| c.name == name)
                        .then(|| name.clone().into()),
                    contact: contact(&name, &format!("+44 7700 9{:05}", dice.below(99_999))),
                },
                2 => RosterChange::RemoveContact {
                    name: name.clone().into(),
                },
                3 => RosterChange::AddShift(Shift {
                    who: name.clone().into(),
                    role: Role::Developer,
                    start: mins(60 * step as i64),
                    end: mins(60 * step as i64 + 30),
                    source: None,
                }),
                _ => RosterChange::SetOfficeHours(Some(OfficeHours {
                    time_zone: ["Europe/London", "Europe/Paris"][dice.below(2) as usize].into(),
                    ..OfficeHours::default()
                })),
            };
            let is_add = matches!(
                &change,
                RosterChange::SaveContact {
                    replacing: None,
                    ..
                }
            );
            let is_remove = matches!(&change, RosterChange::RemoveContact { .. });
            let mut state = State {
                roster: states[d].clone().into(),
                ..State::default()
            };
            let at = mins(step as i64);
            if apply(&mut state, Command::Roster(Box::new(change)), who[d], at).is_ok() {
                states[d] = (*state.roster).clone();
                if is_add {
                    added.insert(name.clone());
                }
                if is_remove {
                    removed.insert(name);
                }
            }
        }
        for _ in 0..2 {
            for d in 0..2 {
                let (m, _) = merge_roster(Some(&synced[d]), &states[d], &remote);
                remote = m.clone();
                states[d] = m.clone();
                synced[d] = m;
            }
        }
        assert_eq!(states[0], states[1], "case {case}");
        for name in added.difference(&removed) {
            assert!(
                remote.contacts.iter().any(|c| c.name == name),
                "case {case}: {name} was added, never removed, and is missing"
            );
        }
    }
}

#[test]
fn a_follow_up_ticked_on_one_desk_and_unticked_later_on_the_other_ends_not_done() {
    let (mut base, id) = declared();
    run(
        &mut base,
        Command::AddFollowUp {
            incident: id.clone(),
            text: "Alert on payment errors".into(),
            owner: None,
            kind: crate::model::FollowUpKind::Monitoring,
            due: None,
        },
        "Sam Patel",
        mins(5),
    );
    let mark = |done| Command::MarkFollowUp {
        incident: id.clone(),
        added_at: mins(5),
        text: "Alert on payment errors".into(),
        done,
    };
    let (mut a, mut b) = (base.clone(), base.clone());
    run(&mut a, mark(true), "Sam Patel", mins(10));
    // Alex saw it done (synced), then found it was not.
    run(&mut b, mark(true), "Sam Patel", mins(10));
    run(&mut b, mark(false), "Alex Kim", mins(20));
    let m = merge_incident(Some(&inc(&base, &id)), &inc(&a, &id), &inc(&b, &id));
    assert_eq!(m.follow_ups.len(), 1);
    assert_eq!(m.follow_ups[0].marks.len(), 2);
    assert!(m.follow_ups[0].done().is_none());
    // Only ticked on one desk, apart: done after the merge, either way round.
    let mut c = base.clone();
    run(&mut c, mark(true), "Alex Kim", mins(30));
    for m in [
        merge_incident(None, &inc(&base, &id), &inc(&c, &id)),
        merge_incident(None, &inc(&c, &id), &inc(&base, &id)),
    ] {
        assert_eq!(
            m.follow_ups[0].done().map(|d| d.by.as_str()),
            Some("Alex Kim")
        );
    }
}
