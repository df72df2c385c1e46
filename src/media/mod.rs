//! Media files through symphonia. symphonia's types stay inside this
//! module; the rest of screenkit sees milliseconds and plain errors.
//!
//! For now: the clip duration that `check --clip` needs. Header-only where
//! the container says (MP4, OGG, FLAC, WAV, MP3); MKV/WebM tracks carry no
//! duration in symphonia 0.6, so their packets are scanned without decoding
//! (`shared/research/packaging.md` §4: ~50 ms for an hour).

use std::fs::File;
use std::path::Path;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use thiserror::Error;

/// Why a clip could not be probed.
#[derive(Debug, Error)]
pub enum ProbeError {
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "not a media file symphonia can read ({0}); MP4 (H.264 + AAC-LC stereo) plays everywhere"
    )]
    Format(String),
    #[error("the file has no track with a known duration")]
    NoDuration,
}

fn open(path: &Path) -> Result<Box<dyn FormatReader>, ProbeError> {
    let file = File::open(path)?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| ProbeError::Format(e.to_string()))
}

/// The clip's duration in ms: the longest track.
pub fn duration_ms(path: &Path) -> Result<i64, ProbeError> {
    let mut fmt = open(path)?;
    let from_headers = fmt
        .tracks()
        .iter()
        .filter_map(|t| t.time_base?.calc_duration(t.duration?))
        .map(|d| d.as_millis())
        .max();
    match from_headers {
        Some(ms) => Ok(ms as i64),
        None => scan_packets(fmt.as_mut()),
    }
}

/// Latest packet end over all tracks, without decoding.
fn scan_packets(fmt: &mut dyn FormatReader) -> Result<i64, ProbeError> {
    let bases: Vec<_> = fmt.tracks().iter().map(|t| (t.id, t.time_base)).collect();
    let mut best: Option<i128> = None;
    while let Ok(Some(p)) = fmt.next_packet() {
        let Some(tb) = bases
            .iter()
            .find(|(id, _)| *id == p.track_id)
            .and_then(|(_, tb)| *tb)
        else {
            continue;
        };
        if let Some(end) = p.pts.checked_add(p.dur).and_then(|ts| tb.calc_time(ts)) {
            best = best.max(Some(end.as_millis()));
        }
    }
    best.map(|ms| ms as i64).ok_or(ProbeError::NoDuration)
}
