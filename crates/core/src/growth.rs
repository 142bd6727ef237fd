//! A campaign's growth as people read it: its counts by Iran clock hour (as the store keeps
//! them) or by Iran calendar day, the days campaigns start and end on.

use crate::named::named_enum;

named_enum! {
    /// How finely the growth is told.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub enum Bucket {
        #[default]
        Hour = "hour",
        Day = "day",
    }
}
