//! `screenkit completions SHELL` and `screenkit man`: a completion script
//! and a man page, generated from the same clap definitions as `--help`,
//! so they never disagree with the binary they ship with.

use super::Exit;
use crate::cli::{Cli, CompletionsArgs};
use crate::output::Printer;
use clap::CommandFactory;

pub fn completions(args: &CompletionsArgs, p: &Printer) -> Exit {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "screenkit", &mut script);
    p.data(&script);
    Exit::Ok
}

pub fn man(p: &Printer) -> Exit {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            p.data(&page);
            Exit::Ok
        }
        Err(e) => {
            p.error(&format!("rendering the man page: {e}"));
            Exit::Failed
        }
    }
}
