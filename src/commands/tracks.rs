//! `screenkit tracks CLIP [--json]` and `screenkit extract CLIP [--track N |
//! --lang L] [--to srt|vtt] [-o OUT]`: subtitle tracks inside clips.

use super::Exit;
use crate::cli::{ExtractArgs, Format, TracksArgs};
use crate::fsutil::write_atomic;
use crate::media::tracks::{self, Kind, Pick, PickError, SubTrack};
use crate::output::{Printer, Style, path};
use crate::subtitle::Eol;
use crate::subtitle::vtt::to_vtt;
use crate::subtitle::write::to_srt;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct TracksReport<'a> {
    version: u32,
    clip: String,
    container: &'static str,
    tracks: &'a [SubTrack],
}

const OCR: &str = "images: screenkit cannot read them; OCR them into text (e.g. Subtitle Edit's OCR), then check the result";

pub fn list(args: &TracksArgs, p: &Printer) -> Exit {
    let shown = args.clip.display().to_string();
    let clip = match tracks::list(&args.clip) {
        Ok(c) => c,
        Err(e) => {
            p.error(&format!("{shown}: {e}"));
            return Exit::Failed;
        }
    };
    if args.json {
        p.json(&TracksReport {
            version: 1,
            clip: shown,
            container: clip.container,
            tracks: &clip.tracks,
        });
    } else {
        let kind = match clip.container {
            "matroska" => "Matroska",
            _ => "MP4",
        };
        let count = match clip.tracks.len() {
            0 => "no subtitle tracks".to_string(),
            1 => "1 subtitle track".to_string(),
            n => format!("{n} subtitle tracks"),
        };
        p.out(&format!(
            "{}: {kind}, {count}",
            p.paint(&shown, Style::Bold)
        ));
        for t in &clip.tracks {
            p.out(&format!("  {}", describe(t)));
        }
        if let Some(t) = clip.tracks.iter().find(|t| t.kind == Kind::Text) {
            p.out(&format!(
                "  hint: screenkit extract {} --track {}",
                crate::shell::quote(&shown),
                t.number
            ));
        }
    }
    if clip.tracks.is_empty() {
        Exit::Problems
    } else {
        Exit::Ok
    }
}

/// One line per track: `#3  SubRip text (S_TEXT/UTF8), eng, "Title", default, 12 cues`.
fn describe(t: &SubTrack) -> String {
    let mut line = format!("#{:<3} {} ({})", t.number, t.codec.describe(), t.codec_id);
    if let Some(l) = &t.language {
        line.push_str(&format!(", {l}"));
    }
    if let Some(n) = &t.name {
        line.push_str(&format!(", \"{n}\""));
    }
    for (on, flag) in [(t.default, "default"), (t.forced, "forced")] {
        if on {
            line.push_str(&format!(", {flag}"));
        }
    }
    if let Some(n) = t.cues {
        line.push_str(&format!(", {n} cues"));
    }
    match t.kind {
        Kind::Text => {}
        Kind::Image => line.push_str(&format!(" - {OCR}")),
        Kind::Other => line.push_str(" - screenkit does not read this kind"),
    }
    line
}

pub fn extract(args: &ExtractArgs, p: &Printer) -> Exit {
    match run_extract(args, p) {
        Ok(()) => Exit::Ok,
        Err((exit, message)) => {
            p.error(&message);
            exit
        }
    }
}

fn run_extract(args: &ExtractArgs, p: &Printer) -> Result<(), (Exit, String)> {
    let shown = args.clip.display().to_string();
    let failed = |e: &dyn std::fmt::Display| (Exit::Failed, format!("{shown}: {e}"));
    let clip = tracks::list(&args.clip).map_err(|e| failed(&e))?;
    let how = match (args.track, &args.lang) {
        (Some(n), _) => Pick::Number(n),
        (None, Some(l)) => Pick::Lang(l.clone()),
        (None, None) => Pick::Only,
    };
    let track = tracks::pick(&clip.tracks, &how).map_err(|e| failed(&picked(&e, &how)))?;
    let got = tracks::extract(&args.clip, track).map_err(|e| {
        let refused = matches!(
            e,
            tracks::TracksError::Image { .. } | tracks::TracksError::Empty(_)
        );
        (
            if refused {
                Exit::Problems
            } else {
                Exit::Failed
            },
            format!("{shown}: {e}"),
        )
    })?;
    let (text, ext) = match args.to {
        Format::Srt => (to_srt(&got.track, Eol::Lf).map_err(|e| failed(&e))?, "srt"),
        Format::Vtt => (to_vtt(&got.track).map_err(|e| failed(&e))?.text, "vtt"),
    };
    let dest = match &args.output {
        Some(o) if o.as_os_str() == "-" => None,
        Some(o) => Some(o.clone()),
        None => {
            let d = default_output(&args.clip, track, ext);
            if d.exists() && !args.force {
                return Err((
                    Exit::Failed,
                    format!(
                        "{} exists; pass --force to replace it, or -o OUT",
                        d.display()
                    ),
                ));
            }
            Some(d)
        }
    };
    let about = format!("track {} ({})", track.number, track.codec.describe());
    match &dest {
        None => p.data(text.as_bytes()),
        Some(d) => {
            super::dest::not_an_input(d, &[args.clip.as_path()])
                .map_err(|e| (Exit::Failed, e.to_string()))?;
            write_atomic(d, text.as_bytes())
                .map_err(|e| (Exit::Failed, format!("{}: {e}", d.display())))?;
            p.status(&format!(
                "{}: {about}: wrote {} ({} cues)",
                p.paint(&shown, Style::Bold),
                path(d),
                got.track.cues.len()
            ));
        }
    }
    for n in &got.notes {
        p.status(&format!("  - {n}"));
    }
    Ok(())
}

/// Subtitle track `number` inside `clip`, for `sync --to CLIP#N`; the
/// error is the message `extract` would give.
pub fn read_embedded(clip: &Path, number: u64) -> Result<crate::subtitle::Track, String> {
    let shown = clip.display();
    let found = tracks::list(clip).map_err(|e| format!("{shown}: {e}"))?;
    let how = Pick::Number(number);
    let track =
        tracks::pick(&found.tracks, &how).map_err(|e| format!("{shown}: {}", picked(&e, &how)))?;
    tracks::extract(clip, track)
        .map(|got| got.track)
        .map_err(|e| format!("{shown}: {e}"))
}

/// `film.mkv` → `film.eng.srt`, or `film.track3.srt` for a track with no language.
fn default_output(clip: &Path, t: &SubTrack, ext: &str) -> PathBuf {
    let tag = t
        .language
        .clone()
        .unwrap_or_else(|| format!("track{}", t.number));
    clip.with_extension(format!("{tag}.{ext}"))
}

/// The pick error as the user reads it, with the tracks to choose from.
fn picked(e: &PickError, how: &Pick) -> String {
    let list = |ts: &[SubTrack]| {
        ts.iter()
            .map(|t| format!("\n  {}", describe(t)))
            .collect::<String>()
    };
    match (e, how) {
        (PickError::NoTracks, _) => "the clip has no subtitle track".into(),
        (PickError::NoMatch(all), Pick::Number(n)) => {
            format!("no subtitle track numbered {n}; the clip has:{}", list(all))
        }
        (PickError::NoMatch(all), Pick::Lang(l)) => {
            format!(
                "no subtitle track in language '{l}'; the clip has:{}",
                list(all)
            )
        }
        (PickError::NoMatch(all), Pick::Only) => {
            format!("no subtitle track to pick; the clip has:{}", list(all))
        }
        (PickError::Several(some), _) => format!(
            "{} tracks match; pick one with --track N:{}",
            some.len(),
            list(some)
        ),
    }
}
