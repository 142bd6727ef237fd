//! Extending the end date of every open campaign after a platform outage: the days signing
//! could not happen are given back, once per outage, with a notice on each campaign's page.

use crate::Date;
use crate::names::Line;

/// One outage's extension, as an admin sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndDateExtension {
    /// The Iran calendar day the outage began; an outage is made up for once.
    pub outage_on: Date,
    /// Days added to each open campaign's end date.
    pub days: u32,
    /// Why, as every campaign page shows it.
    pub reason: Line,
}

impl EndDateExtension {
    /// The most days one outage gives back.
    pub const MAX_DAYS: u32 = 60;
    /// The longest reason, in characters.
    pub const REASON_MAX: usize = 300;
}
