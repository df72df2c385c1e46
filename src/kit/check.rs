//! `check KIT`: every file kit.toml names is there, no placeholder from
//! `screenkit new` is left, every subtitle rule against its own clip,
//! whether the cues sit on the clip's speech (a trusted sync that would
//! move them means they do not), a deep probe of every clip, loudness
//! spread, the card policy, and USB safety
//! (`shared/research/packaging.md` §3: FAT32 holds no file of 4 GiB or
//! more; FAT32, exFAT and Windows reject some names; names that differ only
//! in case or Unicode normalisation clash).

use super::Kit;
use super::scaffold::is_placeholder;
use crate::cards::parse as parse_cards;
use crate::cards::policy::review;
use crate::check::rules::{Finding, Rule, Severity};
use crate::check::{CheckOptions, check_track};
use crate::media::probe::ClipInfo;
use crate::media::probe::{ProblemKind, probe_listening};
use crate::progress::Progress;
use crate::subtitle::{Track, read_path};
use crate::sync::speech::Speech;
use crate::sync::{SpeechTap, Verdict};
use crate::tomlpos::Step;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Findings for one file of the kit, as `check` reports files.
#[derive(Debug, Clone)]
pub struct KitFile {
    pub path: PathBuf,
    pub encoding: Option<String>,
    pub cues: usize,
    pub findings: Vec<Finding>,
    /// Hints for this file that say more than the rule's own (the ffmpeg
    /// command for this clip, say).
    pub hints: Vec<(Rule, String)>,
    /// For a clip: what the deep probe found (duration, codecs, loudness), so
    /// that `build` uses what the check measured instead of decoding again.
    pub clip: Option<ClipInfo>,
}

impl KitFile {
    fn new(path: PathBuf, findings: Vec<Finding>) -> KitFile {
        KitFile {
            path,
            encoding: None,
            cues: 0,
            findings,
            hints: Vec::new(),
            clip: None,
        }
    }

    /// What to do about `f`, for people.
    pub fn hint(&self, f: &Finding) -> &str {
        match self.hints.iter().find(|(r, _)| *r == f.rule && !f.fixable) {
            Some((_, h)) => h,
            None => f.hint(),
        }
    }
}

/// `not found: KIT/clips/x.mp4 (from kit.toml line N)`.
fn not_found(path: &Path, line: usize) -> Finding {
    finding(
        Rule::MissingFile,
        Severity::Error,
        1,
        format!("not found: {} (from kit.toml line {line})", path.display()),
    )
}

const FAT32_MAX: u64 = 4 * 1024 * 1024 * 1024 - 1;
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

fn finding(rule: Rule, severity: Severity, line: usize, message: String) -> Finding {
    Finding::file(rule, severity, line, message, false)
}

/// Why a file name is unsafe on FAT32/exFAT/Windows, if it is.
pub fn bad_name(name: &str) -> Option<String> {
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    if RESERVED.contains(&stem.as_str()) {
        return Some(format!("'{name}' is a reserved name on Windows"));
    }
    if let Some(c) = name.chars().find(|c| {
        matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') || (*c as u32) < 32
    }) {
        return Some(format!(
            "'{name}' contains '{}', which FAT32, exFAT and Windows reject",
            c.escape_default()
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(format!(
            "'{name}' ends with a dot or space, which Windows drops"
        ));
    }
    if name.encode_utf16().count() > 255 {
        return Some(format!("'{name}' is longer than 255 characters"));
    }
    None
}

/// What kit.toml's text alone shows: placeholders left by `screenkit
/// new`, bag-info.txt text that is not one line, and unsafe clip ids.
pub fn text_findings(kit: &Kit) -> Vec<Finding> {
    let mut out = placeholders(kit);
    out.extend(bag_info_text(kit));
    for (n, c) in kit.manifest.clips.iter().enumerate() {
        if !super::safe_id(&c.id) {
            out.push(finding(
                Rule::KitId,
                Severity::Error,
                kit.clip_line(n, "id"),
                format!(
                    "clip id {:?} is not a safe id (1 to 64 letters, digits, - or _); `build` refuses it even with --force",
                    c.id
                ),
            ));
        }
    }
    out
}

/// Run every kit check. `usb_bytes` is the stick size.
pub fn check_kit(
    kit: &Kit,
    opts: &CheckOptions,
    usb_bytes: u64,
    progress: &dyn Progress,
) -> Vec<KitFile> {
    let m = &kit.manifest;
    let manifest = kit.dir.join("kit.toml");
    let mut files = Vec::new();
    let mut kit_findings = Vec::new();
    let mut loudness = Vec::new();
    let mut total = 0u64;
    // What each media file's one decode found: the probe and the speech.
    let mut heard: HashMap<PathBuf, (Result<ClipInfo, String>, Option<Speech>)> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    kit_findings.extend(text_findings(kit));
    for (n, c) in m.clips.iter().enumerate() {
        let media = kit.path(&c.media);
        let subs = kit.path(&c.subtitles);
        let ext = c.media_ext();
        for name in [format!("{}.{ext}", c.id), format!("{}.en.srt", c.id)] {
            if let Some(why) = bad_name(&name) {
                kit_findings.push(finding(
                    Rule::UsbName,
                    Severity::Error,
                    1,
                    format!("clip '{}': {why}", c.id),
                ));
            }
            let key: String = name.nfc().collect::<String>().to_lowercase();
            if let Some(other) = names.insert(key, name.clone()) {
                kit_findings.push(finding(
                    Rule::UsbNameClash,
                    Severity::Error,
                    1,
                    format!(
                        "'{name}' and '{other}' are the same name on a stick that ignores case"
                    ),
                ));
            }
        }
        let size = std::fs::metadata(&media).map(|md| md.len()).unwrap_or(0);
        total += size + std::fs::metadata(&subs).map(|md| md.len() * 3).unwrap_or(0);
        if size > FAT32_MAX {
            kit_findings.push(finding(
                Rule::UsbFileSize,
                Severity::Warning,
                1,
                format!(
                    "{} is {:.1} GiB: too big for a FAT32 stick",
                    media.display(),
                    size as f64 / (1u64 << 30) as f64
                ),
            ));
        }
        let mut clip_findings = Vec::new();
        let mut decodable = false;
        let probed = if media.exists() {
            // Excerpts of one film file share its one decode.
            let heard = heard.entry(media.clone()).or_insert_with(|| {
                let mut tap = SpeechTap::new();
                let info =
                    probe_listening(&media, progress, &mut |rate, block| tap.push(rate, block));
                let speech = tap.finish();
                (info.map_err(|e| e.to_string()), speech)
            });
            Some(heard.0.clone())
        } else {
            clip_findings.push(not_found(&media, kit.clip_line(n, "media")));
            None
        };
        let mut clip_info = None;
        let clip_ms = match probed {
            None => None,
            Some(Ok(info)) => {
                if let Some(w) = super::browsers::warning(&media, &info) {
                    clip_findings.push(finding(Rule::ClipProblem, Severity::Warning, 1, w));
                }
                decodable = !info.audio.is_empty()
                    && !info
                        .problems
                        .iter()
                        .any(|p| p.kind == ProblemKind::UndecodableAudio);
                for p in &info.problems {
                    let at = p.at_ms.map(|ms| format!(" at {ms} ms")).unwrap_or_default();
                    clip_findings.push(finding(
                        Rule::ClipProblem,
                        Severity::Error,
                        1,
                        format!("{}{at}: {}", p.kind, p.message),
                    ));
                }
                if let Some(l) = info.audio.first().and_then(|a| a.loudness_lufs) {
                    loudness.push((c.id.clone(), l));
                }
                let ms = info.duration_ms;
                clip_info = Some(info);
                ms
            }
            Some(Err(e)) => {
                clip_findings.push(finding(Rule::ClipProblem, Severity::Error, 1, e));
                None
            }
        };
        let mut clip_file = KitFile::new(media.clone(), clip_findings);
        clip_file.clip = clip_info;
        clip_file.hints.push((
            Rule::ClipProblem,
            format!(
                "re-encode as H.264 + AAC-LC stereo in MP4, which plays everywhere, and point kit.toml at the result: {}",
                crate::media::reencode_command(&media)
            ),
        ));
        files.push(clip_file);
        if !subs.exists() {
            let missing = not_found(&subs, kit.clip_line(n, "subtitles"));
            files.push(KitFile::new(subs, vec![missing]));
            continue;
        }
        // An excerpt shows only the cues inside its window, and ends at `end`.
        let window = match super::programme::excerpt(c) {
            Ok(w) => w,
            Err(why) => {
                kit_findings.push(finding(
                    Rule::ClipProblem,
                    Severity::Error,
                    kit.clip_line(n, "start"),
                    why,
                ));
                (None, None)
            }
        };
        let clip_ms = window.1.or(clip_ms);
        match read_path(&subs, None) {
            Ok(mut track) => {
                if window != (None, None) {
                    let (from, to) = (window.0.unwrap_or(0), window.1.unwrap_or(i64::MAX));
                    track
                        .cues
                        .retain(|c| c.end.ms() > from && c.start.ms() < to);
                }
                let mut findings = check_track(
                    &track,
                    &CheckOptions {
                        clip_ms,
                        ..opts.clone()
                    },
                );
                let speech = heard.get(&media).and_then(|h| h.1.as_ref());
                if let (true, Some(speech)) = (decodable, speech) {
                    findings.extend(sync_finding(&media, speech, &track));
                }
                // Too short to judge: running sync would refuse too, so the
                // rule's own hint ("run screenkit sync") would mislead.
                let unjudged = findings
                    .iter()
                    .any(|f| f.rule == Rule::OutOfSync && f.severity == Severity::Info);
                let hints = if unjudged {
                    vec![(Rule::OutOfSync, UNJUDGED_HINT.to_string())]
                } else {
                    Vec::new()
                };
                files.push(KitFile {
                    path: subs,
                    encoding: Some(track.source.encoding.to_string()),
                    cues: track.cues.len(),
                    findings,
                    hints,
                    clip: None,
                });
            }
            Err(e) => files.push(KitFile::new(
                subs,
                vec![finding(
                    Rule::NoCues,
                    Severity::Error,
                    1,
                    format!("cannot read: {e}"),
                )],
            )),
        }
    }
    if let (Some(lo), Some(hi)) = (
        loudness.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
        loudness.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
    ) && hi.1 - lo.1 > 3.0
    {
        let m = format!(
            "clip '{}' is {:.1} LUFS and clip '{}' is {:.1} LUFS: {:.1} LU apart (keep within 3)",
            lo.0,
            lo.1,
            hi.0,
            hi.1,
            hi.1 - lo.1
        );
        kit_findings.push(finding(Rule::LoudnessSpread, Severity::Warning, 1, m));
    }
    if total > usb_bytes {
        kit_findings.push(finding(
            Rule::UsbTotalSize,
            Severity::Error,
            1,
            format!(
                "the kit needs about {:.2} GB but the stick holds {:.2} GB",
                total as f64 / 1e9,
                usb_bytes as f64 / 1e9
            ),
        ));
    }
    let (cards, listed) = cards_file(kit);
    files.push(cards);
    kit_findings.extend(listed);
    kit_findings.sort_by_key(|f| f.line);
    files.push(KitFile {
        encoding: Some("UTF-8".into()),
        ..KitFile::new(manifest, kit_findings)
    });
    files
}

/// A warning for each text `screenkit new` left in kit.toml, naming the
/// field; an error for `rights`, which a kit must not ship without.
/// A character that would break a bag-info.txt tag line, or hide in one:
/// line breaks (CR, LF, NEL, U+2028/U+2029) and other control characters.
pub fn breaks_tag_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// kit.toml text that `build` writes into bag-info.txt must be one line:
/// a CR or U+2028 in an organizer name could add a forged tag line such as
/// `Payload-Oxum: 1.1` that BagIt tools then read.
fn bag_info_text(kit: &Kit) -> Vec<Finding> {
    let m = &kit.manifest;
    let fields: [(&str, Vec<Step>, &str); 6] = [
        ("title", vec![Step::Key("title")], &m.title),
        ("rights", vec![Step::Key("rights")], &m.rights),
        (
            "film.title",
            vec![Step::Key("film"), Step::Key("title")],
            &m.film.title,
        ),
        (
            "film.director",
            vec![Step::Key("film"), Step::Key("director")],
            &m.film.director,
        ),
        (
            "organizer.name",
            vec![Step::Key("organizer"), Step::Key("name")],
            &m.organizer.name,
        ),
        (
            "organizer.contact",
            vec![Step::Key("organizer"), Step::Key("contact")],
            &m.organizer.contact,
        ),
    ];
    fields
        .into_iter()
        .filter_map(|(name, at, value)| {
            let c = value.chars().find(|c| breaks_tag_line(*c))?;
            Some(finding(
                Rule::BagInfoText,
                Severity::Error,
                kit.line(&at),
                format!(
                    "{name} contains U+{:04X}; it goes into bag-info.txt, where every tag is one line",
                    c as u32
                ),
            ))
        })
        .collect()
}

fn placeholders(kit: &Kit) -> Vec<Finding> {
    let m = &kit.manifest;
    let mut fields: Vec<(String, Vec<Step>, &str)> = vec![
        ("title".into(), vec![Step::Key("title")], &m.title),
        ("rights".into(), vec![Step::Key("rights")], &m.rights),
        (
            "film.title".into(),
            vec![Step::Key("film"), Step::Key("title")],
            &m.film.title,
        ),
        (
            "film.director".into(),
            vec![Step::Key("film"), Step::Key("director")],
            &m.film.director,
        ),
        (
            "organizer.name".into(),
            vec![Step::Key("organizer"), Step::Key("name")],
            &m.organizer.name,
        ),
        (
            "organizer.contact".into(),
            vec![Step::Key("organizer"), Step::Key("contact")],
            &m.organizer.contact,
        ),
    ];
    if let Some(venue) = m.event.as_ref().and_then(|e| e.venue.as_deref()) {
        fields.push((
            "event.venue".into(),
            vec![Step::Key("event"), Step::Key("venue")],
            venue,
        ));
    }
    for (n, c) in m.clips.iter().enumerate() {
        let at = vec![Step::Key("clip"), Step::Index(n), Step::Key("title")];
        fields.push((format!("the title of clip '{}'", c.id), at, &c.title));
    }
    fields
        .into_iter()
        .filter(|(_, _, value)| is_placeholder(value))
        .map(|(name, at, value)| {
            let rights = name == "rights";
            finding(
                Rule::Placeholder,
                if rights {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                kit.line(&at),
                format!(
                    "{name} is still the placeholder \"{}\"{}",
                    value.trim(),
                    if rights {
                        "; say who licensed the screening before building"
                    } else {
                        ""
                    }
                ),
            )
        })
        .collect()
}

const UNJUDGED_HINT: &str = "not a fault in itself: play the clip with its subtitles once before the evening, or use one of the ways above";

/// An `out-of-sync` warning when a trusted sync would move the cues: by
/// more than the slack, by a frame-rate ratio, or in parts; an `info` when
/// the track is too short for this clip to judge.
fn sync_finding(media: &Path, speech: &Speech, track: &Track) -> Option<Finding> {
    let line = track.cues.first().map_or(1, |c| c.time_line);
    let out = match crate::sync::judge(track, speech) {
        Verdict::OutOfSync(out) => out,
        Verdict::TooShort { cues } => {
            let clip = media.file_name().map_or_else(
                || media.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            return Some(finding(
                Rule::OutOfSync,
                Severity::Info,
                line,
                format!(
                    "not checked against the speech of clip '{clip}': too few cues to judge sync in this clip ({}); to check it, {}",
                    crate::output::plural(cues, "cue"),
                    crate::sync::SHORT_TRACK_HELP
                ),
            ));
        }
        Verdict::InSync(_) | Verdict::Unsure(_) | Verdict::Nothing => return None,
    };
    let fit = &out.fit;
    let worst = fit
        .parts
        .iter()
        .map(|p| p.offset_ms)
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))?;
    let what = match (fit.fps, fit.parts.len()) {
        (Some((a, b)), _) => format!("timed for {a} fps video but the clip plays at {b}"),
        (None, n) if fit.ratio != 1.0 => {
            format!("timed {:.4}× too fast or slow", fit.ratio)
                + &if n > 1 {
                    format!(", in {n} parts")
                } else {
                    String::new()
                }
        }
        (None, 1) if worst < 0.0 => format!("{:.3} s late for the clip's speech", -worst / 1000.0),
        (None, 1) => format!("{:.3} s early for the clip's speech", worst / 1000.0),
        (None, n) => format!("in {n} parts with different offsets (a re-edit?)"),
    };
    Some(finding(
        Rule::OutOfSync,
        Severity::Warning,
        line,
        format!(
            "the cues are {what} (sync confidence {:.2}; {} of {} cues over speech now, {} after sync)",
            out.confidence, out.over_before, out.cues, out.over_after
        ),
    ))
}

/// The cards file's findings (the card policy, placeholders), and the
/// kit.toml findings about cards a clip lists that the deck lacks.
fn cards_file(kit: &Kit) -> (KitFile, Vec<Finding>) {
    let path = kit.path(&kit.manifest.cards);
    let error = |line, message| finding(Rule::CardsInvalid, Severity::Error, line, message);
    let mut listed = Vec::new();
    let findings = match std::fs::read_to_string(&path) {
        Err(_) if !path.exists() => vec![not_found(&path, kit.line(&[Step::Key("cards")]))],
        Err(e) => vec![error(1, format!("cannot read: {e}"))],
        Ok(text) => match parse_cards(&text) {
            Err(i) => vec![error(i.line, i.message)],
            Ok(cards) => {
                let r = review(&cards, &kit.clip_cards());
                let warn = |i: crate::cards::Issue| {
                    finding(Rule::CardsInvalid, Severity::Warning, i.line, i.message)
                };
                let placeholders = cards.iter().filter(|c| is_placeholder(&c.title)).map(|c| {
                    finding(
                        Rule::Placeholder,
                        Severity::Warning,
                        c.line,
                        format!(
                            "the title of card '{}' is still the placeholder \"{}\"",
                            c.id,
                            c.title.trim()
                        ),
                    )
                });
                listed = kit
                    .unknown_listed_cards(&cards)
                    .into_iter()
                    .map(|(line, m)| error(line, m))
                    .collect();
                let mut f: Vec<Finding> = r
                    .errors
                    .into_iter()
                    .map(|i| error(i.line, i.message))
                    .chain(r.warnings.into_iter().map(warn))
                    .chain(placeholders)
                    .collect();
                f.sort_by_key(|f| f.line);
                f
            }
        },
    };
    let hint = format!(
        "edit {}; `screenkit cards {}` applies the same card policy",
        path.display(),
        kit.dir.display()
    );
    let file = KitFile {
        encoding: Some("UTF-8".into()),
        hints: vec![(Rule::CardsInvalid, hint)],
        ..KitFile::new(path, findings)
    };
    (file, listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for bad in [
            "CON.mp4",
            "nul.en.srt",
            "a:b.mp4",
            "what?.mp4",
            "clip..",
            "x.mp4 ",
        ] {
            assert!(bad_name(bad).is_some(), "{bad}");
        }
        for ok in [
            "trailer.mp4",
            "last-train-home.en.srt",
            "concert.mp4",
            "歸途列車.mp4",
        ] {
            assert!(bad_name(ok).is_none(), "{ok}");
        }
    }
}
