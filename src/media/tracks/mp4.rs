//! Subtitle tracks in MP4/MOV: a small box walker (ISO/IEC 14496-12).
//!
//! Only `moov` is read into memory; samples are read one by one from where
//! the sample tables put them. A subtitle track is one whose handler is
//! `text`, `sbtl`, `subt`, `subp` or `clcp`. Times come from `stts` in the
//! track's timescale, moved by the edit list (`elst`) the way players do.
//! Fragmented MP4 (`moof`) keeps its samples elsewhere and is refused.

use super::text;
use super::{Codec, Packet, SubTrack, TracksError};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// `moov` larger than this is not a real clip's header.
const MAX_MOOV: u64 = 256 << 20;

/// More samples than this is a damaged table, not a subtitle track (a
/// feature film has a few thousand cues).
const MAX_SAMPLES: usize = 1 << 20;

fn bad(what: impl Into<String>) -> TracksError {
    TracksError::Mp4(what.into())
}

/// One box: its type and body, inside a buffer.
#[derive(Clone, Copy)]
struct Bx<'a> {
    kind: [u8; 4],
    body: &'a [u8],
}

/// The boxes laid end to end in `data`; a malformed size is an error.
fn children(mut data: &[u8]) -> Result<Vec<Bx<'_>>, TracksError> {
    let mut out = Vec::new();
    while data.len() >= 8 {
        let size32 = be32(data, 0)?;
        let kind = [data[4], data[5], data[6], data[7]];
        let (head, size) = match size32 {
            0 => (8, data.len() as u64),
            1 => (16, be64(data, 8)?),
            n => (8, u64::from(n)),
        };
        let size = usize::try_from(size).map_err(|_| bad("box too large"))?;
        if size < head || size > data.len() {
            return Err(bad(format!(
                "box '{}' claims {size} bytes, {} are there",
                String::from_utf8_lossy(&kind),
                data.len()
            )));
        }
        out.push(Bx {
            kind,
            body: &data[head..size],
        });
        data = &data[size..];
    }
    Ok(out)
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, TracksError> {
    Ok(children(data)?
        .into_iter()
        .find(|b| &b.kind == kind)
        .map(|b| b.body))
}

/// The box at `path` below `data`, e.g. `[b"mdia", b"minf", b"stbl"]`.
fn find<'a>(mut data: &'a [u8], path: &[&[u8; 4]]) -> Result<Option<&'a [u8]>, TracksError> {
    for kind in path {
        match child(data, kind)? {
            Some(b) => data = b,
            None => return Ok(None),
        }
    }
    Ok(Some(data))
}

fn be16(d: &[u8], at: usize) -> Result<u16, TracksError> {
    d.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| bad("box too short"))
}

fn be32(d: &[u8], at: usize) -> Result<u32, TracksError> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad("box too short"))
}

fn be64(d: &[u8], at: usize) -> Result<u64, TracksError> {
    d.get(at..at + 8)
        .map(|b| u64::from_be_bytes(b.try_into().unwrap_or_default()))
        .ok_or_else(|| bad("box too short"))
}

/// The `moov` box's body, and whether the file is fragmented.
fn read_moov(f: &mut (impl Read + Seek)) -> Result<(Vec<u8>, bool), TracksError> {
    let end = f.seek(SeekFrom::End(0))?;
    let mut at = 0;
    let mut moov = None;
    let mut fragmented = false;
    while at + 8 <= end {
        f.seek(SeekFrom::Start(at))?;
        let mut head = [0u8; 16];
        f.read_exact(&mut head[..8])?;
        let kind = [head[4], head[5], head[6], head[7]];
        let (hlen, size) = match be32(&head, 0)? {
            0 => (8, end - at),
            1 => {
                f.read_exact(&mut head[8..16])?;
                (16, be64(&head, 8)?)
            }
            n => (8, u64::from(n)),
        };
        if size < hlen {
            return Err(bad(format!("top-level box at byte {at} has size {size}")));
        }
        match &kind {
            b"moov" => {
                let len = (size - hlen).min(end - at - hlen);
                if len > MAX_MOOV {
                    return Err(bad("moov box over 256 MiB"));
                }
                let mut body = vec![0; len as usize];
                f.read_exact(&mut body)?;
                moov = Some(body);
            }
            b"moof" => fragmented = true,
            _ => {}
        }
        at = at.saturating_add(size);
    }
    moov.map(|m| (m, fragmented))
        .ok_or_else(|| bad("no moov box (the file is cut short, or not finished)"))
}

/// One subtitle `trak`, as far as listing and reading need.
struct Trak<'a> {
    info: SubTrack,
    timescale: u32,
    /// ms to add to every sample time (from the edit list).
    shift_ms: i64,
    stbl: &'a [u8],
}

fn language(mdhd: &[u8]) -> Result<Option<String>, TracksError> {
    let at = if mdhd.first() == Some(&1) { 32 } else { 20 };
    let packed = be16(mdhd, at)?;
    if packed < 0x400 {
        // A Macintosh language code, not ISO 639-2: none of ours.
        return Ok(None);
    }
    let code: String = [10, 5, 0]
        .iter()
        .map(|s| char::from(((packed >> s) & 0x1F) as u8 + 0x60))
        .collect();
    Ok((code != "und").then_some(code))
}

fn timescale(mdhd: &[u8]) -> Result<u32, TracksError> {
    let at = if mdhd.first() == Some(&1) { 20 } else { 12 };
    let ts = be32(mdhd, at)?;
    if ts == 0 {
        return Err(bad("a track's timescale is 0"));
    }
    Ok(ts)
}

/// The handler type and name from `hdlr`. The name is C-style in MP4 and
/// a Pascal string in QuickTime.
fn handler(hdlr: &[u8]) -> Result<([u8; 4], String), TracksError> {
    let kind = hdlr.get(8..12).ok_or_else(|| bad("hdlr too short"))?;
    let raw = hdlr.get(24..).unwrap_or_default();
    let raw = match raw.first() {
        Some(&n) if usize::from(n) + 1 == raw.len() && n > 0 => &raw[1..],
        _ => raw,
    };
    let name = String::from_utf8_lossy(raw.split(|&b| b == 0).next().unwrap_or_default());
    Ok((
        [kind[0], kind[1], kind[2], kind[3]],
        name.trim().to_string(),
    ))
}

/// The ms the edit list moves the track by: initial empty edits delay it,
/// the first real edit's media time cuts its start.
fn edit_shift(trak: &[u8], movie_scale: u32, timescale: u32) -> Result<i64, TracksError> {
    let Some(elst) = find(trak, &[b"edts", b"elst"])? else {
        return Ok(0);
    };
    let v1 = elst.first() == Some(&1);
    let count = be32(elst, 4)? as usize;
    let width = if v1 { 20 } else { 12 };
    let mut shift = 0i64;
    for i in 0..count.min(elst.len() / width) {
        let at = 8 + i * width;
        let (dur, media) = if v1 {
            (be64(elst, at)?, be64(elst, at + 8)? as i64)
        } else {
            (
                u64::from(be32(elst, at)?),
                i64::from(be32(elst, at + 4)? as i32),
            )
        };
        if media == -1 {
            shift += ms_of(dur, movie_scale);
        } else {
            shift -= ms_of(media.max(0) as u64, timescale);
            break;
        }
    }
    Ok(shift)
}

fn ms_of(ticks: u64, scale: u32) -> i64 {
    let ms = (u128::from(ticks) * 1000 + u128::from(scale) / 2) / u128::from(scale.max(1));
    i64::try_from(ms).unwrap_or(i64::MAX)
}

fn codec(handler: &[u8; 4], entry: &[u8; 4]) -> Codec {
    match (handler, entry) {
        (_, b"tx3g") => Codec::MovText,
        (_, b"wvtt") => Codec::Webvtt,
        (b"subp", b"mp4s") => Codec::Vobsub,
        _ => Codec::Other,
    }
}

/// The subtitle tracks of a `moov` body.
fn traks(moov: &[u8]) -> Result<Vec<Trak<'_>>, TracksError> {
    // mvhd keeps its timescale where mdhd does.
    let movie_scale = match child(moov, b"mvhd")? {
        Some(mvhd) => timescale(mvhd)?,
        None => 1000,
    };
    let mut out = Vec::new();
    for trak in children(moov)?.into_iter().filter(|b| &b.kind == b"trak") {
        let Some(hdlr) = find(trak.body, &[b"mdia", b"hdlr"])? else {
            continue;
        };
        let (handler, hname) = handler(hdlr)?;
        if ![b"text", b"sbtl", b"subt", b"subp", b"clcp"].contains(&&handler) {
            continue;
        }
        let tkhd = child(trak.body, b"tkhd")?.ok_or_else(|| bad("trak with no tkhd"))?;
        let id_at = if tkhd.first() == Some(&1) { 20 } else { 12 };
        let number = u64::from(be32(tkhd, id_at)?);
        let enabled = be32(tkhd, 0)? & 1 == 1;
        let mdhd = find(trak.body, &[b"mdia", b"mdhd"])?.ok_or_else(|| bad("trak with no mdhd"))?;
        let stbl = find(trak.body, &[b"mdia", b"minf", b"stbl"])?
            .ok_or_else(|| bad(format!("track {number} has no sample table")))?;
        let stsd = child(stbl, b"stsd")?.ok_or_else(|| bad("stbl with no stsd"))?;
        let entry = stsd.get(12..16).unwrap_or(b"????");
        let entry = [entry[0], entry[1], entry[2], entry[3]];
        let codec = codec(&handler, &entry);
        let user_name = find(trak.body, &[b"udta", b"name"])?.map(|n| {
            String::from_utf8_lossy(n)
                .trim_matches('\0')
                .trim()
                .to_string()
        });
        // ffmpeg and others write a handler *description* there
        // ("SubtitleHandler"); that is not a title.
        let name = user_name
            .or((!hname.to_ascii_lowercase().ends_with("handler")).then_some(hname))
            .filter(|n| !n.is_empty());
        let timescale = timescale(mdhd)?;
        let mut info = SubTrack {
            number,
            codec_id: String::from_utf8_lossy(&entry).into_owned(),
            codec,
            kind: codec.kind(),
            language: language(mdhd)?,
            name,
            default: enabled,
            forced: false,
            cues: None,
        };
        let t = Trak {
            shift_ms: edit_shift(trak.body, movie_scale, timescale)?,
            timescale,
            stbl,
            info: info.clone(),
        };
        let gap = match codec {
            Codec::MovText => Some(2),
            Codec::Webvtt => Some(8),
            _ => None,
        };
        if let Some(gap) = gap {
            info.cues = Some(sizes(stbl)?.iter().filter(|&&s| s > gap).count());
        }
        out.push(Trak { info, ..t });
    }
    Ok(out)
}

/// Sample sizes from `stsz` (or compact `stz2`).
fn sizes(stbl: &[u8]) -> Result<Vec<u64>, TracksError> {
    if let Some(stsz) = child(stbl, b"stsz")? {
        let fixed = be32(stsz, 4)?;
        let count = be32(stsz, 8)? as usize;
        if fixed != 0 {
            return Ok(vec![u64::from(fixed); count.min(MAX_SAMPLES)]);
        }
        return (0..count.min((stsz.len().saturating_sub(12)) / 4))
            .map(|i| be32(stsz, 12 + 4 * i).map(u64::from))
            .collect();
    }
    if let Some(stz2) = child(stbl, b"stz2")? {
        let bits = stz2.get(7).copied().unwrap_or(0);
        let count = be32(stz2, 8)? as usize;
        let d = stz2.get(12..).unwrap_or_default();
        return Ok(match bits {
            4 => (0..count.min(d.len() * 2))
                .map(|i| u64::from((d[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0xF))
                .collect(),
            8 => d.iter().take(count).map(|&b| u64::from(b)).collect(),
            _ => (0..count.min(d.len() / 2))
                .map(|i| u64::from(u16::from_be_bytes([d[2 * i], d[2 * i + 1]])))
                .collect(),
        });
    }
    Err(bad("sample table with no sizes (stsz)"))
}

/// Each sample's file offset, from chunk offsets and samples-per-chunk.
fn offsets(stbl: &[u8], sizes: &[u64]) -> Result<Vec<u64>, TracksError> {
    let chunks: Vec<u64> = if let Some(stco) = child(stbl, b"stco")? {
        let n = be32(stco, 4)? as usize;
        (0..n.min(stco.len().saturating_sub(8) / 4))
            .map(|i| be32(stco, 8 + 4 * i).map(u64::from))
            .collect::<Result<_, _>>()?
    } else if let Some(co64) = child(stbl, b"co64")? {
        let n = be32(co64, 4)? as usize;
        (0..n.min(co64.len().saturating_sub(8) / 8))
            .map(|i| be64(co64, 8 + 8 * i))
            .collect::<Result<_, _>>()?
    } else {
        return Err(bad("sample table with no chunk offsets (stco)"));
    };
    let stsc = child(stbl, b"stsc")?.ok_or_else(|| bad("sample table with no stsc"))?;
    let n = be32(stsc, 4)? as usize;
    let runs: Vec<(usize, usize)> = (0..n.min(stsc.len().saturating_sub(8) / 12))
        .map(|i| {
            Ok((
                be32(stsc, 8 + 12 * i)? as usize,
                be32(stsc, 12 + 12 * i)? as usize,
            ))
        })
        .collect::<Result<_, TracksError>>()?;
    let mut out = Vec::with_capacity(sizes.len());
    for (ci, &chunk) in chunks.iter().enumerate() {
        let per = runs
            .iter()
            .rev()
            .find(|(first, _)| *first <= ci + 1)
            .map_or(0, |r| r.1);
        let mut at = chunk;
        for _ in 0..per {
            let Some(&size) = sizes.get(out.len()) else {
                return Ok(out);
            };
            out.push(at);
            at = at.saturating_add(size);
        }
    }
    Ok(out)
}

/// Each sample's start and duration in ticks, from `stts`.
fn times(stbl: &[u8]) -> Result<Vec<(u64, u64)>, TracksError> {
    let stts = child(stbl, b"stts")?.ok_or_else(|| bad("sample table with no stts"))?;
    let n = be32(stts, 4)? as usize;
    let mut t = 0u64;
    let mut out = Vec::new();
    for i in 0..n.min(stts.len().saturating_sub(8) / 8) {
        let count = be32(stts, 8 + 8 * i)?;
        let delta = u64::from(be32(stts, 12 + 8 * i)?);
        for _ in 0..count {
            if out.len() == MAX_SAMPLES {
                return Ok(out);
            }
            out.push((t, delta));
            t = t.saturating_add(delta);
        }
    }
    Ok(out)
}

pub(super) fn list(path: &Path) -> Result<Vec<SubTrack>, TracksError> {
    let mut f = std::fs::File::open(path)?;
    let (moov, _) = read_moov(&mut f)?;
    Ok(traks(&moov)?.into_iter().map(|t| t.info).collect())
}

pub(super) fn packets(path: &Path, track: &SubTrack) -> Result<Vec<Packet>, TracksError> {
    let mut f = std::io::BufReader::new(std::fs::File::open(path)?);
    let (moov, fragmented) = read_moov(&mut f)?;
    let traks = traks(&moov)?;
    let t = traks
        .iter()
        .find(|t| t.info.number == track.number)
        .ok_or_else(|| bad(format!("no track {}", track.number)))?;
    let sizes = sizes(t.stbl)?;
    if sizes.is_empty() && fragmented {
        return Err(bad(
            "fragmented MP4 (moof): its subtitle samples are not in the sample tables, \
             which screenkit does not read; remux it to a plain MP4 or MKV",
        ));
    }
    let offsets = offsets(t.stbl, &sizes)?;
    let times = times(t.stbl)?;
    let mut out = Vec::new();
    for (i, ((&size, &at), &(start, dur))) in sizes.iter().zip(&offsets).zip(&times).enumerate() {
        if size > 1 << 20 {
            return Err(bad(format!("sample {} claims {size} bytes", i + 1)));
        }
        let mut data = vec![0; size as usize];
        f.seek(SeekFrom::Start(at))?;
        f.read_exact(&mut data)
            .map_err(|_| bad(format!("sample {} lies past the end of the file", i + 1)))?;
        let start_ms = ms_of(start, t.timescale) + t.shift_ms;
        let dur_ms = Some(ms_of(start + dur, t.timescale) + t.shift_ms - start_ms);
        let order = i as u64;
        match track.codec {
            Codec::MovText => {
                if let Some(text) = text::tx3g(&data) {
                    out.push(Packet {
                        start_ms,
                        dur_ms,
                        order,
                        text,
                        settings: None,
                    });
                }
            }
            _ => out.extend(text::wvtt(&data).into_iter().map(|c| Packet {
                start_ms,
                dur_ms,
                order,
                text: c.text,
                settings: c.settings,
            })),
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn bx(kind: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
        let body = parts.concat();
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(&body);
        v
    }

    fn full(kind: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
        let mut p: Vec<&[u8]> = vec![&[0, 0, 0, 0]];
        p.extend_from_slice(parts);
        bx(kind, &p)
    }

    /// A one-track MP4 with `samples` (timescale 1000, each lasting its
    /// given ms), a `wvtt` or `tx3g` sample entry, language `eng`.
    pub fn mp4(entry: &[u8; 4], samples: &[(&[u8], u32)], empty_edit_ms: u32) -> Vec<u8> {
        let ftyp = bx(b"ftyp", &[b"isom", &[0, 0, 2, 0]]);
        let mdat_body: Vec<u8> = samples.iter().flat_map(|s| s.0.to_vec()).collect();
        let n = samples.len() as u32;
        let stts: Vec<u8> = samples
            .iter()
            .flat_map(|s| [1u32.to_be_bytes(), s.1.to_be_bytes()].concat())
            .collect();
        let stsz: Vec<u8> = samples
            .iter()
            .flat_map(|s| (s.0.len() as u32).to_be_bytes())
            .collect();
        let build = |mdat_at: u32| {
            let stbl = bx(
                b"stbl",
                &[
                    &full(b"stsd", &[&1u32.to_be_bytes(), &bx(entry, &[&[0; 8]])]),
                    &full(b"stts", &[&n.to_be_bytes(), &stts]),
                    &full(
                        b"stsc",
                        &[
                            &1u32.to_be_bytes(),
                            &1u32.to_be_bytes(),
                            &n.to_be_bytes(),
                            &1u32.to_be_bytes(),
                        ],
                    ),
                    &full(b"stsz", &[&0u32.to_be_bytes(), &n.to_be_bytes(), &stsz]),
                    &full(b"stco", &[&1u32.to_be_bytes(), &mdat_at.to_be_bytes()]),
                ],
            );
            let lang: u16 = (u16::from(b'e' - 0x60) << 10)
                | (u16::from(b'n' - 0x60) << 5)
                | u16::from(b'g' - 0x60);
            let mdhd = full(
                b"mdhd",
                &[
                    &[0; 8],
                    &1000u32.to_be_bytes(),
                    &[0; 4],
                    &lang.to_be_bytes(),
                    &[0; 2],
                ],
            );
            let hdlr = full(b"hdlr", &[&[0; 4], b"subt", &[0; 12], b"English SDH\0"]);
            let mdia = bx(b"mdia", &[&mdhd, &hdlr, &bx(b"minf", &[&stbl])]);
            let tkhd = bx(
                b"tkhd",
                &[&[0, 0, 0, 3], &[0; 8], &7u32.to_be_bytes(), &[0; 68]],
            );
            let elst = full(
                b"elst",
                &[
                    &2u32.to_be_bytes(),
                    &empty_edit_ms.to_be_bytes(),
                    &(-1i32).to_be_bytes(),
                    &[0, 1, 0, 0],
                    &1000u32.to_be_bytes(),
                    &0u32.to_be_bytes(),
                    &[0, 1, 0, 0],
                ],
            );
            let trak = bx(b"trak", &[&tkhd, &bx(b"edts", &[&elst]), &mdia]);
            let mvhd = full(b"mvhd", &[&[0; 8], &1000u32.to_be_bytes(), &[0; 84]]);
            bx(b"moov", &[&mvhd, &trak])
        };
        let moov_len = build(0).len() as u32;
        let mdat_at = ftyp.len() as u32 + moov_len + 8;
        [ftyp, build(mdat_at), bx(b"mdat", &[&mdat_body])].concat()
    }

    fn tx3g(s: &str) -> Vec<u8> {
        [&(s.len() as u16).to_be_bytes()[..], s.as_bytes()].concat()
    }

    fn read(bytes: &[u8]) -> (Vec<SubTrack>, Vec<Packet>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.mp4");
        std::fs::write(&p, bytes).unwrap();
        let tracks = list(&p).unwrap();
        let packets = packets(&p, &tracks[0]).unwrap();
        (tracks, packets)
    }

    #[test]
    fn tx3g_track_with_gaps_and_an_empty_edit() {
        let a = tx3g("Hello");
        let b = tx3g("");
        let c = tx3g("Two\nlines");
        let (tracks, packets) = read(&mp4(b"tx3g", &[(&a, 1000), (&b, 500), (&c, 250)], 2000));
        let t = &tracks[0];
        assert_eq!((t.number, t.codec, t.cues), (7, Codec::MovText, Some(2)));
        assert_eq!(t.language.as_deref(), Some("eng"));
        assert_eq!(t.name.as_deref(), Some("English SDH"));
        assert!(t.default && !t.forced);
        let got: Vec<(i64, Option<i64>, &str)> = packets
            .iter()
            .map(|p| (p.start_ms, p.dur_ms, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [(2000, Some(1000), "Hello"), (3500, Some(250), "Two\nlines")]
        );
    }

    #[test]
    fn wvtt_track() {
        let cue = bx(
            b"vttc",
            &[
                &bx(b"sttg", &[b"line:0"]),
                &bx(b"payl", &[b"Hi <b>there</b>"]),
            ],
        );
        let gap = bx(b"vtte", &[]);
        let (tracks, packets) = read(&mp4(b"wvtt", &[(&gap, 400), (&cue, 600)], 0));
        assert_eq!((tracks[0].codec, tracks[0].cues), (Codec::Webvtt, Some(1)));
        assert_eq!(packets.len(), 1);
        assert_eq!((packets[0].start_ms, packets[0].dur_ms), (400, Some(600)));
        assert_eq!(packets[0].settings.as_deref(), Some("line:0"));
    }

    proptest::proptest! {
        /// Any bytes as a `moov` body, or flipped into a real file's
        /// header, give tracks or an error, never a panic.
        #[test]
        fn any_moov_is_read_or_refused(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            flips in proptest::collection::vec((0usize..400, proptest::prelude::any::<u8>()), 1..8),
        ) {
            let _ = traks(&bytes);
            let mut file = mp4(b"tx3g", &[(&tx3g("Hello"), 1000), (&tx3g("Bye"), 500)], 300);
            for (at, b) in flips {
                let at = 16 + at % (file.len() - 16);
                file[at] = b;
            }
            let moov = &file[16..];
            if let Ok(ts) = traks(moov) {
                for t in ts {
                    if let Ok(sz) = sizes(t.stbl) {
                        let _ = offsets(t.stbl, &sz);
                    }
                    let _ = times(t.stbl);
                }
            }
            let _ = text::wvtt(&bytes);
            let _ = text::tx3g(&bytes);
            let _ = text::ass_block(&bytes, &crate::subtitle::ass::Header::parse(""));
            let _ = text::webm_vtt(&bytes);
        }
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let good = mp4(b"tx3g", &[(&tx3g("Hello"), 1000)], 0);
        for cut in [10, 40, 200, good.len() - 3] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("x.mp4");
            std::fs::write(&p, &good[..cut]).unwrap();
            if let Ok(t) = list(&p) {
                let _ = t.first().map(|t| packets(&p, t));
            }
        }
        let mut claims = good.clone();
        let at = claims.windows(4).position(|w| w == b"stsz").unwrap();
        claims[at + 12..at + 16].copy_from_slice(&u32::MAX.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.mp4");
        std::fs::write(&p, &claims).unwrap();
        assert!(list(&p).is_ok_and(|t| t.len() == 1));
    }
}
