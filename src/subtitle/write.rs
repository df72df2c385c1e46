//! Writing a `Track` back out as canonical SubRip.
//!
//! Each cue block is rendered by `srtlib::Subtitle`'s `Display` (the required
//! SRT crate does this part well). Around it this module adds what srtlib has
//! no notion of: orphan text kept verbatim in its original place, the
//! line-ending style, and a refusal to write times SubRip cannot hold.

use super::{Eol, Orphan, Track};
use crate::time::{MAX_SRT, Timestamp};

// srtlib writes the times: it must hold every time up to our limit.
const _: () = assert!(MAX_SRT.0 == srtlib::Timestamp::MAX_TIMESTAMP_MILLIS as i64);
use thiserror::Error;

/// Why a track cannot be written as SubRip.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WriteError {
    #[error(
        "cue {cue} (line {line}) starts before 00:00:00,000 ({time}); shift it later or drop it"
    )]
    Negative {
        cue: usize,
        line: usize,
        time: String,
    },
    #[error("cue {cue} (line {line}) ends after {MAX_SRT}, the largest time SubRip can hold")]
    TooLate { cue: usize, line: usize },
}

fn srt_time(t: Timestamp, cue: usize, line: usize) -> Result<srtlib::Timestamp, WriteError> {
    if t.ms() < 0 {
        return Err(WriteError::Negative {
            cue,
            line,
            time: t.srt(),
        });
    }
    u32::try_from(t.ms())
        .ok()
        .filter(|_| t <= MAX_SRT)
        .map(srtlib::Timestamp::from_milliseconds)
        .ok_or(WriteError::TooLate { cue, line })
}

/// Render the track as SubRip: cues numbered 1…n in their current order,
/// a blank line after every block, orphans where they were, `eol` line breaks.
/// Time-line extras (`X1:…`) are not written.
pub fn to_srt(track: &Track, eol: Eol) -> Result<String, WriteError> {
    // Sized for the whole output up front: growing by doubling would hold
    // the old and the new buffer at once, half as much again at the peak.
    // CRLF is written as each block goes in, not by a second copy.
    let crlf = usize::from(eol == Eol::Crlf);
    let cap = track
        .cues
        .iter()
        .map(|c| c.text().len() + 48 + crlf * (c.line_count() + 3))
        .sum::<usize>()
        + track
            .orphans
            .iter()
            .map(|o| o.lines.iter().map(|l| l.len() + 1 + crlf).sum::<usize>() + 1 + crlf)
            .sum::<usize>();
    let mut out = String::with_capacity(cap);
    // Grouped once by the cue they follow (in file order): looking them up
    // per cue would be quadratic on a file with many unreadable blocks.
    let mut by_cue: std::collections::HashMap<Option<usize>, Vec<&Orphan>> =
        std::collections::HashMap::new();
    for o in &track.orphans {
        by_cue.entry(o.after).or_default().push(o);
    }
    let orphans_before = |after: Option<usize>| by_cue.get(&after).into_iter().flatten().copied();
    for o in orphans_before(None) {
        push_block(&mut out, &o.lines.join("\n"), eol);
    }
    let mut written = std::collections::HashSet::new();
    for (i, cue) in track.cues.iter().enumerate() {
        let sub = srtlib::Subtitle::new(
            i + 1,
            srt_time(cue.start, i + 1, cue.time_line)?,
            srt_time(cue.end, i + 1, cue.time_line)?,
            srt_text(cue.text()),
        );
        let mut block = sub.to_string();
        let syntax = cue.time();
        let kept = [
            syntax.kept(0, cue.start).map(|d| (cue.start, d)),
            syntax.kept(1, cue.end).map(|d| (cue.end, d)),
        ];
        if kept.iter().any(Option::is_some) {
            // An ambiguous millisecond field is not ours to settle: it is
            // written as it was read, for `check` to ask a person again.
            let code = |t: Timestamp, k: Option<(Timestamp, &str)>| match k {
                Some((_, digits)) => format!("{},{digits}", &t.srt()[..t.srt().len() - 4]),
                None => t.srt(),
            };
            let line = format!(
                "{} --> {}",
                code(cue.start, kept[0]),
                code(cue.end, kept[1])
            );
            // srtlib's block is the index, the time line, then the text.
            let text = block.splitn(3, '\n').nth(2).map(str::to_string);
            block = format!("{}\n{line}", i + 1);
            if let Some(text) = text {
                block.push('\n');
                block.push_str(&text);
            }
        }
        push_block(&mut out, &block, eol);
        written.insert(cue.pos);
        for o in orphans_before(Some(cue.pos)) {
            push_block(&mut out, &o.lines.join("\n"), eol);
        }
    }
    // Orphans whose cue was dropped still must not be lost.
    for o in &track.orphans {
        if o.after.is_some_and(|p| !written.contains(&p)) {
            push_block(&mut out, &o.lines.join("\n"), eol);
        }
    }
    // U+FEFF at the very start would read back as a byte-order mark (found
    // by fuzzing: orphan text can begin with one); an orphan that was only
    // that leaves no block, so no blank lines either.
    if out.starts_with('\u{FEFF}') {
        let rest = out
            .trim_start_matches('\u{FEFF}')
            .trim_start_matches(eol.as_str())
            .len();
        out.drain(..out.len() - rest);
    }
    Ok(out)
}

/// Cue text as SubRip holds it: WebVTT ruby as base and reading.
fn srt_text(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| super::markup::ruby_as_text(l).into_owned())
        .collect();
    lines.join("\n")
}

/// A block (lines joined by `\n`) and the blank line after it, with `eol`
/// line breaks.
fn push_block(out: &mut String, block: &str, eol: Eol) {
    if eol == Eol::Lf {
        out.push_str(block);
    } else {
        for (k, line) in block.split('\n').enumerate() {
            if k > 0 {
                out.push_str(eol.as_str());
            }
            out.push_str(line);
        }
    }
    out.push_str(eol.as_str());
    out.push_str(eol.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subtitle::{Cue, parse::parse};

    #[test]
    fn writes_canonical_blocks() {
        let t = Track::from_cues(vec![
            Cue::new(Timestamp(1000), Timestamp(2500), "Hello\nworld"),
            Cue::new(Timestamp(3000), Timestamp(4000), "Bye"),
        ]);
        let s = to_srt(&t, Eol::Lf).unwrap();
        assert_eq!(
            s,
            "1\n00:00:01,000 --> 00:00:02,500\nHello\nworld\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n\n"
        );
        assert_eq!(to_srt(&t, Eol::Crlf).unwrap(), s.replace('\n', "\r\n"));
        assert_eq!(to_srt(&t, Eol::Cr).unwrap(), s.replace('\n', "\r"));
    }

    #[test]
    fn keeps_orphans_and_refuses_negative() {
        let src = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\nno time\n\n3\n00:00:05,000 --> 00:00:06,000\nC\n\n";
        let t = parse(src, Default::default());
        let out = to_srt(&t, Eol::Lf).unwrap();
        assert!(out.contains("A\n\n2\nno time\n\n2\n00:00:05"), "{out}");
        assert_eq!(to_srt(&t, Eol::Crlf).unwrap(), out.replace('\n', "\r\n"));
        let neg = Track::from_cues(vec![Cue::new(Timestamp(-5), Timestamp(10), "x")]);
        assert!(matches!(
            to_srt(&neg, Eol::Lf),
            Err(WriteError::Negative { cue: 1, .. })
        ));
    }

    #[test]
    fn never_starts_with_a_byte_order_mark() {
        let t = parse(
            "\u{FEFF}\u{FEFF}junk\n\n1\n00:00:01,000 --> 00:00:02,000\nA\n",
            Default::default(),
        );
        let out = to_srt(&t, Eol::Lf).unwrap();
        assert!(out.starts_with("junk\n\n1\n"), "{out:?}");
        assert_eq!(to_srt(&t, Eol::Crlf).unwrap(), out.replace('\n', "\r\n"));
        // UTF-16 whose only text is a second U+FEFF (the fuzz target's
        // "fix is not idempotent" case): nothing to write, not "\n\n".
        let t = crate::subtitle::read_bytes(b"\xfe\xff\xfe\xff", None).unwrap();
        assert_eq!(to_srt(&t, Eol::Lf).unwrap(), "");
    }
}
