//! When to remind, and what to say: pure logic with the time passed in.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::model::{IncidentId, State, comms, procedure};
use crate::time::relative;

/// What the reminder needs to know about one open incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    /// Which incident.
    pub incident: IncidentId,
    /// Its title, for the notification's summary.
    pub title: String,
    /// When the next update is due.
    pub due: DateTime<Utc>,
    /// The last update's time and channel, if any.
    pub last_update: Option<(DateTime<Utc>, String)>,
    /// The owner's next step, in words.
    pub next_step: String,
}

impl Watch {
    /// One watch per open incident.
    pub fn all(state: &State) -> Vec<Watch> {
        state
            .open_incidents()
            .filter_map(|i| {
                Some(Watch {
                    incident: i.id.clone(),
                    title: i.title.clone(),
                    due: comms::next_update_due(i, &state.settings)?,
                    last_update: i
                        .last_stakeholder_update()
                        .map(|u| (u.at, u.channel.clone())),
                    next_step: procedure::next_step(i).step,
                })
            })
            .collect()
    }
}

/// A reminder to show now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    /// Which incident; one bubble per incident, a newer one replacing the older.
    pub incident: IncidentId,
    /// "Update due: <title>".
    pub summary: String,
    /// How long since the last update and where, how late, and the next step.
    pub body: String,
    /// Critical urgency: the update is still not posted after two reminders.
    pub critical: bool,
    /// 1 for the first reminder of this due time, 2 for the first repeat, …
    pub count: u32,
}

#[derive(Clone, Debug)]
struct Tracked {
    watch: Watch,
    fired: u32,
    last_fired: Option<DateTime<Utc>>,
}

/// What a change to the watched incidents means for reminders on screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// Shown, and no longer so (posted, snoozed, resolved): to close.
    pub withdraw: Vec<IncidentId>,
    /// Shown, still due, saying something out of date (the next step
    /// moved on): to show again in place, without counting as a reminder.
    pub refresh: Vec<Reminder>,
}

/// Decides, each time it is asked, which reminders are due.
#[derive(Clone, Debug)]
pub struct Scheduler {
    tracked: BTreeMap<IncidentId, Tracked>,
    repeat: Duration,
}

impl Scheduler {
    /// A scheduler repeating overdue reminders every `repeat`.
    pub fn new(repeat: Duration) -> Self {
        Self {
            tracked: BTreeMap::new(),
            repeat: repeat.max(Duration::seconds(1)),
        }
    }

    /// Replaces what is watched. An incident whose due time did not move keeps
    /// its reminder count, so a reschedule never re-fires a reminder already
    /// shown; what a shown one says is brought up to date instead.
    pub fn set(&mut self, watches: Vec<Watch>, repeat: Duration, now: DateTime<Utc>) -> Changed {
        self.repeat = repeat.max(Duration::seconds(1));
        let mut old = std::mem::take(&mut self.tracked);
        let mut changed = Changed::default();
        for watch in watches {
            let tracked = match old.remove(&watch.incident) {
                Some(t) if t.watch.due == watch.due => {
                    let says_else =
                        t.watch.next_step != watch.next_step || t.watch.title != watch.title;
                    if t.fired > 0 && says_else {
                        changed.refresh.push(reminder(&watch, t.fired, now));
                    }
                    Tracked { watch, ..t }
                }
                was => {
                    if was.is_some_and(|t| t.fired > 0) {
                        changed.withdraw.push(watch.incident.clone());
                    }
                    Tracked {
                        watch,
                        fired: 0,
                        last_fired: None,
                    }
                }
            };
            self.tracked.insert(tracked.watch.incident.clone(), tracked);
        }
        changed.withdraw.extend(
            old.into_values()
                .filter(|t| t.fired > 0)
                .map(|t| t.watch.incident),
        );
        changed
    }

    /// The reminders to show at `now`: at most one per incident.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Reminder> {
        let repeat = self.repeat;
        let mut out = Vec::new();
        for t in self.tracked.values_mut() {
            if now < t.watch.due {
                continue;
            }
            if let Some(last) = t.last_fired {
                if last > now {
                    // The clock went back: count the wait from now, don't fire a burst.
                    t.last_fired = Some(now);
                    continue;
                }
                if now < last + repeat {
                    continue;
                }
            }
            // A machine waking from sleep lands here once, however long it slept.
            t.fired += 1;
            t.last_fired = Some(now);
            out.push(reminder(&t.watch, t.fired, now));
        }
        out
    }

    /// When `tick` next has something to do, if anything is watched.
    pub fn next_wake(&self) -> Option<DateTime<Utc>> {
        self.tracked
            .values()
            .map(|t| match t.last_fired {
                None => t.watch.due,
                Some(last) => last + self.repeat,
            })
            .min()
    }
}

fn reminder(w: &Watch, count: u32, now: DateTime<Utc>) -> Reminder {
    let mut body = match &w.last_update {
        Some((at, channel)) => format!("Last update {} in {channel}.", relative(*at, now)),
        None => "No update posted yet.".to_owned(),
    };
    if now - w.due >= Duration::minutes(1) {
        body.push_str(&format!(
            " Overdue by {}.",
            relative(now, w.due).trim_start_matches("in ")
        ));
    }
    body.push_str(&format!("\nNext step: {}", w.next_step));
    Reminder {
        incident: w.incident.clone(),
        summary: format!("Update due: {}", w.title),
        body,
        critical: count > 2,
        count,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::seconds(s)
    }

    fn watch(n: u32, due: DateTime<Utc>) -> Watch {
        Watch {
            incident: IncidentId::new(t(0).date_naive(), n),
            title: format!("Incident {n}"),
            due,
            last_update: Some((t(-600), "#expedite".into())),
            next_step: "Describe the fix.".into(),
        }
    }

    fn scheduler(watches: Vec<Watch>) -> Scheduler {
        let mut s = Scheduler::new(Duration::minutes(5));
        s.set(watches, Duration::minutes(5), t(0));
        s
    }

    #[test]
    fn nothing_before_the_due_time_then_one_reminder() {
        let mut s = scheduler(vec![watch(1, t(60))]);
        assert_eq!(s.next_wake(), Some(t(60)));
        assert!(s.tick(t(59)).is_empty());
        let r = s.tick(t(60));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].summary, "Update due: Incident 1");
        assert_eq!(
            r[0].body,
            "Last update 11 min ago in #expedite.\nNext step: Describe the fix."
        );
        assert!(!r[0].critical);
        assert!(s.tick(t(61)).is_empty(), "no second bubble straight away");
    }

    #[test]
    fn overdue_repeats_and_escalates_after_the_second() {
        let mut s = scheduler(vec![watch(1, t(0))]);
        let counts: Vec<(u32, bool)> = [0, 299, 300, 599, 600, 900]
            .iter()
            .flat_map(|&sec| s.tick(t(sec)))
            .map(|r| (r.count, r.critical))
            .collect();
        assert_eq!(counts, vec![(1, false), (2, false), (3, true), (4, true)]);
        assert_eq!(s.next_wake(), Some(t(1200)));
        let late = s.tick(t(1200)).remove(0);
        assert!(late.body.contains("Overdue by 20 min."), "{}", late.body);
    }

    #[test]
    fn an_update_or_snooze_resets_the_reminder() {
        let mut s = scheduler(vec![watch(1, t(0))]);
        assert_eq!(s.tick(t(0)).len(), 1);
        assert_eq!(s.tick(t(300)).len(), 1);
        // The owner posts: a new due time in 15 minutes.
        s.set(vec![watch(1, t(1200))], Duration::minutes(5), t(0));
        assert!(s.tick(t(600)).is_empty());
        let r = s.tick(t(1200));
        assert_eq!((r.len(), r[0].count, r[0].critical), (1, 1, false));
    }

    #[test]
    fn a_shown_reminder_follows_the_record_until_it_no_longer_holds() {
        let mut s = scheduler(vec![watch(1, t(0)), watch(2, t(600))]);
        assert_eq!(s.tick(t(0)).len(), 1);
        // The fix is recorded: same due time, a new next step — said again in
        // place, not counted as another reminder; the unshown one is left be.
        let mut moved_on = watch(1, t(0));
        moved_on.next_step = "Deploy the fix the usual way.".into();
        let changed = s.set(
            vec![moved_on, watch(2, t(600))],
            Duration::minutes(5),
            t(120),
        );
        assert!(changed.withdraw.is_empty());
        assert_eq!(changed.refresh.len(), 1);
        assert_eq!(changed.refresh[0].count, 1);
        assert!(
            changed.refresh[0]
                .body
                .ends_with("Next step: Deploy the fix the usual way.")
        );
        assert!(changed.refresh[0].body.contains("Overdue by 2 min."));
        // Posted: a new due time — withdrawn. Incident 2 never showed: nothing.
        let changed = s.set(vec![watch(1, t(1200))], Duration::minutes(5), t(180));
        assert_eq!(changed.withdraw, vec![watch(1, t(0)).incident]);
        assert!(changed.refresh.is_empty());
    }

    #[test]
    fn rescheduling_with_the_same_due_time_does_not_fire_again() {
        let mut s = scheduler(vec![watch(1, t(0))]);
        assert_eq!(s.tick(t(0)).len(), 1);
        s.set(vec![watch(1, t(0))], Duration::minutes(5), t(0));
        assert!(s.tick(t(10)).is_empty());
    }

    #[test]
    fn a_resolved_incident_stops_reminding() {
        let mut s = scheduler(vec![watch(1, t(0)), watch(2, t(0))]);
        s.set(vec![watch(2, t(0))], Duration::minutes(5), t(0));
        let r = s.tick(t(0));
        assert_eq!(
            r.iter().map(|r| r.summary.as_str()).collect::<Vec<_>>(),
            vec!["Update due: Incident 2"]
        );
        s.set(vec![], Duration::minutes(5), t(0));
        assert_eq!(s.next_wake(), None);
    }

    #[test]
    fn waking_from_a_long_sleep_reminds_once_not_a_burst() {
        let mut s = scheduler(vec![watch(1, t(60))]);
        assert!(s.tick(t(0)).is_empty());
        // Suspended for three hours.
        let r = s.tick(t(3 * 3600));
        assert_eq!(r.len(), 1);
        assert!(
            r[0].body.contains("Overdue by 2 h 59 min."),
            "{}",
            r[0].body
        );
        assert!(s.tick(t(3 * 3600 + 1)).is_empty());
    }

    #[test]
    fn the_clock_going_back_causes_no_burst() {
        let mut s = scheduler(vec![watch(1, t(0))]);
        assert_eq!(s.tick(t(600)).len(), 1);
        // NTP pulls the clock back a few minutes: no reminder fires twice.
        assert!(s.tick(t(400)).is_empty());
        assert!(s.tick(t(650)).is_empty());
        assert_eq!(
            s.tick(t(700)).len(),
            1,
            "repeat counted from when the clock went back"
        );
    }

    #[test]
    fn after_a_restart_an_overdue_incident_reminds_at_once() {
        let mut s = scheduler(vec![watch(1, t(-3600))]);
        assert_eq!(s.next_wake(), Some(t(-3600)));
        assert_eq!(s.tick(t(0)).len(), 1);
    }

    #[test]
    fn several_incidents_one_reminder_each() {
        let mut s = scheduler(vec![watch(1, t(0)), watch(2, t(30)), watch(3, t(90))]);
        assert_eq!(s.tick(t(60)).len(), 2);
        assert_eq!(s.tick(t(90)).len(), 1);
        assert_eq!(
            s.next_wake(),
            Some(t(360)),
            "the first two repeat five minutes after they fired"
        );
    }
}
