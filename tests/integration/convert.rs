//! `screenkit convert`: WebVTT output checked by the W3C validator's own
//! parser (npm `webvtt-parser`, installed by tests/run), and back to SRT.

use crate::util::{Run, check_json, corpus, fixture, screenkit};
use std::path::Path;
use std::process::Command;

/// `screenkit convert SRC --to TO -o OUT`.
fn convert(src: &Path, to: &str, out: &Path) -> Run {
    screenkit([
        "convert".as_ref(),
        src.as_os_str(),
        "--to".as_ref(),
        to.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

fn validator() -> std::path::PathBuf {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/validate.js");
    let module =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/node_modules/webvtt-parser");
    assert!(
        module.is_dir(),
        "the WebVTT validator is not installed: run `bash tests/run` (it runs `npm ci` in tests/node)"
    );
    js
}

#[test]
fn clean_track_converts_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("clean.vtt");
    convert(&fixture("srt/defects/clean.srt"), "vtt", &out).code(0);
    let vtt = std::fs::read_to_string(&out).unwrap();
    assert!(
        vtt.starts_with(
            "WEBVTT\n\n1\n00:00:05.000 --> 00:00:07.500\nThe train leaves at dawn.\n\n2\n"
        ),
        "{vtt}"
    );
    assert!(
        vtt.ends_with("4\n00:00:15.500 --> 00:00:18.000\n<i>Home is two days away.</i>\n\n"),
        "{vtt}"
    );
    let back = tmp.path().join("back.srt");
    convert(&out, "srt", &back).code(0);
    assert_eq!(
        std::fs::read_to_string(back).unwrap(),
        std::fs::read_to_string(fixture("srt/defects/clean.srt")).unwrap() + "\n"
    );
}

#[test]
fn shared_every_corpus_file_converts_to_valid_webvtt_and_back() {
    let js = validator();
    let tmp = tempfile::tempdir().unwrap();
    let mut vtts = Vec::new();
    for entry in std::fs::read_dir(corpus("")).unwrap() {
        let src = entry.unwrap().path();
        let (_, report) = check_json(&src, &[]);
        if report.cues == 0 {
            continue;
        }
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        let vtt = tmp.path().join(format!("{name}.vtt"));
        let run = convert(&src, "vtt", &vtt);
        run.code(0);
        // Back to SRT: the same cues that could be shown.
        let srt = tmp.path().join(format!("{name}.srt"));
        convert(&vtt, "srt", &srt).code(0);
        let (_, back) = check_json(&srt, &[]);
        let (_, orig) = check_json(&src, &[]);
        let zero = orig
            .findings
            .iter()
            .filter(|f| f.rule == "non-positive-duration")
            .count();
        assert_eq!(back.cues, orig.cues - zero, "{name}");
        vtts.push(vtt);
    }
    assert!(vtts.len() >= 55, "only {} files converted", vtts.len());
    let out = Command::new("node")
        .arg(js)
        .args(&vtts)
        .output()
        .expect("node is needed for the WebVTT validator");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "W3C WebVTT parser found errors:\n{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.ends_with(" cues")).count(),
        vtts.len()
    );
}

#[test]
fn markup_is_escaped_not_executed() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("x.srt");
    std::fs::write(
        &src,
        "1\n00:00:01,000 --> 00:00:02,000\n<script>alert(1)</script> & <b>bold</b>\n",
    )
    .unwrap();
    let run = screenkit([
        "convert".as_ref(),
        src.as_os_str(),
        "--to".as_ref(),
        "vtt".as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(
        run.code(0)
            .stdout
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>bold</b>"),
        "{}",
        run.stdout
    );
    let again = screenkit([
        "convert".as_ref(),
        src.as_os_str(),
        "--to".as_ref(),
        "vtt".as_ref(),
    ]);
    again.code(0);
    assert!(tmp.path().join("x.vtt").exists());
    let clash = screenkit([
        "convert".as_ref(),
        src.as_os_str(),
        "--to".as_ref(),
        "vtt".as_ref(),
    ]);
    assert!(clash.code(2).stderr.contains("exists; pass --force"));
}
