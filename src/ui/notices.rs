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
    /// When each thing said was first seen, by its words: the newest is
    /// shown first.
    seen: std::collections::HashMap<String, u64>,
    /// The next moment to give.
    next: u64,
}

impl Notices {
    /// Files that did not load, to say first.
    pub fn with_problems(problems: Vec<Problem>) -> Self {
        Self {
            problems,
            ..Self::default()
        }
    }

    /// Says that something was done.
    pub fn say(&mut self, text: String) {
        self.said = Some((text, false));
    }

    /// Says that something went wrong that nobody asked for just now.
    pub fn warn(&mut self, text: String) {
        self.said = Some((text, true));
    }

    /// The strip along the bottom of the window: always there and always
    /// as tall, so nothing in the view above it moves when something is
    /// said or dismissed, and it never covers the field in use. It says
    /// one thing at a time — why the last thing asked was refused, then a
    /// file that did not load, then notifications not working, then what
    /// was done — with "Dismiss" always in the same place and how many
    /// more wait; with nothing to say, how to find the shortcuts.
    /// `slow_save`: a save has taken long enough to say so.
    pub fn show(&mut self, ui: &mut egui::Ui, slow_save: bool, dialog_open: bool) {
        let row = ui.text_style_height(&egui::TextStyle::Body);
        egui::Panel::bottom("notices")
            .resizable(false)
            .exact_size(row * ROWS as f32 + 18.0)
            .show(ui, |ui| {
                widgets::name_region(ui, "Notices");
                ui.add_space(4.0);
                let mut said = self.said_now(dialog_open);
                let waiting = said.len().saturating_sub(1);
                let Some((kind, text, bad)) = said.drain(..).next() else {
                    let idle = if slow_save {
                        "Saving… the disk is slow to answer. What you typed stays where it is until it is saved."
                    } else {
                        "F1 shows every shortcut."
                    };
                    widgets::weak(ui, idle);
                    return;
                };
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    if ui.small_button("Dismiss").clicked() {
                        self.dismiss(kind);
                    }
                    if waiting > 0 {
                        widgets::weak(ui, format!("{waiting} more"));
                    }
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Min), |ui| {
                        message(ui, &text, bad);
                    });
                });
            });
    }

    /// What there is to say, newest first: (which, the words, whether it
    /// went wrong). The newest is what the person just did, or what just
    /// happened: it is never hidden behind something older.
    fn said_now(&mut self, dialog_open: bool) -> Vec<(Kind, String, bool)> {
        let mut out = Vec::new();
        if let Some(e) = self.error.as_ref().filter(|_| !dialog_open) {
            out.push((Kind::Refusal, e.clone(), true));
        }
        for (i, p) in self.problems.iter().enumerate() {
            out.push((Kind::Problem(i), p.message.clone(), true));
        }
        if let Some(why) = &self.notification_trouble {
            out.push((
                Kind::Notifications,
                format!(
                    "Desktop notifications are not working: {why}. Reminders still show here — the countdown turns red and the window asks for attention — so keep this window in sight."
                ),
                true,
            ));
        }
        if let Some((text, bad)) = &self.said {
            out.push((Kind::Said, text.clone(), *bad));
        }
        let mut seen = std::mem::take(&mut self.seen);
        seen.retain(|text, _| out.iter().any(|(_, t, _)| t == text));
        for (_, text, _) in &out {
            seen.entry(text.clone()).or_insert_with(|| {
                self.next += 1;
                self.next
            });
        }
        out.sort_by_key(|(_, text, _)| std::cmp::Reverse(seen[text]));
        self.seen = seen;
        out
    }

    fn dismiss(&mut self, kind: Kind) {
        match kind {
            Kind::Refusal => self.error = None,
            Kind::Problem(i) => {
                if i < self.problems.len() {
                    self.problems.remove(i);
                }
            }
            // Read: it comes back if a later reminder fails too.
            Kind::Notifications => self.notification_trouble = None,
            Kind::Said => self.said = None,
        }
    }
}

/// How many lines a notice takes in the strip (the rest on hover).
const ROWS: usize = 2;

/// Which notice is shown.
#[derive(Clone, Copy)]
enum Kind {
    Refusal,
    Problem(usize),
    Notifications,
    Said,
}

/// The words, in the error colour when something went wrong, at most
/// [`ROWS`] lines (the whole on hover); a screen reader reads them out when
/// they appear (at once for an error, in turn for a notice).
fn message(ui: &mut egui::Ui, text: &str, bad: bool) {
    let text = &*crate::text::without_os_codes(text);
    let color = if bad {
        ui.visuals().error_fg_color
    } else {
        ui.visuals().strong_text_color()
    };
    let job = widgets::at_most(ui, text, color, ROWS);
    let said = ui.add(egui::Label::new(job)).on_hover_text(text);
    let live = if bad {
        egui::accesskit::Live::Assertive
    } else {
        egui::accesskit::Live::Polite
    };
    ui.ctx()
        .accesskit_node_builder(said.id, |node| node.set_live(live));
}
