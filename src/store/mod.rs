//! The RON files on disk: where they live, how they are read and written so
//! that nothing a person typed is ever lost.
//!
//! Layout of a data folder:
//! ```text
//! incidents/<id>.ron   one file per incident
//! roster.ron           the contacts
//! settings.ron         the team's settings
//! desk.ron             this desk's own: the person's name (never shared)
//! .instance.lock       held by the open window
//! .write.lock          held by whoever is writing, briefly
//! ```

pub mod atomic;
pub mod clocks;
pub mod envelope;
pub mod lock;
pub mod watch;

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::command::{self, Command, CommandError, Effect};
use crate::model::{
    Incident, IncidentId, State,
    roster::Roster,
    settings::{Desk, Settings},
};
pub use envelope::{Kind, ReadError};
pub use lock::{InstanceLock, InstanceLockError, WriteLock};

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "EXPEDITE_DATA_DIR";

/// The data folder: `--data-dir`, else `EXPEDITE_DATA_DIR`, else the
/// platform's data directory (e.g. `~/.local/share/expedite`).
pub fn data_dir(flag: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "expedite")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(StoreError::NoDataDir)
}

/// Something that went wrong at the disk, said so a person can act on it.
/// Each kind says what happened to which file and what to do next.
#[derive(Debug)]
pub enum StoreError {
    /// The command itself was refused; nothing was written.
    Command(CommandError),
    /// Reading a file or folder failed.
    Read { path: PathBuf, error: io::Error },
    /// Writing a file failed (or making the folder or lock file to write in).
    Write { path: PathBuf, error: io::Error },
    /// The file changed on disk (another window, a terminal, a colleague's
    /// sync) between reading it and writing it, so it was not written over.
    ChangedElsewhere { path: PathBuf },
    /// Another Expedite held the folder's write lock for longer than a writer waits.
    Busy { dir: PathBuf },
    /// Two desks' versions of a file could not be merged; both were kept.
    Unmerged { path: PathBuf, message: String },
    /// A file on disk could not be read, so it is not written over.
    Unreadable { path: PathBuf, error: ReadError },
    /// Another window is open on this data folder.
    AlreadyOpen { dir: PathBuf, pid: Option<u32> },
    /// Reading the data folder stopped before it finished (a fault in Expedite).
    Stopped { dir: Option<PathBuf> },
    /// Where a folder of the data folder should be, there is something
    /// else (a file, or a link Expedite does not follow).
    NotAFolder { path: PathBuf, what: &'static str },
    /// The data folder is read-only: its owner made it so.
    ReadOnly { dir: PathBuf },
    /// No home folder to put data in.
    NoDataDir,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Command(e) => e.fmt(f),
            Self::Read { path, error } => write!(
                f,
                "Could not read {}: {}. Nothing was changed — check that the folder is there and yours to read, then try again.",
                path.display(),
                crate::text::without_os_codes(&error.to_string())
            ),
            Self::Write { path, error } => write!(
                f,
                "Could not write {}: {}. Nothing was lost — check the disk has room and the folder is yours to write, then try again.",
                path.display(),
                crate::text::without_os_codes(&error.to_string())
            ),
            Self::ChangedElsewhere { path } => write!(
                f,
                "{} was changed elsewhere (another window, a terminal or a synced folder) while this was being saved, so it was not written over. Nothing was lost — look at the change, then save again.",
                path.display()
            ),
            Self::Busy { dir } => write!(
                f,
                "Another Expedite has been saving in {} for over {} s. Nothing was lost — try again in a moment; if it goes on, close the other window or stop the command still running.",
                dir.display(),
                lock::WRITE_WAIT.as_secs()
            ),
            Self::Unmerged { message, .. } => f.write_str(message),
            Self::Unreadable { path, error } => write!(
                f,
                "{} can't be read ({error}), so it was left untouched and nothing was written. Repair it, or put back its last good copy ({}.bak, when there is one), then try again.",
                path.display(),
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
            Self::AlreadyOpen { dir, pid } => {
                write!(f, "Expedite is already open on {}", dir.display())?;
                if let Some(pid) = pid {
                    write!(f, " (process {pid})")?;
                }
                f.write_str(
                    ". Switch to that window, or start with --data-dir to use another folder.",
                )
            }
            Self::Stopped { dir } => {
                f.write_str("Reading the data folder")?;
                if let Some(dir) = dir {
                    write!(f, " {}", dir.display())?;
                }
                f.write_str(
                    " stopped before it finished, so nothing was shown and nothing was changed. Start Expedite again; if this comes back, run `expedite status` in a terminal to see which file it stops at.",
                )
            }
            Self::NotAFolder { path, what } => write!(
                f,
                "{} is {what}, where Expedite keeps a folder of its own; Expedite never reads or writes outside its data folder. Move it aside (e.g. mv {} {}.moved), then start again.",
                path.display(),
                path.display(),
                path.display()
            ),
            Self::ReadOnly { dir } => write!(
                f,
                "{} is read-only, so nothing was saved. Nothing was lost — make the folder writable (chmod u+w {}) and save again.",
                dir.display(),
                dir.display()
            ),
            Self::NoDataDir => f.write_str(
                "No home folder to keep data in — start with --data-dir or set EXPEDITE_DATA_DIR.",
            ),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<CommandError> for StoreError {
    fn from(e: CommandError) -> Self {
        Self::Command(e)
    }
}

fn read_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |error| StoreError::Read {
        path: path.to_path_buf(),
        error,
    }
}

fn write_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |error| StoreError::Write {
        path: path.to_path_buf(),
        error,
    }
}

/// A file that did not load, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// What happened, what was done, what to do.
    pub message: String,
}

/// What a successful command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// What the app still has to do (the saves are already done).
    pub effects: Vec<Effect>,
    /// Incidents changed by someone else and re-read before the command applied.
    pub reloaded: Vec<IncidentId>,
    /// Incidents the command changed and saved (a declaration: the new one).
    pub saved: Vec<IncidentId>,
}

/// What a store re-read because it changed elsewhere since it last read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reloaded {
    /// Incidents re-read (or, before a declaration, read for the first time).
    pub incidents: Vec<IncidentId>,
    /// Whether the roster was re-read.
    pub roster: bool,
    /// Whether the settings were re-read.
    pub settings: bool,
}

impl Reloaded {
    /// Whether nothing was re-read.
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty() && !self.roster && !self.settings
    }
}

/// What a store knows of a file it read or wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// Its revision, and a digest of its text: a file whose text differs is
    /// re-read whatever its revision says.
    File { revision: u64, digest: u64 },
    /// It could not be read, so it is never written over.
    Unreadable,
}

/// A data folder.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    /// Each file as last read or written by us.
    known: HashMap<PathBuf, Known>,
}

impl Store {
    /// Opens (creating if needed) the data folder at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        let incidents = root.join("incidents");
        match fs::symlink_metadata(&incidents) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(StoreError::NotAFolder {
                    path: incidents,
                    what: "a link to elsewhere",
                });
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(StoreError::NotAFolder {
                    path: incidents,
                    what: "a file",
                });
            }
            Ok(_) => {}
            // A folder its owner made read-only has nothing to create.
            Err(_) if read_only(&root) => {}
            Err(_) => atomic::create_private_dir(&incidents).map_err(write_error(&incidents))?,
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Phone numbers live here: nobody but the owner, even if the
            // folder pre-existed. What the owner allows themselves (a
            // folder made read-only) is left as it is.
            for dir in [&root, &incidents] {
                if let Ok(meta) = fs::symlink_metadata(dir)
                    && meta.is_dir()
                    && meta.permissions().mode() & 0o077 != 0
                {
                    let owner = meta.permissions().mode() & 0o700;
                    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(owner));
                }
            }
        }
        Ok(Self {
            root,
            known: HashMap::new(),
        })
    }

    /// Whether the data folder is one its owner made read-only: it is shown,
    /// and nothing is written to it.
    pub fn is_read_only(&self) -> bool {
        read_only(&self.root)
    }

    /// The data folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an incident's file is.
    pub fn incident_path(&self, id: &IncidentId) -> PathBuf {
        incident_file(&self.root, id)
    }

    /// Where the roster is.
    pub fn roster_path(&self) -> PathBuf {
        self.root.join("roster.ron")
    }

    /// Where the settings are.
    pub fn settings_path(&self) -> PathBuf {
        self.root.join("settings.ron")
    }

    /// Where this desk's own settings are (never shared).
    pub fn desk_path(&self) -> PathBuf {
        self.root.join("desk.ron")
    }

    /// This desk's own settings; the defaults when there are none yet.
    pub fn desk(&mut self) -> Desk {
        self.load_or_default::<Desk>(self.desk_path(), &mut Vec::new())
    }

    /// The team's settings with this desk's name in them.
    fn settings_with_desk(&mut self, problems: &mut Vec<Problem>) -> Settings {
        let mut settings = self.load_or_default::<Settings>(self.settings_path(), problems);
        let desk = self.load_or_default::<Desk>(self.desk_path(), problems);
        if desk.me.is_some() {
            settings.me = desk.me;
        }
        settings.clocks = clocks::load(&self.root);
        settings
    }

    /// Saves this desk's name into `desk.ron`, keeping what else it holds.
    fn save_me(&mut self, me: Option<String>) -> Result<(), StoreError> {
        let path = self.desk_path();
        let mut desk = self
            .refresh::<Desk>(path.clone())?
            .unwrap_or_else(|| self.desk());
        desk.me = me;
        self.write(path, &desk)
    }

    /// Takes the one-window-per-folder lock, held as long as the value lives.
    pub fn lock_instance(&self) -> Result<InstanceLock, StoreError> {
        if self.is_read_only() {
            return Ok(InstanceLock::none());
        }
        let path = self.root.join(".instance.lock");
        InstanceLock::acquire(&path).map_err(|e| match e {
            InstanceLockError::Held(pid) => StoreError::AlreadyOpen {
                dir: self.root.clone(),
                pid,
            },
            InstanceLockError::Io(error) => StoreError::Write { path, error },
        })
    }

    fn write_lock(&self) -> Result<WriteLock, StoreError> {
        // A folder its owner made read-only is not written, whoever runs
        // Expedite (even one the system would let write).
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                dir: self.root.clone(),
            });
        }
        let path = self.root.join(".write.lock");
        WriteLock::acquire(&path).map_err(|error| match error.kind() {
            io::ErrorKind::WouldBlock => StoreError::Busy {
                dir: self.root.clone(),
            },
            _ => StoreError::Write { path, error },
        })
    }

    /// The folder's write lock, for syncing: no Expedite writes while git
    /// commits or merges the files.
    pub fn lock_for_sync(&self) -> Result<WriteLock, StoreError> {
        self.write_lock()
    }

    /// Moves this person's name from the team's `settings.ron` (where
    /// older versions kept it) into `desk.ron`, before the folder is shared.
    pub fn move_my_name_out_of_shared_settings(&mut self) -> Result<(), StoreError> {
        let _lock = self.write_lock()?;
        let path = self.settings_path();
        let Some(mut settings) = self
            .refresh::<Settings>(path.clone())?
            .or_else(|| read_file::<Settings>(&path).ok().flatten().map(|r| r.data))
        else {
            return Ok(());
        };
        let Some(me) = settings.me.take() else {
            return Ok(());
        };
        let mut desk = self.desk();
        if desk.me.is_none() {
            desk.me = Some(me);
            self.write(self.desk_path(), &desk)?;
        }
        self.write(path, &settings)
    }

    /// Loads everything. Files that can't be read are reported (and moved
    /// aside when damaged); everything else loads.
    pub fn load(&mut self) -> (State, Vec<Problem>) {
        let (_, mut problems) = self.merge_conflict_copies();
        problems.extend(self.read_only_problem());
        let lock = self.lock_for_loading();
        let settings = self.settings_with_desk(&mut problems);
        let roster_path = self.roster_path();
        let (roster_read, incident_reads) =
            read_roster_and_incidents(&roster_path, &self.root.join("incidents"));
        let roster = self.accept_or_default(roster_path, roster_read, &mut problems);
        let mut state = State {
            roster: roster.into(),
            settings,
            ..State::default()
        };
        self.accept_incidents(&mut state, incident_reads, &mut problems);
        drop(lock);
        (state, problems)
    }

    /// Says so when the folder is read-only.
    fn read_only_problem(&self) -> Option<Problem> {
        self.is_read_only().then(|| Problem {
            path: self.root.clone(),
            message: format!(
                "The data folder {} is read-only, so it is shown as it is and nothing can be saved. To save, make it writable (chmod u+w {}).",
                self.root.display(),
                self.root.display()
            ),
        })
    }

    /// The write lock, held while loading so a terminal writing meanwhile
    /// neither races a file being moved aside nor is read half-way through
    /// its command; with it, temp files left by dead writers are swept.
    fn lock_for_loading(&self) -> Result<WriteLock, StoreError> {
        let lock = self.write_lock();
        if lock.is_ok() {
            // Nobody else is writing now, so any temp file is a dead writer's.
            atomic::sweep_temp_files(&self.root);
            atomic::sweep_temp_files(&self.root.join("incidents"));
        }
        lock
    }

    /// Loads only what a window shows first: the settings and the open
    /// incidents. Resolved incidents are recognised from the first lines of
    /// their files and left on disk (their ids stay taken); the roster is left
    /// too. Both come later through [`Deferred`].
    pub fn load_active(&mut self) -> (State, Vec<Problem>, Deferred) {
        let (_, mut problems) = self.merge_conflict_copies();
        problems.extend(self.read_only_problem());
        let lock = self.lock_for_loading();
        let settings = self.settings_with_desk(&mut problems);
        let mut state = State {
            settings,
            ..State::default()
        };
        let (archive, active): (Vec<PathBuf>, Vec<PathBuf>) =
            incident_paths(&self.root.join("incidents"))
                .into_iter()
                .partition(|p| looks_resolved(p));
        state
            .taken_ids
            .extend(archive.iter().filter_map(|p| incident_id_of(p)));
        let reads = read_incidents(&active);
        self.accept_incidents(&mut state, reads, &mut problems);
        drop(lock);
        let deferred = Deferred {
            roster: self.roster_path(),
            archive,
        };
        (state, problems, deferred)
    }

    /// Takes in a roster read in the background, unless a newer one was
    /// read meanwhile (an outside change noticed first).
    pub fn accept_roster(&mut self, state: &mut State, read: RosterRead) -> Vec<Problem> {
        let mut problems = Vec::new();
        let path = self.roster_path();
        if self.known.contains_key(&path) {
            return problems;
        }
        *state.roster = self.accept_or_default(path, read.0, &mut problems);
        problems
    }

    /// Takes in resolved incidents read in the background; an incident
    /// already loaded (changed meanwhile and re-read) is kept as it is.
    pub fn accept_archive(&mut self, state: &mut State, read: ArchiveRead) -> Vec<Problem> {
        let mut problems = Vec::new();
        let fresh = read
            .0
            .into_iter()
            .filter(|(path, _)| !self.known.contains_key(path))
            .collect();
        self.accept_incidents(state, fresh, &mut problems);
        problems
    }

    /// Puts read incidents into the state (noting revisions), recovering
    /// damaged ones; an unreadable one keeps its id taken.
    fn accept_incidents(
        &mut self,
        state: &mut State,
        reads: Vec<(PathBuf, IncidentRead)>,
        problems: &mut Vec<Problem>,
    ) {
        for (path, result) in reads {
            match result {
                Ok(Some((id, read))) => {
                    self.note_read(path, &read);
                    let mut incident: Incident = read.data;
                    incident.id = id.clone();
                    state.incidents.insert(id, incident.into());
                }
                Ok(None) => {}
                Err(failure) => {
                    let id = incident_id_of(&path).expect("only incident file names are read");
                    if let Some(both) = self.split_conflicted_incidents(&path) {
                        for incident in both {
                            state.incidents.insert(incident.id.clone(), incident.into());
                        }
                        continue;
                    }
                    match self.recover::<Incident>(&path, failure, problems) {
                        Some(mut incident) => {
                            incident.id = id.clone();
                            state.incidents.insert(id, incident.into());
                        }
                        // Its id stays taken: the file (or its damaged copy) still holds it.
                        None => {
                            state.taken_ids.insert(id);
                        }
                    }
                }
            }
        }
    }

    fn load_or_default<T: Kind + Default>(
        &mut self,
        path: PathBuf,
        problems: &mut Vec<Problem>,
    ) -> T {
        let read = read_file::<T>(&path);
        self.accept_or_default(path, read, problems)
    }

    /// Keeps what was read (noting its revision), or recovers from the failure.
    fn accept_or_default<T: Kind + Default>(
        &mut self,
        path: PathBuf,
        read: FileRead<T>,
        problems: &mut Vec<Problem>,
    ) -> T {
        match read {
            Ok(Some(read)) => {
                self.note_read(path, &read);
                read.data
            }
            Ok(None) => T::default(),
            Err(failure) => self.recover(&path, failure, problems).unwrap_or_default(),
        }
    }

    /// Deals with a file that failed to load: a newer one is left alone; a
    /// damaged one is moved aside and its backup, if good, put back.
    fn recover<T: Kind>(
        &mut self,
        path: &Path,
        failure: Failure,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let name = display_name(path);
        let error = match failure {
            Failure::Io(e) => {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    message: if e.kind() == io::ErrorKind::PermissionDenied {
                        format!("{name} could not be opened ({e}); it was left as it is. Check its permissions.")
                    } else {
                        format!("{name} could not be read ({e}); it was left as it is.")
                    },
                });
                // Never write over what we could not read.
                self.known.insert(path.to_path_buf(), Known::Unreadable);
                return None;
            }
            Failure::Read(e @ ReadError::Newer { .. }) => {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    message: format!("{name} was not loaded: {e}. It was left as it is and won't be written over."),
                });
                self.known.insert(path.to_path_buf(), Known::Unreadable);
                return None;
            }
            Failure::Read(e) => e,
        };
        // Two desks' versions in one file (git's conflict markers): merged,
        // never answered with the backup, which would drop both.
        match read_text(path).map(|text| self.resolve_conflict::<T>(path, &text)) {
            Ok(Ok(Some(data))) => return Some(data),
            Ok(Err(e)) => {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                });
                self.known.insert(path.to_path_buf(), Known::Unreadable);
                return None;
            }
            _ => {}
        }
        if self.is_read_only() {
            problems.push(Problem {
                path: path.to_path_buf(),
                message: format!(
                    "{name} can't be read ({error}); the folder is read-only, so it was left as it is."
                ),
            });
            self.known.insert(path.to_path_buf(), Known::Unreadable);
            return None;
        }
        let aside = match quarantine(path) {
            Ok(aside) => aside,
            Err(e) => {
                problems.push(Problem {
                    path: path.to_path_buf(),
                    message: format!("{name} can't be read ({error}) and could not be moved aside ({e}); it was left as it is."),
                });
                self.known.insert(path.to_path_buf(), Known::Unreadable);
                return None;
            }
        };
        let mut message = format!(
            "{name} can't be read ({error}). It was moved aside to {} so nothing is lost",
            display_name(&aside)
        );
        // In a shared folder the answer is the version last shared through
        // git, merged with the backup when both read: the backup alone is
        // the version before this desk's own last change.
        let backup = atomic::backup_path(path);
        let from_git = self.last_shared_version::<T>(path);
        let from_backup = read_text(&backup)
            .ok()
            .and_then(|text| envelope::read::<T>(&text).ok());
        let restored = match (from_git, from_backup) {
            (Some(git), Some(bak)) => match T::merge(None, &git.data, &bak.data) {
                Some((merged, _)) => Some((
                    merged,
                    git.revision.max(bak.revision),
                    format!(
                        "its last version shared through git (revision {}) was put back, merged with {} (revision {})",
                        git.revision,
                        display_name(&backup),
                        bak.revision
                    ),
                )),
                None => Some((
                    git.data,
                    git.revision,
                    format!(
                        "its last version shared through git (revision {}) was put back",
                        git.revision
                    ),
                )),
            },
            (Some(git), None) => Some((
                git.data,
                git.revision,
                format!(
                    "its last version shared through git (revision {}) was put back",
                    git.revision
                ),
            )),
            (None, Some(bak)) => Some((
                bak.data,
                bak.revision,
                format!(
                    "the previous version was restored from {} (revision {})",
                    display_name(&backup),
                    bak.revision
                ),
            )),
            (None, None) => None,
        };
        let result = match restored {
            Some((data, revision, from)) => {
                let revision = revision.max(self.known_revision(path)) + 1;
                match self.write_revision(path.to_path_buf(), &data, revision) {
                    Ok(()) => {
                        message.push_str(&format!(
                            ", and {from}. Check what is missing; the damaged copy is still there."
                        ));
                        Some(data)
                    }
                    Err(e) => {
                        message.push_str(&format!(
                            "; it could not be put back as it was ({e}). Fix it in a text editor and move it back."
                        ));
                        self.known.remove(path);
                        None
                    }
                }
            }
            None => {
                message.push_str(
                    "; the rest loaded. Fix it in a text editor and move it back, or start afresh.",
                );
                self.known.remove(path);
                None
            }
        };
        problems.push(Problem {
            path: path.to_path_buf(),
            message,
        });
        result
    }

    /// The file as this desk last committed it to the shared folder's git,
    /// when the folder is shared and that version reads.
    fn last_shared_version<T: Kind>(&self, path: &Path) -> Option<envelope::Read<T>> {
        if !self.root.join(".git").is_dir() {
            return None;
        }
        let relative = path
            .strip_prefix(&self.root)
            .ok()?
            .to_str()?
            .replace('\\', "/");
        let shown = crate::git::run(
            &self.root,
            &["show", &format!("HEAD:{relative}")],
            &[],
            crate::git::LOCAL_LIMIT,
        )
        .ok()
        .filter(|o| o.ok)?;
        envelope::read::<T>(&shown.stdout).ok()
    }

    /// Makes sure a data file reads before it is shared: one that does not
    /// (left half-written by a git that was stopped) is recovered as a load
    /// would recover it. What was done, when anything was.
    pub fn mend(&mut self, path: &Path) -> Option<Problem> {
        if path == self.roster_path() {
            self.mend_as::<Roster>(path)
        } else if path == self.settings_path() {
            self.mend_as::<Settings>(path)
        } else if incident_id_of(path).is_some() {
            self.mend_as::<Incident>(path)
        } else {
            None
        }
    }

    fn mend_as<T: Kind>(&mut self, path: &Path) -> Option<Problem> {
        let failure = read_file::<T>(path).err()?;
        let mut problems = Vec::new();
        self.recover::<T>(path, failure, &mut problems);
        problems.pop()
    }

    /// Applies `command` to its incident as the file holds it now (read
    /// afresh, whatever this store read before) and saves it: for what
    /// another part of the program records without the window's copy (what
    /// became of a post). Returns the state the command left.
    pub fn execute_fresh(
        &mut self,
        command: Command,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Result<Outcome, StoreError>, State) {
        if let Some(id) = command.incident() {
            let path = self.incident_path(id);
            self.known.remove(&path);
        }
        let mut state = State::default();
        let result = self.execute_seen(&mut state, command, actor, now, |_, _| {});
        (result, state)
    }

    /// Who is at this desk: the name it was given (`desk.ron`), else the
    /// login name.
    pub fn desk_name(&mut self) -> String {
        self.desk().me.unwrap_or_else(crate::desk::login_name)
    }

    /// Applies `command` and saves what it changed, re-reading first any file
    /// someone else changed since we read it, so their work is kept.
    pub fn execute(
        &mut self,
        state: &mut State,
        command: Command,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Outcome, StoreError> {
        self.execute_seen(state, command, actor, now, |_, _| {})
    }

    /// As [`Self::execute`]; `seen` is shown the state and what was re-read
    /// into it, under the write lock and before the command applies (the
    /// window keeps that copy should the command be refused).
    pub fn execute_seen(
        &mut self,
        state: &mut State,
        command: Command,
        actor: &str,
        now: DateTime<Utc>,
        seen: impl FnOnce(&State, &Reloaded),
    ) -> Result<Outcome, StoreError> {
        let _lock = self.write_lock()?;
        let reloaded = self.refresh_for(state, &command)?;
        seen(state, &reloaded);
        let reloaded = reloaded.incidents;
        let effects = command::apply(state, command, actor, now)?;
        let mut saved = Vec::new();
        for effect in &effects {
            match effect {
                Effect::SaveIncident(id) => {
                    let incident = &state.incidents[id];
                    self.write(self.incident_path(id), &**incident)?;
                    saved.push(id.clone());
                }
                Effect::SaveSettings => self.save_me(state.settings.me.clone())?,
                Effect::SaveTeamSettings => {
                    // This desk's name stays in desk.ron, out of the team's file.
                    let shared = Settings {
                        me: None,
                        ..state.settings.clone()
                    };
                    self.write(self.settings_path(), &shared)?;
                }
                Effect::SaveRoster => self.write(self.roster_path(), &*state.roster)?,
                Effect::Reschedule | Effect::Post(_) => {}
            }
        }
        let effects = effects
            .into_iter()
            .filter(|e| matches!(e, Effect::Reschedule | Effect::Post(_)))
            .collect();
        Ok(Outcome {
            effects,
            reloaded,
            saved,
        })
    }

    /// Re-reads what `command` works on, where its file moved on since we
    /// read it (a colleague's edit through a shared folder, a terminal): the
    /// incident it names, every incident declared elsewhere before a
    /// declaration (so a new id never collides), the roster or the settings.
    fn refresh_for(
        &mut self,
        state: &mut State,
        command: &Command,
    ) -> Result<Reloaded, StoreError> {
        let mut reloaded = Reloaded::default();
        match command.incident() {
            Some(id) => {
                if self.refresh_incident(state, id)? {
                    reloaded.incidents.push(id.clone());
                }
            }
            None if matches!(command, Command::Declare { .. }) => {
                reloaded.incidents = self.refresh_new_incidents(state)?;
            }
            None if matches!(command, Command::Roster(_)) => {
                if let Some(roster) = self.refresh::<Roster>(self.roster_path())? {
                    *state.roster = roster;
                    reloaded.roster = true;
                }
            }
            None => {
                if let Some(settings) = self.refresh::<Settings>(self.settings_path())? {
                    take_in_settings(state, settings);
                    reloaded.settings = true;
                }
            }
        }
        Ok(reloaded)
    }

    /// Whether this file has been read (or written) by this store.
    pub fn has_read(&self, path: &Path) -> bool {
        self.known.contains_key(path)
    }

    /// Saves a whole incident (imports, drills). Refuses, rather than
    /// overwrites, when the file changed since it was read.
    pub fn save_incident(&mut self, incident: &Incident) -> Result<(), StoreError> {
        let _lock = self.write_lock()?;
        let path = self.incident_path(&incident.id);
        self.check_unchanged::<Incident>(&path)?;
        self.write(path, incident)
    }

    /// Saves the roster (used by imports and the roster view).
    pub fn save_roster(&mut self, roster: &Roster) -> Result<(), StoreError> {
        let _lock = self.write_lock()?;
        let path = self.roster_path();
        self.check_unchanged::<Roster>(&path)?;
        self.write(path, roster)
    }

    /// Where the window keeps what was typed and not yet saved.
    pub fn drafts_path(&self) -> PathBuf {
        self.root.join("drafts.ron")
    }

    /// Reads the window's drafts (empty when there are none); a damaged file
    /// is moved aside and reported, like any other.
    pub fn load_drafts<T: Kind + Default>(&mut self) -> (T, Vec<Problem>) {
        let mut problems = Vec::new();
        let drafts = self.load_or_default(self.drafts_path(), &mut problems);
        (drafts, problems)
    }

    /// Writes the window's drafts atomically. They belong to this window
    /// alone, so no write lock and no revision check.
    pub fn save_drafts<T: Kind>(&mut self, drafts: &T) -> Result<(), StoreError> {
        let path = self.drafts_path();
        self.known.remove(&path);
        self.write(path, drafts)
    }

    /// Takes in changes made elsewhere to the given files: each file whose
    /// revision moved on is re-read. Our own saves are recognised by their
    /// revision and ignored. Returns what was re-read.
    pub fn take_outside_changes(
        &mut self,
        state: &mut State,
        paths: impl IntoIterator<Item = PathBuf>,
    ) -> Result<Reloaded, StoreError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut reloaded = Reloaded::default();
        let mut paths: Vec<PathBuf> = paths.into_iter().collect();
        // A synced folder's conflict copy arrived: merge it into its file,
        // then take that file in.
        if paths
            .iter()
            .any(|p| crate::merge::conflict::conflict_copy_of(p).is_some())
        {
            let (merged, problems) = self.merge_conflict_copies();
            if let Some(problem) = problems.into_iter().next() {
                return Err(StoreError::Unmerged {
                    path: problem.path,
                    message: problem.message,
                });
            }
            paths.extend(merged);
        }
        for path in paths {
            if !seen.insert(path.clone()) {
                continue;
            }
            if let Some(id) = incident_id_of(&path) {
                if path
                    .parent()
                    .and_then(Path::file_name)
                    .is_some_and(|p| p == "incidents")
                    && self.refresh_incident(state, &id)?
                {
                    reloaded.incidents.push(id);
                }
            } else if path == self.roster_path() {
                if let Some(roster) = self.refresh::<Roster>(path)? {
                    *state.roster = roster;
                    reloaded.roster = true;
                }
            } else if path == self.settings_path()
                && let Some(settings) = self.refresh::<Settings>(path)?
            {
                take_in_settings(state, settings);
                reloaded.settings = true;
            }
        }
        Ok(reloaded)
    }

    /// Re-reads the incident if its file moved on since we read it.
    fn refresh_incident(&mut self, state: &mut State, id: &IncidentId) -> Result<bool, StoreError> {
        let path = self.incident_path(id);
        let refreshed = match self.refresh::<Incident>(path.clone()) {
            Err(StoreError::Unreadable { .. })
                if let Some(both) = self.split_conflicted_incidents(&path) =>
            {
                for incident in both {
                    state.incidents.insert(incident.id.clone(), incident.into());
                }
                return Ok(true);
            }
            other => other?,
        };
        match refreshed {
            Some(mut incident) => {
                incident.id = id.clone();
                state.incidents.insert(id.clone(), incident.into());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Reads incidents created by someone else since we loaded, so a new id never collides.
    fn refresh_new_incidents(&mut self, state: &mut State) -> Result<Vec<IncidentId>, StoreError> {
        let dir = self.root.join("incidents");
        let entries = fs::read_dir(&dir).map_err(read_error(&dir))?;
        let mut added = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(id) = incident_id_of(&path) else {
                continue;
            };
            if state.incidents.contains_key(&id) || state.taken_ids.contains(&id) {
                continue;
            }
            match self.refresh_incident(state, &id) {
                Ok(true) => added.push(id),
                Ok(false) => {}
                // A file we can't read must not stop a declaration, only keep its id.
                Err(_) => {
                    state.taken_ids.insert(id);
                }
            }
        }
        Ok(added)
    }

    /// The file's data if its text differs from what we last read or wrote
    /// (whatever its revision says), else `None`. A file holding two desks'
    /// versions between git's conflict markers is merged and saved first.
    fn refresh<T: Kind>(&mut self, path: PathBuf) -> Result<Option<T>, StoreError> {
        let text = match read_text(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::Read { path, error: e }),
        };
        let known = self.known.get(&path).copied();
        if let Some(Known::File { digest, .. }) = known
            && digest == envelope::digest(&text)
        {
            return Ok(None);
        }
        // Read again while it is being written (a git pull beside us).
        let (text, read) = match envelope::read::<T>(&text) {
            Ok(read) => (text, Ok(read)),
            Err(_) => match read_text_settled::<T>(&path) {
                Ok(settled) => settled,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(StoreError::Read { path, error: e }),
            },
        };
        match read {
            Ok(read) => {
                self.note_read(path, &read);
                Ok(Some(read.data))
            }
            Err(error) => match self.resolve_conflict::<T>(&path, &text)? {
                Some(data) => Ok(Some(data)),
                None => Err(StoreError::Unreadable { path, error }),
            },
        }
    }

    /// Merges a file that holds two desks' versions between git's conflict
    /// markers and saves the result (the conflicted text stays as its
    /// `.bak`). `None` when the file holds no conflict, or versions that do
    /// not merge; an error when the merged file could not be saved.
    fn resolve_conflict<T: Kind>(
        &mut self,
        path: &Path,
        text: &str,
    ) -> Result<Option<T>, StoreError> {
        let Some((merged, revision)) = merge_marked::<T>(text) else {
            return Ok(None);
        };
        let revision = revision.max(self.known_revision(path)) + 1;
        self.write_revision(path.to_path_buf(), &merged, revision)?;
        Ok(Some(merged))
    }

    /// A file holding, between git's conflict markers, two different
    /// incidents that were given one id: the first declared keeps it, the
    /// other is saved under the next free id. Both come back.
    fn split_conflicted_incidents(&mut self, path: &Path) -> Option<[Incident; 2]> {
        let text = read_text(path).ok()?;
        let versions = crate::merge::conflict::split_markers(&text)?;
        let ours = envelope::read::<Incident>(&versions.ours).ok()?;
        let theirs = envelope::read::<Incident>(&versions.theirs).ok()?;
        if ours.data.id != theirs.data.id || crate::merge::same_incident(&ours.data, &theirs.data) {
            return None;
        }
        let dir = self.root.join("incidents");
        let (kept, moved) = crate::merge::split_collision(ours.data, theirs.data, |id| {
            !dir.join(format!("{id}.ron")).exists()
        })?;
        // The caller holds the write lock when there is one to hold.
        let moved_path = self.incident_path(&moved.id);
        self.write(moved_path, &moved).ok()?;
        let revision = ours.revision.max(theirs.revision) + 1;
        self.write_revision(path.to_path_buf(), &kept, revision)
            .ok()?;
        Some([kept, moved])
    }

    /// Merges the conflict copies a synced folder left next to the files
    /// (`roster.sync-conflict-….ron`, `… (conflicted copy …).ron`) into the
    /// files they belong to, and removes each copy once merged. Returns the
    /// files changed, and what could not be merged.
    pub fn merge_conflict_copies(&mut self) -> (Vec<PathBuf>, Vec<Problem>) {
        let mut merged = Vec::new();
        let mut problems = Vec::new();
        let Ok(_lock) = self.write_lock() else {
            return (merged, problems);
        };
        let mut copies: Vec<PathBuf> = [self.root.clone(), self.root.join("incidents")]
            .iter()
            .filter_map(|dir| fs::read_dir(dir).ok())
            .flat_map(|entries| entries.flatten().map(|e| e.path()))
            .filter(|p| crate::merge::conflict::conflict_copy_of(p).is_some())
            .collect();
        copies.sort();
        for copy in copies {
            match self.merge_copy(&copy) {
                Ok(Some(path)) => merged.push(path),
                Ok(None) => {}
                Err(message) => problems.push(Problem {
                    path: copy,
                    message,
                }),
            }
        }
        (merged, problems)
    }

    /// Merges one conflict copy into its file: the file it belongs to.
    fn merge_copy(&mut self, copy: &Path) -> Result<Option<PathBuf>, String> {
        let original = crate::merge::conflict::conflict_copy_of(copy).expect("a conflict copy");
        let name = display_name(copy);
        let text = read_text(copy)
            .map_err(|e| format!("{name} could not be read ({e}); it was left as it is."))?;
        let result = if original == self.roster_path() {
            self.merge_copy_as::<Roster>(&original, &text)
        } else if original == self.settings_path() {
            self.merge_copy_as::<Settings>(&original, &text)
        } else if incident_id_of(&original).is_some() {
            self.merge_copy_as::<Incident>(&original, &text)
        } else {
            return Ok(None);
        };
        match result {
            Ok(()) => {
                fs::remove_file(copy).map_err(|e| format!("{name} was merged into {}, but could not be removed ({e}); remove it by hand.", display_name(&original)))?;
                Ok(Some(original))
            }
            Err(why) => Err(format!(
                "{name}, a synced folder's conflict copy of {}, could not be merged ({why}); both were left as they are. Compare them in a text editor and keep what is right.",
                display_name(&original)
            )),
        }
    }

    fn merge_copy_as<T: Kind>(&mut self, original: &Path, text: &str) -> Result<(), String> {
        let theirs = envelope::read::<T>(text).map_err(|e| e.to_string())?;
        let ours_text = match read_text(original) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                atomic::write_atomic(original, text.as_bytes()).map_err(|e| e.to_string())?;
                return Ok(());
            }
            Err(e) => return Err(e.to_string()),
        };
        let ours = envelope::read::<T>(&ours_text).map_err(|e| e.to_string())?;
        let (merged, _) = T::merge(None, &ours.data, &theirs.data)
            .ok_or_else(|| "they are not two versions of the same thing".to_owned())?;
        let revision = ours.revision.max(theirs.revision) + 1;
        self.write_revision(original.to_path_buf(), &merged, revision)
            .map_err(|e| e.to_string())?;
        // Not taken in yet: the next refresh reads it as a change.
        self.known.remove(original);
        Ok(())
    }

    fn note_read<T>(&mut self, path: PathBuf, read: &envelope::Read<T>) {
        self.known.insert(
            path,
            Known::File {
                revision: read.revision,
                digest: read.digest,
            },
        );
    }

    /// Refuses to write a file that moved on since we read it.
    fn check_unchanged<T: Kind>(&mut self, path: &Path) -> Result<(), StoreError> {
        match self.refresh::<T>(path.to_path_buf())? {
            None => Ok(()),
            Some(_) => Err(StoreError::ChangedElsewhere {
                path: path.to_path_buf(),
            }),
        }
    }

    /// The revision the file was last read or written at; 0 when unknown.
    fn known_revision(&self, path: &Path) -> u64 {
        match self.known.get(path) {
            Some(Known::File { revision, .. }) => *revision,
            _ => 0,
        }
    }

    fn write<T: Kind>(&mut self, path: PathBuf, data: &T) -> Result<(), StoreError> {
        let revision = self.known_revision(&path) + 1;
        self.write_revision(path, data, revision)
    }

    /// Writes the file at this revision (a merge's: past every version it joined).
    fn write_revision<T: Kind>(
        &mut self,
        path: PathBuf,
        data: &T,
        revision: u64,
    ) -> Result<(), StoreError> {
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                dir: self.root.clone(),
            });
        }
        let text = envelope::write(data, revision).map_err(|e| StoreError::Write {
            path: path.clone(),
            error: io::Error::other(e.to_string()),
        })?;
        atomic::write_atomic(&path, text.as_bytes()).map_err(write_error(&path))?;
        let digest = envelope::digest(&text);
        self.known.insert(path, Known::File { revision, digest });
        Ok(())
    }
}

/// Takes in the team's settings as re-read, keeping this desk's name (it
/// lives in `desk.ron`, not in the shared file).
fn take_in_settings(state: &mut State, mut settings: Settings) {
    settings.me = state.settings.me.take().or(settings.me);
    settings.clocks = std::mem::take(&mut state.settings.clocks);
    state.settings = settings;
}

/// Merges the versions a file with git's conflict markers holds: the
/// merged data and the highest revision among them; `None` when the text
/// holds no conflict or the versions do not read or merge.
pub fn merge_marked<T: Kind>(text: &str) -> Option<(T, u64)> {
    let versions = crate::merge::conflict::split_markers(text)?;
    let ours = envelope::read::<T>(&versions.ours).ok()?;
    let theirs = envelope::read::<T>(&versions.theirs).ok()?;
    let base = versions
        .base
        .and_then(|b| envelope::read::<T>(&b).ok())
        .map(|b| b.data);
    let (merged, _) = T::merge(base.as_ref(), &ours.data, &theirs.data)?;
    Some((merged, ours.revision.max(theirs.revision)))
}

/// Why a file did not load.
enum Failure {
    Io(io::Error),
    Read(ReadError),
}

/// Reads one file; `Ok(None)` when it does not exist. Text that does not
/// read is read again for a moment first (see [`read_text_settled`]).
fn read_file<T: Kind>(path: &Path) -> FileRead<T> {
    match read_text_settled::<T>(path) {
        Ok((_, Ok(read))) => Ok(Some(read)),
        Ok((_, Err(e))) => Err(Failure::Read(e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Err(Failure::Read(ReadError::Syntax {
            line: 1,
            column: 1,
            message: "the file is not UTF-8 text".to_owned(),
        })),
        Err(e) => Err(Failure::Io(e)),
    }
}

/// A data file's text (never through a link, at most
/// [`atomic::MAX_DATA_FILE`]).
fn read_text(path: &Path) -> io::Result<String> {
    atomic::read_plain(path, atomic::MAX_DATA_FILE)
}

/// Pauses before each new reading of a file that did not read: a git
/// writing it in place (`git pull`, a merge) or a synced folder's copy
/// lands within them.
const SETTLE: [u64; 5] = [5, 20, 60, 150, 300];

/// Reads the file and its data; when the text does not read as `T`, reads
/// it again after a pause, a few times, since a file that is being written
/// in place (by git, by an editor, by a synced folder) reads half-way for a
/// moment. While git is at work in the folder (`.git/index.lock`), it waits
/// for git to finish, up to a few seconds. The text is given back with the
/// last reading. Text holding conflict markers, or written by a newer
/// Expedite, is not read again.
fn read_text_settled<T: Kind>(
    path: &Path,
) -> io::Result<(String, Result<envelope::Read<T>, ReadError>)> {
    let git_lock = path
        .ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(".git").join("index.lock"))
        .find(|lock| lock.parent().is_some_and(Path::is_dir));
    let started = std::time::Instant::now();
    let mut pauses = SETTLE.iter();
    loop {
        let text = read_text(path)?;
        let read = envelope::read::<T>(&text);
        let settled = match &read {
            Ok(_) | Err(ReadError::Newer { .. }) => true,
            Err(_) => crate::merge::conflict::split_markers(&text).is_some(),
        };
        if settled {
            return Ok((text, read));
        }
        let git_at_work = git_lock.as_ref().is_some_and(|lock| lock.exists())
            && started.elapsed() < std::time::Duration::from_secs(3);
        match pauses.next() {
            Some(ms) => std::thread::sleep(std::time::Duration::from_millis(*ms)),
            None if git_at_work => std::thread::sleep(std::time::Duration::from_millis(100)),
            None => return Ok((text, read)),
        }
    }
}

/// A file read, or why not; `Ok(None)` when it does not exist.
type FileRead<T> = Result<Option<envelope::Read<T>>, Failure>;
type IncidentRead = Result<Option<(IncidentId, envelope::Read<Incident>)>, Failure>;

/// What [`Store::load_active`] left for later: the roster and the resolved incidents.
#[derive(Debug, Default)]
pub struct Deferred {
    /// The roster file.
    pub roster: PathBuf,
    /// The resolved incidents' files.
    pub archive: Vec<PathBuf>,
}

/// A roster read off the disk, for [`Store::accept_roster`].
pub struct RosterRead(FileRead<Roster>);

/// Resolved incidents read off the disk, for [`Store::accept_archive`].
pub struct ArchiveRead(Vec<(PathBuf, IncidentRead)>);

/// Reads the roster file; safe on any thread.
pub fn read_roster(path: &Path) -> RosterRead {
    RosterRead(read_file::<Roster>(path))
}

impl RosterRead {
    /// Whether it holds a number written internationally: one the window
    /// shows grouped, which needs the phone numbers' metadata.
    pub fn has_international_numbers(&self) -> bool {
        matches!(&self.0, Ok(Some(read)) if read.data.contacts.iter().any(|c| {
            c.phones.iter().any(|p| p.number.trim_start().starts_with('+'))
        }))
    }
}

/// Reads these incident files over the machine's cores; safe on any thread.
pub fn read_archive(paths: &[PathBuf]) -> ArchiveRead {
    ArchiveRead(read_incidents(paths))
}

/// Whether an incident file says it is resolved within its first lines.
/// Expedite writes `resolved_at` fourth among the incident's fields, two
/// tabs in; text a person typed can't produce that line (newlines in strings
/// are escaped). A file laid out otherwise is simply read in full.
fn looks_resolved(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(1024);
    let read = atomic::open_plain(path).and_then(|file| file.take(1024).read_to_end(&mut head));
    let marker = b"\n\t\tresolved_at: ";
    read.is_ok() && head.windows(marker.len()).any(|w| w == marker)
}

/// Whether the folder at `root` is read-only (its owner took the right to
/// write away).
fn read_only(root: &Path) -> bool {
    fs::metadata(root).is_ok_and(|m| m.is_dir() && m.permissions().readonly())
}

/// Where the incident `id` of the data folder `root` is kept.
pub fn incident_file(root: &Path, id: &IncidentId) -> PathBuf {
    root.join("incidents").join(format!("{id}.ron"))
}

fn incident_paths(incidents: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(incidents)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| incident_id_of(p).is_some())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

/// Reads incident files over the machine's cores.
fn read_incidents(paths: &[PathBuf]) -> Vec<(PathBuf, IncidentRead)> {
    read_in_parallel(None, paths).1
}

/// Reads the roster and every `incidents/<id>.ron`, spread over the
/// machine's cores: each worker takes the next file as it finishes one, and
/// the roster, the biggest single file, goes first.
fn read_roster_and_incidents(
    roster: &Path,
    incidents: &Path,
) -> (FileRead<Roster>, Vec<(PathBuf, IncidentRead)>) {
    let paths = incident_paths(incidents);
    let (roster, reads) = read_in_parallel(Some(roster), &paths);
    (roster.expect("asked for the roster"), reads)
}

/// Reads `paths` (and the roster first, when given) with one worker per core.
fn read_in_parallel(
    roster: Option<&Path>,
    paths: &[PathBuf],
) -> (Option<FileRead<Roster>>, Vec<(PathBuf, IncidentRead)>) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(paths.len() + 1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = |first: bool| {
        let roster = roster.filter(|_| first).map(read_file::<Roster>);
        let mut reads = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(path) = paths.get(i) else { break };
            let id = incident_id_of(path).expect("filtered above");
            let read = read_file::<Incident>(path).map(|r| r.map(|r| (id, r)));
            reads.push((i, (path.clone(), read)));
        }
        (roster, reads)
    };
    let (roster, mut reads) = std::thread::scope(|scope| {
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(|| work(false))).collect();
        let (roster, mut reads) = work(true);
        for handle in others {
            reads.extend(handle.join().expect("reading files does not panic").1);
        }
        (roster, reads)
    });
    reads.sort_by_key(|(i, _)| *i);
    (roster, reads.into_iter().map(|(_, read)| read).collect())
}

/// The incident id a file name stands for: `incidents/2026-11-26-1.ron`.
fn incident_id_of(path: &Path) -> Option<IncidentId> {
    if path.extension()? != "ron" {
        return None;
    }
    IncidentId::parse(path.file_stem()?.to_str()?)
}

fn display_name(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match path.parent().and_then(Path::file_name) {
        Some(parent) if parent == "incidents" => format!("incidents/{name}"),
        _ => name.into_owned(),
    }
}

/// Moves a damaged file aside as `<name>.corrupt-<UTC time>`, never over another.
fn quarantine(path: &Path) -> io::Result<PathBuf> {
    let stamp = crate::desk::now().format("%Y%m%dT%H%M%SZ");
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    for n in 0..1000 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let aside = path.with_file_name(format!("{name}.corrupt-{stamp}{suffix}"));
        if !aside.exists() {
            fs::rename(path, &aside)?;
            return Ok(aside);
        }
    }
    Err(io::Error::other("too many damaged copies already"))
}

/// Where the data folder at `root` keeps this desk's last good copy of a
/// subscribed feed (`feeds/<id>.ics`; never shared: each desk reads its own).
pub fn feed_copy_path(root: &Path, id: &str) -> PathBuf {
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    root.join("feeds").join(format!("{id}.ics"))
}

/// This desk's last good copy of the feed `id`, if it has one.
pub fn feed_copy(root: &Path, id: &str) -> Option<String> {
    read_text(&feed_copy_path(root, id)).ok()
}

/// Keeps `text` as the last good copy of `feed` in the data folder at
/// `root` (the folder made private to its owner, the file written whole),
/// and notes the address it was read from as one this desk reads.
pub fn keep_feed_copy(
    root: &Path,
    feed: &crate::model::roster::Feed,
    text: &str,
) -> std::io::Result<()> {
    agree_to_feed(root, feed)?;
    atomic::write_note(&feed_copy_path(root, &feed.id), text.as_bytes())
}

/// Where this desk notes the address it agreed to read the feed `id` from.
fn feed_agreement_path(root: &Path, id: &str) -> PathBuf {
    feed_copy_path(root, id).with_extension("from")
}

/// Whether this desk agreed to read `feed` from its address: it subscribed
/// to it here, was asked and said yes, or read it here before agreements
/// were noted. A feed added to the shared roster on another desk is not
/// read here until then: its address came from the remote, and anyone who
/// can push there could have written it. An address changed elsewhere
/// needs agreeing to again.
pub fn feed_agreed(root: &Path, feed: &crate::model::roster::Feed) -> bool {
    match read_text(&feed_agreement_path(root, &feed.id)) {
        Ok(location) => location.trim() == feed.location.as_str(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            atomic::open_plain(&feed_copy_path(root, &feed.id)).is_ok()
        }
        Err(_) => false,
    }
}

/// Notes that this desk reads `feed` from its address.
pub fn agree_to_feed(root: &Path, feed: &crate::model::roster::Feed) -> std::io::Result<()> {
    let path = feed_agreement_path(root, &feed.id);
    if let Some(folder) = path.parent() {
        atomic::create_private_dir(folder)?;
    }
    atomic::write_note(&path, format!("{}\n", feed.location).as_bytes())
}

/// Who added `feed` to the shared rota, for "added on Dana's desk".
pub fn feed_added_by(feed: &crate::model::roster::Feed) -> &str {
    feed.subscription_edit
        .as_ref()
        .map(|e| e.by.as_str())
        .filter(|by| !by.is_empty())
        .unwrap_or(feed.by.as_str())
}
