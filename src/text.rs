//! Text that came from somewhere else — a colleague's commit, a service's
//! answer, a title typed on any desk — made safe to put where people read it
//! again: a commit message, a log line, the shared timeline, a terminal.
//!
//! Two dangers: characters that act instead of showing (terminal escapes,
//! and the bidirectional overrides that make a line read in another order
//! than it is written), and secrets a service quotes back (a webhook's
//! address in an error page).

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069): they reorder what follows them, so a line can show
/// something other than what it holds. Letters of right-to-left scripts
/// are not among them and are left alone.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` does something rather than show: a control character (line
/// breaks and tabs included) or a bidirectional control.
fn acts(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` without the system's error numbers that Rust's I/O errors add
/// ("Connection refused (os error 111)" → "Connection refused"): the
/// words say what happened; the number helps nobody reading it.
pub fn without_os_codes(text: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = " (os error ";
    if !text.contains(MARK) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let after = &rest[at + MARK.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(')') {
            rest = &after[digits + 1..];
        } else {
            out.push_str(MARK);
            rest = after;
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `text` on one line of at most `max` characters, for a commit message, a
/// log or a message: line breaks and tabs become spaces, other control
/// characters and bidirectional controls are dropped, runs of spaces are
/// folded, and a cut line ends in "…".
pub fn one_line(text: &str, max: usize) -> String {
    let mut kept: Vec<char> = Vec::with_capacity(max.min(text.len()) + 1);
    let mut space = false;
    for c in text.trim().chars() {
        let c = match c {
            '\n' | '\r' | '\t' => ' ',
            c if acts(c) => continue,
            c => c,
        };
        if c == ' ' && space {
            continue;
        }
        space = c == ' ';
        kept.push(c);
        if kept.len() > max {
            kept.truncate(max.saturating_sub(1));
            while kept.last() == Some(&' ') {
                kept.pop();
            }
            kept.push('…');
            break;
        }
    }
    kept.into_iter().collect::<String>().trim_end().to_owned()
}

/// `text` with what may be a secret masked, for text that came from a
/// service and goes where others read it: each value in `known` (a
/// channel's address or token) becomes "…"; a web address keeps only its
/// scheme and host (`https://hooks.slack.com/…`, no user or password); and
/// any long run of letters, digits and `-_/+=.` that holds a digit (a
/// token, a key, a webhook's path) becomes "…".
pub fn mask_secrets(text: &str, known: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in known.iter().filter(|s| s.len() >= 8) {
        text = text.replace(secret, "…");
    }
    let text = mask_addresses(&text);
    mask_tokens(&text)
}

/// Web addresses cut to their scheme and host.
fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let after = &after[3..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(after.len());
        let (address, tail) = after.split_at(end);
        let authority_end = address.find(['/', '?', '#']).unwrap_or(address.len());
        let authority = &address[..authority_end];
        let host = authority.rsplit('@').next().unwrap_or(authority);
        out.push_str("://");
        out.push_str(host);
        if authority_end < address.len() || host.len() < authority.len() {
            out.push_str("/…");
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Long runs that look like tokens made "…".
fn mask_tokens(text: &str) -> String {
    let part_of =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '+' | '=' | '.');
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let looks_secret = run.chars().count() >= 20
            && run.chars().any(|c| c.is_ascii_digit())
            && run.chars().any(|c| c.is_ascii_alphabetic());
        if looks_secret {
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if part_of(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The most of one text the window lays out: a person reads no more on
/// screen, and a text of megabytes (from a file, a colleague's desk) would
/// take the window's memory with it (every character laid out costs a
/// hundred bytes and more).
pub const SHOWN_MAX: usize = 4_000;

/// `text` as the window shows it: whole up to `max` characters, else its
/// start and how much more there is (the file keeps it all).
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => {
            let more = text[end..].chars().count();
            std::borrow::Cow::Owned(format!(
                "{}… ({more} more characters, kept in the file)",
                text[..end].trim_end()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_systems_error_numbers_are_left_out() {
        assert_eq!(
            super::without_os_codes("Can't connect: Connection refused (os error 111)."),
            "Can't connect: Connection refused."
        );
        assert_eq!(
            super::without_os_codes("a (os error x) and (os error 2)"),
            "a (os error x) and"
        );
        assert_eq!(super::without_os_codes("calm"), "calm");
    }

    use super::*;

    #[test]
    fn a_text_of_megabytes_is_shown_by_its_start_and_how_much_more() {
        assert_eq!(clip("a short note", SHOWN_MAX), "a short note");
        let long = "é".repeat(SHOWN_MAX + 10);
        let shown = clip(&long, SHOWN_MAX);
        assert!(shown.starts_with(&"é".repeat(SHOWN_MAX)));
        assert!(
            shown.ends_with("… (10 more characters, kept in the file)"),
            "{shown}"
        );
    }

    #[test]
    fn one_line_drops_what_acts_and_keeps_what_shows() {
        assert_eq!(one_line("Checkout 500s", 80), "Checkout 500s");
        assert_eq!(one_line("a\x1b[2Jb", 80), "a[2Jb");
        assert_eq!(one_line("two\nlines\r\n\there", 80), "two lines here");
        assert_eq!(one_line("evil\u{202E}txt.exe", 80), "eviltxt.exe");
        assert_eq!(one_line("نور حداد", 80), "نور حداد");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
        assert_eq!(one_line("abcde", 5), "abcde");
        assert_eq!(one_line("  a   b  ", 80), "a b");
    }

    #[test]
    fn secrets_a_service_quotes_back_are_masked() {
        let body = "<html>No hook at https://hooks.slack.com/services/T0AB12CD/B0EF34GH/s3cr3tS3cr3tS3cr3t</html>";
        let masked = mask_secrets(body, &[]);
        assert!(!masked.contains("s3cr3t"), "{masked}");
        assert!(!masked.contains("T0AB12CD"), "{masked}");
        assert!(masked.contains("https://hooks.slack.com/…"), "{masked}");
        // Without a scheme, the path alone is a long run with digits.
        let masked = mask_secrets("invalid path /services/T0AB12CD/B0EF34GH/s3cr3t", &[]);
        assert!(!masked.contains("s3cr3t"), "{masked}");
        // A user and password in an address go too.
        let masked = mask_secrets("at https://bob:hunter2@example.com/x", &[]);
        assert_eq!(masked, "at https://example.com/…");
        // A known secret, however short its runs, is masked by value.
        let masked = mask_secrets("token xoxb-1-2 was refused", &["xoxb-1-2"]);
        assert_eq!(masked, "token … was refused");
        // Words, numbers and times stay.
        let plain = "channel_not_found: HTTP 404 at 2026-12-06T10:00:00Z";
        assert_eq!(mask_secrets(plain, &[]), plain);
    }
}
