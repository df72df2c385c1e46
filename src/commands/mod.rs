//! One module per subcommand: glue between the CLI, the domain modules and
//! the printer. Each `run` returns the exit status; none panics on input.

pub mod build;
pub mod cards;
pub mod check;
pub mod completions;
pub mod convert;
pub mod dest;
pub mod fix;
pub mod new;
pub mod probe;
pub mod retime;
pub mod sync;
pub mod verify;

use crate::subtitle::decode::Charset;

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

/// Resolve `--encoding`; the error names the flag.
pub fn charset(label: Option<&str>) -> Result<Option<Charset>, String> {
    label
        .map(Charset::for_label)
        .transpose()
        .map_err(|e| format!("--encoding: {e}"))
}
