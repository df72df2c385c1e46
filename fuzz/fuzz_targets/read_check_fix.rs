//! Any bytes through the whole subtitle engine: decode, parse, check, fix,
//! write SRT and WebVTT. Must never panic; fix must be idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use screenkit::check::profile::{Limits, ProfileName};
use screenkit::check::{CheckOptions, check_track};
use screenkit::fix::fix;
use screenkit::subtitle::{Eol, read_bytes, vtt::to_vtt, write::to_srt};

fuzz_target!(|data: &[u8]| {
    let Ok(track) = read_bytes(data, None) else { return };
    let limits = Limits::new(ProfileName::Netflix, 24.0);
    let opts = CheckOptions { limits: limits.clone(), ignore: Default::default(), clip_ms: None };
    check_track(&track, &opts);
    let _ = to_vtt(&track);
    let (fixed, _) = fix(&track, &limits);
    let Ok(once) = to_srt(&fixed, Eol::Lf) else { return };
    if once.is_empty() {
        return;
    }
    let again = read_bytes(once.as_bytes(), None).expect("fixed output reads back");
    let twice = to_srt(&fix(&again, &limits).0, Eol::Lf).expect("fixed output writes");
    assert_eq!(once, twice, "fix is not idempotent");
});
