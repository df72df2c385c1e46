//! Timing rules (QC-RULES.md §2.3), and the timing arithmetic that `fix`
//! shares so a finding is marked fixable exactly when `fix` repairs it.
//!
//! Timing is judged in start order (a stable sort of the cues), whatever
//! order the file has; `unsorted` reports the file order separately.

use super::profile::{Limits, MinDuration};
use super::rules::{Finding, Message, Rule, Secs, Severity, num};
use crate::subtitle::Cue;
use crate::subtitle::markup::{char_count, visible, word_count};
use std::collections::BTreeSet;

/// Cue indices in start order (stable: equal starts keep file order).
pub fn start_order(cues: &[Cue]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cues.len()).collect();
    // Nearly every file is in order already; checking is cheaper than sorting.
    if cues.windows(2).any(|w| w[1].start < w[0].start) {
        order.sort_by_key(|&i| cues[i].start);
    }
    order
}

/// Two cues with the same start and end: deliberately stacked (bilingual
/// tracks, speaker pairs). Never treated as an overlap to trim.
pub fn stacked(a: &Cue, b: &Cue) -> bool {
    a.start == b.start && a.end == b.end
}

/// Whether the cue at `order[k]` is stacked with a neighbour in start order.
pub fn in_stack(cues: &[Cue], order: &[usize], k: usize) -> bool {
    let me = &cues[order[k]];
    let near = |j: Option<usize>| {
        j.and_then(|j| order.get(j))
            .is_some_and(|&j| stacked(me, &cues[j]))
    };
    near(k.checked_sub(1)) || near(Some(k + 1))
}

/// The latest end the cue at `order[k]` may have: the start of the next cue
/// that is not stacked with it, minus the minimum gap. `None`: no next cue.
pub fn end_limit(cues: &[Cue], order: &[usize], k: usize, gap: i64) -> Option<i64> {
    let me = &cues[order[k]];
    order[k + 1..]
        .iter()
        .map(|&j| &cues[j])
        .find(|c| !stacked(me, c))
        .map(|c| c.start.ms() - gap)
}

/// Where `fix` would move the end of a cue that is too short (or not
/// positive): towards `start + min`, never past `limit`.
pub fn lengthened_end(cue: &Cue, limit: Option<i64>, min: i64) -> i64 {
    let want = cue.start.ms() + min;
    limit.map_or(want, |l| want.min(l))
}

/// What a cue shows, measured once: displayed characters and words
/// (words counted only when the profile has a per-word limit). `check`
/// keeps one per cue for the whole track, so 32 bits each: a cue's text is
/// part of a file of at most 2 GiB.
#[derive(Debug, Clone, Default)]
pub struct Measure {
    pub chars: u32,
    pub words: u32,
}

impl Measure {
    pub fn of(c: &Cue, lim: &Limits) -> Measure {
        Measure::with_chars(c, lim, c.lines().map(|l| char_count(&visible(l))).sum())
    }

    /// When the displayed characters were already counted (by the text rules).
    pub fn with_chars(c: &Cue, lim: &Limits, chars: usize) -> Measure {
        let needs_words =
            lim.max_wpm.is_some() || matches!(lim.min_duration, MinDuration::PerWord(_));
        let words: usize = if needs_words {
            c.lines().map(|l| word_count(&visible(l))).sum()
        } else {
            0
        };
        Measure {
            chars: num(chars),
            words: num(words),
        }
    }
}

/// How long a cue should stay up: the profile minimum, and long enough to
/// read at the profile's maximum speed, but not past the maximum duration.
pub fn wanted_ms(m: &Measure, lim: &Limits) -> i64 {
    let min = lim.min_duration_ms(m.words as usize);
    let want = min.max(reading_ms(m, lim));
    lim.max_duration_ms
        .map_or(want, |max| want.min(max).max(min))
}

/// Time needed to read the cue at the profile's maximum speed.
fn reading_ms(m: &Measure, lim: &Limits) -> i64 {
    let by_cps = lim
        .max_cps
        .map_or(0, |cps| (m.chars as f64 * 1000.0 / cps).ceil() as i64);
    let by_wpm = lim
        .max_wpm
        .map_or(0, |wpm| (m.words as f64 * 60_000.0 / wpm).ceil() as i64);
    by_cps.max(by_wpm)
}

/// Whether `fix` can give the cue at `order[k]` at least `need` ms.
pub fn room_for(cues: &[Cue], order: &[usize], k: usize, gap: i64, need: i64) -> bool {
    let c = &cues[order[k]];
    !in_stack(cues, order, k)
        && lengthened_end(c, end_limit(cues, order, k, gap), need) >= c.start.ms() + need
}

/// Walks the cues in start order, remembering the earlier cue that ends
/// last: the one a cue overlaps if it overlaps any.
#[derive(Default)]
struct LatestEnd(Option<usize>);

impl LatestEnd {
    /// The position (in start order) of the cue that ends last among those
    /// before `order[k]`; then counts `order[k]` in. Call for every `k` in turn.
    fn before(&mut self, cues: &[Cue], order: &[usize], k: usize) -> Option<usize> {
        let prev = self.0;
        if prev.is_none_or(|pk| cues[order[k]].end >= cues[order[pk]].end) {
            self.0 = Some(k);
        }
        prev
    }
}

/// Cue positions (1-based, as in the file) that start before the cue above
/// them or before an earlier cue has ended: the `unsorted` and `overlap`
/// errors, without the rest of the checker. Stacked cues do not overlap.
pub fn overlapping(cues: &[Cue]) -> BTreeSet<usize> {
    let mut out: BTreeSet<usize> = cues
        .windows(2)
        .filter(|w| w[1].start < w[0].start)
        .map(|w| w[1].pos + 1)
        .collect();
    let order = start_order(cues);
    let mut latest = LatestEnd::default();
    for (k, &i) in order.iter().enumerate() {
        let c = &cues[i];
        if let Some(pk) = latest.before(cues, &order, k) {
            let p = &cues[order[pk]];
            if !stacked(p, c) && c.start < p.end {
                out.insert(c.pos + 1);
            }
        }
    }
    out
}

/// Run the timing rules; `measures[i]` belongs to `cues[i]`.
pub fn check(cues: &[Cue], measures: &[Measure], lim: &Limits, out: &mut Vec<Finding>) {
    let mut add = |rule, severity, c: &Cue, message: Message, fixable: bool| {
        // `fix` leaves an end read from an ambiguous millisecond field
        // where it is: moving it would settle what only a person can.
        let ambiguous_end = c.time().kept(1, c.end).is_some();
        let fixable = fixable && !(ambiguous_end && rule != Rule::Unsorted);
        out.push(Finding {
            rule,
            severity,
            line: num(c.time_line),
            cue: Some(num(c.pos + 1)),
            message,
            fixable,
        });
    };
    for w in cues.windows(2) {
        if w[1].start < w[0].start {
            let m = format!(
                "starts at {} but the cue above starts at {}",
                w[1].start, w[0].start
            );
            add(Rule::Unsorted, Severity::Error, &w[1], m.into(), true);
        }
    }
    let order = start_order(cues);
    let mut latest = LatestEnd::default();
    for (k, &i) in order.iter().enumerate() {
        let c = &cues[i];
        let dur = c.duration_ms();
        let limit = end_limit(cues, &order, k, lim.min_gap_ms);
        let m = &measures[i];
        let min = lim.min_duration_ms(m.words as usize);
        if dur <= 0 {
            let fixable =
                !c.is_empty() && lengthened_end(c, limit, wanted_ms(m, lim)) > c.start.ms();
            let m = format!(
                "ends at {}, {} its start {}",
                c.end,
                if dur == 0 { "the same as" } else { "before" },
                c.start
            );
            add(
                Rule::NonPositiveDuration,
                Severity::Error,
                c,
                m.into(),
                fixable,
            );
        } else if dur < min {
            let fixable = room_for(cues, &order, k, lim.min_gap_ms, min);
            add(
                Rule::TooShort,
                Severity::Warning,
                c,
                Message::OnScreen {
                    ms: dur,
                    limit: min,
                    minimum: true,
                },
                fixable,
            );
        }
        if let Some(max) = lim.max_duration_ms.filter(|&m| dur > m) {
            add(
                Rule::TooLong,
                Severity::Warning,
                c,
                Message::OnScreen {
                    ms: dur,
                    limit: max,
                    minimum: false,
                },
                false,
            );
        }
        // Fixable only if the time needed fits under the maximum and in the
        // gap; worked out only for cues that read too fast.
        let fixable = || {
            let want = wanted_ms(m, lim);
            reading_ms(m, lim) <= want && room_for(cues, &order, k, lim.min_gap_ms, want)
        };
        reading_speed(c, m, dur, lim, &fixable, &mut add);
        if let Some(pk) = latest.before(cues, &order, k) {
            let p = &cues[order[pk]];
            if stacked(p, c) {
                add(
                    Rule::Overlap,
                    Severity::Info,
                    c,
                    Message::Stacked { cue: p.pos + 1 },
                    false,
                );
            } else if c.start < p.end {
                // fix trims the earlier cue to its limit; possible only if
                // that still leaves it a positive duration.
                let fixable =
                    end_limit(cues, &order, pk, lim.min_gap_ms).is_some_and(|l| l > p.start.ms());
                let m = Message::Overlap {
                    start: c.start,
                    cue: p.pos + 1,
                    end: p.end,
                };
                add(Rule::Overlap, Severity::Error, c, m, fixable);
            }
        }
        gaps(cues, &order, k, limit, lim, &mut add);
    }
    if let (Some(min), Some(&first)) = (lim.first_cue_min_ms, order.first()) {
        let c = &cues[first];
        if c.start.ms() < min {
            add(
                Rule::FirstCueEarly,
                Severity::Warning,
                c,
                format!("first cue starts at {} (not before {})", c.start, Secs(min)).into(),
                false,
            );
        }
    }
}

type Add<'a> = dyn FnMut(Rule, Severity, &Cue, Message, bool) + 'a;

fn gaps(
    cues: &[Cue],
    order: &[usize],
    k: usize,
    limit: Option<i64>,
    lim: &Limits,
    add: &mut Add<'_>,
) {
    let c = &cues[order[k]];
    let Some(next) = order.get(k + 1).map(|&j| &cues[j]) else {
        return;
    };
    let gap = next.start.ms() - c.end.ms();
    if gap < 0 || stacked(c, next) || c.duration_ms() <= 0 {
        return;
    }
    if gap < lim.min_gap_ms {
        let fixable = limit.is_some_and(|l| l > c.start.ms());
        let m = Message::ShortGap {
            gap,
            min: lim.min_gap_ms,
        };
        add(Rule::ShortGap, Severity::Warning, c, m, fixable);
    } else if let Some((lo, hi)) = lim.close_gap_ms
        && (lo..=hi).contains(&gap)
    {
        let m = Message::CloseGap {
            gap,
            min: lim.min_gap_ms,
        };
        add(Rule::CloseGap, Severity::Info, c, m, false);
    }
}

fn reading_speed(
    c: &Cue,
    m: &Measure,
    dur: i64,
    lim: &Limits,
    fixable: &dyn Fn() -> bool,
    add: &mut Add<'_>,
) {
    if dur <= 0 {
        return;
    }
    let secs_on = dur as f64 / 1000.0;
    if let Some(max) = lim.max_cps {
        let cps = m.chars as f64 / secs_on;
        if cps > max + 1e-9 {
            add(
                Rule::ReadingSpeed,
                Severity::Warning,
                c,
                Message::Cps { cps, max },
                fixable(),
            );
            return;
        }
    }
    if let Some(max) = lim.max_wpm {
        let wpm = m.words as f64 * 60.0 / secs_on;
        if wpm > max + 1e-9 {
            add(
                Rule::ReadingSpeed,
                Severity::Warning,
                c,
                Message::Wpm { wpm, max },
                fixable(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::overlapping;
    use crate::check::profile::{Limits, ProfileName};
    use crate::check::rules::{Rule, Severity};
    use crate::check::{CheckOptions, check_track};
    use crate::subtitle::{Source, parse::parse};
    use std::collections::BTreeSet;

    fn srt(times: &[(&str, &str)]) -> crate::subtitle::Track {
        let text: String = times
            .iter()
            .enumerate()
            .map(|(k, (a, b))| format!("{}\n{a} --> {b}\nline {k}\n\n", k + 1))
            .collect();
        parse(&text, Source::default())
    }

    /// The `overlap` and `unsorted` errors of the whole checker.
    fn by_checker(track: &crate::subtitle::Track) -> BTreeSet<usize> {
        let opts = CheckOptions {
            limits: Limits::new(ProfileName::Relaxed, 24.0),
            ignore: Default::default(),
            clip_ms: None,
        };
        check_track(track, &opts)
            .into_iter()
            .filter(|f| {
                matches!(f.rule, Rule::Overlap | Rule::Unsorted) && f.severity == Severity::Error
            })
            .filter_map(|f| f.cue.map(|c| c as usize))
            .collect()
    }

    #[test]
    fn overlaps_are_the_checkers_overlap_and_unsorted_errors() {
        let cases: &[&[(&str, &str)]] = &[
            &[
                ("00:00:01,000", "00:00:02,000"),
                ("00:00:03,000", "00:00:04,000"),
            ],
            // 2 overlaps 1; 3 is stacked with 2 (info, not an error).
            &[
                ("00:00:01,000", "00:00:03,000"),
                ("00:00:02,000", "00:00:04,000"),
                ("00:00:02,000", "00:00:04,000"),
            ],
            // 3 starts before 2 (unsorted) and inside the long cue 1.
            &[
                ("00:00:01,000", "00:00:09,000"),
                ("00:00:05,000", "00:00:06,000"),
                ("00:00:04,000", "00:00:04,500"),
                ("00:00:09,000", "00:00:10,000"),
            ],
        ];
        let want: [&[usize]; 3] = [&[], &[2], &[2, 3]];
        for (times, want) in cases.iter().zip(want) {
            let track = srt(times);
            let got = overlapping(&track.cues);
            assert_eq!(got, want.iter().copied().collect(), "{times:?}");
            assert_eq!(got, by_checker(&track), "{times:?}");
        }
    }

    /// Overlap messages are kept as data; shown or in JSON they read as
    /// the sentence they stand for.
    #[test]
    fn overlap_and_stacked_messages_read_as_sentences() {
        let track = srt(&[
            ("00:00:01,000", "00:00:03,000"),
            ("00:00:02,000", "00:00:04,000"),
            ("00:00:02,000", "00:00:04,000"),
        ]);
        let opts = CheckOptions {
            limits: Limits::new(ProfileName::Relaxed, 24.0),
            ignore: Default::default(),
            clip_ms: None,
        };
        let said: Vec<(Option<u32>, String, String)> = check_track(&track, &opts)
            .into_iter()
            .filter(|f| f.rule == Rule::Overlap)
            .map(|f| {
                let mut json = Vec::new();
                f.message.write_json(&mut json);
                (
                    f.cue,
                    f.message.to_string(),
                    String::from_utf8(json).unwrap(),
                )
            })
            .collect();
        let want = [
            (
                2,
                "starts at 00:00:02,000, before cue 1 ends at 00:00:03,000",
            ),
            (3, "stacked with cue 2 (identical times)"),
        ];
        assert_eq!(said.len(), want.len(), "{said:?}");
        for ((cue, text, json), (want_cue, want_text)) in said.iter().zip(want) {
            assert_eq!((*cue, text.as_str()), (Some(want_cue), want_text));
            assert_eq!(json, &serde_json::to_string(want_text).unwrap());
        }
    }
}
