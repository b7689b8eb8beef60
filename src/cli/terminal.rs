//! Text from the data, printed to a terminal: shown, never obeyed.
//!
//! A title, a contact's name or an imported note can hold escape sequences
//! that clear the screen, retitle the terminal, hide text or write the
//! clipboard (OSC 52). Every human-readable output goes through [`shown`],
//! which makes control characters visible instead; `--json` output and files
//! written with `-o` stay exact.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character made visible: C0 controls in caret
/// notation (`ESC` as `^[`, a lone carriage return as `^M`), `DEL` as `^?`,
/// C1 controls and the bidirectional overrides and isolates that would make
/// a line read in another order (`<U+202E>`) as their code. Newlines, tabs
/// and the carriage return of a
/// CRLF line ending (mail and calendar files) stay as they are.
pub fn shown(text: &str) -> Cow<'_, str> {
    let hides =
        |c: char| (c.is_control() && c != '\n' && c != '\t') || crate::text::is_bidi_control(c);
    if !text.chars().any(hides) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            c if !hides(c) => out.push(c),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            '\u{7f}' => out.push_str("^?"),
            c => {
                let _ = write!(out, "<U+{:04X}>", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(shown("Checkout 500s"), "Checkout 500s");
        assert_eq!(shown("a\x1b[2Jb"), "a^[[2Jb");
        assert_eq!(shown("\x1b]0;owned\x07"), "^[]0;owned^G");
        assert_eq!(shown("\x1b]52;c;aGk=\x1b\\"), "^[]52;c;aGk=^[\\");
        assert_eq!(shown("x\u{9b}31m"), "x<U+009B>31m");
        assert_eq!(shown("over\rwrite"), "over^Mwrite");
        assert_eq!(shown("line\r\nnext\tcell\n"), "line\r\nnext\tcell\n");
        assert_eq!(shown("del\u{7f}"), "del^?");
        assert_eq!(shown("نور Ünïcödé 🔥"), "نور Ünïcödé 🔥");
        assert_eq!(shown("invoice\u{202E}fdp.exe"), "invoice<U+202E>fdp.exe");
        assert_eq!(shown("a\u{2066}b\u{2069}"), "a<U+2066>b<U+2069>");
    }
}
