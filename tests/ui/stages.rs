//! The procedure's stages, walked as a person would: declare, own, classify,
//! form the team, fix, deploy, conclude.

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use expedite::command::Command;
use expedite::store::Store;
use expedite::ui::ExpediteApp;

use crate::common::*;

#[test]
fn declaring_from_the_empty_state_asks_for_the_metric_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.ron"), "(me: \"Sam\")").unwrap();
    let mut harness = app_at(dir.path(), t(0));
    harness.get_by_label("No incident open");
    click(&mut harness, "Declare incident");
    harness.get_by_label("First, the metric that confirms it.");
    type_into(&mut harness, "How many", "forty");
    type_into(&mut harness, "What you see", "PaymentDeclined on checkout");
    type_into(&mut harness, "What is broken", "Card payments fail");
    click(&mut harness, "Declare");
    // A count that is not a number is refused, and nothing typed is lost.
    harness.get_by_label_contains("'forty' is not a whole number");
    assert_eq!(
        field_value(&harness, "What is broken"),
        "Card payments fail"
    );
    assert!(!dir.path().join("incidents/2026-11-26-sam-1.ron").exists());

    retype(&mut harness, "How many", "40");
    click(&mut harness, "Declare");
    // The person declaring owns it, and the cockpit shows it.
    harness.get_by_label("Card payments fail");
    harness.get_by_label("Sam (you)");
    harness.get_by_label("Next update in 15 min");
    let file = incident_file(dir.path());
    assert!(file.contains("ErrorTracker"), "{file}");
    assert!(file.contains("count: 40"), "{file}");
}

#[test]
fn the_calm_first_screen_offers_the_contacts_and_the_shortcuts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.ron"), "(me: \"Sam\")").unwrap();
    let mut harness = app_at(dir.path(), t(0));
    harness.get_by_label("No incident open");
    harness.get_by_label("F1 shows every shortcut.");
    click(&mut harness, "Import contacts…");
    harness.get_by_label("Import and export");
}

#[test]
fn a_declaration_with_several_things_wrong_is_refused_in_the_forms_order() {
    let dir = folder_with_incident(Some("Sam"));
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(1));
    click(&mut harness, "Declare incident…");
    // Nothing but an owner off the roster: the evidence is said first.
    harness
        .get_by_role_and_label(Role::RadioButton, "Someone else")
        .click();
    settle(&mut harness);
    type_into(&mut harness, "Owner's name", "Nobody Known");
    type_into(&mut harness, "How many", "3");
    click(&mut harness, "Declare");
    harness.get_by_label_contains("The evidence is empty");
    // Then the title, then the owner.
    type_into(&mut harness, "What you see", "errors");
    click(&mut harness, "Declare");
    harness.get_by_label_contains("The title is empty");
    type_into(&mut harness, "What is broken", "Search is slow");
    click(&mut harness, "Declare");
    harness.get_by_label_contains("Pick a name from the roster, or tick");
}

#[test]
fn ctrl_n_opens_the_declare_dialog_and_escape_closes_it_keeping_the_text() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(1));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    settle(&mut harness);
    // The metric comes first, and its field is ready to type into.
    harness.event(egui::Event::Text("12".into()));
    settle(&mut harness);
    assert_eq!(field_value(&harness, "How many"), "12");
    type_into(&mut harness, "What is broken", "Search is slow");
    harness.key_press(egui::Key::Escape);
    settle(&mut harness);
    assert!(
        harness
            .query_by_label("First, the metric that confirms it.")
            .is_none()
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    settle(&mut harness);
    assert_eq!(field_value(&harness, "What is broken"), "Search is slow");
}

#[test]
fn taking_ownership_and_handing_over_with_a_note() {
    let dir = folder_with_incident(Some("Jo"));
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Owned");
    click(&mut harness, "Take ownership");
    // The header and the owner view both say so.
    harness.get_by_label("Sam (you)");
    assert_eq!(harness.query_all_by_label("Sam").count(), 1);
    assert!(harness.query_by_label("Jo").is_none());
    assert!(incident_file(dir.path()).contains("to: \"Sam\""));

    click(&mut harness, "Hand over…");
    type_into(&mut harness, "Hand over to", "Ale");
    // The roster suggests the name.
    click(&mut harness, "Alex Kim");
    assert_eq!(field_value(&harness, "Hand over to"), "Alex Kim");
    click(&mut harness, "Hand over");
    // No note, no hand-over: the next owner needs to know where things stand.
    harness.get_by_label_contains("The hand-over note is empty");
    type_into(
        &mut harness,
        "Hand-over note",
        "Rollback deployed; watching Bugsnag. Priya reviewing the fix.",
    );
    click(&mut harness, "Hand over");
    assert!(
        harness.query_by_label("Hand-over note").is_none(),
        "the dialog closed"
    );
    harness.get_by_label("Sam handed over to Alex Kim");
    click(&mut harness, "Timeline");
    harness.get_by_label_contains("Rollback deployed; watching Bugsnag");
}

/// The Classified view over a folder with a roster, "Unsure" picked.
fn classifying_unsure() -> (
    tempfile::TempDir,
    egui_kittest::Harness<'static, ExpediteApp>,
) {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Classified");
    harness
        .get_by_role_and_label(Role::RadioButton, "Unsure")
        .click();
    settle(&mut harness);
    (dir, harness)
}

#[test]
fn unsure_classification_needs_the_product_owner_asked() {
    let (dir, mut harness) = classifying_unsure();
    click(&mut harness, "Record classification");
    harness.get_by_label_contains("name the product owner you asked");
    click(&mut harness, "Rosa Lind");
    // Picking one answers the refusal: it goes.
    assert!(
        harness
            .query_by_label_contains("name the product owner you asked")
            .is_none()
    );
    type_into(
        &mut harness,
        "What did they say?",
        "Expedite: it blocks bookings",
    );
    harness
        .get_by_role_and_label(Role::CheckBox, "Revenue")
        .click();
    settle(&mut harness);
    type_into(&mut harness, "Revenue: how", "card bookings lost");
    click(&mut harness, "Record classification");
    harness.get_by_label("Advice from Rosa Lind: Expedite: it blocks bookings");
    harness.get_by_label("Revenue: card bookings lost");
    assert!(incident_file(dir.path()).contains("asked: \"Rosa Lind\""));
}

#[test]
fn a_name_not_on_the_roster_asks_did_you_mean_and_takes_it_only_when_meant() {
    let dir = folder_with_incident(Some("Sam"));
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Hand over…");
    settle(&mut harness);
    let note_before = harness.get_by_label("Hand-over note").rect();
    type_into(&mut harness, "Hand over to", "Alex Kimm");
    harness.get_by_label("Not on the roster");
    harness.get_by_label("Alex Kim");
    // The message has its own line: the field below did not move.
    assert_eq!(harness.get_by_label("Hand-over note").rect(), note_before);
    type_into(&mut harness, "Hand-over note", "Rollback half done");
    click(&mut harness, "Hand over");
    harness.get_by_label_contains(
        "'Alex Kimm' is not on the roster — did you mean Alex Kim? Pick a name from the roster, or tick \"Use this name anyway\".",
    );
    assert!(!incident_file(dir.path()).contains("Alex Kimm"));
    assert_eq!(
        field_value(&harness, "Hand over to"),
        "Alex Kimm",
        "nothing typed is lost"
    );
    // Meant: a person not on the roster yet.
    harness
        .get_by_role_and_label(Role::CheckBox, "Use this name anyway")
        .click();
    settle(&mut harness);
    click(&mut harness, "Hand over");
    assert!(incident_file(dir.path()).contains("to: \"Alex Kimm\""));
}

#[test]
fn forming_the_team_out_of_hours_shows_numbers_and_who_was_called() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Team formed");
    click(&mut harness, "Add Alex Kim");
    harness.get_by_role_and_label(Role::Link, "+44 7700 900123");
    click(&mut harness, "Call Alex Kim…");
    click(&mut harness, "No answer");
    harness.get_by_label_contains("no answer ");
    assert!(incident_file(dir.path()).contains("Called Alex Kim: no answer"));
    click(&mut harness, "Call Alex Kim…");
    click(&mut harness, "Answered");
    harness.get_by_label_contains("answered ");
    let file = incident_file(dir.path());
    assert!(file.contains("outcome: Answered"), "{file}");
    click(&mut harness, "Timeline");
    harness.get_by_label_contains("Called Alex Kim: answered");
}

#[test]
fn the_team_is_picked_from_the_roster_or_marked_not_needed() {
    let dir = folder_with_incident(None);
    with_roster(dir.path());
    let mut harness = app_at(dir.path(), t(2));
    click(&mut harness, "Team formed");
    // Only developers are suggested for the developer role.
    click(&mut harness, "Add Alex Kim");
    harness.get_by_label("Take Alex Kim off");
    assert!(
        harness.query_by_label("Add Alex Kim").is_none(),
        "not offered twice"
    );
    click(&mut harness, "Add Tom Berg");
    click(&mut harness, "No product owner needed");
    harness.get_by_label("Not needed for this incident.");
    let file = incident_file(dir.path());
    assert!(file.contains("name: \"Alex Kim\""), "{file}");
    assert!(file.contains("role: Developer"), "{file}");
    assert!(file.contains("role: Tester"), "{file}");
    assert!(file.contains("not_needed"), "{file}");
}

#[test]
fn a_fix_that_breaks_process_needs_a_justification() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Fix");
    type_into(&mut harness, "What the fix is", "Revert PR #4821");
    harness
        .get_by_role_and_label(Role::CheckBox, "Broken for speed of fix")
        .click();
    settle(&mut harness);
    click(&mut harness, "Record fix");
    harness.get_by_label_contains("needs a justification");
    assert!(!incident_file(dir.path()).contains("Revert PR #4821"));
    type_into(
        &mut harness,
        "Why (speed of fix)",
        "Checkout down; review after",
    );
    click(&mut harness, "Record fix");
    harness.get_by_label("Broken for speed of fix");
    harness.get_by_label("Checkout down; review after");
    assert!(incident_file(dir.path()).contains("Revert PR #4821"));
}

#[test]
fn deployment_readings_are_recorded_and_plotted() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(30));
    click(&mut harness, "Deployment");
    type_into(&mut harness, "Rollback plan", "redeploy v2.31.4");
    click(&mut harness, "Record deployment");
    harness.get_by_label_contains("the usual way, so it can be rolled back");
    type_into(&mut harness, "Reading", "a few");
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("'a few' is not a number");
    retype(&mut harness, "Reading", "2");
    harness
        .get_by_role_and_label(Role::CheckBox, "Back to normal")
        .click();
    settle(&mut harness);
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("· 2 · normal");
    assert!(incident_file(dir.path()).contains("normal: true"));
    // A reading taken earlier, at the time it was read (typed in local time).
    let earlier = t(25)
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    type_into(&mut harness, "Reading", "40");
    type_into(&mut harness, "Read at", &earlier);
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("· 40 · not normal yet");
    assert!(
        incident_file(dir.path()).contains("at: \"2026-11-26T02:25:00Z\""),
        "read at the time typed"
    );
}

#[test]
fn resolving_walks_the_conclusion() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(60));
    click(&mut harness, "Conclusion");
    type_into(
        &mut harness,
        "PRs, tickets and links, one per line",
        "https://github.com/hx/web/pull/4821",
    );
    click(&mut harness, "Mark summary sent");
    harness.get_by_label("https://github.com/hx/web/pull/4821");
    type_into(&mut harness, "Who reported it", "the call centre");
    click(&mut harness, "Mark origin told");
    harness.get_by_label_contains("the call centre told");
    type_into(&mut harness, "When", "yesterday");
    click(&mut harness, "Schedule postmortem");
    harness.get_by_label_contains("'yesterday' is not a time");
    retype(&mut harness, "When", "2026-11-30 10:00");
    click(&mut harness, "Schedule postmortem");
    harness.get_by_label_contains("run by Sam");
    // Resolving asks about a last update once, with the button that
    // resolves elsewhere than the one just pressed.
    let asked_at = harness.get_by_label("Resolve incident…").rect();
    click(&mut harness, "Resolve incident…");
    harness.get_by_label("Post a last update first?");
    assert!(!incident_file(dir.path()).contains("resolved_at"));
    let resolve_at = harness.get_by_label("Resolve now").rect();
    assert!(
        !resolve_at.intersects(asked_at),
        "{resolve_at:?} under {asked_at:?}"
    );
    click(&mut harness, "Resolve now");
    harness.get_by_label("Resolved");
    assert!(harness.query_by_label_contains("Next update in").is_none());
    assert!(incident_file(dir.path()).contains("resolved_at"));

    // And back, with a reason: in progress again, not looking finished.
    type_into(
        &mut harness,
        "Why reopen",
        "errors are back after the cache flush",
    );
    let reopen_at = harness.get_by_label("Reopen incident").rect();
    click(&mut harness, "Reopen incident");
    harness.get_by_label_contains("Next update in");
    harness.get_by_label("Reopened just now: errors are back after the cache flush");
    harness.get_by_label_contains(
        "It is back (errors are back after the cache flush): post an update in #expedite",
    );
    // What said "fixed" is asked for again; the record of it stays.
    harness.get_by_label("Mark summary sent");
    harness.get_by_label("Mark origin told");
    let file = incident_file(dir.path());
    assert!(
        file.contains("The summary sent by Sam said it was fixed"),
        "{file}"
    );
    assert!(file.contains("the call centre was told it was fixed: tell them it is back"));
    // Nothing that resolves sits where Reopen was.
    let resolve_at = harness.get_by_label("Resolve incident…").rect();
    assert!(
        !resolve_at.intersects(reopen_at),
        "{resolve_at:?} under {reopen_at:?}"
    );
    // The list of incidents says it came back, not when it was first opened.
    click(&mut harness, "Incidents");
    harness.get_by_label_contains("· reopened ");
}

#[test]
fn more_evidence_with_a_link_and_a_file_path_refused() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(4));
    click(&mut harness, "Defined");
    type_into(&mut harness, "How many", "12");
    type_into(
        &mut harness,
        "What you see",
        "call-centre callers can't pay",
    );
    type_into(&mut harness, "Link", "file:///etc/passwd");
    let button = harness
        .get_by_role_and_label(Role::Button, "Add evidence")
        .rect();
    click(&mut harness, "Add evidence");
    harness.get_by_label_contains("is not a web link");
    // The message shows where it moves nothing: the button is where it was.
    assert_eq!(
        harness
            .get_by_role_and_label(Role::Button, "Add evidence")
            .rect(),
        button
    );
    assert_eq!(
        field_value(&harness, "What you see"),
        "call-centre callers can't pay"
    );
    retype(&mut harness, "Link", "https://app.bugsnag.com/hx/checkout");
    // Fixing the field takes the stale message away.
    assert!(
        harness
            .query_by_label_contains("is not a web link")
            .is_none()
    );
    click(&mut harness, "Add evidence");
    harness.get_by_label("12 error-tracker events");
    harness.get_by_label("https://app.bugsnag.com/hx/checkout");
    assert_eq!(
        field_value(&harness, "What you see"),
        "",
        "the form is emptied"
    );
}

#[test]
fn an_untouched_form_shows_a_classification_made_elsewhere() {
    let dir = folder_with_incident(None);
    let mut harness = app_watching(dir.path(), t(3));
    click(&mut harness, "Classified");
    harness.get_by_role_and_label(Role::Button, "Record classification");

    let mut other = Store::open(dir.path()).unwrap();
    let (mut state, _) = other.load();
    let id = state.incidents.keys().next().unwrap().clone();
    let classify = Command::Classify {
        incident: id,
        decision: expedite::model::Decision::Expedite,
        advice: None,
        metrics: vec![],
        expected_lifespan: "hours".into(),
    };
    other.execute(&mut state, classify, "Jo", t(3)).unwrap();

    // The form's own heading "Expedite it?" contains the record's words, so
    // wait for the form to go rather than for the words to show.
    for _ in 0..250 {
        harness.step();
        if harness.query_by_label("Record classification").is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(harness.query_by_label("Record classification").is_none());
    harness.get_by_label("Expedite it");
}

#[test]
fn the_team_stage_offers_who_is_on_call() {
    let dir = folder_with_incident(Some("Sam"));
    with_rota(dir.path());
    let mut harness = app_at(dir.path(), t(0));
    harness
        .get_by_role_and_label(Role::Button, "Team formed")
        .click();
    settle(&mut harness);
    click(&mut harness, "Add Priya Shah (on call)");
    assert!(incident_file(dir.path()).contains("Priya Shah"));
}

#[test]
fn picking_the_product_owner_asked_puts_the_keyboard_in_what_they_said() {
    let (_dir, mut harness) = classifying_unsure();
    click(&mut harness, "Rosa Lind");
    // Typed straight away, as a person does after picking the name.
    harness.get_by_role_and_label(Role::TextInput, "What did they say?");
    harness.event(egui::Event::Text("Expedite it".into()));
    settle(&mut harness);
    assert_eq!(field_value(&harness, "What did they say?"), "Expedite it");
    assert_eq!(
        field_value(&harness, "Which product owner did you ask?"),
        "Rosa Lind"
    );
}

#[test]
fn the_rollback_plan_is_asked_for_and_can_be_put_right_later() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(30));
    click(&mut harness, "Deployment");
    click(&mut harness, "Record deployment");
    harness.get_by_label_contains("The rollback plan is empty");
    assert!(!incident_file(dir.path()).contains("deployed_at"));
    type_into(&mut harness, "Rollback plan", "redeploy v2.31.4");
    click(&mut harness, "Record deployment");
    harness.get_by_label_contains("the usual way, so it can be rolled back");
    // Later, a better plan: the field holds the one recorded.
    assert_eq!(field_value(&harness, "Rollback plan"), "redeploy v2.31.4");
    retype(
        &mut harness,
        "Rollback plan",
        "roll back the flag checkout-v2",
    );
    click(&mut harness, "Change rollback plan");
    let file = incident_file(dir.path());
    assert!(
        file.contains("rollback_plan: \"roll back the flag checkout-v2\""),
        "{file}"
    );
    assert_eq!(
        file.matches("Fix deployed the usual way").count(),
        1,
        "the deployment itself is said once: {file}"
    );
    assert_eq!(
        field_value(&harness, "Rollback plan"),
        "roll back the flag checkout-v2"
    );
}

#[test]
fn what_the_metric_shows_stays_for_the_next_reading() {
    let dir = folder_with_incident(None);
    let mut harness = app_at(dir.path(), t(30));
    click(&mut harness, "Deployment");
    type_into(&mut harness, "Reading", "40");
    type_into(&mut harness, "What it shows", "errors/min in Bugsnag");
    click(&mut harness, "Add reading");
    harness.get_by_label_contains("· 40 · not normal yet — errors/min in Bugsnag");
    // The value is emptied for the next one; what it shows is not.
    assert_eq!(field_value(&harness, "Reading"), "");
    assert_eq!(
        field_value(&harness, "What it shows"),
        "errors/min in Bugsnag"
    );
}

#[test]
fn taking_ownership_says_who_took_it_and_leaves_no_stale_note_in_the_brief() {
    let dir = folder_with_incident(Some("Dana Whitfield"));
    {
        let mut store = Store::open(dir.path()).unwrap();
        let (mut state, _) = store.load();
        let id = state.incidents.keys().next().unwrap().clone();
        let hand_over = Command::HandOver {
            incident: id,
            to: "Alex Morgan".into(),
            note: "rollback half done; watch the error rate".into(),
        };
        store
            .execute(&mut state, hand_over, "Dana Whitfield", t(1))
            .unwrap();
    }
    let mut harness = app_at(dir.path(), t(5));
    click(&mut harness, "Owned");
    click(&mut harness, "Take ownership");
    harness.get_by_label("Sam took ownership from Alex Morgan");
    harness.get_by_label("Dana Whitfield handed over to Alex Morgan");
    click(&mut harness, "Brief");
    harness.get_by_label_contains("Sam took ownership from Alex Morgan");
    harness.get_by_label_contains("no note was left");
    assert!(
        harness
            .query_by_label_contains("rollback half done")
            .is_none(),
        "the older note is not where things stand now"
    );
}

#[test]
fn after_a_reopening_the_deployment_starts_from_the_kept_plan_and_old_readings_say_so() {
    let dir = folder_with_incident(Some("Sam"));
    let id = expedite::model::IncidentId::parse("2026-11-26-sam-1").unwrap();
    let mut store = expedite::store::Store::open(dir.path()).unwrap();
    let (mut state, _) = store.load();
    let steps = [
        Command::RecordDeployment {
            incident: id.clone(),
            at: None,
            usual_way: true,
            rollback_plan: "redeploy v41".into(),
        },
        Command::AddMetricReading {
            incident: id.clone(),
            at: None,
            value: 2.0,
            normal: true,
            note: "errors/min".into(),
        },
        Command::Resolve {
            incident: id.clone(),
        },
        Command::Reopen {
            incident: id.clone(),
            reason: "errors are back".into(),
        },
    ];
    for (n, step) in steps.into_iter().enumerate() {
        store
            .execute(&mut state, step, "Sam", t(10 + n as i64))
            .unwrap();
    }
    drop(store);
    let mut harness = app_at(dir.path(), t(20));
    click(&mut harness, "Deployment");
    assert_eq!(field_value(&harness, "Rollback plan"), "redeploy v41");
    harness.get_by_label_contains("2 · normal then, before it came back — errors/min");
}
