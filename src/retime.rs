//! Retiming: a constant shift, a frame-rate change, or a piecewise-linear
//! map through anchor points, optionally limited to a range of cues.
//!
//! All arithmetic is on integer milliseconds and exact rationals (23.976 is
//! 24000/1001, not a float), rounding half away from zero once per time, so
//! results are exact and a shift of +d then -d is the identity.

use crate::subtitle::Track;
use crate::time::{Timestamp, parse_timecode};
use thiserror::Error;

/// Why a retime argument could not be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RetimeError {
    #[error("'{0}' is not a duration; write e.g. 2.5s, -1500ms or -00:00:01,500")]
    Duration(String),
    #[error("'{0}' is not a frame rate; write e.g. 23.976, 24, 25 or 29.97")]
    Fps(String),
    #[error("'{0}' is not FROM:TO; write e.g. --fps 23.976:25")]
    FpsPair(String),
    #[error("'{0}' is not OLD=NEW with times like 00:01:02,500")]
    Anchor(String),
    #[error("two anchors map the same time {0}")]
    DuplicateAnchor(String),
    #[error("anchors {0} and {1} swap order; a map must keep the cues in order")]
    Reversed(String, String),
    #[error(
        "'{0}' is not a range; write START..END with times like 00:10:00,000 (either end may be left out)"
    )]
    Range(String),
}

/// An exact positive rational, for frame rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub num: i128,
    pub den: i128,
}

/// One way of moving times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Add this many ms.
    Shift(i64),
    /// t' = t × num / den (a frame-rate change FROM:TO is FROM / TO).
    Scale(Ratio),
    /// Piecewise linear through (old, new) anchors, sorted by old.
    Map(Vec<(i64, i64)>),
}

/// Divide, rounding half away from zero.
fn div_round(n: i128, d: i128) -> i128 {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((-2 * n + d) / (2 * d))
    }
}

impl Op {
    /// A frame-rate change: subtitles timed for video at `from` fps that now
    /// plays at `to` fps (PAL speed-up 23.976 → 25 makes everything earlier).
    pub fn fps(from: Ratio, to: Ratio) -> Op {
        Op::Scale(Ratio {
            num: from.num * to.den,
            den: from.den * to.num,
        })
    }

    /// Anchors `OLD=NEW`: one is a shift, two or more a piecewise-linear map.
    pub fn map(mut anchors: Vec<(i64, i64)>) -> Result<Op, RetimeError> {
        anchors.sort_unstable();
        for w in anchors.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(RetimeError::DuplicateAnchor(Timestamp(w[0].0).srt()));
            }
            if w[1].1 <= w[0].1 {
                let show =
                    |(o, n): (i64, i64)| format!("{}={}", Timestamp(o).srt(), Timestamp(n).srt());
                return Err(RetimeError::Reversed(show(w[0]), show(w[1])));
            }
        }
        Ok(match anchors.as_slice() {
            [(old, new)] => Op::Shift(new - old),
            _ => Op::Map(anchors),
        })
    }

    /// The new time for `t` (ms).
    pub fn apply(&self, t: i64) -> i64 {
        match self {
            Op::Shift(d) => t + d,
            Op::Scale(r) => div_round(i128::from(t) * r.num, r.den) as i64,
            Op::Map(a) => {
                // The segment containing t, or the nearest one at either end.
                let k = a
                    .partition_point(|&(old, _)| old <= t)
                    .clamp(1, a.len() - 1);
                let ((o0, n0), (o1, n1)) = (a[k - 1], a[k]);
                let off = div_round(
                    i128::from(t - o0) * i128::from(n1 - n0),
                    i128::from(o1 - o0),
                );
                n0 + off as i64
            }
        }
    }
}

/// Cues whose start lies in `start..end` (either end open).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Range {
    pub fn contains(&self, t: i64) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

/// What a retime did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub track: Track,
    /// How many cues were moved.
    pub moved: usize,
    /// 1-based positions of moved cues that now start before 0.
    pub negative: Vec<usize>,
}

/// Apply `op` to the start and end of every cue that starts in `range`.
/// The track is moved in place, not copied: a copy held every cue twice.
pub fn retime(track: Track, op: &Op, range: &Range) -> Outcome {
    let mut t = track;
    let (mut moved, mut negative) = (0, Vec::new());
    for c in t.cues.iter_mut().filter(|c| range.contains(c.start.ms())) {
        c.start = Timestamp(op.apply(c.start.ms()));
        c.end = Timestamp(op.apply(c.end.ms()));
        moved += 1;
        if c.start.ms() < 0 {
            negative.push(c.pos + 1);
        }
    }
    Outcome {
        track: t,
        moved,
        negative,
    }
}

/// What cutting a window out of a track did.
#[derive(Debug, Clone, PartialEq)]
pub struct CutOutcome {
    /// The cues of the window, shifted so the window starts at 0.
    pub track: Track,
    /// 1-based positions of kept cues that started before the window.
    pub trimmed_start: Vec<usize>,
    /// 1-based positions of kept cues that ran past the window's end.
    pub trimmed_end: Vec<usize>,
    /// 1-based positions of cues wholly outside the window.
    pub dropped: Vec<usize>,
    /// Unreadable blocks left out because the cue they followed was dropped.
    pub dropped_orphans: usize,
}

/// The cues that show during `window` (open ends: the start and end of the
/// track), shifted to start at 0; cues crossing an edge are cut at it, so
/// each keeps exactly the part that shows inside the window. Cut in place,
/// like `retime`.
pub fn cut(track: Track, window: &Range) -> CutOutcome {
    let from = window.start.unwrap_or(0);
    let to = window.end.unwrap_or(i64::MAX);
    // A block before the first cue belongs to the track's head, which a cut
    // keeps only when it keeps that first cue.
    let first = track.cues.iter().map(|c| c.pos).min();
    let mut t = track;
    let (mut trimmed_start, mut trimmed_end, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
    t.cues.retain_mut(|c| {
        let (s, e) = (c.start.ms(), c.end.ms());
        if e <= from || s >= to {
            dropped.push(c.pos + 1);
            return false;
        }
        if s < from {
            trimmed_start.push(c.pos + 1);
        }
        if e > to {
            trimmed_end.push(c.pos + 1);
        }
        c.start = Timestamp(s.max(from) - from);
        c.end = Timestamp(e.min(to) - from);
        true
    });
    let kept: std::collections::HashSet<usize> = t.cues.iter().map(|c| c.pos).collect();
    let before = t.orphans.len();
    t.orphans.retain(|o| match o.after {
        Some(p) => kept.contains(&p),
        None => first.is_some_and(|f| kept.contains(&f)),
    });
    dropped.sort_unstable();
    CutOutcome {
        dropped_orphans: before - t.orphans.len(),
        track: t,
        trimmed_start,
        trimmed_end,
        dropped,
    }
}

/// Drop cues that now end at or before 0 and start the rest at 0 at the
/// earliest (`--drop-negative`); returns (dropped, trimmed).
pub fn drop_negative(track: &mut Track) -> (usize, usize) {
    let before = track.cues.len();
    track.cues.retain(|c| c.end.ms() > 0);
    let mut trimmed = 0;
    for c in track.cues.iter_mut().filter(|c| c.start.ms() < 0) {
        c.start = Timestamp(0);
        trimmed += 1;
    }
    (before - track.cues.len(), trimmed)
}

/// Parse a decimal number of `unit` ms (`2.5` seconds → 2500), rounding to
/// the nearest ms.
fn decimal_ms(s: &str, unit: i128) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()))
        || frac.len() > 9
    {
        return None;
    }
    let scale = 10i128.pow(frac.len() as u32);
    let whole: i128 = format!("{int}{frac}").parse().ok()?;
    i64::try_from(div_round(whole * unit, scale)).ok()
}

/// `--shift`: `[+-]N(ms|s)` (`2.5s`, `-1500ms`) or `[+-]HH:MM:SS,mmm`.
pub fn parse_duration(s: &str) -> Result<i64, RetimeError> {
    let err = || RetimeError::Duration(s.to_string());
    let t = s.trim();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let ms = if let Some(n) = body.strip_suffix("ms") {
        decimal_ms(n, 1)
    } else if let Some(n) = body.strip_suffix('s') {
        decimal_ms(n, 1000)
    } else if body.contains(':') {
        parse_timecode(body)
            .filter(|(_, q)| !q.out_of_range)
            .map(|(t, _)| t.ms())
    } else {
        None
    };
    ms.map(|v| sign * v).ok_or_else(err)
}

/// A frame rate; the NTSC family is exact (23.976 is 24000/1001).
pub fn parse_fps(s: &str) -> Result<Ratio, RetimeError> {
    let ntsc = |n: i128| Ratio {
        num: n * 1000,
        den: 1001,
    };
    let r = match s.trim() {
        "23.976" | "23.98" => ntsc(24),
        "29.97" => ntsc(30),
        "47.952" => ntsc(48),
        "59.94" => ntsc(60),
        "119.88" => ntsc(120),
        other => {
            let (int, frac) = other.split_once('.').unwrap_or((other, ""));
            let ok = !int.is_empty()
                && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
                && frac.len() <= 6;
            let num: i128 = if ok {
                format!("{int}{frac}")
                    .parse()
                    .map_err(|_| RetimeError::Fps(s.into()))?
            } else {
                0
            };
            Ratio {
                num,
                den: 10i128.pow(frac.len() as u32),
            }
        }
    };
    if r.num <= 0 || r.num > 1000 * r.den {
        return Err(RetimeError::Fps(s.to_string()));
    }
    Ok(r)
}

/// `--fps FROM:TO`.
pub fn parse_fps_pair(s: &str) -> Result<Op, RetimeError> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| RetimeError::FpsPair(s.to_string()))?;
    Ok(Op::fps(parse_fps(a)?, parse_fps(b)?))
}

fn time(s: &str) -> Option<i64> {
    parse_timecode(s.trim())
        .filter(|(_, q)| !q.out_of_range && q.short_millis.is_none())
        .map(|(t, _)| t.ms())
}

/// `--map OLD=NEW`.
pub fn parse_anchor(s: &str) -> Result<(i64, i64), RetimeError> {
    let err = || RetimeError::Anchor(s.to_string());
    let (a, b) = s.split_once('=').ok_or_else(err)?;
    Ok((time(a).ok_or_else(err)?, time(b).ok_or_else(err)?))
}

/// `--range START..END`, either end optional.
pub fn parse_range(s: &str) -> Result<Range, RetimeError> {
    let err = || RetimeError::Range(s.to_string());
    let (a, b) = s.split_once("..").ok_or_else(err)?;
    let end = |x: &str| {
        if x.trim().is_empty() {
            Ok(None)
        } else {
            time(x).map(Some).ok_or_else(err)
        }
    };
    let r = Range {
        start: end(a)?,
        end: end(b)?,
    };
    match (r.start, r.end) {
        (Some(s), Some(e)) if e <= s => Err(err()),
        _ => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtitle::Cue;

    #[test]
    fn durations() {
        let ok = [
            ("2.5s", 2500),
            ("-1500ms", -1500),
            ("+0.0005s", 1),
            ("1.4994s", 1499),
            ("-00:00:01,500", -1500),
            ("01:00:00,000", 3_600_000),
            ("31s", 31_000),
        ];
        for (s, ms) in ok {
            assert_eq!(parse_duration(s), Ok(ms), "{s}");
        }
        for s in ["", "2.5", "abc", "1.5min", "s", "--2s", "00:61:00,000"] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
    }

    #[test]
    fn every_common_fps_pair_is_exact() {
        // One hour, rounded once to the nearest ms: t × FROM / TO.
        let hour = 3_600_000i64;
        let rates = [
            ("23.976", 24000.0 / 1001.0),
            ("24", 24.0),
            ("25", 25.0),
            ("29.97", 30000.0 / 1001.0),
            ("30", 30.0),
        ];
        for (a, fa) in rates {
            for (b, fb) in rates {
                let op = parse_fps_pair(&format!("{a}:{b}")).unwrap();
                let want = (hour as f64 * fa / fb).round() as i64;
                assert_eq!(op.apply(hour), want, "{a}:{b}");
            }
        }
        let pal = parse_fps_pair("23.976:25").unwrap();
        assert_eq!(pal.apply(3_600_000), 3_452_547); // 3600 s × 24000 / 25025
        assert_eq!(pal.apply(1001), 960);
        assert!(
            parse_fps_pair("25").is_err()
                && parse_fps_pair("0:25").is_err()
                && parse_fps_pair("x:25").is_err()
        );
    }

    #[test]
    fn maps_interpolate_and_extrapolate() {
        // Two anchors: a clip that starts 31 s in and runs 0.1% slow.
        let two = Op::map(vec![(31_000, 0), (1_031_000, 1_001_000)]).unwrap();
        assert_eq!(two.apply(31_000), 0);
        assert_eq!(two.apply(531_000), 500_500);
        assert_eq!(two.apply(1_031_000), 1_001_000);
        assert_eq!(
            two.apply(0),
            -31_031,
            "before the first anchor: the first segment's slope"
        );
        assert_eq!(
            two.apply(2_031_000),
            2_002_000,
            "after the last: the last segment's slope"
        );
        // Three anchors: a re-edited middle part.
        let three = Op::map(vec![(0, 0), (60_000, 60_000), (120_000, 150_000)]).unwrap();
        assert_eq!(three.apply(30_000), 30_000);
        assert_eq!(three.apply(90_000), 105_000);
        assert_eq!(three.apply(180_000), 240_000);
        // One anchor is a shift.
        assert_eq!(Op::map(vec![(10_000, 12_500)]).unwrap(), Op::Shift(2_500));
        assert!(matches!(
            Op::map(vec![(1, 5), (1, 6)]),
            Err(RetimeError::DuplicateAnchor(_))
        ));
        assert!(matches!(
            Op::map(vec![(1, 5), (2, 4)]),
            Err(RetimeError::Reversed(..))
        ));
    }

    #[test]
    fn anchors_and_ranges_parse() {
        assert_eq!(
            parse_anchor("00:01:02,500=00:01:00,000"),
            Ok((62_500, 60_000))
        );
        assert!(
            parse_anchor("00:01:02,5=00:01:00,000").is_err(),
            "ambiguous ms refused"
        );
        assert_eq!(
            parse_range("00:10:00,000.."),
            Ok(Range {
                start: Some(600_000),
                end: None
            })
        );
        assert_eq!(
            parse_range("..00:00:05,000"),
            Ok(Range {
                start: None,
                end: Some(5000)
            })
        );
        assert!(parse_range("00:00:05,000..00:00:01,000").is_err() && parse_range("5s").is_err());
    }

    fn track() -> Track {
        Track::from_cues(vec![
            Cue::new(Timestamp(1000), Timestamp(2000), "a"),
            Cue::new(Timestamp(5000), Timestamp(6000), "b"),
            Cue::new(Timestamp(9000), Timestamp(9500), "c"),
        ])
    }

    #[test]
    fn range_limits_the_cues_moved_and_negatives_are_named() {
        let r = Range {
            start: Some(4000),
            end: Some(9000),
        };
        let out = retime(track(), &Op::Shift(-5500), &r);
        assert_eq!(out.moved, 1);
        let times: Vec<_> = out
            .track
            .cues
            .iter()
            .map(|c| (c.start.ms(), c.end.ms()))
            .collect();
        assert_eq!(times, [(1000, 2000), (-500, 500), (9000, 9500)]);
        assert_eq!(out.negative, [2]);
        let mut t = out.track;
        assert_eq!(drop_negative(&mut t), (0, 1));
        assert_eq!(t.cues[1].start.ms(), 0);
    }

    #[test]
    fn shift_there_and_back_is_the_identity() {
        for d in [1, 999, 31_000, -2500, 3_600_001] {
            let there = retime(track(), &Op::Shift(d), &Range::default());
            let back = retime(there.track, &Op::Shift(-d), &Range::default());
            assert_eq!(back.track, track(), "{d}");
        }
    }

    #[test]
    fn cut_keeps_what_shows_in_the_window_to_the_ms() {
        // Window 1.5 s..9.2 s: a straddles the start, c the end.
        let w = Range {
            start: Some(1500),
            end: Some(9200),
        };
        let out = cut(track(), &w);
        let times: Vec<_> = out
            .track
            .cues
            .iter()
            .map(|c| (c.start.ms(), c.end.ms(), c.text().to_string()))
            .collect();
        assert_eq!(
            times,
            [
                (0, 500, "a".into()),
                (3500, 4500, "b".into()),
                (7500, 7700, "c".into())
            ]
        );
        assert_eq!((out.trimmed_start, out.trimmed_end), (vec![1], vec![3]));
        assert!(out.dropped.is_empty());
        // Edges touching a cue exactly keep or drop it without a 0 ms stub.
        let out = cut(
            track(),
            &Range {
                start: Some(2000),
                end: Some(9000),
            },
        );
        assert_eq!(out.dropped, [1, 3]);
        assert_eq!(out.track.cues.len(), 1);
        assert!(out.trimmed_start.is_empty() && out.trimmed_end.is_empty());
    }
}
