//! Changes to the roster: contacts, office hours, the rota, and imports.
//! Each is checked first; a refused change leaves the roster as it was.

use smol_str::SmolStr;

use super::{CommandError, Effect};
use crate::model::roster::{Contact, Feed, OfficeHours, Override, Roster, Rotation, Shift};

/// One change to the roster.
#[derive(Clone, Debug, PartialEq)]
pub enum RosterChange {
    /// Add a contact, or replace the one named `replacing`.
    SaveContact {
        /// The name the contact had before this edit; `None` adds.
        replacing: Option<SmolStr>,
        /// The contact as it should be.
        contact: Contact,
    },
    /// Take a contact off the roster.
    RemoveContact { name: SmolStr },
    /// Set (or clear) the team's office hours.
    SetOfficeHours(Option<OfficeHours>),
    /// Add a weekly rotation.
    AddRotation(Rotation),
    /// Remove the rotation with this name.
    RemoveRotation { name: SmolStr },
    /// Add a shift.
    AddShift(Shift),
    /// Remove this shift.
    RemoveShift(Shift),
    /// Add an override.
    AddOverride(Override),
    /// Remove this override.
    RemoveOverride(Override),
    /// Merge contacts and shifts read from a file (see `interop::import`).
    Import {
        /// Contacts to add or update.
        contacts: Vec<Contact>,
        /// Shifts to add.
        shifts: Vec<Shift>,
        /// The feed the shifts come from: its earlier shifts for the period
        /// it covers are replaced.
        feed: Option<Feed>,
    },
    /// Subscribe to a feed already read (refreshed from its address by
    /// itself), or leave it (its shifts stay; it is read no more).
    Subscribe {
        /// The feed's id.
        feed: SmolStr,
        /// Subscribe (true) or leave (false).
        on: bool,
    },
}

/// Applies one roster change.
pub(super) fn apply(
    roster: &mut Roster,
    change: RosterChange,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Effect>, CommandError> {
    use RosterChange::*;
    let bad = CommandError::Roster;
    match change {
        SaveContact {
            replacing,
            mut contact,
        } => {
            contact.name = contact.name.trim().into();
            // Letters in a number are refused as typed (its extension
            // apart), before anything could read "555-CALL-NOW" as digits.
            let mut typed = contact.clone();
            for phone in &mut typed.phones {
                let (number, _) = crate::model::phone::split_extension(&phone.number);
                phone.number = number.into();
            }
            typed.check()?;
            let country = roster.phone_country().map(str::to_owned);
            contact.keep_numbers_international(country.as_deref());
            for phone in contact.phones.iter().filter(|p| p.number.starts_with('+')) {
                crate::model::phone::check_possible(&phone.number).map_err(|why| {
                    bad(format!(
                        "{}'s number {} {why}.",
                        contact.name,
                        crate::model::phone::show(&phone.number)
                    ))
                })?;
            }
            contact.check()?;
            let at = match &replacing {
                Some(old) => Some(
                    roster
                        .contacts
                        .iter()
                        .position(|c| c.name.eq_ignore_ascii_case(old))
                        .ok_or_else(|| unknown(old))?,
                ),
                None => None,
            };
            let clash = roster
                .contacts
                .iter()
                .enumerate()
                .any(|(i, c)| Some(i) != at && c.name.eq_ignore_ascii_case(&contact.name));
            if clash {
                return Err(bad(format!(
                    "{} is already on the roster. Edit that contact, or tell the two apart (e.g. add a surname).",
                    contact.name
                )));
            }
            match at {
                Some(i) => {
                    let old = std::mem::replace(&mut roster.contacts[i], contact);
                    rename_in_rota(roster, &old.name, &roster.contacts[i].name.clone());
                }
                None => roster.contacts.push(contact),
            }
        }
        RemoveContact { name } => {
            if !remove(&mut roster.contacts, |c| c.name.eq_ignore_ascii_case(&name)) {
                return Err(unknown(&name));
            }
        }
        SetOfficeHours(hours) => {
            if let Some(h) = &hours {
                h.check()?;
            }
            roster.office_hours = hours;
            // Numbers kept as written for want of a country get the
            // office's now (the form says how many before it is saved).
            let country = roster.phone_country().map(str::to_owned);
            for contact in &mut roster.contacts {
                contact.keep_numbers_international(country.as_deref());
            }
        }
        AddRotation(rotation) => {
            rotation.check()?;
            if roster
                .rota
                .rotations
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(&rotation.name))
            {
                return Err(bad(format!(
                    "There is already a rotation called \"{}\". Give this one another name.",
                    rotation.name
                )));
            }
            roster.rota.rotations.push(rotation);
        }
        RemoveRotation { name } => {
            if !remove(&mut roster.rota.rotations, |r| {
                r.name.eq_ignore_ascii_case(&name)
            }) {
                return Err(bad(format!("There is no rotation called \"{name}\".")));
            }
        }
        AddShift(shift) => {
            shift.check()?;
            if !roster.rota.shifts.contains(&shift) {
                roster.rota.shifts.push(shift);
            }
        }
        RemoveShift(shift) => {
            if !remove(&mut roster.rota.shifts, |s| *s == shift) {
                return Err(bad("That shift is no longer on the rota.".into()));
            }
        }
        AddOverride(o) => {
            o.check()?;
            if !roster.rota.overrides.contains(&o) {
                roster.rota.overrides.push(o);
            }
        }
        RemoveOverride(o) => {
            if !remove(&mut roster.rota.overrides, |x| *x == o) {
                return Err(bad("That cover is no longer on the rota.".into()));
            }
        }
        Import {
            contacts,
            shifts,
            feed,
        } => {
            for c in &contacts {
                c.check()?;
            }
            for s in &shifts {
                s.check()?;
            }
            roster.merge(contacts, shifts, feed);
        }
        Subscribe { feed, on } => {
            let Some(f) = roster.rota.feeds.iter_mut().find(|f| f.id == feed) else {
                return Err(bad(
                    "That feed is not on the rota (any more). Import it from its address to subscribe."
                        .into(),
                ));
            };
            if on && crate::web::feed_address(&f.location).is_none() {
                return Err(bad(format!(
                    "\"{}\" was read from a file ({}): only a feed's address (https:// or webcal://) can be subscribed to. Import it from its address.",
                    f.name, f.location
                )));
            }
            if f.subscribed == on {
                return Err(bad(format!(
                    "\"{}\" is {} already.",
                    f.name,
                    if on {
                        "subscribed to"
                    } else {
                        "not subscribed to"
                    }
                )));
            }
            f.subscribed = on;
            f.subscription_edit = Some(crate::model::incident::Edit {
                at: now,
                by: actor.to_owned(),
            });
        }
    }
    Ok(vec![Effect::SaveRoster])
}

/// Removes the items that `gone` picks; whether there were any.
fn remove<T>(list: &mut Vec<T>, mut gone: impl FnMut(&T) -> bool) -> bool {
    let before = list.len();
    list.retain(|item| !gone(item));
    list.len() < before
}

/// A renamed contact keeps their shifts, turns and covers.
fn rename_in_rota(roster: &mut Roster, old: &str, new: &SmolStr) {
    if old == new.as_str() {
        return;
    }
    let rename = |name: &mut SmolStr| {
        if name.eq_ignore_ascii_case(old) {
            *name = new.clone();
        }
    };
    let rota = &mut roster.rota;
    rota.shifts.iter_mut().for_each(|s| rename(&mut s.who));
    for r in &mut rota.rotations {
        r.people.iter_mut().for_each(rename);
    }
    for o in &mut rota.overrides {
        rename(&mut o.who);
        if let Some(name) = &mut o.covers_for {
            rename(name);
        }
    }
}

fn unknown(name: &str) -> CommandError {
    CommandError::Roster(format!(
        "{name} is not on the roster (any more). Search the contacts to check the name."
    ))
}
