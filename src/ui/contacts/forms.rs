//! The forms that change the roster. Each keeps its text until it is saved;
//! times are typed in the office's local time and turned into instants with
//! the rota's clock-change rules.

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::command::{Command, RosterChange};
use crate::interop::import::{Format, Preview};
use crate::interop::{ical, vcard};
use crate::model::Role;
use crate::model::roster::{Contact, Email, Feed, OfficeHours, Override, Phone, Roster, Rotation};
use crate::time::near;
use crate::time::{self, Edge};
use crate::ui::Action;
use crate::ui::Form;
use crate::ui::app::feeds::{FeedNews, FeedStatus};
use crate::ui::exports::{self, Exports};
use crate::ui::widgets::save_button;
use crate::ui::widgets::{area, field, form_label, section, weak};

/// What is typed in the roster's forms and not yet saved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterDrafts {
    /// Adding or editing a contact.
    pub contact: ContactForm,
    /// Whom the contact form is editing; `None` while adding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_of: Option<String>,
    /// Office hours.
    pub hours: HoursForm,
    /// Someone covering for someone else.
    pub cover: CoverForm,
    /// A new rotation.
    pub rotation: RotationForm,
    /// The file to import, and the role its shifts cover.
    #[serde(skip_serializing_if = "is_default")]
    pub import: ImportDraft,
}

/// The import page's text: the file typed and the role picked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportDraft {
    /// The file's path, as typed.
    pub path: String,
    /// The role a feed's shifts cover; `None`: each person's first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Whose shifts a personal feed holds, as typed; empty: whoever each
    /// event names.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub whose: String,
    /// Subscribe to the feed at the address typed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub subscribe: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn change(c: RosterChange) -> Action {
    Action::run(Command::Roster(Box::new(c)), Form::None)
}

fn role_picker(ui: &mut egui::Ui, id: &str, role: &mut Role) {
    ui.horizontal(|ui| {
        let label = form_label(ui, "Role");
        let options = Role::ALL.map(|r| (r, r.title()));
        crate::ui::widgets::choice(ui, id, label.id, role, &options);
    });
}

/// A wall-clock time in the office's zone as typed, or what is wrong with it.
/// Two days to show as examples of holidays: the next Christmas Day and
/// the next working day after Boxing Day, never days already past.
fn example_holidays(now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let today = now.date_naive();
    let year = if today.ordinal() > 350 {
        today.year() + 1
    } else {
        today.year()
    };
    let day = |d| NaiveDate::from_ymd_opt(year, 12, d).unwrap_or(today);
    (day(25), day(28))
}

/// The next Monday after `now`, as a rota's first turn is written.
fn next_monday(now: DateTime<Utc>) -> String {
    use chrono::Datelike;
    let today = now.date_naive();
    let ahead = 7 - i64::from(today.weekday().num_days_from_monday());
    (today + Duration::days(ahead))
        .format("%Y-%m-%d")
        .to_string()
}

fn local_time(text: &str, what: &str, tz: Tz, now: DateTime<Utc>) -> Result<NaiveDateTime, String> {
    time::wall_clock(text, &tz, now).map_err(|e| format!("The {what} {e}."))
}

/// A time of day as typed, or what is wrong with it.
fn clock_time(text: &str, what: &str) -> Result<NaiveTime, String> {
    time::time_of_day(text).map_err(|e| format!("The {what} {e}."))
}

/// The contact form's text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    name: String,
    roles: Vec<Role>,
    team: String,
    /// Label, number and extension of each number.
    phones: Vec<(String, String, String)>,
    email: String,
    /// The other addresses, comma-separated, each perhaps with its label
    /// before a colon ("home: sam@example.org").
    more_emails: String,
    chat: String,
    time_zone: String,
    notes: String,
}

impl From<&Contact> for ContactForm {
    fn from(c: &Contact) -> Self {
        Self {
            name: c.name.to_string(),
            roles: c.roles.clone(),
            team: c.team.to_string(),
            phones: c
                .phones
                .iter()
                .map(|p| {
                    (
                        p.label.to_string(),
                        crate::model::phone::show(&p.number),
                        p.extension.to_string(),
                    )
                })
                .collect(),
            email: c.email.as_deref().unwrap_or("").to_owned(),
            more_emails: c
                .more_emails
                .iter()
                .map(|e| {
                    if e.label.is_empty() {
                        e.address.to_string()
                    } else {
                        format!("{}: {}", e.label, e.address)
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            chat: c.chat.as_deref().unwrap_or("").to_owned(),
            time_zone: c.time_zone.as_deref().unwrap_or("").to_owned(),
            notes: c.notes.to_string(),
        }
    }
}

impl ContactForm {
    /// The form; the contact as typed once "Save contact" is pressed.
    pub fn show(&mut self, ui: &mut egui::Ui) -> Option<Contact> {
        field(ui, "Name", &mut self.name, "as the team calls them");
        ui.horizontal_wrapped(|ui| {
            form_label(ui, "Roles");
            for role in Role::ALL {
                let mut on = self.roles.contains(&role);
                if ui.checkbox(&mut on, role.title()).changed() {
                    if on {
                        self.roles.push(role);
                    } else {
                        self.roles.retain(|r| *r != role);
                    }
                }
            }
        });
        field(ui, "Team", &mut self.team, "e.g. Web");
        if self.phones.is_empty() {
            self.phones
                .push(("mobile".into(), String::new(), String::new()));
        }
        let mut remove = None;
        for (i, (label, number, extension)) in self.phones.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let l = form_label(ui, &format!("Number {}", i + 1));
                ui.add(
                    egui::TextEdit::singleline(label)
                        .hint_text("mobile")
                        .desired_width(70.0),
                )
                .labelled_by(l.id);
                ui.add(
                    egui::TextEdit::singleline(number)
                        .hint_text("+44 7700 900123")
                        .desired_width(180.0),
                )
                .labelled_by(l.id);
                ui.add(
                    egui::TextEdit::singleline(extension)
                        .hint_text("ext.")
                        .desired_width(50.0),
                )
                .labelled_by(l.id)
                .on_hover_text("Extension, if any");
                if ui
                    .small_button("Remove")
                    .on_hover_text("Remove this number")
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            self.phones.remove(i);
        }
        if ui.small_button("Add number").clicked() {
            self.phones
                .push((String::new(), String::new(), String::new()));
        }
        field(ui, "Email", &mut self.email, "name@example.com");
        field(
            ui,
            "Other emails",
            &mut self.more_emails,
            "home: name@example.org, …",
        );
        field(ui, "Chat", &mut self.chat, "@handle");
        field(
            ui,
            "Time zone",
            &mut self.time_zone,
            "e.g. Europe/London, if not the office's",
        );
        area(
            ui,
            "Notes",
            &mut self.notes,
            "anything worth knowing at 3 a.m.",
            2,
        );
        save_button(ui, "Save contact").then(|| self.contact())
    }

    fn contact(&self) -> Contact {
        let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(Into::into);
        Contact {
            name: self.name.trim().into(),
            roles: self.roles.clone(),
            team: self.team.trim().into(),
            phones: self
                .phones
                .iter()
                .filter(|(_, n, _)| !n.trim().is_empty())
                .map(|(l, n, x)| Phone {
                    label: l.trim().into(),
                    number: n.trim().into(),
                    extension: x.trim().into(),
                })
                .collect(),
            email: some(&self.email),
            more_emails: self
                .more_emails
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| match e.split_once(':') {
                    Some((label, address)) if !label.contains('@') => Email {
                        label: label.trim().into(),
                        address: address.trim().into(),
                    },
                    _ => Email {
                        label: Default::default(),
                        address: e.into(),
                    },
                })
                .collect(),
            chat: some(&self.chat),
            time_zone: some(&self.time_zone),
            notes: self.notes.trim().into(),
        }
    }
}

/// The office hours form's text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HoursForm {
    zone: String,
    days: Vec<Weekday>,
    start: String,
    end: String,
    holidays: String,
    country: String,
}

impl From<OfficeHours> for HoursForm {
    fn from(h: OfficeHours) -> Self {
        Self {
            zone: h.time_zone.to_string(),
            days: h.days,
            start: h.start.format("%H:%M").to_string(),
            end: h.end.format("%H:%M").to_string(),
            holidays: h
                .holidays
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            country: h.country.map(|c| c.to_string()).unwrap_or_default(),
        }
    }
}

impl HoursForm {
    /// The form; the change once saved.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Roster,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        weak(
            ui,
            "Outside these hours the roster says \"Out of hours\" and shows who covers.",
        );
        if self.zone.is_empty() && self.start.is_empty() {
            *self = roster.office_hours.clone().unwrap_or_default().into();
        }
        field(ui, "Time zone", &mut self.zone, "Europe/London");
        ui.horizontal_wrapped(|ui| {
            form_label(ui, "Working days");
            for day in WEEKDAYS {
                let mut on = self.days.contains(&day);
                if ui.checkbox(&mut on, day.to_string()).changed() {
                    if on {
                        self.days.push(day);
                        self.days.sort_by_key(|d| d.num_days_from_monday());
                    } else {
                        self.days.retain(|d| *d != day);
                    }
                }
            }
        });
        field(ui, "Starts at", &mut self.start, "09:00");
        field(ui, "Ends at", &mut self.end, "17:30");
        let (one, two) = example_holidays(now);
        field(ui, "Holidays", &mut self.holidays, &format!("{one}, {two}"));
        let from_zone = crate::model::phone::country_of_zone(self.zone.trim())
            .map_or_else(|| "GB".to_owned(), |c| format!("{c} (the time zone's)"));
        field(ui, "Phone country", &mut self.country, &from_zone);
        weak(
            ui,
            "Numbers written without + are read as this country's and kept in international form.",
        );
        // Said before saving: how many stored numbers it gives a country.
        let country = Some(self.country.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .or_else(|| crate::model::phone::country_of_zone(self.zone.trim()).map(str::to_owned));
        let waiting: usize = roster
            .contacts
            .iter()
            .filter(|c| c.phone_country(None).is_none())
            .map(crate::model::roster::Contact::numbers_without_country)
            .sum();
        // Always one line here, so the button below never moves.
        match (country, waiting) {
            (Some(country), 1..) => {
                ui.label(
                    egui::RichText::new(if waiting == 1 {
                        format!(
                            "Saving makes the 1 number written without a country international, as a {country} number."
                        )
                    } else {
                        format!(
                            "Saving makes the {waiting} numbers written without a country international, as {country} numbers."
                        )
                    })
                    .color(ui.visuals().warn_fg_color),
                );
            }
            (None, 1..) => weak(
                ui,
                format!(
                    "{waiting} {} no country yet: give one here.",
                    if waiting == 1 {
                        "number has"
                    } else {
                        "numbers have"
                    }
                ),
            ),
            _ => weak(ui, "Every number on the roster has its country."),
        }
        if !save_button(ui, "Save office hours") {
            return None;
        }
        Some(match self.hours(now) {
            Ok(h) => change(RosterChange::SetOfficeHours(Some(h))),
            Err(why) => Action::Refuse(why),
        })
    }

    fn hours(&self, now: DateTime<Utc>) -> Result<OfficeHours, String> {
        let holidays = self
            .holidays
            .split([',', ' ', ';'])
            .filter(|s| !s.trim().is_empty())
            .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("The holiday \"{}\" is not a date. Write dates like {}, separated by commas.", s.trim(), example_holidays(now).0)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OfficeHours {
            time_zone: self.zone.trim().into(),
            days: self.days.clone(),
            start: clock_time(&self.start, "start")?,
            end: clock_time(&self.end, "end")?,
            holidays,
            country: Some(self.country.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .map(Into::into),
        })
    }
}

/// The "cover for someone" form's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoverForm {
    who: String,
    covers_for: String,
    role: Role,
    from: String,
    to: String,
}

impl Default for CoverForm {
    fn default() -> Self {
        Self {
            who: String::new(),
            covers_for: String::new(),
            role: Role::Developer,
            from: String::new(),
            to: String::new(),
        }
    }
}

impl CoverForm {
    /// Current and coming overrides, and the form to add one.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Roster,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        let tz = roster.office_zone();
        let mut action = None;
        let current: Vec<&Override> = roster
            .rota
            .overrides
            .iter()
            .filter(|o| o.end > now)
            .collect();
        if !current.is_empty() {
            section(ui, "Current and coming");
            for o in current {
                ui.horizontal(|ui| {
                    let whom = o
                        .covers_for
                        .as_ref()
                        .map_or_else(|| format!("all {}s", o.role.describe()), |n| n.to_string());
                    ui.label(format!(
                        "{} covers for {whom} ({}), {} to {}",
                        o.who,
                        o.role.describe(),
                        near(o.start, tz, now),
                        near(o.end, tz, now)
                    ));
                    if ui.small_button("Remove").clicked() {
                        action = Some(change(RosterChange::RemoveOverride(o.clone())));
                    }
                });
            }
        }
        section(ui, "Add cover");
        weak(
            ui,
            format!("Times are in the office's zone, {}.", tz.name()),
        );
        if self.from.is_empty() {
            self.from = now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            self.to = (now + Duration::hours(12))
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M")
                .to_string();
        }
        // Suggestions once something is typed, not the whole roster at once.
        field(ui, "Who covers", &mut self.who, "name on the roster");
        if let Some(name) = crate::ui::widgets::suggestions(ui, roster, &self.who, None, "") {
            self.who = name;
        }
        field(
            ui,
            "Covers for",
            &mut self.covers_for,
            "leave empty to cover the whole role",
        );
        if let Some(name) =
            crate::ui::widgets::suggestions(ui, roster, &self.covers_for, Some(self.role), "")
        {
            self.covers_for = name;
        }
        role_picker(ui, "cover-role", &mut self.role);
        let tomorrow = crate::time::example_day(now);
        field(
            ui,
            "From",
            &mut self.from,
            &format!("{} 18:00", tomorrow.format("%Y-%m-%d")),
        );
        field(
            ui,
            "Until",
            &mut self.to,
            &format!(
                "{} 09:00",
                tomorrow.succ_opt().unwrap_or(tomorrow).format("%Y-%m-%d")
            ),
        );
        if save_button(ui, "Add cover") {
            let ctx = ui.ctx().clone();
            let named = crate::ui::widgets::accepted_name(&ctx, roster, &self.who)
                .and_then(|()| crate::ui::widgets::accepted_name(&ctx, roster, &self.covers_for));
            action = Some(
                match (
                    local_time(&self.from, "start", tz, now),
                    local_time(&self.to, "end", tz, now),
                ) {
                    _ if let Err(why) = named.clone() => Action::Refuse(why),
                    // Said in the times as typed, not in UTC as the rota keeps them.
                    (Ok(from), Ok(to)) if to <= from => Action::Refuse(format!(
                        "The cover ends ({}) before it starts ({}). Give an end after the start.",
                        to.format("%Y-%m-%d %H:%M"),
                        from.format("%Y-%m-%d %H:%M")
                    )),
                    (Ok(from), Ok(to)) => change(RosterChange::AddOverride(Override {
                        who: self.who.trim().into(),
                        covers_for: Some(self.covers_for.trim())
                            .filter(|s| !s.is_empty())
                            .map(Into::into),
                        role: self.role,
                        start: time::instant(&tz, from, Edge::Start),
                        end: time::instant(&tz, to, Edge::End),
                    })),
                    (Err(why), _) | (_, Err(why)) => Action::Refuse(why),
                },
            );
        }
        action
    }
}

/// The rotation form's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RotationForm {
    name: String,
    role: Role,
    people: String,
    day: Weekday,
    time: String,
    zone: String,
    starts: String,
}

impl Default for RotationForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            role: Role::Developer,
            people: String::new(),
            day: Weekday::Mon,
            time: "09:00".into(),
            zone: String::new(),
            starts: String::new(),
        }
    }
}

impl RotationForm {
    /// The rotations, and the form to add one.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        roster: &Roster,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        let mut action = None;
        for r in &roster.rota.rotations {
            ui.horizontal_wrapped(|ui| {
                let people: Vec<&str> = r.people.iter().map(|p| p.as_str()).collect();
                ui.label(egui::RichText::new(r.name.as_str()).strong());
                ui.label(format!(
                    "{}: {} — hand-off {} {} ({})",
                    r.role.title(),
                    people.join(", "),
                    r.hand_off_day,
                    r.hand_off_time.format("%H:%M"),
                    r.time_zone
                ));
                if ui
                    .small_button("Remove")
                    .on_hover_text(format!("Remove rotation {}", r.name))
                    .clicked()
                {
                    action = Some(change(RosterChange::RemoveRotation {
                        name: r.name.clone(),
                    }));
                }
            });
        }
        section(ui, "Add a rotation");
        weak(
            ui,
            "People take the role a week each, in order, handing off at the same local time every week, summer or winter.",
        );
        if self.zone.is_empty() {
            self.zone = roster.office_zone().name().to_owned();
            self.starts = now.date_naive().to_string();
        }
        field(ui, "Name", &mut self.name, "e.g. Web developers");
        role_picker(ui, "rotation-role", &mut self.role);
        field(
            ui,
            "People in order",
            &mut self.people,
            "Sam Patel, Jo Okafor, Al Smith",
        );
        // Names the roster lacks, on a line kept for them (nothing moves).
        let listed: Vec<&str> = self
            .people
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let unknown = crate::ui::widgets::unknown_names(roster, &listed);
        let mut picked = None;
        let row = ui.spacing().interact_size.y + 2.0;
        ui.allocate_ui_with_layout(
            egui::vec2(ui.available_width(), row),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_height(row);
                if !unknown.is_empty() {
                    let strangers: Vec<&str> = listed
                        .iter()
                        .copied()
                        .filter(|n| roster.find(n).is_none())
                        .collect();
                    ui.label(
                        egui::RichText::new(format!("Not on the roster: {}", strangers.join(", ")))
                            .color(ui.visuals().warn_fg_color),
                    );
                    // The nearest name one click away, in place of the one typed.
                    for typed in &strangers {
                        let Some(near) = roster.nearest_names(typed, 1).into_iter().next() else {
                            continue;
                        };
                        if ui
                            .small_button(format!("Use {near}"))
                            .on_hover_text(format!("Instead of \"{typed}\""))
                            .clicked()
                        {
                            picked = Some((typed.to_string(), near.to_string()));
                        }
                    }
                    crate::ui::widgets::anyway_checkbox(ui, &self.people, "Use these names anyway");
                }
            },
        );
        if let Some((typed, near)) = picked {
            self.people = self
                .people
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| if p == typed { near.as_str() } else { p })
                .collect::<Vec<_>>()
                .join(", ");
        }
        ui.horizontal(|ui| {
            let label = form_label(ui, "Hand-off day");
            let names = WEEKDAYS.map(|d| d.to_string());
            let options: Vec<_> = WEEKDAYS
                .iter()
                .zip(&names)
                .map(|(d, n)| (*d, n.as_str()))
                .collect();
            crate::ui::widgets::choice(ui, "hand-off-day", label.id, &mut self.day, &options);
        });
        field(ui, "Hand-off time", &mut self.time, "09:00");
        field(ui, "Time zone", &mut self.zone, "Europe/London");
        let monday = next_monday(now);
        field(ui, "First turn from", &mut self.starts, &monday);
        if save_button(ui, "Add rotation") {
            let made = clock_time(&self.time, "hand-off time").and_then(|time| {
                let starts =
                    NaiveDate::parse_from_str(self.starts.trim(), "%Y-%m-%d").map_err(|_| {
                        format!(
                            "\"{}\" is not a date. Write it like {monday}.",
                            self.starts.trim()
                        )
                    })?;
                Ok(Rotation {
                    name: self.name.trim().into(),
                    role: self.role,
                    people: self
                        .people
                        .split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(Into::into)
                        .collect(),
                    hand_off_day: self.day,
                    hand_off_time: time,
                    time_zone: self.zone.trim().into(),
                    starts,
                })
            });
            let anyway = crate::ui::widgets::use_anyway(ui.ctx(), &self.people);
            action = Some(match made {
                Ok(_) if !unknown.is_empty() && !anyway => Action::Refuse(format!(
                    "Not on the roster: {}. Fix the names, or tick \"Use these names anyway\".",
                    unknown.join(", ")
                )),
                Ok(r) => change(RosterChange::AddRotation(r)),
                Err(why) => Action::Refuse(why),
            });
        }
        action
    }
}

/// Import and export: the file being read, its preview, what went wrong
/// (the text typed is an [`ImportDraft`], kept with the other drafts).
#[derive(Default)]
pub struct ImportForm {
    /// The file being read and previewed on the disk thread.
    reading: Option<PathBuf>,
    /// How far the reading has got.
    pub progress: Option<crate::interop::Progress>,
    preview: Option<(PathBuf, Format, Preview)>,
    trouble: Option<String>,
}

/// A file read and previewed against the roster, or why it could not be.
pub use crate::services::disk::Previewed;

impl ImportForm {
    /// Read a file and preview it, apply it; save the roster or the rota for other tools.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        draft: &mut ImportDraft,
        roster: &Roster,
        now: DateTime<Utc>,
        exports: &Exports,
        news: &FeedNews,
    ) -> Option<Action> {
        let mut action = None;
        // Export and the feeds come first: the import's preview, which
        // comes and goes, grows below everything else, so nothing moves
        // under the pointer when it does.
        if !roster.rota.feeds.is_empty() {
            section(ui, "Feeds");
            for feed in &roster.rota.feeds {
                action = feed_row(ui, feed, news.get(&feed.id), roster, now).or(action);
            }
        }
        section(ui, "Export");
        weak(
            ui,
            "The contacts as vCard 4.0, and the rota as an iCalendar feed 12 weeks ahead in UTC, for other tools.",
        );
        ui.horizontal(|ui| {
            let idle = !exports.busy();
            let file = |ui: &mut egui::Ui, label: &str, make: &dyn Fn() -> exports::Job| {
                ui.add_enabled(idle, egui::Button::new(label))
                    .clicked()
                    .then(|| exports::save(make()))
            };
            let vcf = || {
                let text = vcard::write(roster);
                document(
                    "Save the contacts",
                    "expedite-contacts.vcf",
                    "vCard",
                    "vcf",
                    text,
                )
            };
            let ics = || {
                let text = ical::write(roster, now, 12);
                document(
                    "Save the rota",
                    "expedite-rota.ics",
                    "iCalendar",
                    "ics",
                    text,
                )
            };
            let saved = file(ui, "Save contacts as vCard…", &vcf);
            let saved = saved.or(file(ui, "Save rota as .ics…", &ics));
            action = saved.or(action.take());
        });
        section(ui, "Import");
        weak(
            ui,
            "Contacts from a CSV (with a header row) or vCard file; shifts from an on-call calendar feed (.ics, or its https:// or webcal:// address) of PagerDuty, Opsgenie, GoAlert or Grafana OnCall. You see what will change before anything does.",
        );
        let (response, browse) = ui
            .horizontal(|ui| {
                let label = form_label(ui, "File or address");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut draft.path)
                            .hint_text("/home/you/team.csv or webcal://…")
                            .desired_width((ui.available_width() - 100.0).clamp(120.0, 360.0)),
                    )
                    .labelled_by(label.id);
                let browse = ui
                    .button("Browse…")
                    .on_hover_text("Pick the file on this computer")
                    .clicked();
                (field, browse)
            })
            .inner;
        if browse {
            action = Some(Action::BrowseImport);
        }
        if response.changed() {
            self.preview = None;
        }
        let address = crate::interop::fetch::looks_like_address(&draft.path);
        if address
            && ui
                .checkbox(&mut draft.subscribe, "Subscribe: read it again every hour")
                .on_hover_text(
                    "Keeps the rota current from the feed while Expedite is open; a read that fails changes nothing",
                )
                .changed()
            {
                self.preview = None;
        }
        ui.horizontal(|ui| {
            let label = form_label(ui, "Shifts cover");
            let options: Vec<_> = std::iter::once((None, "each person's first role"))
                .chain(Role::ALL.map(|r| (Some(r), r.title())))
                .collect();
            crate::ui::widgets::choice(ui, "import-role", label.id, &mut draft.role, &options);
        });
        let calendar = {
            let path = draft.path.trim().to_ascii_lowercase();
            address || path.ends_with(".ics") || path.ends_with(".ical")
        };
        let asked = self
            .preview
            .as_ref()
            .is_some_and(|(_, _, p)| p.whose_needed);
        let mut enter = crate::ui::widgets::submitted(ui, &response);
        if calendar || asked || !draft.whose.is_empty() {
            let whose = field(
                ui,
                "Whose shifts",
                &mut draft.whose,
                "whoever each event names",
            )
            .on_hover_text("For one person's own feed, which names nobody: whose shifts they are");
            if whose.changed() {
                self.preview = None;
            }
            enter |= crate::ui::widgets::submitted(ui, &whose);
        }
        if (ui.button("Preview import").clicked() || enter) && self.reading.is_none() {
            self.trouble = None;
            self.preview = None;
            let path = PathBuf::from(draft.path.trim());
            self.reading = Some(path.clone());
            let whose = draft.whose.trim();
            action = Some(Action::Preview {
                path,
                role: draft.role,
                whose: (!whose.is_empty()).then(|| whose.to_owned()),
                subscribe: address && draft.subscribe,
            });
        }
        if let Some(path) = &self.reading {
            let done = self.progress.as_ref().map_or(0.0, |p| p.fraction());
            if done > 0.0 {
                // A large file: how far it has got, looked at ten times a second.
                ui.add(
                    egui::ProgressBar::new(done)
                        .desired_width(ui.available_width().min(420.0))
                        .text(format!("Reading {}… {:.0} %", path.display(), done * 100.0)),
                );
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            } else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    weak(ui, format!("Reading {}…", path.display()));
                });
            }
        }
        if let Some(why) = &self.trouble {
            ui.colored_label(ui.visuals().error_fg_color, why);
        }
        if let Some((path, format, preview)) = &self.preview {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    egui::RichText::new(format!("{} from {}", format.describe(), path.display()))
                        .strong(),
                );
                for (i, line) in preview.lines().iter().enumerate() {
                    if i == 0 && !preview.problems.is_empty() {
                        ui.colored_label(ui.visuals().error_fg_color, line);
                    } else {
                        ui.add(egui::Label::new(line).wrap());
                    }
                }
            });
            if preview.can_apply() && save_button(ui, "Import") {
                action = Some(change(preview.change()));
                self.preview = None;
            }
        }
        action
    }

    /// What the disk thread read of the file asked for.
    /// What was previewed no longer stands (another file was picked).
    pub fn forget_preview(&mut self) {
        self.preview = None;
        self.trouble = None;
    }

    pub fn previewed(&mut self, read: Previewed) {
        self.reading = None;
        self.progress = None;
        match read {
            Ok(preview) => self.preview = Some(*preview),
            Err(why) => self.trouble = Some(why.to_string()),
        }
    }
}

/// One feed the rota was read from: where from, how it is kept current,
/// how it stands on this desk, where its filled-in cover ends; and what
/// can be done with it.
fn feed_row(
    ui: &mut egui::Ui,
    feed: &Feed,
    news: Option<&FeedStatus>,
    roster: &Roster,
    now: DateTime<Utc>,
) -> Option<Action> {
    let zone = roster.office_zone();
    let mut action = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(feed.name.as_str()).strong());
            ui.add(egui::Label::new(egui::RichText::new(feed.location.as_str()).weak()).truncate())
                .on_hover_text(feed.location.as_str());
        });
        let read = near(feed.read, zone, now);
        if feed.subscribed {
            ui.label(format!(
                "Subscribed: read every hour while Expedite is open. Last changed the rota {read}."
            ));
        } else {
            ui.label(format!(
                "Read {read}, by {}; not refreshed by itself.",
                feed.by
            ));
        }
        match news {
            Some(FeedStatus::Reading) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    weak(ui, "Reading it now…");
                });
            }
            Some(FeedStatus::Read(at, None)) => {
                weak(ui, format!("Read {}: up to date.", near(*at, zone, now)));
            }
            Some(FeedStatus::Read(at, Some(said))) => {
                ui.add(egui::Label::new(format!("Read {}: {said}", near(*at, zone, now))).wrap());
            }
            Some(FeedStatus::Failed(at, why)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!(
                        "Not read {}: {why} The rota keeps its shifts as they were.",
                        near(*at, zone, now)
                    ),
                );
            }
            Some(FeedStatus::NotAgreed(by)) => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Added on {by}'s desk — fetch it? Its address came through the shared folder, so this desk reads it only once you agree."
                    ),
                );
                if ui
                    .button("Fetch it")
                    .on_hover_text(format!("Read {} from now on", feed.location))
                    .clicked()
                {
                    action = Some(Action::AgreeFeed(feed.id.clone()));
                }
            }
            None => {}
        }
        if let Some(until) = feed.until {
            let ends = until.with_timezone(&zone).format("%a %-d %b %Y");
            if feed.runs_out_soon(now) {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "Its repeating shifts are filled in only up to {ends}: {}",
                        if feed.subscribed {
                            "reading it again moves that on."
                        } else {
                            "import it again, or subscribe to its address, to keep the rota going."
                        }
                    ),
                );
            } else {
                weak(ui, format!("Repeating shifts are filled in up to {ends}."));
            }
        }
        let can_subscribe = crate::interop::fetch::address(&feed.location).is_some();
        if !feed.subscribed && !can_subscribe {
            return;
        }
        ui.horizontal(|ui| {
            if feed.subscribed {
                let agreed = !matches!(news, Some(FeedStatus::NotAgreed(_)));
                if agreed && ui.button("Refresh now").clicked() {
                    action = Some(Action::RefreshFeed(feed.id.clone()));
                }
                if ui
                    .button("Stop refreshing")
                    .on_hover_text("Its shifts stay on the rota")
                    .clicked()
                {
                    action = Some(subscribe(feed, false));
                }
            } else if ui.button("Subscribe").clicked() {
                action = Some(subscribe(feed, true));
            }
        });
    });
    action
}

fn subscribe(feed: &Feed, on: bool) -> Action {
    change(RosterChange::Subscribe {
        feed: feed.id.clone(),
        on,
    })
}

/// A roster export for the save dialog.
fn document(
    title: &str,
    file_name: &str,
    kind: &'static str,
    extension: &'static str,
    text: String,
) -> crate::ui::exports::Job {
    crate::ui::exports::Job {
        request: crate::ui::exports::SaveRequest {
            title: title.into(),
            file_name: file_name.into(),
            kind,
            extension,
        },
        bytes: text.into_bytes(),
        after: Vec::new(),
        draft_of: None,
    }
}
