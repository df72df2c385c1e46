//! `screenkit convert FILE --to vtt|srt`: SubRip ↔ WebVTT (input format
//! recognised by content, not extension).

use super::{Exit, Failure, charset};
use crate::cli::{ConvertArgs, Format};
use crate::fsutil::write_atomic;
use crate::output::{Printer, Style, name, path};
use crate::subtitle::vtt::to_vtt;
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, Track, read_path};

pub fn run(args: &ConvertArgs, p: &Printer) -> Exit {
    match convert(args, p) {
        Ok(()) => Exit::Ok,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn convert(args: &ConvertArgs, p: &Printer) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    let forced = charset(args.encoding.as_deref())?;
    let track = read_path(&args.file, forced).map_err(Failure::load(&args.file))?;
    if track.cues.is_empty() {
        return Err(Failure::NothingToConvert(shown));
    }
    let (text, ext, notes) = render(&track, args.to, &shown)?;
    let dest = match &args.output {
        Some(o) if o.as_os_str() == "-" => {
            p.data(text.as_bytes());
            None
        }
        Some(o) => Some(o.clone()),
        None => {
            let d = args.file.with_extension(ext);
            if d == args.file {
                return Err(Failure::AlreadyThere(shown, ext));
            }
            if d.exists() && !args.force {
                return Err(Failure::Exists(d));
            }
            Some(d)
        }
    };
    if let Some(d) = &dest {
        super::dest::not_an_input(d, &[args.file.as_path()])?;
        write_atomic(d, text.as_bytes()).map_err(|source| Failure::Io {
            path: d.clone(),
            source,
        })?;
        p.status(&format!(
            "{}: wrote {} ({} cues)",
            p.paint(&name(&shown), Style::Bold),
            path(d),
            track.cues.len()
        ));
    }
    for n in notes {
        p.status(&format!("  - {n}"));
    }
    Ok(())
}

/// The converted text, its extension, and notes on what had to change.
fn render(
    track: &Track,
    to: Format,
    shown: &str,
) -> Result<(String, &'static str, Vec<String>), Failure> {
    if to == Format::Srt {
        let text = to_srt(track, Eol::Lf).map_err(|source| Failure::Srt {
            path: shown.to_string(),
            source,
        })?;
        return Ok((text, "srt", Vec::new()));
    }
    let v = to_vtt(track).map_err(|source| Failure::Vtt {
        path: shown.to_string(),
        source,
    })?;
    let mut notes = Vec::new();
    if !v.skipped.is_empty() {
        let list: Vec<String> = v.skipped.iter().map(ToString::to_string).collect();
        notes.push(format!(
            "left out cue {} (ends at or before its start; WebVTT forbids it)",
            list.join(", ")
        ));
    }
    if v.sorted {
        notes.push("put the cues in start order, as WebVTT requires".into());
    }
    if !track.orphans.is_empty() {
        notes.push(format!(
            "left out {} block(s) of text outside any cue (run `screenkit check {shown}`)",
            track.orphans.len()
        ));
    }
    Ok((v.text, "vtt", notes))
}
