use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(screenkit::run(screenkit::cli::Cli::parse()))
}
