//! iCalendar files written for the tests, from RFC 5545's grammar.

#![allow(dead_code)]

/// A calendar with `head` lines and one VEVENT per entry of `events`
/// (each a list of content lines).
pub fn calendar(head: &[&str], events: &[&[&str]]) -> String {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Expedite tests//EN\r\n");
    for line in head {
        text.push_str(line);
        text.push_str("\r\n");
    }
    for event in events {
        text.push_str("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n");
        for line in *event {
            text.push_str(line);
            text.push_str("\r\n");
        }
        text.push_str("END:VEVENT\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// [`calendar`] of events made as owned lines.
pub fn calendar_of(head: &[&str], events: &[Vec<String>]) -> String {
    let lines: Vec<Vec<&str>> = events
        .iter()
        .map(|e| e.iter().map(String::as_str).collect())
        .collect();
    let events: Vec<&[&str]> = lines.iter().map(Vec::as_slice).collect();
    calendar(head, &events)
}
