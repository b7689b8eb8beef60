//! The eight stages of the procedure, a view each: evidence (Defined),
//! ownership, classification, team, communication, fix, deployment and
//! conclusion (the hand-over dialog lives with ownership).

pub mod classification;
pub mod communication;
pub mod conclusion;
pub mod deployment;
pub mod evidence;
pub mod fix;
pub mod ownership;
pub mod team;
