//! Subtitle files as they come in the wild (issue 11, defect classes 1–8):
//! every word is either kept or named by a finding, `fix` never settles
//! what `check` leaves to a person, and `fix` is a fixed point on its own
//! output. The fixtures are in `tests/fixtures/{srt,vtt}/wild/`.

use crate::util::{FileReport, check_json, fixture, screenkit};
use std::path::{Path, PathBuf};

fn wild(name: &str) -> PathBuf {
    let ext = if name.ends_with(".vtt") { "vtt" } else { "srt" };
    fixture(&format!("{ext}/wild/{name}"))
}

/// Fix `input` to `out`; returns the exit code and the text written.
fn fix_to(input: &Path, out: &Path) -> (i32, String) {
    let run = screenkit([
        "fix".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(run.code == 0 || run.code == 1, "{input:?}: {run:?}");
    let text = std::fs::read_to_string(out).unwrap_or_else(|_| panic!("no output: {run:?}"));
    (run.code, text)
}

/// Fix the fixture, then fix the output: the second fix must change
/// nothing. Returns the first fix's exit code, output and its check.
fn fix_twice(name: &str) -> (i32, String, FileReport) {
    let tmp = tempfile::tempdir().unwrap();
    let (once, twice) = (tmp.path().join("once.srt"), tmp.path().join("twice.srt"));
    let (code, text) = fix_to(&wild(name), &once);
    let (_, again) = fix_to(&once, &twice);
    assert_eq!(text, again, "{name}: a second fix changed the output");
    let (_, report) = check_json(&once, &[]);
    (code, text, report)
}

/// The words of a file's text lines (not time lines or index numbers),
/// lower-cased, in order.
fn words(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.contains("-->") && l.trim().parse::<u64>().is_err())
        .flat_map(|l| {
            l.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty() && w.chars().any(char::is_alphabetic))
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Class 7: `,50` could be 50 or 500 ms. `check` leaves it to a person, so
/// `fix` keeps the digits as written and says errors remain.
#[test]
fn fix_leaves_an_ambiguous_millisecond_field_to_a_person() {
    let (code, out, after) = fix_twice("ambiguous-ms.srt");
    assert_eq!(code, 1, "fix must say a person is needed:\n{out}");
    assert!(out.contains("00:00:01,50 --> 00:00:03,000\n"), "{out}");
    assert!(out.contains("00:00:04,000 --> 00:00:06,5\n"), "{out}");
    let ambiguous: Vec<_> = after
        .findings
        .iter()
        .filter(|f| f.rule == "ambiguous-ms")
        .map(|f| f.cue)
        .collect();
    assert_eq!(ambiguous, [Some(1), Some(2)], "{:?}", after.findings);
    assert!(
        after.findings.iter().all(|f| !f.fixable),
        "{:?}",
        after.findings
    );
}

/// Class 8: a stray advert after a blank line is not more of the cue
/// above: `check` calls it an advert outside any cue and `fix` keeps it
/// out of the cue.
#[test]
fn fix_never_merges_an_advert_into_the_cue_above() {
    let (code, before) = check_json(&wild("advert-after-blank.srt"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&before, "advert"),
        [(5, None)],
        "{:?}",
        before.findings
    );
    assert!(
        findings_of(&before, "orphan-text").is_empty(),
        "{:?}",
        before.findings
    );
    assert!(
        before
            .findings
            .iter()
            .all(|f| f.rule != "blank-line-in-cue"),
        "{:?}",
        before.findings
    );
    let (code, out, after) = fix_twice("advert-after-blank.srt");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Where is the projector?\n\nDownloaded from www.example-subs.com\n\n2\n"),
        "{out}"
    );
    assert!(after.rules().contains("advert"), "{:?}", after.findings);
    let source = std::fs::read_to_string(wild("advert-after-blank.srt")).unwrap();
    assert_eq!(sorted(words(&out)), sorted(words(&source)));
}

/// Class 6: `MM:SS,mmm` with no hours, and a zero-padded three-digit
/// seconds field, are read (players read them) and named for `fix`.
#[test]
fn subrip_time_forms_players_accept_are_read() {
    for (name, times) in [
        (
            "no-hours.srt",
            [
                "00:00:01,000 --> 00:00:03,500",
                "00:00:04,000 --> 00:00:06,250",
                "00:01:02,000 --> 00:01:04,000",
            ],
        ),
        (
            "padded-seconds.srt",
            [
                "00:00:09,100 --> 00:00:11,200",
                "00:00:13,567 --> 00:00:15,000",
                "00:00:16,000 --> 00:00:18,000",
            ],
        ),
    ] {
        let (_, before) = check_json(&wild(name), &[]);
        let format: Vec<_> = before
            .findings
            .iter()
            .filter(|f| f.rule == "timecode-format")
            .map(|f| (f.cue, f.fixable))
            .collect();
        assert_eq!(
            format,
            [(Some(1), true), (Some(2), true), (Some(3), true)],
            "{name}: {:?}",
            before.findings
        );
        let (_, out, after) = fix_twice(name);
        for t in times {
            assert!(out.contains(&format!("{t}\n")), "{name}: {t} in\n{out}");
        }
        assert!(
            after.findings.iter().all(|f| f.severity == "info"),
            "{name}: {:?}",
            after.findings
        );
    }
}

fn findings_of(r: &FileReport, rule: &str) -> Vec<(usize, Option<usize>)> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.line, f.cue))
        .collect()
}

/// Class 1: WebVTT blocks with a broken, unreadable or missing timing
/// line, and cue bodies cut by a blank line, keep their text and get the
/// findings SubRip gets.
#[test]
fn webvtt_text_is_never_lost_silently() {
    let name = "lost-text.vtt";
    let (code, before) = check_json(&wild(name), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings_of(&before, "orphan-text"), [(11, None)]);
    assert_eq!(
        findings_of(&before, "timecode-format"),
        [(8, Some(2)), (15, None)],
        "{:?}",
        before.findings
    );
    assert_eq!(findings_of(&before, "blank-line-in-cue"), [(21, Some(3))]);
    let (code, out, _) = fix_twice(name);
    assert_eq!(code, 1, "{out}");
    let source = std::fs::read_to_string(wild(name)).unwrap();
    let source = source.replacen("WEBVTT", "", 1);
    assert_eq!(sorted(words(&out)), sorted(words(&source)), "{out}");
    assert!(
        out.contains("A cue body\ninterrupted by a blank line.\n"),
        "{out}"
    );
}

/// Class 2: WebVTT time codes get the SubRip time-code rules.
#[test]
fn webvtt_time_codes_get_the_time_code_rules() {
    let (code, r) = check_json(&wild("timecodes.vtt"), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings_of(&r, "ambiguous-ms"), [(3, Some(1))]);
    assert!(
        r.findings
            .iter()
            .any(|f| f.message.starts_with("'.08' has 2 millisecond digit(s)")),
        "{:?}",
        r.findings
    );
    // Four fraction digits are a fraction of a second: no carry-over into
    // a long cue, so no overlap with the next.
    assert_eq!(findings_of(&r, "timecode-format"), [(6, Some(2))]);
    assert!(findings_of(&r, "overlap").is_empty(), "{:?}", r.findings);
    // Hours past SubRip's limit: named, not "ready to screen".
    assert_eq!(findings_of(&r, "timecode-range"), [(12, Some(4))]);
}

/// Class 3: valid WebVTT gets no false alarms: bare CR line endings, a
/// line of markup alone, cues with no identifier.
#[test]
fn valid_webvtt_gets_no_false_alarms() {
    let (code, r) = check_json(&wild("valid-cr.vtt"), &[]);
    assert_eq!(code, 0);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

/// Class 4: markup becomes SubRip without gluing words.
#[test]
fn webvtt_markup_to_subrip_keeps_words_apart() {
    let (_, out, _) = fix_twice("markup.vtt");
    assert!(out.contains("\na\nnew line\n"), "{out}");
    assert!(out.contains("漢字(かんじ) and over(ruby)\n"), "{out}");
}

/// Class 5: a blank line before `WEBVTT` does not make another format:
/// fixing the fixed file changes nothing.
#[test]
fn fix_is_a_fixed_point_with_a_blank_line_before_the_header() {
    let (code, out, after) = fix_twice("blank-before-header.vtt");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("1\n00:00:01,000 --> 00:00:03,000\nA blank line came before the header.\n"),
        "{out}"
    );
    assert!(after.findings.is_empty(), "{:?}", after.findings);
}

/// A stray advert outside any cue is named `advert`, with its text, not
/// `orphan-text`, in SubRip, WebVTT and ASS alike; `fix` still keeps it.
#[test]
fn adverts_outside_cues_are_named_advert() {
    for (path, line, text) in [
        (
            wild("advert-after-blank.srt"),
            5,
            "Downloaded from www.example-subs.com",
        ),
        (
            wild("advert-orphan.vtt"),
            6,
            "Subtitles by the Night Train Team",
        ),
        (
            crate::util::fixture("ass/advert.ass"),
            7,
            "Downloaded from www.example-subs.com",
        ),
    ] {
        let (code, r) = check_json(&path, &[]);
        assert_eq!(code, 1, "{path:?}");
        let adverts: Vec<_> = r.findings.iter().filter(|f| f.rule == "advert").collect();
        assert_eq!(adverts.len(), 1, "{path:?}: {:?}", r.findings);
        assert_eq!((adverts[0].line, adverts[0].cue), (line, None), "{path:?}");
        assert!(adverts[0].message.contains(text), "{:?}", adverts[0]);
        assert!(
            findings_of(&r, "orphan-text").is_empty(),
            "{path:?}: {:?}",
            r.findings
        );
        let tmp = tempfile::tempdir().unwrap();
        let (_, out) = fix_to(&path, &tmp.path().join("out.srt"));
        // A block of its own, not a cue's text.
        let block = format!("{text}\n\n");
        assert!(
            out.starts_with(&block) || out.contains(&format!("\n\n{block}")),
            "{path:?}:\n{out}"
        );
    }
}

/// A bilingual track (an English and a Chinese line per cue) is said once
/// per file, with the count and the first cue, not as `untranslated` on
/// every cue; a cue that is only Chinese is still named on its own.
#[test]
fn a_bilingual_track_is_named_once() {
    let (_, r) = check_json(&wild("bilingual.srt"), &[]);
    let untranslated: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "untranslated")
        .collect();
    assert_eq!(untranslated.len(), 2, "{:?}", r.findings);
    assert_eq!((untranslated[0].line, untranslated[0].cue), (3, Some(1)));
    assert!(
        untranslated[0].message.contains("3 cues with an English")
            && untranslated[0].message.contains("split-lang"),
        "{:?}",
        untranslated[0]
    );
    assert_eq!((untranslated[1].line, untranslated[1].cue), (22, Some(5)));
}

/// `split-lang` writes FILE.en.srt and FILE.zh.srt with the same timings,
/// leaves a cue out of the file of a language it lacks, says the counts,
/// and replaces existing outputs only with --force.
#[test]
fn split_lang_writes_one_file_per_language() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("talk.srt");
    std::fs::copy(wild("bilingual.srt"), &input).unwrap();
    let run = screenkit(["split-lang".as_ref(), input.as_os_str()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("(4 cues) and") && run.stderr.contains("(4 cues) from 5 cues"),
        "{run:?}"
    );
    let en = std::fs::read_to_string(tmp.path().join("talk.en.srt")).unwrap();
    let zh = std::fs::read_to_string(tmp.path().join("talk.zh.srt")).unwrap();
    assert_eq!(
        en,
        "1\n00:00:01,000 --> 00:00:03,000\nLet's go home.\n\n\
         2\n00:00:04,000 --> 00:00:06,000\nThe train leaves at nine.\n\n\
         3\n00:00:07,000 --> 00:00:09,000\nTickets, please.\n\n\
         4\n00:00:10,000 --> 00:00:12,000\n{\\an8}<i>Guangzhou Station</i>\n\n"
    );
    assert_eq!(
        zh,
        "1\n00:00:01,000 --> 00:00:03,000\n我们回家吧。\n\n\
         2\n00:00:04,000 --> 00:00:06,000\n火车九点开。\n\n\
         3\n00:00:10,000 --> 00:00:12,000\n{\\an8}<i>广州站</i>\n\n\
         4\n00:00:13,000 --> 00:00:15,000\n人太多了。\n\n"
    );
    let again = screenkit(["split-lang".as_ref(), input.as_os_str()]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    let forced = screenkit(["split-lang".as_ref(), input.as_os_str(), "--force".as_ref()]);
    assert_eq!(forced.code, 0, "{forced:?}");
    // A track with no Chinese line has nothing to split.
    let plain = tmp.path().join("plain.srt");
    std::fs::write(&plain, "1\n00:00:01,000 --> 00:00:02,000\nOnly English.\n").unwrap();
    let none = screenkit(["split-lang".as_ref(), plain.as_os_str()]);
    assert_eq!(none.code, 1, "{none:?}");
    assert!(!tmp.path().join("plain.en.srt").exists());
}

/// Class 4, ruby: it survives vtt → vtt as ruby, and vtt → srt (convert
/// or fix) as base then reading in parentheses, words not glued; check
/// takes it for markup, not an unknown tag.
#[test]
fn ruby_survives_webvtt_and_reads_in_subrip() {
    let convert = |to: &str| {
        let run = screenkit([
            "convert".as_ref(),
            wild("markup.vtt").as_os_str(),
            "--to".as_ref(),
            to.as_ref(),
            "-o".as_ref(),
            "-".as_ref(),
        ]);
        assert_eq!(run.code, 0, "{run:?}");
        run.stdout
    };
    let vtt = convert("vtt");
    assert!(
        vtt.contains("\n<ruby>漢字<rt>かんじ</rt></ruby> and <ruby>over<rt>ruby</rt></ruby>\n"),
        "{vtt}"
    );
    let srt = convert("srt");
    assert!(srt.contains("\n漢字(かんじ) and over(ruby)\n"), "{srt}");
    let (_, r) = check_json(&wild("markup.vtt"), &[]);
    assert!(
        r.findings.iter().all(|f| f.rule != "unsupported-tags"),
        "{:?}",
        r.findings
    );
}

/// Every cue setting (`line`, `position`, `align`, `size`, `vertical`,
/// `region`) and the `STYLE`/`REGION` blocks survive vtt → vtt, and the
/// result passes the parser behind the W3C validator.
#[test]
fn every_cue_setting_survives_webvtt_to_webvtt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.vtt");
    let run = screenkit([
        "convert".as_ref(),
        wild("every-setting.vtt").as_os_str(),
        "--to".as_ref(),
        "vtt".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let vtt = std::fs::read_to_string(&out).unwrap();
    for want in [
        "00:00:01.000 --> 00:00:02.000 line:0 position:20%,line-left align:start size:50%\n",
        "00:00:03.000 --> 00:00:04.000 vertical:rl line:-1 align:end\n",
        "00:00:05.000 --> 00:00:06.000 region:fred align:left\n",
        "REGION\nid:fred\nwidth:40%\nlines:3\nregionanchor:0%,100%\nviewportanchor:10%,90%\nscroll:up\n\n",
        "STYLE\n::cue { color: yellow }\n\n",
        "<ruby>漢<rt>kan</rt></ruby>",
    ] {
        assert!(vtt.contains(want), "{want:?} lost:\n{vtt}");
    }
    // The validator's parser (webvtt-parser) predates regions: it reads a
    // REGION block as a broken cue and `region:` as an unknown setting, even
    // in the input; everything else is held to it.
    let region = vtt.find("REGION\n").unwrap();
    let end = region + vtt[region..].find("\n\n").unwrap() + 2;
    let checked = tmp.path().join("no-region-block.vtt");
    let without = format!("{}{}", &vtt[..region], &vtt[end..]).replace(" region:fred", "");
    std::fs::write(&checked, without).unwrap();
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/validate.js");
    let valid = std::process::Command::new("node")
        .arg(js)
        .arg(&checked)
        .output()
        .expect("node: run `bash tests/run`");
    let said = String::from_utf8_lossy(&valid.stdout);
    assert!(
        valid.status.success() && said.contains(": 3 cues"),
        "{said}\n{vtt}"
    );
    // SubRip has none of this: the top-line cue keeps {\an8}, the words stay.
    let run = screenkit([
        "convert".as_ref(),
        out.as_os_str(),
        "--to".as_ref(),
        "srt".as_ref(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(
        run.stdout.contains("{\\an8}Top left.") && run.stdout.contains("Vertical."),
        "{run:?}"
    );
}
