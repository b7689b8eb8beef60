//! The system's fonts as fallbacks after egui's own: names in scripts the
//! bundled fonts lack (Arabic, Hebrew, Devanagari, CJK…) and emoji beyond
//! the bundled set show as letters instead of empty boxes, where the
//! machine has a font for them.

use eframe::egui;

/// egui's fonts with `found` (each font's path and bytes, read by the
/// read service: `services::read::system_fonts`) added after them; `None`
/// when none was found.
pub fn with_fallbacks(found: Vec<(String, Vec<u8>)>) -> Option<egui::FontDefinitions> {
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
        // A font of our own making: a name and bytes stand for a file.
        let found = vec![("/fonts/one.ttf".to_owned(), vec![0u8; 16])];
        let fonts = super::with_fallbacks(found).expect("one font");
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
