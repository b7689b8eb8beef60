//! The dialogs over the window and the keyboard shortcuts that open them.

use eframe::egui;

use crate::pack::Pack;
use crate::ui::{Dialog, DialogOutcome, View, contacts, declare, drafts, ownership, post_update};

use super::{ExpediteApp, Origin};

impl ExpediteApp {
    /// Opens a dialog; its first field takes the keyboard.
    pub(super) fn open_dialog(&mut self, dialog: Dialog) {
        self.dialog = Some(dialog);
        self.dialog_fresh = true;
        self.error = None;
    }

    pub(super) fn close_dialog(&mut self, ctx: &egui::Context) {
        self.dialog = None;
        self.error = None;
        self.keep_drafts(ctx, true);
    }

    /// The open dialog, if any.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let fresh = std::mem::take(&mut self.dialog_fresh);
        let error = self.error.as_deref();
        let outcome = match &dialog {
            Dialog::Declare => {
                let me = self.me();
                let draft = &mut self.drafts.declare;
                declare::dialog(ctx, draft, &me, &self.state.roster, error, fresh)
            }
            Dialog::PostUpdate(id) => {
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
                let draft = self.drafts.of(id).update.get_or_insert_with(|| {
                    drafts::UpdateDraft::new(
                        incident,
                        cadence,
                        crate::pack::update::default_actions(&pack),
                        crate::pack::update::default_needs(&pack),
                    )
                });
                post_update::show(ctx, draft, &pack, &self.posting.connected, error, fresh)
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
                let draft = &mut self.drafts.of(id).hand_over;
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
        };
        match outcome {
            DialogOutcome::Open => {}
            DialogOutcome::Closed => self.close_dialog(ctx),
            DialogOutcome::Done(action) => self.perform(ctx, action, Origin::Dialog),
        }
    }

    /// Ctrl+N declare, Ctrl+U post update, Ctrl+F find a contact.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        let pressed = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key));
        if self.dialog.is_some() || self.state.settings.me.is_none() {
            return;
        }
        if pressed(egui::Key::N) {
            self.open_dialog(Dialog::Declare);
        } else if pressed(egui::Key::U) {
            let open = self
                .selected
                .as_ref()
                .and_then(|id| self.state.incidents.get(id))
                .map(|i| &**i)
                .filter(|i| i.is_open())
                .or_else(|| self.state.current_incident());
            if let Some(id) = open.map(|i| i.id.clone()) {
                self.open_dialog(Dialog::PostUpdate(id));
            }
        } else if pressed(egui::Key::F) {
            self.view = Some(View::Contacts);
            self.contacts.focus = true;
            self.contacts.page = contacts::Page::List;
        }
    }
}
