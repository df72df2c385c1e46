//! `screenkit split-lang FILE`: a bilingual track (English and Chinese
//! lines in each cue) written as `FILE.en.srt` and `FILE.zh.srt`, same
//! timings; existing outputs are replaced only with `--force`, as `convert`
//! does.

use super::dest::{default_output, not_an_input};
use super::{Exit, Failure, charset};
use crate::cli::SplitLangArgs;
use crate::fsutil::write_atomic;
use crate::output::{Printer, Style, name, path, plural};
use crate::subtitle::lang::split;
use crate::subtitle::write::to_srt;
use crate::subtitle::{Eol, read_path};

pub fn run(args: &SplitLangArgs, p: &Printer) -> Exit {
    match split_file(args, p) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn split_file(args: &SplitLangArgs, p: &Printer) -> Result<Exit, Failure> {
    let input = &args.file;
    let shown = input.display().to_string();
    let forced = charset(args.encoding.as_deref())?;
    let track = read_path(input, forced).map_err(Failure::load(input))?;
    if track.cues.is_empty() {
        return Err(Failure::NothingToConvert(shown));
    }
    let parts = split(&track);
    let (en, zh) = (parts.en.cues.len(), parts.zh.cues.len());
    if en == 0 || zh == 0 {
        let missing = if en == 0 { "English" } else { "Chinese" };
        p.error(&format!(
            "{shown}: no cue has a line in {missing}; nothing to split, nothing written"
        ));
        return Ok(Exit::Problems);
    }
    let outputs = [("en", &parts.en), ("zh", &parts.zh)];
    let mut texts = Vec::new();
    for (lang, t) in outputs {
        let dest = default_output(input, lang);
        if dest.exists() && !args.force {
            return Err(Failure::Exists(dest));
        }
        not_an_input(&dest, &[input.as_path()])?;
        let text = to_srt(t, Eol::Lf).map_err(|source| Failure::Srt {
            path: shown.clone(),
            source,
        })?;
        texts.push((dest, text, t.cues.len()));
    }
    for (dest, text, _) in &texts {
        write_atomic(dest, text.as_bytes()).map_err(|source| Failure::Io {
            path: dest.clone(),
            source,
        })?;
    }
    let total = track.cues.len();
    p.status(&format!(
        "{}: wrote {} ({en} cues) and {} ({zh} cues) from {total} cues",
        p.paint(&name(&shown), Style::Bold),
        path(&texts[0].0),
        path(&texts[1].0),
    ));
    for (lang, n) in [("English", en), ("Chinese", zh)] {
        if n < total {
            p.status(&format!(
                "  - {} with no {lang} line left out of the {lang} file",
                plural(total - n, "cue")
            ));
        }
    }
    Ok(Exit::Ok)
}
