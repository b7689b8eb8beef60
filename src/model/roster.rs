//! The contact roster and the out-of-hours rota: who can be called, in which
//! role, how, and who covers each role at a given instant.
//!
//! Times are resolved the way on-call tools learned to (GoAlert's rules): a
//! local start time that happens twice when clocks go back uses its first
//! occurrence, a local end time its last, and a local time that does not exist
//! when clocks go forward moves to the first valid instant after it. A weekly
//! hand-off at 09:00 local stays at 09:00 local across the change.
//!
//! New fields carry serde defaults so older roster files still load.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use std::collections::{BTreeMap, HashMap, HashSet};

use super::incident::{Edit, Role};
use crate::time::{self, Edge};

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
    /// The extension to ask for once through, if any.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub extension: SmolStr,
}

/// An email address with what it is ("work", "home").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// What the address is.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub label: SmolStr,
    /// The address, e.g. `sam@example.com`.
    pub address: SmolStr,
}

/// A person who may be called during an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name; also how incidents refer to them.
    pub name: SmolStr,
    /// What they can do on an incident.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub roles: Vec<Role>,
    /// Their team.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub team: SmolStr,
    /// Their numbers, most useful first.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub phones: Vec<Phone>,
    /// Email address: the one mail goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<SmolStr>,
    /// Their other addresses (a feed may name them by any).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub more_emails: Vec<Email>,
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

/// Everyone who may be called, the team's office hours and who covers when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    /// The contacts, in the order the team keeps them.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub contacts: Vec<Contact>,
    /// When the team is at work; outside them is "out of hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_hours: Option<OfficeHours>,
    /// Who covers which role when.
    #[serde(default, skip_serializing_if = "Rota::is_empty")]
    pub rota: Rota,
    /// When each contact (by name, in lower case) was last changed, and by
    /// whom: what decides which value stays when two desks change the same
    /// contact (see `merge`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contact_edits: BTreeMap<SmolStr, Edit>,
    /// When the office hours were last changed, and by whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_hours_edit: Option<Edit>,
}

/// The team's working week in its own time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: SmolStr,
    /// The working days.
    pub days: Vec<Weekday>,
    /// When the working day starts, local time.
    pub start: NaiveTime,
    /// When it ends, local time.
    pub end: NaiveTime,
    /// Days off for everyone (bank holidays), local dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
    /// The office's country (ISO 3166-1, e.g. `GB`), where a number written
    /// without `+` is read; by default the country of its time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<SmolStr>,
}

impl Default for OfficeHours {
    fn default() -> Self {
        Self {
            time_zone: "Europe/London".into(),
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(17, 30, 0).expect("valid time"),
            holidays: Vec::new(),
            country: None,
        }
    }
}

/// One person covering one role from one instant to another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shift {
    /// The person, as on the roster.
    pub who: SmolStr,
    /// The role they cover.
    pub role: Role,
    /// When the shift starts.
    pub start: DateTime<Utc>,
    /// When it ends (exclusive).
    pub end: DateTime<Utc>,
    /// The feed it came from ([`Feed::id`]); a new import of that feed
    /// replaces what it gave before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SmolStr>,
}

/// An on-call feed the rota has shifts from: a file imported, or a
/// calendar subscribed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// What its shifts carry as their source.
    pub id: SmolStr,
    /// What people call it: the calendar's own name, else its file name.
    pub name: SmolStr,
    /// Where it was read from: a path, or the address subscribed to.
    pub location: SmolStr,
    /// Some of its event UIDs, to know the feed again under another name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uids: Vec<SmolStr>,
    /// When it was last read.
    pub read: DateTime<Utc>,
    /// Who read it.
    #[serde(default, skip_serializing_if = "SmolStr::is_empty")]
    pub by: SmolStr,
    /// The period its last reading covered starts here: shifts of this
    /// feed that end after it are the ones a new reading replaces (earlier
    /// ones stay as the record of who was on call).
    pub from: DateTime<Utc>,
    /// Where its repeating shifts stop being filled in, when they go on
    /// past it: the rota has this feed's cover up to here only, until the
    /// feed is read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// Whether it is refreshed from its address by itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub subscribed: bool,
    /// The role its shifts were imported as, when one was given for the
    /// whole feed: a refresh reads it the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Whose shifts it holds, when it names nobody itself (a personal feed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whose: Option<SmolStr>,
    /// When someone last subscribed to it or left it (with who), so two
    /// desks' versions of the feed merge to the later word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_edit: Option<Edit>,
}

impl Rota {
    /// The feeds refreshed from their address by themselves.
    pub fn subscribed(&self) -> impl Iterator<Item = &Feed> {
        self.feeds.iter().filter(|f| f.subscribed)
    }
}

impl Feed {
    /// How long before its filled-in repeats end a feed is to be read
    /// again (and the window says so).
    pub const RUNS_OUT_WARNING: i64 = 14;

    /// Whether its filled-in repeats end within [`Self::RUNS_OUT_WARNING`]
    /// days of `now` (or have ended).
    pub fn runs_out_soon(&self, now: DateTime<Utc>) -> bool {
        self.until
            .is_some_and(|until| until - now < Duration::days(Self::RUNS_OUT_WARNING))
    }

    /// What decides which of two desks' versions of this feed stays: the
    /// later reading or subscription change (then the rest of it, so the
    /// choice is the same whichever desk merges).
    pub fn merge_key(&self) -> (DateTime<Utc>, String) {
        let changed = self
            .subscription_edit
            .as_ref()
            .map_or(self.read, |e| e.at.max(self.read));
        (changed, format!("{self:?}"))
    }
}

/// People taking a role in turn, a week each, handing off at a local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// What the team calls it, e.g. "Web developers".
    pub name: SmolStr,
    /// The role it covers.
    pub role: Role,
    /// Who takes a turn, in order.
    pub people: Vec<SmolStr>,
    /// The day of the hand-off.
    pub hand_off_day: Weekday,
    /// The local time of the hand-off.
    pub hand_off_time: NaiveTime,
    /// The zone the hand-off time is in.
    pub time_zone: SmolStr,
    /// The first person's turn starts at the first hand-off on or after this day.
    pub starts: NaiveDate,
}

/// Someone covering for someone else (or for the whole role) for a while;
/// overrides win over shifts and rotations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Override {
    /// Who covers.
    pub who: SmolStr,
    /// Whom they cover for; `None` means everyone in the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers_for: Option<SmolStr>,
    /// The role.
    pub role: Role,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends (exclusive).
    pub end: DateTime<Utc>,
}

/// Every shift, rotation and override.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rota {
    /// Explicit shifts (typed in, or imported from an on-call feed).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub shifts: Vec<Shift>,
    /// Weekly rotations.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub rotations: Vec<Rotation>,
    /// Cover swapped for a while.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::exact::list"
    )]
    pub overrides: Vec<Override>,
    /// The feeds shifts were imported from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feeds: Vec<Feed>,
}

impl Rota {
    /// Whether nothing is scheduled at all.
    pub fn is_empty(&self) -> bool {
        self.shifts.is_empty()
            && self.rotations.is_empty()
            && self.overrides.is_empty()
            && self.feeds.is_empty()
    }

    /// Whether anything is scheduled for this role.
    pub fn covers(&self, role: Role) -> bool {
        self.shifts.iter().any(|s| s.role == role)
            || self.rotations.iter().any(|r| r.role == role)
            || self.overrides.iter().any(|o| o.role == role)
    }
}

/// One person on call, and until when as far as the rota knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnCall {
    /// Their name, as the rota gives it.
    pub who: SmolStr,
    /// When their cover ends, if the rota says.
    pub until: Option<DateTime<Utc>>,
}

/// Who covers a role now, and who takes over next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cover {
    /// Everyone covering now (several people may share a role).
    pub now: Vec<OnCall>,
    /// The next change: when, and who covers from then (maybe nobody).
    pub next: Option<(DateTime<Utc>, Vec<SmolStr>)>,
}

/// What is wrong with a roster entry; its words (`Display`) say how to put
/// it right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterError {
    /// Not a time zone (the name given).
    UnknownZone(String),
    /// Not a country's two-letter code.
    NotACountry(String),
    /// Office hours on no day.
    NoWorkingDays,
    /// A working day that ends before it starts.
    DayEndsBeforeStart { start: NaiveTime, end: NaiveTime },
    /// A rotation without a name.
    UnnamedRotation,
    /// A rotation with nobody in it (its name).
    EmptyRotation(String),
    /// A shift or cover naming nobody.
    NobodyCovers,
    /// A shift or a cover that ends before it starts.
    CoverEndsBeforeStart {
        cover: bool,
        who: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// A name that is not on the roster, and the nearest that is.
    NotOnRoster {
        name: String,
        nearest: Option<String>,
    },
    /// A contact without a name.
    Unnamed,
    /// A name longer than [`super::NAME_MAX`] (its length).
    NameTooLong(usize),
    /// A name with a tab or a line break in it.
    NameNotOneLine(String),
    /// A number that can't be dialled: whose, the number, what is wrong.
    BadNumber {
        who: String,
        number: String,
        why: NumberError,
    },
    /// Not an email address: whose, the text.
    NotAnAddress { who: String, text: String },
    /// A contact's zone that is not a time zone.
    ContactZone { who: String, zone: String },
}

/// What is wrong with a typed phone number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotDigits,
    TooShort,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty. Type the number or remove it.",
            Self::NotDigits => "has letters or symbols in it. Use digits, spaces and a leading +.",
            Self::TooShort => "is too short to dial.",
        })
    }
}

impl std::fmt::Display for RosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let zone = |f: &mut std::fmt::Formatter<'_>, name: &str| match nearest_zone(name) {
            Some(meant) => write!(
                f,
                "\"{name}\" is not a time zone this app knows — did you mean {meant}?"
            ),
            None => write!(
                f,
                "\"{name}\" is not a time zone this app knows. Use an IANA name such as Europe/London or America/New_York."
            ),
        };
        match self {
            Self::UnknownZone(name) => zone(f, name),
            Self::NotACountry(country) => write!(
                f,
                "\"{country}\" is not a country's code. Write its two letters, as GB, US or DE, or leave it empty for the time zone's country."
            ),
            Self::NoWorkingDays => f.write_str("Pick at least one working day."),
            Self::DayEndsBeforeStart { start, end } => write!(
                f,
                "The working day ends ({}) before it starts ({}). Give an end after the start.",
                end.format("%H:%M"),
                start.format("%H:%M")
            ),
            Self::UnnamedRotation => f.write_str("Give the rotation a name."),
            Self::EmptyRotation(name) => write!(
                f,
                "Rotation \"{name}\" has nobody in it. Add the people who take turns."
            ),
            Self::NobodyCovers => f.write_str("Say who covers."),
            Self::CoverEndsBeforeStart {
                cover,
                who,
                start,
                end,
            } => write!(
                f,
                "{} {who} ends ({}) before it starts ({}). Give an end after the start.",
                if *cover {
                    "The cover by"
                } else {
                    "The shift for"
                },
                end.format("%Y-%m-%d %H:%M UTC"),
                start.format("%Y-%m-%d %H:%M UTC")
            ),
            Self::NotOnRoster { name, nearest } => match nearest {
                Some(n) => write!(f, "'{name}' is not on the roster — did you mean {n}?"),
                None => write!(f, "'{name}' is not on the roster."),
            },
            Self::Unnamed => f.write_str("Give the contact a name."),
            Self::NameTooLong(length) => write!(
                f,
                "A contact's name is {length} characters long; a name takes at most {} — shorten it.",
                super::NAME_MAX
            ),
            Self::NameNotOneLine(name) => write!(
                f,
                "\"{name}\" holds control characters (a tab, a line break) — type the name on one line."
            ),
            Self::BadNumber { who, number, why } => {
                write!(f, "{who}'s number \"{number}\" {why}")
            }
            Self::NotAnAddress { who, text } => write!(
                f,
                "{who}'s email \"{text}\" is not an address. Write it as name@example.com, with nothing after it."
            ),
            Self::ContactZone { who, zone: name } => {
                write!(f, "{who}: ")?;
                zone(f, name)
            }
        }
    }
}

impl std::error::Error for RosterError {}

/// The IANA zone a person most likely meant by a city or a zone written
/// in the wrong case: "London" or "europe/london" → Europe/London, "new
/// york" → America/New_York. `None` when no zone is named so.
pub fn nearest_zone(name: &str) -> Option<&'static str> {
    let typed = name.trim().replace(' ', "_");
    if typed.is_empty() || typed.len() > 64 {
        return None;
    }
    let zones = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    let mut whole = zones.clone().filter(|z| z.eq_ignore_ascii_case(&typed));
    if let Some(z) = whole.next() {
        return Some(z);
    }
    // A city: the last part of a zone's name, preferring a canonical
    // Continent/City over a legacy alias.
    zones
        .filter(|z| {
            z.rsplit('/')
                .next()
                .is_some_and(|city| city.eq_ignore_ascii_case(&typed))
        })
        .min_by_key(|z| {
            (
                !z.contains('/'),
                z.starts_with("US/") || z.starts_with("Etc/"),
                z.len(),
            )
        })
}

/// A time zone from its IANA name.
pub fn zone(name: &str) -> Result<Tz, RosterError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| RosterError::UnknownZone(name.trim().to_owned()))
}

/// The instant a local start time means: the first of two when clocks go
/// back, the first valid instant after it when it does not exist.
pub fn start_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    time::instant(&tz, local, Edge::Start)
}

/// The instant a local end time means: the last of two when clocks go back,
/// the first valid instant after it when it does not exist.
pub fn end_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    time::instant(&tz, local, Edge::End)
}

impl OfficeHours {
    /// What is wrong with these hours, if anything.
    pub fn check(&self) -> Result<(), RosterError> {
        zone(&self.time_zone)?;
        if let Some(country) = &self.country
            && !super::phone::is_country(country)
        {
            return Err(RosterError::NotACountry(country.to_string()));
        }
        if self.days.is_empty() {
            return Err(RosterError::NoWorkingDays);
        }
        if self.end <= self.start {
            return Err(RosterError::DayEndsBeforeStart {
                start: self.start,
                end: self.end,
            });
        }
        Ok(())
    }

    /// Whether the office works on this local date: one of its days, not a holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.days.contains(&day.weekday()) && !self.holidays.contains(&day)
    }

    /// Whether `at` falls inside office hours. Hours with an unknown zone
    /// count as UTC rather than as never open.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let tz = zone(&self.time_zone).unwrap_or(Tz::UTC);
        let local = at.with_timezone(&tz).naive_local();
        let day = local.date();
        if !self.is_working_day(day) {
            return false;
        }
        let opens = start_instant(tz, day.and_time(self.start));
        let closes = end_instant(tz, day.and_time(self.end));
        opens <= at && at < closes
    }

    /// When office hours next open or close after `at` (within two weeks).
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tz = zone(&self.time_zone).unwrap_or(Tz::UTC);
        let today = at.with_timezone(&tz).date_naive();
        (0..15)
            .filter_map(|n| today.checked_add_days(chrono::Days::new(n)))
            .filter(|d| self.is_working_day(*d))
            .flat_map(|d| {
                [
                    start_instant(tz, d.and_time(self.start)),
                    end_instant(tz, d.and_time(self.end)),
                ]
            })
            .find(|t| *t > at)
    }
}

impl Rotation {
    /// What is wrong with this rotation, if anything.
    pub fn check(&self) -> Result<(), RosterError> {
        if self.name.trim().is_empty() {
            return Err(RosterError::UnnamedRotation);
        }
        if self.people.iter().all(|p| p.trim().is_empty()) {
            return Err(RosterError::EmptyRotation(self.name.to_string()));
        }
        zone(&self.time_zone).map(|_| ())
    }

    /// The local day of turn `n` (0 is the first person's first turn).
    fn turn_day(&self, n: i64) -> NaiveDate {
        let first = self.starts
            + Duration::days(
                (7 + self.hand_off_day.num_days_from_monday() as i64
                    - self.starts.weekday().num_days_from_monday() as i64)
                    % 7,
            );
        first + Duration::weeks(n)
    }

    /// Who has turn `n`, from when until when.
    fn turn(&self, tz: Tz, n: i64) -> (SmolStr, DateTime<Utc>, DateTime<Utc>) {
        let who = self.people[n.rem_euclid(self.people.len() as i64) as usize].clone();
        let start = start_instant(tz, self.turn_day(n).and_time(self.hand_off_time));
        let end = end_instant(tz, self.turn_day(n + 1).and_time(self.hand_off_time));
        (who, start, end)
    }

    /// The turn whose local hand-off day is the latest on or before `at`'s
    /// local day, counted from the first; may be negative before the start.
    fn turn_near(&self, tz: Tz, at: DateTime<Utc>) -> i64 {
        let day = at.with_timezone(&tz).date_naive();
        (day - self.turn_day(0)).num_days().div_euclid(7)
    }

    /// Everyone this rotation has on call at `at` (two people for the hour
    /// that repeats when a hand-off falls in it), with when each turn ends.
    fn on_call(&self, at: DateTime<Utc>) -> Vec<OnCall> {
        let Ok(tz) = zone(&self.time_zone) else {
            return Vec::new();
        };
        if self.people.is_empty() {
            return Vec::new();
        }
        let near = self.turn_near(tz, at);
        (near - 1..=near + 1)
            .filter(|n| *n >= 0)
            .map(|n| self.turn(tz, n))
            .filter(|(_, start, end)| *start <= at && at < *end)
            .map(|(who, _, end)| OnCall {
                who,
                until: Some(end),
            })
            .collect()
    }

    /// Every turn that overlaps `from`..`to`: who, from when, until when.
    pub fn turns(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(SmolStr, DateTime<Utc>, DateTime<Utc>)> {
        let Ok(tz) = zone(&self.time_zone) else {
            return Vec::new();
        };
        if self.people.is_empty() || to <= from {
            return Vec::new();
        }
        let first = self.turn_near(tz, from).max(0);
        let last = self.turn_near(tz, to);
        (first.saturating_sub(1)..=last)
            .filter(|n| *n >= 0)
            .map(|n| self.turn(tz, n))
            .filter(|(_, start, end)| *end > from && *start < to)
            .collect()
    }

    /// The hand-off instants after `at` worth checking for a change.
    fn changes_after(&self, at: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let Ok(tz) = zone(&self.time_zone) else {
            return Vec::new();
        };
        if self.people.is_empty() {
            return Vec::new();
        }
        let near = self.turn_near(tz, at).max(-1);
        (near..=near + 2)
            .filter(|n| *n >= 0)
            .flat_map(|n| {
                let (_, start, end) = self.turn(tz, n);
                [start, end]
            })
            .filter(|t| *t > at)
            .collect()
    }
}

impl Shift {
    /// What is wrong with this shift, if anything.
    pub fn check(&self) -> Result<(), RosterError> {
        check_period(&self.who, self.start, self.end, false)
    }
}

impl Override {
    /// What is wrong with this override, if anything.
    pub fn check(&self) -> Result<(), RosterError> {
        check_period(&self.who, self.start, self.end, true)
    }
}

/// A period of cover names someone and ends after it starts.
fn check_period(
    who: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    cover: bool,
) -> Result<(), RosterError> {
    if who.trim().is_empty() {
        return Err(RosterError::NobodyCovers);
    }
    if end <= start {
        return Err(RosterError::CoverEndsBeforeStart {
            cover,
            who: who.to_owned(),
            start,
            end,
        });
    }
    Ok(())
}

impl Roster {
    /// The contact with this name (case-insensitive), if any.
    pub fn find(&self, name: &str) -> Option<&Contact> {
        let name = name.trim();
        self.contacts
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The names nearest to `typed`, nearest first (at most `n`, and only
    /// ones near enough to be a slip of the keyboard: Damerau–Levenshtein,
    /// normalised, at least 0.6).
    pub fn nearest_names(&self, typed: &str, n: usize) -> Vec<&str> {
        let typed = typed.trim().to_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .contacts
            .iter()
            .map(|c| {
                let score = strsim::normalized_damerau_levenshtein(&typed, &c.name.to_lowercase());
                (score, c.name.as_str())
            })
            .filter(|(score, _)| *score >= 0.6)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(n).map(|(_, name)| name).collect()
    }

    /// `Err` saying so when `name` is not on the roster (and there is a
    /// roster), as a sentence: "'Dana Whitfeld' is not on the roster — did
    /// you mean Dana Whitfield?" or "'Zoltan' is not on the roster.". What
    /// to do about it is the caller's to add.
    pub fn check_name(&self, name: &str) -> Result<(), RosterError> {
        let name = name.trim();
        if name.is_empty() || self.contacts.is_empty() || self.find(name).is_some() {
            return Ok(());
        }
        Err(RosterError::NotOnRoster {
            name: name.to_owned(),
            nearest: self.nearest_names(name, 1).first().map(|n| (*n).to_owned()),
        })
    }

    /// The first number to call the contact with this name on, as stored.
    pub fn number_of(&self, name: &str) -> Option<&str> {
        Some(self.find(name)?.callable().next()?.number.as_str())
    }

    /// The country a number written without `+` belongs to: the one the
    /// office hours name, else their time zone's (`None` without office
    /// hours, or for a zone of no one country).
    pub fn phone_country(&self) -> Option<&str> {
        let hours = self.office_hours.as_ref()?;
        match &hours.country {
            Some(country) => Some(country.as_str()),
            None => super::phone::country_of_zone(&hours.time_zone),
        }
    }

    /// Everyone who can take a role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Contact> {
        self.contacts
            .iter()
            .filter(move |c| c.roles.contains(&role))
    }

    /// The office's time zone: where local times are typed and shown (UTC
    /// when office hours are not set or name an unknown zone).
    pub fn office_zone(&self) -> Tz {
        self.office_hours
            .as_ref()
            .and_then(|h| zone(&h.time_zone).ok())
            .unwrap_or(Tz::UTC)
    }

    /// Whether `at` is outside office hours; `None` when they are not set.
    pub fn out_of_hours(&self, at: DateTime<Utc>) -> Option<bool> {
        self.office_hours.as_ref().map(|h| !h.is_open(at))
    }

    /// The people covering `role` at `at` that are on the roster, in the
    /// order the rota names them.
    pub fn on_call(&self, role: Role, at: DateTime<Utc>) -> Vec<&Contact> {
        let cover = self.covering(role, at);
        let names: Vec<&str> = cover.iter().map(|c| c.who.as_str()).collect();
        self.find_many(&names)
            .into_iter()
            .flatten()
            .map(|i| &self.contacts[i])
            .collect()
    }

    /// Where each of `names` is on the roster (case-insensitive): one pass
    /// over the contacts however many names, comparing a case-folded hash
    /// before the names themselves.
    pub fn find_many(&self, names: &[&str]) -> Vec<Option<usize>> {
        let mut wanted: std::collections::HashMap<u64, Vec<usize>> =
            std::collections::HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            wanted.entry(folded_hash(name.trim())).or_default().push(i);
        }
        let mut found = vec![None; names.len()];
        let mut left = names.len();
        for (at, contact) in self.contacts.iter().enumerate() {
            if left == 0 {
                break;
            }
            let Some(which) = wanted.get(&folded_hash(&contact.name)) else {
                continue;
            };
            for &i in which {
                if found[i].is_none() && contact.name.eq_ignore_ascii_case(names[i].trim()) {
                    found[i] = Some(at);
                    left -= 1;
                }
            }
        }
        found
    }

    /// Who covers `role` at `at` as the rota says (overrides over shifts and
    /// rotations), whether or not they are on the roster.
    pub fn covering(&self, role: Role, at: DateTime<Utc>) -> Vec<OnCall> {
        let rota = &self.rota;
        let mut cover: Vec<OnCall> = rota
            .shifts
            .iter()
            .filter(|s| s.role == role && s.start <= at && at < s.end)
            .map(|s| OnCall {
                who: s.who.clone(),
                until: Some(s.end),
            })
            .collect();
        for rotation in rota.rotations.iter().filter(|r| r.role == role) {
            cover.extend(rotation.on_call(at));
        }
        for o in rota
            .overrides
            .iter()
            .filter(|o| o.role == role && o.start <= at && at < o.end)
        {
            match &o.covers_for {
                Some(name) => cover.retain(|c| !c.who.eq_ignore_ascii_case(name)),
                None => cover.clear(),
            }
            cover.push(OnCall {
                who: o.who.clone(),
                until: Some(o.end),
            });
        }
        // One line per person: the same person from two sources covers until
        // the later end.
        let mut merged: Vec<OnCall> = Vec::with_capacity(cover.len());
        for c in cover {
            match merged
                .iter_mut()
                .find(|m| m.who.eq_ignore_ascii_case(&c.who))
            {
                Some(m) => m.until = m.until.max(c.until),
                None => merged.push(c),
            }
        }
        merged
    }

    /// Who covers `role` at `at`, and the next change after it (looked for
    /// within the next four weeks).
    pub fn cover(&self, role: Role, at: DateTime<Utc>) -> Cover {
        let now = self.covering(role, at);
        let names = |cover: &[OnCall]| {
            let mut names: Vec<SmolStr> = cover.iter().map(|c| c.who.clone()).collect();
            names.sort_by_key(|n| n.to_lowercase());
            names
        };
        let current = names(&now);
        let horizon = at + Duration::weeks(4);
        let rota = &self.rota;
        let mut changes: Vec<DateTime<Utc>> = rota
            .shifts
            .iter()
            .filter(|s| s.role == role)
            .flat_map(|s| [s.start, s.end])
            .chain(
                rota.overrides
                    .iter()
                    .filter(|o| o.role == role)
                    .flat_map(|o| [o.start, o.end]),
            )
            .chain(
                rota.rotations
                    .iter()
                    .filter(|r| r.role == role)
                    .flat_map(|r| r.changes_after(at)),
            )
            .filter(|t| *t > at && *t <= horizon)
            .collect();
        changes.sort_unstable();
        changes.dedup();
        let next = changes.into_iter().find_map(|t| {
            let then = names(&self.covering(role, t));
            (then != current).then_some((t, then))
        });
        Cover { now, next }
    }
}

/// What merging contacts and shifts into a roster did (or would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Names of contacts added.
    pub added: Vec<SmolStr>,
    /// Names of contacts changed, with what changed in each.
    pub changed: Vec<(SmolStr, Vec<&'static str>)>,
    /// Names of contacts already on the roster with the same details.
    pub unchanged: Vec<SmolStr>,
    /// How many shifts were added.
    pub shifts_added: usize,
    /// How many shifts were on the rota already.
    pub shifts_known: usize,
    /// How many shifts a feed gave before and no longer gives (moved,
    /// handed to someone else or cancelled since): taken off the rota.
    pub shifts_removed: usize,
}

impl Roster {
    /// Merges contacts (matched by email, then by name; details filled in or
    /// replaced, roles and numbers added) and shifts (exact repeats left
    /// out). With a feed, its shifts replace what the same feed gave before
    /// for the period it covers, and it is kept on the rota's list of feeds.
    /// One pass over each list, however long.
    pub fn merge(
        &mut self,
        contacts: Vec<Contact>,
        shifts: Vec<Shift>,
        feed: Option<Feed>,
    ) -> Merged {
        let mut merged = Merged::default();
        let mut by_email: HashMap<String, usize> = HashMap::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, c) in self.contacts.iter().enumerate() {
            for e in c.addresses() {
                by_email.entry(e.trim().to_lowercase()).or_insert(i);
            }
            by_name.entry(c.name.to_lowercase()).or_insert(i);
        }
        for incoming in contacts {
            let at = incoming
                .addresses()
                .find_map(|e| by_email.get(&e.trim().to_lowercase()).copied())
                .or_else(|| by_name.get(&incoming.name.to_lowercase()).copied());
            let i = match at {
                None => {
                    merged.added.push(incoming.name.clone());
                    self.contacts.push(incoming);
                    self.contacts.len() - 1
                }
                Some(i) => {
                    let what = self.contacts[i].take_details(incoming);
                    let name = self.contacts[i].name.clone();
                    if what.is_empty() {
                        merged.unchanged.push(name);
                    } else {
                        merged.changed.push((name, what));
                    }
                    i
                }
            };
            let c = &self.contacts[i];
            for e in c.addresses() {
                by_email.entry(e.trim().to_lowercase()).or_insert(i);
            }
            by_name.entry(c.name.to_lowercase()).or_insert(i);
        }
        // What the feed gave before for its period comes off; what it
        // still gives goes back on and counts as known, not added.
        let mut before: HashSet<Shift> = HashSet::new();
        if let Some(feed) = &feed {
            let (gone, kept): (Vec<Shift>, Vec<Shift>) = std::mem::take(&mut self.rota.shifts)
                .into_iter()
                .partition(|s| s.source.as_deref() == Some(feed.id.as_str()) && s.end > feed.from);
            self.rota.shifts = kept;
            before.extend(gone);
            match self.rota.feeds.iter_mut().find(|f| f.id == feed.id) {
                Some(known) => *known = feed.clone(),
                None => self.rota.feeds.push(feed.clone()),
            }
        }
        let mut known: HashSet<Shift> = self.rota.shifts.iter().cloned().collect();
        for shift in shifts {
            if known.contains(&shift) {
                merged.shifts_known += 1;
                continue;
            }
            if before.remove(&shift) {
                merged.shifts_known += 1;
            } else {
                merged.shifts_added += 1;
            }
            known.insert(shift.clone());
            self.rota.shifts.push(shift);
        }
        merged.shifts_removed = before.len();
        merged
    }
}

impl Phone {
    /// Whether this number is one to call (fax and pager numbers are not).
    pub fn can_call(&self) -> bool {
        super::phone::can_call(&self.label)
    }

    /// Keeps the number in international form (read as one of `country`
    /// when written without `+`), an extension written after it moved to
    /// its own field; a number that can't be read is left as written.
    pub fn keep_international(&mut self, country: Option<&str>) {
        let written = self.number.clone();
        let (number, extension) = super::phone::split_extension(&written);
        if let Some(extension) = extension
            && self.extension.is_empty()
        {
            self.extension = extension.into();
            self.number = number.into();
        }
        if let Some(international) = super::phone::international(&self.number, country) {
            self.number = international.into();
        }
        self.extension = self.extension.trim().into();
    }
}

impl Contact {
    /// The country their numbers are read in when written without `+`:
    /// that of their own time zone, else the office's (`office`).
    pub fn phone_country<'a>(&'a self, office: Option<&'a str>) -> Option<&'a str> {
        self.time_zone
            .as_deref()
            .and_then(super::phone::country_of_zone)
            .or(office)
    }

    /// Keeps each of their numbers in international form, read in their
    /// own country (see [`Self::phone_country`]); returns how many were
    /// written without a country and now have one.
    pub fn keep_numbers_international(&mut self, office: Option<&str>) -> usize {
        let country = self.phone_country(office).map(str::to_owned);
        let mut made = 0;
        for phone in &mut self.phones {
            let before = phone.number.starts_with('+');
            phone.keep_international(country.as_deref());
            made += usize::from(!before && phone.number.starts_with('+'));
        }
        made
    }

    /// Their callable numbers kept as written for want of a country.
    pub fn numbers_without_country(&self) -> usize {
        self.callable()
            .filter(|p| !p.number.starts_with('+'))
            .count()
    }

    /// The numbers to call them on, most useful first (no fax, no pager).
    pub fn callable(&self) -> impl Iterator<Item = &Phone> {
        self.phones.iter().filter(|p| p.can_call())
    }

    /// Every address they have, the main one first.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.email
            .iter()
            .map(SmolStr::as_str)
            .chain(self.more_emails.iter().map(|e| e.address.as_str()))
    }

    /// Takes what `other` knows that this contact does not, and says which
    /// details changed.
    fn take_details(&mut self, other: Contact) -> Vec<&'static str> {
        let mut what = Vec::new();
        let mut take = |mine: &mut SmolStr, theirs: SmolStr, name: &'static str| {
            if !theirs.is_empty() && *mine != theirs {
                *mine = theirs;
                what.push(name);
            }
        };
        take(&mut self.name, other.name, "name");
        take(&mut self.team, other.team, "team");
        take(&mut self.notes, other.notes, "notes");
        if self.take_emails(other.email.as_ref(), other.more_emails) {
            what.push("emails");
        }
        let mut take = |mine: &mut Option<SmolStr>, theirs: Option<SmolStr>, name| {
            if theirs.is_some() && *mine != theirs {
                *mine = theirs;
                what.push(name);
            }
        };
        take(&mut self.email, other.email, "email");
        take(&mut self.chat, other.chat, "chat");
        take(&mut self.time_zone, other.time_zone, "time zone");
        let roles = other.roles.iter().filter(|r| !self.roles.contains(r));
        let roles: Vec<Role> = roles.copied().collect();
        if !roles.is_empty() {
            self.roles.extend(roles);
            what.push("roles");
        }
        let known = &self.phones;
        let new: Vec<Phone> = other
            .phones
            .into_iter()
            .filter(|p| {
                !known
                    .iter()
                    .any(|k| super::phone::same_number(&k.number, &p.number))
            })
            .collect();
        if !new.is_empty() {
            self.phones.extend(new);
            what.push("numbers");
        }
        what
    }

    /// Keeps every address `theirs` and `more` hold that this contact lacks
    /// among its other addresses, the main one aside: the main address is
    /// taken as a detail like any other, and the one it replaces stays
    /// here. Says whether any was added.
    fn take_emails(&mut self, theirs: Option<&SmolStr>, more: Vec<Email>) -> bool {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let before = self.more_emails.len();
        if let (Some(mine), Some(theirs)) = (&self.email, theirs)
            && !same(mine, theirs)
            && !self.more_emails.iter().any(|e| same(&e.address, mine))
        {
            self.more_emails.push(Email {
                label: SmolStr::default(),
                address: mine.clone(),
            });
        }
        for e in more {
            if !self.addresses().any(|a| same(a, &e.address)) {
                self.more_emails.push(e);
            }
        }
        // Their main address is about to be the main one here.
        if let Some(theirs) = theirs {
            self.more_emails.retain(|e| !same(&e.address, theirs));
        }
        self.more_emails.len() != before
    }

    /// What is wrong with this contact, if anything, in words that say how
    /// to put it right.
    pub fn check(&self) -> Result<(), RosterError> {
        let who = || self.name.to_string();
        if self.name.trim().is_empty() {
            return Err(RosterError::Unnamed);
        }
        let length = self.name.chars().count();
        if length > super::NAME_MAX {
            return Err(RosterError::NameTooLong(length));
        }
        if self.name.chars().any(char::is_control) {
            return Err(RosterError::NameNotOneLine(crate::text::one_line(
                &self.name, 60,
            )));
        }
        for phone in &self.phones {
            check_number(&phone.number).map_err(|why| RosterError::BadNumber {
                who: who(),
                number: phone.number.to_string(),
                why,
            })?;
        }
        for email in self.addresses() {
            if !crate::web::is_address(email.trim()) {
                return Err(RosterError::NotAnAddress {
                    who: who(),
                    text: email.trim().to_owned(),
                });
            }
        }
        if let Some(tz) = &self.time_zone
            && zone(tz).is_err()
        {
            return Err(RosterError::ContactZone {
                who: who(),
                zone: tz.trim().to_owned(),
            });
        }
        Ok(())
    }

    /// The number to dial: digits with a leading + kept, or `None` if there
    /// is nothing to dial.
    pub fn dial(number: &str) -> Option<String> {
        let digits: String = number
            .trim()
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c)
            .collect();
        digits.chars().any(|c| c.is_ascii_digit()).then_some(digits)
    }
}

/// Whether `number` reads as a phone number: digits, spaces and the usual
/// punctuation, with an optional leading `+`.
fn check_number(number: &str) -> Result<(), NumberError> {
    let number = number.trim();
    if number.is_empty() {
        return Err(NumberError::Empty);
    }
    let bad = number
        .chars()
        .enumerate()
        .any(|(i, c)| !(c.is_ascii_digit() || " -.()/".contains(c) || (i == 0 && c == '+')));
    if bad {
        return Err(NumberError::NotDigits);
    }
    if number.chars().filter(char::is_ascii_digit).count() < 3 {
        return Err(NumberError::TooShort);
    }
    Ok(())
}

/// FNV-1a over the ASCII-lower-cased bytes: equal for names equal but for case.
fn folded_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether `text` contains `lower_word` (already lower case), ignoring case;
/// without allocating for ASCII text.
pub fn contains_ignoring_case(text: &str, lower_word: &str) -> bool {
    if text.is_ascii() && lower_word.is_ascii() {
        let (t, w) = (text.as_bytes(), lower_word.as_bytes());
        w.is_empty() || t.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w))
    } else {
        text.to_lowercase().contains(lower_word)
    }
}

/// Whether the letters of `word` appear in `text` in order ("smpt" in
/// "sam patel"); both already lower case.
fn has_in_order(text: &[u8], word: &[u8]) -> bool {
    let mut wanted = word.iter().peekable();
    for b in text {
        if wanted.peek() == Some(&b) {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

/// One contact's searchable text, lower-cased once: the name, then role,
/// team, email and chat, then notes; and the digits of every number.
struct Entry {
    text: Box<str>,
    name_end: usize,
    fields_end: usize,
    digits: Box<[u8]>,
}

/// The roster made ready for searching as someone types: built once per
/// roster, then each keystroke is one pass of substring finds.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

impl SearchIndex {
    /// Lower-cases and gathers every contact's text.
    pub fn new(roster: &Roster) -> Self {
        let country = roster.phone_country();
        let entries = roster
            .contacts
            .iter()
            .map(|c| {
                let mut text = c.name.to_lowercase();
                let name_end = text.len();
                text.push('\u{1}');
                for r in &c.roles {
                    text.push_str(r.describe());
                    text.push('\u{1}');
                }
                for field in [Some(&c.team), c.email.as_ref(), c.chat.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    text.push_str(&field.to_lowercase());
                    text.push('\u{1}');
                }
                let fields_end = text.len();
                text.push_str(&c.notes.to_lowercase());
                let mut digits = Vec::new();
                for p in &c.phones {
                    for form in super::phone::forms(&p.number, c.phone_country(country)) {
                        digits.extend(form.bytes());
                        digits.push(b' ');
                    }
                }
                Entry {
                    text: text.into(),
                    name_end,
                    fields_end,
                    digits: digits.into(),
                }
            })
            .collect();
        Self { entries }
    }

    /// The contacts matching every word of `query` (name, role, team, email,
    /// chat, notes, the digits of a number, or the name's letters in order),
    /// best first: a name that starts with the query, then a word of the
    /// name, then anywhere in the name, then the other fields, then notes,
    /// then letters in order; roster order breaks ties.
    pub fn search(&self, query: &str) -> Vec<usize> {
        // A number typed with spaces ("+44 7700 900456") is one number, not
        // three words.
        let number = query
            .trim()
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-()./".contains(&b))
            && query.bytes().filter(u8::is_ascii_digit).count() >= 3;
        let words: Vec<Word> = if number {
            let joined: String = query.chars().filter(|c| !" ./".contains(*c)).collect();
            vec![Word::new(&joined)]
        } else {
            query.split_whitespace().map(Word::new).collect()
        };
        if words.is_empty() {
            return (0..self.entries.len()).collect();
        }
        let mut hits: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                words
                    .iter()
                    .try_fold(0, |total, w| w.fit(e).map(|f| total + f))
                    .map(|score| (score, i))
            })
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|(_, i)| i).collect()
    }
}

/// A query word, lower-cased, with its digits when it reads as a number;
/// the searchers are built once per keystroke, not once per contact.
struct Word {
    text: String,
    finder: memchr::memmem::Finder<'static>,
    digits: Option<memchr::memmem::Finder<'static>>,
}

impl Word {
    fn new(word: &str) -> Self {
        let text = word.to_lowercase();
        let number = word
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-()".contains(&b));
        // A national number's trunk 0 ("07700…") is not in the
        // international form ("+44 7700…"), so it is left out.
        let digits: Vec<u8> = word
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|b| *b == b'0')
            .collect();
        Self {
            finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
            text,
            digits: (number && digits.len() >= 3)
                .then(|| memchr::memmem::Finder::new(&digits).into_owned()),
        }
    }

    /// How well this word fits a contact; lower is better, `None` is no fit.
    fn fit(&self, e: &Entry) -> Option<u32> {
        let w = self.text.as_str();
        let name = &e.text[..e.name_end];
        if let Some(at) = self.finder.find(e.text.as_bytes()) {
            if at < e.name_end {
                if at == 0 {
                    return Some(0);
                }
                let word_start = name.split(' ').any(|part| part.starts_with(w));
                return Some(if word_start { 1 } else { 2 });
            }
            return Some(if at < e.fields_end { 3 } else { 4 });
        }
        if let Some(digits) = &self.digits
            && digits.find(&e.digits).is_some()
        {
            return Some(3);
        }
        (w.len() >= 3 && has_in_order(name.as_bytes(), w.as_bytes())).then_some(6)
    }
}

/// [`SearchIndex::search`] for a one-off search (the command line).
pub fn search(roster: &Roster, query: &str) -> Vec<usize> {
    SearchIndex::new(roster).search(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_wrong_is_told_as_a_kind_and_said_in_words() {
        let contact = Contact {
            name: "Sam".into(),
            phones: vec![Phone {
                label: "mobile".into(),
                number: "call me".into(),
                extension: SmolStr::default(),
            }],
            ..Contact::default()
        };
        let err = contact.check().unwrap_err();
        assert!(matches!(
            &err,
            RosterError::BadNumber { who, why: NumberError::NotDigits, .. } if who == "Sam"
        ));
        assert_eq!(
            err.to_string(),
            "Sam's number \"call me\" has letters or symbols in it. Use digits, spaces and a leading +."
        );
        let roster = Roster {
            contacts: vec![contact],
            ..Roster::default()
        };
        assert_eq!(
            roster.check_name("Sma").unwrap_err(),
            RosterError::NotOnRoster {
                name: "Sma".into(),
                nearest: Some("Sam".into())
            }
        );
        assert_eq!(
            zone(" Mars/Olympus ").unwrap_err().to_string(),
            "\"Mars/Olympus\" is not a time zone this app knows. Use an IANA name such as Europe/London or America/New_York."
        );
        for (typed, meant) in [
            ("London", "Europe/London"),
            ("europe/london", "Europe/London"),
            ("new york", "America/New_York"),
            ("Berlin", "Europe/Berlin"),
        ] {
            assert_eq!(
                zone(typed).unwrap_err().to_string(),
                format!("\"{typed}\" is not a time zone this app knows — did you mean {meant}?")
            );
        }
    }
}
