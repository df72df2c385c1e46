//! Subtitle tracks in MKV/WebM, through `matroska-demuxer`.
//!
//! Block timestamps and BlockDuration count in TimestampScale units (ns
//! each; 1 ms in nearly every file), DefaultDuration in ns. mkvmerge stores
//! text tracks zlib-compressed unless told not to, so that is undone here.

use super::text;
use super::{Codec, Packet, SubTrack, TracksError};
use matroska_demuxer::{
    ContentCompAlgo, ContentEncodingValue, Frame, MatroskaFile, TrackEntry, TrackType,
};
use std::io::{BufReader, Read};
use std::path::Path;

fn open(path: &Path) -> Result<MatroskaFile<BufReader<std::fs::File>>, TracksError> {
    let file = BufReader::new(std::fs::File::open(path)?);
    MatroskaFile::open(file).map_err(|e| TracksError::Mkv(e.to_string()))
}

fn codec(id: &str) -> Codec {
    match id {
        "S_TEXT/UTF8" | "S_TEXT/ASCII" => Codec::Subrip,
        "S_TEXT/ASS" | "S_ASS" => Codec::Ass,
        "S_TEXT/SSA" | "S_SSA" => Codec::Ssa,
        "S_TEXT/WEBVTT" | "D_WEBVTT/SUBTITLES" | "D_WEBVTT/CAPTIONS" | "D_WEBVTT/DESCRIPTIONS" => {
            Codec::Webvtt
        }
        "S_HDMV/PGS" => Codec::Pgs,
        "S_VOBSUB" => Codec::Vobsub,
        "S_DVBSUB" => Codec::Dvb,
        _ => Codec::Other,
    }
}

fn describe(t: &TrackEntry) -> SubTrack {
    let codec = codec(t.codec_id());
    SubTrack {
        number: t.track_number().get(),
        codec_id: t.codec_id().to_string(),
        codec,
        kind: codec.kind(),
        // Matroska's Language element defaults to "eng" when absent (what
        // ffprobe reports too); "und" says the muxer did not know.
        language: t
            .language_bcp47()
            .or(t.language())
            .or(Some("eng"))
            .filter(|l| !l.is_empty() && *l != "und")
            .map(str::to_string),
        name: t.name().filter(|n| !n.is_empty()).map(str::to_string),
        default: t.flag_default(),
        forced: t.flag_forced(),
        cues: None,
    }
}

pub(super) fn list(path: &Path) -> Result<Vec<SubTrack>, TracksError> {
    let mkv = open(path)?;
    Ok(mkv
        .tracks()
        .iter()
        .filter(|t| t.track_type() == TrackType::Subtitle || t.codec_id().starts_with("S_"))
        .map(describe)
        .collect())
}

/// How a track's blocks were stored, to be undone before reading them.
enum Stored {
    Plain,
    /// Header stripping: these bytes were cut from the front of each block.
    Stripped(Vec<u8>),
    Zlib,
}

fn stored(t: &TrackEntry, number: u64) -> Result<Stored, TracksError> {
    let Some(encodings) = t.content_encodings() else {
        return Ok(Stored::Plain);
    };
    let mut how = Stored::Plain;
    for e in encodings {
        how = match e.encoding() {
            ContentEncodingValue::Compression(c) => match c.algo() {
                ContentCompAlgo::Zlib => Stored::Zlib,
                ContentCompAlgo::Stripping => {
                    Stored::Stripped(c.settings().unwrap_or_default().to_vec())
                }
                other => {
                    return Err(TracksError::Compressed {
                        number,
                        what: format!("{other:?}"),
                    });
                }
            },
            ContentEncodingValue::Encryption(_) => {
                return Err(TracksError::Compressed {
                    number,
                    what: "encryption".into(),
                });
            }
            ContentEncodingValue::Unknown => how,
        };
    }
    Ok(how)
}

fn restore(how: &Stored, data: &[u8], number: u64) -> Result<Vec<u8>, TracksError> {
    Ok(match how {
        Stored::Plain => data.to_vec(),
        Stored::Stripped(head) => [head.as_slice(), data].concat(),
        Stored::Zlib => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(data)
                .read_to_end(&mut out)
                .map_err(|e| TracksError::Compressed {
                    number,
                    what: format!("zlib that does not inflate ({e})"),
                })?;
            out
        }
    })
}

pub(super) fn packets(path: &Path, track: &SubTrack) -> Result<Vec<Packet>, TracksError> {
    let mut mkv = open(path)?;
    let scale_ns = u128::from(mkv.info().timestamp_scale().get());
    let entry = mkv
        .tracks()
        .iter()
        .find(|t| t.track_number().get() == track.number)
        .ok_or(TracksError::Mkv(format!("no track {}", track.number)))?;
    let how = stored(entry, track.number)?;
    let header = crate::subtitle::ass::Header::parse(&String::from_utf8_lossy(
        entry.codec_private().unwrap_or_default(),
    ));
    let default_ns = entry.default_duration().map(|d| u128::from(d.get()));
    let ms =
        |ticks: u64| i64::try_from(u128::from(ticks) * scale_ns / 1_000_000).unwrap_or(i64::MAX);
    let mut frame = Frame::default();
    let mut out = Vec::new();
    let mut order = 0;
    while mkv
        .next_frame(&mut frame)
        .map_err(|e| TracksError::Mkv(e.to_string()))?
    {
        if frame.track != track.number {
            continue;
        }
        order += 1;
        let data = restore(&how, &frame.data, track.number)?;
        let dur_ms = frame.duration.map(ms).or(default_ns
            .map(|ns| i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX))
            .filter(|&d| d > 0));
        let mut settings = None;
        let (order, text) = match (track.codec, track.codec_id.starts_with("D_WEBVTT")) {
            (Codec::Ass | Codec::Ssa, _) => match text::ass_block(&data, &header) {
                Some(t) => t,
                None => continue,
            },
            (_, true) => match text::webm_vtt(&data) {
                Some(cue) => {
                    settings = cue.settings;
                    (order, cue.text)
                }
                None => continue,
            },
            _ => match text::plain(&data) {
                Some(t) => (order, t),
                None => continue,
            },
        };
        out.push(Packet {
            start_ms: ms(frame.timestamp),
            dur_ms,
            order,
            text,
            settings,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn compressed_blocks_are_restored() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"Hello").unwrap();
        let packed = z.finish().unwrap();
        assert_eq!(restore(&Stored::Zlib, &packed, 3).unwrap(), b"Hello");
        assert_eq!(
            restore(&Stored::Stripped(b"He".to_vec()), b"llo", 3).unwrap(),
            b"Hello"
        );
        assert!(matches!(
            restore(&Stored::Zlib, b"not zlib", 3),
            Err(TracksError::Compressed { number: 3, .. })
        ));
    }

    #[test]
    fn codec_ids() {
        assert_eq!(codec("S_TEXT/UTF8"), Codec::Subrip);
        assert_eq!(codec("S_HDMV/PGS").kind(), super::super::Kind::Image);
        assert_eq!(codec("S_KATE"), Codec::Other);
    }
}
