//! WebVTT out (for the kit's HTML player) and in (to convert back to SRT).
//!
//! Rules from the W3C WebVTT spec that SRT text breaks: timestamps use `.`;
//! a cue payload may not contain a blank line or `-->`; `&` and `<` must be
//! escaped unless they start a known entity or a WebVTT tag; only `<i>`,
//! `<b>`, `<u>` (and `<c>`, `<v>`, `<lang>`, `<ruby>`, `<rt>`) are tags, so
//! SRT's `<font>` and ASS `{\…}` overrides are dropped, except `{\anN}`
//! which becomes a cue setting.

use super::markup::balance_tags;
use super::{Cue, Source, Track};
use crate::time::{Timestamp, parse_timecode};
use thiserror::Error;

/// Why a track could not be written or read as WebVTT.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum VttError {
    #[error("cue {cue} (line {line}) starts before 00:00:00.000; shift it first")]
    Negative { cue: usize, line: usize },
    #[error("line 1: not a WebVTT file (it must start with 'WEBVTT')")]
    NoHeader,
}

/// WebVTT text plus what had to be left out or reordered to make it valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VttText {
    pub text: String,
    /// 1-based file positions of cues left out because they end at or
    /// before their start (WebVTT forbids them; no player shows them).
    pub skipped: Vec<usize>,
    /// Cues were put in start order (WebVTT requires it).
    pub sorted: bool,
}

/// Render a track as WebVTT that the W3C validator accepts: cues in start
/// order with ids 1…n, tags balanced, zero-length cues left out.
pub fn to_vtt(track: &Track) -> Result<VttText, VttError> {
    let mut out = String::from("WEBVTT\n\n");
    let mut order: Vec<&Cue> = track.cues.iter().collect();
    order.sort_by_key(|c| c.start);
    let sorted = order.iter().zip(&track.cues).any(|(a, b)| a.pos != b.pos);
    let mut skipped = Vec::new();
    let mut id = 0;
    for cue in order {
        if cue.start.ms() < 0 || cue.end.ms() < 0 {
            return Err(VttError::Negative {
                cue: cue.pos + 1,
                line: cue.time_line,
            });
        }
        if cue.end <= cue.start {
            skipped.push(cue.pos + 1);
            continue;
        }
        id += 1;
        let (settings, lines) = cue_payload(cue);
        out.push_str(&format!(
            "{id}\n{} --> {}{settings}\n",
            cue.start.vtt(),
            cue.end.vtt()
        ));
        for l in balance_tags(&lines) {
            out.push_str(&l);
            out.push('\n');
        }
        out.push('\n');
    }
    skipped.sort_unstable();
    Ok(VttText {
        text: out,
        skipped,
        sorted,
    })
}

/// Cue settings from an SRT `{\anN}` tag, and the escaped text lines.
fn cue_payload(cue: &Cue) -> (String, Vec<String>) {
    let mut an = None;
    let lines = cue
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (text, pos) = srt_line_to_vtt(l);
            an = an.or(pos);
            text
        })
        .filter(|l| !l.is_empty())
        .collect();
    let settings = match an {
        Some(7..=9) => " line:0",
        Some(4..=6) => " line:50%",
        _ => "",
    };
    let align = match an {
        Some(1 | 4 | 7) => " align:left",
        Some(3 | 6 | 9) => " align:right",
        _ => "",
    };
    (format!("{settings}{align}"), lines)
}

const VTT_TAGS: [&str; 3] = ["i", "b", "u"];
const ENTITIES: [&str; 6] = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&lrm;", "&rlm;"];

/// Convert one SRT text line: keep `<i>/<b>/<u>`, drop other tags and ASS
/// overrides (reporting `\anN`), escape everything else.
fn srt_line_to_vtt(line: &str) -> (String, Option<u8>) {
    let mut out = String::with_capacity(line.len());
    let mut an = None;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '{'
            && rest.starts_with("{\\")
            && let Some(close) = rest.find('}')
        {
            let tag = &rest[2..close];
            if let Some(n) = tag.strip_prefix("an").and_then(|d| d.parse::<u8>().ok()) {
                an = an.or(Some(n));
            }
            rest = &rest[close + 1..];
            continue;
        }
        if c == '<' {
            if let Some(close) = rest.find('>') {
                let inner = &rest[1..close];
                let name = inner
                    .trim_start_matches('/')
                    .split([' ', '='])
                    .next()
                    .unwrap_or("");
                let name = name.to_ascii_lowercase();
                if VTT_TAGS.contains(&name.as_str()) && !inner.contains(' ') {
                    let slash = if inner.starts_with('/') { "/" } else { "" };
                    out.push_str(&format!("<{slash}{name}>"));
                    rest = &rest[close + 1..];
                    continue;
                }
                if matches!(name.as_str(), "font" | "s") {
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            out.push_str("&lt;");
        } else if c == '>' {
            out.push_str("&gt;");
        } else if c == '&' {
            match ENTITIES.iter().find(|e| rest.starts_with(*e)) {
                Some(e) => {
                    out.push_str(e);
                    rest = &rest[e.len()..];
                    continue;
                }
                None => out.push_str("&amp;"),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    // `-->` may not appear in a payload; its `>` was escaped above already.
    (out.trim_end().to_string(), an)
}

/// Read WebVTT text into a track (for `convert --to srt`).
pub fn parse_vtt(text: &str) -> Result<Track, VttError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (lines, eol, final_newline) = super::parse::split_lines(text);
    let header = lines.first().copied().unwrap_or("");
    if !(header == "WEBVTT" || header.starts_with("WEBVTT ") || header.starts_with("WEBVTT\t")) {
        return Err(VttError::NoHeader);
    }
    let mut cues = Vec::new();
    let mut i = 1;
    while i < lines.len() {
        // A block: consecutive non-blank lines.
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        let mut block = &lines[start..i];
        let mut at = start;
        let Some(mut t) = block.iter().position(|l| l.contains("-->")) else {
            continue; // NOTE, STYLE, REGION or stray text
        };
        if t > 1 || block[0].starts_with("NOTE") {
            continue;
        }
        // A line containing "-->" always starts new cue timings (WebVTT
        // parser rules), even without a blank line before it.
        loop {
            let next = block[t + 1..]
                .iter()
                .position(|l| l.contains("-->"))
                .map(|k| t + 1 + k);
            let text_end = next.unwrap_or(block.len());
            if let Some((s, e, settings)) = vtt_time_line(block[t]) {
                let top = settings
                    .split_whitespace()
                    .any(|s| s == "line:0" || s == "line:0%");
                let mut text_lines: Vec<String> = block[t + 1..text_end]
                    .iter()
                    .map(|l| vtt_text_to_srt(l))
                    .collect();
                if top && let Some(first) = text_lines.first_mut() {
                    first.insert_str(0, "{\\an8}");
                }
                let mut cue = Cue {
                    pos: cues.len(),
                    index: (t == 1).then(|| super::Index::read(block[0])),
                    time_line: at + t + 1,
                    start: s,
                    end: e,
                    text: String::new(),
                    breaks: 0,
                    syntax: None,
                    no_blank_after: false,
                };
                cue.put_text(text_lines.join("\n"));
                cues.push(cue);
            }
            let Some(n) = next else { break };
            at += n;
            block = &block[n..];
            t = 0;
        }
    }
    Ok(Track {
        cues,
        orphans: Vec::new(),
        source: Source {
            encoding: super::decode::Charset::UTF_8,
            eol,
            final_newline,
            ..Source::default()
        },
    })
}

fn vtt_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    // `MM:SS.mmm` has no hours field.
    let full = if s.matches(':').count() == 1 {
        format!("00:{s}")
    } else {
        s.to_string()
    };
    parse_timecode(&full).map(|(t, _)| t)
}

fn vtt_time_line(l: &str) -> Option<(Timestamp, Timestamp, String)> {
    let (a, b) = l.split_once("-->")?;
    let b = b.trim_start();
    let end_len = b.find(char::is_whitespace).unwrap_or(b.len());
    Some((
        vtt_time(a)?,
        vtt_time(&b[..end_len])?,
        b[end_len..].trim().to_string(),
    ))
}

/// WebVTT payload to SRT text: drop voice/class/lang/ruby and timestamp tags,
/// keep `<i>/<b>/<u>`, decode the entities.
fn vtt_text_to_srt(l: &str) -> String {
    let mut out = String::with_capacity(l.len());
    let mut rest = l;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(close) = rest.find('>')
        {
            let inner = &rest[1..close];
            let name = inner
                .trim_start_matches('/')
                .split(['.', ' '])
                .next()
                .unwrap_or("");
            if VTT_TAGS.contains(&name) {
                let slash = if inner.starts_with('/') { "/" } else { "" };
                out.push_str(&format!("<{slash}{name}>"));
            }
            rest = &rest[close + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srt_markup_becomes_valid_vtt() {
        let cases = [
            ("<i>Hi</i> & bye", "<i>Hi</i> &amp; bye", None),
            ("<font color=\"red\">red</font>", "red", None),
            ("{\\an8}Top", "Top", Some(8)),
            ("2 < 3 --> 4", "2 &lt; 3 --&gt; 4", None),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
                None,
            ),
            ("&nbsp;&amp;", "&nbsp;&amp;", None),
            ("<I>caps</I>", "<i>caps</i>", None),
        ];
        for (srt, vtt, an) in cases {
            assert_eq!(srt_line_to_vtt(srt), (vtt.to_string(), an), "{srt}");
        }
    }

    #[test]
    fn round_trip_through_vtt() {
        let t = Track::from_cues(vec![
            Cue::new(
                Timestamp(1000),
                Timestamp(2000),
                "{\\an8}<i>Top</i> & <b>bold</b>",
            ),
            Cue::new(Timestamp(3_600_000), Timestamp(3_601_500), "a < b"),
        ]);
        let vtt = to_vtt(&t).unwrap().text;
        assert!(
            vtt.starts_with("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000 line:0\n"),
            "{vtt}"
        );
        let back = parse_vtt(&vtt).unwrap();
        assert_eq!(back.cues.len(), 2);
        assert_eq!(back.cues[0].text(), "{\\an8}<i>Top</i> & <b>bold</b>");
        assert_eq!(back.cues[1].text(), "a < b");
        assert_eq!(back.cues[1].start, Timestamp(3_600_000));
    }

    #[test]
    fn output_is_valid_even_from_sloppy_srt() {
        let t = Track::from_cues(vec![
            Cue::new(Timestamp(5000), Timestamp(6000), "<b><i>late</b>"),
            Cue::new(Timestamp(1000), Timestamp(1000), "zero"),
            Cue::new(Timestamp(2000), Timestamp(3000), "early"),
        ]);
        let v = to_vtt(&t).unwrap();
        assert_eq!(v.skipped, [2]);
        assert!(v.sorted);
        assert_eq!(
            v.text,
            "WEBVTT\n\n1\n00:00:02.000 --> 00:00:03.000\nearly\n\n2\n00:00:05.000 --> 00:00:06.000\n<b><i>late</i></b>\n\n"
        );
    }

    /// Found by the fuzz target: a `-->` line inside a cue block must start
    /// a new cue, or it is written to SubRip as text that reads as timing.
    #[test]
    fn a_timing_line_inside_a_block_starts_a_new_cue() {
        let v = "WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:03.000 --> 00:04.000\ntwo\n\x0c00:05 --> bad\nlost\n";
        let t = parse_vtt(v).unwrap();
        let got: Vec<_> = t
            .cues
            .iter()
            .map(|c| (c.start.ms(), c.text().to_string()))
            .collect();
        assert_eq!(got, [(1000, "one".to_string()), (3000, "two".to_string())]);
    }

    #[test]
    fn reads_short_times_notes_and_voices() {
        let v = "WEBVTT - x\n\nNOTE hi\nthere\n\n00:01.000 --> 00:02.500 align:start\n<v Bob>Hello <c.loud>you</c>\n";
        let t = parse_vtt(v).unwrap();
        assert_eq!(t.cues.len(), 1);
        assert_eq!((t.cues[0].start.ms(), t.cues[0].end.ms()), (1000, 2500));
        assert_eq!(t.cues[0].text(), "Hello you");
        assert_eq!(
            parse_vtt("1\n00:00:01,000 --> x").unwrap_err(),
            VttError::NoHeader
        );
    }
}
