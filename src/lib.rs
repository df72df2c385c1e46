//! screenkit: offline film-screening kits.
//!
//! The library does the work; `main.rs` only parses arguments and exits
//! with the code `run` returns. Dependencies point one way: `cli`/`output`
//! → `commands` → domain → `time`. The domain: `subtitle` (read, write),
//! `check`, `fix`, `retime`, `sync` (fit cues to speech), `media` (probe,
//! decode), `cards` (discussion cards) and `kit` (check, build and verify
//! a screening kit), with `fsutil` and `progress` beneath them. Domain
//! modules never print; they report progress through `progress::Progress`.

pub mod cards;
pub mod check;
pub mod cli;
pub mod commands;
pub mod copy;
pub mod csp;
pub mod fix;
pub mod fsutil;
pub mod kit;
pub mod media;
pub mod output;
pub mod progress;
pub mod retime;
pub mod shell;
pub mod subtitle;
pub mod sync;
pub mod time;
pub mod tomlpos;

use cli::{Cli, Command};
use output::Printer;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let p = Printer::new(cli.color, cli.quiet);
    let exit = match &cli.command {
        Command::Check(a) => commands::check::run(a, &p),
        Command::Fix(a) => commands::fix::run(a, &p),
        Command::Convert(a) => commands::convert::run(a, &p),
        Command::Retime(a) => commands::retime::run(a, &p),
        Command::Sync(a) => commands::sync::run(a, &p),
        Command::SplitLang(a) => commands::split_lang::run(a, &p),
        Command::Probe(a) => commands::probe::run(a, &p),
        Command::Tracks(a) => commands::tracks::list(a, &p),
        Command::Extract(a) => commands::tracks::extract(a, &p),
        Command::Cards(a) => commands::cards::run(a, &p),
        Command::New(a) => commands::new::run(a, &p),
        Command::Build(a) => commands::build::run(a, &p),
        Command::Verify(a) => commands::verify::run(a, &p),
        Command::Copy(a) => commands::copy::run(a, &p),
        Command::Completions(a) => commands::completions::completions(a, &p),
        Command::Man(a) => commands::completions::man(a, &p),
    };
    exit as u8
}
