//! `screenkit build KIT`: plan the bag, refuse if the kit check finds
//! problems (unless --force, which is recorded), write `DIR/NAME.zip`.

use super::Exit;
use crate::cli::BuildArgs;
use crate::kit::Kit;
use crate::kit::bag::write_bag;
use crate::kit::build::plan;
use crate::output::progress::Bar;
use crate::output::{Printer, Style};

pub fn run(args: &BuildArgs, p: &Printer) -> Exit {
    let kit = match Kit::open(&args.kit) {
        Ok(k) => k,
        Err(e) => {
            p.error(&e.to_string());
            return Exit::Failed;
        }
    };
    let mut plan = match plan(&kit) {
        Ok(pl) => pl,
        Err(e) => {
            p.error(&e.to_string());
            return Exit::Failed;
        }
    };
    if !plan.problems.is_empty() {
        for pr in &plan.problems {
            p.error(pr);
        }
        if !args.force {
            p.error(&format!(
                "{} problem(s); nothing built. Fix them, or pass --force (recorded in the kit)",
                plan.problems.len()
            ));
            return Exit::Problems;
        }
        plan.info.push((
            "Screenkit-Check".into(),
            format!(
                "built with --force despite {} problem(s): {}",
                plan.problems.len(),
                plan.problems.join("; ")
            ),
        ));
    }
    let name = kit.name();
    let epoch = kit.epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref());
    let bar = Bar::new(&name, !p.quiet);
    match write_bag(
        &name,
        plan.payload,
        plan.tags,
        &plan.info,
        &args.output,
        epoch,
        &bar,
    ) {
        Ok(b) => {
            let mb = b.payload_bytes as f64 / 1e6;
            p.status(&format!(
                "{}: wrote {} ({} files, {mb:.1} MB of payload)",
                p.paint(&name, Style::Bold),
                b.zip.display(),
                b.payload_files
            ));
            p.out(&format!("{}  {}", b.sha256, b.zip.display()));
            Exit::Ok
        }
        Err(e) => {
            p.error(&e.to_string());
            Exit::Failed
        }
    }
}
