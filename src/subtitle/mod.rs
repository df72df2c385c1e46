//! The subtitle model: a `Track` of `Cue`s that remember where they came from.
//!
//! Reading is split in two steps: `decode` turns bytes into text and records
//! the encoding, BOM and line endings; `parse` turns text into cues, keeping
//! every source line number and every tolerated quirk as data. Nothing here
//! judges quality; that is `crate::check`'s job.

pub mod ass;
pub mod decode;
pub mod lang;
pub mod markup;
pub mod parse;
pub mod vtt;
pub mod write;

use crate::time::{TimeQuirks, Timestamp};

/// One subtitle cue. Line numbers are 1-based, in the decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Position in the source file (0-based), stable across sorting.
    pub pos: usize,
    /// The index line as written, if any (always the line before the time
    /// line: see `index_line`).
    pub index: Option<Index>,
    /// Line number of the time line.
    pub time_line: usize,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The text lines joined by `\n` (never `\r`); blank lines inside the
    /// cue are empty lines; empty when the cue has no lines. One string per
    /// cue, not one per line: a 100k-cue file is then 100k allocations, not
    /// 300k, and checking it is dominated by reading, not by the allocator.
    text: String,
    /// How many `\n` the text holds: `lines()` needs no search on a
    /// one-line cue, nor for the last line of any cue.
    breaks: u32,
    /// What was odd about the time line; `None` for a canonical one (nearly
    /// all), which keeps a cue at 96 bytes rather than 168.
    syntax: Option<Box<TimeSyntax>>,
    /// The block ran into the next cue without a blank line.
    pub no_blank_after: bool,
    /// The text was on the time line itself (an ASS event): every text
    /// line is reported at `time_line`.
    pub inline_text: bool,
}

/// A canonical time line.
static CANONICAL: TimeSyntax = TimeSyntax {
    quirks: TimeQuirks {
        separator: None,
        no_millis: false,
        short_millis: None,
        odd_width: false,
        out_of_range: false,
        spaces: false,
    },
    odd_arrow: false,
    rest: None,
    kept_ms: [None, None],
};

/// A cue's index line as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Index {
    /// Plain digits exactly as `n.to_string()` writes them (no spaces, no
    /// sign, no leading zero): nearly every index, kept without a string.
    Number(u64),
    /// Anything else, verbatim (`" 0"`, `"007"`, `"dix"`).
    Raw(String),
}

impl Index {
    /// Read an index line.
    pub fn read(line: &str) -> Index {
        let b = line.as_bytes();
        let canonical = !b.is_empty() && b.len() <= 19 && (b.len() == 1 || b[0] != b'0');
        if !canonical {
            return Index::Raw(line.to_string());
        }
        let mut n = 0u64;
        for &d in b {
            if !d.is_ascii_digit() {
                return Index::Raw(line.to_string());
            }
            // At most 19 digits: no overflow.
            n = n * 10 + u64::from(d - b'0');
        }
        Index::Number(n)
    }

    /// The number on the line, ignoring spaces around it.
    pub fn number(&self) -> Option<i64> {
        match self {
            Index::Number(n) => i64::try_from(*n).ok(),
            Index::Raw(raw) => raw.trim().parse().ok(),
        }
    }
}

impl std::fmt::Display for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Index::Number(n) => write!(f, "{n}"),
            Index::Raw(raw) => f.write_str(raw),
        }
    }
}

/// Deviations of a cue's time line from canonical form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeSyntax {
    pub quirks: TimeQuirks,
    pub odd_arrow: bool,
    /// Text after the end time (`X1:…` coordinates or free text).
    pub rest: Option<String>,
    /// A start or end code with a one- or two-digit millisecond field: the
    /// time as read and the digits as written. Only a person can say what
    /// `,50` meant, so writers keep the digits while the time is unchanged.
    pub kept_ms: [Option<(Timestamp, String)>; 2],
}

impl TimeSyntax {
    /// The millisecond digits to write for `t` as the start (`0`) or end
    /// (`1`) code: the short ones as written while `t` is still the time
    /// read from them.
    pub fn kept(&self, which: usize, t: Timestamp) -> Option<&str> {
        match &self.kept_ms[which] {
            Some((read, digits)) if *read == t => Some(digits),
            _ => None,
        }
    }
}

/// A cue's text lines, in order (`str::split` went through a generic
/// pattern searcher that cost several times more).
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: Option<&'a str>,
    /// Breaks left in `rest`: at 0, `rest` is the last line.
    breaks: u32,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let found = if self.breaks == 0 {
            None
        } else {
            memchr::memchr(b'\n', rest.as_bytes())
        };
        match found {
            Some(i) => {
                self.breaks -= 1;
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

impl Cue {
    /// A clean cue, as made by tools rather than read from a file. `text`
    /// may use any line endings; a final line break adds no line.
    pub fn new(start: Timestamp, end: Timestamp, text: &str) -> Self {
        let mut cue = Cue {
            pos: 0,
            index: None,
            time_line: 0,
            start,
            end,
            text: String::new(),
            breaks: 0,
            syntax: None,
            no_blank_after: false,
            inline_text: false,
        };
        cue.set_text(text);
        cue
    }

    /// Line number of the index line, if any.
    pub fn index_line(&self) -> Option<usize> {
        self.index.as_ref().and(self.time_line.checked_sub(1))
    }

    /// What was odd about the time line.
    pub fn time(&self) -> &TimeSyntax {
        self.syntax.as_deref().unwrap_or(&CANONICAL)
    }

    /// Record what was odd about the time line.
    pub fn set_time(&mut self, syntax: TimeSyntax) {
        let canonical = syntax.quirks.is_clean()
            && !syntax.odd_arrow
            && syntax.rest.is_none()
            && syntax.kept_ms == [None, None];
        self.syntax = (!canonical).then(|| Box::new(syntax));
    }

    /// Source line number of text line `i`.
    pub fn text_line(&self, i: usize) -> usize {
        if self.inline_text {
            self.time_line
        } else {
            self.time_line + 1 + i
        }
    }

    /// Duration in milliseconds (negative when end is before start).
    pub fn duration_ms(&self) -> i64 {
        self.end.ms() - self.start.ms()
    }

    /// The cue's text with lines joined by `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text lines; `lines().nth(i)` sits at source line `text_line(i)`.
    pub fn lines(&self) -> Lines<'_> {
        Lines {
            rest: (!self.text.is_empty()).then_some(self.text.as_str()),
            breaks: self.breaks,
        }
    }

    /// Number of text lines, blank ones included.
    pub fn line_count(&self) -> usize {
        if self.text.is_empty() {
            0
        } else {
            self.breaks as usize + 1
        }
    }

    /// Replace the text lines. A lone blank line counts as no text.
    pub fn set_lines<S: AsRef<str>>(&mut self, lines: &[S]) {
        let mut text = String::new();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(l.as_ref());
        }
        if text.contains('\r') {
            self.set_text(&text);
        } else {
            self.put_text(text);
        }
    }

    /// Replace the text, with any line endings; a final break adds no line.
    pub fn set_text(&mut self, text: &str) {
        let text = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix(['\n', '\r']))
            .unwrap_or(text);
        self.put_text(if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_string()
        });
    }

    /// The one place the text changes (besides building a cue with lines
    /// already split), so that `breaks` always matches it.
    fn put_text(&mut self, text: String) {
        self.breaks =
            u32::try_from(memchr::memchr_iter(b'\n', text.as_bytes()).count()).unwrap_or(u32::MAX);
        self.text = text;
    }

    /// True when the cue shows nothing (no lines, or only blank ones).
    pub fn is_empty(&self) -> bool {
        parse::is_blank(&self.text)
    }
}

/// Text that belongs to no cue, kept so that nothing is lost on rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// Line number of the first line.
    pub line: usize,
    pub lines: Vec<String>,
    /// Source position of the cue it followed (`None`: before the first cue).
    pub after: Option<usize>,
    pub reason: OrphanReason,
}

/// Why a block could not become a cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanReason {
    /// No time line: a missing time line, junk, or a degenerate file.
    NoTimeLine,
    /// A time line was there but could not be read (line given).
    BadTimeLine(usize),
    /// An ASS event line that cannot be read as one, and why.
    BadEvent(&'static str),
}

/// Facts about the file as bytes, gathered by `decode` and `parse`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// Encoding the text was read in.
    pub encoding: decode::Charset,
    /// How the encoding was chosen.
    pub encoding_how: EncodingHow,
    /// A byte-order mark was present.
    pub bom: bool,
    /// Bytes the decoder could not map (replaced by U+FFFD).
    pub decode_errors: bool,
    pub eol: EolStats,
    /// The file ends with a line break.
    pub final_newline: bool,
    /// Blank lines before the first block.
    pub leading_blank_lines: usize,
    /// The file is WebVTT: identifiers are optional and any line ending
    /// is valid there.
    pub vtt: bool,
    /// The file is ASS/SSA: what only that format has.
    pub ass: Option<AssFacts>,
    /// The file is WebVTT: what only that format has, so that WebVTT
    /// written back keeps it.
    pub webvtt: Option<VttFacts>,
}

/// What a WebVTT file held that the cue model does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VttFacts {
    /// `STYLE` and `REGION` blocks before the first cue, as written.
    pub blocks: Vec<String>,
    /// Each cue's settings as written (`line:0 position:20% region:r`),
    /// by the cue's `pos`, in order; cues without settings are not listed.
    pub settings: Vec<(usize, String)>,
}

/// What an ASS/SSA file held that the cues do not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssFacts {
    /// Events whose drawing commands (`{\p1}` … `{\p0}`) were left out.
    pub drawings: Vec<Drawing>,
}

/// Drawing commands left out of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawing {
    /// The event's line.
    pub line: usize,
    /// The event's cue number (1-based, file order).
    pub cue: usize,
    /// The event had no text besides the drawing, so it is no cue.
    pub only: bool,
}

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EncodingHow {
    #[default]
    Utf8,
    Bom,
    /// UTF-16 recognised from its NUL-byte pattern, without a BOM.
    NulPattern,
    Detected,
    Override,
}

/// Line-ending counts, with the first line of each style (1-based).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EolStats {
    pub lf: usize,
    pub crlf: usize,
    pub cr: usize,
    pub first_lf: Option<usize>,
    pub first_crlf: Option<usize>,
    pub first_cr: Option<usize>,
}

impl EolStats {
    /// The most common style, CRLF winning ties with LF (Windows files).
    pub fn dominant(&self) -> Eol {
        if self.crlf >= self.lf && self.crlf >= self.cr && self.crlf > 0 {
            Eol::Crlf
        } else if self.cr > self.lf {
            Eol::Cr
        } else {
            Eol::Lf
        }
    }

    /// Number of distinct styles used.
    pub fn styles(&self) -> usize {
        [self.lf, self.crlf, self.cr]
            .iter()
            .filter(|&&n| n > 0)
            .count()
    }
}

/// A line-ending style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    Lf,
    Crlf,
    Cr,
}

impl Eol {
    pub fn as_str(self) -> &'static str {
        match self {
            Eol::Lf => "\n",
            Eol::Crlf => "\r\n",
            Eol::Cr => "\r",
        }
    }
}

/// A parsed subtitle file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Track {
    pub cues: Vec<Cue>,
    pub orphans: Vec<Orphan>,
    pub source: Source,
}

impl Track {
    /// A track made of clean cues (for tools and tests).
    pub fn from_cues(cues: Vec<Cue>) -> Self {
        let cues = cues
            .into_iter()
            .enumerate()
            .map(|(i, c)| Cue { pos: i, ..c })
            .collect();
        Track {
            cues,
            orphans: Vec::new(),
            source: Source {
                encoding: decode::Charset::UTF_8,
                final_newline: true,
                ..Source::default()
            },
        }
    }
}

/// Why a subtitle file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("is a directory; give subtitle files (.srt)")]
    Directory,
    #[error("no such file")]
    NotFound,
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    #[error(
        "more than 2 GiB: larger than any subtitle file, so not read (is it the right file, or an endless stream such as /dev/zero?)"
    )]
    TooBig,
    #[error("{0}")]
    Decode(#[from] decode::DecodeError),
    #[error("{0}")]
    Vtt(#[from] vtt::VttError),
}

/// Whether decoded text is WebVTT rather than SubRip: the first line is a
/// WebVTT header (`WEBVTT`, alone or followed by a space or tab) and the
/// first time line does not use SubRip's `,` before the milliseconds (a
/// SubRip file can begin with stray text that happens to read `WEBVTT`).
pub fn is_vtt(text: &str) -> bool {
    let text = text.trim_start_matches('\u{FEFF}');
    // Blank lines before the header are a defect, not another format.
    let first = text
        .split(['\n', '\r'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let header = first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t");
    let srt_times = text
        .lines()
        .find(|l| l.contains("-->"))
        .is_some_and(|l| l.split("-->").next().unwrap_or("").contains(','));
    header && !srt_times
}

/// Decode and parse subtitle bytes (SubRip, or WebVTT or ASS/SSA by its
/// header).
pub fn read_bytes(bytes: &[u8], forced: Option<decode::Charset>) -> Result<Track, LoadError> {
    if let Some((text, source)) = decode::borrow_utf8(bytes, forced)? {
        return read_text(text, source);
    }
    let d = decode::decode(bytes, forced)?;
    read_text(&d.text, d.source)
}

/// The most bytes screenkit reads from one subtitle file: 2 GiB. A film's
/// subtitles are well under 1 MB; past this it is the wrong file, or an
/// endless stream (a FIFO, `/dev/zero`) that would otherwise be read until
/// memory runs out.
pub const MAX_INPUT: u64 = 2 << 30;

/// Read a subtitle file from disk (at most [`MAX_INPUT`] bytes).
pub fn read_path(
    path: &std::path::Path,
    forced: Option<decode::Charset>,
) -> Result<Track, LoadError> {
    if path.is_dir() {
        return Err(LoadError::Directory);
    }
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound,
        _ => LoadError::Io(e),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    if let Some(m) = file.metadata().ok().filter(std::fs::Metadata::is_file) {
        if m.len() > MAX_INPUT {
            return Err(LoadError::TooBig);
        }
        bytes.reserve_exact(m.len() as usize);
    }
    // One byte past the limit tells a stream that goes on from one that
    // ends exactly there.
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_INPUT + 1), &mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(LoadError::TooBig);
    }
    if let Some((text, source)) = decode::borrow_utf8(&bytes, forced)? {
        return read_text(text, source);
    }
    // Decoded text is a copy: the bytes go before it is parsed.
    let d = decode::decode(&bytes, forced)?;
    drop(bytes);
    read_text(&d.text, d.source)
}

fn read_text(text: &str, source: Source) -> Result<Track, LoadError> {
    if ass::is_ass(text) {
        let mut t = ass::parse_ass(text);
        t.source = Source {
            eol: t.source.eol,
            final_newline: t.source.final_newline,
            ass: t.source.ass.take(),
            ..source
        };
        return Ok(t);
    }
    if is_vtt(text) {
        let mut t = vtt::parse_vtt(text)?;
        t.source = Source {
            eol: t.source.eol,
            final_newline: t.source.final_newline,
            leading_blank_lines: t.source.leading_blank_lines,
            vtt: true,
            webvtt: t.source.webvtt.take(),
            ..source
        };
        return Ok(t);
    }
    Ok(parse::parse(text, source))
}

#[cfg(test)]
mod tests {
    use super::{Cue, Index, is_vtt};
    use crate::time::Timestamp;

    /// What `lines()` must yield: the text split at every break.
    fn split(c: &Cue) -> Vec<&str> {
        if c.text().is_empty() {
            vec![]
        } else {
            c.text().split('\n').collect()
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_follow_the_text_however_it_was_set(
            text in "[ab \r\n]{0,12}",
            lines in proptest::collection::vec("[ab \r\n]{0,4}", 0..4),
            srt in "(1\n00:00:01,000 --> 00:00:02,000\n([ab ]{0,3}\n){0,3}\n?){1,3}",
        ) {
            let mut c = Cue::new(Timestamp(0), Timestamp(1), &text);
            proptest::prop_assert_eq!(c.lines().collect::<Vec<_>>(), split(&c));
            proptest::prop_assert_eq!(c.line_count(), split(&c).len());
            c.set_lines(&lines);
            proptest::prop_assert_eq!(c.lines().collect::<Vec<_>>(), split(&c));
            proptest::prop_assert_eq!(c.line_count(), split(&c).len());
            for c in super::read_bytes(srt.as_bytes(), None).unwrap().cues {
                proptest::prop_assert_eq!(c.lines().collect::<Vec<_>>(), split(&c));
                proptest::prop_assert_eq!(c.line_count(), split(&c).len());
            }
            let vtt = format!("WEBVTT\n\n00:00.000 --> 00:01.000\n{}\n", lines.join("\n").replace('\r', ""));
            if let Ok(t) = super::read_bytes(vtt.as_bytes(), None) {
                for c in t.cues {
                    proptest::prop_assert_eq!(c.lines().collect::<Vec<_>>(), split(&c));
                }
            }
        }
    }

    #[test]
    fn index_keeps_odd_lines_verbatim() {
        assert_eq!(Index::read("12"), Index::Number(12));
        assert_eq!(Index::read("0"), Index::Number(0));
        for odd in ["007", " 3", "3 ", "+3", "dix", "", "99999999999999999999"] {
            assert_eq!(Index::read(odd), Index::Raw(odd.into()), "{odd:?}");
            assert_eq!(Index::read(odd).to_string(), odd);
        }
        assert_eq!(Index::read(" 3").number(), Some(3));
        assert_eq!(Index::read("dix").number(), None);
    }

    #[test]
    fn cue_text_lines() {
        let t = Timestamp(0);
        let c = Cue::new(t, t, "one\r\ntwo\rthree\n");
        assert_eq!(c.lines().collect::<Vec<_>>(), ["one", "two", "three"]);
        assert_eq!((c.line_count(), c.text()), (3, "one\ntwo\nthree"));
        let mut c = Cue::new(t, t, "");
        assert_eq!((c.line_count(), c.lines().count()), (0, 0));
        c.set_lines(&["a", "", "b"]);
        assert_eq!(c.lines().collect::<Vec<_>>(), ["a", "", "b"]);
        assert!(!c.is_empty());
        c.set_lines(&[" ", ""]);
        assert!(c.is_empty());
    }

    #[test]
    fn webvtt_is_recognised_by_its_header_and_dot_times() {
        assert!(is_vtt("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n"));
        assert!(is_vtt(
            "\u{FEFF}WEBVTT - title\n\n1\n00:00:01.000 --> 00:00:02.000\nhi\n"
        ));
        // Found by the fuzz target: stray text starting a SubRip file.
        assert!(!is_vtt("WEBVTT1\n00:00:02.400 --> 00:00:05.200\nx\n"));
        assert!(!is_vtt("WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nhi\n"));
        assert!(!is_vtt("1\n00:00:01,000 --> 00:00:02,000\nWEBVTT\n"));
    }
}
