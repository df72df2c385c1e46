//! One module per subcommand: glue between the CLI, the domain modules and
//! the printer. Each `run` returns the exit status; none panics on input.

pub mod build;
pub mod cards;
pub mod check;
pub mod completions;
pub mod convert;
pub mod copy;
pub mod dest;
pub mod fix;
pub mod new;
pub mod probe;
pub mod retime;
pub mod split_lang;
pub mod sync;
pub mod tracks;
pub mod verify;

use crate::subtitle::LoadError;
use crate::subtitle::decode::{Charset, DecodeError};
use crate::subtitle::write::WriteError;
use std::path::PathBuf;

/// Exit status, worst wins (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Done, no errors.
    Ok = 0,
    /// Done, errors found.
    Problems = 1,
    /// Could not do the job.
    Failed = 2,
}

/// Why a command could not do its job: the domain's error, with the file
/// or flag it is about in front, as the user reads it.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("--encoding: {0}")]
    Encoding(DecodeError),
    /// An input file could not be read as subtitles.
    #[error("{path}: {source}")]
    Load { path: String, source: LoadError },
    /// The result cannot be written as SubRip.
    #[error("{path}: {source}")]
    Srt { path: String, source: WriteError },
    #[error("{} is the same file as the input {}; nothing written. Give another output (-o), or use --in-place to rewrite an input (a backup is kept)", crate::output::path(.output), crate::output::path(.input))]
    OutputIsInput { output: PathBuf, input: PathBuf },
    #[error("{} exists; pass --force to replace it, or -o OUT", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--map: {0}")]
    Map(crate::retime::RetimeError),
    #[error("{path}: {source}")]
    Clip {
        path: String,
        source: crate::media::decode::DecodeError,
    },
    #[error("{path}: {source}")]
    Sync {
        path: String,
        source: crate::sync::SyncError,
    },
    #[error("--json and -o - would both write to stdout; give -o a file")]
    JsonAndStdout,
    #[error("{path}: {source}")]
    Vtt {
        path: String,
        source: crate::subtitle::vtt::VttError,
    },
    #[error("{0}: no cues found; nothing to convert (run `screenkit check {0}`)")]
    NothingToConvert(String),
    #[error("{0} is already .{1}; give -o OUT")]
    AlreadyThere(String, &'static str),
    #[error("--ignore: unknown rule '{0}' (see `screenkit check --list-rules`)")]
    UnknownRule(String),
    /// The clip given with `--clip` has no duration screenkit can read.
    #[error("--clip {}: {source}", .path.display())]
    ClipFlag {
        path: PathBuf,
        source: crate::media::ProbeError,
    },
    #[error(transparent)]
    Kit(#[from] crate::kit::KitError),
    /// A subtitle track inside a clip (`CLIP#N`) that cannot be read.
    #[error("{0}")]
    Embedded(String),
}

/// For the commands whose own errors are still strings (`fix`, `cards`,
/// `check`), so that `?` works there too.
impl From<Failure> for String {
    fn from(f: Failure) -> String {
        f.to_string()
    }
}

impl Failure {
    /// `Load`, for `read_path(...).map_err(Failure::load(path))`.
    pub fn load(path: &std::path::Path) -> impl FnOnce(LoadError) -> Failure + '_ {
        move |source| Failure::Load {
            path: path.display().to_string(),
            source,
        }
    }

    /// `Srt`, for `to_srt(...).map_err(Failure::srt(path))`.
    pub fn srt(path: &std::path::Path) -> impl FnOnce(WriteError) -> Failure + '_ {
        move |source| Failure::Srt {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Resolve `--encoding`; the error names the flag.
pub fn charset(label: Option<&str>) -> Result<Option<Charset>, Failure> {
    label
        .map(Charset::for_label)
        .transpose()
        .map_err(Failure::Encoding)
}
