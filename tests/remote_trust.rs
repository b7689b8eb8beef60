//! The shared remote is untrusted input. Two honest desks (Sam and Alex)
//! share a folder through a bare repository; a third party with push access
//! — a plain `git clone`, as a teammate's stolen credential would give —
//! pushes what Expedite must never take in. After every attack: nothing
//! outside the folders is read or written, no desk-only file is replaced,
//! no secret reaches the remote, both honest desks' notes are kept, and
//! syncing goes on.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/team.rs"]
mod team;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use expedite::model::settings::Desk;
use expedite::store::envelope;
use team::*;

/// Someone with push access: a plain clone of the remote, committing as
/// "Mallory".
struct Intruder {
    dir: PathBuf,
}

impl Intruder {
    fn clone(team: &Team) -> Self {
        let dir = team.root.join("intruder");
        let out = git(
            &team.root,
            &["clone", "-q", team.remote.to_str().unwrap(), "intruder"],
        );
        assert!(out.status.success(), "{}", text(&out));
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Mallory")
            .env("GIT_AUTHOR_EMAIL", "mallory@example.com")
            .env("GIT_COMMITTER_NAME", "Mallory")
            .env("GIT_COMMITTER_EMAIL", "mallory@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Pulls the desks' latest, lets `change` do its work, commits it all
    /// (whatever its own ignore rules say) and pushes.
    fn push(&self, message: &str, change: impl FnOnce(&Self)) -> String {
        self.git(&["pull", "-q", "--no-rebase", "--no-edit"]);
        change(self);
        self.git(&["add", "-A", "-f", "."]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.git(&["push", "-q", "origin", "HEAD:main"]);
        self.git(&["rev-parse", "--short", "HEAD"])
            .trim()
            .to_owned()
    }
}

/// Every text the remote holds, in every commit: nothing secret may be there.
fn everything_on_the_remote(team: &Team) -> String {
    let objects = git(&team.remote, &["rev-list", "--all", "--objects"]);
    let mut all = String::new();
    for line in String::from_utf8_lossy(&objects.stdout).lines() {
        let id = line.split(' ').next().unwrap();
        let out = git(&team.remote, &["cat-file", "-p", id]);
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push('\n');
    }
    all
}

/// `expedite sync` as `who`: it must succeed; what it said.
fn sync(dir: &Path, who: &str) -> String {
    let out = expedite(dir, who, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    text(&out)
}

/// Sam's own name in `desk.ron`, as the window's first start writes it.
fn write_desk(dir: &Path, name: &str) -> Vec<u8> {
    let desk = Desk {
        me: Some(name.into()),
        ..Desk::default()
    };
    fs::write(dir.join("desk.ron"), envelope::write(&desk, 1).unwrap()).unwrap();
    fs::read(dir.join("desk.ron")).unwrap()
}

/// The files listed, as git holds them at the tip of the remote.
fn remote_tree(team: &Team) -> String {
    let out = git(
        &team.remote,
        &["ls-tree", "-r", "--full-tree", "--name-only", "main"],
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Both desks note, sync twice each, and hold both notes: sharing goes on.
fn still_in_step(a: &Path, b: &Path, id: &str, tag: &str) {
    let (sams, alexs) = (format!("Sam {tag}"), format!("Alex {tag}"));
    note(a, "Sam Patel", id, &sams);
    note(b, "Alex Kim", id, &alexs);
    for _ in 0..2 {
        sync(a, "Sam Patel");
        sync(b, "Alex Kim");
    }
    for desk in [a, b] {
        has_lines(desk, id, &[&sams, &alexs]);
        nothing_set_aside(desk);
    }
}

#[test]
fn desk_only_files_pushed_by_someone_else_never_replace_a_desks_own() {
    let (team, a, b, id) = two_desks();
    let secret = "https://hooks.slack.com/services/T0SAM/B0SAM/sams-own-secret";
    ok(expedite(
        &a,
        "Sam Patel",
        &["channel", "set", "#expedite", "--slack-webhook", secret],
    ));
    let connections = fs::read(a.join("connections.ron")).unwrap();
    let desk = write_desk(&a, "Sam Patel");
    let intruder = Intruder::clone(&team);
    let commit = intruder.push("Tidy up the channel settings", |i| {
        i.write(
            "connections.ron",
            "(format: \"expedite/connections\", version: 2, revision: 9, data: (channels: {\"#expedite\": SlackWebhook(url: \"https://evil.example/collect\")}))\n",
        );
        i.write(
            "outbox.ron",
            "(format: \"expedite/outbox\", version: 2, revision: 1, data: (posts: []))\n",
        );
        i.write(
            "desk.ron",
            "(format: \"expedite/desk\", version: 2, revision: 5, data: (me: \"Mallory\"))\n",
        );
    });
    let said = sync(&a, "Sam Patel");
    assert!(
        said.contains(&format!("commit {commit} by Mallory")),
        "{said}"
    );
    assert!(
        said.contains("connections.ron stays on each desk"),
        "{said}"
    );
    assert!(said.contains("desk.ron stays on each desk"), "{said}");
    sync(&b, "Alex Kim");
    assert_eq!(fs::read(a.join("connections.ron")).unwrap(), connections);
    assert_eq!(fs::read(a.join("desk.ron")).unwrap(), desk);
    assert!(
        !a.join("outbox.ron").exists(),
        "no outbox came from the remote"
    );
    for name in ["connections.ron", "desk.ron", "outbox.ron"] {
        assert!(!b.join(name).exists(), "{name} reached Alex's desk");
    }
    // The tip of the remote no longer holds them: Sam's sync undid them
    // for everyone, and the history shows both commits.
    let tree = remote_tree(&team);
    assert!(!tree.contains("connections.ron"), "{tree}");
    let log = String::from_utf8_lossy(&git(&a, &["log", "--format=%an: %s"]).stdout).into_owned();
    assert!(
        log.contains("Mallory: Tidy up the channel settings"),
        "{log}"
    );
    assert!(log.contains("Expedite: not taken in"), "{log}");
    // The status says what was refused, for a day.
    let status = ok(expedite(&a, "Sam Patel", &["--incident", &id, "status"]));
    assert!(status.contains("In step · change refused"), "{status}");
    assert!(status.contains("Mallory"), "{status}");
    still_in_step(&a, &b, &id, "after the desk-only files");
}

#[test]
fn an_ignore_rule_pushed_by_someone_else_never_shares_a_secret() {
    let (team, a, b, id) = two_desks();
    let secret = "https://hooks.slack.com/services/T0SAM/B0SAM/never-on-the-remote";
    ok(expedite(
        &a,
        "Sam Patel",
        &["channel", "set", "#expedite", "--slack-webhook", secret],
    ));
    write_desk(&a, "Sam Patel");
    let intruder = Intruder::clone(&team);
    intruder.push("Share the channel settings", |i| {
        let mut rules = fs::read_to_string(i.path(".gitignore")).unwrap();
        rules.push_str("!connections.ron\n!desk.ron\n!outbox.ron\n!*.bak\n!drafts.ron\n");
        i.write(".gitignore", &rules);
    });
    let said = sync(&a, "Sam Patel");
    assert!(
        said.contains(".gitignore would change which files stay on each desk"),
        "{said}"
    );
    note(&a, "Sam Patel", &id, "A note after the rule came in");
    sync(&a, "Sam Patel");
    sync(&b, "Alex Kim");
    // Nothing of Sam's desk is on the remote, in any commit.
    let everything = everything_on_the_remote(&team);
    assert!(
        !everything.contains("never-on-the-remote"),
        "the secret was pushed"
    );
    let tree = remote_tree(&team);
    for private in ["connections.ron", "desk.ron", ".bak", "drafts.ron"] {
        assert!(
            !tree.contains(private),
            "{private} is on the remote:\n{tree}"
        );
    }
    // The folder's .gitignore is Expedite's own again.
    let rules = fs::read_to_string(a.join(".gitignore")).unwrap();
    assert!(!rules.contains('!'), "{rules}");
    still_in_step(&a, &b, &id, "after the ignore rule");
}

#[test]
fn attributes_pushed_by_someone_else_never_change_how_files_merge() {
    for rules in [
        "*.ron merge=union\n",
        "*.ron -merge\n",
        "*.ron merge=anything\n",
        "* text eol=crlf\n",
    ] {
        let (team, a, b, id) = two_desks();
        let intruder = Intruder::clone(&team);
        intruder.push("Merge faster", |i| i.write(".gitattributes", rules));
        // Both desks write to the same incident before they hear of it:
        // a true concurrent edit, merged under the attacker's rules if
        // git obeyed them.
        note(&a, "Sam Patel", &id, "Sam's concurrent note");
        note(&b, "Alex Kim", &id, "Alex's concurrent note");
        let said = sync(&a, "Sam Patel");
        assert!(
            said.contains(".gitattributes would change how git merges"),
            "{rules}: {said}"
        );
        sync(&b, "Alex Kim");
        sync(&a, "Sam Patel");
        for desk in [&a, &b] {
            has_lines(
                desk,
                &id,
                &["Sam's concurrent note", "Alex's concurrent note"],
            );
            nothing_set_aside(desk);
            let bytes = fs::read(desk.join(format!("incidents/{id}.ron"))).unwrap();
            assert!(
                !bytes.contains(&b'\r'),
                "{rules}: line endings were changed"
            );
        }
        still_in_step(&a, &b, &id, "after the attributes");
    }
}

#[test]
fn links_pushed_by_someone_else_are_never_followed() {
    let (team, a, b, id) = two_desks();
    import_contact(&a, "Sam Patel", "Priya Shah", "+44 7700 900002");
    sync(&a, "Sam Patel");
    sync(&b, "Alex Kim");
    let outside = team.root.join("outside");
    fs::create_dir_all(outside.join("folder")).unwrap();
    fs::write(outside.join("secret.txt"), "OUTSIDE-THE-FOLDER-SECRET\n").unwrap();
    let intruder = Intruder::clone(&team);
    intruder.push("Point at the real roster", |i| {
        fs::remove_file(i.path("roster.ron")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), i.path("roster.ron")).unwrap();
        fs::remove_dir_all(i.path("incidents")).unwrap();
        std::os::unix::fs::symlink(outside.join("folder"), i.path("incidents")).unwrap();
    });
    let said = sync(&a, "Sam Patel");
    assert!(said.contains("roster.ron is a symbolic link"), "{said}");
    assert!(said.contains("incidents is a symbolic link"), "{said}");
    sync(&b, "Alex Kim");
    for desk in [&a, &b] {
        for name in ["roster.ron", "incidents"] {
            let meta = fs::symlink_metadata(desk.join(name)).unwrap();
            assert!(!meta.file_type().is_symlink(), "{name} became a link");
        }
        assert_eq!(incidents(desk).len(), 1, "the incidents are still there");
        let names: Vec<String> = roster(desk)
            .contacts
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        assert!(names.contains(&"Priya Shah".to_owned()), "{names:?}");
    }
    // A declaration writes inside the folder, never where the link pointed.
    declare(&a, "Sam Patel", "Search is slow");
    import_contact(&a, "Sam Patel", "Ben O'Neill", "+44 7700 900003");
    sync(&a, "Sam Patel");
    assert_eq!(fs::read_dir(outside.join("folder")).unwrap().count(), 0);
    assert_eq!(
        fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "OUTSIDE-THE-FOLDER-SECRET\n"
    );
    assert!(!everything_on_the_remote(&team).contains("OUTSIDE-THE-FOLDER-SECRET"));
    still_in_step(&a, &b, &id, "after the links");
}

#[test]
fn a_path_outside_the_folder_in_a_pushed_tree_never_blocks_syncing() {
    let (team, a, b, id) = two_desks();
    let intruder = Intruder::clone(&team);
    intruder.git(&["pull", "-q", "--no-rebase", "--no-edit"]);
    // A tree git itself would never write: an entry named "..".
    let blob = intruder.git_with_input(&["hash-object", "-w", "--stdin"], "(evil)\n");
    let inner = intruder.git_with_input(
        &["mktree"],
        &format!("100644 blob {}\tevil.ron\n", blob.trim()),
    );
    let listing = intruder.git(&["ls-tree", "HEAD"]);
    let top = format!("{listing}040000 tree {}\t..\n", inner.trim());
    let tree = intruder.git_with_input(&["mktree"], &top);
    let parent = intruder.git(&["rev-parse", "HEAD"]);
    let commit = intruder.git_with_input(
        &["commit-tree", tree.trim(), "-p", parent.trim()],
        "Add a file one level up\n",
    );
    intruder.git(&[
        "push",
        "-q",
        "-f",
        "origin",
        &format!("{}:refs/heads/main", commit.trim()),
    ]);
    let said = sync(&a, "Sam Patel");
    assert!(
        said.contains("../evil.ron is not one of Expedite's files"),
        "{said}"
    );
    sync(&b, "Alex Kim");
    assert!(
        !team.root.join("evil.ron").exists(),
        "a file was written outside"
    );
    still_in_step(&a, &b, &id, "after the path outside");
}

impl Intruder {
    fn git_with_input(&self, args: &[&str], input: &str) -> String {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Mallory")
            .env("GIT_AUTHOR_EMAIL", "mallory@example.com")
            .env("GIT_COMMITTER_NAME", "Mallory")
            .env("GIT_COMMITTER_EMAIL", "mallory@example.com");
        let out = desk::run_with_stdin(command, input);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[test]
fn a_file_too_big_or_that_does_not_read_is_refused_and_the_rest_comes_in() {
    let (team, a, b, id) = two_desks();
    let intruder = Intruder::clone(&team);
    intruder.push("A very long note", |i| {
        let file = fs::File::create(i.path("settings.ron")).unwrap();
        // Sparse: 65 MB of nothing, cheap on the disk, costly to read.
        file.set_len(65 << 20).unwrap();
        i.write("incidents/2026-01-02-mallory-1.ron", "(not an incident)\n");
    });
    let said = sync(&a, "Sam Patel");
    assert!(said.contains("settings.ron is 65 MB"), "{said}");
    assert!(
        said.contains("incidents/2026-01-02-mallory-1.ron does not read as Expedite's"),
        "{said}"
    );
    sync(&b, "Alex Kim");
    for desk in [&a, &b] {
        let size = fs::metadata(desk.join("settings.ron"))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size < 1 << 20, "the big file came in");
    }
    still_in_step(&a, &b, &id, "after the big file");
}

#[test]
fn commit_messages_and_terminal_lines_never_carry_what_a_terminal_obeys() {
    let (team, a, b, _) = two_desks();
    let id = declare(
        &a,
        "Sam Patel",
        "Checkout \u{1b}]0;owned\u{7}fails \u{202e}gnp.exe",
    );
    note(&a, "Sam Patel", &id, "Look \u{1b}[31mhere\u{202e}");
    // A name that would act in a terminal is not taken at all.
    let out = expedite(&a, "Sam\u{1b}[2J Patel", &["--incident", &id, "note", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("control characters"), "{}", text(&out));
    import_contact(&a, "Sam Patel", "Dana \u{202e}Whitfield", "+44 7700 900004");
    sync(&a, "Sam Patel");
    sync(&b, "Alex Kim");
    let log = git(&team.remote, &["log", "--format=%an%n%B", "main"]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(
        !log.contains('\u{1b}'),
        "an escape reached a commit: {log:?}"
    );
    assert!(
        !log.contains('\u{202e}'),
        "an override reached a commit: {log:?}"
    );
    assert!(log.contains("Checkout"), "{log}");
    for args in [
        &["--incident", id.as_str(), "status"][..],
        &["who", "Dana"][..],
    ] {
        let out = expedite(&b, "Alex Kim", args);
        let printed = text(&out);
        assert!(!printed.contains('\u{1b}'), "{printed:?}");
        assert!(!printed.contains('\u{202e}'), "{printed:?}");
    }
    let status = ok(expedite(&b, "Alex Kim", &["--incident", &id, "status"]));
    assert!(status.contains("<U+202E>"), "{status}");
}

#[test]
fn an_incident_removed_by_someone_else_stays_and_syncing_goes_on() {
    let (team, a, b, id) = two_desks();
    let intruder = Intruder::clone(&team);
    let commit = intruder.push("Clean up old incidents", |i| {
        fs::remove_file(i.path(&format!("incidents/{id}.ron"))).unwrap();
    });
    // Sam writes to it before hearing of the removal: git alone would stop
    // every merge here (modified on one side, deleted on the other).
    note(&a, "Sam Patel", &id, "Still on it");
    let said = sync(&a, "Sam Patel");
    assert!(
        said.contains(&format!("commit {commit} by Mallory")),
        "{said}"
    );
    assert!(said.contains("never removes its files"), "{said}");
    sync(&b, "Alex Kim");
    for desk in [&a, &b] {
        has_lines(desk, &id, &["Still on it"]);
    }
    assert!(remote_tree(&team).contains(&format!("incidents/{id}.ron")));
    still_in_step(&a, &b, &id, "after the removal");
}
