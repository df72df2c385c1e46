//! `screenkit fix FILE`: safe fixes, written as clean UTF-8 next to the
//! input (or `-o`, or `--in-place` with a backup); never overwrites the
//! input unless asked, and never writes a partial file.

use super::dest::{Dest, destination, write};
use super::{Exit, charset};
use crate::check::profile::Limits;
use crate::check::rules::Severity;
use crate::check::{CheckOptions, check_track};
use crate::cli::{EolArg, FixArgs};
use crate::fix::{Changes, fix};
use crate::output::{Printer, Style};
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, Source, read_bytes, read_path};

pub fn run(args: &FixArgs, p: &Printer) -> Exit {
    match fix_file(args, p) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn fix_file(args: &FixArgs, p: &Printer) -> Result<Exit, String> {
    let input = &args.file;
    let shown = input.display();
    let forced = charset(args.encoding.as_deref())?;
    let track = read_path(input, forced).map_err(|e| format!("{shown}: {e}"))?;
    let limits =
        Limits::new(args.limits.profile.into(), args.limits.fps).with(&args.limits.overrides());
    let (fixed, mut changes) = fix(&track, &limits);
    let eol = match args.eol {
        Some(EolArg::Lf) => Eol::Lf,
        Some(EolArg::Crlf) => Eol::Crlf,
        None if track.source.eol.dominant() == Eol::Crlf => Eol::Crlf,
        None => Eol::Lf,
    };
    source_changes(&track.source, eol, &mut changes);
    let text = to_srt(&fixed, eol).map_err(|e| format!("{shown}: {e}"))?;
    if text.is_empty() {
        p.error(&format!(
            "{shown}: nothing would be left after fixing (every cue is empty); no file written"
        ));
        return Ok(Exit::Problems);
    }
    // Judge the output as written, so line numbers point into it.
    let out_track = read_bytes(text.as_bytes(), None)
        .map_err(|e| format!("{shown}: re-reading fixed output: {e}"))?;
    let opts = CheckOptions {
        limits,
        ignore: Default::default(),
        clip_ms: None,
    };
    let left = check_track(&out_track, &opts);
    let errors_left = left
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings_left = left
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();

    let dest = destination(input, &args.out, "fixed")?;
    let wrote = write(
        &dest,
        input,
        &text,
        !changes.is_empty(),
        args.out.dry_run,
        p,
    )?;
    p.status(&format!(
        "{}: {wrote}",
        p.paint(&shown.to_string(), Style::Bold)
    ));
    for (what, n) in &changes {
        p.status(&format!(
            "  - {what}{}",
            if *n > 1 {
                format!(" (×{n})")
            } else {
                String::new()
            }
        ));
    }
    if errors_left + warnings_left > 0 {
        let target = match &dest {
            Dest::File(path, _) if !args.out.dry_run => path.display().to_string(),
            _ => "the output".into(),
        };
        p.status(&format!("  {errors_left} errors and {warnings_left} warnings need a person: run `screenkit check {target}`"));
    }
    Ok(if errors_left > 0 {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

fn source_changes(s: &Source, eol: Eol, changes: &mut Changes) {
    if s.encoding != crate::subtitle::decode::Charset::UTF_8 {
        *changes.entry("transcoded to UTF-8").or_default() += 1;
    }
    if s.bom {
        *changes.entry("removed the byte-order mark").or_default() += 1;
    }
    let e = &s.eol;
    let same = match eol {
        Eol::Crlf => e.lf + e.cr == 0,
        _ => e.crlf + e.cr == 0,
    };
    if !same {
        *changes
            .entry(if eol == Eol::Crlf {
                "made every line ending CRLF"
            } else {
                "made every line ending LF"
            })
            .or_default() += 1;
    }
    if s.leading_blank_lines > 0 {
        *changes
            .entry("removed blank lines before the first cue")
            .or_default() += 1;
    }
    if !s.final_newline {
        *changes
            .entry("ended the file with a line break")
            .or_default() += 1;
    }
}
