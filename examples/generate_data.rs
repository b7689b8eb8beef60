//! Writes a large, realistic data folder for benchmarks and trying the app:
//! `cargo run --release --example generate_data -- DIR [INCIDENTS] [ENTRIES] [CONTACTS]`
//! (defaults: 1,000 resolved incidents of 50 timeline entries, 10,000
//! contacts), plus one incident open now, declared five minutes ago, and
//! "me" set, so the window opens straight onto the cockpit.

use std::process::ExitCode;

use chrono::{Duration, Utc};
use expedite::command::{Command, NewEvidence};
use expedite::model::EvidenceKind;
use expedite::{sample, store::Store};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: generate_data DIR [INCIDENTS] [ENTRIES] [CONTACTS]");
        return ExitCode::from(2);
    };
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (incidents, entries, contacts) = (number(1, 1_000), number(2, 50), number(3, 10_000));
    let result = (|| {
        let mut store = Store::open(dir)?;
        for incident in sample::incidents(incidents, entries) {
            store.save_incident(&incident)?;
        }
        // The rota the roster bench measures: 10,000 shifts, 50 rotations.
        let mut roster = sample::roster(contacts);
        roster.rota = sample::rota(&roster, 10_000, 50, Utc::now());
        store.save_roster(&roster)?;
        let (mut state, _) = store.load();
        let declared = Utc::now() - Duration::minutes(5);
        let me = "Sam Patel";
        store.execute(&mut state, Command::SetMe { name: me.into() }, me, declared)?;
        let declare = Command::Declare {
            title: "Checkout returns 500 for card payments".into(),
            evidence: NewEvidence {
                kind: EvidenceKind::ErrorTracker { count: 340 },
                text: "PaymentDeclined in checkout".into(),
                link: Some("https://app.bugsnag.com/hx/checkout".into()),
            },
            owner: None,
        };
        store.execute(&mut state, declare, me, declared)?;
        let open = state
            .current_incident()
            .map(|i| i.id.clone())
            .expect("just declared");
        for n in 3..entries {
            let note = Command::AddNote {
                incident: open.clone(),
                text: format!("Checked dashboard {n}: still failing"),
            };
            store.execute(&mut state, note, me, declared)?;
        }
        Ok::<_, expedite::store::StoreError>(())
    })();
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {incidents} resolved incidents ({entries} timeline entries each), one open incident and {contacts} contacts to {dir}"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate_data: {e}");
            ExitCode::FAILURE
        }
    }
}
