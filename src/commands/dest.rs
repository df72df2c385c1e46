//! Where a rewriting command (`fix`, `retime`) puts its output: stdout, the
//! input itself (`--in-place`, keeping a numbered backup), `-o OUT`, or a
//! default file beside the input that is never silently replaced.

use super::Failure;
use crate::cli::RewriteArgs;
use crate::fsutil::{overwrites_input, replace_with_backup, write_atomic};
use crate::output::Printer;
use std::path::{Path, PathBuf};

pub enum Dest {
    Stdout,
    InPlace,
    /// A file; `true` when it is the default name, not `-o`.
    File(PathBuf, bool),
}

/// Decide the destination; `suffix` names the default file (`fixed` makes
/// `talk.fixed.srt`). Refuses an output that is the same file as `input`
/// or any of `others` (a reference track, say), and an existing default
/// file without `--force`.
pub fn destination(
    input: &Path,
    others: &[&Path],
    args: &RewriteArgs,
    suffix: &str,
) -> Result<Dest, Failure> {
    if args.in_place {
        return Ok(Dest::InPlace);
    }
    let path = match &args.output {
        Some(o) if o.as_os_str() == "-" => return Ok(Dest::Stdout),
        Some(o) => Dest::File(o.clone(), false),
        None => {
            let d = default_output(input, suffix);
            if d.exists() && !args.force && !args.dry_run {
                return Err(Failure::Exists(d));
            }
            Dest::File(d, true)
        }
    };
    if let Dest::File(out, _) = &path {
        not_an_input(out, &[&[input], others].concat())?;
    }
    Ok(path)
}

/// Refuse `output` when it is the same file as one of `inputs`.
pub fn not_an_input(output: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    match overwrites_input(output, inputs) {
        Some(input) => Err(Failure::OutputIsInput {
            output: output.to_path_buf(),
            input: input.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// Write `text` to `dest` (unless a dry run); returns what happened, for the
/// status line. Nothing is written to a default file or in place when
/// nothing `changed`.
pub fn write(
    dest: &Dest,
    input: &Path,
    text: &str,
    changed: bool,
    dry_run: bool,
    p: &Printer,
) -> Result<String, Failure> {
    let shown = crate::output::path(input);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Failure::Io { path, source }
    };
    Ok(match dest {
        _ if dry_run => "would write".to_string(),
        Dest::Stdout => {
            p.data(text.as_bytes());
            "wrote stdout".into()
        }
        Dest::InPlace if !changed => "left unchanged".into(),
        Dest::InPlace => {
            let bak = replace_with_backup(input, text.as_bytes()).map_err(io(input))?;
            format!(
                "rewrote {shown} (original kept as {})",
                crate::output::path(&bak)
            )
        }
        Dest::File(_, true) if !changed => "nothing to change; wrote no file".into(),
        Dest::File(path, _) => {
            write_atomic(path, text.as_bytes()).map_err(io(path))?;
            format!("wrote {}", crate::output::path(path))
        }
    })
}

/// `talk.srt` → `talk.SUFFIX.srt`.
pub fn default_output(input: &Path, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "subtitles".into());
    input.with_file_name(format!("{stem}.{suffix}.srt"))
}
