//! Subtitle tracks inside clips: list them, and read a text track into the
//! subtitle model so the usual writers can put it out as SubRip or WebVTT.
//!
//! MKV/WebM is read with `matroska-demuxer` (symphonia's MKV reader keeps
//! no track name, and cannot tell a block without BlockDuration from one
//! lasting 0). MP4/MOV is read by a small box walker in `mp4.rs`: symphonia
//! knows `tx3g` but not `wvtt`, keeps no handler name, and the `mp4` crate
//! refuses sample entries it does not know. No external program runs.
//!
//! Image subtitles (PGS, VobSub, DVB) are listed and named, never read:
//! turning pictures into words is OCR, which screenkit does not do.

mod mkv;
mod mp4;
pub mod text;

use crate::subtitle::vtt::parse_vtt;
use crate::subtitle::{Cue, Track};
use crate::time::Timestamp;
use serde::Serialize;
use std::io::Read;
use std::path::Path;
use thiserror::Error;

/// How long a cue with no duration of its own shows when no later cue
/// cuts it short: long enough to read two lines.
pub const DEFAULT_SHOW_MS: i64 = 4000;

/// What a subtitle track holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Codec {
    /// Plain text with SubRip-style tags (`S_TEXT/UTF8`).
    Subrip,
    /// ASS events (`S_TEXT/ASS`).
    Ass,
    /// SSA events (`S_TEXT/SSA`).
    Ssa,
    /// WebVTT cue text (`S_TEXT/WEBVTT`, MP4 `wvtt`).
    Webvtt,
    /// 3GPP timed text (MP4 `tx3g`, ffmpeg's `mov_text`).
    MovText,
    /// Blu-ray PGS pictures (`S_HDMV/PGS`).
    Pgs,
    /// DVD pictures (`S_VOBSUB`, MP4 `mp4s` in a `subp` track).
    Vobsub,
    /// DVB pictures (`S_DVBSUB`).
    Dvb,
    /// Any other kind (TTML, CEA-608, QuickTime text …).
    Other,
}

/// Whether screenkit can read a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Text,
    Image,
    Other,
}

impl Codec {
    pub fn kind(self) -> Kind {
        match self {
            Codec::Subrip | Codec::Ass | Codec::Ssa | Codec::Webvtt | Codec::MovText => Kind::Text,
            Codec::Pgs | Codec::Vobsub | Codec::Dvb => Kind::Image,
            Codec::Other => Kind::Other,
        }
    }

    /// A name a projectionist knows.
    pub fn describe(self) -> &'static str {
        match self {
            Codec::Subrip => "SubRip text",
            Codec::Ass => "ASS text",
            Codec::Ssa => "SSA text",
            Codec::Webvtt => "WebVTT text",
            Codec::MovText => "MP4 timed text (mov_text)",
            Codec::Pgs => "PGS images (Blu-ray)",
            Codec::Vobsub => "VobSub images (DVD)",
            Codec::Dvb => "DVB images",
            Codec::Other => "not a kind screenkit reads",
        }
    }
}

/// One subtitle track as the container describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubTrack {
    /// The container's own number: MKV TrackNumber, MP4 track_ID.
    pub number: u64,
    /// The codec as the container names it (`S_TEXT/UTF8`, `tx3g` …).
    pub codec_id: String,
    pub codec: Codec,
    pub kind: Kind,
    pub language: Option<String>,
    /// The track's title (MKV Name; MP4 handler or user-data name).
    pub name: Option<String>,
    pub default: bool,
    pub forced: bool,
    /// How many cues, where the container says so without reading the
    /// whole file (MP4 sample tables); `None` otherwise.
    pub cues: Option<usize>,
}

/// A clip's subtitle tracks.
#[derive(Debug, Clone, Serialize)]
pub struct Clip {
    /// `matroska` or `mp4`.
    pub container: &'static str,
    pub tracks: Vec<SubTrack>,
}

/// Why a clip's tracks could not be read.
#[derive(Debug, Error)]
pub enum TracksError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not an MKV/WebM or MP4/MOV file; only those carry subtitle tracks screenkit reads")]
    NotAContainer,
    #[error("damaged or unreadable Matroska: {0}")]
    Mkv(String),
    #[error("damaged or unreadable MP4: {0}")]
    Mp4(String),
    #[error(
        "track {number} holds {} ({codec_id}): screenkit cannot read pictures. OCR them into text \
         (e.g. Subtitle Edit's OCR), then run `screenkit check` on the result and read it through",
        codec.describe()
    )]
    Image {
        number: u64,
        codec: Codec,
        codec_id: String,
    },
    #[error("track {number} is {codec_id}, which screenkit does not read")]
    Unsupported { number: u64, codec_id: String },
    #[error("track {number} is compressed with {what}, which screenkit cannot undo")]
    Compressed { number: u64, what: String },
    #[error("track {0} holds no cue")]
    Empty(u64),
}

/// Something the reader had to decide, for the user to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Cues stored with no duration: each ends at the next cue's start,
    /// or `DEFAULT_SHOW_MS` after its own.
    NoDuration(usize),
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::NoDuration(n) => write!(
                f,
                "{} stored with no duration: each ends where the next one starts, \
                 or {} s after its own start (check them against the film)",
                crate::output::plural(*n, "cue"),
                DEFAULT_SHOW_MS / 1000
            ),
        }
    }
}

/// A text track read into the subtitle model.
#[derive(Debug)]
pub struct Extracted {
    pub track: Track,
    pub notes: Vec<Note>,
}

enum Container {
    Matroska,
    Mp4,
}

fn sniff(path: &Path) -> Result<Container, TracksError> {
    let mut head = [0u8; 8];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut head)?;
    let head = &head[..n];
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Ok(Container::Matroska);
    }
    let mp4 = [b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide"];
    match head.get(4..8) {
        Some(kind) if mp4.iter().any(|k| kind == *k) => Ok(Container::Mp4),
        _ => Err(TracksError::NotAContainer),
    }
}

/// The clip's subtitle tracks (none is not an error).
pub fn list(path: &Path) -> Result<Clip, TracksError> {
    Ok(match sniff(path)? {
        Container::Matroska => Clip {
            container: "matroska",
            tracks: mkv::list(path)?,
        },
        Container::Mp4 => Clip {
            container: "mp4",
            tracks: mp4::list(path)?,
        },
    })
}

/// Read track `number` (as `list` gives it) into a subtitle `Track`.
pub fn extract(path: &Path, track: &SubTrack) -> Result<Extracted, TracksError> {
    match track.kind {
        Kind::Text => {}
        Kind::Image => {
            return Err(TracksError::Image {
                number: track.number,
                codec: track.codec,
                codec_id: track.codec_id.clone(),
            });
        }
        Kind::Other => {
            return Err(TracksError::Unsupported {
                number: track.number,
                codec_id: track.codec_id.clone(),
            });
        }
    }
    let packets = match sniff(path)? {
        Container::Matroska => mkv::packets(path, track)?,
        Container::Mp4 => mp4::packets(path, track)?,
    };
    let extracted = assemble(track.codec, packets);
    if extracted.track.cues.is_empty() {
        return Err(TracksError::Empty(track.number));
    }
    Ok(extracted)
}

/// One subtitle packet, its text already read out of the container's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Packet {
    pub start_ms: i64,
    /// `None`: the container stored no duration.
    pub dur_ms: Option<i64>,
    /// Where the event stood in its script (ASS ReadOrder), else the
    /// packet's place in the file.
    pub order: u64,
    pub text: String,
    /// WebVTT cue settings, where the container keeps them.
    pub settings: Option<String>,
}

/// Packets in time order, made into cues.
fn assemble(codec: Codec, mut packets: Vec<Packet>) -> Extracted {
    packets.sort_by_key(|p| (p.start_ms, p.order));
    let mut missing = 0;
    let ends: Vec<i64> = (0..packets.len())
        .map(|i| {
            let p = &packets[i];
            p.dur_ms.map(|d| p.start_ms + d).unwrap_or_else(|| {
                missing += 1;
                let fallback = p.start_ms + DEFAULT_SHOW_MS;
                packets[i + 1..]
                    .iter()
                    .map(|n| n.start_ms)
                    .find(|&s| s > p.start_ms)
                    .map_or(fallback, |s| s.min(fallback))
            })
        })
        .collect();
    let notes = if missing > 0 {
        vec![Note::NoDuration(missing)]
    } else {
        Vec::new()
    };
    let track = if codec == Codec::Webvtt {
        vtt_track(&packets, &ends)
    } else {
        Track::from_cues(
            packets
                .iter()
                .zip(&ends)
                .map(|(p, &end)| Cue::new(Timestamp(p.start_ms), Timestamp(end), &p.text))
                .collect(),
        )
    };
    Extracted { track, notes }
}

/// WebVTT cue text goes through the WebVTT reader, so that its tags and
/// settings are understood exactly as in a `.vtt` file.
fn vtt_track(packets: &[Packet], ends: &[i64]) -> Track {
    let mut doc = String::from("WEBVTT\n\n");
    for (p, &end) in packets.iter().zip(ends) {
        doc.push_str(&Timestamp(p.start_ms).vtt());
        doc.push_str(" --> ");
        doc.push_str(&Timestamp(end).vtt());
        if let Some(s) = &p.settings {
            doc.push(' ');
            doc.push_str(s);
        }
        doc.push('\n');
        // A blank line would end the cue early; "-->" would start another.
        let body: Vec<&str> = p.text.lines().filter(|l| !l.trim().is_empty()).collect();
        doc.push_str(&body.join("\n").replace("-->", "->"));
        doc.push_str("\n\n");
    }
    parse_vtt(&doc).unwrap_or_else(|_| {
        Track::from_cues(
            packets
                .iter()
                .zip(ends)
                .map(|(p, &end)| Cue::new(Timestamp(p.start_ms), Timestamp(end), &p.text))
                .collect(),
        )
    })
}

/// How a user names a track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// `--track N`: the number `tracks` lists.
    Number(u64),
    /// `--lang eng`: the language (or its primary subtag, `en` for `en-US`).
    Lang(String),
    /// Neither: the clip's only text track.
    Only,
}

/// Why no single track was picked. Each carries the candidates to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    /// No subtitle track at all.
    NoTracks,
    /// No track matches; the tracks there are.
    NoMatch(Vec<SubTrack>),
    /// More than one matches.
    Several(Vec<SubTrack>),
}

/// The one track `pick` names. `--lang` and `Only` consider text tracks
/// first: an image track of the same language cannot be extracted anyway.
pub fn pick<'a>(tracks: &'a [SubTrack], pick: &Pick) -> Result<&'a SubTrack, PickError> {
    if tracks.is_empty() {
        return Err(PickError::NoTracks);
    }
    let matches: Vec<&SubTrack> = match pick {
        Pick::Number(n) => tracks.iter().filter(|t| t.number == *n).collect(),
        Pick::Lang(lang) => {
            let all: Vec<&SubTrack> = tracks.iter().filter(|t| speaks(t, lang)).collect();
            prefer_text(all)
        }
        Pick::Only => prefer_text(tracks.iter().collect()),
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(PickError::NoMatch(tracks.to_vec())),
        several => Err(PickError::Several(
            several.iter().map(|t| (*t).clone()).collect(),
        )),
    }
}

fn prefer_text(tracks: Vec<&SubTrack>) -> Vec<&SubTrack> {
    let text: Vec<&SubTrack> = tracks
        .iter()
        .copied()
        .filter(|t| t.kind == Kind::Text)
        .collect();
    if text.is_empty() { tracks } else { text }
}

fn speaks(t: &SubTrack, lang: &str) -> bool {
    t.language.as_deref().is_some_and(|l| {
        l.eq_ignore_ascii_case(lang)
            || l.split('-')
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(lang))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(start_ms: i64, dur_ms: Option<i64>, text: &str) -> Packet {
        Packet {
            start_ms,
            dur_ms,
            order: start_ms as u64,
            text: text.into(),
            settings: None,
        }
    }

    #[test]
    fn missing_durations_end_at_the_next_cue_or_a_default() {
        let e = assemble(
            Codec::Subrip,
            vec![
                packet(5000, None, "b"),
                packet(1000, Some(500), "a"),
                packet(6000, None, "c"),
                packet(60_000, None, "d"),
            ],
        );
        let times: Vec<(i64, i64)> = e
            .track
            .cues
            .iter()
            .map(|c| (c.start.ms(), c.end.ms()))
            .collect();
        assert_eq!(
            times,
            [
                (1000, 1500),
                (5000, 6000),
                (6000, 6000 + DEFAULT_SHOW_MS),
                (60_000, 60_000 + DEFAULT_SHOW_MS)
            ]
        );
        assert_eq!(e.notes, [Note::NoDuration(3)]);
        let none = assemble(Codec::Subrip, vec![packet(0, Some(1), "x")]);
        assert!(none.notes.is_empty());
    }

    #[test]
    fn webvtt_text_goes_through_the_vtt_reader() {
        let mut p = packet(1000, Some(1000), "a &amp; b\n\n<b>bold</b> --> x");
        p.settings = Some("line:10%".into());
        let e = assemble(Codec::Webvtt, vec![p]);
        assert_eq!(e.track.cues.len(), 1);
        assert_eq!(e.track.cues[0].text(), "a & b\n<b>bold</b> -> x");
    }

    fn track(number: u64, codec: Codec, language: Option<&str>) -> SubTrack {
        SubTrack {
            number,
            codec_id: String::new(),
            codec,
            kind: codec.kind(),
            language: language.map(str::to_string),
            name: None,
            default: false,
            forced: false,
            cues: None,
        }
    }

    #[test]
    fn picking_a_track() {
        let t = [
            track(2, Codec::Subrip, Some("eng")),
            track(3, Codec::Pgs, Some("eng")),
            track(4, Codec::Ass, Some("zh-Hans")),
            track(5, Codec::Ass, Some("zh-Hant")),
        ];
        assert_eq!(pick(&t, &Pick::Number(3)).unwrap().number, 3);
        assert_eq!(pick(&t, &Pick::Lang("ENG".into())).unwrap().number, 2);
        assert_eq!(pick(&t, &Pick::Lang("zh-hant".into())).unwrap().number, 5);
        assert!(matches!(
            pick(&t, &Pick::Lang("zh".into())),
            Err(PickError::Several(v)) if v.len() == 2
        ));
        assert!(matches!(pick(&t, &Pick::Number(9)), Err(PickError::NoMatch(v)) if v.len() == 4));
        assert!(matches!(pick(&t, &Pick::Only), Err(PickError::Several(_))));
        assert_eq!(pick(&t[..2], &Pick::Only).unwrap().number, 2);
        assert_eq!(pick(&[], &Pick::Only), Err(PickError::NoTracks));
    }
}
