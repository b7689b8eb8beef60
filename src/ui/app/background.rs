//! What other threads report, taken in each frame: the roster and the
//! resolved incidents read in the background, changes made elsewhere,
//! reminders shown or acted on; and keeping what was typed on disk.

use std::path::PathBuf;
use std::time::Instant;

use eframe::egui;

use crate::command::Command;
use crate::model::roster::Feed;
use crate::reminder::{NotificationAction, ReminderEvent};
use crate::services::Event;
use crate::services::disk::Job;
use crate::services::feeds::Fetched;
use crate::ui::Dialog;
use crate::ui::app::feeds::FeedStatus;

use super::{DRAFT_SAVE_EVERY, ExpediteApp, Pending};
use crate::ui::drafts;

impl ExpediteApp {
    /// Takes in what the feeds service said: what it read goes to the
    /// disk, to be read against the roster as saved; what it could not read
    /// is said, once per run of failures.
    fn take_in_feeds(&mut self, news: Vec<crate::services::feeds::News>) {
        let (fetched, not_agreed) = self.news.refresher.take_news(news);
        for feed in not_agreed {
            let by = crate::store::feed_added_by(&feed).to_owned();
            self.news
                .feed_news
                .insert(feed.id.clone(), FeedStatus::NotAgreed(by));
        }
        for Fetched { feed, result, copy } in fetched {
            let now = (self.clock)();
            match (result, copy) {
                (Ok(text), _) => {
                    self.news
                        .feed_news
                        .insert(feed.id.clone(), FeedStatus::Reading);
                    let me = self.me();
                    self.runner.refresh(feed, text, false, me, now);
                }
                (Err(why), None) => self.feed_failed(&feed, why, now),
                (Err(why), Some(copy)) => {
                    // Offline as its cover runs out: the repeats go on from
                    // what the feed said last, and the window says so.
                    let why = format!(
                        "{why} Its repeating shifts are filled in further from this desk's last good copy."
                    );
                    self.feed_failed(&feed, why, now);
                    let me = self.me();
                    self.runner.refresh(feed, copy, true, me, now);
                }
            }
        }
    }

    /// A subscribed feed's new text, taken in on the disk thread (or not).
    pub(super) fn refreshed(
        &mut self,
        feed: &Feed,
        from_copy: bool,
        result: Result<Option<String>, String>,
    ) {
        let now = (self.clock)();
        if from_copy {
            // The feed itself was not read: its failure stays said; what
            // the copy filled in is said beside it.
            if let Ok(Some(said)) = result {
                self.notices.warn(format!(
                    "\"{}\" could not be read; from this desk's last good copy: {said}",
                    feed.name
                ));
            }
            return;
        }
        match result {
            Ok(changed) => {
                if let Some(said) = &changed {
                    self.notices
                        .say(format!("\"{}\" refreshed: {said}", feed.name));
                }
                self.news
                    .feed_news
                    .insert(feed.id.clone(), FeedStatus::Read(now, changed));
            }
            Err(why) => self.feed_failed(feed, why, now),
        }
    }

    /// A feed could not be read or taken in: said once per run of
    /// failures (again when someone asks for it again), and kept for the
    /// feeds list.
    fn feed_failed(&mut self, feed: &Feed, why: String, now: chrono::DateTime<chrono::Utc>) {
        let again = matches!(
            self.news.feed_news.get(&feed.id),
            Some(FeedStatus::Failed(..))
        );
        if !again {
            self.notices.warn(format!(
                "\"{}\" could not be refreshed: {why} The rota keeps its shifts as they were.",
                feed.name
            ));
        }
        self.news
            .feed_news
            .insert(feed.id.clone(), FeedStatus::Failed(now, why));
    }

    /// Takes in what happened outside the frame: what the services said,
    /// outside edits and reminders; and tells the services what the frame
    /// asks of them.
    pub(super) fn handle_background(&mut self, ctx: &egui::Context) {
        self.runner.wake(ctx);
        if let Some(watcher) = &self.desk.watcher {
            let paths: Vec<PathBuf> = watcher.changes.try_iter().collect();
            if !paths.is_empty() {
                self.runner.send(Job::Outside(paths));
            }
        }
        let mut feed_news = Vec::new();
        let mut reminders = Vec::new();
        for event in self.take_in_done(ctx) {
            match event {
                Event::Posting(news) => self.news.posting = news,
                Event::Sync(status) => {
                    self.state.settings.clocks = status
                        .as_ref()
                        .map(|s| s.clocks.clone())
                        .unwrap_or_default();
                    self.news.sharing = status;
                }
                Event::Feeds(news) => feed_news.push(news),
                Event::Fetched(preview) => {
                    self.news.previews_reading = self.news.previews_reading.saturating_sub(1);
                    self.contacts.previewed(preview);
                }
                Event::Dialog(answer) if answer.opened => self.import_file_picked(answer),
                Event::Dialog(answer) => {
                    self.exports
                        .answered(answer.path, answer.took, &mut self.notices)
                }
                Event::Read(read) => self.take_in_read(read),
                Event::Reminder(event) => reminders.push(event),
                Event::Metrics(news) => self.news.metrics.take(news),
                // The disk's answers were taken in with the state.
                Event::Disk(..) => {}
            }
        }
        self.take_in_feeds(feed_news);
        self.news.metrics.tell(self.runner.services(), &self.state);
        let clock = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&chrono::Local).format("%H:%M").to_string()
        };
        for notice in self.news.metrics.changed_verdicts(&self.state, clock) {
            self.runner
                .services()
                .send::<crate::services::remind::Remind>(crate::services::remind::Job::Show(
                    notice,
                ));
        }
        self.news
            .refresher
            .feeds(self.runner.services(), &self.state.roster);
        for event in reminders {
            match event {
                ReminderEvent::Shown(reminder) => {
                    self.notices.notification_trouble = None;
                    let attention = if reminder.critical {
                        egui::UserAttentionType::Critical
                    } else {
                        egui::UserAttentionType::Informational
                    };
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(attention));
                }
                ReminderEvent::Failed(_, why) => {
                    self.notices.notification_trouble = Some(why.to_string());
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                        egui::UserAttentionType::Critical,
                    ));
                }
                ReminderEvent::Action(incident, NotificationAction::Snooze15) => {
                    let snooze = Command::Snooze {
                        incident,
                        for_: chrono::Duration::minutes(15),
                    };
                    self.execute(snooze, Pending::default());
                }
                ReminderEvent::Action(incident, NotificationAction::PostUpdate) => {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                    ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    self.nav.selected = Some(incident.clone());
                    self.open_dialog(Dialog::PostUpdate(incident));
                }
            }
        }
    }

    /// The file picked to import goes where its path is typed, ready to
    /// preview; a desktop with no open dialog says to type it.
    fn import_file_picked(&mut self, answer: crate::services::dialog::Answer) {
        match answer.path {
            Some(path) => {
                self.contacts.file_picked(&path);
                self.notices.said = Some((
                    "Press Preview import to see what it would change.".into(),
                    false,
                ));
            }
            None if answer.took < crate::ui::exports::NO_DIALOG_WITHIN => {
                self.notices.said = Some((
                    "No file dialog can be shown on this desktop (it needs the desktop portal or zenity): type the file's path.".into(),
                    false,
                ));
            }
            None => {}
        }
    }

    /// Writes the drafts when they changed: at once when `now_please`,
    /// otherwise at most once a second while typing.
    pub(super) fn keep_drafts(&mut self, ctx: &egui::Context, now_please: bool) {
        if !self.drafts_changed() {
            return;
        }
        let since = self.typing.drafts_saved_at.map(|t| t.elapsed());
        if !now_please && since.is_some_and(|s| s < DRAFT_SAVE_EVERY) {
            ctx.request_repaint_after(DRAFT_SAVE_EVERY - since.unwrap_or_default());
            return;
        }
        if self.typing.drafts_in_flight {
            // The one under way comes back with a frame; this goes after it.
            return;
        }
        self.typing.drafts_saved_at = Some(Instant::now());
        self.typing.drafts_in_flight = true;
        self.send_drafts();
    }

    /// Sends the drafts to the disk to be written; they become the saved
    /// drafts once it says so.
    pub(super) fn send_drafts(&mut self) {
        let all = self.all_drafts();
        self.typing.drafts_sent = Some(all.clone());
        self.runner.send(Job::SaveDrafts(Box::new(move |store| {
            store.save_drafts(&*all)
        })));
    }

    /// Whether the drafts differ from what is on disk (empty ones dropped first).
    pub(super) fn drafts_changed(&mut self) -> bool {
        self.typing.drafts.prune();
        let saved = &self.typing.saved_drafts;
        self.typing.drafts.declare != saved.declare
            || self.typing.drafts.incidents != saved.incidents
            || self.contacts.forms != saved.roster
    }

    /// Every draft, as `drafts.ron` keeps them: the roster's forms live in
    /// the contacts view and join the rest only here.
    pub(super) fn all_drafts(&self) -> Box<drafts::Drafts> {
        Box::new(drafts::Drafts {
            roster: self.contacts.forms.clone(),
            ..self.typing.drafts.clone()
        })
    }
}

impl ExpediteApp {
    /// Tells this person, with a desktop notification, of an incident a
    /// colleague handed to them on another desk (seen as a change from
    /// elsewhere), once per hand-over.
    pub(super) fn tell_of_hand_overs(&mut self, reloaded: &[crate::model::IncidentId]) {
        let me = self.me();
        let same = crate::command::same_person;
        for id in reloaded {
            let Some(incident) = self.state.incidents.get(id) else {
                continue;
            };
            let Some(last) = incident.hand_overs.last() else {
                continue;
            };
            if !same(&last.to, &me) || !incident.is_open() {
                continue;
            }
            // Who handed it over: the timeline line written with it.
            let by = incident
                .timeline
                .iter()
                .rev()
                .find(|e| e.at == last.at && e.change.as_ref().is_some_and(|c| same(&c.to, &me)))
                .map(|e| e.by.clone())
                .unwrap_or_default();
            if by.is_empty() || same(&by, &me) {
                continue;
            }
            if !self.news.told_hand_overs.insert((id.clone(), last.at)) {
                continue;
            }
            let mut body = format!(
                "You own it now. Note: {}",
                crate::text::one_line(&last.note, 200)
            );
            if last.note.is_empty() {
                body = "You own it now.".to_owned();
            }
            let notice = crate::reminder::Reminder {
                incident: id.clone(),
                summary: format!(
                    "{by} handed you ‘{}’",
                    crate::model::shorten(&incident.title, 60)
                ),
                body,
                critical: false,
                count: 1,
            };
            self.runner
                .services()
                .send::<crate::services::remind::Remind>(crate::services::remind::Job::Show(
                    notice,
                ));
        }
    }
}
