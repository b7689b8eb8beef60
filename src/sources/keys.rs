//! This desk's keys for a metric, kept like a channel's secret: in the
//! desktop's keyring when there is one, else in `connections.ron`, which
//! only this desk's owner may read and which never leaves the desk.

use std::path::Path;

use super::Keys;
use crate::model::metric::Source;
use crate::post::keyring::KeyringError;
use crate::post::{
    Connections, Kept, LocalError, connections_path, keyring, read_local, write_local,
};

/// Why this desk's keys for a metric could not be kept, read or forgotten:
/// a kind, worded where it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeysError {
    /// The desk's own file (`connections.ron`).
    Desk(LocalError),
    /// The key is in the keyring, which could not be read.
    Unreadable(KeyringError),
    /// The keyring no longer holds the key.
    Gone,
    /// The keyring could not forget it.
    NotForgotten(KeyringError),
}

impl std::fmt::Display for KeysError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Desk(e) => write!(f, "{e}"),
            Self::Unreadable(why) => write!(
                f,
                "the metric's key is in the desktop's keyring, which could not be read: {why} — start or unlock the keyring, or give the key again"
            ),
            Self::Gone => f.write_str(
                "the desktop's keyring no longer holds the metric's key — give it again",
            ),
            Self::NotForgotten(why) => write!(f, "{why}"),
        }
    }
}

impl From<LocalError> for KeysError {
    fn from(e: LocalError) -> Self {
        Self::Desk(e)
    }
}

/// The words, for the terminal's messages.
impl From<KeysError> for String {
    fn from(e: KeysError) -> Self {
        e.to_string()
    }
}

/// The keyring's name for an incident's metric keys.
fn item(incident: &str) -> String {
    format!("metric {incident}")
}

/// Keeps `keys` for `incident`'s metric, replacing any kept before.
pub fn keep(root: &Path, incident: &str, keys: &Keys) -> Result<Kept, KeysError> {
    let path = connections_path(root);
    let mut connections: Connections = read_local(&path)?;
    let secret = serde_json::json!({"token": keys.token, "app_key": keys.app_key}).to_string();
    let label = format!("Expedite: the metric of {incident}");
    let kept = match keyring::store(root, &item(incident), &label, &secret) {
        Ok(()) => {
            connections.metric_keys.insert(
                incident.to_owned(),
                Keys {
                    origin: keys.origin.clone(),
                    ..Keys::default()
                },
            );
            connections
                .metric_keys_in_keyring
                .insert(incident.to_owned());
            Kept::Keyring
        }
        Err(why) => {
            connections
                .metric_keys
                .insert(incident.to_owned(), keys.clone());
            connections.metric_keys_in_keyring.remove(incident);
            Kept::File { why }
        }
    };
    write_local(&path, &connections)?;
    if let Kept::File { .. } = kept {
        let _ = keyring::forget(root, &item(incident));
    }
    Ok(kept)
}

/// The keys this desk keeps for `incident`'s metric: none (empty) when it
/// has none. `Err` says why the keyring could not be read.
pub fn fetch(root: &Path, incident: &str) -> Result<Keys, KeysError> {
    let connections: Connections = read_local(&connections_path(root))?;
    from(&connections, root, incident)
}

/// As [`fetch`], from connections already read.
pub fn from(connections: &Connections, root: &Path, incident: &str) -> Result<Keys, KeysError> {
    let Some(mut keys) = connections.metric_keys.get(incident).cloned() else {
        return Ok(Keys::default());
    };
    if connections.metric_keys_in_keyring.contains(incident) {
        let secret = keyring::fetch(root, &item(incident))
            .map_err(KeysError::Unreadable)?
            .ok_or(KeysError::Gone)?;
        let value: serde_json::Value = serde_json::from_str(&secret).unwrap_or_default();
        keys.token = value["token"].as_str().unwrap_or_default().to_owned();
        keys.app_key = value["app_key"].as_str().unwrap_or_default().to_owned();
    }
    Ok(keys)
}

/// Forgets the keys kept for `incident`'s metric, and that this desk
/// agreed to read it.
pub fn forget(root: &Path, incident: &str) -> Result<(), KeysError> {
    let path = connections_path(root);
    let mut connections: Connections = read_local(&path)?;
    let had = connections.metric_keys.remove(incident).is_some();
    let in_keyring = connections.metric_keys_in_keyring.remove(incident);
    let agreed = connections.metric_sources.remove(incident).is_some();
    if had || agreed {
        write_local(&path, &connections)?;
    }
    if in_keyring {
        keyring::forget(root, &item(incident)).map_err(KeysError::NotForgotten)?;
    }
    Ok(())
}

/// Whether this desk agreed to read `source` for `incident`'s metric: it
/// was connected here (or agreed to) as it stands now. A source set up on
/// another desk came through the shared folder, which anyone with push
/// access writes: until this desk agrees, nothing is asked of its address.
/// A desk that kept a key for the source's own address before agreements
/// were noted had connected it here.
pub fn agreed(connections: &Connections, incident: &str, source: &Source) -> bool {
    match connections.metric_sources.get(incident) {
        Some(identity) => *identity == source.identity(),
        None => connections
            .metric_keys
            .get(incident)
            .is_some_and(|k| !k.origin.is_empty() && k.origin == super::origin(&source.url)),
    }
}

/// Notes that this desk reads `source` for `incident`'s metric.
pub fn agree(root: &Path, incident: &str, source: &Source) -> Result<(), KeysError> {
    let path = connections_path(root);
    let mut connections: Connections = read_local(&path)?;
    let identity = source.identity();
    if connections.metric_sources.get(incident) == Some(&identity) {
        return Ok(());
    }
    connections
        .metric_sources
        .insert(incident.to_owned(), identity);
    write_local(&path, &connections).map_err(KeysError::from)
}
