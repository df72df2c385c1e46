//! ASS/SSA input (issue 11): `check`, `fix`, `convert` and `sync` read it,
//! every finding points at the event's line, and the cues and their times
//! are what pysubs2 (a test-only peer, installed by `tests/run`) reads from
//! the same file. Fixtures are in `tests/fixtures/ass/`.

use crate::util::{FileReport, check_json, fixture, screenkit};
use std::path::{Path, PathBuf};
use std::process::Command;

fn ass(name: &str) -> PathBuf {
    fixture(&format!("ass/{name}"))
}

/// The venv `tests/run` makes beside the build (`TARGET/test-tools/venv`),
/// else one on PATH (the directory holding bagit.py).
fn venv_python() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_screenkit"));
    let beside = exe
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("test-tools/venv/bin/python"));
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .find(|d| d.join("bagit.py").is_file() && d.join("python").is_file())
            .map(|d| d.join("python"))
    });
    beside
        .filter(|p| p.is_file())
        .or(on_path)
        .unwrap_or_else(|| {
            panic!("no test venv: run `bash tests/run`, which makes it and installs pysubs2")
        })
}

/// What pysubs2 shows of each Dialogue event: start, end (ms) and its words
/// (override blocks and drawings left out), in file order. Events that are
/// only a drawing show nothing and are left out.
const PYSUBS2_READ: &str = r#"
import json, sys
import pysubs2
from pysubs2.formats.substation import parse_tags
subs = pysubs2.load(sys.argv[1], encoding="utf-8")
out = []
for e in subs.events:
    if e.is_comment:
        continue
    style = subs.styles.get(e.style, pysubs2.SSAStyle.DEFAULT_STYLE)
    parts = [f for f, s in parse_tags(e.text, style, subs.styles) if not s.drawing]
    text = "".join(parts)
    for esc in ("\\N", "\\n", "\\h"):
        text = text.replace(esc, " ")
    text = " ".join(text.split())
    if e.is_drawing and not text:
        continue
    out.append([e.start, e.end, text])
print(json.dumps(out))
"#;

fn pysubs2(path: &Path) -> Vec<(i64, i64, String)> {
    let out = Command::new(venv_python())
        .args(["-c", PYSUBS2_READ])
        .arg(path)
        .output()
        .expect("run the venv's python");
    assert!(
        out.status.success(),
        "pysubs2 could not read {path:?} (is it installed? `bash tests/run` installs it):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The cues of a SubRip text: start, end (ms) and words, tags and
/// `{\…}` overrides left out.
fn srt_cues(text: &str) -> Vec<(i64, i64, String)> {
    let ms = |t: &str| -> i64 {
        let (hms, milli) = t.trim().split_once(',').unwrap();
        let f: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000 + milli.parse::<i64>().unwrap()
    };
    let strip = |l: &str| {
        let mut out = String::new();
        let mut skip = None;
        for c in l.chars() {
            match (skip, c) {
                (None, '<') => skip = Some('>'),
                (None, '{') => skip = Some('}'),
                (Some(end), c) if c == end => skip = None,
                (Some(_), _) => {}
                (None, c) => out.push(c),
            }
        }
        out
    };
    text.split("\n\n")
        .filter(|b| b.contains("-->"))
        .map(|b| {
            let mut lines = b.lines().skip(1);
            let (a, z) = lines.next().unwrap().split_once("-->").unwrap();
            let words: Vec<String> = lines.map(strip).collect();
            let words = words
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (ms(a), ms(z), words)
        })
        .collect()
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

fn convert(input: &Path, to: &str) -> String {
    let run = screenkit([
        "convert".as_ref(),
        input.as_os_str(),
        "--to".as_ref(),
        to.as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    run.stdout
}

/// Cue count, times and words equal pysubs2's reading: styles,
/// overrides, `\N`, comments, a drawing, Chinese and English in one event,
/// events out of order, a Format line in an unusual order; and SSA.
#[test]
fn cues_and_times_are_what_pysubs2_reads() {
    for name in ["fansub.ass", "legacy.ssa"] {
        let peer = sorted(pysubs2(&ass(name)));
        assert!(!peer.is_empty(), "{name}");
        let ours = srt_cues(&convert(&ass(name), "srt"));
        assert_eq!(sorted(ours.clone()), peer, "{name}");
        // In start order, as players show them.
        assert!(
            ours.windows(2).all(|w| w[0].0 <= w[1].0),
            "{name}: {ours:?}"
        );
        let (_, report) = check_json(&ass(name), &[]);
        assert_eq!(report.cues, peer.len(), "{name}");
    }
}

fn findings(r: &FileReport, rule: &str) -> Vec<(usize, Option<usize>)> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.line, f.cue))
        .collect()
}

/// Every finding carries the event's line and a cue number; a drawing is
/// left out with an `ass-drawing` finding; `Comment:` lines are no cues.
#[test]
fn findings_point_at_the_event_line() {
    let (_, r) = check_json(&ass("fansub.ass"), &[]);
    assert_eq!(
        findings(&r, "ass-drawing"),
        [(22, Some(5)), (25, Some(7))],
        "{:?}",
        r.findings
    );
    let event_lines = [18, 19, 20, 21, 22, 23, 25, 26];
    for f in &r.findings {
        assert!(
            event_lines.contains(&f.line) && f.cue.is_some(),
            "{f:?} is not on a Dialogue line"
        );
    }
    // Comments are not shown, and there is no missing-index in ASS.
    assert!(
        r.findings.iter().all(|f| f.rule != "missing-index"),
        "{:?}",
        r.findings
    );
    let srt = convert(&ass("fansub.ass"), "srt");
    assert!(
        !srt.contains("Timing checked") && !srt.contains("Karaoke"),
        "{srt}"
    );
}

/// Positions from `{\an8}`, the style (named in the Format line's own
/// field order) and SSA's `{\aN}` reach WebVTT as `line:`/`align:` and
/// SubRip as `{\anN}`; italic and bold stay markup.
#[test]
fn positions_and_markup_carry_over() {
    let vtt = convert(&ass("fansub.ass"), "vtt");
    for want in [
        "00:00:08.100 --> 00:00:10.050 line:0\n<b>GUANGZHOU STATION</b>\n",
        "00:00:12.000 --> 00:00:14.500 line:0\nWords at the top,\nwith a comma in the text\n",
        "00:00:18.000 --> 00:00:20.000 line:0 align:left\nLeft\u{a0}corner\nafter a gap\n",
        "<i>The train</i> leaves at nine, <b>sharp</b>.\n",
        "人太多了。\n<i>Too many people.</i>\n",
        "<i>Why do we wait?</i>\n",
    ] {
        assert!(vtt.contains(want), "{want:?} in\n{vtt}");
    }
    let ssa = convert(&ass("legacy.ssa"), "srt");
    for want in [
        "00:00:01,000 --> 00:00:02,500\n{\\an4}Middle left, said softly\n",
        "00:00:03,250 --> 00:00:05,000\n{\\an8}<i>A title at the top</i>\n",
        "Plain bottom line\nand its second line\n",
    ] {
        assert!(ssa.contains(want), "{want:?} in\n{ssa}");
    }
}

/// `fix` writes SubRip that says where it came from, is a fixed point,
/// and keeps every word of every Dialogue event; the format is found by
/// content, whatever the file is called.
#[test]
fn fix_writes_subrip_by_content_not_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("fansub.txt");
    std::fs::copy(ass("fansub.ass"), &input).unwrap();
    let once = tmp.path().join("once.srt");
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        once.as_os_str(),
    ]);
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    assert!(
        run.stderr.contains("wrote the ASS/SSA events as SubRip"),
        "{run:?}"
    );
    let out = std::fs::read_to_string(&once).unwrap();
    let words = |s: &str| -> Vec<String> {
        sorted(
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().any(char::is_alphabetic))
                .map(str::to_lowercase)
                .collect(),
        )
    };
    let peer: String = pysubs2(&ass("fansub.ass"))
        .into_iter()
        .map(|(_, _, t)| t + "\n")
        .collect();
    assert_eq!(
        words(
            &srt_cues(&out)
                .into_iter()
                .map(|c| c.2 + "\n")
                .collect::<String>()
        ),
        words(&peer)
    );
    let twice = tmp.path().join("twice.srt");
    screenkit([
        "fix".as_ref(),
        once.as_os_str(),
        "-o".as_ref(),
        twice.as_os_str(),
    ]);
    // Nothing left to change: no second file, or the same text.
    if twice.exists() {
        assert_eq!(std::fs::read_to_string(&twice).unwrap(), out);
    }
}

/// An event line that cannot be read keeps its words as orphan text, named
/// by `check` at its line, and written by `fix`.
#[test]
fn unreadable_events_are_named_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("broken.ass");
    std::fs::write(
        &input,
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
         Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,First words\n\
         Dialogue: 0,0:00:0x.00,0:00:04.00,Default,,0,0,0,,Unreadable start\n\
         Dialogue: 0,0:00:05.00,0:00:06.00,Default,Too few fields\n\
         Stray words in the events\n\
         Dialogue: 0,0:00:07.00,0:00:08.00,Default,,0,0,0,,Last words\n",
    )
    .unwrap();
    let (code, r) = check_json(&input, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r, "timecode-format"),
        [(7, None)],
        "{:?}",
        r.findings
    );
    assert_eq!(
        findings(&r, "orphan-text"),
        [(8, None), (9, None)],
        "{:?}",
        r.findings
    );
    assert_eq!(r.cues, 2);
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    for words in [
        "First words",
        "Unreadable start",
        "Too few fields",
        "Stray words",
        "Last words",
    ] {
        assert!(run.stdout.contains(words), "{words} lost:\n{}", run.stdout);
    }
}

/// `sync` reads ASS as the file to sync and as the reference, found by
/// content even under another name. `--force`: seven cues, two of them out
/// of time order, are too few for the fit to be trusted (the null keeps
/// their jumps back), and what is tested here is the reading.
#[test]
fn sync_reads_ass_input_and_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference.txt");
    std::fs::copy(ass("fansub.ass"), &reference).unwrap();
    let run = screenkit([
        "sync".as_ref(),
        ass("fansub.ass").as_os_str(),
        "--to".as_ref(),
        reference.as_os_str(),
        "--dry-run".as_ref(),
        "--force".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("offset +0.000 s"), "{run:?}");
}
