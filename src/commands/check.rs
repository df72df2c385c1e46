//! `screenkit check FILE...`: read every file, run every rule, report like a
//! compiler (or one JSON object), exit with the worst result.

use super::Failure;
use super::{Exit, charset};
use crate::check::profile::{Limits, ProfileName};
use crate::check::rules::{Finding, Rule, Severity};
use crate::check::{CheckOptions, check_track, tally};
use crate::cli::CheckArgs;
use crate::kit::Kit;
use crate::kit::check::check_kit;
use crate::output::json::{CheckReport, FileReport};
use crate::output::progress::Bar;
use crate::output::{Printer, Style};
use crate::subtitle::{Track, read_path};
use std::collections::HashSet;

/// Findings shown per rule per file in the human report, unless `--all`.
const PER_RULE_CAP: usize = 20;

pub fn run(args: &CheckArgs, p: &Printer) -> Exit {
    let limits =
        Limits::new(args.limits.profile.into(), args.limits.fps).with(&args.limits.overrides());
    if args.list_rules {
        list_rules(&limits, p);
        return Exit::Ok;
    }
    let opts = match options(args, limits) {
        Ok(o) => o,
        Err(e) => {
            p.error(&e);
            return Exit::Failed;
        }
    };
    let forced = match charset(args.encoding.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            p.error(&e);
            return Exit::Failed;
        }
    };
    let mut exit = Exit::Ok;
    let mut files = Vec::new();
    let mut totals = (0, 0, 0);
    for (k, path) in args.files.iter().enumerate() {
        let last = k + 1 == args.files.len();
        let shown = path.display().to_string();
        if path.join("kit.toml").is_file() {
            let kit = match Kit::open(path) {
                Ok(k) => k,
                Err(e) => {
                    p.error(&e.to_string());
                    exit = exit.max(Exit::Failed);
                    continue;
                }
            };
            let bar = Bar::new(&shown, !args.json && !p.quiet);
            for f in check_kit(&kit, &opts, args.usb_size, &bar) {
                let (e, w, i) = tally(&f.findings);
                totals = (totals.0 + e, totals.1 + w, totals.2 + i);
                if e > 0 {
                    exit = exit.max(Exit::Problems);
                }
                let fshown = f.path.display().to_string();
                if !args.json {
                    print_findings(p, &fshown, &f.findings, args.all, &|x| f.hint(x));
                    let what = match &f.encoding {
                        Some(enc) if f.cues > 0 => format!(" ({} cues, {enc})", f.cues),
                        _ => String::new(),
                    };
                    p.out(&format!(
                        "{}: {}{what}",
                        p.paint(&fshown, Style::Bold),
                        counts(p, (e, w, i))
                    ));
                }
                files.push(FileReport {
                    path: fshown,
                    encoding: f.encoding,
                    cues: f.cues,
                    findings: f.findings,
                    error: None,
                });
            }
            continue;
        }
        match read_path(path, forced) {
            Err(e) => {
                p.error(&format!("{shown}: {e}"));
                exit = exit.max(Exit::Failed);
                files.push(FileReport {
                    path: shown,
                    encoding: None,
                    cues: 0,
                    findings: vec![],
                    error: Some(e.to_string()),
                });
            }
            Ok(track) => {
                let findings = check_track(&track, &opts);
                let (e, w, i) = tally(&findings);
                totals = (totals.0 + e, totals.1 + w, totals.2 + i);
                if e > 0 {
                    exit = exit.max(Exit::Problems);
                }
                if !args.json {
                    print_file(p, &shown, &track, &findings, args.all);
                }
                files.push(FileReport {
                    path: shown,
                    encoding: Some(track.source.encoding.to_string()),
                    cues: track.cues.len(),
                    findings,
                    error: None,
                });
                drop_later(track, last);
            }
        }
    }
    if args.json {
        let report = CheckReport { version: 1, files };
        p.json_with(|w| report.write_to(w));
    } else if args.files.len() > 1 {
        p.out(&format!(
            "checked {} files: {}",
            args.files.len(),
            counts(p, totals)
        ));
    }
    exit
}

/// Free a big track on another thread, so the next file or the report
/// need not wait: a big track is hundreds of thousands of allocations.
/// After the last file the process ends and the system
/// takes the memory back in one piece, so that track is not freed at all
/// (a spare thread freeing it would compete for the cores the report is
/// rendered on).
fn drop_later(track: Track, last: bool) {
    if track.cues.len() < 10_000 {
        return;
    }
    if last {
        std::mem::forget(track);
        return;
    }
    // If no thread can be started, the track is dropped here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(track));
}

fn options(args: &CheckArgs, limits: Limits) -> Result<CheckOptions, Failure> {
    let mut ignore = HashSet::new();
    for id in args
        .ignore
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let rule = Rule::from_id(id).ok_or_else(|| Failure::UnknownRule(id.to_string()))?;
        ignore.insert(rule);
    }
    let clip_ms = match &args.clip {
        Some(clip) => {
            Some(
                crate::media::duration_ms(clip).map_err(|source| Failure::ClipFlag {
                    path: clip.clone(),
                    source,
                })?,
            )
        }
        None => None,
    };
    Ok(CheckOptions {
        limits,
        ignore,
        clip_ms,
    })
}

fn counts(p: &Printer, (e, w, i): (usize, usize, usize)) -> String {
    use crate::output::plural;
    let errors = plural(e, "error");
    let errors = if e > 0 {
        p.paint(&errors, Style::Error)
    } else {
        errors
    };
    let warnings = plural(w, "warning");
    let warnings = if w > 0 {
        p.paint(&warnings, Style::Warning)
    } else {
        warnings
    };
    format!("{errors}, {warnings}, {i} info")
}

fn print_file(p: &Printer, path: &str, track: &Track, findings: &[Finding], all: bool) {
    print_findings(p, path, findings, all, &|f| f.hint());
    let summary = counts(p, tally(findings));
    let ok = if findings.iter().any(|f| f.severity == Severity::Error) {
        ""
    } else {
        " — ready to screen"
    };
    let ok = if ok.is_empty() {
        String::new()
    } else {
        p.paint(ok, Style::Good)
    };
    p.out(&format!(
        "{}: {summary} ({} cues, {}){ok}",
        p.paint(path, Style::Bold),
        track.cues.len(),
        track.source.encoding
    ));
}

/// `hint` says what to do about a finding (a kit knows more than the rule).
fn print_findings<'a>(
    p: &Printer,
    path: &str,
    findings: &'a [Finding],
    all: bool,
    hint: &dyn Fn(&'a Finding) -> &'a str,
) {
    // Per rule, how many so far (rules are a small fieldless enum).
    let mut shown = vec![0usize; Rule::ALL.len()];
    for f in findings {
        let n = &mut shown[f.rule as usize];
        *n += 1;
        if !all && *n > PER_RULE_CAP {
            continue;
        }
        let (sev, style) = match f.severity {
            Severity::Error => ("error", Style::Error),
            Severity::Warning => ("warning", Style::Warning),
            Severity::Info => ("info", Style::Info),
        };
        let cue = f.cue.map(|c| format!(" (cue {c})")).unwrap_or_default();
        let head = p.paint(&format!("{path}:{}:", f.line), Style::Bold);
        p.out(&format!(
            "{head} {}: {}{cue}",
            p.paint(&format!("{sev}[{}]", f.rule), style),
            f.message
        ));
        if *n == 1 {
            p.out(&p.paint(&format!("    hint: {}", hint(f)), Style::Dim));
        }
    }
    let capped = Rule::ALL
        .iter()
        .zip(&shown)
        .filter(|&(_, &n)| !all && n > PER_RULE_CAP);
    for (rule, n) in capped {
        p.out(&format!(
            "{path}: … and {} more [{rule}] (--all shows them, --ignore {rule} hides them)",
            n - PER_RULE_CAP
        ));
    }
}

fn list_rules(in_effect: &Limits, p: &Printer) {
    p.out(&p.paint(
        "RULE                    GROUP      QC-RULES    CHECKS",
        Style::Bold,
    ));
    for r in Rule::ALL {
        p.out(&format!(
            "{:<23} {:<10} {:<11} {}",
            r.id(),
            r.category(),
            r.source(),
            r.what()
        ));
    }
    let fps = in_effect.fps;
    let profiles = [
        ProfileName::Netflix,
        ProfileName::Bbc,
        ProfileName::Dcp,
        ProfileName::Relaxed,
    ]
    .map(|n| Limits::new(n, fps));
    p.out("");
    p.out(&p.paint(
        &format!("THRESHOLDS at {fps} fps (frame-based limits follow --fps)"),
        Style::Bold,
    ));
    p.out(&format!(
        "{:<22} {:<22} {:<22} {:<22} {:<22} {}",
        "", "netflix", "bbc", "dcp", "relaxed", "in effect"
    ));
    let rows: Vec<_> = profiles.iter().map(Limits::describe).collect();
    for (k, (name, mine)) in in_effect.describe().into_iter().enumerate() {
        p.out(&format!(
            "{name:<22} {:<22} {:<22} {:<22} {:<22} {mine}",
            rows[0][k].1, rows[1][k].1, rows[2][k].1, rows[3][k].1
        ));
    }
    p.out("");
    p.out("Severity can depend on the profile: dcp makes syntax deviations, named <font> colours,");
    p.out("too many lines and lines over 79 characters errors. Override thresholds with");
    p.out("--max-line-length, --max-lines, --max-cps, --min-duration, --max-duration, --min-gap.");
}
