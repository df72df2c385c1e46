//! `screenkit build KIT`: check the kit (refusing on errors unless
//! --force, which is recorded in bag-info.txt), plan the bag, write
//! `DIR/NAME.zip`.

use super::Exit;
use crate::check::CheckOptions;
use crate::check::profile::{Limits, ProfileName};
use crate::check::rules::Severity;
use crate::cli::BuildArgs;
use crate::kit::Kit;
use crate::kit::bag::write_bag;
use crate::kit::build::plan;
use crate::kit::check::check_kit;
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
    // Refuse on exactly what `screenkit check KIT` calls an error.
    let opts = CheckOptions {
        limits: Limits::new(ProfileName::Netflix, 24.0),
        ignore: Default::default(),
        clip_ms: None,
    };
    let checked = check_kit(&kit, &opts, u64::MAX, &Bar::new("checking", !p.quiet));
    let errors: Vec<String> = checked
        .iter()
        .flat_map(|f| {
            f.findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .map(move |x| {
                    format!(
                        "{}:{}: error[{}]: {}",
                        f.path.display(),
                        x.line,
                        x.rule,
                        x.message
                    )
                })
        })
        .collect();
    let mut plan = match plan(&kit, &errors) {
        Ok(pl) => pl,
        Err(e) => {
            p.error(&e.to_string());
            return Exit::Failed;
        }
    };
    if !errors.is_empty() {
        for e in &errors {
            p.error(e);
        }
        if !args.force {
            p.error(&format!("{} error(s) from `screenkit check`; nothing built. Fix them, or pass --force (recorded in the kit)", errors.len()));
            return Exit::Problems;
        }
        plan.info.push((
            "Screenkit-Check".into(),
            format!(
                "built with --force despite {} error(s): {}",
                errors.len(),
                errors.join("; ")
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
            p.out(&format!("{}  {} bytes", b.zip.display(), b.zip_bytes));
            Exit::Ok
        }
        Err(e) => {
            p.error(&e.to_string());
            Exit::Failed
        }
    }
}
