//! Desks sharing a data folder through a real git remote (a bare
//! repository in a temp folder), with the real `git` program: the helpers
//! the sharing tests have in common.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expedite::model::Incident;
use expedite::model::roster::Roster;
use expedite::store::envelope;

use crate::desk;

/// Runs `expedite` on a desk's folder as that desk's person.
pub fn expedite(dir: &Path, who: &str, args: &[&str]) -> Output {
    desk::expedite_as(dir, who, args)
}

pub fn text(o: &Output) -> String {
    desk::printed(o)
}

pub fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap()
}

pub struct Team {
    _tmp: tempfile::TempDir,
    pub remote: PathBuf,
    pub root: PathBuf,
}

impl Team {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let remote = root.join("remote.git");
        let out = git(&root, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
        assert!(out.status.success(), "{}", text(&out));
        Self {
            _tmp: tmp,
            remote,
            root,
        }
    }

    pub fn desk(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    pub fn share(&self, desk: &str, who: &str) -> String {
        let out = expedite(
            &self.desk(desk),
            who,
            &["share", self.remote.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

/// Sam's desk "a" with one incident, shared, and Alex's desk "b" joined.
pub fn two_desks() -> (Team, PathBuf, PathBuf, String) {
    let team = Team::new();
    let (a, b) = (team.desk("a"), team.desk("b"));
    let id = declare(&a, "Sam Patel", "Checkout 500s");
    team.share("a", "Sam Patel");
    team.share("b", "Alex Kim");
    (team, a, b, id)
}

/// `expedite note TEXT` on the incident, as `who` at `dir`.
pub fn note(dir: &Path, who: &str, id: &str, text: &str) {
    ok(expedite(dir, who, &["--incident", id, "note", text]));
}

pub fn declare(dir: &Path, who: &str, title: &str) -> String {
    ok(expedite(
        dir,
        who,
        &[
            "declare",
            "--title",
            title,
            "--evidence",
            "error-tracker:340 TypeErrors in checkout",
        ],
    ))
    .trim()
    .to_owned()
}

pub fn incidents(dir: &Path) -> Vec<Incident> {
    let mut out: Vec<Incident> = fs::read_dir(dir.join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            envelope::read::<Incident>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", p.display()))
                .data
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

pub fn roster(dir: &Path) -> Roster {
    envelope::read::<Roster>(&fs::read_to_string(dir.join("roster.ron")).unwrap())
        .unwrap()
        .data
}

pub fn timeline(dir: &Path, id: &str) -> Vec<String> {
    incidents(dir)
        .into_iter()
        .find(|i| i.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} is not in {}", dir.display()))
        .timeline
        .into_iter()
        .map(|e| format!("{} — {}", e.by, e.what))
        .collect()
}

/// The incident's timeline at `dir` holds each of `wanted`.
pub fn has_lines(dir: &Path, id: &str, wanted: &[&str]) {
    let lines = timeline(dir, id);
    for want in wanted {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "{want} is missing at {}: {lines:#?}",
            dir.display()
        );
    }
}

/// Nothing was set aside, and no conflict or backup reached the remote.
pub fn nothing_set_aside(dir: &Path) {
    for sub in ["", "incidents"] {
        for entry in fs::read_dir(dir.join(sub)).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".corrupt-"), "{name} was set aside");
            assert!(!name.contains("sync-conflict"), "{name} is still there");
        }
    }
    let tracked = String::from_utf8_lossy(&git(dir, &["ls-files"]).stdout).into_owned();
    for private in ["desk.ron", "drafts.ron", ".bak", ".lock"] {
        assert!(
            !tracked.contains(private),
            "{private} is shared:\n{tracked}"
        );
    }
}

pub fn import_contact(dir: &Path, who: &str, name: &str, number: &str) {
    let file = dir.with_extension(format!("{}.csv", name.replace(' ', "-")));
    fs::write(
        &file,
        format!("Name,Roles,Phone\n{name},Developer,{number}\n"),
    )
    .unwrap();
    ok(expedite(
        dir,
        who,
        &["import", "roster", file.to_str().unwrap()],
    ));
}
