//! Streaming decode of a clip's audio to mono samples, for analysis (sync).
//!
//! Samples are handed out block by block and never held, so memory stays flat
//! however long the clip. Blocks are placed by packet timestamps: a packet
//! that fails to decode becomes silence of its length, so later speech keeps
//! its true time. Encoder delay is trimmed: by symphonia's decoders where the
//! container signals it, and for MP4 from the edit list (`mp4_delay`). With `Decoder::Ffmpeg` an `ffmpeg` process does the decoding; that
//! is only ever used when asked for.

use super::probe::{audio_gap, track_duration_ms};
use super::{ProbeError, open};
use crate::progress::Progress;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use symphonia::core::audio::{Audio, GenericAudioBufferRef};
use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::units::TimeBase;
use thiserror::Error;

/// Who decodes the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decoder {
    #[default]
    Symphonia,
    /// An `ffmpeg` binary on PATH, at [`FFMPEG_RATE`].
    Ffmpeg,
}

/// The rate `ffmpeg` is asked to resample to: plenty for speech.
pub const FFMPEG_RATE: u32 = 16_000;

#[derive(Debug, Error)]
pub enum DecodeError {
    #[error(transparent)]
    Open(#[from] ProbeError),
    #[error("the clip has no audio track")]
    NoAudio,
    #[error("{0}; or, if ffmpeg is installed, pass --decoder ffmpeg")]
    Undecodable(String),
    #[error("ffmpeg could not be run ({0}); install it (Debian: apt-get install ffmpeg)")]
    FfmpegMissing(std::io::Error),
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
    #[error("no audio could be decoded ({0})")]
    Nothing(String),
    #[error(
        "the audio claims a sample rate of {0} Hz, which no real audio has (speech needs {min} Hz or more); the header is damaged: re-encode the audio",
        min = MIN_RATE
    )]
    BadRate(u32),
}

/// Rates outside this range are a damaged header, not audio: speech needs
/// 4 kHz of bandwidth at least, and no format goes past 768 kHz.
const MIN_RATE: u32 = 4_000;
const MAX_RATE: u32 = 768_000;

/// Whether a decoded sample rate can be real audio (else the header lies).
pub(crate) fn plausible_rate(rate: u32) -> bool {
    (MIN_RATE..=MAX_RATE).contains(&rate)
}

/// What the decode saw, besides the samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    pub rate: u32,
    /// Mono samples handed out, silence for lost packets included.
    pub samples: u64,
    /// Packets that failed to decode and became silence.
    pub bad_packets: u64,
}

/// Decode the first decodable audio track, mixed to mono. `sink` gets the
/// sample rate and each block; it is called with the same rate throughout.
pub fn decode_mono(
    path: &Path,
    decoder: Decoder,
    progress: &dyn Progress,
    sink: &mut dyn FnMut(u32, &[f32]),
) -> Result<Decoded, DecodeError> {
    match decoder {
        Decoder::Symphonia => with_symphonia(path, progress, sink),
        Decoder::Ffmpeg => with_ffmpeg(path, progress, sink),
    }
}

fn with_symphonia(
    path: &Path,
    progress: &dyn Progress,
    sink: &mut dyn FnMut(u32, &[f32]),
) -> Result<Decoded, DecodeError> {
    let mut fmt = open(path)?;
    let AnalysedTrack {
        id,
        params,
        time_base,
        duration_ms,
        priming,
    } = analysed_track(fmt.as_ref(), path)?;
    let mut dec = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| DecodeError::Undecodable(e.to_string()))?;
    progress.start(duration_ms);
    let mut line = Timeline::new(time_base, priming);
    let mut last_error = None;
    loop {
        let packet = match fmt.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A read error mid-file is a truncated clip: keep what was read.
            Err(e) => {
                last_error = Some(e.to_string());
                break;
            }
        };
        if packet.track_id != id {
            continue;
        }
        match dec.decode(&packet) {
            Ok(buf) => {
                if let Some(at) = line.push(&buf, packet.pts.get(), sink)? {
                    progress.advance(at);
                }
            }
            Err(SymError::DecodeError(e)) => {
                line.out.bad_packets += 1;
                last_error = Some(e.to_string());
            }
            Err(e) => return Err(DecodeError::Nothing(e.to_string())),
        }
    }
    let out = line.out;
    progress.finish();
    if out.samples == 0 {
        return Err(DecodeError::Nothing(
            last_error.unwrap_or_else(|| "the audio track is empty".into()),
        ));
    }
    Ok(out)
}

fn with_ffmpeg(
    path: &Path,
    progress: &dyn Progress,
    sink: &mut dyn FnMut(u32, &[f32]),
) -> Result<Decoded, DecodeError> {
    let mut child = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args(["-vn", "-sn", "-dn", "-ac", "1", "-ar"])
        .arg(FFMPEG_RATE.to_string())
        .args(["-f", "f32le", "-"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(DecodeError::FfmpegMissing)?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    // Drain stderr on a thread so a chatty ffmpeg cannot block on a full pipe.
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    progress.start(None);
    let mut out = Decoded {
        rate: FFMPEG_RATE,
        ..Decoded::default()
    };
    let mut bytes = vec![0u8; 1 << 16];
    let (mut pending, mut block) = (Vec::new(), Vec::new());
    loop {
        let n = match stdout.read(&mut bytes) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(DecodeError::Ffmpeg(e.to_string())),
        };
        pending.extend_from_slice(&bytes[..n]);
        let whole = pending.len() / 4 * 4;
        block.clear();
        block.extend(
            pending[..whole]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        pending.drain(..whole);
        sink(FFMPEG_RATE, &block);
        out.samples += block.len() as u64;
        progress.advance((out.samples * 1000 / u64::from(FFMPEG_RATE)) as i64);
    }
    let status = child
        .wait()
        .map_err(|e| DecodeError::Ffmpeg(e.to_string()))?;
    let said = errors.join().unwrap_or_default();
    progress.finish();
    if !status.success() || out.samples == 0 {
        let said = said
            .lines()
            .last()
            .unwrap_or("no audio decoded")
            .to_string();
        return Err(DecodeError::Ffmpeg(said));
    }
    Ok(out)
}

/// Places decoded audio on the clip's timeline as mono blocks: the
/// encoder's priming is dropped, lost packets (more than 20 ms missing)
/// become silence of their length, and a mid-stream rate change is a lost
/// packet, so that later speech keeps its true time. Shared by the analysis
/// decode and the deep probe, which must hand out the same samples.
pub(crate) struct Timeline {
    time_base: Option<TimeBase>,
    priming: f64,
    skip: Option<usize>,
    planes: Vec<Vec<f32>>,
    mono: Vec<f32>,
    pub(crate) out: Decoded,
}

impl Timeline {
    pub(crate) fn new(time_base: Option<TimeBase>, priming: f64) -> Timeline {
        Timeline {
            time_base,
            priming,
            skip: None,
            planes: Vec::new(),
            mono: Vec::new(),
            out: Decoded::default(),
        }
    }

    /// Hand `buf` (the packet at `pts`) to `sink`; returns where it
    /// belongs on the timeline, in ms, when the packet says.
    pub(crate) fn push(
        &mut self,
        buf: &GenericAudioBufferRef,
        pts: i64,
        sink: &mut dyn FnMut(u32, &[f32]),
    ) -> Result<Option<i64>, DecodeError> {
        let rate = buf.spec().rate();
        if self.out.rate == 0 {
            if !plausible_rate(rate) {
                return Err(DecodeError::BadRate(rate));
            }
            self.out.rate = rate;
        } else if rate != self.out.rate {
            self.out.bad_packets += 1;
            return Ok(None);
        }
        let frames = buf.frames();
        let left = self
            .skip
            .get_or_insert((self.priming * f64::from(rate)).round() as usize);
        let drop = (*left).min(frames);
        *left -= drop;
        let frames = frames - drop;
        let mono = &mut self.mono;
        mono.clear();
        mono.resize(frames, 0.0);
        // AAC, Vorbis and MP3 decode to f32: mix straight from the decoder's
        // planes; other sample formats are converted first.
        let mut mix = |plane: &[f32], scale: f32| {
            for (m, s) in mono.iter_mut().zip(&plane[drop..]) {
                *m += s * scale;
            }
        };
        if let GenericAudioBufferRef::F32(b) = buf {
            let scale = 1.0 / b.num_planes().max(1) as f32;
            for plane in b.iter_planes() {
                mix(plane, scale);
            }
        } else {
            buf.copy_to_vecs_planar::<f32>(&mut self.planes);
            let scale = 1.0 / self.planes.len().max(1) as f32;
            for plane in &self.planes {
                mix(plane, scale);
            }
        }
        let at = self.time_base.map(|tb| {
            pts as f64 * f64::from(tb.numer.get()) / f64::from(tb.denom.get()) - self.priming
        });
        if let Some(at) = at {
            let want = (at * f64::from(rate)).round().max(0.0) as u64;
            // A timestamp hours past the audio is a damaged packet, not a
            // gap to fill with silence (that could be terabytes).
            let plausible = want - self.out.samples.min(want) < u64::from(rate) * 3600;
            if plausible && want > self.out.samples + u64::from(rate / 50) {
                let gap = vec![0.0; (want - self.out.samples) as usize];
                sink(rate, &gap);
                self.out.samples = want;
            }
        }
        sink(rate, &self.mono);
        self.out.samples += frames as u64;
        Ok(at.map(|t| (t * 1000.0) as i64))
    }
}

/// The audio track analysis decodes (the first one symphonia can decode),
/// with the encoder priming to drop from it: what it is and why not, else.
pub(crate) fn analysed_track(
    fmt: &dyn symphonia::core::formats::FormatReader,
    path: &Path,
) -> Result<AnalysedTrack, DecodeError> {
    let mut why = None;
    for t in fmt.tracks() {
        if let Some(CodecParameters::Audio(p)) = &t.codec_params {
            match audio_gap(p) {
                None => {
                    // symphonia does not apply MP4 edit lists: drop the
                    // encoder's priming.
                    let priming = if fmt.format_info().short_name == "isomp4" {
                        super::mp4_delay::priming_secs(path, t.id).unwrap_or(0.0)
                    } else {
                        0.0
                    };
                    return Ok(AnalysedTrack {
                        id: t.id,
                        params: p.clone(),
                        time_base: t.time_base,
                        duration_ms: track_duration_ms(t),
                        priming,
                    });
                }
                Some(w) => why = why.or(Some(w)),
            }
        }
    }
    Err(why.map_or(DecodeError::NoAudio, DecodeError::Undecodable))
}

pub(crate) struct AnalysedTrack {
    pub(crate) id: u32,
    pub(crate) params: symphonia::core::codecs::audio::AudioCodecParameters,
    pub(crate) time_base: Option<TimeBase>,
    pub(crate) duration_ms: Option<i64>,
    pub(crate) priming: f64,
}
