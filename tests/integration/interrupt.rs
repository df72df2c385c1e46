//! Interrupted runs (issue 16, item 9 and its kill test): `build` and
//! `fix --in-place` killed by SIGKILL, SIGTERM or SIGINT at 20 random
//! moments, half of them while the output's temp file is being written.
//! Whatever the moment: no file at the output path unless the run
//! finished, the input byte-identical (or, for a finished fix, fixed with
//! a complete backup), and no temp file left: at once after SIGINT and
//! SIGTERM (exit 130, 143), after the next run in that folder after SIGKILL.

use crate::util::screenkit;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The demo kit in `dir`, its trailer swapped for a ~100 MB copy (a
/// trailing MP4 `free` box of zeros, which every reader skips), so that
/// writing the zip takes long enough to be interrupted in the middle.
fn big_kit(dir: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = dir.join("big-kit");
    std::fs::create_dir_all(&kit).unwrap();
    for name in ["kit.toml", "cards.toml"] {
        std::fs::copy(repo.join("kits/last-train-home").join(name), kit.join(name)).unwrap();
    }
    let clip = dir.join("big-trailer.mp4");
    let mut bytes = std::fs::read(repo.join("clips/trailer.mp4")).unwrap();
    let pad: u32 = 100 << 20;
    bytes.extend_from_slice(&(pad + 8).to_be_bytes());
    bytes.extend_from_slice(b"free");
    bytes.resize(bytes.len() + pad as usize, 0);
    std::fs::write(&clip, bytes).unwrap();
    let toml = std::fs::read_to_string(kit.join("kit.toml"))
        .unwrap()
        .replace("../../clips/trailer.mp4", &clip.display().to_string())
        .replace("../../", &format!("{}/", repo.display()));
    std::fs::write(kit.join("kit.toml"), toml).unwrap();
    kit
}

/// A 12 MB SubRip file that `fix` changes everywhere (every cue is read
/// too fast), so `--in-place` has a big file to back up and rewrite.
fn big_srt(path: &Path) {
    let mut text = String::with_capacity(13 << 20);
    for i in 0..150_000i64 {
        let start = screenkit::time::Timestamp(i * 2000).srt();
        let end = screenkit::time::Timestamp(i * 2000 + 900).srt();
        text.push_str(&format!(
            "{}\n{start} --> {end}\nHello there, this is line number {i}.\n\n",
            i + 1
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Our temp files in `dir`.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".screenkit-"))
        .collect()
}

/// A small xorshift generator: the moments differ from run to run, and
/// the seed is printed so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sig {
    Kill,
    Term,
    Int,
}

impl Sig {
    fn name(self) -> &'static str {
        match self {
            Sig::Kill => "KILL",
            Sig::Term => "TERM",
            Sig::Int => "INT",
        }
    }

    /// The exit an interrupted run must report: 137 is the shell's
    /// figure for a process killed by signal 9.
    fn exit(self) -> i32 {
        match self {
            Sig::Kill => 137,
            Sig::Term => 143,
            Sig::Int => 130,
        }
    }
}

fn exit_of(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap()
}

/// Start `args`, then send `sig` after `delay`, or, with `mid_write`, once
/// a temp file has appeared in `dir` plus `delay`. Returns the exit.
fn interrupt(
    args: &[&std::ffi::OsStr],
    dir: &Path,
    sig: Sig,
    delay: Duration,
    mid_write: bool,
) -> i32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_screenkit"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    if mid_write {
        while temps(dir).is_empty() && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    std::thread::sleep(delay);
    let _ = Command::new("kill")
        .arg(format!("-{}", sig.name()))
        .arg(child.id().to_string())
        .status();
    exit_of(child.wait().unwrap())
}

/// Item 9's kill test: 20 interrupts, alternating `build` and
/// `fix --in-place` and cycling through the three signals.
#[cfg(unix)]
#[test]
fn interrupted_build_and_fix_leave_no_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = big_kit(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let zip = out.join("big-kit.zip");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let srt = work.join("talk.srt");
    big_srt(&srt);
    let original = std::fs::read(&srt).unwrap();
    // Reference runs: how long each takes, and what a finished fix writes.
    let fixed_path = tmp.path().join("fixed.srt");
    let t = Instant::now();
    let run = screenkit([
        "fix".as_ref(),
        srt.as_os_str(),
        "-o".as_ref(),
        fixed_path.as_os_str(),
    ]);
    assert!(matches!(run.code, 0 | 1), "{run:?}");
    let fix_ms = t.elapsed().as_millis() as u64;
    let fixed = std::fs::read(&fixed_path).unwrap();
    assert_ne!(fixed, original, "fix changes the file");
    let t = Instant::now();
    let build = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "build".as_ref(),
            kit.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        args.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
        args.into_iter().map(|s| s.to_owned()).collect::<Vec<_>>()
    };
    let args = build(&[]);
    screenkit(&args).code(0);
    let build_ms = t.elapsed().as_millis() as u64;
    // Two builds of one kit are byte-identical: what a finished one writes.
    let whole_zip = std::fs::read(&zip).unwrap();
    std::fs::remove_file(&zip).unwrap();
    let fix_args: Vec<&std::ffi::OsStr> =
        vec!["fix".as_ref(), "--in-place".as_ref(), srt.as_os_str()];
    // A cheap run that makes a temp file in `dir`: what sweeps after a SIGKILL.
    let tidy = |dir: &Path| {
        let small = tmp.path().join("small.srt");
        std::fs::write(&small, "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n").unwrap();
        let dest = dir.join("small.vtt");
        screenkit([
            "convert".as_ref(),
            small.as_os_str(),
            "--to".as_ref(),
            "vtt".as_ref(),
            "--force".as_ref(),
            "-o".as_ref(),
            dest.as_os_str(),
        ])
        .code(0);
        std::fs::remove_file(dest).unwrap();
    };

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("kill test seed {seed}");
    let mut rng = Rng(seed);
    let signals = [Sig::Kill, Sig::Term, Sig::Int];
    for round in 0..20 {
        let sig = signals[round % 3];
        let mid_write = round % 4 >= 2;
        let is_build = round % 2 == 0;
        let (dir, total) = if is_build {
            (&out, build_ms)
        } else {
            (&work, fix_ms)
        };
        let delay = Duration::from_millis(if mid_write {
            rng.below(total / 4)
        } else {
            rng.below(total)
        });
        let what = format!(
            "round {round}: {} SIG{} after {delay:?} (mid-write: {mid_write})",
            if is_build { "build" } else { "fix --in-place" },
            sig.name()
        );
        let code = if is_build {
            let args = build(&[]);
            let args: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_os_str()).collect();
            interrupt(&args, dir, sig, delay, mid_write)
        } else {
            interrupt(&fix_args, dir, sig, delay, mid_write)
        };
        let finished = code == 0 || (code == 1 && !is_build);
        assert!(finished || code == sig.exit(), "{what}: exit {code}");
        if sig == Sig::Kill {
            tidy(dir);
        }
        assert_eq!(temps(dir), Vec::<String>::new(), "{what}: exit {code}");
        if is_build {
            // Nothing at the output path unless the build finished (or
            // was killed between the rename and its exit): never a part.
            if finished {
                assert!(zip.exists(), "{what}");
            }
            if zip.exists() {
                assert!(
                    std::fs::read(&zip).unwrap() == whole_zip,
                    "{what}: partial zip"
                );
                std::fs::remove_file(&zip).unwrap();
            }
        } else {
            let now = std::fs::read(&srt).unwrap();
            let backups: Vec<PathBuf> = std::fs::read_dir(&work)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().contains(".bak"))
                .collect();
            // Either untouched or wholly fixed (a kill can land between
            // the rename and the exit), never a part; a finished run fixed.
            assert!(now == original || now == fixed, "{what}: corrupted input");
            if finished {
                assert!(now == fixed, "{what}: a finished fix wrote its output");
            }
            // A backup, if one was made, is the whole original.
            for b in &backups {
                assert!(
                    std::fs::read(b).unwrap() == original,
                    "{what}: {}",
                    b.display()
                );
                std::fs::remove_file(b).unwrap();
            }
            std::fs::write(&srt, &original).unwrap();
        }
    }
}
