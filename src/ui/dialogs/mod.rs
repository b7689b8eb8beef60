//! The dialogs over the window: declaring an incident and posting an update
//! (the hand-over dialog lives with its stage, ownership).

pub mod declare;
pub mod post_update;
