//! The roster: every contact, found by typing. Results update on every
//! keystroke and are remembered between frames, so a 10,000-person roster
//! costs nothing while the query stays the same.

use eframe::egui;

use super::widgets::{capital, identity, is_safe_link, weak};
use crate::model::roster::{Contact, Roster, search};

/// The search box and its remembered results.
#[derive(Default)]
pub struct Contacts {
    /// What is typed.
    pub query: String,
    /// The query and the roster (see [`identity`]) the hits are for.
    searched: Option<(String, (usize, usize))>,
    hits: Vec<usize>,
    /// Give the search box focus on the next frame (Ctrl+F).
    pub focus: bool,
}

impl Contacts {
    /// The view; the search is redone when the query or the roster changes.
    pub fn show(&mut self, ui: &mut egui::Ui, roster: &Roster, loading: bool) {
        super::widgets::title(ui, "Contacts");
        weak(ui, "For out of hours: who to call, and how.");
        ui.add_space(6.0);
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
        });
        let list = identity(&roster.contacts);
        let current = self
            .searched
            .as_ref()
            .is_some_and(|(query, searched)| *query == self.query && *searched == list);
        if !current {
            self.hits = search(roster, &self.query);
            self.searched = Some((self.query.clone(), list));
        }
        ui.add_space(4.0);
        if loading {
            ui.horizontal(|ui| {
                ui.spinner();
                weak(ui, "Reading the roster…");
            });
            return;
        }
        if roster.contacts.is_empty() {
            weak(
                ui,
                "The roster is empty. Add people to roster.ron in the data folder (see the README).",
            );
            return;
        }
        weak(
            ui,
            format!("{} of {}", self.hits.len(), roster.contacts.len()),
        );
        let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 16.0;
        egui::ScrollArea::vertical().auto_shrink(false).show_rows(
            ui,
            row_height,
            self.hits.len(),
            |ui, rows| {
                for &i in &self.hits[rows] {
                    row(ui, &roster.contacts[i], row_height);
                }
            },
        );
    }
}

fn row(ui: &mut egui::Ui, contact: &Contact, height: f32) {
    ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
        ui.set_height(height);
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(contact.name.as_str()).strong());
                let roles: Vec<String> = contact
                    .roles
                    .iter()
                    .map(|r| capital(r.describe()))
                    .collect();
                let mut about = roles.join(", ");
                if !contact.team.is_empty() {
                    about = format!("{about} · {}", contact.team);
                }
                ui.add(egui::Label::new(egui::RichText::new(about).weak()).truncate());
            });
            ui.horizontal(|ui| {
                for phone in &contact.phones {
                    if !phone.label.is_empty() {
                        ui.label(egui::RichText::new(phone.label.as_str()).weak());
                    }
                    let digits: String = phone
                        .number
                        .chars()
                        .filter(|c| c.is_ascii_digit() || *c == '+')
                        .collect();
                    if digits.is_empty() {
                        ui.label(phone.number.as_str());
                    } else {
                        ui.hyperlink_to(phone.number.as_str(), format!("tel:{digits}"));
                    }
                }
                if let Some(email) = &contact.email {
                    let target = format!("mailto:{email}");
                    if is_safe_link(&target) {
                        ui.hyperlink_to(email.as_str(), target);
                    } else {
                        ui.label(email.as_str());
                    }
                }
            });
        });
    });
}
