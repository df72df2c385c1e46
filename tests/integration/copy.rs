//! `copy` onto real file systems: exFAT images on loop devices mounted
//! through exfat-fuse (this kernel has no vfat or exfat driver; FUSE is
//! what a desktop Linux uses for exFAT too) and FAT32 images mounted with
//! fusefat, only for cases refused before anything is written (fusefat
//! reports no free space and loses a renamed folder's content), read
//! without mounting by mtools. Each test says on stderr what it mounted.
//! Whatever a test mounts it unmounts and detaches in `Drop`, so a failing
//! assertion leaves no mount behind. Without loop devices or FUSE the tests
//! fail and say so: they never pass without having written a stick.

use crate::util::screenkit;
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Loop devices are few and shared: one stick test at a time.
static STICKS: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    STICKS.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} is needed ({e}): `bash tests/run` installs it (Debian: dosfstools, exfatprogs, exfat-fuse, fusefat, mtools)")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Unmount `mnt`, lazily if it is busy: a test never leaves a mount behind.
fn unmount(mnt: &Path) {
    let ok = Command::new("umount")
        .arg(mnt)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let _ = Command::new("umount").arg("-l").arg(mnt).status();
    }
}

/// A mounted stick image: unmounted, then its loop device detached, when
/// dropped (fields drop in this order).
struct Stick {
    mnt: PathBuf,
    loop_dev: Option<String>,
    _dir: tempfile::TempDir,
}

impl Stick {
    /// Unmount and detach now (the image stays, for mtools); once.
    fn unmount(&mut self) {
        if self.mnt.as_os_str().is_empty() {
            return;
        }
        unmount(&self.mnt);
        if let Some(d) = self.loop_dev.take() {
            let _ = Command::new("losetup").args(["-d", &d]).status();
        }
        self.mnt = PathBuf::new();
    }
}

impl Drop for Stick {
    fn drop(&mut self) {
        self.unmount();
    }
}

/// An exFAT stick of `mb` MB on a loop device, mounted with exfat-fuse.
fn exfat(mb: u64) -> Stick {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("stick.img");
    std::fs::File::create(&img)
        .unwrap()
        .set_len(mb << 20)
        .unwrap();
    run("mkfs.exfat", &["-L", "STICK", img.to_str().unwrap()]);
    let dev = Command::new("losetup")
        .args(["-f", "--show", img.to_str().unwrap()])
        .output()
        .expect("losetup (util-linux) is needed");
    assert!(
        dev.status.success(),
        "no loop device for the exFAT image: this test needs root and free loop devices (losetup -f): {}",
        String::from_utf8_lossy(&dev.stderr)
    );
    let dev = String::from_utf8_lossy(&dev.stdout).trim().to_string();
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let stick = Stick {
        mnt: mnt.clone(),
        loop_dev: Some(dev.clone()),
        _dir: dir,
    };
    let out = Command::new("mount.exfat-fuse")
        .arg(&dev)
        .arg(&mnt)
        .output()
        .expect("mount.exfat-fuse (Debian exfat-fuse) is needed: `bash tests/run` installs it");
    assert!(
        out.status.success(),
        "cannot mount the exFAT image through FUSE (is /dev/fuse there?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "exFAT image of {mb} MB on {dev}, mounted with exfat-fuse at {}",
        mnt.display()
    );
    stick
}

/// A FAT32 image mounted with fusefat (no loop device needed); also
/// returns the image, for mtools.
fn fat32(mb: u64) -> (Stick, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("fat.img");
    run(
        "mkfs.vfat",
        &[
            "-F",
            "32",
            "-C",
            img.to_str().unwrap(),
            &(mb * 1024).to_string(),
        ],
    );
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let s = Stick {
        mnt: mnt.clone(),
        loop_dev: None,
        _dir: dir,
    };
    let out = Command::new("fusefat")
        .args(["-o", "rw+"])
        .arg(&img)
        .arg(&mnt)
        .output()
        .expect("fusefat (Debian fusefat) is needed: `bash tests/run` installs it");
    assert!(
        out.status.success(),
        "cannot mount the FAT32 image with fusefat (is /dev/fuse there?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "FAT32 image of {mb} MB mounted with fusefat at {}",
        mnt.display()
    );
    (s, img)
}

fn sha(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A BagIt bag folder `dir/name` holding `files` (path under data/, bytes).
fn bag(dir: &Path, name: &str, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let root = dir.join(name);
    let mut manifest = String::new();
    let mut bytes = 0;
    for (p, b) in files {
        let full = root.join("data").join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, b).unwrap();
        manifest.push_str(&format!("{}  data/{p}\n", sha(b)));
        bytes += b.len();
    }
    let tags = [
        (
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string(),
        ),
        (
            "bag-info.txt",
            format!("Payload-Oxum: {bytes}.{}\n", files.len()),
        ),
        ("manifest-sha256.txt", manifest),
    ];
    let mut tagmanifest = String::new();
    for (p, body) in &tags {
        std::fs::write(root.join(p), body).unwrap();
        tagmanifest.push_str(&format!("{}  {p}\n", sha(body.as_bytes())));
    }
    std::fs::write(root.join("tagmanifest-sha256.txt"), tagmanifest).unwrap();
    root
}

/// Bytes that do not compress or repeat, so a changed one shows.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The demo kit built into `dir`: its zip.
fn demo_zip(dir: &Path) -> PathBuf {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home");
    screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
    ])
    .code(0);
    dir.join("last-train-home.zip")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn copy_writes_three_exfat_sticks_at_once_and_each_verifies() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let zip = demo_zip(tmp.path());
    let sticks = [exfat(16), exfat(16), exfat(16)];
    let mut args = vec!["copy", s(&zip)];
    args.extend(sticks.iter().map(|k| s(&k.mnt)));
    args.push("--with-zip");
    args.push("--json");
    let r = screenkit(&args);
    r.code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["sticks"].as_array().unwrap().len(), 3, "{}", r.stdout);
    let zip_sha = sha(&std::fs::read(&zip).unwrap());
    for (k, j) in sticks.iter().zip(v["sticks"].as_array().unwrap()) {
        assert_eq!(j["status"], "written", "{j}");
        assert_eq!(j["filesystem"], "exFAT", "{j}");
        assert_eq!(j["safe_to_remove"], true, "{j}");
        let phase = |k: &str| j["phases"][k].as_f64().unwrap_or(-1.0);
        let (w, f, r) = (phase("write"), phase("flush"), phase("read_back"));
        assert!(w >= 0.0 && f > 0.0 && r > 0.0, "every step timed: {j}");
        assert!(
            w + f + r <= j["seconds"].as_f64().unwrap() + 0.01,
            "the steps fit in the stick's time: {j}"
        );
        let how = j["read_back"].as_str().unwrap();
        assert!(["o-direct", "dropped-cache"].contains(&how), "{j}");
        let kit = k.mnt.join("last-train-home");
        let receipt = std::fs::read_to_string(kit.join("COPIED.txt")).unwrap();
        assert!(
            receipt.contains(&format!("Source-Zip-SHA256: {zip_sha}")),
            "{receipt}"
        );
        assert!(receipt.contains("Read-Back: passed"), "{receipt}");
        let tm = std::fs::read_to_string(kit.join("tagmanifest-sha256.txt")).unwrap();
        assert!(
            tm.contains(&format!("{}  COPIED.txt", sha(receipt.as_bytes()))),
            "{tm}"
        );
        assert_eq!(
            sha(&std::fs::read(k.mnt.join("last-train-home.zip")).unwrap()),
            zip_sha
        );
        screenkit(["verify", s(&kit)]).code(0);
    }
    // bagit.py, when tests/run has put it on PATH, agrees the receipt
    // keeps the bag valid.
    if let Ok(out) = Command::new("bagit.py")
        .args(["--validate", s(&sticks[0].mnt.join("last-train-home"))])
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let human = screenkit(["copy", s(&zip), s(&sticks[0].mnt)]);
    assert!(
        human.code(1).stdout.contains("already exists"),
        "{}",
        human.stdout
    );
}

#[test]
fn copy_refuses_a_stick_too_small_and_writes_the_others() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let src = bag(
        tmp.path(),
        "big-kit",
        &[
            ("clips/a.mp4", noise(5 << 20, 1)),
            ("subtitles/a.srt", b"1\n".to_vec()),
        ],
    );
    let (a, small, b) = (exfat(16), exfat(3), exfat(16));
    let r = screenkit(["copy", s(&src), s(&a.mnt), s(&small.mnt), s(&b.mnt)]);
    r.code(1);
    let line = |k: &Stick| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(s(&k.mnt)))
            .unwrap_or_else(|| panic!("no line for {}:\n{}", k.mnt.display(), r.stdout))
            .to_string()
    };
    assert!(
        line(&small).contains("refused") && line(&small).contains("not enough room"),
        "{}",
        r.stdout
    );
    assert!(
        !small.mnt.join("big-kit").exists(),
        "nothing written to the small stick"
    );
    for k in [&a, &b] {
        assert!(line(k).contains("copied"), "{}", r.stdout);
        screenkit(["verify", s(&k.mnt.join("big-kit"))]).code(0);
    }
    assert!(r.stdout.contains("Safe to remove:"), "{}", r.stdout);
}

#[test]
fn copy_refuses_a_4gib_file_on_fat32_before_writing() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let src = bag(
        tmp.path(),
        "long-film",
        &[("subtitles/a.srt", b"1\n".to_vec())],
    );
    // Sparse: 4.5 GiB long, a few blocks on disk. Its manifest line is
    // never checked: the stick is refused before anything is read.
    let big = src.join("data/clips/film.mp4");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    std::fs::File::create(&big)
        .unwrap()
        .set_len(9 << 29)
        .unwrap();
    let mut m = std::fs::read_to_string(src.join("manifest-sha256.txt")).unwrap();
    m.push_str(&format!("{}  data/clips/film.mp4\n", "0".repeat(64)));
    std::fs::write(src.join("manifest-sha256.txt"), m).unwrap();
    let (mut stick, img) = fat32(40);
    let r = screenkit(["copy", s(&src), s(&stick.mnt)]);
    r.code(1);
    assert!(
        r.stdout.contains("FAT32")
            && r.stdout.contains("4 GiB")
            && r.stdout.contains("long-film/data/clips/film.mp4")
            && r.stdout.contains("exFAT"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("free space unknown"),
        "fusefat reports 0 blocks: {}",
        r.stdout
    );
    stick.unmount();
    // Read the image itself, unmounted, with mtools: nothing was written.
    let listing = run("mdir", &["-i", s(&img), "-b", "::"]);
    eprintln!("FAT32 image read back with mtools (mdir): {listing:?}");
    assert!(listing.trim().is_empty(), "{listing}");
}

#[test]
fn copy_replaces_an_existing_kit_only_with_replace() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let zip = demo_zip(tmp.path());
    let k = exfat(16);
    screenkit(["copy", s(&zip), s(&k.mnt)]).code(0);
    let kit = k.mnt.join("last-train-home");
    let marker = kit.join("data/old-marker.txt");
    std::fs::write(&marker, "from the old copy").unwrap();
    let r = screenkit(["copy", s(&zip), s(&k.mnt)]);
    assert!(
        r.code(1).stdout.contains("already exists") && r.stdout.contains("--replace"),
        "{}",
        r.stdout
    );
    assert!(marker.exists(), "refused means untouched");
    let r = screenkit(["copy", s(&zip), s(&k.mnt), "--replace"]);
    assert!(
        r.code(0).stdout.contains("replacing the old copy"),
        "{}",
        r.stdout
    );
    assert!(!marker.exists(), "the new copy was swapped in");
    screenkit(["verify", s(&kit)]).code(0);
    let left: Vec<String> = std::fs::read_dir(&k.mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["last-train-home"], "no temp folder left beside it");
}

#[test]
fn verify_names_a_byte_changed_on_one_stick_after_copying() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let zip = demo_zip(tmp.path());
    let (a, b) = (exfat(16), exfat(16));
    screenkit(["copy", s(&zip), s(&a.mnt), s(&b.mnt)]).code(0);
    let clips = b.mnt.join("last-train-home/data/clips");
    let clip = std::fs::read_dir(&clips)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&clip).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&clip, &bytes).unwrap();
    screenkit(["verify", s(&a.mnt.join("last-train-home"))]).code(0);
    let r = screenkit(["verify", s(&b.mnt.join("last-train-home"))]);
    let name = clip.file_name().unwrap().to_str().unwrap();
    assert!(r.code(1).stdout.contains(name), "{}", r.stdout);
}

#[test]
fn sigkill_during_copy_leaves_no_receipt_claiming_success() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let src = bag(
        tmp.path(),
        "slow-kit",
        &[
            ("clips/a.mp4", noise(24 << 20, 2)),
            ("clips/b.mp4", noise(24 << 20, 3)),
        ],
    );
    let k = exfat(96);
    let mut child = Command::new(env!("CARGO_BIN_EXE_screenkit"))
        .args(["copy", s(&src), s(&k.mnt)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let first = k.mnt.join("slow-kit/data/clips/a.mp4");
    let t0 = std::time::Instant::now();
    while std::fs::metadata(&first).map_or(0, |m| m.len()) == 0 {
        assert!(t0.elapsed().as_secs() < 60, "the copy never started");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the copy ended before it could be stopped"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SIGKILL: no handler runs, whatever was on the stick stays.
    child.kill().unwrap();
    child.wait().unwrap();
    let mut receipts = Vec::new();
    let mut stack = vec![k.mnt.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "COPIED.txt") {
                receipts.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    assert!(
        receipts.iter().all(|r| !r.contains("passed")),
        "a stopped copy claims success: {receipts:?}"
    );
    let v = screenkit(["verify", s(&k.mnt.join("slow-kit"))]);
    assert_ne!(
        v.code, 0,
        "a stopped copy cannot verify intact: {}",
        v.stdout
    );
    // The stick is refused as it is, and --replace makes it whole.
    let r = screenkit(["copy", s(&src), s(&k.mnt)]);
    assert!(r.code(1).stdout.contains("unfinished copy"), "{}", r.stdout);
    screenkit(["copy", s(&src), s(&k.mnt), "--replace"]).code(0);
    screenkit(["verify", s(&k.mnt.join("slow-kit"))]).code(0);
}

/// A FUSE stick that keeps what is written but reads one byte of every
/// `.mp4` back changed (`tests/tools/lying_stick.py`): what a failing or
/// fake-capacity stick does. Unmounted, and its process stopped, on drop.
struct LyingStick {
    mnt: PathBuf,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl LyingStick {
    fn mount(offset: u64) -> LyingStick {
        let dir = tempfile::tempdir().unwrap();
        let (backing, mnt) = (dir.path().join("backing"), dir.path().join("mnt"));
        std::fs::create_dir(&backing).unwrap();
        std::fs::create_dir(&mnt).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/lying_stick.py");
        let child = Command::new("python3")
            .arg(&script)
            .args([s(&backing), s(&mnt), ".mp4", &offset.to_string()])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 is needed");
        let mut stick = LyingStick {
            mnt,
            child,
            _dir: dir,
        };
        let t0 = std::time::Instant::now();
        let parent = std::fs::metadata(dir_of(&stick.mnt)).unwrap();
        use std::os::unix::fs::MetadataExt;
        while std::fs::metadata(&stick.mnt).map_or(true, |m| m.dev() == parent.dev()) {
            if let Some(st) = stick.child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                let _ = stick.child.stderr.take().unwrap().read_to_string(&mut err);
                panic!(
                    "the lying stick did not mount ({st}): {err}\n(it needs fusepy in the test venv and /dev/fuse: `bash tests/run` installs fusepy)"
                );
            }
            assert!(t0.elapsed().as_secs() < 20, "the lying stick never mounted");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        eprintln!(
            "lying FUSE stick (reads byte {offset} of each .mp4 back changed) at {}",
            stick.mnt.display()
        );
        stick
    }
}

fn dir_of(p: &Path) -> &Path {
    p.parent().unwrap()
}

impl Drop for LyingStick {
    fn drop(&mut self) {
        unmount(&self.mnt);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn copy_names_the_stick_and_file_whose_read_back_differs() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let clip = noise(3 << 20, 9);
    let src = bag(
        tmp.path(),
        "lie-kit",
        &[
            ("clips/a.mp4", clip.clone()),
            (
                "subtitles/a.srt",
                b"1\n00:00:01,000 --> 00:00:02,000\nHi\n".to_vec(),
            ),
        ],
    );
    let liar = LyingStick::mount(1_000_000);
    let good = tmp.path().join("good-stick");
    std::fs::create_dir(&good).unwrap();
    let r = screenkit(["copy", s(&src), s(&liar.mnt), s(&good), "--json"]);
    r.code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let sticks = v["sticks"].as_array().unwrap();
    assert_eq!(sticks.len(), 2, "{}", r.stdout);
    assert_ne!(sticks[0]["status"], "written", "{}", sticks[0]);
    assert_ne!(sticks[0]["safe_to_remove"], true, "{}", sticks[0]);
    assert_eq!(
        sticks[0]["differs"],
        serde_json::json!(["data/clips/a.mp4"]),
        "the failing file is named, and only it: {}",
        sticks[0]
    );
    assert_eq!(sticks[1]["status"], "written", "{}", sticks[1]);
    // The stick holds exactly what was written: only its reads lie, and
    // only the read-back could have seen it.
    let backing = dir_of(&liar.mnt).join("backing/lie-kit/data/clips/a.mp4");
    assert_eq!(std::fs::read(&backing).unwrap(), clip);
    let receipt = std::fs::read_to_string(liar.mnt.join("lie-kit/COPIED.txt")).unwrap_or_default();
    assert!(
        !receipt.contains("passed"),
        "a failed stick claims success: {receipt}"
    );
    screenkit(["verify", s(&good.join("lie-kit"))]).code(0);

    // For people: the stick and the file are named, with what to do.
    drop(liar);
    let liar = LyingStick::mount(1_000_000);
    let r = screenkit(["copy", s(&src), s(&liar.mnt)]);
    let text = format!("{}{}", r.code(1).stdout, r.stderr);
    assert!(text.contains(s(&liar.mnt)), "{text}");
    assert!(text.contains("lie-kit/data/clips/a.mp4"), "{text}");
    assert!(!text.contains("safe to remove"), "{text}");
}

#[test]
fn eject_asks_udisksctl_for_each_written_stick_only_after_its_copy_checks_out() {
    let _g = lock();
    let tmp = tempfile::tempdir().unwrap();
    let src = bag(
        tmp.path(),
        "eject-kit",
        &[("clips/a.mp4", noise(1 << 20, 4))],
    );
    let (good, full) = (exfat(16), exfat(16));
    std::fs::create_dir(full.mnt.join("eject-kit")).unwrap();
    // A stand-in udisksctl that records what it is asked and unmounts the
    // way the real one does; the desktop service it needs is not here.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = tmp.path().join("udisksctl.log");
    let tool = bin.join("udisksctl");
    std::fs::write(
        &tool,
        format!(
            "#!/bin/sh\necho \"$*\" >> {}\n[ \"$1\" = unmount ] && exec umount \"$3\"\nexit 0\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_screenkit"))
        .args(["copy", s(&src), s(&good.mnt), s(&full.mnt), "--eject"])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "one stick is refused: {stdout}");
    let asked = std::fs::read_to_string(&log).unwrap_or_default();
    let dev = good.loop_dev.clone().unwrap();
    assert_eq!(
        asked,
        format!("unmount --block-device {dev}\npower-off --block-device {dev}\n"),
        "only the written stick is ejected"
    );
    assert!(stdout.contains("ejected"), "{stdout}");
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    assert!(
        !mounts.contains(s(&good.mnt)),
        "the written stick is unmounted"
    );
    assert!(
        mounts.contains(s(&full.mnt)),
        "the refused stick stays mounted"
    );
}
