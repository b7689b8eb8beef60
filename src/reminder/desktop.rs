//! Reminders as desktop notifications (notify-rust). On Linux and the BSDs
//! they are freedesktop notifications over pure-Rust D-Bus, with buttons and
//! one bubble per incident; elsewhere a plain notification under the app's id.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use notify_rust::Notification;
#[cfg(all(unix, not(target_os = "macos")))]
use notify_rust::{Hint, Timeout, Urgency};

#[cfg(all(unix, not(target_os = "macos")))]
use super::NotificationAction;
#[cfg(all(unix, not(target_os = "macos")))]
use super::ReminderEvent;
use super::{Actions, Notifier, NotifyError, Reminder};
use crate::model::IncidentId;

const SNOOZE: &str = "snooze-15";
const POST: &str = "post-update";

/// Shows reminders through the desktop's notification server.
#[derive(Default)]
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
pub struct DesktopNotifier {
    /// The server's id of each incident's bubble, so a newer one replaces it.
    ids: Mutex<HashMap<IncidentId, u32>>,
    /// Bubbles whose actions someone is already listening for.
    listening: Arc<Mutex<HashSet<u32>>>,
}

impl DesktopNotifier {
    /// A notifier with no bubbles shown yet.
    pub fn new() -> Self {
        // macOS attributes notifications to a bundle: tell it which one is ours.
        #[cfg(target_os = "macos")]
        let _ = notify_rust::set_application(crate::APP_ID);
        Self::default()
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
impl Notifier for DesktopNotifier {
    fn show(&self, reminder: &Reminder, _actions: Actions) -> Result<(), NotifyError> {
        let mut n = Notification::new();
        n.summary(&reminder.summary).body(&reminder.body);
        // Windows attributes toasts to the Start Menu shortcut with this id.
        #[cfg(target_os = "windows")]
        n.app_id(crate::APP_ID);
        n.show()
            .map(|_| ())
            .map_err(|e| NotifyError::SystemRefused(e.to_string()))
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
impl Notifier for DesktopNotifier {
    fn show(&self, reminder: &Reminder, actions: Actions) -> Result<(), NotifyError> {
        // Servers without the "actions" capability would show the labels as noise.
        let with_actions = notify_rust::get_capabilities()
            .map_err(|e| describe(&e.to_string()))?
            .iter()
            .any(|c| c == "actions");
        let mut n = Notification::new();
        n.appname("Expedite")
            .summary(&reminder.summary)
            .body(&reminder.body)
            .icon(crate::APP_ID)
            .hint(Hint::DesktopEntry(crate::APP_ID.to_owned()))
            .urgency(if reminder.critical {
                Urgency::Critical
            } else {
                Urgency::Normal
            })
            .timeout(Timeout::Never);
        let previous = self
            .ids
            .lock()
            .map_err(|_| NotifyError::Internal)?
            .get(&reminder.incident)
            .copied();
        if let Some(id) = previous {
            n.id(id);
        }
        if with_actions {
            n.action("default", "Post update")
                .action(POST, "Post update")
                .action(SNOOZE, "Snooze 15 min");
        }
        let handle = n.show().map_err(|e| describe(&e.to_string()))?;
        let id = handle.id();
        self.ids
            .lock()
            .map_err(|_| NotifyError::Internal)?
            .insert(reminder.incident.clone(), id);
        // One listener per bubble: a replacement keeps the id, and the listener.
        let fresh = with_actions && self.listening.lock().is_ok_and(|mut l| l.insert(id));
        if fresh {
            let incident = reminder.incident.clone();
            let listening = self.listening.clone();
            std::thread::Builder::new()
                .name("notification-actions".into())
                .spawn(move || {
                    handle.wait_for_action(|action| {
                        let chosen = match action {
                            SNOOZE => Some(NotificationAction::Snooze15),
                            POST | "default" => Some(NotificationAction::PostUpdate),
                            _ => None,
                        };
                        if let Some(chosen) = chosen {
                            actions.send(ReminderEvent::Action(incident, chosen));
                        }
                    });
                    if let Ok(mut l) = listening.lock() {
                        l.remove(&id);
                    }
                })
                .map_err(|e| NotifyError::NoListener(e.to_string()))?;
        }
        Ok(())
    }

    fn withdraw(&self, incident: &IncidentId) -> Result<(), NotifyError> {
        let Some(id) = self
            .ids
            .lock()
            .map_err(|_| NotifyError::Internal)?
            .remove(incident)
        else {
            return Ok(());
        };
        // Closed by its id, as the freedesktop API allows: the bubble goes
        // without first showing anything else.
        zbus::block_on(async {
            let bus = zbus::Connection::session().await?;
            bus.call_method(
                Some("org.freedesktop.Notifications"),
                "/org/freedesktop/Notifications",
                Some("org.freedesktop.Notifications"),
                "CloseNotification",
                &(id,),
            )
            .await
            .map(drop)
        })
        .map_err(|e: zbus::Error| describe(&e.to_string()))
    }
}

/// Which trouble a D-Bus error is, for words a person can act on.
pub fn describe(error: &str) -> NotifyError {
    if error.contains("ServiceUnknown") || error.contains("was not provided by any .service files")
    {
        NotifyError::NoServer
    } else if error.contains("DBUS_SESSION_BUS_ADDRESS")
        || error.contains("No such file")
        || error.contains("Connection refused")
        || error.contains("Address")
    {
        NotifyError::NoBus
    } else {
        NotifyError::Refused(error.to_owned())
    }
}
