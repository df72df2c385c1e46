//! Quality checks over a parsed `Track`: findings are data, never errors.
//!
//! Rules, profiles and thresholds come from `shared/corpus/QC-RULES.md`;
//! each submodule owns one group. Nothing here prints.

pub mod profile;
pub mod rules;
pub mod structure;
pub mod text;
pub mod timing;

use crate::subtitle::Track;
use profile::Limits;
use rayon::prelude::*;
use rules::{Finding, Rule, Severity};
use std::collections::HashSet;

/// What to check against.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub limits: Limits,
    /// Rules the user switched off (`--ignore`).
    pub ignore: HashSet<Rule>,
    /// Duration of the clip the track belongs to, in ms (`--clip`).
    pub clip_ms: Option<i64>,
}

/// Run every rule; findings sorted by line, then rule.
pub fn check_track(track: &Track, opts: &CheckOptions) -> Vec<Finding> {
    let lim = &opts.limits;
    let mut out = Vec::new();
    structure::file(track, lim, &mut out);
    structure::orphans(track, &mut out);
    // Per-cue work is independent: measure and run the text rules on all
    // cores, in chunks big enough to amortise the hand-off, each with one
    // findings vector (not one per cue).
    const CHUNK: usize = 1024;
    let parts: Vec<(Vec<timing::Measure>, Vec<Finding>)> = track
        .cues
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let mut found = Vec::new();
            let mut measures = Vec::with_capacity(chunk.len());
            for (j, c) in chunk.iter().enumerate() {
                let prev = (k * CHUNK + j).checked_sub(1).map(|p| &track.cues[p]);
                structure::cue(c, prev, lim, &mut found);
                let chars = text::check(c, lim, &mut found);
                measures.push(timing::Measure::with_chars(c, lim, chars));
            }
            (measures, found)
        })
        .collect();
    let mut measures = Vec::with_capacity(track.cues.len());
    let mut found = Vec::with_capacity(parts.len());
    for (m, f) in parts {
        measures.extend(m);
        found.push(f);
    }
    timing::check(&track.cues, &measures, lim, &mut out);
    out.reserve_exact(found.iter().map(Vec::len).sum());
    for f in found {
        out.extend(f);
    }
    if let Some(clip) = opts.clip_ms {
        past_clip_end(track, clip, &mut out);
    }
    out.retain(|f| !opts.ignore.contains(&f.rule));
    sort_findings(out)
}

/// Sort by line, then rule, keeping the order of equal findings.
///
/// Lines are bounded by the file, so this is a counting sort on the line
/// (each finding moved once), then each line's few findings by rule. A
/// comparison sort of 80k findings cost a twentieth of all of `check`.
fn sort_findings(out: Vec<Finding>) -> Vec<Finding> {
    if out.is_sorted_by_key(|f| (f.line, f.rule)) {
        return out;
    }
    let top = out.iter().map(|f| f.line).max().unwrap_or(0);
    if top > out.len().saturating_mul(64).max(1 << 20) {
        // Sparse, huge line numbers (never from a subtitle file): compare.
        let mut out = out;
        out.sort_by_key(|f| (f.line, f.rule));
        return out;
    }
    let mut next = vec![0usize; top + 2];
    for f in &out {
        next[f.line + 1] += 1;
    }
    for l in 1..next.len() {
        next[l] += next[l - 1];
    }
    // order[to] = from: where each finding's new place is filled from.
    let mut order = vec![0usize; out.len()];
    for (i, f) in out.iter().enumerate() {
        order[next[f.line]] = i;
        next[f.line] += 1;
    }
    let mut out = out;
    permute(&mut out, &mut order);
    for same_line in out.chunk_by_mut(|a, b| a.line == b.line) {
        same_line.sort_by_key(|f| f.rule);
    }
    out
}

/// Reorder in place so that `items[to]` becomes the old `items[order[to]]`,
/// following each cycle of the permutation with swaps (no second vector).
/// `order` is used up.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut to = start;
        while order[to] != DONE {
            let from = order[to];
            order[to] = DONE;
            if from == start {
                break;
            }
            items.swap(to, from);
            to = from;
        }
    }
}

fn past_clip_end(track: &Track, clip_ms: i64, out: &mut Vec<Finding>) {
    let clip = crate::time::Timestamp(clip_ms);
    for c in track.cues.iter().filter(|c| c.end.ms() > clip_ms) {
        let message = if c.start.ms() >= clip_ms {
            format!("starts at {}, after the clip ends at {clip}", c.start)
        } else {
            format!("ends at {}, after the clip ends at {clip}", c.end)
        };
        out.push(Finding {
            rule: Rule::PastClipEnd,
            severity: Severity::Error,
            line: c.time_line,
            cue: Some(c.pos + 1),
            message: message.into(),
            fixable: false,
        });
    }
}

/// Count findings by severity: (errors, warnings, infos).
pub fn tally(findings: &[Finding]) -> (usize, usize, usize) {
    findings
        .iter()
        .fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn permute_places_each_item_where_the_order_says(
            order in proptest::collection::vec(0usize..1000, 0..60).prop_map(|v| {
                let mut idx: Vec<usize> = (0..v.len()).collect();
                idx.sort_by_key(|&i| v[i]);
                idx
            })
        ) {
            let items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            let want: Vec<usize> = order.iter().map(|&from| items[from]).collect();
            let (mut got, mut o) = (items, order);
            permute(&mut got, &mut o);
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn findings_sort_like_a_stable_sort(
            keys in proptest::collection::vec((0usize..40, 0usize..6), 0..200),
            huge in proptest::bool::ANY,
        ) {
            let findings: Vec<Finding> = keys
                .iter()
                .enumerate()
                .map(|(i, &(line, rule))| Finding {
                    rule: Rule::ALL[rule],
                    severity: Severity::Info,
                    line: if huge && i == 0 { usize::MAX / 2 } else { line },
                    cue: Some(i),
                    message: "m".into(),
                    fixable: false,
                })
                .collect();
            let mut want = findings.clone();
            want.sort_by_key(|f| (f.line, f.rule));
            proptest::prop_assert_eq!(sort_findings(findings), want);
        }
    }
}
