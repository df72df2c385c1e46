//! Automatic sync: move a track's cues onto the speech in a clip (or onto a
//! correctly timed reference track).
//!
//! `speech` turns audio into a score per 10 ms, `align` fits
//! t' = ratio × t + offset (with per-part offsets) to it, and this module
//! judges the fit: it never hands back a confident wrong answer. A fit is
//! accepted only when every part stands well clear of the same cues at
//! random offsets (robust z-score ≥ [`Z_ACCEPT`]); unrelated audio, music
//! and subtitles for another clip score far lower.

pub mod align;
pub mod speech;

use crate::media::decode::{DecodeError, Decoded, Decoder, decode_mono};
use crate::progress::Progress;
use crate::subtitle::Track;
use crate::time::Timestamp;
pub use align::Z_ACCEPT;
use align::{Fit, Options};
use speech::{Detector, HOP_MS, Speech};
use std::path::Path;
use std::sync::mpsc;

/// A clip with less than this share of speech frames has no speech to sync to.
const MIN_SPEECH_SHARE: f64 = 0.01;

/// Below this many cues an untrusted fit is blamed on too few cues rather
/// than on the audio: a handful of cues can line up with any speech.
const FEW_CUES: usize = 5;

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
        "not trusted: {cues} cue(s) are too few to tell a real fit from chance (confidence {confidence:.2})"
    )]
    TooFewCues { cues: usize, confidence: f64 },
    #[error(
        "not trusted: confidence {confidence:.2} is below {:.2} (the cues fit this audio little better than at random offsets; are these subtitles for another clip, or is the audio music only?)",
        crate::sync::confidence(Z_ACCEPT)
    )]
    LowConfidence { confidence: f64 },
}

impl Outcome {
    /// `None` when the fit is trusted; otherwise why not.
    pub fn untrusted(&self) -> Option<Untrusted> {
        let confidence = self.confidence;
        match () {
            _ if self.accepted => None,
            _ if self.cues < FEW_CUES => Some(Untrusted::TooFewCues {
                cues: self.cues,
                confidence,
            }),
            _ => Some(Untrusted::LowConfidence { confidence }),
        }
    }
}

/// Map a z-score to 0..=1: 0 at chance (z ≤ 3), 0.5 at the acceptance line.
pub fn confidence(z: f64) -> f64 {
    ((z - 3.0) / (2.0 * (Z_ACCEPT - 3.0))).clamp(0.0, 1.0)
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
    let z = fit.z();
    Ok(Outcome {
        over_before: over_speech(speech, times.iter().copied()),
        over_after: over_speech(speech, out.cues.iter().map(|c| (c.start.ms(), c.end.ms()))),
        cues: track.cues.len(),
        confidence: confidence(z),
        accepted: z >= Z_ACCEPT,
        fit,
        track: out,
        negative,
    })
}
