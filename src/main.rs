//! `expedite`: opens the window, or runs a subcommand from the terminal.

use std::process::ExitCode;

use clap::Parser;
use expedite::cli::Cli;

fn main() -> ExitCode {
    // clap prints usage errors and exits with status 2 itself.
    let mut cli = Cli::parse();
    match cli.command.take() {
        Some(sub) => expedite::cli::run(cli, sub),
        None => expedite::ui::run(cli.data_dir),
    }
}
