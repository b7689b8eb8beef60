//! A start-up probe for `scripts/bench-desktop`: with
//! `EXPEDITE_EXIT_AFTER_FIRST_FRAME` set, the window prints when its first
//! frame was presented (Unix time in nanoseconds, so the script can subtract
//! the moment it started the process) and its peak memory, then closes.
//! The bare-window example uses the same probe, so both are measured alike.

use std::time::{SystemTime, UNIX_EPOCH};

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
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            println!("first-frame-unix-ns {now}");
            if let Some(kib) = peak_rss_kib() {
                println!("peak-rss-kib {kib}");
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// The process's peak resident memory so far (Linux: `VmHWM`).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
