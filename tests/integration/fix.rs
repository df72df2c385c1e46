//! `screenkit fix`: each fixable defect is repaired, wording never changes,
//! outputs are safe (default name, no overwrite, `.bak`, stdout, dry run).

use crate::util::{check_json, fixture, screenkit};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn defect(name: &str) -> PathBuf {
    fixture(&format!("srt/defects/{name}.srt"))
}

/// Fix `name` into a temp dir; returns the output text.
fn fixed(name: &str, dir: &Path) -> String {
    let out = dir.join(format!("{name}.out.srt"));
    let run = screenkit([
        "fix".as_ref(),
        defect(name).as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(run.code == 0 || run.code == 1, "{name}: {run:?}");
    std::fs::read_to_string(&out).unwrap_or_else(|_| panic!("{name}: no output: {run:?}"))
}

/// Every word shown on screen, counted: fix may move and re-break text but
/// never change it.
fn words(srt: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for line in srt
        .lines()
        .filter(|l| !l.contains("-->") && l.parse::<u32>().is_err())
    {
        let plain = strip_tags(
            &line
                .replace("\\N", " ")
                .replace("\\h", " ")
                .replace(['\u{200b}', '\u{feff}'], ""),
        );
        let plain: String = plain
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect();
        for w in plain.split_whitespace() {
            *m.entry(w.to_lowercase()).or_default() += 1;
        }
    }
    m
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

const FIXABLE: &[&str] = &[
    "not-utf8",
    "bom",
    "line-endings",
    "final-newline",
    "invisible-char",
    "missing-index",
    "index-sequence",
    "timecode-format",
    "timecode-range",
    "text-after-time",
    "blank-line-in-cue",
    "missing-blank-line",
    "empty-cue",
    "escaped-break",
    "non-positive-duration",
    "unsorted",
    "overlap",
    "short-gap",
    "too-short",
    "whitespace",
    "unbalanced-tags",
];

#[test]
fn each_fixable_defect_is_gone_and_wording_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    for name in FIXABLE {
        let (_, before) = check_json(&defect(name), &[]);
        assert!(
            before.findings.iter().any(|f| f.rule == *name && f.fixable),
            "{name}: not reported as fixable"
        );
        let out = fixed(name, tmp.path());
        let (_, after) = check_json(&tmp.path().join(format!("{name}.out.srt")), &[]);
        assert!(
            after.findings.is_empty(),
            "{name}: left {:?}\n{out}",
            after.findings
        );
        let bytes = std::fs::read(defect(name)).unwrap();
        let original = match std::str::from_utf8(&bytes) {
            Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
        };
        if *name != "empty-cue" {
            assert_eq!(words(&original), words(&out), "{name}: wording changed");
        }
    }
}

#[test]
fn timing_fixes_are_exact() {
    let tmp = tempfile::tempdir().unwrap();
    // Overlap: cue 2 ends 2 frames (83 ms at 24 fps) before cue 3 starts.
    assert!(fixed("overlap", tmp.path()).contains("00:00:08,500 --> 00:00:10,417\n"));
    // Too short / zero length: lengthened into the free gap until the 28
    // characters read at 20 per second (1.4 s, more than the 833 ms minimum).
    assert!(fixed("too-short", tmp.path()).contains("00:00:12,000 --> 00:00:13,400\n"));
    assert!(fixed("non-positive-duration", tmp.path()).contains("00:00:12,000 --> 00:00:13,400\n"));
    // Unsorted: the early cue moves to the top and everything is renumbered.
    assert!(fixed("unsorted", tmp.path()).starts_with(
        "1\n00:00:01,000 --> 00:00:03,500\nWe will stand the whole way.\n\n2\n00:00:05,000"
    ));
    // 4-digit milliseconds carry into the seconds.
    assert!(fixed("timecode-range", tmp.path()).contains("00:00:15,500 --> 00:00:18,000\n"));
}

#[test]
fn output_is_utf8_with_the_files_own_line_endings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fixed("line-endings", tmp.path());
    assert!(
        out.contains("\r\n") && !out.replace("\r\n", "").contains('\n'),
        "CRLF throughout"
    );
    let out = fixed("not-utf8", tmp.path());
    assert!(out.contains("Café crème, déjà vu à l'été."));
    let lf = tmp.path().join("lf.srt");
    screenkit([
        "fix".as_ref(),
        defect("line-endings").as_os_str(),
        "--eol".as_ref(),
        "lf".as_ref(),
        "-o".as_ref(),
        lf.as_os_str(),
    ])
    .code(0);
    assert!(!std::fs::read_to_string(lf).unwrap().contains('\r'));
}

#[test]
fn default_output_never_overwrites_and_in_place_keeps_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("talk.srt");
    std::fs::copy(defect("overlap"), &input).unwrap();
    let original = std::fs::read(&input).unwrap();

    let run = screenkit(["fix".as_ref(), input.as_os_str()]);
    run.code(0);
    let out = tmp.path().join("talk.fixed.srt");
    assert!(out.exists(), "{}", run.stderr);
    assert!(run.stderr.contains("trimmed an overlap"), "{}", run.stderr);
    assert_eq!(std::fs::read(&input).unwrap(), original, "input untouched");

    let again = screenkit(["fix".as_ref(), input.as_os_str()]);
    assert!(
        again.code(2).stderr.contains("exists; pass --force"),
        "{}",
        again.stderr
    );
    screenkit(["fix".as_ref(), input.as_os_str(), "--force".as_ref()]).code(0);

    let same = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        input.as_os_str(),
    ]);
    assert!(same.code(2).stderr.contains("use --in-place"));

    screenkit(["fix".as_ref(), input.as_os_str(), "--in-place".as_ref()]).code(0);
    assert_eq!(
        std::fs::read(tmp.path().join("talk.srt.bak")).unwrap(),
        original
    );
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read(&out).unwrap());
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".tmp")),
        "no temp files left: {names:?}"
    );
}

#[test]
fn dry_run_and_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.srt");
    std::fs::copy(defect("bom"), &input).unwrap();
    let run = screenkit(["fix".as_ref(), input.as_os_str(), "--dry-run".as_ref()]);
    assert!(
        run.code(0).stderr.contains("would write")
            && run.stderr.contains("removed the byte-order mark")
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "dry run writes nothing"
    );
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(
        run.code(0)
            .stdout
            .starts_with("1\n00:00:05,000 --> 00:00:07,500\n")
    );
}

/// `n` cues, one every 4 s, each overlapping the next when `overlaps`
/// holds its (1-based) number.
fn cues(n: usize, overlaps: &[usize]) -> String {
    let mut s = String::new();
    for k in 1..=n {
        let start = 4 * k as u64;
        let end = if overlaps.contains(&k) {
            start + 5
        } else {
            start + 3
        };
        s.push_str(&format!(
            "{k}\n00:00:{start:02},000 --> 00:00:{end:02},000\nLine {k}\n\n"
        ));
    }
    s
}

#[test]
fn each_change_names_its_cues_and_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("two.srt");
    std::fs::write(&input, cues(8, &[3, 7])).unwrap();
    let run = screenkit(["fix".as_ref(), input.as_os_str(), "--dry-run".as_ref()]);
    // Cue k's time line is line 4k - 2.
    assert!(
        run.code(0)
            .stderr
            .contains("\n  - trimmed an overlap or short gap: cues 3 (line 10), 7 (line 26)\n"),
        "{}",
        run.stderr
    );
    std::fs::write(
        &input,
        cues(14, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    )
    .unwrap();
    let run = screenkit(["fix".as_ref(), input.as_os_str(), "--dry-run".as_ref()]);
    assert!(
        run.code(0).stderr.contains(
            "\n  - trimmed an overlap or short gap: cues 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 3 more\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn what_is_left_names_the_real_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("it's mine.srt");
    // An overlap fix can repair, and a line too long that it cannot.
    std::fs::write(
        &input,
        "1\n00:00:01,000 --> 00:00:03,000\nA line that is much too long to be read on a screen at all\n\n\
         2\n00:00:02,500 --> 00:00:05,000\nTwo\n",
    )
    .unwrap();
    let quoted =
        |name: &str| format!("'{}'", tmp.path().join(name).display()).replace("it's", r"it'\''s");
    let tail = |run: &crate::util::Run| run.stderr.lines().last().unwrap_or("").to_string();
    let run = screenkit(["fix".as_ref(), input.as_os_str()]);
    let want = format!(
        "  0 errors and 2 warnings need a person: run `screenkit check {}`",
        quoted("it's mine.fixed.srt")
    );
    assert_eq!(tail(run.code(0)), want);
    let run = screenkit(["fix".as_ref(), input.as_os_str(), "--in-place".as_ref()]);
    let want = format!(
        "  0 errors and 2 warnings need a person: run `screenkit check {}`",
        quoted("it's mine.srt")
    );
    assert_eq!(tail(run.code(0)), want);
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    let want = format!(
        "  0 errors and 2 warnings need a person: save the output with `screenkit fix {} -o OUT.srt` and run `screenkit check OUT.srt`",
        quoted("it's mine.srt")
    );
    assert_eq!(tail(run.code(0)), want);
    assert!(!run.stderr.contains("the output`"), "{}", run.stderr);
}

#[test]
fn clip_end_drops_and_trims_cues_and_says_which() {
    let tmp = tempfile::tempdir().unwrap();
    let clip = tmp.path().join("clip.wav");
    std::fs::write(&clip, crate::check::silent_wav(10_000)).unwrap();
    let input = tmp.path().join("p.srt");
    std::fs::copy(defect("past-clip-end"), &input).unwrap();
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "--clip".as_ref(),
        clip.as_os_str(),
    ]);
    let report: Vec<&str> = run.code(0).stderr.lines().skip(1).collect();
    assert_eq!(
        report,
        [
            "  - dropped cues that start after the clip ends: cues 3 (line 11), 4 (line 15)",
            "  - trimmed cues that run past the clip's end to its end: cue 2 (line 6)",
            "  warning: cue 3 (line 11) starts at 00:00:12,000, after the clip ends at 00:00:10,000; dropped its words: \"We will stand the whole way.\"",
            "  warning: cue 4 (line 15) starts at 00:00:15,500, after the clip ends at 00:00:10,000; dropped its words: \"<i>Home is two days away.</i>\"",
            "  2 cues with words dropped past the clip's end: make sure these subtitles belong to this clip",
        ],
        "{}",
        run.stderr
    );
    let out = tmp.path().join("p.fixed.srt");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "1\n00:00:05,000 --> 00:00:07,500\nThe train leaves at dawn.\n\n\
         2\n00:00:08,500 --> 00:00:10,000\nEvery seat was sold\nweeks ago.\n\n"
    );
    let (code, after) = check_json(&out, &["--clip", clip.to_str().unwrap()]);
    assert_eq!((code, after.findings.len()), (0, 0), "{:?}", after.findings);
    // A clip that cannot be read is named, and nothing is written.
    let missing = tmp.path().join("nope.wav");
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "--force".as_ref(),
        "--clip".as_ref(),
        missing.as_os_str(),
    ]);
    assert!(run.code(2).stderr.contains("--clip"), "{}", run.stderr);
}

/// A clip's end is a limit for lengthening as the next cue is: a short
/// last cue is not stretched past it.
#[test]
fn clip_end_caps_lengthening() {
    let tmp = tempfile::tempdir().unwrap();
    let clip = tmp.path().join("clip.wav");
    std::fs::write(&clip, crate::check::silent_wav(10_000)).unwrap();
    let input = tmp.path().join("short.srt");
    std::fs::write(
        &input,
        "1\n00:00:09,700 --> 00:00:09,800\nA last line that wants time.\n",
    )
    .unwrap();
    let out = tmp.path().join("out.srt");
    screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "--clip".as_ref(),
        clip.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("00:00:09,700 --> 00:00:10,000\n"), "{text}");
}
