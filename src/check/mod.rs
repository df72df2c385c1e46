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
            let mut found = Vec::with_capacity(chunk.len());
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
    // finds them and merges in linear time.
    out.sort_by_key(|f| (f.line, f.rule));
    out
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
        !(f.rule == Rule::Untranslated && f.cue.is_some_and(|n| zh_lines.contains(&(n, f.line))))
    });
    out.push(Finding {
        rule: Rule::Untranslated,
        severity: Severity::Warning,
        line: first.text_line(line),
        cue: Some(first.pos + 1),
        message: format!(
            "bilingual track: {} cue(s) hold an English and a Chinese line, the first is cue {}; `screenkit split-lang` writes one file per language",
            found.len(),
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
