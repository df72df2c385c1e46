//! ASS/SSA in: `[Script Info]`, `[V4+ Styles]` / `[V4 Styles]` and
//! `[Events]` read into the one subtitle model, each event keeping its
//! line number.
//!
//! Why not a crate: subparse, asai, rassa-parse and fasrt read ASS, but none
//! keeps an event's line number or reads on past a line it cannot read, and
//! screenkit must point at the line and lose no words. The format is small
//! enough to read here.
//!
//! What becomes of each line:
//! - `Dialogue:` is a cue, its fields named by the section's `Format:` line
//!   (any order; `Text` is last and keeps its commas). Times are
//!   `H:MM:SS.cc`. `{\an1..9}`, SSA's `{\aN}` and the style's alignment
//!   become the model's `{\anN}` (WebVTT `line:`/`align:`), `{\i}`, `{\b}`,
//!   `{\u}` and the style's italic and bold become `<i>`, `<b>`, `<u>`;
//!   `\N` and `\n` break the line, `\h` is a no-break space. Other override
//!   tags, and `{comments}` without a `\`, show nothing in players and are
//!   dropped. Drawing commands (`{\p1}` … `{\p0}`) are shapes, not words:
//!   they are left out and recorded for the `ass-drawing` finding; an event
//!   that is only a drawing is no cue.
//! - `Comment:`, `Picture:`, `Sound:`, `Movie:`, `Command:` show no text.
//! - A `Dialogue:` line that cannot be read, and text that is no line of
//!   the format, are kept as orphans (named by `check`, written by `fix`).
//! - `[Fonts]` and `[Graphics]` hold encoded files, skipped.
//!
//! Cues are put in start order (players show events by time, whatever the
//! order in the file); each keeps its line and its number in file order.

use super::{AssFacts, Cue, Drawing, Orphan, OrphanReason, Source, Track};
use crate::time::Timestamp;
use std::collections::HashMap;

/// Whether decoded text is ASS/SSA: its first line that is not blank or a
/// `;` comment is `[Script Info]`.
pub fn is_ass(text: &str) -> bool {
    text.trim_start_matches('\u{FEFF}')
        .split(['\n', '\r'])
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with(';'))
        .is_some_and(|l| l.eq_ignore_ascii_case("[script info]"))
}

/// What a style gives its events.
#[derive(Debug, Clone, Copy, Default)]
struct Style {
    italic: bool,
    bold: bool,
    underline: bool,
    /// Numpad position (ASS numbering), `None` for the default bottom centre.
    an: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before any section header.
    Before,
    Info,
    /// `[V4+ Styles]`, or `[V4 Styles]` (SSA, `ssa`).
    Styles {
        ssa: bool,
    },
    Events,
    /// `[Fonts]`, `[Graphics]`: encoded files.
    Opaque,
    /// Any other section (`[Aegisub Project Garbage]` …).
    Other,
}

const EVENT_FIELDS: [&str; 10] = [
    "layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text",
];
const STYLE_FIELDS: [&str; 4] = ["name", "bold", "italic", "alignment"];

/// Read ASS/SSA text into a track. Never fails: what cannot be read is
/// kept as orphan text.
pub fn parse_ass(text: &str) -> Track {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let (lines, eol, final_newline) = super::parse::split_lines(text);
    let mut r = Reader::new();
    for (i, line) in lines.iter().enumerate() {
        r.line(i + 1, line);
    }
    let mut cues = r.cues;
    cues.sort_by_key(|c| c.start);
    Track {
        cues,
        orphans: r.orphans,
        source: Source {
            encoding: super::decode::Charset::UTF_8,
            eol,
            // Nothing in ASS needs a final line break; fix writes SubRip.
            final_newline: final_newline || lines.is_empty(),
            ass: Some(AssFacts {
                drawings: r.drawings,
            }),
            ..Source::default()
        },
    }
}

struct Reader {
    section: Section,
    /// SSA (`[V4 Styles]` or `ScriptType: v4.00`): legacy alignment numbers.
    ssa: bool,
    /// Lower-cased field names of the styles' `Format:` line.
    style_format: Vec<String>,
    /// Lower-cased field names of the events' `Format:` line.
    event_format: Vec<String>,
    styles: HashMap<String, Style>,
    cues: Vec<Cue>,
    orphans: Vec<Orphan>,
    drawings: Vec<Drawing>,
    /// `Dialogue:` lines seen: the next event's number is `events + 1`.
    events: usize,
}

/// The styles of a script's header, for events that arrive one at a time:
/// a Matroska `S_TEXT/ASS` track keeps `[Script Info]` and the styles in
/// its CodecPrivate and each event in a block. Events read through it
/// become the same cue text as in a whole `.ass` file.
pub struct Header {
    styles: HashMap<String, Style>,
}

impl Header {
    /// Read a header (anything the reader does not use is ignored).
    pub fn parse(text: &str) -> Header {
        let mut r = Reader::new();
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            r.line(i + 1, line);
        }
        Header { styles: r.styles }
    }

    /// One event's `Text` field, shown in the style named `style`, as cue
    /// text: `None` when it shows nothing (a drawing, only overrides).
    pub fn event_text(&self, style: &str, text: &str) -> Option<String> {
        let style = find_style(&self.styles, style);
        let shown = event_text(text, &style, &self.styles);
        (!shown.lines.is_empty()).then(|| shown.lines.join("\n"))
    }
}

/// The style an event names, as renderers pick it: a leading `*` ignored,
/// then `Default`, then the built-in default.
fn find_style(styles: &HashMap<String, Style>, name: &str) -> Style {
    let name = name.trim();
    styles
        .get(name)
        .or_else(|| styles.get(name.trim_start_matches('*')))
        .or_else(|| styles.get("Default"))
        .copied()
        .unwrap_or_default()
}

/// `Key: value` split at the first colon, the key trimmed.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (k, v) = line.split_once(':')?;
    Some((k.trim(), v.strip_prefix(' ').unwrap_or(v)))
}

impl Reader {
    fn new() -> Reader {
        Reader {
            section: Section::Before,
            ssa: false,
            style_format: STYLE_FIELDS.iter().map(|s| s.to_string()).collect(),
            event_format: EVENT_FIELDS.iter().map(|s| s.to_string()).collect(),
            styles: HashMap::new(),
            cues: Vec::new(),
            orphans: Vec::new(),
            drawings: Vec::new(),
            events: 0,
        }
    }

    fn line(&mut self, no: usize, raw: &str) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with("!:") {
            return;
        }
        if line.starts_with('[') && line.ends_with(']') {
            self.section = section(&line[1..line.len() - 1]);
            if let Section::Styles { ssa: true } = self.section {
                self.ssa = true;
            }
            return;
        }
        match self.section {
            Section::Opaque => {}
            Section::Events => self.event_line(no, raw),
            Section::Styles { .. } => match key_value(line) {
                Some((k, v)) if k.eq_ignore_ascii_case("format") => {
                    self.style_format = fields(v);
                }
                Some((k, v)) if k.eq_ignore_ascii_case("style") => self.style(v),
                Some(_) => {}
                None => self.orphan(no, raw, OrphanReason::NoTimeLine),
            },
            Section::Info => match key_value(line) {
                Some((k, v)) => {
                    if k.eq_ignore_ascii_case("scripttype")
                        && v.trim().eq_ignore_ascii_case("v4.00")
                    {
                        self.ssa = true;
                    }
                }
                None => self.orphan(no, raw, OrphanReason::NoTimeLine),
            },
            Section::Before | Section::Other => {
                if key_value(line).is_none() {
                    self.orphan(no, raw, OrphanReason::NoTimeLine);
                }
            }
        }
    }

    /// Text that is no cue. It is written before the first cue: after a
    /// cue, SubRip would read it back as more of that cue's text (and
    /// events are put in time order anyway, so no place is lost).
    fn orphan(&mut self, no: usize, raw: &str, reason: OrphanReason) {
        self.orphans.push(Orphan {
            line: no,
            lines: vec![raw.to_string()],
            after: None,
            reason,
        });
    }

    fn style(&mut self, v: &str) {
        let values: Vec<&str> = v.split(',').map(str::trim).collect();
        let get = |name: &str| {
            self.style_format
                .iter()
                .position(|f| f == name)
                .and_then(|k| values.get(k).copied())
        };
        let flag = |name: &str| get(name).is_some_and(|v| v != "0" && !v.is_empty());
        let an = get("alignment")
            .and_then(|a| a.parse::<u8>().ok())
            .and_then(|a| if self.ssa { from_ssa(a) } else { numpad(a) })
            .filter(|&a| a != 2);
        let style = Style {
            italic: flag("italic"),
            bold: flag("bold"),
            underline: flag("underline"),
            an,
        };
        if let Some(name) = get("name") {
            self.styles.insert(name.to_string(), style);
        }
    }

    fn event_line(&mut self, no: usize, raw: &str) {
        let line = raw.trim_start();
        let Some((kind, rest)) = key_value(line) else {
            return self.orphan(no, raw, OrphanReason::NoTimeLine);
        };
        if kind.eq_ignore_ascii_case("format") {
            let f = fields(rest);
            // A Format line that names no times or no text cannot be what
            // the events follow: the standard order is kept.
            if ["start", "end", "text"]
                .iter()
                .all(|n| f.iter().any(|x| x == n))
                && f.last().is_some_and(|l| l == "text")
            {
                self.event_format = f;
            }
            return;
        }
        if !kind.eq_ignore_ascii_case("dialogue") {
            let known = ["comment", "picture", "sound", "movie", "command"];
            if !known.iter().any(|k| kind.eq_ignore_ascii_case(k)) {
                self.orphan(no, raw, OrphanReason::NoTimeLine);
            }
            return;
        }
        self.events += 1;
        let n = self.event_format.len();
        let values: Vec<&str> = rest.splitn(n, ',').collect();
        if values.len() < n {
            return self.orphan(
                no,
                raw,
                OrphanReason::BadEvent("event has fewer fields than its Format line names"),
            );
        }
        let get = |name: &str| {
            self.event_format
                .iter()
                .position(|f| f == name)
                .map(|k| values[k])
        };
        let times = (
            get("start").and_then(ass_time),
            get("end").and_then(ass_time),
        );
        let (Some(start), Some(end)) = times else {
            return self.orphan(no, raw, OrphanReason::BadTimeLine(no));
        };
        let style = find_style(&self.styles, get("style").unwrap_or(""));
        let shown = event_text(values[n - 1], &style, &self.styles);
        let pos = self.events - 1;
        if shown.drawing {
            self.drawings.push(Drawing {
                line: no,
                cue: pos + 1,
                only: shown.lines.is_empty(),
            });
            if shown.lines.is_empty() {
                return;
            }
        }
        let mut cue = Cue::new(start, end, &shown.lines.join("\n"));
        cue.pos = pos;
        cue.time_line = no;
        cue.inline_text = true;
        self.cues.push(cue);
    }
}

fn section(name: &str) -> Section {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "script info" => Section::Info,
        "v4+ styles" | "v4 styles+" => Section::Styles { ssa: false },
        "v4 styles" => Section::Styles { ssa: true },
        "events" => Section::Events,
        "fonts" | "graphics" => Section::Opaque,
        _ => Section::Other,
    }
}

/// A `Format:` line's field names, trimmed and lower-cased. SSA's
/// `Marked` takes `Layer`'s place and means nothing here.
fn fields(v: &str) -> Vec<String> {
    v.split(',')
        .map(|f| f.trim().to_ascii_lowercase())
        .collect()
}

/// An ASS time: `H:MM:SS.cc` (any hour digits, one or two for minutes and
/// seconds, one to three fraction digits scaled as a decimal fraction;
/// `,` read as `.`; no fraction read as zero), as pysubs2 and players read
/// it. A leading `-` is a negative time.
pub fn ass_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (hms, frac) = match s.split_once(['.', ',']) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let digits = |f: &str, max: usize| {
        !f.is_empty() && f.len() <= max && f.bytes().all(|b| b.is_ascii_digit())
    };
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !digits(h, 9) || !digits(m, 2) || !digits(sec, 2) {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) => {
            // Digits past the third are below a millisecond.
            let f = &f[..f.len().min(3)];
            if !digits(f, 3) {
                return None;
            }
            let v: i64 = f.parse().ok()?;
            v * 10_i64.pow(3 - f.len() as u32)
        }
    };
    let n = |f: &str| f.parse::<i64>().unwrap_or(0);
    let t = Timestamp::from_hmsm(n(h), n(m), n(sec), ms);
    Some(if neg { Timestamp(-t.ms()) } else { t })
}

/// ASS numpad alignment 1–9.
fn numpad(a: u8) -> Option<u8> {
    (1..=9).contains(&a).then_some(a)
}

/// SSA's alignment numbers: 1–3 bottom, +4 top, +8 middle.
fn from_ssa(a: u8) -> Option<u8> {
    match a {
        1..=3 => Some(a),
        5..=7 => Some(a + 2),
        9..=11 => Some(a - 5),
        _ => None,
    }
}

/// An event's text as the model holds it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shown {
    lines: Vec<String>,
    /// Drawing commands were left out.
    drawing: bool,
}

/// Which of `<i>`, `<b>`, `<u>` are on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Marks {
    i: bool,
    b: bool,
    u: bool,
}

impl Marks {
    fn of(s: &Style) -> Self {
        Marks {
            i: s.italic,
            b: s.bold,
            u: s.underline,
        }
    }

    fn get(&self, tag: char) -> bool {
        match tag {
            'i' => self.i,
            'b' => self.b,
            _ => self.u,
        }
    }
}

/// Builds the text, opening and closing tags only where text follows, so
/// that they nest and `{\i1}{\i0}` leaves nothing.
struct Builder {
    out: String,
    open: Vec<char>,
    want: Marks,
}

impl Builder {
    /// Close down to the first open tag no longer wanted, and reopen what
    /// is still wanted: at once, so that the closing tag sits where the
    /// override was, before any space.
    fn close(&mut self) {
        if let Some(k) = self.open.iter().position(|&t| !self.want.get(t)) {
            let closed: Vec<char> = self.open.drain(k..).collect();
            for t in closed.iter().rev() {
                self.out.push_str(&format!("</{t}>"));
            }
            for t in closed.into_iter().filter(|&t| self.want.get(t)) {
                self.out.push_str(&format!("<{t}>"));
                self.open.push(t);
            }
        }
    }

    /// Open what is wanted and not open: just before text that shows.
    fn open_wanted(&mut self) {
        for t in ['i', 'b', 'u'] {
            if self.want.get(t) && !self.open.contains(&t) {
                self.out.push_str(&format!("<{t}>"));
                self.open.push(t);
            }
        }
    }

    fn push(&mut self, c: char) {
        if !c.is_whitespace() {
            self.open_wanted();
        }
        self.out.push(c);
    }

    fn finish(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        for t in self.open.iter().rev() {
            self.out.push_str(&format!("</{t}>"));
        }
        self.out
    }
}

/// An event's `Text` field as model text: overrides applied, drawings
/// left out, breaks made, blank lines dropped.
fn event_text(text: &str, style: &Style, styles: &HashMap<String, Style>) -> Shown {
    let mut b = Builder {
        out: String::with_capacity(text.len()),
        open: Vec::new(),
        want: Marks::of(style),
    };
    let (mut an, mut drawing, mut drew) = (None, false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '{'
            && let Some(close) = rest.find('}')
        {
            let block = &rest[1..close];
            // A block without `\` is a note for the typesetter.
            for tag in block.split('\\').skip(1) {
                override_tag(
                    tag.trim(),
                    style,
                    styles,
                    &mut b.want,
                    &mut an,
                    &mut drawing,
                );
            }
            b.close();
            rest = &rest[close + 1..];
            continue;
        }
        if c == '\\' {
            let esc = match rest.as_bytes().get(1) {
                Some(b'N' | b'n') => Some('\n'),
                Some(b'h') => Some('\u{a0}'),
                _ => None,
            };
            if let Some(e) = esc {
                if !drawing {
                    if e == '\n' {
                        b.out.push('\n');
                    } else {
                        b.push(e);
                    }
                }
                rest = &rest[2..];
                continue;
            }
        }
        if drawing {
            drew |= !c.is_whitespace();
        } else {
            b.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    let text = b.finish();
    let mut lines: Vec<String> = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let (Some(an), Some(first)) = (an.or(style.an).filter(|&a| a != 2), lines.first_mut()) {
        first.insert_str(0, &format!("{{\\an{an}}}"));
    }
    Shown {
        lines,
        drawing: drew,
    }
}

/// Apply one override tag (the text after its `\`).
fn override_tag(
    tag: &str,
    style: &Style,
    styles: &HashMap<String, Style>,
    want: &mut Marks,
    an: &mut Option<u8>,
    drawing: &mut bool,
) {
    // The first position tag of an event is the one renderers use.
    if let Some(d) = tag.strip_prefix("an") {
        if an.is_none() {
            *an = d.trim().parse().ok().and_then(numpad);
        }
        return;
    }
    if let Some(d) = tag.strip_prefix('a')
        && !d.is_empty()
        && d.bytes().all(|b| b.is_ascii_digit())
    {
        if an.is_none() {
            *an = d.parse().ok().and_then(from_ssa);
        }
        return;
    }
    if let Some(name) = tag.strip_prefix('r') {
        let base = if name.trim().is_empty() {
            *style
        } else {
            styles.get(name.trim()).copied().unwrap_or(*style)
        };
        *want = Marks::of(&base);
        return;
    }
    let split = tag
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(tag.len());
    let (name, arg) = (&tag[..split], tag[split..].trim());
    let value = arg.parse::<u32>().ok();
    let style_marks = Marks::of(style);
    match name {
        "i" => want.i = value.map_or(style_marks.i, |v| v != 0),
        "u" => want.u = value.map_or(style_marks.u, |v| v != 0),
        // `\b1`, or a weight: 700 and up is bold.
        "b" => want.b = value.map_or(style_marks.b, |v| v == 1 || v >= 700),
        "p" => {
            if let Some(v) = value {
                *drawing = v > 0;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\nStyle: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1\nStyle: Sign,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,2,2,8,10,10,10,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";

    fn read(events: &str) -> Track {
        parse_ass(&format!("{HEAD}{events}"))
    }

    #[test]
    fn recognised_by_its_first_section() {
        assert!(is_ass("\u{FEFF}[Script Info]\r\nTitle: x\r\n"));
        assert!(is_ass("; made by hand\n\n[script info]\n"));
        assert!(!is_ass("1\n00:00:01,000 --> 00:00:02,000\n[Script Info]\n"));
        assert!(!is_ass("WEBVTT\n"));
    }

    #[test]
    fn times_are_centiseconds_as_pysubs2_reads_them() {
        assert_eq!(ass_time("0:00:01.50"), Some(Timestamp(1500)));
        assert_eq!(ass_time("1:02:03.4"), Some(Timestamp(3_723_400)));
        assert_eq!(ass_time(" 0:00:01.234 "), Some(Timestamp(1234)));
        assert_eq!(ass_time("0:00:01"), Some(Timestamp(1000)));
        assert_eq!(ass_time("-0:00:01.00"), Some(Timestamp(-1000)));
        for bad in ["", "0:01.00", "a:00:01.00", "0:00:01.x", "0:000:01.00"] {
            assert_eq!(ass_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn overrides_become_markup_and_positions() {
        let t = read(
            "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\an8}{\\i1}Top{\\i0} line\\Nsecond\\hpart\n\
             Dialogue: 0,0:00:03.00,0:00:04.00,Sign,,0,0,0,,{\\fs20\\pos(10,10)}Sign, with commas\n\
             Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,{\\i1}{\\i0}{note}plain{\\b1}\n",
        );
        let texts: Vec<&str> = t.cues.iter().map(Cue::text).collect();
        assert_eq!(
            texts,
            [
                "{\\an8}<i>Top</i> line\nsecond\u{a0}part",
                "{\\an8}<b>Sign, with commas</b>",
                "plain"
            ]
        );
        assert_eq!(t.cues[0].text_line(1), t.cues[0].time_line);
    }

    #[test]
    fn drawings_are_left_out_and_recorded() {
        let t = read(
            "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}Words\n\
             Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,{\\p2}m 0 0 l 1 1\n",
        );
        assert_eq!(t.cues.len(), 1);
        assert_eq!(t.cues[0].text(), "Words");
        let d = &t.source.ass.as_ref().unwrap().drawings;
        assert_eq!(
            d,
            &[
                Drawing {
                    line: 11,
                    cue: 1,
                    only: false
                },
                Drawing {
                    line: 12,
                    cue: 2,
                    only: true
                }
            ]
        );
    }

    #[test]
    fn field_order_follows_the_format_line_and_events_are_sorted() {
        let t = parse_ass(
            "[Script Info]\n[Events]\nFormat: Start, Style, End, Text\n\
             Dialogue: 0:00:05.00,Default,0:00:06.00,later, with a comma\n\
             Comment: 0:00:00.00,Default,0:00:09.00,not shown\n\
             Dialogue: 0:00:01.00,Default,0:00:02.00,earlier\n\
             Dialogue: 0:00:xx.00,Default,0:00:02.00,bad time\n\
             stray words\n",
        );
        let got: Vec<_> = t
            .cues
            .iter()
            .map(|c| (c.start.ms(), c.end.ms(), c.text(), c.time_line, c.pos))
            .collect();
        assert_eq!(
            got,
            [
                (1000, 2000, "earlier", 6, 1),
                (5000, 6000, "later, with a comma", 4, 0)
            ]
        );
        let orphans: Vec<_> = t.orphans.iter().map(|o| (o.line, o.reason)).collect();
        assert_eq!(
            orphans,
            [
                (7, OrphanReason::BadTimeLine(7)),
                (8, OrphanReason::NoTimeLine)
            ]
        );
    }

    #[test]
    fn ssa_alignment_numbers_are_mapped() {
        assert_eq!(
            (1..=11).map(from_ssa).collect::<Vec<_>>(),
            [
                Some(1),
                Some(2),
                Some(3),
                None,
                Some(7),
                Some(8),
                Some(9),
                None,
                Some(4),
                Some(5),
                Some(6)
            ]
        );
        let t = parse_ass(
            "[Script Info]\nScriptType: v4.00\n[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
             Dialogue: Marked=0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\a6}Top\n",
        );
        assert_eq!(t.cues[0].text(), "{\\an8}Top");
    }
}
