//! Posting updates to Slack, Teams, Mattermost and webhooks, against a real
//! HTTP server on 127.0.0.1 inside the test that answers as each service
//! documents: Slack's webhook `200 ok` and its error names, `chat.postMessage`
//! with `{"ok":false,"error":…}`, 429 with `Retry-After`, Teams' 202, a
//! connection refused and a server that never answers.

#[path = "support/desk.rs"]
mod desk;
#[path = "support/http.rs"]
mod http;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use http::{Answer, Server};

fn expedite_with(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_expedite"));
    command
        .arg("--data-dir")
        .arg(dir)
        .arg("--as")
        .arg("Sam Patel")
        .args(args)
        .env_remove("EXPEDITE_DATA_DIR")
        // The file, never a keyring the desk running the tests may have
        // (tests/keyring.rs tests the keyring on a private one).
        .env("EXPEDITE_SECRETS", "file");
    desk::run_with_stdin(command, stdin)
}

fn expedite(dir: &Path, args: &[&str]) -> Output {
    expedite_with(dir, args, "")
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    said(&o)
}

fn declared() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let id = ok(expedite(
        dir.path(),
        &[
            "declare",
            "--title",
            "Checkout <!channel> 500s & more",
            "--evidence",
            "error-tracker:340 TypeErrors in checkout",
        ],
    ));
    (dir, id.trim().to_owned())
}

/// `expedite channel set '#expedite' FLAG URL`.
fn connect(dir: &Path, flag: &str, url: &str) {
    ok(expedite(dir, &["channel", "set", "#expedite", flag, url]));
}

fn incident_file(dir: &Path, id: &str) -> String {
    std::fs::read_to_string(dir.join(format!("incidents/{id}.ron"))).unwrap()
}

#[test]
fn an_update_goes_to_a_slack_webhook_exactly_as_written_and_the_timeline_says_so() {
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let (dir, id) = declared();
    let d = dir.path();
    // The secret comes on standard input, never in the shell's history.
    let hook = server.url("/services/T000/B000/abcdefghijklmnop");
    ok(expedite_with(
        d,
        &["channel", "set", "#expedite", "--slack-webhook", "-"],
        &hook,
    ));
    let list = ok(expedite(d, &["channel", "list"]));
    assert!(list.contains("#expedite  Slack webhook"), "{list}");
    assert!(
        !list.contains("abcdefghijklmnop"),
        "the secret is shown in part only: {list}"
    );

    let out = ok(expedite(
        d,
        &[
            "update",
            "Errors falling\nNeed: a reviewer on standby",
            "--next-in",
            "20m",
        ],
    ));
    assert!(out.contains("Posted to #expedite"), "{out}");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/services/T000/B000/abcdefghijklmnop");
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    let text = body["text"].as_str().unwrap();
    // What went out is the update as written for #expedite, escaped for Slack.
    assert!(
        text.starts_with(&format!(
            "Expedite update: Checkout &lt;!channel&gt; 500s &amp; more ({id})\n"
        )),
        "{text}"
    );
    assert!(text.contains("Conditions: Errors falling\n"), "{text}");
    assert!(text.contains("Needs: a reviewer on standby\n"), "{text}");
    assert!(text.contains("Next update at "), "{text}");
    assert!(!text.contains("<!channel>"), "no ping: {text}");
    assert!(incident_file(d, &id).contains("Posted to #expedite"));
    assert!(ok(expedite(d, &["outbox"])).contains("The outbox is empty"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("connections.ron"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "secrets are the owner's alone");
    }
}

#[test]
fn a_refusal_says_what_is_wrong_and_what_to_do_and_stays_in_the_outbox() {
    let server = Server::start(vec![Answer::Http(404, "", "channel_not_found")]);
    let (dir, id) = declared();
    let d = dir.path();
    connect(d, "--slack-webhook", &server.url("/hook"));
    let out = expedite(d, &["update", "Errors falling"]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    let why = said(&out);
    assert!(why.contains("channel_not_found"), "{why}");
    assert!(why.contains("connect the channel again"), "{why}");
    assert!(why.contains("The update is recorded"), "{why}");
    assert!(incident_file(d, &id).contains("Update for #expedite"));
    let outbox = ok(expedite(d, &["outbox"]));
    assert!(outbox.contains("failed: channel_not_found"), "{outbox}");
}

#[test]
fn rate_limited_then_sent_once_honouring_retry_after() {
    let server = Server::start(vec![
        Answer::Http(429, "Retry-After: 1\r\n", "rate_limited"),
        Answer::Http(200, "", "ok"),
    ]);
    let (dir, _id) = declared();
    let d = dir.path();
    connect(d, "--mattermost-webhook", &server.url("/hooks/x"));
    let out = ok(expedite(
        d,
        &["update", "Errors falling; @channel please look"],
    ));
    assert!(out.contains("Waiting to post to #expedite"), "{out}");
    assert!(ok(expedite(d, &["outbox"])).contains("waiting (rate-limited"));
    std::thread::sleep(Duration::from_millis(1100));
    ok(expedite(d, &["outbox", "retry"]));
    ok(expedite(d, &["outbox", "retry"]));
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one refused, one taken, none more");
    let body: serde_json::Value = serde_json::from_str(&seen[1].body).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(!text.contains("@channel"), "Mattermost would ping: {text}");
    assert!(text.contains("@\u{200B}channel"), "{text}");
}

#[test]
fn a_post_the_service_asked_to_wait_is_not_sent_again_by_the_same_run() {
    // However long one run takes (here every look at the clock is an hour
    // later), a post told to wait goes out on a later run, not this one.
    let server = Server::start(vec![
        Answer::Http(429, "Retry-After: 1\r\n", "rate_limited"),
        Answer::Http(200, "", "ok"),
    ]);
    let (dir, id) = declared();
    let d = dir.path();
    connect(d, "--mattermost-webhook", &server.url("/hooks/x"));
    let start = chrono::Utc::now();
    let calls = std::cell::Cell::new(0);
    let clock = || {
        calls.set(calls.get() + 1);
        start + chrono::Duration::hours(calls.get())
    };
    let incident = expedite::model::IncidentId::parse(&id).unwrap();
    let update = expedite::post::outbox::UpdateOut {
        incident,
        channel: "#expedite".into(),
        update_at: start,
        update_by: "Sam Patel".into(),
        text: "Errors falling".into(),
    };
    expedite::post::outbox::enqueue(d, &update, start).unwrap();
    let first = expedite::post::outbox::drain(d, &clock, &mut |_, _| {}).unwrap();
    assert_eq!(first.len(), 1, "tried once: {first:?}");
    assert_eq!(server.seen().len(), 1, "sent once by this run");
    assert!(ok(expedite(d, &["outbox"])).contains("waiting (rate-limited"));
    let second = expedite::post::outbox::drain(d, &clock, &mut |_, _| {}).unwrap();
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(server.seen().len(), 2);
    assert!(ok(expedite(d, &["outbox"])).contains("The outbox is empty"));
}

#[test]
fn offline_the_post_waits_and_goes_out_exactly_once_when_the_service_is_back() {
    // A port with nobody listening: connection refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (dir, id) = declared();
    let d = dir.path();
    let hook = format!("http://127.0.0.1:{port}/hook");
    connect(d, "--webhook", &hook);
    let out = ok(expedite(d, &["update", "On the train"]));
    assert!(out.contains("It is in the outbox"), "{out}");
    // The service comes back on the same port.
    let server = Server::start_on(port, vec![Answer::Http(204, "", "")]);
    ok(expedite(d, &["outbox", "retry"]));
    ok(expedite(d, &["outbox", "retry"]));
    let got = server.seen();
    assert_eq!(got.len(), 1, "sent once: {got:?}");
    assert_eq!(got[0].path, "/hook");
    assert!(incident_file(d, &id).contains("Posted to #expedite"));
}

#[test]
fn a_bot_token_posts_with_chat_post_message_and_follow_ups_go_in_the_first_posts_thread() {
    let server = Server::start(vec![
        Answer::Http(
            200,
            "Content-Type: application/json\r\n",
            r#"{"ok":true,"channel":"C1","ts":"1712345678.000100"}"#,
        ),
        Answer::Http(
            200,
            "Content-Type: application/json\r\n",
            r#"{"ok":true,"channel":"C1","ts":"1712345999.000200"}"#,
        ),
        Answer::Http(
            200,
            "Content-Type: application/json\r\n",
            r#"{"ok":false,"error":"channel_is_archived"}"#,
        ),
    ]);
    let (dir, id) = declared();
    let d = dir.path();
    ok(expedite_with(
        d,
        &[
            "channel",
            "set",
            "#expedite",
            "--slack-token",
            "-",
            "--slack-api",
            &server.url("/api"),
        ],
        "xoxb-1234567890-abcdefghijkl\n",
    ));
    ok(expedite(d, &["update", "Errors falling"]));
    let seen = server.seen();
    assert_eq!(seen[0].path, "/api/chat.postMessage");
    assert!(
        seen[0]
            .headers
            .contains("Bearer xoxb-1234567890-abcdefghijkl"),
        "{}",
        seen[0].headers
    );
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["channel"], "expedite");
    assert!(
        body.get("thread_ts").is_none(),
        "the first post starts the thread"
    );
    assert!(incident_file(d, &id).contains("Posted to #expedite (message 1712345678.000100)"));

    // A follow-up replies in the first post's thread, shown in the channel too.
    ok(expedite(d, &["update", "Errors down to a trickle"]));
    let body: serde_json::Value = serde_json::from_str(&server.seen()[1].body).unwrap();
    assert_eq!(body["thread_ts"], "1712345678.000100", "{body}");
    assert_eq!(body["reply_broadcast"], true);

    // The next one goes in the same thread (the first post's, not the reply's).
    let out = expedite(d, &["update", "Still falling"]);
    let body: serde_json::Value = serde_json::from_str(&server.seen()[2].body).unwrap();
    assert_eq!(body["thread_ts"], "1712345678.000100", "{body}");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        said(&out).contains("channel_is_archived: the channel is archived"),
        "{}",
        said(&out)
    );
}

#[test]
fn teams_takes_an_adaptive_card_and_answers_202() {
    let server = Server::start(vec![Answer::Http(202, "", "")]);
    let (dir, id) = declared();
    let d = dir.path();
    connect(d, "--teams-webhook", &server.url("/workflows/1"));
    ok(expedite(d, &["update", "Errors falling"]));
    let body: serde_json::Value = serde_json::from_str(&server.seen()[0].body).unwrap();
    let card = &body["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    assert!(incident_file(d, &id).contains("Posted to #expedite"));
}

/// An update posted to a webhook that gives `answer` instead of an answer:
/// the update is recorded, the terminal says the post may have arrived
/// (exit 1), and the outbox calls it unknown. The server, the folder and
/// the incident's id.
fn posted_with_no_answer(answer: Answer) -> (Server, tempfile::TempDir, String) {
    let server = Server::start(vec![answer]);
    let (dir, id) = declared();
    let d = dir.path();
    connect(d, "--webhook", &server.url("/hook"));
    let out = expedite(d, &["update", "Errors falling"]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("may have arrived"), "{}", said(&out));
    assert!(ok(expedite(d, &["outbox"])).contains("unknown"));
    (server, dir, id)
}

#[test]
fn a_service_that_never_answers_leaves_the_post_unknown_and_never_resent_by_itself() {
    let (server, dir, _id) = posted_with_no_answer(Answer::Hang);
    let d = dir.path();
    // A later drain (the window's, or another update) does not send it again.
    ok(expedite(
        d,
        &["update", "No channel change", "--channel", "#other"],
    ));
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn plain_http_to_another_machine_is_refused() {
    let (dir, _id) = declared();
    let out = expedite(
        dir.path(),
        &[
            "channel",
            "set",
            "#expedite",
            "--slack-webhook",
            "http://hooks.example.com/x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(said(&out).contains("must be https://"), "{}", said(&out));
}

#[test]
fn two_desks_sharing_a_folder_never_both_send_a_post_and_secrets_stay_on_the_desk() {
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let tmp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", said(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let remote = tmp.path().join("remote.git");
    git(&[
        "init",
        "-q",
        "--bare",
        "-b",
        "main",
        remote.to_str().unwrap(),
    ]);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let env_free = |dir: &Path, args: &[&str]| ok(desk::expedite_as(dir, "Sam Patel", args));
    env_free(
        &a,
        &[
            "declare",
            "--title",
            "Checkout 500s",
            "--evidence",
            "other:seen",
        ],
    );
    env_free(
        &a,
        &[
            "channel",
            "set",
            "#expedite",
            "--slack-webhook",
            &server.url("/hook"),
        ],
    );
    env_free(&a, &["share", remote.to_str().unwrap()]);
    env_free(&b, &["share", remote.to_str().unwrap()]);
    env_free(&a, &["update", "Errors falling"]);
    env_free(&a, &["sync"]);
    env_free(&b, &["sync"]);
    env_free(&b, &["outbox", "retry"]);
    assert_eq!(server.seen().len(), 1, "only the desk that posted sends");
    let tracked = git(&["-C", a.to_str().unwrap(), "ls-files"]);
    assert!(!tracked.contains("connections.ron"), "{tracked}");
    assert!(!tracked.contains("outbox.ron"), "{tracked}");
    assert!(
        !b.join("connections.ron").exists(),
        "the webhook never reached the other desk"
    );
}

#[test]
fn waiting_posts_go_out_at_the_pace_the_destination_allows_and_no_faster() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (dir, _id) = declared();
    let d = dir.path();
    let hook = format!("http://127.0.0.1:{port}/hook");
    connect(d, "--webhook", &hook);
    for n in 1..=3 {
        ok(expedite(d, &["update", &format!("Update {n}")]));
    }
    let server = Server::start_on(port, vec![Answer::Http(200, "", "")]);
    ok(expedite(d, &["outbox", "retry"]));
    let seen = three_a_second_apart(&server);
    // In the order they were written.
    for (n, s) in seen.iter().enumerate() {
        assert!(s.body.contains(&format!("Update {}", n + 1)), "{}", s.body);
    }
}

#[test]
fn a_service_quoting_the_secret_back_never_puts_it_on_the_timeline() {
    for body in [
        "no_service: /services/T0SECRET/B0SECRET/sekr3tsekr3tsekr3t is not a hook",
        "<html><body>404 for http://127.0.0.1/services/T0SECRET/B0SECRET/sekr3tsekr3tsekr3t</body></html>",
    ] {
        let server = Server::start(vec![Answer::Http(404, "", body)]);
        let (dir, id) = declared();
        let d = dir.path();
        connect(
            d,
            "--slack-webhook",
            &server.url("/services/T0SECRET/B0SECRET/sekr3tsekr3tsekr3t"),
        );
        let out = expedite(d, &["update", "Errors falling"]);
        assert_eq!(out.status.code(), Some(1), "{}", said(&out));
        let timeline = incident_file(d, &id);
        assert!(timeline.contains("Could not post"), "{timeline}");
        for secret in ["sekr3t", "T0SECRET", "B0SECRET"] {
            assert!(
                !timeline.contains(secret),
                "{secret} is on the timeline: {timeline}"
            );
            assert!(
                !said(&out).contains(secret),
                "{secret} was printed: {}",
                said(&out)
            );
        }
    }
}

#[test]
fn a_connection_closed_once_the_service_read_the_post_may_have_arrived_and_is_never_sent_again_unasked()
 {
    let (server, dir, id) = posted_with_no_answer(Answer::Close);
    let d = dir.path();
    // The timeline says so for every desk.
    assert!(
        incident_file(d, &id).contains("it may have arrived"),
        "{}",
        incident_file(d, &id)
    );
    // Later drains (another update, the window's look every few seconds)
    // leave it alone.
    ok(expedite(
        d,
        &["update", "Still falling", "--channel", "#other"],
    ));
    ok(expedite(d, &["outbox"]));
    assert_eq!(
        server.seen().len(),
        1,
        "delivered once, never again unasked"
    );
}

#[test]
fn a_service_asking_to_wait_for_ages_is_asked_again_within_a_quarter_of_an_hour() {
    // Each answer is its own server: the header is written as given.
    for (n, header) in [
        "Retry-After: 100000000000000\r\n",
        "Retry-After: 9223372036854775807\r\n",
    ]
    .into_iter()
    .enumerate()
    {
        let server = Server::start(vec![Answer::Http(429, header, "rate_limited")]);
        let (dir, _id) = declared();
        let d = dir.path();
        connect(d, "--webhook", &server.url("/hook"));
        let before = chrono::Utc::now();
        let out = ok(expedite(d, &["update", &format!("Update {n}")]));
        assert!(out.contains("Waiting to post to #expedite"), "{out}");
        let outbox = expedite::post::outbox::read(d).unwrap();
        let post = &outbox.posts[0];
        assert!(
            matches!(
                post.standing,
                expedite::post::outbox::Standing::Waiting { .. }
            ),
            "{post:?}"
        );
        assert!(
            post.next_try <= before + chrono::Duration::minutes(16) && post.next_try > before,
            "asked again at {} (now {before})",
            post.next_try
        );
        assert_eq!(server.seen().len(), 1);
    }
}

#[test]
fn updates_from_one_terminal_after_another_keep_the_destinations_pace() {
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let (dir, _id) = declared();
    let d = dir.path();
    connect(d, "--webhook", &server.url("/hook"));
    for n in 1..=3 {
        ok(expedite(d, &["update", &format!("Update {n}")]));
    }
    three_a_second_apart(&server);
}

#[test]
fn a_posting_process_killed_mid_post_leaves_its_update_and_the_next_run_says_it_may_have_arrived() {
    let server = Server::start(vec![Answer::Hang, Answer::Http(200, "", "ok")]);
    let (dir, id) = declared();
    let d = dir.path();
    connect(d, "--webhook", &server.url("/hook"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_expedite"))
        .args(["--data-dir", d.to_str().unwrap(), "--as", "Sam Patel"])
        .args(["update", "Rolling back now"])
        .env_remove("EXPEDITE_DATA_DIR")
        .env("EXPEDITE_SECRETS", "file")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..500 {
        if !server.seen().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.seen().len(), 1, "the request went out");
    child.kill().unwrap();
    child.wait().unwrap();
    let file = incident_file(d, &id);
    assert!(
        file.contains("Rolling back now"),
        "the update stays: {file}"
    );
    // The next run finds the post cut off: unknown, said on the timeline,
    // and not sent again by itself.
    ok(expedite(d, &["update", "Rolled back"]));
    let out = ok(expedite(d, &["outbox"]));
    assert!(out.contains("unknown"), "{out}");
    let file = incident_file(d, &id);
    assert!(file.contains("it may have arrived"), "{file}");
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        2,
        "the new update, and the cut-off one not again"
    );
    assert!(seen[1].body.contains("Rolled back"), "{}", seen[1].body);
}

/// What the server was sent: three posts, a second apart. Each process
/// takes its turn a second after the last one's, then sends; on a loaded
/// machine a process may wait a few hundred milliseconds between its turn
/// and its request arriving, so a gap is judged at 0.7 s: unpaced, they
/// arrive within 0.1 s.
fn three_a_second_apart(server: &Server) -> Vec<http::Seen> {
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for pair in seen.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= Duration::from_millis(700),
            "{gap:?} between two posts"
        );
    }
    seen
}
