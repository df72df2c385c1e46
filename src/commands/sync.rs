//! `screenkit sync FILE --to CLIP|REF.srt`: fit the cues to the clip's
//! speech (or to a correctly timed track), say what was found, and write
//! only a fit that is trusted (or with `--force`).

use super::dest::{Dest, destination, write};
use super::retime::{negative, output_eol};
use super::{Exit, Failure, charset};
use crate::cli::{DecoderArg, SyncArgs};
use crate::media::decode::Decoder;
use crate::output::json::{SyncPart, SyncReport};
use crate::output::progress::{Bar, Spinner};
use crate::output::{Printer, Style, name, plural};
use crate::subtitle::read_path;
use crate::subtitle::write::to_srt;
use crate::sync::align::Options;
use crate::sync::speech::Speech;
use crate::sync::{Outcome, SyncError, sync, track_speech};
use std::path::Path;

pub fn run(args: &SyncArgs, p: &Printer) -> Exit {
    let mut report = SyncReport {
        version: 1,
        file: args.file.display().to_string(),
        reference: args.to.display().to_string(),
        reference_kind: if is_subtitles(&args.to) || embedded(&args.to).is_some() {
            "subtitles"
        } else {
            "clip"
        },
        ratio: None,
        fps: None,
        parts: Vec::new(),
        confidence: None,
        accepted: false,
        cues: 0,
        over_speech_before: None,
        over_speech_after: None,
        written: None,
        refused: None,
    };
    let exit = match sync_file(args, p, &mut report) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            report.refused = Some(e.to_string());
            Exit::Failed
        }
    };
    if args.json {
        p.json(&report);
    }
    exit
}

/// A subtitle track by its extension, or by an ASS or WebVTT header
/// (a clip never starts with one).
fn is_subtitles(path: &Path) -> bool {
    let by_name = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["srt", "vtt", "ass", "ssa"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    by_name || {
        use std::io::Read;
        let mut head = Vec::new();
        let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
        let text = String::from_utf8_lossy(&head);
        read.is_ok() && (crate::subtitle::ass::is_ass(&text) || crate::subtitle::is_vtt(&text))
    }
}

/// `--to CLIP#N`: subtitle track N inside CLIP, when no file has that
/// very name.
fn embedded(to: &Path) -> Option<(std::path::PathBuf, u64)> {
    if to.exists() {
        return None;
    }
    let s = to.to_str()?;
    let (clip, n) = s.rsplit_once('#')?;
    let n = n.parse().ok()?;
    Path::new(clip).is_file().then(|| (clip.into(), n))
}

/// Where the reference's speech signal came from.
#[derive(PartialEq)]
enum RefKind {
    Audio,
    Track,
}

/// The reference as a speech signal: decoded audio, or a track's cue mask.
fn reference(args: &SyncArgs, p: &Printer) -> Result<(Speech, RefKind), Failure> {
    let shown = args.to.display();
    if let Some((clip, number)) = embedded(&args.to) {
        let track = super::tracks::read_embedded(&clip, number).map_err(Failure::Embedded)?;
        return Ok((track_speech(&track), RefKind::Track));
    }
    if is_subtitles(&args.to) {
        let track = read_path(&args.to, charset(args.encoding.as_deref())?)
            .map_err(Failure::load(&args.to))?;
        return Ok((track_speech(&track), RefKind::Track));
    }
    let decoder = match args.decoder {
        DecoderArg::Symphonia => Decoder::Symphonia,
        DecoderArg::Ffmpeg => Decoder::Ffmpeg,
    };
    let bar = Bar::new(&format!("decoding {shown}"), !args.json && !p.quiet);
    let (speech, decoded) =
        crate::sync::clip_speech(&args.to, decoder, &bar).map_err(|source| Failure::Clip {
            path: shown.to_string(),
            source,
        })?;
    if decoded.bad_packets > 0 && !args.json {
        p.status(&format!(
            "{} {shown}: {} could not be decoded and count as silence",
            p.paint("warning:", Style::Warning),
            plural(decoded.bad_packets as usize, "audio packet")
        ));
    }
    Ok((speech, RefKind::Audio))
}

fn signed_secs(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    format!("{sign}{}.{:03} s", ms.abs() / 1000, ms.abs() % 1000)
}

fn fill(report: &mut SyncReport, out: &Outcome) {
    report.ratio = Some(out.fit.ratio);
    report.fps = out.fit.fps.map(|(a, b)| format!("{a}:{b}"));
    report.confidence = Some((out.confidence * 1000.0).round() / 1000.0);
    report.accepted = out.accepted;
    report.cues = out.cues;
    report.over_speech_before = Some(out.over_before);
    report.over_speech_after = Some(out.over_after);
    report.parts = out
        .fit
        .parts
        .iter()
        .map(|part| {
            let cue = |k: usize| &out.track.cues[k];
            SyncPart {
                first_cue: part.first + 1,
                last_cue: part.last + 1,
                from: cue(part.first).start.srt(),
                to: cue(part.last).end.srt(),
                offset_ms: part.offset_ms.round() as i64,
                confidence: (part.confidence() * 1000.0).round() / 1000.0,
            }
        })
        .collect();
}

fn print_report(p: &Printer, report: &SyncReport, out: &Outcome) {
    let ratio = out.fit.ratio;
    let line = match out.fit.fps {
        Some((a, b)) => format!(
            "  frame rate: timed for {a} fps, the clip plays at {b} (times × {ratio:.6}, as retime --fps {a}:{b})"
        ),
        None if ratio == 1.0 => "  frame rate: unchanged".to_string(),
        None => format!("  frame rate: times × {ratio:.6} (no common frame-rate pair)"),
    };
    p.status(&line);
    for part in &report.parts {
        p.status(&format!(
            "  cues {}–{} (now {}–{}): offset {} (confidence {:.2})",
            part.first_cue,
            part.last_cue,
            part.from,
            part.to,
            signed_secs(part.offset_ms),
            part.confidence
        ));
    }
    p.status(&format!(
        "  confidence {:.2}; {} of {} cues now sit over speech (before: {})",
        out.confidence, out.over_after, out.cues, out.over_before
    ));
}

fn sync_file(args: &SyncArgs, p: &Printer, report: &mut SyncReport) -> Result<Exit, Failure> {
    let input = &args.file;
    let shown = input.display().to_string();
    let track =
        read_path(input, charset(args.encoding.as_deref())?).map_err(Failure::load(input))?;
    report.cues = track.cues.len();
    if args.json
        && args
            .out
            .output
            .as_ref()
            .is_some_and(|o| o.as_os_str() == "-")
    {
        return Err(Failure::JsonAndStdout);
    }
    // Refuse a bad destination before the (long) decode.
    let dest = destination(input, &[args.to.as_path()], &args.out, "synced")?;
    let (speech, ref_kind) = reference(args, p)?;
    let opts = Options {
        max_offset_ms: args.max_offset,
        splits: !args.no_splits,
        any_ratio: true,
    };
    let aligning = Spinner::new("aligning cues to speech", !args.json && !p.quiet);
    let result = sync(&track, &speech, &opts);
    drop(aligning);
    let mut out = match result {
        Ok(o) => o,
        Err(source @ SyncError::NoCues) => {
            return Err(Failure::Sync {
                path: shown,
                source,
            });
        }
        Err(e @ SyncError::NoSpeech { share }) => {
            let why = if ref_kind == RefKind::Track {
                format!(
                    "{}: its cues cover only {share:.1}% of the time up to its last cue, too little to sync against; \
                     a cue far past the others (a wrong hour?) does this: `screenkit check` it; nothing written",
                    args.to.display()
                )
            } else {
                format!("{}: {e}; nothing written", args.to.display())
            };
            p.error(&why);
            report.refused = Some(e.to_string());
            return Ok(Exit::Problems);
        }
    };
    fill(report, &out);
    if !args.json {
        p.status(&format!("{}:", p.paint(&name(&shown), Style::Bold)));
        print_report(p, report, &out);
    }
    if let Some(untrusted) = out.untrusted().filter(|_| !args.out.force) {
        let why = format!("{untrusted}; nothing written; --force writes it anyway");
        p.error(&format!("{shown}: {why}"));
        report.refused = Some(why);
        return Ok(Exit::Problems);
    }
    if let Err((line, why)) = negative(
        &mut out.track,
        &out.negative,
        args.drop_negative,
        "the fit put",
        p,
    ) {
        p.error(&format!("{shown}:{line}: {why}"));
        report.refused = Some(why);
        return Ok(Exit::Problems);
    }
    let eol = output_eol(&track);
    let text = to_srt(&out.track, eol).map_err(Failure::srt(input))?;
    let changed = out.track.cues != track.cues;
    let wrote = write(&dest, input, &text, changed, args.out.dry_run, p)?;
    // The same cases as `write`: a default file or in place only on change.
    report.written = match &dest {
        _ if args.out.dry_run => None,
        Dest::Stdout => Some("-".into()),
        Dest::InPlace if changed => Some(shown.clone()),
        Dest::File(path, default) if changed || !default => Some(path.display().to_string()),
        _ => None,
    };
    if !args.json {
        p.status(&format!("  {wrote}"));
    }
    if !out.accepted {
        p.status(&format!(
            "  {} written with --force although the fit is not trusted",
            p.paint("warning:", Style::Warning)
        ));
    }
    Ok(Exit::Ok)
}
