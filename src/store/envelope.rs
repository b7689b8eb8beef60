//! The versioned envelope every data file is wrapped in, and its migrations.
//!
//! ```ron
//! #![enable(implicit_some)]
//! (
//!     format: "expedite/roster",
//!     version: 1,
//!     revision: 4,
//!     data: ( contacts: [ ... ] ),
//! )
//! ```
//! Version 0 is a file with no envelope at all — the bare data, as a person
//! may write a roster by hand. It is read as it stands and wrapped on the
//! next save. A later format change adds a `match` arm to [`Kind::migrate`]
//! that reads the old shape and converts it.

use std::fmt;

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::model::{
    Incident,
    roster::Roster,
    settings::{Desk, Settings},
};

/// The envelope version this build writes and reads natively.
///
/// - 1: the first shared shape.
/// - 2: files that merge across desks: incidents and the roster say when
///   each part was last set (`edits`, `contact_edits`, `office_hours_edit`),
///   and ids name who declared them. A version-1 file reads as it stands
///   (the new fields empty); an older Expedite refuses a version-2 file
///   rather than write it back without them.
pub const CURRENT_VERSION: u32 = 2;

/// A kind of data file.
pub trait Kind: Serialize + DeserializeOwned {
    /// The `format` field, e.g. `expedite/incident`.
    const FORMAT: &'static str;

    /// Merges two versions of the data written on two desks, given their
    /// common ancestor when known (see `merge`); `None` for data that does
    /// not merge (the window's own drafts), or two versions that are not of
    /// the same thing.
    fn merge(_base: Option<&Self>, _ours: &Self, _theirs: &Self) -> Option<(Self, Vec<String>)> {
        None
    }

    /// Reads data written by an older version of Expedite.
    fn migrate(version: u32, text: &str) -> Result<Self, ron::error::SpannedError> {
        match version {
            // No envelope: the bare data.
            0 => options().from_str(text),
            // The same data; what version 2 adds starts empty.
            1 => options().from_str::<EnvelopeIn<Self>>(text).map(|e| e.data),
            _ => unreachable!("only versions older than CURRENT_VERSION are migrated"),
        }
    }
}

impl Kind for Incident {
    const FORMAT: &'static str = "expedite/incident";

    fn merge(base: Option<&Self>, ours: &Self, theirs: &Self) -> Option<(Self, Vec<String>)> {
        // Two incidents declared apart that ended up with one id are two
        // incidents, not two versions of one.
        if !crate::merge::same_incident(ours, theirs) {
            return None;
        }
        Some((crate::merge::merge_incident(base, ours, theirs), Vec::new()))
    }
}

impl Kind for Roster {
    const FORMAT: &'static str = "expedite/roster";

    fn merge(base: Option<&Self>, ours: &Self, theirs: &Self) -> Option<(Self, Vec<String>)> {
        Some(crate::merge::merge_roster(base, ours, theirs))
    }
}

impl Kind for Settings {
    const FORMAT: &'static str = "expedite/settings";

    fn merge(base: Option<&Self>, ours: &Self, theirs: &Self) -> Option<(Self, Vec<String>)> {
        Some(crate::merge::merge_settings(base, ours, theirs))
    }
}

impl Kind for Desk {
    const FORMAT: &'static str = "expedite/desk";
}

/// Why a file's text could not be read as the expected kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The file is empty.
    Empty,
    /// Not valid RON for this kind, at a line and column.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Another kind of Expedite file.
    WrongKind {
        found: String,
        expected: &'static str,
    },
    /// Written by a newer Expedite.
    Newer { version: u32 },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the file is empty"),
            Self::Syntax {
                line,
                column,
                message,
            } => {
                write!(f, "line {line}, column {column}: {message}")
            }
            Self::WrongKind { found, expected } => {
                write!(
                    f,
                    "it holds \"{found}\" data where \"{expected}\" was expected"
                )
            }
            Self::Newer { version } => write!(
                f,
                "it was written by a newer Expedite (format version {version}; this one reads up to {CURRENT_VERSION}) — update Expedite to open it"
            ),
        }
    }
}

impl From<ron::error::SpannedError> for ReadError {
    fn from(e: ron::error::SpannedError) -> Self {
        Self::Syntax {
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }
    }
}

/// What a file says about itself, read without parsing its data.
#[derive(Debug, Default, Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    revision: Option<u64>,
}

#[derive(Deserialize)]
struct EnvelopeIn<T> {
    format: String,
    version: u32,
    #[serde(default)]
    revision: u64,
    data: T,
}

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    format: &'static str,
    version: u32,
    revision: u64,
    data: &'a T,
}

/// Data read from a file, with its revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Read<T> {
    /// The data, in the current shape.
    pub data: T,
    /// The file's revision; 0 for a file without an envelope.
    pub revision: u64,
    /// The version it was migrated from, if it was older.
    pub migrated_from: Option<u32>,
    /// A digest of the file's text: how a store tells that a file changed,
    /// whatever its revision says (a `git pull`, a synced folder, a hand edit).
    pub digest: u64,
}

/// A digest of a file's text, to tell whether it changed (not a secure hash:
/// nobody gains from making two versions of their own file look alike).
pub fn digest(text: &str) -> u64 {
    // FNV-style, eight bytes at a time: fast enough to run on every file read.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ text.len() as u64;
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        h = (h ^ word).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 31)
}

fn options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Reads only a file's revision and version, cheaply enough to check before every write.
pub fn peek<T: Kind>(text: &str) -> Result<(u32, u64), ReadError> {
    let h = header::<T>(text)?;
    Ok((h.version.unwrap_or(0), h.revision.unwrap_or(0)))
}

fn header<T: Kind>(text: &str) -> Result<Header, ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let h: Header = options().from_str(text)?;
    match (&h.format, h.version) {
        (Some(found), _) if found != T::FORMAT => Err(ReadError::WrongKind {
            found: found.clone(),
            expected: T::FORMAT,
        }),
        (_, Some(v)) if v > CURRENT_VERSION => Err(ReadError::Newer { version: v }),
        _ => Ok(h),
    }
}

/// Reads a file's text as data of kind `T`, migrating older versions.
pub fn read<T: Kind>(text: &str) -> Result<Read<T>, ReadError> {
    // The common case in one pass: a current file of the expected kind.
    if let Ok(e) = options().from_str::<EnvelopeIn<T>>(text)
        && e.format == T::FORMAT
        && e.version == CURRENT_VERSION
    {
        return Ok(Read {
            data: e.data,
            revision: e.revision,
            migrated_from: None,
            digest: digest(text),
        });
    }
    // Anything else: find out what it is, to migrate it or say precisely what is wrong.
    let h = header::<T>(text)?;
    let revision = h.revision.unwrap_or(0);
    match (h.format, h.version) {
        (Some(_), Some(CURRENT_VERSION)) => {
            let e: EnvelopeIn<T> = options().from_str(text)?;
            Ok(Read {
                data: e.data,
                revision,
                migrated_from: None,
                digest: digest(text),
            })
        }
        (None, None) => Ok(Read {
            data: T::migrate(0, text)?,
            revision,
            migrated_from: Some(0),
            digest: digest(text),
        }),
        (Some(_), Some(v)) => Ok(Read {
            data: T::migrate(v, text)?,
            revision,
            migrated_from: Some(v),
            digest: digest(text),
        }),
        _ => Err(ReadError::Syntax {
            line: 1,
            column: 1,
            message: "the envelope needs both `format` and `version`".to_owned(),
        }),
    }
}

/// Writes data of kind `T` in the current envelope with the given revision.
pub fn write<T: Kind>(data: &T, revision: u64) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .indentor("\t")
        .depth_limit(4)
        .extensions(Extensions::IMPLICIT_SOME);
    let envelope = EnvelopeOut {
        format: T::FORMAT,
        version: CURRENT_VERSION,
        revision,
        data,
    };
    let mut text = ron::ser::to_string_pretty(&envelope, config)?;
    text.push('\n');
    Ok(text)
}
