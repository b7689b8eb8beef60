//! The terminal face: `expedite declare`, `update`, `note`, `status`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints a line to stdout with whatever the data holds shown, not obeyed
/// (see [`terminal::shown`]).
macro_rules! show {
    ($($arg:tt)*) => {
        println!("{}", $crate::cli::terminal::shown(&format!($($arg)*)))
    };
}

/// As [`show!`], to stderr: what was done, warnings, refusals.
macro_rules! tell {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::cli::terminal::shown(&format!($($arg)*)))
    };
}

mod channel;
mod export;
mod metric;
mod steps;
pub mod terminal;
mod who;

use chrono::{DateTime, Duration, Utc};
use clap::{Parser, Subcommand};

use crate::command::{Command, NewEvidence, RosterChange};
use crate::interop::{ical, import, vcard};
use crate::model::roster::{Feed, Roster};
use crate::model::{EvidenceKind, Incident, IncidentId, Role, State, comms, procedure};
use crate::share;
use crate::store::{self, Store, StoreError};
use crate::time::{self, Edge};

/// Expedite: the expedited-incident procedure, roster and update reminders,
/// kept in plain RON files. Run without a subcommand to open the window.
#[derive(Debug, Parser)]
#[command(name = "expedite", version, about, long_about = None)]
pub struct Cli {
    /// Folder holding the data [default: $EXPEDITE_DATA_DIR, else the platform's data folder]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Act as this person for this call [default: "me" from settings, else the login name]
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// The incident to act on [default: the most recently active open one]
    #[arg(long, global = true, value_name = "ID", value_parser = parse_incident_id)]
    pub incident: Option<IncidentId>,
    /// Print JSON for scripts: `status` and `who` print theirs; a step of
    /// the procedure prints the incident's status after it.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do; the window opens when none is given.
    #[command(subcommand)]
    pub command: Option<Sub>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Declare a new incident and print its id (alone, for scripts).
    Declare {
        /// What is broken, in a few words.
        #[arg(long)]
        title: String,
        /// The metric that confirms it, as KIND:TEXT. KIND is error-tracker,
        /// call-centre, error-screen or other; error-tracker and call-centre
        /// need a count in TEXT, e.g. "error-tracker:340 TypeErrors in checkout".
        /// Repeat for more evidence.
        #[arg(long, value_name = "KIND:TEXT", value_parser = parse_evidence, required = true)]
        evidence: Vec<NewEvidence>,
        /// A link to the first evidence (dashboard, error tracker).
        #[arg(long, value_name = "URL")]
        link: Option<String>,
        /// Who owns it [default: you].
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
    },
    /// Record an update posted to stakeholders; resets the update timer.
    Update {
        /// What the update said.
        text: String,
        /// Where it was posted.
        #[arg(long, value_name = "NAME", default_value = "#expedite")]
        channel: String,
        /// When the next update is due, e.g. 90s, 15m, 1h30m [default: the cadence].
        #[arg(long, value_name = "DURATION", value_parser = parse_next_in)]
        next_in: Option<Duration>,
        /// The last update: it says no more will come, and resolves the incident.
        #[arg(long, conflicts_with = "next_in")]
        last: bool,
    },
    /// Put off the update reminder, e.g. `expedite snooze 15m`.
    Snooze {
        /// How long, e.g. 5m, 15m, 1h.
        #[arg(value_name = "DURATION", value_parser = parse_next_in)]
        duration: Duration,
    },
    /// Add a note to the incident's timeline.
    Note {
        /// The note.
        text: String,
    },
    /// A step of the procedure (hand-over, classify, team, fix, deployed,
    /// reading, resolve…): see each one's --help.
    #[command(flatten)]
    Step(steps::Step),
    /// Show the incident: stage, owner, updates, when the next update is due.
    Status,
    /// Who covers each role now (and whether it is out of hours), or, given
    /// a query, the matching contacts with their numbers.
    Who {
        /// Name, role, team, number or notes to look for.
        query: Vec<String>,
        /// Only this role: developer, reviewer, tester, product owner, web contact.
        #[arg(long, value_name = "ROLE", value_parser = parse_role)]
        role: Option<Role>,
        /// Another time than now, in the office's time zone: "2026-11-28 02:00", "14:05" (today), or exactly 2026-11-28T02:00:00Z.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Bring contacts or shifts in from another tool's file.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write an incident's update, summary, word to the origin, postmortem,
    /// invite or timeline, or the roster or rota for another tool.
    Export {
        /// What to export.
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Share the data folder with the team through a git remote: clones it
    /// into an empty folder, pushes this folder to an empty remote, or
    /// merges both when both hold data.
    Share {
        /// The git remote: a URL (ssh or https) or the path of a bare repository.
        remote: String,
    },
    /// Connect a channel to Slack, Teams, Mattermost or a webhook, so that
    /// updates to it are posted; list, test or remove connections.
    Channel {
        /// What to do.
        #[command(subcommand)]
        what: channel::ChannelWhat,
    },
    /// Watch the metric that confirms the incident: connect it, read it
    /// now, show what it says, disconnect.
    Metric {
        /// What to do.
        #[command(subcommand)]
        what: metric::MetricWhat,
    },
    /// The posts waiting to go out (offline, rate-limited, failed or unknown).
    Outbox {
        /// Retry them now.
        #[command(subcommand)]
        what: Option<channel::OutboxWhat>,
    },
    /// Send this desk's changes to the shared remote and take in the
    /// team's: commit, fetch, merge, push. Exit 1 when the remote can't be
    /// reached; the changes stay committed and go out on the next sync.
    Sync,
    /// Git's merge driver for Expedite's files (`expedite share` sets it up):
    /// merges BASE, OURS and THEIRS and writes the result over OURS.
    MergeDriver {
        /// The common ancestor's version (%O).
        base: PathBuf,
        /// This side's version, written over with the result (%A).
        ours: PathBuf,
        /// The other side's version (%B).
        theirs: PathBuf,
        /// The file's path in the repository (%P).
        path: String,
    },
}

/// What `expedite import` brings in.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Contacts from a CSV (header row) or vCard file, or shifts from an
    /// iCalendar on-call feed. Shows what will change; applies all or nothing.
    Roster {
        /// The file (.csv, .vcf or .ics), or an on-call feed's address
        /// (https:// or webcal://).
        #[arg(value_name = "FILE or ADDRESS")]
        file: String,
        /// Show what would change and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Keep the rota current from the feed's address: refreshed hourly
        /// while the window is open, and by `expedite import refresh`.
        #[arg(long)]
        subscribe: bool,
        /// The role a feed's shifts cover [default: each person's first role].
        #[arg(long, value_name = "ROLE", value_parser = parse_role)]
        role: Option<Role>,
        /// Whose shifts a personal feed holds (one that names nobody, as
        /// GoAlert's) [default: whoever each event names].
        #[arg(long = "for", value_name = "NAME")]
        whose: Option<String>,
    },
    /// Read every subscribed feed from its address now and bring the rota
    /// up to date; a feed that can't be read leaves its shifts as they were.
    /// A feed subscribed to on another desk is read only once this desk
    /// agrees (--fetch). Exit 1 when any could not be read.
    Refresh {
        /// Agree to read this feed (its name or address), added on another
        /// desk, from its address from now on.
        #[arg(long, value_name = "FEED")]
        fetch: Vec<String>,
    },
    /// Stop refreshing a subscribed feed (its shifts stay on the rota).
    Unsubscribe {
        /// The feed: its name or its address.
        feed: String,
    },
}

/// What `expedite export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// A part of an incident's conclusion pack (see `expedite export update --help`).
    #[command(flatten)]
    Pack(export::PackPart),
    /// The roster's contacts as vCard 4.0.
    Contacts {
        /// Where to write it [default: print it].
        file: Option<PathBuf>,
    },
    /// The rota (shifts, overrides, rotation turns) as iCalendar, in UTC.
    Rota {
        /// Where to write it [default: print it].
        file: Option<PathBuf>,
        /// How many weeks of rotation turns to write (1 to 520).
        #[arg(long, default_value_t = 12, allow_negative_numbers = true,
              value_parser = clap::value_parser!(i64).range(1..=520))]
        weeks: i64,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!(
            "'{text}' is not a role — use developer, reviewer, tester, product owner or web contact"
        )
    })
}

fn parse_incident_id(text: &str) -> Result<IncidentId, String> {
    IncidentId::parse(text)
        .ok_or_else(|| format!("'{text}' is not an incident id — ids look like 2026-11-26-1"))
}

fn parse_next_in(text: &str) -> Result<Duration, String> {
    Ok(time::parse_length(text)?)
}

/// Reads `KIND:TEXT` evidence.
fn parse_evidence(raw: &str) -> Result<NewEvidence, String> {
    const KINDS: &str = "error-tracker, call-centre, error-screen or other";
    let (kind, text) = raw
        .split_once(':')
        .ok_or_else(|| format!("write evidence as KIND:TEXT, where KIND is {KINDS}"))?;
    let text = text.trim().to_owned();
    let count = || {
        text.split(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| {
                format!(
                    "{kind} evidence needs a count in its text, e.g. {kind}:340 errors in checkout"
                )
            })
    };
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "error-tracker" => EvidenceKind::ErrorTracker { count: count()? },
        "call-centre" | "call-center" => EvidenceKind::CallCentre { count: count()? },
        "error-screen" => EvidenceKind::ErrorScreen,
        "other" => EvidenceKind::Other,
        other => return Err(format!("'{other}' is not a kind of evidence — use {KINDS}")),
    };
    if text.is_empty() {
        return Err(
            "say what was seen after the colon, e.g. error-screen:booking errors on step 3".into(),
        );
    }
    Ok(NewEvidence {
        kind,
        text,
        link: None,
    })
}

/// Runs a subcommand; the exit status is 0 on success and 1 on a runtime error.
pub fn run(cli: Cli, sub: Sub) -> ExitCode {
    match run_inner(cli, sub) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tell!("expedite: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(cli: Cli, sub: Sub) -> Result<(), String> {
    // Git runs the merge driver inside a merge: it touches only the files
    // it is given, never the data folder.
    if let Sub::MergeDriver {
        base,
        ours,
        theirs,
        path,
    } = &sub
    {
        let report = share::merge_driver(base, ours, theirs, path)
            .map_err(|why| format!("{why}. Git left the file with both versions marked; Expedite merges it when it next reads the folder."))?;
        for line in report {
            tell!("expedite: {line}");
        }
        return Ok(());
    }
    let dir = store::data_dir(cli.data_dir).map_err(|e| e.to_string())?;
    let mut store = Store::open(&dir).map_err(|e| e.to_string())?;
    // Connections and the outbox are this desk's own files.
    let desk_actor = || {
        cli.actor
            .clone()
            .or_else(|| Store::open(&dir).ok().and_then(|mut s| s.desk().me))
            .unwrap_or_else(crate::desk::login_name)
    };
    match sub {
        Sub::Channel { what } => return channel::channel(&dir, what, &desk_actor()),
        Sub::Outbox { what } => {
            return channel::outbox_cmd(&dir, what, &desk_actor(), &crate::desk::now);
        }
        _ => {}
    }
    // Syncing works on files, not on what they say: no need to read them.
    if let Sub::Sync = sub {
        let actor = cli
            .actor
            .or_else(|| store.desk().me)
            .unwrap_or_else(crate::desk::login_name);
        let synced =
            share::sync(&mut store, &actor, crate::desk::now()).map_err(|e| e.to_string())?;
        say_synced(&synced);
        tell!("In step with the shared remote.");
        return Ok(());
    }
    let (mut state, problems) = store.load();
    for p in &problems {
        tell!("expedite: warning: {}", p.message);
    }
    let actor = cli
        .actor
        .or_else(|| state.settings.me.clone())
        .unwrap_or_else(crate::desk::login_name);
    let now = crate::desk::now();
    let pick = |state: &State| -> Result<IncidentId, String> {
        match &cli.incident {
            Some(id) if state.incidents.contains_key(id) => Ok(id.clone()),
            Some(id) => Err(format!("there is no incident {id} in {}", dir.display())),
            None => state.current_incident().map(|i| i.id.clone()).ok_or_else(|| {
                "no incident is open — declare one with: expedite declare --title TEXT --evidence KIND:TEXT".to_owned()
            }),
        }
    };
    let mut execute = |state: &mut State, command| -> Result<Vec<IncidentId>, String> {
        store
            .execute(state, command, &actor, now)
            .map(|outcome| outcome.saved)
            .map_err(|e: StoreError| e.to_string())
    };
    match sub {
        Sub::Declare {
            title,
            evidence,
            link,
            owner,
        } => {
            let mut evidence = evidence.into_iter();
            let mut first = evidence.next().expect("clap requires one");
            first.link = link;
            let saved = execute(
                &mut state,
                Command::Declare {
                    title,
                    evidence: first,
                    owner,
                },
            )?;
            let id = saved
                .into_iter()
                .next()
                .expect("a declaration saves the new incident");
            for more in evidence {
                execute(
                    &mut state,
                    Command::AddEvidence {
                        incident: id.clone(),
                        evidence: more,
                    },
                )?;
            }
            println!("{id}");
        }
        Sub::Update {
            text,
            channel,
            next_in,
            last,
        } => {
            let incident = pick(&state)?;
            let command = if last {
                Command::PostLastUpdate {
                    incident: incident.clone(),
                    text,
                    channel: Some(channel),
                }
            } else {
                Command::PostUpdate {
                    incident: incident.clone(),
                    text,
                    channel: Some(channel),
                    next_in,
                }
            };
            execute(&mut state, command)?;
            if last {
                tell!("Last update recorded on {incident}; it is resolved.");
            } else {
                tell!(
                    "Update recorded on {incident}.{}",
                    due_sentence(&state, &incident)
                );
            }
            // Posted where it goes, when the channel is connected: the text
            // `expedite export update` shows for it.
            let (update, text) = crate::pack::update::as_posted(
                &state.incidents[&incident],
                &state.roster,
                &state.settings,
            )
            .expect("just recorded");
            let out = crate::post::outbox::UpdateOut {
                incident: incident.clone(),
                channel: update.channel.clone(),
                update_at: update.at,
                update_by: update.by.clone(),
                text,
            };
            let delivery = channel::post_update(&dir, &actor, &out, &crate::desk::now)?;
            match delivery {
                None => {}
                Some(d @ comms::Delivery::Sent { .. }) => {
                    tell!("{}.", d.describe(&update.channel))
                }
                Some(d @ comms::Delivery::Queued { .. }) => tell!(
                    "{}. It is in the outbox and goes out by itself (the open window, or expedite outbox retry).",
                    d.describe(&update.channel)
                ),
                Some(d) => {
                    return Err(format!(
                        "{}. The update is recorded; see expedite outbox.",
                        d.describe(&update.channel)
                    ));
                }
            }
        }
        Sub::Snooze { duration } => {
            let incident = pick(&state)?;
            execute(
                &mut state,
                Command::Snooze {
                    incident: incident.clone(),
                    for_: duration,
                },
            )?;
            tell!(
                "Reminder for {incident} snoozed.{}",
                due_sentence(&state, &incident)
            );
        }
        Sub::Note { text } => {
            let incident = pick(&state)?;
            execute(
                &mut state,
                Command::AddNote {
                    incident: incident.clone(),
                    text,
                },
            )?;
            tell!("Note added to {incident}.");
        }
        Sub::Step(step) => {
            let id = match (&step, &cli.incident) {
                // What is reopened is one resolved: the last one, unless named.
                (steps::Step::Reopen { .. }, None) => state
                    .incidents
                    .values()
                    .filter_map(|i| Some((i.resolved_at?, i.id.clone())))
                    .max()
                    .map(|(_, id)| id)
                    .ok_or("no incident is resolved, so there is none to reopen")?,
                _ => pick(&state)?,
            };
            let command = match steps::read(step, &id, &state, &actor, now)? {
                steps::Asked::Show(text) => return print(&text),
                steps::Asked::Run(command) => command,
            };
            let lines = state.incidents[&id].timeline.len();
            execute(&mut state, command)?;
            let incident = &state.incidents[&id];
            match incident.timeline.get(lines..).unwrap_or_default() {
                [] => tell!("Nothing changed on {id}: it already says so."),
                done => {
                    for line in done {
                        let change = match &line.change {
                            Some(c) if c.from.is_empty() => format!(" ({})", c.to),
                            Some(c) => format!(" ({} → {})", c.from, c.to),
                            None => String::new(),
                        };
                        tell!("{id}: {}{change}", line.what);
                    }
                }
            }
            tell!("Next step: {}", procedure::next_step(incident).step);
            if cli.json {
                let sharing = share::status(&dir, now);
                println!("{}", status_json(incident, &state, now, sharing.as_ref()));
            }
        }
        Sub::Status => {
            let json = cli.json;
            let sharing = share::status(&dir, now);
            let id = match pick(&state) {
                Ok(id) => id,
                Err(why) => {
                    if !json {
                        show!("{}", sharing_line(sharing.as_ref(), now));
                    }
                    return Err(why);
                }
            };
            let incident = &state.incidents[&id];
            let text = if json {
                status_json(incident, &state, now, sharing.as_ref())
            } else {
                format!(
                    "{}\n{}",
                    status_text(incident, &state, now),
                    sharing_line(sharing.as_ref(), now)
                )
            };
            let mut out = std::io::stdout().lock();
            let text = if json {
                text.into()
            } else {
                terminal::shown(&text)
            };
            writeln!(out, "{text}").map_err(|e| format!("could not print the status: {e}"))?;
        }
        Sub::Who { query, role, at } => {
            let json = cli.json;
            let at = match at {
                Some(text) => parse_at(&text, &state.roster, now)?,
                None => now,
            };
            let query = query.join(" ");
            let text = if query.trim().is_empty() {
                who::cover(&state.roster, role, at, now, json)
            } else {
                who::find(&state.roster, &query, role, at, json)
            };
            if json {
                print_exact(&text)?;
            } else {
                print(&text)?;
            }
        }
        Sub::Import {
            what:
                ImportWhat::Roster {
                    file,
                    dry_run,
                    subscribe,
                    role,
                    whose,
                },
        } => {
            let options = import::Options {
                role,
                whose,
                by: actor.clone(),
                subscribe,
                ..import::Options::at(now)
            };
            let read = import::preview_from(&state.roster, &file, options)?;
            let preview = &read.preview;
            tell!("{} from {}:", read.format.describe(), file.trim());
            for line in preview.lines() {
                tell!("  {line}");
            }
            if !preview.problems.is_empty() {
                return Err("nothing was imported".into());
            }
            if dry_run {
                tell!("Dry run: nothing was changed.");
                return Ok(());
            }
            let feed = preview.feed.clone();
            if preview.can_apply() {
                execute(&mut state, Command::Roster(Box::new(preview.change())))?;
                tell!("Imported into {}.", store.roster_path().display());
            }
            if let Some(feed) = feed.filter(|f| f.subscribed) {
                store::keep_feed_copy(store.root(), &feed, &read.text)
                    .map_err(|e| format!("the feed's copy could not be kept: {e}"))?;
                tell!(
                    "Subscribed to {}: the window refreshes it every hour; `expedite import refresh` does now.",
                    feed.name
                );
            }
        }
        Sub::Import {
            what: ImportWhat::Refresh { fetch },
        } => {
            let feeds: Vec<Feed> = state.roster.rota.subscribed().cloned().collect();
            if feeds.is_empty() {
                tell!(
                    "No feed is subscribed to. Subscribe with `expedite import roster ADDRESS --subscribe`."
                );
                return Ok(());
            }
            for wanted in &fetch {
                let wanted = wanted.trim();
                let Some(feed) = feeds
                    .iter()
                    .find(|f| f.name.eq_ignore_ascii_case(wanted) || f.location.as_str() == wanted)
                else {
                    return Err(format!(
                        "no subscribed feed is called \"{wanted}\"; `expedite import refresh` lists them"
                    ));
                };
                store::agree_to_feed(store.root(), feed).map_err(|e| {
                    format!("that this desk reads {} could not be noted: {e}", feed.name)
                })?;
            }
            let mut failed = 0;
            for feed in feeds {
                if !store::feed_agreed(store.root(), &feed) {
                    tell!(
                        "{}: added on {}'s desk, from {}; not read here until you agree: expedite import refresh --fetch \"{}\"",
                        feed.name,
                        store::feed_added_by(&feed),
                        feed.location,
                        feed.name
                    );
                    continue;
                }
                match refresh_feed(&mut store, &mut state, &feed, &actor, now) {
                    Ok(said) => tell!("{}: {said}", feed.name),
                    Err(why) => {
                        failed += 1;
                        tell!(
                            "{}: not refreshed. {why} Its shifts stay as read {}.",
                            feed.name,
                            feed.read
                                .with_timezone(&state.roster.office_zone())
                                .format("%a %-d %b %H:%M")
                        );
                    }
                }
            }
            if failed > 0 {
                return Err(format!(
                    "{failed} {} could not be refreshed",
                    if failed == 1 { "feed" } else { "feeds" }
                ));
            }
        }
        Sub::Import {
            what: ImportWhat::Unsubscribe { feed },
        } => {
            let wanted = feed.trim();
            let found = state
                .roster
                .rota
                .feeds
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(wanted) || f.location.as_str() == wanted);
            let Some(found) = found else {
                let known: Vec<String> = (state.roster.rota.subscribed())
                    .map(|f| format!("\"{}\"", f.name))
                    .collect();
                return Err(if known.is_empty() {
                    format!("no feed called \"{wanted}\"; no feed is subscribed to")
                } else {
                    format!(
                        "no feed called \"{wanted}\"; the subscribed ones are {}",
                        known.join(", ")
                    )
                });
            };
            let (id, name) = (found.id.clone(), found.name.clone());
            execute(
                &mut state,
                Command::Roster(Box::new(RosterChange::Subscribe {
                    feed: id,
                    on: false,
                })),
            )?;
            tell!("{name} is no longer refreshed; its shifts stay on the rota.");
        }
        Sub::Share { remote } => {
            let remote = share_remote(&remote);
            let (done, synced) =
                share::share(&mut store, &remote, &actor, now).map_err(|e| e.to_string())?;
            say_synced(&synced);
            tell!(
                "{} Run `expedite sync` (or keep the window open) to stay in step.",
                match done {
                    share::Shared::Cloned =>
                        format!("The team's data from {remote} is in {}.", dir.display()),
                    share::Shared::Pushed =>
                        format!("{} is now shared with {remote}.", dir.display()),
                    share::Shared::Merged =>
                        format!("This folder's data and {remote}'s were merged and shared."),
                    share::Shared::AlreadyShared => format!(
                        "{} was already shared with {remote}; it is in step.",
                        dir.display()
                    ),
                }
            );
        }
        Sub::Metric { what } => {
            let incident = pick(&state)?;
            metric::run(
                what,
                metric::Call {
                    dir: &dir,
                    store: &mut store,
                    state: &mut state,
                    actor: &actor,
                    now,
                    incident,
                    json: cli.json,
                },
            )?;
        }
        Sub::MergeDriver { .. } | Sub::Sync | Sub::Channel { .. } | Sub::Outbox { .. } => {
            unreachable!("handled before the folder is read")
        }
        Sub::Export { what } => {
            let (text, file) = match what {
                ExportWhat::Contacts { file } => (vcard::write(&state.roster), file),
                ExportWhat::Rota { file, weeks } => (ical::write(&state.roster, now, weeks), file),
                ExportWhat::Pack(part) => {
                    let id = export::incident(&state, cli.incident.as_ref())?;
                    let (text, file, warnings) = export::write(&state, &id, part, now);
                    for w in warnings {
                        tell!("expedite: note: {w}");
                    }
                    (text, file)
                }
            };
            match file {
                Some(path) => {
                    crate::store::atomic::write_document(&path, text.as_bytes())
                        .map_err(|e| format!("could not write {}: {e}", path.display()))?;
                    tell!("Written to {}.", path.display());
                }
                None => print(&text)?,
            }
        }
    }
    Ok(())
}

/// Prints text for people: whatever the data holds is shown, not obeyed.
fn print(text: &str) -> Result<(), String> {
    print_exact(&terminal::shown(text))
}

/// Prints text exactly as it is (JSON, which escapes what it must).
fn print_exact(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}").map_err(|e| format!("could not print: {e}"))
}

/// A `--at` time, read in the office's zone (UTC when office hours are not
/// set) by the rota's rule for a start.
fn parse_at(text: &str, roster: &Roster, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let tz = roster.office_zone();
    time::moment(text, &tz, now, Edge::Start).map_err(|e| {
        format!(
            "{e} (in the office's time zone, {}), or an exact time such as {}T02:00:00Z",
            tz.name(),
            time::example_day(now).format("%Y-%m-%d")
        )
    })
}

/// " Next update due at 14:05:00 UTC." — or nothing once the incident is resolved.
fn due_sentence(state: &State, incident: &IncidentId) -> String {
    comms::next_update_due(&state.incidents[incident], &state.settings)
        .map(|due| format!(" Next update due at {}.", due.format("%H:%M:%S UTC")))
        .unwrap_or_default()
}

/// The status as JSON, for scripts.
/// What a sync put right, and what it did not take in from the remote.
fn say_synced(synced: &share::Synced) {
    for line in &synced.healed {
        tell!("expedite: note: {line}");
    }
    for line in &synced.refused {
        tell!("expedite: warning: {line}");
    }
}

/// The line saying whether the folder is shared and when it last synced.
fn sharing_line(sharing: Option<&share::SyncStatus>, now: DateTime<Utc>) -> String {
    match sharing {
        None => "Sharing:      not shared (expedite share REMOTE shares it)".to_owned(),
        Some(s) => format!("Sharing:      {} — {}", s.summary(), s.detail(now)),
    }
}

/// A remote given as a relative path means the folder where it was typed.
fn share_remote(remote: &str) -> String {
    let path = std::path::Path::new(remote);
    if !remote.contains("://")
        && !remote.contains('@')
        && path.exists()
        && path.is_relative()
        && let Ok(abs) = std::fs::canonicalize(path)
    {
        return abs.to_string_lossy().into_owned();
    }
    remote.to_owned()
}

pub fn status_json(
    incident: &Incident,
    state: &State,
    now: DateTime<Utc>,
    sharing: Option<&share::SyncStatus>,
) -> String {
    let cadence = &state.settings;
    let due = comms::next_update_due(incident, cadence);
    let value = serde_json::json!({
        "id": incident.id.as_str(),
        "title": incident.title,
        "stage": procedure::current_stage(incident).name(),
        "next_step": procedure::next_step(incident).step,
        "owner": incident.owner,
        "opened_at": incident.opened_at.to_rfc3339(),
        "resolved_at": incident.resolved_at.map(|t| t.to_rfc3339()),
        "last_update": incident.last_update().map(|u| u.at.to_rfc3339()),
        "next_update_due": due.map(|t| t.to_rfc3339()),
        "overdue": comms::is_overdue(incident, cadence, now),
        "updates": incident.communication.updates.len(),
        "metric": incident.watch.as_ref().map(|w| {
            let j = crate::model::metric::judge(
                &incident.series,
                w,
                incident.opened_at,
                incident.deployment.deployed_at,
            );
            serde_json::json!({
                "verdict": j.verdict.name(),
                "impact": {
                    "start": j.impact.start.map(|t| t.to_rfc3339()),
                    "end": j.impact.end.map(|t| t.to_rfc3339()),
                },
            })
        }),
        "shared": sharing.map(|s| serde_json::json!({
            "remote": s.remote,
            "state": s.summary(),
            "last_synced": s.last_synced.map(|t| t.to_rfc3339()),
            "to_send": s.to_send,
            "error": s.last_error.as_ref().map(|(_, why)| why),
        })),
    });
    serde_json::to_string_pretty(&value).expect("JSON of plain values")
}

/// The status as a person reads it.
pub fn status_text(incident: &Incident, state: &State, now: DateTime<Utc>) -> String {
    let cadence = &state.settings;
    let when = |t: DateTime<Utc>| {
        format!(
            "{} ({})",
            t.format("%Y-%m-%d %H:%M UTC"),
            time::relative(t, now)
        )
    };
    let mut lines = vec![
        format!("{}  {}", incident.id, incident.title),
        format!("Opened:       {}", when(incident.opened_at)),
    ];
    if let Some(r) = incident.resolved_at {
        lines.push(format!("Resolved:     {}", when(r)));
    }
    lines.push(format!(
        "Stage:        {}",
        procedure::current_stage(incident).name()
    ));
    lines.push(format!(
        "Next step:    {}",
        procedure::next_step(incident).step
    ));
    lines.push(format!(
        "Owner:        {}",
        incident.owner.as_deref().unwrap_or("nobody")
    ));
    let last = incident.last_update().map_or("none yet".to_owned(), |u| {
        format!("{} in {}", when(u.at), u.channel)
    });
    lines.push(format!("Last update:  {last}"));
    lines.push(format!(
        "Updates:      {}",
        incident.communication.updates.len()
    ));
    if let Some(due) = comms::next_update_due(incident, cadence) {
        let flag = if comms::is_overdue(incident, cadence, now) {
            "  OVERDUE"
        } else {
            ""
        };
        lines.push(format!("Next update:  {}{flag}", when(due)));
    }
    if let Some(w) = &incident.watch {
        let deployed = incident.deployment.deployed_at;
        let j = crate::model::metric::judge(&incident.series, w, incident.opened_at, deployed);
        let clock = |t: DateTime<Utc>| t.format("%H:%M UTC").to_string();
        lines.push(format!(
            "Metric:       {}",
            crate::model::metric::verdict_words(&j, w, deployed, clock)
        ));
    }
    lines.join("\n")
}

/// Reads a subscribed feed from its address and brings the rota up to
/// date with it; what changed in words, or why it could not be read (the
/// rota untouched then).
fn refresh_feed(
    store: &mut Store,
    state: &mut State,
    feed: &Feed,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let file = match crate::interop::fetch::fetch(&feed.location) {
        Ok(file) => file,
        Err(why) if feed.runs_out_soon(now) => {
            // Offline as its cover runs out: the repeats go on from what the
            // feed said last; the refresh still failed.
            let Some(copy) = store::feed_copy(store.root(), &feed.id) else {
                return Err(why.to_string());
            };
            let filled = match import::refresh_change(&state.roster, feed, &copy, now, actor) {
                Ok(Some((change, said))) => store
                    .execute(state, Command::Roster(Box::new(change)), actor, now)
                    .map(|_| said)
                    .map_err(|e| e.to_string()),
                Ok(None) => Ok("nothing to add, the rota has all it says.".into()),
                Err(e) => Err(e.to_string()),
            };
            return Err(match filled {
                Ok(said) => format!("{why} From this desk's last good copy: {said}"),
                Err(e) => format!("{why} Its last good copy could not be used either: {e}"),
            });
        }
        Err(why) => return Err(why.to_string()),
    };
    let change = import::refresh_change(&state.roster, feed, &file.text, now, actor)?;
    store::keep_feed_copy(store.root(), feed, &file.text)
        .map_err(|e| format!("Its copy could not be kept on this desk: {e}."))?;
    let Some((change, said)) = change else {
        return Ok("up to date.".into());
    };
    store
        .execute(state, Command::Roster(Box::new(change)), actor, now)
        .map_err(|e| e.to_string())?;
    Ok(said)
}
