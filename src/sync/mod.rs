//! Automatic sync: move a track's cues onto the speech in a clip (or onto a
//! correctly timed reference track).
//!
//! `speech` turns audio into a score per 10 ms, `align` fits
//! t' = ratio × t + offset (with per-part offsets) to it, and this module
//! judges the fit: it never hands back a confident wrong answer. A fit is
//! accepted only when every part passes one of two tests: it stands well
//! clear of the same cues at random offsets (robust z-score ≥
//! [`Z_ACCEPT`], the test that long tracks pass), or so many of its cue
//! starts land on speech onsets that chance, over every placement the
//! search tried, would do so less than once in 1000 times (evidence ≥
//! [`E_ACCEPT`], the test that short tracks pass). A fit that would put
//! cues out of order or newly stack them is not written either.

pub mod align;
pub mod speech;

use crate::media::decode::{DecodeError, Decoded, Decoder, decode_mono};
use crate::progress::Progress;
use crate::subtitle::Track;
use crate::time::Timestamp;
pub use align::{E_ACCEPT, Z_ACCEPT};
use align::{Fit, Options};
use speech::{Detector, HOP_MS, Speech};
use std::path::Path;
use std::sync::mpsc;

/// A clip with less than this share of speech frames has no speech to sync to.
const MIN_SPEECH_SHARE: f64 = 0.01;

/// Below this many cues an untrusted fit is blamed on too few cues rather
/// than on the audio: a handful of cues can line up with any speech.
/// Above it, whether there are enough depends on the clip (how often its
/// speech starts after a pause): `Part::evidence_max` says.
const FEW_CUES: usize = 5;

/// What helps when a track is too short to judge, for `sync` and `check`.
pub const SHORT_TRACK_HELP: &str = "sync to a correctly timed track instead (--to REF.srt), narrow the search when you know the track is off by little (--max-offset 20s), sync a longer excerpt of the same film, or give two anchors by hand (retime --map)";

/// Silence a reference track's mask runs on past its last cue, so that a
/// fit may move the cues a little later than the reference ends.
const REFERENCE_TAIL_MS: i64 = 5000;

/// A correctly timed track as a speech signal: 1 under its cues, 0 elsewhere.
pub fn track_speech(track: &Track) -> Speech {
    let cues: Vec<(i64, i64)> = track
        .cues
        .iter()
        .map(|c| (c.start.ms(), c.end.ms()))
        .collect();
    let end = cues.iter().map(|c| c.1).max().unwrap_or(0);
    Speech::from_cues(&cues, end + REFERENCE_TAIL_MS)
}

/// Score a clip's speech, decoding on this thread and analysing on another
/// so that the two overlap.
pub fn clip_speech(
    path: &Path,
    decoder: Decoder,
    progress: &dyn Progress,
) -> Result<(Speech, Decoded), DecodeError> {
    let mut tap = SpeechTap::new();
    let decoded = decode_mono(path, decoder, progress, &mut |rate, block| {
        tap.push(rate, block)
    });
    let speech = tap.finish();
    Ok((speech.unwrap_or(Speech { score: Vec::new() }), decoded?))
}

/// A speech detector on its own thread, fed mono blocks as a decode hands
/// them out; blocks pass through a short queue, so memory stays flat.
pub struct SpeechTap {
    tx: mpsc::SyncSender<(u32, Vec<f32>)>,
    worker: std::thread::JoinHandle<Option<Speech>>,
    pending: Vec<f32>,
    rate: u32,
}

impl SpeechTap {
    const BLOCK: usize = 1 << 14;

    pub fn new() -> SpeechTap {
        let (tx, rx) = mpsc::sync_channel::<(u32, Vec<f32>)>(4);
        let worker = std::thread::spawn(move || {
            let mut det: Option<Detector> = None;
            for (rate, block) in rx {
                det.get_or_insert_with(|| Detector::new(rate)).push(&block);
            }
            det.map(Detector::finish)
        });
        SpeechTap {
            tx,
            worker,
            pending: Vec::with_capacity(Self::BLOCK),
            rate: 0,
        }
    }

    pub fn push(&mut self, rate: u32, block: &[f32]) {
        self.rate = rate;
        self.pending.extend_from_slice(block);
        if self.pending.len() >= Self::BLOCK {
            let full = std::mem::replace(&mut self.pending, Vec::with_capacity(Self::BLOCK));
            // A closed channel means the worker died; its join says so.
            let _ = self.tx.send((rate, full));
        }
    }

    /// The speech heard, or `None` when no sample came.
    pub fn finish(self) -> Option<Speech> {
        if !self.pending.is_empty() {
            let _ = self.tx.send((self.rate, self.pending));
        }
        drop(self.tx);
        self.worker
            .join()
            .expect("the speech detector does not panic")
    }
}

impl Default for SpeechTap {
    fn default() -> Self {
        SpeechTap::new()
    }
}

/// What sync found, whether or not it is trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub fit: Fit,
    /// 0..=1, from the weakest part's z-score.
    pub confidence: f64,
    pub accepted: bool,
    /// Cues (of all) that sit over speech before and after.
    pub over_before: usize,
    pub over_after: usize,
    pub cues: usize,
    /// The track with the fit applied (cue order and text untouched).
    pub track: Track,
    /// 1-based positions of cues the fit puts before 00:00:00,000.
    pub negative: Vec<usize>,
    /// Neighbouring cues (in file order) that the fit puts out of order,
    /// and that it makes overlap, where the input had them in order and
    /// apart: a split that moved one part over another.
    pub reordered: usize,
    pub stacked: usize,
}

/// Why sync gave no fit at all.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SyncError {
    #[error("the track has no cues to sync")]
    NoCues,
    #[error(
        "no speech found in the clip's audio ({share:.1}% of it sounds like speech); is it silent, music only, or the wrong audio track?"
    )]
    NoSpeech { share: f64 },
}

/// Why a fit that was found is not trusted (and so not written unless forced).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Untrusted {
    #[error(
        "not trusted: too few cues to tell a real fit from chance in this clip ({}, confidence {confidence:.2}); to sync it, {}",
        crate::output::plural(*.cues, "cue"),
        SHORT_TRACK_HELP
    )]
    TooFewCues { cues: usize, confidence: f64 },
    #[error(
        "not trusted: confidence {confidence:.2} is below 0.50 (the cues fit this audio little better than at random offsets; are these subtitles for another clip, or is the audio music only?)"
    )]
    LowConfidence { confidence: f64 },
    #[error(
        "not trusted: cues {first}–{last} fit elsewhere than the cues next to them (a cut or re-edit there?), but too few of them land on speech there to be sure (confidence {confidence:.2}); sync those cues separately, or give two anchors by hand (retime --map)"
    )]
    Misplaced {
        first: usize,
        last: usize,
        confidence: f64,
    },
    #[error(
        "not trusted: the fit would put {reordered} pair(s) of neighbouring cues out of order and newly overlap {stacked} pair(s) (parts moved over each other: does the clip repeat itself, or is this another edit?)"
    )]
    Disorder { reordered: usize, stacked: usize },
}

impl Outcome {
    /// `None` when the fit is trusted; otherwise why not.
    pub fn untrusted(&self) -> Option<Untrusted> {
        let confidence = self.confidence;
        let trusted = self.fit.trusted();
        // A split with a trusted part: the cues of the part that is not.
        let parts = &self.fit.parts;
        let misplaced = parts
            .iter()
            .find(|p| !p.trusted())
            .filter(|_| parts.iter().any(|p| p.trusted()));
        match () {
            _ if trusted && self.reordered + self.stacked > 0 => Some(Untrusted::Disorder {
                reordered: self.reordered,
                stacked: self.stacked,
            }),
            _ if trusted => None,
            _ if misplaced.is_some() => misplaced.map(|w| Untrusted::Misplaced {
                first: w.first + 1,
                last: w.last + 1,
                confidence: w.confidence(),
            }),
            _ if self.cues < FEW_CUES || !self.fit.judgeable() => Some(Untrusted::TooFewCues {
                cues: self.cues,
                confidence,
            }),
            _ => Some(Untrusted::LowConfidence { confidence }),
        }
    }
}

/// What `check KIT` makes of a track and its clip's speech.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A trusted fit that leaves the cues where they are.
    InSync(Box<Outcome>),
    /// A trusted fit that moves the cues: by more than the slack, by a
    /// frame-rate ratio, or in parts.
    OutOfSync(Box<Outcome>),
    /// Too few cues (for this clip) to judge either way.
    TooShort { cues: usize },
    /// Enough cues, but no fit stands out (or none without disorder).
    Unsure(Box<Outcome>),
    /// The clip has no speech (or the track no cues).
    Nothing,
}

/// Subtitles may lead or trail speech a little by design.
const IN_SYNC_SLACK_MS: f64 = 250.0;

/// Judge whether `track` is in sync with `speech`, as `check KIT` reports it.
pub fn judge(track: &Track, speech: &Speech) -> Verdict {
    if track.cues.is_empty() {
        return Verdict::Nothing;
    }
    if track.cues.len() < FEW_CUES {
        return Verdict::TooShort {
            cues: track.cues.len(),
        };
    }
    let opts = Options {
        max_offset_ms: 600_000,
        splits: true,
        any_ratio: true,
    };
    let Ok(out) = sync(track, speech, &opts) else {
        return Verdict::Nothing;
    };
    match out.untrusted() {
        Some(Untrusted::TooFewCues { cues, .. }) => Verdict::TooShort { cues },
        Some(_) => Verdict::Unsure(Box::new(out)),
        None => {
            let fit = &out.fit;
            let still = fit.ratio == 1.0
                && fit.parts.len() == 1
                && fit.parts[0].offset_ms.abs() <= IN_SYNC_SLACK_MS;
            if still {
                Verdict::InSync(Box::new(out))
            } else {
                Verdict::OutOfSync(Box::new(out))
            }
        }
    }
}

/// Pairs of neighbouring cues put out of order, and newly overlapping.
fn disorder(before: &[(i64, i64)], after: &[(i64, i64)]) -> (usize, usize) {
    let mut reordered = 0;
    let mut stacked = 0;
    for (b, a) in before.windows(2).zip(after.windows(2)) {
        if a[1].0 < a[0].0 && b[1].0 >= b[0].0 {
            reordered += 1;
        } else if a[0].1 > a[1].0 && b[0].1 <= b[1].0 {
            stacked += 1;
        }
    }
    (reordered, stacked)
}

/// Cues whose first second (or less) is mostly over speech.
fn over_speech(speech: &Speech, times: impl Iterator<Item = (i64, i64)>) -> usize {
    times
        .filter(|&(s, e)| {
            let a = (s.max(0) / HOP_MS) as usize;
            let b = ((e.min(s + 1000).max(0) / HOP_MS) as usize).min(speech.score.len());
            b > a && speech.score[a..b].iter().sum::<f32>() / (b - a) as f32 >= 0.3
        })
        .count()
}

/// Fit `track` to `speech` (a clip's, or a reference track's mask).
pub fn sync(track: &Track, speech: &Speech, opts: &Options) -> Result<Outcome, SyncError> {
    let share = speech.speech_share();
    if share < MIN_SPEECH_SHARE {
        return Err(SyncError::NoSpeech {
            share: share * 100.0,
        });
    }
    // Parts are runs of cues in file order: a re-edit moves a stretch of
    // the file, even when that makes its times jump back.
    let times: Vec<(i64, i64)> = track
        .cues
        .iter()
        .map(|c| (c.start.ms(), c.end.ms()))
        .collect();
    let fit = align::align(&times, speech, opts).ok_or(SyncError::NoCues)?;
    let mut out = track.clone();
    let mut negative = Vec::new();
    for (k, c) in out.cues.iter_mut().enumerate() {
        c.start = Timestamp(fit.apply(k, c.start.ms()));
        c.end = Timestamp(fit.apply(k, c.end.ms()));
        if c.start.ms() < 0 {
            negative.push(c.pos + 1);
        }
    }
    negative.sort_unstable();
    let after: Vec<(i64, i64)> = out
        .cues
        .iter()
        .map(|c| (c.start.ms(), c.end.ms()))
        .collect();
    let (reordered, stacked) = disorder(&times, &after);
    Ok(Outcome {
        over_before: over_speech(speech, times.iter().copied()),
        over_after: over_speech(speech, after.iter().copied()),
        cues: track.cues.len(),
        confidence: fit.confidence(),
        accepted: fit.trusted() && reordered + stacked == 0,
        fit,
        track: out,
        negative,
        reordered,
        stacked,
    })
}

#[cfg(test)]
mod tests {
    use super::disorder;

    #[test]
    fn disorder_counts_only_what_the_fit_made() {
        let before = [(0, 1000), (2000, 3000), (2500, 3500), (5000, 6000)];
        // Unchanged: the overlap the input had is not the fit's doing.
        assert_eq!(disorder(&before, &before), (0, 0));
        // The last cue moved before its neighbour, and the second onto the first.
        let after = [(0, 1000), (900, 1900), (2500, 3500), (2000, 2400)];
        assert_eq!(disorder(&before, &after), (1, 1));
    }
}
