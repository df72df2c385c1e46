//! `screenkit retime FILE --shift D | --fps A:B | --map OLD=NEW... [--range]`:
//! move cue times exactly, refuse (or with `--drop-negative`, drop) cues
//! pushed before zero, report overlaps the move creates, write like `fix`.

use super::dest::{destination, write};
use super::{Exit, Failure, charset};
use crate::check::timing::overlapping;
use crate::cli::RetimeArgs;
use crate::output::{Printer, Style, name};
use crate::retime::{Op, drop_negative, retime};
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, Track, read_path};
use crate::time::Timestamp;

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
                "cue {first} would start at {} ({} cue(s) in all); nothing written. Pass --drop-negative to drop or trim them",
                c.start.srt(),
                negative.len()
            ),
        ));
    }
    let (dropped, trimmed) = drop_negative(track);
    p.status(&format!(
        "  - dropped {dropped} and trimmed {trimmed} cue(s) {what} before 00:00:00,000"
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
    let op = match (&args.shift, &args.fps) {
        (Some(d), _) => Op::Shift(*d),
        (_, Some(op)) => op.clone(),
        _ => Op::map(args.map.clone()).map_err(Failure::Map)?,
    };
    let range = args.range.unwrap_or_default();
    let mut out = retime(&track, &op, &range);
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
    let eol = output_eol(&track);
    let text = to_srt(&out.track, eol).map_err(Failure::srt(input))?;
    let dest = destination(input, &[], &args.out, "retimed")?;
    let wrote = write(&dest, input, &text, out.moved > 0, args.out.dry_run, p)?;
    p.status(&format!("{}: {wrote}", p.paint(&name(&shown), Style::Bold)));
    p.status(&format!(
        "  - {} {} of {} cues",
        describe(&op),
        out.moved,
        track.cues.len()
    ));
    let before = overlapping(&track.cues);
    let created: Vec<String> = overlapping(&out.track.cues)
        .difference(&before)
        .map(ToString::to_string)
        .collect();
    if !created.is_empty() {
        p.status(&format!(
            "  {} cue {} (numbered as in the input) now overlap or start before the cue above; run `screenkit check` on the output",
            p.paint("warning:", Style::Warning),
            created.join(", ")
        ));
    }
    Ok(Exit::Ok)
}
