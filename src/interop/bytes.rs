//! Bytes from a file or a feed, as text: at most [`MAX_BYTES`], decoded
//! from whatever charset the program that wrote them used.

/// The largest file an import reads, and the largest feed.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// A file read as text, and a note when it was not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileText {
    /// The file's text.
    pub text: String,
    /// Which charset it was read in, when it was not UTF-8: worth a look
    /// at the names before importing.
    pub note: Option<String>,
}

/// A file's bytes as text: UTF-8, or UTF-16 with its byte-order mark (as
/// some exports write), or else Windows-1252 — what Outlook and older
/// Windows programs save a "CSV" or vCard in — with a note saying so.
/// `None` for bytes that are no text at all.
pub fn decode(bytes: &[u8]) -> Option<FileText> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let note = (encoding != encoding_rs::UTF_8)
            .then(|| format!("The file is {} text; it was read as such.", encoding.name()));
        return (!malformed && !text.contains('\0')).then(|| FileText {
            text: text.into_owned(),
            note,
        });
    }
    if bytes.contains(&0) {
        return None;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(FileText {
            text: text.to_owned(),
            note: None,
        });
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Some(FileText {
        text: text.into_owned(),
        note: Some(
            "The file is not UTF-8: it was read as Windows-1252 (Western European). If names look wrong below, save it as UTF-8 and import it again."
                .into(),
        ),
    })
}
