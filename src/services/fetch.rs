//! Reading a feed's address for an import preview: on a lane of its own,
//! since the network may take its time (a file is previewed by the disk).

use std::path::PathBuf;
use std::time::Duration;

use crate::interop::import;
use crate::model::roster::Roster;

use super::{Event, Out, Service};

/// What the fetch service is asked.
pub enum Job {
    /// Read the feed at `path` (an address) and work out what it would do
    /// to this roster.
    Preview {
        path: PathBuf,
        roster: Box<Roster>,
        options: Box<import::Options>,
    },
}

/// A feed read and previewed, or why not.
pub type Fetched = super::disk::Previewed;

/// The fetch service.
pub struct Fetch;

impl Service for Fetch {
    type Job = Job;
    const NAME: &'static str = "fetch";

    fn handle(&mut self, job: Job, out: &Out) -> Option<Duration> {
        let Job::Preview {
            path,
            roster,
            options,
        } = job;
        let source = path.to_string_lossy().into_owned();
        let read = import::preview_from(&roster, &source, *options)
            .map(|read| Box::new((path, read.format, read.preview)));
        out.tell(Event::Fetched(read));
        None
    }
}
