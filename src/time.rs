//! Time as integer milliseconds: the `Timestamp` newtype and the lenient
//! SubRip time-code reader.
//!
//! Everything in screenkit measures time in whole milliseconds (`i64`), never
//! `f64` seconds, so that retiming and round trips are exact. Conversion from
//! floats happens only at the edges (frame rates, `--shift 1.5s`).
//!
//! The reader accepts the time codes found in real files (see
//! `shared/corpus/QC-RULES.md` S03/S03a/S08) and reports each deviation from
//! canonical `HH:MM:SS,mmm` so the checker can name it.

use std::fmt;

/// A point in time, in milliseconds from the start of the clip. May be
/// negative only transiently (e.g. after a retime, before validation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// The largest time a SubRip file can hold here: 255:59:59,999. Hours past
/// 99 take three digits; readers that keep the hour in a byte (srtlib,
/// which writes our files) stop at 255. `check`, `fix`, `convert`,
/// `retime` and `sync` all hold to this one limit.
pub const MAX_SRT: Timestamp = Timestamp::from_hmsm(255, 59, 59, 999);

impl Timestamp {
    /// Milliseconds since the start.
    pub fn ms(self) -> i64 {
        self.0
    }

    /// Build from hours, minutes, seconds and milliseconds.
    pub const fn from_hmsm(h: i64, m: i64, s: i64, ms: i64) -> Self {
        Timestamp(((h * 60 + m) * 60 + s) * 1000 + ms)
    }

    fn parts(self) -> (bool, i64, i64, i64, i64) {
        let neg = self.0 < 0;
        let t = self.0.abs();
        (neg, t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000)
    }

    /// SubRip form `HH:MM:SS,mmm` (negative times get a leading `-`, which no
    /// player accepts; callers reject them before writing).
    pub fn srt(self) -> String {
        self.with_sep(',')
    }

    /// WebVTT form `HH:MM:SS.mmm`.
    pub fn vtt(self) -> String {
        self.with_sep('.')
    }

    fn with_sep(self, sep: char) -> String {
        let (neg, h, m, s, ms) = self.parts();
        let sign = if neg { "-" } else { "" };
        format!("{sign}{h:02}:{m:02}:{s:02}{sep}{ms:03}")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.srt())
    }
}

/// How a time code deviated from canonical `HH:MM:SS,mmm`. Several may apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeQuirks {
    /// Separator before the milliseconds was `.` or `:` (canonical is `,`).
    pub separator: Option<char>,
    /// No milliseconds at all (`00:00:01`).
    pub no_millis: bool,
    /// One or two millisecond digits: `,08` could mean 8 ms or 80 ms.
    pub short_millis: Option<String>,
    /// Some field had an unusual digit count (`0:0:1,000`, `000:00:01,000`).
    pub odd_width: bool,
    /// A field out of range (minutes/seconds ≥ 60, four-digit milliseconds).
    pub out_of_range: bool,
    /// Spaces inside the time code.
    pub spaces: bool,
}

impl TimeQuirks {
    /// True when the time code is canonical.
    pub fn is_clean(&self) -> bool {
        self.separator.is_none()
            && self.short_millis.is_none()
            && !(self.no_millis || self.odd_width || self.out_of_range || self.spaces)
    }

    fn merge(&mut self, o: &TimeQuirks) {
        self.separator = self.separator.or(o.separator);
        self.no_millis |= o.no_millis;
        if self.short_millis.is_none() {
            self.short_millis.clone_from(&o.short_millis);
        }
        self.odd_width |= o.odd_width;
        self.out_of_range |= o.out_of_range;
        self.spaces |= o.spaces;
    }
}

/// Parse one lenient time code such as `00:01:02,345`, `0:1:2.34`, `00:01:02`.
///
/// Digits in a short millisecond field are read as an integer (`,08` = 8 ms),
/// as ffmpeg, VLC, python `srt` and libsub do; the quirk is reported so the
/// checker can flag the ambiguity (pysubs2 reads 80 ms).
pub fn parse_timecode(s: &str) -> Option<(Timestamp, TimeQuirks)> {
    let mut q = TimeQuirks::default();
    // Up to four digit fields and the separators between them, no allocation.
    let mut fields: [(u64, usize); 4] = [(0, 0); 4];
    let mut seps = [' '; 3];
    let (mut n, mut in_field) = (0usize, false);
    // Every character a time code may hold is ASCII: work on bytes.
    for &b in s.as_bytes() {
        match b {
            b'0'..=b'9' => {
                if !in_field {
                    if n == 4 {
                        return None;
                    }
                    n += 1;
                    in_field = true;
                }
                let f = &mut fields[n - 1];
                f.0 = f.0.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                f.1 += 1;
            }
            b':' | b',' | b'.' if in_field && n < 4 => {
                seps[n - 1] = b as char;
                in_field = false;
            }
            b' ' => q.spaces = true,
            _ => return None,
        }
    }
    if !in_field {
        return None;
    }
    let ms = match n {
        // HH:MM:SS with no milliseconds; `:` separators only.
        3 if seps[0] == ':' && seps[1] == ':' => {
            q.no_millis = true;
            None
        }
        // MM:SS,mmm with no hours field, as some tools write and players
        // read: the fields move up one place and the hours are 0.
        3 if seps[0] == ':' && matches!(seps[1], ',' | '.') => {
            if seps[1] != ',' {
                q.separator = Some(seps[1]);
            }
            q.odd_width = true;
            fields = [(0, 2), fields[0], fields[1], fields[2]];
            Some(fields[3])
        }
        4 if seps[0] == ':' && seps[1] == ':' => {
            if seps[2] != ',' {
                q.separator = Some(seps[2]);
            }
            Some(fields[3])
        }
        _ => return None,
    };
    let [(h, hw), (m, mw), (sec, sw), _] = fields;
    // A third digit is taken only as a leading zero (`00:00:013,567`,
    // which ExoPlayer reads); more digits are not a time.
    let padded = |v: u64, w: usize| w <= 2 || (w == 3 && v < 100);
    if hw > 3 || !padded(m, mw) || !padded(sec, sw) {
        return None;
    }
    // Three hour digits are how SubRip writes 100 hours and more.
    let hour_width_ok = hw == 2 || (hw == 3 && h >= 100);
    if !hour_width_ok || mw != 2 || sw != 2 {
        q.odd_width = true;
    }
    let msv = match ms {
        None => 0,
        Some((_, w)) if w > 4 => return None,
        Some((v, w)) => {
            if w < 3 {
                q.short_millis = Some(format!("{v:0w$}"));
            }
            v
        }
    };
    if m >= 60 || sec >= 60 || msv >= 1000 {
        q.out_of_range = true;
    }
    let t = Timestamp::from_hmsm(h as i64, m as i64, sec as i64, msv as i64);
    Some((t, q))
}

/// A parsed time line: `START --> END [rest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLine {
    pub start: Timestamp,
    pub end: Timestamp,
    /// Deviations found in either time code.
    pub quirks: TimeQuirks,
    /// The arrow was not exactly ` --> `.
    pub odd_arrow: bool,
    /// Anything after the end time (`X1:40 X2:600 …` or free text), trimmed.
    pub rest: Option<String>,
    /// The digits of a one- or two-digit millisecond field, for the start
    /// and the end code: what only a person can settle (`ambiguous-ms`).
    pub short_ms: [Option<String>; 2],
}

/// Find the arrow of a time line (`-->`, or the variants seen in real files:
/// `-- >`, `—>`, `- >`, `->`); returns (byte offset, arrow length).
pub fn find_arrow(line: &str) -> Option<(usize, usize)> {
    // Every arrow ends in '>': memchr to it, then look at what precedes it.
    let b = line.as_bytes();
    for p in memchr::memchr_iter(b'>', b) {
        let before = &line[..p];
        for arrow in ["--", "-- ", "—", "- ", "-"] {
            if before.ends_with(arrow) {
                let start = p - arrow.len();
                return Some((start, arrow.len() + 1));
            }
        }
    }
    None
}

/// Whether a line looks like a time line at all (has an arrow and a digit
/// before it). Used to decide block structure even when the codes are broken.
pub fn looks_like_time_line(line: &str) -> bool {
    // `HH:MM:SS,mmm --> `: the arrow is the first `>`, with digits before.
    let b = line.as_bytes();
    // The shape alone, as `fast_code` would see it (the values need not be
    // worked out here).
    let fast = |a: usize| shape_words(&b[a - 12..]).is_some() && (a == 12 || b[0].is_ascii_digit());
    if fast_arrow(b).is_some_and(fast) {
        return true;
    }
    // The arrow counts only within the first 20 bytes, with a digit before
    // it: most text lines have no digit there and need no arrow search.
    let head = &b[..b.len().min(20)];
    // A fold, not `any`: no early exit, so it runs as a few vector operations.
    if !head.iter().fold(false, |d, c| d | c.is_ascii_digit()) {
        return false;
    }
    match find_arrow(line) {
        Some((i, _)) => line[..i].bytes().any(|b| b.is_ascii_digit()) && i <= 20,
        None => false,
    }
}

/// Parse a time line. `None` when it is not a readable time line.
pub fn parse_time_line(line: &str) -> Option<TimeLine> {
    canonical_time_line(line).or_else(|| lenient_time_line(line))
}

/// `HH:MM:SS,mmm --> HH:MM:SS,mmm` exactly, fields in range: nearly every
/// line of nearly every file, read without searching for the arrow. A
/// three-digit hour (a track past 99 hours) is read here too, as the
/// lenient reader reads it: canonical from 100 hours, an odd width with a
/// leading zero.
fn canonical_time_line(line: &str) -> Option<TimeLine> {
    let b = line.as_bytes();
    if !(29..=31).contains(&b.len()) {
        return None;
    }
    let arrow = fast_arrow(b)?;
    let (start, wide_start) = fast_code(&b[..arrow])?;
    let (end, wide_end) = fast_code(&b[arrow + 5..])?;
    Some(TimeLine {
        start,
        end,
        quirks: TimeQuirks {
            odd_width: wide_start | wide_end,
            ..TimeQuirks::default()
        },
        odd_arrow: false,
        rest: None,
        short_ms: [None, None],
    })
}

/// Where ` --> ` sits after a fast-path start code: 12 bytes in, or 13
/// after a three-digit hour.
fn fast_arrow(b: &[u8]) -> Option<usize> {
    const ARROW: &[u8] = b" --> ";
    if b.get(12..17) == Some(ARROW) {
        Some(12)
    } else if b.get(13..18) == Some(ARROW) {
        Some(13)
    } else {
        None
    }
}

/// A canonical time code, or one with a three-digit hour (then `true`).
fn fast_code(b: &[u8]) -> Option<(Timestamp, bool)> {
    match b {
        _ if b.len() == 12 => Some((canonical_code(b)?, false)),
        [h @ b'0'..=b'9', code @ ..] if code.len() == 12 => {
            let t = canonical_code(code)?;
            // Odd only with a leading zero: 100 hours and more need three digits.
            Some((
                Timestamp(t.0 + i64::from(h - b'0') * 360_000_000),
                *h == b'0',
            ))
        }
        _ => None,
    }
}

/// `00:00:00,000` with each digit as 0 and each separator as itself, as
/// two little-endian words: XOR with a time code leaves digit values and,
/// where the separators match, zero bytes.
const SHAPE_LO: u64 = u64::from_le_bytes(*b"00:00:00");
const SHAPE_HI: u32 = u32::from_le_bytes(*b",000");
/// Per byte, 0x7F minus the largest value allowed after the XOR (9 for a
/// digit, 0 for a separator): adding it sets a byte's top bit exactly when
/// the byte is over its limit.
const LIMIT_LO: u64 = u64::from_le_bytes([0x76, 0x76, 0x7F, 0x76, 0x76, 0x7F, 0x76, 0x76]);
const LIMIT_HI: u32 = u32::from_le_bytes([0x7F, 0x76, 0x76, 0x76]);

/// The XORed words of `b`'s first 12 bytes, if they have the canonical
/// shape. Eight bytes at a time: no byte loop on the hottest line there is.
fn shape_words(b: &[u8]) -> Option<(u64, u32)> {
    let (lo, hi) = (b.get(..8)?, b.get(8..12)?);
    let lo = u64::from_le_bytes(lo.try_into().ok()?) ^ SHAPE_LO;
    let hi = u32::from_le_bytes(hi.try_into().ok()?) ^ SHAPE_HI;
    // A byte of 0x80 or more fails through its own top bit; below that the
    // sums cannot carry into the next byte.
    let bad = ((lo | lo.wrapping_add(LIMIT_LO)) & 0x8080_8080_8080_8080) != 0
        || ((hi | hi.wrapping_add(LIMIT_HI)) & 0x8080_8080) != 0;
    (!bad).then_some((lo, hi))
}

fn canonical_code(b: &[u8]) -> Option<Timestamp> {
    let (lo, hi) = shape_words(b)?;
    // After the XOR every digit byte holds its value.
    let d = |w: u64, i: u32| ((w >> (8 * i)) & 0xFF) as i64;
    let (h, m, s) = (
        d(lo, 0) * 10 + d(lo, 1),
        d(lo, 3) * 10 + d(lo, 4),
        d(lo, 6) * 10 + d(lo, 7),
    );
    let hi = u64::from(hi);
    let ms = d(hi, 1) * 100 + d(hi, 2) * 10 + d(hi, 3);
    (m < 60 && s < 60).then(|| Timestamp::from_hmsm(h, m, s, ms))
}

/// Any time line screenkit can read, with what is odd about it.
fn lenient_time_line(line: &str) -> Option<TimeLine> {
    let (i, alen) = find_arrow(line)?;
    let arrow_exact = &line[i..i + alen] == "-->";
    let left = &line[..i];
    let right = line[i + alen..].trim_start();
    let (start, mut quirks) = parse_timecode(left.trim_end())?;
    // The end code runs up to the first space after its digits begin.
    let end_len = right
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | ',' | '.')))
        .unwrap_or(right.len());
    let (end, q2) = parse_timecode(&right[..end_len])?;
    let short_ms = [quirks.short_millis.clone(), q2.short_millis.clone()];
    quirks.merge(&q2);
    let rest = right[end_len..].trim();
    // Canonical spacing is exactly one space each side of the arrow.
    let spaced = left.ends_with(' ') && !left.ends_with("  ") && line[i + alen..].starts_with(' ');
    let spaced = spaced && !line[i + alen..].starts_with("  ");
    if left.trim_start().len() != left.len() {
        quirks.spaces = true;
    }
    Some(TimeLine {
        start,
        end,
        quirks,
        odd_arrow: !arrow_exact || !spaced,
        rest: (!rest.is_empty()).then(|| rest.to_string()),
        short_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn time_lines_are_recognised_as_find_arrow_would(
            line in "[0-9a-z :,.<>—-]{0,30}|[a-z ]{0,18}[0-9]{1,3}[a-z ]{0,4}-->.{0,6}|[0-9]{2,3}:[0-9]{2}:[0-9]{2},[0-9]{3} -[->] .{0,14}"
        ) {
            let by_arrow = match find_arrow(&line) {
                Some((i, _)) => line[..i].bytes().any(|b| b.is_ascii_digit()) && i <= 20,
                None => false,
            };
            proptest::prop_assert_eq!(looks_like_time_line(&line), by_arrow);
        }

        #[test]
        fn the_fast_path_reads_what_the_lenient_reader_reads(
            line in "[0-9]{2,3}:[0-9]{2}:[0-9]{2}[,.][0-9]{3} -[->] [0-9]{2,3}:[0-9]{2}:[0-9]{2},[0-9]{3}[ x]?|[0-9:, >-]{29,31}|[0-9]{1,4}:[0-9]{2}:[0-9]{1,2},[0-9]{3} --> 00:00:00,000"
        ) {
            let lenient = lenient_time_line(&line);
            if let Some(fast) = canonical_time_line(&line) {
                // Clean, but for the width of a three-digit hour.
                let wide = TimeQuirks { odd_width: false, ..fast.quirks.clone() };
                proptest::prop_assert!(wide.is_clean() && !fast.odd_arrow);
                proptest::prop_assert_eq!(Some(fast), lenient);
                proptest::prop_assert!(looks_like_time_line(&line));
            } else if let Some(l) = lenient {
                // What the fast path leaves has something to report.
                proptest::prop_assert!(!l.quirks.is_clean() || l.odd_arrow || l.rest.is_some());
            }
        }
    }

    /// Every single-byte change to a few codes, and every cut: the word
    /// test must say what a byte loop says, and read what the lenient
    /// reader reads.
    #[test]
    fn the_word_shape_test_agrees_with_a_byte_loop() {
        let bytewise = |b: &[u8]| {
            b.len() >= 12
                && b"00:00:00,000".iter().zip(b).all(|(&p, &c)| {
                    if p == b'0' {
                        c.is_ascii_digit()
                    } else {
                        c == p
                    }
                })
        };
        for code in [
            "00:00:00,000",
            "99:59:59,999",
            "12:34:56,789",
            "09:60:61,000",
        ] {
            for cut in 0..=code.len() {
                let b = &code.as_bytes()[..cut];
                assert_eq!(shape_words(b).is_some(), bytewise(b), "{b:?}");
            }
            for at in 0..12 {
                for with in 0..=255u8 {
                    let mut b = code.as_bytes().to_vec();
                    b[at] = with;
                    assert_eq!(shape_words(&b).is_some(), bytewise(&b), "{b:?}");
                    if let Ok(s) = std::str::from_utf8(&b) {
                        let lenient = parse_timecode(s).filter(|(_, q)| q.is_clean());
                        assert_eq!(canonical_code(&b), lenient.map(|(t, _)| t), "{s}");
                    }
                }
            }
        }
    }

    #[test]
    fn hours_past_99_take_three_digits_up_to_max_srt() {
        assert_eq!(MAX_SRT.srt(), "255:59:59,999");
        let (t, q) = parse_timecode("200:00:00,000").unwrap();
        assert_eq!((t.ms(), q.is_clean()), (200 * 3_600_000, true));
        // A leading zero is an odd width, whichever reader sees it.
        assert!(parse_timecode("012:00:00,000").unwrap().1.odd_width);
        for (line, odd) in [
            ("200:00:00,000 --> 255:59:59,999", false),
            ("012:00:00,000 --> 012:00:01,000", true),
        ] {
            let fast = parse_time_line(line).unwrap();
            assert_eq!(fast.quirks.odd_width, odd, "{line}");
            let lenient = lenient_time_line(line).unwrap();
            assert_eq!(lenient.quirks.odd_width, odd, "{line}");
        }
    }

    #[test]
    fn canonical_round_trip() {
        for (s, ms) in [
            ("00:00:00,000", 0),
            ("01:02:03,004", 3_723_004),
            ("99:59:59,999", 359_999_999),
            ("255:59:59,999", MAX_SRT.0),
        ] {
            let (t, q) = parse_timecode(s).unwrap();
            assert_eq!(t.ms(), ms, "{s}");
            assert!(q.is_clean(), "{s}: {q:?}");
            assert_eq!(t.srt(), s);
        }
    }

    #[test]
    fn lenient_forms_report_quirks() {
        type Pred = fn(&TimeQuirks) -> bool;
        let cases: [(&str, i64, Pred); 7] = [
            ("00:00:01.500", 1500, |q| q.separator == Some('.')),
            ("00:00:01:500", 1500, |q| q.separator == Some(':')),
            ("00:01:39", 99_000, |q| q.no_millis),
            ("00:02:04,08", 124_008, |q| {
                q.short_millis.as_deref() == Some("08")
            }),
            ("00:00:0,000", 0, |q| q.odd_width),
            ("00:61:00,000", 3_660_000, |q| q.out_of_range),
            (" 00:00:01,000", 1000, |q| q.spaces),
        ];
        for (s, ms, pred) in cases {
            let (t, q) = parse_timecode(s).unwrap_or_else(|| panic!("{s} should parse"));
            assert_eq!(t.ms(), ms, "{s}");
            assert!(pred(&q), "{s}: {q:?}");
        }
        // Forms players read that SubRip does not define (issue 11).
        let wild: [(&str, i64, Pred); 3] = [
            ("01:39,500", 99_500, |q| q.odd_width),
            ("00:00:013,567", 13_567, |q| q.odd_width),
            ("59:59.5", 3_599_005, |q| {
                q.odd_width && q.separator == Some('.') && q.short_millis.is_some()
            }),
        ];
        for (s, ms, pred) in wild {
            let (t, q) = parse_timecode(s).unwrap_or_else(|| panic!("{s} should parse"));
            assert_eq!(t.ms(), ms, "{s}");
            assert!(pred(&q), "{s}: {q:?}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "abc",
            "00:00",
            "1:2:3:4:5",
            "00:00:01,12345",
            "x0:00:01,000",
            "00:00:113,000",
            "00:0130:00,000",
        ] {
            assert!(parse_timecode(s).is_none(), "{s}");
        }
    }

    #[test]
    fn time_line_with_rest_and_arrows() {
        let t = parse_time_line("00:00:01,000 --> 00:00:02,000 X1:40 X2:600 Y1:20 Y2:50").unwrap();
        assert_eq!((t.start.ms(), t.end.ms()), (1000, 2000));
        assert_eq!(t.rest.as_deref(), Some("X1:40 X2:600 Y1:20 Y2:50"));
        assert!(!t.odd_arrow);
        let t = parse_time_line("00:00:01,000 -> 00:00:02,000").unwrap();
        assert!(t.odd_arrow);
        let t = parse_time_line("00:00:01,000-->00:00:02,000").unwrap();
        assert!(t.odd_arrow);
        assert!(parse_time_line("hello --> world").is_none());
    }

    #[test]
    fn negative_formats_with_sign() {
        assert_eq!(Timestamp(-1500).srt(), "-00:00:01,500");
        assert_eq!(Timestamp(3_723_004).vtt(), "01:02:03.004");
    }
}
