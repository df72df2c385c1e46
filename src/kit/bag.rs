//! `build`: a kit as one zip that unpacks to `NAME/`, a BagIt 1.0 bag
//! (RFC 8493; `shared/research/packaging.md` §1–2).
//!
//! Entries are written in sorted order with fixed timestamps and
//! permissions, so identical input gives byte-identical output. Sorting also
//! means each generated file only depends on entries before it: payload
//! (`data/…`) comes before `manifest-sha256.txt`, which comes before
//! `tagmanifest-sha256.txt`. SHA-256 is computed in the same read pass as
//! the zip write (on a second thread), media is Stored and text Deflated, zip64 is on for
//! large files, the writer seeks (no data descriptors), and the archive is
//! written to a temp file that is renamed only when complete.

use super::hex;
use crate::progress::Progress;
use sha2::{Digest, Sha256};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

#[derive(Debug, Error)]
pub enum BuildError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("{0}")]
    Content(String),
}

/// What goes in one entry.
pub enum Content {
    File(PathBuf),
    Bytes(Vec<u8>),
}

/// One file of the bag, by its path inside the bag (`data/clips/x.mp4`).
pub struct Entry {
    pub path: String,
    pub content: Content,
}

/// A built kit.
#[derive(Debug, Clone)]
pub struct Built {
    pub zip: PathBuf,
    /// Size of the zip in bytes.
    pub zip_bytes: u64,
    /// Files under `data/`.
    pub payload_files: usize,
    /// The bag's own files beside `data/`: bagit.txt, bag-info.txt, the two
    /// manifests and the given tag files. `verify` checks both kinds.
    pub tag_files: usize,
    pub payload_bytes: u64,
}

/// Media is already compressed; deflating it wastes time for nothing.
fn stored(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "mp4"
            | "m4v"
            | "m4a"
            | "mkv"
            | "webm"
            | "mp3"
            | "ogg"
            | "opus"
            | "flac"
            | "mov"
            | "png"
            | "jpg"
            | "jpeg"
            | "pdf"
            | "zip"
    )
}

/// Percent-encode what RFC 8493 requires in manifest paths.
fn manifest_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The zip timestamp and Bagging-Date for a Unix time (clamped to 1980…2107).
pub fn stamp(epoch: i64) -> (DateTime, String) {
    let (y, m, d) = civil(epoch.div_euclid(86_400));
    let secs = epoch.rem_euclid(86_400);
    let y = y.clamp(1980, 2107);
    let dt = DateTime::from_date_and_time(
        y as u16,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
    )
    .unwrap_or_default();
    (dt, format!("{y:04}-{m:02}-{d:02}"))
}

/// Copy a file into the open zip entry, hashing it on a second thread as
/// the chunks go by: one read pass, and the hash overlaps the zip write
/// instead of adding to it. Buffers go round a pool (read → write → hash →
/// back): a fresh buffer per chunk would cost page faults and zeroing
/// every time. A file of one chunk or less (a subtitle) is hashed in line:
/// a thread and a pool for it cost more than its hash. Returns (SHA-256,
/// bytes).
fn stream_file(p: &Path, out: &mut impl Write) -> Result<(String, u64), BuildError> {
    // Large chunks: fewer reads, writes and hand-offs per byte; SHA-256
    // with SHA-NI then sets the pace, not the pipeline.
    const CHUNK: usize = 4 << 20;
    const POOL: usize = 4;
    let len = std::fs::metadata(p)
        .map_err(|e| BuildError::Io(p.display().to_string(), e))?
        .len();
    if len <= CHUNK as u64 {
        let b = std::fs::read(p).map_err(|e| BuildError::Io(p.display().to_string(), e))?;
        out.write_all(&b)
            .map_err(|e| BuildError::Io(p.display().to_string(), e))?;
        return Ok((hex(&Sha256::digest(&b)), b.len() as u64));
    }
    let mut f = std::fs::File::open(p).map_err(|e| BuildError::Io(p.display().to_string(), e))?;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<(Vec<u8>, usize)>(POOL);
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(POOL);
    for _ in 0..POOL {
        free_tx.send(vec![0u8; CHUNK]).expect("the pool has room");
    }
    std::thread::scope(|s| {
        let hasher = s.spawn(move || {
            let mut h = Sha256::new();
            let mut n = 0u64;
            for (buf, k) in full_rx {
                h.update(&buf[..k]);
                n += k as u64;
                // The reader may have stopped; a lost buffer is then harmless.
                let _ = free_tx.send(buf);
            }
            (hex(&h.finalize()), n)
        });
        let copied = (|| {
            loop {
                let Ok(mut buf) = free_rx.recv() else {
                    return Err(std::io::Error::other("hashing thread stopped"));
                };
                let k = read_full(&mut f, &mut buf)?;
                if k == 0 {
                    return Ok(());
                }
                out.write_all(&buf[..k])?;
                if full_tx.send((buf, k)).is_err() {
                    return Err(std::io::Error::other("hashing thread stopped"));
                }
            }
        })();
        drop(full_tx);
        let hashed = hasher.join().map_err(|_| {
            BuildError::Content(format!("{}: hashing thread panicked", p.display()))
        })?;
        copied.map_err(|e| BuildError::Io(p.display().to_string(), e))?;
        Ok(hashed)
    })
}

/// Fill `buf` as far as the file allows; 0 only at the end.
fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut k = 0;
    while k < buf.len() {
        match f.read(&mut buf[k..]) {
            Ok(0) => break,
            Ok(n) => k += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(k)
}

/// The zip's file, which asks a background thread to flush what has been
/// written every `WRITEBACK` bytes: the disk writes while the build goes on
/// reading and hashing, and the fsync before the rename waits only for the
/// last stretch instead of the whole zip.
struct Writeback {
    file: std::fs::File,
    since: u64,
    tx: Option<std::sync::mpsc::SyncSender<()>>,
    syncer: Option<std::thread::JoinHandle<()>>,
}

const WRITEBACK: u64 = 64 << 20;

impl Writeback {
    /// `file` is written; `twin` (the same file opened again) is flushed.
    fn new(file: std::fs::File, twin: std::fs::File) -> Writeback {
        // One pending request at most: while a flush runs, more writes
        // just join the next one.
        let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
        let syncer = std::thread::spawn(move || {
            for () in rx {
                // Only a head start: the final fsync reports any error.
                let _ = twin.sync_data();
            }
        });
        Writeback {
            file,
            since: 0,
            tx: Some(tx),
            syncer: Some(syncer),
        }
    }

    /// The file, once the background flushes have stopped.
    fn into_inner(mut self) -> std::fs::File {
        self.tx = None;
        if let Some(h) = self.syncer.take() {
            let _ = h.join();
        }
        self.file
    }
}

impl Write for Writeback {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(b)?;
        self.since += n as u64;
        if self.since >= WRITEBACK {
            self.since = 0;
            if let Some(tx) = &self.tx {
                let _ = tx.try_send(());
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl std::io::Seek for Writeback {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(pos)
    }
}

/// Write the bag for `payload` + `tags` (top-level tag files such as
/// index.html and README.txt) as `out_dir/NAME.zip`. `info` is the
/// bag-info.txt body without Payload-Oxum and Bagging-Date.
pub fn write_bag(
    name: &str,
    payload: Vec<Entry>,
    tags: Vec<Entry>,
    info: &[(String, String)],
    out_dir: &Path,
    epoch: i64,
    progress: &dyn Progress,
) -> Result<Built, BuildError> {
    fn io(p: &Path) -> impl Fn(std::io::Error) -> BuildError + '_ {
        move |e| BuildError::Io(p.display().to_string(), e)
    }
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let mut sizes = Vec::new();
    for e in &payload {
        sizes.push(match &e.content {
            Content::File(p) => std::fs::metadata(p).map_err(io(p))?.len(),
            Content::Bytes(b) => b.len() as u64,
        });
    }
    let total: u64 = sizes.iter().sum();
    let (when, date) = stamp(epoch);
    // One line per tag: a line break in a value would forge a tag line
    // (`check KIT` names the kit.toml line; this holds under --force too).
    if let Some((k, _)) = info
        .iter()
        .find(|(_, v)| v.chars().any(super::check::breaks_tag_line))
    {
        return Err(BuildError::Content(format!(
            "bag-info.txt: the {k} value has a line break or control character; nothing built (run `screenkit check` on the kit)"
        )));
    }
    let mut bag_info: String = info.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    bag_info.push_str(&format!(
        "Bagging-Date: {date}\nPayload-Oxum: {total}.{}\n",
        payload.len()
    ));

    // Every entry, sorted by its path in the zip.
    enum Slot {
        Given(Entry),
        Manifest,
        TagManifest,
    }
    let mut slots: Vec<(String, Slot)> = Vec::new();
    let fixed = [
        (
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string(),
        ),
        ("bag-info.txt", bag_info),
    ];
    for (p, body) in fixed {
        slots.push((
            p.to_string(),
            Slot::Given(Entry {
                path: p.to_string(),
                content: Content::Bytes(body.into_bytes()),
            }),
        ));
    }
    for e in payload.into_iter().chain(tags) {
        slots.push((e.path.clone(), Slot::Given(e)));
    }
    slots.push(("manifest-sha256.txt".into(), Slot::Manifest));
    slots.push(("tagmanifest-sha256.txt".into(), Slot::TagManifest));
    // Paths come from ids and fixed names, never from where a source file
    // sits; this guard holds whatever check said and whatever --force let
    // through: a zip build writes must be one verify calls intact.
    use super::verify::{is_uncanonical, is_unsafe};
    for (p, _) in &slots {
        let full = format!("{name}/{p}");
        if name.is_empty() || name.contains('/') || is_unsafe(&full) || is_uncanonical(&full) {
            return Err(BuildError::Content(format!(
                "{full}: not a safe path inside the kit (from a clip id or the kit's folder name?); nothing built, and --force cannot override this"
            )));
        }
    }
    slots.sort_by(|a, b| a.0.cmp(&b.0));
    for w in slots.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(BuildError::Content(format!(
                "two files would be stored as {name}/{}",
                w[0].0
            )));
        }
    }

    let tag_files = slots.len() - sizes.len();
    let tmp = crate::fsutil::temp_in(out_dir, ".zip.tmp").map_err(io(out_dir))?;
    let mut zw = ZipWriter::new(BufWriter::with_capacity(
        1 << 20,
        Writeback::new(
            tmp.reopen().map_err(io(tmp.path()))?,
            tmp.reopen().map_err(io(tmp.path()))?,
        ),
    ));
    let base = SimpleFileOptions::default()
        .last_modified_time(when)
        .unix_permissions(0o644)
        .system(System::Unix);
    let (mut manifest, mut tagmanifest) = (String::new(), String::new());
    let mut done = 0u64;
    progress.start(Some(total as i64));
    for (path, slot) in slots {
        let content = match slot {
            Slot::Given(e) => e.content,
            Slot::Manifest => Content::Bytes(std::mem::take(&mut manifest).into_bytes()),
            Slot::TagManifest => Content::Bytes(std::mem::take(&mut tagmanifest).into_bytes()),
        };
        let is_payload = path.starts_with("data/");
        let size = match &content {
            Content::File(p) => std::fs::metadata(p).map_err(io(p))?.len(),
            Content::Bytes(b) => b.len() as u64,
        };
        let method = if stored(&path) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        // Decide zip64 up front: a late switch fails and leaves a partial file.
        let opts = base
            .compression_method(method)
            .large_file(size >= 0xFFFF_FFFF);
        zw.start_file(format!("{name}/{path}"), opts)?;
        let digest = match content {
            Content::File(p) => {
                let (digest, bytes) = stream_file(&p, &mut zw)?;
                if bytes != size {
                    return Err(BuildError::Content(format!(
                        "{} changed size while being packed",
                        p.display()
                    )));
                }
                digest
            }
            Content::Bytes(b) => {
                zw.write_all(&b)
                    .map_err(|e| BuildError::Io(path.clone(), e))?;
                hex(&Sha256::digest(&b))
            }
        };
        let line = format!("{digest}  {}\n", manifest_path(&path));
        if is_payload {
            manifest.push_str(&line);
            done += size;
            progress.advance(done as i64);
        } else if path != "tagmanifest-sha256.txt" {
            tagmanifest.push_str(&line);
        }
    }
    let mut file = zw
        .finish()?
        .into_inner()
        .map_err(|e| BuildError::Io(tmp.path().display().to_string(), e.into_error()))?
        .into_inner();
    file.flush().map_err(io(tmp.path()))?;
    file.sync_all().map_err(io(tmp.path()))?;
    let zip_bytes = file.metadata().map_err(io(tmp.path()))?.len();
    let zip = out_dir.join(format!("{name}.zip"));
    crate::fsutil::persist(tmp, &zip).map_err(|e| BuildError::Io(zip.display().to_string(), e))?;
    progress.finish();
    Ok(Built {
        zip,
        zip_bytes,
        payload_files: sizes.len(),
        tag_files,
        payload_bytes: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(stamp(0).1, "1980-01-01", "clamped to the zip epoch");
        assert_eq!(stamp(1_700_000_000).1, "2023-11-14");
        assert_eq!(stamp(951_782_400).1, "2000-02-29");
        assert_eq!(manifest_path("data/a%b\nc.txt"), "data/a%25b%0Ac.txt");
    }

    #[test]
    fn same_input_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("clip.mp4");
        std::fs::write(&media, vec![7u8; 10_000]).unwrap();
        let make = |out: &str| {
            let payload = vec![
                Entry {
                    path: "data/clips/clip.mp4".into(),
                    content: Content::File(media.clone()),
                },
                Entry {
                    path: "data/notes.txt".into(),
                    content: Content::Bytes(b"hello".to_vec()),
                },
            ];
            let tags = vec![Entry {
                path: "README.txt".into(),
                content: Content::Bytes(b"read me".to_vec()),
            }];
            let info = vec![("Source-Organization".to_string(), "test".to_string())];
            write_bag(
                "kit",
                payload,
                tags,
                &info,
                &dir.path().join(out),
                1_700_000_000,
                &crate::progress::Quiet,
            )
            .unwrap()
        };
        let (a, b) = (make("a"), make("b"));
        assert_eq!(
            std::fs::read(&a.zip).unwrap(),
            std::fs::read(&b.zip).unwrap(),
            "same input, same bytes"
        );
        assert_eq!(
            (a.payload_files, a.tag_files, a.payload_bytes),
            (2, 5, 10_005)
        );
        let mut z = zip::ZipArchive::new(std::fs::File::open(&a.zip).unwrap()).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "kit/README.txt",
                "kit/bag-info.txt",
                "kit/bagit.txt",
                "kit/data/clips/clip.mp4",
                "kit/data/notes.txt",
                "kit/manifest-sha256.txt",
                "kit/tagmanifest-sha256.txt"
            ]
        );
        let mut m = String::new();
        z.by_name("kit/manifest-sha256.txt")
            .unwrap()
            .read_to_string(&mut m)
            .unwrap();
        assert!(
            m.contains("  data/clips/clip.mp4\n") && m.lines().count() == 2,
            "{m}"
        );
        assert_eq!(
            z.by_name("kit/data/clips/clip.mp4").unwrap().compression(),
            CompressionMethod::Stored
        );
    }
}
