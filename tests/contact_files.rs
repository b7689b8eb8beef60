//! Contacts as phones and mail apps export them: Google Contacts' and
//! Outlook's CSV layouts, vCard 2.1 with quoted-printable values in other
//! charsets, Apple's grouped properties, vCard 4.0 `tel:` URIs with
//! extensions, files in Windows-1252 and UTF-16. Every file here is written
//! for this test from the layouts those programs document.

use chrono::{TimeZone, Utc};
use expedite::interop::import::{self, Format, Options};
use expedite::interop::vcard;
use expedite::model::Role;
use expedite::model::roster::{Contact, OfficeHours, Phone, Roster, search};

fn options() -> Options {
    Options::at(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
}

/// A roster whose office is in `zone`: numbers without `+` are that
/// zone's country's.
fn office_in(zone: &str) -> Roster {
    Roster {
        office_hours: Some(OfficeHours {
            time_zone: zone.into(),
            ..OfficeHours::default()
        }),
        ..Roster::default()
    }
}

fn numbers(c: &Contact) -> Vec<(String, String, String)> {
    c.phones
        .iter()
        .map(|p| {
            (
                p.label.to_string(),
                p.number.to_string(),
                p.extension.to_string(),
            )
        })
        .collect()
}

fn more_emails(c: &Contact) -> Vec<(String, String)> {
    c.more_emails
        .iter()
        .map(|e| (e.label.to_string(), e.address.to_string()))
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// Google Contacts' export: numbered label/value pairs, the primary
/// address starred, two numbers of one kind in one cell.
const GOOGLE: &str = "First Name,Middle Name,Last Name,Phonetic First Name,Nickname,File As,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,Organization Name,Organization Title,Organization Department
Priya,,Raman,,Pri,,1990-04-01,Call after 7pm,* myContacts,Home,priya.home@example.net,* Work,priya@example.com,Mobile,07700 900461 ::: 07700 900462,Work Fax,020 7946 0999,Pager,07623 900100,Example Ltd,Developer,Web
Lars,Erik,Holm,,,,,,* myContacts,* Other,lars@example.com,,,Work,+46 8 123 456 78,,,,,Example Ltd,\"Tester, Reviewer\",
";

#[test]
fn a_google_contacts_export_brings_every_number_and_address() {
    let roster = office_in("Europe/London");
    let preview = import::preview(&roster, GOOGLE, Format::Csv, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let priya = &preview.contacts[0];
    assert_eq!(priya.name, "Priya Raman");
    assert_eq!(priya.roles, [Role::Developer]);
    assert_eq!(priya.team, "Web");
    assert_eq!(
        numbers(priya),
        owned(&[
            ("mobile", "+447700900461", ""),
            ("mobile", "+447700900462", ""),
            ("work fax", "+442079460999", ""),
            ("pager", "+447623900100", ""),
        ])
    );
    assert_eq!(
        priya.email.as_deref(),
        Some("priya@example.com"),
        "the starred address is the main one"
    );
    assert_eq!(
        more_emails(priya),
        [("home".to_owned(), "priya.home@example.net".to_owned())]
    );
    let lars = &preview.contacts[1];
    assert_eq!(lars.name, "Lars Erik Holm");
    assert_eq!(lars.roles, [Role::Tester, Role::Reviewer]);
    assert_eq!(numbers(lars), owned(&[("work", "+46812345678", "")]));
    // One line names what was left out; no phone or email column among it.
    assert_eq!(preview.notes.len(), 1, "{:?}", preview.notes);
    let note = &preview.notes[0];
    assert!(note.starts_with("5 columns are not used"), "{note}");
    assert!(note.contains("\"Birthday\""), "{note}");
    assert!(
        !note.contains("Phone") || note.contains("Phonetic"),
        "{note}"
    );
    assert!(!note.contains("E-mail"), "{note}");
}

#[test]
fn fax_and_pager_numbers_are_kept_but_never_offered_to_call() {
    let mut roster = office_in("Europe/London");
    let preview = import::preview(&roster, GOOGLE, Format::Csv, &options());
    roster.merge(preview.contacts, Vec::new(), None);
    let priya = roster.find("Priya Raman").unwrap();
    let callable: Vec<&str> = priya.callable().map(|p| p.number.as_str()).collect();
    assert_eq!(callable, ["+447700900461", "+447700900462"]);
    assert_eq!(roster.number_of("Priya Raman"), Some("+447700900461"));
    let fax_only = Contact {
        name: "Fax Desk".into(),
        phones: vec![Phone {
            label: "fax".into(),
            number: "+442079460998".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    };
    roster.contacts.push(fax_only);
    assert_eq!(roster.number_of("Fax Desk"), None);
}

/// Outlook's export: named columns, an honorific in "Title", an extension
/// written after the number.
const OUTLOOK: &str = "\"First Name\",\"Middle Name\",\"Last Name\",\"Title\",\"Suffix\",\"Company\",\"Department\",\"Job Title\",\"Business Phone\",\"Business Phone 2\",\"Home Phone\",\"Mobile Phone\",\"Pager\",\"Business Fax\",\"E-mail Address\",\"E-mail Type\",\"E-mail Display Name\",\"E-mail 2 Address\",\"E-mail 3 Address\",\"Notes\",\"Birthday\"
\"Tom\",\"\",\"Berg\",\"Mr.\",\"\",\"Example Inc\",\"Platform\",\"Reviewer\",\"+1 212 555 0142 x 310\",\"\",\"\",\"(212) 555-0143\",\"\",\"212-555-0144\",\"tom@example.com\",\"SMTP\",\"Tom Berg (tom@example.com)\",\"tberg@example.org\",\"\",\"\",\"0/0/00\"
";

#[test]
fn an_outlook_export_brings_business_numbers_extensions_and_second_addresses() {
    let roster = office_in("America/New_York");
    let preview = import::preview(&roster, OUTLOOK, Format::Csv, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let tom = &preview.contacts[0];
    assert_eq!(tom.name, "Tom Berg");
    assert_eq!(tom.roles, [Role::Reviewer], "'Mr.' names no role");
    assert_eq!(tom.team, "Platform");
    assert_eq!(
        numbers(tom),
        owned(&[
            ("work", "+12125550142", "310"),
            ("mobile", "+12125550143", ""),
            ("work fax", "+12125550144", ""),
        ])
    );
    assert_eq!(tom.email.as_deref(), Some("tom@example.com"));
    assert_eq!(
        more_emails(tom),
        [(String::new(), "tberg@example.org".to_owned())]
    );
    let note = &preview.notes[0];
    assert!(note.contains("\"Suffix\""), "{note}");
    assert!(!note.contains("E-mail"), "{note}");
}

/// vCard 2.1 as older phones and Outlook write it: bare types, values in
/// quoted-printable with soft line breaks, names in ISO-8859-1 and UTF-8.
const VCARD_21: &str = "BEGIN:VCARD\r
VERSION:2.1\r
N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r
TEL;WORK;FAX:+49 30 1234567\r
TEL;CELL;PREF:+49 151 23456789\r
TEL;PAGER:+49 30 7654321\r
EMAIL;INTERNET;HOME:jm@example.net\r
EMAIL;INTERNET;PREF:juergen@example.de\r
NOTE;ENCODING=QUOTED-PRINTABLE:Bitte zuerst anrufen, dann eine Nachricht im =\r
Kanal.=0D=0AVertretung: Ana\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:2.1\r
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB Ng\r
TEL;VOICE;QUOTED-PRINTABLE:+44 20 7946 =\r
0321\r
END:VCARD\r
";

#[test]
fn vcard_2_1_quoted_printable_and_charsets_are_read() {
    let (contacts, problems) = vcard::read(VCARD_21, Some("DE"));
    assert!(problems.is_empty(), "{problems:?}");
    let jurgen = &contacts[0].1;
    assert_eq!(jurgen.name, "Jürgen Müller");
    assert_eq!(
        numbers(jurgen),
        owned(&[
            ("mobile", "+4915123456789", ""),
            ("work fax", "+49301234567", ""),
            ("pager", "+49307654321", ""),
        ]),
        "the preferred number first"
    );
    assert_eq!(jurgen.email.as_deref(), Some("juergen@example.de"));
    assert_eq!(
        more_emails(jurgen),
        [("home".to_owned(), "jm@example.net".to_owned())]
    );
    assert_eq!(
        jurgen.notes,
        "Bitte zuerst anrufen, dann eine Nachricht im Kanal.\nVertretung: Ana"
    );
    let zoe = &contacts[1].1;
    assert_eq!(contacts[1].0, 12, "the second card's first line");
    assert_eq!(zoe.name, "Zoë Ng");
    assert_eq!(numbers(zoe), owned(&[("", "+442079460321", "")]));
}

/// Apple's grouped properties with their labels, and a vCard 4.0 card
/// shaped like RFC 6350's own example: `tel:` URIs, an extension, quoted
/// type lists, a time zone given as an offset.
const GROUPED_AND_4_0: &str = "BEGIN:VCARD\r
VERSION:3.0\r
FN:Ana Lima\r
item1.TEL:+55 11 98765-4321\r
item1.X-ABLabel:_$!<Mobile>!$_\r
item2.TEL:+55 11 3456-7890\r
item2.X-ABLabel:Night line\r
item3.EMAIL;type=INTERNET:ana@example.com\r
item3.X-ABLabel:_$!<Work>!$_\r
EMAIL;type=INTERNET;type=HOME:ana.lima@example.net\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Claire Dubois\r
N:Dubois;Claire;;;ing.\r
ORG;TYPE=work:Exemple SA\r
TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+33-1-23-45-67-89;ext=204\r
TEL;VALUE=uri;TYPE=\"work,cell,voice,video,text\":tel:+33-6-12-34-56-78\r
EMAIL;TYPE=work:claire.dubois@example.fr\r
GEO;TYPE=work:geo:48.857,2.351\r
TZ:-0500\r
END:VCARD\r
";

#[test]
fn grouped_labels_and_tel_uris_with_extensions_are_read() {
    let (contacts, problems) = vcard::read(GROUPED_AND_4_0, None);
    assert!(problems.is_empty(), "{problems:?}");
    let ana = &contacts[0].1;
    assert_eq!(
        numbers(ana),
        owned(&[
            ("mobile", "+5511987654321", ""),
            ("night line", "+551134567890", ""),
        ])
    );
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
    assert_eq!(
        more_emails(ana),
        [("home".to_owned(), "ana.lima@example.net".to_owned())]
    );
    let claire = &contacts[1].1;
    assert_eq!(claire.name, "Claire Dubois");
    assert_eq!(claire.team, "Exemple SA");
    assert_eq!(
        numbers(claire),
        owned(&[
            ("work", "+33123456789", "204"),
            ("mobile", "+33612345678", ""),
        ])
    );
    assert_eq!(claire.time_zone, None, "an offset is no zone to keep");
}

#[test]
fn files_in_windows_1252_and_utf_16_are_read_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let roster = office_in("Europe/London");
    // "Zoë Ng" in Windows-1252: ë is the one byte 0xEB.
    let mut latin = b"Name,Mobile\nZo".to_vec();
    latin.push(0xEB);
    latin.extend_from_slice(b" Ng,07700 900470\n");
    let path = dir.path().join("outlook.csv");
    std::fs::write(&path, &latin).unwrap();
    let read = import::preview_from(&roster, path.to_str().unwrap(), options()).unwrap();
    assert_eq!(read.format, Format::Csv);
    let preview = read.preview;
    assert_eq!(preview.contacts[0].name, "Zoë Ng");
    assert!(
        preview.notes[0].contains("Windows-1252"),
        "{:?}",
        preview.notes
    );
    assert!(preview.lines().iter().any(|l| l.contains("Windows-1252")));

    // UTF-16 (little-endian, with its byte-order mark).
    let mut wide = vec![0xFF, 0xFE];
    for unit in "Name,Mobile\r\nJürgen Müller,+49 151 23456789\r\n".encode_utf16() {
        wide.extend_from_slice(&unit.to_le_bytes());
    }
    let path = dir.path().join("contacts.csv");
    std::fs::write(&path, &wide).unwrap();
    let preview = import::preview_from(&roster, path.to_str().unwrap(), options())
        .unwrap()
        .preview;
    assert_eq!(preview.contacts[0].name, "Jürgen Müller");
    assert_eq!(preview.contacts[0].phones[0].number, "+4915123456789");
}

#[test]
fn a_number_is_found_by_any_of_its_forms() {
    let mut roster = office_in("Europe/London");
    roster.contacts.push(Contact {
        name: "Written Nationally".into(),
        phones: vec![Phone {
            label: "mobile".into(),
            number: "07700 900456".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    });
    roster.contacts.push(Contact {
        name: "Stored International".into(),
        phones: vec![Phone {
            label: "mobile".into(),
            number: "+447700900789".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    });
    let found = |query: &str| -> Vec<String> {
        search(&roster, query)
            .into_iter()
            .map(|i| roster.contacts[i].name.to_string())
            .collect()
    };
    // Caller ID shows the international form; people type the national one.
    for query in [
        "+447700900456",
        "+44 7700 900456",
        "07700 900456",
        "0044 7700 900456",
    ] {
        assert_eq!(found(query), ["Written Nationally"], "{query}");
    }
    for query in ["07700 900789", "+44 7700 900789", "7700900789"] {
        assert_eq!(found(query), ["Stored International"], "{query}");
    }
    assert!(found("+44 7700 900999").is_empty());
}

#[test]
fn an_import_again_adds_the_addresses_and_numbers_a_contact_lacked() {
    let mut roster = office_in("Europe/London");
    roster.contacts.push(Contact {
        name: "Priya Raman".into(),
        email: Some("priya@example.com".into()),
        phones: vec![Phone {
            label: "mobile".into(),
            number: "07700 900461".into(),
            extension: Default::default(),
        }],
        ..Contact::default()
    });
    let preview = import::preview(&roster, GOOGLE, Format::Csv, &options());
    roster.merge(preview.contacts, Vec::new(), None);
    let priya = roster.find("Priya Raman").unwrap();
    assert_eq!(priya.email.as_deref(), Some("priya@example.com"));
    assert_eq!(
        more_emails(priya),
        [("home".to_owned(), "priya.home@example.net".to_owned())]
    );
    let all: Vec<&str> = priya.phones.iter().map(|p| p.number.as_str()).collect();
    assert_eq!(
        all,
        [
            "07700 900461",
            "+447700900462",
            "+442079460999",
            "+447623900100"
        ],
        "the number already there, in another form, is not added twice"
    );
}

#[test]
fn an_export_keeps_kinds_extensions_and_every_address() {
    let mut roster = office_in("America/New_York");
    let preview = import::preview(&roster, OUTLOOK, Format::Csv, &options());
    roster.merge(preview.contacts, Vec::new(), None);
    let written = vcard::write(&roster);
    assert!(written.contains("TYPE=work,fax"), "{written}");
    assert!(written.contains(";ext=310"), "{written}");
    let (back, problems) = vcard::read(&written, None);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back[0].1.phones, roster.contacts[0].phones);
    assert_eq!(back[0].1.email, roster.contacts[0].email);
    assert_eq!(back[0].1.more_emails, roster.contacts[0].more_emails);
}

#[test]
fn an_address_with_anything_after_it_is_left_out_and_said() {
    let file = "Name,E-mail 1 - Value\nMallory,a@b.com?attach=/etc/passwd\n";
    let preview = import::preview(&Roster::default(), file, Format::Csv, &options());
    assert_eq!(preview.contacts.len(), 1);
    assert_eq!(preview.contacts[0].email, None);
    let lines = preview.lines().join("\n");
    assert!(
        lines.contains("1 address is not an email address and is left out"),
        "{lines}"
    );
}

#[test]
fn the_offices_phone_country_is_checked_and_read_numbers_in_it() {
    use expedite::command::{Command, RosterChange, apply};
    let mut state = expedite::model::State::default();
    let hours = |country: &str| {
        Command::Roster(Box::new(RosterChange::SetOfficeHours(Some(OfficeHours {
            time_zone: "Europe/London".into(),
            country: Some(country.into()),
            ..OfficeHours::default()
        }))))
    };
    let refused = apply(&mut state, hours("UK"), "me", options().now).unwrap_err();
    assert!(
        refused.to_string().contains("not a country's code"),
        "{refused}"
    );
    assert_eq!(state.roster.office_hours, None, "a refusal changes nothing");
    // A London office whose numbers are Irish.
    apply(&mut state, hours("IE"), "me", options().now).unwrap();
    let save = Command::Roster(Box::new(RosterChange::SaveContact {
        replacing: None,
        contact: Contact {
            name: "Aoife Byrne".into(),
            phones: vec![Phone {
                label: "mobile".into(),
                number: "085 123 4567 ext. 12".into(),
                extension: Default::default(),
            }],
            ..Contact::default()
        },
    }));
    apply(&mut state, save, "me", options().now).unwrap();
    assert_eq!(
        numbers(&state.roster.contacts[0]),
        owned(&[("mobile", "+353851234567", "12")]),
        "kept in international form, the extension apart"
    );
}

#[test]
fn a_long_import_says_how_far_it_has_got() {
    use expedite::interop::{Progress, csv_roster};
    let mut file = String::from("Name,Mobile\n");
    for k in 0..20_000 {
        file.push_str(&format!("Person {k:05},+44 7700 9{k:05}\n"));
    }
    let progress = Progress::default();
    assert_eq!(progress.fraction(), 0.0);
    let (contacts, _, _) = csv_roster::read_with(&file, None, &progress);
    assert_eq!(contacts.len(), 20_000);
    // Reading the rows is most of the bar, not all of it: working out what
    // they change is the rest.
    let read = progress.fraction();
    assert!((0.6..0.86).contains(&read), "{read}");
    let options = Options {
        progress: progress.clone(),
        ..options()
    };
    import::preview(&Roster::default(), &file, Format::Csv, &options);
    assert_eq!(progress.fraction(), 1.0);
}

/// A team spread over three countries, each with their own zone and their
/// numbers written as people there write them; no office hours yet.
const ABROAD: &str = "Name,Roles,Phone,Time zone
Lena Vogel,Developer,0151 98765432,Europe/Berlin
Max Roth,Tester,030 12345678,Europe/Berlin
Ana Ruiz,Developer,(212) 555-0147,America/New_York
Ben Cole,Reviewer,1-212-555-0100,America/New_York
Sam Patel,Developer,07700 900123,Europe/London
Jo Lee,Developer,00 44 7700 900555,
Kim Noor,Developer,07700 900999,
";

#[test]
fn numbers_written_nationally_abroad_dial_from_any_phone() {
    let preview = import::preview(&Roster::default(), ABROAD, Format::Csv, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let number = |name: &str| {
        let c = preview.contacts.iter().find(|c| c.name == name).unwrap();
        c.phones[0].number.to_string()
    };
    assert_eq!(number("Lena Vogel"), "+4915198765432");
    assert_eq!(number("Max Roth"), "+493012345678");
    assert_eq!(number("Ana Ruiz"), "+12125550147");
    assert_eq!(number("Ben Cole"), "+12125550100");
    assert_eq!(number("Sam Patel"), "+447700900123");
    assert_eq!(
        number("Jo Lee"),
        "+447700900555",
        "00 is the international prefix"
    );
    // Kim has no zone and there are no office hours: kept, and said.
    assert_eq!(number("Kim Noor"), "07700 900999");
    let lines = preview.lines().join("\n");
    assert!(
        lines.contains("1 number has no country, so it is kept as written"),
        "{lines}"
    );
    assert!(lines.contains("Office hours → Phone country"), "{lines}");

    let mut roster = Roster::default();
    roster.merge(preview.contacts.clone(), Vec::new(), None);
    // Exported for a phone: each dials its own country.
    let card = vcard::write(&roster);
    for tel in [
        "tel:+4915198765432",
        "tel:+12125550147",
        "tel:+447700900123",
    ] {
        assert!(card.contains(tel), "{tel} missing:\n{card}");
    }
    // Found by their international form, however it is typed.
    for (query, name) in [
        ("+49 151 98765432", "Lena Vogel"),
        ("+12125550147", "Ana Ruiz"),
        ("0151 98765432", "Lena Vogel"),
        ("+1 (212) 555-0100", "Ben Cole"),
    ] {
        let found: Vec<&str> = search(&roster, query)
            .into_iter()
            .map(|i| roster.contacts[i].name.as_str())
            .collect();
        assert_eq!(found, [name], "{query}");
    }
}

#[test]
fn an_exchange_name_where_an_address_should_be_is_left_out_not_the_contact() {
    let file = "\"First Name\",\"Last Name\",\"Mobile Phone\",\"E-mail Address\",\"E-mail 2 Address\"
\"Dana\",\"Whitfield\",\"+44 7700 900321\",\"dana@example.com\",\"/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=dana\"
\"Mallory\",\"Evans\",\"+44 7700 900322\",\"mallory@example.com?attach=/etc/passwd\",\"\"
";
    let preview = import::preview(&office_in("Europe/London"), file, Format::Csv, &options());
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    assert_eq!(preview.contacts.len(), 2, "both people come in");
    let dana = &preview.contacts[0];
    assert_eq!(dana.email.as_deref(), Some("dana@example.com"));
    assert!(dana.more_emails.is_empty(), "{:?}", dana.more_emails);
    assert_eq!(dana.phones[0].number, "+447700900321");
    let mallory = &preview.contacts[1];
    assert_eq!(mallory.email, None, "no mail link that attaches a file");
    let lines = preview.lines().join("\n");
    assert!(
        lines.contains("2 addresses are not an email address and are left out"),
        "{lines}"
    );
}
