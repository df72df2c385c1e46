//! Test helpers: run the binary, find fixtures and the shared corpus, read
//! `--json` output strictly (unknown fields fail the test: the schema is API).

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn code(&self, want: i32) -> &Self {
        assert_eq!(
            self.code, want,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> Report {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", self.stdout))
    }
}

/// Run screenkit with a clean environment and colour off.
pub fn screenkit<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_screenkit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .output()
        .expect("run screenkit");
    Run {
        code: out
            .status
            .code()
            .expect("exited normally, not by a signal (a panic aborts with 101)"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run screenkit, killed after `secs` so that a hang fails the test, not
/// the run: the exit code (`None` when killed), stdout and stderr. For
/// runs whose output is small (it is read after the exit).
pub fn screenkit_within(secs: u64, args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_screenkit"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= secs {
            child.kill().unwrap();
            child.wait().unwrap();
            return (None, String::new(), String::new());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A path inside `../shared`, the third-party material (subtitle corpus,
/// film seeds) that lives beside the checkout, never in the repo. Tests
/// that call this are named `shared_*`: `tests/run` skips them, with one
/// line saying so, when `../shared` is not there (a plain clone).
pub fn shared(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        root.is_dir(),
        "{} is missing: this test reads third-party files that are not in the repo. \
         `bash tests/run` skips the shared_* tests when ../shared is not beside the checkout",
        root.display()
    );
    root.join(rel)
}

/// A file of the shared subtitle corpus (`../shared/corpus/srt`).
pub fn corpus(name: &str) -> PathBuf {
    shared("corpus/srt").join(name)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub version: u32,
    pub files: Vec<FileReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileReport {
    pub path: String,
    pub encoding: Option<String>,
    pub cues: usize,
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub line: usize,
    pub cue: Option<usize>,
    pub message: String,
    pub fixable: bool,
}

impl FileReport {
    pub fn rules(&self) -> std::collections::BTreeSet<&str> {
        self.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    pub fn errors(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == "error")
            .collect()
    }
}

/// Check one file with `--json`; returns the exit code and its report.
pub fn check_json(path: &Path, extra: &[&str]) -> (i32, FileReport) {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--json".into()];
    args.extend(extra.iter().map(Into::into));
    args.push(path.into());
    let run = screenkit(&args);
    let mut report = run.json();
    assert_eq!(report.version, 1);
    assert_eq!(report.files.len(), 1);
    (run.code, report.files.remove(0))
}

/// A SubRip file of `cues` (start, end in ms), one line of text each.
pub fn write_srt(path: &Path, cues: &[(i64, i64)]) {
    let t = |ms: i64| {
        format!(
            "{:02}:{:02}:{:02},{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    };
    let text: String = cues
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| format!("{}\n{} --> {}\nLine {}.\n\n", i + 1, t(s), t(e), i + 1))
        .collect();
    std::fs::write(path, text).unwrap();
}
