//! Safe mechanical fixes: never a change of wording.
//!
//! What `fix` does, in order (QC-RULES.md "fix" column): clean text (U+2028
//! to a line break, invisible characters and literal `\N` escapes, stray
//! whitespace, blank lines inside cues), balance tags, drop empty cues,
//! stable-sort by start, with a clip: drop cues that start after it ends
//! and trim those that run past it (`past-clip-end`), lengthen cues with no
//! positive duration, trim overlaps and short gaps to the profile's gap,
//! lengthen too-short cues where the next cue (or the clip's end) leaves
//! room. Writing (see `write.rs`) then renumbers, canonicalises time lines
//! and drops time-line extras; the caller picks UTF-8 and one line-ending
//! style, and `source_changes` says what that changes about the file.
//! Fixing fixed output changes nothing.

use crate::check::profile::Limits;
use crate::check::text::ESCAPED_BREAKS;
use crate::check::timing::{Measure, end_limit, in_stack, lengthened_end, start_order, wanted_ms};
use crate::subtitle::markup::{balanced_lines, clean_line, is_invisible};
use crate::subtitle::{Cue, Eol, Index, Source, Track};
use crate::time::{TimeQuirks, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// A kind of change `fix` makes, in the order it reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    FromAss,
    Transcoded,
    RemovedBom,
    MadeEolCrlf,
    MadeEolLf,
    RemovedLeadingBlankLines,
    AddedFinalNewline,
    RemovedBlankLineInCue,
    ReplacedInvisible,
    RemovedStrayWhitespace,
    BalancedTags,
    DroppedEmptyCue,
    SortedCues,
    DroppedPastClipEnd,
    TrimmedToClipEnd,
    GavePositiveDuration,
    TrimmedOverlap,
    Lengthened,
    Renumbered,
    RewroteTimeLine,
    DroppedTextAfterEnd,
}

impl Change {
    /// What was done, as the report says it.
    pub fn what(self) -> &'static str {
        match self {
            Change::FromAss => {
                "wrote the ASS/SSA events as SubRip (position, italic, bold and underline kept; other styling left out)"
            }
            Change::Transcoded => "transcoded to UTF-8",
            Change::RemovedBom => "removed the byte-order mark",
            Change::MadeEolCrlf => "made every line ending CRLF",
            Change::MadeEolLf => "made every line ending LF",
            Change::RemovedLeadingBlankLines => "removed blank lines before the first cue",
            Change::AddedFinalNewline => "ended the file with a line break",
            Change::RemovedBlankLineInCue => "removed blank lines inside cues",
            Change::ReplacedInvisible => "replaced invisible characters or literal line breaks",
            Change::RemovedStrayWhitespace => "removed stray whitespace",
            Change::BalancedTags => "balanced <i>/<b>/<u> tags",
            Change::DroppedEmptyCue => "dropped empty cues",
            Change::SortedCues => "sorted cues by start time",
            Change::DroppedPastClipEnd => "dropped cues that start after the clip ends",
            Change::TrimmedToClipEnd => "trimmed cues that run past the clip's end to its end",
            Change::GavePositiveDuration => "gave cues with no duration a positive one",
            Change::TrimmedOverlap => "trimmed an overlap or short gap",
            Change::Lengthened => {
                "lengthened cues into the free gap (minimum duration or reading speed)"
            }
            Change::Renumbered => "renumbered cues",
            Change::RewroteTimeLine => "rewrote time lines in HH:MM:SS,mmm form",
            Change::DroppedTextAfterEnd => "dropped text after the end time",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.what())
    }
}

/// A cue as the input numbers it: its position (1-based, as `check`
/// reports it) and the line of its time line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CueRef {
    pub cue: usize,
    pub line: usize,
}

impl CueRef {
    pub fn of(c: &Cue) -> Self {
        CueRef {
            cue: c.pos + 1,
            line: c.time_line,
        }
    }
}

/// What changed: each kind of change with the cues it touched, in input
/// order (none for a change to the whole file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes(BTreeMap<Change, BTreeSet<CueRef>>);

impl Changes {
    /// A change to the whole file.
    pub fn file(&mut self, what: Change) {
        self.0.entry(what).or_default();
    }

    /// A change to cue `c`, noted once however often it is made to it.
    pub fn cue(&mut self, what: Change, c: &Cue) {
        self.0.entry(what).or_default().insert(CueRef::of(c));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, what: Change) -> bool {
        self.0.contains_key(&what)
    }

    /// The cues a change touched (empty for a whole-file change, or one
    /// not made).
    pub fn cues(&self, what: Change) -> impl Iterator<Item = CueRef> + '_ {
        self.0.get(&what).into_iter().flatten().copied()
    }

    /// Every change made, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Change, &BTreeSet<CueRef>)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// Words `fix` took out of the track: a cue dropped because it starts
/// after the clip ends. Never silent: the caller reports each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    pub at: CueRef,
    pub start: Timestamp,
    /// The cue's lines, as written.
    pub lines: Vec<String>,
}

/// The fixed track, what changed, and what was dropped with its words.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub track: Track,
    pub changes: Changes,
    pub lost: Vec<Lost>,
}

/// Apply every safe fix; returns the fixed track and what changed.
pub fn fix(track: &Track, lim: &Limits) -> (Track, Changes) {
    let f = fix_for_clip(track.clone(), lim, None);
    (f.track, f.changes)
}

/// Apply every safe fix, and with the clip's duration also `past-clip-end`:
/// cues that start at or after the clip's end are dropped (their words
/// listed in `lost`), cues that run past it end with it, and no cue is
/// lengthened past it. The track is fixed in place, not copied: a copy
/// held every cue twice.
pub fn fix_for_clip(track: Track, lim: &Limits, clip_ms: Option<i64>) -> Fixed {
    let mut changes = Changes::default();
    let mut t = track;
    for c in &mut t.cues {
        clean_text(c, &mut changes);
    }
    for c in t.cues.iter().filter(|c| c.is_empty()) {
        changes.cue(Change::DroppedEmptyCue, c);
    }
    t.cues.retain(|c| !c.is_empty());
    let order = start_order(&t.cues);
    if order.windows(2).any(|w| w[0] > w[1]) {
        changes.file(Change::SortedCues);
        put_in_order(&mut t.cues, order);
    }
    let lost = match clip_ms {
        Some(end) => fit_to_clip(&mut t.cues, end, &mut changes),
        None => Vec::new(),
    };
    reanchor_orphans(&mut t);
    retime(&mut t.cues, lim, clip_ms, &mut changes);
    for (i, c) in t.cues.iter().enumerate() {
        // ASS events have no numbers to renumber.
        if c.index != Some(Index::Number(i as u64 + 1)) && !c.inline_text {
            changes.cue(Change::Renumbered, c);
        }
        let q = &c.time().quirks;
        // Kept short millisecond digits are written as read (see `set_end`).
        let kept = c.time().kept(0, c.start).is_some() || c.time().kept(1, c.end).is_some();
        let only_short = kept
            && TimeQuirks {
                short_millis: None,
                ..q.clone()
            }
            .is_clean();
        if (!q.is_clean() && !only_short) || c.time().odd_arrow {
            changes.cue(Change::RewroteTimeLine, c);
        }
        if c.time().rest.is_some() {
            changes.cue(Change::DroppedTextAfterEnd, c);
        }
    }
    Fixed {
        track: t,
        changes,
        lost,
    }
}

/// Move `items[order[k]]` to place `k` for every `k`, by swaps along each
/// cycle of the permutation: no second vector of cues, nor a copy of any.
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for i in 0..order.len() {
        let mut k = i;
        // A place whose item is final holds its own index.
        while order[k] != k {
            let from = order[k];
            order[k] = k;
            if from == i {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// The line endings to write: `wanted`, else the file's own when it is
/// CRLF, else LF (a bare-CR file is read everywhere only as LF).
pub fn output_eol(source: &Source, wanted: Option<Eol>) -> Eol {
    match wanted {
        Some(e) => e,
        None if source.eol.dominant() == Eol::Crlf => Eol::Crlf,
        None => Eol::Lf,
    }
}

/// What writing the track as UTF-8 without a BOM, with `eol` throughout,
/// canonical blank lines and a final line break, changes about the file.
pub fn source_changes(s: &Source, eol: Eol, changes: &mut Changes) {
    if s.ass.is_some() {
        changes.file(Change::FromAss);
    }
    if s.encoding != crate::subtitle::decode::Charset::UTF_8 {
        changes.file(Change::Transcoded);
    }
    if s.bom {
        changes.file(Change::RemovedBom);
    }
    let e = &s.eol;
    let same = match eol {
        Eol::Crlf => e.lf + e.cr == 0,
        _ => e.crlf + e.cr == 0,
    };
    if !same {
        changes.file(if eol == Eol::Crlf {
            Change::MadeEolCrlf
        } else {
            Change::MadeEolLf
        });
    }
    if s.leading_blank_lines > 0 {
        changes.file(Change::RemovedLeadingBlankLines);
    }
    if !s.final_newline {
        changes.file(Change::AddedFinalNewline);
    }
}

/// `past-clip-end` on cues in start order: drop those starting at or after
/// `end` (returned, with their words), trim those that run past it.
fn fit_to_clip(cues: &mut Vec<Cue>, end: i64, changes: &mut Changes) -> Vec<Lost> {
    let mut lost = Vec::new();
    for c in cues.iter_mut() {
        if c.start.ms() >= end {
            changes.cue(Change::DroppedPastClipEnd, c);
            lost.push(Lost {
                at: CueRef::of(c),
                start: c.start,
                lines: c.lines().map(str::to_string).collect(),
            });
        } else if c.end.ms() > end {
            c.end = Timestamp(end);
            changes.cue(Change::TrimmedToClipEnd, c);
        }
    }
    cues.retain(|c| c.start.ms() < end);
    lost
}

/// Orphan text stays where it was: after the nearest earlier cue that is
/// still there (the one it followed may have been dropped).
/// Sorted once and searched per orphan, so a file with as many unreadable
/// blocks as cues stays linear-logarithmic, not quadratic.
fn reanchor_orphans(t: &mut Track) {
    let mut kept: Vec<usize> = t.cues.iter().map(|c| c.pos).collect();
    kept.sort_unstable();
    for o in &mut t.orphans {
        o.after = o.after.and_then(|a| {
            let n = kept.partition_point(|&p| p <= a);
            n.checked_sub(1).map(|i| kept[i])
        });
    }
}

/// Clean the text and balance tags, repeating until nothing changes:
/// each can expose work for the other (dropping a stray `</i>` leaves a
/// trailing space; removing an invisible character can join `<` and `i>`).
fn clean_text(c: &mut Cue, changes: &mut Changes) {
    for _ in 0..8 {
        let lines: Vec<&str> = c.lines().collect();
        let mut made = Vec::new();
        let next = clean_once(&lines, &mut made);
        if next == lines {
            return;
        }
        c.set_lines(&next);
        for what in made {
            changes.cue(what, c);
        }
    }
}

fn clean_once(input: &[&str], made: &mut Vec<Change>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::with_capacity(input.len());
    for line in input {
        match clean_line(line) {
            Some(parts) if parts.len() == 1 && parts[0] == **line => lines.extend(parts),
            Some(parts) => {
                made.push(if line.trim().is_empty() {
                    Change::RemovedBlankLineInCue
                } else if line.chars().any(is_invisible)
                    || ESCAPED_BREAKS.iter().any(|e| line.contains(e))
                {
                    Change::ReplacedInvisible
                } else {
                    Change::RemovedStrayWhitespace
                });
                lines.extend(parts);
            }
            None => lines.push(line.to_string()),
        }
    }
    if let Some(balanced) = balanced_lines(&lines).filter(|b| *b != lines) {
        made.push(Change::BalancedTags);
        lines = balanced;
    }
    lines
}

/// Cues are in start order here; with a clip, none starts after its end.
fn retime(cues: &mut [Cue], lim: &Limits, clip_ms: Option<i64>, changes: &mut Changes) {
    let order: Vec<usize> = (0..cues.len()).collect();
    let gap = lim.min_gap_ms;
    // The clip's end is a limit for every cue, as the next cue's start is.
    let limit = |cues: &[Cue], k: usize| match (end_limit(cues, &order, k, gap), clip_ms) {
        (Some(l), Some(c)) => Some(l.min(c)),
        (l, c) => l.or(c),
    };
    // Text does not change here, so each cue's wanted duration is fixed.
    let wanted: Vec<i64> = cues
        .iter()
        .map(|c| wanted_ms(&Measure::of(c, lim), lim))
        .collect();
    for k in 0..cues.len() {
        let limit = limit(cues, k);
        let c = &cues[k];
        if c.duration_ms() <= 0 {
            lengthen(
                cues,
                k,
                limit,
                wanted[k],
                changes,
                Change::GavePositiveDuration,
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
                set_end(cues, j, l, changes, Change::TrimmedOverlap);
            }
        }
    }
    for k in 0..cues.len() {
        let c = &cues[k];
        if c.duration_ms() > 0 && c.duration_ms() < wanted[k] && !in_stack(cues, &order, k) {
            let limit = limit(cues, k);
            lengthen(cues, k, limit, wanted[k], changes, Change::Lengthened);
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
    what: Change,
) {
    let c = &cues[k];
    let end = lengthened_end(c, limit, want);
    if end > c.end.ms().max(c.start.ms()) {
        set_end(cues, k, end, changes, what);
    }
}

/// An end read from an ambiguous millisecond field (`,50`: 50 or 500 ms?)
/// is left for a person: moving it would settle the question unasked.
fn set_end(cues: &mut [Cue], k: usize, end: i64, changes: &mut Changes, what: Change) {
    if cues[k].time().kept(1, cues[k].end).is_some() {
        return;
    }
    cues[k].end = Timestamp(end);
    changes.cue(what, &cues[k]);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn put_in_order_applies_the_permutation(mut order in proptest::collection::vec(0usize..1000, 0..40)) {
            // Any permutation: the ranks of arbitrary numbers.
            let mut ranked: Vec<usize> = (0..order.len()).collect();
            ranked.sort_by_key(|&i| (order[i], i));
            order = ranked;
            let items: Vec<String> = (0..order.len()).map(|i| i.to_string()).collect();
            let wanted: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut got = items;
            put_in_order(&mut got, order);
            proptest::prop_assert_eq!(got, wanted);
        }
    }
    use crate::check::profile::ProfileName;
    use crate::subtitle::{Eol, parse::parse, write::to_srt};

    fn fixed(src: &str) -> String {
        let lim = Limits::new(ProfileName::Netflix, 24.0);
        to_srt(&fix(&parse(src, Default::default()), &lim).0, Eol::Lf).unwrap()
    }

    /// Changes name cues by their input numbers and lines, even after
    /// sorting moved them, in input order.
    #[test]
    fn changes_name_input_cues() {
        let lim = Limits::new(ProfileName::Netflix, 24.0);
        let src = "1\n00:00:09,000 --> 00:00:10,000\nLate  line\n\n\
                   2\n00:00:01,000 --> 00:00:06,000\nEarly\n\n\
                   3\n00:00:05,000 --> 00:00:07,000\nNext\n";
        let (_, changes) = fix(&parse(src, Default::default()), &lim);
        assert!(changes.contains(Change::SortedCues));
        assert_eq!(changes.cues(Change::SortedCues).count(), 0);
        let at = |what| changes.cues(what).collect::<Vec<_>>();
        assert_eq!(at(Change::TrimmedOverlap), [CueRef { cue: 2, line: 6 }]);
        assert_eq!(
            at(Change::RemovedStrayWhitespace),
            [CueRef { cue: 1, line: 2 }]
        );
        let renumbered: Vec<usize> = changes.cues(Change::Renumbered).map(|c| c.cue).collect();
        assert_eq!(renumbered, [1, 2, 3]);
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
