//! Small pieces the views share: labelled fields, people pickers, links that
//! only open what is safe, times in the reader's zone.

use chrono::{DateTime, Local, Utc};
use eframe::egui;

use super::Action;
use crate::model::Role;
use crate::model::roster::Roster;

/// The colour of done: a finished stage, a reading back to normal.
pub const DONE: egui::Color32 = egui::Color32::from_rgb(0x3f, 0xa3, 0x4d);

/// The width of the label column in forms, so fields line up.
const LABEL_WIDTH: f32 = 150.0;

/// A one-line text field with a visible label that names it for screen readers.
pub fn field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    ui.horizontal(|ui| {
        let label = form_label(ui, label);
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                // Room is left for a button after the field.
                .desired_width((ui.available_width() - 100.0).clamp(120.0, 360.0)),
        )
        .labelled_by(label.id)
    })
    .inner
}

/// The button that marks a step done, or, once it is (`done` says when and
/// by whom), the same button greyed with what it did beside it, then
/// `after` on the same line: a step looks the same before and after, and
/// nothing below it moves. Whether it was pressed.
pub fn marked(
    ui: &mut egui::Ui,
    mark: &str,
    marked: &str,
    done: Option<String>,
    after: impl FnOnce(&mut egui::Ui),
) -> bool {
    ui.horizontal(|ui| match done {
        None => ui.button(mark).clicked(),
        Some(done) => {
            ui.add_enabled(false, egui::Button::new(marked));
            ui.label(done);
            after(ui);
            false
        }
    })
    .inner
}

/// The rows a list shows: what it holds now, in the order first seen, and
/// what was taken out of it since the window opened, still in its row
/// (`false`), to be put back: taking one out moves none below it.
pub fn kept_rows<T: Clone + PartialEq + Send + Sync + 'static>(
    ui: &egui::Ui,
    id: egui::Id,
    now: &[T],
) -> Vec<(T, bool)> {
    let mut rows: Vec<T> = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
    for item in now {
        if !rows.contains(item) {
            rows.push(item.clone());
        }
    }
    ui.data_mut(|d| d.insert_temp(id, rows.clone()));
    rows.into_iter()
        .map(|item| {
            let present = now.contains(&item);
            (item, present)
        })
        .collect()
}

/// `text` in `color`, at most `rows` lines as wide as the space there, cut
/// short with "…" (a label shows the whole on hover), laid out here so no
/// layout wraps it again: for words that must take the same room whatever
/// they say.
pub fn at_most(
    ui: &egui::Ui,
    text: &str,
    color: egui::Color32,
    rows: usize,
) -> std::sync::Arc<egui::Galley> {
    let mut job = egui::text::LayoutJob::single_section(
        text.to_owned(),
        egui::TextFormat {
            font_id: egui::TextStyle::Body.resolve(ui.style()),
            color,
            ..Default::default()
        },
    );
    job.wrap = egui::text::TextWrapping {
        max_width: ui.available_width(),
        max_rows: rows,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    ui.painter().layout_job(job)
}

/// A small button offering `name` ("Add Alex Kim"), or, once `taken`, a
/// greyed "Alex Kim added" in its place: both as wide as the wider, so
/// pressing an offer never moves the ones after it. Whether it was pressed.
pub fn offer(ui: &mut egui::Ui, label: &str, name: &str, taken: bool) -> bool {
    let done = format!("{name} added");
    let width = [label, done.as_str()]
        .into_iter()
        .map(|text| {
            let font = egui::TextStyle::Button.resolve(ui.style());
            ui.painter()
                .layout_no_wrap(text.to_owned(), font, egui::Color32::PLACEHOLDER)
                .size()
                .x
        })
        .fold(0.0, f32::max)
        + 2.0 * ui.spacing().button_padding.x;
    let button = egui::Button::new(if taken { done.as_str() } else { label });
    ui.add_enabled(!taken, button.small().min_size(egui::vec2(width, 0.0)))
        .clicked()
}

/// Gives a control the name a screen reader says (and tests find it by)
/// when the words beside it are another control's: a "why" field beside
/// its checkbox.
pub fn named(ui: &egui::Ui, response: &egui::Response, name: &str) {
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_label(name));
}

/// A label in the form's label column.
pub fn form_label(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.scope(|ui| {
        ui.set_min_width(LABEL_WIDTH);
        ui.label(text)
    })
    .inner
}

/// A several-line text field with its label above.
pub fn area(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    rows: usize,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::multiline(text)
            .hint_text(hint)
            .desired_rows(rows)
            .desired_width(ui.available_width().min(560.0)),
    )
    .labelled_by(label.id)
}

/// Whether Enter was pressed to leave this one-line field.
pub fn submitted(ui: &egui::Ui, field: &egui::Response) -> bool {
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// The title of a view or dialog.
pub fn title(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.label(egui::RichText::new(text).size(20.0).strong())
}

/// A section title inside a view.
pub fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(10.0);
    ui.label(egui::RichText::new(title).strong().size(15.0));
    ui.add_space(2.0);
}

/// Quieter text that wraps.
pub fn weak(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.add(egui::Label::new(egui::RichText::new(text.into()).weak()).wrap());
}

/// The line under a field that names a person, always there so that
/// nothing below it moves: while typing, the roster's names that match
/// (a click picks one); a name the roster does not have, "Not on the roster
/// — did you mean …?" with the nearest names and "Use this name anyway".
/// Returns the name picked, if one was.
pub fn suggestions(
    ui: &mut egui::Ui,
    roster: &Roster,
    typed: &str,
    role: Option<Role>,
    verb: &str,
) -> Option<String> {
    suggestions_except(ui, roster, typed, role, verb, &[])
}

/// As [`suggestions`], the names in `except` (the people already in the
/// role) shown ticked and greyed where they would be offered.
pub fn suggestions_except(
    ui: &mut egui::Ui,
    roster: &Roster,
    typed: &str,
    role: Option<Role>,
    verb: &str,
    except: &[&str],
) -> Option<String> {
    let row = ui.spacing().interact_size.y + 2.0;
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        egui::vec2(width, row),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_size(egui::vec2(width, row));
            name_line(ui, roster, typed, role, verb, except)
        },
    )
    .inner
}

fn name_line(
    ui: &mut egui::Ui,
    roster: &Roster,
    typed: &str,
    role: Option<Role>,
    verb: &str,
    except: &[&str],
) -> Option<String> {
    let lower = typed.trim().to_lowercase();
    // Nothing typed: the people who have the role are offered; for any
    // person at all, not the whole roster at once.
    let blank_for_anyone = lower.is_empty() && role.is_none();
    if blank_for_anyone || roster.contacts.is_empty() || roster.find(typed.trim()).is_some() {
        return None;
    }
    let mut picked = None;
    let matches: Vec<&str> = roster
        .contacts
        .iter()
        .filter(|c| role.is_none_or(|r| c.roles.contains(&r)))
        // The cheap test first: the exact-match one allocates, so it only
        // runs on names that already match (10,000 contacts, every frame).
        .filter(|c| contains_ignoring_case(&c.name, &lower))
        .map(|c| c.name.as_str())
        .take(5)
        .collect();
    if !matches.is_empty() {
        ui.label(egui::RichText::new("From the roster:").weak());
        for name in matches {
            // One already taken keeps its place, ticked: nothing after it moves.
            let taken = except.iter().any(|e| e.eq_ignore_ascii_case(name));
            if offer(ui, &format!("{verb}{name}"), name, taken) {
                picked = Some(name.to_owned());
            }
        }
        return picked;
    }
    if lower.is_empty() {
        return None;
    }
    let near = roster.nearest_names(typed, 3);
    let warn = ui.visuals().warn_fg_color;
    ui.label(egui::RichText::new("Not on the roster").color(warn));
    if !near.is_empty() {
        ui.label(egui::RichText::new("— did you mean").color(warn));
        for name in near {
            if ui.small_button(format!("{verb}{name}")).clicked() {
                picked = Some(name.to_owned());
            }
        }
    }
    anyway_checkbox(ui, typed, "Use this name anyway");
    picked
}

/// A drop-down of `options` (each with its words), labelled by `label`, as a
/// desktop's select answers the keyboard: with it focused and closed, Up and
/// Down choose the previous or next option; Space or Enter opens it, and in
/// the open list Tab, Space and Enter choose.
pub fn choice<T: PartialEq + Clone>(
    ui: &mut egui::Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    label: egui::Id,
    value: &mut T,
    options: &[(T, &str)],
) -> egui::Response {
    let shown = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, words)| *words)
        .to_owned();
    let mut response = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (option, words) in options {
                ui.selectable_value(value, option.clone(), *words);
            }
        })
        .response
        .labelled_by(label);
    if response.has_focus() && !egui::ComboBox::is_open(ui.ctx(), response.id) {
        // The arrows are this widget's, not egui's focus moving.
        ui.memory_mut(|m| {
            m.set_focus_lock_filter(
                response.id,
                egui::EventFilter {
                    vertical_arrows: true,
                    ..Default::default()
                },
            );
        });
        // Every press this frame (a held key repeats, fast typists queue).
        let step = ui.input_mut(|i| {
            let mut step = 0_isize;
            while i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
                step += 1;
            }
            while i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
                step -= 1;
            }
            step
        });
        if step != 0
            && let Some(at) = options.iter().position(|(v, _)| v == value)
        {
            let next = at.saturating_add_signed(step).min(options.len() - 1);
            if next != at {
                *value = options[next].0.clone();
                response.mark_changed();
            }
        }
    }
    response
}

/// "Use this name anyway" for what was typed: ticked, [`accepted_name`]
/// takes it. Typing something else asks again.
pub fn anyway_checkbox(ui: &mut egui::Ui, typed: &str, label: &str) {
    let mut anyway = use_anyway(ui.ctx(), typed);
    if ui.checkbox(&mut anyway, label).changed() {
        ui.ctx()
            .data_mut(|d| d.insert_temp(anyway_id(typed), anyway));
    }
}

/// The names in a list ("Sam Patel, Jo Okafor") the roster does not have,
/// each with the nearest name on it when one is near.
pub fn unknown_names(roster: &Roster, names: &[&str]) -> Vec<String> {
    if roster.contacts.is_empty() {
        return Vec::new();
    }
    names
        .iter()
        .filter(|n| roster.find(n).is_none())
        .map(|n| match roster.nearest_names(n, 1).first() {
            Some(near) => format!("{n} (did you mean {near}?)"),
            None => (*n).to_owned(),
        })
        .collect()
}

fn anyway_id(typed: &str) -> egui::Id {
    egui::Id::unique(("use-name-anyway", typed.trim().to_lowercase()))
}

/// Whether "use anyway" was ticked for exactly this text.
pub fn use_anyway(ctx: &egui::Context, typed: &str) -> bool {
    ctx.data(|d| d.get_temp(anyway_id(typed))).unwrap_or(false)
}

/// Whether `typed` may be used as a person's name: on the roster, or the
/// person ticked "Use this name anyway" for it (or there is no roster, or
/// nothing was typed). `Err` says what is wrong and what to do.
pub fn accepted_name(ctx: &egui::Context, roster: &Roster, typed: &str) -> Result<(), String> {
    if use_anyway(ctx, typed) {
        return Ok(());
    }
    roster.check_name(typed).map_err(|why| {
        format!("{why} Pick a name from the roster, or tick \"Use this name anyway\".")
    })
}

/// A link from a data file: opened only when it is a web, mail or phone
/// link, never a file path or another scheme; otherwise shown as text.
pub fn link(ui: &mut egui::Ui, text: &str) {
    if is_safe_link(text) {
        ui.hyperlink_to(text, text);
    } else {
        ui.label(text);
    }
}

pub use crate::web::is_safe_link;

/// "14:05" today, "Tue 24 Nov 14:05" otherwise; in the reader's zone.
pub fn when(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let at = at.with_timezone(&Local);
    if at.date_naive() == now.with_timezone(&Local).date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%a %-d %b %H:%M").to_string()
    }
}

/// A message box in the error colour, wrapping; `true` once dismissed.
pub fn error_box(ui: &mut egui::Ui, text: &str) -> bool {
    let fill = ui.visuals().error_fg_color.gamma_multiply(0.15);
    message_box(ui, text, fill, egui::accesskit::Live::Assertive)
}

/// A calm message box ("Saved to …", "Imported 7 contacts"), wrapping;
/// `true` once dismissed.
pub fn notice_box(ui: &mut egui::Ui, text: &str) -> bool {
    let fill = ui.visuals().faint_bg_color;
    message_box(ui, text, fill, egui::accesskit::Live::Polite)
}

/// The message is a live region: a screen reader reads it out when it
/// appears (at once for an error, in turn for a notice).
fn message_box(
    ui: &mut egui::Ui,
    text: &str,
    fill: egui::Color32,
    live: egui::accesskit::Live,
) -> bool {
    let mut dismissed = false;
    egui::Frame::new()
        .fill(fill)
        .inner_margin(8.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let strong = ui.visuals().strong_text_color();
                let said = ui.add(egui::Label::new(egui::RichText::new(text).color(strong)).wrap());
                ui.ctx()
                    .accesskit_node_builder(said.id, |node| node.set_live(live));
            });
            dismissed = ui.small_button("Dismiss").clicked();
        });
    dismissed
}

/// The one main action of a view or dialog, in the accent colour.
pub fn primary(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let visuals = ui.visuals();
    let (fill, ink) = (visuals.selection.bg_fill, visuals.selection.stroke.color);
    ui.add(egui::Button::new(egui::RichText::new(text).strong().color(ink)).fill(fill))
}

pub use crate::pack::capital;

/// The main button of a form, a little apart from its fields.
pub fn save_button(ui: &mut egui::Ui, text: &str) -> bool {
    ui.add_space(8.0);
    primary(ui, text).clicked()
}

/// What was pressed in a dialog this frame.
pub enum Pressed {
    /// Nothing yet.
    Nothing,
    /// The send button, or Ctrl+Enter.
    Send,
    /// Cancel, Esc, or a click outside; what was typed is kept.
    Close,
}

/// A modal dialog: its heading, the fields `body` draws, why the last try was
/// refused (`error`), and the send button (Ctrl+Enter) beside Cancel.
pub fn dialog(
    ctx: &egui::Context,
    id: impl std::hash::Hash + std::fmt::Debug,
    width: f32,
    heading: &str,
    send: &str,
    error: Option<&str>,
    body: impl FnOnce(&mut egui::Ui),
) -> Pressed {
    let mut pressed = Pressed::Nothing;
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_width(width.min(ctx.content_rect().width() - 60.0));
        title(ui, heading);
        body(ui);
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let ctrl_enter = ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::Enter));
            if primary(ui, send).on_hover_text("Ctrl+Enter").clicked() || ctrl_enter {
                pressed = Pressed::Send;
            }
            if ui
                .button("Cancel")
                .on_hover_text("Esc — the text is kept")
                .clicked()
            {
                pressed = Pressed::Close;
            }
        });
        // Why the last try was refused, below the buttons on lines kept for
        // it: the dialog and its buttons stay where they were.
        let width = ui.available_width();
        ui.allocate_ui_with_layout(
            egui::vec2(width, 40.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_min_size(egui::vec2(width, 40.0));
                if let Some(error) = error {
                    ui.add_space(4.0);
                    let said = ui.add(
                        egui::Label::new(
                            egui::RichText::new(error).color(ui.visuals().error_fg_color),
                        )
                        .wrap(),
                    );
                    // Read out at once, as the strip's refusals are.
                    ui.ctx().accesskit_node_builder(said.id, |node| {
                        node.set_live(egui::accesskit::Live::Assertive)
                    });
                }
            },
        );
    });
    // Esc or Cancel close it; a click beside it does nothing (a stray click
    // never throws a dialog away, nor reaches what is behind it).
    if matches!(pressed, Pressed::Nothing)
        && !modal.backdrop_response.clicked()
        && modal.should_close()
    {
        pressed = Pressed::Close;
    }
    pressed
}

/// How a value the incident records is shown and changed.
pub struct Editable<'a> {
    /// Whether the incident records it already.
    pub recorded: bool,
    /// Whether it can still be changed (the incident is open).
    pub open: bool,
    /// The button that opens the form on the record, e.g. "Change the fix".
    pub change: &'a str,
    /// The button that records the form, e.g. "Record fix".
    pub record: &'a str,
    /// Said when nothing was recorded and nothing can be any more.
    pub never: &'a str,
}

/// A value the incident records: shown as it stands with a button to change
/// it, or the form to record it. An untouched form is not a draft: it is
/// rebuilt from the record (`pristine`) each frame, so a change arriving from
/// elsewhere shows instead of stale blanks. Changing a recorded value stays
/// open until recorded or dropped ("Keep as it was").
pub fn editable<T: Clone + PartialEq>(
    ui: &mut egui::Ui,
    draft: &mut Option<T>,
    pristine: T,
    how: Editable,
    show_record: impl FnOnce(&mut egui::Ui),
    fields: impl FnOnce(&mut egui::Ui, &mut T),
    submit: impl FnOnce(&T) -> Action,
) -> Option<Action> {
    if draft.is_none() {
        if how.recorded {
            show_record(ui);
            ui.add_space(8.0);
            if how.open && ui.button(how.change).clicked() {
                *draft = Some(pristine);
            }
            return None;
        }
        if !how.open {
            weak(ui, how.never);
            return None;
        }
    }
    let mut kept = draft.take();
    let form = kept.get_or_insert_with(|| pristine.clone());
    fields(ui, form);
    ui.add_space(8.0);
    let (mut send, mut keep) = (false, false);
    ui.horizontal(|ui| {
        send = primary(ui, how.record).clicked();
        keep = how.recorded && ui.button("Keep as it was").clicked();
    });
    if keep {
        return None;
    }
    let action = send.then(|| submit(form));
    if *form != pristine || how.recorded {
        *draft = kept;
    }
    action
}

pub use crate::model::roster::contains_ignoring_case;

/// Names the region `ui` draws (a panel), so a screen reader says where it
/// is: "Incident", "Procedure", "View", "Notices".
pub fn name_region(ui: &egui::Ui, name: &str) {
    let id = ui.unique_id();
    ui.ctx().accesskit_node_builder(id, |node| {
        node.set_role(egui::accesskit::Role::Region);
        node.set_label(name.to_owned());
    });
    // The panel around it is named too: no container is left nameless.
    if let Some(panel) = ui.stack().parent.as_ref() {
        ui.ctx().accesskit_node_builder(panel.unique_id, |node| {
            node.set_label(name.to_owned());
        });
    }
}

/// Space for `lines` lines of body text, taken whether `add` shows anything
/// or not: what appears there (a refusal, a note) pushes nothing below it.
pub fn reserved(ui: &mut egui::Ui, lines: u8, add: impl FnOnce(&mut egui::Ui)) {
    let line = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let height = line * f32::from(lines);
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_min_size(egui::vec2(width, height));
            ui.set_max_height(height);
            add(ui);
        },
    );
}

#[cfg(test)]
mod name_tests {
    use super::*;
    use crate::model::roster::Contact;

    fn roster(names: &[&str]) -> Roster {
        Roster {
            contacts: names
                .iter()
                .map(|n| Contact {
                    name: (*n).into(),
                    ..Contact::default()
                })
                .collect(),
            ..Roster::default()
        }
    }

    #[test]
    fn a_slip_of_the_keyboard_finds_the_person_and_a_stranger_finds_nobody() {
        let r = roster(&["Ben O'Neill", "Dana Whitfield", "Alex Kim", "Priya Shah"]);
        assert_eq!(r.nearest_names("Ben O'Neil", 3), ["Ben O'Neill"]);
        assert_eq!(r.nearest_names("dana whitfeld", 3), ["Dana Whitfield"]);
        assert!(r.nearest_names("Zoltan Kovacs", 3).is_empty());
        assert_eq!(
            unknown_names(&r, &["Alex Kim", "Ben O'Neil", "Zoltan"]),
            ["Ben O'Neil (did you mean Ben O'Neill?)", "Zoltan"]
        );
        assert!(
            unknown_names(&Roster::default(), &["Anyone"]).is_empty(),
            "no roster, no nagging"
        );
    }

    #[test]
    fn only_plain_mail_and_phone_links_are_offered() {
        for safe in [
            "https://grafana.example.com/d/checkout",
            "mailto:dana@example.com",
            "MAILTO:dana@example.com",
            "tel:+447700900123",
            "tel:+447700900123;ext=12",
            "tel:07700900123",
        ] {
            assert!(is_safe_link(safe), "{safe}");
        }
        for unsafe_link in [
            "mailto:a@b.com?attach=/etc/passwd&body=hi",
            "mailto:a@b.com,c@d.com",
            "tel:+44 7700",
            "tel:+447700900123;phone-context=evil",
            "tel:",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://example.com/a b",
            "https://example.com/\u{0}",
        ] {
            assert!(!is_safe_link(unsafe_link), "{unsafe_link}");
        }
    }
}
