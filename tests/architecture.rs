//! The rules of the house that the source itself can show (ARCHITECTURE.md,
//! "Rules of the house"): read from the files, each rule with the files
//! that break it.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its text up to its tests (a file's
/// own `#[cfg(test)]` module may build what it likes).
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = Vec::new();
    if root.is_file() {
        files.push(root);
    } else {
        walk(&root, &mut files);
    }
    files
        .into_iter()
        .filter(|p| !p.ends_with("tests.rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let text = match text.find("#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text,
            };
            // Code only: what comments say is not what the code does.
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (p, code.join("\n"))
        })
        .collect()
}

/// The files under `dirs` whose code holds any of `words`, with the word.
fn holding(dirs: &[&str], words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for (path, code) in sources(dir) {
            for word in words {
                if code.contains(word) {
                    found.push(format!("{} uses {word}", path.display()));
                }
            }
        }
    }
    found
}

#[test]
fn the_window_spawns_no_thread_and_opens_no_file() {
    let found = holding(
        &["src/ui"],
        &[
            "thread::spawn",
            "thread::Builder",
            "Store::open",
            "std::fs",
            "File::open",
            "ureq",
        ],
    );
    assert!(
        found.is_empty(),
        "work outside the frame goes through services/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_core_is_pure() {
    let core = [
        "src/model",
        "src/command",
        "src/merge",
        "src/pack",
        "src/time.rs",
        "src/text.rs",
        "src/web.rs",
    ];
    let found = holding(
        &core,
        &[
            "crate::post",
            "crate::interop::fetch",
            "crate::sources",
            "crate::services",
            "crate::store",
            "crate::share",
            "crate::git",
            "crate::ui",
            "ureq",
            "std::fs",
            "egui",
            "Utc::now",
            "SystemTime::now",
            "Local::now",
            "thread::",
        ],
    );
    assert!(
        found.is_empty(),
        "the core reads no clock, touches no file or network:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_desk_reads_the_clock() {
    let found: Vec<String> = holding(
        &["src"],
        &["Utc::now()", "SystemTime::now()", "Local::now()"],
    )
    .into_iter()
    .filter(|f| !f.starts_with(&format!("{}/src/desk.rs", env!("CARGO_MANIFEST_DIR"))))
    .collect();
    assert!(
        found.is_empty(),
        "the clock is read in desk.rs and handed on:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_services_know_nothing_of_the_window() {
    let found = holding(&["src/services"], &["egui", "eframe", "crate::ui"]);
    assert!(
        found.is_empty(),
        "services/ is the library's, whatever face uses it:\n{}",
        found.join("\n")
    );
}

#[test]
fn views_hand_back_actions_and_do_nothing_themselves() {
    let root = format!("{}/src/ui/", env!("CARGO_MANIFEST_DIR"));
    let window_side = [format!("{root}app/"), format!("{root}exports.rs")];
    let found: Vec<String> = holding(
        &["src/ui"],
        &[
            "&mut Exports",
            "&mut exports::Exports",
            "&mut crate::ui::exports::Exports",
            "Services",
            "services::Job",
        ],
    )
    .into_iter()
    .filter(|f| !window_side.iter().any(|w| f.starts_with(w.as_str())))
    .collect();
    assert!(
        found.is_empty(),
        "a view returns an Action and the window performs it:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_window_has_one_writer_per_folder() {
    let root = format!("{}/src/services/", env!("CARGO_MANIFEST_DIR"));
    // The store is opened once, before the window, and handed to the disk
    // lane; no other service keeps one.
    let found: Vec<String> = holding(&["src/services", "src/post"], &["Store::open"])
        .into_iter()
        .filter(|f| !f.starts_with(&format!("{root}read.rs")))
        .chain(
            holding(
                &["src/services", "src/post"],
                &[": Store,", "Option<Store>"],
            )
            .into_iter()
            .filter(|f| !f.starts_with(&format!("{root}disk.rs"))),
        )
        .collect();
    assert!(
        found.is_empty(),
        "the disk lane is the folder's one writer; others ask it:\n{}",
        found.join("\n")
    );
}

#[test]
fn what_the_window_says_has_one_home() {
    let home = format!("{}/src/ui/notices.rs", env!("CARGO_MANIFEST_DIR"));
    let found: Vec<String> = holding(
        &["src/ui"],
        &["notice: Option<", "said: Option<", "notification_trouble:"],
    )
    .into_iter()
    .filter(|f| !f.starts_with(&home))
    .collect();
    assert!(
        found.is_empty(),
        "the window's notices live in ui/notices.rs:\n{}",
        found.join("\n")
    );
}
