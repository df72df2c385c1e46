//! Encoder delay of an MP4 audio track, from its edit list.
//!
//! AAC encoders put 1024 (ffmpeg) or 2112 (Apple) silent "priming" samples
//! in front of the audio and record that in the track's edit list
//! (`moov/trak/edts/elst` media time). symphonia 0.6 parses the box but
//! does not apply it, so every MP4 would decode ~46 ms late. This walks
//! the boxes for just that number; anything unexpected means "no delay".

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Priming of track `track_id` in seconds, when the file states one.
pub fn priming_secs(path: &Path, track_id: u32) -> Option<f64> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let moov = find_top(&mut f, len, b"moov")?;
    for trak in children(&moov, b"trak") {
        let tkhd = children(trak, b"tkhd").next()?;
        let id = match tkhd.first()? {
            0 => be32(tkhd, 12)?,
            _ => be32(tkhd, 20)?,
        };
        if id != track_id {
            continue;
        }
        let mdhd = children(trak, b"mdia")
            .next()
            .and_then(|m| children(m, b"mdhd").next())?;
        let scale = match mdhd.first()? {
            0 => be32(mdhd, 12)?,
            _ => be32(mdhd, 20)?,
        };
        let elst = children(trak, b"edts")
            .next()
            .and_then(|e| children(e, b"elst").next())?;
        let version = *elst.first()?;
        let count = be32(elst, 4)? as usize;
        let size = if version == 1 { 20 } else { 12 };
        // The first edit that plays media (-1 marks an empty edit).
        let media_time = (0..count.min(16)).find_map(|i| {
            let at = 8 + i * size;
            let t = if version == 1 {
                be64(elst, at + 8)? as i64
            } else {
                be32(elst, at + 4)? as i32 as i64
            };
            (t >= 0).then_some(t)
        })?;
        return (scale > 0).then(|| media_time as f64 / f64::from(scale));
    }
    None
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The body of the top-level box `kind` (moov is small: it is read whole).
fn find_top(f: &mut File, len: u64, kind: &[u8; 4]) -> Option<Vec<u8>> {
    let mut pos = 0u64;
    while pos + 8 <= len {
        f.seek(SeekFrom::Start(pos)).ok()?;
        let mut h = [0u8; 16];
        f.read_exact(&mut h[..8]).ok()?;
        let mut size = u64::from(be32(&h, 0)?);
        let mut header = 8;
        if size == 1 {
            f.read_exact(&mut h[8..16]).ok()?;
            size = be64(&h, 8)?;
            header = 16;
        } else if size == 0 {
            size = len - pos;
        }
        if size < header {
            return None;
        }
        if &h[4..8] == kind {
            let body = usize::try_from(size - header).ok()?;
            if body > 64 << 20 {
                return None;
            }
            let mut buf = vec![0u8; body];
            f.read_exact(&mut buf).ok()?;
            return Some(buf);
        }
        pos += size;
    }
    None
}

/// Bodies of the child boxes of `kind` inside `parent`'s body.
fn children<'a>(parent: &'a [u8], kind: &'a [u8; 4]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        while pos + 8 <= parent.len() {
            let size = be32(parent, pos)? as usize;
            let (size, header) = match size {
                1 => (usize::try_from(be64(parent, pos + 8)?).ok()?, 16),
                0 => (parent.len() - pos, 8),
                s => (s, 8),
            };
            if size < header || pos + size > parent.len() {
                return None;
            }
            let (start, this) = (pos, &parent[pos + 4..pos + 8]);
            pos += size;
            if this == kind {
                // Full boxes keep their version/flags at the start of the body.
                return Some(&parent[start + header..start + size]);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ffmpeg_aac_priming() {
        let clip = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sync/speech-a.m4a");
        // ffmpeg's AAC encoder primes with 1024 samples (22050 Hz here).
        let got = priming_secs(&clip, 1).expect("an edit list");
        assert!((got - 1024.0 / 22050.0).abs() < 1e-6, "{got}");
        assert_eq!(priming_secs(&clip, 7), None);
    }

    #[test]
    fn not_an_mp4_has_no_priming() {
        let clip = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sync/speech-b.ogg");
        assert_eq!(priming_secs(&clip, 1), None);
    }
}
