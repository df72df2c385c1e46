//! `screenkit retime`: exact times for each operation through the real
//! binary, refusal of negative times, overlap warnings, and a round trip.

use crate::util::{Run, fixture, screenkit};
use std::path::Path;

/// Retime the clean 4-cue fixture with `args`; returns the run and the
/// (start, end) time lines written to stdout.
fn retimed(args: &[&str]) -> (Run, Vec<String>) {
    let clean = fixture("srt/defects/clean.srt");
    let mut all = vec!["retime", clean.to_str().unwrap(), "-o", "-"];
    all.extend_from_slice(args);
    let run = screenkit(&all);
    let times = run
        .stdout
        .lines()
        .filter(|l| l.contains(" --> "))
        .map(str::to_string)
        .collect();
    (run, times)
}

#[test]
fn shift_moves_every_cue_exactly() {
    let (run, t) = retimed(&["--shift", "2.5s"]);
    run.code(0);
    assert_eq!(
        t,
        [
            "00:00:07,500 --> 00:00:10,000",
            "00:00:11,000 --> 00:00:13,500",
            "00:00:14,500 --> 00:00:17,000",
            "00:00:18,000 --> 00:00:20,500"
        ]
    );
    let (_, t) = retimed(&["--shift", "-00:00:01,250"]);
    assert_eq!(t[0], "00:00:03,750 --> 00:00:06,250");
}

#[test]
fn fps_change_scales_exactly() {
    // Timed for 25 fps video now playing at 23.976: t × 25 / (24000/1001).
    let (run, t) = retimed(&["--fps", "25:23.976"]);
    run.code(0);
    assert_eq!(t[0], "00:00:05,214 --> 00:00:07,820"); // 5000 × 25025/24000 = 5213.54
    assert_eq!(t[3], "00:00:16,162 --> 00:00:18,769"); // 15500 → 16161.98, 18000 → 18768.75
    let (_, t) = retimed(&["--fps", "23.976:25"]);
    assert_eq!(t[0], "00:00:04,795 --> 00:00:07,193"); // 5000 × 24000/25025 = 4795.2
}

#[test]
fn maps_with_two_and_three_anchors() {
    // Two anchors: 5 s → 4 s and 15.5 s → 16 s (slope 12/10.5).
    let (run, t) = retimed(&[
        "--map",
        "00:00:05,000=00:00:04,000",
        "--map",
        "00:00:15,500=00:00:16,000",
    ]);
    run.code(0);
    assert_eq!(
        t,
        [
            "00:00:04,000 --> 00:00:06,857",
            "00:00:08,000 --> 00:00:10,857",
            "00:00:12,000 --> 00:00:14,857",
            "00:00:16,000 --> 00:00:18,857"
        ]
    );
    // Three anchors: identity up to 8.5 s, then slope 6500/3500 through
    // 12 s → 15 s, which also carries on past the last anchor.
    let (_, t) = retimed(&[
        "--map",
        "00:00:00,000=00:00:00,000",
        "--map",
        "00:00:08,500=00:00:08,500",
        "--map",
        "00:00:12,000=00:00:15,000",
    ]);
    assert_eq!(
        t,
        [
            "00:00:05,000 --> 00:00:07,500",
            "00:00:08,500 --> 00:00:13,143",
            "00:00:15,000 --> 00:00:19,643",
            "00:00:21,500 --> 00:00:26,143"
        ]
    );
    let bad = screenkit([
        "retime",
        fixture("srt/defects/clean.srt").to_str().unwrap(),
        "--map",
        "00:00:05,000=00:00:04,000",
        "--map",
        "00:00:06,000=00:00:03,000",
    ]);
    assert!(bad.code(2).stderr.contains("swap order"), "{}", bad.stderr);
}

#[test]
fn range_moves_only_the_cues_inside_and_warns_of_overlaps() {
    let (run, t) = retimed(&["--shift", "-3s", "--range", "00:00:12,000.."]);
    run.code(0);
    assert_eq!(
        t,
        [
            "00:00:05,000 --> 00:00:07,500",
            "00:00:08,500 --> 00:00:11,000",
            "00:00:09,000 --> 00:00:11,500",
            "00:00:12,500 --> 00:00:15,000"
        ]
    );
    assert!(
        run.stderr
            .contains("cue 3 (numbered as in the input) now overlap"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("shifted by -00:00:03,000 2 of 4 cues"),
        "{}",
        run.stderr
    );
    let (_, t) = retimed(&["--shift", "1s", "--range", "..00:00:08,500"]);
    assert_eq!(t[0], "00:00:06,000 --> 00:00:08,500");
    assert_eq!(t[1], "00:00:08,500 --> 00:00:11,000");
}

#[test]
fn negative_times_are_refused_unless_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.srt");
    let clean = fixture("srt/defects/clean.srt");
    let run = screenkit([
        "retime".as_ref(),
        clean.as_os_str(),
        "--shift".as_ref(),
        "-6s".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    run.code(1);
    assert!(
        run.stderr
            .contains(":2: cue 1 would start at -00:00:01,000"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing written");
    // -9 s: cue 1 ends before zero (dropped), cue 2 straddles it (trimmed).
    let (run, t) = retimed(&["--shift", "-9s", "--drop-negative"]);
    run.code(0);
    assert_eq!(
        t,
        [
            "00:00:00,000 --> 00:00:02,000",
            "00:00:03,000 --> 00:00:05,500",
            "00:00:06,500 --> 00:00:09,000"
        ]
    );
    assert!(
        run.stderr.contains("dropped 1 cue and trimmed 1 cue"),
        "{}",
        run.stderr
    );
}

#[test]
fn shift_and_back_is_the_identity_and_in_place_keeps_a_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("talk.srt");
    std::fs::copy(fixture("srt/defects/clean.srt"), &f).unwrap();
    let original = std::fs::read(&f).unwrap();
    for d in ["+1234ms", "-1234ms"] {
        screenkit([
            "retime".as_ref(),
            f.as_os_str(),
            "--in-place".as_ref(),
            "--shift".as_ref(),
            d.as_ref(),
        ])
        .code(0);
    }
    assert_eq!(
        std::fs::read(&f).unwrap(),
        [original.clone(), b"\n".to_vec()].concat(),
        "canonical output ends with a blank line"
    );
    assert_eq!(
        std::fs::read(Path::new(&format!("{}.bak", f.display()))).unwrap(),
        original
    );
    screenkit([
        "retime".as_ref(),
        f.as_os_str(),
        "--fps".as_ref(),
        "24:25".as_ref(),
    ])
    .code(0);
    assert!(tmp.path().join("talk.retimed.srt").exists());
}

/// A film's track whose cue edges straddle the cut 00:10:00,250..00:12:00,750.
const FILM: &str = "1\n00:00:05,000 --> 00:00:07,000\nOpening line\n\n\
2\n00:09:59,000 --> 00:10:01,000\nStraddles the start\n\n\
3\n00:10:30,125 --> 00:10:32,999\nWholly inside\n\n\
4\n00:12:00,000 --> 00:12:02,000\nStraddles the end\n\n\
5\n00:12:00,750 --> 00:12:03,000\nStarts at the end\n\n\
6\n00:20:00,000 --> 00:20:02,000\nClosing line\n";

#[test]
fn cut_keeps_the_window_shifted_to_zero_exact_to_the_ms() {
    let dir = tempfile::tempdir().unwrap();
    let film = dir.path().join("film.srt");
    std::fs::write(&film, FILM).unwrap();
    let out = dir.path().join("part two.srt");
    let run = screenkit([
        "retime",
        film.to_str().unwrap(),
        "--cut",
        "00:10:00,250..00:12:00,750",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.code(0);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        "1\n00:00:00,000 --> 00:00:00,750\nStraddles the start\n\n\
         2\n00:00:29,875 --> 00:00:32,749\nWholly inside\n\n\
         3\n00:01:59,750 --> 00:02:00,500\nStraddles the end\n\n"
    );
    let e = &run.stderr;
    assert!(e.contains("kept 3 of 6 cues"), "{e}");
    assert!(
        e.contains("trimmed 2 cues at the edges")
            && e.contains("cue 2 (line 6) starts before 00:10:00,250")
            && e.contains("cue 4 (line 14) runs past 00:12:00,750"),
        "{e}"
    );
    assert!(
        e.contains("dropped 3 cues outside the window, with their words: cues 1, 5–6"),
        "{e}"
    );
    // The next step names the file written, quoted for the shell.
    let quoted = format!("run `screenkit check '{}'`", out.display());
    assert!(e.contains(&quoted), "{e}");
}

#[test]
fn cut_outside_every_cue_writes_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let film = dir.path().join("film.srt");
    std::fs::write(&film, FILM).unwrap();
    let run = screenkit(["retime", film.to_str().unwrap(), "--cut", "00:30:00,000.."]);
    run.code(1);
    assert!(
        run.stderr
            .contains("no cue shows between 00:30:00,000 and the end"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("film.retimed.srt").exists());
    let both = screenkit([
        "retime",
        film.to_str().unwrap(),
        "--cut",
        "00:01:00,000..",
        "--range",
        "00:01:00,000..",
    ]);
    both.code(2);
}

#[test]
fn overlap_warning_names_the_file_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.srt");
    let clean = fixture("srt/defects/clean.srt");
    let run = screenkit([
        "retime",
        clean.to_str().unwrap(),
        "--shift",
        "-3s",
        "--range",
        "00:00:12,000..",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.code(0);
    let want = format!(
        "now overlap or start before the cue above; run `screenkit check {}`",
        out.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
}
