//! The whole procedure from the terminal alone: every step a verb, with the
//! window's rules and refusals, and exit codes a script can trust (0 done,
//! 1 refused with the reason on stderr, 2 usage). And whatever the data
//! holds is shown, never obeyed, in every human-readable output.

use std::path::Path;
use std::process::Output;

use chrono::{Duration, SecondsFormat, Utc};

#[path = "support/desk.rs"]
mod desk;

/// `expedite --data-dir DIR --as WHO ARGS…`, as a person at their desk.
fn expedite(dir: &Path, who: &str, args: &[&str]) -> Output {
    desk::expedite_as(dir, who, args)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects exit 0; what it said on stderr.
fn done(dir: &Path, who: &str, args: &[&str]) -> String {
    let o = expedite(dir, who, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\n{}\n{}",
        out(&o),
        err(&o)
    );
    err(&o)
}

/// Runs and expects a refusal (exit 1) that changed no file; the reason.
fn refused(dir: &Path, who: &str, args: &[&str]) -> String {
    let before = files(dir);
    let o = expedite(dir, who, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?}\n{}\n{}",
        out(&o),
        err(&o)
    );
    assert_eq!(
        files(dir),
        before,
        "{args:?} was refused but changed a file"
    );
    err(&o)
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .filter(|p| !p.ends_with("drafts.ron"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(walk(&p));
        } else {
            found.push(p);
        }
    }
    found
}

/// The id of the one incident in the folder.
fn s_id(dir: &Path) -> String {
    std::fs::read_dir(dir.join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find_map(|n| n.strip_suffix(".ron").map(str::to_owned))
        .unwrap()
}

/// The status of the one incident in the folder, open or resolved.
fn status(dir: &Path) -> serde_json::Value {
    let id = s_id(dir);
    let o = expedite(dir, "Sam Patel", &["status", "--json", "--incident", &id]);
    serde_json::from_str(&out(&o)).unwrap_or_else(|e| panic!("{e}: {}", err(&o)))
}

fn incident_file(dir: &Path) -> String {
    let incidents = dir.join("incidents");
    let file = std::fs::read_dir(&incidents)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "ron"))
        .unwrap();
    std::fs::read_to_string(file).unwrap()
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const ROSTER: &str = r#"(contacts: [
    (name: "Sam Patel", roles: [WebContact, Developer]),
    (name: "Alex Kim", roles: [Developer, WebContact]),
    (name: "Dana Whitfield", roles: [WebContact]),
    (name: "Priya Shah", roles: [Reviewer, Developer]),
    (name: "Rosa Lind", roles: [ProductOwner]),
    (name: "Ben O'Neill", roles: [Tester]),
])"#;

#[test]
fn the_whole_procedure_runs_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("roster.ron"), ROSTER).unwrap();
    let started = Utc::now();
    let o = expedite(
        d,
        "Sam Patel",
        &[
            "declare",
            "--title",
            "Checkout returns 500",
            "--evidence",
            "error-tracker:340 TypeErrors in checkout",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));

    // Owned: Alex takes it, then hands it to Dana — a misspelt name is
    // refused with the nearest one, and taken as typed only when asked.
    let said = done(d, "Alex Kim", &["take-ownership"]);
    assert!(
        said.contains(": Took ownership (Sam Patel → Alex Kim)"),
        "{said}"
    );
    let why = refused(
        d,
        "Alex Kim",
        &[
            "hand-over",
            "--to",
            "Dana Whitfeld",
            "--note",
            "CDN rolled back",
        ],
    );
    assert!(
        why.contains("'Dana Whitfeld' is not on the roster — did you mean Dana Whitfield?"),
        "{why}"
    );
    assert!(why.contains("--anyway"), "{why}");
    done(
        d,
        "Alex Kim",
        &[
            "hand-over",
            "--to",
            "Dana Whitfield",
            "--note",
            "CDN rolled back, watching errors",
        ],
    );
    assert_eq!(status(d)["owner"], "Dana Whitfield");

    // Classified: the window's rule — unsure needs the product owner asked.
    let why = refused(d, "Dana Whitfield", &["classify", "unsure"]);
    assert!(why.contains("product owner"), "{why}");
    let o = expedite(d, "Dana Whitfield", &["classify", "maybe"]);
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", err(&o));
    assert!(err(&o).contains("'maybe' is not a decision — use yes, no or unsure"));
    done(
        d,
        "Dana Whitfield",
        &[
            "classify",
            "yes",
            "--metric",
            "cx:customers cannot pay",
            "--metric",
            "revenue",
            "--lifespan",
            "until fixed",
        ],
    );

    // Team formed: roles from the roster, a role not needed, a call made.
    done(d, "Dana Whitfield", &["team", "add", "Priya Shah"]);
    done(
        d,
        "Dana Whitfield",
        &["team", "add", "Alex Kim", "--role", "developer"],
    );
    done(d, "Dana Whitfield", &["team", "add", "Rosa Lind"]);
    done(d, "Dana Whitfield", &["team", "not-needed", "tester"]);
    done(
        d,
        "Dana Whitfield",
        &["call", "Ben O'Neill", "--outcome", "no-answer"],
    );
    let file = incident_file(d);
    // Priya takes her first team role on the roster.
    assert!(
        file.contains("name: \"Priya Shah\",\n                role: Reviewer")
            || file.contains("role: Reviewer"),
        "{file}"
    );
    assert!(
        file.contains("not_needed: [Tester]") || file.contains("Tester"),
        "{file}"
    );

    // Communicating: the channels, set and listed.
    done(d, "Dana Whitfield", &["channels", "#deployments"]);
    let o = expedite(d, "Dana Whitfield", &["channels"]);
    assert_eq!(out(&o), "#expedite\n#deployments\n");
    done(
        d,
        "Dana Whitfield",
        &["update", "Rolled back the CDN config"],
    );

    // Fix: a temporary fix needs its permanent fix, as in the window.
    let why = refused(
        d,
        "Dana Whitfield",
        &[
            "fix",
            "--description",
            "Pin the old SDK",
            "--deviation",
            "temporary:quickest way back",
        ],
    );
    assert!(why.contains("permanent fix"), "{why}");
    done(
        d,
        "Dana Whitfield",
        &[
            "fix",
            "--description",
            "Pin the old SDK",
            "--deviation",
            "temporary:quickest way back",
            "--permanent-fix",
            "Upgrade the SDK with the callback fix",
        ],
    );

    // Deployment, as a deploy pipeline records it: two lines.
    // Deployed the moment it was declared: not before, not in the future.
    let deployed_at = status(d)["opened_at"].as_str().unwrap().to_owned();
    let o = expedite(
        d,
        "deploy-bot",
        &[
            "deployed",
            "--at",
            &deployed_at,
            "--rollback-plan",
            "redeploy v2.31.4",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let after: serde_json::Value = serde_json::from_str(&out(&o)).expect("--json is JSON");
    assert_eq!(after["stage"], "Deployment");
    assert!(err(&o).contains("Next step: "), "{}", err(&o));
    let o = expedite(d, "deploy-bot", &["reading", "three"]);
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", err(&o));
    assert!(err(&o).contains("'three' is not a number"), "{}", err(&o));
    done(d, "deploy-bot", &["reading", "12", "--note", "errors/min"]);
    done(
        d,
        "deploy-bot",
        &["reading", "0,4", "--normal", "--note", "errors/min"],
    );
    let file = incident_file(d);
    assert!(
        file.contains("rollback_plan: \"redeploy v2.31.4\""),
        "{file}"
    );
    assert!(file.contains("value: 0.4"), "{file}");

    // Conclusion.
    done(
        d,
        "Dana Whitfield",
        &["summary-sent", "--link", "https://git.shop.test/pull/7"],
    );
    done(
        d,
        "Dana Whitfield",
        &["origin-told", "--whom", "the call centre"],
    );
    let past = rfc3339(started - Duration::hours(1));
    let why = refused(d, "Dana Whitfield", &["postmortem", "--at", &past]);
    assert!(why.contains("That time has passed"), "{why}");
    let later = rfc3339(started + Duration::days(2));
    done(
        d,
        "Dana Whitfield",
        &["postmortem", "--at", &later, "--owner", "Dana Whitfield"],
    );
    done(
        d,
        "Dana Whitfield",
        &[
            "follow-up",
            "add",
            "Alert on checkout 500s",
            "--kind",
            "monitoring",
            "--owner",
            "Priya Shah",
            "--due",
            "in 7 days",
        ],
    );
    done(
        d,
        "Dana Whitfield",
        &["follow-up", "add", "Upgrade the SDK"],
    );
    let why = refused(
        d,
        "Dana Whitfield",
        &["follow-up", "done", "nothing like it"],
    );
    assert!(why.contains("follow-up list"), "{why}");
    done(d, "Priya Shah", &["follow-up", "done", "alert"]);
    let o = expedite(d, "Dana Whitfield", &["follow-up", "list"]);
    let list = out(&o);
    assert!(
        list.contains("[x] Alert on checkout 500s (Monitoring, Priya Shah, due "),
        "{list}"
    );
    assert!(list.contains("[ ] Upgrade the SDK (Other)"), "{list}");

    let said = done(d, "Dana Whitfield", &["resolve"]);
    assert!(said.contains(": Resolved"), "{said}");
    assert!(!status(d)["resolved_at"].is_null());
    let why = refused(d, "Dana Whitfield", &["resolve"]);
    assert!(why.contains("no incident is open"), "{why}");
    let id = s_id(d);
    let why = refused(d, "Dana Whitfield", &["resolve", "--incident", &id]);
    assert!(
        why.contains("is resolved, so you can't resolve it again"),
        "{why}"
    );
    done(
        d,
        "Dana Whitfield",
        &["reopen", "--reason", "errors are back"],
    );
    let s = status(d);
    assert!(s["resolved_at"].is_null());
    assert!(
        s["next_step"]
            .as_str()
            .unwrap()
            .starts_with("It is back (errors are back)"),
        "{s}"
    );
}

/// What a title, a note or a contact could hold to take over a terminal:
/// clear the screen, retitle the window, write the clipboard (OSC 52), hide
/// text, and a C1 control sequence introducer.
const NASTY: &str =
    "Pay\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]52;c;cm0gLXJm\u{1b}\\\u{1b}[8mhidden\u{9b}31m";

fn obeys_nothing(what: &str, text: &str) {
    assert!(!text.contains('\u{1b}'), "{what} printed an ESC: {text:?}");
    assert!(
        !text.contains('\u{9b}'),
        "{what} printed a C1 control: {text:?}"
    );
    assert!(!text.contains('\u{7}'), "{what} printed a BEL: {text:?}");
}

#[test]
fn escape_sequences_in_the_data_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("roster.ron"),
        format!(
            r#"(contacts: [(name: "Sam Patel", roles: [Developer], notes: "{}",
                phones: [(label: "mobile", number: "+44 7700 900123")])])"#,
            NASTY.escape_default()
        ),
    )
    .unwrap();
    let title = format!("Checkout {NASTY}");
    let o = expedite(
        d,
        "Sam Patel",
        &["declare", "--title", &title, "--evidence", "other:seen"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let vcf = d.join("in.vcf");
    std::fs::write(
        &vcf,
        format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lee{NASTY}\r\nTEL:+44 7700 900999\r\nEND:VCARD\r\n"
        ),
    )
    .unwrap();
    let runs: &[&[&str]] = &[
        &["status"],
        &["who"],
        &["who", "sam"],
        &["export", "summary"],
        &["export", "update"],
        &["export", "postmortem"],
        &["export", "contacts"],
        &["import", "roster", "--dry-run", vcf.to_str().unwrap()],
        &["note", NASTY],
        &["follow-up", "add", NASTY],
        &["follow-up", "list"],
        &["hand-over", "--to", NASTY, "--note", NASTY],
        &["channels"],
    ];
    for args in runs {
        let o = expedite(d, "Sam Patel", args);
        obeys_nothing(&format!("{args:?} (stdout)"), &out(&o));
        obeys_nothing(&format!("{args:?} (stderr)"), &err(&o));
    }
    // Shown, so a person sees something is there.
    let o = expedite(d, "Sam Patel", &["status"]);
    assert!(
        out(&o).contains("Checkout Pay^[[2J^[]0;pwned^G"),
        "{}",
        out(&o)
    );
    // JSON is exact: the title reads back as typed.
    assert_eq!(status(d)["title"], title.as_str());
}
