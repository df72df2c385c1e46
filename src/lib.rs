//! screenkit: offline film-screening kits.
pub mod subtitle;
pub mod time;
