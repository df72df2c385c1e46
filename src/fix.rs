//! Safe mechanical fixes: never a change of wording.
//!
//! What `fix` does, in order (QC-RULES.md "fix" column): clean text (U+2028
//! to a line break, invisible characters and literal `\N` escapes, stray
//! whitespace, blank lines inside cues), balance tags, drop empty cues,
//! stable-sort by start, lengthen cues with no positive duration, trim
//! overlaps and short gaps to the profile's gap, lengthen too-short cues
//! where the next cue leaves room. Writing (see `write.rs`) then renumbers,
//! canonicalises time lines and drops time-line extras; the caller picks
//! UTF-8 and one line-ending style. Fixing fixed output changes nothing.

use crate::check::profile::Limits;
use crate::check::text::ESCAPED_BREAKS;
use crate::check::timing::{Measure, end_limit, in_stack, lengthened_end, start_order, wanted_ms};
use crate::subtitle::markup::{balanced_lines, clean_line, is_invisible};
use crate::subtitle::{Cue, Index, Track};
use crate::time::Timestamp;
use std::collections::BTreeMap;

/// A kind of change and how many times it was made.
pub type Changes = BTreeMap<&'static str, usize>;

/// Apply every safe fix; returns the fixed track and what changed.
pub fn fix(track: &Track, lim: &Limits) -> (Track, Changes) {
    let mut changes = Changes::new();
    let mut t = track.clone();
    for c in &mut t.cues {
        clean_text(c, &mut changes);
    }
    let before = t.cues.len();
    t.cues.retain(|c| !c.is_empty());
    count(&mut changes, "dropped empty cue", before - t.cues.len());
    reanchor_orphans(&mut t);
    let order = start_order(&t.cues);
    if order.windows(2).any(|w| w[0] > w[1]) {
        count(&mut changes, "sorted cues by start time", 1);
        t.cues = order.iter().map(|&i| t.cues[i].clone()).collect();
    }
    retime(&mut t.cues, lim, &mut changes);
    let renumbered = t
        .cues
        .iter()
        .enumerate()
        .filter(|(i, c)| c.index != Some(Index::Number(*i as u64 + 1)))
        .count();
    count(&mut changes, "renumbered cue", renumbered);
    let odd_times = t
        .cues
        .iter()
        .filter(|c| !c.time().quirks.is_clean() || c.time().odd_arrow)
        .count();
    count(
        &mut changes,
        "rewrote time line in HH:MM:SS,mmm form",
        odd_times,
    );
    let extras = t.cues.iter().filter(|c| c.time().rest.is_some()).count();
    count(&mut changes, "dropped text after the end time", extras);
    (t, changes)
}

/// Orphan text stays where it was: after the nearest earlier cue that is
/// still there (the one it followed may have been dropped as empty).
fn reanchor_orphans(t: &mut Track) {
    let kept: Vec<usize> = t.cues.iter().map(|c| c.pos).collect();
    for o in &mut t.orphans {
        o.after = o
            .after
            .and_then(|a| kept.iter().copied().filter(|&p| p <= a).max());
    }
}

fn count(changes: &mut Changes, what: &'static str, n: usize) {
    if n > 0 {
        *changes.entry(what).or_default() += n;
    }
}

/// Clean the text and balance tags, repeating until nothing changes:
/// each can expose work for the other (dropping a stray `</i>` leaves a
/// trailing space; removing an invisible character can join `<` and `i>`).
fn clean_text(c: &mut Cue, changes: &mut Changes) {
    for _ in 0..8 {
        let lines: Vec<&str> = c.lines().collect();
        let next = clean_once(&lines, changes);
        if next == lines {
            return;
        }
        c.set_lines(&next);
    }
}

fn clean_once(input: &[&str], changes: &mut Changes) -> Vec<String> {
    let mut lines: Vec<String> = Vec::with_capacity(input.len());
    for line in input {
        match clean_line(line) {
            Some(parts) if parts.len() == 1 && parts[0] == **line => lines.extend(parts),
            Some(parts) => {
                let what = if line.trim().is_empty() {
                    "removed blank line inside a cue"
                } else if line.chars().any(is_invisible)
                    || ESCAPED_BREAKS.iter().any(|e| line.contains(e))
                {
                    "replaced invisible characters or literal line breaks"
                } else {
                    "removed stray whitespace"
                };
                count(changes, what, 1);
                lines.extend(parts);
            }
            None => lines.push(line.to_string()),
        }
    }
    if let Some(balanced) = balanced_lines(&lines).filter(|b| *b != lines) {
        count(changes, "balanced <i>/<b>/<u> tags", 1);
        lines = balanced;
    }
    lines
}

/// Cues are in start order here.
fn retime(cues: &mut [Cue], lim: &Limits, changes: &mut Changes) {
    let order: Vec<usize> = (0..cues.len()).collect();
    let gap = lim.min_gap_ms;
    // Text does not change here, so each cue's wanted duration is fixed.
    let wanted: Vec<i64> = cues
        .iter()
        .map(|c| wanted_ms(&Measure::of(c, lim), lim))
        .collect();
    for k in 0..cues.len() {
        let limit = end_limit(cues, &order, k, gap);
        let c = &cues[k];
        if c.duration_ms() <= 0 {
            lengthen(
                cues,
                k,
                limit,
                wanted[k],
                changes,
                "gave a cue with no duration a positive one",
            );
            continue;
        }
        if let Some(l) = limit.filter(|&l| c.end.ms() > l && l > c.start.ms()) {
            // Trim every cue stacked with this one too, so they stay stacked.
            let old = (c.start, c.end);
            for j in k..cues.len() {
                if (cues[j].start, cues[j].end) != old {
                    break;
                }
                set_end(cues, j, l, changes, "trimmed an overlap or short gap");
            }
        }
    }
    for k in 0..cues.len() {
        let c = &cues[k];
        if c.duration_ms() > 0 && c.duration_ms() < wanted[k] && !in_stack(cues, &order, k) {
            let limit = end_limit(cues, &order, k, gap);
            lengthen(
                cues,
                k,
                limit,
                wanted[k],
                changes,
                "lengthened a cue into the free gap (minimum duration or reading speed)",
            );
        }
    }
}

/// Move the end of cue `k` towards `start + want`, within `limit`, if that
/// makes it longer (and, for a cue with no duration, positive).
fn lengthen(
    cues: &mut [Cue],
    k: usize,
    limit: Option<i64>,
    want: i64,
    changes: &mut Changes,
    what: &'static str,
) {
    let c = &cues[k];
    let end = lengthened_end(c, limit, want);
    if end > c.end.ms().max(c.start.ms()) {
        set_end(cues, k, end, changes, what);
    }
}

fn set_end(cues: &mut [Cue], k: usize, end: i64, changes: &mut Changes, what: &'static str) {
    cues[k].end = Timestamp(end);
    count(changes, what, 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::profile::ProfileName;
    use crate::subtitle::{Eol, parse::parse, write::to_srt};

    fn fixed(src: &str) -> String {
        let lim = Limits::new(ProfileName::Netflix, 24.0);
        to_srt(&fix(&parse(src, Default::default()), &lim).0, Eol::Lf).unwrap()
    }

    /// Found by the fuzz target: a stray `</i>` alone on a line left an
    /// empty line inside the cue, so fixing twice gave different output.
    #[test]
    fn stray_closing_tag_line_leaves_no_blank_line() {
        let once = fixed(
            "1\n00:00:01,000 --> 00:00:04,000\n<i>Home</i>\n</i>\n\n2\n00:00:05,000 --> 00:00:08,000\nNext\n",
        );
        assert_eq!(
            once,
            "1\n00:00:01,000 --> 00:00:04,000\n<i>Home</i>\n\n2\n00:00:05,000 --> 00:00:08,000\nNext\n\n"
        );
        assert_eq!(fixed(&once), once);
    }

    /// Found by the fuzz target: splitting at a literal `\N` made a line
    /// that read back as a time line. Such a line is left as it is.
    #[test]
    fn never_makes_a_line_that_reads_as_a_time_line() {
        // The arrow is too far along for this to be a time line, until a split.
        let tricky = "new line, as it is here\\N6 --> 00:02:19,815";
        let src = format!("1\n00:00:01,000 --> 00:00:04,000\n{tricky}\nok\\Nsplit\n");
        let once = fixed(&src);
        let want = format!("1\n00:00:01,000 --> 00:00:04,000\n{tricky}\nok\nsplit\n\n");
        assert_eq!(once, want);
        assert_eq!(fixed(&once), once);
    }

    /// Found by the fuzz target: dropping a stray `</font>` exposed a
    /// `<font …` whose `>` is the arrow's, so a second fix balanced again.
    #[test]
    fn tag_balancing_settles_in_one_fix() {
        let src = "1\n00:00:01,000 --> 00:00:03,000\n<font color=\"#fff a long line of text</font>2:02,797 --> 00:12:05,717\nnext\n";
        let once = fixed(src);
        assert_eq!(fixed(&once), once);
    }

    /// Found by the fuzz target: dropping a stray `</i>` left a trailing
    /// space that only a second fix trimmed.
    #[test]
    fn text_cleaning_settles_in_one_fix() {
        let once = fixed("1\n00:00:01,000 --> 00:00:03,000\nall the way </i>\nhome\n");
        assert!(once.contains("all the way\nhome"), "{once:?}");
        assert_eq!(fixed(&once), once);
    }

    /// Found by the fuzz target: `\h \h` became no-break spaces only, a line
    /// the reader takes for blank, so it ended the cue on the next read.
    #[test]
    fn no_line_of_only_hard_spaces_is_left() {
        let once = fixed(
            "1\n00:00:01,000 --> 00:00:03,000\n{\\an1}\n\\h \\h \\h\n\n2\n00:00:04,000 --> 00:00:06,000\nB\n",
        );
        assert!(
            once.starts_with("1\n00:00:01,000 --> 00:00:03,000\n{\\an1}\n\n2\n"),
            "{once:?}"
        );
        assert_eq!(fixed(&once), once);
    }
}
