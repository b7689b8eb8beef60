//! Phone numbers: what kind a label names, which numbers can be called,
//! extensions kept apart from the number, and numbers kept in international
//! form (E.164) and shown grouped the way people write them.
//!
//! Reading and formatting numbers is libphonenumber's work (the
//! `phonenumber` crate and its metadata); what stays here is the roster's
//! own rules: which labels are not for calling, how an import's many ways of
//! naming a number's kind come down to a few words, and which country a
//! number without a `+` belongs to (the office's).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

use phonenumber::{Mode, country};
use smol_str::SmolStr;

/// The roster's word for a number's kind, from however a file names it:
/// vCard types (`CELL`, `WORK,VOICE`, `FAX`), Google's labels (`* Mobile`),
/// Outlook's columns (`Business Fax`) or Apple's (`_$!<Mobile>!$_`). Fax and
/// pager numbers keep that word, so they are never offered to call.
pub fn label(words: &[&str]) -> SmolStr {
    let words: Vec<String> = words
        .iter()
        .flat_map(|w| w.split([',', ' ', '-', '_', '$', '!', '<', '>', '*', '/']))
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty())
        .collect();
    let has = |names: &[&str]| words.iter().any(|w| names.contains(&w.as_str()));
    let place = if has(&["work", "business", "office", "company"]) {
        "work "
    } else if has(&["home", "private"]) {
        "home "
    } else {
        ""
    };
    if has(&["fax", "facsimile"]) {
        return format!("{place}fax").into();
    }
    if has(&["pager", "beeper", "pgr"]) {
        return "pager".into();
    }
    if has(&["cell", "mobile", "iphone", "cellular", "handy"]) {
        return "mobile".into();
    }
    if has(&["desk"]) {
        return "desk".into();
    }
    if !place.is_empty() {
        return place.trim_end().into();
    }
    // Anything else a person wrote ("Assistant", "Car") stays, minus the
    // words that only say a number is a number.
    let quiet = [
        "voice",
        "pref",
        "phone",
        "tel",
        "telephone",
        "number",
        "other",
        "value",
        "type",
        "label",
        "text",
        "msg",
        "video",
        "x",
    ];
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !quiet.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    kept.join(" ").into()
}

/// Whether a number with this label is one to call: fax and pager numbers
/// are kept on the card but never offered as a number to ring.
pub fn can_call(label: &str) -> bool {
    !label
        .split_whitespace()
        .any(|w| w.eq_ignore_ascii_case("fax") || w.eq_ignore_ascii_case("pager"))
}

/// A number as written, split from its extension: `+1 418 555 0102
/// ext. 102`, `x102`, `#102` and a `tel:` URI's `;ext=102` all give the
/// extension `102`. A number with no extension comes back whole.
pub fn split_extension(written: &str) -> (&str, Option<&str>) {
    let text = written.trim();
    let lower = text.to_ascii_lowercase();
    for marker in [";ext=", "extension", "ext.", "ext", "x", "#", ","] {
        let Some(at) = lower.rfind(marker) else {
            continue;
        };
        let rest = text[at + marker.len()..].trim_start_matches([' ', '.', ':', '=']);
        let number = text[..at].trim_end_matches([' ', ',', ';']);
        if !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
            && number.bytes().filter(u8::is_ascii_digit).count() >= 3
        {
            return (number, Some(rest));
        }
    }
    (text, None)
}

/// The country (ISO 3166-1 alpha-2, e.g. `GB`) whose clocks an IANA time
/// zone keeps, from tzdata's own table; `None` for a zone of no one
/// country (`UTC`, `Etc/GMT+5`).
pub fn country_of_zone(zone: &str) -> Option<&'static str> {
    const TABLE: &str = include_str!("../../assets/zone-country.txt");
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .find(|(z, _)| *z == zone)
        .map(|(_, country)| country)
}

/// Whether `code` is a country libphonenumber knows (`GB`, `us`).
pub fn is_country(code: &str) -> bool {
    country_id(code).is_some()
}

/// libphonenumber's name for the country with this code, any case.
fn country_id(code: &str) -> Option<country::Id> {
    country::Id::from_str(&code.trim().to_ascii_uppercase()).ok()
}

/// A number in international form (E.164, `+447700900456`), read as a
/// number of `country` when it has no `+`; `None` when it can't be read as
/// one (no country to read it in, or not a number at all): such a number
/// is kept as it was written.
pub fn international(number: &str, country: Option<&str>) -> Option<String> {
    // "00 49 151…": the international prefix most of the world dials.
    let trimmed = number.trim_start();
    let plussed;
    let number = match trimmed.strip_prefix("00") {
        Some(rest)
            if rest.starts_with(|c: char| c.is_ascii_digit() && c != '0')
                || rest.starts_with(' ') =>
        {
            plussed = format!("+{}", rest.trim_start());
            plussed.as_str()
        }
        _ => number,
    };
    if let Some(written) = written_international(number) {
        return Some(written);
    }
    let id = country.and_then(country_id);
    if id.is_none() && !number.trim_start().starts_with('+') {
        return None;
    }
    let parsed = phonenumber::parse(id, number).ok()?;
    Some(parsed.format().mode(Mode::E164).to_string())
}

/// A number already written in international form with its country code
/// apart (`+44 7700 900456`, `+1-212-555-0199`) is `+` and its digits: no
/// need to ask the metadata (an import of 150,000 rows asks it 150,000
/// times otherwise); so is one already in E.164. Anything else — a `(0)`,
/// a trunk `0` after the code — is left to libphonenumber.
fn written_international(number: &str) -> Option<String> {
    let rest = number.trim().strip_prefix('+')?;
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        // Already E.164 (as a `tel:` URI or an export of ours writes it).
        return (8..=15).contains(&rest.len()).then(|| format!("+{rest}"));
    }
    let (code, national) = rest.split_once([' ', '-', '.'])?;
    let national = national.trim_start_matches([' ', '-', '.']);
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b" -.".contains(&b));
    if !(1..=3).contains(&code.len())
        || !code.bytes().all(|b| b.is_ascii_digit())
        || !national.starts_with(|c: char| c.is_ascii_digit() && c != '0')
        || !plain(national)
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    (8..=15)
        .contains(&digits.len())
        .then(|| format!("+{digits}"))
}

/// Why an international number is not one that can be dialled; its words
/// follow the number in a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotPossible {
    /// Not read as a phone number at all.
    Unreadable,
    /// Its country code is no country's.
    NoSuchCode(u16),
    /// The wrong number of digits after the code (how many, the code, the
    /// lengths numbers there have).
    Length(usize, u16, Vec<usize>),
}

impl std::fmt::Display for NotPossible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreadable => f.write_str("can't be read as a phone number — check it"),
            Self::NoSuchCode(code) => {
                write!(f, "starts +{code}, which is no country's code — check it")
            }
            Self::Length(length, code, lengths) => {
                let said: Vec<String> = lengths.iter().map(usize::to_string).collect();
                write!(
                    f,
                    "has {length} digits after +{code}; numbers there have {} — check it",
                    said.join(" or ")
                )
            }
        }
    }
}

/// Whether an international number is one libphonenumber calls possible:
/// as many digits after its country code as that country's numbers have.
pub fn check_possible(number: &str) -> Result<(), NotPossible> {
    let parsed = phonenumber::parse(None, number).map_err(|_| NotPossible::Unreadable)?;
    let code = parsed.code().value();
    let length = parsed.national().to_string().len();
    let metadata = phonenumber::metadata::DATABASE
        .by_code(&code)
        .ok_or(NotPossible::NoSuchCode(code))?;
    // The lengths of every kind of number there (the general descriptor's
    // own list is empty in this metadata).
    let mut lengths: Vec<usize> = metadata
        .iter()
        .flat_map(|m| {
            let d = m.descriptors();
            [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .into_iter()
            .flatten()
            .flat_map(|x| x.possible_length().iter().copied())
            .collect::<Vec<u16>>()
        })
        .map(usize::from)
        .collect();
    lengths.sort_unstable();
    lengths.dedup();
    if lengths.is_empty() || lengths.contains(&length) {
        return Ok(());
    }
    Err(NotPossible::Length(length, code, lengths))
}

/// A stored number as people write it: an international number grouped
/// (`+44 7700 900456`); anything else as it was written. Each number is
/// worked out once: the contacts view shows the same few every frame.
pub fn show(number: &str) -> String {
    if !number.starts_with('+') {
        return number.to_owned();
    }
    static SHOWN: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
    let mut shown = SHOWN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let shown = shown.get_or_insert_with(HashMap::new);
    if let Some(known) = shown.get(number) {
        return known.clone();
    }
    let grouped = match phonenumber::parse(code_region(number), number) {
        Ok(parsed) => parsed.format().mode(Mode::International).to_string(),
        Err(_) => number.to_owned(),
    };
    if shown.len() >= 10_000 {
        shown.clear();
    }
    shown.insert(number.to_owned(), grouped.clone());
    grouped
}

/// The region a stored international number is grouped by: its calling
/// code's main one (GB for +44, US for +1), as libphonenumber's formatter
/// groups it. Told to the parser, it saves the parser working out which of
/// the regions sharing a code the number is in (Jersey, Guernsey or the
/// Isle of Man for +44; some twenty for +1) — a question grouping does not
/// ask, whose answer costs megabytes of compiled patterns. `None` for a
/// code of no one region (+800); the parser works it out then.
fn code_region(number: &str) -> Option<country::Id> {
    let digits = number.strip_prefix('+')?;
    // Calling codes are prefix-free: the first one that is known is it.
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
        country::Id::from_str(regions.first()?.id()).ok()
    })
}

/// Loads libphonenumber's metadata (about 80 ms, once): the window calls
/// this on a thread of its own at start, so the first number it shows
/// doesn't hold up a frame.
pub fn warm() {
    let _ = show("+442079460000");
}

/// Whether two numbers as stored are the same line: the same digits once
/// a trunk `0` is taken off, the one's ending the other's (a national
/// `07700 900123` is `+44 7700 900123`) when at least seven digits long.
pub fn same_number(a: &str, b: &str) -> bool {
    let digits = |n: &str| -> String {
        let all: String = n.chars().filter(char::is_ascii_digit).collect();
        all.trim_start_matches('0').to_owned()
    };
    let (a, b) = (digits(a), digits(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (!short.is_empty() && short == long) || (short.len() >= 7 && long.ends_with(&short))
}

/// The digits a search looks for a stored number in: its own, and for a
/// national number stored as typed (`07700 900456`) its international
/// form too (`447700900456`) when the office's country says where it is.
/// An international number needs no second form: a search drops the trunk
/// `0` of what is typed, and `7700900456` is inside `447700900456`.
pub fn forms(number: &str, country: Option<&str>) -> Vec<String> {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let mut out = vec![digits(number)];
    if !number.trim_start().starts_with('+')
        && let Some(international) = international(number, country)
    {
        out.push(digits(&international));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_down_to_the_rosters_words() {
        assert_eq!(label(&["CELL"]), "mobile");
        assert_eq!(label(&["work", "voice"]), "work");
        assert_eq!(label(&["* Mobile"]), "mobile");
        assert_eq!(label(&["_$!<Mobile>!$_"]), "mobile");
        assert_eq!(label(&["Business Fax"]), "work fax");
        assert_eq!(label(&["FAX"]), "fax");
        assert_eq!(label(&["pager"]), "pager");
        assert_eq!(label(&["Assistant's"]), "assistant's");
        assert_eq!(label(&["voice", "pref"]), "");
        assert!(!can_call("work fax"));
        assert!(!can_call("Pager"));
        assert!(can_call("mobile"));
        assert!(can_call(""));
    }

    #[test]
    fn extensions_are_split_from_the_number() {
        assert_eq!(
            split_extension("tel:+1-418-555-0102;ext=102"),
            ("tel:+1-418-555-0102", Some("102"))
        );
        assert_eq!(
            split_extension("+1 418 555 0102 ext. 102"),
            ("+1 418 555 0102", Some("102"))
        );
        assert_eq!(
            split_extension("020 7946 0000 x 42"),
            ("020 7946 0000", Some("42"))
        );
        assert_eq!(
            split_extension("+44 7700 900456"),
            ("+44 7700 900456", None)
        );
        assert_eq!(split_extension("x12"), ("x12", None));
    }

    #[test]
    fn a_number_written_internationally_is_read_as_libphonenumber_reads_it() {
        let library = |n: &str| {
            phonenumber::parse(None, n)
                .ok()
                .map(|p| p.format().mode(Mode::E164).to_string())
        };
        for written in [
            "+44 7700 900456",
            "+44 20 7946 0123",
            "+1 212-555-0199",
            "+1.212.555.0199",
            "+49 30 1234567",
            "+33 6 12 34 56 78",
            "+39 347 123 4567",
            "+61 2 9876 5432",
            "+353 1 234 5678",
            "+81 3-1234-5678",
            "+55 11 98765-4321",
            "+447700900456",
            "+12125550199",
        ] {
            assert_eq!(
                written_international(written),
                library(written),
                "{written}"
            );
        }
        // Left to the library: a trunk 0 after the code, a (0).
        for written in ["+44 07700 900456", "+44 (0)20 7946 0123"] {
            assert_eq!(written_international(written), None, "{written}");
            assert!(international(written, None).is_some(), "{written}");
        }
    }

    #[test]
    fn numbers_are_kept_international_and_shown_grouped() {
        assert_eq!(
            international("07700 900456", Some("GB")).as_deref(),
            Some("+447700900456")
        );
        assert_eq!(
            international("+1 (212) 555-0199", Some("GB")).as_deref(),
            Some("+12125550199")
        );
        assert_eq!(international("07700 900456", None), None);
        assert_eq!(show("+447700900456"), "+44 7700 900456");
        assert_eq!(show("+442079460123"), "+44 20 7946 0123");
        assert_eq!(show("+12125550199"), "+1 212-555-0199");
        assert_eq!(show("07700 900456"), "07700 900456");
    }

    #[test]
    fn numbers_of_a_shared_calling_code_are_grouped_as_a_full_parse_groups_them() {
        // Codes several regions share, numbers from the smaller regions
        // among them, and codes of one region: grouped by the code's main
        // region, as when the parser works the region out itself.
        for number in [
            "+441534456789",  // Jersey
            "+441481256789",  // Guernsey
            "+447624456789",  // Isle of Man mobile
            "+442079460123",  // London
            "+14165550123",   // Toronto
            "+18765550123",   // Jamaica
            "+12125550199",   // New York
            "+74951234567",   // Moscow
            "+77172123456",   // Astana
            "+358181234567",  // Åland
            "+35891234567",   // Helsinki
            "+4779021234",    // Svalbard
            "+61891621234",   // Christmas Island
            "+262269612345",  // Mayotte
            "+590590271234",  // Guadeloupe
            "+390669812345",  // Vatican
            "+4915123456789", // one region
            "+80012345678",   // no region
            "+",              // absurd: nothing after the plus
            "+٤٤7700900123",  // digits of another script
            "+99912345678901234567890123",
        ] {
            let full = phonenumber::parse(None, number)
                .map(|p| p.format().mode(Mode::International).to_string())
                .unwrap_or_else(|_| number.to_owned());
            assert_eq!(show(number), full, "{number}");
        }
        assert_eq!(country_of_zone("Europe/London"), Some("GB"));
        assert_eq!(country_of_zone("America/New_York"), Some("US"));
        assert_eq!(country_of_zone("UTC"), None);
        assert_eq!(forms("+447700900456", None), ["447700900456"]);
        assert!(same_number("07700 900123", "+44 7700 900123"));
        assert!(!same_number("07700 900123", "+44 7700 900124"));
        assert!(!same_number("123", "+44 123"));
        assert_eq!(
            forms("07700 900456", Some("GB")),
            ["07700900456", "447700900456"]
        );
    }
}
