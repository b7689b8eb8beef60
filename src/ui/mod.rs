//! The window: the incident cockpit. A header with the countdown, the
//! procedure rail, one view per stage, the timeline, the incidents and the
//! contacts. Views read the state and return [`Action`]s; the app runs the
//! commands through the store and keeps everything typed in [`drafts`].

pub mod brief;
pub mod channels;
pub mod contacts;
pub mod dialogs;
pub mod drafts;
pub mod exports;
pub mod fonts;
pub mod header;
pub mod incidents;
pub mod metric;
pub mod notices;
pub mod probe;
pub mod rail;

pub mod stages;
pub mod timeline;
pub mod widgets;

use dialogs::{declare, post_update};
use stages::{
    classification, communication, conclusion, deployment, evidence, fix, ownership, team,
};
pub mod app;

pub use app::{ExpediteApp, Preload, Refused, run, window_title};

use chrono::{DateTime, Utc};

use crate::command::Command;
use crate::model::Incident;
use crate::model::procedure::Stage;
use crate::model::{IncidentId, Stamped, State};
use std::path::PathBuf;

/// The renderer the window uses (and the bare-window yardstick with it).
pub const RENDERER: eframe::Renderer = eframe::Renderer::Glow;

/// Where the window gets the time from; tests inject a fixed one.
pub type Clock = Box<dyn Fn() -> DateTime<Utc>>;

/// What a view sees: the incident, the whole state, the time and who is at the keyboard.
pub struct Facts<'a> {
    /// The incident shown.
    pub incident: &'a Stamped<Incident>,
    /// Everything loaded (roster, settings, other incidents).
    pub state: &'a State,
    /// Now, from the app's clock.
    pub now: DateTime<Utc>,
    /// The name the person goes by.
    pub me: &'a str,
    /// Where the shared folder stands, when the folder is shared.
    pub sharing: Option<&'a crate::share::SyncStatus>,
    /// Where posting stands.
    pub posting: &'a crate::services::posting::News,
    /// What the incident's watched metric says, and where reading it
    /// stands on this desk.
    pub metric: Option<(
        &'a crate::model::metric::Judgement,
        Option<&'a app::metrics::MetricStatus>,
    )>,
}

/// The form a command was made from, emptied once the command is saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Nothing to empty (a button, or a form that keeps its text).
    None,
    /// The declare dialog.
    Declare,
    /// The post-update dialog.
    Update,
    /// The hand-over dialog.
    HandOver,
    /// The timeline's note.
    Note,
    /// More evidence.
    Evidence,
    /// The classification form.
    Classification,
    /// The name typed for one team role.
    TeamRole(crate::model::Role),
    /// A dedicated channel being added.
    Channel,
    /// The fix form.
    Fix,
    /// The deployment form.
    Deployment,
    /// A metric reading.
    Reading,
    /// The summary's links.
    SummaryLinks,
    /// The web team's address as typed.
    WebTeam,
    /// Whom the word back to the origin goes to.
    OriginWhom,
    /// The postmortem's slot and owner.
    Postmortem,
    /// A follow-up and its owner.
    FollowUp,
    /// Why the incident is reopened.
    ReopenReason,
}

/// What a view asks the app to do.
pub enum Action {
    /// Run a command; when it is saved, empty the form it was made from.
    Run(Command, Form),
    /// What was typed can't become a command: say why (the text stays).
    Refuse(String),
    /// Open a dialog.
    Open(Dialog),
    /// Show another incident.
    Select(IncidentId),
    /// Read a file to import and preview what it would change.
    Preview {
        path: PathBuf,
        role: Option<crate::model::Role>,
        /// Whose shifts a personal feed holds, as typed.
        whose: Option<String>,
        /// Subscribe to the feed (an address only): refreshed every hour.
        subscribe: bool,
    },
    /// Read this subscribed feed (by id) from its address now.
    RefreshFeed(smol_str::SmolStr),
    /// Read this feed (by id), subscribed to on another desk, from its
    /// address from now on.
    AgreeFeed(smol_str::SmolStr),
    /// Connect, test or disconnect a channel, or post what waits again
    /// (a test message is signed by whoever is at this desk when it goes).
    Channel(crate::services::posting::Job),
    /// Copy, open in the mail program or save a file.
    Export(exports::Export),
    /// A contacts page's action, and the page that view goes to once it
    /// is saved (a refusal leaves it where it is).
    Contacts(Box<Action>, contacts::AfterSave),
    /// Show Contacts, on this page.
    ShowContacts(contacts::Page),
    /// Ask the desktop which file to import.
    BrowseImport,
    /// Watch this metric on the incident, keeping this desk's keys for it
    /// when given.
    WatchMetric {
        incident: IncidentId,
        source: Box<crate::model::metric::Source>,
        keys: Option<crate::sources::Keys>,
    },
    /// Read this source for the last hour, once, to see it before watching
    /// it (with these keys, else the incident's kept ones).
    TestMetric {
        incident: IncidentId,
        source: Box<crate::model::metric::Source>,
        keys: Option<crate::sources::Keys>,
    },
    /// Read the incident's watched metric now.
    ReadMetricNow(IncidentId),
    /// Read the incident's metric on this desk too, from the source it
    /// names now (set up on another desk).
    AgreeMetric(IncidentId, Box<crate::model::metric::Source>),
    /// Stop reading the incident's metric, and forget this desk's keys.
    StopWatching(IncidentId),
}

impl Action {
    /// Runs `command`; once it is saved, `form` is emptied.
    pub fn run(command: Command, form: Form) -> Self {
        Self::Run(command, form)
    }
}

/// What a person did with a dialog this frame.
pub enum DialogOutcome {
    /// Nothing yet.
    Open,
    /// Closed without sending; what was typed is kept.
    Closed,
    /// Sent: run this (or say why it can't be); the dialog closes once it is saved.
    Done(Action),
}

/// A dialog over the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// Declare an incident.
    Declare,
    /// Post an update on this incident.
    PostUpdate(IncidentId),
    /// Post the last update on this incident and resolve it.
    LastUpdate(IncidentId),
    /// Hand this incident over.
    HandOver(IncidentId),
    /// Watch the metric that confirms this incident.
    WatchMetric(IncidentId),
}

/// What the main area shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Where the incident stands, on one screen: the first view.
    Brief,
    /// One stage of the procedure.
    Stage(Stage),
    /// The incident's timeline.
    Timeline,
    /// All incidents.
    Incidents,
    /// The roster.
    Contacts,
    /// Where channels' updates are posted.
    Channels,
}

impl View {
    /// The view's name, as the rail says it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Brief => "Brief",
            Self::Stage(stage) => stage.name(),
            Self::Timeline => "Timeline",
            Self::Incidents => "Incidents",
            Self::Contacts => "Contacts",
            Self::Channels => "Channels",
        }
    }
}
