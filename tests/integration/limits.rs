//! The largest SubRip time (255:59:59,999, `time::MAX_SRT`): `check`,
//! `fix`, `convert` and `retime` agree on what is within it. A 200-hour cue
//! is fine everywhere (three hour digits are how SubRip writes it); a cue
//! past the limit is a `check` error that no command writes.

use crate::util::{check_json, screenkit};
use std::path::Path;

fn srt_ending_at(dir: &Path, name: &str, start: &str, end: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let text =
        format!("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n{start} --> {end}\nLate.\n\n");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_200_hour_cue_is_fine_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, start, end, shifted_line) in [
        (
            "h200.srt",
            "200:00:00,000",
            "200:00:02,000",
            "199:59:59,000 --> 200:00:01,000",
        ),
        (
            "max.srt",
            "255:59:58,000",
            "255:59:59,999",
            "255:59:57,000 --> 255:59:58,999",
        ),
    ] {
        let input = srt_ending_at(tmp.path(), name, start, end);
        let (code, report) = check_json(&input, &[]);
        assert_eq!(code, 0, "{:?}", report.findings);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        // Nothing to fix: written exactly as it was.
        let fixed = tmp.path().join(format!("fixed-{name}"));
        let run = screenkit([
            "fix".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            fixed.as_os_str(),
        ]);
        run.code(0);
        assert_eq!(
            std::fs::read_to_string(&fixed).unwrap(),
            std::fs::read_to_string(&input).unwrap(),
            "{}",
            run.stderr
        );
        let shifted = tmp.path().join(format!("shifted-{name}"));
        screenkit([
            "retime".as_ref(),
            input.as_os_str(),
            "--shift".as_ref(),
            "-1s".as_ref(),
            "-o".as_ref(),
            shifted.as_os_str(),
        ])
        .code(0);
        let text = std::fs::read_to_string(&shifted).unwrap();
        assert!(text.contains(shifted_line), "{text}");
        let vtt = tmp.path().join(format!("{name}.vtt"));
        screenkit([
            "convert".as_ref(),
            input.as_os_str(),
            "--to".as_ref(),
            "vtt".as_ref(),
            "-o".as_ref(),
            vtt.as_os_str(),
        ])
        .code(0);
    }
}

#[test]
fn past_the_limit_check_errs_and_nothing_writes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = srt_ending_at(tmp.path(), "late.srt", "255:59:59,000", "256:00:00,000");
    let (code, report) = check_json(&input, &[]);
    assert_eq!(code, 1);
    let range: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "timecode-range")
        .collect();
    assert_eq!(range.len(), 1, "{:?}", report.findings);
    assert!(
        range[0].severity == "error" && !range[0].fixable && range[0].cue == Some(2),
        "{range:?}"
    );
    for cmd in [
        vec!["fix"],
        vec!["convert", "--to", "srt"],
        vec!["retime", "--shift", "1s"],
    ] {
        let out = tmp.path().join("out.srt");
        let mut args: Vec<std::ffi::OsString> = cmd.iter().map(Into::into).collect();
        args.push(input.clone().into());
        args.extend(["-o".into(), out.clone().into()]);
        let run = screenkit(&args);
        assert_eq!(run.code, 2, "{cmd:?}: {run:?}");
        assert!(
            run.stderr
                .contains("255:59:59,999, the largest time SubRip can hold"),
            "{cmd:?}: {}",
            run.stderr
        );
        assert!(!out.exists(), "{cmd:?} wrote nothing");
    }
}
