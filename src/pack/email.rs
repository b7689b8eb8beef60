//! The two emails the conclusion asks for — the summary to the web team and
//! the word back to whoever reported the problem — and the three ways to
//! send them: as text to copy, as a `mailto:` link, as an `.eml` draft.
//!
//! The `.eml` follows RFC 5322 with MIME (RFC 2045–2047): UTF-8 text in
//! quoted-printable, a subject in encoded-words when it is not plain ASCII,
//! `X-Unsent: 1` so mail programs open it as a draft to send. Nothing a
//! person typed can start a header line of its own: line breaks in header
//! values become spaces before anything is written.

use chrono::{DateTime, Utc};

use super::{NOT_RECORDED, Pack, aside, capital, one_line, or_missing};
use crate::model::{Fix, Role};

/// The longest `mailto:` link handed to the desktop; longer ones are cut
/// short by some mail programs and browsers (about 2,000 characters), so the
/// text is copied instead.
pub const MAILTO_MAX: usize = 2000;

/// A person to write to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Their name.
    pub name: String,
    /// Their email address.
    pub email: String,
}

/// An email ready to be reviewed and sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// Who it goes to (may be empty: the person fills it in).
    pub to: Vec<Address>,
    /// Who sends it, when their email is on the roster.
    pub from: Option<Address>,
    /// The subject line.
    pub subject: String,
    /// The body, lines ending in `\n`.
    pub body: String,
    /// A stable id for the `Message-ID` header's left part.
    pub id: String,
}

impl Email {
    /// The email as text to paste into a mail program: subject, blank line, body.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if !self.to.is_empty() {
            let to: Vec<String> = self.to.iter().map(|a| a.email.clone()).collect();
            out.push_str(&format!("To: {}\n", to.join(", ")));
        }
        out.push_str(&format!("Subject: {}\n\n{}", self.subject, self.body));
        out
    }

    /// A `mailto:` link (RFC 6068) that opens the mail program with this
    /// email filled in, or `None` when it would be too long to hand over.
    pub fn mailto(&self) -> Option<String> {
        let to: Vec<String> = self.to.iter().map(|a| percent(&a.email, b"@")).collect();
        let body = self.body.replace('\n', "\r\n");
        let link = format!(
            "mailto:{}?subject={}&body={}",
            to.join(","),
            percent(&self.subject, b""),
            percent(&body, b"")
        );
        (link.len() <= MAILTO_MAX).then_some(link)
    }

    /// The email as an RFC 5322 message that mail programs open as a draft.
    pub fn eml(&self, date: DateTime<Utc>) -> String {
        let mut out = String::new();
        if let Some(from) = &self.from {
            header(&mut out, "From", &mailbox(from));
        }
        if !self.to.is_empty() {
            let to: Vec<String> = self.to.iter().map(mailbox).collect();
            header(&mut out, "To", &to.join(", "));
        }
        header(&mut out, "Subject", &encode_words(&self.subject));
        header(
            &mut out,
            "Date",
            &date.format("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        );
        header(
            &mut out,
            "Message-ID",
            &format!("<{}@expedite.invalid>", safe_id(&self.id)),
        );
        header(&mut out, "MIME-Version", "1.0");
        header(&mut out, "Content-Type", "text/plain; charset=UTF-8");
        header(&mut out, "Content-Transfer-Encoding", "quoted-printable");
        header(&mut out, "X-Unsent", "1");
        out.push_str("\r\n");
        out.push_str(&quoted_printable(&self.body));
        out
    }
}

/// The summary email to the web team.
pub fn summary(pack: &Pack<'_>) -> Email {
    let i = pack.incident;
    let mut b = String::new();
    let state = if i.is_open() {
        "still open"
    } else {
        "resolved"
    };
    b.push_str(&format!(
        "Summary of expedited incident {} ({state}): {}\n",
        i.id,
        one_line(&i.title)
    ));

    section(&mut b, "What happened");
    b.push_str(&format!("{}.\n", one_line(&i.title)));
    if let Some(e) = i.evidence.first() {
        b.push_str(&format!(
            "First seen as {}: {}\n",
            e.kind.describe(),
            one_line(&e.text)
        ));
    }

    section(&mut b, "When");
    b.push_str(&format!("Declared: {}\n", pack.local(i.opened_at)));
    match i.resolved_at {
        Some(at) => b.push_str(&format!(
            "Resolved: {} (after {})\n",
            pack.local(at),
            pack.duration()
        )),
        None => b.push_str(&format!(
            "Resolved: not yet (open for {})\n",
            pack.duration()
        )),
    }

    section(&mut b, "Impact");
    b.push_str(&format!("Decision: {}\n", pack.decision()));
    let c = &i.classification;
    if c.metrics.is_empty() {
        b.push_str(&format!(
            "Conversion, customer experience, revenue: {NOT_RECORDED}\n"
        ));
    }
    for hit in &c.metrics {
        b.push_str(&format!("- {}\n", capital(&Pack::impact(hit))));
    }
    if !c.expected_lifespan.trim().is_empty() {
        b.push_str(&format!(
            "Expected to last: {}\n",
            one_line(&c.expected_lifespan)
        ));
    }

    section(&mut b, "How it was detected");
    if i.evidence.is_empty() {
        b.push_str(&format!("{NOT_RECORDED}\n"));
    }
    for e in &i.evidence {
        b.push_str(&format!("- {}\n", capital(&pack.evidence(e))));
    }

    section(&mut b, "Who owned it");
    b.push_str(&format!("Owner: {}\n", or_missing(pack.owner())));
    for h in &i.hand_overs {
        let note = aside(&h.note);
        b.push_str(&format!(
            "- {}: {}{note}\n",
            pack.clock(h.at),
            pack.hand_over(h)
        ));
    }
    b.push_str(&format!("Team: {}\n", pack.team()));

    section(&mut b, "The fix");
    match &i.fix {
        None => b.push_str(&format!("{NOT_RECORDED}\n")),
        Some(fix) => {
            b.push_str(&format!("{}\n", or_missing(Some(&fix.description))));
            if fix.is_best_practice() {
                b.push_str("Process: our usual best practice was followed.\n");
            } else {
                b.push_str("Process deviations, and why:\n");
                for d in &fix.deviations {
                    b.push_str(&format!(
                        "- {}: {}\n",
                        capital(d.reason.describe()),
                        or_missing(Some(&d.justification))
                    ));
                }
            }
        }
    }

    section(&mut b, "Permanent fix still to come");
    b.push_str(&format!("{}\n", permanent_fix(pack)));

    section(&mut b, "Deployment and recovery");
    let d = &i.deployment;
    match d.deployed_at {
        Some(at) => b.push_str(&format!(
            "Deployed {}{}.\n",
            pack.local(at),
            if d.usual_way {
                ", the usual way (it can be rolled back)"
            } else {
                ", not the usual way"
            }
        )),
        None => b.push_str(&format!("Deployed: {NOT_RECORDED}\n")),
    }
    if !d.rollback_plan.trim().is_empty() {
        b.push_str(&format!("Rollback plan: {}\n", one_line(&d.rollback_plan)));
    }
    let watched = pack.metric_lines();
    for line in &watched {
        b.push_str(&format!("{line}\n"));
    }
    if d.readings.is_empty() && watched.is_empty() {
        b.push_str(&format!("The original metric: {NOT_RECORDED}\n"));
    }
    for r in &d.readings {
        let normal = if r.normal { " (back to normal)" } else { "" };
        let note = aside(&r.note);
        b.push_str(&format!(
            "- {}: {}{normal}{note}\n",
            pack.clock(r.at),
            r.value
        ));
    }

    section(&mut b, "PRs, tickets and links");
    let links = pack.links();
    if links.is_empty() {
        b.push_str(&format!("{NOT_RECORDED}\n"));
    }
    for l in links {
        b.push_str(&format!("- {l}\n"));
    }

    section(&mut b, "Follow-ups");
    if i.follow_ups.is_empty() {
        b.push_str(&format!("{NOT_RECORDED}\n"));
    }
    for f in &i.follow_ups {
        let mut about: Vec<String> = f.owner.iter().map(|o| one_line(o)).collect();
        if let Some(day) = f.due {
            about.push(format!("by {}", day.format("%a %-d %b")));
        }
        if f.done().is_some() {
            about.push("done".to_owned());
        }
        let about = if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        };
        b.push_str(&format!("- {}{about}\n", one_line(&f.text)));
    }
    section(&mut b, "Communication");
    b.push_str(&format!("{}.\n", capital(&pack.updates())));
    sign(&mut b, pack);

    let to = pack.web_team.map(|email| Address {
        name: String::new(),
        email: email.to_owned(),
    });
    Email {
        to: to.into_iter().collect(),
        from: sender(pack),
        subject: format!("Incident summary: {} ({})", one_line(&i.title), i.id),
        body: b,
        id: format!("{}.summary", i.id),
    }
}

/// The word back to whoever reported the problem: plain language, no jargon.
pub fn origin(pack: &Pack<'_>, whom: &str) -> Email {
    let i = pack.incident;
    let whom = one_line(whom);
    let whom = if whom.is_empty() {
        i.conclusion
            .origin_told
            .as_ref()
            .map(|t| one_line(&t.whom))
            .unwrap_or_default()
    } else {
        whom
    };
    let mut b = String::new();
    // "Hello the call centre" reads oddly: a group gets a plain hello.
    if whom.is_empty() || whom.to_lowercase().starts_with("the ") {
        b.push_str("Hello,\n\n");
    } else {
        b.push_str(&format!("Hello {whom},\n\n"));
    }
    let noticed = one_line(&pack.noticed());
    b.push_str(&format!(
        "Thank you for telling us about this problem: {}.\n\n",
        noticed.trim_end_matches('.')
    ));
    match i.fixed_at() {
        Some(at) => b.push_str(&format!(
            "It was fixed on {}, and everything should work as normal again. Customers who \
             had trouble before then can try again now.\n\n",
            pack.local(at)
        )),
        None => {
            b.push_str("We are still working on it and will tell you as soon as it is fixed.\n\n")
        }
    }
    if i.fix.as_ref().is_some_and(Fix::is_temporary) && i.fixed_at().is_some() {
        b.push_str(
            "What we did first is a quick repair; a lasting one will follow. You should not \
             notice anything when it does.\n\n",
        );
    }
    let contact = pack
        .owner()
        .map(|o| {
            let email = pack
                .email_of(o)
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            format!("{}{email}", one_line(o))
        })
        .unwrap_or_else(|| "us".to_owned());
    b.push_str(&format!(
        "If customers still tell you about this problem, please reply to this email or \
         contact {contact}.\n"
    ));
    sign(&mut b, pack);
    let to = pack
        .roster
        .find(&whom)
        .and_then(|c| {
            c.email.as_ref().map(|e| Address {
                name: c.name.to_string(),
                email: e.to_string(),
            })
        })
        .into_iter()
        .collect();
    let about = crate::model::shorten(&noticed, 70);
    let subject = match i.fixed_at() {
        Some(_) => format!("Fixed: {about}"),
        None => format!("We are working on it: {about}"),
    };
    Email {
        to,
        from: sender(pack),
        subject,
        body: b,
        id: format!("{}.origin", i.id),
    }
}

/// The permanent fix in a sentence.
pub fn permanent_fix(pack: &Pack<'_>) -> String {
    match &pack.incident.fix {
        None => NOT_RECORDED.to_owned(),
        Some(fix) if fix.is_temporary() => or_missing(fix.permanent_fix.as_deref()),
        Some(fix) => match fix.permanent_fix.as_deref().map(one_line) {
            Some(p) if !p.is_empty() => p,
            _ => "None: the fix is permanent.".to_owned(),
        },
    }
}

fn sender(pack: &Pack<'_>) -> Option<Address> {
    let contact = pack.roster.find(pack.owner()?)?;
    Some(Address {
        name: contact.name.to_string(),
        email: contact.email.as_deref()?.to_owned(),
    })
}

fn sign(b: &mut String, pack: &Pack<'_>) {
    if let Some(owner) = pack.owner() {
        let role = pack
            .incident
            .team
            .members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(owner) && m.role == Role::WebContact)
            .map(|_| ", web contact")
            .unwrap_or_default();
        b.push_str(&format!("\n{}{role}\n", one_line(owner)));
    }
}

fn section(b: &mut String, title: &str) {
    b.push('\n');
    b.push_str(title);
    b.push('\n');
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `keep`.
fn percent(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One header line; values never carry line breaks of their own.
fn header(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str(": ");
    out.push_str(value);
    out.push_str("\r\n");
}

/// `"Name" <address>`, the name encoded when it is not plain ASCII.
fn mailbox(a: &Address) -> String {
    let email: String = a
        .email
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !"<>,;\"".contains(*c))
        .collect();
    let name = one_line(&a.name);
    if name.is_empty() {
        format!("<{email}>")
    } else if name.is_ascii() {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{quoted}\" <{email}>")
    } else {
        format!("{} <{email}>", encode_words(&name))
    }
}

/// A header's text: plain ASCII folded at spaces, anything else as RFC 2047
/// encoded-words (`=?UTF-8?Q?…?=`) of at most 75 characters each.
fn encode_words(text: &str) -> String {
    let text = one_line(text);
    let plain = text.chars().all(|c| c.is_ascii_graphic() || c == ' ') && !text.contains("=?");
    if plain {
        return fold(&text);
    }
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        let mut piece = String::new();
        let mut buf = [0; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            match b {
                b' ' => piece.push('_'),
                b if b.is_ascii_alphanumeric() || b"!*+-/".contains(&b) => {
                    piece.push(char::from(b))
                }
                b => piece.push_str(&format!("={b:02X}")),
            }
        }
        // 12 characters of "=?UTF-8?Q?" and "?=" around at most 60.
        if word.len() + piece.len() > 60 {
            words.push(std::mem::take(&mut word));
        }
        word.push_str(&piece);
    }
    words.push(word);
    words
        .iter()
        .map(|w| format!("=?UTF-8?Q?{w}?="))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Folds a long plain header value at spaces so lines stay near 78 characters.
fn fold(text: &str) -> String {
    let mut out = String::new();
    let mut width = 10;
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 {
            if width + 1 + word.len() > 76 {
                out.push_str("\r\n");
                width = 0;
            }
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

fn safe_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The body in quoted-printable (RFC 2045 §6.7), lines of at most 76
/// characters ended with CRLF.
fn quoted_printable(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bytes = line.as_bytes();
        let mut width = 0;
        for (n, &b) in bytes.iter().enumerate() {
            let last = n + 1 == bytes.len();
            let piece = match b {
                b'=' => "=3D".to_owned(),
                b' ' | b'\t' if last => format!("={b:02X}"),
                b' ' | b'\t' | 33..=126 => char::from(b).to_string(),
                b => format!("={b:02X}"),
            };
            // Leave room for the soft break's "=".
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            out.push_str(&piece);
            width += piece.len();
        }
        out.push_str("\r\n");
    }
    // `split` gave one empty line after the body's last line break.
    if body.ends_with('\n') {
        out.truncate(out.len() - 2);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_keeps_lines_short_and_marks_trailing_spaces() {
        let long = "é".repeat(60);
        let qp = quoted_printable(&format!("{long}\nend with space \n"));
        assert!(qp.split("\r\n").all(|l| l.len() <= 76), "{qp}");
        assert!(qp.contains("end with space=20\r\n"), "{qp}");
        assert!(!qp.ends_with("\r\n\r\n"));
    }

    #[test]
    fn subjects_fold_and_encode() {
        assert_eq!(encode_words("Checkout down"), "Checkout down");
        let encoded = encode_words("Café: paiement refusé\r\nBcc: x@y");
        assert!(encoded.starts_with("=?UTF-8?Q?Caf=C3=A9"), "{encoded}");
        assert!(!encoded.contains("\r\nBcc"), "{encoded}");
        assert!(encoded.split("\r\n ").all(|w| w.len() <= 75));
    }
}
