//! The window's one home for what it has to say outside the views — saving
//! is slow, notifications are not working, a file did not load, a file was
//! saved or copied, a feed could not be read, why the last action was
//! refused — and the strip along the bottom of the window that says it: it
//! never pushes the view it is about down from under the pointer. A refusal
//! goes when dismissed or when the person types again; it shows in the
//! dialog instead while one is open.

use eframe::egui;

use super::widgets;
use crate::store::Problem;

/// Everything the window has to say, until it is read.
#[derive(Default)]
pub struct Notices {
    /// Why the last thing asked was refused, shown until the next success.
    pub error: Option<String>,
    /// Why desktop notifications don't work, when they don't.
    pub notification_trouble: Option<String>,
    /// Files that did not load, with why.
    pub problems: Vec<Problem>,
    /// What was done ("Saved …", "Copied …"), or what went wrong that
    /// nobody asked for just now (`true`: a feed's refresh failed).
    pub said: Option<(String, bool)>,
}

impl Notices {
    /// Says that something was done.
    pub fn say(&mut self, text: String) {
        self.said = Some((text, false));
    }

    /// Says that something went wrong that nobody asked for just now.
    pub fn warn(&mut self, text: String) {
        self.said = Some((text, true));
    }

    /// The strip: what there is to say, each with its way to dismiss it.
    /// `slow_save`: a save has taken long enough to say so.
    pub fn show(&mut self, ui: &mut egui::Ui, slow_save: bool, dialog_open: bool) {
        let refusal = self.error.clone().filter(|_| !dialog_open);
        let any = slow_save
            || self.notification_trouble.is_some()
            || !self.problems.is_empty()
            || self.said.is_some()
            || refusal.is_some();
        // The strip is always there (empty and flat when there is nothing
        // to say): the widgets after it keep their identities, so a field
        // being typed in keeps its focus when a message goes.
        let panel = egui::Panel::bottom("notices")
            .resizable(false)
            .show_separator_line(any);
        let panel = if any {
            panel
        } else {
            panel.frame(egui::Frame::NONE).exact_size(0.0)
        };
        panel.show(ui, |ui| {
            widgets::name_region(ui, "Notices");
            if !any {
                return;
            }
            ui.add_space(4.0);
            if slow_save {
                widgets::weak(
                    ui,
                    "Saving… the disk is slow to answer. What you typed stays where it is until it is saved.",
                );
            }
            if let Some(why) = self.notification_trouble.as_deref() {
                let text = format!(
                    "Desktop notifications are not working: {why}. Reminders still show here — the countdown turns red and the window asks for attention — so keep this window in sight."
                );
                if widgets::error_box(ui, &text) {
                    // Read: it comes back if a later reminder fails too.
                    self.notification_trouble = None;
                }
            }
            let mut dismissed = None;
            for (i, p) in self.problems.iter().enumerate() {
                if widgets::error_box(ui, &p.message) {
                    dismissed = Some(i);
                }
            }
            if let Some(i) = dismissed {
                self.problems.remove(i);
            }
            if let Some((text, bad)) = self.said.clone() {
                let gone = if bad {
                    widgets::error_box(ui, &text)
                } else {
                    widgets::notice_box(ui, &text)
                };
                if gone {
                    self.said = None;
                }
            }
            if let Some(e) = refusal
                && widgets::error_box(ui, &e)
            {
                self.error = None;
            }
            ui.add_space(4.0);
        });
    }
}
