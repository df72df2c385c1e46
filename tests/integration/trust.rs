//! Trust (issue 16): a kit, a zip or a stick that lies, breaks or attacks
//! never passes as intact, and no input is overwritten unasked. Every
//! hostile zip, kit and file here is made by the test.

use crate::util::screenkit;
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

fn verify(path: &Path) -> crate::util::Run {
    screenkit(["verify".as_ref(), path.as_os_str()])
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
