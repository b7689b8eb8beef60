//! The window, driven as a person would: by visible labels.

mod cockpit;
mod common;
mod conclusion;
mod contacts;
mod disk;
mod keyboard;
mod posting;
mod sharing;
mod stages;
