//! `screenkit tracks` and `screenkit extract`: subtitle tracks inside MKV,
//! WebM and MP4 clips that ffmpeg makes here from the fixtures in
//! `tests/fixtures/tracks/`. What screenkit extracts is held against the
//! fixture it was muxed from (cue count) and against ffmpeg's own reading
//! of the same track (times to ±1 ms, text with markup set aside).

use crate::util::{fixture, screenkit};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    version: u32,
    clip: String,
    container: String,
    tracks: Vec<Track>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Track {
    number: u64,
    codec_id: String,
    codec: String,
    kind: String,
    language: Option<String>,
    name: Option<String>,
    default: bool,
    forced: bool,
    cues: Option<usize>,
}

fn ffmpeg(args: &[&str]) -> std::process::Output {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg: run `bash tests/run`");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A 5-second 64x48 clip in `out` with `subs` muxed as subtitle streams;
/// `opts` are ffmpeg output options (codecs, metadata).
fn clip(out: &Path, subs: &[&Path], opts: &[&str]) {
    let mut args = vec!["-f", "lavfi", "-i", "color=size=64x48:d=5"];
    for s in subs {
        args.extend(["-i", s.to_str().unwrap()]);
    }
    let maps: Vec<String> = (0..=subs.len()).map(|i| i.to_string()).collect();
    for m in &maps {
        args.extend(["-map", m]);
    }
    let video = if out.extension().is_some_and(|e| e == "webm") {
        "libvpx-vp9"
    } else {
        "mpeg4"
    };
    args.extend(["-c:v", video]);
    args.extend(opts);
    args.push(out.to_str().unwrap());
    ffmpeg(&args);
}

fn tracks_json(clip: &Path) -> Report {
    let run = screenkit([Path::new("tracks"), clip, Path::new("--json")]);
    run.code(0);
    let r: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", run.stdout));
    assert_eq!(r.version, 1);
    assert_eq!(r.clip, clip.display().to_string());
    r
}

/// (start ms, end ms, visible text) of each SubRip cue: tags `<…>` and
/// overrides `{…}` set aside, line ends trimmed.
fn srt_cues(srt: &str) -> Vec<(i64, i64, String)> {
    fn ms(t: &str) -> i64 {
        let t = t.trim().replace(',', ".");
        let (hms, frac) = t.split_once('.').unwrap();
        let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + frac.parse::<i64>().unwrap()
    }
    fn visible(s: &str) -> String {
        let mut out = String::new();
        let mut depth = None;
        for c in s.chars() {
            match (depth, c) {
                (None, '<') => depth = Some('>'),
                (None, '{') => depth = Some('}'),
                (Some(close), c) if c == close => depth = None,
                (None, c) => out.push(c),
                _ => {}
            }
        }
        out
    }
    srt.replace("\r\n", "\n")
        .split("\n\n")
        .filter_map(|block| {
            let mut lines = block.lines().skip_while(|l| !l.contains("-->"));
            let (a, b) = lines.next()?.split_once("-->")?;
            let text: Vec<String> = lines.map(|l| visible(l).trim().to_string()).collect();
            Some((ms(a), ms(b), text.join("\n")))
        })
        .collect()
}

/// ffmpeg's reading of subtitle stream `index` (0-based among subtitles).
fn ffmpeg_reading(clip: &Path, index: usize) -> Vec<(i64, i64, String)> {
    let map = format!("0:s:{index}");
    let out = ffmpeg(&["-i", clip.to_str().unwrap(), "-map", &map, "-f", "srt", "-"]);
    srt_cues(&String::from_utf8(out.stdout).unwrap())
}

#[track_caller]
fn same_cues(got: &[(i64, i64, String)], want: &[(i64, i64, String)]) {
    assert_eq!(got.len(), want.len(), "cue count\n{got:?}\n{want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g.0 - w.0).abs() <= 1 && (g.1 - w.1).abs() <= 1,
            "times {g:?} vs {w:?}"
        );
        assert_eq!(g.2, w.2, "text");
    }
}

/// `screenkit extract CLIP ARGS -o -`, as cues.
fn extracted(clip: &Path, args: &[&str]) -> Vec<(i64, i64, String)> {
    let mut all = vec!["extract", clip.to_str().unwrap()];
    all.extend(args);
    all.extend(["-o", "-"]);
    let run = screenkit(&all);
    run.code(0);
    srt_cues(&run.stdout)
}

fn count(fixture_file: &Path, marker: &str) -> usize {
    let text = std::fs::read_to_string(fixture_file).unwrap();
    text.lines().filter(|l| l.contains(marker)).count()
}

fn fixtures() -> (PathBuf, PathBuf, PathBuf) {
    (
        fixture("tracks/dialogue.srt"),
        fixture("tracks/fansub.ass"),
        fixture("tracks/captions.vtt"),
    )
}

#[test]
fn mkv_text_tracks_come_out_as_they_went_in() {
    let dir = tempfile::tempdir().unwrap();
    let mkv = dir.path().join("film.mkv");
    let (srt, ass, vtt) = fixtures();
    #[rustfmt::skip]
    clip(&mkv, &[&srt, &ass, &vtt], &[
        "-c:s:0", "srt", "-c:s:1", "ass", "-c:s:2", "webvtt",
        "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English SDH",
        "-metadata:s:s:1", "language=chi", "-disposition:s:0", "default",
        "-disposition:s:1", "forced",
    ]);
    let r = tracks_json(&mkv);
    assert_eq!(r.container, "matroska");
    let summary: Vec<(&str, &str, &str)> = r
        .tracks
        .iter()
        .map(|t| (t.codec_id.as_str(), t.codec.as_str(), t.kind.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("S_TEXT/UTF8", "subrip", "text"),
            ("S_TEXT/ASS", "ass", "text"),
            ("D_WEBVTT/SUBTITLES", "webvtt", "text")
        ]
    );
    let eng = &r.tracks[0];
    assert_eq!(eng.language.as_deref(), Some("eng"));
    assert_eq!(eng.name.as_deref(), Some("English SDH"));
    assert!(eng.default && !eng.forced);
    let chi = &r.tracks[1];
    assert_eq!(chi.language.as_deref(), Some("chi"));
    assert!(chi.forced && !chi.default && chi.name.is_none());
    // Counting cues in MKV means reading the whole file: not done to list.
    assert!(r.tracks.iter().all(|t| t.cues.is_none()));

    for (i, (t, source, marker)) in [(eng, &srt, "-->"), (chi, &ass, "Dialogue:")]
        .into_iter()
        .enumerate()
    {
        let got = extracted(&mkv, &["--track", &t.number.to_string()]);
        assert_eq!(got.len(), count(source, marker), "track {}", t.number);
        same_cues(&got, &ffmpeg_reading(&mkv, i));
    }
    let vtt_track = r.tracks[2].number.to_string();
    let got = extracted(&mkv, &["--track", &vtt_track]);
    assert_eq!(got.len(), count(&vtt, "-->"));
    same_cues(&got, &ffmpeg_reading(&mkv, 2));
    // ASS events keep their words and line breaks, lose the overrides.
    let ass_text = extracted(&mkv, &["--lang", "chi"]);
    assert_eq!(ass_text[2].2, "Where are you going?\n你要去哪里？");
    assert_eq!(ass_text[0].2, "Top, with a comma");
    // The track is read by the ASS reader with the header the MKV keeps:
    // what comes out is what converting the .ass file itself gives,
    // italics and the sign's top position included.
    let out = screenkit(["extract", mkv.to_str().unwrap(), "--lang", "chi", "-o", "-"]);
    let whole = screenkit(["convert", ass.to_str().unwrap(), "--to", "srt", "-o", "-"]);
    assert_eq!(out.code(0).stdout, whole.code(0).stdout);
    assert!(
        out.stdout.contains("{\\an8}Top, with a comma"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("<i>Where are you going?</i>"),
        "{}",
        out.stdout
    );
}

#[test]
fn webm_webvtt_track_as_srt_and_vtt() {
    let dir = tempfile::tempdir().unwrap();
    let webm = dir.path().join("clip.webm");
    let (_, _, vtt) = fixtures();
    clip(&webm, &[&vtt], &["-c:s", "webvtt"]);
    let r = tracks_json(&webm);
    assert_eq!(r.tracks.len(), 1);
    assert_eq!(r.tracks[0].codec, "webvtt");
    let got = extracted(&webm, &[]);
    assert_eq!(got.len(), count(&vtt, "-->"));
    same_cues(&got, &ffmpeg_reading(&webm, 0));
    assert_eq!(got[0].2, "Hello & welcome", "entities decoded");

    // The default output sits beside the clip, and is not overwritten.
    let run = screenkit([
        Path::new("extract"),
        &webm,
        Path::new("--to"),
        Path::new("vtt"),
    ]);
    run.code(0);
    let out = dir
        .path()
        .join(format!("clip.track{}.vtt", r.tracks[0].number));
    let written = std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "expected {}; have {:?}\n{}",
            out.display(),
            std::fs::read_dir(dir.path()).unwrap().collect::<Vec<_>>(),
            run.stderr
        )
    });
    assert!(written.starts_with("WEBVTT"), "{written}");
    assert_eq!(written.matches("-->").count(), count(&vtt, "-->"));
    assert!(run.stderr.contains("wrote"), "{}", run.stderr);
    let again = screenkit([
        Path::new("extract"),
        &webm,
        Path::new("--to"),
        Path::new("vtt"),
    ]);
    again.code(2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    screenkit([
        Path::new("extract"),
        &webm,
        Path::new("--to"),
        Path::new("vtt"),
        Path::new("--force"),
    ])
    .code(0);
}

#[test]
fn mp4_mov_text_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("film.mp4");
    let (srt, _, _) = fixtures();
    #[rustfmt::skip]
    clip(&mp4, &[&srt, &srt], &[
        "-c:s", "mov_text",
        "-metadata:s:s:0", "language=eng",
        "-metadata:s:s:1", "language=fre", "-metadata:s:s:1", "handler_name=Français",
    ]);
    let r = tracks_json(&mp4);
    assert_eq!(r.container, "mp4");
    assert_eq!(r.tracks.len(), 2);
    let n = count(&srt, "-->");
    for t in &r.tracks {
        assert_eq!(
            (t.codec_id.as_str(), t.codec.as_str()),
            ("tx3g", "mov-text")
        );
        assert_eq!(t.cues, Some(n), "the sample table counts the cues");
    }
    let (eng, fre) = (&r.tracks[0], &r.tracks[1]);
    assert_eq!(eng.language.as_deref(), Some("eng"));
    assert_eq!(
        eng.name, None,
        "ffmpeg's generic handler name is not a title"
    );
    assert_eq!(fre.name.as_deref(), Some("Français"));
    assert!(eng.default && !fre.default);
    for (i, lang) in ["eng", "fre"].into_iter().enumerate() {
        let got = extracted(&mp4, &["--lang", lang]);
        assert_eq!(got.len(), n);
        same_cues(&got, &ffmpeg_reading(&mp4, i));
    }
    // Two text tracks and no choice: both are listed, nothing is written.
    let run = screenkit([Path::new("extract"), &mp4]);
    run.code(2);
    assert!(run.stderr.contains("2 tracks match"), "{}", run.stderr);
    assert!(run.stderr.contains("fre") && run.stderr.contains("eng"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A PGS stream with two display sets (show, then clear) and no picture:
/// enough for ffmpeg to mux it and to make DVD subtitles from it.
fn pgs_sup(path: &Path) {
    let mut sup = Vec::new();
    for (pts, number, state) in [(90_000u32, 0u16, 0x80u8), (180_000, 1, 0)] {
        let mut pcs = vec![0, 64, 0, 48, 0x10];
        pcs.extend(number.to_be_bytes());
        pcs.extend([state, 0, 0, 0]);
        for (kind, body) in [(0x16u8, pcs.as_slice()), (0x80, &[])] {
            sup.extend(b"PG");
            sup.extend(pts.to_be_bytes());
            sup.extend(0u32.to_be_bytes());
            sup.push(kind);
            sup.extend((body.len() as u16).to_be_bytes());
            sup.extend(body);
        }
    }
    std::fs::write(path, sup).unwrap();
}

#[test]
fn image_tracks_are_named_and_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let sup = dir.path().join("pictures.sup");
    pgs_sup(&sup);
    let pgs = dir.path().join("pgs.mkv");
    clip(
        &pgs,
        &[&sup],
        &["-c:s", "copy", "-metadata:s:s:0", "language=eng"],
    );
    let dvd = dir.path().join("dvd.mkv");
    clip(&dvd, &[&sup], &["-c:s", "dvdsub"]);
    for (mkv, codec_id, codec) in [(&pgs, "S_HDMV/PGS", "pgs"), (&dvd, "S_VOBSUB", "vobsub")] {
        let r = tracks_json(mkv);
        assert_eq!(r.tracks.len(), 1);
        let t = &r.tracks[0];
        assert_eq!((t.codec_id.as_str(), t.codec.as_str()), (codec_id, codec));
        assert_eq!(t.kind, "image");
        let human = screenkit([Path::new("tracks"), mkv]);
        human.code(0);
        assert!(human.stdout.contains("OCR"), "{}", human.stdout);
        assert!(!human.stdout.contains("hint: screenkit extract"));
        let run = screenkit([Path::new("extract"), mkv]);
        run.code(1);
        assert!(
            run.stderr.contains("OCR") && run.stderr.contains(codec_id),
            "{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "nothing written"
        );
    }
}

#[test]
fn no_such_track_no_tracks_and_not_a_clip() {
    let dir = tempfile::tempdir().unwrap();
    let (srt, _, _) = fixtures();
    let mkv = dir.path().join("one.mkv");
    clip(
        &mkv,
        &[&srt],
        &["-c:s", "srt", "-metadata:s:s:0", "language=eng"],
    );
    let run = screenkit([
        Path::new("extract"),
        &mkv,
        Path::new("--track"),
        Path::new("9"),
    ]);
    run.code(2);
    assert!(
        run.stderr.contains("no subtitle track numbered 9") && run.stderr.contains("S_TEXT/UTF8"),
        "{}",
        run.stderr
    );
    let run = screenkit([
        Path::new("extract"),
        &mkv,
        Path::new("--lang"),
        Path::new("fre"),
    ]);
    run.code(2);
    assert!(run.stderr.contains("'fre'"), "{}", run.stderr);
    // The default name carries the language.
    screenkit([
        Path::new("extract"),
        &mkv,
        Path::new("--lang"),
        Path::new("eng"),
    ])
    .code(0);
    let out = std::fs::read_to_string(dir.path().join("one.eng.srt")).unwrap();
    assert_eq!(srt_cues(&out).len(), count(&srt, "-->"));

    let bare = dir.path().join("bare.mkv");
    clip(&bare, &[], &[]);
    let run = screenkit([Path::new("tracks"), &bare]);
    run.code(1);
    assert!(run.stdout.contains("no subtitle tracks"), "{}", run.stdout);
    assert!(tracks_json_code(&bare, 1).tracks.is_empty());
    let run = screenkit([Path::new("extract"), &bare]);
    run.code(2);
    assert!(run.stderr.contains("no subtitle track"), "{}", run.stderr);

    for not_a_clip in [srt.as_path(), dir.path()] {
        let run = screenkit([Path::new("tracks"), not_a_clip]);
        run.code(2);
        assert!(run.stderr.contains("screenkit:"), "{}", run.stderr);
    }
    let cut = dir.path().join("cut.mkv");
    let bytes = std::fs::read(&mkv).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let run = screenkit([Path::new("extract"), &cut]);
    assert!(run.code == 0 || run.code == 1 || run.code == 2, "no panic");
}

fn tracks_json_code(clip: &Path, code: i32) -> Report {
    let run = screenkit([Path::new("tracks"), clip, Path::new("--json")]);
    run.code(code);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `sync --to CLIP#N` fits the cues to the track inside the clip as it
/// would to the same track given as a `.srt`.
#[test]
fn sync_to_a_track_inside_a_clip() {
    let dir = tempfile::tempdir().unwrap();
    let truth = fixture("sync/speech-b.truth.srt");
    let mkv = dir.path().join("reference.mkv");
    clip(&mkv, &[&truth], &["-c:s", "srt"]);
    let number = tracks_json(&mkv).tracks[0].number;
    let want: Vec<(i64, i64)> = srt_cues(&std::fs::read_to_string(&truth).unwrap())
        .into_iter()
        .map(|c| (c.0, c.1))
        .collect();
    let late: Vec<(i64, i64)> = want.iter().map(|&(s, e)| (s + 2_345, e + 2_345)).collect();
    let input = dir.path().join("late.srt");
    crate::util::write_srt(&input, &late);
    let to = format!("{}#{number}", mkv.display());
    let run = screenkit(["sync", input.to_str().unwrap(), "--to", &to, "-o", "-"]);
    run.code(0);
    let got = srt_cues(&run.stdout);
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert!(
            (g.0 - w.0).abs() <= 12 && (g.1 - w.1).abs() <= 12,
            "{g:?} vs {w:?}"
        );
    }
    let json = screenkit([
        "sync",
        input.to_str().unwrap(),
        "--to",
        &to,
        "--json",
        "--dry-run",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["reference_kind"], "subtitles");
    let missing = format!("{}#9", mkv.display());
    let run = screenkit(["sync", input.to_str().unwrap(), "--to", &missing, "-o", "-"]);
    run.code(2);
    assert!(
        run.stderr.contains("no subtitle track numbered 9"),
        "{}",
        run.stderr
    );
}

#[test]
fn mkv_track_without_a_language_element_is_english_as_the_spec_and_ffprobe_say() {
    let dir = tempfile::tempdir().unwrap();
    let (srt, _, _) = fixtures();
    let written = dir.path().join("und.mkv");
    clip(&written, &[&srt], &["-c:s", "srt"]);
    // ffmpeg writes Language "und" for a stream without one; blank those
    // elements out (an EBML Void of the same length) to get a file whose
    // tracks carry no Language element at all, as some muxers write them.
    let bytes = std::fs::read(&written).unwrap();
    let und = [0x22, 0xB5, 0x9C, 0x83, b'u', b'n', b'd'];
    let void = [0xEC, 0x85, 0, 0, 0, 0, 0];
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(&und) {
            out.extend(void);
            i += und.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    assert_ne!(
        out, bytes,
        "ffmpeg wrote no 'und' Language element to remove"
    );
    let bare = dir.path().join("bare.mkv");
    std::fs::write(&bare, out).unwrap();
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "s", "-show_entries"])
        .args(["stream_tags=language", "-of", "csv=p=0"])
        .arg(&bare)
        .output()
        .expect("ffprobe: run `bash tests/run`");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "eng");
    let r = tracks_json(&bare);
    assert_eq!(r.tracks[0].language.as_deref(), Some("eng"));
    assert_eq!(
        tracks_json(&written).tracks[0].language,
        None,
        "und is no language"
    );
    assert_eq!(
        extracted(&bare, &["--lang", "eng"]).len(),
        count(&srt, "-->")
    );
}
