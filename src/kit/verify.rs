//! `verify`: is a kit intact? Works on the zip, an unpacked kit, or a stick
//! that holds the kit folder. Every file is re-hashed (never "fast" mode,
//! which misses same-size corruption); zip CRCs are checked on the way and
//! the zip's structure is read strictly (`layout`); missing, extra and
//! changed files are named; the Payload-Oxum is compared; entries that
//! would escape the kit (`../x`, absolute paths) are refused. What no
//! manifest covers is reported too: the tag manifest must be in build's
//! exact form and complete; OS clutter beside the kit's files and empty
//! folders are named and ignored; clutter inside `data/` is an extra file,
//! as BagIt and bagit.py say. Folders are hashed in parallel.

use super::hex;
use crate::progress::Progress;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

/// Public for the fuzz target: any bytes in, `Ok` or `Err`, never a panic.
pub mod layout;

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
    /// What is wrong, in BagIt's and the zip format's own terms.
    pub detail: String,
    /// The same in words for people who do not speak BagIt.
    pub plain: String,
    /// Where it is as the user finds it: the kit's folder in front
    /// (`last-train-home/data/clips/a.mp4`), or the entry's name in a zip.
    pub on_stick: String,
}

impl Problem {
    fn new(kind: ProblemKind, path: impl Into<String>, detail: impl Into<String>) -> Self {
        let path = path.into();
        Problem {
            kind,
            on_stick: path.clone(),
            path,
            detail: detail.into(),
            plain: kind.plain().into(),
        }
    }

    fn at(mut self, on_stick: String) -> Self {
        self.on_stick = on_stick;
        self
    }

    fn plain(mut self, words: impl Into<String>) -> Self {
        self.plain = words.into();
        self
    }
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
    /// A file operating systems leave (`.DS_Store`, `._x`) beside the
    /// kit's own files, outside `data/`: named, and ignored.
    Clutter,
    /// A folder with nothing in it: no manifest can list it; named, and
    /// ignored.
    EmptyFolder,
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
            ProblemKind::Clutter => "clutter",
            ProblemKind::EmptyFolder => "empty-folder",
        }
    }

    /// What it means, in words.
    fn plain(self) -> &'static str {
        match self {
            ProblemKind::Missing => "missing",
            ProblemKind::Extra => "an extra file, not part of the kit",
            ProblemKind::Changed => "changed since the kit was built",
            ProblemKind::UnsafePath => "would be written outside the kit folder",
            ProblemKind::DamagedZip => {
                "the zip was changed here: unzip tools may extract something else than the kit"
            }
            ProblemKind::Oxum => "size check failed",
            ProblemKind::Structure => "the kit's own list of its files is damaged",
            ProblemKind::Duplicate => {
                "the same name twice: unzip tools differ on which one they extract"
            }
            ProblemKind::NotRegular => "a link or special file, not a file: not followed or read",
            ProblemKind::Clutter => "left by macOS or Windows",
            ProblemKind::EmptyFolder => "an empty folder",
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
    /// The kit's folder: the zip's top folder, or the bag folder's name.
    pub kit: String,
    /// What no manifest covers and does not change the kit (OS clutter
    /// beside the kit's files, empty folders): named, not a problem.
    pub ignored: Vec<Problem>,
    /// The bag folder, when a folder was verified.
    #[serde(skip)]
    pub root: Option<PathBuf>,
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
    let kit = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".".into());
    let mut found = Walked::default();
    walk(&root, &root, &mut found).map_err(|e| VerifyError::Io(root.display().to_string(), e))?;
    let files = found.files;
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
    let mut report = Report {
        kit: kit.clone(),
        root: Some(root.clone()),
        ..Report::default()
    };
    let mut contents = BTreeMap::new();
    let on_stick = |rel: &str| format!("{kit}/{rel}");
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
            Err(e) => report.problems.push(
                Problem::new(ProblemKind::Changed, &rel, format!("cannot be read: {e}"))
                    .plain(format!("cannot be read: {e}"))
                    .at(on_stick(&rel)),
            ),
        }
    }
    for (rel, what) in found.specials {
        report.problems.push(
            Problem::new(
                ProblemKind::NotRegular,
                &rel,
                format!("not a regular file ({what}); not followed or read"),
            )
            .plain(format!("{what}, not a file: not followed or read"))
            .at(on_stick(&rel)),
        );
        // Named once: not also "missing" or "extra".
        seen.insert(
            rel,
            Seen {
                sha256: DAMAGED.into(),
                size: 0,
            },
        );
    }
    // BagIt (and bagit.py) call a payload file no manifest lists an error,
    // whoever left it; beside the kit's files it is no part of the bag.
    for rel in found.clutter {
        if rel.starts_with("data/") {
            report.problems.push(
                Problem::new(
                    ProblemKind::Extra,
                    &rel,
                    "not listed in any manifest (OS clutter)",
                )
                .plain("an extra file, left by macOS or Windows: delete it")
                .at(on_stick(&rel)),
            );
        } else {
            report.ignored.push(
                Problem::new(
                    ProblemKind::Clutter,
                    &rel,
                    "OS clutter outside data/; not a tag file",
                )
                .at(on_stick(&rel)),
            );
        }
    }
    for rel in found.empty {
        report.ignored.push(
            Problem::new(
                ProblemKind::EmptyFolder,
                &rel,
                "an empty folder; no manifest can list it",
            )
            .at(on_stick(&rel)),
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

/// What a kit folder holds, nothing followed.
#[derive(Default)]
struct Walked {
    /// Regular files: (path in the kit, path, length).
    files: Vec<(String, PathBuf, u64)>,
    /// Anything else but a folder, with what it is.
    specials: Vec<(String, &'static str)>,
    /// Clutter names (a clutter folder is named once, not entered).
    clutter: Vec<String>,
    /// Folders with nothing in them.
    empty: Vec<String>,
}

/// Walk `dir` into `out`. Nothing is followed: a symlink is judged as a
/// link, whatever it points at.
fn walk(root: &Path, dir: &Path, out: &mut Walked) -> std::io::Result<()> {
    let mut any = false;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        any = true;
        let p = e.path();
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        if is_clutter(&e.file_name().to_string_lossy()) {
            out.clutter.push(rel);
            continue;
        }
        let meta = std::fs::symlink_metadata(&p)?;
        let kind = meta.file_type();
        if kind.is_dir() {
            walk(root, &p, out)?;
        } else if kind.is_file() {
            out.files.push((rel, p, meta.len()));
        } else {
            out.specials.push((rel, special_kind(&kind)));
        }
    }
    if !any && dir != root {
        let rel = dir.strip_prefix(root).unwrap_or(dir).to_string_lossy();
        out.empty.push(format!("{}/", rel.replace('\\', "/")));
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
            report.problems.push(Problem::new(
                ProblemKind::DamagedZip,
                shown,
                format!("the zip cannot be opened ({e}); it may be truncated"),
            ));
            return Ok(report);
        }
    };
    let mut seen = BTreeMap::new();
    let mut contents = BTreeMap::new();
    let mut top: Option<String> = None;
    // The zip crate is lenient and keeps one entry per name: the structure
    // (headers, layout, repeated names) is read strictly on its own.
    let layout = match std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|mut f| layout::read(&mut f))
    {
        Ok(l) => l,
        Err(why) => {
            report.problems.push(Problem::new(
                ProblemKind::DamagedZip,
                shown,
                format!("the central directory cannot be read ({why})"),
            ));
            return Ok(report);
        }
    };
    for (name, why) in layout.problems {
        let on_stick = if name == "(zip)" {
            shown.clone()
        } else {
            name.clone()
        };
        report.problems.push(
            Problem::new(
                ProblemKind::DamagedZip,
                name,
                format!("{why}: unzip tools may extract something else than verify read"),
            )
            .at(on_stick),
        );
    }
    let names = layout.names;
    let skip = name_problems(&names, &mut report);
    progress.start(std::fs::metadata(path).ok().map(|m| m.len() as i64));
    let mut done = 0u64;
    for i in 0..z.len() {
        let mut entry = match z.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                report.problems.push(Problem::new(
                    ProblemKind::DamagedZip,
                    format!("entry {i}"),
                    e.to_string(),
                ));
                continue;
            }
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if is_unsafe(&name) {
            report.problems.push(Problem::new(
                ProblemKind::UnsafePath,
                name,
                "this entry would be written outside the kit folder; refused (zip slip)",
            ));
            continue;
        }
        if skip.contains(&name) {
            continue;
        }
        // build writes neither: an unzip tool would still create them.
        if entry.is_dir() {
            report.problems.push(
                Problem::new(
                    ProblemKind::Extra,
                    &name,
                    "a folder entry (build writes none)",
                )
                .plain("an extra folder, not part of the kit"),
            );
            continue;
        }
        if is_clutter(&name) {
            report.problems.push(
                Problem::new(
                    ProblemKind::Extra,
                    &name,
                    "not listed in any manifest (OS clutter)",
                )
                .plain("an extra file, left by macOS or Windows"),
            );
            continue;
        }
        let (head, rel) = name.split_once('/').unwrap_or(("", name.as_str()));
        if top.get_or_insert_with(|| head.to_string()) != head {
            report.problems.push(Problem::new(
                ProblemKind::Structure,
                name.clone(),
                "outside the kit's single top folder",
            ));
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
                report.problems.push(
                    Problem::new(
                        ProblemKind::Changed,
                        &rel,
                        format!("damaged in the zip: {e}"),
                    )
                    .plain("damaged in the zip")
                    .at(name.clone()),
                );
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
    report.kit = top.unwrap_or_default();
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
        let problem = |kind, detail: String| Problem::new(kind, name.clone(), detail);
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

fn decode_path(p: &str) -> String {
    p.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// The `hash  path` lines of a manifest, read in the one form build
/// writes (64 lowercase hex digits, two spaces, the percent-encoded path,
/// LF), each path once and one that `belongs`; and why any line is not.
fn manifest(bytes: &[u8], belongs: impl Fn(&str) -> bool) -> (Vec<(String, String)>, Vec<String>) {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    let mut paths = std::collections::HashSet::new();
    if !text.is_empty() && !text.ends_with('\n') {
        bad.push("the last line does not end with a line break".to_string());
    }
    for (n, line) in text.lines().enumerate() {
        let at = n + 1;
        let parsed = line.split_once("  ").filter(|(h, p)| {
            h.len() == 64
                && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                && !p.is_empty()
                && !p.contains('\r')
        });
        let Some((hash, path)) = parsed else {
            bad.push(format!(
                "line {at} is not a SHA-256 (64 lowercase hex digits), two spaces and a path"
            ));
            continue;
        };
        let path = decode_path(path);
        if !belongs(&path) {
            bad.push(format!(
                "line {at} lists {path}, which does not belong in this manifest"
            ));
        } else if !paths.insert(path.clone()) {
            bad.push(format!("line {at} lists {path} a second time"));
        } else {
            lines.push((hash.to_string(), path));
        }
    }
    (lines, bad)
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

/// "12 bytes more" / "3 bytes fewer", for the size check in words.
fn more_or_fewer(have: u64, want: u64, unit: &str) -> Option<String> {
    let (n, word) = match have.cmp(&want) {
        std::cmp::Ordering::Equal => return None,
        std::cmp::Ordering::Greater => (have - want, "more"),
        std::cmp::Ordering::Less => (want - have, "fewer"),
    };
    let s = if n == 1 { "" } else { "s" };
    Some(format!("{n} {unit}{s} {word}"))
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
    let kit = report.kit.clone();
    let holder = if report.root.is_some() {
        "the stick"
    } else {
        "the zip"
    };
    let mut add = |p: Problem| {
        let at = format!("{kit}/{}", p.path);
        report.problems.push(p.at(at));
    };
    let structure = |path: &str, detail: String| {
        Problem::new(ProblemKind::Structure, path, detail.clone()).plain(detail)
    };
    match contents.get("bagit.txt") {
        Some(b) if String::from_utf8_lossy(b).starts_with("BagIt-Version: ") => {}
        _ => add(structure(
            "bagit.txt",
            "missing or not a BagIt declaration".into(),
        )),
    }
    let Some(m) = contents.get("manifest-sha256.txt") else {
        add(structure(
            "manifest-sha256.txt",
            "missing: the kit's list of its files, nothing to check them against".into(),
        ));
        return;
    };
    let (payload, bad) = manifest(m, |p| p.starts_with("data/"));
    for why in bad {
        add(structure("manifest-sha256.txt", why));
    }
    // The tag manifest is the one file no manifest covers: build writes it
    // in one exact form, so any change to it shows as a line out of that
    // form, a digest that no longer matches its file, or a file it lists
    // that is not there or leaves out.
    let tags = match contents.get("tagmanifest-sha256.txt") {
        Some(t) => {
            let (tags, bad) = manifest(t, |p| {
                !p.starts_with("data/") && p != "tagmanifest-sha256.txt"
            });
            for why in bad {
                add(structure("tagmanifest-sha256.txt", why));
            }
            tags
        }
        None => {
            add(structure(
                "tagmanifest-sha256.txt",
                "missing: nothing checks the kit's own files (build always writes it)".into(),
            ));
            Vec::new()
        }
    };
    let listed: std::collections::BTreeSet<&str> = payload
        .iter()
        .chain(&tags)
        .map(|(_, p)| p.as_str())
        .collect();
    for (want, p) in payload.iter().chain(&tags) {
        match seen.get(p) {
            None => add(Problem::new(
                ProblemKind::Missing,
                p,
                "listed in the manifest but not in the kit",
            )),
            Some(s) if s.sha256 == DAMAGED => {}
            Some(s) if s.sha256 != *want => add(Problem::new(
                ProblemKind::Changed,
                p,
                format!(
                    "SHA-256 is {}…, the manifest says {}…",
                    &s.sha256[..12],
                    &want[..want.len().min(12)]
                ),
            )),
            Some(_) => {}
        }
    }
    for (p, _) in seen.iter().filter(|(p, s)| {
        !listed.contains(p.as_str())
            && p.as_str() != "tagmanifest-sha256.txt"
            && s.sha256 != DAMAGED
    }) {
        if matches!(p.as_str(), "bagit.txt" | "manifest-sha256.txt") {
            add(structure(
                p,
                "not listed in tagmanifest-sha256.txt (build lists every file of the kit there)"
                    .into(),
            ));
        } else {
            add(Problem::new(
                ProblemKind::Extra,
                p,
                "not listed in any manifest",
            ));
        }
    }
    let (count, bytes) = seen
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .fold((0u64, 0u64), |(c, b), (_, s)| (c + 1, b + s.size));
    let info = match contents.get("bag-info.txt") {
        Some(b) => match bag_info(&String::from_utf8_lossy(b)) {
            Ok(tags) => tags,
            Err(why) => {
                add(structure("bag-info.txt", why));
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
        let said = o
            .split_once('.')
            .and_then(|(b, c)| Some((b.parse::<u64>().ok()?, c.parse::<u64>().ok()?)));
        let words = match said {
            Some((b, c)) => {
                let diff: Vec<String> = [
                    more_or_fewer(bytes, b, "byte"),
                    more_or_fewer(count, c, "file"),
                ]
                .into_iter()
                .flatten()
                .collect();
                format!(
                    "size check failed: {holder} holds {} than the kit",
                    diff.join(" and ")
                )
            }
            None => "size check failed: the kit's recorded size cannot be read".into(),
        };
        add(Problem::new(
            ProblemKind::Oxum,
            "bag-info.txt",
            format!("Payload-Oxum says {o} (bytes.files) but the kit has {bytes}.{count}"),
        )
        .plain(words));
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
