//! WebVTT out (for the kit's HTML player) and in (to convert back to SRT).
//!
//! Rules from the W3C WebVTT spec that SRT text breaks: timestamps use `.`;
//! a cue payload may not contain a blank line or `-->`; `&` and `<` must be
//! escaped unless they start a known entity or a WebVTT tag; only `<i>`,
//! `<b>`, `<u>` (and `<c>`, `<v>`, `<lang>`, `<ruby>`, `<rt>`) are tags, so
//! SRT's `<font>` and ASS `{\…}` overrides are dropped, except `{\anN}`
//! which becomes a cue setting.

use super::markup::balance_tags;
use super::{Cue, Orphan, OrphanReason, Source, TimeSyntax, Track, VttFacts};
use crate::time::{TimeQuirks, Timestamp};
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
    let facts = track.source.webvtt.as_ref();
    for b in facts.map_or(&[][..], |f| &f.blocks) {
        out.push_str(b);
        out.push_str("\n\n");
    }
    let written = |pos: usize| {
        let s = facts.map_or(&[][..], |f| &f.settings);
        s.binary_search_by_key(&pos, |(p, _)| *p)
            .ok()
            .map(|k| s[k].1.as_str())
    };
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
        let (mut settings, lines) = cue_payload(cue);
        // Settings as the WebVTT source wrote them say more than `{\anN}`.
        if let Some(w) = written(cue.pos) {
            settings = format!(" {w}");
        }
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
                let ruby = name == "ruby" || name == "rt";
                if (VTT_TAGS.contains(&name.as_str()) || ruby) && !inner.contains(' ') {
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

/// Read WebVTT text into a track (for `convert --to srt`, `check`, `fix`).
///
/// Nothing is dropped without a trace, as in the SubRip reader: a block
/// with no timing line, or one that cannot be read, becomes an `Orphan`
/// (`orphan-text` / `timecode-format`), and text after a blank line inside
/// a cue body stays in the cue with the blank line (`blank-line-in-cue`),
/// unless it is a number line or an advert. `NOTE`, `STYLE` and `REGION`
/// blocks and the header block are not subtitle text and are skipped.
pub fn parse_vtt(text: &str) -> Result<Track, VttError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (lines, eol, final_newline) = super::parse::split_lines(text);
    let blank = |l: &str| l.trim().is_empty();
    let lead = lines.iter().take_while(|l| blank(l)).count();
    let header = lines.get(lead).copied().unwrap_or("");
    if !(header == "WEBVTT" || header.starts_with("WEBVTT ") || header.starts_with("WEBVTT\t")) {
        return Err(VttError::NoHeader);
    }
    let mut r = VttReader {
        lines: &lines,
        cues: Vec::new(),
        orphans: Vec::new(),
        after_cue: false,
        facts: VttFacts::default(),
    };
    // The header block runs to the first blank line.
    let mut i = lead + 1;
    while i < lines.len() && !blank(lines[i]) {
        i += 1;
    }
    loop {
        let blank_from = i;
        while i < lines.len() && blank(lines[i]) {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        let start = i;
        while i < lines.len() && !blank(lines[i]) {
            i += 1;
        }
        r.block(start, i, start - blank_from);
    }
    Ok(Track {
        cues: r.cues,
        orphans: r.orphans,
        source: Source {
            encoding: super::decode::Charset::UTF_8,
            eol,
            final_newline,
            leading_blank_lines: lead,
            vtt: true,
            webvtt: Some(r.facts),
            ..Source::default()
        },
    })
}

struct VttReader<'a> {
    lines: &'a [&'a str],
    cues: Vec<Cue>,
    orphans: Vec<Orphan>,
    /// The last block read ended in a cue's text.
    after_cue: bool,
    facts: VttFacts,
}

impl VttReader<'_> {
    /// A timing line, or a line that means to be one (`->`, `—>`).
    fn arrow(&self, i: usize) -> bool {
        self.lines[i].contains("-->") || crate::time::looks_like_time_line(self.lines[i])
    }

    /// Read the block `from..to` (non-blank lines), which came after
    /// `blanks` blank lines.
    fn block(&mut self, from: usize, to: usize, blanks: usize) {
        let first = self.lines[from];
        let word = first.split([' ', '\t']).next().unwrap_or("");
        if matches!(word, "NOTE" | "STYLE" | "REGION") {
            // Styles and regions count only before the first cue.
            if word != "NOTE" && self.cues.is_empty() {
                self.facts.blocks.push(self.lines[from..to].join("\n"));
            }
            self.after_cue = false;
            return;
        }
        let mut pos = from;
        while pos < to {
            let t = if self.arrow(pos) {
                Some(pos)
            } else if pos + 1 < to && self.arrow(pos + 1) {
                Some(pos + 1)
            } else {
                None
            };
            // A line holding "-->" always starts new cue timings (WebVTT
            // parser rules), even without a blank line before it.
            let next = |after: usize| (after..to).find(|&k| self.arrow(k)).unwrap_or(to);
            let Some(t) = t else {
                let end = next(pos);
                self.loose(pos, end, if pos == from { blanks } else { 0 });
                pos = end;
                continue;
            };
            let end = next(t + 1);
            match vtt_time_line(self.lines[t]) {
                Some(tl) => self.cue(pos, t, end, tl),
                None => {
                    self.orphans.push(Orphan {
                        line: pos + 1,
                        lines: self.lines[pos..end].iter().map(|l| l.to_string()).collect(),
                        after: self.cues.last().map(|c| c.pos),
                        reason: OrphanReason::BadTimeLine(t + 1),
                    });
                    self.after_cue = false;
                }
            }
            pos = end;
        }
    }

    /// Lines with no timing line: more of the cue above after a blank
    /// line, as in SubRip, or orphan text.
    fn loose(&mut self, from: usize, to: usize, blanks: usize) {
        let lines = &self.lines[from..to];
        let number = lines[0].trim().bytes().all(|b| b.is_ascii_digit());
        let advert = lines.iter().any(|l| crate::check::text::has_advert(l));
        if self.after_cue
            && !number
            && !advert
            && let Some(cue) = self.cues.last_mut()
        {
            let mut text = cue.text().to_string();
            for _ in 0..blanks {
                text.push('\n');
            }
            for l in lines {
                text.push('\n');
                text.push_str(&vtt_text_to_srt(l));
            }
            cue.put_text(text);
            return;
        }
        self.orphans.push(Orphan {
            line: from + 1,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            after: self.cues.last().map(|c| c.pos),
            reason: OrphanReason::NoTimeLine,
        });
        self.after_cue = false;
    }

    /// A cue with its identifier (if `from < t`), timing line `t` and text
    /// up to `to`.
    fn cue(&mut self, from: usize, t: usize, to: usize, tl: VttTimeLine) {
        let top = tl
            .settings
            .split_whitespace()
            .any(|s| s == "line:0" || s == "line:0%");
        // A line of markup alone (`</c>`) shows nothing but is no blank
        // line either: it is left out rather than read as one.
        let mut text_lines: Vec<String> = self.lines[t + 1..to]
            .iter()
            .map(|l| vtt_text_to_srt(l))
            .filter(|l| !l.trim().is_empty())
            .collect();
        if top && let Some(first) = text_lines.first_mut() {
            first.insert_str(0, "{\\an8}");
        }
        let settings = tl.settings.split_whitespace().collect::<Vec<_>>().join(" ");
        if !settings.is_empty() {
            self.facts.settings.push((self.cues.len(), settings));
        }
        let mut cue = Cue {
            pos: self.cues.len(),
            index: (from < t).then(|| super::Index::read(self.lines[from])),
            time_line: t + 1,
            start: tl.start,
            end: tl.end,
            text: String::new(),
            breaks: 0,
            syntax: None,
            no_blank_after: false,
            inline_text: false,
        };
        cue.put_text(text_lines.join("\n"));
        cue.set_time(TimeSyntax {
            quirks: tl.quirks,
            odd_arrow: tl.odd_arrow,
            rest: None,
            kept_ms: [
                tl.short[0].clone().map(|d| (tl.start, d)),
                tl.short[1].clone().map(|d| (tl.end, d)),
            ],
        });
        self.cues.push(cue);
        self.after_cue = true;
    }
}

/// A WebVTT timestamp: `[H…H:]MM:SS.mmm`, any number of hour digits. What
/// is not WebVTT is read as players read it and reported: a `,`, one or
/// two fraction digits (`ambiguous-ms`, digits returned), four or more
/// (read as a fraction of a second), one-digit fields.
fn vtt_time(s: &str) -> Option<(Timestamp, TimeQuirks, Option<String>)> {
    let s = s.trim();
    let mut q = TimeQuirks::default();
    let (hms, frac) = match s.rfind(['.', ',']) {
        Some(p) => {
            if s[p..].starts_with(',') {
                q.separator = Some(',');
            }
            (&s[..p], Some(&s[p + 1..]))
        }
        None => (s, None),
    };
    let digits = |f: &str| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit());
    let fields: Vec<&str> = hms.split(':').collect();
    if !fields.iter().all(|f| digits(f)) {
        return None;
    }
    let (h, m, sec) = match fields[..] {
        [m, s] => ("00", m, s),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    // Nine hour digits at most: no overflow, and far past any film.
    if h.len() > 9 || m.len() > 2 || sec.len() > 2 {
        return None;
    }
    if h.len() < 2 || m.len() < 2 || sec.len() < 2 {
        q.odd_width = true;
    }
    let n = |f: &str| f.parse::<i64>().unwrap_or(0);
    let mut short = None;
    let ms = match frac {
        None => {
            q.no_millis = true;
            0
        }
        Some(f) if !digits(f) || f.len() > 9 => return None,
        Some(f) if f.len() < 3 => {
            q.short_millis = Some(f.to_string());
            short = Some(f.to_string());
            n(f)
        }
        Some(f) => {
            if f.len() > 3 {
                q.odd_width = true;
            }
            n(&f[..3])
        }
    };
    if n(m) >= 60 || n(sec) >= 60 {
        q.out_of_range = true;
    }
    Some((Timestamp::from_hmsm(n(h), n(m), n(sec), ms), q, short))
}

/// A WebVTT timing line, read.
struct VttTimeLine {
    start: Timestamp,
    end: Timestamp,
    quirks: TimeQuirks,
    odd_arrow: bool,
    /// Short millisecond digits of the start and end codes.
    short: [Option<String>; 2],
    settings: String,
}

/// A timing line: WebVTT's, else one the SubRip reader can read (odd
/// arrows and all), so that text is never lost to a quirk `fix` mends.
fn vtt_time_line(l: &str) -> Option<VttTimeLine> {
    strict_time_line(l).or_else(|| {
        let tl = crate::time::parse_time_line(l)?;
        Some(VttTimeLine {
            start: tl.start,
            end: tl.end,
            quirks: TimeQuirks {
                // `.` is WebVTT's own separator.
                separator: tl.quirks.separator.filter(|&c| c != '.'),
                ..tl.quirks
            },
            odd_arrow: tl.odd_arrow,
            short: tl.short_ms,
            settings: tl.rest.unwrap_or_default(),
        })
    })
}

fn strict_time_line(l: &str) -> Option<VttTimeLine> {
    let (a, b) = l.split_once("-->")?;
    let b = b.trim_start();
    let end_len = b.find(char::is_whitespace).unwrap_or(b.len());
    let (start, mut quirks, s1) = vtt_time(a)?;
    let (end, q2, s2) = vtt_time(&b[..end_len])?;
    let merged_short = quirks.short_millis.clone().or(q2.short_millis.clone());
    quirks.separator = quirks.separator.or(q2.separator);
    quirks.no_millis |= q2.no_millis;
    quirks.odd_width |= q2.odd_width;
    quirks.out_of_range |= q2.out_of_range;
    quirks.short_millis = merged_short;
    Some(VttTimeLine {
        start,
        end,
        quirks,
        odd_arrow: false,
        short: [s1, s2],
        settings: b[end_len..].trim().to_string(),
    })
}

/// WebVTT payload to model text: drop voice/class/lang and timestamp
/// tags, keep `<i>/<b>/<u>` and ruby (closed, as `<ruby>base<rt>reading
/// </rt></ruby>`; SubRip output puts the reading in parentheses), decode
/// the entities; a `<br>` (not WebVTT, but written by some tools) is a
/// line break.
fn vtt_text_to_srt(l: &str) -> String {
    let mut out = String::with_capacity(l.len());
    let mut rest = l;
    let (mut in_ruby, mut in_rt) = (false, false);
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(close) = rest.find('>')
        {
            let inner = &rest[1..close];
            let closing = inner.starts_with('/');
            let name = inner
                .trim_start_matches('/')
                .split(['.', ' ', '/'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            match name.as_str() {
                n if VTT_TAGS.contains(&n) => {
                    let slash = if closing { "/" } else { "" };
                    out.push_str(&format!("<{slash}{n}>"));
                }
                "br" => out.push('\n'),
                "ruby" if !closing && !in_ruby => {
                    in_ruby = true;
                    out.push_str("<ruby>");
                }
                "rt" if !closing && in_ruby && !in_rt => {
                    in_rt = true;
                    out.push_str("<rt>");
                }
                "rt" | "ruby" if closing && in_rt => {
                    in_rt = false;
                    out.push_str("</rt>");
                    if name == "ruby" {
                        in_ruby = false;
                        out.push_str("</ruby>");
                    }
                }
                "ruby" if closing && in_ruby => {
                    in_ruby = false;
                    out.push_str("</ruby>");
                }
                _ => {}
            }
            rest = &rest[close + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if in_rt {
        out.push_str("</rt>");
    }
    if in_ruby {
        out.push_str("</ruby>");
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
