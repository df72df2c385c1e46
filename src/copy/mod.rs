//! `copy`: one kit onto many sticks at once, each copy proven.
//!
//! The source (a kit zip, or an unpacked kit folder) is read once; every
//! chunk goes to one writer thread per stick through a bounded channel, so
//! the sticks are written side by side and the slowest one sets the pace.
//! Chunks are shared (`Arc`) and go back to a small pool when the last
//! writer is done with them. Each file is flushed (`fsync`) and its cached
//! pages dropped; each folder is flushed; then every file is read back from
//! the stick, bypassing the page cache where the file system allows
//! (`O_DIRECT`), and hashed against the kit's manifests. Only then is the
//! `COPIED.txt` receipt written (and listed in `tagmanifest-sha256.txt`, so
//! the bag still validates) and, with `--replace`, the old copy swapped out.

pub mod stick;

use crate::progress::Progress;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use stick::Stick;
use thiserror::Error;

/// The receipt a finished copy leaves in the kit folder.
pub const RECEIPT: &str = "COPIED.txt";
const MANIFEST: &str = "manifest-sha256.txt";
const TAGMANIFEST: &str = "tagmanifest-sha256.txt";
/// Large reads keep syscalls and channel hand-offs per byte low; a few
/// chunks in flight let the fastest stick run ahead of the slowest.
const CHUNK: usize = 4 << 20;
const POOL: usize = 8;
/// O_DIRECT wants buffers aligned to the device's logical block.
const ALIGN: usize = 4096;

#[derive(Debug, Error)]
pub enum CopyError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error(
        "{0}: not a kit (no bagit.txt here, nor in a single folder inside; give the zip from `screenkit build` or an unpacked kit)"
    )]
    NotAKit(String),
    #[error("{0}: the kit is not intact: {1}; nothing copied (run `screenkit verify {0}`)")]
    NotIntact(String, String),
    #[error(
        "{0}: reading the source failed: {1}; nothing was marked as copied (run `screenkit verify {0}`)"
    )]
    SourceRead(String, String),
    #[error("--with-zip needs a zip to copy; {0} is a folder")]
    WithZipNeedsZip(String),
    #[error("{0} is given twice")]
    SameDest(String),
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> CopyError + '_ {
    move |e| CopyError::Io(p.display().to_string(), e)
}

/// Where one file of the kit comes from.
#[derive(Debug, Clone)]
enum Origin {
    ZipEntry(usize),
    Path(PathBuf),
}

/// One file to copy, by its path inside the kit folder.
#[derive(Debug, Clone)]
pub struct KitFile {
    pub rel: String,
    pub size: u64,
    from: Origin,
}

/// A kit to copy: its name (the folder it unpacks to), its files in the
/// order they are read, and the SHA-256 each must have.
#[derive(Debug)]
pub struct Source {
    pub path: PathBuf,
    pub name: String,
    pub zip: Option<PathBuf>,
    pub zip_bytes: u64,
    pub files: Vec<KitFile>,
    pub expected: HashMap<String, String>,
    /// Files in the source that no manifest lists: not copied.
    pub skipped: Vec<String>,
}

impl Source {
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Manifest lines: `HASH  path`, with the percent-encoding RFC 8493 asks for.
fn parse_manifest(text: &str, into: &mut HashMap<String, String>) {
    for line in text.lines() {
        if let Some((h, p)) = line.split_once(char::is_whitespace) {
            let p = p
                .trim_start()
                .replace("%0A", "\n")
                .replace("%0D", "\r")
                .replace("%25", "%");
            into.insert(p, h.to_ascii_lowercase());
        }
    }
}

/// Open a kit zip or an unpacked kit (the bag folder or a folder holding one).
pub fn open(path: &Path) -> Result<Source, CopyError> {
    if path.is_file() {
        open_zip(path)
    } else {
        open_dir(path)
    }
}

fn open_zip(path: &Path) -> Result<Source, CopyError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(io(path))?;
    let zip_bytes = file.metadata().map_err(io(path))?.len();
    let mut z = zip::ZipArchive::new(file)
        .map_err(|e| CopyError::NotIntact(shown.clone(), format!("not a readable zip ({e})")))?;
    let mut entries = Vec::new();
    for i in 0..z.len() {
        let e = z
            .by_index_raw(i)
            .map_err(|e| CopyError::NotIntact(shown.clone(), e.to_string()))?;
        if !e.is_dir() {
            let name = e
                .name()
                .map_err(|e| CopyError::NotIntact(shown.clone(), e.to_string()))?;
            entries.push((i, name.to_string(), e.size()));
        }
    }
    let name = match entries.first() {
        Some((_, n, _)) => n.split('/').next().unwrap_or("").to_string(),
        None => return Err(CopyError::NotAKit(shown)),
    };
    let prefix = format!("{name}/");
    if name.is_empty() || entries.iter().any(|(_, n, _)| !n.starts_with(&prefix)) {
        return Err(CopyError::NotAKit(shown));
    }
    if z.by_name(&format!("{prefix}bagit.txt")).is_err() {
        return Err(CopyError::NotAKit(shown));
    }
    let mut expected = HashMap::new();
    let mut read_text = |rel: &str, expected: &mut HashMap<String, String>| {
        let mut f = z
            .by_name(&format!("{prefix}{rel}"))
            .map_err(|_| CopyError::NotIntact(shown.clone(), format!("no {rel}")))?;
        let mut s = String::new();
        f.read_to_string(&mut s)
            .map_err(|e| CopyError::NotIntact(shown.clone(), format!("{rel}: {e}")))?;
        parse_manifest(&s, expected);
        Ok::<_, CopyError>(s)
    };
    read_text(MANIFEST, &mut expected)?;
    let tags = read_text(TAGMANIFEST, &mut expected)?;
    expected.insert(
        TAGMANIFEST.into(),
        crate::kit::hex(&Sha256::digest(tags.as_bytes())),
    );
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for (i, n, size) in entries {
        let rel = n[prefix.len()..].to_string();
        if crate::kit::verify::is_unsafe(&n) || crate::kit::verify::is_uncanonical(&n) {
            return Err(CopyError::NotIntact(shown, format!("{n}: not a safe path")));
        }
        if expected.contains_key(&rel) && rel != RECEIPT {
            files.push(KitFile {
                rel,
                size,
                from: Origin::ZipEntry(i),
            });
        } else {
            skipped.push(rel);
        }
    }
    let source = Source {
        path: path.to_path_buf(),
        name,
        zip: Some(path.to_path_buf()),
        zip_bytes,
        files,
        expected,
        skipped,
    };
    check_listed(&source)?;
    Ok(source)
}

/// Every file a manifest lists must be there to copy.
fn check_listed(s: &Source) -> Result<(), CopyError> {
    let have: BTreeSet<&str> = s.files.iter().map(|f| f.rel.as_str()).collect();
    let mut missing: Vec<&str> = s
        .expected
        .keys()
        .map(String::as_str)
        .filter(|r| *r != RECEIPT && !have.contains(r))
        .collect();
    missing.sort_unstable();
    match missing.first() {
        Some(m) => Err(CopyError::NotIntact(
            s.path.display().to_string(),
            format!(
                "{}/{m} is listed in the manifest but missing ({} missing)",
                s.name,
                missing.len()
            ),
        )),
        None => Ok(()),
    }
}

fn open_dir(path: &Path) -> Result<Source, CopyError> {
    let shown = path.display().to_string();
    let root = if path.join("bagit.txt").is_file() {
        path.to_path_buf()
    } else {
        let inner: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io(path))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("bagit.txt").is_file())
            .collect();
        match inner.as_slice() {
            [one] => one.clone(),
            _ => return Err(CopyError::NotAKit(shown)),
        }
    };
    let root = std::fs::canonicalize(&root).map_err(io(&root))?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CopyError::NotAKit(shown.clone()))?;
    let mut expected = HashMap::new();
    let mut tags = Vec::new();
    for m in [MANIFEST, TAGMANIFEST] {
        let p = root.join(m);
        let text = std::fs::read_to_string(&p)
            .map_err(|e| CopyError::NotIntact(shown.clone(), format!("{m}: {e}")))?;
        parse_manifest(&text, &mut expected);
        tags = text.into_bytes();
    }
    expected.insert(TAGMANIFEST.into(), crate::kit::hex(&Sha256::digest(&tags)));
    let mut rels: Vec<&String> = expected.keys().filter(|r| *r != RECEIPT).collect();
    rels.sort();
    let mut files = Vec::new();
    for rel in rels {
        let full = format!("{name}/{rel}");
        if crate::kit::verify::is_unsafe(&full) || crate::kit::verify::is_uncanonical(&full) {
            return Err(CopyError::NotIntact(
                shown,
                format!("{full}: not a safe path"),
            ));
        }
        let p = root.join(rel);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => files.push(KitFile {
                rel: rel.clone(),
                size: m.len(),
                from: Origin::Path(p),
            }),
            _ => {
                return Err(CopyError::NotIntact(
                    shown,
                    format!("{full} is listed in the manifest but missing"),
                ));
            }
        }
    }
    Ok(Source {
        path: root,
        name,
        zip: None,
        zip_bytes: 0,
        files,
        expected,
        skipped: Vec::new(),
    })
}

/// What to do.
pub struct Options {
    pub with_zip: bool,
    pub replace: bool,
}

/// How a copy was read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadBack {
    /// Every file was read with O_DIRECT: from the stick, not from memory.
    ODirect,
    /// The file system refused O_DIRECT: each file's cached pages were
    /// dropped (posix_fadvise DONTNEED after fsync) before reading.
    DroppedCache,
    /// Neither is available on this system: read through the page cache.
    PageCache,
}

impl ReadBack {
    pub fn words(self) -> &'static str {
        match self {
            ReadBack::ODirect => "read back with O_DIRECT (bypassing the page cache)",
            ReadBack::DroppedCache => {
                "read back after dropping it from the page cache (posix_fadvise DONTNEED; O_DIRECT refused here)"
            }
            ReadBack::PageCache => {
                "read back through the page cache (this system cannot bypass it)"
            }
        }
    }
}

/// How one stick came out.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// Written, read back, every file matched; the receipt is written.
    Written {
        files: usize,
        bytes: u64,
        read_back: ReadBack,
        seconds: f64,
        /// Where the stick's seconds went.
        phases: Phases,
        replaced: bool,
    },
    /// Not written: the stick cannot take the kit.
    Refused { reason: String },
    /// Written but the read-back found files that differ, or writing failed.
    Failed {
        reason: String,
        differs: Vec<String>,
    },
}

/// Seconds a stick spent in each step of its copy.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Phases {
    /// Writing the files, including waiting for the source's next chunk.
    pub write: f64,
    /// fsync of every file and folder.
    pub flush: f64,
    /// Reading every file back from the stick and hashing it.
    pub read_back: f64,
}

/// One destination: what it is and how the copy went.
#[derive(Debug, Clone)]
pub struct StickResult {
    pub dest: PathBuf,
    pub stick: Option<Stick>,
    pub outcome: Outcome,
}

/// A message from the reader to each writer.
enum Msg {
    Open(usize),
    Data(Arc<Vec<u8>>, usize),
    Close,
    /// The source could not be read: stop, mark nothing as copied.
    Abort,
}

/// Where a stick's copy is being written.
struct Target {
    /// The kit folder being written: `DEST/NAME`, or a folder beside it
    /// with `--replace`.
    work: PathBuf,
    final_dir: PathBuf,
    /// `DEST/NAME.zip` with `--with-zip`, written under a temp name first.
    zip_tmp: Option<PathBuf>,
    zip_final: Option<PathBuf>,
}

/// Copy `src` to every destination at once. `bars` gives each stick its
/// progress (bytes written then bytes read back); `now` is the Unix time
/// for the receipt.
pub fn copy(
    src: &Source,
    dests: &[PathBuf],
    opts: &Options,
    bars: &[&(dyn Progress + Sync)],
    now: i64,
) -> Result<Vec<StickResult>, CopyError> {
    if opts.with_zip && src.zip.is_none() {
        return Err(CopyError::WithZipNeedsZip(src.path.display().to_string()));
    }
    for (i, d) in dests.iter().enumerate() {
        if dests[..i].iter().any(|e| crate::fsutil::same_file(d, e)) {
            return Err(CopyError::SameDest(d.display().to_string()));
        }
    }
    let mut sizes: Vec<(String, u64)> = src.files.iter().map(|f| (f.rel.clone(), f.size)).collect();
    sizes.push((RECEIPT.into(), 4096));
    let zip_name = format!("{}.zip", src.name);
    let mut results = Vec::new();
    let mut live = Vec::new();
    for (i, d) in dests.iter().enumerate() {
        let stick = match stick::examine(d) {
            Ok(s) => s,
            Err(e) => {
                results.push(StickResult {
                    dest: d.clone(),
                    stick: None,
                    outcome: Outcome::Refused {
                        reason: format!("cannot use it as a destination: {e}"),
                    },
                });
                continue;
            }
        };
        let mut need = sizes.clone();
        if opts.with_zip {
            need.push((format!("../{zip_name}"), src.zip_bytes));
        }
        let reason = stick::refusal(&stick, &src.name, &need, opts.replace);
        if let Some(reason) = reason {
            results.push(StickResult {
                dest: d.clone(),
                stick: Some(stick),
                outcome: Outcome::Refused { reason },
            });
            continue;
        }
        let final_dir = stick.dir.join(&src.name);
        let work = if opts.replace && std::fs::symlink_metadata(&final_dir).is_ok() {
            stick.dir.join(format!(".screenkit-new-{}", src.name))
        } else {
            final_dir.clone()
        };
        let target = Target {
            work,
            final_dir,
            zip_tmp: opts
                .with_zip
                .then(|| stick.dir.join(format!(".screenkit-new-{zip_name}"))),
            zip_final: opts.with_zip.then(|| stick.dir.join(&zip_name)),
        };
        results.push(StickResult {
            dest: d.clone(),
            stick: Some(stick),
            outcome: Outcome::Refused {
                reason: String::new(),
            },
        });
        live.push((results.len() - 1, target, bars.get(i).copied()));
    }
    if live.is_empty() {
        return Ok(results);
    }
    let start = std::time::Instant::now();
    let total = src.bytes() + if opts.with_zip { src.zip_bytes } else { 0 };
    // The receipt names the zip by its SHA-256: hashed beside the copy,
    // reading the zip a second time while its pages are still cached.
    let outcomes = std::thread::scope(|s| {
        let zip_hash = src.zip.as_ref().map(|z| s.spawn(move || hash_file(z)));
        let (free_tx, free_rx) = sync_channel::<Vec<u8>>(POOL);
        let mut txs = Vec::new();
        let mut handles = Vec::new();
        for (_, target, bar) in &live {
            let (tx, rx) = sync_channel::<Msg>(POOL + 4);
            txs.push(tx);
            let free_tx = free_tx.clone();
            let bar: &(dyn Progress + Sync) = (*bar).unwrap_or(&crate::progress::Quiet);
            handles.push(s.spawn(move || {
                bar.start(Some((total * 2) as i64));
                write_stick(rx, free_tx, src, target, bar, total)
            }));
        }
        drop(free_tx);
        let read = read_source(src, opts.with_zip, &txs, &free_rx);
        if read.is_err() {
            for tx in &txs {
                let _ = tx.send(Msg::Abort);
            }
        }
        drop(txs);
        let written: Vec<Result<Written, String>> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the writing thread panicked".into()))
            })
            .collect();
        let zip_sha = zip_hash.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("hashing thread panicked")))
        });
        (read, written, zip_sha)
    });
    let (read, written, zip_sha) = outcomes;
    if let Err(e) = read {
        // Nothing is marked as copied; a fresh copy's folder is left as
        // evidence (it has no receipt), a --replace copy's is removed.
        for (_, t, _) in &live {
            if t.work != t.final_dir {
                let _ = std::fs::remove_dir_all(&t.work);
            }
            if let Some(z) = &t.zip_tmp {
                let _ = std::fs::remove_file(z);
            }
        }
        return Err(CopyError::SourceRead(src.path.display().to_string(), e));
    }
    let zip_sha = match zip_sha {
        Some(Ok((h, _))) => Some(h),
        Some(Err(e)) => {
            return Err(CopyError::SourceRead(
                src.path.display().to_string(),
                e.to_string(),
            ));
        }
        None => None,
    };
    for ((slot, target, bar), w) in live.iter().zip(written) {
        let outcome = match w {
            Ok(w) => finish(src, target, w, zip_sha.as_deref(), now, start),
            Err(reason) => Outcome::Failed {
                reason,
                differs: Vec::new(),
            },
        };
        if let Some(b) = bar {
            b.finish();
        }
        if !matches!(outcome, Outcome::Written { .. }) && target.work != target.final_dir {
            let _ = std::fs::remove_dir_all(&target.work);
        }
        results[*slot].outcome = outcome;
    }
    Ok(results)
}

/// Read the source once, in order, handing each chunk to every writer.
fn read_source(
    src: &Source,
    with_zip: bool,
    txs: &[SyncSender<Msg>],
    free_rx: &Receiver<Vec<u8>>,
) -> Result<(), String> {
    let mut pool = Pool {
        stash: Vec::new(),
        spare: POOL,
        rx: free_rx,
    };
    let mut pump = |idx: usize, r: &mut dyn Read| -> Result<(), String> {
        send_all(txs, &|| Msg::Open(idx));
        loop {
            let mut buf = pool.take();
            let k = read_full(r, &mut buf).map_err(|e| e.to_string())?;
            if k == 0 {
                pool.stash.push(buf);
                break;
            }
            let shared = Arc::new(buf);
            for tx in txs {
                if let Err(std::sync::mpsc::SendError(Msg::Data(b, _))) =
                    tx.send(Msg::Data(Arc::clone(&shared), k))
                    && let Some(v) = Arc::into_inner(b)
                {
                    pool.stash.push(v);
                }
            }
            if let Some(v) = Arc::into_inner(shared) {
                pool.stash.push(v);
            }
        }
        send_all(txs, &|| Msg::Close);
        Ok(())
    };
    if with_zip && let Some(z) = &src.zip {
        let mut f = std::fs::File::open(z).map_err(|e| format!("{}: {e}", z.display()))?;
        pump(usize::MAX, &mut f)?;
    }
    let mut archive = match &src.zip {
        Some(z) => Some(
            zip::ZipArchive::new(std::fs::File::open(z).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    for (idx, f) in src.files.iter().enumerate() {
        let who = format!("{}/{}", src.name, f.rel);
        match (&f.from, archive.as_mut()) {
            (Origin::ZipEntry(i), Some(a)) => {
                let mut e = a.by_index(*i).map_err(|e| format!("{who}: {e}"))?;
                pump(idx, &mut e).map_err(|e| format!("{who}: {e}"))?;
            }
            (Origin::Path(p), _) => {
                let mut r = std::fs::File::open(p).map_err(|e| format!("{who}: {e}"))?;
                pump(idx, &mut r).map_err(|e| format!("{who}: {e}"))?;
            }
            (Origin::ZipEntry(_), None) => return Err(format!("{who}: no zip open")),
        }
    }
    Ok(())
}

/// The chunk buffers: at most POOL exist; one comes back to the reader
/// from whichever holder lets go of it last.
struct Pool<'a> {
    stash: Vec<Vec<u8>>,
    spare: usize,
    rx: &'a Receiver<Vec<u8>>,
}

impl Pool<'_> {
    fn take(&mut self) -> Vec<u8> {
        if let Some(v) = self.stash.pop() {
            return v;
        }
        if self.spare > 0 {
            self.spare -= 1;
            return aligned_vec();
        }
        // Every writer holds a sender until it is done, so this waits for
        // the slowest stick, not forever.
        self.rx.recv().unwrap_or_else(|_| aligned_vec())
    }
}

fn send_all(txs: &[SyncSender<Msg>], m: &dyn Fn() -> Msg) {
    for tx in txs {
        // A writer that has gone is judged by its own result.
        let _ = tx.send(m());
    }
}

/// A chunk buffer with room to start at an O_DIRECT-aligned address.
fn aligned_vec() -> Vec<u8> {
    vec![0u8; CHUNK + ALIGN]
}

/// The aligned CHUNK-long window of an `aligned_vec`.
#[cfg(target_os = "linux")]
fn window(buf: &mut [u8]) -> &mut [u8] {
    let off = buf.as_ptr().align_offset(ALIGN).min(ALIGN);
    &mut buf[off..off + CHUNK]
}

/// Fill `buf` as far as the reader allows; 0 only at the end. Data sits at
/// the start of `buf` (writers take `buf[..k]`).
fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let want = CHUNK.min(buf.len());
    let mut k = 0;
    while k < want {
        match r.read(&mut buf[k..want]) {
            Ok(0) => break,
            Ok(n) => k += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(k)
}

/// What a writer did, for `finish`.
struct Written {
    files: usize,
    bytes: u64,
    read_back: ReadBack,
    /// Files whose read-back hash is not the manifest's.
    differs: Vec<String>,
    /// The hash of the zip copy as read back, with `--with-zip`.
    zip_read_back: Option<String>,
    phases: Phases,
}

/// Write every file the reader sends, flush files and folders, then read
/// it all back. A stick that fails keeps draining its channel so the
/// others go on.
fn write_stick(
    rx: Receiver<Msg>,
    free_tx: SyncSender<Vec<u8>>,
    src: &Source,
    t: &Target,
    bar: &(dyn Progress + Sync),
    total: u64,
) -> Result<Written, String> {
    let mut error: Option<String> = None;
    let mut aborted = false;
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut open: Option<(std::fs::File, PathBuf)> = None;
    let mut done = 0u64;
    let mut phases = Phases::default();
    let clock = std::time::Instant::now();
    if t.work != t.final_dir && std::fs::symlink_metadata(&t.work).is_ok() {
        // Left by a copy that was stopped before its swap: ours to remove.
        let _ = std::fs::remove_dir_all(&t.work);
    }
    if let Err(e) = std::fs::create_dir_all(&t.work) {
        error = Some(format!("{}: {e}", t.work.display()));
    }
    dirs.insert(t.work.clone());
    let path_of = |idx: usize| -> PathBuf {
        if idx == usize::MAX {
            t.zip_tmp.clone().unwrap_or_default()
        } else {
            t.work.join(&src.files[idx].rel)
        }
    };
    for msg in rx {
        match msg {
            Msg::Open(idx) if error.is_none() => {
                let p = path_of(idx);
                let made = (|| {
                    if let Some(parent) = p.parent()
                        && !dirs.contains(parent)
                    {
                        std::fs::create_dir_all(parent)?;
                        let mut d = parent.to_path_buf();
                        while d.starts_with(&t.work) && dirs.insert(d.clone()) {
                            if !d.pop() {
                                break;
                            }
                        }
                    }
                    std::fs::File::create(&p)
                })();
                match made {
                    Ok(f) => open = Some((f, p)),
                    Err(e) => error = Some(format!("{}: {e}", p.display())),
                }
            }
            Msg::Data(buf, k) => {
                if error.is_none()
                    && let Some((f, p)) = open.as_mut()
                {
                    if let Err(e) = f.write_all(&buf[..k]) {
                        error = Some(format!("{}: {e}", p.display()));
                    }
                    done += k as u64;
                    bar.advance(done as i64);
                }
                if let Some(v) = Arc::into_inner(buf) {
                    let _ = free_tx.try_send(v);
                }
            }
            Msg::Close => {
                let t0 = std::time::Instant::now();
                if let Some((f, p)) = open.take()
                    && error.is_none()
                    && let Err(e) = flush_and_drop(&f)
                {
                    error = Some(format!("{}: {e}", p.display()));
                }
                phases.flush += t0.elapsed().as_secs_f64();
            }
            Msg::Abort => aborted = true,
            Msg::Open(_) => {}
        }
    }
    drop(free_tx);
    if aborted {
        return Err("the source could not be read".into());
    }
    if let Some(e) = error {
        return Err(format!("writing failed: {e}"));
    }
    phases.write = clock.elapsed().as_secs_f64() - phases.flush;
    let t0 = std::time::Instant::now();
    // Deepest first, then the stick's own folder, which holds the new names.
    let mut order: Vec<&PathBuf> = dirs.iter().collect();
    order.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in order {
        sync_dir(d).map_err(|e| format!("{}: flushing the folder: {e}", d.display()))?;
    }
    if let Some(parent) = t.work.parent() {
        sync_dir(parent).map_err(|e| format!("{}: flushing the folder: {e}", parent.display()))?;
    }
    phases.flush += t0.elapsed().as_secs_f64();
    let t0 = std::time::Instant::now();
    let mut read_back = ReadBack::ODirect;
    let mut differs = Vec::new();
    let mut checked = total;
    for f in &src.files {
        let p = t.work.join(&f.rel);
        let (sha, n, how) =
            hash_file_uncached(&p).map_err(|e| format!("{}: reading back: {e}", p.display()))?;
        read_back = worse(read_back, how);
        checked += n;
        bar.advance(checked as i64);
        if src.expected.get(&f.rel) != Some(&sha) || n != f.size {
            differs.push(f.rel.clone());
        }
    }
    let zip_read_back = match &t.zip_tmp {
        Some(z) => {
            let (sha, _, how) =
                hash_file_uncached(z).map_err(|e| format!("{}: reading back: {e}", z.display()))?;
            read_back = worse(read_back, how);
            Some(sha)
        }
        None => None,
    };
    phases.read_back = t0.elapsed().as_secs_f64();
    Ok(Written {
        files: src.files.len(),
        bytes: total,
        read_back,
        differs,
        zip_read_back,
        phases,
    })
}

fn worse(a: ReadBack, b: ReadBack) -> ReadBack {
    use ReadBack::*;
    match (a, b) {
        (PageCache, _) | (_, PageCache) => PageCache,
        (DroppedCache, _) | (_, DroppedCache) => DroppedCache,
        _ => ODirect,
    }
}

/// fsync, then let go of the file's cached pages so the read-back has to
/// fetch them from the stick.
fn flush_and_drop(f: &std::fs::File) -> std::io::Result<()> {
    f.sync_all()?;
    #[cfg(target_os = "linux")]
    let _ = rustix::fs::fadvise(f, 0, None, rustix::fs::Advice::DontNeed);
    Ok(())
}

/// fsync a folder so the names in it are on the stick. File systems that
/// cannot sync a folder say so with EINVAL; their writes are synchronous
/// for metadata or the files' own fsync covered it.
fn sync_dir(d: &Path) -> std::io::Result<()> {
    match std::fs::File::open(d)?.sync_all() {
        Err(e)
            if e.kind() == std::io::ErrorKind::InvalidInput
                || e.kind() == std::io::ErrorKind::Unsupported =>
        {
            Ok(())
        }
        r => r,
    }
}

/// SHA-256 and length of a file read through the page cache.
fn hash_file(p: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(p)?;
    let mut h = Sha256::new();
    let mut buf = aligned_vec();
    let mut n = 0u64;
    loop {
        let k = read_full(&mut f, &mut buf)?;
        if k == 0 {
            return Ok((crate::kit::hex(&h.finalize()), n));
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
}

/// SHA-256 and length of a file as the stick holds it: with O_DIRECT where
/// the file system takes it, else after dropping its cached pages.
fn hash_file_uncached(p: &Path) -> std::io::Result<(String, u64, ReadBack)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let direct = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::DIRECT.bits() as i32)
            .open(p);
        if let Ok(mut f) = direct {
            match hash_direct(&mut f) {
                Ok((h, n)) => return Ok((h, n, ReadBack::ODirect)),
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) => {}
                Err(e) => return Err(e),
            }
        }
        let f = std::fs::File::open(p)?;
        let _ = rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed);
        drop(f);
        let (h, n) = hash_file(p)?;
        Ok((h, n, ReadBack::DroppedCache))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let (h, n) = hash_file(p)?;
        Ok((h, n, ReadBack::PageCache))
    }
}

/// Read with O_DIRECT: whole aligned chunks into an aligned buffer; the
/// last read comes back short.
#[cfg(target_os = "linux")]
fn hash_direct(f: &mut std::fs::File) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = aligned_vec();
    let w = window(&mut buf);
    let mut n = 0u64;
    loop {
        let mut k = 0;
        while k < w.len() {
            match f.read(&mut w[k..]) {
                Ok(0) => break,
                Ok(m) => k += m,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            // A short read is the end of the file; another read at an
            // unaligned offset would be refused.
            if k % ALIGN != 0 {
                break;
            }
        }
        if k == 0 {
            return Ok((crate::kit::hex(&h.finalize()), n));
        }
        h.update(&w[..k]);
        n += k as u64;
        if k < w.len() {
            return Ok((crate::kit::hex(&h.finalize()), n));
        }
    }
}

/// After the read-back: the receipt, the tag manifest that lists it, the
/// swap with an old copy, and the zip copy's final name.
fn finish(
    src: &Source,
    t: &Target,
    mut w: Written,
    zip_sha: Option<&str>,
    now: i64,
    start: std::time::Instant,
) -> Outcome {
    let mut differs = std::mem::take(&mut w.differs);
    if let (Some(got), Some(want)) = (&w.zip_read_back, zip_sha)
        && got != want
    {
        differs.push(format!("../{}.zip", src.name));
    }
    let passed = differs.is_empty();
    let receipt = receipt_text(src, zip_sha, &w, passed, &differs, now);
    let done = (|| -> std::io::Result<()> {
        write_receipt(&t.work, &receipt)?;
        if !passed {
            return Ok(());
        }
        if t.work != t.final_dir {
            let old = t
                .final_dir
                .with_file_name(format!(".screenkit-old-{}", src.name));
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(&t.final_dir, &old)?;
            std::fs::rename(&t.work, &t.final_dir)?;
            if let Some(parent) = t.final_dir.parent() {
                sync_dir(parent)?;
            }
            std::fs::remove_dir_all(&old)?;
        }
        if let (Some(tmp), Some(fin)) = (&t.zip_tmp, &t.zip_final) {
            std::fs::rename(tmp, fin)?;
        }
        if let Some(parent) = t.final_dir.parent() {
            sync_dir(parent)?;
        }
        Ok(())
    })();
    if let Err(e) = done {
        return Outcome::Failed {
            reason: format!("finishing the copy: {e}"),
            differs,
        };
    }
    if !passed {
        if let Some(tmp) = &t.zip_tmp {
            let _ = std::fs::remove_file(tmp);
        }
        return Outcome::Failed {
            reason: format!(
                "{} read back from the stick {} from what was written (checked against the kit's manifests): the stick may be failing or fake: copy again, and if it fails again use another stick",
                crate::output::plural(differs.len(), "file"),
                if differs.len() == 1 {
                    "differs"
                } else {
                    "differ"
                }
            ),
            differs,
        };
    }
    Outcome::Written {
        files: w.files,
        bytes: w.bytes,
        read_back: w.read_back,
        seconds: start.elapsed().as_secs_f64(),
        phases: w.phases,
        replaced: t.work != t.final_dir,
    }
}

fn receipt_text(
    src: &Source,
    zip_sha: Option<&str>,
    w: &Written,
    passed: bool,
    differs: &[String],
    now: i64,
) -> String {
    let (y, m, d) = crate::kit::bag::civil(now.div_euclid(86_400));
    let s = now.rem_euclid(86_400);
    let mut r = format!(
        "Copied-At: {y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z\nCopied-By: screenkit {}\n",
        s / 3600,
        s / 60 % 60,
        s % 60,
        env!("CARGO_PKG_VERSION")
    );
    match (&src.zip, zip_sha) {
        (Some(z), Some(h)) => {
            let file = z
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            r.push_str(&format!("Source-Zip: {file}\nSource-Zip-SHA256: {h}\n"));
        }
        _ => r.push_str(&format!("Source-Folder: {}\n", src.path.display())),
    }
    r.push_str(&format!("Files: {} ({} bytes)\n", w.files, src.bytes()));
    if passed {
        r.push_str(&format!(
            "Read-Back: passed: every file {} and matched its SHA-256 in the manifests\n",
            w.read_back.words()
        ));
    } else {
        r.push_str(&format!(
            "Read-Back: FAILED: {} {}: {}\n",
            crate::output::plural(differs.len(), "file"),
            if differs.len() == 1 {
                "differs"
            } else {
                "differ"
            },
            differs.join(", ")
        ));
    }
    r
}

/// Write COPIED.txt and list it in the tag manifest (replacing any line an
/// earlier copy left), both flushed and read back.
fn write_receipt(work: &Path, text: &str) -> std::io::Result<()> {
    let receipt = work.join(RECEIPT);
    let mut f = std::fs::File::create(&receipt)?;
    f.write_all(text.as_bytes())?;
    flush_and_drop(&f)?;
    let sha = crate::kit::hex(&Sha256::digest(text.as_bytes()));
    let tm = work.join(TAGMANIFEST);
    let old = std::fs::read_to_string(&tm)?;
    let mut lines: String = old
        .lines()
        .filter(|l| l.split_whitespace().nth(1) != Some(RECEIPT))
        .map(|l| format!("{l}\n"))
        .collect();
    lines.push_str(&format!("{sha}  {RECEIPT}\n"));
    let tmp = work.join(format!(".{TAGMANIFEST}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(lines.as_bytes())?;
    flush_and_drop(&f)?;
    std::fs::rename(&tmp, &tm)?;
    sync_dir(work)?;
    for (p, want) in [(receipt, text), (tm, lines.as_str())] {
        let (got, _, _) = hash_file_uncached(&p)?;
        if got != crate::kit::hex(&Sha256::digest(want.as_bytes())) {
            return Err(std::io::Error::other(format!(
                "{}: reads back differently from what was written",
                p.display()
            )));
        }
    }
    Ok(())
}

/// Eject a stick after the copy, with the system's own tool when there is
/// one; Err says what to do instead.
pub fn eject(s: &Stick) -> Result<String, String> {
    let on_path = |tool: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
    };
    let run = |cmd: &mut std::process::Command| match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Err(e.to_string()),
    };
    if on_path("udisksctl")
        && let Some(dev) = &s.device
    {
        run(std::process::Command::new("udisksctl").args(["unmount", "--block-device", dev]))
            .map_err(|e| format!("udisksctl unmount {dev}: {e}; eject it from the desktop"))?;
        let _ =
            run(std::process::Command::new("udisksctl").args(["power-off", "--block-device", dev]));
        return Ok(format!("ejected ({dev}, udisksctl)"));
    }
    if on_path("diskutil") {
        run(std::process::Command::new("diskutil")
            .arg("eject")
            .arg(&s.dir))
        .map_err(|e| format!("diskutil eject: {e}; eject it from the Finder"))?;
        return Ok("ejected (diskutil)".into());
    }
    Err("no udisksctl or diskutil here: eject it from the desktop before pulling it out".into())
}
