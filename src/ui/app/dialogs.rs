//! The dialogs over the window and the keyboard shortcuts that open them.

use eframe::egui;

use crate::pack::Pack;
use crate::ui::{Dialog, DialogOutcome, View, contacts, declare, drafts, ownership, post_update};

use super::{ExpediteApp, Origin};

impl ExpediteApp {
    /// Opens a dialog; its first field takes the keyboard.
    pub(super) fn open_dialog(&mut self, dialog: Dialog) {
        self.nav.dialog = Some(dialog);
        self.nav.dialog_fresh = true;
        self.notices.error = None;
    }

    pub(super) fn close_dialog(&mut self, ctx: &egui::Context) {
        self.nav.dialog = None;
        self.notices.error = None;
        self.keep_drafts(ctx, true);
    }

    /// The open dialog, if any.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.nav.dialog.clone() else {
            return;
        };
        let fresh = std::mem::take(&mut self.nav.dialog_fresh);
        let error = self.notices.error.as_deref();
        let outcome = match &dialog {
            Dialog::Declare => {
                let me = self.me();
                let draft = &mut self.typing.drafts.declare;
                declare::dialog(ctx, draft, &me, &self.state.roster, error, fresh)
            }
            Dialog::PostUpdate(id) | Dialog::LastUpdate(id) => {
                let Some(incident) = self.state.incidents.get(id) else {
                    return self.close_dialog(ctx);
                };
                let cadence = &self.state.settings.cadence;
                let pack = Pack::new(
                    incident,
                    &self.state.roster,
                    &self.state.settings,
                    (self.clock)(),
                );
                let draft = self.typing.drafts.of(id).update.get_or_insert_with(|| {
                    drafts::UpdateDraft::new(
                        incident,
                        cadence,
                        crate::pack::update::default_actions(&pack),
                        crate::pack::update::default_needs(&pack),
                    )
                });
                post_update::show(
                    ctx,
                    draft,
                    &pack,
                    &self.news.posting.connected,
                    (error, fresh),
                    matches!(dialog, Dialog::LastUpdate(_)),
                )
            }
            Dialog::HandOver(id) => {
                let Some(incident) = self.state.incidents.get(id) else {
                    return self.close_dialog(ctx);
                };
                let now = (self.clock)();
                let (roster, settings) = (&self.state.roster, &self.state.settings);
                let brief = || {
                    crate::pack::brief::Brief::new(&Pack::new(incident, roster, settings, now))
                        .text()
                };
                let draft = &mut self.typing.drafts.of(id).hand_over;
                ownership::dialog(
                    ctx,
                    draft,
                    incident,
                    &self.state.roster,
                    &brief,
                    error,
                    fresh,
                )
            }
            Dialog::WatchMetric(id) => {
                let Some(incident) = self.state.incidents.get(id) else {
                    return self.close_dialog(ctx);
                };
                crate::ui::metric::dialog(
                    ctx,
                    &mut self.metric_form,
                    incident,
                    self.news.metrics.tested.as_ref(),
                    error,
                )
            }
        };
        match outcome {
            DialogOutcome::Open => {}
            DialogOutcome::Closed => self.close_dialog(ctx),
            DialogOutcome::Done(action) => self.perform(ctx, action, Origin::Dialog),
        }
    }

    /// The keys of [`SHORTCUTS`]: a dialog, a view, the snooze.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, Modifiers};
        let pressed = |modifiers, key| ctx.input_mut(|i| i.consume_key(modifiers, key));
        let sheet = pressed(Modifiers::NONE, Key::F1) || pressed(Modifiers::COMMAND, Key::Slash);
        if sheet {
            self.nav.shortcuts_shown = !self.nav.shortcuts_shown;
        }
        if self.nav.dialog.is_some() || self.state.settings.me.is_none() {
            return;
        }
        // The open incident the keys act on: the one shown, else the most
        // active one.
        let open = self
            .nav
            .selected
            .as_ref()
            .and_then(|id| self.state.incidents.get(id))
            .map(|i| &**i)
            .filter(|i| i.is_open())
            .or_else(|| self.state.current_incident())
            .map(|i| i.id.clone());
        let shift = Modifiers::COMMAND | Modifiers::SHIFT;
        if pressed(Modifiers::COMMAND, Key::N) {
            self.open_dialog(Dialog::Declare);
        } else if pressed(Modifiers::COMMAND, Key::U) {
            if let Some(id) = open {
                self.open_dialog(Dialog::PostUpdate(id));
            }
        } else if pressed(Modifiers::COMMAND, Key::H) {
            if let Some(id) = open {
                self.open_dialog(Dialog::HandOver(id));
            }
        } else if pressed(shift, Key::S) {
            if let Some(id) = open {
                let snooze = crate::command::Command::Snooze {
                    incident: id,
                    for_: chrono::Duration::minutes(15),
                };
                self.execute(snooze, super::Pending::default());
                self.notices
                    .say("Reminder snoozed for 15 min (Ctrl+Shift+S again for 15 more).".into());
            }
        } else if pressed(Modifiers::COMMAND, Key::F) {
            self.nav.view = Some(View::Contacts);
            self.contacts.focus = true;
            self.contacts.page = contacts::Page::List;
        } else if pressed(Modifiers::COMMAND, Key::B) {
            self.go(View::Brief);
        } else if pressed(Modifiers::COMMAND, Key::T) {
            self.go(View::Timeline);
        } else if pressed(Modifiers::COMMAND, Key::I) {
            self.go(View::Incidents);
        } else {
            let digits = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
            ];
            for (key, stage) in digits.into_iter().zip(crate::model::procedure::Stage::ALL) {
                if pressed(Modifiers::COMMAND, key) {
                    self.go(View::Stage(stage));
                }
            }
        }
    }

    /// Goes to a view, by a click on the rail or by key: the refusal and
    /// the "Saved to …" notice were about the view left.
    pub(super) fn go(&mut self, view: View) {
        self.nav.view = Some(view);
        self.notices.error = None;
        self.notices.said = None;
    }
}

/// Every key, as the sheet (F1) and the README list them.
pub const SHORTCUTS: [(&str, &str); 14] = [
    ("Ctrl+N", "Declare an incident"),
    ("Ctrl+U", "Post an update"),
    ("Ctrl+H", "Hand over"),
    ("Ctrl+Shift+S", "Snooze the reminder for 15 min"),
    ("Ctrl+B", "The brief"),
    (
        "Ctrl+1 … Ctrl+8",
        "Go to stage 1 (Defined) … 8 (Conclusion)",
    ),
    ("Ctrl+T", "The timeline"),
    ("Ctrl+I", "Every incident"),
    ("Ctrl+F", "Find a contact"),
    ("Tab / Shift+Tab", "Next / previous field or button"),
    (
        "Space or Enter",
        "Press the button, tick the box, open the list",
    ),
    ("Up / Down", "Choose in a drop-down"),
    ("Ctrl+Enter", "Send the dialog (Post, Hand over, Declare)"),
    (
        "Esc",
        "Close the dialog or go back — what you typed is kept",
    ),
];

/// The shortcuts sheet: F1 or Ctrl+/ opens and closes it.
pub(super) fn shortcuts_sheet(ctx: &egui::Context, shown: &mut bool) {
    if !*shown {
        return;
    }
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(keys).strong().monospace());
                        ui.label(what);
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            crate::ui::widgets::weak(ui, "F1 or Ctrl+/ opens and closes this; so does Esc.");
        });
    if !open || ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
        *shown = false;
    }
}
