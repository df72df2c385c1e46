//! Trust (issue 16): a kit, a zip or a stick that lies, breaks or attacks
//! never passes as intact, and no input is overwritten unasked. Every
//! hostile zip, kit and file here is made by the test.

use crate::util::{screenkit, screenkit_within};
use std::io::Write;
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the demo kit in `dir` whose clip paths point back into the
/// repo, so the test may change its kit.toml.
fn demo_copy(dir: &Path) -> PathBuf {
    let kit = dir.join("last-train-home");
    std::fs::create_dir_all(&kit).unwrap();
    for e in std::fs::read_dir(repo().join("kits/last-train-home")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), kit.join(e.file_name())).unwrap();
        }
    }
    let toml = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    let root = format!("{}/", repo().display());
    std::fs::write(kit.join("kit.toml"), toml.replace("../../", &root)).unwrap();
    kit
}

/// Build `kit` into `out`; returns the zip.
fn build(kit: &Path, out: &Path) -> PathBuf {
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    run.code(0);
    let name = kit.file_name().unwrap().to_string_lossy().into_owned();
    out.join(format!("{name}.zip"))
}

/// A copy of `zip` with `extra` (name, bytes) entries written before the
/// kit's own, the originals copied raw.
fn with_entries_first(zip: &Path, extra: &[(&str, &[u8])], out: &Path) {
    let mut src = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, body) in extra {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    for i in 0..src.len() {
        w.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

/// `verify --verbose`: each problem by its stable id and BagIt's terms.
fn verify(path: &Path) -> crate::util::Run {
    screenkit(["verify".as_ref(), "--verbose".as_ref(), path.as_os_str()])
}

/// Item 2: a fake index.html before the real one. The zip writer refuses a
/// repeated name, so the fake is written as `index.htmX` and renamed in the
/// bytes (same length, the CRC covers only the data).
#[test]
fn duplicate_and_colliding_entry_names_are_never_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    verify(&zip).code(0);
    let fake = tmp.path().join("fake.zip");
    with_entries_first(
        &zip,
        &[("last-train-home/index.htmX", b"<h1>fake</h1>")],
        &fake,
    );
    let mut bytes = std::fs::read(&fake).unwrap();
    let from = b"last-train-home/index.htmX";
    let mut renamed = 0;
    for i in 0..bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i + from.len() - 1] = b'l';
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "local and central header");
    std::fs::write(&fake, &bytes).unwrap();
    let run = verify(&fake);
    run.code(1);
    assert!(
        run.stdout.contains(
            "duplicate last-train-home/index.html: the zip holds this name more than once"
        ),
        "{}",
        run.stdout
    );
    // Names two unzip tools could put in one file.
    for (name, kind) in [
        ("last-train-home/INDEX.html", "duplicate"),
        ("last-train-home/data/Clips/trailer.mp4", "duplicate"),
        ("last-train-home//index.html", "unsafe-path"),
        ("last-train-home/./README.txt", "unsafe-path"),
        ("./last-train-home/README.txt", "unsafe-path"),
    ] {
        let z = tmp.path().join("colliding.zip");
        with_entries_first(&zip, &[(name, b"x")], &z);
        let run = verify(&z);
        run.code(1);
        // The later of two colliding names is the one named.
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(&format!(": {kind} ")) && l.contains(name)),
            "{name}: {}",
            run.stdout
        );
    }
}

/// Unpack `zip` into `dir`; returns the kit folder.
fn unpack(zip: &Path, dir: &Path) -> PathBuf {
    zip::ZipArchive::new(std::fs::File::open(zip).unwrap())
        .unwrap()
        .extract(dir)
        .unwrap();
    dir.join("last-train-home")
}

/// Item 3: a FIFO, a symlink to /dev/zero, to /etc, and a listed file
/// replaced by a symlink to an identical copy outside the kit are each
/// "not a regular file": never opened, never followed, never a hang.
#[cfg(unix)]
#[test]
fn folder_verify_never_follows_links_or_opens_special_files() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let kit = unpack(&zip, &tmp.path().join("stick"));
    verify(&kit).code(0);
    let fifo = kit.join("data/pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    symlink("/dev/zero", kit.join("data/zero")).unwrap();
    symlink("/etc", kit.join("data/etc")).unwrap();
    let listed = kit.join("data/cards/cards.md");
    let outside = tmp.path().join("cards.md");
    std::fs::rename(&listed, &outside).unwrap();
    symlink(&outside, &listed).unwrap();
    let (code, stdout, _) = screenkit_within(
        60,
        &["verify".as_ref(), "--verbose".as_ref(), kit.as_os_str()],
    );
    assert_eq!(code, Some(1), "a hang is killed after 60 s\n{stdout}");
    for (name, what) in [
        ("data/pipe", "a FIFO"),
        ("data/zero", "a symlink"),
        ("data/etc", "a symlink"),
        ("data/cards/cards.md", "a symlink"),
    ] {
        assert!(
            stdout.contains(&format!("not-regular {name}: not a regular file ({what})")),
            "{name}: {stdout}"
        );
    }
    assert!(!stdout.contains("passwd"), "{stdout}");
    assert_eq!(
        stdout.matches("cards.md").count(),
        1,
        "named once: {stdout}"
    );
}

/// Item 5: a name with ESC ] 0 ; … BEL (sets the terminal's title) or a
/// bidi override is printed escaped, by verify and by the subtitle
/// commands alike.
#[test]
fn names_reach_the_terminal_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let kit = unpack(&zip, &tmp.path().join("stick"));
    let evil = "\u{1b}]0;pwned\u{7}\u{202e}txt.exe";
    std::fs::write(kit.join("data").join(evil), "x").unwrap();
    let run = verify(&kit);
    run.code(1);
    let raw = |s: &str| s.contains(['\u{1b}', '\u{7}', '\u{202e}']);
    assert!(!raw(&run.stdout), "{:?}", run.stdout);
    assert!(
        run.stdout
            .contains(r"extra data/\x1b]0;pwned\x07\u{202e}txt.exe"),
        "{}",
        run.stdout
    );
    let srt = tmp.path().join(format!("{evil}.srt"));
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:02,000\nHi  there\n").unwrap();
    let run = screenkit(["fix".as_ref(), srt.as_os_str()]);
    assert!(!raw(&run.stdout) && !raw(&run.stderr), "{:?}", run.stderr);
    assert!(run.stderr.contains(r"\x1b]0;pwned\x07"), "{}", run.stderr);
    // --json stays JSON: the name round-trips exactly.
    let run = screenkit(["verify".as_ref(), "--json".as_ref(), kit.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == format!("data/{evil}")),
        "{}",
        run.stdout
    );
}

/// Item 7: a clip id that climbs out of the kit never becomes a `..`
/// entry, with or without --force. (A clip's source path outside the kit
/// is normal, as in the demo kit: it is packed under its id.)
#[test]
fn build_never_writes_an_entry_outside_the_kit() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = demo_copy(tmp.path());
    let toml = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    std::fs::write(
        kit.join("kit.toml"),
        toml.replace("id = \"trailer\"", "id = \"../../evil\""),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "--force".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.code(2).stderr.contains("--force cannot override this"),
        "{}",
        run.stderr
    );
    assert!(!out.join("last-train-home.zip").exists() && !tmp.path().join("evil.mp4").exists());
}

fn bagit_py() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("bagit.py"))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| PathBuf::from("/work/main/target/test-tools/venv/bin/bagit.py"))
}

/// Rewrite an unpacked kit's bag-info.txt and its line in the tag
/// manifest, as a forger would.
fn forge_bag_info(kit: &Path, edit: impl Fn(&str) -> String) {
    use sha2::Digest;
    let info = kit.join("bag-info.txt");
    let forged = edit(&std::fs::read_to_string(&info).unwrap());
    std::fs::write(&info, &forged).unwrap();
    let sha: String = sha2::Sha256::digest(forged.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let tm = kit.join("tagmanifest-sha256.txt");
    let lines: String = std::fs::read_to_string(&tm)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("  bag-info.txt") {
                format!("{sha}  bag-info.txt\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&tm, lines).unwrap();
}

/// Item 8: a CR in kit.toml text is refused by check KIT (with its line)
/// and by build, even with --force; a bag-info.txt with an injected tag
/// line, a repeated Payload-Oxum or a line that is no tag fails verify,
/// and bagit.py agrees on the injected one.
#[test]
fn bag_info_tags_are_one_line_each() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = demo_copy(tmp.path());
    let good = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    let line = good
        .lines()
        .position(|l| l.starts_with("name = \"screenkit demo\""))
        .unwrap()
        + 1;
    std::fs::write(
        kit.join("kit.toml"),
        good.replace(
            "name = \"screenkit demo\"",
            "name = \"demo\\rPayload-Oxum: 1.1\"",
        ),
    )
    .unwrap();
    let run = screenkit(["check".as_ref(), kit.as_os_str()]);
    run.code(1);
    assert!(
        run.stdout.contains(&format!("kit.toml:{line}:"))
            && run.stdout.contains("bag-info-text")
            && run.stdout.contains("organizer.name contains U+000D"),
        "{}",
        run.stdout
    );
    let out = tmp.path().join("out");
    for force in [false, true] {
        let mut args = vec![
            "build".as_ref(),
            kit.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        if force {
            args.push("--force".as_ref());
        }
        let run = screenkit(&args);
        assert_ne!(run.code, 0, "--force {force}: {}", run.stderr);
        assert!(!out.join("last-train-home.zip").exists(), "--force {force}");
    }

    std::fs::write(kit.join("kit.toml"), &good).unwrap();
    let zip = build(&kit, &out);
    type Edit = fn(&str) -> String;
    let cases: [(&str, Edit); 3] = [
        ("injected", |s| {
            s.replace(
                "Source-Organization: screenkit demo",
                "Source-Organization: x\rPayload-Oxum: 1.1",
            )
        }),
        ("repeated", |s| {
            let oxum = s.lines().find(|l| l.starts_with("Payload-Oxum")).unwrap();
            format!("{s}{oxum}\n")
        }),
        ("not a tag", |s| format!("{s}just some words\n")),
    ];
    for (n, (what, edit)) in cases.into_iter().enumerate() {
        let bag = unpack(&zip, &tmp.path().join(format!("stick{n}")));
        verify(&bag).code(0);
        forge_bag_info(&bag, edit);
        let run = verify(&bag);
        run.code(1);
        assert!(
            run.stdout.contains("structure bag-info.txt")
                || run.stdout.contains("oxum bag-info.txt"),
            "{what}: {}",
            run.stdout
        );
        if what == "injected" {
            let py = std::process::Command::new(bagit_py())
                .args(["--validate".as_ref(), bag.as_os_str()])
                .output()
                .expect("bagit.py (bash tests/run installs it)");
            assert!(!py.status.success(), "bagit.py agrees: invalid");
        }
    }
}

const SRT: &str = "1\r\n00:00:01,000 --> 00:00:02,500\r\nCaf\u{e9}  ol\u{e9}\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nNext\r\n";

/// Item 10: an output that is the same file as an input (same device and
/// inode: the same name, `./name`, a symlink or a hard link) is refused
/// unless it is the --in-place path, and the input is left as it was.
#[cfg(unix)]
#[test]
fn no_input_is_overwritten_without_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let w = d.join("w.srt");
    std::fs::write(&w, SRT).unwrap();
    std::os::unix::fs::symlink(&w, d.join("link.srt")).unwrap();
    std::fs::hard_link(&w, d.join("hard.srt")).unwrap();
    let p = |n: &str| d.join(n).into_os_string();
    let same = [
        p("w.srt"),
        d.join(".").join("w.srt").into_os_string(),
        p("link.srt"),
        p("hard.srt"),
    ];
    let mut runs: Vec<Vec<std::ffi::OsString>> = Vec::new();
    for o in &same {
        runs.push(vec![
            "convert".into(),
            p("w.srt"),
            "--to".into(),
            "srt".into(),
            "-o".into(),
            o.clone(),
        ]);
        runs.push(vec![
            "convert".into(),
            p("w.srt"),
            "--to".into(),
            "vtt".into(),
            "-o".into(),
            o.clone(),
        ]);
        runs.push(vec!["fix".into(), p("w.srt"), "-o".into(), o.clone()]);
        runs.push(vec![
            "retime".into(),
            p("w.srt"),
            "--shift".into(),
            "1s".into(),
            "-o".into(),
            o.clone(),
        ]);
        // The reference is an input too.
        let late = d.join("late.srt");
        std::fs::write(&late, SRT.replace("00:00:0", "00:00:1")).unwrap();
        runs.push(vec![
            "sync".into(),
            late.into_os_string(),
            "--to".into(),
            p("w.srt"),
            "-o".into(),
            o.clone(),
        ]);
    }
    for args in runs {
        let run = screenkit(&args);
        assert_eq!(run.code, 2, "{args:?}\n{}", run.stderr);
        assert!(
            run.stderr.contains("is the same file as the input"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&w).unwrap(), SRT, "{args:?}");
        assert!(
            std::fs::symlink_metadata(d.join("link.srt"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    // A different file is still fine.
    screenkit([
        "convert".as_ref(),
        w.as_os_str(),
        "--to".as_ref(),
        "vtt".as_ref(),
        "-o".as_ref(),
        d.join("w.vtt").as_os_str(),
    ])
    .code(0);
}

/// Item 11: `fix --in-place` that cannot write its backup (here: a file
/// size limit, as a full disk would stop it) fails with the original
/// untouched and no backup left, partial or whole; on a symlink it
/// rewrites the target and the link stays a link.
#[cfg(unix)]
#[test]
fn a_failed_in_place_leaves_no_partial_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let talk = d.join("talk.srt");
    let body: String = (1..=4000)
        .map(|n| {
            format!(
                "{n}\n00:{:02}:{:02},000 --> 00:{:02}:{:02},500\nLine  number {n} \n\n",
                n / 60 % 60,
                n % 60,
                n / 60 % 60,
                n % 60
            )
        })
        .collect();
    std::fs::write(&talk, &body).unwrap();
    assert!(body.len() > 200 * 1024);
    // SIGXFSZ ignored (inherited across exec), so the write fails with
    // EFBIG and screenkit reports it, as it would a full disk.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 100; exec \"$0\" fix --in-place \"$1\"")
        .arg(env!("CARGO_BIN_EXE_screenkit"))
        .arg(&talk)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(std::fs::read_to_string(&talk).unwrap(), body);
    let left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "talk.srt")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?} ({stderr})");

    // Through a symlink: the target is rewritten, the link stays.
    let real = d.join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(
        real.join("talk.srt"),
        "1\n00:00:01,000 --> 00:00:02,000\nHi  there\n",
    )
    .unwrap();
    let link = d.join("link.srt");
    std::os::unix::fs::symlink(real.join("talk.srt"), &link).unwrap();
    screenkit(["fix".as_ref(), "--in-place".as_ref(), link.as_os_str()]).code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(real.join("talk.srt")).unwrap(),
        "1\n00:00:01,000 --> 00:00:02,000\nHi there\n\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("link.srt.bak")).unwrap(),
        "1\n00:00:01,000 --> 00:00:02,000\nHi  there\n"
    );
}

/// Item 1 (part): a local header that names another file, and bytes
/// hidden after the end of the zip, are never intact.
#[test]
fn local_headers_and_trailing_bytes_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    verify(&zip).code(0);
    let bytes = std::fs::read(&zip).unwrap();
    // The first occurrence of a name is its local header.
    let name = b"last-train-home/bagit.txt";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap();
    let mut renamed = bytes.clone();
    renamed[at + name.len() - 5] = b'T';
    let z = tmp.path().join("local.zip");
    std::fs::write(&z, &renamed).unwrap();
    let run = verify(&z);
    run.code(1);
    assert!(
        run.stdout.contains("damaged-zip last-train-home/bagit.txt: the local header names it last-train-home/bagiT.txt"),
        "{}",
        run.stdout
    );
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"<script>hidden</script>");
    std::fs::write(&z, &trailing).unwrap();
    let run = verify(&z);
    run.code(1);
    assert!(
        run.stdout
            .contains("bytes after the end of the central directory"),
        "{}",
        run.stdout
    );
}

fn le32(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// Where central record `name` starts.
fn central_record(bytes: &[u8], name: &[u8]) -> usize {
    let eocd = bytes.len() - 22;
    let (count, mut at) = (
        u16::from_le_bytes([bytes[eocd + 10], bytes[eocd + 11]]),
        le32(bytes, eocd + 16),
    );
    for _ in 0..count {
        let len = |k: usize| u16::from_le_bytes([bytes[at + k], bytes[at + k + 1]]) as usize;
        if &bytes[at + 46..at + 46 + len(28)] == name {
            return at;
        }
        at += 46 + len(28) + len(30) + len(32);
    }
    panic!("no central record for {}", String::from_utf8_lossy(name));
}

/// `bytes` with `hidden` inserted at `at` (between two entries) and every
/// offset behind it moved, as a careful forger would: lenient readers
/// then find every entry where the central directory says.
fn hide_between_entries(bytes: &[u8], at: usize, hidden: &[u8]) -> Vec<u8> {
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(hidden);
    out.extend_from_slice(&bytes[at..]);
    let eocd = out.len() - 22;
    let cd = le32(&out, eocd + 16) + hidden.len();
    out[eocd + 16..eocd + 20].copy_from_slice(&(cd as u32).to_le_bytes());
    let count = u16::from_le_bytes([out[eocd + 10], out[eocd + 11]]);
    let mut rec = cd;
    for _ in 0..count {
        let off = le32(&out, rec + 42);
        if off >= at {
            out[rec + 42..rec + 46].copy_from_slice(&((off + hidden.len()) as u32).to_le_bytes());
        }
        let len = |k: usize| u16::from_le_bytes([out[rec + k], out[rec + k + 1]]) as usize;
        rec += 46 + len(28) + len(30) + len(32);
    }
    out
}

/// Item 1, the rest: permissions that would make bagit.txt unreadable
/// after unzipping, a local CRC that disagrees with the central one, and
/// bytes hidden between two entries (every offset moved past them, so
/// lenient readers never notice) are never intact.
#[test]
fn zip_headers_permissions_and_gaps_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let bytes = std::fs::read(&zip).unwrap();
    let z = tmp.path().join("hostile.zip");
    let check = |bytes: &[u8], want: &str| {
        std::fs::write(&z, bytes).unwrap();
        let run = verify(&z);
        run.code(1);
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    };
    let name = b"last-train-home/bagit.txt";
    let c = central_record(&bytes, name);
    let mut m = bytes.clone();
    m[c + 40..c + 42].copy_from_slice(&0o100000u16.to_le_bytes());
    check(
        &m,
        "damaged-zip last-train-home/bagit.txt: its permissions are 100000 where build writes 100644",
    );
    let local = le32(&bytes, c + 42);
    let mut m = bytes.clone();
    m[local + 14] ^= 0x40;
    check(
        &m,
        "damaged-zip last-train-home/bagit.txt: local and central headers disagree on the CRC",
    );
    let next = le32(
        &bytes,
        central_record(&bytes, b"last-train-home/data/cards/cards.html") + 42,
    );
    let m = hide_between_entries(&bytes, next, b"<script>alert(1)</script>");
    check(
        &m,
        "damaged-zip last-train-home/data/cards/cards.html: 25 bytes hidden before it",
    );
    // The words a person reads name the file and the fix.
    std::fs::write(&z, &m).unwrap();
    let run = screenkit(["verify".as_ref(), z.as_os_str()]);
    assert!(
        run.code(1).stdout.contains("1 damaged place in the zip")
            && run.stdout.contains("get it again from where it came from"),
        "{}",
        run.stdout
    );
}

/// Item 4: what no manifest covers. The tag manifest must be in the form
/// build writes and list every tag file; OS clutter beside the kit's files
/// and empty folders are named and ignored (bagit.py calls the bag valid
/// too), clutter inside data/ is an extra file (bagit.py: invalid), and in
/// a zip neither a folder entry nor clutter is ever part of the kit.
#[test]
fn what_no_manifest_covers_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let stick = |n: &str| unpack(&zip, &tmp.path().join(n));

    let kit = stick("upper");
    let tm = kit.join("tagmanifest-sha256.txt");
    let text = std::fs::read_to_string(&tm).unwrap();
    std::fs::write(&tm, text.replacen(|c: char| c.is_ascii_lowercase(), "A", 1)).unwrap();
    let run = verify(&kit);
    assert!(
        run.code(1)
            .stdout
            .contains("structure tagmanifest-sha256.txt: line 1 is not a SHA-256"),
        "{}",
        run.stdout
    );
    let unlisted: String = text
        .lines()
        .filter(|l| !l.ends_with("  bagit.txt"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&tm, unlisted).unwrap();
    let run = verify(&kit);
    assert!(
        run.code(1)
            .stdout
            .contains("structure bagit.txt: not listed in tagmanifest-sha256.txt"),
        "{}",
        run.stdout
    );

    let kit = stick("clutter");
    std::fs::write(kit.join(".DS_Store"), "x").unwrap();
    std::fs::create_dir_all(kit.join("data/old")).unwrap();
    std::fs::write(kit.parent().unwrap().join("Thumbs.db"), "x").unwrap();
    let run = screenkit(["verify".as_ref(), kit.parent().unwrap().as_os_str()]);
    run.code(0);
    for want in [
        "intact",
        "extra files (ignored: last-train-home/.DS_Store)",
        "empty folders (ignored: last-train-home/data/old/)",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    }
    assert!(!run.stdout.contains("Thumbs.db"), "{}", run.stdout);
    let run = screenkit(["verify".as_ref(), "--json".as_ref(), kit.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&run.code(0).stdout).unwrap();
    assert_eq!(v["ignored"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["ignored"][0]["kind"], "clutter", "{v}");

    std::fs::write(kit.join("data/clips/.DS_Store"), "x").unwrap();
    let run = screenkit(["verify".as_ref(), kit.as_os_str()]);
    assert!(
        run.code(1).stdout.contains(
            "last-train-home/data/clips/.DS_Store: an extra file, left by macOS or Windows"
        ) && run.stdout.contains("Next: delete the extra files"),
        "{}",
        run.stdout
    );
    let py = std::process::Command::new(bagit_py())
        .args(["--validate".as_ref(), kit.as_os_str()])
        .output()
        .expect("bagit.py (bash tests/run installs it)");
    assert!(!py.status.success(), "bagit.py agrees: invalid");

    for name in [
        "last-train-home/data/.DS_Store",
        "last-train-home/__MACOSX/",
    ] {
        let z = tmp.path().join("extra.zip");
        with_entries_first(&zip, &[(name, b"")], &z);
        let run = verify(&z);
        assert!(
            run.code(1).stdout.contains(&format!("extra {name}:")),
            "{name}: {}",
            run.stdout
        );
    }
}

/// Issue 14: verify speaks words, gives paths with the kit's folder and
/// the next step, takes several sticks at once with a summary, and its
/// exit code is the worst of them.
#[test]
fn verify_speaks_words_and_takes_many_sticks() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let good = tmp.path().join("a");
    unpack(&zip, &good);
    let bad = tmp.path().join("b");
    let kit = unpack(&zip, &bad);
    let srt = kit.join("data/subtitles/trailer.en.srt");
    let mut text = std::fs::read(&srt).unwrap();
    text.extend_from_slice(b"\n12 bytes...");
    std::fs::write(&srt, text).unwrap();
    let none = tmp.path().join("c");
    std::fs::create_dir_all(&none).unwrap();

    let run = screenkit(["verify".as_ref(), good.as_os_str(), bad.as_os_str()]);
    run.code(1);
    let b = bad.display();
    for want in [
        format!(
            "{b}: 1 file changed, size check failed: the stick holds 12 bytes more than the kit"
        ),
        "  last-train-home/data/subtitles/trailer.en.srt: changed since the kit was built".into(),
        format!(
            "Next: replace last-train-home/data/subtitles/trailer.en.srt with the same from last-train-home.zip, or re-copy the whole kit from its zip: screenkit copy last-train-home.zip {b} --replace"
        ),
        "Summary: 1 of 2 intact".into(),
        format!("FAILED  {b}"),
    ] {
        assert!(run.stdout.contains(&want), "{want}\n{}", run.stdout);
    }
    for jargon in ["oxum", "Oxum", "manifest", "payload"] {
        assert!(!run.stdout.contains(jargon), "{jargon}: {}", run.stdout);
    }
    let run = screenkit([
        "verify".as_ref(),
        good.as_os_str(),
        bad.as_os_str(),
        none.as_os_str(),
    ]);
    assert!(
        run.code(2).stdout.contains("Summary: 1 of 3 intact") && run.stderr.contains("not a kit"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let run = screenkit([
        "verify".as_ref(),
        "--json".as_ref(),
        good.as_os_str(),
        bad.as_os_str(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.code(1).stdout).unwrap();
    assert_eq!(v["intact"], false);
    assert_eq!(v["kits"][0]["intact"], true, "{v}");
    let p = &v["kits"][1]["problems"][0];
    assert_eq!(p["kind"], "changed", "{v}");
    assert_eq!(p["path"], "data/subtitles/trailer.en.srt", "{v}");
    assert_eq!(
        p["on_stick"],
        "last-train-home/data/subtitles/trailer.en.srt"
    );
    assert_eq!(p["plain"], "changed since the kit was built");
}

/// The tamper benchmark, small: 50 flips anywhere in the demo zip and 50
/// aimed at its headers; every miss must change nothing unzip, 7z or
/// Python's zipfile extract (benches/tamper.py; 1,000 + 1,000 there).
#[test]
fn tamper_benchmark_small() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build(&demo_copy(tmp.path()), tmp.path());
    let run = std::process::Command::new("python3")
        .arg(repo().join("benches/tamper.py"))
        .args([zip.as_os_str(), "--bin".as_ref()])
        .arg(env!("CARGO_BIN_EXE_screenkit"))
        .args(["--random", "50", "--aimed", "50", "--seed", "7"])
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("random: 50 flips") && stdout.contains("aimed: 50 flips"),
        "{stdout}"
    );
}
