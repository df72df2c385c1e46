//! Writing output files without ever losing data: a temp file in the same
//! folder, renamed over the target only when complete, so an interrupted
//! run never leaves a partial file; `--in-place` keeps a numbered backup.
//!
//! Every output file goes through here so that all of them get the same
//! permissions: a new file gets what the umask allows (0644 under the usual
//! 022), as `>` in a shell would give it, so a kit built by one user can be
//! read by another and a web server can serve a fixed file; a file that is
//! replaced keeps its mode (and, where permitted, its owner and group).
//!
//! Temp files are never left behind. Each one is named
//! `.screenkit-PID-XXXXXX…tmp` and listed in a registry of live temp paths
//! until it is renamed: on SIGINT or SIGTERM, [`remove_temps_on_signal`]'s
//! watcher removes every listed file and exits with 130 or 143. A SIGKILL
//! cannot be caught, so every run that makes a temp file in a folder first
//! removes the stale temp files of its own kind there: those whose PID is
//! no running process on this machine (read from `/proc`; where there is
//! no `/proc`, nothing is removed). A temp file of a live screenkit, or of
//! any process that now has that PID, is left alone.

use std::collections::BTreeSet;
use std::fs::{File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tempfile::NamedTempFile;

/// Temp files made and not yet renamed: what a signal removes. One that
/// was dropped on an error path stays listed, harmlessly: removing it then
/// finds nothing.
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Every temp file's name starts with this, then the PID and a dash.
const TEMP_PREFIX: &str = ".screenkit-";

fn live() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    // A panic while holding the lock leaves the set itself intact.
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Watch for SIGINT and SIGTERM on a thread of its own: remove every live
/// temp file, then exit with 128 + the signal (130, 143) as a shell would
/// report it. Call once, at start; a failure to install leaves the default
/// behaviour (die at once), which the next run's sweep then tidies after.
#[cfg(unix)]
pub fn remove_temps_on_signal() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Held to the end: no new temp file can be listed (and then
            // missed) between this sweep and the exit.
            let live = live();
            for path in live.iter() {
                let _ = std::fs::remove_file(path);
            }
            std::process::exit(128 + sig);
        }
    });
}

#[cfg(not(unix))]
pub fn remove_temps_on_signal() {}

/// Drops `path` from the live list once it is renamed or removed.
fn forget(path: &Path) {
    live().remove(path);
}

/// Remove temp files of ours in `dir` left by a run that was killed: the
/// PID in the name is no running process. Best effort: a file that cannot
/// be removed stays, and the run goes on.
fn sweep_stale(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = stale_pid(&name.to_string_lossy()) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The PID in a temp file name of ours (`.screenkit-PID-XXXXXX….tmp`).
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    if !rest.ends_with(".tmp") {
        return None;
    }
    let (pid, random) = rest.split_once('-')?;
    if pid.is_empty() || random.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Write `data` to `dest` atomically (temp file + rename). A device or a
/// pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to directly:
/// renaming over it would replace the device node with a plain file.
pub fn write_atomic(dest: &Path, data: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(dest).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut f = std::fs::OpenOptions::new().write(true).open(dest)?;
        return f.write_all(data);
    }
    let mut tmp = temp_beside(dest, ".tmp")?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    persist(tmp, dest)
}

/// A temp file in `dest`'s folder (so the final rename stays on one file
/// system), created with the mode a new file gets under the umask.
pub fn temp_beside(dest: &Path, suffix: &str) -> std::io::Result<NamedTempFile> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    temp_in(dir, suffix)
}

/// A temp file in `dir`, created with the mode a new file gets under the
/// umask (tempfile's own default is 0600 whatever the umask).
pub fn temp_in(dir: &Path, suffix: &str) -> std::io::Result<NamedTempFile> {
    sweep_stale(dir);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The kernel masks the mode given at creation with the umask.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Listed under the lock, so a signal's sweep sees it or it is not made.
    let mut live = live();
    let tmp = b.tempfile_in(dir)?;
    live.insert(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Rename a finished temp file over `dest`. If `dest` is an existing file,
/// the new one first takes its mode, owner and group, so a rewrite never
/// changes who may read it.
pub fn persist(tmp: NamedTempFile, dest: &Path) -> std::io::Result<()> {
    if let Some(old) = std::fs::metadata(dest).ok().filter(Metadata::is_file) {
        keep_access(tmp.as_file(), &old)?;
    }
    let path = tmp.path().to_path_buf();
    let done = tmp.persist(dest).map_err(|e| e.error);
    if done.is_ok() {
        forget(&path);
    }
    done.map(drop)
}

#[cfg(unix)]
fn keep_access(file: &File, old: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
        // Only root may give a file away, and only to a group one belongs
        // to otherwise: keep as much as is permitted, then go on (the file
        // is still ours, with the old mode). Owner first: a chown may
        // clear set-id bits that the chmod below then restores.
        if std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
        }
    }
    file.set_permissions(old.permissions())
}

#[cfg(not(unix))]
fn keep_access(file: &File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

/// Whether `a` and `b` are one file: the same device and inode, however
/// each is spelt (`./x`, a symlink, a hard link). A path that does not
/// exist is no file's twin.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            (x.dev(), x.ino()) == (y.dev(), y.ino())
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

/// The first of `inputs` that writing `output` would overwrite, if any.
/// Every command that writes a file checks this before writing: only
/// `--in-place` may replace an input, and it keeps a backup.
pub fn overwrites_input<'a>(output: &Path, inputs: &[&'a Path]) -> Option<&'a Path> {
    inputs.iter().copied().find(|i| same_file(output, i))
}

/// A backup path for `file` that does not exist yet: `FILE.bak`, then
/// `FILE.bak.2`, `FILE.bak.3` … so a second `--in-place` never overwrites
/// the first (original) backup.
pub fn free_backup_path(file: &Path) -> PathBuf {
    let base = format!("{}.bak", file.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}.{n}"));
        n += 1;
    }
    candidate
}

/// Replace `file` with `data`, keeping the old content as a backup; returns
/// the backup path. The backup is complete and synced under a temp name,
/// then renamed to a free `.bak` name, before the file is touched: a run
/// that fails (a full disk) leaves the original as it was and no backup.
/// A symlink stays a link: its target is rewritten (the backup sits beside
/// the link, under the name the user gave).
pub fn replace_with_backup(file: &Path, data: &[u8]) -> std::io::Result<PathBuf> {
    let target = std::fs::canonicalize(file)?;
    let mut original = File::open(&target)?;
    let mut tmp = temp_beside(file, ".bak.tmp")?;
    std::io::copy(&mut original, tmp.as_file_mut())?;
    keep_access(tmp.as_file(), &original.metadata()?)?;
    tmp.as_file().sync_all()?;
    let backup = persist_new(tmp, file)?;
    sync_dir(&backup);
    write_atomic(&target, data)?;
    Ok(backup)
}

/// Rename `tmp` to the first free backup name of `file`, never over an
/// existing file (another run may take a name between look and rename).
fn persist_new(mut tmp: NamedTempFile, file: &Path) -> std::io::Result<PathBuf> {
    let path = tmp.path().to_path_buf();
    loop {
        let candidate = free_backup_path(file);
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => {
                forget(&path);
                return Ok(candidate);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error),
        }
    }
}

/// Make a rename in `path`'s folder durable before going on; best effort
/// (not every system can sync a folder).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO stands for any device or pipe: it must still be one after
    /// the write, and its reader must get the bytes.
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.srt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable; skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"1\n00:00:01,000 --> 00:00:02,000\nHi\n").unwrap();
        // Checked before joining: a replaced FIFO would leave the reader
        // waiting for a writer forever.
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{kind:?}");
        assert_eq!(
            reader.join().unwrap(),
            b"1\n00:00:01,000 --> 00:00:02,000\nHi\n"
        );
    }

    /// A new output gets the mode a plain `create` gets under this
    /// process's umask, whatever that is; tempfile alone would give 0600.
    #[cfg(unix)]
    #[test]
    fn new_files_get_the_umask_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "x").unwrap();
        let ours = dir.path().join("ours.srt");
        write_atomic(&ours, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&ours), mode(&plain));
    }

    /// Replacing a file, directly or with a backup, keeps its mode.
    #[cfg(unix)]
    #[test]
    fn replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        for want in [0o755, 0o640, 0o604] {
            let f = dir.path().join(format!("{want:o}.srt"));
            std::fs::write(&f, "v1").unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(want)).unwrap();
            write_atomic(&f, b"v2").unwrap();
            assert_eq!(mode(&f), want, "{want:o}");
            let bak = replace_with_backup(&f, b"v3").unwrap();
            assert_eq!((mode(&f), mode(&bak)), (want, want), "{want:o}");
        }
    }

    #[test]
    fn only_our_temp_names_carry_a_pid() {
        assert_eq!(stale_pid(".screenkit-123-abcDEF.zip.tmp"), Some(123));
        assert_eq!(stale_pid(".screenkit-9-x.bak.tmp"), Some(9));
        for other in [
            ".screenkit-abcDEF.tmp",
            ".screenkit-123-x.zip",
            ".screenkit--x.tmp",
            "screenkit-123-x.tmp",
            "talk.srt",
        ] {
            assert_eq!(stale_pid(other), None, "{other}");
        }
    }

    /// A temp file of a process that is gone is removed by the next temp
    /// file made in that folder; one of a live process (this one) stays,
    /// and so does anything not named like ours.
    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temps_of_dead_processes_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".screenkit-{dead}-abcdef.zip.tmp"));
        let ours = dir
            .path()
            .join(format!(".screenkit-{}-abcdef.tmp", std::process::id()));
        let theirs = dir.path().join(".screenkit-backup-notes.tmp");
        for f in [&stale, &ours, &theirs] {
            std::fs::write(f, "x").unwrap();
        }
        write_atomic(&dir.path().join("out.srt"), b"x").unwrap();
        assert!(!stale.exists());
        assert!(ours.exists() && theirs.exists());
    }

    /// A temp file is listed while it exists and forgotten once renamed.
    #[test]
    fn live_temps_are_listed_until_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_in(dir.path(), ".tmp").unwrap();
        let path = tmp.path().to_path_buf();
        assert!(live().contains(&path));
        persist(tmp, &dir.path().join("done")).unwrap();
        assert!(!live().contains(&path));
    }

    #[test]
    fn backups_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.srt");
        std::fs::write(&f, "v1").unwrap();
        let b1 = replace_with_backup(&f, b"v2").unwrap();
        let b2 = replace_with_backup(&f, b"v3").unwrap();
        assert_eq!(std::fs::read_to_string(&b1).unwrap(), "v1");
        assert_eq!(std::fs::read_to_string(&b2).unwrap(), "v2");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "v3");
        assert_ne!(b1, b2);
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }
}
