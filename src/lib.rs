//! Expedite: a desktop companion for expedited production incidents.
//!
//! The domain lives in [`model`] and [`command`] (pure, no I/O, no clock);
//! [`time`] reads and says times as people type them; [`desk`] is the one
//! place that reads the clock and the login name; [`store`] keeps the
//! domain in RON files; [`cli`] and [`ui`] are the two faces.

pub mod cli;
pub mod command;
pub mod desk;
pub mod git;
pub mod interop;
pub mod merge;
pub mod model;
pub mod pack;
pub mod post;
pub mod reminder;
pub mod sample;
pub mod services;
pub mod share;
pub mod sources;
pub mod store;
pub mod text;
pub mod time;
pub mod ui;
pub mod web;

/// The application id: the window's app_id, the desktop entry's name and
/// the notifications' desktop-entry hint, so the desktop shows the right name and icon.
pub const APP_ID: &str = "app.expedite.Expedite";
