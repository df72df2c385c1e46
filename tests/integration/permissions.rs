//! Output permissions: a new output gets the mode the umask allows, as a
//! shell's `>` would give it (0644 under 022, 0640 under 027), and a file
//! rewritten in place keeps its mode, as its backup does.
#![cfg(unix)]

use crate::util::{Run, fixture};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Run screenkit under `umask` (set by `sh`: the crate forbids the unsafe
/// code a `pre_exec` would need).
fn screenkit_umask<I, S>(umask: &str, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_screenkit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .output()
        .expect("run sh");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn demo_kit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home")
}

/// Every kind of output: fix (default name and -o), retime, convert, the
/// cards and the kit zip. Returns the files written.
fn write_every_output(umask: &str, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let input = dir.join("talk.srt");
    std::fs::copy(fixture("srt/defects/overlap.srt"), &input).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = |p: &Path| p.as_os_str().to_owned();
    let o = dir.join("o.srt");
    let cards = dir.join("cards");
    let dist = dir.join("dist");
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["fix".into(), s(&input)],
        vec!["fix".into(), s(&input), "-o".into(), s(&o)],
        vec!["retime".into(), s(&input), "--shift".into(), "1s".into()],
        vec!["convert".into(), s(&input), "--to".into(), "vtt".into()],
        vec!["cards".into(), s(&demo_kit()), "-o".into(), s(&cards)],
        vec!["build".into(), s(&demo_kit()), "-o".into(), s(&dist)],
    ];
    for args in runs {
        screenkit_umask(umask, &args).code(0);
    }
    let files = vec![
        dir.join("talk.fixed.srt"),
        o,
        dir.join("talk.retimed.srt"),
        dir.join("talk.vtt"),
        cards.join("cards.html"),
        cards.join("cards-projection.html"),
        dist.join("last-train-home.zip"),
    ];
    for f in &files {
        assert!(f.is_file(), "{} was not written", f.display());
    }
    files
}

#[test]
fn new_outputs_get_the_umask_mode() {
    let tmp = tempfile::tempdir().unwrap();
    for (umask, want) in [("022", 0o644), ("027", 0o640)] {
        for f in write_every_output(umask, &tmp.path().join(umask)) {
            assert_eq!(
                mode(&f),
                want,
                "{} under umask {umask}: {:o}",
                f.display(),
                mode(&f)
            );
        }
    }
}

#[test]
fn in_place_keeps_the_mode_and_so_does_the_backup() {
    let tmp = tempfile::tempdir().unwrap();
    for (kept, umask) in [(0o644, "077"), (0o755, "022"), (0o600, "022")] {
        let input = tmp.path().join(format!("{kept:o}.srt"));
        std::fs::copy(fixture("srt/defects/overlap.srt"), &input).unwrap();
        std::fs::set_permissions(&input, std::fs::Permissions::from_mode(kept)).unwrap();
        screenkit_umask(
            umask,
            ["fix".as_ref(), input.as_os_str(), "--in-place".as_ref()],
        )
        .code(0);
        let bak = tmp.path().join(format!("{kept:o}.srt.bak"));
        assert_eq!(
            (mode(&input), mode(&bak)),
            (kept, kept),
            "{kept:o} under umask {umask}"
        );
        // A retime in place goes the same way.
        screenkit_umask(
            umask,
            [
                "retime".as_ref(),
                input.as_os_str(),
                "--shift".as_ref(),
                "1s".as_ref(),
                "--in-place".as_ref(),
            ],
        )
        .code(0);
        assert_eq!(mode(&input), kept, "retime {kept:o} under umask {umask}");
    }
}
