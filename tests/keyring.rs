//! Channel secrets in the desktop's keyring, against a real Secret Service:
//! GNOME Keyring's daemon on a private session bus, its login keyring in a
//! temp home, unlocked with a password as a log-in would. Needs dbus-daemon,
//! dbus-send and gnome-keyring-daemon (.ci/run installs them); skipped
//! elsewhere when they are missing, never under CI.

#[path = "support/bus.rs"]
mod bus;
#[path = "support/desk.rs"]
mod desk;
#[path = "support/http.rs"]
mod http;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use http::{Answer, Server};

const PASSWORD: &str = "correct horse";

fn missing_tools() -> bool {
    bus::missing(
        &["dbus-daemon", "dbus-send", "gnome-keyring-daemon"],
        "keyring",
    )
    .is_some()
}

/// A private session: a bus on which nothing starts on demand, and (when
/// asked) GNOME Keyring serving the Secret Service on it.
struct Session {
    home: tempfile::TempDir,
    bus: String,
    bus_daemon: Child,
    keyring: Option<Child>,
}

impl Session {
    fn start() -> Self {
        let home = tempfile::tempdir().unwrap();
        let (bus_daemon, address) = bus::start(home.path());
        Self {
            home,
            bus: address,
            bus_daemon,
            keyring: None,
        }
    }

    /// A program on this session, with this session's home.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        let home = self.home.path();
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", home)
            .env("XDG_RUNTIME_DIR", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("EXPEDITE_SECRETS")
            .env_remove("EXPEDITE_DATA_DIR");
        c
    }

    /// Starts GNOME Keyring, its login keyring unlocked (made on the first
    /// start, the same one read on the next), and waits until it serves.
    fn start_keyring(&mut self) {
        let mut daemon = self
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(PASSWORD.as_bytes()).unwrap();
        drop(stdin);
        self.keyring = Some(daemon);
        let start = Instant::now();
        while !self.keyring_serves() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "gnome-keyring-daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop_keyring(&mut self) {
        if let Some(mut daemon) = self.keyring.take() {
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        let start = Instant::now();
        while self.keyring_serves() {
            assert!(start.elapsed() < Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the Secret Service has a default collection to keep secrets.
    fn keyring_serves(&self) -> bool {
        self.dbus_send(&[
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.ReadAlias",
            "string:default",
        ])
        .is_some_and(|reply| reply.contains("/org/freedesktop/secrets/collection/"))
    }

    /// How many items the keyring holds for Expedite's channel `channel`,
    /// asked of the Secret Service itself.
    fn items_for(&self, channel: &str) -> usize {
        let reply = self
            .dbus_send(&[
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.SearchItems",
                &format!("dict:string:string:expedite-channel,{channel}"),
            ])
            .expect("the keyring answers");
        reply
            .matches("object path \"/org/freedesktop/secrets/collection/")
            .count()
    }

    fn dbus_send(&self, args: &[&str]) -> Option<String> {
        let out = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
            ])
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `expedite --data-dir DIR --as "Sam Patel" ARGS…` on this session,
    /// with `stdin` on its standard input.
    fn expedite(&self, dir: &Path, args: &[&str], stdin: &str) -> Output {
        let mut command = self.command(env!("CARGO_BIN_EXE_expedite"));
        command
            .arg("--data-dir")
            .arg(dir)
            .args(["--as", "Sam Patel"])
            .args(args);
        desk::run_with_stdin(command, stdin)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_keyring();
        let _ = self.bus_daemon.kill();
        let _ = self.bus_daemon.wait();
    }
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

const HOOK_PATH: &str = "/services/T000/B000/keepthisoffthedisk";

/// Connects #expedite to a Slack webhook on `server`, the URL on standard input.
fn connect(session: &Session, d: &Path, server: &Server) -> String {
    ok(session.expedite(
        d,
        &["channel", "set", "#expedite", "--slack-webhook", "-"],
        &format!("{}\n", server.url(HOOK_PATH)),
    ))
}

fn declared(session: &Session) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(session.expedite(
        dir.path(),
        &[
            "declare",
            "--title",
            "Checkout 500s",
            "--evidence",
            "error-tracker:340 errors",
        ],
        "",
    ));
    dir
}

/// A session with GNOME Keyring serving, a service taking posts, and an
/// incident declared in a data folder.
fn desk_with_keyring() -> (Session, Server, tempfile::TempDir) {
    let mut session = Session::start();
    session.start_keyring();
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let dir = declared(&session);
    (session, server, dir)
}

#[test]
fn with_a_desktop_keyring_the_secret_stays_in_it_and_never_in_a_file() {
    if missing_tools() {
        return;
    }
    let (session, server, dir) = desk_with_keyring();
    let d = dir.path();

    let out = connect(&session, d, &server);
    assert!(out.contains("kept in the desktop's keyring"), "{out}");
    assert_eq!(session.items_for("#expedite"), 1);
    // Nothing in the data folder holds the secret: not the file, not its backup.
    for entry in std::fs::read_dir(d).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(!text.contains("keepthisoffthedisk"), "{}", path.display());
        }
    }
    let listed = ok(session.expedite(d, &["channel", "list"], ""));
    assert!(
        listed.contains(&format!(
            "#expedite  Slack webhook http://127.0.0.1:{}/…disk (in the desktop's keyring)",
            server.port
        )),
        "{listed}"
    );

    // Posting reads the secret from the keyring.
    let out = ok(session.expedite(d, &["update", "Errors falling"], ""));
    assert!(out.contains("Posted to #expedite"), "{out}");
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.seen()[0].path, HOOK_PATH);

    // Disconnecting forgets it in the keyring too.
    ok(session.expedite(d, &["channel", "remove", "#expedite"], ""));
    assert_eq!(session.items_for("#expedite"), 0);
}

#[test]
fn a_post_waits_while_the_keyring_is_away_and_goes_out_once_when_it_is_back() {
    if missing_tools() {
        return;
    }
    let (mut session, server, dir) = desk_with_keyring();
    let d = dir.path();
    connect(&session, d, &server);

    session.stop_keyring();
    let out = ok(session.expedite(d, &["update", "On the train"], ""));
    assert!(out.contains("Waiting to post to #expedite"), "{out}");
    let outbox = ok(session.expedite(d, &["outbox"], ""));
    assert!(outbox.contains("in the desktop's keyring"), "{outbox}");
    assert!(outbox.contains("unlock the keyring"), "{outbox}");
    assert!(server.seen().is_empty(), "nothing can go out without it");
    let test = session.expedite(d, &["channel", "test", "#expedite"], "");
    assert_eq!(test.status.code(), Some(1));
    assert!(
        said(&test).contains("unlock the keyring"),
        "{}",
        said(&test)
    );

    // The same login keyring, unlocked again.
    session.start_keyring();
    ok(session.expedite(d, &["outbox", "retry"], ""));
    ok(session.expedite(d, &["outbox", "retry"], ""));
    assert_eq!(server.seen().len(), 1, "sent exactly once");
    assert!(ok(session.expedite(d, &["outbox"], "")).contains("The outbox is empty"));
}

#[test]
fn without_a_keyring_the_secret_is_kept_in_an_owner_only_file_and_it_says_so() {
    if missing_tools() {
        return;
    }
    let session = Session::start(); // a bus with no Secret Service on it
    let server = Server::start(vec![Answer::Http(200, "", "ok")]);
    let dir = declared(&session);
    let d = dir.path();
    let out = connect(&session, d, &server);
    assert!(
        out.contains("kept in connections.ron, readable by you only"),
        "{out}"
    );
    let file = std::fs::read_to_string(d.join("connections.ron")).unwrap();
    assert!(file.contains("keepthisoffthedisk"), "{file}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("connections.ron"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = ok(session.expedite(d, &["update", "Errors falling"], ""));
    assert!(out.contains("Posted to #expedite"), "{out}");
}
