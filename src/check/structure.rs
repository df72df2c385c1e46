//! File-level and block-structure rules (QC-RULES.md §2.1, §2.2): encoding,
//! BOM, line endings, indexes, time-code syntax, blank lines, orphans.

use super::profile::Limits;
use super::rules::{Finding, Message, Rule, Severity, TimeLineOdd, num};
use crate::subtitle::decode::Charset;
use crate::subtitle::parse::is_blank;
use crate::subtitle::{Cue, EncodingHow, Index, OrphanReason, Track};
use crate::time::MAX_SRT;

fn file_finding(rule: Rule, severity: Severity, line: usize, message: String) -> Finding {
    Finding::file(rule, severity, line, message, true)
}

/// Encoding, BOM, line endings, final newline.
pub fn file(track: &Track, lim: &Limits, out: &mut Vec<Finding>) {
    let s = &track.source;
    if s.encoding != Charset::UTF_8 {
        // CJK code pages are a screening-blocking error (QC §6): short
        // files are easy to mis-detect and players assume UTF-8.
        let cjk = s.encoding.is_cjk_code_page();
        let utf = s.encoding.is_unicode();
        let severity = if lim.strict_syntax || cjk {
            Severity::Error
        } else {
            Severity::Warning
        };
        let how = match s.encoding_how {
            EncodingHow::Bom => "by its byte-order mark",
            EncodingHow::NulPattern => "from its NUL-byte pattern (no BOM)",
            EncodingHow::Detected => "by detection; check the text reads right, or pass --encoding",
            EncodingHow::Override => "as --encoding said",
            EncodingHow::Utf8 => "",
        };
        let what = if utf { "" } else { "legacy code page " };
        out.push(file_finding(
            Rule::NotUtf8,
            severity,
            1,
            format!(
                "{what}{} (read {how}); players and WebVTT expect UTF-8",
                s.encoding
            ),
        ));
    } else if s.bom {
        out.push(file_finding(
            Rule::Bom,
            Severity::Info,
            1,
            "UTF-8 byte-order mark; some tools show it as a stray character".into(),
        ));
    }
    if s.decode_errors {
        out.push(Finding {
            fixable: false,
            ..file_finding(
                Rule::NotUtf8,
                Severity::Error,
                1,
                format!(
                    "some bytes are not valid {}; text was lost in decoding (try --encoding)",
                    s.encoding
                ),
            )
        });
    }
    let e = &s.eol;
    if track.source.vtt || track.source.ass.is_some() {
        // WebVTT allows CR, LF and CRLF, mixed as they come; ASS players
        // read any, and fix writes SubRip.
    } else if e.cr > 0 {
        let line = e.first_cr.unwrap_or(1);
        out.push(file_finding(
            Rule::LineEndings,
            Severity::Error,
            line,
            format!(
                "bare CR line endings ({} lines); python srt and some players cannot read them",
                e.cr
            ),
        ));
    } else if e.styles() > 1 {
        let (minority, line) = if e.lf < e.crlf {
            ("LF", e.first_lf)
        } else {
            ("CRLF", e.first_crlf)
        };
        let m = format!(
            "mixed line endings: {} CRLF and {} LF (first {minority} here)",
            e.crlf, e.lf
        );
        out.push(file_finding(
            Rule::LineEndings,
            Severity::Warning,
            line.unwrap_or(1),
            m,
        ));
    }
    if s.leading_blank_lines > 0 {
        out.push(file_finding(
            Rule::Whitespace,
            Severity::Info,
            1,
            format!(
                "{} blank line(s) before the first cue",
                s.leading_blank_lines
            ),
        ));
    }
    let degenerate = track.cues.is_empty() && track.orphans.is_empty();
    if !s.final_newline && !degenerate {
        let last = e.lf + e.crlf + e.cr + 1;
        out.push(file_finding(
            Rule::FinalNewline,
            Severity::Info,
            last,
            "no line break at the end of the file".into(),
        ));
    }
}

/// Index, time-line syntax, blank lines and emptiness of one cue. The
/// expected index follows the previous cue's number (or the position when
/// it has none), so each cue is judged on its own and in parallel.
/// WebVTT cues (`vtt`) need no identifier, nor a numeric one, and ASS
/// events have none (the caller passes `vtt` for them too).
pub fn cue(c: &Cue, prev: Option<&Cue>, vtt: bool, lim: &Limits, out: &mut Vec<Finding>) {
    let strict = if lim.strict_syntax {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut add = |rule, severity, line: usize, message: Message, fixable| {
        out.push(Finding {
            rule,
            severity,
            line: num(line),
            cue: Some(num(c.pos + 1)),
            message,
            fixable,
        });
    };
    match (&c.index, c.index_line()) {
        _ if vtt => {}
        (None, _) | (_, None) => {
            add(
                Rule::MissingIndex,
                strict,
                c.time_line,
                "no index line before the time line".into(),
                true,
            );
        }
        (Some(index), Some(line)) => {
            let num = index.number();
            let prev_num = prev.and_then(|p| p.index.as_ref()).and_then(Index::number);
            let expected = prev_num.map_or(c.pos as i64 + 1, |p| p + 1);
            let m = match (index, num) {
                (_, None) => Some(format!("index '{index}' is not a number")),
                (Index::Raw(raw), Some(_)) if raw.trim() != raw => {
                    Some(format!("index '{raw}' has spaces around the number"))
                }
                (_, Some(n)) if n != expected => Some(format!("index {n}, expected {expected}")),
                _ => None,
            };
            if let Some(m) = m {
                add(Rule::IndexSequence, Severity::Info, line, m.into(), true);
            }
        }
    }
    let q = &c.time().quirks;
    if let Some(ms) = &q.short_millis {
        let sep = if vtt { '.' } else { ',' };
        add(
            Rule::AmbiguousMs,
            Severity::Error,
            c.time_line,
            format!(
                "'{sep}{ms}' has {} millisecond digit(s): read as {} ms here, but pysubs2 reads {} ms",
                ms.len(),
                ms.parse::<u32>().unwrap_or(0),
                format!("{ms:0<3}").parse::<u32>().unwrap_or(0)
            )
            .into(),
            false,
        );
    }
    let odd = TimeLineOdd {
        separator: q.separator,
        no_millis: q.no_millis,
        odd_width: q.odd_width,
        spaces: q.spaces,
        odd_arrow: c.time().odd_arrow,
    };
    if odd.any() {
        add(
            Rule::TimecodeFormat,
            strict,
            c.time_line,
            Message::TimeLine(odd),
            true,
        );
    }
    if q.out_of_range {
        add(Rule::TimecodeRange, Severity::Error, c.time_line, "a field is out of range (minutes/seconds 60 or more, or 4-digit milliseconds); read with carry-over".into(), true);
    }
    if c.start > MAX_SRT || c.end > MAX_SRT {
        let m = format!(
            "ends after {MAX_SRT}, the largest time SubRip can hold; move the cues earlier (screenkit retime --shift)"
        );
        add(
            Rule::TimecodeRange,
            Severity::Error,
            c.time_line,
            m.into(),
            false,
        );
    }
    if let Some(rest) = &c.time().rest {
        add(
            Rule::TextAfterTime,
            Severity::Warning,
            c.time_line,
            format!("'{rest}' after the end time (fix drops it)").into(),
            true,
        );
    }
    if c.is_empty() {
        add(
            Rule::EmptyCue,
            Severity::Warning,
            c.time_line,
            "cue has no text".into(),
            true,
        );
    } else {
        for (i, l) in c.lines().enumerate() {
            if is_blank(l) {
                add(
                    Rule::BlankLineInCue,
                    Severity::Error,
                    c.text_line(i),
                    "blank line inside the cue; VLC and browsers drop what follows".into(),
                    true,
                );
            }
        }
    }
    if c.no_blank_after {
        add(
            Rule::MissingBlankLine,
            Severity::Warning,
            c.text_line(c.line_count()),
            "next cue starts without a blank line before it".into(),
            true,
        );
    }
}

/// Orphan text and files without cues.
pub fn orphans(track: &Track, out: &mut Vec<Finding>) {
    for o in &track.orphans {
        let advert = o.lines.iter().find(|l| super::text::has_advert(l));
        let (rule, line, m) = match o.reason {
            OrphanReason::NoTimeLine if advert.is_some() => (
                Rule::Advert,
                o.line,
                format!(
                    "advert or credit outside any cue: '{}'; delete it",
                    advert.map_or("", |s| s.trim())
                ),
            ),
            OrphanReason::NoTimeLine => (
                Rule::OrphanText,
                o.line,
                format!(
                    "text belongs to no cue (no time line): '{}'",
                    o.lines.first().map_or("", |s| s.as_str())
                ),
            ),
            OrphanReason::BadTimeLine(l) => (
                Rule::TimecodeFormat,
                l,
                "time line could not be read; the whole block is skipped".into(),
            ),
            OrphanReason::BadEvent(why) => (
                Rule::OrphanText,
                o.line,
                format!(
                    "{why}; its text belongs to no cue: '{}'",
                    o.lines.first().map_or("", |s| s.as_str())
                ),
            ),
        };
        out.push(Finding {
            rule,
            severity: Severity::Error,
            line: num(line),
            cue: None,
            message: m.into(),
            fixable: false,
        });
    }
    for d in track.source.ass.iter().flat_map(|a| &a.drawings) {
        let what = if d.only {
            "the event is only a drawing, so it is no cue"
        } else {
            "its text is kept"
        };
        out.push(Finding {
            rule: Rule::AssDrawing,
            severity: Severity::Warning,
            line: num(d.line),
            cue: Some(num(d.cue)),
            message: format!(
                "drawing commands ({{\\p1}} … {{\\p0}}) left out: shapes, not words; {what}"
            )
            .into(),
            fixable: false,
        });
    }
    if track.cues.is_empty() {
        out.push(Finding {
            rule: Rule::NoCues,
            severity: Severity::Error,
            line: 1,
            cue: None,
            message: "no cues found".into(),
            fixable: false,
        });
    }
}
