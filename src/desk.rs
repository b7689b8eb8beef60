//! What this desk says: the wall clock and who is logged in. The only place
//! that reads either; everything else is handed `now` and a name.

use chrono::{DateTime, Duration, DurationRound, Utc};

/// Now, to the second, so what is stamped with it stays readable.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::seconds(1)).unwrap_or(now)
}

/// The login name, when the settings don't say who "me" is.
pub fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "someone".to_owned())
}
