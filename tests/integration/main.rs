//! Integration tests: run the real `screenkit` binary on real files.
//!
//! The shared corpus (`../shared/corpus/srt`) is read in place, never copied.

mod ass;
mod bad_input;
mod cards;
mod check;
mod convert;
mod copy;
mod corpus;
mod demo;
mod fix;
mod help;
mod interrupt;
mod kit;
mod limits;
mod permissions;
mod player;
mod probe;
mod props;
mod retime;
mod snapshots;
mod sync;
mod tracks;
mod trust;
mod util;
mod wild;
