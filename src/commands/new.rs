//! `screenkit new NAME`: scaffold a kit.

use super::Exit;
use crate::cli::NewArgs;
use crate::output::Printer;

pub fn run(args: &NewArgs, p: &Printer) -> Exit {
    match crate::kit::scaffold::create(&args.name) {
        Ok(()) => {
            let d = args.name.display();
            p.status(&format!("created {d}/kit.toml and {d}/cards.toml; put clips in {d}/clips and subtitles in {d}/subtitles, then run `screenkit check {d}`"));
            Exit::Ok
        }
        Err(e) => {
            p.error(&format!("{}: {e}", args.name.display()));
            Exit::Failed
        }
    }
}
