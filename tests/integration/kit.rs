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
    std::fs::write(bag.join("._index.html"), "x").unwrap();
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
    let run = screenkit(["verify".as_ref(), "--verbose".as_ref(), flipped.as_os_str()]);
    assert!(
        run.code(1).stdout.contains("changed data/clips/"),
        "{}",
        run.stdout
    );
    // A truncated zip.
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &z[..z.len() / 2]).unwrap();
    let run = screenkit(["verify".as_ref(), "--verbose".as_ref(), cut.as_os_str()]);
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
    let run = screenkit(["verify".as_ref(), "--verbose".as_ref(), evil.as_os_str()]);
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
    // The demo's tracks hold 2-3 cues each: each clip is named as too
    // short to judge for sync (an info), never silently passed.
    let (infos, rest): (Vec<_>, Vec<_>) = found.iter().partition(|(_, sev)| sev == "info");
    assert_eq!((code, rest.len()), (0, 0), "{found:?}");
    assert_eq!(infos.len(), 9, "one per clip: {found:?}");
    assert!(
        infos.iter().all(|(rule, _)| rule == "out-of-sync"),
        "{found:?}"
    );
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
    // Four cues, 800 ms early: too few to judge, which check must say.
    let short: String = truth.split("\n\n").take(4).collect::<Vec<_>>().join("\n\n") + "\n";
    std::fs::write(kit.join("short-on-time.srt"), short).unwrap();
    let run = screenkit([
        "retime".as_ref(),
        kit.join("short-on-time.srt").as_os_str(),
        "--shift".as_ref(),
        "-0.8s".as_ref(),
        "-o".as_ref(),
        kit.join("short.srt").as_os_str(),
    ]);
    run.code(0);
    std::fs::remove_file(kit.join("short-on-time.srt")).unwrap();
    let mut m = String::from(
        "title = \"T\"\ncards = \"cards.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n",
    );
    for (id, subs) in [("a", "on-time.srt"), ("b", "late.srt"), ("c", "short.srt")] {
        m.push_str(&format!(
            "[[clip]]\nid = \"{id}\"\ntitle = \"{id}\"\nmedia = \"{}\"\nsubtitles = \"{subs}\"\nminutes = 1\n",
            clip.display()
        ));
    }
    std::fs::write(kit.join("kit.toml"), m).unwrap();
    std::fs::write(kit.join("cards.toml"), "").unwrap();
    let run = screenkit(["check".as_ref(), "--json".as_ref(), kit.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let out_of_sync: Vec<(String, String, String)> = v["files"]
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
                    (
                        path.clone(),
                        x["message"].as_str().unwrap().to_string(),
                        x["severity"].as_str().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let (info, out_of_sync): (Vec<_>, Vec<_>) =
        out_of_sync.into_iter().partition(|x| x.2 == "info");
    assert_eq!(info.len(), 1, "{info:?}");
    assert!(info[0].0.ends_with("short.srt"), "{info:?}");
    assert!(
        info[0].1.contains("'speech-b.ogg'") && info[0].1.contains("too few"),
        "{info:?}"
    );
    assert!(info[0].1.contains("--to REF.srt"), "{info:?}");
    assert_eq!(out_of_sync.len(), 1, "{out_of_sync:?}");
    assert!(out_of_sync[0].2 == "warning", "{out_of_sync:?}");
    assert!(out_of_sync[0].0.ends_with("late.srt"), "{out_of_sync:?}");
    assert!(out_of_sync[0].1.contains("2.5"), "{out_of_sync:?}");
    assert!(out_of_sync[0].1.contains("late"), "{out_of_sync:?}");
}

/// One finding of a kit: (file, rule, severity, line, message).
type KitFinding = (String, String, String, u64, String);

/// Every finding of a `check --json` run.
fn kit_findings(kit: &Path, extra: &[&str]) -> (i32, Vec<KitFinding>) {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--json".into(), kit.into()];
    args.extend(extra.iter().map(Into::into));
    let run = screenkit(&args);
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for x in f["findings"].as_array().unwrap() {
            out.push((
                f["path"].as_str().unwrap().to_string(),
                x["rule"].as_str().unwrap().to_string(),
                x["severity"].as_str().unwrap().to_string(),
                x["line"].as_u64().unwrap(),
                x["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    (run.code, out)
}

/// The line of `kit.toml` in `kit` that starts with `start`.
fn manifest_line(kit: &Path, start: &str) -> u64 {
    let text = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
    text.lines().position(|l| l.starts_with(start)).unwrap() as u64 + 1
}

#[test]
fn build_and_verify_counts_reconcile() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = kit_with(tmp.path(), &[("trailer", root.join("clips/trailer.mp4"))]);
    let out = tmp.path().join("out");
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    run.code(0);
    let zip = out.join("k.zip");
    // One clip: the clip, its .srt, .vtt and .vtt.js, and three card files;
    // bagit.txt, bag-info.txt, two manifests, index.html, README.txt,
    // runsheet.html and the two VLC playlists.
    assert!(
        run.stderr.contains(
            "16 files in the bag = 7 payload (1 clip, 3 subtitle files, 3 card files) + 9 tag files"
        ),
        "{}",
        run.stderr
    );
    let run = screenkit(["verify".as_ref(), "--verbose".as_ref(), zip.as_os_str()]);
    assert!(
        run.code(0)
            .stdout
            .contains("intact (16 files checked = 7 payload + 9 tag files"),
        "{}",
        run.stdout
    );
    // The JSON of both names the same parts, and they add up.
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
    ]);
    let built: serde_json::Value = serde_json::from_str(&run.code(0).stdout).unwrap();
    let run = screenkit(["verify".as_ref(), "--json".as_ref(), zip.as_os_str()]);
    let verified: serde_json::Value = serde_json::from_str(&run.code(0).stdout).unwrap();
    for key in ["files", "payload_files", "tag_files"] {
        assert_eq!(built[key], verified[key], "{key}: {built} vs {verified}");
    }
    assert_eq!(
        built["files"].as_u64(),
        Some(built["payload_files"].as_u64().unwrap() + built["tag_files"].as_u64().unwrap())
    );
    assert_eq!(built["payload"]["clips"], 1, "{built}");
    assert_eq!(built["payload"]["subtitles"], 3, "{built}");
}

#[test]
fn new_kit_placeholders_are_warnings_and_rights_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = tmp.path().join("my-screening");
    screenkit(["new".as_ref(), kit.as_os_str()]).code(0);
    assert!(kit.join("clips").is_dir() && kit.join("subtitles").is_dir());
    std::fs::copy(root.join("clips/trailer.mp4"), kit.join("clips/clip-1.mp4")).unwrap();
    std::fs::copy(
        root.join("subtitles/trailer.en.srt"),
        kit.join("subtitles/clip-1.en.srt"),
    )
    .unwrap();
    let manifest = kit.join("kit.toml").display().to_string();
    let (code, found) = kit_findings(&kit, &[]);
    assert_eq!(code, 1, "{found:?}");
    let placeholder = |field: &str| {
        found
            .iter()
            .find(|f| f.1 == "placeholder" && f.4.starts_with(&format!("{field} is still")))
            .unwrap_or_else(|| panic!("no placeholder finding for {field}: {found:?}"))
    };
    let title = placeholder("title");
    assert_eq!(
        (title.0.as_str(), title.2.as_str(), title.3),
        (manifest.as_str(), "warning", manifest_line(&kit, "title ="))
    );
    assert!(title.4.contains("\"TITLE OF THE EVENING\""), "{title:?}");
    let rights = placeholder("rights");
    assert_eq!(
        (rights.2.as_str(), rights.3),
        ("error", manifest_line(&kit, "rights ="))
    );
    placeholder("film.title");
    placeholder("organizer.contact");
    assert!(
        found.iter().all(|f| f.2 != "error" || f.1 == "placeholder"),
        "only the rights placeholder is an error: {found:?}"
    );
    // The human report names the file and line too.
    let run = screenkit(["check".as_ref(), kit.as_os_str()]);
    let want = format!(
        "{manifest}:{}: warning[placeholder]: title is still the placeholder \"TITLE OF THE EVENING\"",
        manifest_line(&kit, "title =")
    );
    assert!(run.code(1).stdout.contains(&want), "{}", run.stdout);
    // build refuses while rights is a placeholder.
    let out = tmp.path().join("out");
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.code(1)
            .stderr
            .contains("error[placeholder]: rights is still")
            && run.stderr.contains("nothing built"),
        "{}",
        run.stderr
    );
    assert!(!out.join("my-screening.zip").exists());
    // With rights filled in, the other placeholders only warn.
    let text = std::fs::read_to_string(kit.join("kit.toml"))
        .unwrap()
        .replace(
            "WHO LICENSED THE SCREENING AND THE CLIPS",
            "Licensed for this screening by the distributor",
        );
    std::fs::write(kit.join("kit.toml"), text).unwrap();
    let (code, found) = kit_findings(&kit, &[]);
    assert_eq!(code, 0, "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.1 == "placeholder" && f.2 == "warning")
    );
    screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
    .code(0);
}

#[test]
fn the_demo_kit_has_no_placeholders() {
    // Neither `new`'s (the check finds those) nor words asking for a fill-in.
    let (code, found) = kit_findings(&demo_kit(), &[]);
    assert_eq!(code, 0);
    assert!(found.iter().all(|f| f.1 != "placeholder"), "{found:?}");
    let text = std::fs::read_to_string(demo_kit().join("kit.toml")).unwrap();
    let values = text.lines().filter(|l| !l.trim_start().starts_with('#'));
    for l in values {
        assert!(!l.to_lowercase().contains("replace with"), "{l}");
    }
}

#[test]
fn missing_files_are_named_with_their_kit_toml_line() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("k");
    std::fs::create_dir_all(&kit).unwrap();
    std::fs::write(
        kit.join("kit.toml"),
        "title = \"T\"\ncards = \"cards.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n[[clip]]\nid = \"x\"\ntitle = \"X\"\nmedia = \"clips/x.mp4\"\nsubtitles = \"subtitles/x.en.srt\"\nminutes = 1\n",
    )
    .unwrap();
    let run = screenkit(["check".as_ref(), kit.as_os_str()]);
    run.code(1);
    let k = kit.display();
    for want in [
        format!(
            "not found: {k}/clips/x.mp4 (from kit.toml line {})",
            manifest_line(&kit, "media")
        ),
        format!(
            "not found: {k}/subtitles/x.en.srt (from kit.toml line {})",
            manifest_line(&kit, "subtitles")
        ),
        format!("not found: {k}/cards.toml (from kit.toml line 2)"),
    ] {
        assert!(run.stdout.contains(&want), "{want}\n{}", run.stdout);
    }
    for wrong in ["re-encode", "cannot open", "SubRip", "No such file"] {
        assert!(!run.stdout.contains(wrong), "{wrong}\n{}", run.stdout);
    }
}

#[test]
fn a_clip_that_will_not_play_gets_the_ffmpeg_command_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("not a clip.mp4");
    std::fs::write(&bad, "this is text, not video").unwrap();
    let kit = kit_with(tmp.path(), &[("bad", bad.clone())]);
    let run = screenkit(["check".as_ref(), kit.as_os_str()]);
    let out = bad.with_file_name("not a clip.h264.mp4");
    let want = format!(
        "ffmpeg -i '{}' -c:v libx264 -crf 18 -preset slow -c:a aac -b:a 192k -ac 2 -movflags +faststart '{}'",
        bad.display(),
        out.display()
    );
    assert!(
        run.code(1).stdout.contains("error[clip]") && run.stdout.contains(&want),
        "{want}\n{}",
        run.stdout
    );
}

#[test]
fn build_checks_the_stick_size_like_check() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = kit_with(tmp.path(), &[("trailer", root.join("clips/trailer.mp4"))]);
    let (code, found) = kit_rules(&kit, &["--usb-size", "10KB"]);
    assert_eq!(code, 1);
    assert!(found.contains(&("usb-total-size".into(), "error".into())));
    let out = tmp.path().join("out");
    let build = |size: &str| {
        screenkit([
            "build".as_ref(),
            kit.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--usb-size".as_ref(),
            size.as_ref(),
        ])
    };
    let run = build("10KB");
    assert!(
        run.code(1).stderr.contains("error[usb-total-size]")
            && run.stderr.contains("nothing built"),
        "{}",
        run.stderr
    );
    assert!(!out.join("k.zip").exists());
    build("1GB").code(0);
    assert!(out.join("k.zip").exists());
}

/// Issue 16 item 6: a clip id that is not a safe slug is a `check` error
/// on its kit.toml line, and `build` refuses it even with `--force`.
#[test]
fn unsafe_clip_ids_are_errors_and_never_built() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let trailer = root.join("clips/trailer.mp4");
    for id in ["a\\\"b", "x y", "é", "a.b", "<i>", ""] {
        let tmp = tempfile::tempdir().unwrap();
        let kit = kit_with(
            tmp.path(),
            &[("ok_-1", trailer.clone()), (id, trailer.clone())],
        );
        let run = screenkit(["check".as_ref(), kit.as_os_str()]);
        run.code(1);
        let text = std::fs::read_to_string(kit.join("kit.toml")).unwrap();
        let line = text
            .lines()
            .position(|l| l == format!("id = \"{id}\""))
            .unwrap()
            + 1;
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(&format!("kit.toml:{line}: error[kit-id]"))),
            "{id}: {}",
            run.stdout
        );
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
            "{id}: {}",
            run.stderr
        );
        assert!(!out.join("k.zip").exists(), "{id}");
    }
}
