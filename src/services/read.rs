//! Reading what the first frame did not need, off the window's thread: the
//! roster (when the window is first used, and with it the phone numbers'
//! metadata, before any number is shown) and the resolved incidents (when
//! first looked for). The store takes what was read in on the disk lane.
//! Before the services exist, [`before_the_window`] reads what the first
//! frame needs (and the system's fallback fonts).

use std::path::PathBuf;
use std::time::Duration;

use crate::store::{self, ArchiveRead, RosterRead};

use super::{Event, Out, Service};

/// What the read service is asked.
pub enum Job {
    /// The roster file.
    Roster(PathBuf),
    /// The resolved incidents' files.
    Archive(Vec<PathBuf>),
}

/// What was read.
pub enum Read {
    Roster(Box<RosterRead>),
    Archive(ArchiveRead),
}

/// The read service.
pub struct Reader;

impl Service for Reader {
    type Job = Job;
    const NAME: &'static str = "read";

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        match job {
            Job::Roster(path) => {
                let read = store::read_roster(&path);
                let grouped = read.has_international_numbers();
                out.tell(Event::Read(Read::Roster(Box::new(read))));
                // Numbers are shown from now on: their metadata (about 4 MB)
                // is read here, not at the first number drawn (nor at
                // start) — and not at all for a roster with no number to
                // group (a number added later reads it when first shown).
                if grouped {
                    crate::model::phone::warm();
                }
            }
            Job::Archive(paths) => {
                out.tell(Event::Read(Read::Archive(store::read_archive(&paths))));
            }
        }
        give_back_freed();
        None
    }
}

/// Gives what a large read freed (the file's text, what parsing left
/// behind) back to the system. glibc keeps freed memory in the arena of the
/// thread that freed it and returns only what lies at the arena's end: a
/// roster of 10,000 would otherwise stay in the window's resident size long
/// after it was read.
fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only walks the allocator's
    // own free lists, under the allocator's own locks.
    unsafe {
        libc::malloc_trim(0);
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
    /// The system's fallback fonts found (see [`system_fonts`]).
    pub fonts: Vec<(String, Vec<u8>)>,
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
            fonts: Vec::new(),
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
        let mut preload = Preload::read(store);
        // Given to the window before its first frame, so its fonts are
        // built once (adding them later builds and uploads them again).
        preload.fonts = system_fonts();
        Ok((preload, lock))
    })
}
