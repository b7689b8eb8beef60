//! Cover and contacts: who covers each role now and who is next, a search
//! over everyone (results on every keystroke, remembered between frames), a
//! card per person with copy buttons, and the forms that change the roster:
//! contacts, office hours, cover swaps, rotations, import and export.

pub mod forms;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use eframe::egui;
use smol_str::SmolStr;

use crate::command::{Command, RosterChange};
use crate::model::roster::{Contact, Cover, Roster, SearchIndex, zone};
use crate::model::{Role, Stamp, Stamped};
use crate::time::near;
use crate::ui::Action;
use crate::ui::Form;
use crate::ui::widgets::{is_safe_link, section, weak};
use forms::{ContactForm, ImportForm, RosterDrafts};

/// What the view shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Page {
    /// Cover now and the search.
    #[default]
    List,
    /// One person's card.
    Card(SmolStr),
    /// The contact form: editing the one named, or adding.
    Edit(Option<SmolStr>),
    /// Office hours.
    OfficeHours,
    /// Someone covering for someone else.
    Cover,
    /// A weekly rotation.
    Rotation,
    /// Import and export.
    Files,
}

/// The view's state: the search, the page, and every form's text (kept
/// when a form is left, so nothing typed is lost).
#[derive(Default)]
pub struct Contacts {
    /// What is typed in the search.
    pub query: String,
    /// The query and the version of the roster the hits are for.
    searched: Option<(String, Stamp)>,
    hits: Vec<usize>,
    /// The roster made ready for searching, and which roster it was made from.
    index: Option<(Stamp, SearchIndex)>,
    /// Give the search box focus on the next frame (Ctrl+F).
    pub focus: bool,
    /// The page shown.
    pub page: Page,
    /// The forms' text, kept in `drafts.ron` like every other draft.
    pub forms: RosterDrafts,
    files: ImportForm,
    /// The value last copied, to say so beside its button.
    copied: Option<String>,
    /// "Remove" was pressed once on this card; the second press removes.
    removing: bool,
    /// Who covers each role, worked out once a minute or when the roster changes.
    cover: Option<CoverNow>,
    /// Roles whose whole cover is listed, not just the first few.
    expanded: Vec<Role>,
}

/// Where the contacts view goes once its command is saved, and whether the
/// form it came from starts empty again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AfterSave {
    page: Page,
    empty: bool,
}

/// `action`, and once it is saved the view goes to `page`, the form it came
/// from emptied when `empty`.
fn then(action: Action, page: Page, empty: bool) -> Action {
    Action::Contacts(Box::new(action), AfterSave { page, empty })
}

impl Contacts {
    /// The view; returns what the person asked for.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Stamped<Roster>,
        loading: bool,
        now: DateTime<Utc>,
        exports: &crate::ui::exports::Exports,
        news: &crate::ui::app::feeds::FeedNews,
    ) -> Option<Action> {
        if loading {
            crate::ui::widgets::title(ui, "Contacts");
            ui.horizontal(|ui| {
                ui.spinner();
                weak(ui, "Reading the roster…");
            });
            return None;
        }
        if self.page != Page::List && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.page = Page::List;
        }
        let mut action = None;
        if self.page == Page::List {
            // Not inside a scroll area: the result list scrolls itself and
            // builds only its visible rows, which it can't do in an endless one.
            return self.list(ui, roster, now);
        }
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .id_salt("contacts")
            .show(ui, |ui| {
                action = match self.page.clone() {
                    Page::List => None,
                    Page::Card(name) => self.card(ui, roster, &name, now),
                    Page::Edit(name) => self.edit(ui, roster, name),
                    Page::OfficeHours => self.form_page(ui, "Office hours", Page::List, |v, ui| {
                        v.forms.hours.show(ui, roster, now)
                    }),
                    Page::Cover => self.form_page(ui, "Cover for someone", Page::List, |v, ui| {
                        v.forms.cover.show(ui, roster, now)
                    }),
                    Page::Rotation => self.form_page(ui, "Rotations", Page::List, |v, ui| {
                        v.forms.rotation.show(ui, roster, now)
                    }),
                    Page::Files => self.form_page(ui, "Import and export", Page::List, |v, ui| {
                        v.files
                            .show(ui, &mut v.forms.import, roster, now, exports, news)
                    }),
                };
            });
        action
    }

    /// The view with the forms' text kept from the last run.
    pub fn with_forms(forms: RosterDrafts) -> Self {
        Self {
            forms,
            ..Self::default()
        }
    }

    /// What the disk thread read of the file to import.
    pub fn previewed(&mut self, read: forms::Previewed) {
        self.files.previewed(read);
    }

    /// A file picked in the desktop's open dialog: its path is the one to
    /// import, and what was previewed of another goes.
    pub fn file_picked(&mut self, path: &std::path::Path) {
        self.forms.import.path = path.display().to_string();
        self.files.forget_preview();
    }

    /// The import asked for is being read; this says how far it has got.
    pub fn reading(&mut self, progress: crate::interop::Progress) {
        self.files.progress = Some(progress);
    }

    /// The command from this view was saved: go on to the page it asked
    /// for, a form for adding starting empty again.
    pub fn saved(&mut self, after: AfterSave) {
        let AfterSave { page, empty } = after;
        if empty {
            match page {
                Page::Card(_) => {
                    self.forms.contact = Default::default();
                    self.forms.contact_of = None;
                }
                Page::Cover => self.forms.cover = Default::default(),
                Page::OfficeHours => self.forms.hours = Default::default(),
                Page::Rotation => self.forms.rotation = Default::default(),
                _ => {}
            }
        }
        self.page = page;
    }

    fn form_page(
        &mut self,
        ui: &mut egui::Ui,
        title: &str,
        back: Page,
        form: impl FnOnce(&mut Self, &mut egui::Ui) -> Option<Action>,
    ) -> Option<Action> {
        if back_button(ui) {
            self.page = back.clone();
            return None;
        }
        crate::ui::widgets::title(ui, title);
        let action = form(self, ui);
        if let Some(Action::Run(Command::Roster(change), _)) = &action {
            // Adding empties the form once saved; removing from the list
            // above it leaves what is typed alone.
            let adds = matches!(
                **change,
                RosterChange::AddOverride(_)
                    | RosterChange::AddRotation(_)
                    | RosterChange::SetOfficeHours(_)
            );
            return action.map(|a| then(a, self.page.clone(), adds));
        }
        action
    }

    fn list(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Stamped<Roster>,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        crate::ui::widgets::title(ui, "Contacts");
        cover_banner(ui, roster, now);
        for feed in roster.rota.feeds.iter().filter(|f| f.runs_out_soon(now)) {
            let ends = feed
                .until
                .map(|u| near(u, roster.office_zone(), now))
                .unwrap_or_default();
            let what = if feed.subscribed {
                "it is read again every hour; see Import or export… if that fails"
            } else {
                "import it again, or subscribe to it (Import or export…)"
            };
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Cover from \"{}\" runs out {ends}: {what}.", feed.name),
            );
        }
        self.cover_now(ui, roster, now);
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if ui.button("Add contact…").clicked() {
                // A half-typed new contact is kept; an unsaved edit of
                // someone else is not what "Add" means.
                if self.forms.contact_of.is_some() {
                    self.forms.contact = ContactForm::default();
                    self.forms.contact_of = None;
                }
                self.page = Page::Edit(None);
            }
            if ui.button("Office hours…").clicked() {
                // The form fills itself from the roster when it holds no draft.
                self.page = Page::OfficeHours;
            }
            if ui.button("Cover for someone…").clicked() {
                self.page = Page::Cover;
            }
            if ui.button("Rotations…").clicked() {
                self.page = Page::Rotation;
            }
            if ui.button("Import or export…").clicked() {
                self.page = Page::Files;
            }
        });
        section(ui, "Find someone");
        let mut open_first = false;
        ui.horizontal(|ui| {
            let label = ui.label("Find contact");
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("name, role, team or number")
                        .desired_width(ui.available_width().min(320.0)),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut self.focus) {
                response.request_focus();
            }
            open_first = crate::ui::widgets::submitted(ui, &response);
        });
        let list = roster.stamp();
        let current = self
            .searched
            .as_ref()
            .is_some_and(|(query, searched)| *query == self.query && *searched == list);
        if !current {
            if self.index.as_ref().is_none_or(|(of, _)| *of != list) {
                self.index = Some((list, SearchIndex::new(roster)));
            }
            let (_, index) = self.index.as_ref().expect("just made");
            self.hits = index.search(&self.query);
            self.searched = Some((self.query.clone(), list));
        }
        if open_first && let Some(&first) = self.hits.first() {
            self.open(&roster.contacts[first]);
        }
        if roster.contacts.is_empty() {
            weak(
                ui,
                "The roster is empty. Add people one by one, or import a CSV or vCard file.",
            );
            return None;
        }
        let count = match self.hits.len() {
            0 => format!(
                "No contact matches ({} on the roster). Try part of a name, a team or a number.",
                roster.contacts.len()
            ),
            n => format!("{n} of {} · Enter opens the first", roster.contacts.len()),
        };
        weak(ui, count);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 16.0;
        let mut opened = None;
        egui::ScrollArea::vertical()
            .id_salt("hits")
            .auto_shrink(false)
            .show_rows(ui, row_height, self.hits.len(), |ui, rows| {
                for &i in &self.hits[rows] {
                    if row(ui, &roster.contacts[i], row_height) {
                        opened = Some(i);
                    }
                }
            });
        if let Some(i) = opened {
            self.open(&roster.contacts[i]);
        }
        None
    }

    fn open(&mut self, contact: &Contact) {
        self.removing = false;
        self.page = Page::Card(contact.name.clone());
    }

    /// Who covers each role at `now`, worked out again only when the
    /// roster or the minute changed.
    fn cover_at(&mut self, roster: &Stamped<Roster>, now: DateTime<Utc>) -> &CoverNow {
        let key = CoverNow::key(roster, now);
        if self.cover.as_ref().is_none_or(|c| c.key != key) {
            self.cover = Some(CoverNow::new(roster, now, key));
        }
        self.cover.as_ref().expect("just made")
    }

    /// For each role, who covers now (and until when) and who is next.
    fn cover_now(&mut self, ui: &mut egui::Ui, roster: &Stamped<Roster>, now: DateTime<Utc>) {
        section(ui, "Who covers now");
        let tz = roster.office_zone();
        self.cover_at(roster, now);
        let cover_now = self.cover.as_ref().expect("made above");
        // Wake when the cover or the office hours next change, so the
        // banner and the names are right without a key being pressed.
        if let Some(next) = cover_now.changes_at.filter(|t| *t > now) {
            let wait = (next - now).to_std().unwrap_or_default();
            ui.ctx().request_repaint_after(wait);
        }
        let mut opened = None;
        let mut expand = None;
        let expanded = &self.expanded;
        egui::Grid::new("cover-now")
            .num_columns(2)
            .spacing([16.0, 6.0])
            .show(ui, |ui| {
                for row in &cover_now.roles {
                    ui.label(egui::RichText::new(row.role.title()).strong());
                    ui.vertical(|ui| {
                        if row.cover.now.is_empty() {
                            match (row.rota, row.anyone.is_empty()) {
                                (true, true) => {
                                    ui.colored_label(
                                        ui.visuals().warn_fg_color,
                                        "Nobody on the rota now",
                                    );
                                }
                                (true, false) => {
                                    ui.colored_label(
                                        ui.visuals().warn_fg_color,
                                        "Nobody on the rota now — anyone with this role:",
                                    );
                                }
                                (false, true) => weak(ui, "No rota, nobody with this role"),
                                (false, false) => weak(ui, "No rota — anyone with this role:"),
                            }
                        }
                        // With nobody on call (no rota, or none of its turns
                        // now), everyone with the role, each with their
                        // number: any of them may be called.
                        let all = expanded.contains(&row.role);
                        let anyone = if row.cover.now.is_empty() {
                            &row.anyone[..]
                        } else {
                            &[]
                        };
                        let shown = if all {
                            anyone.len()
                        } else {
                            anyone.len().min(MAX_SHOWN)
                        };
                        for &i in &anyone[..shown] {
                            let contact = &roster.contacts[i];
                            ui.horizontal(|ui| {
                                if reach(ui, contact, contact.name.as_str(), now, tz) {
                                    opened = Some(contact.name.clone());
                                }
                            });
                        }
                        if anyone.len() > shown {
                            let more = format!("and {} more with this role", anyone.len() - shown);
                            if ui.link(more).clicked() {
                                expand = Some(row.role);
                            }
                        }
                        // A handful per role: past that, the card or `expedite who` lists them.
                        let all = expanded.contains(&row.role);
                        let shown = if all {
                            row.cover.now.len()
                        } else {
                            row.cover.now.len().min(MAX_SHOWN)
                        };
                        for (c, at) in row.cover.now.iter().zip(&row.contacts).take(shown) {
                            ui.horizontal(|ui| {
                                match at.map(|i| &roster.contacts[i]) {
                                    Some(contact) => {
                                        if reach(ui, contact, c.who.as_str(), now, tz) {
                                            opened = Some(contact.name.clone());
                                        }
                                    }
                                    None => {
                                        ui.label(c.who.as_str());
                                        quiet(ui, "(not on the roster)");
                                    }
                                }
                                if let Some(until) = c.until {
                                    quiet(ui, format!("until {}", near(until, tz, now)));
                                }
                            });
                        }
                        if row.cover.now.len() > shown {
                            let more = format!("and {} more on call", row.cover.now.len() - shown);
                            if ui.link(more).clicked() {
                                expand = Some(row.role);
                            }
                        }
                        // Below the cover, not beside it, so a narrow window keeps it.
                        if let Some((from, who)) = &row.cover.next {
                            let who = match (who.is_empty(), row.anyone.is_empty()) {
                                (false, _) => who.join(", "),
                                (true, true) => "nobody".to_owned(),
                                (true, false) => {
                                    "nobody on the rota (anyone with the role)".to_owned()
                                }
                            };
                            quiet(ui, format!("Next: {who} from {}", near(*from, tz, now)));
                        }
                    });
                    ui.end_row();
                }
            });
        self.expanded.extend(expand);
        if let Some(name) = opened {
            self.removing = false;
            self.page = Page::Card(name);
        }
    }

    fn card(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Stamped<Roster>,
        name: &str,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        if back_button(ui) {
            self.page = Page::List;
            return None;
        }
        let Some(contact) = roster.find(name) else {
            weak(ui, format!("{name} is no longer on the roster."));
            return None;
        };
        crate::ui::widgets::title(ui, &contact.name);
        let mut about: Vec<String> = contact.roles.iter().map(|r| r.title().to_owned()).collect();
        if !contact.team.is_empty() {
            about.push(contact.team.to_string());
        }
        if !about.is_empty() {
            weak(ui, about.join(" · "));
        }
        let on_call: Vec<&str> = self
            .cover_at(roster, now)
            .roles
            .iter()
            .filter(|r| {
                r.cover
                    .now
                    .iter()
                    .any(|c| c.who.eq_ignore_ascii_case(&contact.name))
            })
            .map(|r| r.role.describe())
            .collect();
        if !on_call.is_empty() {
            ui.colored_label(
                crate::ui::widgets::DONE,
                format!("On call now as {}", on_call.join(", ")),
            );
        }
        ui.add_space(8.0);
        egui::Grid::new("card")
            .num_columns(3)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                for phone in &contact.phones {
                    ui.label(if phone.label.is_empty() {
                        "Phone".to_owned()
                    } else {
                        crate::ui::widgets::capital(&phone.label)
                    });
                    phone_item(ui, phone);
                    self.copy_button(ui, &phone.number);
                    ui.end_row();
                }
                if let Some(email) = &contact.email {
                    ui.label("Email");
                    email_link(ui, email);
                    self.copy_button(ui, email);
                    ui.end_row();
                }
                for more in &contact.more_emails {
                    ui.label(if more.label.is_empty() {
                        "Other email".to_owned()
                    } else {
                        format!("Email ({})", more.label)
                    });
                    email_link(ui, &more.address);
                    self.copy_button(ui, &more.address);
                    ui.end_row();
                }
                if let Some(chat) = &contact.chat {
                    ui.label("Chat");
                    ui.label(chat.as_str());
                    self.copy_button(ui, chat);
                    ui.end_row();
                }
                if let Some(tz) = &contact.time_zone {
                    ui.label("Their time");
                    let text = zone(tz).map_or_else(
                        |e| e.to_string(),
                        |z| format!("{} ({tz})", now.with_timezone(&z).format("%H:%M %a")),
                    );
                    ui.label(text);
                    ui.end_row();
                }
            });
        if !contact.notes.is_empty() {
            section(ui, "Notes");
            ui.label(contact.notes.as_str());
        }
        ui.add_space(12.0);
        let mut action = None;
        ui.horizontal(|ui| {
            if ui.button("Edit…").clicked() {
                // An unsaved edit of this person is picked up where it was left.
                if self.forms.contact_of.as_deref() != Some(contact.name.as_str()) {
                    self.forms.contact = ContactForm::from(contact);
                    self.forms.contact_of = Some(contact.name.to_string());
                }
                self.page = Page::Edit(Some(contact.name.clone()));
            }
            if !self.removing {
                if ui.button("Remove…").clicked() {
                    self.removing = true;
                }
            } else {
                let confirm = format!("Remove {} from the roster", contact.name);
                if ui
                    .button(egui::RichText::new(confirm).color(ui.visuals().error_fg_color))
                    .clicked()
                {
                    let remove = Action::run(
                        Command::Roster(Box::new(RosterChange::RemoveContact {
                            name: contact.name.clone(),
                        })),
                        Form::None,
                    );
                    action = Some(then(remove, Page::List, false));
                }
                if ui.button("Keep").clicked() {
                    self.removing = false;
                }
            }
        });
        action
    }

    fn copy_button(&mut self, ui: &mut egui::Ui, value: &str) {
        let copied = self.copied.as_deref() == Some(value);
        let text = if copied { "Copied" } else { "Copy" };
        if ui
            .small_button(text)
            .on_hover_text(format!("Copy {value}"))
            .clicked()
        {
            ui.ctx().copy_text(value.to_owned());
            self.copied = Some(value.to_owned());
        }
    }

    fn edit(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Roster,
        replacing: Option<SmolStr>,
    ) -> Option<Action> {
        let back = replacing.clone().map_or(Page::List, Page::Card);
        if back_button(ui) {
            self.page = back;
            return None;
        }
        let heading = match &replacing {
            Some(name) => format!("Edit {name}"),
            None => "Add contact".to_owned(),
        };
        crate::ui::widgets::title(ui, &heading);
        let contact = self.forms.contact.show(ui)?;
        let _ = roster;
        let card = Page::Card(contact.name.trim().into());
        let save = Action::run(
            Command::Roster(Box::new(RosterChange::SaveContact { replacing, contact })),
            Form::None,
        );
        Some(then(save, card, true))
    }
}

/// Quieter text on one line (in a row, wrapping would stack it letter by letter).
fn quiet(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.label(egui::RichText::new(text.into()).weak());
}

/// At most this many people are listed for one role in "Who covers now".
const MAX_SHOWN: usize = 4;

/// Which roster and which minute a [`CoverNow`] is for.
type CoverKey = (Stamp, i64);

/// Who covers each role at one minute: with 10,000 shifts this is
/// milliseconds of work, so it is not redone every frame.
struct CoverNow {
    key: CoverKey,
    roles: Vec<RoleCover>,
    /// The first time after now at which the cover or office hours change.
    changes_at: Option<DateTime<Utc>>,
}

struct RoleCover {
    role: Role,
    cover: Cover,
    /// Where each person covering is on the roster.
    contacts: Vec<Option<usize>>,
    /// Whether the rota covers this role at all.
    rota: bool,
    /// Everyone with the role: who may be called when nobody is on call.
    anyone: Vec<usize>,
}

impl CoverNow {
    fn key(roster: &Stamped<Roster>, now: DateTime<Utc>) -> CoverKey {
        (roster.stamp(), now.timestamp().div_euclid(60))
    }

    fn new(roster: &Roster, now: DateTime<Utc>, key: CoverKey) -> Self {
        let covers: Vec<(Role, Cover)> = Role::ALL
            .into_iter()
            .map(|role| (role, roster.cover(role, now)))
            .collect();
        let names: Vec<&str> = covers
            .iter()
            .flat_map(|(_, c)| c.now.iter().map(|o| o.who.as_str()))
            .collect();
        let mut found = roster.find_many(&names).into_iter();
        let changes_at = covers
            .iter()
            .filter_map(|(_, c)| c.next.as_ref().map(|(t, _)| *t))
            .chain(
                roster
                    .office_hours
                    .as_ref()
                    .and_then(|h| h.next_change(now)),
            )
            .min();
        let roles = covers
            .into_iter()
            .map(|(role, cover)| RoleCover {
                role,
                contacts: found.by_ref().take(cover.now.len()).collect(),
                rota: roster.rota.covers(role),
                anyone: roster
                    .contacts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.roles.contains(&role))
                    .map(|(i, _)| i)
                    .collect(),
                cover,
            })
            .collect();
        Self {
            key,
            roles,
            changes_at,
        }
    }
}

/// A person to reach: their name (opening the card; `true` when clicked),
/// their first number and the time where they are.
fn reach(
    ui: &mut egui::Ui,
    contact: &Contact,
    shown: &str,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> bool {
    let opened = ui.link(shown).on_hover_text("Open the card").clicked();
    if let Some(phone) = contact.callable().next() {
        phone_item(ui, phone);
    }
    if let Some(theirs) = their_time(contact, now, tz) {
        quiet(ui, theirs);
    }
    opened
}

fn back_button(ui: &mut egui::Ui) -> bool {
    ui.button("Back to contacts")
        .on_hover_text("Esc — what you typed is kept")
        .clicked()
}

/// "Out of hours — cover below" or "In office hours", with the office's time.
fn cover_banner(ui: &mut egui::Ui, roster: &Roster, now: DateTime<Utc>) {
    let tz = roster.office_zone();
    let here = now.with_timezone(&tz).format("%a %H:%M").to_string();
    let (text, colour) = match (&roster.office_hours, roster.out_of_hours(now)) {
        (Some(hours), Some(true)) => {
            let opens = hours
                .next_change(now)
                .map(|t| format!(" · office opens {}", near(t, tz, now)))
                .unwrap_or_default();
            (
                format!("Out of hours — cover below ({here} {}{opens})", tz.name()),
                ui.visuals().warn_fg_color,
            )
        }
        (Some(_), _) => (
            format!("In office hours ({here} {})", tz.name()),
            crate::ui::widgets::DONE,
        ),
        (None, _) => (
            "Office hours are not set — set them to see when it is out of hours".to_owned(),
            ui.visuals().weak_text_color(),
        ),
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, colour))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new(text).color(colour).strong());
        });
}

/// "14:00 their time" for someone in another zone than the office.
fn their_time(contact: &Contact, now: DateTime<Utc>, office: Tz) -> Option<String> {
    let tz = zone(contact.time_zone.as_deref()?).ok()?;
    let theirs = now.with_timezone(&tz);
    let ours = now.with_timezone(&office);
    (theirs.naive_local() != ours.naive_local())
        .then(|| format!("{} their time", theirs.format("%H:%M")))
}

/// An address as a `mailto:` link, or plain text when it would not make a safe one.
fn email_link(ui: &mut egui::Ui, email: &str) {
    let target = format!("mailto:{email}");
    if is_safe_link(&target) {
        ui.hyperlink_to(email, target);
    } else {
        ui.label(email);
    }
}

/// A person's number to call, or that the roster has none.
pub fn number_or_none(ui: &mut egui::Ui, number: Option<&str>) {
    match number {
        Some(number) => phone_link(ui, number),
        None => {
            ui.label(egui::RichText::new("no number on the roster").weak());
        }
    }
}

/// A number to call: a `tel:` link when it can be dialled.
pub fn phone_link(ui: &mut egui::Ui, number: &str) {
    dial_link(ui, number, "");
}

/// One of a contact's numbers: one to call links to dialling it (with its
/// extension); a fax or pager number is shown, and says it is not for
/// calling.
pub fn phone_item(ui: &mut egui::Ui, phone: &crate::model::roster::Phone) {
    if phone.can_call() {
        dial_link(ui, &phone.number, &phone.extension);
        if !phone.number.starts_with('+') {
            ui.label(egui::RichText::new("no country").color(ui.visuals().warn_fg_color))
                .on_hover_text(
                    "Written without a country, so it dials only from a phone in the same country. Set the contact's time zone, or Office hours → Phone country, and it is kept in international form.",
                );
        }
    } else {
        ui.label(with_extension(&phone.number, &phone.extension))
            .on_hover_text(format!("A {} number: not one to call", phone.label));
    }
}

/// A number grouped as people write it, and its extension after it.
fn with_extension(number: &str, extension: &str) -> String {
    let shown = crate::model::phone::show(number);
    if extension.is_empty() {
        shown
    } else {
        format!("{shown} ext. {extension}")
    }
}

fn dial_link(ui: &mut egui::Ui, number: &str, extension: &str) {
    let shown = with_extension(number, extension);
    let target = match Contact::dial(number) {
        Some(digits) if extension.is_empty() => Some(format!("tel:{digits}")),
        Some(digits) => Some(format!("tel:{digits};ext={extension}")),
        None => None,
    };
    match target.filter(|t| is_safe_link(t)) {
        Some(target) => {
            ui.hyperlink_to(shown, target);
        }
        None => {
            ui.label(shown);
        }
    }
}

/// One search result; returns whether it was clicked.
fn row(ui: &mut egui::Ui, contact: &Contact, height: f32) -> bool {
    let mut open = false;
    ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
        ui.set_height(height);
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                open = ui
                    .link(egui::RichText::new(contact.name.as_str()).strong())
                    .clicked();
                let roles: Vec<&str> = contact.roles.iter().map(|r| r.title()).collect();
                let mut about = roles.join(", ");
                if !contact.team.is_empty() {
                    about = format!("{about} · {}", contact.team);
                }
                ui.add(egui::Label::new(egui::RichText::new(about).weak()).truncate());
            });
            // One line of a fixed height: the first two numbers to call and
            // the address mail goes to; the rest (fax, pager, other numbers
            // and addresses) are on the card, and the line says how many.
            ui.horizontal(|ui| {
                let shown: Vec<_> = contact.callable().take(2).collect();
                for phone in &shown {
                    if !phone.label.is_empty() {
                        let label = crate::model::shorten(&phone.label, 16);
                        let response = ui.label(egui::RichText::new(&label).weak());
                        if label != phone.label {
                            response.on_hover_text(phone.label.as_str());
                        }
                    }
                    phone_item(ui, phone);
                }
                if let Some(email) = &contact.email {
                    email_link(ui, email);
                }
                let more = contact.phones.len() - shown.len() + contact.more_emails.len();
                if more > 0 {
                    let more = egui::RichText::new(format!("+{more} more")).weak();
                    ui.add(egui::Label::new(more).truncate())
                        .on_hover_text("On the card: open it for every number and address");
                }
            });
        });
    });
    open
}
