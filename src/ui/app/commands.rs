//! What people do, on its way to the disk and back: a command is queued on
//! the disk thread with what to do once it is saved, and its result clears
//! the form it came from or shows why not.

use eframe::egui;

use crate::command::{Command, Effect, RosterChange};
use crate::services::disk::{Done, Job};
use crate::services::posting::Job as Posting;
use crate::store::{self};
use crate::ui::Action;

use super::{DRAFT_SAVE_EVERY, ExpediteApp, Origin, Pending};

impl ExpediteApp {
    /// Sends a command to be applied and saved; `then` says what to do once
    /// it is. Until then what was typed stays where it is.
    pub(super) fn execute(&mut self, command: Command, then: Pending) {
        // The same again while the first is being saved (a double click):
        // once is what was meant.
        if self
            .typing
            .pending
            .iter()
            .any(|p| p.command.as_ref() == Some(&command))
        {
            return;
        }
        let then = Pending {
            command: Some(command.clone()),
            ..then
        };
        let actor = self.me();
        let now = (self.clock)();
        self.runner.run(command, actor, now);
        self.typing.pending.push_back(then);
    }

    /// Does what a view or dialog asked: a command goes to the disk thread,
    /// the rest happens at once.
    pub(super) fn perform(&mut self, ctx: &egui::Context, action: Action, from: Origin) {
        self.perform_then(ctx, action, from, None);
    }

    /// Does `action`; `after` is where the contacts view goes once it is saved.
    fn perform_then(
        &mut self,
        ctx: &egui::Context,
        action: Action,
        from: Origin,
        after: Option<crate::ui::contacts::AfterSave>,
    ) {
        match action {
            Action::Contacts(action, after) => self.perform_then(ctx, *action, from, Some(after)),
            Action::Export(export) => self.exports.perform(ctx, export, &mut self.notices),
            Action::Run(command, form) => {
                let then = Pending {
                    declared: matches!(command, Command::Declare { .. }),
                    form,
                    sent: self.typing.drafts.clone(),
                    dialog: self.nav.dialog.clone().filter(|_| from == Origin::Dialog),
                    contacts: after,
                    ..Pending::default()
                };
                self.execute(command, then);
            }
            Action::Refuse(why) => self.notices.error = Some(why),
            Action::BrowseImport => {
                let request = crate::services::dialog::OpenRequest {
                    title: "Import contacts or shifts".into(),
                    kinds: vec![
                        (
                            "Contacts and shifts",
                            &["csv", "vcf", "vcard", "ics", "ical"],
                        ),
                        ("All files", &["*"]),
                    ],
                };
                let job = crate::services::dialog::Job::Open(request);
                self.runner
                    .services()
                    .send::<crate::services::dialog::Dialogs>(job);
            }
            Action::ShowContacts(page) => {
                self.go(crate::ui::View::Contacts);
                self.contacts.page = page;
            }
            Action::Preview {
                path,
                role,
                whose,
                subscribe,
            } => {
                let roster = Box::new((*self.state.roster).clone());
                let progress = crate::interop::Progress::default();
                self.contacts.reading(progress.clone());
                let options = crate::interop::import::Options {
                    role,
                    whose,
                    by: self.me(),
                    subscribe,
                    progress,
                    ..crate::interop::import::Options::at((self.clock)())
                };
                let source = path.to_string_lossy().into_owned();
                if crate::interop::fetch::looks_like_address(&source) {
                    // The network may take its time: not on the disk's lane.
                    let job = crate::services::fetch::Job::Preview {
                        path,
                        roster,
                        options: Box::new(options),
                    };
                    if self
                        .runner
                        .services()
                        .send::<crate::services::fetch::Fetch>(job)
                    {
                        self.news.previews_reading += 1;
                    }
                } else {
                    self.runner.send(Job::Preview {
                        path,
                        roster,
                        options: Box::new(options),
                    });
                }
            }
            Action::AgreeFeed(id) => {
                if self.news.refresher.agree(self.runner.services(), &id) {
                    self.news
                        .feed_news
                        .insert(id, crate::ui::app::feeds::FeedStatus::Reading);
                }
            }
            Action::RefreshFeed(id) => {
                if self.news.refresher.now(self.runner.services(), &id) {
                    self.news
                        .feed_news
                        .insert(id, crate::ui::app::feeds::FeedStatus::Reading);
                }
            }
            Action::Channel(job) => {
                let job = match job {
                    Posting::Test { channel, .. } => Posting::Test {
                        channel,
                        from: self.me(),
                    },
                    other => other,
                };
                self.runner
                    .services()
                    .send::<crate::services::posting::Posting>(job);
            }
            Action::WatchMetric {
                incident,
                source,
                keys,
            } => {
                if let Some(keys) = keys {
                    self.news
                        .metrics
                        .keys(self.runner.services(), &incident, Some(keys.clone()));
                    let job = Posting::MetricKeys {
                        incident: incident.to_string(),
                        keys: Some(keys),
                    };
                    self.runner
                        .services()
                        .send::<crate::services::posting::Posting>(job);
                }
                // Connected here: read here.
                self.news
                    .metrics
                    .agree(self.runner.services(), &incident, &source);
                let then = Pending {
                    dialog: self.nav.dialog.clone().filter(|_| from == Origin::Dialog),
                    ..Pending::default()
                };
                self.news.metrics.tested = None;
                self.execute(Command::WatchMetric { incident, source }, then);
            }
            Action::TestMetric {
                incident,
                source,
                keys,
            } => {
                self.news
                    .metrics
                    .test(self.runner.services(), incident, source, keys);
            }
            Action::ReadMetricNow(incident) => {
                self.news.metrics.now(self.runner.services(), &incident);
            }
            Action::AgreeMetric(incident, source) => {
                self.news
                    .metrics
                    .agree(self.runner.services(), &incident, &source);
            }
            Action::StopWatching(incident) => {
                self.news
                    .metrics
                    .keys(self.runner.services(), &incident, None);
                let job = Posting::MetricKeys {
                    incident: incident.to_string(),
                    keys: None,
                };
                self.runner
                    .services()
                    .send::<crate::services::posting::Posting>(job);
                self.execute(Command::StopWatching { incident }, Pending::default());
            }
            Action::Open(dialog) => self.open_dialog(dialog),
            Action::Select(id) => {
                self.nav.selected = Some(id);
                self.nav.view = None;
                self.notices.error = None;
                if from == Origin::Dialog {
                    self.close_dialog(ctx);
                }
                if let Some(after) = after {
                    self.contacts.saved(after);
                }
            }
        }
    }

    /// What a command did, once back from the disk: on success the text it
    /// came from is cleared (and its dialog closed); on failure the reason
    /// shows and nothing typed is touched.
    pub(super) fn finished(
        &mut self,
        ctx: &egui::Context,
        result: Result<store::Outcome, store::StoreError>,
    ) {
        let then = self.typing.pending.pop_front().unwrap_or_default();
        match result {
            Ok(outcome) => {
                self.notices.error = None;
                // What follows the save is what the command said must.
                self.runner
                    .services()
                    .send::<crate::services::sync::Sync>(crate::services::sync::Job::Saved);
                for effect in &outcome.effects {
                    match effect {
                        Effect::Post(incident) => self.post_saved_update(incident),
                        Effect::Reschedule => self.reschedule(),
                        Effect::SaveIncident(_)
                        | Effect::SaveSettings
                        | Effect::SaveTeamSettings
                        | Effect::SaveRoster => {}
                    }
                }
                if let Some(words) = then.command.as_ref().and_then(confirmation) {
                    self.notices.say(words);
                }
                if then.declared {
                    // Show the new incident.
                    self.nav.selected = outcome.saved.first().cloned();
                    self.nav.view = None;
                    // On to connecting its metric, when asked for.
                    if let (true, Some(id)) = (then.sent.declare.watch_next, outcome.saved.first())
                    {
                        self.open_dialog(crate::ui::Dialog::WatchMetric(id.clone()));
                    }
                }
                let incident = then.command.as_ref().and_then(Command::incident);
                self.typing
                    .drafts
                    .clear_as_sent(&then.sent, incident, then.form);
                // The dialog it came from closes, if it is still the one open.
                if then.dialog.is_some() && self.nav.dialog == then.dialog {
                    self.close_dialog(ctx);
                }
                if let Some(after) = then.contacts {
                    self.contacts.saved(after);
                }
            }
            Err(e) => self.notices.error = Some(e.to_string()),
        }
    }

    /// Takes in what came back from the disk; returns what the other
    /// services said, for [`Self::handle_background`].
    pub(super) fn take_in_done(&mut self, ctx: &egui::Context) -> Vec<crate::services::Event> {
        let (done, others, changed) = self.runner.take_in(&mut self.state);
        if changed {
            self.reschedule();
        }
        for done in done {
            match done {
                Done::Ran(result) => self.finished(ctx, result),
                Done::Outside(Ok(reloaded)) => self.tell_of_hand_overs(&reloaded.incidents),
                Done::Outside(Err(e)) => self.notices.error = Some(e.to_string()),
                Done::Accepted(problems) => self.notices.problems.extend(problems),
                Done::Previewed(read) => self.contacts.previewed(read),
                Done::Refreshed(feed, from_copy, result) => {
                    self.refreshed(&feed, from_copy, result)
                }
                Done::Written(result) => self.exports.written(result, &mut self.notices),
                Done::Recorded(_, Ok(_)) => {}
                Done::Recorded(command, Err(e)) => {
                    let what = match &*command {
                        Command::RecordDelivery {
                            channel, incident, ..
                        } => format!(
                            "What became of the post to {channel} could not be written on {incident}"
                        ),
                        _ => "Something the window did could not be written".to_owned(),
                    };
                    self.notices.error = Some(format!("{what}: {e}"));
                }
                Done::DraftsSaved(result) => {
                    self.typing.drafts_in_flight = false;
                    let sent = self.typing.drafts_sent.take();
                    match result {
                        Ok(()) => {
                            if let Some(sent) = sent {
                                self.typing.saved_drafts = *sent;
                            }
                        }
                        Err(e) => {
                            self.notices.error = Some(format!(
                                "What you typed is still here, but it could not be kept on disk in case of a restart: {e}"
                            ));
                            ctx.request_repaint_after(DRAFT_SAVE_EVERY);
                        }
                    }
                }
            }
        }
        others
    }
}

impl ExpediteApp {
    /// Hands a just-saved update to the poster: the text written for its
    /// channel from the record as saved, as the dialog showed it.
    fn post_saved_update(&mut self, id: &crate::model::IncidentId) {
        let Some(incident) = self.state.incidents.get(id) else {
            return;
        };
        let Some((update, text)) =
            crate::pack::update::as_posted(incident, &self.state.roster, &self.state.settings)
        else {
            return;
        };
        let out = crate::post::outbox::UpdateOut {
            incident: id.clone(),
            channel: update.channel,
            update_at: update.at,
            update_by: update.by,
            text,
        };
        // Without the posting service (a window made for a test), it is
        // recorded only, as on a desk with no channel connected.
        self.runner
            .services()
            .send::<crate::services::posting::Posting>(crate::services::posting::Job::Post(out));
    }
}

/// What a saved roster change that shows nothing new where it was made
/// says it did: an import or office hours, saved.
fn confirmation(command: &Command) -> Option<String> {
    let Command::Roster(change) = command else {
        return None;
    };
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match &**change {
        RosterChange::Import {
            contacts, shifts, ..
        } => Some(format!(
            "Imported {} and {} into the roster.",
            plural(contacts.len(), "contact", "contacts"),
            plural(shifts.len(), "shift", "shifts")
        )),
        RosterChange::SetOfficeHours(Some(h)) => {
            let days: Vec<String> = h.days.iter().map(|d| d.to_string()).collect();
            let holidays = match h.holidays.len() {
                0 => String::new(),
                n => format!(", {}", plural(n, "day off", "days off")),
            };
            Some(format!(
                "Office hours saved: {} {}–{} ({}){holidays}.",
                days.join(" "),
                h.start.format("%H:%M"),
                h.end.format("%H:%M"),
                h.time_zone
            ))
        }
        RosterChange::SetOfficeHours(None) => Some(
            "Office hours cleared: Expedite no longer says when it is out of hours.".to_owned(),
        ),
        _ => None,
    }
}
