//! Any bytes as a kit zip through `verify`'s public entry: every outcome
//! is a report or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use screenkit::kit::verify::verify;
use screenkit::progress::Quiet;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut f = tempfile::Builder::new().suffix(".zip").tempfile().expect("temp file");
    f.write_all(data).expect("write");
    f.flush().expect("flush");
    let _ = verify(f.path(), &Quiet);
});
