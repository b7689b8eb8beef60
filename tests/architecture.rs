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

/// A module's path in the crate, from its file: `src/ui/contacts/forms.rs`
/// is `ui::contacts::forms`, `src/ui/mod.rs` is `ui`, `src/lib.rs` the root.
fn module_of(file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let relative = file.strip_prefix(&src).unwrap().with_extension("");
    let mut path: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

/// The paths `code` names from `crate::`/`super::` (each item of a
/// `{…}` group on its own), made absolute for a file in `module`.
fn named_paths(code: &str, module: &[String], is_dir: bool) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let word_at = |rest: &str| -> usize { rest.find(|c: char| !ident(c)).unwrap_or(rest.len()) };
    // The `::`-joined words at the start of `rest`.
    let segments = |rest: &str| -> (Vec<String>, usize) {
        let (mut segs, mut at) = (Vec::new(), 0);
        loop {
            let len = word_at(&rest[at..]);
            if len == 0 {
                break;
            }
            segs.push(rest[at..at + len].to_owned());
            at += len;
            if rest[at..].starts_with("::") && rest[at + 2..].starts_with(ident) {
                at += 2;
            } else {
                break;
            }
        }
        (segs, at)
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find(['c', 's']).map(|i| i + from) {
        from = i + 1;
        if code[..i].ends_with(|c: char| ident(c) || c == ':') {
            continue;
        }
        let rest = &code[i..];
        let (mut base, mut at) = if rest.starts_with("crate::") {
            (Vec::new(), "crate::".len())
        } else if rest.starts_with("super::") {
            let mut ups = 0;
            while rest[ups * 7..].starts_with("super::") {
                ups += 1;
            }
            // `super` in a module's own file (`a/b.rs`, or `a/b/mod.rs`) is `a`.
            (module[..module.len().saturating_sub(ups)].to_vec(), ups * 7)
        } else {
            continue;
        };
        let (segs, len) = segments(&rest[at..]);
        base.extend(segs);
        at += len;
        if rest[at..].starts_with("::{") {
            // `a::{b::{C, D}, e}`: each item with the paths it sits under.
            let mut under = vec![base];
            let mut item = Vec::new();
            let mut at = at + 3;
            while let Some(c) = rest[at..].chars().next() {
                let (segs, len) = segments(&rest[at..]);
                if segs == ["as"] {
                    // `Path as Alias`: the alias names nothing to import.
                    let alias = rest[at + len..].trim_start();
                    at = rest.len() - alias.len() + word_at(alias);
                    continue;
                }
                if len > 0 {
                    item = segs;
                    at += len;
                    continue;
                }
                at += c.len_utf8();
                match c {
                    '{' => under.push([under[under.len() - 1].clone(), item.split_off(0)].concat()),
                    ',' | '}' => {
                        if !item.is_empty() {
                            found
                                .push([under[under.len() - 1].clone(), item.split_off(0)].concat());
                        }
                        if c == '}' {
                            under.pop();
                            if under.is_empty() {
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
        } else {
            found.push(base);
        }
    }
    // A module's own children, named without a prefix (`drafts::Form`).
    if is_dir {
        for line in code.lines() {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            if let Some(child) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
                let named = format!("{child}::");
                let uses = code
                    .match_indices(&named)
                    .any(|(i, _)| !code[..i].ends_with(|c: char| ident(c) || c == ':'));
                if uses {
                    found.push([module.to_vec(), vec![child.to_owned()]].concat());
                }
            }
        }
    }
    found
}

#[test]
fn paths_are_read_as_rust_writes_them() {
    let path = |p: &str| p.split("::").map(str::to_owned).collect::<Vec<_>>();
    let module = path("ui::contacts::forms");
    let code = "use crate::model::{incident::{Delivery as Sent, Incident}, comms};\n\
                use super::super::drafts::Form;\n\
                let x = crate::desk::now();";
    assert_eq!(
        named_paths(code, &module, false),
        [
            path("model::incident::Delivery"),
            path("model::incident::Incident"),
            path("model::comms"),
            path("ui::drafts::Form"),
            path("desk::now"),
        ]
    );
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    use std::collections::{BTreeMap, BTreeSet};
    let files: Vec<(PathBuf, String)> = sources("src")
        .into_iter()
        .filter(|(p, _)| !p.ends_with("main.rs"))
        .collect();
    let by_module: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|(p, _)| (module_of(p), p.clone()))
        .collect();
    let is_dir = |p: &Path| p.ends_with("mod.rs") || p.ends_with("lib.rs");
    // A module's own descendants are its parts, not its imports.
    let within = |outer: &Path, inner: &Path| {
        is_dir(outer) && module_of(inner).starts_with(&module_of(outer))
    };
    let mut imports: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, code) in &files {
        let module = module_of(file);
        let targets = imports.entry(file.clone()).or_default();
        for path in named_paths(code, &module, is_dir(file)) {
            let target = (0..=path.len())
                .rev()
                .find_map(|n| by_module.get(&path[..n]));
            if let Some(target) = target
                && target != file
                && !within(file, target)
                && !within(target, file)
            {
                targets.insert(target.clone());
            }
        }
    }
    // Every pair of files that reach each other.
    let reach = |from: &PathBuf| -> BTreeSet<PathBuf> {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![from.clone()]);
        while let Some(f) = todo.pop() {
            for t in imports.get(&f).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    todo.push(t.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&PathBuf, BTreeSet<PathBuf>> =
        imports.keys().map(|f| (f, reach(f))).collect();
    let mut circles: Vec<String> = Vec::new();
    for (a, from_a) in &reaches {
        for b in from_a {
            if *a < b && reaches.get(b).is_some_and(|r| r.contains(*a)) {
                circles.push(format!("{} <-> {}", a.display(), b.display()));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules that import each other (through others, maybe):\n{}",
        circles.join("\n")
    );
    // The check sees imports at all: the window imports the services.
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/app/mod.rs");
    let services = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services");
    assert!(imports[&ui].iter().any(|t| t.starts_with(&services)));
}
