//! Realistic generated data, for benchmarks and drills: many incidents with
//! long timelines, and a large roster.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc, Weekday};
use smol_str::SmolStr;

use crate::model::roster::{Contact, OfficeHours, Phone, Roster, Rota, Rotation, Shift};
use crate::model::*;

/// A fully populated, resolved incident with `entries` timeline entries.
pub fn incident(day: u32, n: u32, entries: usize) -> Incident {
    let opened: DateTime<Utc> = Utc
        .with_ymd_and_hms(2024, 1, 1, 9, 0, 0)
        .single()
        .expect("valid date")
        + Duration::days(i64::from(day));
    let at = |minutes: i64| opened + Duration::minutes(minutes);
    let id = IncidentId::new(opened.date_naive(), n);
    let mut i = Incident::new(
        id,
        format!("Checkout errors after release {day}.{n}"),
        opened,
    );
    i.evidence.push(Evidence {
        kind: EvidenceKind::ErrorTracker { count: 120 + day },
        text: "TypeError in payment step".into(),
        link: Some(format!("https://errors.example.com/issues/{day}{n}")),
        added_at: opened,
        added_by: "Sam Patel".into(),
    });
    i.owner = Some("Sam Patel".into());
    i.hand_overs.push(HandOver {
        from: None,
        to: "Sam Patel".into(),
        at: opened,
        note: String::new(),
        by: "Sam Patel".into(),
    });
    i.classification = Classification {
        decision: Some(Decision::Expedite),
        advice: None,
        metrics: vec![MetricHit {
            metric: Metric::Revenue,
            note: "bookings down 30 %".into(),
        }],
        expected_lifespan: "until the fix is out".into(),
    };
    i.team.members = vec![
        TeamMember {
            name: "Alex Kim".into(),
            role: Role::Developer,
        },
        TeamMember {
            name: "Jo Brown".into(),
            role: Role::Reviewer,
        },
    ];
    i.team.not_needed = vec![Role::Tester, Role::ProductOwner];
    for k in 0..4 {
        i.communication.updates.push(Update {
            at: at(15 * k),
            by: "Sam Patel".into(),
            text: "Investigating; rollback prepared; next update in 15 minutes.".into(),
            channel: EXPEDITE_CHANNEL.into(),
        });
    }
    i.fix = Some(Fix {
        description: "Revert the payment SDK upgrade".into(),
        deviations: vec![Deviation {
            reason: DeviationReason::Speed,
            justification: "revenue loss".into(),
        }],
        permanent_fix: None,
        recorded_at: at(40),
        recorded_by: "Alex Kim".into(),
    });
    i.deployment = Deployment {
        deployed_at: Some(at(55)),
        usual_way: true,
        rollback_plan: "redeploy the previous tag".into(),
        readings: vec![MetricReading {
            at: at(70),
            value: 2.0,
            normal: true,
            note: String::new(),
            by: "Sam Patel".into(),
        }],
    };
    i.timeline = (0..entries)
        .map(|k| TimelineEntry {
            at: at(k as i64),
            by: "Sam Patel".into(),
            what: format!("Note: checked the error rate again, step {k}"),
            change: None,
        })
        .collect();
    i.resolved_at = Some(at(90));
    i
}

/// `count` incidents spread over days, each with `entries` timeline entries.
pub fn incidents(count: usize, entries: usize) -> Vec<Incident> {
    (0..count)
        .map(|k| incident((k / 3) as u32, (k % 3) as u32 + 1, entries))
        .collect()
}

/// A roster of `count` contacts.
pub fn roster(count: usize) -> Roster {
    const ROLES: [Role; 5] = Role::ALL;
    let contacts = (0..count)
        .map(|k| Contact {
            name: format!("Person {k:05}").into(),
            roles: vec![ROLES[k % ROLES.len()]],
            team: format!("Team {}", k % 40).into(),
            phones: vec![
                Phone {
                    label: "mobile".into(),
                    number: format!("+44 7700 9{k:05}").into(),
                    extension: Default::default(),
                },
                Phone {
                    label: "desk".into(),
                    number: format!("+44 20 7946 {:04}", k % 10_000).into(),
                    extension: Default::default(),
                },
            ],
            email: Some(format!("person{k}@example.com").into()),
            more_emails: Vec::new(),
            chat: Some(format!("@person{k}").into()),
            time_zone: Some("Europe/London".into()),
            notes: "Prefers a call over chat after 22:00.".into(),
        })
        .collect();
    Roster {
        contacts,
        office_hours: Some(OfficeHours::default()),
        rota: Rota::default(),
        ..Roster::default()
    }
}

/// A rota over `roster`: `shifts` twelve-hour shifts a few minutes apart
/// around `around`, each role in turn, and `rotations` weekly rotations of
/// five people each in London and New York.
pub fn rota(roster: &Roster, shifts: usize, rotations: usize, around: DateTime<Utc>) -> Rota {
    let people = roster.contacts.len().max(1);
    let name = |k: usize| -> SmolStr {
        roster
            .contacts
            .get(k % people)
            .map_or_else(|| format!("Person {k:05}").into(), |c| c.name.clone())
    };
    let first = around - Duration::days(30);
    let shifts = (0..shifts)
        .map(|k| {
            let start = first + Duration::minutes(k as i64 * 9);
            Shift {
                who: name(k),
                role: Role::ALL[k % Role::ALL.len()],
                start,
                end: start + Duration::hours(12),
                source: None,
            }
        })
        .collect();
    let rotations = (0..rotations)
        .map(|k| Rotation {
            name: format!("Rotation {k}").into(),
            role: Role::ALL[k % Role::ALL.len()],
            people: (0..5).map(|p| name(k * 5 + p)).collect(),
            hand_off_day: Weekday::Mon,
            hand_off_time: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            time_zone: if k % 2 == 0 {
                "Europe/London"
            } else {
                "America/New_York"
            }
            .into(),
            starts: (around - Duration::weeks(20)).date_naive(),
        })
        .collect();
    Rota {
        shifts,
        rotations,
        overrides: Vec::new(),
        feeds: Vec::new(),
    }
}
