//! Injected defects: one fixture per rule with the defect at a known line
//! (made by tests/fixtures/make_defects.py); plus the human and JSON report
//! shapes, exit codes over several files, and the rule listing.

use crate::util::{check_json, fixture, screenkit};
use std::path::PathBuf;

/// (fixture, rule, line, extra flags).
const DEFECTS: &[(&str, &str, usize, &[&str])] = &[
    ("not-utf8", "not-utf8", 1, &[]),
    ("bom", "bom", 1, &[]),
    ("line-endings", "line-endings", 6, &[]),
    ("final-newline", "final-newline", 16, &[]),
    ("invisible-char", "invisible-char", 12, &[]),
    ("missing-index", "missing-index", 10, &[]),
    ("index-sequence", "index-sequence", 10, &[]),
    ("timecode-format", "timecode-format", 6, &[]),
    ("ambiguous-ms", "ambiguous-ms", 11, &[]),
    ("timecode-range", "timecode-range", 15, &[]),
    ("text-after-time", "text-after-time", 2, &[]),
    ("blank-line-in-cue", "blank-line-in-cue", 8, &[]),
    ("missing-blank-line", "missing-blank-line", 9, &[]),
    ("orphan-text", "orphan-text", 10, &[]),
    ("no-cues", "no-cues", 1, &[]),
    ("empty-cue", "empty-cue", 11, &[]),
    ("escaped-break", "escaped-break", 12, &[]),
    ("non-positive-duration", "non-positive-duration", 11, &[]),
    ("unsorted", "unsorted", 11, &[]),
    ("overlap", "overlap", 11, &[]),
    ("short-gap", "short-gap", 6, &[]),
    ("close-gap", "close-gap", 6, &[]),
    ("too-short", "too-short", 11, &[]),
    ("too-long", "too-long", 15, &[]),
    ("reading-speed", "reading-speed", 2, &[]),
    (
        "first-cue-early",
        "first-cue-early",
        2,
        &["--profile", "dcp"],
    ),
    ("line-too-long", "line-too-long", 12, &[]),
    ("too-many-lines", "too-many-lines", 12, &[]),
    ("whitespace", "whitespace", 12, &[]),
    ("unbalanced-tags", "unbalanced-tags", 16, &[]),
    ("unsupported-tags", "unsupported-tags", 16, &[]),
    ("chevrons", "chevrons", 12, &[]),
    ("html-entity", "html-entity", 12, &[]),
    ("untranslated", "untranslated", 12, &[]),
    ("mojibake", "mojibake", 12, &[]),
    ("advert", "advert", 16, &[]),
];

fn defect(name: &str) -> PathBuf {
    fixture(&format!("srt/defects/{name}.srt"))
}

#[test]
fn clean_fixture_has_no_findings_in_any_profile() {
    for profile in ["netflix", "bbc", "dcp", "relaxed"] {
        let (code, r) = check_json(&defect("clean"), &["--profile", profile]);
        assert_eq!(code, 0, "{profile}");
        assert!(r.findings.is_empty(), "{profile}: {:?}", r.findings);
        assert_eq!((r.cues, r.encoding.as_deref()), (4, Some("UTF-8")));
    }
}

#[test]
fn each_rule_reports_its_injected_defect_at_the_right_line() {
    let mut failures = Vec::new();
    for (file, rule, line, extra) in DEFECTS {
        let (code, r) = check_json(&defect(file), extra);
        let hit = r
            .findings
            .iter()
            .find(|f| f.rule == *rule && f.line == *line);
        match hit {
            None => failures.push(format!(
                "{file}: no [{rule}] at line {line}; got {:?}",
                r.findings
                    .iter()
                    .map(|f| (&f.rule, f.line))
                    .collect::<Vec<_>>()
            )),
            Some(f) => {
                let want = if r.errors().is_empty() { 0 } else { 1 };
                if code != want {
                    failures.push(format!("{file}: exit {code}, expected {want}"));
                }
                if f.message.is_empty()
                    || !["error", "warning", "info"].contains(&f.severity.as_str())
                {
                    failures.push(format!("{file}: malformed finding {f:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_defect_fixture_and_is_listed() {
    let list = screenkit(["check", "--list-rules"]);
    list.code(0);
    let listed: Vec<&str> = list
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for (_, rule, ..) in DEFECTS {
        assert!(listed.contains(rule), "{rule} missing from --list-rules");
    }
    for rule in &listed {
        // past-clip-end and the kit rules are tested with clips and kits.
        let kit_rules = [
            "clip",
            "loudness-spread",
            "out-of-sync",
            "cards",
            "usb-file-size",
            "usb-name",
            "usb-name-clash",
            "usb-total-size",
            "missing-file",
            "placeholder",
            "bag-info-text",
            "kit-id",
        ];
        let covered = DEFECTS.iter().any(|(_, r, ..)| r == rule)
            || *rule == "past-clip-end"
            // An ASS rule: tested on an ASS fixture in ass.rs.
            || *rule == "ass-drawing"
            || kit_rules.contains(rule);
        assert!(covered, "rule {rule} has no injected-defect test");
    }
    assert!(
        list.stdout.contains("THRESHOLDS") && list.stdout.contains("42"),
        "{}",
        list.stdout
    );
}

/// A silent 16-bit mono WAV of `ms` milliseconds at 8 kHz.
pub(crate) fn silent_wav(ms: u32) -> Vec<u8> {
    let data_len = ms * 8 * 2;
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data_len).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&16000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    w.resize(w.len() + data_len as usize, 0);
    w
}

#[test]
fn past_clip_end_uses_the_clip_duration() {
    let tmp = tempfile::tempdir().unwrap();
    let clip = tmp.path().join("clip.wav");
    std::fs::write(&clip, silent_wav(10_000)).unwrap();
    let (code, r) = check_json(
        &defect("past-clip-end"),
        &["--clip", clip.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let hits: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "past-clip-end")
        .map(|f| (f.line, f.cue))
        .collect();
    // Cue 2 ends at 11 s, cues 3 and 4 start after the 10 s clip.
    assert_eq!(hits, [(6, Some(2)), (11, Some(3)), (15, Some(4))]);
    std::fs::write(&clip, silent_wav(20_000)).unwrap();
    let (code, r) = check_json(
        &defect("past-clip-end"),
        &["--clip", clip.to_str().unwrap()],
    );
    assert_eq!((code, r.findings.len()), (0, 0), "{:?}", r.findings);
}

#[test]
fn human_report_reads_like_a_compiler() {
    let path = defect("overlap");
    let run = screenkit(["check".as_ref(), path.as_os_str()]);
    run.code(1);
    let want = format!(
        "{}:11: error[overlap]: starts at 00:00:10,500, before cue 2 ends at 00:00:11,000 (cue 3)",
        path.display()
    );
    assert!(run.stdout.lines().any(|l| l == want), "{}", run.stdout);
    assert!(run.stdout.contains("    hint: "), "{}", run.stdout);
    assert!(
        run.stdout
            .trim_end()
            .ends_with("1 error, 0 warnings, 0 info (4 cues, UTF-8)"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when NO_COLOR is set"
    );
    let clean = screenkit(["check".as_ref(), defect("clean").as_os_str()]);
    assert!(clean.code(0).stdout.contains("ready to screen"));
}

#[test]
fn several_files_exit_with_the_worst_and_json_is_one_object() {
    let clean = defect("clean");
    let warn = defect("bom");
    let err = defect("overlap");
    let missing = fixture("srt/does-not-exist.srt");
    let run = screenkit([clean.as_os_str(), warn.as_os_str()].iter().fold(
        vec!["check".as_ref()],
        |mut v, p| {
            v.push(*p);
            v
        },
    ));
    run.code(0);
    assert!(run.stdout.contains("checked 2 files"));
    screenkit(["check".as_ref(), clean.as_os_str(), err.as_os_str()]).code(1);
    let run = screenkit([
        "check".as_ref(),
        "--json".as_ref(),
        err.as_os_str(),
        missing.as_os_str(),
        clean.as_os_str(),
    ]);
    run.code(2);
    let r = run.json();
    assert_eq!(
        r.files.len(),
        3,
        "all files are checked even after a failure"
    );
    assert!(
        r.files[1]
            .error
            .as_deref()
            .unwrap()
            .contains("no such file")
    );
    assert!(r.files[2].error.is_none() && r.files[2].encoding.is_some());
    assert!(
        run.stderr.contains("does-not-exist.srt: no such file"),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_ignore_and_overrides() {
    let run = screenkit([
        "-q".as_ref(),
        "check".as_ref(),
        defect("overlap").as_os_str(),
    ]);
    run.code(1);
    assert_eq!(run.stdout, "");
    let (code, r) = check_json(&defect("overlap"), &["--ignore", "overlap"]);
    assert_eq!((code, r.findings.len()), (0, 0));
    let bad = screenkit([
        "check".as_ref(),
        "--ignore".as_ref(),
        "nonsense".as_ref(),
        defect("clean").as_os_str(),
    ]);
    assert!(bad.code(2).stderr.contains("unknown rule 'nonsense'"));
    let (_, r) = check_json(&defect("clean"), &["--max-line-length", "20"]);
    assert!(r.rules().contains("line-too-long"));
    let (_, r) = check_json(&defect("line-too-long"), &["--profile", "dcp"]);
    assert!(
        !r.rules().contains("line-too-long"),
        "dcp allows 52 characters"
    );
}

#[test]
fn dcp_profile_makes_syntax_errors() {
    let (code, r) = check_json(&defect("timecode-format"), &["--profile", "dcp"]);
    assert_eq!(code, 1);
    assert_eq!(r.errors()[0].rule, "timecode-format");
    let (code, _) = check_json(&defect("timecode-format"), &[]);
    assert_eq!(code, 0, "only a warning for netflix");
}

#[test]
fn encoding_override() {
    let (_, r) = check_json(&defect("not-utf8"), &["--encoding", "windows-1251"]);
    assert_eq!(r.encoding.as_deref(), Some("windows-1251"));
    let run = screenkit([
        "check".as_ref(),
        "--encoding".as_ref(),
        "klingon".as_ref(),
        defect("clean").as_os_str(),
    ]);
    assert!(run.code(2).stderr.contains("unknown encoding 'klingon'"));
}
