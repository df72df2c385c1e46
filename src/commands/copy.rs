//! `screenkit copy ZIP|KITDIR DEST...`: one line per stick with what
//! happened and why, then what to do (safe to remove, or copy again).

use super::Exit;
use crate::cli::CopyArgs;
use crate::copy::{self, Options, Outcome, StickResult};
use crate::output::progress::{Bar, Bars};
use crate::output::{Printer, Style, name};
use crate::progress::Progress;

pub fn run(args: &CopyArgs, p: &Printer) -> Exit {
    let src = match copy::open(&args.source) {
        Ok(s) => s,
        Err(e) => {
            p.error(&e);
            return Exit::Failed;
        }
    };
    let mb = src.bytes() as f64 / 1e6;
    p.status(&format!(
        "{}: copying {} ({mb:.1} MB) to {}{}",
        p.paint(&src.name, Style::Bold),
        crate::output::plural(src.files.len(), "file"),
        crate::output::plural(args.dests.len(), "destination"),
        if args.dests.len() > 1 { " at once" } else { "" }
    ));
    for s in &src.skipped {
        p.status(&format!(
            "{} {}/{s} is in the source but in no manifest; not copied",
            p.paint("warning:", Style::Warning),
            src.name
        ));
    }
    let bars = Bars::new(!args.json && !p.quiet);
    let shown: Vec<Bar> = args
        .dests
        .iter()
        .map(|d| bars.add(&d.display().to_string()))
        .collect();
    let refs: Vec<&(dyn Progress + Sync)> =
        shown.iter().map(|b| b as &(dyn Progress + Sync)).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let opts = Options {
        with_zip: args.with_zip,
        replace: args.replace,
    };
    let results = match copy::copy(&src, &args.dests, &opts, &refs, now) {
        Ok(r) => r,
        Err(e) => {
            p.error(&e);
            return Exit::Failed;
        }
    };
    drop(shown);
    let ejected: Vec<Option<Result<String, String>>> = results
        .iter()
        .map(|r| match (&r.outcome, &r.stick) {
            (Outcome::Written { .. }, Some(s)) if args.eject => Some(copy::eject(s)),
            _ => None,
        })
        .collect();
    let all_good = results
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Written { .. }));
    if args.json {
        let sticks: Vec<serde_json::Value> = results
            .iter()
            .zip(&ejected)
            .map(|(r, e)| {
                let mut v = serde_json::to_value(&r.outcome).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("dest".into(), r.dest.display().to_string().into());
                    o.insert(
                        "filesystem".into(),
                        r.stick.as_ref().map(|s| s.fs.label()).into(),
                    );
                    o.insert(
                        "free_bytes".into(),
                        r.stick.as_ref().and_then(|s| s.free_bytes).into(),
                    );
                    o.insert(
                        "safe_to_remove".into(),
                        matches!(r.outcome, Outcome::Written { .. }).into(),
                    );
                    if let Some(e) = e {
                        o.insert(
                            "eject".into(),
                            match e {
                                Ok(s) => s.clone(),
                                Err(s) => s.clone(),
                            }
                            .into(),
                        );
                    }
                }
                v
            })
            .collect();
        p.json(&serde_json::json!({
            "version": 1,
            "source": args.source.display().to_string(),
            "name": src.name,
            "files": src.files.len(),
            "bytes": src.bytes(),
            "ok": all_good,
            "sticks": sticks,
        }));
    } else {
        for r in &results {
            p.out(&line(p, &src.name, r));
        }
        let safe: Vec<String> = results
            .iter()
            .zip(&ejected)
            .filter(|(r, _)| matches!(r.outcome, Outcome::Written { .. }))
            .map(|(r, e)| match e {
                Some(Ok(how)) => format!("{} ({how})", r.dest.display()),
                Some(Err(why)) => format!("{} ({why})", r.dest.display()),
                None => r.dest.display().to_string(),
            })
            .collect();
        if !safe.is_empty() {
            p.out(&format!(
                "{} {}",
                p.paint("Safe to remove:", Style::Good),
                name(&safe.join(", "))
            ));
        }
        if !all_good {
            p.out("Sticks not marked safe hold no good copy: fix what is named above and run `screenkit copy` again for them.");
        }
    }
    if all_good { Exit::Ok } else { Exit::Problems }
}

fn line(p: &Printer, kit: &str, r: &StickResult) -> String {
    let what = match &r.stick {
        Some(s) => {
            let free = match s.free_bytes {
                Some(b) => format!("{:.1} GB free", b as f64 / 1e9),
                None => "free space unknown".into(),
            };
            format!("{}, {free}", s.fs.label())
        }
        None => "not usable".into(),
    };
    let dest = name(&r.dest.display().to_string()).into_owned();
    match &r.outcome {
        Outcome::Written {
            files,
            bytes,
            read_back,
            seconds,
            replaced,
            ..
        } => format!(
            "{dest} ({what}): {} {kit}/: {files} files, {:.1} MB{}; every file {} and matched its SHA-256 ({seconds:.1} s)",
            p.paint("copied", Style::Good),
            *bytes as f64 / 1e6,
            if *replaced {
                ", replacing the old copy"
            } else {
                ""
            },
            read_back.words()
        ),
        Outcome::Refused { reason } => format!(
            "{dest} ({what}): {} {}",
            p.paint("refused, nothing written:", Style::Error),
            name(reason)
        ),
        Outcome::Failed { reason, differs } => {
            // As on the stick: inside the kit's folder, or the zip beside it.
            let files: Vec<String> = differs
                .iter()
                .map(|d| match d.strip_prefix("../") {
                    Some(beside) => beside.to_string(),
                    None => format!("{kit}/{d}"),
                })
                .collect();
            let list = if files.is_empty() {
                String::new()
            } else {
                format!("\n    differs: {}", name(&files.join(", ")))
            };
            format!(
                "{dest} ({what}): {} {}{list}",
                p.paint("FAILED:", Style::Error),
                name(reason)
            )
        }
    }
}
