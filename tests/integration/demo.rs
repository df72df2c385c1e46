//! The bundled demo assets: each placeholder clip plays everywhere and each
//! English track is clean against its own clip.

use crate::util::{check_json, screenkit};
use std::path::Path;

const CLIPS: [&str; 9] = [
    "trailer",
    "mother-leaves",
    "any-feelings",
    "far-from-home",
    "largest-migration",
    "huilong-new-year",
    "station-interviews",
    "police-arguments",
    "filmmaker-interview",
];

#[test]
fn every_clip_is_h264_aac_and_every_track_is_clean_against_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    let mut loudness = Vec::new();
    for id in CLIPS {
        let clip = root.join(format!("clips/{id}.mp4"));
        let srt = root.join(format!("subtitles/{id}.en.srt"));
        total += std::fs::metadata(&clip).unwrap().len();
        let run = screenkit([
            "probe".as_ref(),
            "--deep".as_ref(),
            "--json".as_ref(),
            clip.as_os_str(),
        ]);
        run.code(0);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let c = &v["clips"][0];
        assert_eq!(
            (
                c["video"][0]["codec"].as_str(),
                c["audio"][0]["codec"].as_str()
            ),
            (Some("h264"), Some("aac")),
            "{id}"
        );
        assert_eq!(
            (
                c["audio"][0]["channels"].as_u64(),
                c["audio"][0]["sample_rate"].as_u64()
            ),
            (Some(2), Some(48000)),
            "{id}"
        );
        loudness.push(c["audio"][0]["loudness_lufs"].as_f64().unwrap());
        let (code, r) = check_json(&srt, &["--clip", clip.to_str().unwrap()]);
        assert_eq!((code, r.findings.len()), (0, 0), "{id}: {:?}", r.findings);
        assert!(r.cues >= 2);
    }
    assert!(total < 5_000_000, "placeholder clips are {total} bytes");
    let (lo, hi) = loudness
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &l| (a.min(l), b.max(l)));
    assert!(hi - lo <= 3.0, "clip loudness spreads {lo}..{hi} LUFS");
}
