//! `screenkit probe CLIP... [--deep] [--json]`: what each clip is and
//! whether it will play; exit 1 when any clip has a problem.

use super::Exit;
use crate::cli::ProbeArgs;
use crate::media::probe::{ClipInfo, probe};
use crate::media::{ProbeError, reencode_command};
use crate::output::json::{ClipReport, ProbeReport};
use crate::output::progress::Bar;
use crate::output::{Printer, Style};

pub fn run(args: &ProbeArgs, p: &Printer) -> Exit {
    let mut exit = Exit::Ok;
    let mut clips = Vec::new();
    for path in &args.clips {
        let shown = path.display().to_string();
        let bar = Bar::new(&shown, args.deep && !args.json && !p.quiet);
        match probe(path, args.deep, &bar) {
            Err(e) => {
                p.error(&format!("{shown}: {e}"));
                if matches!(e, ProbeError::Format(_) | ProbeError::Hevc(_)) {
                    p.status(&format!(
                        "    hint: convert it to H.264 + AAC-LC in MP4, which plays everywhere: {}",
                        reencode_command(path)
                    ));
                }
                exit = exit.max(Exit::Failed);
                clips.push(ClipReport {
                    path: shown,
                    info: None,
                    error: Some(e.to_string()),
                });
            }
            Ok(info) => {
                if !info.problems.is_empty() {
                    exit = exit.max(Exit::Problems);
                }
                if !args.json {
                    print_clip(p, &shown, &info);
                    if !info.problems.is_empty() {
                        p.out(&format!(
                            "  hint: convert it to H.264 + AAC-LC in MP4, which plays everywhere: {}",
                            reencode_command(path)
                        ));
                    }
                }
                clips.push(ClipReport {
                    path: shown,
                    info: Some(info),
                    error: None,
                });
            }
        }
    }
    if args.json {
        p.json(&ProbeReport { version: 1, clips });
    }
    exit
}

fn duration(ms: Option<i64>) -> String {
    match ms {
        Some(ms) => format!(
            "{}:{:02}.{:03} ({ms} ms)",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        ),
        None => "unknown duration".into(),
    }
}

fn print_clip(p: &Printer, path: &str, c: &ClipInfo) {
    p.out(&format!(
        "{}: {}, {}",
        p.paint(path, Style::Bold),
        c.container,
        duration(c.duration_ms)
    ));
    for a in &c.audio {
        let mut line = format!("  audio: {}", a.codec);
        if let Some(r) = a.sample_rate {
            line.push_str(&format!(", {r} Hz"));
        }
        if let Some(ch) = a.channels {
            line.push_str(&format!(", {ch} ch"));
        }
        if let Some(l) = &a.language {
            line.push_str(&format!(", language {l}"));
        }
        if let (Some(i), Some(tp)) = (a.loudness_lufs, a.true_peak_dbtp) {
            line.push_str(&format!(", loudness {i:.1} LUFS, true peak {tp:.1} dBTP"));
        }
        p.out(&line);
    }
    for v in &c.video {
        let size = match (v.width, v.height) {
            (Some(w), Some(h)) => format!(", {w}x{h}"),
            _ => String::new(),
        };
        let fps = v.fps.map(|f| format!(", {f} fps")).unwrap_or_default();
        p.out(&format!("  video: {}{size}{fps}", v.codec));
    }
    for pr in &c.problems {
        let at = pr
            .at_ms
            .map(|ms| format!(" at {}", duration(Some(ms))))
            .unwrap_or_default();
        p.out(&format!(
            "  {}{at}: {}",
            p.paint(&format!("problem[{}]", pr.kind), Style::Warning),
            pr.message
        ));
    }
}
