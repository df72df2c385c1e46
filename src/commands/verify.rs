//! `screenkit verify PATH`: is the kit intact? Names every problem.

use super::Exit;
use crate::cli::VerifyArgs;
use crate::kit::verify::verify;
use crate::output::progress::Bar;
use crate::output::{Printer, Style, name};

pub fn run(args: &VerifyArgs, p: &Printer) -> Exit {
    let shown = args.path.display().to_string();
    let bar = Bar::new(&shown, !args.json && !p.quiet);
    let report = match verify(&args.path, &bar) {
        Ok(r) => r,
        Err(e) => {
            p.error(&e.to_string());
            return Exit::Failed;
        }
    };
    let intact = report.problems.is_empty();
    if args.json {
        p.json(&serde_json::json!({ "version": 1, "path": shown, "intact": intact, "files": report.files, "payload_files": report.payload_files, "tag_files": report.tag_files, "bytes": report.bytes, "problems": report.problems }));
    } else {
        for pr in &report.problems {
            p.out(&format!(
                "{}: {} {}: {}",
                name(&shown),
                p.paint(pr.kind.id(), Style::Error),
                name(&pr.path),
                name(&pr.detail)
            ));
        }
        let mb = report.bytes as f64 / 1e6;
        if intact {
            p.out(&format!(
                "{}: intact ({} files checked = {} payload + {} tag files, {mb:.1} MB, every SHA-256 checked)",
                p.paint(&name(&shown), Style::Bold),
                report.files,
                report.payload_files,
                report.tag_files
            ));
        } else {
            p.out(&format!(
                "{}: {} problem(s)",
                p.paint(&name(&shown), Style::Bold),
                report.problems.len()
            ));
        }
    }
    if intact { Exit::Ok } else { Exit::Problems }
}
