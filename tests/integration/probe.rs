//! `screenkit probe`: durations against ffprobe for every container the
//! kits use, decode errors in truncated files, loudness against ffmpeg's
//! EBU R128 filter, symphonia's known gaps, bad input. Media is generated
//! with ffmpeg (tests/run installs it); one small MP4 is committed.

use crate::util::{fixture, screenkit};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    version: u32,
    clips: Vec<Clip>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Clip {
    path: String,
    container: Option<String>,
    duration_ms: Option<i64>,
    #[serde(default)]
    audio: Vec<Audio>,
    #[serde(default)]
    video: Vec<Video>,
    #[serde(default)]
    problems: Vec<Problem>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Audio {
    codec: String,
    sample_rate: Option<u32>,
    channels: Option<u32>,
    language: Option<String>,
    loudness_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Video {
    codec: String,
    width: Option<u32>,
    height: Option<u32>,
    fps: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Problem {
    kind: String,
    message: String,
    at_ms: Option<i64>,
}

fn probe(path: &Path, deep: bool) -> (i32, Clip) {
    let mut args = vec!["probe".into(), "--json".into(), path.as_os_str().to_owned()];
    if deep {
        args.push("--deep".into());
    }
    let run = screenkit(&args);
    let mut r: Report =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    assert_eq!((r.version, r.clips.len()), (1, 1));
    let clip = r.clips.remove(0);
    assert_eq!(clip.path, path.display().to_string());
    (run.code, clip)
}

/// Run ffmpeg with `args` writing `out` in `dir`.
fn ffmpeg(dir: &Path, out: &str, args: &str) -> PathBuf {
    let path = dir.join(out);
    // Output, not status: x265 prints its settings whatever ffmpeg's -v says,
    // and the test log should show them only when encoding fails.
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args.split_whitespace())
        .arg(&path)
        .output()
        .expect("ffmpeg is needed for the media tests: run `bash tests/run`, which installs it");
    assert!(
        out.status.success(),
        "ffmpeg {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn ffprobe_ms(path: &Path) -> i64 {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    (String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<f64>()
        .unwrap()
        * 1000.0)
        .round() as i64
}

const VIDEO: &str = "-f lavfi -i testsrc=size=160x120:rate=25";
const TONE: &str = "-f lavfi -i sine=frequency=440:sample_rate=48000";

#[test]
fn durations_agree_with_ffprobe_in_every_container() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let cases = [
        ffmpeg(
            d,
            "a.mp4",
            &format!("{VIDEO} {TONE} -t 3.2 -c:v libx264 -pix_fmt yuv420p -c:a aac -ac 2"),
        ),
        ffmpeg(
            d,
            "b.mkv",
            &format!("{VIDEO} {TONE} -t 3.2 -c:v libx264 -pix_fmt yuv420p -c:a aac"),
        ),
        ffmpeg(
            d,
            "c.webm",
            &format!("{VIDEO} {TONE} -t 3.2 -c:v libvpx -c:a libvorbis"),
        ),
        ffmpeg(d, "d.ogg", &format!("{TONE} -t 3.2 -c:a libvorbis")),
        ffmpeg(d, "e.flac", &format!("{TONE} -t 3.2")),
        ffmpeg(d, "f.wav", &format!("{TONE} -t 3.2")),
        ffmpeg(d, "g.mp3", &format!("{TONE} -t 3.2 -c:a libmp3lame")),
    ];
    for path in &cases {
        let (code, c) = probe(path, false);
        let want = ffprobe_ms(path);
        let got = c
            .duration_ms
            .unwrap_or_else(|| panic!("{}: no duration", path.display()));
        assert!(
            (got - want).abs() <= 50,
            "{}: {got} ms vs ffprobe {want} ms",
            path.display()
        );
        assert_eq!(c.audio.len(), 1, "{}", path.display());
        assert!(c.container.is_some());
        let webm = path.extension().is_some_and(|e| e == "webm");
        assert_eq!(
            code,
            if webm { 1 } else { 0 },
            "{}: {:?}",
            path.display(),
            c.problems
        );
    }
    let (_, mp4) = probe(&cases[0], false);
    assert_eq!(
        (
            mp4.audio[0].codec.as_str(),
            mp4.audio[0].sample_rate,
            mp4.audio[0].channels
        ),
        ("aac", Some(48000), Some(2))
    );
    let v = &mp4.video[0];
    assert_eq!(
        (v.codec.as_str(), v.width, v.height, v.fps),
        ("h264", Some(160), Some(120), Some(25.0))
    );
    let (_, webm) = probe(&cases[2], false);
    assert_eq!(webm.video[0].fps, Some(25.0));
    assert_eq!(webm.problems[0].kind, "video-codec");
}

#[test]
fn deep_finds_the_bad_point_of_truncated_files() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("t.flac", format!("{TONE} -t 4")),
        ("t.mp3", format!("{TONE} -t 4 -c:a libmp3lame")),
    ] {
        let full = ffmpeg(tmp.path(), name, &args);
        let (code, c) = probe(&full, true);
        assert_eq!((code, c.problems.len()), (0, 0), "{name}: {:?}", c.problems);
        let bytes = std::fs::read(&full).unwrap();
        let cut = tmp.path().join(format!("cut-{name}"));
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let (code, c) = probe(&cut, true);
        assert_eq!(code, 1, "{name}");
        let p = c
            .problems
            .iter()
            .find(|p| p.kind == "decode-error")
            .unwrap_or_else(|| panic!("{name}: {:?}", c.problems));
        let at = p.at_ms.expect("the bad point is named");
        assert!(
            (1500..2600).contains(&at),
            "{name}: bad point at {at} ms, expected about 2 s"
        );
        let (code, _) = probe(&cut, false);
        assert_eq!(code, 0, "header-only probe does not decode");
    }
}

#[test]
fn loudness_matches_ffmpeg_ebur128_on_a_test_tone() {
    let tmp = tempfile::tempdir().unwrap();
    let tone = ffmpeg(
        tmp.path(),
        "tone.m4a",
        "-f lavfi -i sine=frequency=1000:sample_rate=48000 -af volume=-6dB -t 10 -ac 2 -c:a aac -b:a 192k",
    );
    let out = Command::new("ffmpeg")
        .args(["-nostats", "-i"])
        .arg(&tone)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let i_line = log
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("I:"))
        .expect("ebur128 summary");
    let want: f64 = i_line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (code, c) = probe(&tone, true);
    assert_eq!(code, 0);
    let got = c.audio[0].loudness_lufs.expect("loudness measured");
    assert!(
        (got - want).abs() <= 0.5,
        "ours {got} LUFS vs ffmpeg {want} LUFS"
    );
    let peak_line = log
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("Peak:"))
        .expect("true peak summary");
    let want_tp: f64 = peak_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let tp = c.audio[0].true_peak_dbtp.expect("true peak measured");
    assert!(
        (tp - want_tp).abs() <= 0.5,
        "ours {tp} dBTP vs ffmpeg {want_tp} dBTP"
    );
}

#[test]
fn symphonia_gaps_are_named_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let opus = ffmpeg(tmp.path(), "x.opus", &format!("{TONE} -t 1 -c:a libopus"));
    let six = ffmpeg(
        tmp.path(),
        "six.mp4",
        &format!("{TONE} -t 1 -ac 6 -c:a aac"),
    );
    for (path, needle) in [
        (opus, "opus audio cannot be decoded"),
        (six, "6-channel AAC cannot be decoded"),
    ] {
        let (code, c) = probe(&path, true);
        assert_eq!(code, 1);
        let p = &c.problems[0];
        assert_eq!(p.kind, "undecodable-audio");
        assert!(
            p.message.contains(needle) && p.message.contains("AAC-LC stereo"),
            "{}",
            p.message
        );
        assert!(c.audio[0].loudness_lufs.is_none());
    }
}

#[test]
fn x265_mp4s_symphonia_rejects_get_a_specific_message() {
    let tmp = tempfile::tempdir().unwrap();
    // x265's defaults write its settings into hvcC, over symphonia's 1 KB limit.
    let bad = ffmpeg(
        tmp.path(),
        "x265.mp4",
        &format!("{VIDEO} -t 1 -c:v libx265 -pix_fmt yuv420p"),
    );
    let run = screenkit(["probe".as_ref(), bad.as_os_str()]);
    assert!(
        run.code(2).stderr.contains("hvcC") && run.stderr.contains("re-encode as H.264"),
        "{}",
        run.stderr
    );
    // The hint is the command itself, naming this file and where it writes.
    let want = format!(
        "hint: convert it to H.264 + AAC-LC in MP4, which plays everywhere: ffmpeg -i {} ",
        bad.display()
    );
    assert!(
        run.stderr.contains(&want) && run.stderr.contains("x265.h264.mp4"),
        "{}",
        run.stderr
    );
    let ok = ffmpeg(
        tmp.path(),
        "x265-ok.mp4",
        &format!("{VIDEO} -t 1 -c:v libx265 -x265-params info=0 -pix_fmt yuv420p"),
    );
    let human = screenkit(["probe".as_ref(), ok.as_os_str()]);
    assert!(
        human.code(1).stdout.contains(&format!(
            "hint: convert it to H.264 + AAC-LC in MP4, which plays everywhere: ffmpeg -i {} ",
            ok.display()
        )),
        "{}",
        human.stdout
    );
    let (code, c) = probe(&ok, false);
    assert_eq!((code, c.video[0].codec.as_str()), (1, "hevc"));
    assert!(
        c.problems.iter().any(|p| p.kind == "video-codec")
            && c.problems.iter().any(|p| p.kind == "no-audio")
    );
}

#[test]
fn committed_fixture_probes_without_ffmpeg() {
    let mp4 = fixture("media/tone_h264_aac.mp4");
    let (code, c) = probe(&mp4, true);
    assert_eq!(code, 0, "{:?}", c.problems);
    assert_eq!(c.container.as_deref(), Some("isomp4"));
    assert!(
        (2000..=2050).contains(&c.duration_ms.unwrap()),
        "{:?}",
        c.duration_ms
    );
    assert_eq!(c.video[0].fps, Some(25.0));
    assert!(c.audio[0].loudness_lufs.is_some() && c.audio[0].language.is_none());
    let human = screenkit(["probe".as_ref(), mp4.as_os_str()]);
    assert!(
        human.code(0).stdout.contains("video: h264, 160x90, 25 fps"),
        "{}",
        human.stdout
    );
}

#[test]
fn bad_input_exits_2_and_other_clips_still_probe() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("notes.mp4");
    std::fs::write(&text, "not a video").unwrap();
    let good = fixture("media/tone_h264_aac.mp4");
    let run = screenkit([
        "probe".as_ref(),
        "--json".as_ref(),
        text.as_os_str(),
        tmp.path().as_os_str(),
        good.as_os_str(),
    ]);
    run.code(2);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(r.clips.len(), 3);
    assert!(
        r.clips[0]
            .error
            .as_deref()
            .unwrap()
            .contains("not a media file")
    );
    assert!(
        r.clips[1]
            .error
            .as_deref()
            .unwrap()
            .contains("is a directory")
    );
    assert!(r.clips[2].error.is_none() && r.clips[2].duration_ms.is_some());
    assert!(
        run.stderr.contains("notes.mp4: not a media file"),
        "{}",
        run.stderr
    );
}

/// A WAV whose header claims 8 Hz (a damaged header): `probe --deep` said
/// "valid channel count and rate" and panicked; now it is a problem that
/// says what to do, and sync refuses the audio with a clear error.
#[test]
fn a_header_with_an_impossible_rate_is_a_problem_not_a_panic() {
    let wav = fixture("media/rate-8hz.wav");
    damaged_rate_is_a_problem(&wav, 8);
    let tmp = tempfile::tempdir().unwrap();
    let srt = tmp.path().join("a.srt");
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:02,000\nHi\n").unwrap();
    let run = screenkit([
        "sync".as_ref(),
        srt.as_os_str(),
        "--to".as_ref(),
        wav.as_os_str(),
    ]);
    run.code(2);
    assert!(run.stderr.contains("8 Hz"), "{}", run.stderr);
}

/// A fuzzer's WAV claiming 6 channels at 16 Hz: the loudness meter took
/// the rate and then panicked on an internal assertion.
#[test]
fn a_rate_the_meter_accepts_but_no_audio_has_is_a_problem_not_a_panic() {
    damaged_rate_is_a_problem(&fixture("media/rate-16hz-6ch.wav"), 16);
}

/// `probe --deep` of a file whose header claims `hz`: exit 1 with a
/// decode-error problem that names the rate and says to re-encode.
#[track_caller]
fn damaged_rate_is_a_problem(wav: &Path, hz: u32) {
    let (code, c) = probe(wav, true);
    assert_eq!(code, 1, "{:?}", c.problems);
    assert_eq!(c.audio[0].sample_rate, Some(hz));
    let p = &c.problems[0];
    assert_eq!(p.kind, "decode-error");
    assert!(
        p.message.contains(&format!("{hz} Hz")) && p.message.contains("re-encode"),
        "{}",
        p.message
    );
}

/// Opus always decodes at 48 kHz; the rate in its header is the encoder's
/// input rate (24 kHz here), which probe used to report.
#[test]
fn opus_in_mkv_plays_at_48_khz() {
    let tmp = tempfile::tempdir().unwrap();
    let mkv = ffmpeg(
        tmp.path(),
        "x.mkv",
        "-f lavfi -i sine=frequency=440:sample_rate=24000 -t 1 -c:a libopus",
    );
    let (_, c) = probe(&mkv, false);
    assert_eq!(c.audio[0].codec, "opus");
    assert_eq!(c.audio[0].sample_rate, Some(48_000));
}
