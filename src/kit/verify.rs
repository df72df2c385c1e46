//! `verify`: is a kit intact? Works on the zip, an unpacked kit, or a stick
//! that holds the kit folder. Every file is re-hashed (never "fast" mode,
//! which misses same-size corruption); zip CRCs are checked on the way;
//! missing, extra (OS clutter aside) and changed files are named; the
//! Payload-Oxum is compared; entries that would escape the kit (`../x`,
//! absolute paths) are refused. Folders are hashed in parallel.

use super::hex;
use crate::progress::Progress;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum VerifyError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("{0}: not a kit (no bagit.txt here, nor in a single folder inside)")]
    NotAKit(String),
}

/// One thing wrong with a kit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Path inside the kit (or the zip itself).
    pub path: String,
    pub detail: String,
}

/// What is wrong with a file of the kit; serialised as its stable id
/// (`--json` is API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    Missing,
    Extra,
    Changed,
    UnsafePath,
    DamagedZip,
    /// The Payload-Oxum (bytes.files) does not match.
    Oxum,
    /// bagit.txt or the manifest is missing or malformed.
    Structure,
    /// Two entries that unzip tools would write to the same file.
    Duplicate,
    /// A symlink, FIFO, device or socket in a kit folder: never followed
    /// or opened (a kit on a stick holds regular files and folders only).
    NotRegular,
}

impl ProblemKind {
    /// The stable id, as in `--json`.
    pub fn id(self) -> &'static str {
        match self {
            ProblemKind::Missing => "missing",
            ProblemKind::Extra => "extra",
            ProblemKind::Changed => "changed",
            ProblemKind::UnsafePath => "unsafe-path",
            ProblemKind::DamagedZip => "damaged-zip",
            ProblemKind::Oxum => "oxum",
            ProblemKind::Structure => "structure",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::NotRegular => "not-regular",
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// Every file checked: `payload_files` + `tag_files`.
    pub files: usize,
    /// Files under `data/`, the ones `build` packs and counts.
    pub payload_files: usize,
    /// The bag's own files beside `data/` (bagit.txt, bag-info.txt, the
    /// manifests, index.html, README.txt).
    pub tag_files: usize,
    pub bytes: u64,
    pub problems: Vec<Problem>,
}

/// Files operating systems drop on sticks; never reported as extra.
pub fn is_clutter(path: &str) -> bool {
    path.split('/').any(|part| {
        matches!(
            part,
            ".DS_Store"
                | "Thumbs.db"
                | "desktop.ini"
                | "System Volume Information"
                | ".Spotlight-V100"
                | ".Trashes"
                | ".fseventsd"
                | ".TemporaryItems"
                | "$RECYCLE.BIN"
        ) || part.starts_with("._")
    })
}

/// A path that would land outside the kit when unpacked.
pub fn is_unsafe(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\\')
        || name.split('/').any(|p| p == "..")
        || name.as_bytes().get(1) == Some(&b':')
}

/// A name some unzip tools rewrite before writing it (`a//b`, `./a`,
/// `a/./b`): `build` never writes one, and which file it lands in depends on
/// the tool, so it can never be part of an intact kit.
pub fn is_uncanonical(name: &str) -> bool {
    let name = name.strip_suffix('/').unwrap_or(name);
    name.split('/').any(|p| p.is_empty() || p == ".")
}

/// The file an entry lands in on the most forgiving file system a stick
/// uses (FAT32/exFAT, also Windows and macOS defaults): case-folded and
/// NFC-normalised, so names that differ only there collide.
fn landing_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.trim_end_matches('/')
        .nfc()
        .collect::<String>()
        .to_lowercase()
}

/// The hash recorded for an entry whose data failed its CRC.
const DAMAGED: &str = "damaged";

struct Seen {
    sha256: String,
    size: u64,
}

fn hash_reader(mut r: impl Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            return Ok((hex(&h.finalize()), n));
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
}

/// Verify the kit at `path` (a `.zip`, a bag folder, or a folder holding one).
/// Progress is reported in bytes read.
pub fn verify(path: &Path, progress: &(dyn Progress + Sync)) -> Result<Report, VerifyError> {
    if path.is_file() {
        return verify_zip(path, progress);
    }
    let root = bag_root(path)?;
    let mut files = Vec::new();
    let mut specials = Vec::new();
    walk(&root, &root, &mut files, &mut specials)
        .map_err(|e| VerifyError::Io(root.display().to_string(), e))?;
    let total: u64 = files.iter().map(|(_, _, len)| len).sum();
    progress.start(Some(total as i64));
    let done = AtomicU64::new(0);
    let hashed: Vec<(String, std::io::Result<(String, u64)>)> = files
        .par_iter()
        .map(|(rel, abs, _)| {
            let r = std::fs::File::open(abs).and_then(hash_reader);
            if let Ok((_, n)) = &r {
                progress.advance((done.fetch_add(*n, Ordering::Relaxed) + n) as i64);
            }
            (rel.clone(), r)
        })
        .collect();
    progress.finish();
    let mut seen = BTreeMap::new();
    let mut report = Report::default();
    let mut contents = BTreeMap::new();
    for (rel, r) in hashed {
        match r {
            Ok((sha256, size)) => {
                if !rel.starts_with("data/") && size < 1 << 20 {
                    contents.insert(
                        rel.clone(),
                        std::fs::read(root.join(&rel)).unwrap_or_default(),
                    );
                }
                seen.insert(rel, Seen { sha256, size });
            }
            Err(e) => report.problems.push(Problem {
                kind: ProblemKind::Changed,
                path: rel,
                detail: format!("cannot be read: {e}"),
            }),
        }
    }
    for (rel, what) in specials {
        report.problems.push(Problem {
            kind: ProblemKind::NotRegular,
            path: rel.clone(),
            detail: format!("not a regular file ({what}); not followed or read"),
        });
        // Named once: not also "missing" or "extra".
        seen.insert(
            rel,
            Seen {
                sha256: DAMAGED.into(),
                size: 0,
            },
        );
    }
    compare(&seen, &contents, &mut report);
    Ok(report)
}

/// The bag folder: `path` itself, or its single sub-folder with bagit.txt.
fn bag_root(path: &Path) -> Result<PathBuf, VerifyError> {
    if path.join("bagit.txt").is_file() {
        return Ok(path.to_path_buf());
    }
    let inner: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| VerifyError::Io(path.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
        .filter(|p| p.join("bagit.txt").is_file())
        .collect();
    match inner.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(VerifyError::NotAKit(path.display().to_string())),
    }
}

/// Regular files under `dir` as (path in the kit, path, length); anything
/// else but a folder goes to `specials` with what it is. Nothing is
/// followed: a symlink is judged as a link, whatever it points at.
fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf, u64)>,
    specials: &mut Vec<(String, &'static str)>,
) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        if is_clutter(&rel) {
            continue;
        }
        let meta = std::fs::symlink_metadata(&p)?;
        let kind = meta.file_type();
        if kind.is_dir() {
            walk(root, &p, out, specials)?;
        } else if kind.is_file() {
            out.push((rel, p, meta.len()));
        } else {
            specials.push((rel, special_kind(&kind)));
        }
    }
    Ok(())
}

fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_symlink() {
        "a symlink"
    } else {
        "not a file or folder"
    }
}

fn verify_zip(path: &Path, progress: &(dyn Progress + Sync)) -> Result<Report, VerifyError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| VerifyError::Io(shown.clone(), e))?;
    let mut report = Report::default();
    let mut z = match zip::ZipArchive::new(file) {
        Ok(z) => z,
        Err(e) => {
            report.problems.push(Problem {
                kind: ProblemKind::DamagedZip,
                path: shown,
                detail: format!("the zip cannot be opened ({e}); it may be truncated"),
            });
            return Ok(report);
        }
    };
    let mut seen = BTreeMap::new();
    let mut contents = BTreeMap::new();
    let mut top: Option<String> = None;
    // The zip crate keeps one entry per name, so repeated names are looked
    // for in the central directory itself.
    let mut hidden = Vec::new();
    let names = match std::fs::File::open(path).and_then(|f| central_names(f, &mut hidden)) {
        Ok(n) => n,
        Err(e) => {
            report.problems.push(Problem {
                kind: ProblemKind::DamagedZip,
                path: shown,
                detail: format!("the central directory cannot be read ({e})"),
            });
            return Ok(report);
        }
    };
    for (name, why) in hidden {
        report.problems.push(Problem {
            kind: ProblemKind::DamagedZip,
            path: name,
            detail: format!("{why}: unzip tools may extract something else than verify read"),
        });
    }
    let skip = name_problems(&names, &mut report);
    progress.start(std::fs::metadata(path).ok().map(|m| m.len() as i64));
    let mut done = 0u64;
    for i in 0..z.len() {
        let mut entry = match z.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                report.problems.push(Problem {
                    kind: ProblemKind::DamagedZip,
                    path: format!("entry {i}"),
                    detail: e.to_string(),
                });
                continue;
            }
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if is_unsafe(&name) {
            report.problems.push(Problem {
                kind: ProblemKind::UnsafePath,
                path: name,
                detail: "this entry would be written outside the kit folder; refused (zip slip)"
                    .into(),
            });
            continue;
        }
        if skip.contains(&name) {
            continue;
        }
        if entry.is_dir() || is_clutter(&name) {
            continue;
        }
        let (head, rel) = name.split_once('/').unwrap_or(("", name.as_str()));
        if top.get_or_insert_with(|| head.to_string()) != head {
            report.problems.push(Problem {
                kind: ProblemKind::Structure,
                path: name.clone(),
                detail: "outside the kit's single top folder".into(),
            });
            continue;
        }
        let rel = rel.to_string();
        done += entry.compressed_size();
        progress.advance(done as i64);
        let mut buf = Vec::new();
        let small = !rel.starts_with("data/") && entry.size() < 1 << 20;
        let r = if small {
            entry
                .read_to_end(&mut buf)
                .map(|_| hash_reader(&buf[..]).expect("reading memory"))
        } else {
            hash_reader(&mut entry)
        };
        match r {
            Ok((sha256, size)) => {
                if small {
                    contents.insert(rel.clone(), buf);
                }
                seen.insert(rel, Seen { sha256, size });
            }
            // The zip crate checks the CRC at the end of each entry. Keep the
            // entry as seen (so it is not also "missing"), marked damaged.
            Err(e) => {
                report.problems.push(Problem {
                    kind: ProblemKind::Changed,
                    path: rel.clone(),
                    detail: format!("damaged in the zip: {e}"),
                });
                seen.insert(
                    rel,
                    Seen {
                        sha256: DAMAGED.into(),
                        size: entry.size(),
                    },
                );
            }
        }
    }
    progress.finish();
    compare(&seen, &contents, &mut report);
    Ok(report)
}

/// Report names that are repeated, collide on a stick's file system, or
/// are not in the form `build` writes; returns the names to leave out
/// (an exact repeat is kept once: the zip crate reads one of them).
fn name_problems(names: &[String], report: &mut Report) -> std::collections::HashSet<String> {
    use std::collections::hash_map::Entry;
    let mut skip = std::collections::HashSet::new();
    // landing key -> the first entry name that lands there
    let mut landed = std::collections::HashMap::<String, String>::new();
    for name in names {
        if is_unsafe(name) {
            continue;
        }
        let problem = |kind, detail: String| Problem {
            kind,
            path: name.clone(),
            detail,
        };
        if is_uncanonical(name) {
            report.problems.push(problem(
                ProblemKind::UnsafePath,
                "an empty or '.' part in the name: unzip tools differ on where it goes".into(),
            ));
            skip.insert(name.clone());
            continue;
        }
        match landed.entry(landing_key(name)) {
            Entry::Occupied(first) if first.get() == name => {
                report.problems.push(problem(
                    ProblemKind::Duplicate,
                    "the zip holds this name more than once; unzip tools differ on which one they extract".into(),
                ));
            }
            Entry::Occupied(first) => {
                report.problems.push(problem(
                    ProblemKind::Duplicate,
                    format!(
                        "lands on the same file as {} on FAT32/exFAT, Windows and macOS (names differ only in case or Unicode form)",
                        first.get()
                    ),
                ));
                skip.insert(name.clone());
            }
            Entry::Vacant(v) => {
                v.insert(name.clone());
            }
        }
    }
    skip
}

fn le16(b: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?).into())
}
fn le32(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?).into())
}
fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Every entry name in the central directory, in order, repeats included
/// (APPNOTE 4.3.12–4.3.16, zip64 included).
fn central_names(
    mut f: std::fs::File,
    hidden: &mut Vec<(String, String)>,
) -> std::io::Result<Vec<String>> {
    use std::io::{Seek, SeekFrom};
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let len = f.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535 + 20);
    let mut tail = vec![0u8; tail_len as usize];
    f.seek(SeekFrom::Start(len - tail_len))?;
    f.read_exact(&mut tail)?;
    let eocd = tail
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .ok_or_else(|| bad("no end of central directory"))?;
    let short = || bad("truncated end of central directory");
    let mut count = le16(&tail, eocd + 10).ok_or_else(short)?;
    let mut size = le32(&tail, eocd + 12).ok_or_else(short)?;
    let mut offset = le32(&tail, eocd + 16).ok_or_else(short)?;
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        let loc = eocd
            .checked_sub(20)
            .filter(|&l| tail[l..].starts_with(b"PK\x06\x07"))
            .ok_or_else(|| bad("zip64 locator missing"))?;
        let at = le64(&tail, loc + 8).ok_or_else(short)?;
        let mut z64 = [0u8; 56];
        f.seek(SeekFrom::Start(at))?;
        f.read_exact(&mut z64)?;
        if !z64.starts_with(b"PK\x06\x06") {
            return Err(bad("zip64 end of central directory missing"));
        }
        (count, size, offset) = (
            le64(&z64, 32).ok_or_else(short)?,
            le64(&z64, 40).ok_or_else(short)?,
            le64(&z64, 48).ok_or_else(short)?,
        );
    }
    if offset.checked_add(size).is_none_or(|end| end > len) {
        return Err(bad("central directory outside the file"));
    }
    let mut cd = vec![0u8; size as usize];
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(&mut cd)?;
    let mut names = Vec::new();
    let mut at = 0usize;
    while names.len() < count as usize {
        let head = cd
            .get(at..at + 46)
            .ok_or_else(|| bad("central directory too short"))?;
        if !head.starts_with(b"PK\x01\x02") {
            return Err(bad("bad central directory entry"));
        }
        let n = le16(head, 28).ok_or_else(short)? as usize;
        let rest = (le16(head, 30).ok_or_else(short)? + le16(head, 32).ok_or_else(short)?) as usize;
        let name = cd
            .get(at + 46..at + 46 + n)
            .ok_or_else(|| bad("name past the end"))?;
        let field = |k| le32(head, k).ok_or_else(short);
        let local = field(42)?;
        let (crc, csize, usize_) = (field(16)?, field(20)?, field(24)?);
        let method = le16(head, 10).ok_or_else(short)?;
        let flags = le16(head, 8).ok_or_else(short)?;
        if let Some(why) = check_local(&mut f, local, name, method, flags, crc, csize, usize_)? {
            hidden.push((String::from_utf8_lossy(name).into_owned(), why));
        }
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + n + rest;
    }
    let comment = le16(&tail, eocd + 20).ok_or_else(short)?;
    if (len - tail_len) + eocd as u64 + 22 + comment != len {
        hidden.push((
            "(end of the zip)".into(),
            "bytes after the end of the central directory".into(),
        ));
    }
    Ok(names)
}

/// Whether the local header at `at` agrees with its central record: the
/// name, method, CRC and sizes an unzip tool that reads local headers
/// would use. Zip64 and data-descriptor entries (sizes kept elsewhere)
/// are compared on name and method only.
#[allow(clippy::too_many_arguments)]
fn check_local(
    f: &mut std::fs::File,
    at: u64,
    name: &[u8],
    method: u64,
    flags: u64,
    crc: u64,
    csize: u64,
    usize_: u64,
) -> std::io::Result<Option<String>> {
    use std::io::{Seek, SeekFrom};
    let mut head = vec![0u8; 30 + name.len()];
    f.seek(SeekFrom::Start(at))?;
    if f.read_exact(&mut head).is_err() || !head.starts_with(b"PK\x03\x04") {
        return Ok(Some(
            "no local header where the central directory points".into(),
        ));
    }
    if &head[30..] != name {
        return Ok(Some(format!(
            "the local header names it {}",
            String::from_utf8_lossy(&head[30..])
        )));
    }
    if le16(&head, 8) != Some(method) {
        return Ok(Some(
            "local and central headers disagree on the compression method".into(),
        ));
    }
    let sizes_here = flags & 8 == 0 && csize != 0xFFFF_FFFF && usize_ != 0xFFFF_FFFF;
    if sizes_here
        && (le32(&head, 14) != Some(crc)
            || le32(&head, 18) != Some(csize)
            || le32(&head, 22) != Some(usize_))
    {
        return Ok(Some(
            "local and central headers disagree on the CRC or sizes".into(),
        ));
    }
    Ok(None)
}

fn decode_path(p: &str) -> String {
    p.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// `hash  path` lines of a manifest.
fn manifest(bytes: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|l| {
            let (h, p) = l.trim_end_matches('\r').split_once(char::is_whitespace)?;
            Some((
                h.to_ascii_lowercase(),
                decode_path(p.trim_start().trim_start_matches('*')),
            ))
        })
        .collect()
}

/// Tags that may appear once only (RFC 8493 §2.2.2).
const ONCE: [&str; 6] = [
    "Payload-Oxum",
    "Bagging-Date",
    "Bag-Size",
    "Bag-Count",
    "BagIt-Profile-Identifier",
    "Bag-Group-Identifier",
];

/// bag-info.txt as (label, value) tag lines, read as BagIt tools read it:
/// CR, LF and CRLF all end a line; a line starting with a space or tab
/// continues the tag above. Refused: a line that is not `Label: value`, a
/// label repeated that may appear once, a value that carries other control
/// or line-separator characters.
fn bag_info(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut tags: Vec<(String, String)> = Vec::new();
    let lines = text.split("\r\n").flat_map(|l| l.split(['\r', '\n']));
    for (n, line) in lines.enumerate() {
        let at = n + 1;
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let Some(last) = tags.last_mut() else {
                return Err(format!("line {at}: a continuation line with no tag above"));
            };
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let Some((k, v)) = line.split_once(':') else {
                return Err(format!("line {at} is not a 'Label: value' tag line"));
            };
            if k.is_empty() || k.trim() != k {
                return Err(format!("line {at}: a tag label cannot be empty or padded"));
            }
            if let Some(once) = ONCE.iter().find(|o| o.eq_ignore_ascii_case(k))
                && tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(k))
            {
                return Err(format!("line {at}: {once} appears more than once"));
            }
            tags.push((k.to_string(), v.trim().to_string()));
        }
        if let Some(c) = line
            .chars()
            .find(|&c| c != '\t' && super::check::breaks_tag_line(c))
        {
            return Err(format!(
                "line {at} holds U+{:04X}, a control or line-separator character",
                c as u32
            ));
        }
    }
    Ok(tags)
}

fn compare(
    seen: &BTreeMap<String, Seen>,
    contents: &BTreeMap<String, Vec<u8>>,
    report: &mut Report,
) {
    report.files = seen.len();
    report.payload_files = seen.keys().filter(|p| p.starts_with("data/")).count();
    report.tag_files = report.files - report.payload_files;
    report.bytes = seen.values().map(|s| s.size).sum();
    let mut problem = |kind, path: &str, detail: String| {
        report.problems.push(Problem {
            kind,
            path: path.to_string(),
            detail,
        })
    };
    match contents.get("bagit.txt") {
        Some(b) if String::from_utf8_lossy(b).starts_with("BagIt-Version: ") => {}
        _ => problem(
            ProblemKind::Structure,
            "bagit.txt",
            "missing or not a BagIt declaration".into(),
        ),
    }
    let Some(m) = contents.get("manifest-sha256.txt") else {
        problem(
            ProblemKind::Structure,
            "manifest-sha256.txt",
            "missing: nothing to check the files against".into(),
        );
        return;
    };
    let payload = manifest(m);
    let tags = contents
        .get("tagmanifest-sha256.txt")
        .map(|t| manifest(t))
        .unwrap_or_default();
    let listed: std::collections::BTreeSet<&str> = payload
        .iter()
        .chain(&tags)
        .map(|(_, p)| p.as_str())
        .collect();
    for (want, p) in payload.iter().chain(&tags) {
        match seen.get(p) {
            None => problem(
                ProblemKind::Missing,
                p,
                "listed in the manifest but not in the kit".into(),
            ),
            Some(s) if s.sha256 == DAMAGED => {}
            Some(s) if s.sha256 != *want => problem(
                ProblemKind::Changed,
                p,
                format!(
                    "SHA-256 is {}…, the manifest says {}…",
                    &s.sha256[..12],
                    &want[..want.len().min(12)]
                ),
            ),
            Some(_) => {}
        }
    }
    let standard = ["bagit.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"];
    for (p, _) in seen.iter().filter(|(p, s)| {
        !listed.contains(p.as_str()) && !standard.contains(&p.as_str()) && s.sha256 != DAMAGED
    }) {
        problem(ProblemKind::Extra, p, "not listed in any manifest".into());
    }
    let (count, bytes) = seen
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .fold((0usize, 0u64), |(c, b), (_, s)| (c + 1, b + s.size));
    let info = match contents.get("bag-info.txt") {
        Some(b) => match bag_info(&String::from_utf8_lossy(b)) {
            Ok(tags) => tags,
            Err(why) => {
                problem(ProblemKind::Structure, "bag-info.txt", why);
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let oxum = info
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Payload-Oxum"))
        .map(|(_, v)| v.trim().to_string());
    if let Some(o) = oxum
        && o != format!("{bytes}.{count}")
    {
        problem(
            ProblemKind::Oxum,
            "bag-info.txt",
            format!("Payload-Oxum says {o} (bytes.files) but the kit has {bytes}.{count}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for bad in [
            "../x",
            "kit/../../etc/passwd",
            "/etc/passwd",
            "C:/x",
            "kit\\..\\x",
        ] {
            assert!(is_unsafe(bad), "{bad}");
        }
        for ok in ["kit/data/a..b.txt", "kit/index.html"] {
            assert!(!is_unsafe(ok), "{ok}");
        }
        assert!(
            is_clutter("data/.DS_Store")
                && is_clutter("._clip.mp4")
                && is_clutter("System Volume Information/x")
        );
        assert!(!is_clutter("data/clips/a.mp4"));
    }
}
