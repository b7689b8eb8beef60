//! Reading what the first frame did not need, off the window's thread: the
//! roster (when the window is first used), the resolved incidents (when
//! first looked for), the system's fallback fonts, and the phone numbers'
//! metadata. The store takes what was read in on the disk lane.

use std::path::PathBuf;
use std::time::Duration;

use crate::store::{self, ArchiveRead, RosterRead};

use super::{Event, Out, Routes, Service, lane::Inbox};

/// What the read service is asked.
pub enum Job {
    /// The roster file.
    Roster(PathBuf),
    /// The resolved incidents' files.
    Archive(Vec<PathBuf>),
    /// The system's fonts for scripts and emoji egui's own lack.
    Fonts,
    /// Phone numbers' metadata, read once, before the contacts are shown.
    Warm,
}

/// What was read.
pub enum Read {
    Roster(Box<RosterRead>),
    Archive(ArchiveRead),
    /// Each font found: its path and its bytes.
    Fonts(Vec<(String, Vec<u8>)>),
}

/// The read service.
pub struct Reader;

impl Service for Reader {
    type Job = Job;
    const NAME: &'static str = "read";

    fn route(routes: &mut Routes) -> &mut Option<Inbox<Job>> {
        &mut routes.read
    }

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        let read = match job {
            Job::Roster(path) => Read::Roster(Box::new(store::read_roster(&path))),
            Job::Archive(paths) => Read::Archive(store::read_archive(&paths)),
            Job::Fonts => Read::Fonts(system_fonts()),
            Job::Warm => {
                crate::model::phone::warm();
                return None;
            }
        };
        out.tell(Event::Read(read));
        None
    }
}

/// Well-known places of fonts that cover what egui's bundled fonts do not,
/// in the order they are tried for a character: monochrome emoji first (egui
/// draws outlines, not colour bitmaps), then broad coverage. Collections
/// (`.ttc`) are read at their first face.
const FALLBACKS: [&str; 10] = [
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
    // Debian's fonts-symbola: emoji as outlines.
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

/// The system's fallback fonts found, in order (none with
/// `EXPEDITE_FONTS=bundled`, which keeps egui's own fonts only).
pub fn system_fonts() -> Vec<(String, Vec<u8>)> {
    if std::env::var("EXPEDITE_FONTS").is_ok_and(|v| v == "bundled") {
        return Vec::new();
    }
    FALLBACKS
        .iter()
        .filter_map(|path| Some((path.to_string(), std::fs::read(path).ok()?)))
        .collect()
}

/// What the window reads before its first frame: the settings and the open
/// incidents. The roster is read when the window is first used, the resolved
/// incidents when first asked for.
pub struct Preload {
    pub store: store::Store,
    pub state: crate::model::State,
    pub problems: Vec<store::Problem>,
    pub deferred: store::Deferred,
}

impl Preload {
    /// Loads the settings and the open incidents.
    pub fn read(mut store: store::Store) -> Self {
        let (state, problems, deferred) = store.load_active();
        Self {
            store,
            state,
            problems,
            deferred,
        }
    }
}

/// Opens the data folder (`None`: the usual one) and reads what the first
/// frame needs while the window and its graphics are set up, before the
/// services exist: on a thread of its own, joined when the window is ready
/// for it. Holds the folder's instance lock from then on.
pub fn before_the_window(
    data_dir: Option<PathBuf>,
) -> std::thread::JoinHandle<Result<(Preload, store::InstanceLock), store::StoreError>> {
    std::thread::spawn(move || {
        let store = store::Store::open(store::data_dir(data_dir)?)?;
        let lock = store.lock_instance()?;
        Ok((Preload::read(store), lock))
    })
}
