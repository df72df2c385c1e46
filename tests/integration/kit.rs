//! Kits: `build` makes a valid BagIt bag in a zip that bagit.py, unzip and
//! 7z accept, byte-identical across builds; `verify` names every damaged,
//! missing or extra file, catches truncation and refuses zip-slip entries.

use crate::util::screenkit;
use std::path::{Path, PathBuf};
use std::process::Command;

fn demo_kit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home")
}

/// Build the demo kit into `dir`; returns the zip and its SHA-256.
fn build(dir: &Path) -> (PathBuf, String) {
    let run = screenkit([
        "build".as_ref(),
        demo_kit().as_os_str(),
        "-o".as_ref(),
        dir.as_os_str(),
    ]);
    run.code(0);
    let zip = dir.join("last-train-home.zip");
    assert!(zip.exists(), "{}", run.stderr);
    use sha2::Digest;
    let bytes = std::fs::read(&zip).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (zip, sha)
}

fn tool(cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} is needed ({e}): run `bash tests/run`, which installs it")
    })
}

fn unzip(zip: &Path, into: &Path) -> PathBuf {
    let out = tool(
        "unzip",
        &["-q", zip.to_str().unwrap(), "-d", into.to_str().unwrap()],
    );
    assert!(out.status.success());
    into.join("last-train-home")
}

#[test]
fn build_is_a_valid_bag_and_byte_identical_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let (zip, sha) = build(&tmp.path().join("a"));
    let (_, sha2) = build(&tmp.path().join("b"));
    assert_eq!(sha, sha2, "two builds, same bytes");
    assert!(
        tool("unzip", &["-tq", zip.to_str().unwrap()])
            .status
            .success()
    );
    let seven = tool("7z", &["t", zip.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&seven.stdout).contains("Everything is Ok"));
    let bag = unzip(&zip, &tmp.path().join("unzipped"));
    let v = tool("bagit.py", &["--validate", bag.to_str().unwrap()]);
    assert!(
        v.status.success() && String::from_utf8_lossy(&v.stderr).contains("is valid"),
        "{}",
        String::from_utf8_lossy(&v.stderr)
    );
    for f in [
        "index.html",
        "README.txt",
        "data/clips/trailer.mp4",
        "data/subtitles/trailer.en.vtt.js",
        "data/cards/cards.html",
    ] {
        assert!(bag.join(f).is_file(), "{f}");
    }
    let readme = std::fs::read_to_string(bag.join("README.txt")).unwrap();
    assert!(
        readme.contains("RUN SHEET")
            && readme.contains("Total:")
            && readme.contains("screenkit verify")
    );
    screenkit(["verify".as_ref(), zip.as_os_str()]).code(0);
    screenkit(["verify".as_ref(), bag.as_os_str()]).code(0);
    // A stick holding the kit folder, with the clutter operating systems leave.
    std::fs::write(tmp.path().join("unzipped/.DS_Store"), "x").unwrap();
    std::fs::write(bag.join("data/._trailer.mp4"), "x").unwrap();
    screenkit(["verify".as_ref(), tmp.path().join("unzipped").as_os_str()]).code(0);
}

#[test]
fn verify_names_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let (zip, _) = build(tmp.path());
    let bag = unzip(&zip, &tmp.path().join("u"));
    // One byte of one clip flipped, one file added, one removed.
    let clip = bag.join("data/clips/any-feelings.mp4");
    let mut bytes = std::fs::read(&clip).unwrap();
    bytes[3000] ^= 0xff;
    std::fs::write(&clip, bytes).unwrap();
    std::fs::write(bag.join("data/notes.txt"), "mine").unwrap();
    std::fs::remove_file(bag.join("data/subtitles/trailer.en.srt")).unwrap();
    let run = screenkit(["verify".as_ref(), "--json".as_ref(), bag.as_os_str()]);
    run.code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().into(),
                p["path"].as_str().unwrap().into(),
            )
        })
        .collect();
    for want in [
        ("changed", "data/clips/any-feelings.mp4"),
        ("extra", "data/notes.txt"),
        ("missing", "data/subtitles/trailer.en.srt"),
    ] {
        assert!(
            found.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in {found:?}"
        );
    }
    // A flipped byte inside the zip: the CRC and the hash both catch it.
    let mut z = std::fs::read(&zip).unwrap();
    let at = z.windows(4).position(|w| w == b"mdat").unwrap() + 1000;
    z[at] ^= 0xff;
    let flipped = tmp.path().join("flipped.zip");
    std::fs::write(&flipped, &z).unwrap();
    let run = screenkit(["verify".as_ref(), flipped.as_os_str()]);
    assert!(
        run.code(1).stdout.contains("changed data/clips/"),
        "{}",
        run.stdout
    );
    // A truncated zip.
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &z[..z.len() / 2]).unwrap();
    let run = screenkit(["verify".as_ref(), cut.as_os_str()]);
    assert!(
        run.code(1).stdout.contains("damaged-zip") && run.stdout.contains("cut.zip"),
        "{}",
        run.stdout
    );
}

#[test]
fn zip_slip_entries_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = tmp.path().join("evil.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&evil).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    for name in ["kit/bagit.txt", "../outside.txt", "/etc/cron.d/x"] {
        w.start_file(name, o).unwrap();
        std::io::Write::write_all(&mut w, b"BagIt-Version: 1.0\n").unwrap();
    }
    w.finish().unwrap();
    let run = screenkit(["verify".as_ref(), evil.as_os_str()]);
    run.code(1);
    assert!(
        run.stdout.contains("unsafe-path ../outside.txt")
            && run.stdout.contains("unsafe-path /etc/cron.d/x"),
        "{}",
        run.stdout
    );
    assert!(!tmp.path().parent().unwrap().join("outside.txt").exists());
    let run = screenkit(["verify".as_ref(), tmp.path().as_os_str()]);
    assert!(run.code(2).stderr.contains("not a kit"), "{}", run.stderr);
}

/// A kit in `dir` whose clips are (id, media) pairs, all with the trailer's subtitles.
fn kit_with(dir: &Path, clips: &[(&str, PathBuf)]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = dir.join("k");
    std::fs::create_dir_all(&kit).unwrap();
    let mut m = String::from(
        "title = \"T\"\ncards = \"cards.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n",
    );
    for (id, media) in clips {
        m.push_str(&format!("[[clip]]\nid = \"{id}\"\ntitle = \"{id}\"\nmedia = \"{}\"\nsubtitles = \"{}\"\nminutes = 1\n", media.display(), root.join("subtitles/trailer.en.srt").display()));
    }
    std::fs::write(kit.join("kit.toml"), m).unwrap();
    std::fs::write(kit.join("cards.toml"), "").unwrap();
    kit
}

fn kit_rules(kit: &Path, extra: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--json".into(), kit.into()];
    args.extend(extra.iter().map(Into::into));
    let run = screenkit(&args);
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for x in f["findings"].as_array().unwrap() {
            out.push((
                x["rule"].as_str().unwrap().to_string(),
                x["severity"].as_str().unwrap().to_string(),
            ));
        }
    }
    (run.code, out)
}

#[test]
fn kit_check_covers_names_loudness_size_and_the_demo_passes() {
    let (code, found) = kit_rules(&demo_kit(), &[]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let trailer = root.join("clips/trailer.mp4");
    // A much louder copy of the trailer.
    let loud = tmp.path().join("loud.mp4");
    let ok = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&trailer)
        .args(["-c:v", "copy", "-af", "volume=12dB", "-c:a", "aac"])
        .arg(&loud)
        .status()
        .expect("ffmpeg");
    assert!(ok.success());
    // A sparse file over FAT32's 4 GiB limit.
    let huge = tmp.path().join("huge.mp4");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(4 * 1024 * 1024 * 1024 + 10)
        .unwrap();
    let kit = kit_with(
        tmp.path(),
        &[
            ("trailer", trailer.clone()),
            ("Trailer", loud),
            ("CON", trailer),
            ("huge", huge),
        ],
    );
    let (code, found) = kit_rules(&kit, &["--usb-size", "1GB"]);
    assert_eq!(code, 1);
    for (rule, sev) in [
        ("usb-name-clash", "error"),
        ("usb-name", "error"),
        ("loudness-spread", "warning"),
        ("usb-file-size", "warning"),
        ("usb-total-size", "error"),
        ("clip", "error"),
    ] {
        assert!(
            found.contains(&(rule.to_string(), sev.to_string())),
            "{rule}/{sev} not in {found:?}"
        );
    }
}

#[test]
fn clips_can_list_their_cards_and_unknown_ones_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = kit_with(tmp.path(), &[("trailer", root.join("clips/trailer.mp4"))]);
    let manifest = std::fs::read_to_string(kit.join("kit.toml"))
        .unwrap()
        .replace("minutes = 1\n", "cards = [\"q\", \"nope\"]\nminutes = 1\n");
    std::fs::write(kit.join("kit.toml"), manifest).unwrap();
    std::fs::write(kit.join("cards.toml"), "[[card]]\nid = \"q\"\nkind = \"question\"\ntitle = \"Listed by the clip\"\ntext = \"Why?\"\n").unwrap();
    let (code, found) = kit_rules(&kit, &[]);
    assert_eq!(code, 1);
    assert!(
        found.contains(&("cards".to_string(), "error".to_string())),
        "{found:?}"
    );
    let manifest = std::fs::read_to_string(kit.join("kit.toml"))
        .unwrap()
        .replace(", \"nope\"", "");
    std::fs::write(kit.join("kit.toml"), manifest).unwrap();
    screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        tmp.path().as_os_str(),
    ])
    .code(0);
    let bag = unzip(&tmp.path().join("k.zip"), &tmp.path().join("u"));
    let bag = bag.parent().unwrap().join("k");
    let index = std::fs::read_to_string(bag.join("index.html")).unwrap();
    assert!(
        index.contains("Listed by the clip"),
        "the player shows cards the clip lists"
    );
}

#[test]
fn kit_check_warns_when_subtitles_are_off_the_speech() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clip = root.join("tests/fixtures/sync/speech-b.ogg");
    let truth =
        std::fs::read_to_string(root.join("tests/fixtures/sync/speech-b.truth.srt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("k");
    std::fs::create_dir_all(&kit).unwrap();
    let on_time = kit.join("on-time.srt");
    std::fs::write(&on_time, &truth).unwrap();
    // The same track 2.5 s late.
    let late = kit.join("late.srt");
    let run = screenkit([
        "retime".as_ref(),
        on_time.as_os_str(),
        "--shift".as_ref(),
        "2.5s".as_ref(),
        "-o".as_ref(),
        late.as_os_str(),
    ]);
    run.code(0);
    let mut m = String::from(
        "title = \"T\"\ncards = \"cards.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n",
    );
    for (id, subs) in [("a", "on-time.srt"), ("b", "late.srt")] {
        m.push_str(&format!(
            "[[clip]]\nid = \"{id}\"\ntitle = \"{id}\"\nmedia = \"{}\"\nsubtitles = \"{subs}\"\nminutes = 1\n",
            clip.display()
        ));
    }
    std::fs::write(kit.join("kit.toml"), m).unwrap();
    std::fs::write(kit.join("cards.toml"), "").unwrap();
    let run = screenkit(["check".as_ref(), "--json".as_ref(), kit.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let out_of_sync: Vec<(String, String)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["rule"] == "out-of-sync")
                .map(move |x| {
                    assert_eq!(x["severity"], "warning");
                    (path.clone(), x["message"].as_str().unwrap().to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(out_of_sync.len(), 1, "{out_of_sync:?}");
    assert!(out_of_sync[0].0.ends_with("late.srt"), "{out_of_sync:?}");
    assert!(out_of_sync[0].1.contains("2.5"), "{out_of_sync:?}");
    assert!(out_of_sync[0].1.contains("late"), "{out_of_sync:?}");
}
