//! Where a rewriting command (`fix`, `retime`) puts its output: stdout, the
//! input itself (`--in-place`, keeping a numbered backup), `-o OUT`, or a
//! default file beside the input that is never silently replaced.

use super::Failure;
use crate::cli::RewriteArgs;
use crate::fsutil::{replace_with_backup, write_atomic};
use crate::output::Printer;
use std::path::{Path, PathBuf};

pub enum Dest {
    Stdout,
    InPlace,
    /// A file; `true` when it is the default name, not `-o`.
    File(PathBuf, bool),
}

/// Decide the destination; `suffix` names the default file (`fixed` makes
/// `talk.fixed.srt`). Refuses `-o` pointing at the input, and an existing
/// default file without `--force`.
pub fn destination(input: &Path, args: &RewriteArgs, suffix: &str) -> Result<Dest, Failure> {
    if args.in_place {
        return Ok(Dest::InPlace);
    }
    match &args.output {
        Some(o) if o.as_os_str() == "-" => Ok(Dest::Stdout),
        Some(o) if same_file(o, input) => Err(Failure::OutputIsInput(o.clone())),
        Some(o) => Ok(Dest::File(o.clone(), false)),
        None => {
            let d = default_output(input, suffix);
            if d.exists() && !args.force && !args.dry_run {
                return Err(Failure::Exists(d));
            }
            Ok(Dest::File(d, true))
        }
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `talk.srt` → `talk.SUFFIX.srt`.
pub fn default_output(input: &Path, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "subtitles".into());
    input.with_file_name(format!("{stem}.{suffix}.srt"))
}
