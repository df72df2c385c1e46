//! Media files through symphonia. symphonia's types stay inside this
//! module; the rest of screenkit sees milliseconds and plain errors.
//!
//! `probe` reads a clip's tracks and (deep) decodes its audio; `duration_ms`
//! is what `check --clip` needs. Durations come from the headers where the
//! container has them (MP4, OGG, FLAC, WAV, MP3); MKV/WebM tracks carry none
//! in symphonia 0.6, so their packets are scanned without decoding
//! (`shared/research/packaging.md` §4: ~50 ms for an hour).

pub mod decode;
mod mp4_delay;
pub mod probe;
pub mod tracks;

use std::fs::File;
use std::path::Path;
use symphonia::core::errors::Error as SymError;
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
    #[error(
        "an HEVC (x265) MP4 whose hvcC box symphonia rejects ({0}); re-encode as H.264, or with -x265-params info=0"
    )]
    Hevc(String),
    #[error("the file has no track with a known duration")]
    NoDuration,
}

pub(crate) fn open(path: &Path) -> Result<Box<dyn FormatReader>, ProbeError> {
    if path.is_dir() {
        return Err(ProbeError::Io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let file = File::open(path)?;
    let ext = path.extension().and_then(|e| e.to_str());
    open_source(Box::new(file), ext)
}

/// A reader over any media source, with the file extension as a hint.
pub(crate) fn open_source(
    source: Box<dyn symphonia::core::io::MediaSource>,
    ext: Option<&str>,
) -> Result<Box<dyn FormatReader>, ProbeError> {
    let mss = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = ext {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(format_error)
}

/// symphonia's MP4 reader refuses an hvcC (HEVC configuration) atom over
/// 1 KB, and x265 writes its settings there: that case gets its own advice.
/// symphonia says which atom failed only in its static message.
fn format_error(e: SymError) -> ProbeError {
    match e {
        SymError::DecodeError(what) if what.starts_with("isomp4 (hvcC)") => {
            ProbeError::Hevc(e.to_string())
        }
        e => ProbeError::Format(e.to_string()),
    }
}

/// The clip's duration in ms: the longest track (headers, or a packet scan).
pub fn duration_ms(path: &Path) -> Result<i64, ProbeError> {
    probe::probe(path, false, &crate::progress::Quiet)?
        .duration_ms
        .ok_or(ProbeError::NoDuration)
}

/// The ffmpeg command that re-encodes `input` as H.264 + AAC-LC stereo in
/// MP4, which every current browser and VLC play, to `STEM.h264.mp4` beside it.
pub fn reencode_command(input: &std::path::Path) -> String {
    let stem = input
        .file_stem()
        .map_or_else(|| "clip".into(), |s| s.to_string_lossy());
    let out = input.with_file_name(format!("{stem}.h264.mp4"));
    format!(
        "ffmpeg -i {} -c:v libx264 -crf 18 -preset slow -c:a aac -b:a 192k -ac 2 -movflags +faststart {}",
        crate::shell::quote_path(input),
        crate::shell::quote_path(&out)
    )
}

#[cfg(test)]
mod reencode_tests {
    use super::reencode_command;
    use std::path::Path;

    #[test]
    fn reencode_commands_name_the_files_and_quote_only_when_needed() {
        assert_eq!(
            reencode_command(Path::new("kits/k/clips/x.mkv")),
            "ffmpeg -i kits/k/clips/x.mkv -c:v libx264 -crf 18 -preset slow -c:a aac -b:a 192k -ac 2 -movflags +faststart kits/k/clips/x.h264.mp4"
        );
        let cmd = reencode_command(Path::new("my clips/Tom's cut.mp4"));
        assert!(
            cmd.starts_with("ffmpeg -i 'my clips/Tom'\\''s cut.mp4' ")
                && cmd.ends_with(" 'my clips/Tom'\\''s cut.h264.mp4'"),
            "{cmd}"
        );
    }
}
