//! The contact roster: who can be called, in which role, and how.
//!
//! The out-of-hours rota will live beside the contacts in [`Roster`]; new
//! fields are added with serde defaults so older roster files still load.

use serde::{Deserialize, Serialize};

use super::incident::Role;

/// A phone number with what it is ("mobile", "desk").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// What the number is.
    pub label: String,
    /// The number as dialled, e.g. `+44 7700 900123`.
    pub number: String,
}

/// A person who may be called during an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name; also how incidents refer to them.
    pub name: String,
    /// What they can do on an incident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Their team.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub team: String,
    /// Their numbers, most useful first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Chat handle, e.g. `@sam`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<String>,
    /// IANA time zone, e.g. `Europe/London`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Anything else worth knowing at 3 a.m.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// Everyone who may be called, and (later) who covers when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    /// The contacts, in the order the team keeps them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

impl Roster {
    /// The contact with this name (case-insensitive), if any.
    pub fn find(&self, name: &str) -> Option<&Contact> {
        let name = name.trim();
        self.contacts
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Everyone who can take a role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Contact> {
        self.contacts
            .iter()
            .filter(move |c| c.roles.contains(&role))
    }
}
