//! Reminding: the due times the window last told of, checked against the
//! wall clock at least every [`POLL`] (a suspended laptop fires an overdue
//! reminder as soon as it wakes), shown on the desktop by this lane itself,
//! so a hidden window still reminds. Each call to the notifier is bounded (a
//! helper thread, given up after [`SHOW_TIMEOUT`]): a bus that never answers
//! cannot stall the reminders, and a failure is told to the window, which
//! shows a banner and asks for attention.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::model::IncidentId;
use crate::reminder::{
    Actions, Notifier, NotifyError, POLL, Reminder, ReminderEvent, SHOW_TIMEOUT, Scheduler,
    WallClock, Watch,
};

use super::{Event, Out, Service};

/// What the reminders are asked.
pub enum Job {
    /// What to watch now (after any change to the incidents), and how often
    /// an overdue reminder repeats.
    Watch(Vec<Watch>, Duration),
    /// Show a notification now (a hand-over from a colleague's desk).
    Show(Reminder),
}

/// The reminder service: the notifier, the wall clock, the schedule.
pub struct Remind {
    notifier: Arc<dyn Notifier>,
    clock: WallClock,
    scheduler: Scheduler,
}

impl Remind {
    pub fn new(notifier: Arc<dyn Notifier>, clock: WallClock) -> Self {
        Self {
            notifier,
            clock,
            scheduler: Scheduler::new(Duration::minutes(5)),
        }
    }

    /// Shows one notification and tells the window how it went.
    fn show_and_tell(&self, reminder: Reminder, out: &Out) {
        let event = match show_bounded(&self.notifier, &reminder, out) {
            Ok(()) => ReminderEvent::Shown(reminder),
            Err(why) => ReminderEvent::Failed(reminder, why),
        };
        out.tell(Event::Reminder(event));
    }
}

impl Service for Remind {
    type Job = Job;
    const NAME: &'static str = "reminders";

    fn handle(&mut self, job: Job, out: &Out) -> Option<StdDuration> {
        match job {
            Job::Watch(watches, repeat) => {
                let changed = self.scheduler.set(watches, repeat, (self.clock)());
                for incident in changed.withdraw {
                    withdraw_bounded(&self.notifier, incident);
                }
                // Brought up to date in place: not a new reminder, so the
                // window is not asked for attention again.
                for reminder in changed.refresh {
                    if let Err(why) = show_bounded(&self.notifier, &reminder, out) {
                        out.tell(Event::Reminder(ReminderEvent::Failed(reminder, why)));
                    }
                }
            }
            Job::Show(notice) => self.show_and_tell(notice, out),
        }
        Some(StdDuration::ZERO)
    }

    fn tick(&mut self, out: &Out) -> Option<StdDuration> {
        for reminder in self.scheduler.tick((self.clock)()) {
            self.show_and_tell(reminder, out);
        }
        let now = (self.clock)();
        Some(
            self.scheduler
                .next_wake()
                .and_then(|at| (at - now).to_std().ok())
                .map_or(POLL, |until| until.min(POLL)),
        )
    }
}

/// Withdraws a notification on a helper thread: a bus that hangs holds up
/// nothing (what it would have closed is out of date, not harmful).
fn withdraw_bounded(notifier: &Arc<dyn Notifier>, incident: IncidentId) {
    let notifier = notifier.clone();
    let _ = std::thread::Builder::new()
        .name("withdraw".into())
        .spawn(move || notifier.withdraw(&incident));
}

/// Shows a reminder on a helper thread, giving up after [`SHOW_TIMEOUT`];
/// its buttons, when clicked, are told to the window.
fn show_bounded(
    notifier: &Arc<dyn Notifier>,
    reminder: &Reminder,
    out: &Out,
) -> Result<(), NotifyError> {
    let (done_tx, done) = mpsc::channel();
    let (notifier, reminder) = (notifier.clone(), reminder.clone());
    let out = out.clone();
    let actions = Actions::new(move |event| {
        out.tell(Event::Reminder(event));
    });
    std::thread::Builder::new()
        .name("notify".into())
        .spawn(move || {
            let _ = done_tx.send(notifier.show(&reminder, actions));
        })
        .map_err(|e| NotifyError::NoHelper(e.to_string()))?;
    match done.recv_timeout(SHOW_TIMEOUT) {
        Ok(result) => result,
        // The helper may stay stuck on the bus; it holds nothing the app needs.
        Err(_) => Err(NotifyError::NoAnswer(SHOW_TIMEOUT.as_secs())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::thread;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::model::IncidentId;
    use crate::reminder::{Notifier, Reminder, ReminderEvent, SHOW_TIMEOUT, WallClock, Watch};
    use crate::services::Services;

    /// The reminders running on their lane, and a way to read what they say.
    struct Running(Services);

    impl Running {
        fn start(notifier: Arc<Recording>) -> Self {
            let mut services = Services::new();
            services.start(Remind::new(notifier, fixed_clock()));
            Self(services)
        }

        fn watch(&self, watches: Vec<Watch>) {
            assert!(self.0.send::<crate::services::remind::Remind>(Job::Watch(
                watches,
                Duration::minutes(5)
            )));
        }

        /// The first thing the reminders say within `within`.
        fn event(&self, within: StdDuration) -> ReminderEvent {
            let until = std::time::Instant::now() + within;
            loop {
                for event in self.0.events() {
                    if let crate::services::Event::Reminder(e) = event {
                        return e;
                    }
                }
                assert!(std::time::Instant::now() < until, "nothing said");
                thread::sleep(StdDuration::from_millis(10));
            }
        }
    }

    /// Records what it was asked to show; fails or hangs on demand.
    #[derive(Default)]
    struct Recording {
        shown: Mutex<Vec<Reminder>>,
        withdrawn: Mutex<Vec<IncidentId>>,
        fail: Option<NotifyError>,
        hang: bool,
    }

    impl Notifier for Recording {
        fn show(
            &self,
            reminder: &Reminder,
            _: crate::reminder::Actions,
        ) -> Result<(), NotifyError> {
            if self.hang {
                thread::sleep(StdDuration::from_secs(3600));
            }
            self.shown.lock().unwrap().push(reminder.clone());
            self.fail.clone().map_or(Ok(()), Err)
        }

        fn withdraw(&self, incident: &IncidentId) -> Result<(), NotifyError> {
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

    /// Starts the reminders with one incident due, and returns what they report first.
    fn first_event(notifier: Arc<Recording>, within: StdDuration) -> ReminderEvent {
        let reminders = Running::start(notifier);
        reminders.watch(due_now());
        reminders.event(within)
    }

    #[test]
    fn a_due_reminder_is_shown_and_reported() {
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
        let reminders = Running::start(notifier.clone());
        reminders.watch(due_now());
        let event = reminders.event(StdDuration::from_secs(5));
        assert!(matches!(event, ReminderEvent::Shown(_)), "{event:?}");
        // Posted: the next update is due later; the bubble on screen goes.
        let mut posted = due_now();
        posted[0].due += Duration::minutes(15);
        reminders.watch(posted.clone());
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
        reminders.watch(posted);
        thread::sleep(StdDuration::from_millis(100));
        assert_eq!(notifier.withdrawn.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_failing_notifier_is_reported_not_dropped() {
        let notifier = Arc::new(Recording {
            fail: Some(NotifyError::NoServer),
            ..Default::default()
        });
        let event = first_event(notifier, StdDuration::from_secs(5));
        assert!(
            matches!(&event, ReminderEvent::Failed(_, NotifyError::NoServer)),
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
            matches!(&event, ReminderEvent::Failed(_, why) if why.to_string().contains("did not answer")),
            "{event:?}"
        );
    }
}
