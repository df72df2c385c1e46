//! The `--json` schemas. They are API: add fields, never rename or remove.

use crate::check::rules::{Finding, Message, Severity};
use serde::Serialize;

/// `screenkit check --json`: exactly one object on stdout.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub version: u32,
    pub files: Vec<FileReport>,
}

/// One checked file. `error` is present only when the file could not be
/// read at all (then `encoding` is null and `findings` empty; exit 2).
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    pub encoding: Option<String>,
    pub cues: usize,
    pub findings: Vec<JsonFinding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub line: usize,
    pub cue: Option<usize>,
    pub message: Message,
    pub fixable: bool,
}

impl From<Finding> for JsonFinding {
    fn from(f: Finding) -> Self {
        JsonFinding {
            rule: f.rule.id(),
            severity: f.severity,
            line: f.line,
            cue: f.cue,
            message: f.message,
            fixable: f.fixable,
        }
    }
}

/// `screenkit probe --json`: exactly one object on stdout.
#[derive(Debug, Serialize)]
pub struct ProbeReport {
    pub version: u32,
    pub clips: Vec<ClipReport>,
}

/// One clip; `error` only when it could not be read at all (exit 2).
#[derive(Debug, Serialize)]
pub struct ClipReport {
    pub path: String,
    #[serde(flatten)]
    pub info: Option<crate::media::probe::ClipInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `screenkit sync --json`: what was found and what was done.
#[derive(Debug, Serialize)]
pub struct SyncReport {
    pub version: u32,
    pub file: String,
    pub reference: String,
    /// `clip` or `subtitles`.
    pub reference_kind: &'static str,
    /// t' = ratio × t + offset.
    pub ratio: Option<f64>,
    /// The frame-rate pair the ratio is (`"25:23.976"`: timed for 25 fps, now 23.976).
    pub fps: Option<String>,
    pub parts: Vec<SyncPart>,
    /// 0..=1; fits below 0.5 are refused.
    pub confidence: Option<f64>,
    pub accepted: bool,
    pub cues: usize,
    pub over_speech_before: Option<usize>,
    pub over_speech_after: Option<usize>,
    /// The output path, `-` for stdout, or null when nothing was written.
    pub written: Option<String>,
    /// Why the fit was refused or could not be made.
    pub refused: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SyncPart {
    /// 1-based cue positions in the file, inclusive.
    pub first_cue: usize,
    pub last_cue: usize,
    /// Where the part lands after sync.
    pub from: String,
    pub to: String,
    pub offset_ms: i64,
    pub confidence: f64,
}
