//! Properties over generated input: the reader never panics on any bytes,
//! parse → write → parse is the identity on well-formed tracks, and fix is
//! idempotent on anything SRT-like.

use proptest::prelude::*;
use screenkit::check::profile::{Limits, ProfileName};
use screenkit::check::{CheckOptions, check_track};
use screenkit::fix::fix;
use screenkit::subtitle::write::to_srt;
use screenkit::subtitle::{Cue, Eol, Track, read_bytes, vtt::to_vtt};
use screenkit::time::Timestamp;

fn opts() -> CheckOptions {
    CheckOptions {
        limits: Limits::new(ProfileName::Netflix, 24.0),
        ignore: Default::default(),
        clip_ms: None,
    }
}

/// Lines that real SRT files are made of, good and bad.
fn srt_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (0u32..2000).prop_map(|n| n.to_string()),
        (0i64..400_000, 0i64..400_000).prop_map(|(a, b)| format!(
            "{} --> {}",
            Timestamp(a).srt(),
            Timestamp(b).srt()
        )),
        "[0-9:,. ]{0,12}-->[0-9:,. a-zX]{0,20}",
        "[a-zA-Z <>/ib{}\\\\&;中文éâ€™\u{2028}]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(t) = read_bytes(&bytes, None) {
            check_track(&t, &opts());
            let (f, _) = fix(&t, &opts().limits);
            let _ = to_srt(&f, Eol::Lf);
            let _ = to_vtt(&f);
        }
    }

    #[test]
    fn fix_is_idempotent_on_srt_like_text(lines in proptest::collection::vec(srt_line(), 0..40)) {
        let text = lines.join("\n");
        if let Ok(t) = read_bytes(text.as_bytes(), None) {
            let lim = &opts().limits;
            let once = to_srt(&fix(&t, lim).0, Eol::Lf).unwrap();
            if !once.is_empty() {
                let t2 = read_bytes(once.as_bytes(), None).unwrap();
                let twice = to_srt(&fix(&t2, lim).0, Eol::Lf).unwrap();
                prop_assert_eq!(&once, &twice);
                let left: Vec<_> = check_track(&t2, &opts()).into_iter().filter(|f| f.fixable).collect();
                prop_assert!(left.is_empty(), "fixable left: {:?}\n{}", left, once);
            }
        }
    }

    #[test]
    fn parse_write_parse_is_identity(cues in proptest::collection::vec(
        (0i64..360_000_000, 1i64..20_000, proptest::collection::vec("[A-Za-z0-9 ,.!?'<>/]{1,30}", 1..4)), 1..30)
    ) {
        let cues: Vec<Cue> = cues.into_iter().map(|(s, d, lines)| {
            let lines: Vec<String> = lines.into_iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty() && !l.contains("-->")).collect();
            let text = if lines.is_empty() { "x".to_string() } else { lines.join("\n") };
            Cue::new(Timestamp(s), Timestamp(s + d), &text)
        }).collect();
        let written = to_srt(&Track::from_cues(cues.clone()), Eol::Lf).unwrap();
        let parsed = read_bytes(written.as_bytes(), None).unwrap();
        prop_assert!(parsed.orphans.is_empty());
        prop_assert_eq!(parsed.cues.len(), cues.len());
        for (a, b) in parsed.cues.iter().zip(&cues) {
            prop_assert_eq!((a.start, a.end, a.text()), (b.start, b.end, b.text()));
        }
        prop_assert_eq!(to_srt(&parsed, Eol::Lf).unwrap(), written);
    }
}

/// Plain lines for the word-keeping property: words, numbers, blank lines
/// and time lines (WebVTT's or SubRip's), in any order.
fn plain_line(vtt: bool) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (0u32..50).prop_map(|n| n.to_string()),
        (0i64..60_000, 0i64..60_000).prop_map(move |(a, b)| {
            let (a, b) = (Timestamp(a), Timestamp(b));
            if vtt {
                format!("{} --> {}", a.vtt(), b.vtt())
            } else {
                format!("{} --> {}", a.srt(), b.srt())
            }
        }),
        "[a-z]{1,8}( [a-z]{1,8}){0,3}",
    ]
}

/// The words of every line that is neither a time line nor the one before
/// it (perhaps an index or identifier, which fix renumbers; in WebVTT only
/// when it starts a block), sorted.
fn text_words(text: &str, vtt: bool) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let id = |i: usize| {
        lines.get(i + 1).is_some_and(|n| n.contains("-->"))
            && (!vtt || i == 0 || lines[i - 1].trim().is_empty())
    };
    let mut words: Vec<String> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !l.contains("-->") && !id(*i))
        .flat_map(|(_, l)| l.split_whitespace())
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    words.sort();
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_any_webvtt_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut input = b"WEBVTT\n".to_vec();
        input.extend(bytes);
        if let Ok(t) = read_bytes(&input, None) {
            check_track(&t, &opts());
            let (f, _) = fix(&t, &opts().limits);
            let _ = to_srt(&f, Eol::Lf);
            let _ = to_vtt(&f);
        }
    }

    /// fix keeps every word, in cues or outside them, and is a fixed point
    /// on its own output, for SubRip and WebVTT input alike.
    #[test]
    fn fix_keeps_every_word(vtt in any::<bool>(), lines in proptest::collection::vec(plain_line(false), 0..30), vlines in proptest::collection::vec(plain_line(true), 0..30)) {
        let text = if vtt { format!("WEBVTT\n\n{}", vlines.join("\n")) } else { lines.join("\n") };
        // Only empty input is refused (every line is valid UTF-8).
        let Ok(t) = read_bytes(text.as_bytes(), None) else { return Ok(()) };
        let lim = &opts().limits;
        let once = to_srt(&fix(&t, lim).0, Eol::Lf).unwrap();
        // Every word of the input is in the output (lines that may be
        // identifiers aside: the output may keep them as text).
        let mut out = text_words(&once, false);
        for w in text_words(&text, vtt) {
            let at = out.iter().position(|o| *o == w);
            prop_assert!(at.is_some(), "'{}' lost:\n{}\n->\n{}", w, text, once);
            out.remove(at.unwrap_or(0));
        }
        if once.is_empty() {
            return Ok(());
        }
        let t2 = read_bytes(once.as_bytes(), None).unwrap();
        let twice = to_srt(&fix(&t2, lim).0, Eol::Lf).unwrap();
        prop_assert_eq!(&once, &twice);
    }
}

const ASS_HEAD: &str = "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";

/// ASS event lines for the word-keeping property: dialogue with words,
/// overrides, breaks and commas; comments; stray words; broken events.
/// Each comes with the words `fix` must keep (none for a comment).
fn ass_line() -> impl Strategy<Value = (String, Vec<String>)> {
    let time =
        (0i64..2, 0i64..60, 0i64..100).prop_map(|(m, s, cs)| format!("0:{m:02}:{s:02}.{cs:02}"));
    let words = proptest::collection::vec("[a-z]{1,8}", 1..4);
    let glue = prop_oneof![
        Just(" "),
        Just("\\N"),
        Just(", "),
        Just(" {\\i1}"),
        Just("{\\i0} "),
        Just(" {\\an8}"),
        Just("\\h"),
        Just(" {\\b1\\fs20}")
    ];
    prop_oneof![
        (time.clone(), time.clone(), words.clone(), glue).prop_map(|(a, b, w, g)| {
            (
                format!("Dialogue: 0,{a},{b},Default,,0,0,0,,{}", w.join(g)),
                w,
            )
        }),
        (time.clone(), words.clone()).prop_map(|(a, w)| {
            (
                format!("Comment: 0,{a},{a},Default,,0,0,0,,{}", w.join(" ")),
                vec![],
            )
        }),
        words.clone().prop_map(|w| (w.join(" "), w)),
        (time, words).prop_map(|(a, w)| {
            (
                format!("Dialogue: 0,{a},0:xx:00.00,Default,,0,0,0,,{}", w.join(" ")),
                w,
            )
        }),
        Just((String::new(), vec![])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_any_ass_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut input = ASS_HEAD.as_bytes().to_vec();
        input.extend(bytes);
        if let Ok(t) = read_bytes(&input, None) {
            check_track(&t, &opts());
            let (f, _) = fix(&t, &opts().limits);
            let _ = to_srt(&f, Eol::Lf);
            let _ = to_vtt(&f);
        }
    }

    /// fix keeps every word of every Dialogue event and of every stray
    /// line (reported as orphan text) of an ASS file, and is a fixed point
    /// on its own output.
    #[test]
    fn fix_keeps_every_word_of_ass(lines in proptest::collection::vec(ass_line(), 0..25)) {
        let text = format!("{ASS_HEAD}{}\n", lines.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join("\n"));
        let t = read_bytes(text.as_bytes(), None).unwrap();
        let lim = &opts().limits;
        let once = to_srt(&fix(&t, lim).0, Eol::Lf).unwrap();
        let mut out: Vec<String> = once
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        for w in lines.iter().flat_map(|(_, w)| w) {
            let at = out.iter().position(|o| o == w);
            prop_assert!(at.is_some(), "'{}' lost:\n{}\n->\n{}", w, text, once);
            out.remove(at.unwrap_or(0));
        }
        if once.is_empty() {
            return Ok(());
        }
        let t2 = read_bytes(once.as_bytes(), None).unwrap();
        let twice = to_srt(&fix(&t2, lim).0, Eol::Lf).unwrap();
        prop_assert_eq!(&once, &twice);
    }
}
