//! `screenkit sync` through the real binary on committed clips of synthetic
//! Mandarin speech with known cue times (`tests/fixtures/sync`, made by
//! `benches/sync/make_set.py --fixtures`): speech-a is AAC in MP4 under a
//! music bed at 10 dB SNR, speech-b is clean OGG Vorbis, music-only has no
//! speech. Each test distorts a truth track, syncs it back and compares
//! every cue with the truth; the refusals must exit 1 and write nothing.

use crate::util::{Run, fixture, screenkit, write_srt};
use std::path::{Path, PathBuf};
use std::process::Command;

fn clip(name: &str) -> PathBuf {
    fixture(&format!("sync/{name}"))
}

/// Start and end of every cue, in ms.
fn times(srt: &str) -> Vec<(i64, i64)> {
    let ms = |t: &str| {
        let t = t.trim();
        let (hms, milli) = t.split_once(',').expect("a comma");
        let mut p = hms.split(':').map(|x| x.parse::<i64>().expect("digits"));
        let (h, m, s) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
        ((h * 60 + m) * 60 + s) * 1000 + milli.parse::<i64>().expect("ms")
    };
    srt.lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| (ms(a), ms(b)))
        .collect()
}

fn truth(name: &str) -> Vec<(i64, i64)> {
    times(&std::fs::read_to_string(clip(&format!("{name}.truth.srt"))).unwrap())
}

/// Sync `cues` to `to`; returns the run and the cues written to stdout.
fn sync(dir: &Path, cues: &[(i64, i64)], to: &Path, extra: &[&str]) -> (Run, Vec<(i64, i64)>) {
    let input = dir.join("in.srt");
    write_srt(&input, cues);
    let mut args = vec![
        "sync",
        input.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
        "-o",
        "-",
    ];
    args.extend_from_slice(extra);
    let run = screenkit(&args);
    let got = times(&run.stdout);
    (run, got)
}

/// Every cue within `tol` ms of the truth, and the median error.
#[track_caller]
fn assert_close(got: &[(i64, i64)], want: &[(i64, i64)], tol: i64, median: i64) {
    assert_eq!(got.len(), want.len(), "cue count");
    let mut errs: Vec<i64> = got
        .iter()
        .zip(want)
        .map(|(g, w)| (g.0 - w.0).abs().max((g.1 - w.1).abs()))
        .collect();
    assert!(
        errs.iter().all(|&e| e <= tol),
        "errors (ms) over {tol}: {errs:?}"
    );
    errs.sort_unstable();
    assert!(errs[errs.len() / 2] <= median, "median error: {errs:?}");
}

fn moved(cues: &[(i64, i64)], f: impl Fn(usize, i64) -> i64) -> Vec<(i64, i64)> {
    cues.iter()
        .enumerate()
        .map(|(i, &(s, e))| (f(i, s), f(i, e)))
        .collect()
}

#[test]
fn recovers_an_offset_under_music() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("speech-a");
    let late = moved(&want, |_, t| t + 83_250);
    let (run, got) = sync(tmp.path(), &late, &clip("speech-a.m4a"), &[]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
    assert!(run.stderr.contains("offset -83.2"), "{}", run.stderr);
    // Early subtitles too (the offset search runs both ways).
    let early = moved(&want, |_, t| t.saturating_sub(1_500).max(0));
    if early[0].0 > 0 {
        let (run, got) = sync(tmp.path(), &early, &clip("speech-a.m4a"), &[]);
        run.code(0);
        assert_close(&got, &want, 40, 20);
    }
}

#[test]
fn recovers_a_frame_rate_change_and_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("speech-b");
    // Timed for a 25 fps PAL copy, played at 23.976, and 12 s late.
    let r = 25.0 / (24000.0 / 1001.0);
    let bad = moved(&want, |_, t| (t as f64 / r).round() as i64 + 12_000);
    let (run, got) = sync(tmp.path(), &bad, &clip("speech-b.ogg"), &[]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
    assert!(
        run.stderr
            .contains("timed for 25 fps, the clip plays at 23.976"),
        "{}",
        run.stderr
    );
}

#[test]
fn recovers_a_split() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("speech-b");
    // A re-edit: the second half of the file is 6.4 s off from the first.
    let cut = want.len() / 2;
    let bad = moved(&want, |i, t| if i < cut { t + 3_000 } else { t + 9_400 });
    let (run, got) = sync(tmp.path(), &bad, &clip("speech-b.ogg"), &[]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
    assert!(
        run.stderr.contains(&format!("cues 1–{cut} ")),
        "{}",
        run.stderr
    );
    // With --no-splits one offset cannot fit both halves: refused.
    let (run, _) = sync(tmp.path(), &bad, &clip("speech-b.ogg"), &["--no-splits"]);
    assert_ne!(run.code, 2, "{}", run.stderr);
}

#[test]
fn aligns_to_a_reference_track() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("speech-b");
    let reference = clip("speech-b.truth.srt");
    let bad = moved(&want, |_, t| (t as f64 * 1.001).round() as i64 + 4_321);
    let (run, got) = sync(tmp.path(), &bad, &reference, &[]);
    run.code(0);
    assert_close(&got, &want, 12, 10);
}

/// A reference track whose one stray cue sits hours past the rest is
/// mostly empty: the refusal speaks of its cues, not of audio.
#[test]
fn a_reference_track_with_a_stray_cue_is_refused_for_its_cues() {
    let tmp = tempfile::tempdir().unwrap();
    let mut want = truth("speech-b");
    want.push((20 * 3_600_000, 20 * 3_600_000 + 1_000));
    let reference = tmp.path().join("stray.srt");
    write_srt(&reference, &want);
    let (run, _) = sync(tmp.path(), &moved(&want, |_, t| t + 1_000), &reference, &[]);
    run.code(1);
    assert!(
        run.stderr.contains("stray.srt: its cues cover only")
            && run.stderr.contains("a wrong hour?")
            && !run.stderr.contains("audio"),
        "{}",
        run.stderr
    );
}

/// The JSON report: one object with what was found.
#[test]
fn json_reports_ratio_parts_and_confidence() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("speech-b");
    let input = tmp.path().join("in.srt");
    write_srt(&input, &moved(&want, |_, t| t + 2_000));
    let run = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        clip("speech-b.ogg").to_str().unwrap(),
        "--json",
    ]);
    run.code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(v["version"], 1);
    assert_eq!(v["reference_kind"], "clip");
    assert_eq!(v["ratio"], 1.0);
    assert_eq!(v["accepted"], true);
    assert!(v["confidence"].as_f64().unwrap() >= 0.5);
    let parts = v["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert!((parts[0]["offset_ms"].as_i64().unwrap() + 2_000).abs() <= 20);
    assert_eq!(v["cues"], want.len());
    let out = tmp.path().join("in.synced.srt");
    assert_eq!(v["written"], out.to_str().unwrap());
    assert_eq!(
        times(&std::fs::read_to_string(out).unwrap()).len(),
        want.len()
    );
}

/// Refusals write nothing: no output file, and exit 1 with a reason.
#[track_caller]
fn refused(cues: &[(i64, i64)], to: &Path, why: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.srt");
    write_srt(&input, cues);
    let run = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
    ]);
    run.code(1);
    assert!(run.stderr.contains(why), "{}", run.stderr);
    assert!(run.stderr.contains("nothing written"), "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the input is there");
    // --force writes the untrusted fit (except when there is no speech).
    if why == "not trusted" {
        let run = screenkit([
            "sync",
            input.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
            "--force",
            "--drop-negative",
        ]);
        run.code(0);
        assert!(tmp.path().join("in.synced.srt").is_file());
    }
}

#[test]
fn refuses_subtitles_of_another_clip() {
    refused(&truth("speech-a"), &clip("speech-b.ogg"), "not trusted");
    refused(&truth("speech-b"), &clip("speech-a.m4a"), "not trusted");
}

#[test]
fn refuses_a_music_only_clip() {
    refused(&truth("speech-b"), &clip("music-only.ogg"), "not trusted");
}

#[test]
fn refuses_a_clip_with_no_speech() {
    let tmp = tempfile::tempdir().unwrap();
    let quiet = tmp.path().join("quiet.wav");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg("anoisesrc=d=90:c=pink:a=0.05")
        .arg(&quiet)
        .status()
        .expect("ffmpeg is needed for the media tests: run `bash tests/run`, which installs it");
    assert!(status.success());
    refused(&truth("speech-b"), &quiet, "no speech found");
}

#[test]
fn undecodable_audio_says_what_to_do_and_ffmpeg_decodes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let opus = tmp.path().join("speech.opus");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(clip("speech-b.ogg"))
        .args(["-c:a", "libopus", "-b:a", "24k"])
        .arg(&opus)
        .status()
        .expect("ffmpeg is needed for the media tests: run `bash tests/run`, which installs it");
    assert!(status.success());
    let want = truth("speech-b");
    let late = moved(&want, |_, t| t + 5_000);
    let (run, got) = sync(tmp.path(), &late, &opus, &[]);
    run.code(2);
    assert!(got.is_empty());
    assert!(run.stderr.contains("opus"), "{}", run.stderr);
    assert!(run.stderr.contains("--decoder ffmpeg"), "{}", run.stderr);
    let (run, got) = sync(tmp.path(), &late, &opus, &["--decoder", "ffmpeg"]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
}

#[test]
fn bad_input_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.srt");
    write_srt(&input, &truth("speech-b"));
    let missing = tmp.path().join("nope.mp4");
    let run = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        missing.to_str().unwrap(),
    ]);
    run.code(2);
    assert!(run.stderr.contains("nope.mp4"), "{}", run.stderr);
    let run = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        clip("speech-b.ogg").to_str().unwrap(),
        "--max-offset",
        "forever",
    ]);
    run.code(2);
    assert!(run.stderr.contains("--max-offset"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn refuses_to_judge_a_single_cue() {
    refused(&truth("speech-b")[..1], &clip("speech-b.ogg"), "too few");
}

/// A one-minute excerpt of speech-b (about a dozen cues), with the truth
/// cues that lie inside it.
fn minute(dir: &Path) -> (PathBuf, Vec<(i64, i64)>) {
    let cut = dir.join("minute.flac");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(clip("speech-b.ogg"))
        .args(["-t", "60"])
        .arg(&cut)
        .status()
        .expect("ffmpeg is needed for the media tests: run `bash tests/run`, which installs it");
    assert!(status.success());
    let want: Vec<(i64, i64)> = truth("speech-b")
        .into_iter()
        .filter(|c| c.1 < 59_000)
        .collect();
    (cut, want)
}

/// Short tracks sync when the audio supports it: 8 to 15 cues in a
/// minute of speech, late, timed for another frame rate, or jittered.
#[test]
fn syncs_a_one_minute_clip() {
    let tmp = tempfile::tempdir().unwrap();
    let (cut, want) = minute(tmp.path());
    assert!((8..=15).contains(&want.len()), "{}", want.len());
    let late = moved(&want, |_, t| t + 2_500);
    let (run, got) = sync(tmp.path(), &late, &cut, &[]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
    let r = 25.0 / (24000.0 / 1001.0);
    let fps = moved(&want, |_, t| (t as f64 / r).round() as i64 + 1_000);
    let (run, got) = sync(tmp.path(), &fps, &cut, &[]);
    run.code(0);
    assert_close(&got, &want, 40, 20);
    let jitter = moved(&want, |i, t| t + 3_000 + [120, -90, 40, -140, 70][i % 5]);
    let (run, got) = sync(tmp.path(), &jitter, &cut, &[]);
    run.code(0);
    assert_close(&got, &want, 200, 100);
}

/// Below what can be judged, sync says so and what would help.
#[test]
fn a_track_too_short_to_judge_says_what_would_help() {
    let tmp = tempfile::tempdir().unwrap();
    let (cut, want) = minute(tmp.path());
    refused(&moved(&want[..4], |_, t| t + 2_000), &cut, "too few");
    let input = tmp.path().join("four.srt");
    write_srt(&input, &want[..4]);
    let run = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        cut.to_str().unwrap(),
    ]);
    run.code(1);
    for help in [
        "--to REF.srt",
        "--max-offset",
        "longer excerpt",
        "retime --map",
    ] {
        assert!(run.stderr.contains(help), "{help}: {}", run.stderr);
    }
}

/// A fit that would put cues out of order is refused unless forced: the
/// reference has scene B before scene A, the track A before B, so the
/// only good fit moves A after B.
#[test]
fn a_fit_that_reorders_cues_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let all = truth("speech-b");
    let (a, b) = (&all[..12], &all[12..24]);
    let (a0, b0) = (a[0].0, b[0].0);
    let span = |x: &[(i64, i64)]| x.last().unwrap().1 - x[0].0 + 2_000;
    // Reference: B from 1 s, then A.
    let mut reference = moved(b, |_, t| t - b0 + 1_000);
    let a_at = 1_000 + span(b);
    reference.extend(moved(a, |_, t| t - a0 + a_at));
    let ref_path = tmp.path().join("ref.srt");
    write_srt(&ref_path, &reference);
    // Track: A from 1 s, then B.
    let mut track = moved(a, |_, t| t - a0 + 1_000);
    let b_at = 1_000 + span(a);
    track.extend(moved(b, |_, t| t - b0 + b_at));
    let (run, got) = sync(tmp.path(), &track, &ref_path, &[]);
    run.code(1);
    assert!(got.is_empty(), "nothing written: {got:?}");
    assert!(run.stderr.contains("out of order"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    let (run, got) = sync(tmp.path(), &track, &ref_path, &["--force"]);
    run.code(0);
    assert_eq!(got.len(), track.len());
}

/// A 2-part split (cut at cue 14, the later part 1.9 s earlier in the
/// file) in 10 dB pink noise, where the audio confirms the first 13 cues
/// but not the last 8: a fit with all 21 cues in one part (at an odd
/// ratio between the two offsets) would leave those 8 nearly 2 s off. It
/// is refused, naming the cues it could not place; forced, the confirmed
/// part is right.
#[test]
fn a_split_part_the_audio_cannot_confirm_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let want = truth("split-pink");
    assert_eq!(want.len(), 21);
    let track = moved(&want, |i, t| t + if i < 13 { 5_648 } else { 3_759 });
    let to = clip("split-pink.ogg");
    let (run, got) = sync(tmp.path(), &track, &to, &[]);
    run.code(1);
    assert!(got.is_empty(), "nothing written: {got:?}");
    assert!(run.stderr.contains("cues 14–21"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    // Forced, the confirmed part is right (the fit picks 24:23.976 fps,
    // a drift of up to 60 ms over these two minutes).
    let (run, got) = sync(tmp.path(), &track, &to, &["--force"]);
    run.code(0);
    assert_close(&got[..13], &want[..13], 100, 40);
}
