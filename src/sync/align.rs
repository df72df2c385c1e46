//! Fitting cue times to a speech signal: t' = ratio × t + offset, with the
//! offset allowed to change between parts of the file (splits).
//!
//! 1. Every frame-rate ratio among 23.976/24/25/29.97/30 (and 1) is tried:
//!    the cues become a template and one FFT cross-correlation scores every
//!    offset in ±`max_offset` at once. The ratios whose peak stands out most
//!    from the rest of their curve (a robust z-score) go on to step 2.
//! 2. Splits: the highest peaks of a curve are the candidate offsets; a
//!    Viterbi pass gives each cue one of them, paying a penalty for every
//!    change, so a split must be earned by several cues. Each part's offset
//!    is then refined to the millisecond.
//! 3. Judging: each part is compared with the best score that its cues,
//!    shuffled into random order, reach at any offset. A part that does not
//!    stand clear of that is merged into a neighbour; the weakest remaining
//!    part's z-score is the fit's. If no common ratio gives a trusted fit,
//!    ratios 0.9–1.11 are searched on coarse frames and judged the same way.
//!
//! A cue's template is not a box: the first 300 ms (where speech starts)
//! weigh double and the silence just before the cue (up to the previous
//! cue) weighs against. Subtitle ends are padded for reading, so a plain box
//! would let every cue slide early by its padding at no cost.

use super::speech::{HOP_MS, Speech};
use rayon::prelude::*;
use realfft::RealFftPlanner;
use realfft::num_complex::Complex;
use std::collections::HashMap;

const ONSET_MS: f64 = 300.0;
const PRE_MS: f64 = 300.0;
const W_ONSET: f64 = 2.0;
const W_PRE: f64 = 1.0;
/// A split costs this many well-placed cues' worth of score.
const SPLIT_COST: f64 = 3.0;
/// A part needs this many cues, or it is merged into its neighbour.
const MIN_PART: usize = 5;
const CANDIDATES: usize = 24;

/// Where each cue goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub ratio: f64,
    /// The common frame-rate pair the ratio is, when it is one.
    pub fps: Option<(&'static str, &'static str)>,
    pub parts: Vec<Part>,
}

/// Consecutive cues that share an offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// First and last cue, 0-based, inclusive.
    pub first: usize,
    pub last: usize,
    pub offset_ms: f64,
    /// Robust z-score of this part's fit against random offsets.
    pub z: f64,
    /// How unlikely it is that this many of the part's cue starts land on
    /// speech onsets by chance, over every placement the search tried:
    /// −log10 of that chance ([`Onsets::evidence`]).
    pub evidence: f64,
    /// The most evidence the part's cues could give on this clip, had every
    /// cue start landed on an onset: below [`E_ACCEPT`] they cannot be judged.
    pub evidence_max: f64,
}

impl Part {
    /// 0..=1, 0.5 at the acceptance line of whichever test it passes best.
    pub fn confidence(&self) -> f64 {
        confidence_z(self.z).max(confidence_e(self.evidence))
    }

    /// Whether the part passes one of the two tests.
    pub fn trusted(&self) -> bool {
        self.strong(Z_ACCEPT, E_ACCEPT)
    }

    /// Whether the part stands on its own evidence.
    fn strong(&self, z: f64, e: f64) -> bool {
        self.z >= z || self.evidence >= e
    }
}

/// Map a z-score to 0..=1: 0 at chance (z ≤ 3), 0.5 at [`Z_ACCEPT`].
pub fn confidence_z(z: f64) -> f64 {
    ((z - 3.0) / (2.0 * (Z_ACCEPT - 3.0))).clamp(0.0, 1.0)
}

/// Map evidence (−log10 of a chance) to 0..=1: 0 at none, 0.5 at [`E_ACCEPT`].
pub fn confidence_e(e: f64) -> f64 {
    (e / (2.0 * E_ACCEPT)).clamp(0.0, 1.0)
}

impl Fit {
    pub fn apply(&self, i: usize, t_ms: i64) -> i64 {
        let p = self
            .parts
            .iter()
            .find(|p| i <= p.last)
            .unwrap_or(self.parts.last().expect("a fit has a part"));
        (self.ratio * t_ms as f64 + p.offset_ms).round() as i64
    }

    /// The score of every cue where the fit puts it.
    fn total(&self, signal: &Signal, spans: &[Span]) -> f64 {
        self.parts
            .iter()
            .map(|p| signal.part_score(&spans[p.first..=p.last], self.ratio, p.offset_ms))
            .sum()
    }

    /// The weakest part's z-score.
    pub fn z(&self) -> f64 {
        self.parts.iter().map(|p| p.z).fold(f64::INFINITY, f64::min)
    }

    /// The weakest part's confidence.
    pub fn confidence(&self) -> f64 {
        self.parts
            .iter()
            .map(Part::confidence)
            .fold(f64::INFINITY, f64::min)
    }

    /// Every part passes one of the two tests.
    pub fn trusted(&self) -> bool {
        self.parts.iter().all(|p| p.strong(Z_ACCEPT, E_ACCEPT))
    }

    /// Every part could be judged by onsets (enough cues for this clip).
    pub fn judgeable(&self) -> bool {
        self.parts.iter().all(|p| p.evidence_max >= E_ACCEPT)
    }
}

/// Half-width of the window around a speech onset that a cue start must
/// fall in to count as on it: subtitles are timed by hand to a frame or
/// two, and jittered tracks are off by up to ±150 ms.
const ONSET_TOL_MS: f64 = 200.0;
/// Silence before a rise, for the rise to count as an onset: gaps between
/// syllables are shorter, gaps between lines longer.
const ONSET_QUIET_MS: i64 = 200;

/// Where speech starts after a pause, and how much of the clip lies within
/// [`ONSET_TOL_MS`] of such a start: the chance that a cue start placed at
/// random lands on one.
pub struct Onsets {
    at: Vec<f64>,
    p0: f64,
}

impl Onsets {
    pub fn new(speech: &Speech) -> Onsets {
        let s = &speech.score;
        let quiet = (ONSET_QUIET_MS / HOP_MS) as usize;
        let at: Vec<f64> = (1..s.len())
            .filter(|&i| {
                s[i] >= 0.5
                    && s[i - 1] < 0.5
                    && s[i.saturating_sub(quiet)..i].iter().sum::<f32>() < 0.3 * quiet as f32
            })
            .map(|i| (i as i64 * HOP_MS) as f64)
            .collect();
        let len = (s.len() as i64 * HOP_MS) as f64;
        // The union of the windows, clipped to the clip.
        let mut covered = 0.0;
        let mut reach = f64::NEG_INFINITY;
        for &o in &at {
            let (a, b) = (
                (o - ONSET_TOL_MS).max(reach).max(0.0),
                (o + ONSET_TOL_MS).min(len),
            );
            if b > a {
                covered += b - a;
            }
            reach = reach.max(b);
        }
        let p0 = if len > 0.0 { covered / len } else { 1.0 };
        Onsets { at, p0 }
    }

    fn near(&self, t: f64) -> bool {
        let i = self.at.partition_point(|&o| o < t - ONSET_TOL_MS);
        self.at.get(i).is_some_and(|&o| o <= t + ONSET_TOL_MS)
    }

    /// −log10 of the chance that `trials` independent placements of `n`
    /// random cue starts put `k` or more on onsets (a binomial tail with a
    /// Bonferroni bound), and the same for k = n (the most there can be).
    fn evidence(&self, k: usize, n: usize, trials: f64) -> (f64, f64) {
        let t = trials.max(1.0).log10();
        (
            -log10_tail(n, k, self.p0) - t,
            -log10_tail(n, n, self.p0) - t,
        )
    }

    /// Cue starts of `cues` that land on an onset at `ratio`, `offset`.
    fn hits(&self, cues: &[Span], ratio: f64, offset: f64) -> usize {
        cues.iter()
            .filter(|c| self.near(ratio * c.start + offset))
            .count()
    }
}

/// log10 P(X ≥ k) for X ~ Binomial(n, p).
fn log10_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let ln_choose = |n: usize, k: usize| -> f64 {
        (1..=k)
            .map(|i| ((n - k + i) as f64).ln() - (i as f64).ln())
            .sum()
    };
    let terms: Vec<f64> = (k..=n)
        .map(|j| ln_choose(n, j) + j as f64 * p.ln() + (n - j) as f64 * (1.0 - p).ln())
        .collect();
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
    ((top + sum.ln()) / std::f64::consts::LN_10).min(0.0)
}

/// A cue in the input file: start, end, and the gap before it (ms).
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub gap: f64,
}

pub fn spans(cues: &[(i64, i64)]) -> Vec<Span> {
    let mut prev_end = f64::NEG_INFINITY;
    cues.iter()
        .map(|&(s, e)| {
            let (s, e) = (s as f64, (e.max(s)) as f64);
            let gap = (s - prev_end).max(0.0);
            prev_end = prev_end.max(e);
            Span {
                start: s,
                end: e,
                gap,
            }
        })
        .collect()
}

/// The speech score, centred on its mean, as a prefix sum that can be
/// integrated over any interval, fractional or outside the clip (where it
/// counts as silence).
pub struct Signal {
    pre: Vec<f64>,
    out: f64,
}

impl Signal {
    pub fn new(speech: &Speech) -> Signal {
        let n = speech.score.len().max(1);
        let mean = speech.score.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
        let mut pre = Vec::with_capacity(speech.score.len() + 1);
        let mut acc = 0.0;
        pre.push(0.0);
        for &v in &speech.score {
            acc += f64::from(v) - mean;
            pre.push(acc);
        }
        Signal { pre, out: -mean }
    }

    fn len(&self) -> usize {
        self.pre.len() - 1
    }

    /// Integral from frame 0 to `x` frames.
    fn cum(&self, x: f64) -> f64 {
        let t = self.len() as f64;
        if x <= 0.0 {
            x * self.out
        } else if x >= t {
            self.pre[self.len()] + (x - t) * self.out
        } else {
            let i = x as usize;
            let f = x - i as f64;
            self.pre[i] + f * (self.pre[i + 1] - self.pre[i])
        }
    }

    /// Integral over [a, b] ms.
    fn sum_ms(&self, a: f64, b: f64) -> f64 {
        let h = HOP_MS as f64;
        self.cum(b / h) - self.cum(a / h)
    }

    /// How well one cue sits at `ratio`, `offset`.
    pub fn cue_score(&self, c: &Span, ratio: f64, offset: f64) -> f64 {
        let s = ratio * c.start + offset;
        let e = ratio * c.end + offset;
        let on = ONSET_MS.min(e - s);
        let pre = PRE_MS.min(ratio * c.gap);
        W_ONSET * self.sum_ms(s, s + on) + self.sum_ms(s + on, e) - W_PRE * self.sum_ms(s - pre, s)
    }

    fn part_score(&self, cues: &[Span], ratio: f64, offset: f64) -> f64 {
        cues.iter().map(|c| self.cue_score(c, ratio, offset)).sum()
    }
}

/// The ratios among common frame rates, with the pair each one is.
pub fn fps_ratios() -> Vec<(f64, Option<(&'static str, &'static str)>)> {
    const FPS: [(&str, f64); 5] = [
        ("23.976", 24000.0 / 1001.0),
        ("24", 24.0),
        ("25", 25.0),
        ("29.97", 30000.0 / 1001.0),
        ("30", 30.0),
    ];
    let mut out: Vec<(f64, Option<(&str, &str)>)> = vec![(1.0, None)];
    for (a, fa) in FPS {
        for (b, fb) in FPS {
            let r = fa / fb;
            if !out.iter().any(|(x, _)| (x - r).abs() < 1e-9) {
                out.push((r, Some((a, b))));
            }
        }
    }
    out
}

/// The cross-correlation of a ratio's template with the signal, for every
/// offset in steps of one frame.
struct Curve {
    ratio: f64,
    /// `values[k]` is the score at offset `(k - max) × hop` ms.
    values: Vec<f64>,
    max: usize,
    hop: f64,
    /// The highest value among the valid offsets.
    peak: usize,
    /// First and last offset index with the cues at least half inside the
    /// clip: only those say anything about the fit.
    valid: Option<(usize, usize)>,
}

impl Curve {
    /// How far the peak stands out from the rest of the curve (robust
    /// z-score over the valid offsets). Computed on demand: the null
    /// shuffles need only the peak.
    fn z(&self) -> f64 {
        let mut rest = self
            .valid
            .map_or_else(Vec::new, |(lo, hi)| self.values[lo..=hi].to_vec());
        robust_z(&mut rest, self.values[self.peak])
    }

    fn offset_ms(&self, k: usize) -> f64 {
        (k as f64 - self.max as f64) * self.hop
    }
}

fn robust_z(values: &mut [f64], x: f64) -> f64 {
    if values.len() < 3 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let mid = values.len() / 2;
    let median = *values.select_nth_unstable_by(mid, f64::total_cmp).1;
    let mut dev: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    let mad = *dev.select_nth_unstable_by(mid, f64::total_cmp).1;
    // A flat stretch (cues that barely move over silence) can make the MAD
    // zero; the standard deviation then stands in.
    let spread = if mad > 1e-9 * sd.max(1e-300) {
        1.4826 * mad
    } else {
        sd
    };
    if spread <= 0.0 {
        return 0.0;
    }
    (x - median) / spread
}

/// Offsets (ms) at which cues spanning [a, b] ms lie at least half inside a
/// clip of `len` ms: only those say anything about the fit.
fn inside(a: f64, b: f64, len: f64, offset: f64) -> bool {
    let (s, e) = (a + offset, b + offset);
    let overlap = e.min(len) - s.max(0.0);
    overlap >= 0.5 * (b - a).min(len)
}

/// FFT plans and transformed signals, shared by every ratio of one search.
struct Correlator {
    /// The speech score, averaged over `hop` ms frames.
    score: Vec<f32>,
    hop: f64,
    mean: f32,
    max: usize,
    cache: std::sync::Mutex<HashMap<usize, std::sync::Arc<Vec<Complex<f32>>>>>,
    /// Plans are costly to make (twiddles for a million points): make each once.
    planner: std::sync::Mutex<RealFftPlanner<f32>>,
}

impl Correlator {
    /// Frames of `factor` × HOP_MS: coarse frames make a wide ratio search cheap.
    fn new(speech: &Speech, max_offset_ms: i64, factor: usize) -> Self {
        let score: Vec<f32> = speech
            .score
            .chunks(factor)
            .map(|c| c.iter().sum::<f32>() / c.len() as f32)
            .collect();
        let n = score.len().max(1);
        let mean = score.iter().sum::<f32>() / n as f32;
        let hop = (HOP_MS as usize * factor) as f64;
        Correlator {
            score,
            hop,
            mean,
            max: (max_offset_ms as f64 / hop).max(1.0) as usize,
            cache: Default::default(),
            planner: std::sync::Mutex::new(RealFftPlanner::new()),
        }
    }

    fn plans(
        &self,
        n: usize,
    ) -> (
        std::sync::Arc<dyn realfft::RealToComplex<f32>>,
        std::sync::Arc<dyn realfft::ComplexToReal<f32>>,
    ) {
        let mut p = self.planner.lock().expect("no poisoning");
        (p.plan_fft_forward(n), p.plan_fft_inverse(n))
    }

    /// The signal's spectrum for an FFT of size `n`, placed `shift` frames in.
    fn signal_fft(&self, n: usize, shift: usize) -> std::sync::Arc<Vec<Complex<f32>>> {
        if let Some(s) = self.cache.lock().expect("no poisoning").get(&n) {
            return s.clone();
        }
        let mut a = vec![-self.mean; n];
        for (i, &v) in self.score.iter().enumerate() {
            if let Some(x) = a.get_mut(i + shift) {
                *x = v - self.mean;
            }
        }
        let fft = self.plans(n).0;
        let mut spec = fft.make_output_vec();
        fft.process(&mut a, &mut spec).expect("sizes from the plan");
        let spec = std::sync::Arc::new(spec);
        self.cache
            .lock()
            .expect("no poisoning")
            .insert(n, spec.clone());
        spec
    }

    fn curve(&self, cues: &[Span], ratio: f64) -> Curve {
        let h = self.hop;
        let base = (PRE_MS / h).ceil() as usize + 1;
        let end = cues
            .iter()
            .map(|c| ratio * c.end / h)
            .fold(0.0, f64::max)
            .ceil() as usize;
        let len = end + base + 1;
        let n = (len + 2 * self.max + 1).next_power_of_two();
        // The template: the same weights cue_score uses, on whole frames.
        let mut c = vec![0f32; n];
        let mut add = |a: f64, b: f64, w: f32| {
            let (a, b) = (
                (a / h).round() as i64 + base as i64,
                (b / h).round() as i64 + base as i64,
            );
            for v in c.iter_mut().take(b.max(0) as usize).skip(a.max(0) as usize) {
                *v += w;
            }
        };
        for cue in cues {
            let s = ratio * cue.start;
            let e = ratio * cue.end;
            let on = ONSET_MS.min(e - s);
            let pre = PRE_MS.min(ratio * cue.gap);
            add(s, s + on, W_ONSET as f32);
            add(s + on, e, 1.0);
            add(s - pre, s, -(W_PRE as f32));
        }
        let (fwd, inv) = self.plans(n);
        let mut cs = fwd.make_output_vec();
        fwd.process(&mut c, &mut cs).expect("sizes from the plan");
        // Signal frame f sits at index f + max + base, so that index k of
        // the result is offset (k - max) frames.
        let sig = self.signal_fft(n, self.max + base);
        for (x, s) in cs.iter_mut().zip(sig.iter()) {
            *x = x.conj() * s;
        }
        // The DC and Nyquist bins of a real signal's spectrum are real.
        cs[0].im = 0.0;
        if let Some(last) = cs.last_mut() {
            last.im = 0.0;
        }
        let mut out = inv.make_output_vec();
        inv.process(&mut cs, &mut out).expect("sizes from the plan");
        // In units of 10 ms frames, like Signal::cue_score.
        let scale = h / HOP_MS as f64 / n as f64;
        let values: Vec<f64> = out[..=2 * self.max]
            .iter()
            .map(|&v| f64::from(v) * scale)
            .collect();
        let (a, b) = (
            ratio * cues.first().map_or(0.0, |c| c.start),
            cues.iter().map(|c| ratio * c.end).fold(0.0, f64::max),
        );
        let len = self.score.len() as f64 * h;
        let ok = |k: usize| inside(a, b, len, (k as f64 - self.max as f64) * h);
        // The overlap rises, holds and falls with the offset, so the
        // offsets worth judging are one contiguous run.
        let valid = (0..values.len())
            .find(|&k| ok(k))
            .map(|lo| (lo, (lo..values.len()).rev().find(|&k| ok(k)).unwrap_or(lo)));
        let (from, to) = valid.unwrap_or((0, values.len() - 1));
        let peak = (from..=to)
            .max_by(|&x, &y| values[x].total_cmp(&values[y]))
            .unwrap_or(0);
        Curve {
            ratio,
            values,
            max: self.max,
            hop: h,
            peak,
            valid,
        }
    }
}

/// Search options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub max_offset_ms: i64,
    pub splits: bool,
    /// Also search ratios that are no common frame-rate pair.
    pub any_ratio: bool,
}

/// A part of a split must reach this z-score on its own to stay a part.
const Z_PART: f64 = 4.0;
/// The weakest part's z-score must reach this for a fit to be trusted.
pub const Z_ACCEPT: f64 = 6.0;
/// Or its onset evidence this much: the (bounded) chance of a wrong fit
/// getting as many cue starts onto onsets is then under 1 in 1000.
pub const E_ACCEPT: f64 = 3.0;
/// A part of a split must reach this much evidence to stay a part (or Z_PART).
const E_PART: f64 = 2.0;
/// A weak part is not merged into a neighbour when this many more of its
/// cue starts (and at least a fifth of them) land on onsets where it is
/// than at the neighbour's offset: the merge would write those cues off
/// the speech.
const MISPLACED_HITS: usize = 3;

/// Find the best fit of `cues` (input times, ms) to `speech`.
pub fn align(cues: &[(i64, i64)], speech: &Speech, opts: &Options) -> Option<Fit> {
    let spans = spans(cues);
    if spans.is_empty() || speech.score.is_empty() {
        return None;
    }
    let cor = Correlator::new(speech, opts.max_offset_ms, 1);
    let common = fps_ratios();
    // Rank every common ratio by its curve's z-score on 40 ms frames (a
    // quarter of the FFT work), keeping only the numbers: a long clip's
    // curves are megabytes each. The leaders are redone on 10 ms frames.
    let rank = Correlator::new(speech, opts.max_offset_ms, 4);
    // The null runs 17 ratios per shuffle: 100 ms frames keep that cheap.
    let null = Correlator::new(speech, opts.max_offset_ms, 10);
    let ratio_list: Vec<f64> = common.iter().map(|&(r, _)| r).collect();
    let mut ranked: Vec<(f64, f64)> = common
        .par_iter()
        .map(|&(r, _)| (r, rank.curve(&spans, r).z()))
        .collect();
    // Neighbouring ratios (24 vs 23.976) can tie on a split file's
    // single-offset curve: each near-tie is fitted and judged in full, and
    // the fit with the best total after weak parts are merged wins.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top = ranked[0].1;
    ranked.retain(|c| c.1 >= 0.9 * top);
    ranked.truncate(3);
    let curves: Vec<Curve> = ranked.iter().map(|&(r, _)| cor.curve(&spans, r)).collect();
    let signal = Signal::new(speech);
    let onsets = Onsets::new(speech);
    let clip_ms = (speech.score.len() as i64 * HOP_MS) as f64;
    let judging = Judging {
        null: &null,
        ratios: &ratio_list,
        signal: &signal,
        onsets: &onsets,
        spans: &spans,
        clip_ms,
        max_offset_ms: opts.max_offset_ms as f64,
        ratio_trials: ratio_list.len() as f64,
    };
    let fit = curves
        .iter()
        .map(|c| {
            let fps = common
                .iter()
                .find(|(r, _)| *r == c.ratio)
                .and_then(|(_, p)| *p);
            let parts = place(&signal, &spans, c, opts);
            judging.judge(c.ratio, parts, fps)
        })
        .max_by(|a, b| {
            a.total(&signal, &spans)
                .total_cmp(&b.total(&signal, &spans))
        })
        .expect("at least ratio 1");
    if !opts.any_ratio || fit.trusted() {
        return Some(fit);
    }
    // No common ratio fits: search the others, coarsely, then refine.
    let coarse = Correlator::new(speech, opts.max_offset_ms, 5);
    let Some((found, tried)) = ratio_grid(&coarse, &cor, &spans) else {
        return Some(fit);
    };
    let parts = place(&signal, &spans, &found, opts);
    let mut with_found = ratio_list.clone();
    with_found.push(found.ratio);
    let other = Judging {
        ratios: &with_found,
        ratio_trials: (ratio_list.len() + tried) as f64,
        ..judging
    }
    .judge(found.ratio, parts, None);
    // A ratio off the common list can pass for a compromise between the
    // parts of a split that could not be trusted: it must put at least as
    // many cue starts on onsets as the common ratio's parts did.
    let hits = |f: &Fit| -> usize {
        f.parts
            .iter()
            .map(|p| onsets.hits(&spans[p.first..=p.last], f.ratio, p.offset_ms))
            .sum()
    };
    Some(
        if other.confidence() > fit.confidence() && hits(&other) >= hits(&fit) {
            other
        } else {
            fit
        },
    )
}

/// Parts (split or not) with offsets refined to the millisecond.
fn place(
    signal: &Signal,
    spans: &[Span],
    best: &Curve,
    opts: &Options,
) -> Vec<(usize, usize, f64)> {
    let mut parts = if opts.splits {
        split(signal, spans, best)
    } else {
        vec![(0, spans.len() - 1, best.offset_ms(best.peak))]
    };
    settle(signal, spans, best.ratio, &mut parts);
    let refined = parts.into_iter().map(|(first, last, offset)| {
        (
            first,
            last,
            refine(signal, &spans[first..=last], best.ratio, offset),
        )
    });
    // Neighbouring candidates can refine to nearly one offset: that is no
    // split, and judged apart the smaller part may not pass on its own.
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    for (first, last, offset) in refined {
        match out.last_mut() {
            Some(p) if (p.2 - offset).abs() < SAME_OFFSET_MS => {
                p.1 = last;
                p.2 = refine(signal, &spans[p.0..=last], best.ratio, p.2);
            }
            _ => out.push((first, last, offset)),
        }
    }
    out
}

/// Parts whose offsets differ by less than this are one part.
const SAME_OFFSET_MS: f64 = 100.0;

/// What judging a fit needs: the null for z-scores, the onsets for
/// evidence, and how many placements the search tried.
#[derive(Clone, Copy)]
struct Judging<'a> {
    null: &'a Correlator,
    ratios: &'a [f64],
    signal: &'a Signal,
    onsets: &'a Onsets,
    spans: &'a [Span],
    clip_ms: f64,
    max_offset_ms: f64,
    /// Ratios searched (each is another chance for a wrong fit).
    ratio_trials: f64,
}

impl Judging<'_> {
    /// A part's z-score and onset evidence.
    fn part(&self, first: usize, last: usize, ratio: f64, offset: f64, parts: usize) -> Part {
        let (evidence, evidence_max) = self.evidence(first, last, ratio, offset, parts, None);
        Part {
            first,
            last,
            offset_ms: offset,
            z: null_z(self.null, &self.spans[first..=last], self.ratios),
            evidence,
            evidence_max,
        }
    }

    /// A part's onset evidence, and the most its cues could give. The
    /// trials bound the search: every distinct offset (windows of
    /// 2 × ONSET_TOL_MS over the range where the cues overlap the clip),
    /// every ratio, and for a part of a split every place its boundaries
    /// could have gone. `given` is the range of offsets left to the part
    /// by trusted neighbours, which also fix the ratio ([`Judging::given`]).
    fn evidence(
        &self,
        first: usize,
        last: usize,
        ratio: f64,
        offset: f64,
        parts: usize,
        given: Option<(f64, f64)>,
    ) -> (f64, f64) {
        let cues = &self.spans[first..=last];
        let span = ratio * (cues.last().map_or(0.0, |c| c.end) - cues[0].start);
        let full = (self.clip_ms + span).min(2.0 * self.max_offset_ms);
        let (range, ratios) = match given {
            Some((lo, hi)) => ((hi - lo).min(full), 1.0),
            None => (full, self.ratio_trials),
        };
        let offsets = (range / (2.0 * ONSET_TOL_MS)).max(1.0);
        let n = self.spans.len() as f64;
        // A part's one or two boundaries; n choices each bounds them.
        let boundaries = match (parts, first == 0 || last + 1 == self.spans.len()) {
            (1, _) => 1.0,
            (_, true) => n,
            (_, false) => n * n,
        };
        let k = self.onsets.hits(cues, ratio, offset);
        self.onsets
            .evidence(k, cues.len(), offsets * ratios * boundaries)
    }

    /// The offsets (ms) part `i` can take without its cues
    /// passing a neighbour's, when a neighbour is trusted on its own: a fit
    /// that reorders cues is never written, so only those placements could
    /// be a wrong answer. `None` when no neighbour is trusted. Conditioning
    /// on a trusted neighbour keeps the bound: a wrong part then needs
    /// either the neighbour to be a false accept (under 1 in 1000) or
    /// itself to beat chance within the window.
    fn given(&self, parts: &[Part], anchor: &[bool], i: usize, ratio: f64) -> Option<(f64, f64)> {
        let p = &parts[i];
        let prev = i.checked_sub(1).filter(|&j| anchor[j]);
        let next = (i + 1 < parts.len() && anchor[i + 1]).then_some(i + 1);
        if prev.is_none() && next.is_none() {
            return None;
        }
        let s = |k: usize| ratio * self.spans[k].start;
        // Without a trusted neighbour, a side is bounded by the clip: the
        // last cue at 00:00, or the first at the clip's end.
        let lo = prev.map_or(-s(p.last), |j| {
            s(parts[j].last) + parts[j].offset_ms - s(p.first)
        });
        let hi = next.map_or(self.clip_ms - s(p.first), |j| {
            s(parts[j].first) + parts[j].offset_ms - s(p.last)
        });
        Some((lo, hi.max(lo)))
    }

    /// Parts that do not pass alone, judged again given trusted neighbours.
    fn condition(&self, ratio: f64, parts: &mut [Part]) {
        let anchor: Vec<bool> = parts.iter().map(|p| p.strong(Z_ACCEPT, E_ACCEPT)).collect();
        let count = parts.len();
        for i in 0..count {
            if anchor[i] {
                continue;
            }
            if let Some(window) = self.given(parts, &anchor, i, ratio) {
                let p = &mut parts[i];
                let (e, max) =
                    self.evidence(p.first, p.last, ratio, p.offset_ms, count, Some(window));
                if e > p.evidence {
                    (p.evidence, p.evidence_max) = (e, max);
                }
            }
        }
    }

    /// The neighbour of part `w` whose offset fits its cues better.
    fn merge_into(&self, parts: &[Part], w: usize, ratio: f64) -> usize {
        let cues = &self.spans[parts[w].first..=parts[w].last];
        let score = |p: &Part| self.signal.part_score(cues, ratio, p.offset_ms);
        match (w.checked_sub(1), (w + 1 < parts.len()).then_some(w + 1)) {
            (Some(a), Some(b)) if score(&parts[b]) > score(&parts[a]) => b,
            (Some(a), _) => a,
            (None, Some(b)) => b,
            (None, None) => unreachable!("more than one part"),
        }
    }

    /// Each part judged; parts too weak to stand alone are merged, unless
    /// their cues land on speech onsets clearly more often where they are
    /// than where the merge would put them: such a part stays, weak, and
    /// the fit is not trusted (rather than written with those cues off).
    fn judge(
        &self,
        ratio: f64,
        parts: Vec<(usize, usize, f64)>,
        fps: Option<(&'static str, &'static str)>,
    ) -> Fit {
        let count = parts.len();
        let mut parts: Vec<Part> = parts
            .into_iter()
            .map(|(first, last, offset)| self.part(first, last, ratio, offset, count))
            .collect();
        self.condition(ratio, &mut parts);
        // A part that cannot stand on its own evidence is not a split: give
        // its cues to the neighbour that fits them better, and judge again.
        // Weakest first; one whose cues would land off the speech is passed
        // over (asked again after every merge, as its neighbours change).
        while parts.len() > 1 {
            // Merges re-refine offsets: neighbours that end up at nearly one
            // offset are one part, whatever their strength.
            if let Some(i) = (1..parts.len())
                .find(|&i| (parts[i].offset_ms - parts[i - 1].offset_ms).abs() < SAME_OFFSET_MS)
            {
                let later = parts.remove(i);
                let (first, last) = (parts[i - 1].first, later.last);
                let offset = refine(
                    self.signal,
                    &self.spans[first..=last],
                    ratio,
                    parts[i - 1].offset_ms,
                );
                let count = parts.len();
                parts[i - 1] = self.part(first, last, ratio, offset, count);
                self.condition(ratio, &mut parts);
                continue;
            }
            let mut weak: Vec<usize> = (0..parts.len())
                .filter(|&i| !parts[i].strong(Z_PART, E_PART))
                .collect();
            weak.sort_by(|&a, &b| parts[a].confidence().total_cmp(&parts[b].confidence()));
            let Some((w, into)) = weak
                .into_iter()
                .map(|w| (w, self.merge_into(&parts, w, ratio)))
                .find(|&(w, into)| {
                    let cues = &self.spans[parts[w].first..=parts[w].last];
                    let own = self.onsets.hits(cues, ratio, parts[w].offset_ms);
                    let there = self.onsets.hits(cues, ratio, parts[into].offset_ms);
                    own < there + MISPLACED_HITS.max(cues.len() / 5)
                })
            else {
                break;
            };
            let weak = parts.remove(w);
            let into = if into > w { into - 1 } else { into };
            let p = &parts[into];
            let (first, last) = (p.first.min(weak.first), p.last.max(weak.last));
            let offset = refine(self.signal, &self.spans[first..=last], ratio, p.offset_ms);
            let count = parts.len();
            parts[into] = self.part(first, last, ratio, offset, count);
            self.condition(ratio, &mut parts);
        }
        Fit { ratio, fps, parts }
    }
}

/// Ratios 0.9–1.11 (a sped-up or slowed-down copy) on coarse frames, in
/// steps small enough that the cues drift under 0.25 s over the file; the
/// best is then sharpened on fine frames by halving the step.
/// Also says how many ratios the grid tried.
fn ratio_grid(coarse: &Correlator, fine: &Correlator, spans: &[Span]) -> Option<(Curve, usize)> {
    let span_ms = spans.iter().map(|c| c.end).fold(0.0, f64::max) - spans.first()?.start;
    let step = (250.0 / span_ms.max(1.0)).clamp(1e-5, 0.01);
    let (lo, hi) = (0.9f64, 1.0 / 0.9);
    let n = ((hi / lo).ln() / step).ceil() as usize;
    let r0 = (0..=n)
        .into_par_iter()
        .map(|i| {
            let c = coarse.curve(spans, lo * (step * i as f64).exp());
            (c.z(), c.ratio)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))?
        .1;
    let mut best = fine.curve(spans, r0);
    let mut best_z = best.z();
    let mut s = step / 2.0;
    for _ in 0..5 {
        let r0 = best.ratio;
        for r in [r0 * (-s).exp(), r0 * s.exp()] {
            let c = fine.curve(spans, r);
            let z = c.z();
            if z > best_z {
                (best, best_z) = (c, z);
            }
        }
        s /= 2.0;
    }
    Some((best, n + 11))
}

/// Move a cue across a split when the Viterbi pass left it on the wrong
/// side: the cue at a boundary then lands after (or before) its neighbour,
/// on another cue's speech, and the scores alone cannot tell. Of the two
/// fixes (last cue of the earlier part joins the later one, or the reverse)
/// the one that scores better while restoring the order is taken.
fn settle(signal: &Signal, spans: &[Span], ratio: f64, parts: &mut [(usize, usize, f64)]) {
    let at = |i: usize, o: f64| ratio * spans[i].start + o;
    let score = |i: usize, o: f64| signal.cue_score(&spans[i], ratio, o);
    for b in 1..parts.len() {
        for _ in 0..3 {
            let ((a0, a1, ao), (b0, b1, bo)) = (parts[b - 1], parts[b]);
            let k = b0;
            if at(k - 1, ao) <= at(k, bo) {
                break;
            }
            // Option 1: cue k-1 joins the later part; option 2: cue k joins the earlier one.
            let one = (a1 > a0
                && at(k - 1, bo) <= at(k, bo)
                && (k < 2 || at(k - 2, ao) <= at(k - 1, bo)))
            .then(|| score(k - 1, bo) - score(k - 1, ao));
            let two = (b1 > b0
                && at(k - 1, ao) <= at(k, ao)
                && (k + 1 > b1 || at(k, ao) <= at(k + 1, bo)))
            .then(|| score(k, ao) - score(k, bo));
            match (one, two) {
                (Some(x), Some(y)) if y > x => {
                    parts[b - 1].1 += 1;
                    parts[b].0 += 1;
                }
                (Some(_), _) => {
                    parts[b - 1].1 -= 1;
                    parts[b].0 -= 1;
                }
                (None, Some(_)) => {
                    parts[b - 1].1 += 1;
                    parts[b].0 += 1;
                }
                (None, None) => break,
            }
        }
    }
}

/// Parts as (first, last, offset) from a Viterbi pass over candidate offsets.
fn split(signal: &Signal, spans: &[Span], curve: &Curve) -> Vec<(usize, usize, f64)> {
    let whole = vec![(0, spans.len() - 1, curve.offset_ms(curve.peak))];
    if spans.len() < 2 * MIN_PART {
        return whole;
    }
    // Local maxima of the curve, best first, at least 0.3 s apart.
    let v = &curve.values;
    let mut peaks: Vec<usize> = (1..v.len().saturating_sub(1))
        .filter(|&k| v[k] >= v[k - 1] && v[k] > v[k + 1])
        .collect();
    peaks.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
    let mut cands: Vec<usize> = Vec::new();
    for k in peaks {
        if cands.iter().all(|&c| c.abs_diff(k) >= 30) {
            cands.push(k);
            if cands.len() == CANDIDATES {
                break;
            }
        }
    }
    if cands.is_empty() {
        // A curve with no local maximum (cues all beyond a short clip):
        // nothing to split between. Found by the never-panics property.
        return whole;
    }
    let offsets: Vec<f64> = cands.iter().map(|&k| curve.offset_ms(k)).collect();
    let r = curve.ratio;
    let scores: Vec<Vec<f64>> = spans
        .iter()
        .map(|c| offsets.iter().map(|&o| signal.cue_score(c, r, o)).collect())
        .collect();
    // A well-placed cue's score, to price a split in cues.
    let typical = {
        let mut s: Vec<f64> = scores.iter().map(|row| row[0]).collect();
        let mid = s.len() / 2;
        s.select_nth_unstable_by(mid, f64::total_cmp)
            .1
            .abs()
            .max(1e-6)
    };
    let mut penalty = SPLIT_COST * typical;
    for _ in 0..8 {
        let labels = viterbi(&scores, penalty);
        let mut parts: Vec<(usize, usize, f64)> = Vec::new();
        for (i, &l) in labels.iter().enumerate() {
            match parts.last_mut() {
                Some(p) if offsets[l] == p.2 => p.1 = i,
                _ => parts.push((i, i, offsets[l])),
            }
        }
        if parts.iter().all(|p| p.1 - p.0 + 1 >= MIN_PART) {
            return parts;
        }
        penalty *= 2.0;
    }
    whole
}

fn viterbi(scores: &[Vec<f64>], penalty: f64) -> Vec<usize> {
    let k = scores[0].len();
    let mut back = vec![vec![0usize; k]; scores.len()];
    let mut prev = scores[0].clone();
    for i in 1..scores.len() {
        let (bj, bv) = prev
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(j, &v)| (j, v))
            .expect("candidates");
        let mut cur = vec![0.0; k];
        for j in 0..k {
            let (from, v) = if prev[j] >= bv - penalty {
                (j, prev[j])
            } else {
                (bj, bv - penalty)
            };
            back[i][j] = from;
            cur[j] = v + scores[i][j];
        }
        prev = cur;
    }
    let mut j = (0..k)
        .max_by(|&a, &b| prev[a].total_cmp(&prev[b]))
        .expect("candidates");
    let mut labels = vec![0; scores.len()];
    for i in (0..scores.len()).rev() {
        labels[i] = j;
        j = back[i][j];
    }
    labels
}

/// The best offset within ±100 ms of `around`, to the millisecond.
fn refine(signal: &Signal, cues: &[Span], ratio: f64, around: f64) -> f64 {
    let best = |from: f64, step: f64, n: i32| {
        (-n..=n)
            .map(|i| from + step * f64::from(i))
            .max_by(|&a, &b| {
                signal
                    .part_score(cues, ratio, a)
                    .total_cmp(&signal.part_score(cues, ratio, b))
            })
            .unwrap_or(from)
    };
    let coarse = best(around, 5.0, 20);
    best(coarse, 1.0, 5)
}

/// How far a part's cues stand out: their best score over every ratio the
/// search tried and every offset, against the same best score for the
/// same cues with their gaps shuffled (a z-score over such shuffles). Both
/// sides take the maximum over the whole search, so picking the best of 17
/// ratios and a million offsets does not pass for evidence: unrelated audio
/// always has *some* place where the cues fit a bit. On 100 ms frames.
fn null_z(rank: &Correlator, cues: &[Span], ratios: &[f64]) -> f64 {
    // Shuffles are drawn 8 at a time: a fit far above or below the line is
    // settled by the first 8, a close one gets all 24.
    const BATCH: usize = 8;
    const NULLS: usize = 24;
    if cues.len() < 2 {
        return 0.0;
    }
    let best = |spans: &[Span]| {
        ratios
            .iter()
            .map(|&r| {
                let c = rank.curve(spans, r);
                c.values[c.peak]
            })
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let observed = best(cues);
    // A gap below zero is a jump back: a split that lays a part over
    // another, or an ASS file out of time order. It stays where it is and
    // only the gaps between cues in order are shuffled. Shuffles with the
    // jump clamped to zero ran longer than the track by the jump and never
    // overlapped: on a clip of about the track's length, the track's own
    // layout beat them on any audio.
    let gaps: Vec<f64> = cues.windows(2).map(|w| w[1].start - w[0].end).collect();
    let ahead: Vec<usize> = (0..gaps.len()).filter(|&i| gaps[i] >= 0.0).collect();
    let null_max = |j: usize| {
        let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (j as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let mut g = gaps.clone();
        for i in (1..ahead.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            g.swap(ahead[i], ahead[(x % (i as u64 + 1)) as usize]);
        }
        let mut t = cues[0].start;
        let mut reach = f64::NEG_INFINITY;
        let shuffled: Vec<Span> = cues
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let end = t + (c.end - c.start);
                let span = Span {
                    start: t,
                    end,
                    gap: if i == 0 { c.gap } else { (t - reach).max(0.0) },
                };
                reach = reach.max(end);
                t = end + g.get(i).copied().unwrap_or(0.0);
                span
            })
            .collect();
        best(&shuffled)
    };
    let mut maxima: Vec<f64> = Vec::new();
    loop {
        let from = maxima.len();
        maxima.par_extend((from..from + BATCH).into_par_iter().map(null_max));
        let n = maxima.len() as f64;
        let mean = maxima.iter().sum::<f64>() / n;
        let sd = (maxima.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let z = (observed - mean) / sd.max(1e-9 * mean.abs().max(1e-9));
        if maxima.len() >= NULLS || !(Z_ACCEPT / 2.0..3.0 * Z_ACCEPT).contains(&z) {
            return z;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A speech mask with bursts at pseudo-random times, and the cues over them.
    fn scene(n: usize, seed: u64) -> (Vec<(i64, i64)>, Speech) {
        let mut x = seed;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut cues = Vec::new();
        let mut t = 1000;
        for _ in 0..n {
            let d = 800 + next(3000) as i64;
            cues.push((t, t + d));
            t += d + 300 + next(5000) as i64;
        }
        let speech = Speech::from_cues(&cues, t + 5000);
        (cues, speech)
    }

    fn opts() -> Options {
        Options {
            max_offset_ms: 600_000,
            splits: true,
            any_ratio: true,
        }
    }

    #[test]
    fn recovers_an_offset_exactly() {
        let (truth, speech) = scene(60, 1);
        let moved: Vec<(i64, i64)> = truth
            .iter()
            .map(|&(s, e)| (s + 73_456, e + 73_456))
            .collect();
        let fit = align(&moved, &speech, &opts()).unwrap();
        assert_eq!(fit.ratio, 1.0);
        assert_eq!(fit.parts.len(), 1, "{fit:?}");
        assert!((fit.parts[0].offset_ms + 73_456.0).abs() <= 10.0, "{fit:?}");
        assert!(fit.z() > 10.0, "{fit:?}");
    }

    #[test]
    fn recovers_an_fps_ratio_and_offset() {
        let (truth, speech) = scene(80, 2);
        let r = 25.0 / (24000.0 / 1001.0);
        let moved: Vec<(i64, i64)> = truth
            .iter()
            .map(|&(s, e)| {
                (
                    ((s as f64 - 5000.0) / r) as i64,
                    ((e as f64 - 5000.0) / r) as i64,
                )
            })
            .collect();
        let fit = align(&moved, &speech, &opts()).unwrap();
        assert_eq!(fit.fps, Some(("25", "23.976")), "{fit:?}");
        for (i, (&(s, _), &(ts, _))) in moved.iter().zip(&truth).enumerate() {
            assert!((fit.apply(i, s) - ts).abs() <= 10, "cue {i}: {fit:?}");
        }
    }

    #[test]
    fn recovers_a_split() {
        let (truth, speech) = scene(80, 3);
        let moved: Vec<(i64, i64)> = truth
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| {
                if i < 30 {
                    (s - 4000, e - 4000)
                } else {
                    (s + 9000, e + 9000)
                }
            })
            .collect();
        let fit = align(&moved, &speech, &opts()).unwrap();
        assert_eq!(fit.parts.len(), 2, "{fit:?}");
        assert_eq!((fit.parts[0].last, fit.parts[1].first), (29, 30));
        assert!((fit.parts[0].offset_ms - 4000.0).abs() <= 10.0, "{fit:?}");
        assert!((fit.parts[1].offset_ms + 9000.0).abs() <= 10.0, "{fit:?}");
    }

    #[test]
    fn a_cue_left_on_the_wrong_side_of_a_split_is_moved_back() {
        // The second part is 17 s later in the file than the first, so a
        // boundary cue given the wrong part lands on other speech, after
        // its successor: settle must hand it back, in either direction.
        let (truth, speech) = scene(70, 10);
        let moved: Vec<(i64, i64)> = truth
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| {
                let d = if i < 35 { 12_000 } else { 29_000 };
                (s + d, e + d)
            })
            .collect();
        let spans = spans(&moved);
        let signal = Signal::new(&speech);
        for wrong in [
            vec![(0, 35, -12_000.0), (36, 69, -29_000.0)],
            vec![(0, 33, -12_000.0), (34, 69, -29_000.0)],
        ] {
            let mut parts = wrong.clone();
            settle(&signal, &spans, 1.0, &mut parts);
            assert_eq!(
                parts,
                [(0, 34, -12_000.0), (35, 69, -29_000.0)],
                "from {wrong:?}"
            );
        }
    }

    #[test]
    fn unrelated_speech_scores_low() {
        let (cues, _) = scene(60, 4);
        let (_, other) = scene(60, 5);
        let fit = align(&cues, &other, &opts()).unwrap();
        assert!(fit.z() < 6.0, "{fit:?}");
    }

    #[test]
    fn a_track_that_folds_back_is_no_evidence_on_unrelated_speech() {
        // A split whose later part jumps back in time (a re-edit) lays the
        // track over itself and makes it shorter than its cues laid end to
        // end. Shuffles laid end to end fitted a clip of about the track's
        // length worse, so such tracks scored z 6-13 on unrelated speech.
        let (_, other) = scene(60, 7);
        let ratios: Vec<f64> = fps_ratios().iter().map(|r| r.0).collect();
        let null = Correlator::new(&other, 600_000, 10);
        for seed in 20..26 {
            let (cues, _) = scene(90, seed);
            let folded: Vec<(i64, i64)> = cues
                .iter()
                .enumerate()
                .map(|(i, &(s, e))| {
                    let back = if i >= 60 { 120_000 } else { 0 };
                    (s - back, e - back)
                })
                .collect();
            let z = null_z(&null, &spans(&folded), &ratios);
            assert!(z < Z_PART, "seed {seed}: z {z:.2}");
        }
    }

    #[test]
    fn binomial_tails_match_by_hand() {
        // P(X >= 2), n = 3, p = 0.5: 4 of 8.
        assert!((log10_tail(3, 2, 0.5) - 0.5f64.log10()).abs() < 1e-9);
        // P(X >= n) = p^n.
        assert!((log10_tail(10, 10, 0.1) + 10.0).abs() < 1e-9);
        assert_eq!(log10_tail(10, 0, 0.1), 0.0);
    }

    #[test]
    fn the_ratio_list_has_the_pal_speed_up() {
        let r = fps_ratios();
        assert!(
            r.iter()
                .any(|(x, p)| (x - 25.0 / 23.976).abs() < 1e-4 && p.is_some())
        );
        assert!(r.len() >= 15);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

            /// Any cue times at all (empty, reversed, overlapping, far past
            /// the clip) give a fit or None, never a panic, and a fit maps
            /// every cue to a finite time.
            #[test]
            fn never_panics(
                cues in prop::collection::vec((0i64..400_000, -2_000i64..8_000), 0..30),
                clip_s in 0i64..120,
            ) {
                let cues: Vec<(i64, i64)> = cues.iter().map(|&(s, d)| (s, s + d)).collect();
                let speech = Speech::from_cues(&[(1_000, 3_000), (5_000, 6_500)], clip_s * 1000);
                // A short search keeps the (unoptimised) test quick; the
                // paths are the same as with the default ten minutes.
                let opts = Options { max_offset_ms: 60_000, ..opts() };
                if let Some(fit) = align(&cues, &speech, &opts) {
                    for (i, c) in cues.iter().enumerate() {
                        let t = fit.apply(i, c.0);
                        prop_assert!(t.abs() < 1_000_000_000_000, "{t}");
                    }
                }
            }

            /// A track moved by any offset within the search and any common
            /// frame-rate ratio is put back within 15 ms (the mask is on
            /// 10 ms frames).
            #[test]
            fn recovers_offset_and_ratio(
                seed in 0u64..1_000_000,
                offset in -120_000i64..120_000,
                k in 0usize..19,
            ) {
                let (truth, speech) = scene(30, seed);
                let ratios = fps_ratios();
                let (ratio, _) = ratios[k % ratios.len()];
                let moved: Vec<(i64, i64)> = truth
                    .iter()
                    .map(|&(s, e)| {
                        let back = |t: i64| ((t - offset) as f64 / ratio).round() as i64;
                        (back(s), back(e))
                    })
                    .collect();
                prop_assume!(moved.iter().all(|c| c.0 >= 0));
                let fit = align(&moved, &speech, &opts()).unwrap();
                for (i, (&(s, _), &(ts, _))) in moved.iter().zip(&truth).enumerate() {
                    prop_assert!((fit.apply(i, s) - ts).abs() <= 15, "cue {i}: {fit:?}");
                }
            }
        }
    }
}
