//! What a clip is and whether it will play: container, duration, audio and
//! video tracks from the headers (fast), and with `deep` a decode of every
//! audio packet for the first undecodable point, EBU R128 integrated
//! loudness and true peak (the `ebur128` crate, not hand-written filters).
//!
//! symphonia's known gaps (`shared/research/packaging.md` §4) become
//! specific problems that say what to do, never a crash or a wrong number.

use super::decode::{Timeline, analysed_track};
use super::{ProbeError, open};
use crate::progress::Progress;
use ebur128::{EbuR128, Mode};
use serde::Serialize;
use std::path::Path;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::well_known as acodec;
use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoderOptions};
use symphonia::core::codecs::video::well_known as vcodec;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatReader, Track};
use symphonia::core::units::TimeBase;

/// Everything `probe` learned about one clip.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClipInfo {
    pub container: String,
    pub duration_ms: Option<i64>,
    pub audio: Vec<AudioTrack>,
    pub video: Vec<VideoTrack>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AudioTrack {
    pub codec: String,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    pub language: Option<String>,
    /// Integrated loudness (EBU R128), only with `deep`.
    pub loudness_lufs: Option<f64>,
    /// Highest true peak over the channels, only with `deep`.
    pub true_peak_dbtp: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VideoTrack {
    pub codec: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Frames per second, from packet durations (symphonia has no field).
    pub fps: Option<f64>,
}

/// Something that will stop the clip playing well at a venue.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    /// Where in the clip, for decode errors.
    pub at_ms: Option<i64>,
}

/// What kind of problem a clip has; serialised as its stable id
/// (`--json` is API).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// An audio track symphonia cannot decode.
    UndecodableAudio,
    NoAudio,
    /// The file cannot be read or decoded past some point.
    DecodeError,
    /// A video codec that not every browser plays.
    VideoCodec,
}

impl ProblemKind {
    /// The stable id, as in `--json`.
    pub fn id(self) -> &'static str {
        match self {
            ProblemKind::UndecodableAudio => "undecodable-audio",
            ProblemKind::NoAudio => "no-audio",
            ProblemKind::DecodeError => "decode-error",
            ProblemKind::VideoCodec => "video-codec",
        }
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

const SAFE: &str =
    "re-encode the audio as AAC-LC stereo (MP4 with H.264 + AAC-LC plays everywhere)";

fn audio_codec_name(p: &AudioCodecParameters) -> String {
    let c = p.codec;
    let name = match c {
        _ if c == acodec::CODEC_ID_AAC => match p.profile {
            Some(pr) if pr == acodec::profiles::CODEC_PROFILE_AAC_HE => "aac (HE)",
            Some(pr) if pr == acodec::profiles::CODEC_PROFILE_AAC_HE_V2 => "aac (HE v2)",
            Some(pr) if pr == acodec::profiles::CODEC_PROFILE_AAC_MAIN => "aac (Main)",
            Some(pr) if pr == acodec::profiles::CODEC_PROFILE_AAC_LTP => "aac (LTP)",
            _ => "aac",
        },
        _ if c == acodec::CODEC_ID_MP3 => "mp3",
        _ if c == acodec::CODEC_ID_VORBIS => "vorbis",
        _ if c == acodec::CODEC_ID_OPUS => "opus",
        _ if c == acodec::CODEC_ID_FLAC => "flac",
        _ if c == acodec::CODEC_ID_ALAC => "alac",
        _ if c == acodec::CODEC_ID_AC3 => "ac3",
        _ if c == acodec::CODEC_ID_EAC3 => "eac3",
        _ if c == acodec::CODEC_ID_DCA => "dts",
        _ if c == acodec::CODEC_ID_TRUEHD => "truehd",
        _ if c == acodec::CODEC_ID_MP2 => "mp2",
        // Every PCM and ADPCM id sorts below the first compressed codec.
        _ if c > symphonia::core::codecs::audio::CODEC_ID_NULL_AUDIO
            && c < acodec::CODEC_ID_VORBIS =>
        {
            "pcm"
        }
        _ => return format!("unknown ({c})"),
    };
    name.to_string()
}

fn video_codec_name(c: symphonia::core::codecs::video::VideoCodecId) -> String {
    let name = match c {
        _ if c == vcodec::CODEC_ID_H264 => "h264",
        _ if c == vcodec::CODEC_ID_HEVC => "hevc",
        _ if c == vcodec::CODEC_ID_VP8 => "vp8",
        _ if c == vcodec::CODEC_ID_VP9 => "vp9",
        _ if c == vcodec::CODEC_ID_AV1 => "av1",
        _ if c == vcodec::CODEC_ID_MPEG4 => "mpeg4",
        _ if c == vcodec::CODEC_ID_MPEG2 => "mpeg2",
        _ if c == vcodec::CODEC_ID_THEORA => "theora",
        _ if c == vcodec::CODEC_ID_MJPEG => "mjpeg",
        _ => return format!("unknown ({c})"),
    };
    name.to_string()
}

/// Whether symphonia can decode this audio track, and if not, why.
pub(crate) fn audio_gap(p: &AudioCodecParameters) -> Option<String> {
    let name = audio_codec_name(p);
    let channels = p.channels.as_ref().map_or(0, |c| c.count());
    if p.codec == acodec::CODEC_ID_AAC && channels > 2 {
        return Some(format!(
            "{channels}-channel AAC cannot be decoded by symphonia; {SAFE}"
        ));
    }
    if p.codec == acodec::CODEC_ID_AAC && name != "aac" {
        return Some(format!(
            "{name} cannot be decoded by symphonia (only AAC-LC); {SAFE}"
        ));
    }
    let decoder =
        symphonia::default::get_codecs().make_audio_decoder(p, &AudioDecoderOptions::default());
    decoder
        .err()
        .map(|_| format!("{name} audio cannot be decoded by symphonia; {SAFE}"))
}

/// The rate the audio plays at. Opus always decodes at 48 kHz: the rate
/// in its header (and so in an MKV track's) is the encoder's input rate.
fn output_rate(p: &AudioCodecParameters) -> Option<u32> {
    if p.codec == acodec::CODEC_ID_OPUS {
        return Some(48_000);
    }
    p.sample_rate
}

fn ms(tb: Option<TimeBase>, ts: symphonia::core::units::Timestamp) -> Option<i64> {
    tb?.calc_time(ts).map(|t| t.as_millis() as i64)
}

pub(crate) fn track_duration_ms(t: &Track) -> Option<i64> {
    t.time_base?
        .calc_duration(t.duration?)
        .map(|d| d.as_millis() as i64)
}

/// Mono samples of the clip's audio as analysis sees them (the same track
/// and timeline as [`crate::media::decode::decode_mono`]).
pub type AudioTap<'a> = &'a mut dyn FnMut(u32, &[f32]);

/// Probe a clip. Header-only unless `deep`.
pub fn probe(path: &Path, deep: bool, progress: &dyn Progress) -> Result<ClipInfo, ProbeError> {
    probe_with(open(path)?, Some(path), deep, progress, None)
}

/// A deep probe that also hands the analysed audio track to `tap` while it
/// decodes, so that a caller who needs both loudness and the samples (the
/// speech detector of `check KIT`) decodes the clip once.
pub fn probe_listening(
    path: &Path,
    progress: &dyn Progress,
    tap: AudioTap,
) -> Result<ClipInfo, ProbeError> {
    probe_with(open(path)?, Some(path), true, progress, Some(tap))
}

/// Probe media held in memory, as if read from a file with extension `ext`
/// (the fuzz target's way in: any bytes give a result or an error).
pub fn probe_bytes(data: Vec<u8>, ext: Option<&str>, deep: bool) -> Result<ClipInfo, ProbeError> {
    let source = Box::new(std::io::Cursor::new(data));
    probe_with(
        super::open_source(source, ext)?,
        None,
        deep,
        &crate::progress::Quiet,
        None,
    )
}

/// `path` is where the media came from, when it is a file: the MP4 edit
/// list the tap needs is read from it.
fn probe_with(
    mut fmt: Box<dyn FormatReader>,
    path: Option<&Path>,
    deep: bool,
    progress: &dyn Progress,
    tap: Option<AudioTap>,
) -> Result<ClipInfo, ProbeError> {
    let mut info = ClipInfo {
        container: fmt.format_info().short_name.to_string(),
        duration_ms: fmt.tracks().iter().filter_map(track_duration_ms).max(),
        audio: Vec::new(),
        video: Vec::new(),
        problems: Vec::new(),
    };
    let mut decodable = Vec::new();
    for t in fmt.tracks() {
        match &t.codec_params {
            Some(CodecParameters::Audio(p)) => {
                if let Some(why) = audio_gap(p) {
                    info.problems.push(Problem {
                        kind: ProblemKind::UndecodableAudio,
                        message: why,
                        at_ms: None,
                    });
                } else {
                    decodable.push(t.id);
                }
                info.audio.push(AudioTrack {
                    codec: audio_codec_name(p),
                    sample_rate: output_rate(p),
                    channels: p.channels.as_ref().map(|c| c.count() as u32),
                    language: t.language.clone().filter(|l| !l.is_empty() && l != "und"),
                    loudness_lufs: None,
                    true_peak_dbtp: None,
                });
            }
            Some(CodecParameters::Video(p)) => {
                let codec = video_codec_name(p.codec);
                if codec != "h264" {
                    let message = format!(
                        "{codec} video may not play in every browser on a venue laptop; H.264 in MP4 plays everywhere"
                    );
                    info.problems.push(Problem {
                        kind: ProblemKind::VideoCodec,
                        message,
                        at_ms: None,
                    });
                }
                info.video.push(VideoTrack {
                    codec,
                    width: p.width.map(u32::from),
                    height: p.height.map(u32::from),
                    fps: None,
                });
            }
            _ => {}
        }
    }
    if info.audio.is_empty() {
        info.problems.push(Problem {
            kind: ProblemKind::NoAudio,
            message: "the clip has no audio track".into(),
            at_ms: None,
        });
    }
    let tap = tap.zip(path).and_then(|(sink, path)| {
        let t = analysed_track(fmt.as_ref(), path).ok()?;
        Some(Tap {
            id: t.id,
            line: Timeline::new(t.time_base, t.priming),
            sink,
            failed: false,
        })
    });
    scan(
        fmt.as_mut(),
        &mut info,
        deep.then_some(decodable.as_slice()),
        tap,
        progress,
    );
    Ok(info)
}

/// Per-track counters while reading packets. The frame rate comes from the
/// span of presentation times (min..max, as B-frames arrive out of order):
/// summing per-packet durations would add up their rounding.
#[derive(Default)]
struct Seen {
    packets: u64,
    min_pts: Option<i64>,
    max_pts: Option<i64>,
}

/// Read packets: always enough to derive the video frame rate (and the
/// duration when the headers lack it, as in MKV); with `deep` every packet,
/// decoding the given audio tracks.
fn scan(
    fmt: &mut dyn FormatReader,
    info: &mut ClipInfo,
    deep: Option<&[u32]>,
    mut tap: Option<Tap>,
    progress: &dyn Progress,
) {
    const FPS_SAMPLE: u64 = 240;
    let tracks: Vec<Track> = fmt.tracks().to_vec();
    let video_ids: Vec<u32> = tracks
        .iter()
        .filter(|t| matches!(t.codec_params, Some(CodecParameters::Video(_))))
        .map(|t| t.id)
        .collect();
    let need_duration = info.duration_ms.is_none();
    let mut seen: Vec<Seen> = tracks.iter().map(|_| Seen::default()).collect();
    let mut decoders = Vec::new();
    for id in deep.unwrap_or(&[]) {
        let Some(t) = tracks.iter().find(|t| t.id == *id) else {
            continue;
        };
        let Some(CodecParameters::Audio(p)) = &t.codec_params else {
            continue;
        };
        if let Ok(d) =
            symphonia::default::get_codecs().make_audio_decoder(p, &AudioDecoderOptions::default())
        {
            decoders.push(Loudness::new(*id, d, t.time_base));
        }
    }
    if deep.is_some() {
        progress.start(info.duration_ms);
    }
    let mut end_ms: Option<i64> = None;
    loop {
        let packet = match fmt.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                if deep.is_some() {
                    let message = match end_ms {
                        Some(_) => format!(
                            "the file cannot be read past this point ({e}); is it truncated?"
                        ),
                        None => format!("no packet can be read ({e}); is the file truncated?"),
                    };
                    info.problems.push(Problem {
                        kind: ProblemKind::DecodeError,
                        message,
                        at_ms: end_ms,
                    });
                }
                break;
            }
        };
        let k = tracks
            .iter()
            .position(|t| t.id == packet.track_id)
            .unwrap_or(0);
        let s = &mut seen[k];
        s.packets += 1;
        let pts = packet.pts.get();
        s.min_pts = Some(s.min_pts.map_or(pts, |m| m.min(pts)));
        s.max_pts = Some(s.max_pts.map_or(pts, |m| m.max(pts)));
        if let Some(e) = packet
            .pts
            .checked_add(packet.dur)
            .and_then(|ts| ms(tracks[k].time_base, ts))
        {
            end_ms = end_ms.max(Some(e));
        }
        if let Some(d) = decoders.iter_mut().find(|d| d.id == packet.track_id) {
            let tap = tap.as_mut().filter(|t| t.id == d.id);
            d.decode(&packet, &mut info.problems, tap);
            if let Some(pos) = ms(tracks[k].time_base, packet.pts) {
                progress.advance(pos);
            }
        }
        let enough_fps = video_ids.iter().all(|id| {
            tracks
                .iter()
                .position(|t| t.id == *id)
                .is_some_and(|k| seen[k].packets >= FPS_SAMPLE)
        });
        if deep.is_none() && !need_duration && enough_fps {
            break;
        }
    }
    if need_duration {
        info.duration_ms = end_ms;
    } else if deep.is_some()
        && !info
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::DecodeError)
    {
        // A clean end of stream well before the promised duration: a file
        // cut short (MP3 and FLAC readers just stop).
        let promised = info.duration_ms.unwrap_or(0);
        let got = end_ms.unwrap_or(0);
        if promised - got > (promised / 100).max(250) {
            let message = format!(
                "the media ends at {got} ms but the header promises {promised} ms; the file is probably truncated"
            );
            info.problems.push(Problem {
                kind: ProblemKind::DecodeError,
                message,
                at_ms: Some(got),
            });
        }
    }
    for (v, id) in info.video.iter_mut().zip(&video_ids) {
        let k = tracks.iter().position(|t| t.id == *id).unwrap_or(0);
        let s = &seen[k];
        let span = match (s.min_pts, s.max_pts, tracks[k].time_base) {
            (Some(a), Some(b), Some(tb)) if b > a => tb
                .calc_time(symphonia::core::units::Timestamp::new(b - a))
                .map(|t| t.as_secs_f64()),
            _ => None,
        };
        v.fps = span.map(|x| nominal_fps((s.packets - 1) as f64 / x));
    }
    for d in decoders {
        if let Some(a) = tracks
            .iter()
            .filter(|t| matches!(t.codec_params, Some(CodecParameters::Audio(_))))
            .position(|t| t.id == d.id)
        {
            let (lufs, peak) = d.result();
            info.audio[a].loudness_lufs = lufs;
            info.audio[a].true_peak_dbtp = peak;
        }
    }
    if deep.is_some() {
        progress.finish();
    }
}

/// A measured frame rate, snapped to the standard rate it is within 0.15%
/// of (millisecond timestamps in WebM/MKV blur 30 fps into 29.997).
fn nominal_fps(measured: f64) -> f64 {
    const RATES: [f64; 11] = [
        23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0, 100.0, 120.0,
    ];
    let off = |r: f64| (measured - r).abs() / r;
    RATES
        .iter()
        .copied()
        .filter(|&r| off(r) < 0.0015)
        .min_by(|&a, &b| off(a).total_cmp(&off(b)))
        .unwrap_or((measured * 1000.0).round() / 1000.0)
}

/// Where the deep probe hands the analysed track's samples.
struct Tap<'a> {
    id: u32,
    line: Timeline,
    sink: AudioTap<'a>,
    failed: bool,
}

/// A decoder feeding an EBU R128 meter.
struct Loudness {
    id: u32,
    decoder: Box<dyn symphonia::core::codecs::audio::AudioDecoder>,
    time_base: Option<TimeBase>,
    meter: Option<EbuR128>,
    /// The channels and rate the meter was made for.
    metered: (u32, u32),
    planes: Vec<Vec<f32>>,
    failed: bool,
    /// The decoded audio's rate or channels are no real audio's.
    bad_header: bool,
}

impl Loudness {
    fn new(
        id: u32,
        decoder: Box<dyn symphonia::core::codecs::audio::AudioDecoder>,
        time_base: Option<TimeBase>,
    ) -> Self {
        Loudness {
            id,
            decoder,
            time_base,
            meter: None,
            metered: (0, 0),
            planes: Vec::new(),
            failed: false,
            bad_header: false,
        }
    }

    fn decode(
        &mut self,
        packet: &symphonia::core::packet::Packet,
        problems: &mut Vec<Problem>,
        tap: Option<&mut Tap>,
    ) {
        if self.bad_header {
            return;
        }
        match self.decoder.decode(packet) {
            Ok(buf) => {
                if buf.frames() == 0 {
                    return;
                }
                // A rate analysis cannot use ends the tap; the meter says why.
                if let Some(t) = tap.filter(|t| !t.failed) {
                    t.failed = t.line.push(&buf, packet.pts.get(), t.sink).is_err();
                }
                let spec = buf.spec();
                let (channels, rate) = (spec.channels().count() as u32, spec.rate());
                if self.meter.is_some() && self.metered != (channels, rate) {
                    // A packet that changes the format mid-stream is damage,
                    // as in the analysis decode: left out of the measure.
                    return;
                }
                buf.copy_to_vecs_planar::<f32>(&mut self.planes);
                if self.meter.is_none() {
                    // The rate and channel count come from the file's header:
                    // any value may be there, and the meter takes only real
                    // ones (it also asserts on rates too low to filter).
                    let made = if super::decode::plausible_rate(rate) {
                        EbuR128::new(channels, rate, Mode::I | Mode::TRUE_PEAK)
                            .map_err(|e| format!("{e:?}"))
                    } else {
                        Err("no real audio has that rate".to_string())
                    };
                    match made {
                        Ok(m) => {
                            self.meter = Some(m);
                            self.metered = (channels, rate);
                        }
                        Err(e) => {
                            self.bad_header = true;
                            problems.push(Problem {
                                kind: ProblemKind::DecodeError,
                                message: format!(
                                    "the audio header claims {channels} channel(s) at {rate} Hz, which cannot be measured ({e}); the header is damaged, re-encode the audio"
                                ),
                                at_ms: None,
                            });
                            return;
                        }
                    }
                }
                let Some(meter) = self.meter.as_mut() else {
                    return;
                };
                let planes: Vec<&[f32]> = self.planes.iter().map(|p| p.as_slice()).collect();
                let _ = meter.add_frames_planar_f32(&planes);
            }
            Err(SymError::DecodeError(e)) if !self.failed => {
                self.failed = true;
                problems.push(Problem {
                    kind: ProblemKind::DecodeError,
                    message: format!("audio cannot be decoded from here on ({e})"),
                    at_ms: ms(self.time_base, packet.pts),
                });
            }
            Err(_) => {}
        }
    }

    fn result(&self) -> (Option<f64>, Option<f64>) {
        let Some(m) = &self.meter else {
            return (None, None);
        };
        let lufs = m
            .loudness_global()
            .ok()
            .filter(|l| l.is_finite())
            .map(|l| (l * 10.0).round() / 10.0);
        let channels = self.planes.len() as u32;
        let peak = (0..channels)
            .filter_map(|c| m.true_peak(c).ok())
            .fold(0.0f64, f64::max);
        let dbtp = (peak > 0.0).then(|| (20.0 * peak.log10() * 10.0).round() / 10.0);
        (lufs, dbtp)
    }
}

#[cfg(test)]
mod tests {
    use super::ProblemKind;
    use crate::media::decode::{Decoder, decode_mono};
    use crate::progress::Quiet;

    /// `check KIT` takes the speech detector's samples from the deep probe;
    /// they must be the very samples `sync` decodes (same track, priming
    /// dropped, same timeline), or the two would judge different audio.
    #[test]
    fn the_deep_probe_hands_out_what_analysis_decodes() {
        let clip = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("clips/any-feelings.mp4");
        let mut decoded = Vec::new();
        let mut rates = Vec::new();
        decode_mono(&clip, Decoder::Symphonia, &Quiet, &mut |rate, block| {
            rates.push(rate);
            decoded.extend_from_slice(block)
        })
        .unwrap();
        let mut tapped = Vec::new();
        let info = super::probe_listening(&clip, &Quiet, &mut |rate, block| {
            assert_eq!(rate, rates[0]);
            tapped.extend_from_slice(block)
        })
        .unwrap();
        assert!(info.audio[0].loudness_lufs.is_some(), "still a deep probe");
        assert!(decoded.len() > 48_000, "{} samples", decoded.len());
        assert_eq!(tapped.len(), decoded.len());
        assert!(tapped == decoded, "the same samples, bit for bit");
    }

    #[test]
    fn problem_kinds_serialise_as_their_ids() {
        for k in [
            ProblemKind::UndecodableAudio,
            ProblemKind::NoAudio,
            ProblemKind::DecodeError,
            ProblemKind::VideoCodec,
        ] {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.id()));
        }
    }
}
