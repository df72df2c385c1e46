//! `screenkit verify PATH...`: is each kit intact? Kits are verified in
//! parallel; each gets its result in words, its problems with the paths as
//! they are on the stick, and what to do next; several get a summary.
//! BagIt's own terms only with `--verbose` and in `--json`.

use super::Exit;
use crate::cli::VerifyArgs;
use crate::kit::verify::{ProblemKind, Report, VerifyError, verify};
use crate::output::progress::Bar;
use crate::output::{Printer, Style, name};
use rayon::prelude::*;
use std::path::Path;

pub fn run(args: &VerifyArgs, p: &Printer) -> Exit {
    let one = args.paths.len() == 1;
    let results: Vec<(String, Result<Report, VerifyError>)> = args
        .paths
        .par_iter()
        .map(|path| {
            let shown = path.display().to_string();
            // Bars of parallel kits would overwrite one another.
            let bar = Bar::new(&shown, one && !args.json && !p.quiet);
            let r = verify(path, &bar);
            (shown, r)
        })
        .collect();
    let exit = results
        .iter()
        .map(|(_, r)| match r {
            Ok(r) if r.problems.is_empty() => Exit::Ok,
            Ok(_) => Exit::Problems,
            Err(_) => Exit::Failed,
        })
        .max()
        .unwrap_or(Exit::Ok);
    if args.json {
        let kits: Vec<serde_json::Value> = results.iter().map(|(s, r)| json(s, r)).collect();
        match kits.as_slice() {
            [kit] => p.json(kit),
            _ => p.json(&serde_json::json!({
                "version": 1,
                "intact": exit == Exit::Ok,
                "kits": kits,
            })),
        }
        return exit;
    }
    for (shown, r) in &results {
        match r {
            Ok(report) => human(shown, report, args.verbose, p),
            Err(e) => p.error(&e.to_string()),
        }
    }
    if !one {
        summary(&results, p);
    }
    exit
}

/// One kit's JSON: the object `verify --json` has always printed, plus
/// `kit`, `ignored`, and each problem's `plain` words and `on_stick` path.
fn json(shown: &str, r: &Result<Report, VerifyError>) -> serde_json::Value {
    match r {
        Ok(report) => serde_json::json!({
            "version": 1,
            "path": shown,
            "intact": report.problems.is_empty(),
            "files": report.files,
            "payload_files": report.payload_files,
            "tag_files": report.tag_files,
            "bytes": report.bytes,
            "kit": report.kit,
            "problems": report.problems,
            "ignored": report.ignored,
        }),
        Err(e) => serde_json::json!({
            "version": 1,
            "path": shown,
            "intact": false,
            "error": e.to_string(),
        }),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The result in words: "intact", or "3 files changed, 1 file missing".
fn headline(r: &Report) -> String {
    if r.problems.is_empty() {
        return "intact".into();
    }
    let count = |k: ProblemKind| r.problems.iter().filter(|p| p.kind == k).count();
    let mut parts = Vec::new();
    let mut say = |k: ProblemKind, one: &str, many: &str| {
        let n = count(k);
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    };
    say(ProblemKind::Changed, "file changed", "files changed");
    say(ProblemKind::Missing, "file missing", "files missing");
    say(ProblemKind::Extra, "extra file", "extra files");
    say(
        ProblemKind::NotRegular,
        "link or special file",
        "links or special files",
    );
    say(
        ProblemKind::DamagedZip,
        "damaged place in the zip",
        "damaged places in the zip",
    );
    say(
        ProblemKind::UnsafePath,
        "name that would land outside the kit",
        "names that would land outside the kit",
    );
    say(ProblemKind::Duplicate, "repeated name", "repeated names");
    say(
        ProblemKind::Structure,
        "problem in the kit's own files",
        "problems in the kit's own files",
    );
    parts.extend(
        r.problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Oxum)
            .map(|p| p.plain.clone()),
    );
    parts.join(", ")
}

fn human(shown: &str, r: &Report, verbose: bool, p: &Printer) {
    let head = p.paint(&name(shown), Style::Bold);
    if r.problems.is_empty() {
        let mb = r.bytes as f64 / 1e6;
        let what = if verbose {
            format!(
                "{} files checked = {} payload + {} tag files, {mb:.1} MB, every SHA-256 checked",
                r.files, r.payload_files, r.tag_files
            )
        } else {
            format!(
                "{}, {mb:.1} MB; every file's SHA-256 checked",
                plural(r.files, "file", "files")
            )
        };
        p.out(&format!(
            "{head}: {} ({what})",
            p.paint("intact", Style::Good)
        ));
    } else {
        p.out(&format!("{head}: {}", p.paint(&headline(r), Style::Error)));
    }
    // What a person acts on first: changed, then missing, then the rest.
    let mut problems: Vec<_> = r.problems.iter().collect();
    problems.sort_by_key(|pr| match pr.kind {
        ProblemKind::Changed => 0,
        ProblemKind::Missing => 1,
        ProblemKind::Extra => 2,
        _ => 3,
    });
    for pr in problems {
        if verbose {
            // BagIt's and the zip format's terms, as `verify` has always
            // printed them.
            p.out(&format!(
                "{}: {} {}: {}",
                name(shown),
                p.paint(pr.kind.id(), Style::Error),
                name(&pr.path),
                name(&pr.detail)
            ));
        } else if pr.kind != ProblemKind::Oxum {
            p.out(&format!("  {}: {}", name(&pr.on_stick), name(&pr.plain)));
        }
    }
    for (kind, what) in [
        (ProblemKind::Clutter, "extra files"),
        (ProblemKind::EmptyFolder, "empty folders"),
    ] {
        let names: Vec<String> = r
            .ignored
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| name(&i.on_stick).into_owned())
            .collect();
        if !names.is_empty() {
            p.out(&format!(
                "  {}",
                p.paint(
                    &format!("{what} (ignored: {})", names.join(", ")),
                    Style::Dim
                )
            ));
        }
    }
    if let Some(next) = advice(r) {
        p.out(&format!("  {} {}", p.paint("Next:", Style::Bold), next));
    }
}

/// What to do about a kit that is not intact.
fn advice(r: &Report) -> Option<String> {
    if r.problems.is_empty() {
        return None;
    }
    let Some(root) = &r.root else {
        return Some(
            "this zip is not the one build wrote: get it again from where it came from, or build it again (screenkit build KIT)"
                .into(),
        );
    };
    let zip = format!("{}.zip", r.kit);
    // The folder the kit was copied into: the stick.
    let dest = root
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let copy = format!(
        "screenkit copy {} {} --replace",
        crate::shell::quote(&zip),
        crate::shell::quote_path(dest)
    );
    let clutter = |pr: &&crate::kit::verify::Problem| {
        pr.kind == ProblemKind::Extra && pr.detail.ends_with("(OS clutter)")
    };
    if r.problems
        .iter()
        .all(|pr| clutter(&pr) || pr.kind == ProblemKind::Oxum)
    {
        return Some(
            "delete the extra files (macOS and Windows leave them); the kit's own files are intact"
                .into(),
        );
    }
    let files: Vec<&str> = r
        .problems
        .iter()
        .filter(|pr| matches!(pr.kind, ProblemKind::Changed | ProblemKind::Missing))
        .map(|pr| pr.on_stick.as_str())
        .collect();
    let only_files = r.problems.iter().all(|pr| {
        matches!(
            pr.kind,
            ProblemKind::Changed | ProblemKind::Missing | ProblemKind::Oxum
        )
    });
    if only_files && files.len() <= 3 {
        let list: Vec<String> = files.iter().map(|f| name(f).into_owned()).collect();
        return Some(format!(
            "replace {} with the same from {zip}, or re-copy the whole kit from its zip: {copy}",
            list.join(", ")
        ));
    }
    Some(format!("re-copy the kit from its zip: {copy}"))
}

fn summary(results: &[(String, Result<Report, VerifyError>)], p: &Printer) {
    let intact = results
        .iter()
        .filter(|(_, r)| matches!(r, Ok(r) if r.problems.is_empty()))
        .count();
    p.out(&format!(
        "\n{}",
        p.paint(
            &format!("Summary: {intact} of {} intact", results.len()),
            Style::Bold
        )
    ));
    let width = results.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
    for (shown, r) in results {
        let (mark, style, what) = match r {
            Ok(r) if r.problems.is_empty() => ("intact", Style::Good, String::new()),
            Ok(r) => ("FAILED", Style::Error, headline(r)),
            Err(e) => ("ERROR ", Style::Error, error_words(e)),
        };
        let line = format!(
            "  {}  {:<width$}  {what}",
            p.paint(mark, style),
            name(shown)
        );
        p.out(line.trim_end());
    }
}

fn error_words(e: &VerifyError) -> String {
    match e {
        VerifyError::NotAKit(_) => "not a kit".into(),
        VerifyError::Io(_, e) => e.to_string(),
    }
}
