//! The desktop's save dialog (rfd: the desktop portal, else zenity), asked
//! on a lane of its own so the window keeps drawing while a person picks a
//! place. The answer says how long it took: an answer that comes at once is
//! no dialog at all (rfd answers as if Cancel was pressed when none can be
//! shown), and the window then asks for a path instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Event, Out, Routes, Service, lane::Inbox};

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

/// Asks where to save a file, and waits for the answer (`None`:
/// cancelled, or no dialog). Runs on the dialog service's lane.
pub trait SaveDialog: Send + Sync {
    fn ask(&self, request: SaveRequest) -> Option<PathBuf>;
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
}

/// Where the person chose to save (`None`: cancelled, or no dialog), and
/// how long the dialog was open.
pub struct Answer {
    pub path: Option<PathBuf>,
    pub took: Duration,
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

    fn route(routes: &mut Routes) -> &mut Option<Inbox<Job>> {
        &mut routes.dialog
    }

    fn handle(&mut self, Job::Save(request): Job, out: &Out) -> Option<Duration> {
        let asked = Instant::now();
        let path = self.dialog.ask(request);
        out.tell(Event::Dialog(Answer {
            path,
            took: asked.elapsed(),
        }));
        None
    }
}
