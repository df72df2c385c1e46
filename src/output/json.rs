//! The `--json` schemas. They are API: add fields, never rename or remove.

use crate::check::rules::Finding;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// `screenkit check --json`: exactly one object on stdout.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub version: u32,
    pub files: Vec<FileReport>,
}

impl CheckReport {
    /// Exactly the bytes `serde_json::to_writer` writes, with each file's
    /// findings rendered on all cores: a 100k-cue file can have 80k of
    /// them, and on one core they took a fifth of `check --json`.
    pub fn write_to(&self, w: &mut dyn Write) -> io::Result<()> {
        write!(w, "{{\"version\":{},\"files\":[", self.version)?;
        for (i, f) in self.files.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(b"{\"path\":")?;
            serde_json::to_writer(&mut *w, &f.path)?;
            w.write_all(b",\"encoding\":")?;
            serde_json::to_writer(&mut *w, &f.encoding)?;
            write!(w, ",\"cues\":{},\"findings\":[", f.cues)?;
            // Rendered on all cores, a batch at a time, into buffers that
            // are reused: memory stays flat however many findings there are.
            const CHUNK: usize = 4096;
            // A finding is 100-200 bytes: sized so they rarely regrow.
            let room = CHUNK.min(f.findings.len()) * 192;
            let mut bufs: Vec<Vec<u8>> = (0..rayon::current_num_threads() * 2)
                .map(|_| Vec::with_capacity(room))
                .collect();
            for (b, batch) in f.findings.chunks(CHUNK * bufs.len()).enumerate() {
                bufs.par_iter_mut()
                    .zip(batch.par_chunks(CHUNK))
                    .for_each(|(buf, chunk)| {
                        buf.clear();
                        for (k, finding) in chunk.iter().enumerate() {
                            if k > 0 {
                                buf.push(b',');
                            }
                            finding.write_json(buf);
                        }
                    });
                let used = batch.len().div_ceil(CHUNK);
                for (k, buf) in bufs[..used].iter().enumerate() {
                    if b > 0 || k > 0 {
                        w.write_all(b",")?;
                    }
                    w.write_all(buf)?;
                }
            }
            w.write_all(b"]")?;
            if let Some(e) = &f.error {
                w.write_all(b",\"error\":")?;
                serde_json::to_writer(&mut *w, e)?;
            }
            w.write_all(b"}")?;
        }
        w.write_all(b"]}")
    }
}

/// One checked file. `error` is present only when the file could not be
/// read at all (then `encoding` is null and `findings` empty; exit 2).
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    pub encoding: Option<String>,
    pub cues: usize,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::{Message, Rule, Severity, TimeLineOdd};

    #[test]
    fn the_parallel_writer_writes_what_serde_writes() {
        let finding = |k: usize| Finding {
            rule: Rule::ALL[k % Rule::ALL.len()],
            severity: Severity::Warning,
            line: k,
            cue: (!k.is_multiple_of(3)).then_some(k / 2),
            message: match k % 4 {
                0 => Message::ShortGap { gap: 40, min: 83 },
                1 => Message::TimeLine(TimeLineOdd {
                    separator: Some('.'),
                    spaces: true,
                    ..Default::default()
                }),
                2 => Message::Cps {
                    cps: 21.25,
                    max: 20.0,
                },
                _ => format!("quote \" backslash \\ tab \t nl \n é 中 {k}").into(),
            },
            fixable: k.is_multiple_of(2),
        };
        let report = CheckReport {
            version: 1,
            files: vec![
                FileReport {
                    path: "a \"b\".srt".into(),
                    encoding: Some("UTF-8".into()),
                    cues: 90000,
                    findings: (0..90000).map(finding).collect(),
                    error: None,
                },
                FileReport {
                    path: "gone.srt".into(),
                    encoding: None,
                    cues: 0,
                    findings: vec![],
                    error: Some("no such file".into()),
                },
                FileReport {
                    path: "one.srt".into(),
                    encoding: Some("windows-1252".into()),
                    cues: 1,
                    findings: vec![finding(3)],
                    error: None,
                },
            ],
        };
        let mut fast = Vec::new();
        report.write_to(&mut fast).unwrap();
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            serde_json::to_string(&report).unwrap()
        );
        let empty = CheckReport {
            version: 1,
            files: vec![],
        };
        let mut fast = Vec::new();
        empty.write_to(&mut fast).unwrap();
        assert_eq!(fast, serde_json::to_vec(&empty).unwrap());
    }
}
