//! Contacts and cover: search, who covers now, the roster's forms,
//! imports and exports.

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use expedite::command::Command;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;

#[test]
fn ctrl_f_finds_a_contact_by_name_role_or_number() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    settle(&mut harness);
    harness.get_by_label_contains("4 of 4");
    harness
        .get_by_role_and_label(Role::TextInput, "Find contact")
        .type_text("tester");
    settle(&mut harness);
    harness.get_by_label_contains("1 of 4");
    // Tom is in the list found, and (the only tester, with no rota) in the
    // cover above it; Alex only in the cover (as developer and web contact).
    assert_eq!(harness.query_all_by_label("Tom Berg").count(), 2);
    assert_eq!(harness.query_all_by_label("Alex Kim").count(), 2);
}

#[test]
fn the_roster_says_out_of_hours_and_who_covers_now() {
    // Thursday 26 November 2026, 02:00 in London.
    let (_dir, mut harness) = contacts_at(with_rota, t(0));
    settle(&mut harness);
    harness.get_by_label_contains(
        "Out of hours — cover below (Thu 02:00 Europe/London · office opens 09:00)",
    );
    harness.get_by_label_contains("Next: Alex Kim from Mon 09:00");
    harness
        .get_all_by_label("No rota — anyone with this role:")
        .next()
        .unwrap();
    harness
        .get_all_by_role_and_label(Role::Link, "Tom Berg")
        .next()
        .unwrap();
    // The cover's name opens the card; the card copies the number.
    // The first "Priya Shah" is the cover's; the second the search list's.
    harness
        .get_all_by_role_and_label(Role::Link, "Priya Shah")
        .next()
        .unwrap()
        .click();
    settle(&mut harness);
    harness.get_by_label("On call now as developer");
    click(&mut harness, "Back to contacts");
    type_into(&mut harness, "Find contact", "alx");
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("+44 7700 900123");
    click(&mut harness, "Copy");
    harness.get_by_role_and_label(Role::Button, "Copied");
}

#[test]
fn a_search_shows_a_colleagues_rename_without_retyping() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_watching(dir.path(), t(3));
    click(&mut harness, "Contacts");
    type_into(&mut harness, "Find contact", "berg");
    let shown = |harness: &Harness<'_, ExpediteApp>, name: &str| {
        harness.query_all_by_label(name).next().is_some()
    };
    assert!(shown(&harness, "Tom Berg"));

    // Elsewhere, Tom becomes Tomas: the roster keeps its length, only a name changes.
    let mut other = Store::open(dir.path()).unwrap();
    let (mut state, _) = other.load();
    let mut tom = state.roster.find("Tom Berg").unwrap().clone();
    tom.name = "Tomas Berg".into();
    let rename = expedite::command::RosterChange::SaveContact {
        replacing: Some("Tom Berg".into()),
        contact: tom,
    };
    other
        .execute(&mut state, Command::Roster(Box::new(rename)), "Jo", t(3))
        .unwrap();
    for _ in 0..250 {
        harness.step();
        if shown(&harness, "Tomas Berg") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        shown(&harness, "Tomas Berg"),
        "the search shows the new name"
    );
    assert!(!shown(&harness, "Tom Berg"), "and not the old one");
    assert_eq!(field_value(&harness, "Find contact"), "berg");
}

#[test]
fn the_file_to_import_can_be_picked_in_the_desktops_dialog() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let csv = dir.path().join("picked.csv");
    std::fs::write(&csv, "Name,Role,Mobile\nLee Park,Tester,+44 7700 900555\n").unwrap();
    let store = expedite::store::Store::open(dir.path()).unwrap();
    let answer = std::sync::Arc::new(SaveAnswer(Some(csv.clone())));
    let mut harness = egui_kittest::Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            expedite::ui::ExpediteApp::new(store, Box::new(|| t(0))).with_save_dialog(answer)
        });
    settle(&mut harness);
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    click(&mut harness, "Browse…");
    wait_for(
        &mut harness,
        "Press Preview import to see what it would change.",
    );
    assert_eq!(
        field_value(&harness, "File or address"),
        csv.display().to_string()
    );
    click(&mut harness, "Preview import");
    harness.get_by_label("Add 1 contact: Lee Park");

    // A desktop with no open dialog says to type the path.
    let store = expedite::store::Store::open(dir.path()).unwrap();
    let mut harness = egui_kittest::Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |_cc| {
            expedite::ui::ExpediteApp::new(store, Box::new(|| t(0)))
                .with_save_dialog(std::sync::Arc::new(SaveAnswer(None)))
        });
    settle(&mut harness);
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    click(&mut harness, "Browse…");
    wait_for(&mut harness, "No file dialog can be shown on this desktop");
}

#[test]
fn a_rotations_misspelt_name_is_put_right_in_one_click() {
    let (_dir, mut harness) = contacts_at(with_roster, t(0));
    click(&mut harness, "Rotations…");
    type_into(&mut harness, "People in order", "Alex Kimm, Tom Berg");
    harness.get_by_label("Not on the roster: Alex Kimm");
    click(&mut harness, "Use Alex Kim");
    assert_eq!(
        field_value(&harness, "People in order"),
        "Alex Kim, Tom Berg"
    );
    assert!(
        harness
            .query_by_label_contains("Not on the roster")
            .is_none()
    );
}

#[test]
fn in_office_hours_the_banner_says_so() {
    // 10:00 in London on a Thursday.
    let (_dir, harness) = contacts_at(with_rota, t(8 * 60));
    harness.get_by_label_contains("In office hours (Thu 10:00 Europe/London)");
}

#[test]
fn adding_a_contact_refuses_a_number_with_letters_and_keeps_the_text() {
    let (dir, mut harness) = contacts_at(with_roster, t(0));
    click(&mut harness, "Add contact…");
    type_into(&mut harness, "Name", "Dana Ortiz");
    harness
        .get_by_role_and_label(Role::CheckBox, "Reviewer")
        .click();
    settle(&mut harness);
    let number = harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap();
    number.click();
    settle(&mut harness);
    harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap()
        .type_text("07700 9OO 777");
    settle(&mut harness);
    click(&mut harness, "Save contact");
    harness.get_by_label_contains("has letters or symbols in it");
    assert_eq!(field_value(&harness, "Name"), "Dana Ortiz");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana")
    );

    let field = harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap();
    field.click();
    settle(&mut harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_all_by_role_and_label(Role::TextInput, "Number 1")
        .nth(1)
        .unwrap()
        .type_text("07700 900 777");
    settle(&mut harness);
    click(&mut harness, "Save contact");
    // Saved: the card shows, and the file has her.
    harness.get_by_label("Reviewer");
    harness.get_by_role_and_label(Role::Link, "07700 900 777");
    assert!(
        std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana Ortiz")
    );

    // Removing asks once more.
    click(&mut harness, "Remove…");
    click(&mut harness, "Remove Dana Ortiz from the roster");
    harness.get_by_label_contains("of 4");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Dana")
    );
}

#[test]
fn importing_a_spreadsheet_shows_what_will_change_first() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let csv = dir.path().join("more.csv");
    std::fs::write(
        &csv,
        "Name,Role,Mobile\nLee Park,Tester,+44 7700 900555\nTom Berg,Tester,+44 7700 900666\n",
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    import_from(&mut harness, csv.to_str().unwrap());
    click(&mut harness, "Preview import");
    harness.get_by_label("Add 1 contact: Lee Park");
    harness.get_by_label("Update 1 contact: Tom Berg (numbers)");
    assert!(
        !std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Lee Park")
    );
    click(&mut harness, "Import");
    // Said once it is saved, where it stays in sight on the way back.
    harness.get_by_label("Imported 2 contacts and 0 shifts into the roster.");
    click(&mut harness, "Back to contacts");
    harness.get_by_label("Imported 2 contacts and 0 shifts into the roster.");
    harness.get_by_label_contains("5 of 5");
    assert!(
        std::fs::read_to_string(dir.path().join("roster.ron"))
            .unwrap()
            .contains("Lee Park")
    );
}

#[test]
fn a_google_export_imports_whole_and_its_fax_is_shown_but_not_offered_to_call() {
    let dir = folder_with_incident(None);
    with_rota(dir.path());
    let csv = dir.path().join("google.csv");
    std::fs::write(
        &csv,
        "First Name,Last Name,Birthday,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value\n\
         Lee,Park,1991-02-03,* Work,lee@example.com,Home,lee.park@example.net,Work Fax,020 7946 0999,Mobile,07700 900555,Pager,07623 900100\n",
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    import_from(&mut harness, csv.to_str().unwrap());
    click(&mut harness, "Preview import");
    harness.get_by_label("Add 1 contact: Lee Park");
    harness.get_by_label_contains("1 column is not used: \"Birthday\"");
    click(&mut harness, "Import");
    harness.get_by_label("Imported 1 contact and 0 shifts into the roster.");
    click(&mut harness, "Back to contacts");
    type_into(&mut harness, "Find contact", "07700 900555");
    settle(&mut harness);
    harness.get_by_label_contains("1 of 5");
    // The list's line keeps to the number to call and the address; the fax,
    // the pager and the second address are counted, and on the card.
    harness.get_by_label("+3 more");
    assert!(harness.query_by_label("+44 20 7946 0999").is_none());
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label("Email (home)");
    // Numbers are kept in international form (the office is in London) and
    // shown grouped; the mobile dials, the fax and the pager don't.
    harness.get_by_role_and_label(Role::Link, "+44 7700 900555");
    harness.get_by_role_and_label(Role::Label, "+44 20 7946 0999");
    harness.get_by_role_and_label(Role::Label, "+44 76 2390 0100");
    assert!(
        harness
            .query_by_role_and_label(Role::Link, "+44 20 7946 0999")
            .is_none()
    );
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("\"+447700900555\""), "{roster}");
}

#[test]
fn a_personal_feed_is_imported_once_the_window_is_told_whose_it_is() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let ics = dir.path().join("my-shifts.ics");
    let event = |uid: &str, day: u32| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:202611{day:02}T180000Z\r\nDTEND:202611{:02}T060000Z\r\nSUMMARY:On-Call (GoAlert): Web\r\nEND:VEVENT\r\n",
            day + 1
        )
    };
    std::fs::write(
        &ics,
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{}{}END:VCALENDAR\r\n",
            event("g1@example.com", 27),
            event("g2@example.com", 28)
        ),
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    import_from(&mut harness, ics.to_str().unwrap());
    click(&mut harness, "Preview import");
    harness.get_by_label("Nothing to import yet: the feed doesn't say whose shifts these are.");
    type_into(&mut harness, "Whose shifts", "Tom Berg");
    click(&mut harness, "Preview import");
    harness.get_by_label("Add 2 shifts.");
    click(&mut harness, "Import");
    harness.get_by_label("Imported 0 contacts and 2 shifts into the roster.");
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(
        roster.contains("my-shifts.ics"),
        "the feed is kept: {roster}"
    );
}

#[test]
fn office_hours_that_end_before_they_start_are_refused_then_set() {
    let (_dir, mut harness) = contacts_at(with_roster, t(0));
    harness.get_by_label_contains("Office hours are not set");
    click(&mut harness, "Office hours…");
    retype(&mut harness, "Starts at", "18:00");
    retype(&mut harness, "Ends at", "09:00");
    click(&mut harness, "Save office hours");
    harness.get_by_label_contains("ends (09:00) before it starts (18:00)");
    assert_eq!(field_value(&harness, "Starts at"), "18:00");
    retype(&mut harness, "Starts at", "09:00");
    retype(&mut harness, "Ends at", "18:00");
    retype(&mut harness, "Time zone", "Asia/Tokyo");
    click(&mut harness, "Save office hours");
    harness.get_by_label("Office hours saved: Mon Tue Wed Thu Fri 09:00–18:00 (Asia/Tokyo).");
    click(&mut harness, "Back to contacts");
    // 02:00 UTC is 11:00 in Tokyo, on a Thursday.
    harness.get_by_label_contains("In office hours (Thu 11:00 Asia/Tokyo)");
}

#[test]
fn cover_for_someone_shows_in_who_covers_now() {
    let (_dir, mut harness) = contacts_at(with_rota, t(0));
    click(&mut harness, "Cover for someone…");
    type_into(&mut harness, "Who covers", "Tom Berg");
    type_into(&mut harness, "Covers for", "Priya Shah");
    retype(&mut harness, "From", "2026-11-26 01:00");
    retype(&mut harness, "Until", "2026-11-26 00:00");
    click(&mut harness, "Add cover");
    harness.get_by_label_contains("ends (2026-11-26 00:00) before it starts (2026-11-26 01:00)");
    assert_eq!(field_value(&harness, "Who covers"), "Tom Berg");
    retype(&mut harness, "Until", "2026-11-26 09:00");
    click(&mut harness, "Add cover");
    harness.get_by_label_contains("Tom Berg covers for Priya Shah (developer)");
    // Once saved the form is empty for the next one.
    assert_eq!(field_value(&harness, "Who covers"), "");
    click(&mut harness, "Back to contacts");
    harness
        .get_all_by_role_and_label(Role::Link, "Tom Berg")
        .next()
        .unwrap();
    harness.get_by_label_contains("Next: Priya Shah from 09:00");
}

#[test]
fn a_half_typed_contact_survives_a_restart() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    {
        let mut harness = app_at(dir.path(), t(0));
        click(&mut harness, "Contacts");
        click(&mut harness, "Add contact…");
        type_into(&mut harness, "Name", "Dana Ortiz");
        type_into(&mut harness, "Notes", "Only after 7 a.m.");
        // The window closes within the second, before the throttled save.
        use eframe::App as _;
        harness.state_mut().on_exit(None);
    }
    let mut harness = app_at(dir.path(), t(1));
    click(&mut harness, "Contacts");
    click(&mut harness, "Add contact…");
    assert_eq!(field_value(&harness, "Name"), "Dana Ortiz");
    assert_eq!(field_value(&harness, "Notes"), "Only after 7 a.m.");
}

#[test]
fn the_file_typed_to_import_survives_a_restart() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let file = dir.path().join("team.csv").display().to_string();
    {
        let mut harness = app_at(dir.path(), t(0));
        click(&mut harness, "Contacts");
        click(&mut harness, "Import or export…");
        type_into(&mut harness, "File or address", &file);
        use eframe::App as _;
        harness.state_mut().on_exit(None);
    }
    let mut harness = app_at(dir.path(), t(1));
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    assert_eq!(field_value(&harness, "File or address"), file);
}

#[test]
fn a_crowded_role_lists_a_few_then_all_on_request() {
    let dir = folder_with_incident(None);
    let shifts: Vec<String> = (1..=6)
        .map(|n| {
            format!(
                r#"(who: "Tester {n}", role: Tester, start: "2026-11-26T00:00:00Z", end: "2026-11-26T12:00:00Z")"#
            )
        })
        .collect();
    std::fs::write(
        dir.path().join("roster.ron"),
        format!("(rota: (shifts: [{}]))", shifts.join(", ")),
    )
    .unwrap();
    let mut harness = app_at(dir.path(), t(0));
    click(&mut harness, "Contacts");
    harness.get_by_label("Tester 4");
    assert!(harness.query_by_label("Tester 5").is_none());
    harness
        .get_by_role_and_label(Role::Link, "and 2 more on call")
        .click();
    settle(&mut harness);
    harness.get_by_label("Tester 6");
    harness
        .get_all_by_label("(not on the roster)")
        .nth(5)
        .unwrap();
}

#[test]
fn the_roster_is_saved_for_other_tools_where_the_dialog_says() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("team.vcf");
    let mut harness = at_conclusion(dir.path(), Some(path.clone()));
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    click(&mut harness, "Save contacts as vCard…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let cards = std::fs::read_to_string(&path).unwrap();
    assert_eq!(cards.matches("BEGIN:VCARD\r\nVERSION:4.0").count(), 2);
    assert!(cards.contains("FN:the call centre"), "{cards}");
}

/// Five testers and no rota for testers: each may be called.
fn five_testers(dir: &std::path::Path) {
    let testers: String = (1..=5)
        .map(|n| {
            format!(
                r#"(name: "Tester {n}", roles: [Tester], team: "QA",
                    phones: [(label: "mobile", number: "+44 7700 90010{n}")]),"#
            )
        })
        .collect();
    std::fs::write(dir.join("roster.ron"), format!("(contacts: [{testers}])")).unwrap();
}

#[test]
fn a_role_without_a_rota_lists_everyone_with_it_and_their_numbers() {
    let (_dir, mut harness) = contacts_at(five_testers, t(0));
    settle(&mut harness);
    harness
        .get_all_by_label("No rota — anyone with this role:")
        .next()
        .unwrap();
    // The first four with their numbers, then the rest one click away:
    // nobody is dropped. (Everyone is also in the contact list below.)
    let times =
        |harness: &Harness<'_, ExpediteApp>, text: &str| harness.query_all_by_label(text).count();
    for n in 1..=4 {
        assert_eq!(times(&harness, &format!("Tester {n}")), 2);
        assert_eq!(times(&harness, &format!("+44 7700 90010{n}")), 2);
    }
    assert_eq!(times(&harness, "Tester 5"), 1);
    harness
        .get_by_role_and_label(Role::Link, "and 1 more with this role")
        .click();
    settle(&mut harness);
    assert_eq!(times(&harness, "Tester 5"), 2);
    assert_eq!(times(&harness, "+44 7700 900105"), 2);
}

#[test]
fn a_number_typed_nationally_dials_from_anywhere_by_the_contacts_own_zone() {
    let (dir, mut harness) = contacts_at(with_roster, t(0));
    click(&mut harness, "Add contact…");
    type_into(&mut harness, "Name", "Lena Vogel");
    harness
        .get_by_role_and_label(Role::CheckBox, "Developer")
        .click();
    settle(&mut harness);
    let number = |harness: &mut Harness<'_, _>, text: &str| {
        harness
            .get_all_by_role_and_label(Role::TextInput, "Number 1")
            .nth(1)
            .unwrap()
            .click();
        settle(harness);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness
            .get_all_by_role_and_label(Role::TextInput, "Number 1")
            .nth(1)
            .unwrap()
            .type_text(text);
        settle(harness);
    };
    // Letters are refused as typed, never read as a plausible number.
    number(&mut harness, "555-CALL-NOW");
    click(&mut harness, "Save contact");
    harness.get_by_label_contains("has letters or symbols in it");
    // No office hours, but Lena works in Berlin: her national number is
    // kept as Germany's.
    number(&mut harness, "0151 98765432");
    type_into(&mut harness, "Time zone", "Europe/Berlin");
    click(&mut harness, "Save contact");
    harness.get_by_role_and_label(Role::Link, "+49 1519 8765432");
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("+4915198765432"), "{roster}");
    // A number too short for its country is refused, with why.
    click(&mut harness, "Back to contacts");
    click(&mut harness, "Add contact…");
    type_into(&mut harness, "Name", "Short Number");
    number(&mut harness, "+1 212 555");
    click(&mut harness, "Save contact");
    harness.get_by_label_contains("has 6 digits after +1");
}

#[test]
fn the_offices_phone_country_gives_numbers_written_without_one_their_country() {
    let (dir, mut harness) = contacts_at(
        |dir| {
            std::fs::write(
                dir.join("roster.ron"),
                r#"(contacts: [
                    (name: "Kim Noor", roles: [Tester], phones: [(label: "mobile", number: "07700 900999")]),
                ])"#,
            )
            .unwrap();
        },
        t(0),
    );
    // Said where the number shows: who covers, and the search's list.
    assert_eq!(harness.query_all_by_label("no country").count(), 2);
    click(&mut harness, "Office hours…");
    retype(&mut harness, "Time zone", "Europe/London");
    harness.get_by_label(
        "Saving makes the 1 number written without a country international, as a GB number.",
    );
    click(&mut harness, "Save office hours");
    click(&mut harness, "Back to contacts");
    assert_eq!(
        harness
            .query_all_by_role_and_label(Role::Link, "+44 7700 900999")
            .count(),
        2
    );
    assert!(harness.query_by_label("no country").is_none());
    let roster = std::fs::read_to_string(dir.path().join("roster.ron")).unwrap();
    assert!(roster.contains("+447700900999"), "{roster}");
}

#[test]
fn a_second_file_waits_until_the_first_is_saved() {
    let dir = folder_with_incident(Some("Sam"));
    // No save dialog on this desktop: the path is asked for in the window.
    let mut harness = at_conclusion(dir.path(), None);
    click(&mut harness, "Contacts");
    click(&mut harness, "Import or export…");
    let rota = |h: &Harness<'static, ExpediteApp>| {
        h.get_by_label("Save rota as .ics…")
            .accesskit_node()
            .is_disabled()
    };
    assert!(!rota(&harness), "nothing is being saved yet");
    click(&mut harness, "Save contacts as vCard…");
    harness.get_by_label_contains("Type where to save the file instead");
    assert!(rota(&harness), "the contacts are still being saved");
}

#[test]
fn a_search_that_finds_nobody_says_so_and_offers_nothing_to_open() {
    let (_dir, mut harness) = contacts_at(with_roster, t(0));
    type_into(&mut harness, "Find contact", "zzzz");
    harness.get_by_label(
        "No contact matches (4 on the roster). Try part of a name, a team or a number.",
    );
    assert!(harness.query_by_label_contains("Enter opens").is_none());
}

#[test]
fn a_rota_not_started_yet_leaves_everyone_with_the_role_in_sight() {
    fn testers_rotating_later(dir: &std::path::Path) {
        std::fs::write(
            dir.join("roster.ron"),
            r#"(contacts: [
                (name: "Tom Berg", roles: [Tester], phones: [(label: "mobile", number: "+44 7700 900111")]),
                (name: "Lee Park", roles: [Tester]),
            ],
            rota: (rotations: [(name: "Testers", role: Tester, people: ["Tom Berg", "Lee Park"],
                hand_off_day: "Mon", hand_off_time: "09:00:00", time_zone: "Europe/London",
                starts: "2026-12-07")]))"#,
        )
        .unwrap();
    }
    // The rotation's first turn is over a week away.
    let (_dir, harness) = contacts_at(testers_rotating_later, t(0));
    harness.get_by_label("Nobody on the rota now — anyone with this role:");
    // Each in the cover as well as in the list below it.
    assert_eq!(harness.get_all_by_label("Tom Berg").count(), 2);
    assert_eq!(harness.get_all_by_label("Lee Park").count(), 2);
    harness.get_by_label_contains("Next: Tom Berg from");
}
