//! The system's fonts as fallbacks after egui's own: names in scripts the
//! bundled fonts lack (Arabic, Hebrew, Devanagari, CJK…) and emoji beyond
//! the bundled set show as letters instead of empty boxes, where the
//! machine has a font for them.

use eframe::egui;

/// Well-known places of fonts that cover what egui's bundled fonts do not,
/// in the order they are tried for a character: monochrome emoji first (egui
/// draws outlines, not colour bitmaps), then broad coverage. Collections
/// (`.ttc`) are read at their first face.
const FALLBACKS: [&str; 10] = [
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
    // Debian's fonts-symbola: emoji as outlines.
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

/// egui's fonts with every system fallback found added after them; `None`
/// when the machine has none of them. Reads font files: call it off the
/// window's thread.
pub fn with_system_fallbacks() -> Option<egui::FontDefinitions> {
    // `EXPEDITE_FONTS=bundled` keeps egui's own fonts only (less memory).
    if std::env::var("EXPEDITE_FONTS").is_ok_and(|v| v == "bundled") {
        return None;
    }
    let found: Vec<(String, Vec<u8>)> = FALLBACKS
        .iter()
        .filter_map(|path| Some((path.to_string(), std::fs::read(path).ok()?)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let mut fonts = egui::FontDefinitions::default();
    for (path, bytes) in found {
        fonts.font_data.insert(
            path.clone(),
            std::sync::Arc::new(egui::FontData::from_owned(bytes)),
        );
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(path.clone());
        }
    }
    Some(fonts)
}

#[cfg(test)]
mod tests {
    use eframe::egui::{FontDefinitions, FontFamily};

    #[test]
    fn system_fonts_come_after_egui_own_never_before() {
        let Some(fonts) = super::with_system_fallbacks() else {
            return; // No system font here: the window keeps egui's own.
        };
        let ours = FontDefinitions::default();
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            let with = &fonts.families[&family];
            let without = &ours.families[&family];
            assert!(with.len() > without.len());
            assert_eq!(&with[..without.len()], &without[..], "{family:?}");
            assert!(with[without.len()..].iter().all(|f| f.starts_with('/')));
        }
    }
}
