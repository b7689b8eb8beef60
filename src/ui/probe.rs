//! A start-up probe for `scripts/bench-desktop`: with
//! `EXPEDITE_EXIT_AFTER_FIRST_FRAME` set, the window prints when its first
//! frame was presented (Unix time in nanoseconds, so the script can subtract
//! the moment it started the process) and its peak memory, then closes.
//! The bare-window example uses the same probe, so both are measured alike.

use eframe::egui;

/// Watches frames when the environment asks for it; inert otherwise.
pub struct FirstFrameProbe {
    enabled: bool,
    frames: u32,
}

impl FirstFrameProbe {
    /// Reads `EXPEDITE_EXIT_AFTER_FIRST_FRAME` once.
    pub fn from_env() -> Self {
        Self {
            enabled: std::env::var_os("EXPEDITE_EXIT_AFTER_FIRST_FRAME").is_some(),
            frames: 0,
        }
    }

    /// Call at the start of every UI pass. The second pass only starts once
    /// the first frame has been painted and presented, so that is when the
    /// report is made.
    pub fn frame(&mut self, ctx: &egui::Context) {
        if !self.enabled {
            return;
        }
        self.frames += 1;
        if self.frames == 1 {
            ctx.request_repaint();
            return;
        }
        if self.frames == 2 {
            println!("first-frame-unix-ns {}", crate::desk::unix_nanos());
            if let Some(kib) = crate::desk::peak_rss_kib() {
                println!("peak-rss-kib {kib}");
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
