//! `screenkit completions SHELL` and `screenkit man`: a completion script
//! and a man page, generated from the same clap definitions as `--help`,
//! so they never disagree with the binary they ship with.

use super::Exit;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::output::Printer;
use clap::CommandFactory;

pub fn completions(args: &CompletionsArgs, p: &Printer) -> Exit {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "screenkit", &mut script);
    p.data(&script);
    Exit::Ok
}

/// The top page, or with a command name that command's page; the top
/// page's SEE ALSO names them as screenkit-COMMAND(1).
pub fn man(args: &ManArgs, p: &Printer) -> Exit {
    let mut top = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its page name (screenkit-check).
    top.build();
    let cmd = match &args.command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                p.error(&format!(
                    "man: no command '{name}'; one of: {}",
                    names.join(", ")
                ));
                return Exit::Failed;
            }
        },
    };
    let mut page = Vec::new();
    match clap_mangen::Man::new(cmd).render(&mut page) {
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
