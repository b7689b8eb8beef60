//! What this desk says: the wall clock and who is logged in (and, for the
//! start-up probe, how much memory this process has used). The only place
//! that reads either; everything else is handed `now` and a name.

use chrono::{DateTime, Duration, DurationRound, Utc};

/// Now, to the second, so what is stamped with it stays readable.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::seconds(1)).unwrap_or(now)
}

/// Now, to the microsecond: for pacing requests, where a second is too coarse.
pub fn now_precise() -> DateTime<Utc> {
    Utc::now()
}

/// The login name, when the settings don't say who "me" is.
pub fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "someone".to_owned())
}

/// Now, in nanoseconds since 1970 (for the start-up probe, which compares
/// it with when the process was started).
pub fn unix_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// This process's peak resident memory so far (Linux: `VmHWM`), for the
/// start-up probe and the benches.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
