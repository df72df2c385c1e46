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
    /// findings rendered on all cores: a long file can have tens of
    /// thousands of them, too many to render on one core.
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
            write_findings(w, &f.findings)?;
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

/// Findings, comma-separated, rendered on all cores a batch at a time into
/// buffers that are reused, so memory stays flat however many there are.
/// Batches are small (a thousand findings a core): two sets of buffers are
/// alive at once, and bigger ones cost megabytes for no speed.
/// While one batch is written, the next is rendered: writing 12 MB costs
/// milliseconds even to a file, and this thread would otherwise sit idle
/// while the pool renders.
fn write_findings(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    const CHUNK: usize = 1024;
    let lanes = rayon::current_num_threads() * 2;
    // A finding is 100-200 bytes: sized so the buffers rarely regrow.
    let room = CHUNK.min(findings.len()) * 192;
    let new_set = || -> Vec<Vec<u8>> { (0..lanes).map(|_| Vec::with_capacity(room)).collect() };
    let mut first = true;
    let mut put = |w: &mut dyn Write, set: &[Vec<u8>]| -> io::Result<()> {
        // A finding is never empty: an empty buffer is an unused lane.
        for buf in set.iter().filter(|b| !b.is_empty()) {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            w.write_all(buf)?;
        }
        Ok(())
    };
    let batch = CHUNK * lanes;
    if findings.len() <= batch {
        let mut set = new_set();
        render(&mut set, findings, CHUNK);
        return put(w, &set);
    }
    std::thread::scope(|s| {
        let (full_tx, full) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let (empty_tx, empty) = std::sync::mpsc::channel::<Vec<Vec<u8>>>();
        for _ in 0..2 {
            let _ = empty_tx.send(new_set());
        }
        // If writing fails, the channels close and the renderer stops.
        s.spawn(move || {
            for part in findings.chunks(batch) {
                let Ok(mut set) = empty.recv() else { return };
                render(&mut set, part, CHUNK);
                if full_tx.send(set).is_err() {
                    return;
                }
            }
        });
        for set in full {
            put(w, &set)?;
            let _ = empty_tx.send(set);
        }
        Ok(())
    })
}

/// Render `part` into the buffers of `set`, `chunk` findings per buffer.
fn render(set: &mut [Vec<u8>], part: &[Finding], chunk: usize) {
    set.par_iter_mut().enumerate().for_each(|(k, buf)| {
        buf.clear();
        let from = (k * chunk).min(part.len());
        let to = ((k + 1) * chunk).min(part.len());
        for (i, finding) in part[from..to].iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            finding.write_json(buf);
        }
    });
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
            line: k as u32,
            cue: (!k.is_multiple_of(3)).then_some(k as u32 / 2),
            message: match k % 6 {
                0 => Message::ShortGap { gap: 40, min: 83 },
                4 => Message::Overlap {
                    start: crate::time::Timestamp(k as i64 * 1001),
                    cue: k / 2,
                    end: crate::time::Timestamp(k as i64 * 1001 + 7),
                },
                5 => Message::Stacked { cue: k / 3 },
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
