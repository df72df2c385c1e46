//! Integration tests: run the real `screenkit` binary on real files.
//!
//! The shared corpus (`../shared/corpus/srt`) is read in place, never copied.

mod bad_input;
mod cards;
mod check;
mod convert;
mod corpus;
mod demo;
mod fix;
mod kit;
mod player;
mod probe;
mod props;
mod retime;
mod sync;
mod util;
