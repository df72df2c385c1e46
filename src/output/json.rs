//! The `--json` schemas. They are API: add fields, never rename or remove.

use crate::check::rules::{Finding, Severity};
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
    pub message: String,
    pub fixable: bool,
}

impl From<&Finding> for JsonFinding {
    fn from(f: &Finding) -> Self {
        JsonFinding {
            rule: f.rule.id(),
            severity: f.severity,
            line: f.line,
            cue: f.cue,
            message: f.message.clone(),
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
