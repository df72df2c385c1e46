//! The zip's structure, read strictly (APPNOTE 4.3–4.5), next to the
//! lenient `zip` crate that decompresses the data and checks CRCs.
//!
//! A zip is intact only if every unzip tool extracts exactly the bag, and
//! tools read different parts of it: Info-ZIP and 7-Zip take names, sizes
//! and permissions from the central directory, streaming readers from the
//! local headers. So every byte outside the compressed data must be what
//! `build` writes: local and central headers agree field by field, entries
//! follow one another from offset 0 with no gap and no overlap, the central
//! directory follows the last entry and the end record follows it, with no
//! comment and nothing after it. Permissions are `rw-r--r--` from a Unix
//! host, the only ones `build` writes (a flip that made bagit.txt mode 000
//! would otherwise pass). The only extra field allowed is zip64's, and only
//! with the values it stands for; data descriptors, encryption and other
//! flags `build` never uses are refused.

use std::io::{Read, Seek, SeekFrom};

/// `rw-r--r--` regular file, as `build` writes it (`unix_permissions(0o644)`).
const EXTERNAL: u32 = 0o100644 << 16;
/// Unix, in the high byte of "version made by".
const UNIX: u16 = 3;
const UTF8_NAME: u16 = 1 << 11;
const SENTINEL32: u64 = 0xFFFF_FFFF;
const ZIP64_EXTRA: u16 = 0x0001;

/// What the structure says: every central-directory name in order (repeats
/// included), and each way it differs from what `build` writes, as (entry
/// name or `(zip)`, why).
#[derive(Debug, Default)]
pub struct Layout {
    pub names: Vec<String>,
    pub problems: Vec<(String, String)>,
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn le32(b: &[u8], at: usize) -> u64 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")).into()
}
fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn read_at<R: Read + Seek>(f: &mut R, at: u64, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(&mut buf)?;
    Ok(buf)
}

/// Where the central directory is, from the end records.
struct End {
    count: u64,
    cd_offset: u64,
    cd_size: u64,
    /// Where the central directory must end: the zip64 end record, or the
    /// classic one.
    cd_end: u64,
}

/// Read the zip's structure. `Err` only when there is no central
/// directory to read at all (truncated, not a zip); every other
/// difference is a problem in the result.
pub fn read<R: Read + Seek>(f: &mut R) -> Result<Layout, String> {
    let len = f.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    let mut out = Layout::default();
    let end = end_records(f, len, &mut out)?;
    if end.cd_offset.checked_add(end.cd_size) != Some(end.cd_end) {
        out.problems.push((
            "(zip)".into(),
            "the central directory does not end where the end record is".into(),
        ));
    }
    if end.cd_size > len || end.cd_offset > len - end.cd_size {
        return Err("the central directory lies outside the file; the zip may be truncated".into());
    }
    // Each record is at least 46 bytes: a count beyond that is a lie, and
    // reading it would only allocate.
    if end.count > end.cd_size / 46 {
        return Err("the end record counts more entries than the central directory holds".into());
    }
    let cd = read_at(f, end.cd_offset, end.cd_size as usize).map_err(|e| e.to_string())?;
    let mut at = 0usize;
    let mut next_local = 0u64;
    let mut stamp = None;
    for _ in 0..end.count {
        let Some(entry) = central(&cd, at) else {
            return Err("a central directory record is cut short or malformed".into());
        };
        at = entry.record_end;
        let name = String::from_utf8_lossy(&entry.name).into_owned();
        let mut problems = entry.problems.clone();
        let stamp = *stamp.get_or_insert(entry.stamp);
        if entry.stamp != stamp {
            problems.push(
                "its date differs from the other entries' (build stamps every entry alike)".into(),
            );
        }
        match entry.local.cmp(&next_local) {
            std::cmp::Ordering::Less => problems.push(
                "its data overlaps the entry before it: unzip tools read shared bytes twice".into(),
            ),
            std::cmp::Ordering::Greater => problems.push(format!(
                "{} bytes hidden before it, in no entry",
                entry.local - next_local
            )),
            std::cmp::Ordering::Equal => {}
        }
        match local(f, len, &entry) {
            Ok(data_end) => next_local = data_end,
            Err(why) => {
                problems.push(why);
                next_local = entry.local.max(next_local);
            }
        }
        out.problems
            .extend(problems.into_iter().map(|why| (name.clone(), why)));
        out.names.push(name);
    }
    if at != cd.len() {
        out.problems.push((
            "(zip)".into(),
            "the central directory holds bytes beyond its entries".into(),
        ));
    }
    if next_local < end.cd_offset {
        out.problems.push((
            "(zip)".into(),
            format!(
                "{} bytes hidden between the last entry and the central directory",
                end.cd_offset - next_local
            ),
        ));
    } else if next_local > end.cd_offset {
        out.problems.push((
            "(zip)".into(),
            "the last entry's data runs into the central directory".into(),
        ));
    }
    Ok(out)
}

/// The end of central directory record (and zip64's, when there is one).
/// `build` writes no comment, so the record is the file's last 22 bytes.
fn end_records<R: Read + Seek>(f: &mut R, len: u64, out: &mut Layout) -> Result<End, String> {
    let io = |e: std::io::Error| e.to_string();
    let tail_len = len.min(22 + 65_535 + 20 + 56);
    let tail = read_at(f, len - tail_len, tail_len as usize).map_err(io)?;
    let Some(eocd) = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .filter(|&e| e + 22 <= tail.len())
    else {
        return Err("no end of central directory; the zip may be truncated".into());
    };
    let eocd_at = len - tail_len + eocd as u64;
    let e = &tail[eocd..eocd + 22];
    let comment = u64::from(le16(e, 20));
    let mut zip = |why: &str| out.problems.push(("(zip)".into(), why.to_string()));
    if comment != 0 {
        zip("a zip comment (build writes none)");
    }
    if eocd_at + 22 + comment != len {
        zip("bytes after the end of the central directory");
    }
    if le16(e, 4) != 0 || le16(e, 6) != 0 {
        zip("the end record names another disk of a split zip");
    }
    let (disk_count, count) = (u64::from(le16(e, 8)), u64::from(le16(e, 10)));
    let (cd_size, cd_offset) = (le32(e, 12), le32(e, 16));
    if disk_count != count {
        zip("the end record counts the entries twice, differently");
    }
    let locator = eocd
        .checked_sub(20)
        .filter(|&l| tail[l..].starts_with(b"PK\x06\x07"));
    let Some(l) = locator else {
        if count == 0xFFFF || cd_size == SENTINEL32 || cd_offset == SENTINEL32 {
            return Err("a zip64 end record is called for but missing".into());
        }
        return Ok(End {
            count,
            cd_offset,
            cd_size,
            cd_end: eocd_at,
        });
    };
    let loc = &tail[l..l + 20];
    let z64_at = le64(loc, 8);
    let locator_at = eocd_at - 20;
    if le32(loc, 4) != 0 || le32(loc, 16) != 1 {
        zip("the zip64 locator names another disk");
    }
    if z64_at.checked_add(56) != Some(locator_at) {
        zip("the zip64 end record is not right before its locator");
    }
    let z = read_at(f, z64_at.min(len), 56).map_err(|_| "the zip64 end record is cut short")?;
    if !z.starts_with(b"PK\x06\x06") {
        return Err("the zip64 end record is missing where its locator points".into());
    }
    if le64(&z, 4) != 44 || le32(&z, 16) != 0 || le32(&z, 20) != 0 {
        zip("the zip64 end record has extra data or names another disk");
    }
    let (z_disk_count, z_count) = (le64(&z, 24), le64(&z, 32));
    let (z_size, z_offset) = (le64(&z, 40), le64(&z, 48));
    if z_disk_count != z_count {
        zip("the zip64 end record counts the entries twice, differently");
    }
    // The classic record holds each value, or the sentinel that sends
    // readers to the zip64 record.
    let agrees =
        |small: u64, big: u64, sentinel: u64| small == big.min(sentinel) || small == sentinel;
    if !agrees(count, z_count, 0xFFFF)
        || !agrees(cd_size, z_size, SENTINEL32)
        || !agrees(cd_offset, z_offset, SENTINEL32)
    {
        zip("the end record and the zip64 end record disagree");
    }
    Ok(End {
        count: z_count,
        cd_offset: z_offset,
        cd_size: z_size,
        cd_end: z64_at,
    })
}

/// One central-directory record, with the values its zip64 field stands for.
#[derive(Clone)]
struct Central {
    name: Vec<u8>,
    needed: u16,
    flags: u16,
    method: u16,
    stamp: (u16, u16),
    crc: u64,
    /// The 32-bit size fields as written (a sentinel stays a sentinel).
    raw_sizes: (u64, u64),
    csize: u64,
    usize_: u64,
    local: u64,
    record_end: usize,
    problems: Vec<String>,
}

fn central(cd: &[u8], at: usize) -> Option<Central> {
    let h = cd.get(at..at + 46)?;
    if !h.starts_with(b"PK\x01\x02") {
        return None;
    }
    let (n, x, c) = (
        le16(h, 28) as usize,
        le16(h, 30) as usize,
        le16(h, 32) as usize,
    );
    let name = cd.get(at + 46..at + 46 + n)?.to_vec();
    let extra = cd.get(at + 46 + n..at + 46 + n + x)?;
    cd.get(at + 46 + n + x..at + 46 + n + x + c)?;
    let mut problems = Vec::new();
    let (made_by, needed, flags, method) = (le16(h, 4), le16(h, 6), le16(h, 8), le16(h, 10));
    let raw_sizes = (le32(h, 20), le32(h, 24));
    let external = le32(h, 38) as u32;
    if made_by >> 8 != UNIX || made_by & 0xFF != needed {
        problems.push(format!(
            "made by another system or tool (version made by 0x{made_by:04x}): unzip tools would read its permissions differently"
        ));
    }
    if external != EXTERNAL {
        problems.push(format!(
            "its permissions are {:06o} where build writes 100644 (rw-r--r--): an unzip tool would create it so",
            external >> 16
        ));
    }
    if le16(h, 36) != 0 {
        problems.push("internal attributes set (build writes none)".into());
    }
    if le16(h, 34) != 0 {
        problems.push("it starts on another disk of a split zip".into());
    }
    if c != 0 {
        problems.push("a file comment (build writes none)".into());
    }
    problems.extend(common(&name, needed, flags, method));
    let sentinels = [
        raw_sizes.1 == SENTINEL32,
        raw_sizes.0 == SENTINEL32,
        le32(h, 42) == SENTINEL32,
    ];
    let (mut usize_, mut csize, mut local) = (raw_sizes.1, raw_sizes.0, le32(h, 42));
    match zip64(extra, sentinels) {
        Ok(Some(v)) => {
            let mut v = v.into_iter();
            for (flag, field) in sentinels.iter().zip([&mut usize_, &mut csize, &mut local]) {
                if *flag {
                    *field = v.next().unwrap_or(*field);
                }
            }
        }
        Ok(None) => {}
        Err(why) => problems.push(why),
    }
    Some(Central {
        name,
        needed,
        flags,
        method,
        stamp: (le16(h, 12), le16(h, 14)),
        crc: le32(h, 16),
        raw_sizes,
        csize,
        usize_,
        local,
        record_end: at + 46 + n + x + c,
        problems,
    })
}

/// What both headers must hold, whatever they agree on.
fn common(name: &[u8], needed: u16, flags: u16, method: u16) -> Vec<String> {
    let mut problems = Vec::new();
    if flags & !UTF8_NAME != 0 {
        problems.push(format!(
            "flags 0x{flags:04x}: encryption, a data descriptor or another feature build never uses"
        ));
    }
    let utf8 = std::str::from_utf8(name).is_ok();
    if flags & UTF8_NAME == 0 && !name.is_ascii() {
        problems.push(
            "a non-ASCII name without the UTF-8 flag: unzip tools decode it differently".into(),
        );
    } else if flags & UTF8_NAME != 0 && (!utf8 || name.is_ascii()) {
        problems.push("the UTF-8 flag on a name build would not flag".into());
    }
    if !matches!(method, 0 | 8) {
        problems.push(format!(
            "compression method {method} (build writes stored or deflated only)"
        ));
    }
    if !matches!(needed, 10 | 20 | 45) {
        problems.push(format!(
            "needs zip version {}.{} to extract (build writes 1.0, 2.0 or 4.5)",
            needed / 10,
            needed % 10
        ));
    }
    problems
}

/// The values of the zip64 extra field, one per sentinel (uncompressed
/// size, compressed size, local offset, in that order, APPNOTE 4.5.3), or
/// why the extra fields are not what `build` writes.
fn zip64(extra: &[u8], sentinels: [bool; 3]) -> Result<Option<Vec<u64>>, String> {
    let wanted = sentinels.iter().filter(|s| **s).count();
    if extra.is_empty() {
        return if wanted == 0 {
            Ok(None)
        } else {
            Err("a size or offset points to a zip64 field that is not there".into())
        };
    }
    if extra.len() < 4 || le16(extra, 0) != ZIP64_EXTRA {
        return Err(format!(
            "an extra field build never writes (id 0x{:04x}): unzip tools may rename it or change its owner or time",
            if extra.len() >= 2 { le16(extra, 0) } else { 0 }
        ));
    }
    let size = le16(extra, 2) as usize;
    if extra.len() != 4 + size {
        return Err("extra fields beyond the zip64 one, or cut short".into());
    }
    if size != 8 * wanted {
        return Err("the zip64 field holds other values than its headers call for".into());
    }
    Ok(Some((0..wanted).map(|i| le64(extra, 4 + 8 * i)).collect()))
}

/// Check the local header of `c` against it; returns where the entry's
/// data ends, or why the local header cannot be trusted at all.
fn local<R: Read + Seek>(f: &mut R, len: u64, c: &Central) -> Result<u64, String> {
    let missing = || "no local header where the central directory points".to_string();
    if c.local.checked_add(30).is_none_or(|e| e > len) {
        return Err(missing());
    }
    let h = read_at(f, c.local, 30).map_err(|_| missing())?;
    if !h.starts_with(b"PK\x03\x04") {
        return Err(missing());
    }
    let (n, x) = (le16(&h, 26) as usize, le16(&h, 28) as usize);
    let rest = read_at(f, c.local + 30, n + x).map_err(|_| missing())?;
    let (name, extra) = rest.split_at(n);
    if name != c.name {
        return Err(format!(
            "the local header names it {}",
            String::from_utf8_lossy(name)
        ));
    }
    let disagree = |what: &str| format!("local and central headers disagree on the {what}");
    let (needed, flags, method) = (le16(&h, 4), le16(&h, 6), le16(&h, 8));
    if (needed, flags, method) != (c.needed, c.flags, c.method) {
        return Err(disagree("version, flags or compression method"));
    }
    if (le16(&h, 10), le16(&h, 12)) != c.stamp {
        return Err(disagree("date"));
    }
    if le32(&h, 14) != c.crc {
        return Err(disagree("CRC"));
    }
    let raw = (le32(&h, 18), le32(&h, 22));
    // A local header carries both sizes in its zip64 field, or neither.
    let local64 = raw.0 == SENTINEL32 || raw.1 == SENTINEL32;
    let (mut csize, mut usize_) = raw;
    match zip64(extra, [local64, local64, false]) {
        Ok(Some(v)) => (usize_, csize) = (v[0], v[1]),
        Ok(None) => {}
        Err(why) => return Err(format!("local header: {why}")),
    }
    let central64 = c.raw_sizes.0 == SENTINEL32 || c.raw_sizes.1 == SENTINEL32;
    if raw != c.raw_sizes && !(local64 && central64) || (csize, usize_) != (c.csize, c.usize_) {
        return Err(disagree("sizes"));
    }
    (c.local + 30 + (n + x) as u64)
        .checked_add(c.csize)
        .filter(|&end| end <= len)
        .ok_or_else(|| "its data runs past the end of the zip".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    /// A zip as `build` writes it: Unix, 0644, one fixed stamp.
    fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let base = SimpleFileOptions::default()
            .unix_permissions(0o644)
            .system(zip::System::Unix)
            .last_modified_time(zip::DateTime::from_date_and_time(2009, 1, 1, 0, 0, 0).unwrap());
        for (name, body, large) in entries {
            let method = if name.ends_with(".mp4") {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            w.start_file(*name, base.compression_method(method).large_file(*large))
                .unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn problems(bytes: &[u8]) -> Vec<(String, String)> {
        read(&mut Cursor::new(bytes)).unwrap().problems
    }

    fn sample() -> Vec<u8> {
        zip_of(&[
            ("k/bagit.txt", b"BagIt-Version: 1.0\n", false),
            ("k/data/a.mp4", &[7u8; 300], false),
            ("k/data/é.txt", b"accent", false),
        ])
    }

    #[test]
    fn what_build_writes_is_clean() {
        let z = sample();
        let l = read(&mut Cursor::new(&z)).unwrap();
        assert_eq!(l.problems, vec![]);
        assert_eq!(l.names, ["k/bagit.txt", "k/data/a.mp4", "k/data/é.txt"]);
        // zip64 fields in the local and central headers of a small file.
        let z = zip_of(&[
            ("k/data/big.mp4", &[1u8; 100], true),
            ("k/x.txt", b"x", false),
        ]);
        assert_eq!(problems(&z), vec![]);
    }

    fn central_at(z: &[u8], i: usize) -> usize {
        z.windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"PK\x01\x02")
            .nth(i)
            .unwrap()
            .0
    }

    fn expect(z: &[u8], needle: &str) {
        let p = problems(z);
        assert!(
            p.iter().any(|(_, why)| why.contains(needle)),
            "{needle}: {p:?}"
        );
    }

    #[test]
    fn permissions_made_by_and_flags_are_build_s() {
        let z = sample();
        let c = central_at(&z, 0);
        let mut m = z.clone();
        m[c + 40..c + 42].copy_from_slice(&0u16.to_le_bytes());
        expect(&m, "permissions are 000000");
        let mut m = z.clone();
        m[c + 5] = 0; // made by MS-DOS: permissions ignored
        expect(&m, "made by another system");
        let mut m = z.clone();
        m[c + 8] |= 8;
        expect(&m, "flags 0x0008");
        let mut m = z.clone();
        m[c + 36] = 1;
        expect(&m, "internal attributes");
    }

    #[test]
    fn local_and_central_must_agree() {
        let z = sample();
        let local1 = z
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"PK\x03\x04")
            .nth(1)
            .unwrap()
            .0;
        for (at, what) in [
            (local1 + 14, "CRC"),
            (local1 + 18, "sizes"),
            (local1 + 10, "date"),
            (local1 + 8, "compression method"),
        ] {
            let mut m = z.clone();
            m[at] ^= 1;
            expect(&m, what);
        }
        let mut m = z.clone();
        m[local1 + 30] = b'K';
        expect(&m, "local header names it K/data/a.mp4");
    }

    #[test]
    fn gaps_overlaps_and_trailing_bytes() {
        let z = sample();
        // Bytes before the first entry, every offset moved past them (as
        // a self-extracting stub is): lenient readers take that.
        let mut m = b"abc".to_vec();
        m.extend_from_slice(&z);
        for i in 0..3 {
            let c = central_at(&m, i) + 42;
            let off = le32(&m, c) + 3;
            m[c..c + 4].copy_from_slice(&(off as u32).to_le_bytes());
        }
        let n = m.len();
        let off = le32(&m, n - 6) + 3;
        m[n - 6..n - 2].copy_from_slice(&(off as u32).to_le_bytes());
        expect(&m, "3 bytes hidden before it");
        // Not moved: the central directory is not where the end record says.
        let mut m = b"abc".to_vec();
        m.extend_from_slice(&z);
        assert!(!matches!(read(&mut Cursor::new(&m)), Ok(l) if l.problems.is_empty()));
        // An offset pointing back into the first entry's data.
        let c = central_at(&z, 1);
        let mut m = z.clone();
        let off = le32(&m, c + 42) - 10;
        m[c + 42..c + 46].copy_from_slice(&(off as u32).to_le_bytes());
        let p = problems(&m);
        assert!(
            p.iter().any(|(n, why)| n == "k/data/a.mp4"
                && (why.contains("overlaps") || why.contains("no local header"))),
            "{p:?}"
        );
        let mut m = z.clone();
        m.extend_from_slice(b"tail");
        expect(&m, "bytes after the end");
        // A comment.
        let mut m = z.clone();
        let n = m.len();
        m[n - 2] = 4;
        m.extend_from_slice(b"note");
        expect(&m, "a zip comment");
        // Truncated: no end record.
        assert!(read(&mut Cursor::new(&z[..z.len() / 2])).is_err());
    }

    #[test]
    fn extra_fields_are_zip64_only() {
        let z = zip_of(&[("k/data/big.mp4", &[1u8; 100], true)]);
        let c = central_at(&z, 0);
        // The central zip64 field's id changed: its sizes are now unexplained.
        let x = c + 46 + "k/data/big.mp4".len();
        let mut m = z.clone();
        m[x] = 0x75;
        m[x + 1] = 0x70;
        expect(&m, "an extra field build never writes (id 0x7075)");
        // The zip64 compressed size in the local header.
        let mut m = z.clone();
        let l = 30 + "k/data/big.mp4".len() + 4 + 8;
        m[l] ^= 1;
        expect(&m, "sizes");
    }

    #[test]
    fn lying_counts_are_refused_without_allocating() {
        let mut z = sample();
        let n = z.len();
        z[n - 12..n - 10].copy_from_slice(&0xFFFEu16.to_le_bytes());
        z[n - 14..n - 12].copy_from_slice(&0xFFFEu16.to_le_bytes());
        assert!(read(&mut Cursor::new(&z)).is_err());
    }
}
