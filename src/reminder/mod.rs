//! The communication timer: when an update is due and what the reminder
//! says (`schedule.rs`, pure), and how it reaches the desktop
//! (`desktop.rs`). The reminding itself runs as a service
//! (`services::remind`), whatever the window is doing: it wakes at least
//! every [`POLL`] and compares against the wall clock (a suspended laptop
//! fires an overdue reminder as soon as it wakes), and shows notifications
//! itself, so a hidden window still reminds. Each call to the notifier is
//! bounded: a bus that never answers cannot stall the reminders, and a
//! failure is reported back to the window, which then shows a banner and
//! asks for attention.

pub mod desktop;
pub mod schedule;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};

use crate::model::IncidentId;
pub use schedule::{Reminder, Scheduler, Watch};

/// The longest the thread sleeps before looking at the clock again.
pub const POLL: StdDuration = StdDuration::from_secs(2);

/// The longest one notification may take to show before it counts as failed.
pub const SHOW_TIMEOUT: StdDuration = StdDuration::from_secs(3);

/// What a person can do from the notification itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationAction {
    /// "Snooze 15 min".
    Snooze15,
    /// "Post update": raise the window with the post-update dialog open.
    PostUpdate,
}

/// What the reminder thread tells the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReminderEvent {
    /// A reminder fired and the desktop showed it.
    Shown(Reminder),
    /// A reminder fired but the desktop could not show it; says why.
    Failed(Reminder, NotifyError),
    /// The person clicked an action in a notification.
    Action(IncidentId, NotificationAction),
}

/// Where a notification's clicked actions go: to the window, woken.
#[derive(Clone)]
pub struct Actions(Arc<dyn Fn(ReminderEvent) + Send + Sync>);

impl Actions {
    pub fn new(tell: impl Fn(ReminderEvent) + Send + Sync + 'static) -> Self {
        Self(Arc::new(tell))
    }

    /// Tells the window what was clicked.
    pub fn send(&self, event: ReminderEvent) {
        (self.0)(event);
    }
}

/// Shows reminders on the desktop. Implementations may block; the caller bounds them.
pub trait Notifier: Send + Sync + 'static {
    /// Shows (or replaces) the incident's notification. Clicked actions are
    /// sent to `actions`.
    fn show(&self, reminder: &Reminder, actions: Actions) -> Result<(), NotifyError>;

    /// Closes the incident's notification, if one is showing: what it said
    /// is no longer so (the update was posted, the reminder snoozed, the
    /// incident resolved).
    fn withdraw(&self, _incident: &IncidentId) -> Result<(), NotifyError> {
        Ok(())
    }
}

/// Why the desktop could not show (or close) a notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotifyError {
    /// Nothing on the session bus serves notifications.
    NoServer,
    /// There is no session bus to reach a notification server through.
    NoBus,
    /// The notification server answered with an error (its words).
    Refused(String),
    /// The system's notification centre refused it (its words).
    SystemRefused(String),
    /// The notification server did not answer within this many seconds.
    NoAnswer(u64),
    /// No helper thread could be started to show it (why).
    NoHelper(String),
    /// No thread could be started to listen for its buttons (why).
    NoListener(String),
    /// The notifier's own bookkeeping was left broken by a panic.
    Internal,
}

impl std::fmt::Display for NotifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoServer => f.write_str("no notification server is running on this desktop"),
            Self::NoBus => {
                f.write_str("there is no desktop session bus to reach the notification server")
            }
            Self::Refused(e) => write!(f, "the notification server refused it ({e})"),
            Self::SystemRefused(e) => write!(f, "the system refused it ({e})"),
            Self::NoAnswer(secs) => write!(
                f,
                "the notification server did not answer within {secs} seconds"
            ),
            Self::NoHelper(e) => write!(f, "could not start a thread to show it ({e})"),
            Self::NoListener(e) => write!(f, "could not listen for its buttons ({e})"),
            Self::Internal => f.write_str("internal error"),
        }
    }
}

/// Where the reminders read the time; tests pass a controllable one.
pub type WallClock = Box<dyn Fn() -> DateTime<Utc> + Send>;
