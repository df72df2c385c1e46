//! `screenkit fix FILE`: safe fixes, written as clean UTF-8 next to the
//! input (or `-o`, or `--in-place` with a backup); never overwrites the
//! input unless asked, and never writes a partial file.

use super::dest::{Dest, destination, write};
use super::{Exit, charset};
use crate::check::profile::Limits;
use crate::check::rules::Severity;
use crate::check::{CheckOptions, check_track};
use crate::cli::{EolArg, FixArgs};
use crate::fix::{CueRef, Fixed, Lost, fix_for_clip, output_eol, source_changes};
use crate::output::{Printer, Style, name, plural};
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, read_bytes, read_path};
use crate::time::Timestamp;
use std::collections::BTreeSet;
use std::path::Path;

/// Cues named per change; longer lists end "… and N more".
const CUES_SHOWN: usize = 10;
/// Lists up to this long give each cue's line too.
const LINES_SHOWN: usize = 3;

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
    // Read as `check --clip` reads it, errors named the same way.
    let clip_ms = args
        .clip
        .as_deref()
        .map(|clip| {
            crate::media::duration_ms(clip).map_err(|e| format!("--clip {}: {e}", clip.display()))
        })
        .transpose()?;
    // Each stage frees what the next no longer needs, so that no more than
    // two forms of the file are held at once: the track is fixed in place,
    // the fixed track goes once it is written as text, and the text once it
    // is re-read and saved. What changed is put in words before any of
    // that: a track out of order has every cue in a change or two.
    let Fixed {
        track: fixed,
        mut changes,
        lost,
    } = fix_for_clip(track, &limits, clip_ms);
    let eol = output_eol(
        &fixed.source,
        args.eol.map(|e| match e {
            EolArg::Lf => Eol::Lf,
            EolArg::Crlf => Eol::Crlf,
        }),
    );
    source_changes(&fixed.source, eol, &mut changes);
    let changed = !changes.is_empty();
    let said: Vec<String> = changes
        .iter()
        .map(|(what, cues)| format!("  - {what}{}", cue_list(cues)))
        .collect();
    drop(changes);
    let text = to_srt(&fixed, eol).map_err(|e| format!("{shown}: {e}"))?;
    drop(fixed);
    if text.is_empty() {
        p.error(&format!(
            "{shown}: nothing would be left after fixing (every cue is empty, or past the clip's end); no file written"
        ));
        return Ok(Exit::Problems);
    }
    // Judge the output as written, so line numbers point into it.
    let out_track = read_bytes(text.as_bytes(), None)
        .map_err(|e| format!("{shown}: re-reading fixed output: {e}"))?;
    let dest = destination(input, &[], &args.out, "fixed")?;
    let wrote = write(&dest, input, &text, changed, args.out.dry_run, p)?;
    drop(text);
    let opts = CheckOptions {
        limits,
        ignore: Default::default(),
        clip_ms,
    };
    let left = check_track(&out_track, &opts);
    drop(out_track);
    let errors_left = left
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings_left = left
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    drop(left);

    p.status(&format!(
        "{}: {wrote}",
        p.paint(&name(&shown.to_string()), Style::Bold)
    ));
    for line in &said {
        p.status(line);
    }
    if let (Some(end), false) = (clip_ms, lost.is_empty()) {
        report_lost(p, &lost, end);
    }
    if errors_left + warnings_left > 0 {
        p.status(&format!(
            "  {errors_left} errors and {warnings_left} warnings need a person: {}",
            next_step(&dest, args, changed)
        ));
    }
    Ok(if errors_left > 0 {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

/// ": cues 3 (line 11), 7 (line 27)", ": cues 1, 2, … and 30 more", or
/// nothing for a change to the whole file. Numbers are the input's.
fn cue_list(cues: &BTreeSet<CueRef>) -> String {
    let lines = cues.len() <= LINES_SHOWN;
    let named: Vec<String> = cues
        .iter()
        .take(CUES_SHOWN)
        .map(|c| {
            if lines {
                format!("{} (line {})", c.cue, c.line)
            } else {
                c.cue.to_string()
            }
        })
        .collect();
    match cues.len() {
        0 => String::new(),
        1 => format!(": cue {}", named[0]),
        n if n <= CUES_SHOWN => format!(": cues {}", named.join(", ")),
        n => format!(": cues {} … and {} more", named.join(", "), n - CUES_SHOWN),
    }
}

/// Each cue dropped because it starts at or after `clip_end`, with every
/// word it held: a warning, so nothing is lost unseen.
fn report_lost(p: &Printer, lost: &[Lost], clip_end: i64) {
    for l in lost {
        p.status(&format!(
            "  {} cue {} (line {}) starts at {}, after the clip ends at {}; dropped its words: \"{}\"",
            p.paint("warning:", Style::Warning),
            l.at.cue,
            l.at.line,
            l.start.srt(),
            Timestamp(clip_end).srt(),
            l.lines.join(" / ")
        ));
    }
    p.status(&format!(
        "  {} with words dropped past the clip's end: make sure these subtitles belong to this clip",
        plural(lost.len(), "cue")
    ));
}

/// The command that shows what is left, naming the file it is in.
fn next_step(dest: &Dest, args: &FixArgs, changed: bool) -> String {
    let input = args.file.as_path();
    let clip = match &args.clip {
        Some(c) => format!(" --clip {}", crate::shell::quote(&c.display().to_string())),
        None => String::new(),
    };
    let written = match dest {
        Dest::File(path, default) if changed || !default => Some(path.as_path()),
        Dest::InPlace => Some(input),
        // No file: the input had nothing to change.
        Dest::File(..) => Some(input),
        Dest::Stdout => None,
    };
    let quoted = |p: &Path| crate::shell::quote(&p.display().to_string());
    match written {
        Some(path) if args.out.dry_run => {
            format!(
                "after writing, run `screenkit check {}{clip}`",
                quoted(path)
            )
        }
        Some(path) => format!("run `screenkit check {}{clip}`", quoted(path)),
        None => format!(
            "save the output with `screenkit fix {}{clip} -o OUT.srt` and run `screenkit check OUT.srt{clip}`",
            quoted(input)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_lists_name_lines_when_short_and_are_capped() {
        let refs = |n: usize| -> BTreeSet<CueRef> {
            (1..=n)
                .map(|k| CueRef {
                    cue: k,
                    line: 4 * k - 2,
                })
                .collect()
        };
        assert_eq!(cue_list(&refs(0)), "");
        assert_eq!(cue_list(&refs(1)), ": cue 1 (line 2)");
        assert_eq!(
            cue_list(&refs(3)),
            ": cues 1 (line 2), 2 (line 6), 3 (line 10)"
        );
        assert_eq!(cue_list(&refs(4)), ": cues 1, 2, 3, 4");
        assert_eq!(
            cue_list(&refs(13)),
            ": cues 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 3 more"
        );
    }
}
