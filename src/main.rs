use clap::Parser;
use std::process::ExitCode;

// mimalloc (v2) backs its heap with huge pages where the kernel allows,
// which spares `check` most of its page faults, and keeps `sync` under its
// memory target (v3 does not): benches/README.md has the figures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    screenkit::fsutil::remove_temps_on_signal();
    ExitCode::from(screenkit::run(screenkit::cli::Cli::parse()))
}
