//! The blameless postmortem: its draft in Markdown, the timeline as CSV, and
//! the calendar invite (`.ics`, `METHOD:REQUEST`) that schedules it.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use super::email::permanent_fix;
use super::{NOT_RECORDED, Pack, length, one_line, or_missing};
use crate::interop::{escape, push_line, stable_id};
use crate::model::{FollowUpKind, roster};

/// How long the postmortem meeting lasts by default.
pub const MEETING: Duration = Duration::hours(1);

/// A name for the draft's file: `postmortem-2026-11-26-1.md`.
pub fn file_name(pack: &Pack<'_>, extension: &str) -> String {
    format!("postmortem-{}.{extension}", pack.incident.id)
}

/// The postmortem draft in Markdown.
pub fn markdown(pack: &Pack<'_>) -> String {
    let i = pack.incident;
    let mut m = String::new();
    m.push_str(&format!("# Postmortem: {}\n\n", inline(&i.title)));
    m.push_str(
        "*Blameless: we look at how our systems and our process let this happen and how \
         they helped us recover, not at who did what.*\n\n",
    );
    m.push_str("| | |\n|---|---|\n");
    let row = |m: &mut String, k: &str, v: &str| m.push_str(&format!("| {k} | {} |\n", inline(v)));
    row(&mut m, "Incident", i.id.as_str());
    row(&mut m, "Declared", &both(pack, i.opened_at));
    row(
        &mut m,
        "Resolved",
        &i.resolved_at
            .map_or_else(|| "not yet".to_owned(), |at| both(pack, at)),
    );
    row(&mut m, "Duration", &pack.duration());
    row(&mut m, "Owner", &or_missing(pack.owner()));
    row(
        &mut m,
        "Postmortem",
        &i.conclusion.postmortem.as_ref().map_or_else(
            || "(not scheduled yet)".to_owned(),
            |p| format!("{}, run by {}", pack.local(p.at), one_line(&p.owner)),
        ),
    );

    heading(&mut m, "Summary");
    let fix = i.fix.as_ref().map_or(NOT_RECORDED.to_owned(), |f| {
        or_missing(Some(&f.description))
    });
    para(
        &mut m,
        &format!(
            "{}. Classification: {}. Fix: {fix}.",
            one_line(&i.title),
            pack.decision()
        ),
    );

    heading(&mut m, "Impact");
    let c = &i.classification;
    if c.metrics.is_empty() {
        bullet(&mut m, NOT_RECORDED);
    }
    for hit in &c.metrics {
        bullet(&mut m, &Pack::impact(hit));
    }
    if !c.expected_lifespan.trim().is_empty() {
        bullet(
            &mut m,
            &format!("Expected to last: {}", one_line(&c.expected_lifespan)),
        );
    }
    bullet(&mut m, &format!("Lasted: {}", pack.duration()));

    heading(&mut m, "Detection");
    if i.evidence.is_empty() {
        bullet(&mut m, NOT_RECORDED);
    }
    for e in &i.evidence {
        bullet(&mut m, &pack.evidence(e));
    }

    heading(&mut m, "Response");
    bullet(&mut m, &format!("Owner: {}", or_missing(pack.owner())));
    for h in &i.hand_overs {
        bullet(
            &mut m,
            &format!("{}: {}", pack.stamp(h.at), pack.hand_over(h)),
        );
    }
    bullet(&mut m, &format!("Team: {}", pack.team()));
    bullet(
        &mut m,
        &format!(
            "Communication: {}; channels {}",
            pack.updates(),
            i.communication.channels.join(", ")
        ),
    );
    match &i.fix {
        Some(f) if !f.is_best_practice() => {
            for d in &f.deviations {
                bullet(
                    &mut m,
                    &format!(
                        "Process deviation ({}): {}",
                        d.reason.describe(),
                        or_missing(Some(&d.justification))
                    ),
                );
            }
        }
        Some(_) => bullet(&mut m, "Best practice was followed for the fix."),
        None => {}
    }

    heading(&mut m, "Recovery");
    bullet(&mut m, &format!("Fix: {fix}"));
    let d = &i.deployment;
    bullet(
        &mut m,
        &format!(
            "Deployed: {}",
            d.deployed_at.map_or(NOT_RECORDED.to_owned(), |at| format!(
                "{}{}",
                pack.stamp(at),
                if d.usual_way {
                    ", the usual way"
                } else {
                    ", not the usual way"
                }
            ))
        ),
    );
    for r in &d.readings {
        bullet(
            &mut m,
            &format!(
                "Metric at {}: {}{}",
                pack.stamp(r.at),
                r.value,
                if r.normal { " (back to normal)" } else { "" }
            ),
        );
    }
    for line in pack.metric_lines() {
        bullet(&mut m, &line);
    }
    bullet(&mut m, &format!("Permanent fix: {}", permanent_fix(pack)));

    heading(&mut m, "Timeline");
    m.push_str(&format!(
        "| Time (UTC) | Time ({}) | Event | Who |\n|---|---|---|---|\n",
        pack.zone.name()
    ));
    if i.timeline.is_empty() {
        m.push_str(&format!("| | | {NOT_RECORDED} | |\n"));
    }
    for e in &i.timeline {
        m.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            e.at.format("%Y-%m-%d %H:%M"),
            pack.stamp(e.at),
            inline(&event(e)),
            inline(&e.by)
        ));
    }

    heading(&mut m, "What went well");
    let went_well = went_well(pack);
    list_or_prompt(&mut m, &went_well);
    heading(&mut m, "What went badly");
    list_or_prompt(&mut m, &went_badly(pack));
    heading(&mut m, "Where we were lucky");
    list_or_prompt(&mut m, &[]);

    heading(&mut m, "Action items");
    m.push_str("| Action | Owner | Due | Type |\n|---|---|---|---|\n");
    let mut any = false;
    if let Some(f) = &i.fix
        && f.is_temporary()
    {
        any = true;
        m.push_str(&format!(
            "| {} | {} | (to agree) | corrective |\n",
            inline(&format!("Permanent fix: {}", permanent_fix(pack))),
            inline(&or_missing(pack.owner()))
        ));
    }
    for f in &i.follow_ups {
        any = true;
        let due = match (f.done(), f.due) {
            (Some(done), _) => format!("done {}", done.at.format("%Y-%m-%d")),
            (None, Some(day)) => day.format("%Y-%m-%d").to_string(),
            (None, None) => "(to agree)".to_owned(),
        };
        // The action's kind in the postmortem's words, and the team's.
        let kind = match f.kind {
            FollowUpKind::Other => kind_of_action(&f.text).to_owned(),
            FollowUpKind::PermanentFix => "corrective (permanent fix)".to_owned(),
            FollowUpKind::Monitoring => "detective (monitoring)".to_owned(),
            kind => format!("preventative ({})", kind.name().to_lowercase()),
        };
        m.push_str(&format!(
            "| {} | {} | {due} | {kind} |\n",
            inline(&f.text),
            inline(&or_missing(f.owner.as_deref())),
        ));
    }
    if !any {
        m.push_str(&format!("| {NOT_RECORDED} | | | |\n"));
    }
    let links = pack.links();
    if !links.is_empty() {
        heading(&mut m, "Links");
        for l in links {
            bullet(&mut m, &l);
        }
    }
    m
}

/// The timeline as CSV: `Time (UTC)`, `Time (team zone)`, `Event`, `Who`.
///
/// Cells a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first)
/// start with an apostrophe, which spreadsheets show as text.
pub fn timeline_csv(pack: &Pack<'_>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, row: [&str; 4]| {
        w.write_record(row.map(spreadsheet_safe))
            .expect("writing to memory");
    };
    write(&mut w, ["Time (UTC)", "Time (team zone)", "Event", "Who"]);
    for e in &pack.incident.timeline {
        write(
            &mut w,
            [
                &e.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                &pack.stamp(e.at),
                &event(e),
                &e.by,
            ],
        );
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("text in, text out")
}

/// The invite and anything the person should know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    /// The `.ics` file's text.
    pub ics: String,
    /// When the meeting starts.
    pub start: DateTime<Utc>,
    /// Things to fix before sending, e.g. people without an email.
    pub warnings: Vec<String>,
}

/// The calendar invite for the postmortem: at the scheduled time, else a
/// default slot (see [`default_slot`]); `draft` is where the Markdown draft is.
pub fn invite(pack: &Pack<'_>, draft: &str) -> Invite {
    let i = pack.incident;
    let mut warnings = Vec::new();
    let scheduled = i.conclusion.postmortem.as_ref();
    let start = scheduled.map_or_else(|| default_slot(pack), |p| p.at);
    let organizer = scheduled
        .map(|p| p.owner.as_str())
        .or(pack.owner())
        .map(one_line);

    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Expedite//Postmortem invite//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:REQUEST".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!(
            "UID:postmortem-{}-{}@expedite.invalid",
            i.id,
            stable_id(i.id.as_str())
        ),
        format!("DTSTAMP:{}", ical_time(pack.now)),
        format!("DTSTART:{}", ical_time(start)),
        format!("DTEND:{}", ical_time(start + MEETING)),
        // Each move of the meeting is a newer version of the one invite.
        format!(
            "SEQUENCE:{}",
            i.timeline
                .iter()
                .filter(|e| e.what == "Postmortem moved")
                .count()
        ),
        "STATUS:CONFIRMED".to_owned(),
        format!(
            "SUMMARY:{}",
            escape(&format!("Blameless postmortem: {}", one_line(&i.title)))
        ),
    ];
    let mut description = format!(
        "Blameless postmortem of incident {} ({}).\nDraft: {draft}\nPlease read the draft and add what you saw before we meet.",
        i.id,
        one_line(&i.title)
    );
    if i.conclusion.postmortem.is_none() {
        description.push_str("\nThe time is a suggestion: move it if it does not suit.");
    }
    lines.push(format!("DESCRIPTION:{}", escape(&description)));
    match organizer.as_deref() {
        Some(name) => match pack.email_of(name) {
            Some(email) => lines.push(format!(
                "ORGANIZER;CN={}:mailto:{}",
                param(name),
                address(email)
            )),
            None => warnings.push(format!(
                "{name} has no email on the roster, so the invite has no organizer; add one \
                 under Contacts for calendar programs to send replies."
            )),
        },
        None => {
            warnings.push("Nobody owns the incident yet, so the invite has no organizer.".into())
        }
    }
    // Everyone who owned the incident or was on its team (once each), but
    // the organizer.
    let invited: Vec<String> = pack
        .people()
        .into_iter()
        .filter(|name| {
            !organizer
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(name))
        })
        .collect();
    for name in &invited {
        match pack.email_of(name) {
            Some(email) => lines.push(format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
                param(name),
                address(email)
            )),
            None => warnings.push(format!(
                "{name} has no email on the roster and is not invited; add one under Contacts."
            )),
        }
    }
    if invited.is_empty() {
        warnings.push(
            "Nobody but the organizer is on the incident yet, so nobody else is invited.".into(),
        );
    }
    lines.extend([
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        "TRIGGER:-PT15M".to_owned(),
        format!(
            "DESCRIPTION:{}",
            escape("Blameless postmortem in 15 minutes")
        ),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]);
    let mut ics = String::new();
    for line in &lines {
        push_line(&mut ics, line);
    }
    Invite {
        ics,
        start,
        warnings,
    }
}

/// A slot within five working days: 14:00 in the team's zone on the second
/// working day after the incident ended (or after now while it is open),
/// moved into office hours when they are set. Working days are the office's
/// days without its holidays, else Monday to Friday.
pub fn default_slot(pack: &Pack<'_>) -> DateTime<Utc> {
    let hours = pack.roster.office_hours.as_ref();
    let from = pack.incident.resolved_at.unwrap_or(pack.now).max(pack.now);
    let today = from.with_timezone(&pack.zone).date_naive();
    let working = |d: &NaiveDate| match hours {
        Some(h) => h.is_working_day(*d),
        None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
    };
    // The second working day within a fortnight; an office open on no day
    // at all gets the fortnight's last.
    let mut days = (1..=14).filter_map(|n| today.checked_add_days(Days::new(n)));
    let day = days
        .clone()
        .filter(working)
        .nth(1)
        .or_else(|| days.next_back())
        .unwrap_or(today);
    let two = NaiveTime::from_hms_opt(14, 0, 0).expect("a valid time");
    let time = match hours {
        Some(h) if h.end > h.start => {
            let latest = h.end - MEETING;
            two.min(latest).max(h.start)
        }
        _ => two,
    };
    roster::start_instant(pack.zone, day.and_time(time))
}

/// What happened, with the change it made: "Owner changed (Sam → Alex)".
fn event(e: &crate::model::TimelineEntry) -> String {
    match &e.change {
        Some(c) if c.from.is_empty() => format!("{} ({})", one_line(&e.what), one_line(&c.to)),
        Some(c) => format!(
            "{} ({} → {})",
            one_line(&e.what),
            one_line(&c.from),
            one_line(&c.to)
        ),
        None => one_line(&e.what),
    }
}

fn went_well(pack: &Pack<'_>) -> Vec<String> {
    let i = pack.incident;
    let mut out = Vec::new();
    if let Some(e) = i.evidence.first() {
        out.push(format!("Detected by {}.", e.kind.describe()));
    }
    match i.hand_overs.first().map(|h| h.at - i.opened_at) {
        Some(d) if d < Duration::minutes(1) => {
            out.push("Owned from the moment it was declared.".into())
        }
        Some(d) => out.push(format!("Owned {} after it was declared.", length(d))),
        None => {}
    }
    if i.fix.as_ref().is_some_and(|f| f.is_best_practice()) {
        out.push("The fix followed our best practice.".into());
    }
    if let Some(r) = i.deployment.readings.iter().find(|r| r.normal) {
        out.push(format!(
            "The metric was back to normal {} after it was declared.",
            length(r.at - i.opened_at)
        ));
    }
    out
}

fn went_badly(pack: &Pack<'_>) -> Vec<String> {
    let i = pack.incident;
    let mut out = Vec::new();
    let missing = pack.roles_missing();
    if !missing.is_empty() {
        out.push(format!("The team had no {}.", missing.join(", no ")));
    }
    if let Some(f) = &i.fix {
        for d in &f.deviations {
            out.push(format!("We broke process for {}.", d.reason.describe()));
        }
    }
    if i.deployment.deployed_at.is_some() && !i.deployment.usual_way {
        out.push("The fix did not go out the usual way.".into());
    }
    out
}

fn list_or_prompt(m: &mut String, items: &[String]) {
    for item in items {
        bullet(m, item);
    }
    bullet(m, "(to discuss at the postmortem)");
}

/// Sorts a follow-up by what it does: finds problems sooner (detective),
/// stops them happening (preventative), or mends this one (corrective).
fn kind_of_action(text: &str) -> &'static str {
    let t = text.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&["alert", "monitor", "dashboard", "detect", "alarm", "page "]) {
        "detective"
    } else if any(&[
        "test", "prevent", "lint", "check", "review", "guard", "validat",
    ]) {
        "preventative"
    } else {
        "corrective"
    }
}

fn both(pack: &Pack<'_>, at: DateTime<Utc>) -> String {
    format!("{} UTC ({})", at.format("%Y-%m-%d %H:%M"), pack.stamp(at))
}

fn heading(m: &mut String, title: &str) {
    m.push_str(&format!("\n## {title}\n\n"));
}

fn para(m: &mut String, text: &str) {
    m.push_str(&inline(text));
    m.push('\n');
}

fn bullet(m: &mut String, text: &str) {
    m.push_str("- ");
    m.push_str(&inline(text));
    m.push('\n');
}

/// Text from the record inside Markdown: one line, with the characters that
/// would start a heading, a list, a quote, a table cell, emphasis, a link or
/// raw HTML escaped, so it reads as the person typed it (in table cells too).
fn inline(text: &str) -> String {
    let text = one_line(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (n, &c) in chars.iter().enumerate() {
        // Backslash escapes (CommonMark's own), and only where the character
        // would mean something: the file reads as typed in a text editor too
        // ("rolled back -> errors falling", not "-&gt;").
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '<' => true,
            '&' => chars
                .get(n + 1)
                .is_some_and(|next| next.is_ascii_alphanumeric() || *next == '#'),
            '#' | '+' | '-' | '=' | '>' => n == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn ical_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A parameter value: quoted, without the quotes and control characters
/// RFC 5545 forbids inside one.
fn param(text: &str) -> String {
    let clean: String = one_line(text).chars().filter(|c| *c != '"').collect();
    format!("\"{clean}\"")
}

/// An email address for a `mailto:` value: nothing that could end the line
/// or the value.
fn address(email: &str) -> String {
    email
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !";:,\"".contains(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::inline;

    #[test]
    fn typed_text_reads_as_typed_and_starts_nothing() {
        assert_eq!(
            inline("rolled back -> errors falling"),
            "rolled back -> errors falling"
        );
        assert_eq!(inline("Tom & Jerry"), "Tom & Jerry");
        assert_eq!(inline("&amp; stays text"), "\\&amp; stays text");
        assert_eq!(inline("> not a quote"), "\\> not a quote");
        assert_eq!(inline("<b>x</b> | y"), "\\<b>x\\</b> \\| y");
    }
}
