//! Writing output files without ever losing data: a temp file in the same
//! folder, renamed over the target only when complete, so an interrupted
//! run never leaves a partial file; `--in-place` keeps a numbered backup.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `data` to `dest` atomically (temp file + rename). A device or a
/// pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to directly:
/// renaming over it would replace the device node with a plain file.
pub fn write_atomic(dest: &Path, data: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(dest).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut f = std::fs::OpenOptions::new().write(true).open(dest)?;
        return f.write_all(data);
    }
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".screenkit-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(())
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
/// the backup path.
pub fn replace_with_backup(file: &Path, data: &[u8]) -> std::io::Result<PathBuf> {
    let backup = free_backup_path(file);
    std::fs::copy(file, &backup)?;
    write_atomic(file, data)?;
    Ok(backup)
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
