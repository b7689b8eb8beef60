//! Sending and saving the conclusion pack from the window: copy to the
//! clipboard, open in the mail program, save a file.
//!
//! Files are saved through the desktop's own save dialog, asked through
//! the dialog service (`services::dialog`) so the window keeps drawing.
//! When no dialog can be shown at all, rfd answers at once as if the person
//! had pressed Cancel; an answer that fast is taken to mean "no dialog
//! here", and the window asks for a path instead. What is saved is
//! made when the button is pressed, so the file holds what was on screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use eframe::egui;

use super::Action;
use super::notices::Notices;
use super::widgets::{Pressed, dialog};
use crate::pack::Pack;
use crate::pack::email::Email;
use crate::pack::postmortem;

/// An answer faster than this comes from no dialog at all, not a person.
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(700);

pub use crate::services::dialog::{NativeDialog, SaveDialog, SaveRequest, documents};

/// A file to save: what the dialog is asked, and what goes in the file.
pub struct Job {
    /// What the dialog is asked.
    pub request: SaveRequest,
    /// The file's contents, made when the button was pressed.
    pub bytes: Vec<u8>,
    /// Said after "Saved to …" (e.g. who the invite leaves out).
    pub after: Vec<String>,
    /// The incident whose postmortem draft this is, so its invite can link it.
    pub draft_of: Option<String>,
}

/// What a view asks of the exports: it returns this in an
/// [`Action::Export`](super::Action::Export), and the window does it.
pub enum Export {
    /// Put this text on the clipboard, saying what it was.
    Copy { text: String, what: String },
    /// Open this email in the mail program (copied when too long for a link).
    Mail { email: Box<Email>, what: String },
    /// Ask where to save this file, and save it there.
    Save(Box<Job>),
}

/// A file waiting for the save dialog's answer.
struct Pending {
    job: Job,
    /// Not yet handed to the dialog service (see [`Exports::take_ask`]).
    to_ask: bool,
}

/// A file waiting for a typed path, because no dialog could be shown.
struct Typed {
    job: Job,
    path: String,
    error: Option<String>,
    /// Not drawn yet: the path field takes the keyboard.
    fresh: bool,
    /// An existing file the person was warned about; saving again replaces it.
    replace: Option<PathBuf>,
}

/// A file being written on the disk thread, and where it was asked for.
struct Writing {
    job: Job,
    path: PathBuf,
    /// The path as typed, when it came from the typed-path dialog: that
    /// dialog comes back with it should the write fail.
    typed: Option<String>,
    /// Sent to the disk thread (see [`Exports::take_write`]).
    sent: bool,
}

/// The window's exports: the dialog in use and the files being saved (what
/// happened is said in the window's [`Notices`]).
pub struct Exports {
    pending: Option<Pending>,
    typed: Option<Typed>,
    writing: Option<Writing>,
    /// Where each incident's postmortem draft was last saved, for the invite.
    draft_paths: std::collections::BTreeMap<String, PathBuf>,
}

impl Default for Exports {
    fn default() -> Self {
        Self::new()
    }
}

impl Exports {
    /// Nothing being exported yet.
    pub fn new() -> Self {
        Self {
            pending: None,
            typed: None,
            writing: None,
            draft_paths: Default::default(),
        }
    }

    /// Whether a save is under way (a dialog open, a path being typed, or
    /// the file being written).
    pub fn busy(&self) -> bool {
        self.pending.is_some() || self.typed.is_some() || self.writing.is_some()
    }

    /// Whether a file is being written (not a dialog waiting for the person).
    pub fn writing(&self) -> bool {
        self.writing.is_some()
    }

    /// The file to write next, once: the window sends it to the disk thread
    /// and hands the answer to [`Self::written`].
    pub fn take_write(&mut self) -> Option<(PathBuf, Vec<u8>)> {
        let w = self.writing.as_mut().filter(|w| !w.sent)?;
        w.sent = true;
        Some((w.path.clone(), w.job.bytes.clone()))
    }

    /// The disk thread wrote the file (or could not): say so, and where.
    pub fn written(&mut self, result: std::io::Result<()>, notices: &mut Notices) {
        let Some(w) = self.writing.take() else {
            return;
        };
        match result {
            Ok(()) => {
                if let Some(id) = &w.job.draft_of {
                    self.draft_paths.insert(id.clone(), w.path.clone());
                }
                let mut notice = format!("Saved to {}.", w.path.display());
                for a in &w.job.after {
                    notice.push(' ');
                    notice.push_str(a);
                }
                notices.said = Some((notice, false));
            }
            Err(e) => {
                let why = format!(
                    "Could not save to {}: {e}. Choose a folder you can write to.",
                    w.path.display()
                );
                match w.typed {
                    // The typed-path dialog comes back, with the path as typed and why.
                    Some(typed) => {
                        notices.said = None;
                        self.typed = Some(Typed {
                            job: w.job,
                            path: typed,
                            error: Some(why),
                            fresh: true,
                            replace: w.path.exists().then_some(w.path),
                        })
                    }
                    None => notices.said = Some((why, true)),
                }
            }
        }
    }

    /// "Save timeline as CSV…", in the conclusion and on the timeline.
    pub fn timeline_button(&self, ui: &mut egui::Ui, pack: &Pack<'_>) -> Option<Action> {
        let button = egui::Button::new("Save timeline as CSV…");
        ui.add_enabled(!self.busy(), button)
            .on_hover_text("Time (UTC), time in the team's zone, event, who — for a spreadsheet")
            .clicked()
            .then(|| save(timeline(pack)))
    }

    /// Does what a view asked.
    pub fn perform(&mut self, ctx: &egui::Context, export: Export, notices: &mut Notices) {
        match export {
            Export::Copy { text, what } => Self::copy_text(ctx, text, &what, notices),
            Export::Mail { email, what } => Self::open_mail(ctx, &email, &what, notices),
            Export::Save(job) => self.save(*job, notices),
        }
    }

    /// Puts `text` on the clipboard and says so.
    fn copy_text(ctx: &egui::Context, text: String, what: &str, notices: &mut Notices) {
        ctx.copy_text(text);
        notices.said = Some((format!("{what} copied — paste it where it goes."), false));
    }

    /// Opens the email in the mail program, or copies it when it is too long
    /// for a `mailto:` link.
    fn open_mail(ctx: &egui::Context, email: &Email, what: &str, notices: &mut Notices) {
        match email.mailto() {
            Some(link) => {
                ctx.open_url(egui::OpenUrl::same_tab(link));
                notices.said = Some((
                    format!("{what} opened in your mail program — check it, then send."),
                    false,
                ));
            }
            None => {
                ctx.copy_text(email.text());
                notices.said = Some((
                    format!(
                        "{what} is too long for a mail link, so it was copied instead: paste it \
                         into a new email (the first line is the subject)."
                    ),
                    false,
                ));
            }
        }
    }

    /// Asks where to save the job's file and saves it there: the window
    /// hands the question to the dialog service ([`Self::take_ask`]) and
    /// its answer back ([`Self::answered`]).
    fn save(&mut self, job: Job, notices: &mut Notices) {
        if self.busy() {
            return;
        }
        notices.said = Some(("Choose where to save it in the dialog.".into(), false));
        self.pending = Some(Pending { job, to_ask: true });
    }

    /// What to ask the save dialog next, once.
    pub fn take_ask(&mut self) -> Option<SaveRequest> {
        let p = self.pending.as_mut().filter(|p| p.to_ask)?;
        p.to_ask = false;
        Some(p.job.request.clone())
    }

    /// No save dialog could be asked: the path is typed instead.
    pub fn no_dialog(&mut self) {
        if let Some(p) = self.pending.take() {
            self.ask_for_path(p.job);
        }
    }

    /// The save dialog's answer: the file is written where the person
    /// chose; an answer that came at once (no dialog could be shown) asks
    /// for a path instead.
    pub fn answered(&mut self, path: Option<PathBuf>, took: Duration, notices: &mut Notices) {
        let Some(p) = self.pending.take() else {
            return;
        };
        match path {
            Some(path) => self.write(p.job, path, None, notices),
            None if took < NO_DIALOG_WITHIN => self.ask_for_path(p.job),
            None => notices.said = Some(("Not saved.".into(), false)),
        }
    }

    fn ask_for_path(&mut self, job: Job) {
        let path = documents()
            .unwrap_or_default()
            .join(&job.request.file_name)
            .display()
            .to_string();
        self.typed = Some(Typed {
            job,
            path,
            error: None,
            fresh: true,
            replace: None,
        });
    }

    /// The postmortem invite, pointing at the draft where it was saved.
    pub fn invite(&self, pack: &Pack<'_>) -> Job {
        let draft = self
            .draft_paths
            .get(pack.incident.id.as_str())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| postmortem::file_name(pack, "md"));
        let invite = postmortem::invite(pack, &draft);
        Job {
            request: SaveRequest {
                title: "Save the postmortem invite".into(),
                file_name: postmortem::file_name(pack, "ics"),
                kind: "Calendar invite",
                extension: "ics",
            },
            bytes: invite.ics.into_bytes(),
            after: invite.warnings,
            draft_of: None,
        }
    }

    /// Each frame: shows the typed-path dialog when no save dialog could
    /// be shown.
    pub fn show(&mut self, ctx: &egui::Context, notices: &mut Notices) {
        let Some(t) = &mut self.typed else {
            return;
        };
        let mut entered = false;
        let pressed = dialog(
            ctx,
            "typed-save-path",
            480.0,
            &t.job.request.title,
            "Save",
            t.error.as_deref(),
            |ui| {
                ui.add(
                    egui::Label::new(
                        "No save dialog can be shown on this desktop (it needs the desktop \
                         portal or zenity). Type where to save the file instead:",
                    )
                    .wrap(),
                );
                ui.add_space(6.0);
                let label = ui.label("Save to");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut t.path).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if std::mem::take(&mut t.fresh) {
                    field.request_focus();
                }
                // Enter in the path saves, as in any save dialog.
                entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            },
        );
        let pressed = match pressed {
            Pressed::Nothing if entered => Pressed::Send,
            other => other,
        };
        match pressed {
            Pressed::Nothing => {}
            Pressed::Close => {
                self.typed = None;
                notices.said = Some(("Not saved.".into(), false));
            }
            Pressed::Send => {
                let t = self.typed.take().expect("shown above");
                let path = expand_home(t.path.trim());
                let warned = t.replace.as_ref() == Some(&path);
                let refused = match unusable(&path, t.job.request.extension) {
                    Some(why) => Some(why),
                    None if path.exists() && !warned => Some(format!(
                        "{} already exists. Press Save again to replace it, or change the name.",
                        path.display()
                    )),
                    None => None,
                };
                match refused {
                    // The dialog stays, with the path as typed and why.
                    Some(why) => {
                        self.typed = Some(Typed {
                            error: Some(why),
                            replace: path.exists().then_some(path),
                            ..t
                        })
                    }
                    None => self.write(t.job, path, Some(t.path), notices),
                }
            }
        }
    }

    /// Hands the file to the disk thread; [`Self::written`] says how it went.
    fn write(&mut self, job: Job, path: PathBuf, typed: Option<String>, notices: &mut Notices) {
        notices.said = Some((format!("Saving to {}…", path.display()), false));
        self.writing = Some(Writing {
            job,
            path,
            typed,
            sent: false,
        });
    }
}

/// `~/x` is the home folder's `x`, as people type it.
fn expand_home(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), directories::UserDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => PathBuf::from(text),
    }
}

/// Why a typed path can't be saved to, before trying.
fn unusable(path: &Path, extension: &str) -> Option<String> {
    if path.as_os_str().is_empty() {
        return Some(format!(
            "Type a file path, e.g. ~/Documents/file.{extension}."
        ));
    }
    if !path.is_absolute() {
        return Some(format!(
            "Type the whole path, starting with / or ~/, e.g. ~/Documents/{}.",
            path.display()
        ));
    }
    if path.is_dir() {
        return Some(format!(
            "{} is a folder: add a file name, e.g. {}/file.{extension}.",
            path.display(),
            path.display()
        ));
    }
    None
}

/// Asks the window to save this file.
pub fn save(job: Job) -> Action {
    Action::Export(Export::Save(Box::new(job)))
}

/// Asks the window to copy this text, saying what it is.
pub fn copy(text: String, what: &str) -> Action {
    Action::Export(Export::Copy {
        text,
        what: what.to_owned(),
    })
}

/// Asks the window to open this email in the mail program.
pub fn mail(email: Email, what: &str) -> Action {
    Action::Export(Export::Mail {
        email: Box::new(email),
        what: what.to_owned(),
    })
}

/// The postmortem draft of the incident in `pack`.
pub fn postmortem_draft(pack: &Pack<'_>) -> Job {
    Job {
        request: SaveRequest {
            title: "Save the postmortem draft".into(),
            file_name: postmortem::file_name(pack, "md"),
            kind: "Markdown",
            extension: "md",
        },
        bytes: postmortem::markdown(pack).into_bytes(),
        after: Vec::new(),
        draft_of: Some(pack.incident.id.to_string()),
    }
}

/// An email as an `.eml` draft.
pub fn email(email: &Email, now: chrono::DateTime<chrono::Utc>, title: &str) -> Job {
    Job {
        request: SaveRequest {
            title: format!("Save the {title} as a draft email"),
            file_name: format!("{}.eml", email.id),
            kind: "Email",
            extension: "eml",
        },
        bytes: email.eml(now).into_bytes(),
        after: Vec::new(),
        draft_of: None,
    }
}

/// The timeline as CSV.
pub fn timeline(pack: &Pack<'_>) -> Job {
    Job {
        request: SaveRequest {
            title: "Save the timeline".into(),
            file_name: format!("timeline-{}.csv", pack.incident.id),
            kind: "CSV",
            extension: "csv",
        },
        bytes: postmortem::timeline_csv(pack).into_bytes(),
        after: Vec::new(),
        draft_of: None,
    }
}
