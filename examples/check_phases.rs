//! Where `check --json` spends its time, phase by phase, on one file.
//! `cargo run --release --example check_phases -- FILE.srt`

use screenkit::check::profile::{Limits, ProfileName};
use screenkit::check::{CheckOptions, check_track};
use screenkit::output::json::{CheckReport, FileReport};
use std::time::Instant;

// The same allocator as the screenkit binary, so the figures compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: check_phases FILE.srt");
    let opts = CheckOptions {
        limits: Limits::new(ProfileName::Netflix, 24.0),
        ignore: Default::default(),
        clip_ms: None,
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    for _ in 0..runs {
        let t = Instant::now();
        let bytes = std::fs::read(&path).expect("read");
        let t_read = t.elapsed();
        let (text, source) = screenkit::subtitle::decode::borrow_utf8(&bytes, None)
            .expect("decode")
            .expect("BOM-less UTF-8");
        let t_decode = t.elapsed();
        let track = screenkit::subtitle::parse::parse(text, source);
        let t_parse = t.elapsed();
        let findings = check_track(&track, &opts);
        let t_check = t.elapsed();
        let n = findings.len();
        let report = CheckReport {
            version: 1,
            files: vec![FileReport {
                path: path.clone(),
                encoding: Some(track.source.encoding.to_string()),
                cues: track.cues.len(),
                findings,
                error: None,
            }],
        };
        let mut json = Vec::new();
        report.write_to(&mut json).expect("json");
        let t_json = t.elapsed();
        drop(report);
        drop(track);
        let t_drop = t.elapsed();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "read {:.1}  decode {:.1}  parse {:.1}  check {:.1} ({n} findings)  json {:.1} ({} B)  drop {:.1}  total {:.1} ms",
            ms(t_read),
            ms(t_decode - t_read),
            ms(t_parse - t_decode),
            ms(t_check - t_parse),
            ms(t_json - t_check),
            json.len(),
            ms(t_drop - t_json),
            ms(t_drop)
        );
    }
}
