//! The two OS locks: one window per data folder, one writer at a time.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// How long a writer waits for another to finish before giving up.
pub const WRITE_WAIT: Duration = Duration::from_secs(5);

fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Held by the window for its whole life.
#[derive(Debug)]
pub struct InstanceLock {
    _file: Option<File>,
}

/// Why the instance lock was not taken.
#[derive(Debug)]
pub enum InstanceLockError {
    /// Another window holds it; its process id when known.
    Held(Option<u32>),
    /// The lock file could not be opened or locked.
    Io(io::Error),
}

impl InstanceLock {
    /// No lock: for a folder nothing is written to (a read-only one),
    /// where there is nothing for two windows to write over.
    pub fn none() -> Self {
        Self { _file: None }
    }

    /// Takes the instance lock at `path`, or says who holds it.
    pub fn acquire(path: &Path) -> Result<Self, InstanceLockError> {
        let mut file = open_lock_file(path).map_err(InstanceLockError::Io)?;
        match file.try_lock() {
            Ok(()) => {
                // Advisory: the pid only helps the next window's message.
                let _ = file.set_len(0);
                let _ = file.rewind();
                let _ = write!(file, "{}", std::process::id());
                let _ = file.sync_all();
                Ok(Self { _file: Some(file) })
            }
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                Err(InstanceLockError::Held(text.trim().parse().ok()))
            }
            Err(TryLockError::Error(e)) => Err(InstanceLockError::Io(e)),
        }
    }
}

/// Held by a writer only while it checks revisions and writes.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Waits (a few seconds at most) for the write lock at `path`.
    pub fn acquire(path: &Path) -> io::Result<Self> {
        let file = open_lock_file(path)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(TryLockError::WouldBlock) if start.elapsed() < WRITE_WAIT => {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "another Expedite has been writing for over {} s",
                            WRITE_WAIT.as_secs()
                        ),
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
    }
}
