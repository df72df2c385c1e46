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
use crate::kit::build::{payload_parts, plan};
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
    let bars = !args.json && !p.quiet;
    let checked = check_kit(&kit, &opts, args.usb_size, &Bar::new("checking", bars));
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
    for e in &errors {
        p.error(e);
    }
    let warnings = checked
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|x| x.severity == Severity::Warning)
        .count();
    if warnings > 0 {
        p.status(&format!(
            "{} {warnings} warning(s) from `screenkit check` (placeholders, cards …): run `screenkit check {}` to see them",
            p.paint("warning:", Style::Warning),
            args.kit.display()
        ));
    }
    if !errors.is_empty() && !args.force {
        p.error(&format!("{} error(s) from `screenkit check`; nothing built. Fix them, or pass --force (recorded in the kit)", errors.len()));
        return Exit::Problems;
    }
    let probed = checked
        .iter()
        .filter_map(|f| Some((f.path.clone(), f.clip.clone()?)))
        .collect();
    let mut plan = match plan(&kit, &errors, &probed) {
        Ok(pl) => pl,
        Err(e) => {
            p.error(&e.to_string());
            return Exit::Failed;
        }
    };
    if !errors.is_empty() {
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
    let bar = Bar::new(&name, bars);
    let parts = payload_parts(&plan.payload);
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
            if args.json {
                let payload: serde_json::Map<String, serde_json::Value> =
                    parts.into_iter().map(|(k, n)| (k, n.into())).collect();
                p.json(&serde_json::json!({
                    "version": 1,
                    "zip": b.zip.display().to_string(),
                    "zip_bytes": b.zip_bytes,
                    "files": b.payload_files + b.tag_files,
                    "payload_files": b.payload_files,
                    "tag_files": b.tag_files,
                    "payload": payload,
                    "payload_bytes": b.payload_bytes,
                }));
                return Exit::Ok;
            }
            let mb = b.payload_bytes as f64 / 1e6;
            let kinds: Vec<String> = parts
                .iter()
                .map(|(folder, n)| {
                    let s = if *n == 1 { "" } else { "s" };
                    match folder.as_str() {
                        "clips" => format!("{n} clip{s}"),
                        "subtitles" => format!("{n} subtitle file{s}"),
                        "cards" => format!("{n} card file{s}"),
                        other => format!("{n} in {other}/"),
                    }
                })
                .collect();
            p.status(&format!(
                "{}: wrote {}: {} files in the bag = {} payload ({}) + {} tag files; {mb:.1} MB of payload",
                p.paint(&name, Style::Bold),
                b.zip.display(),
                b.payload_files + b.tag_files,
                b.payload_files,
                kinds.join(", "),
                b.tag_files
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
