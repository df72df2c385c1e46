use clap::Parser;
use std::process::ExitCode;

// mimalloc (v2) backs its heap with huge pages where the kernel allows:
// check on 100k cues takes ~1,000 page faults instead of ~12,000 and runs
// about a sixth faster. v3 held sync's 60-minute run at 75 MB; v2 at ~50 MB,
// under the 64 MB target (glibc: 33 MB).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(screenkit::run(screenkit::cli::Cli::parse()))
}
