//! The rule catalogue: stable kebab-case ids, what each checks, and where it
//! comes from in `shared/corpus/QC-RULES.md`. Ids are API (they appear in
//! `--json` and `--ignore`); never rename one.

use crate::time::Timestamp;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// How bad a finding is. Errors make `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $cat:literal, $qc:literal, $what:literal;)*) => {
        /// A check screenkit runs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),* }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id (`overlap`, `not-utf8` …).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),* }
            }

            /// Group: file, structure, timing, layout, markup, language, clip.
            pub fn category(self) -> &'static str {
                match self { $(Rule::$variant => $cat),* }
            }

            /// The QC-RULES.md entry it implements (or `screenkit`).
            pub fn source(self) -> &'static str {
                match self { $(Rule::$variant => $qc),* }
            }

            /// One line on what the rule checks.
            pub fn what(self) -> &'static str {
                match self { $(Rule::$variant => $what),* }
            }

            /// Look a rule up by id.
            pub fn from_id(id: &str) -> Option<Rule> {
                Rule::ALL.iter().copied().find(|r| r.id() == id)
            }
        }
    };
}

rules! {
    NotUtf8 = "not-utf8", "file", "F01/F03", "file is not UTF-8 (legacy code page or UTF-16/32)";
    Bom = "bom", "file", "F02", "UTF-8 byte-order mark at the start";
    LineEndings = "line-endings", "file", "F04", "mixed line endings, or bare CR (classic Mac)";
    FinalNewline = "final-newline", "file", "F05", "no line break at the end of the file";
    InvisibleChar = "invisible-char", "file", "F07", "zero-width, bidi-control, soft-hyphen or U+2028 characters in text";
    MissingIndex = "missing-index", "structure", "S01", "cue has no index line";
    IndexSequence = "index-sequence", "structure", "S02/F06", "index numbers not 1, 2, 3 … (gaps, repeats, words, spaces)";
    TimecodeFormat = "timecode-format", "structure", "S03", "time line not in canonical HH:MM:SS,mmm --> HH:MM:SS,mmm form, or unreadable";
    AmbiguousMs = "ambiguous-ms", "structure", "S03a", "one or two millisecond digits (,08 is 8 ms to ffmpeg, 80 ms to pysubs2)";
    TimecodeRange = "timecode-range", "structure", "S08", "minutes or seconds >= 60, milliseconds > 999, or a time past 255:59:59,999";
    TextAfterTime = "text-after-time", "structure", "S04", "coordinates or other text after the end time";
    BlankLineInCue = "blank-line-in-cue", "structure", "S05", "blank line inside a cue (VLC and browsers drop the rest, DCP-o-matic rejects the file)";
    MissingBlankLine = "missing-blank-line", "structure", "S05", "next cue starts without a blank line before it";
    OrphanText = "orphan-text", "structure", "S06", "text that belongs to no cue (missing time line, junk)";
    NoCues = "no-cues", "structure", "S06", "the file has no cues at all";
    EmptyCue = "empty-cue", "structure", "S07", "cue with a time line but no text";
    EscapedBreak = "escaped-break", "structure", "S09", "literal \\N, \\n or \\h left from another format";
    NonPositiveDuration = "non-positive-duration", "timing", "T01", "cue ends at or before its start";
    Unsorted = "unsorted", "timing", "T02", "cue starts before the cue above it";
    Overlap = "overlap", "timing", "T03", "cue starts before an earlier cue has ended (identical timings: stacked, info)";
    ShortGap = "short-gap", "timing", "T04", "gap to the next cue shorter than the profile minimum";
    CloseGap = "close-gap", "timing", "T05", "gap between cues short enough to close (chaining)";
    TooShort = "too-short", "timing", "T06", "cue on screen for less than the profile minimum";
    TooLong = "too-long", "timing", "T07", "cue on screen for longer than the profile maximum";
    ReadingSpeed = "reading-speed", "timing", "T08/T09", "more characters per second (or words per minute) than the profile allows";
    FirstCueEarly = "first-cue-early", "timing", "T10", "first cue starts before the profile's earliest time";
    PastClipEnd = "past-clip-end", "clip", "T11", "cue ends after the clip does (needs --clip)";
    LineTooLong = "line-too-long", "layout", "L01", "line longer than the profile maximum";
    TooManyLines = "too-many-lines", "layout", "L02", "more lines in a cue than the profile allows";
    Whitespace = "whitespace", "layout", "L05", "spaces at the start or end of a line, or doubled";
    UnbalancedTags = "unbalanced-tags", "markup", "M01", "<i>/<b>/<u>/<s>/<font> not closed, closed twice, or mis-nested";
    UnsupportedTags = "unsupported-tags", "markup", "M02/M03/M05", "<font>, <s>, unknown tags or ASS overrides other than {\\an2}/{\\an8}";
    Chevrons = "chevrons", "markup", "M07", "`>>` speaker chevrons, or a bare < or > in text";
    HtmlEntity = "html-entity", "markup", "M04", "HTML entities such as &amp; (players differ on decoding them)";
    AssDrawing = "ass-drawing", "markup", "screenkit", "ASS drawing commands ({\\p1} … {\\p0}): shapes, not words, left out of the cues";
    Untranslated = "untranslated", "language", "L11", "CJK text or full-width punctuation left in an English track";
    Mojibake = "mojibake", "language", "screenkit", "text that looks mis-decoded (UTF-8 read as windows-1252 or GBK, or the reverse)";
    Advert = "advert", "language", "L12", "advert or credit cue (www…, Downloaded from …)";
    ClipProblem = "clip", "kit", "screenkit", "a clip that will not play everywhere (undecodable audio, decode error, codec)";
    LoudnessSpread = "loudness-spread", "kit", "screening §3", "clips more than 3 LU apart in loudness";
    OutOfSync = "out-of-sync", "kit", "screenkit", "cues a trusted sync would move off their times (offset, frame rate or a re-edit)";
    CardsInvalid = "cards", "kit", "screenkit", "discussion cards that do not validate";
    UsbFileSize = "usb-file-size", "kit", "packaging §3", "a file of 4 GiB or more (FAT32 cannot hold it; use exFAT)";
    UsbName = "usb-name", "kit", "packaging §3", "a name FAT32, exFAT or Windows rejects (reserved name, <>:\"/\\|?*, trailing dot or space, too long)";
    UsbNameClash = "usb-name-clash", "kit", "packaging §3", "two names that clash after case folding or Unicode normalisation";
    UsbTotalSize = "usb-total-size", "kit", "packaging §3", "the kit does not fit the stick (--usb-size)";
    MissingFile = "missing-file", "kit", "screenkit", "a clip, subtitle or cards file named in kit.toml is not there";
    Placeholder = "placeholder", "kit", "screenkit", "text `screenkit new` left to be replaced (an error for rights)";
    KitId = "kit-id", "kit", "screenkit", "a clip id that is not a safe slug (letters, digits, - and _): ids name files, and reach the player's pages and scripts";
    BagInfoText = "bag-info-text", "kit", "RFC 8493 §2.2.2", "kit.toml text for bag-info.txt with a line break or control character (one line per tag)";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One problem found in a file. `line` is 1-based; `cue` is the 1-based
/// position of the cue in the file (`None` for file-level problems). Both
/// are 32 bits (see [`num`]): a file can have a finding on every cue, and
/// with `usize` ones a finding took a third more memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub line: u32,
    pub cue: Option<u32>,
    pub message: Message,
    /// `screenkit fix` will repair this one.
    pub fixable: bool,
}

/// A line or cue number as a finding keeps it: any file under the input
/// limit (2 GiB) has fewer lines than `u32::MAX`.
pub fn num(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a finding says, kept as data and written out only when shown.
///
/// A long file can have tens of thousands of findings of the same few
/// kinds. Formatting each one up front would cost more than the check
/// itself, while the human report shows 20 per rule and `--json` writes
/// each message straight into its output.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Text(Cow<'static, str>),
    /// `short-gap`: the gap and the profile's minimum, in ms.
    ShortGap {
        gap: i64,
        min: i64,
    },
    /// `close-gap`: the gap and what it could be closed to, in ms.
    CloseGap {
        gap: i64,
        min: i64,
    },
    /// `timecode-format`: what is not canonical about the time line.
    TimeLine(TimeLineOdd),
    /// `too-short` / `too-long`: time on screen and the limit, in ms.
    OnScreen {
        ms: i64,
        limit: i64,
        minimum: bool,
    },
    /// `reading-speed`, by characters per second.
    Cps {
        cps: f64,
        max: f64,
    },
    /// `reading-speed`, by words per minute.
    Wpm {
        wpm: f64,
        max: f64,
    },
    /// `line-too-long`: characters shown and the maximum.
    LineTooLong {
        chars: usize,
        max: usize,
    },
    /// `overlap`: the cue's start, and the earlier cue (1-based) still on
    /// screen then with its end. A track with its times out of order can
    /// have an overlap on every cue: as text they took as much memory again
    /// as the findings themselves.
    Overlap {
        start: Timestamp,
        cue: usize,
        end: Timestamp,
    },
    /// `overlap` (info): the earlier cue (1-based) with the very same
    /// times. Tracks joined from copies of one film have one on every cue.
    Stacked {
        cue: usize,
    },
}

/// The deviations a `timecode-format` finding names, in this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeLineOdd {
    /// `.` or `:` before the milliseconds.
    pub separator: Option<char>,
    pub no_millis: bool,
    pub odd_width: bool,
    pub spaces: bool,
    pub odd_arrow: bool,
}

impl TimeLineOdd {
    pub fn any(&self) -> bool {
        *self != TimeLineOdd::default()
    }

    /// What is odd, in order, past the separator (which names its character).
    fn plain_parts(&self) -> impl Iterator<Item = &'static str> {
        [
            (self.no_millis, "no milliseconds"),
            (self.odd_width, "a field with an unusual number of digits"),
            (self.spaces, "extra spaces"),
            (self.odd_arrow, "the arrow is not ' --> '"),
        ]
        .into_iter()
        .filter_map(|(on, what)| on.then_some(what))
    }
}

/// Milliseconds shown as seconds: `1.250 s`.
pub struct Secs(pub i64);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} s", self.0 as f64 / 1000.0)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Text(t) => f.write_str(t),
            Message::ShortGap { gap, min } => write!(
                f,
                "ends {gap} ms before the next cue (minimum gap {min} ms)"
            ),
            Message::CloseGap { gap, min } => write!(
                f,
                "gap of {gap} ms to the next cue could be closed to {min} ms"
            ),
            Message::TimeLine(odd) => {
                f.write_str("time line has ")?;
                let mut first = true;
                if let Some(sep) = odd.separator {
                    write!(f, "'{sep}' before the milliseconds instead of ','")?;
                    first = false;
                }
                for what in odd.plain_parts() {
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    f.write_str(what)?;
                }
                Ok(())
            }
            Message::OnScreen { ms, limit, minimum } => {
                let which = if *minimum { "minimum" } else { "maximum" };
                write!(f, "on screen {} ({which} {})", Secs(*ms), Secs(*limit))
            }
            Message::Cps { cps, max } => {
                write!(f, "{cps:.1} characters per second (maximum {max})")
            }
            Message::Wpm { wpm, max } => write!(f, "{wpm:.0} words per minute (maximum {max})"),
            Message::LineTooLong { chars, max } => {
                write!(f, "{chars} characters (maximum {max})")
            }
            Message::Overlap { start, cue, end } => {
                write!(f, "starts at {start}, before cue {cue} ends at {end}")
            }
            Message::Stacked { cue } => write!(f, "stacked with cue {cue} (identical times)"),
        }
    }
}

impl Message {
    /// The message as a JSON string, the same bytes serde_json writes for
    /// `self.to_string()`. The kinds a big file has by the ten thousand are
    /// written piece by piece, with no formatting machinery in between.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut num = itoa::Buffer::new();
        match self {
            Message::Text(t) => {
                // Writing to a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, t.as_ref());
            }
            Message::ShortGap { gap, min } => {
                out.extend_from_slice(b"\"ends ");
                out.extend_from_slice(num.format(*gap).as_bytes());
                out.extend_from_slice(b" ms before the next cue (minimum gap ");
                out.extend_from_slice(num.format(*min).as_bytes());
                out.extend_from_slice(b" ms)\"");
            }
            Message::TimeLine(odd) if odd.separator.is_none() => {
                // The parts are plain ASCII text: nothing to escape.
                out.extend_from_slice(b"\"time line has ");
                for (k, what) in odd.plain_parts().enumerate() {
                    if k > 0 {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(what.as_bytes());
                }
                out.push(b'"');
            }
            Message::Overlap { start, cue, end } => {
                // Times and numbers are plain ASCII: nothing to escape.
                out.extend_from_slice(b"\"starts at ");
                out.extend_from_slice(start.srt().as_bytes());
                out.extend_from_slice(b", before cue ");
                out.extend_from_slice(num.format(*cue).as_bytes());
                out.extend_from_slice(b" ends at ");
                out.extend_from_slice(end.srt().as_bytes());
                out.push(b'"');
            }
            Message::Stacked { cue } => {
                out.extend_from_slice(b"\"stacked with cue ");
                out.extend_from_slice(num.format(*cue).as_bytes());
                out.extend_from_slice(b" (identical times)\"");
            }
            other => {
                let _ = serde_json::to_writer(&mut *out, &other.to_string());
            }
        }
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::Text(Cow::Owned(s))
    }
}

impl From<&'static str> for Message {
    fn from(s: &'static str) -> Message {
        Message::Text(Cow::Borrowed(s))
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Message::Text(t) => s.serialize_str(t),
            // Escaped as it is written, with no string in between.
            m => s.collect_str(m),
        }
    }
}

/// The `--json` form: `{"rule","severity","line","cue","message","fixable"}`.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 6)?;
        st.serialize_field("rule", self.rule.id())?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("cue", &self.cue)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("fixable", &self.fixable)?;
        st.end()
    }
}

impl Finding {
    /// What `Serialize` writes, without serde's per-field machinery.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut num = itoa::Buffer::new();
        // Rule ids and severities are plain kebab-case ASCII: no escaping.
        out.extend_from_slice(b"{\"rule\":\"");
        out.extend_from_slice(self.rule.id().as_bytes());
        out.extend_from_slice(b"\",\"severity\":\"");
        out.extend_from_slice(self.severity.as_str().as_bytes());
        out.extend_from_slice(b"\",\"line\":");
        out.extend_from_slice(num.format(self.line).as_bytes());
        out.extend_from_slice(b",\"cue\":");
        match self.cue {
            Some(c) => out.extend_from_slice(num.format(c).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"message\":");
        self.message.write_json(out);
        out.extend_from_slice(if self.fixable {
            b",\"fixable\":true}"
        } else {
            b",\"fixable\":false}"
        });
    }

    /// A finding about a file as a whole (no cue).
    pub fn file(
        rule: Rule,
        severity: Severity,
        line: usize,
        message: impl Into<Message>,
        fixable: bool,
    ) -> Finding {
        Finding {
            rule,
            severity,
            line: num(line),
            cue: None,
            message: message.into(),
            fixable,
        }
    }

    /// What to do about it, for people.
    pub fn hint(&self) -> &'static str {
        if self.fixable {
            return "run `screenkit fix` to repair this";
        }
        match self.rule {
            Rule::AmbiguousMs => {
                "retype the time with three millisecond digits (,080 or ,008) after checking the video"
            }
            Rule::OrphanText => "add the missing time line, or delete the text if it is junk",
            Rule::NoCues => "is this really a SubRip file? check --encoding and the file's origin",
            Rule::TimecodeFormat => "retype the time line as HH:MM:SS,mmm --> HH:MM:SS,mmm",
            Rule::Overlap => {
                "stacked cues with identical times are allowed; otherwise retime one of them"
            }
            Rule::NonPositiveDuration | Rule::TooShort => {
                "extend the cue by hand or merge it with a neighbour"
            }
            Rule::TooLong => "split the cue, or end it when the speech ends",
            Rule::ReadingSpeed => "condense the text or give the cue more time",
            Rule::LineTooLong | Rule::TooManyLines => "re-break or condense the text",
            Rule::Untranslated => {
                "translate the text, or use --ignore untranslated for a bilingual track"
            }
            Rule::Mojibake => "re-read the file with the right --encoding, or ask for a clean copy",
            Rule::PastClipEnd => "check this subtitle belongs to this clip, or retime it",
            Rule::UnsupportedTags => {
                "keep to <i>, <b>, <u> and {\\an8}; other styling is lost or rejected by some players"
            }
            Rule::Chevrons => {
                "use a dialogue dash for a new speaker; write < and > only where meant"
            }
            Rule::HtmlEntity => "type the character itself (& instead of &amp;)",
            Rule::Advert => "delete the advert cue before screening",
            Rule::AssDrawing => {
                "nothing to do for the words; if the shape matters (a sign's box), burn the ASS file into the clip"
            }
            Rule::ClipProblem => {
                "re-encode as H.264 + AAC-LC stereo in MP4, which plays everywhere"
            }
            Rule::OutOfSync => {
                "run `screenkit sync SUBTITLES --to CLIP`: it shows what it finds before writing"
            }
            Rule::LoudnessSpread => {
                "normalise the clips (e.g. ffmpeg -af loudnorm=I=-23) so no one reaches for the volume"
            }
            Rule::UsbFileSize => "format the stick as exFAT, or split the file",
            Rule::UsbName | Rule::UsbNameClash => "rename the clip id in kit.toml",
            Rule::UsbTotalSize => "use a bigger stick (--usb-size) or fewer clips",
            Rule::MissingFile => "put the file there, or correct its path in kit.toml",
            Rule::Placeholder => "replace the placeholder with the real text",
            Rule::KitId => "use only letters, digits, - and _ in the id (e.g. mother-leaves)",
            Rule::BagInfoText => "keep this text on one line, without control characters",
            Rule::FirstCueEarly => {
                "DCP rules want the first subtitle at 4 s or later; retime if you are making a DCP"
            }
            _ => "edit the file by hand",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(m: &Message) -> String {
        let mut out = Vec::new();
        m.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn findings_write_what_serde_writes(
            rule in proptest::sample::select(Rule::ALL.to_vec()),
            severity in proptest::sample::select(vec![Severity::Info, Severity::Warning, Severity::Error]),
            line in proptest::prelude::any::<u32>(),
            cue in proptest::option::of(proptest::prelude::any::<u32>()),
            gap in proptest::prelude::any::<i64>(),
            text in "\\PC{0,300}",
            fixable in proptest::prelude::any::<bool>(),
        ) {
            for message in [Message::ShortGap { gap, min: 83 }, Message::from(text.clone())] {
                let f = Finding { rule, severity, line, cue, message, fixable };
                let mut out = Vec::new();
                f.write_json(&mut out);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&f).unwrap());
            }
        }

        #[test]
        fn messages_write_the_json_of_their_text(
            gap in -99_999i64..99_999, min in 0i64..9_999, flags in 0u8..32, text in "\\PC{0,20}|[\"\\\\\n\t]{0,5}",
            cps in 0.0f64..99.0,
        ) {
            let odd = TimeLineOdd {
                separator: (flags & 1 != 0).then_some('.'),
                no_millis: flags & 2 != 0,
                odd_width: flags & 4 != 0,
                spaces: flags & 8 != 0,
                odd_arrow: flags & 16 != 0,
            };
            for m in [
                Message::ShortGap { gap, min },
                Message::CloseGap { gap, min },
                Message::TimeLine(odd),
                Message::OnScreen { ms: gap, limit: min, minimum: flags & 1 != 0 },
                Message::Cps { cps, max: 20.0 },
                Message::Wpm { wpm: cps, max: 180.0 },
                Message::LineTooLong { chars: min as usize, max: 42 },
                Message::Overlap { start: Timestamp(gap), cue: min as usize, end: Timestamp(cps as i64) },
                Message::from(text.clone()),
            ] {
                proptest::prop_assert_eq!(json(&m), serde_json::to_string(&m.to_string()).unwrap());
                proptest::prop_assert_eq!(json(&m), serde_json::to_string(&m).unwrap());
            }
        }
    }
}
