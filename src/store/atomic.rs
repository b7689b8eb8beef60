//! Writing a file so that a crash leaves either the old or the new content.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The suffix that marks a half-written temporary file.
pub const TMP_MARK: &str = ".tmp-";

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
pub fn write_document(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, Kind::Document)
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
        if kind == Kind::Data && path.exists() {
            // Copy rather than rename, so the file itself never goes missing.
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
