//! The communication timer: a thread that reminds the owner when an update
//! is due, whatever the window is doing.
//!
//! The thread owns the due times it was last told about, wakes at least every
//! [`POLL`], and compares against the wall clock (a suspended laptop fires an
//! overdue reminder as soon as it wakes). It shows notifications itself, so a
//! hidden window still reminds. Each call to the notifier is bounded: a bus
//! that never answers cannot stall the reminders, and a failure is reported
//! back to the window, which then shows a banner and asks for attention.

pub mod desktop;
pub mod schedule;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

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
    Failed(Reminder, String),
    /// The person clicked an action in a notification.
    Action(IncidentId, NotificationAction),
}

/// Shows reminders on the desktop. Implementations may block; the caller bounds them.
pub trait Notifier: Send + Sync + 'static {
    /// Shows (or replaces) the incident's notification. Clicked actions are
    /// sent to `actions`.
    fn show(&self, reminder: &Reminder, actions: Sender<ReminderEvent>) -> Result<(), String>;

    /// Closes the incident's notification, if one is showing: what it said
    /// is no longer so (the update was posted, the reminder snoozed, the
    /// incident resolved).
    fn withdraw(&self, _incident: &IncidentId) -> Result<(), String> {
        Ok(())
    }
}

/// Where the thread reads the time; tests pass a controllable one.
pub type WallClock = Box<dyn Fn() -> DateTime<Utc> + Send>;

enum Message {
    Watch(Vec<Watch>, Duration),
    Show(Reminder),
    Stop,
}

/// The window's handle on the reminder thread; stops it when dropped.
pub struct Reminders {
    tx: Sender<Message>,
    /// What happened, for the window to act on.
    pub events: Receiver<ReminderEvent>,
}

impl Reminders {
    /// Starts the thread. `wake` is called after each event (the window
    /// passes `request_repaint`, so it handles the event even when idle).
    pub fn start(
        notifier: Arc<dyn Notifier>,
        clock: WallClock,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        let (events_tx, events) = mpsc::channel();
        thread::Builder::new()
            .name("reminders".into())
            .spawn(move || run(rx, events_tx, notifier, clock, wake))
            .expect("a thread can be started");
        Self { tx, events }
    }

    /// Tells the thread what to watch now (after any change to the incidents).
    pub fn watch(&self, watches: Vec<Watch>, repeat: Duration) {
        let _ = self.tx.send(Message::Watch(watches, repeat));
    }

    /// Shows a notification now (a hand-over from a colleague's desk).
    pub fn show(&self, notice: Reminder) {
        let _ = self.tx.send(Message::Show(notice));
    }
}

impl Drop for Reminders {
    fn drop(&mut self) {
        let _ = self.tx.send(Message::Stop);
    }
}

fn run(
    rx: Receiver<Message>,
    events: Sender<ReminderEvent>,
    notifier: Arc<dyn Notifier>,
    clock: WallClock,
    wake: impl Fn(),
) {
    let mut scheduler = Scheduler::new(Duration::minutes(5));
    loop {
        let now = clock();
        let wait = scheduler
            .next_wake()
            .and_then(|at| (at - now).to_std().ok())
            .map_or(POLL, |until| until.min(POLL));
        match rx.recv_timeout(wait) {
            Ok(Message::Watch(watches, repeat)) => {
                let changed = scheduler.set(watches, repeat, clock());
                for incident in changed.withdraw {
                    withdraw_bounded(&notifier, incident);
                }
                // Brought up to date in place: not a new reminder, so the
                // window is not asked for attention again.
                for reminder in changed.refresh {
                    if let Err(why) = show_bounded(&notifier, &reminder, &events) {
                        if events.send(ReminderEvent::Failed(reminder, why)).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            }
            Ok(Message::Show(notice)) => {
                if !show_and_tell(&notifier, notice, &events, &wake) {
                    return;
                }
            }
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        for reminder in scheduler.tick(clock()) {
            if !show_and_tell(&notifier, reminder, &events, &wake) {
                return;
            }
        }
    }
}

/// Shows one notification and tells the window how it went; `false` once
/// the window is gone.
fn show_and_tell(
    notifier: &Arc<dyn Notifier>,
    reminder: Reminder,
    events: &Sender<ReminderEvent>,
    wake: &impl Fn(),
) -> bool {
    let event = match show_bounded(notifier, &reminder, events) {
        Ok(()) => ReminderEvent::Shown(reminder),
        Err(why) => ReminderEvent::Failed(reminder, why),
    };
    if events.send(event).is_err() {
        return false;
    }
    wake();
    true
}

/// Withdraws a notification on a helper thread: a bus that hangs holds up
/// nothing (what it would have closed is out of date, not harmful).
fn withdraw_bounded(notifier: &Arc<dyn Notifier>, incident: IncidentId) {
    let notifier = notifier.clone();
    let _ = thread::Builder::new()
        .name("withdraw".into())
        .spawn(move || notifier.withdraw(&incident));
}

/// Shows a reminder on a helper thread, giving up after [`SHOW_TIMEOUT`].
fn show_bounded(
    notifier: &Arc<dyn Notifier>,
    reminder: &Reminder,
    events: &Sender<ReminderEvent>,
) -> Result<(), String> {
    let (done_tx, done) = mpsc::channel();
    let (notifier, reminder, events) = (notifier.clone(), reminder.clone(), events.clone());
    thread::Builder::new()
        .name("notify".into())
        .spawn(move || {
            let _ = done_tx.send(notifier.show(&reminder, events));
        })
        .map_err(|e| format!("could not start a thread to show it ({e})"))?;
    match done.recv_timeout(SHOW_TIMEOUT) {
        Ok(result) => result,
        // The helper may stay stuck on the bus; it holds nothing the app needs.
        Err(_) => Err(format!(
            "the notification server did not answer within {} seconds",
            SHOW_TIMEOUT.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::TimeZone;

    use super::*;

    /// Records what it was asked to show; fails or hangs on demand.
    #[derive(Default)]
    struct Recording {
        shown: Mutex<Vec<Reminder>>,
        withdrawn: Mutex<Vec<IncidentId>>,
        fail: Option<String>,
        hang: bool,
    }

    impl Notifier for Recording {
        fn show(&self, reminder: &Reminder, _: Sender<ReminderEvent>) -> Result<(), String> {
            if self.hang {
                thread::sleep(StdDuration::from_secs(3600));
            }
            self.shown.lock().unwrap().push(reminder.clone());
            self.fail.clone().map_or(Ok(()), Err)
        }

        fn withdraw(&self, incident: &IncidentId) -> Result<(), String> {
            self.withdrawn.lock().unwrap().push(incident.clone());
            Ok(())
        }
    }

    fn due_now() -> Vec<Watch> {
        vec![Watch {
            incident: IncidentId::parse("2026-11-26-1").unwrap(),
            title: "Checkout".into(),
            due: Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap(),
            last_update: None,
            next_step: "Post a first update.".into(),
        }]
    }

    fn fixed_clock() -> WallClock {
        Box::new(|| Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 5).unwrap())
    }

    /// Starts the thread with one incident due, and returns what it reports first.
    fn first_event(notifier: Arc<Recording>, within: StdDuration) -> ReminderEvent {
        let reminders = Reminders::start(notifier, fixed_clock(), || {});
        reminders.watch(due_now(), Duration::minutes(5));
        reminders.events.recv_timeout(within).unwrap()
    }

    #[test]
    fn the_thread_shows_a_due_reminder_and_reports_it() {
        let notifier = Arc::new(Recording::default());
        let event = first_event(notifier.clone(), StdDuration::from_secs(5));
        assert!(
            matches!(&event, ReminderEvent::Shown(r) if r.summary == "Update due: Checkout"),
            "{event:?}"
        );
        assert_eq!(notifier.shown.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_shown_reminder_is_withdrawn_once_the_update_is_posted() {
        let notifier = Arc::new(Recording::default());
        let reminders = Reminders::start(notifier.clone(), fixed_clock(), || {});
        reminders.watch(due_now(), Duration::minutes(5));
        let event = reminders
            .events
            .recv_timeout(StdDuration::from_secs(5))
            .unwrap();
        assert!(matches!(event, ReminderEvent::Shown(_)), "{event:?}");
        // Posted: the next update is due later; the bubble on screen goes.
        let mut posted = due_now();
        posted[0].due += Duration::minutes(15);
        reminders.watch(posted.clone(), Duration::minutes(5));
        let start = std::time::Instant::now();
        while notifier.withdrawn.lock().unwrap().is_empty() {
            assert!(
                start.elapsed() < StdDuration::from_secs(5),
                "never withdrawn"
            );
            thread::sleep(StdDuration::from_millis(10));
        }
        assert_eq!(notifier.withdrawn.lock().unwrap()[0], posted[0].incident);
        // Told the same again, nothing more is withdrawn.
        reminders.watch(posted, Duration::minutes(5));
        thread::sleep(StdDuration::from_millis(100));
        assert_eq!(notifier.withdrawn.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_failing_notifier_is_reported_not_dropped() {
        let notifier = Arc::new(Recording {
            fail: Some("no notification server".into()),
            ..Default::default()
        });
        let event = first_event(notifier, StdDuration::from_secs(5));
        assert!(
            matches!(&event, ReminderEvent::Failed(_, why) if why == "no notification server"),
            "{event:?}"
        );
    }

    #[test]
    fn a_notifier_that_never_answers_is_given_up_on() {
        let notifier = Arc::new(Recording {
            hang: true,
            ..Default::default()
        });
        let event = first_event(notifier, SHOW_TIMEOUT + StdDuration::from_secs(3));
        assert!(
            matches!(&event, ReminderEvent::Failed(_, why) if why.contains("did not answer")),
            "{event:?}"
        );
    }
}
