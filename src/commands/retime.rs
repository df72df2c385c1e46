//! `screenkit retime FILE --shift D | --fps A:B | --map OLD=NEW... [--range]`:
//! move cue times exactly, refuse (or with `--drop-negative`, drop) cues
//! pushed before zero, report overlaps the move creates, write like `fix`.

use super::dest::{Dest, destination, write};
use super::{Exit, Failure, charset};
use crate::check::timing::overlapping;
use crate::cli::RetimeArgs;
use crate::output::{Printer, Style, name, plural};
use crate::retime::{CutOutcome, Op, Range, cut, drop_negative, retime};
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, Track, read_path};
use crate::time::Timestamp;
use std::path::Path;

pub fn run(args: &RetimeArgs, p: &Printer) -> Exit {
    match retime_file(args, p) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn describe(op: &Op) -> String {
    match op {
        Op::Shift(d) if *d < 0 => format!("shifted by -{}", Timestamp(-d).srt()),
        Op::Shift(d) => format!("shifted by +{}", Timestamp(*d).srt()),
        Op::Scale(r) => format!("scaled by {}/{}", r.num, r.den),
        Op::Map(a) => format!("mapped through {} anchors", a.len()),
    }
}

/// Cues a retime or sync put before 00:00:00,000 (1-based positions): with `drop`,
/// dropped or trimmed (and said so); otherwise an error naming the first,
/// as (its time line, the message).
pub(super) fn negative(
    track: &mut Track,
    negative: &[usize],
    drop: bool,
    what: &str,
    p: &Printer,
) -> Result<(), (usize, String)> {
    let Some(&first) = negative.first() else {
        return Ok(());
    };
    if !drop {
        let c = &track.cues[first - 1];
        return Err((
            c.time_line,
            format!(
                "cue {first} would start at {} ({} in all); nothing written. Pass --drop-negative to drop or trim them",
                c.start.srt(),
                plural(negative.len(), "cue")
            ),
        ));
    }
    let (dropped, trimmed) = drop_negative(track);
    p.status(&format!(
        "  - dropped {} and trimmed {} {what} before 00:00:00,000",
        plural(dropped, "cue"),
        plural(trimmed, "cue")
    ));
    Ok(())
}

/// Line endings to write: CRLF stays CRLF, anything else becomes LF.
pub(super) fn output_eol(track: &Track) -> Eol {
    if track.source.eol.dominant() == Eol::Crlf {
        Eol::Crlf
    } else {
        Eol::Lf
    }
}

fn retime_file(args: &RetimeArgs, p: &Printer) -> Result<Exit, Failure> {
    let input = &args.file;
    let shown = input.display().to_string();
    let track =
        read_path(input, charset(args.encoding.as_deref())?).map_err(Failure::load(input))?;
    if let Some(window) = &args.cut {
        return cut_file(args, track, window, p);
    }
    let op = match (&args.shift, &args.fps) {
        (Some(d), _) => Op::Shift(*d),
        (_, Some(op)) => op.clone(),
        _ => Op::map(args.map.clone()).map_err(Failure::Map)?,
    };
    let range = args.range.unwrap_or_default();
    // What is needed of the input is taken before it is moved in place.
    let (cues_in, eol) = (track.cues.len(), output_eol(&track));
    let before = overlapping(&track.cues);
    let mut out = retime(track, &op, &range);
    if let Err((line, why)) = negative(
        &mut out.track,
        &out.negative,
        args.drop_negative,
        "pushed",
        p,
    ) {
        p.error(&format!("{shown}:{line}: {why}"));
        return Ok(Exit::Problems);
    }
    let text = to_srt(&out.track, eol).map_err(Failure::srt(input))?;
    let dest = destination(input, &[], &args.out, "retimed")?;
    let changed = out.moved > 0;
    let wrote = write(&dest, input, &text, changed, args.out.dry_run, p)?;
    drop(text);
    p.status(&format!("{}: {wrote}", p.paint(&name(&shown), Style::Bold)));
    p.status(&format!(
        "  - {} {} of {cues_in} cues",
        describe(&op),
        out.moved,
    ));
    let created: Vec<String> = overlapping(&out.track.cues)
        .difference(&before)
        .map(ToString::to_string)
        .collect();
    if !created.is_empty() {
        p.status(&format!(
            "  {} cue {} (numbered as in the input) now overlap or start before the cue above; {}",
            p.paint("warning:", Style::Warning),
            created.join(", "),
            check_hint(&dest, input, changed, args.out.dry_run)
        ));
    }
    Ok(Exit::Ok)
}

/// The command that checks what was written, naming the file it is in.
fn check_hint(dest: &Dest, input: &Path, changed: bool, dry_run: bool) -> String {
    let written = match dest {
        Dest::File(path, default) if changed || !default => Some(path.as_path()),
        // No file: the input had nothing to change.
        Dest::File(..) | Dest::InPlace => Some(input),
        Dest::Stdout => None,
    };
    let quoted = |p: &Path| crate::shell::quote(&p.display().to_string());
    match written {
        Some(path) if dry_run => format!("after writing, run `screenkit check {}`", quoted(path)),
        Some(path) => format!("run `screenkit check {}`", quoted(path)),
        None => "save the output with -o OUT.srt and run `screenkit check OUT.srt`".into(),
    }
}

/// Cue numbers as runs: `1–39, 67, 70–300`.
fn runs(cues: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cues.len() {
        let mut j = i;
        while j + 1 < cues.len() && cues[j + 1] == cues[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            cues[i].to_string()
        } else {
            format!("{}–{}", cues[i], cues[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// `--cut`: the window's cues, shifted to 0, with every cue that lost words
/// (trimmed at an edge or left outside) named.
fn cut_file(args: &RetimeArgs, track: Track, window: &Range, p: &Printer) -> Result<Exit, Failure> {
    let input = &args.file;
    let shown = input.display().to_string();
    let from = Timestamp(window.start.unwrap_or(0)).srt();
    let to = window
        .end
        .map_or_else(|| "the end".to_string(), |e| Timestamp(e).srt());
    // What is needed of the input is taken before it is cut in place.
    let (cues_in, eol) = (track.cues.len(), output_eol(&track));
    let first = track.cues.iter().map(|c| c.start).min();
    let last = track.cues.iter().map(|c| c.end).max();
    let CutOutcome {
        track: kept,
        trimmed_start,
        trimmed_end,
        dropped,
        dropped_orphans,
    } = cut(track, window);
    if kept.cues.is_empty() {
        p.error(&format!(
            "{shown}: no cue shows between {from} and {to} (the track runs {}..{}); nothing written. Check the --cut times",
            first.unwrap_or(Timestamp(0)).srt(),
            last.unwrap_or(Timestamp(0)).srt(),
        ));
        return Ok(Exit::Problems);
    }
    let text = to_srt(&kept, eol).map_err(Failure::srt(input))?;
    let dest = destination(input, &[], &args.out, "retimed")?;
    let wrote = write(&dest, input, &text, true, args.out.dry_run, p)?;
    p.status(&format!("{}: {wrote}", p.paint(&shown, Style::Bold)));
    p.status(&format!(
        "  - cut {from}..{to}: kept {} of {} cues, moved so {from} is 00:00:00,000",
        kept.cues.len(),
        cues_in
    ));
    // Only kept cues are trimmed: their lines are found among them.
    let line = |n: usize| {
        kept.cues
            .iter()
            .find(|c| c.pos + 1 == n)
            .map_or(0, |c| c.time_line)
    };
    let named = |cues: &[usize], how: &str| {
        cues.iter()
            .map(|&n| format!("cue {n} (line {}) {how}", line(n)))
            .collect::<Vec<_>>()
    };
    let mut edges = named(&trimmed_start, &format!("starts before {from}"));
    edges.extend(named(&trimmed_end, &format!("runs past {to}")));
    if !edges.is_empty() {
        let n = trimmed_start.len() + trimmed_end.len()
            - trimmed_start
                .iter()
                .filter(|c| trimmed_end.contains(c))
                .count();
        p.status(&format!(
            "  - trimmed {} at the edges, keeping the words but not their time outside the window: {}",
            plural(n, "cue"),
            edges.join("; ")
        ));
    }
    if !dropped.is_empty() {
        p.status(&format!(
            "  - dropped {} outside the window, with their words: cues {}",
            plural(dropped.len(), "cue"),
            runs(&dropped)
        ));
    }
    if dropped_orphans > 0 {
        p.status(&format!(
            "  - left out {dropped_orphans} unreadable block(s) that followed dropped cues (`screenkit check {}` lists them)",
            crate::shell::quote(&shown)
        ));
    }
    p.status(&format!(
        "  - {}",
        check_hint(&dest, input, true, args.out.dry_run)
    ));
    Ok(Exit::Ok)
}
