//! Writes a large, realistic data folder for benchmarks and trying the app:
//! `cargo run --release --example generate_data -- DIR [INCIDENTS] [ENTRIES] [CONTACTS]`
//! (defaults: 1,000 resolved incidents of 50 timeline entries, 10,000 contacts).

use std::process::ExitCode;

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
        store.save_roster(&sample::roster(contacts))
    })();
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {incidents} incidents ({entries} timeline entries each) and {contacts} contacts to {dir}"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate_data: {e}");
            ExitCode::FAILURE
        }
    }
}
