//! Where the speech is: a score in 0..=1 for every 10 ms of audio.
//!
//! Not a binary VAD: alignment sums the score under hundreds of cues, so a
//! soft score that rises with speech is worth more than a hard decision
//! that is wrong near the threshold. Per frame, the energy in log-spaced
//! bands of the speech range (250–4000 Hz) is compared with each band's
//! noise floor (it drops at once and rises 6 dB/s, so steady noise, hum and
//! held music notes sink into it while syllables stand out). Each analysis
//! window is centred on its frame, so onsets are not reported late.
//!
//! Audio above 16 kHz is averaged down by an integer factor first: speech
//! needs nothing above 4 kHz and it makes the FFTs three times cheaper.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// One score per this many milliseconds.
pub const HOP_MS: i64 = 10;
const BANDS: usize = 12;
const LOW_HZ: f32 = 250.0;
const HIGH_HZ: f32 = 4000.0;
/// How fast a band's floor rises, in dB per frame (6 dB/s).
const FLOOR_RISE_DB: f32 = 0.06;
/// A band this far above its floor counts fully.
const FULL_DB: f32 = 18.0;
const MARGIN_DB: f32 = 3.0;
/// Below this a band is digital silence, whatever its floor.
const SILENCE_DB: f32 = -90.0;

/// Speech scores for a whole clip (or a reference track's cue mask).
#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    /// One value in 0..=1 per [`HOP_MS`].
    pub score: Vec<f32>,
}

impl Speech {
    /// Share of frames that are clearly speech.
    pub fn speech_share(&self) -> f64 {
        if self.score.is_empty() {
            return 0.0;
        }
        self.score.iter().filter(|&&s| s >= 0.5).count() as f64 / self.score.len() as f64
    }

    /// A track's cues as a speech mask: 1 under a cue, 0 elsewhere.
    pub fn from_cues(cues: &[(i64, i64)], duration_ms: i64) -> Speech {
        let frames = (duration_ms.max(0) / HOP_MS) as usize;
        let mut score = vec![0.0; frames];
        for &(s, e) in cues {
            let a = (s.max(0) / HOP_MS) as usize;
            let b = ((e.max(0) / HOP_MS) as usize).min(frames);
            for v in score.iter_mut().take(b).skip(a) {
                *v = 1.0;
            }
        }
        Speech { score }
    }
}

/// Turns blocks of mono samples into scores, one frame at a time.
pub struct Detector {
    rate: u32,
    decim: u32,
    acc: f32,
    acc_n: u32,
    /// The last `n` decimated samples, oldest first once full (ring).
    ring: Vec<f32>,
    ring_pos: usize,
    /// Decimated samples seen (the zero padding included).
    seen: u64,
    frames: u64,
    /// Where the next frame's window ends (cached `frame_end(frames)`).
    next_end: u64,
    lead: u64,
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    input: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    bands: Vec<(usize, usize)>,
    floor: [f32; BANDS],
    score: Vec<f32>,
}

impl Detector {
    pub fn new(rate: u32) -> Detector {
        let rate = rate.max(1000);
        let decim = (rate / 16_000).max(1);
        let eff = rate as f32 / decim as f32;
        let hop = eff * HOP_MS as f32 / 1000.0;
        let n = ((hop * 1.5) as usize).next_power_of_two().max(64);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
        let window: Vec<f32> = (0..n)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
            .collect();
        let bin = |hz: f32| ((hz * n as f32 / eff).round() as usize).clamp(1, n / 2);
        let ratio = (HIGH_HZ / LOW_HZ).powf(1.0 / BANDS as f32);
        let bands = (0..BANDS)
            .map(|b| {
                let lo = bin(LOW_HZ * ratio.powi(b as i32));
                let hi = bin(LOW_HZ * ratio.powi(b as i32 + 1)).max(lo + 1);
                (lo, hi.min(n / 2 + 1))
            })
            .collect();
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        let mut d = Detector {
            rate,
            decim,
            acc: 0.0,
            acc_n: 0,
            ring: vec![0.0; n],
            ring_pos: 0,
            // Centre each window on its frame: a frame's window ends this
            // far past the frame's midpoint.
            lead: (n as f32 / 2.0) as u64,
            seen: 0,
            frames: 0,
            next_end: 0,
            fft,
            window,
            input: vec![0.0; n],
            spectrum,
            scratch,
            bands,
            floor: [f32::INFINITY; BANDS],
            score: Vec::new(),
        };
        d.next_end = d.frame_end(0);
        d
    }

    /// Where frame `k`'s window ends, in decimated samples.
    fn frame_end(&self, k: u64) -> u64 {
        // Frame k spans [k, k+1) hops; its midpoint is (2k+1)/2 hops.
        let mid =
            (2 * k + 1) * u64::from(self.rate) * HOP_MS as u64 / (2000 * u64::from(self.decim));
        mid + self.lead
    }

    pub fn push(&mut self, samples: &[f32]) {
        if self.decim == 1 {
            for &s in samples {
                self.push_one(s);
            }
            return;
        }
        for &s in samples {
            self.acc += s;
            self.acc_n += 1;
            if self.acc_n == self.decim {
                let v = self.acc / self.decim as f32;
                self.acc = 0.0;
                self.acc_n = 0;
                self.push_one(v);
            }
        }
    }

    #[inline]
    fn push_one(&mut self, v: f32) {
        self.ring[self.ring_pos] = v;
        self.ring_pos += 1;
        if self.ring_pos == self.ring.len() {
            self.ring_pos = 0;
        }
        self.seen += 1;
        while self.seen >= self.next_end {
            self.analyse();
            self.frames += 1;
            self.next_end = self.frame_end(self.frames);
        }
    }

    fn analyse(&mut self) {
        let n = self.ring.len();
        // The ring from its oldest sample: [pos..n] then [0..pos].
        let (new, old) = self.ring.split_at(self.ring_pos);
        let (head, tail) = self.input.split_at_mut(n - self.ring_pos);
        for ((x, &r), &w) in head.iter_mut().zip(old).zip(&self.window) {
            *x = r * w;
        }
        for ((x, &r), &w) in tail
            .iter_mut()
            .zip(new)
            .zip(&self.window[n - self.ring_pos..])
        {
            *x = r * w;
        }
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch)
            .is_err()
        {
            self.score.push(0.0);
            return;
        }
        let mut total = 0.0;
        for (b, &(lo, hi)) in self.bands.iter().enumerate() {
            let p: f32 = self.spectrum[lo..hi]
                .iter()
                .map(|c| c.norm_sqr())
                .sum::<f32>()
                / (hi - lo) as f32;
            let db = 10.0 * (p / (n * n) as f32 + 1e-12).log10();
            let floor = &mut self.floor[b];
            *floor = if db < *floor {
                db
            } else {
                *floor + FLOOR_RISE_DB
            };
            if db > SILENCE_DB {
                total += ((db - *floor - MARGIN_DB) / FULL_DB).clamp(0.0, 1.0);
            }
        }
        self.score.push(total / BANDS as f32);
    }

    /// Flush the last windows and return one score per whole frame seen.
    pub fn finish(mut self) -> Speech {
        let real = self.seen;
        let frames = real * u64::from(self.decim) * 1000 / (u64::from(self.rate) * HOP_MS as u64);
        let pad = self.lead as usize + self.ring.len();
        for _ in 0..pad {
            self.push_one(0.0);
        }
        self.score.truncate(frames as usize);
        Speech { score: self.score }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone_bursts(rate: u32, bursts: &[(f32, f32)], total: f32) -> Vec<f32> {
        let n = (total * rate as f32) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let on = bursts.iter().any(|&(a, b)| t >= a && t < b);
                if on {
                    // A vowel-like buzz: harmonics of 150 Hz.
                    (1..20)
                        .map(|h| {
                            (2.0 * std::f32::consts::PI * 150.0 * h as f32 * t).sin() / h as f32
                        })
                        .sum::<f32>()
                        * 0.3
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn onset_frames(s: &Speech) -> Vec<usize> {
        (1..s.score.len())
            .filter(|&i| s.score[i] >= 0.5 && s.score[i - 1] < 0.5)
            .collect()
    }

    #[test]
    fn onsets_are_on_time_at_every_rate() {
        for rate in [8000, 16_000, 22_050, 44_100, 48_000] {
            let pcm = tone_bursts(rate, &[(1.0, 2.0), (3.5, 4.0)], 5.0);
            let mut d = Detector::new(rate);
            // Odd block sizes: frames must not depend on how audio arrives.
            for block in pcm.chunks(1013) {
                d.push(block);
            }
            let s = d.finish();
            assert_eq!(s.score.len(), 500, "rate {rate}");
            let on = onset_frames(&s);
            assert_eq!(on.len(), 2, "rate {rate}: {on:?}");
            assert!(on[0].abs_diff(100) <= 2, "rate {rate}: {on:?}");
            assert!(on[1].abs_diff(350) <= 2, "rate {rate}: {on:?}");
            assert!(s.score[150] > 0.5 && s.score[250] < 0.1, "rate {rate}");
        }
    }

    #[test]
    fn steady_noise_sinks_into_the_floor() {
        let rate = 16_000;
        let mut x: u32 = 1;
        let noise: Vec<f32> = (0..rate * 20)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x as f32 / u32::MAX as f32 - 0.5) * 0.2
            })
            .collect();
        let mut d = Detector::new(rate);
        d.push(&noise);
        let s = d.finish();
        let late = &s.score[500..];
        assert!(late.iter().filter(|&&v| v >= 0.5).count() < late.len() / 50);
    }
}
