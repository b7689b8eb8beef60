//! The yardstick for `scripts/bench-desktop`: the smallest eframe window,
//! built with the same eframe features and renderer as Expedite, showing
//! one label that changes once a second (as Expedite's countdown does).
//! With `EXPEDITE_EXIT_AFTER_FIRST_FRAME` set it reports and exits after
//! its first frame, like the app.

use std::time::{Duration, Instant};

use eframe::egui;
use expedite::ui::probe::FirstFrameProbe;

struct Bare {
    started: Instant,
    probe: FirstFrameProbe,
}

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.probe.frame(ui.ctx());
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label(format!("{} s", self.started.elapsed().as_secs()));
        });
        ui.ctx().request_repaint_after(Duration::from_secs(1));
    }
}

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Bare window")
            .with_inner_size([1180.0, 780.0]),
        renderer: expedite::ui::RENDERER,
        ..Default::default()
    };
    eframe::run_native(
        "Bare window",
        options,
        Box::new(|_cc| {
            Ok(Box::new(Bare {
                started: Instant::now(),
                probe: FirstFrameProbe::from_env(),
            }))
        }),
    )
}
