//! `expedite export update|summary|origin|postmortem|invite|timeline`: the
//! conclusion pack for one incident, printed or written to a file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::model::{EXPEDITE_CHANNEL, IncidentId, State};
use crate::pack::Pack;
use crate::pack::{email, postmortem, update};

/// The parts of the conclusion pack `expedite export` writes.
#[derive(Debug, Subcommand)]
pub enum PackPart {
    /// The update text for a channel, to paste into it.
    Update {
        /// The channel: #expedite (short), #deployments (deployment notice),
        /// or a dedicated channel (the fuller version).
        #[arg(long, value_name = "NAME", default_value = EXPEDITE_CHANNEL, value_parser = channel)]
        channel: String,
        /// What you see now [default: the latest reading or evidence].
        #[arg(long, value_name = "TEXT")]
        text: Option<String>,
        /// When the next update comes, e.g. 15m [default: the cadence].
        #[arg(long, value_name = "DURATION", value_parser = crate::time::parse_length)]
        next_in: Option<chrono::Duration>,
        /// Where to write it [default: print it].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The summary email to the web team: text, or an .eml draft when FILE ends in .eml.
    Summary {
        /// Where to write it [default: print it as text].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The plain-language word to whoever reported it: text, or .eml as for summary.
    Origin {
        /// Who reported it [default: as recorded on the incident].
        #[arg(long, value_name = "WHO")]
        whom: Option<String>,
        /// Where to write it [default: print it as text].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The blameless postmortem draft, in Markdown.
    Postmortem {
        /// Where to write it [default: print it].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The postmortem's calendar invite (.ics, METHOD:REQUEST) for the team.
    Invite {
        /// Where the postmortem draft is, for the invite's description
        /// [default: postmortem-ID.md].
        #[arg(long, value_name = "PATH")]
        draft: Option<String>,
        /// Where to write it [default: print it].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The timeline as CSV: Time (UTC), Time (team zone), Event, Who.
    Timeline {
        /// Where to write it [default: print it].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The incident to write about: the one named, else the open one people
/// mean, else (the pack is mostly written after the end) the latest one.
pub fn incident(state: &State, named: Option<&IncidentId>) -> Result<IncidentId, String> {
    if let Some(id) = named {
        return state
            .incidents
            .contains_key(id)
            .then(|| id.clone())
            .ok_or_else(|| format!("there is no incident {id}"));
    }
    state
        .current_incident()
        .or_else(|| {
            state
                .incidents
                .values()
                .map(|i| &**i)
                .max_by_key(|i| i.last_activity())
        })
        .map(|i| i.id.clone())
        .ok_or_else(|| "there are no incidents yet".to_owned())
}

/// The text (or file contents) for `part`, and the file to write it to.
pub fn write(
    state: &State,
    id: &IncidentId,
    part: PackPart,
    now: DateTime<Utc>,
) -> (String, Option<PathBuf>, Vec<String>) {
    let incident = &state.incidents[id];
    let pack = Pack::new(incident, &state.roster, &state.settings, now);
    let as_email = |mail: email::Email, output: Option<PathBuf>| {
        let text = if output.as_deref().is_some_and(is_eml) {
            mail.eml(now)
        } else {
            mail.text()
        };
        (text, output, Vec::new())
    };
    match part {
        PackPart::Update {
            channel,
            text,
            next_in,
            output,
        } => {
            let next_at = next_in.map(|d| now + d);
            let text = update::text(&pack, &channel, text.as_deref().unwrap_or(""), next_at);
            (text, output, Vec::new())
        }
        PackPart::Summary { output } => as_email(email::summary(&pack), output),
        PackPart::Origin { whom, output } => {
            as_email(email::origin(&pack, whom.as_deref().unwrap_or("")), output)
        }
        PackPart::Postmortem { output } => (postmortem::markdown(&pack), output, Vec::new()),
        PackPart::Invite { draft, output } => {
            let draft = draft.unwrap_or_else(|| postmortem::file_name(&pack, "md"));
            let invite = postmortem::invite(&pack, &draft);
            (invite.ics, output, invite.warnings)
        }
        PackPart::Timeline { output } => (postmortem::timeline_csv(&pack), output, Vec::new()),
    }
}

/// A channel as `expedite update` takes it: `#name`, or `name`.
fn channel(text: &str) -> Result<String, String> {
    crate::command::channel_name(text).map_err(|e| e.to_string())
}

fn is_eml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
}
