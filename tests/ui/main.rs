//! The window, driven as a person would: by visible labels.

#[path = "../support/bus.rs"]
mod bus;
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
#[path = "../support/victoria.rs"]
mod victoria;
