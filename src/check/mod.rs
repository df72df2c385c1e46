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
    let no_index = track.source.vtt || track.source.ass.is_some();
    structure::file(track, lim, &mut out);
    structure::orphans(track, &mut out);
    // Per-cue work is independent: measure and run the text rules on all
    // cores, in chunks big enough to amortise the hand-off, each with one
    // findings vector (not one per cue).
    const CHUNK: usize = 1024;
    // Measures are written in place into one vector: per-chunk vectors
    // joined afterwards held them twice.
    let mut measures = vec![timing::Measure::default(); track.cues.len()];
    let found: Vec<Vec<Finding>> = track
        .cues
        .par_chunks(CHUNK)
        .zip(measures.par_chunks_mut(CHUNK))
        .enumerate()
        .map(|(k, (chunk, measured))| {
            // Grown as needed: most cues have no finding of their own, and
            // room for one per cue in every chunk came to a whole finding
            // vector per track, most of it resident though never written.
            let mut found = Vec::new();
            for (j, (c, m)) in chunk.iter().zip(measured).enumerate() {
                let prev = (k * CHUNK + j).checked_sub(1).map(|p| &track.cues[p]);
                let before = found.len();
                structure::cue(c, prev, no_index, lim, &mut found);
                let chars = text::check(c, lim, &mut found);
                *m = timing::Measure::with_chars(c, lim, chars);
                // In order within the cue, so the whole is a few long runs.
                found[before..].sort_by_key(|f| (f.line, f.rule));
            }
            found
        })
        .collect();
    // Room for the cues' findings and about one timing finding per cue,
    // reserved before the timing findings go in so that they are not moved.
    let cue_findings: usize = found.iter().map(Vec::len).sum();
    out.reserve(cue_findings + track.cues.len());
    let before = out.len();
    timing::check(&track.cues, &measures, lim, &mut out);
    in_file_order(&mut out[before..], track.cues.len());
    for same_cue in out[before..].chunk_by_mut(|a, b| a.cue == b.cue) {
        same_cue.sort_by_key(|f| (f.line, f.rule));
    }
    out.reserve(cue_findings);
    for f in found {
        out.extend(f);
    }
    bilingual(track, &mut out);
    if let Some(clip) = opts.clip_ms {
        past_clip_end(track, clip, &mut out);
    }
    out.retain(|f| !opts.ignore.contains(&f.rule));
    // A few sorted runs (file, timing, per cue): the standard stable sort
    // finds them and merges in linear time, copying only the shorter run
    // of each merge.
    out.sort_by_key(|f| (f.line, f.rule));
    out
}

/// Put timing findings, made in start order, in file order (by cue,
/// stably) with a counting sort and swaps. A track out of order can have a
/// timing finding on every cue, and the standard sort of so many in start
/// order held half of them again as scratch.
fn in_file_order(found: &mut [Finding], cues: usize) {
    let key = |f: &Finding| f.cue.map_or(0, |c| (c as usize).min(cues + 1));
    if found.is_sorted_by_key(key) {
        return;
    }
    // Each count and place fits in 32 bits for any file under the input
    // limit; past that, sort the usual way.
    if u32::try_from(found.len()).is_err() {
        found.sort_by_key(key);
        return;
    }
    let mut next = vec![0u32; cues + 3];
    for f in found.iter() {
        next[key(f) + 1] += 1;
    }
    for k in 1..next.len() {
        next[k] += next[k - 1];
    }
    let mut dest: Vec<u32> = found
        .iter()
        .map(|f| {
            let place = &mut next[key(f)];
            *place += 1;
            *place - 1
        })
        .collect();
    drop(next);
    // Each swap puts one finding in its place for good.
    for i in 0..found.len() {
        while dest[i] as usize != i {
            let j = dest[i] as usize;
            found.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// Cues with an English and a Chinese line are a bilingual track, said
/// once for the file, not as `untranslated` on each such cue.
fn bilingual(track: &Track, out: &mut Vec<Finding>) {
    let found: Vec<(&crate::subtitle::Cue, usize)> = track
        .cues
        .iter()
        .filter_map(|c| crate::subtitle::lang::bilingual(c).map(|i| (c, i)))
        .collect();
    let Some(&(first, line)) = found.iter().min_by_key(|(c, _)| c.pos) else {
        return;
    };
    // Their Chinese lines' findings; an English line's own stay.
    let zh_lines: HashSet<(usize, usize)> = found
        .iter()
        .flat_map(|(c, _)| {
            c.lines()
                .enumerate()
                .filter(|(_, l)| {
                    crate::subtitle::lang::script(l) == crate::subtitle::lang::Script::Cjk
                })
                .map(|(i, _)| (c.pos + 1, c.text_line(i)))
                .collect::<Vec<_>>()
        })
        .collect();
    out.retain(|f| {
        !(f.rule == Rule::Untranslated
            && f.cue
                .is_some_and(|n| zh_lines.contains(&(n as usize, f.line as usize))))
    });
    out.push(Finding {
        rule: Rule::Untranslated,
        severity: Severity::Warning,
        line: rules::num(first.text_line(line)),
        cue: Some(rules::num(first.pos + 1)),
        message: format!(
            "bilingual track: {} with an English and a Chinese line, the first is cue {}; `screenkit split-lang` writes one file per language",
            crate::output::plural(found.len(), "cue"),
            first.pos + 1
        )
        .into(),
        fixable: false,
    });
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
            line: rules::num(c.time_line),
            cue: Some(rules::num(c.pos + 1)),
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
    use super::in_file_order;
    use crate::check::rules::{Finding, Rule, Severity};

    proptest::proptest! {
        #[test]
        fn file_order_is_a_stable_sort_by_cue(
            cues in proptest::collection::vec(proptest::option::of(0u32..13), 0..80),
        ) {
            // The line tells the findings apart, so stability shows.
            let found: Vec<Finding> = cues
                .iter()
                .enumerate()
                .map(|(line, &cue)| Finding {
                    rule: Rule::Overlap,
                    severity: Severity::Error,
                    line: line as u32,
                    cue,
                    message: "".into(),
                    fixable: false,
                })
                .collect();
            let mut want = found.clone();
            want.sort_by_key(|f| f.cue.map_or(0, |c| c.min(11)));
            let mut got = found;
            in_file_order(&mut got, 10);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
