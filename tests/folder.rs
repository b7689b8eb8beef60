//! The data folder as people and disks leave it: read-only, written by an
//! editor that adds a byte order mark, holding links or a file where a
//! folder should be, cloned from a remote; and files exported where the
//! person says. Nothing outside the folder is read or written, and what
//! Expedite can't do it says, with what to do.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use team::*;

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_folder_made_read_only_is_shown_said_and_never_made_writable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let id = declare(&d, "Sam Patel", "Checkout 500s");
    for folder in [d.join("incidents"), d.clone()] {
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o500)).unwrap();
    }
    let before: Vec<_> = fs::read_dir(d.join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let status = expedite(&d, "Sam Patel", &["--incident", &id, "status"]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    assert!(
        text(&status).contains("is read-only, so it is shown as it is"),
        "{}",
        text(&status)
    );
    let note = expedite(&d, "Sam Patel", &["--incident", &id, "note", "Still here"]);
    assert_eq!(note.status.code(), Some(1), "{}", text(&note));
    assert!(text(&note).contains("chmod u+w"), "{}", text(&note));
    assert_eq!(mode(&d), 0o500, "the folder was made writable again");
    assert_eq!(mode(&d.join("incidents")), 0o500);
    let after: Vec<_> = fs::read_dir(d.join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "nothing was written");
    for folder in [d.clone(), d.join("incidents")] {
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[test]
fn a_roster_an_editor_saved_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("roster.ron"),
        "\u{feff}(contacts: [(name: \"Priya Shah\", roles: [Developer], phone: \"+44 7700 900002\")])\n",
    )
    .unwrap();
    let who = ok(expedite(d, "Sam Patel", &["who", "Priya"]));
    assert!(who.contains("Priya Shah"), "{who}");
    nothing_set_aside(d);
}

#[test]
fn links_in_the_folder_are_never_followed_for_reading_or_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let id = declare(&d, "Sam Patel", "Checkout 500s");
    let outside = dir.path().join("outside.ron");
    let secret = "(contacts: [(name: \"Outside Person\", roles: [Developer])])\n";
    fs::write(&outside, secret).unwrap();
    symlink(&outside, d.join("roster.ron")).unwrap();
    let who = expedite(&d, "Sam Patel", &["who", "Outside"]);
    assert!(
        !text(&who).contains("Outside Person"),
        "the link was followed: {}",
        text(&who)
    );
    assert!(text(&who).contains("symbolic link"), "{}", text(&who));
    // Importing refuses to write over what it could not read.
    import_contact_may_fail(&d, "Ben O'Neill");
    assert_eq!(
        fs::read_to_string(&outside).unwrap(),
        secret,
        "written through the link"
    );
    assert!(
        fs::symlink_metadata(d.join("roster.ron"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A link where an incident was: not read, not written through.
    let file = d.join(format!("incidents/{id}.ron"));
    let kept = dir.path().join("kept.ron");
    fs::rename(&file, &kept).unwrap();
    symlink(&kept, &file).unwrap();
    let before = fs::read(&kept).unwrap();
    let out = expedite(
        &d,
        "Sam Patel",
        &["--incident", &id, "note", "Through the link?"],
    );
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(fs::read(&kept).unwrap(), before);
}

fn import_contact_may_fail(dir: &Path, name: &str) {
    let file = dir.with_extension("contacts.csv");
    fs::write(
        &file,
        format!("Name,Roles,Phone\n{name},Developer,+44 7700 900003\n"),
    )
    .unwrap();
    let out = expedite(
        dir,
        "Sam Patel",
        &["import", "roster", file.to_str().unwrap()],
    );
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn an_incidents_file_or_link_where_the_folder_should_be_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    fs::create_dir(&d).unwrap();
    fs::write(d.join("incidents"), "not a folder").unwrap();
    let out = expedite(&d, "Sam Patel", &["status"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("incidents is a file"), "{}", text(&out));
    assert!(text(&out).contains("Move it aside"), "{}", text(&out));
    fs::remove_file(d.join("incidents")).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, d.join("incidents")).unwrap();
    let out = expedite(
        &d,
        "Sam Patel",
        &["declare", "--title", "Outside?", "--evidence", "other:seen"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("a link to elsewhere"), "{}", text(&out));
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "written outside the folder"
    );
}

#[test]
fn a_clone_into_an_empty_folder_is_the_owners_alone() {
    let (team, _a, _b, _id) = two_desks();
    let b = team.desk("b");
    let mut open = Vec::new();
    let mut folders = vec![b.clone()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                folders.push(path.clone());
            }
            if meta.permissions().mode() & 0o077 != 0 {
                open.push(format!("{:o} {}", mode(&path), path.display()));
            }
        }
    }
    assert!(open.is_empty(), "readable by others:\n{}", open.join("\n"));
}

#[test]
fn an_export_goes_where_the_person_says_through_a_link_and_never_replaces_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let id = declare(&d, "Sam Patel", "Checkout 500s");
    // Through a link: the file it names gets the text, the link stays.
    let target = dir.path().join("postmortem-draft.md");
    fs::write(&target, "old").unwrap();
    let link = dir.path().join("latest.md");
    symlink(&target, &link).unwrap();
    let export_to = |path: &Path| {
        let args = [
            "--incident",
            &id,
            "export",
            "postmortem",
            "-o",
            path.to_str().unwrap(),
        ];
        expedite(&d, "Sam Patel", &args)
    };
    ok(export_to(&link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("Checkout 500s")
    );
    // A FIFO is refused at once, and stays a FIFO.
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = export_to(&fifo);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a file"), "{}", text(&out));
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}
