//! The window, driven as a person would: by visible labels.

mod cockpit;
mod common;
mod conclusion;
mod contacts;
mod disk;
mod feeds;
#[path = "../support/http.rs"]
mod http;
mod keyboard;
mod layout;
mod metrics;
mod posting;
mod sharing;
mod stages;
