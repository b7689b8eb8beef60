//! Contacts from a spreadsheet saved as CSV: a header row, columns found by
//! name whatever their case or spacing. Besides a team's own sheet, the
//! layouts mail apps export are read whole: Google Contacts' numbered pairs
//! (`Phone 1 - Label`, `Phone 1 - Value`, `E-mail 2 - Value`, several values
//! in one cell joined by ` ::: `) and Outlook's named columns (`Business
//! Phone`, `Mobile Phone`, `Pager`, `Business Fax`, `E-mail 2 Address`).

use smol_str::SmolStr;

use super::vcard::roles_in;
use super::{
    FoundEmail, Problem, Progress, READING, email_label, left_out_note, phone, put_emails,
};
use crate::model::phone::label;
use crate::model::roster::Contact;

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Column {
    Name,
    First,
    Middle,
    Last,
    Roles,
    Team,
    /// A number whose kind the header names.
    Phone(SmolStr),
    /// Google's `Phone N - Value`, its kind in `Phone N - Label`.
    PhoneValue(u8),
    PhoneLabel(u8),
    /// An address whose kind the header names ("" for none).
    Email(SmolStr),
    /// Google's `E-mail N - Value`, its kind in `E-mail N - Label`.
    EmailValue(u8),
    EmailLabel(u8),
    Chat,
    TimeZone,
    Notes,
    /// Known, and rightly left out (Outlook's `E-mail Type`, `E-mail
    /// Display Name`): not reported as unused.
    Ignored,
}

/// The words of a header, lower case ("E-mail 2 Address" is `e-mail`, `2`,
/// `address`; "Assistant's Phone" is `assistant's`, `phone`).
fn words(header: &str) -> Vec<String> {
    header
        .split(|c: char| c.is_whitespace() || c == '_' || c == '(' || c == ')')
        .filter(|w| !w.is_empty() && *w != "-")
        .map(str::to_lowercase)
        .collect()
}

fn column(header: &str) -> Option<Column> {
    let key: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let plain = match key.as_str() {
        "name" | "fullname" | "displayname" | "contact" | "fn" | "person" => Some(Column::Name),
        "firstname" | "givenname" | "first" => Some(Column::First),
        "middlename" | "additionalname" => Some(Column::Middle),
        "lastname" | "surname" | "familyname" | "last" => Some(Column::Last),
        "role" | "roles" | "jobtitle" | "organizationtitle" | "organization1title" => {
            Some(Column::Roles)
        }
        "team"
        | "org"
        | "organisation"
        | "organization"
        | "department"
        | "company"
        | "organizationname"
        | "organization1name"
        | "organizationdepartment"
        | "organization1department" => Some(Column::Team),
        "mobile" | "cell" | "mobilenumber" => Some(Column::Phone("mobile".into())),
        "desk" | "deskphone" | "work" | "office" | "officephone" => {
            Some(Column::Phone("desk".into()))
        }
        "home" => Some(Column::Phone("home".into())),
        "phone" | "tel" | "telephone" | "phonenumber" | "number" | "primaryphone" => {
            Some(Column::Phone(SmolStr::default()))
        }
        "chat" | "slack" | "handle" | "im" => Some(Column::Chat),
        "timezone" | "tz" | "zone" => Some(Column::TimeZone),
        "notes" | "note" | "comments" | "comment" => Some(Column::Notes),
        // A team sheet's "Title" is a job; Outlook's is "Mr." or "Dr.",
        // which names no role and is passed over.
        "title" => Some(Column::Roles),
        "emailtype" | "emaildisplayname" | "email2type" | "email2displayname" | "email3type"
        | "email3displayname" => Some(Column::Ignored),
        _ => None,
    };
    if plain.is_some() {
        return plain;
    }
    let words = words(header);
    let has = |names: &[&str]| words.iter().any(|w| names.contains(&w.as_str()));
    let numbered = words.iter().find_map(|w| w.parse::<u8>().ok());
    let is_email = has(&["e-mail", "email", "mail"]);
    let is_phone = has(&[
        "phone",
        "telephone",
        "tel",
        "fax",
        "pager",
        "mobile",
        "cell",
    ]) && !has(&["phonetic"]);
    if let Some(n) = numbered
        && (is_email || is_phone)
    {
        // Google's numbered pairs.
        if has(&["value"]) {
            return Some(if is_email {
                Column::EmailValue(n)
            } else {
                Column::PhoneValue(n)
            });
        }
        if has(&["label", "type"]) {
            return Some(if is_email {
                Column::EmailLabel(n)
            } else {
                Column::PhoneLabel(n)
            });
        }
    }
    if is_email && !has(&["type", "display", "label"]) {
        let kind: Vec<&str> = words.iter().map(String::as_str).collect();
        return Some(Column::Email(email_label(&kind)));
    }
    if is_phone && !has(&["label", "type"]) {
        let kind: Vec<&str> = words.iter().map(String::as_str).collect();
        return Some(Column::Phone(label(&kind)));
    }
    None
}

/// The most unused columns named in the note about them.
const UNUSED_NAMED: usize = 8;

/// What a CSV file holds: contacts with their lines, broken rows, and one
/// note naming the columns that were not used. A number written without
/// `+` is read as one of `country` (the office's).
pub fn read(
    file: &str,
    country: Option<&str>,
) -> (Vec<(usize, Contact)>, Vec<Problem>, Vec<String>) {
    read_with(file, country, &Progress::default())
}

/// [`read`], saying how far it has got.
pub fn read_with(
    file: &str,
    country: Option<&str>,
    progress: &Progress,
) -> (Vec<(usize, Contact)>, Vec<Problem>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(file.as_bytes());
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut left_out: Vec<(String, String)> = Vec::new();
    let columns: Vec<Option<Column>> = match reader.headers() {
        Ok(headers) => {
            let columns: Vec<Option<Column>> = headers.iter().map(column).collect();
            let unused: Vec<&str> = headers
                .iter()
                .zip(&columns)
                .filter(|(h, c)| c.is_none() && !h.is_empty())
                .map(|(h, _)| h)
                .collect();
            if !unused.is_empty() {
                notes.push(unused_note(&unused));
            }
            columns
        }
        Err(e) => {
            problems.push(Problem {
                line: 1,
                message: format!("The header row can't be read: {e}."),
            });
            return (Vec::new(), problems, notes);
        }
    };
    if !columns
        .iter()
        .any(|c| matches!(c, Some(Column::Name | Column::First | Column::Last)))
    {
        problems.push(Problem {
            line: 1,
            message: "No column holds names. Call the column with people's names \"Name\" (or \"First name\" and \"Last name\").".into(),
        });
        return (Vec::new(), problems, notes);
    }
    // Where Google's "Phone N - Label" and "E-mail N - Label" are, found
    // once for the file rather than in each row.
    let labels: std::collections::HashMap<&Column, usize> = columns
        .iter()
        .enumerate()
        .filter_map(|(at, c)| match c {
            Some(c @ (Column::PhoneLabel(_) | Column::EmailLabel(_))) => Some((c, at)),
            _ => None,
        })
        .rev() // the first of two alike wins
        .collect();
    let mut contacts = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "This row has {len} fields where the header has {expected_len}. A comma inside a value needs the value in double quotes."
                    ),
                    csv::ErrorKind::Utf8 { .. } => {
                        "This row is not UTF-8 text. Save the spreadsheet as CSV UTF-8.".into()
                    }
                    _ => format!("This row can't be read: {e}."),
                };
                problems.push(Problem { line, message });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line() as usize);
        if line % 1024 == 0 {
            let byte = row.position().map_or(0, |p| p.byte() as usize);
            progress.set(byte, file.len(), 0.0, READING);
        }
        if row.iter().all(str::is_empty) {
            continue;
        }
        let mut c = Contact::default();
        let (mut first, mut middle, mut last) = ("", "", "");
        let mut phones: Vec<(SmolStr, &str)> = Vec::new();
        let mut emails: Vec<FoundEmail> = Vec::new();
        let numbered_label = |wanted: &Column| -> &str {
            labels.get(wanted).and_then(|&at| row.get(at)).unwrap_or("")
        };
        for (value, column) in row.iter().zip(&columns) {
            if value.is_empty() {
                continue;
            }
            match column {
                Some(Column::Name) => c.name = value.into(),
                Some(Column::First) => first = value,
                Some(Column::Middle) => middle = value,
                Some(Column::Last) => last = value,
                Some(Column::Roles) => {
                    for role in roles_in(value) {
                        if !c.roles.contains(&role) {
                            c.roles.push(role);
                        }
                    }
                }
                Some(Column::Team) => c.team = value.into(),
                Some(Column::Phone(kind)) => phones.push((kind.clone(), value)),
                Some(Column::PhoneValue(n)) => {
                    let kind = label(&[numbered_label(&Column::PhoneLabel(*n))]);
                    // Google puts several numbers of one kind in one cell.
                    phones.extend(value.split(":::").map(|v| (kind.clone(), v.trim())));
                }
                Some(Column::Email(kind)) => emails.push(FoundEmail {
                    label: kind.clone(),
                    address: value.into(),
                    preferred: false,
                }),
                Some(Column::EmailValue(n)) => {
                    let written = numbered_label(&Column::EmailLabel(*n));
                    for address in value.split(":::") {
                        emails.push(FoundEmail {
                            label: email_label(&[written]),
                            address: address.trim().into(),
                            // Google stars the primary address: "* Work".
                            preferred: written.trim_start().starts_with('*'),
                        });
                    }
                }
                Some(Column::Chat) => c.chat = Some(value.into()),
                Some(Column::TimeZone) => c.time_zone = Some(value.into()),
                Some(Column::Notes) => c.notes = value.into(),
                Some(Column::PhoneLabel(_) | Column::EmailLabel(_) | Column::Ignored) | None => {}
            }
        }
        c.phones = phones
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(kind, v)| phone(v, kind))
            .collect();
        c.keep_numbers_international(country);
        let dropped = put_emails(&mut c, emails);
        if c.name.is_empty() {
            let parts = [first, middle, last];
            let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
            c.name = parts.join(" ").into();
        }
        if c.name.is_empty() {
            problems.push(Problem {
                line,
                message: "This row has no name. Fill it in, or delete the row.".into(),
            });
            continue;
        }
        left_out.extend(dropped.into_iter().map(|a| (c.name.to_string(), a)));
        match c.check() {
            Ok(()) => contacts.push((line, c)),
            Err(e) => problems.push(Problem {
                line,
                message: e.to_string(),
            }),
        }
    }
    notes.extend(left_out_note(&left_out));
    (contacts, problems, notes)
}

/// One line naming the columns left out, the first few by name: a mail
/// app's export has dozens (birthdays, addresses), and a line each would
/// bury the ones that matter.
fn unused_note(unused: &[&str]) -> String {
    let named: Vec<String> = unused
        .iter()
        .take(UNUSED_NAMED)
        .map(|h| format!("\"{h}\""))
        .collect();
    let more = unused.len().saturating_sub(UNUSED_NAMED);
    let list = if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    };
    let count = match unused.len() {
        1 => "1 column is".to_owned(),
        n => format!("{n} columns are"),
    };
    format!(
        "{count} not used: {list}. Expedite reads names, roles, team, every phone and email column, chat, time zone and notes."
    )
}
