//! The tolerant SubRip reader: text to `Track`, never failing, never panicking.
//!
//! Why not `srtlib::Subtitles::parse_from_str`: it stops at the first bad
//! block, keeps no line numbers and rejects the quirks real files have
//! (missing indexes, `.` separators, blank lines inside cues). screenkit must
//! read *anything*, keep going after a bad block and point at the exact line,
//! so the block structure is read here; `srtlib` is used where it fits, for
//! writing (see `write.rs`).
//!
//! Block rules (see `shared/corpus/QC-RULES.md` §2.2):
//! - a block starts at a time line, or at any single line followed by one
//!   (the index line, numeric or not);
//! - text runs to a blank line; a blank line is *inside* the cue when what
//!   follows is neither a time line, an index + time line, nor a number line
//!   (a number line starting a block with no time line is orphan text, and
//!   so is a block holding an advert such as `Downloaded from …`);
//! - a block with no time line, or an unreadable one, becomes an `Orphan`
//!   that is kept verbatim so a rewrite loses nothing.

use super::{Cue, EolStats, Index, Orphan, OrphanReason, Source, TimeSyntax, Track};
use crate::time::{looks_like_time_line, parse_time_line};
use rayon::prelude::*;

/// Split text into lines on CRLF, LF or bare CR, counting each style.
/// Returns the lines, the counts and whether the text ends with a break.
pub fn split_lines(text: &str) -> (Vec<&str>, EolStats, bool) {
    let (lines, eol, final_newline, _) = split_with(text, |_| ());
    (lines, eol, final_newline)
}

/// `split_lines`, calling `each` on every line while it is in cache.
fn split_with<'a, K>(
    text: &'a str,
    mut each: impl FnMut(&'a str) -> K,
) -> (Vec<&'a str>, EolStats, bool, Vec<K>) {
    let mut lines = Vec::with_capacity(text.len() / 16 + 1);
    let mut out = Vec::with_capacity(text.len() / 16 + 1);
    let (eol, final_newline) = for_each_line(text, |_, line| {
        lines.push(line);
        out.push(each(line));
    });
    (lines, eol, final_newline, out)
}

/// Call `visit(n, line)` for each line (`n` from 0), splitting on CRLF, LF
/// or bare CR; returns the line-ending counts and whether the text ends
/// with a break.
fn for_each_line<'a>(text: &'a str, mut visit: impl FnMut(usize, &'a str)) -> (EolStats, bool) {
    let bytes = text.as_bytes();
    let mut eol = EolStats::default();
    if memchr::memchr(b'\r', bytes).is_none() {
        // LF only, as nearly every file is: one byte to search for, and an
        // iterator that keeps its place instead of a new search per line.
        let mut start = 0;
        for (no, i) in memchr::memchr_iter(b'\n', bytes).enumerate() {
            visit(no, &text[start..i]);
            eol.lf += 1;
            eol.first_lf.get_or_insert(no + 1);
            start = i + 1;
        }
        let final_newline = start == text.len();
        if !final_newline {
            visit(eol.lf, &text[start..]);
        }
        return (eol, final_newline);
    }
    let (mut start, mut i, mut no) = (0, 0, 0);
    while let Some(off) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
        i += off;
        let b = bytes[i];
        visit(no, &text[start..i]);
        no += 1;
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            eol.crlf += 1;
            eol.first_crlf.get_or_insert(no);
            i += 2;
        } else {
            if b == b'\r' {
                eol.cr += 1;
                eol.first_cr.get_or_insert(no);
            } else {
                eol.lf += 1;
                eol.first_lf.get_or_insert(no);
            }
            i += 1;
        }
        start = i;
    }
    let final_newline = start == text.len();
    if !final_newline {
        visit(no, &text[start..]);
    }
    (eol, final_newline)
}

/// How many lines `for_each_line` visits, counted with vector searches.
fn count_lines(text: &str) -> usize {
    let b = text.as_bytes();
    let lf = memchr::memchr_iter(b'\n', b).count();
    let bare_cr = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) != Some(&b'\n'))
        .count();
    let unterminated = !b.is_empty() && !matches!(b.last(), Some(b'\n' | b'\r'));
    lf + bare_cr + usize::from(unterminated)
}

#[cfg(test)]
fn split_lines_memchr(text: &str) -> (Vec<&str>, EolStats, bool) {
    let mut lines = Vec::with_capacity(text.len() / 24 + 1);
    let mut eol = EolStats::default();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut it = memchr::memchr2_iter(b'\n', b'\r', bytes);
    while let Some(i) = it.next() {
        if i < start {
            continue; // the LF of a CRLF already taken
        }
        lines.push(&text[start..i]);
        let no = lines.len();
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            eol.crlf += 1;
            eol.first_crlf.get_or_insert(no);
            start = i + 2;
            it.next();
        } else {
            if bytes[i] == b'\r' {
                eol.cr += 1;
                eol.first_cr.get_or_insert(no);
            } else {
                eol.lf += 1;
                eol.first_lf.get_or_insert(no);
            }
            start = i + 1;
        }
    }
    let final_newline = start == text.len();
    if !final_newline {
        lines.push(&text[start..]);
    }
    (lines, eol, final_newline)
}

/// A line that shows nothing (empty or only whitespace).
pub fn is_blank(l: &str) -> bool {
    // Most lines start with a visible ASCII character: decide in one byte.
    match l.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        _ => l.trim().is_empty(),
    }
}

/// A line that could be an index: digits, maybe with spaces around them.
fn is_number(l: &str) -> bool {
    let t = l.trim();
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Parse decoded text into a track. `source` carries what `decode` learned.
pub fn parse(text: &str, source: Source) -> Track {
    // Decoded text can outgrow the input (a legacy code page to UTF-8):
    // past 4 GiB the line table needs wider offsets.
    if u32::try_from(text.len()).is_ok() {
        parse_with::<u32>(text, source)
    } else {
        parse_with::<usize>(text, source)
    }
}

/// Where a line starts in the text: `u32` for any text up to 4 GiB.
trait Offset: Copy + Send + Sync {
    fn of(at: usize) -> Self;
    fn at(self) -> usize;
}

impl Offset for u32 {
    fn of(at: usize) -> u32 {
        // Only used when the whole text's length fits.
        at as u32
    }
    fn at(self) -> usize {
        self as usize
    }
}

impl Offset for usize {
    fn of(at: usize) -> usize {
        at
    }
    fn at(self) -> usize {
        self
    }
}

/// The text's lines, kept as where each starts: a table of `&str` takes 16
/// bytes a line, about as much as a subtitle file's text itself, and it is
/// alive beside the bytes and the cues at the parser's peak.
struct LineTable<'a, O> {
    text: &'a str,
    /// One start per line, then the text's length.
    starts: Vec<O>,
}

impl<'a, O: Offset> LineTable<'a, O> {
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Line `i`: from its start to the next line's, less the line break
    /// (a line never holds `\r` or `\n`, so whatever ends it is the break).
    fn get(&self, i: usize) -> &'a str {
        let (start, next) = (self.starts[i].at(), self.starts[i + 1].at());
        let b = &self.text.as_bytes()[start..next];
        let end = match b {
            [.., b'\r', b'\n'] => next - 2,
            [.., b'\n' | b'\r'] => next - 1,
            _ => next,
        };
        &self.text[start..end]
    }

    /// Lines `from..to`.
    fn range(&self, from: usize, to: usize) -> impl Iterator<Item = &'a str> + Clone + '_ {
        (from..to).map(|i| self.get(i))
    }
}

/// Where `line`, a slice of `text`, starts in it.
fn offset_in(text: &str, line: &str) -> usize {
    line.as_ptr() as usize - text.as_ptr() as usize
}

fn parse_with<O: Offset>(text: &str, mut source: Source) -> Track {
    let (lines, kinds, eol, final_newline) = scan_lines::<O>(text);
    source.eol = eol;
    source.final_newline = final_newline;
    let bounds = chunk_bounds(&kinds, rayon::current_num_threads());
    // A cue is read from its own time line, so a chunk holds at most as
    // many cues as time lines.
    let slots: Vec<usize> = bounds
        .par_windows(2)
        .map(|w| {
            kinds[w[0]..w[1]]
                .iter()
                .filter(|&&k| k == Kind::Time)
                .count()
        })
        .collect();
    let (cues, orphans) = parse_chunks(&lines, &kinds, &bounds, &slots);
    source.leading_blank_lines = kinds.iter().take_while(|&&k| k == Kind::Blank).count();
    Track {
        cues,
        orphans,
        source,
    }
}

/// Read the blocks of each chunk (`bounds`) on all cores, each chunk
/// writing its cues straight into its own `slots` places of the one vector
/// the track keeps. Chunks that gathered their cues in vectors of their own
/// and were then joined held every cue twice while joining (a sixth of the
/// file size more at the peak).
fn parse_chunks<O: Offset>(
    lines: &LineTable<'_, O>,
    kinds: &[Kind],
    bounds: &[usize],
    slots: &[usize],
) -> (Vec<Cue>, Vec<Orphan>) {
    let total = slots.iter().sum();
    let mut cues = Vec::with_capacity(total);
    cues.par_extend(rayon::iter::repeat_n(EMPTY_SLOT, total));
    let mut regions = Vec::with_capacity(slots.len());
    let mut rest = &mut cues[..];
    for &n in slots {
        let (region, tail) = rest.split_at_mut(n);
        regions.push(region);
        rest = tail;
    }
    let parts: Vec<(usize, Vec<Cue>, Vec<Orphan>)> = bounds
        .par_windows(2)
        .zip(regions)
        .map(|(w, region)| {
            let mut p = Parser {
                lines,
                kinds,
                out: region,
                filled: 0,
                extra: Vec::new(),
                orphans: Vec::new(),
            };
            p.run(w[0], w[1]);
            (p.filled, p.extra, p.orphans)
        })
        .collect();
    // A chunk never reads more cues than it has time lines; if one ever
    // did, its cues are put in order the slow way rather than lost.
    let (cues, parts) = if parts.iter().any(|p| !p.1.is_empty()) {
        let mut all = Vec::with_capacity(total + parts.iter().map(|p| p.1.len()).sum::<usize>());
        let mut it = cues.into_iter();
        let mut flat = Vec::with_capacity(parts.len());
        for ((filled, extra, orphans), &room) in parts.into_iter().zip(slots) {
            all.extend(it.by_ref().take(room).take(filled));
            let n = filled + extra.len();
            all.extend(extra);
            flat.push((n, n, orphans));
        }
        (all, flat)
    } else {
        let flat = parts
            .into_iter()
            .zip(slots)
            .map(|((filled, _, orphans), &room)| (filled, room, orphans))
            .collect();
        (cues, flat)
    };
    join_chunks(cues, parts)
}

/// Make the chunks' positions file-wide (each numbered its cues from 0) and
/// drop the places left unused (time lines that could not be read). Each
/// part is (cues read, places it had, orphans).
fn join_chunks(
    mut cues: Vec<Cue>,
    parts: Vec<(usize, usize, Vec<Orphan>)>,
) -> (Vec<Cue>, Vec<Orphan>) {
    let mut orphans = Vec::new();
    let (mut offset, mut start, mut last_before) = (0, 0, None);
    for (filled, room, mut chunk_orphans) in parts {
        for o in chunk_orphans.iter_mut() {
            o.after = o.after.map(|a| a + offset).or(last_before);
        }
        for c in &mut cues[start..start + filled] {
            c.pos += offset;
        }
        offset += filled;
        last_before = offset.checked_sub(1).or(last_before);
        start += room;
        orphans.append(&mut chunk_orphans);
    }
    if offset < cues.len() {
        // Every cue read has its time line's number; an unused place has 0.
        cues.retain(|c| c.time_line != 0);
    }
    (cues, orphans)
}

/// Below this many bytes, lines are split on one thread.
const SCAN_PIECE: usize = 1 << 20;

/// Lines, their kinds, line-ending counts and whether the text ends with a
/// break. Large texts are split in parallel, in pieces cut just after a
/// `\n`: a CRLF is never cut in two and every piece ends a line.
fn scan_lines<O: Offset>(text: &str) -> (LineTable<'_, O>, Vec<Kind>, EolStats, bool) {
    let pieces = (text.len() / SCAN_PIECE).clamp(1, rayon::current_num_threads() * 2);
    let mut cuts = vec![0];
    for p in 1..pieces {
        let from = (text.len() * p / pieces).max(cuts[cuts.len() - 1]);
        if let Some(k) = memchr::memchr(b'\n', &text.as_bytes()[from..]) {
            cuts.push(from + k + 1);
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    if cuts.len() <= 2 {
        return scan_on_one_thread(text);
    }
    // Each piece's lines are counted first, so that every piece writes
    // straight into its own part of one vector: no per-piece vectors, and
    // no copy to join them.
    let counts: Vec<usize> = cuts
        .par_windows(2)
        .map(|w| count_lines(&text[w[0]..w[1]]))
        .collect();
    let n = counts.iter().sum();
    let (mut starts, mut kinds) = (vec![O::of(0); n + 1], vec![Kind::Blank; n]);
    starts[n] = O::of(text.len());
    let (mut line_parts, mut kind_parts) = (Vec::new(), Vec::new());
    let (mut lrest, mut krest) = (&mut starts[..n], &mut kinds[..]);
    for &c in &counts {
        let (l, lr) = lrest.split_at_mut(c);
        let (k, kr) = krest.split_at_mut(c);
        (lrest, krest) = (lr, kr);
        line_parts.push(l);
        kind_parts.push(k);
    }
    let filled: Vec<(EolStats, bool, usize)> = cuts
        .par_windows(2)
        .zip(line_parts)
        .zip(kind_parts)
        .map(|((w, ls), ks)| {
            let mut seen = 0;
            let (eol, fin) = for_each_line(&text[w[0]..w[1]], |no, line| {
                if let (Some(l), Some(k)) = (ls.get_mut(no), ks.get_mut(no)) {
                    *l = O::of(offset_in(text, line));
                    *k = classify(line);
                }
                seen += 1;
            });
            (eol, fin, seen)
        })
        .collect();
    if filled.iter().zip(&counts).any(|(f, &c)| f.2 != c) {
        // The count and the split disagree (they never should): split again.
        return scan_on_one_thread(text);
    }
    let mut eol = EolStats::default();
    let mut final_newline = true;
    let mut before = 0;
    for ((e, fin, _), c) in filled.into_iter().zip(counts) {
        let global = |first: Option<usize>| first.map(|f| f + before);
        eol.first_lf = eol.first_lf.or(global(e.first_lf));
        eol.first_crlf = eol.first_crlf.or(global(e.first_crlf));
        eol.first_cr = eol.first_cr.or(global(e.first_cr));
        eol.lf += e.lf;
        eol.crlf += e.crlf;
        eol.cr += e.cr;
        final_newline = fin;
        before += c;
    }
    (LineTable { text, starts }, kinds, eol, final_newline)
}

fn scan_on_one_thread<O: Offset>(text: &str) -> (LineTable<'_, O>, Vec<Kind>, EolStats, bool) {
    let mut starts = Vec::with_capacity(text.len() / 16 + 2);
    let mut kinds = Vec::with_capacity(text.len() / 16 + 1);
    let (eol, final_newline) = for_each_line(text, |_, line| {
        starts.push(O::of(offset_in(text, line)));
        kinds.push(classify(line));
    });
    starts.push(O::of(text.len()));
    (LineTable { text, starts }, kinds, eol, final_newline)
}

/// Lines joined by `\n` (they never hold a line break: split_lines took
/// them all), sized once. `[&str]::join` is generic and slower on the one
/// or two short lines a cue has.
fn join_lines<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> String {
    let len = lines.clone().map(|l| l.len() + 1).sum::<usize>();
    let mut s = String::with_capacity(len.saturating_sub(1));
    for (k, l) in lines.enumerate() {
        if k > 0 {
            s.push('\n');
        }
        s.push_str(l);
    }
    s
}

/// Split points for parsing in parallel: a blank line, then an index line,
/// then a time line. The sequential reader always ends a block at such a
/// blank line and starts a cue after it, so chunks parsed on their own give
/// exactly the same cues. Small files stay in one chunk.
fn chunk_bounds(kinds: &[Kind], pieces: usize) -> Vec<usize> {
    const MIN_CHUNK: usize = 50_000;
    let n = kinds.len();
    let mut bounds = vec![0];
    let pieces = pieces.min(n / MIN_CHUNK).max(1);
    for p in 1..pieces {
        let from = (n * p / pieces).max(bounds[bounds.len() - 1] + 1);
        let safe = (from.max(1)..n.saturating_sub(1)).find(|&k| {
            kinds[k - 1] == Kind::Blank && kinds[k] == Kind::Number && kinds[k + 1] == Kind::Time
        });
        if let Some(k) = safe {
            bounds.push(k);
        }
    }
    bounds.push(n);
    bounds.dedup();
    bounds
}

/// What a line looks like, decided once per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Number,
    Time,
    Text,
}

fn classify(l: &str) -> Kind {
    let b = l.as_bytes();
    // Nearly every line starts with a visible ASCII character: it is not
    // blank, and a number only if it starts with a digit.
    if let Some(&first) = b.first()
        && first.is_ascii_graphic()
    {
        let number = first.is_ascii_digit()
            && (b.iter().all(u8::is_ascii_digit)
                || (!b[b.len() - 1].is_ascii_graphic() && is_number(l)));
        return if number {
            Kind::Number
        } else if looks_like_time_line(l) {
            Kind::Time
        } else {
            Kind::Text
        };
    }
    classify_by_rules(l)
}

/// The rules themselves, in order (`classify` takes shortcuts to the same
/// answers).
fn classify_by_rules(l: &str) -> Kind {
    if is_blank(l) {
        Kind::Blank
    } else if is_number(l) {
        Kind::Number
    } else if looks_like_time_line(l) {
        Kind::Time
    } else {
        Kind::Text
    }
}

/// A place for a cue not yet read (`time_line` 0: no cue read has it).
const EMPTY_SLOT: Cue = Cue {
    pos: 0,
    index: None,
    time_line: 0,
    start: crate::time::Timestamp(0),
    end: crate::time::Timestamp(0),
    text: String::new(),
    breaks: 0,
    syntax: None,
    no_blank_after: false,
    inline_text: false,
};

struct Parser<'a, O> {
    lines: &'a LineTable<'a, O>,
    kinds: &'a [Kind],
    /// Where this chunk's cues go, in order.
    out: &'a mut [Cue],
    /// How many of `out` hold cues read.
    filled: usize,
    /// Cues past the end of `out` (never, as chunks are sized).
    extra: Vec<Cue>,
    orphans: Vec<Orphan>,
}

impl<O: Offset> Parser<'_, O> {
    /// Cues read so far.
    fn count(&self) -> usize {
        self.filled + self.extra.len()
    }

    fn push(&mut self, cue: Cue) {
        match self.out.get_mut(self.filled) {
            Some(place) => {
                *place = cue;
                self.filled += 1;
            }
            None => self.extra.push(cue),
        }
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.kinds.get(i).copied()
    }

    fn is_time(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Time)
    }

    fn blank(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Blank)
    }

    /// Does a new block (cue) start at line `i`?
    fn block_starts(&self, i: usize) -> bool {
        self.is_time(i) || (self.kind(i).is_some_and(|k| k != Kind::Blank) && self.is_time(i + 1))
    }

    fn next_non_blank(&self, mut i: usize) -> usize {
        while self.blank(i) {
            i += 1;
        }
        i
    }

    /// Read the blocks that start in `from..to` (a whole number of blocks).
    fn run(&mut self, from: usize, to: usize) {
        let mut i = self.next_non_blank(from);
        while i < to {
            i = if self.block_starts(i) {
                self.cue_block(i)
            } else {
                self.orphan_block(i, i, OrphanReason::NoTimeLine)
            };
            i = self.next_non_blank(i);
        }
    }

    /// Keep lines `from..` up to the next blank line as orphan text. Lines
    /// before `keep_until` stay in the block even if they look like a new
    /// one (the unreadable time line of this very block).
    fn orphan_block(&mut self, from: usize, keep_until: usize, reason: OrphanReason) -> usize {
        let mut j = from;
        while j < self.lines.len() && !self.blank(j) {
            // Another block starting inside ends this one.
            if j > keep_until && self.block_starts(j) {
                break;
            }
            j += 1;
        }
        self.orphans.push(Orphan {
            line: from + 1,
            lines: self.lines.range(from, j).map(str::to_string).collect(),
            after: self.count().checked_sub(1),
            reason,
        });
        j
    }

    fn cue_block(&mut self, i: usize) -> usize {
        let (index_at, t) = if self.is_time(i) {
            (None, i)
        } else {
            (Some(i), i + 1)
        };
        let Some(tl) = parse_time_line(self.lines.get(t)) else {
            return self.orphan_block(i, t, OrphanReason::BadTimeLine(t + 1));
        };
        let (end, no_blank_after) = self.text_end(t + 1);
        let mut cue = Cue {
            pos: self.count(),
            index: index_at.map(|k| Index::read(self.lines.get(k))),
            time_line: t + 1,
            start: tl.start,
            end: tl.end,
            text: join_lines(self.lines.range(t + 1, end)),
            // The lines hold no break: joining them adds one between each two.
            breaks: u32::try_from(end.saturating_sub(t + 2)).unwrap_or(u32::MAX),
            syntax: None,
            no_blank_after,
            inline_text: false,
        };
        cue.set_time(TimeSyntax {
            quirks: tl.quirks,
            odd_arrow: tl.odd_arrow,
            rest: tl.rest,
            kept_ms: [
                tl.short_ms[0].clone().map(|d| (tl.start, d)),
                tl.short_ms[1].clone().map(|d| (tl.end, d)),
            ],
        });
        self.push(cue);
        end
    }

    /// Whether the lines from `k` to the next blank line hold an advert
    /// (`Downloaded from …`): after a blank line that is not more of the
    /// cue above but orphan text, so that `fix` never puts it on screen.
    /// Only the lines an orphan block from `k` would hold count: not the
    /// next block's index or time line. Those lines are what `fix` writes
    /// back as the block, so a second reading decides the same.
    fn advert_block(&self, k: usize) -> bool {
        (k..self.lines.len())
            .take_while(|&j| !self.blank(j) && (j == k || !self.block_starts(j)))
            .any(|j| crate::check::text::has_advert(self.lines.get(j)))
    }

    /// Whether the next cue begins at line `j` with no blank line before it.
    fn next_cue_at(&self, j: usize) -> bool {
        match self.kinds[j] {
            Kind::Time => true,
            Kind::Number => self.is_time(j + 1),
            _ => false,
        }
    }

    /// Where the text starting at `from` ends (exclusive), and whether the
    /// next block followed without a blank line.
    fn text_end(&self, from: usize) -> (usize, bool) {
        let n = self.lines.len();
        let mut j = from;
        while j < n {
            match self.kinds[j] {
                Kind::Blank => {
                    let k = self.next_non_blank(j);
                    let continues = k < n
                        && !self.block_starts(k)
                        && self.kinds[k] != Kind::Number
                        && !self.advert_block(k);
                    if !continues {
                        return (j, false);
                    }
                    j = k;
                    continue;
                }
                // The next block begins without a separating blank line.
                _ if self.next_cue_at(j) => return (j, true),
                _ => j += 1,
            }
        }
        (n, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Track {
        parse(s, Source::default())
    }

    #[test]
    fn well_formed() {
        let t = p(
            "1\n00:00:01,000 --> 00:00:02,000\nHello\nworld\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n",
        );
        assert_eq!(t.cues.len(), 2);
        let c = &t.cues[1];
        assert_eq!(
            (c.index_line(), c.time_line, c.start.ms()),
            (Some(6), 7, 3000)
        );
        assert_eq!(c.text(), "Bye");
        assert!(t.orphans.is_empty());
        assert!(t.source.final_newline);
    }

    proptest::proptest! {
        #[test]
        fn the_shortcuts_agree_with_the_rules(text in "[ab1 \t\r\n>\u{a0}\u{3000}-]{0,40}|[ab1 \n]{0,40}|[0-9: ,.>-]{0,32}") {
            proptest::prop_assert_eq!(count_lines(&text), split_lines(&text).0.len());
            let (lines, eol, fin, kinds) = split_with(&text, classify);
            proptest::prop_assert_eq!((lines.clone(), eol, fin), split_lines_memchr(&text));
            // The line table gives back the same lines, with either width.
            let (table, table_kinds, ..) = scan_on_one_thread::<u32>(&text);
            proptest::prop_assert_eq!(table.range(0, table.len()).collect::<Vec<_>>(), lines.clone());
            proptest::prop_assert_eq!(&table_kinds, &kinds);
            let (wide, ..) = scan_on_one_thread::<usize>(&text);
            proptest::prop_assert_eq!(wide.range(0, wide.len()).collect::<Vec<_>>(), lines.clone());
            for (l, k) in lines.iter().zip(kinds) {
                proptest::prop_assert!(k == classify_by_rules(l), "{:?}", l);
            }
        }
    }

    #[test]
    fn line_endings_counted() {
        let (lines, eol, fin) = split_lines("a\r\nb\rc\nd");
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!((eol.crlf, eol.cr, eol.lf, fin), (1, 1, 1, false));
        assert_eq!(
            (eol.first_crlf, eol.first_cr, eol.first_lf),
            (Some(1), Some(2), Some(3))
        );
    }

    #[test]
    fn missing_indexes_and_separators() {
        let t = p(
            "00:00:01,000 --> 00:00:02,000\nA\n\n00:00:03,000 --> 00:00:04,000\nB\n2\n00:00:05,000 --> 00:00:06,000\nC",
        );
        assert_eq!(t.cues.len(), 3);
        assert_eq!(t.cues[0].index, None);
        assert!(t.cues[1].no_blank_after);
        assert_eq!(t.cues[2].index, Some(Index::Number(2)));
        assert_eq!(t.cues[2].lines().collect::<Vec<_>>(), ["C"]);
    }

    #[test]
    fn blank_line_inside_cue_is_kept() {
        let t = p(
            "1\n00:00:01,000 --> 00:00:02,000\nEnglish\n\n中文\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n",
        );
        assert_eq!(t.cues.len(), 2);
        assert_eq!(
            t.cues[0].lines().collect::<Vec<_>>(),
            ["English", "", "中文"]
        );
        assert_eq!(t.cues[0].line_count(), 3);
    }

    #[test]
    fn an_advert_in_the_next_cue_does_not_make_text_after_a_blank_an_orphan() {
        // Found by fuzzing: the advert sat on the next cue's time line, and
        // `fix` then wrote "more" as a block of its own that the next fix
        // read as more of cue 1.
        let t = p("1\n00:00:01,000 --> 00:00:03,500\nWho?\n\nmore\nX\n\
                   00:00:05,000 --> 00:00:06,000 Downloaded from www.example.com\nB\n");
        assert_eq!(t.cues[0].text, "Who?\n\nmore\nX");
        assert!(t.orphans.is_empty(), "{:?}", t.orphans);
        // An advert in the text after the blank still keeps it off screen.
        let t = p("1\n00:00:01,000 --> 00:00:03,500\nWho?\n\nDownloaded from www.example.com\n");
        assert_eq!(t.cues[0].text, "Who?");
        assert_eq!(t.orphans.len(), 1);
        // Nor an advert on a line that starts the next block (as its index).
        let t = p(
            "1\n00:00:01,000 --> 00:00:03,500\nWho?\n\nmore\nxx www.example.com\n\
                   00:00:04,000 --> 00:00:06,500\nB\n",
        );
        assert!(t.orphans.is_empty(), "{:?}", t.orphans);
    }

    #[test]
    fn orphan_after_missing_time_line() {
        let t = p(
            "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\nCaption two\n\n3\n00:00:05,000 --> 00:00:06,000\nC\n",
        );
        assert_eq!(t.cues.len(), 2);
        assert_eq!(t.orphans.len(), 1);
        assert_eq!(t.orphans[0].line, 5);
        assert_eq!(t.orphans[0].after, Some(0));
    }

    #[test]
    fn bad_time_line_is_orphan_and_parsing_continues() {
        let t = p("1\n00:00:xx --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n");
        assert_eq!(t.cues.len(), 1);
        assert_eq!(t.orphans[0].reason, OrphanReason::BadTimeLine(2));
    }

    #[test]
    fn chunked_parse_equals_sequential() {
        // 60k cues with blank lines inside some and orphans between others.
        let mut s = String::from("\n\nleading orphan\n\n");
        for i in 0..60_000 {
            let t = i * 2000;
            s.push_str(&format!(
                "{}\n{} --> {}\nline {i}\n",
                i + 1,
                crate::time::Timestamp(t),
                crate::time::Timestamp(t + 1500)
            ));
            if i % 997 == 0 {
                s.push_str("\nstill cue text\n");
            }
            if i % 1499 == 0 {
                s.push_str("\n9999\norphan text\n");
            }
            // Unreadable time lines: places a chunk sized but did not fill.
            if i % 1733 == 0 {
                s.push_str("\n5\n00:00:xx --> 00:00:02,000\nbad time\n");
            }
            // Some Windows and classic-Mac line ends, counted across pieces.
            s.push_str(match i % 1201 {
                0 => "\r\n",
                600 => "\r",
                _ => "\n",
            });
        }
        assert!(
            s.len() > 2 * SCAN_PIECE,
            "the lines must be split in pieces"
        );
        let (lines, kinds, eol, final_newline) = scan_on_one_thread::<u32>(&s);
        // The table split in pieces on all cores holds the same lines.
        let split = split_lines(&s).0;
        assert_eq!(lines.range(0, lines.len()).collect::<Vec<_>>(), split);
        let (par_lines, par_kinds, ..) = scan_lines::<u32>(&s);
        assert_eq!(par_lines.starts, lines.starts);
        assert_eq!(par_kinds, kinds);
        assert!(
            chunk_bounds(&kinds, 4).len() > 2,
            "the test must really split"
        );
        let times = kinds.iter().filter(|&&k| k == Kind::Time).count();
        let seq = parse_chunks(&lines, &kinds, &[0, lines.len()], &[times]);
        let par = parse(&s, Source::default());
        assert_eq!(par.cues, seq.0);
        assert_eq!(par.orphans, seq.1);
        // Chunks given too few places still read every cue, in order.
        let bounds = chunk_bounds(&kinds, 4);
        let few = vec![10; bounds.len() - 1];
        let squeezed = parse_chunks(&lines, &kinds, &bounds, &few);
        assert_eq!(par.cues, squeezed.0);
        assert_eq!(par.orphans, squeezed.1);
        assert_eq!(par.source.leading_blank_lines, 2);
        assert_eq!(par.source.eol, eol);
        assert_eq!(par.source.final_newline, final_newline);
        assert!(eol.crlf > 0 && eol.cr > 0 && eol.first_cr > eol.first_crlf);
        assert!(
            par.orphans
                .iter()
                .any(|o| matches!(o.reason, OrphanReason::BadTimeLine(_))),
            "the test must leave places unused"
        );
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(p("1").orphans.len(), 1);
        assert_eq!(p("").cues.len(), 0);
        let t = p("text\n00:00:01,000 --> 00:00:02,000");
        assert_eq!(t.cues.len(), 1);
        assert_eq!(t.cues[0].index, Some(Index::Raw("text".into())));
        assert!(t.cues[0].is_empty());
    }
}
