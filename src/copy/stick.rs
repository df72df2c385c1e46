//! What a destination can take, found before anything is written: its file
//! system (by the mount's type, or the device's boot sector when the mount
//! only says `fuseblk`), its free space, and which of the kit's names or
//! sizes it cannot hold.

use std::path::{Path, PathBuf};

/// A destination's file system, as far as it matters for a kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsKind {
    Fat32,
    /// FAT12/FAT16: the same 4 GiB limit, and tiny volumes.
    Fat16,
    ExFat,
    Ntfs,
    Apfs,
    HfsPlus,
    /// Anything else, by the name the system gives it (ext4, btrfs, tmpfs …).
    Other(String),
    Unknown,
}

impl FsKind {
    pub fn label(&self) -> String {
        match self {
            FsKind::Fat32 => "FAT32".into(),
            FsKind::Fat16 => "FAT16".into(),
            FsKind::ExFat => "exFAT".into(),
            FsKind::Ntfs => "NTFS".into(),
            FsKind::Apfs => "APFS".into(),
            FsKind::HfsPlus => "HFS+".into(),
            FsKind::Other(s) => s.clone(),
            FsKind::Unknown => "unknown".into(),
        }
    }

    fn is_fat(&self) -> bool {
        matches!(self, FsKind::Fat32 | FsKind::Fat16)
    }

    /// Windows' naming rules apply (reserved characters and device names).
    fn windows_names(&self) -> bool {
        matches!(
            self,
            FsKind::Fat32 | FsKind::Fat16 | FsKind::ExFat | FsKind::Ntfs
        )
    }

    /// Names that differ only in case are one file (as these are formatted
    /// by default).
    fn case_insensitive(&self) -> bool {
        matches!(
            self,
            FsKind::Fat32
                | FsKind::Fat16
                | FsKind::ExFat
                | FsKind::Ntfs
                | FsKind::Apfs
                | FsKind::HfsPlus
        )
    }
}

/// The kind from a boot sector: exFAT and NTFS name themselves at byte 3,
/// FAT32 at byte 82, FAT12/16 at byte 54.
pub fn from_boot_sector(b: &[u8]) -> FsKind {
    let at = |i: usize, s: &[u8]| b.get(i..i + s.len()) == Some(s);
    if at(3, b"EXFAT   ") {
        FsKind::ExFat
    } else if at(3, b"NTFS    ") {
        FsKind::Ntfs
    } else if at(82, b"FAT32   ") {
        FsKind::Fat32
    } else if at(54, b"FAT16   ") || at(54, b"FAT12   ") {
        FsKind::Fat16
    } else {
        FsKind::Unknown
    }
}

/// The kind from a mount type as `/proc/self/mountinfo` gives it; `device`
/// is read for its boot sector when the type only says "FUSE".
pub fn from_mount_type(fstype: &str, device: &str) -> FsKind {
    match fstype {
        "vfat" | "msdos" | "fuse.fusefat" => {
            // vfat also mounts FAT16; fusefat's source is not a device path
            // when it mounts an image, and then FAT32 is what it most likely is.
            match boot_sector(device) {
                Some(FsKind::Fat16) => FsKind::Fat16,
                _ => FsKind::Fat32,
            }
        }
        "exfat" | "fuse.exfat" | "fuse.exfat-fuse" | "fuse.mount.exfat-fuse" => FsKind::ExFat,
        "ntfs" | "ntfs3" | "fuse.ntfs-3g" | "fuse.ntfs" => FsKind::Ntfs,
        "apfs" => FsKind::Apfs,
        "hfsplus" | "hfs" => FsKind::HfsPlus,
        "fuseblk" | "fuse" => boot_sector(device).unwrap_or(FsKind::Unknown),
        other => FsKind::Other(other.to_string()),
    }
}

fn boot_sector(device: &str) -> Option<FsKind> {
    use std::io::Read;
    if !device.starts_with('/') {
        return None;
    }
    let mut b = [0u8; 512];
    std::fs::File::open(device).ok()?.read_exact(&mut b).ok()?;
    Some(from_boot_sector(&b)).filter(|k| *k != FsKind::Unknown)
}

/// A mount from `/proc/self/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub point: PathBuf,
    pub fstype: String,
    pub source: String,
}

/// mountinfo escapes space, tab, newline and backslash as octal.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|c| (b'0'..=b'7').contains(c)));
        if b[i] == b'\\'
            && let Some(d) = octal
        {
            out.push(
                d.iter()
                    .fold(0u8, |v, c| v.wrapping_mul(8).wrapping_add(c - b'0')),
            );
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mounts in a mountinfo text, in order (later mounts cover earlier).
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|l| {
            let (left, right) = l.split_once(" - ")?;
            let point = left.split(' ').nth(4)?;
            let mut r = right.split(' ');
            let fstype = r.next()?;
            let source = r.next().unwrap_or("");
            Some(Mount {
                point: PathBuf::from(unescape(point)),
                fstype: fstype.to_string(),
                source: unescape(source),
            })
        })
        .collect()
}

/// The mount `path` (absolute, resolved) lives on: the last-mounted of the
/// longest mount points above it.
pub fn mount_of<'a>(mounts: &'a [Mount], path: &Path) -> Option<&'a Mount> {
    let mut best: Option<&Mount> = None;
    for m in mounts {
        if path.starts_with(&m.point)
            && best.is_none_or(|b| m.point.components().count() >= b.point.components().count())
        {
            best = Some(m);
        }
    }
    best
}

/// What a destination is, before anything is written to it.
#[derive(Debug, Clone)]
pub struct Stick {
    pub dir: PathBuf,
    pub fs: FsKind,
    /// The block device, when the mount names one (for `--eject`).
    pub device: Option<String>,
    /// None when the system does not say (a FUSE mount reporting 0 blocks).
    pub free_bytes: Option<u64>,
    /// The allocation unit, for rounding each file up.
    pub block: u64,
}

/// Look at `dir` (an existing folder).
pub fn examine(dir: &Path) -> std::io::Result<Stick> {
    let abs = std::fs::canonicalize(dir)?;
    if !abs.is_dir() {
        return Err(std::io::Error::other("not a folder"));
    }
    let (fs, device) = match std::fs::read_to_string("/proc/self/mountinfo") {
        Ok(text) => {
            let mounts = parse_mountinfo(&text);
            match mount_of(&mounts, &abs) {
                Some(m) => (
                    from_mount_type(&m.fstype, &m.source),
                    Some(m.source.clone()).filter(|s| s.starts_with("/dev/")),
                ),
                None => (FsKind::Unknown, None),
            }
        }
        Err(_) => (FsKind::Unknown, None),
    };
    let (free_bytes, block) = match rustix::fs::statvfs(&abs) {
        // FUSE file systems that cannot count (fusefat) report 0 blocks:
        // that is "unknown", not "full".
        Ok(s) if s.f_blocks == 0 => (None, s.f_bsize.max(512)),
        Ok(s) => {
            let unit = if s.f_frsize > 0 {
                s.f_frsize
            } else {
                s.f_bsize
            };
            (Some(s.f_bavail.saturating_mul(unit)), s.f_bsize.max(512))
        }
        Err(_) => (None, 4096),
    };
    Ok(Stick {
        dir: abs,
        fs,
        device,
        free_bytes,
        block,
    })
}

/// The largest file FAT can hold: its size field is 32 bits.
pub const FAT_MAX_FILE: u64 = 0xFFFF_FFFF;

/// Why a destination cannot take the kit: the first reason found, in words
/// with what to do.
pub fn refusal(
    stick: &Stick,
    name: &str,
    files: &[(String, u64)],
    replace: bool,
) -> Option<String> {
    let fs = stick.fs.label();
    // `../NAME.zip` is the zip copy beside the kit folder (--with-zip).
    let shown = |p: &str| match p.strip_prefix("../") {
        Some(beside) => beside.to_string(),
        None => format!("{name}/{p}"),
    };
    if stick.fs.is_fat()
        && let Some((p, n)) = files.iter().find(|(_, n)| *n > FAT_MAX_FILE)
    {
        return Some(format!(
            "{fs} cannot hold a file of 4 GiB or more ({} is {:.2} GiB): reformat the stick as exFAT (read by Windows, macOS and Linux), or use another stick",
            shown(p),
            *n as f64 / (1u64 << 30) as f64
        ));
    }
    if stick.fs.windows_names() {
        for (p, _) in files {
            for part in std::iter::once(name).chain(p.split('/').filter(|x| *x != "..")) {
                if let Some(why) = bad_windows_name(part) {
                    return Some(format!(
                        "{fs} cannot hold the name {} ({why}); rename it in the kit and build again",
                        shown(p)
                    ));
                }
            }
        }
    }
    if stick.fs.case_insensitive() {
        let mut seen = std::collections::HashMap::new();
        for (p, _) in files {
            if let Some(other) = seen.insert(p.to_lowercase(), p) {
                return Some(format!(
                    "{} and {} would be one file on {fs}, which ignores case; rename one in the kit and build again",
                    shown(other),
                    shown(p)
                ));
            }
        }
    }
    let target = stick.dir.join(name);
    if std::fs::symlink_metadata(&target).is_ok() && !replace {
        let receipt = if target.join(super::RECEIPT).is_file() {
            "a copied kit"
        } else {
            "no COPIED.txt: perhaps an unfinished copy"
        };
        return Some(format!(
            "{} already exists ({receipt}); pass --replace to write the new copy beside it and swap once it checks out",
            target.display()
        ));
    }
    // The zip beside the kit (--with-zip) is someone's file too: replaced
    // only when asked, like the folder.
    if !replace
        && let Some(zip) = files.iter().find_map(|(p, _)| p.strip_prefix("../"))
        && std::fs::symlink_metadata(stick.dir.join(zip)).is_ok()
    {
        return Some(format!(
            "{} already exists; pass --replace to write the new zip beside it and swap once it checks out",
            stick.dir.join(zip).display()
        ));
    }
    if let Some(free) = stick.free_bytes {
        let need = space_needed(files, stick.block);
        if need > free {
            return Some(format!(
                "not enough room: the kit needs {:.1} MB, the stick has {:.1} MB free; use a bigger stick or free {:.1} MB",
                need as f64 / 1e6,
                free as f64 / 1e6,
                (need - free) as f64 / 1e6
            ));
        }
    }
    None
}

/// Bytes the files take with each rounded up to whole blocks, plus one
/// block per folder entry's worth of slack.
pub fn space_needed(files: &[(String, u64)], block: u64) -> u64 {
    let block = block.max(1);
    files
        .iter()
        .map(|(_, n)| n.div_ceil(block).max(1) * block)
        .sum::<u64>()
        + 16 * block
}

/// Why Windows (and so FAT, exFAT and NTFS as Windows writes them) refuses
/// a name, if it does.
pub fn bad_windows_name(part: &str) -> Option<String> {
    if let Some(c) = part
        .chars()
        .find(|c| matches!(c, '"' | '*' | ':' | '<' | '>' | '?' | '\\' | '|') || (*c as u32) < 32)
    {
        return Some(format!("the character {c:?}"));
    }
    if part.ends_with('.') || part.ends_with(' ') {
        return Some("it ends with a dot or a space".into());
    }
    let stem = part.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0');
    reserved.then(|| format!("{stem} is a reserved device name on Windows"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_sectors() {
        let mut b = [0u8; 512];
        b[3..11].copy_from_slice(b"EXFAT   ");
        assert_eq!(from_boot_sector(&b), FsKind::ExFat);
        let mut b = [0u8; 512];
        b[82..90].copy_from_slice(b"FAT32   ");
        assert_eq!(from_boot_sector(&b), FsKind::Fat32);
        let mut b = [0u8; 512];
        b[3..11].copy_from_slice(b"NTFS    ");
        assert_eq!(from_boot_sector(&b), FsKind::Ntfs);
        assert_eq!(from_boot_sector(&[0u8; 512]), FsKind::Unknown);
    }

    #[test]
    fn mounts() {
        let text = "\
22 1 254:0 / / rw,relatime - ext4 /dev/vda rw
45 22 7:0 / /media/my\\040stick rw,nosuid - fuseblk /dev/loop0 rw,user_id=0
46 22 0:40 / /media/fat rw - fuse.fusefat fusefat rw
";
        let m = parse_mountinfo(text);
        assert_eq!(m.len(), 3);
        let on = mount_of(&m, Path::new("/media/my stick/x")).unwrap();
        assert_eq!(
            (on.fstype.as_str(), on.source.as_str()),
            ("fuseblk", "/dev/loop0")
        );
        assert_eq!(mount_of(&m, Path::new("/home")).unwrap().fstype, "ext4");
        assert_eq!(from_mount_type("fuse.fusefat", "fusefat"), FsKind::Fat32);
        assert_eq!(from_mount_type("exfat", "/dev/sdb1"), FsKind::ExFat);
        assert_eq!(from_mount_type("fuseblk", "nowhere"), FsKind::Unknown);
    }

    #[test]
    fn windows_names() {
        assert!(bad_windows_name("a:b.srt").is_some());
        assert!(bad_windows_name("CON.mp4").is_some());
        assert!(bad_windows_name("com1").is_some());
        assert!(bad_windows_name("trailing.").is_some());
        assert!(bad_windows_name("console.mp4").is_none());
        assert!(bad_windows_name("com10.mp4").is_none());
        assert!(bad_windows_name("index.html").is_none());
    }

    #[test]
    fn refusals() {
        let dir = tempfile::tempdir().unwrap();
        let stick = |fs, free| Stick {
            dir: dir.path().to_path_buf(),
            fs,
            device: None,
            free_bytes: free,
            block: 4096,
        };
        let big = vec![("data/clips/a.mp4".to_string(), 5u64 << 30)];
        let why = refusal(&stick(FsKind::Fat32, None), "kit", &big, false).unwrap();
        assert!(why.contains("exFAT"), "{why}");
        assert!(refusal(&stick(FsKind::ExFat, None), "kit", &big, false).is_none());
        let why = refusal(&stick(FsKind::ExFat, Some(1 << 30)), "kit", &big, false).unwrap();
        assert!(why.contains("not enough room"), "{why}");
        let clash = vec![("data/A.srt".to_string(), 1), ("data/a.srt".to_string(), 1)];
        assert!(refusal(&stick(FsKind::ExFat, None), "kit", &clash, false).is_some());
        assert!(
            refusal(
                &stick(FsKind::Other("ext4".into()), None),
                "kit",
                &clash,
                false
            )
            .is_none()
        );
        std::fs::create_dir(dir.path().join("kit")).unwrap();
        let small = vec![("bagit.txt".to_string(), 10)];
        let why = refusal(&stick(FsKind::ExFat, None), "kit", &small, false).unwrap();
        assert!(why.contains("--replace"), "{why}");
        assert!(refusal(&stick(FsKind::ExFat, None), "kit", &small, true).is_none());
        // The zip beside the folder (--with-zip) is not overwritten unasked.
        std::fs::remove_dir(dir.path().join("kit")).unwrap();
        std::fs::write(dir.path().join("kit.zip"), b"someone's zip").unwrap();
        let with_zip = vec![small[0].clone(), ("../kit.zip".to_string(), 10)];
        let why = refusal(&stick(FsKind::ExFat, None), "kit", &with_zip, false).unwrap();
        assert!(
            why.contains("kit.zip") && why.contains("--replace"),
            "{why}"
        );
        assert!(refusal(&stick(FsKind::ExFat, None), "kit", &with_zip, true).is_none());
        assert!(refusal(&stick(FsKind::ExFat, None), "kit", &small, false).is_none());
    }
}
