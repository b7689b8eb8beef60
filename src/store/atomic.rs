//! Writing a file so that a crash leaves either the old or the new content,
//! and reading the data folder's files without ever following a link.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The suffix that marks a half-written temporary file.
pub const TMP_MARK: &str = ".tmp-";

/// The largest data file Expedite reads: far past any roster or incident a
/// team writes, short of one that would take the machine's memory.
pub const MAX_DATA_FILE: u64 = 64 << 20;

/// Opens `path` for reading as a plain file: never through a symbolic link
/// (the link itself is refused, wherever it points), and never a device, a
/// FIFO or a folder (refused at once, rather than read for ever or waited
/// on).
pub fn open_plain(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    #[cfg(not(unix))]
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(not_plain("a symbolic link"));
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return not_plain("a symbolic link");
        }
        e
    })?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(not_plain(if kind.is_dir() {
            "a folder"
        } else {
            "a device or a pipe"
        }));
    }
    Ok(file)
}

/// Opens a file a person named (an import, which may be reached through a
/// link) for reading: a device, a FIFO or a folder is refused at once
/// rather than read without end or waited on.
pub fn open_named(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            if kind.is_dir() {
                "it is a folder, not a file"
            } else {
                "it is a device or a pipe, not a file"
            },
        ));
    }
    Ok(file)
}

/// The error for a name that is not a plain file.
fn not_plain(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {what}, not a plain file; Expedite never follows links or reads anything else in its folder"
        ),
    )
}

/// Reads `path` as text (see [`open_plain`]), at most `max` bytes: a
/// longer file is refused, not read. A UTF-8 byte order mark at the start
/// (some editors write one) is left out.
pub fn read_plain(path: &Path, max: u64) -> io::Result<String> {
    use std::io::Read as _;
    let file = open_plain(path)?;
    // Sized once from what the file says it holds (bounded), so a file of
    // megabytes costs its size, not twice that in a growing buffer; one
    // that grows meanwhile is still read to the end, within the bound.
    let size = file.metadata().map_or(0, |m| m.len()).min(max + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is over {} MB, more than Expedite reads",
                max.div_ceil(1 << 20)
            ),
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // The bytes become the text in place: no copy.
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text"))
}

/// Writes a small note of the app's own (the sync record, git's set-up)
/// whole or not at all, owner-only; no backup and no wait for the disk.
pub fn write_note(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_beside(path);
    let result = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Opens a new file readable by its owner only.
fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates a folder (and its parents) readable by its owner only.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// A temporary name beside `path`, unique to this process and call.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}{TMP_MARK}{}-{n}", std::process::id()))
}

/// The backup kept of the previous version of `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes` atomically: temp file in the same folder,
/// fsync, keep the old version as `.bak`, rename, fsync the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, Kind::Data)
}

/// Writes a file the person chose (an export), atomically but as an
/// ordinary document: no `.bak` beside it, and readable as their other files
/// are (0644 less the umask; a replaced file keeps its own permissions).
/// A link is written through — the file it names gets the text, the link
/// stays — and a device, a pipe or a folder is refused, never replaced.
pub fn write_document(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => target,
            // A link to a file not there yet: written where it points.
            Err(_) => {
                let to = fs::read_link(path)?;
                path.parent().unwrap_or(Path::new(".")).join(to)
            }
        },
        _ => path.to_path_buf(),
    };
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a file; name a file to write",
                target.display(),
                if meta.is_dir() {
                    "a folder"
                } else {
                    "a device or a pipe"
                }
            ),
        )),
        _ => replace(&target, bytes, Kind::Document),
    }
}

/// What is written: the app's own data, or a document for the person.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Data,
    Document,
}

fn replace(path: &Path, bytes: &[u8], kind: Kind) -> io::Result<()> {
    let tmp = temp_beside(path);
    let result = (|| {
        let mut file = match kind {
            Kind::Data => create_private(&tmp)?,
            Kind::Document => create_document(&tmp, path)?,
        };
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        let plain = fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
        if kind == Kind::Data && plain {
            // Copy rather than rename, so the file itself never goes missing.
            // A link is never followed: the rename below replaces the link.
            let bak_tmp = temp_beside(path);
            fs::copy(path, &bak_tmp)?;
            fs::rename(&bak_tmp, backup_path(path))?;
        }
        fs::rename(&tmp, path)?;
        sync_dir(path.parent().unwrap_or(Path::new(".")))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `tmp` for a document that will replace `path`, with `path`'s
/// permissions when it exists.
fn create_document(tmp: &Path, path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o644);
    }
    let file = options.open(tmp)?;
    if let Ok(old) = fs::metadata(path) {
        file.set_permissions(old.permissions())?;
    }
    Ok(file)
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Removes temporary files left by writers that died mid-write. Call only
/// while holding the write lock, so no live writer's file is touched.
pub fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(TMP_MARK) {
            let _ = fs::remove_file(entry.path());
        }
    }
}
