//! The desktop's save and open dialogs (rfd: the desktop portal, else
//! zenity), asked on a lane of its own so the window keeps drawing while a
//! person picks a place. The answer says how long it took: an answer that comes at once is
//! no dialog at all (rfd answers as if Cancel was pressed when none can be
//! shown), and the window then asks for a path instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Event, Out, Service};

/// What the save dialog is asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveRequest {
    /// The dialog's title: "Save the postmortem draft".
    pub title: String,
    /// The file name offered.
    pub file_name: String,
    /// The file type's name for the filter: "Markdown".
    pub kind: &'static str,
    /// The extension, without the dot.
    pub extension: &'static str,
}

/// What the open dialog is asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenRequest {
    /// The dialog's title: "Import contacts or shifts".
    pub title: String,
    /// The kinds of file offered: a name and its extensions.
    pub kinds: Vec<(&'static str, &'static [&'static str])>,
}

/// Asks where to save a file, or which file to open, and waits for the
/// answer (`None`: cancelled, or no dialog). Runs on the dialog service's
/// lane.
pub trait SaveDialog: Send + Sync {
    fn ask(&self, request: SaveRequest) -> Option<PathBuf>;

    /// Which file to open; a desktop with no open dialog answers `None`.
    fn open(&self, _request: OpenRequest) -> Option<PathBuf> {
        None
    }
}

/// The desktop's own save dialog, through rfd.
pub struct NativeDialog;

impl SaveDialog for NativeDialog {
    fn ask(&self, request: SaveRequest) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title(&request.title)
            .set_file_name(&request.file_name)
            .add_filter(request.kind, &[request.extension]);
        if let Some(dir) = documents() {
            dialog = dialog.set_directory(dir);
        }
        dialog.save_file()
    }

    fn open(&self, request: OpenRequest) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_title(&request.title);
        for (kind, extensions) in &request.kinds {
            dialog = dialog.add_filter(*kind, extensions);
        }
        if let Some(dir) = documents() {
            dialog = dialog.set_directory(dir);
        }
        dialog.pick_file()
    }
}

/// The folder files are offered in: Documents when there is one, else home.
pub fn documents() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.document_dir()
            .unwrap_or_else(|| dirs.home_dir())
            .to_path_buf(),
    )
}

/// What the dialog service is asked.
pub enum Job {
    /// Where to save a file.
    Save(SaveRequest),
    /// Which file to open.
    Open(OpenRequest),
}

/// Where the person chose to save, or what to open (`None`: cancelled, or
/// no dialog), and how long the dialog was open.
pub struct Answer {
    pub path: Option<PathBuf>,
    pub took: Duration,
    /// It answers an open dialog, not a save one.
    pub opened: bool,
}

/// The dialog service, with the dialog it shows.
pub struct Dialogs {
    dialog: Arc<dyn SaveDialog>,
}

impl Dialogs {
    pub fn new(dialog: Arc<dyn SaveDialog>) -> Self {
        Self { dialog }
    }
}

impl Service for Dialogs {
    type Job = Job;
    const NAME: &'static str = "save-dialog";

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        let asked = Instant::now();
        let (path, opened) = match job {
            Job::Save(request) => (self.dialog.ask(request), false),
            Job::Open(request) => (self.dialog.open(request), true),
        };
        out.tell(Event::Dialog(Answer {
            path,
            took: asked.elapsed(),
            opened,
        }));
        None
    }
}
