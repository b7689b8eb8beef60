//! The conclusion pack from the window: copied, mailed, saved through the
//! desktop's dialog or a typed path.

use eframe::egui;
use egui_kittest::kittest::Queryable;

use crate::common::*;

#[test]
fn the_summary_and_the_note_are_copied_and_opened_in_the_mail_app() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    type_into(
        &mut harness,
        "PRs, tickets and links, one per line",
        "https://git.shop.test/pull/7",
    );
    let summary = click_and_copy(&mut harness, "Copy summary");
    assert!(
        summary.starts_with("Subject: Incident summary: Checkout returns 500 (2026-11-26-sam-1)\n")
    );
    assert!(
        summary.contains("- https://git.shop.test/pull/7\n"),
        "typed links are in it"
    );
    harness.get_by_label("Summary copied — paste it where it goes.");

    // Short enough for a mail link: the mail app opens with it filled in.
    let opened = click_and_open(&mut harness, "Open summary in mail app");
    assert!(
        opened.starts_with("mailto:?subject=Incident%20summary%3A%20Checkout"),
        "{opened}"
    );
    assert!(
        opened.contains("https%3A%2F%2Fgit.shop.test%2Fpull%2F7"),
        "{opened}"
    );

    // With ten long links it is too long for one: it is copied, and the person told.
    let many: Vec<String> = (1..=10)
        .map(|n| format!("https://logs.shop.test/search?query=checkout%20500&from=now-6h&to=now&panel={n}&refresh=off&columns=time,level,message"))
        .collect();
    let more = format!("\n{}", many.join("\n"));
    type_into(&mut harness, "PRs, tickets and links, one per line", &more);
    let long = click_and_copy(&mut harness, "Open summary in mail app");
    assert!(long.contains("panel=10"));
    harness.get_by_label_contains("too long for a mail link");

    // The note to the call centre fits: the mail app opens with it filled in.
    type_into(&mut harness, "Who reported it", "the call centre");
    let opened = click_and_open(&mut harness, "Open note in mail app");
    assert!(
        opened.starts_with("mailto:calls@shop.test?subject=We%20are%20working%20on%20it%3A%20Checkout%20returns%20500&body=Hello%2C"),
        "{opened}"
    );
}

#[test]
fn with_no_save_dialog_the_postmortem_is_saved_to_a_typed_path() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let mut harness = at_conclusion(dir.path(), None);
    click(&mut harness, "Save postmortem draft…");
    harness.get_by_label_contains("No save dialog can be shown on this desktop");
    // A folder is not a file: said, and the dialog stays with the path.
    let folder = out.path().display().to_string();
    retype(&mut harness, "Save to", &folder);
    click(&mut harness, "Save");
    harness.get_by_label_contains("is a folder: add a file name");
    let path = out.path().join("pm.md");
    retype(&mut harness, "Save to", &path.display().to_string());
    click(&mut harness, "Save");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(
        md.starts_with("# Postmortem: Checkout returns 500\n"),
        "{md}"
    );
    assert!(md.contains("| Time (UTC) | Time (UTC) | Event | Who |"));

    // The invite, saved next, links the draft where it now is.
    click(&mut harness, "Save invite…");
    let ics = out.path().join("pm.ics");
    retype(&mut harness, "Save to", &ics.display().to_string());
    // Enter in the path saves, as Save does.
    harness.key_press(egui::Key::Enter);
    settle(&mut harness);
    harness.get_by_label_contains("nobody else is invited");
    let ics = std::fs::read_to_string(&ics).unwrap();
    assert!(ics.contains("METHOD:REQUEST"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!("Draft: {}", path.display())),
        "{unfolded}"
    );

    // A file that is there already is only replaced when asked twice.
    std::fs::write(&path, "kept").unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions();
    click(&mut harness, "Save postmortem draft…");
    retype(&mut harness, "Save to", &path.display().to_string());
    click(&mut harness, "Save");
    harness.get_by_label_contains("already exists. Press Save again to replace it");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
    click(&mut harness, "Save");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("# Postmortem")
    );
    // An ordinary document: its permissions kept, no backup left beside it.
    assert_eq!(std::fs::metadata(&path).unwrap().permissions(), mode);
    assert!(!out.path().join("pm.md.bak").exists());

    // A place that can't be written: the dialog comes back with why and
    // the path as typed.
    click(&mut harness, "Save postmortem draft…");
    let nowhere = format!("{}/no/such/folder/pm.md", out.path().display());
    retype(&mut harness, "Save to", &nowhere);
    click(&mut harness, "Save");
    harness.get_by_label_contains("Could not save to");
    assert_eq!(field_value(&harness, "Save to"), nowhere);
    click(&mut harness, "Cancel");

    // A click beside the dialog neither closes it nor reaches what is
    // behind; Cancel keeps nothing half-done.
    click(&mut harness, "Save timeline as CSV…");
    let corner = egui::pos2(4.0, 790.0);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: corner,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        harness.step();
    }
    settle(&mut harness);
    harness.get_by_label_contains("No save dialog can be shown on this desktop");
    click(&mut harness, "Cancel");
    harness.get_by_label("Not saved.");
}

#[test]
fn the_save_dialogs_answer_is_where_the_file_goes() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("timeline.csv");
    let mut harness = at_conclusion(dir.path(), Some(path.clone()));
    click(&mut harness, "Save timeline as CSV…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("Time (UTC),Time (team zone),Event,Who\r\n"));
    assert!(
        csv.contains("Declared: Checkout returns 500,Sam\r\n"),
        "{csv}"
    );

    // The timeline view offers the same, and says where it went.
    std::fs::remove_file(&path).unwrap();
    click(&mut harness, "Timeline");
    click(&mut harness, "Save timeline as CSV…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    assert!(path.exists());

    // A place that can't be written says so and writes nothing.
    let mut harness = at_conclusion(dir.path(), Some(out.path().join("no/such/folder/x.eml")));
    click(&mut harness, "Save summary as .eml…");
    harness.get_by_label_contains("Could not save to");
    assert!(!out.path().join("no").exists());
}

#[test]
fn follow_ups_have_a_kind_a_due_day_and_are_ticked_off() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    harness.get_by_label("None yet.");
    type_into(&mut harness, "Follow-up", "Alert on checkout 500s");
    harness.get_by_label("Kind").click();
    settle(&mut harness);
    harness.get_by_label("Monitoring").click();
    settle(&mut harness);
    type_into(&mut harness, "Due by", "someday");
    click(&mut harness, "Add follow-up");
    harness.get_by_label_contains("Due by: 'someday' is not a day");
    assert_eq!(field_value(&harness, "Follow-up"), "Alert on checkout 500s");
    retype(&mut harness, "Due by", "in 7 days");
    click(&mut harness, "Add follow-up");
    // Thursday 26 November, plus a week.
    harness.get_by_label("Monitoring · due Thu 3 Dec");
    assert_eq!(
        field_value(&harness, "Follow-up"),
        "",
        "the form is ready for the next"
    );
    assert!(incident_file(dir.path()).contains("kind: Monitoring"));

    harness.get_by_label("Alert on checkout 500s").click();
    settle(&mut harness);
    harness.get_by_label("Monitoring · due Thu 3 Dec · done 02:30 by Sam");
    let file = incident_file(dir.path());
    assert!(file.contains("done: true"), "{file}");
    assert!(file.contains("Follow-up done: Alert on checkout 500s"));
    // And back, if it was not done after all.
    harness.get_by_label("Alert on checkout 500s").click();
    settle(&mut harness);
    harness.get_by_label("Monitoring · due Thu 3 Dec");
    assert!(incident_file(dir.path()).contains("Follow-up not done after all"));
}

#[test]
fn a_scheduled_postmortem_is_moved_from_what_it_was() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    type_into(&mut harness, "When", "2026-11-30 10:00");
    click(&mut harness, "Schedule postmortem");
    harness.get_by_label_contains("run by Sam");
    assert!(harness.query_by_label("When").is_none());
    click(&mut harness, "Change time or owner…");
    assert_eq!(field_value(&harness, "When"), "2026-11-30 10:00");
    assert_eq!(field_value(&harness, "Run by"), "Sam");
    retype(&mut harness, "When", "2026-12-01 15:00");
    click(&mut harness, "Move postmortem");
    harness.get_by_label_contains("Tue 1 Dec 15:00 — run by Sam");
    assert!(harness.query_by_label("Move postmortem").is_none());
    assert!(incident_file(dir.path()).contains("Postmortem moved"));
}

#[test]
fn the_note_to_the_origin_says_what_they_noticed_not_the_title() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    type_into(&mut harness, "Who reported it", "the call centre");
    type_into(
        &mut harness,
        "What they noticed",
        "the pay button does nothing",
    );
    let note = click_and_copy(&mut harness, "Copy note");
    assert!(
        note.contains("Subject: We are working on it: the pay button does nothing\n"),
        "{note}"
    );
    assert!(note.contains("about this problem: the pay button does nothing."));
    assert!(!note.contains("Checkout returns 500"), "{note}");
    click(&mut harness, "Mark origin told");
    harness.get_by_label_contains("the call centre told");
    // Once told, the note copied again says what they were told.
    let again = click_and_copy(&mut harness, "Copy note");
    assert!(again.contains("about this problem: the pay button does nothing."));
}

#[test]
fn a_copied_notice_moves_nothing_on_the_page() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    let at = |harness: &egui_kittest::Harness<'_, expedite::ui::ExpediteApp>| {
        [
            "Copy summary",
            "Mark summary sent",
            "Copy note",
            "Mark origin told",
        ]
        .map(|label| harness.get_by_label(label).rect())
    };
    let before = at(&harness);
    click_and_copy(&mut harness, "Copy summary");
    harness.get_by_label("Summary copied — paste it where it goes.");
    assert_eq!(at(&harness), before, "the controls stayed where they were");
    // The notice is dismissed, or goes with the view it was about.
    click(&mut harness, "Dismiss");
    assert!(harness.query_by_label_contains("copied").is_none());
    click_and_copy(&mut harness, "Copy note");
    harness.get_by_label("Note copied — paste it where it goes.");
    click(&mut harness, "Timeline");
    assert!(harness.query_by_label_contains("copied").is_none());
}

#[test]
fn the_web_teams_address_is_typed_once_and_the_summary_goes_to_it() {
    let dir = folder_with_incident(Some("Sam"));
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("summary.eml");
    let mut harness = at_conclusion(dir.path(), Some(path.clone()));
    harness.get_by_label("No address yet: your mail program will ask");
    // Not an address: said beside the field, and nothing is kept.
    type_into(&mut harness, "To", "web team");
    harness.get_by_label("Not an email address yet");
    click(&mut harness, "Copy summary");
    assert!(
        !std::fs::read_to_string(dir.path().join("settings.ron"))
            .unwrap_or_default()
            .contains("web team")
    );
    retype(&mut harness, "To", "web-team@shop.test");
    harness.get_by_label("Kept for the team when you leave the field");
    // Leaving the field (here, to save the summary) keeps it for the team…
    click(&mut harness, "Save summary as .eml…");
    harness.get_by_label(&format!("Saved to {}.", path.display()));
    let eml = std::fs::read_to_string(&path).unwrap();
    assert!(eml.contains("To: <web-team@shop.test>"), "{eml}");
    harness.get_by_label("The team's address");
    let settings = std::fs::read_to_string(dir.path().join("settings.ron")).unwrap();
    assert!(
        settings.contains("web_team_email: \"web-team@shop.test\""),
        "{settings}"
    );
    assert!(
        !settings.contains("me:"),
        "this desk's name stays its own: {settings}"
    );
    // (the drafts, written at most once a second, forget what was typed)
    let drafts = dir.path().join("drafts.ron");
    for _ in 0..200 {
        if !std::fs::read_to_string(&drafts)
            .unwrap_or_default()
            .contains("web")
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    drop(harness);
    // …and the next time, it is already there.
    let harness = at_conclusion(dir.path(), None);
    assert_eq!(field_value(&harness, "To"), "web-team@shop.test");
}

#[test]
fn the_last_update_promises_no_next_one_and_resolves_the_incident() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    click(&mut harness, "Resolve incident…");
    click(&mut harness, "Post a last update…");
    harness.get_by_label("Last update");
    harness.get_by_label("None: it says the incident is resolved, and resolves it.");
    assert!(harness.query_by_label("Next update in").is_none());
    type_into(
        &mut harness,
        "Conditions — what you see",
        "Checkout back to normal for 15 min",
    );
    // What is pasted (or posted) says it is over, never when the next comes.
    let copied = click_and_copy(&mut harness, "Copy for #expedite");
    assert!(copied.contains("— resolved 02:30"), "{copied}");
    assert!(
        copied.contains("No more updates: the incident is resolved."),
        "{copied}"
    );
    assert!(!copied.contains("Next update"), "{copied}");
    click(&mut harness, "Post and resolve");
    harness.get_by_label("Resolved");
    let file = incident_file(dir.path());
    assert!(file.contains("resolved_at"), "{file}");
    assert!(
        file.contains("Update for #expedite: Conditions: Checkout back to normal for 15 min"),
        "{file}"
    );
}

#[test]
fn word_back_given_while_open_is_asked_for_again_once_it_is_fixed() {
    let dir = folder_with_incident(Some("Sam"));
    let mut harness = at_conclusion(dir.path(), None);
    type_into(&mut harness, "Who reported it", "the call centre");
    let note = click_and_copy(&mut harness, "Copy note");
    assert!(note.contains("We are still working on it"), "{note}");
    click(&mut harness, "Mark origin told");
    harness.get_by_label("the call centre told it is being worked on, 02:30 by Sam");
    click(&mut harness, "Resolve incident…");
    click(&mut harness, "Resolve now");
    harness.get_by_label("Resolved");
    // Now the note says it is fixed, and the step is open again for it.
    let note = click_and_copy(&mut harness, "Copy note");
    assert!(note.contains("It was fixed on"), "{note}");
    click(&mut harness, "Mark origin told it is fixed");
    harness.get_by_label("the call centre told 02:30 by Sam");
    assert!(incident_file(dir.path()).contains("Told the call centre\""));
}
