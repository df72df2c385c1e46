//! Snapshot tests (insta) of the human output users read: `check`, `fix`,
//! `sync`, `verify`, `check --list-rules` and the errors for bad input, so
//! that a change of wording is a reviewed diff, not an accident.
//!
//! Snapshots are committed in `tests/integration/snapshots/`. No
//! `cargo insta` is needed:
//! - a changed output fails the test (always in CI, where insta never
//!   writes; locally with `INSTA_UPDATE=no`);
//! - to accept a deliberate change, run
//!   `INSTA_UPDATE=always cargo test --test integration snapshots::` and
//!   review the `git diff` of the `.snap` files before committing.
//!
//! Temp directories print as `[TMP]` and the checkout as `[REPO]`.

use crate::util::{Run, fixture, screenkit, write_srt};
use std::ffi::OsString;
use std::path::Path;

/// Exit code, stdout and stderr of a run, with machine-specific paths replaced.
fn shown(run: &Run, tmp: &Path) -> String {
    let redact = |s: &str| {
        s.replace(&tmp.display().to_string(), "[TMP]")
            .replace(env!("CARGO_MANIFEST_DIR"), "[REPO]")
    };
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        redact(&run.stdout),
        redact(&run.stderr)
    )
}

fn args(list: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    list.iter().map(|a| a.as_ref().to_os_string()).collect()
}

fn defect(name: &str) -> std::path::PathBuf {
    fixture(&format!("srt/defects/{name}.srt"))
}

#[test]
fn check_human_report() {
    let tmp = tempfile::tempdir().unwrap();
    let run = screenkit(args(&[
        &"check",
        &defect("clean"),
        &defect("overlap"),
        &defect("reading-speed"),
        &defect("not-utf8"),
        &defect("orphan-text"),
    ]));
    insta::assert_snapshot!("check_human_report", shown(&run, tmp.path()));
}

#[test]
fn check_list_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let run = screenkit(["check", "--list-rules"]);
    insta::assert_snapshot!("check_list_rules", shown(&run, tmp.path()));
}

#[test]
fn fix_summary() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["overlap", "whitespace", "line-endings"] {
        let out = tmp.path().join(format!("{name}.out.srt"));
        let run = screenkit(args(&[&"fix", &defect(name), &"-o", &out]));
        insta::assert_snapshot!(format!("fix_summary_{name}"), shown(&run, tmp.path()));
    }
}

/// The cues of the sync fixture `speech-b`, from its truth track.
fn speech_b_cues() -> Vec<(i64, i64)> {
    let text = std::fs::read_to_string(fixture("sync/speech-b.truth.srt")).unwrap();
    let ms = |t: &str| {
        let (hms, milli) = t.trim().split_once(',').unwrap();
        let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + milli.parse::<i64>().unwrap()
    };
    text.lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| (ms(a), ms(b)))
        .collect()
}

/// Sync to a correctly timed reference track: no audio to decode, so quick.
#[test]
fn sync_success_and_refusal() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = fixture("sync/speech-b.truth.srt");
    let late: Vec<(i64, i64)> = speech_b_cues()
        .iter()
        .map(|&(s, e)| (s + 2500, e + 2500))
        .collect();
    let input = tmp.path().join("late.srt");
    write_srt(&input, &late);
    let out = tmp.path().join("synced.srt");
    let run = screenkit(args(&[&"sync", &input, &"--to", &reference, &"-o", &out]));
    insta::assert_snapshot!("sync_success", shown(&run, tmp.path()));

    let one = tmp.path().join("one.srt");
    write_srt(&one, &late[..1]);
    let run = screenkit(args(&[&"sync", &one, &"--to", &reference]));
    insta::assert_snapshot!("sync_refused_too_few_cues", shown(&run, tmp.path()));
}

/// The demo kit, built into `dir`, then checked whole and with one file changed.
#[test]
fn verify_intact_and_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home");
    let built = screenkit(args(&[&"build", &kit, &"-o", &tmp.path()]));
    built.code(0);
    let zip = tmp.path().join("last-train-home.zip");
    let run = screenkit(args(&[&"verify", &zip]));
    insta::assert_snapshot!("verify_intact", shown(&run, tmp.path()));

    let unpacked = tmp.path().join("unpacked");
    zip::ZipArchive::new(std::fs::File::open(&zip).unwrap())
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    let bag = std::fs::read_dir(&unpacked)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("bagit.txt").exists())
        .unwrap_or(unpacked.clone());
    let sub = bag.join("data/subtitles/trailer.en.srt");
    let mut text = std::fs::read_to_string(&sub).unwrap();
    text.push_str("\n99\n00:09:00,000 --> 00:09:01,000\nAdded later.\n");
    std::fs::write(&sub, text).unwrap();
    let run = screenkit(args(&[&"verify", &bag]));
    insta::assert_snapshot!("verify_changed_file", shown(&run, tmp.path()));
}

#[test]
fn bad_input_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.srt");
    let binary = tmp.path().join("photo.srt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let cases: [(&str, Vec<OsString>); 5] = [
        ("missing_file", args(&[&"check", &missing])),
        ("not_subtitles", args(&[&"check", &binary])),
        (
            "bad_shift",
            args(&[&"retime", &defect("clean"), &"--shift", &"2 minutes"]),
        ),
        (
            "bad_fps",
            args(&[&"check", &defect("clean"), &"--fps", &"0"]),
        ),
        (
            "bad_encoding",
            args(&[&"fix", &defect("clean"), &"--encoding", &"klingon"]),
        ),
    ];
    for (name, argv) in cases {
        let run = screenkit(&argv);
        insta::assert_snapshot!(format!("bad_input_{name}"), shown(&run, tmp.path()));
    }
}
