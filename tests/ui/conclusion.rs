//! The conclusion pack from the window: copied, mailed, saved through the
//! desktop's dialog or a typed path.

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
    click(&mut harness, "Save");
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

    // Cancel keeps nothing half-done.
    click(&mut harness, "Save timeline as CSV…");
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
