//! Channel secrets in the desktop's keyring: the freedesktop Secret Service
//! (GNOME Keyring, KWallet, KeePassXC), spoken to over the session bus with
//! the secret encrypted on its way.
//!
//! Each secret is one item in the default collection (the one the desktop
//! unlocks at log-in), found by three attributes: the schema, the data folder
//! it belongs to (one desk may keep more than one) and the channel's name.
//! A keyring that is locked asks the person to unlock it, as the desktop
//! does for any program; a desk with no Secret Service, or with only the
//! in-memory "session" collection, has no keyring: its secrets stay in an
//! owner-only file instead.

use std::collections::HashMap;
use std::path::Path;

use secret_service::blocking::SecretService;
use secret_service::{EncryptionType, Error};

/// The schema attribute, as libsecret names it, so that a keyring browser
/// (Seahorse) shows whose items these are.
const SCHEMA: &str = "app.expedite.Channel";

/// Set `EXPEDITE_SECRETS=file` to keep secrets in `connections.ron` even
/// where there is a keyring.
pub const CHOICE_VAR: &str = "EXPEDITE_SECRETS";

fn attributes<'a>(folder: &'a str, channel: &'a str) -> HashMap<&'a str, &'a str> {
    HashMap::from([
        ("xdg:schema", SCHEMA),
        ("expedite-data", folder),
        ("expedite-channel", channel),
    ])
}

/// The data folder as the keyring knows it: its full path.
fn folder(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

/// Why the keyring could not be used: a kind, worded where it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyringError {
    /// `EXPEDITE_SECRETS=file` asks for the file.
    FileChosen,
    /// The keyring is locked.
    Locked,
    /// Unlocking it was cancelled.
    Cancelled,
    /// Its prompt closed before it was answered.
    PromptClosed,
    /// It has no default collection to keep secrets in.
    NoCollection,
    /// The desktop has no Secret Service.
    NoService,
    /// No keyring is running.
    NotRunning,
    /// The item kept is not text.
    NotText,
    /// Anything else, as the Secret Service said it.
    Other(String),
}

impl std::fmt::Display for KeyringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FileChosen => write!(f, "{CHOICE_VAR}=file asks for the file"),
            Self::Locked => f.write_str("the keyring is locked"),
            Self::Cancelled => f.write_str("unlocking the keyring was cancelled"),
            Self::PromptClosed => f.write_str("the keyring's prompt closed before it was answered"),
            Self::NoCollection => {
                f.write_str("the keyring has no default collection to keep it in")
            }
            Self::NoService => f.write_str("there is no Secret Service on this desktop"),
            Self::NotRunning => f.write_str("no keyring is running on this desktop"),
            Self::NotText => f.write_str("the keyring's item is not text"),
            Self::Other(said) => f.write_str(said),
        }
    }
}

fn said(e: Error) -> KeyringError {
    match e {
        Error::Locked => KeyringError::Locked,
        Error::Prompt => KeyringError::Cancelled,
        Error::PromptDisconnected => KeyringError::PromptClosed,
        Error::NoResult => KeyringError::NoCollection,
        Error::Unavailable => KeyringError::NoService,
        other => {
            let text = other.to_string();
            if text.contains("ServiceUnknown") || text.contains("NameHasNoOwner") {
                KeyringError::NotRunning
            } else {
                KeyringError::Other(text)
            }
        }
    }
}

fn connect<'a>() -> Result<SecretService<'a>, KeyringError> {
    if std::env::var(CHOICE_VAR).is_ok_and(|v| v.eq_ignore_ascii_case("file")) {
        return Err(KeyringError::FileChosen);
    }
    SecretService::connect(EncryptionType::Dh).map_err(said)
}

/// Keeps `secret` for `channel` of the data folder `root`, replacing the one
/// kept before. `Err` says why the keyring could not take it.
pub fn store(root: &Path, channel: &str, label: &str, secret: &str) -> Result<(), KeyringError> {
    let service = connect()?;
    let collection = service.get_default_collection().map_err(said)?;
    collection.ensure_unlocked().map_err(said)?;
    let folder = folder(root);
    collection
        .create_item(
            label,
            attributes(&folder, channel),
            secret.as_bytes(),
            true,
            "text/plain",
        )
        .map_err(said)?;
    Ok(())
}

/// The secret kept for `channel`: `Ok(None)` when the keyring has none.
pub fn fetch(root: &Path, channel: &str) -> Result<Option<String>, KeyringError> {
    let service = connect()?;
    let folder = folder(root);
    let found = service
        .search_items(attributes(&folder, channel))
        .map_err(said)?;
    let item = match (found.unlocked.first(), found.locked.first()) {
        (Some(item), _) => item,
        (None, Some(item)) => {
            item.unlock().map_err(said)?;
            item
        }
        (None, None) => return Ok(None),
    };
    let secret = item.get_secret().map_err(said)?;
    String::from_utf8(secret)
        .map(Some)
        .map_err(|_| KeyringError::NotText)
}

/// Forgets the secret kept for `channel`; nothing to forget is fine.
pub fn forget(root: &Path, channel: &str) -> Result<(), KeyringError> {
    let service = connect()?;
    let folder = folder(root);
    let found = service
        .search_items(attributes(&folder, channel))
        .map_err(said)?;
    for item in found.unlocked.iter().chain(&found.locked) {
        item.delete().map_err(said)?;
    }
    Ok(())
}
