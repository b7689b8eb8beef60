//! Contacts from a spreadsheet saved as CSV: a header row, columns found by
//! name whatever their case or spacing, unknown columns reported.

use super::Problem;
use super::vcard::roles_in;
use crate::model::roster::{Contact, Phone};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Name,
    First,
    Last,
    Roles,
    Team,
    Phone(&'static str),
    Email,
    Chat,
    TimeZone,
    Notes,
}

fn column(header: &str) -> Option<Column> {
    let key: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "name" | "fullname" | "displayname" | "contact" | "fn" | "person" => Column::Name,
        "firstname" | "givenname" | "first" => Column::First,
        "lastname" | "surname" | "familyname" | "last" => Column::Last,
        "role" | "roles" | "title" | "jobtitle" => Column::Roles,
        "team" | "org" | "organisation" | "organization" | "department" | "company" => Column::Team,
        "mobile" | "cell" | "mobilephone" | "cellphone" | "mobilenumber" => Column::Phone("mobile"),
        "desk" | "deskphone" | "work" | "workphone" | "office" | "officephone" => {
            Column::Phone("desk")
        }
        "home" | "homephone" => Column::Phone("home"),
        "phone" | "tel" | "telephone" | "phonenumber" | "number" => Column::Phone(""),
        "email" | "emailaddress" | "mail" => Column::Email,
        "chat" | "slack" | "handle" | "im" => Column::Chat,
        "timezone" | "tz" | "zone" => Column::TimeZone,
        "notes" | "note" | "comments" | "comment" => Column::Notes,
        _ => return None,
    })
}

/// What a CSV file holds: contacts with their lines, broken rows, and a
/// note for each column that was not used.
pub fn read(file: &str) -> (Vec<(usize, Contact)>, Vec<Problem>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(file.as_bytes());
    let mut problems = Vec::new();
    let mut unused = Vec::new();
    let columns: Vec<Option<Column>> = match reader.headers() {
        Ok(headers) => headers
            .iter()
            .map(|h| {
                let c = column(h);
                if c.is_none() && !h.is_empty() {
                    unused.push(format!(
                        "Column \"{h}\" is not used: Expedite reads name, first name, last name, role, team, mobile, desk, home, phone, email, chat, time zone and notes."
                    ));
                }
                c
            })
            .collect(),
        Err(e) => {
            problems.push(Problem {
                line: 1,
                message: format!("The header row can't be read: {e}."),
            });
            return (Vec::new(), problems, unused);
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
        return (Vec::new(), problems, unused);
    }
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
        if row.iter().all(str::is_empty) {
            continue;
        }
        let mut c = Contact::default();
        let (mut first, mut last) = ("", "");
        for (value, column) in row.iter().zip(&columns) {
            if value.is_empty() {
                continue;
            }
            match column {
                Some(Column::Name) => c.name = value.into(),
                Some(Column::First) => first = value,
                Some(Column::Last) => last = value,
                Some(Column::Roles) => {
                    for role in roles_in(value) {
                        if !c.roles.contains(&role) {
                            c.roles.push(role);
                        }
                    }
                }
                Some(Column::Team) => c.team = value.into(),
                Some(Column::Phone(label)) => c.phones.push(Phone {
                    label: (*label).into(),
                    number: value.into(),
                    extension: Default::default(),
                }),
                Some(Column::Email) => c.email = Some(value.into()),
                Some(Column::Chat) => c.chat = Some(value.into()),
                Some(Column::TimeZone) => c.time_zone = Some(value.into()),
                Some(Column::Notes) => c.notes = value.into(),
                None => {}
            }
        }
        if c.name.is_empty() {
            c.name = format!("{first} {last}").trim().into();
        }
        if c.name.is_empty() {
            problems.push(Problem {
                line,
                message: "This row has no name. Fill it in, or delete the row.".into(),
            });
            continue;
        }
        match c.check() {
            Ok(()) => contacts.push((line, c)),
            Err(message) => problems.push(Problem { line, message }),
        }
    }
    (contacts, problems, unused)
}
