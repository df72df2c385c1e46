//! The run sheet: `README.txt` (plain text, 80 columns, no word cut) and a
//! printable `runsheet.html`, both rendered from one model built from the
//! programme, so the times, files and levels they show cannot disagree.

use super::Manifest;
use super::programme::{CONTROLS, Facts, Programme, Step, levels, media_path, subtitles_path};
use crate::cards::Card;
use crate::cards::render::fill;
use serde::Serialize;

const WIDTH: usize = 80;
const PAGE: &str = include_str!("runsheet/runsheet.html");
const JS: &str = include_str!("runsheet/runsheet.js");

/// One line of the programme. `start` + `length` is the next row's `start`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub start: String,
    pub length: String,
    pub what: String,
    pub details: Vec<String>,
}

/// A titled part of the sheet: paragraphs, then a checklist or a table.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// Checkbox items.
    pub checklist: Vec<String>,
    /// Two-column pairs (key, what it does).
    pub pairs: Vec<[String; 2]>,
    /// Commands, shown as they are typed.
    pub commands: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunSheet {
    pub title: String,
    pub lines: Vec<String>,
    pub sections: Vec<Section>,
}

/// `h:mm:ss`, after a clock time in minutes since midnight when given.
fn clock(secs: i64, base_min: Option<i64>) -> String {
    let t = secs + base_min.map_or(0, |m| m * 60);
    let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
    match base_min {
        Some(_) => format!("{:02}:{m:02}:{s:02}", h % 24),
        None => format!("+{h}:{m:02}:{s:02}"),
    }
}

fn mmss(secs: i64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// `19:00` or `7:30` as minutes since midnight.
pub fn parse_start(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Everything the sheet is made from.
pub struct Input<'a> {
    pub manifest: &'a Manifest,
    pub cards: &'a [Card],
    pub programme: &'a Programme,
    pub facts: &'a [Facts],
    /// The errors a `--force` build let through.
    pub forced: &'a [String],
    pub playlist: &'a str,
}

fn programme_rows(i: &Input, base: Option<i64>) -> (Vec<Row>, i64) {
    let m = i.manifest;
    let (lv, _) = levels(&i.facts.iter().map(|f| f.lufs).collect::<Vec<_>>());
    let mut rows = Vec::new();
    let mut at = 0i64;
    let mut push = |rows: &mut Vec<Row>, secs: i64, what: String, details: Vec<String>| {
        rows.push(Row {
            start: clock(at, base),
            length: mmss(secs),
            what,
            details,
        });
        at += secs;
    };
    for s in &i.programme.steps {
        match *s {
            Step::Welcome => push(
                &mut rows,
                0,
                "Welcome screen (on while people arrive)".into(),
                vec![],
            ),
            Step::Card { card, clip, .. } => {
                let c = &i.cards[card];
                match clip {
                    // A clip's cards share its discussion minutes, timed on its row.
                    Some(_) => {
                        if let Some(last) = rows.last_mut() {
                            last.details
                                .push(format!("{}: {}", c.kind.label(), c.title));
                        }
                    }
                    None => push(
                        &mut rows,
                        i64::from(c.minutes.unwrap_or(0)) * 60,
                        format!("{}: {}", c.kind.label(), c.title),
                        vec![],
                    ),
                }
            }
            Step::Intro { .. } => {}
            Step::Clip { clip } => {
                let c = &m.clips[clip];
                let f = &i.facts[clip];
                let volume = match lv[clip].gain_db {
                    Some(g) if g.abs() < 0.05 => "volume: as recorded (the quietest clip)".into(),
                    Some(g) => format!(
                        "volume: {g:.1} dB (the player sets it to {:.0}%)",
                        lv[clip].volume * 100.0
                    ),
                    None => "volume: NOT levelled (loudness could not be measured); set it by ear"
                        .into(),
                };
                push(
                    &mut rows,
                    (f.duration_ms.unwrap_or(0) + 500) / 1000,
                    format!("Clip {} of {}: {}", clip + 1, m.clips.len(), c.title),
                    vec![
                        format!("file: {}", media_path(m, clip))
                            + &match (f.start_ms, f.end_ms) {
                                (None, None) => String::new(),
                                (s, e) => format!(
                                    " from {} to {}",
                                    mmss(s.unwrap_or(0) / 1000),
                                    e.map_or_else(|| "its end".into(), |e| mmss(e / 1000))
                                ),
                            },
                        format!("subtitles: {}", subtitles_path(c, "en", "srt")),
                        if f.duration_ms.is_none() {
                            "length unknown (the clip could not be read)".into()
                        } else {
                            volume
                        },
                    ],
                );
                push(
                    &mut rows,
                    i64::from(c.minutes) * 60,
                    format!("Discussion after \u{201c}{}\u{201d}", c.title),
                    vec![],
                );
            }
            Step::End => push(&mut rows, 0, "End screen".into(), vec![]),
        }
    }
    (rows, at)
}

/// Build the run sheet.
pub fn build(i: &Input) -> RunSheet {
    let m = i.manifest;
    let start = m.event.as_ref().and_then(|e| e.start.as_deref());
    let base = start.and_then(parse_start);
    let (rows, total) = programme_rows(i, base);
    let mut lines = vec![format!(
        "Film: {} ({}, {}), in {}, with English subtitles",
        m.film.title,
        m.film.director,
        m.film.year,
        m.film.languages.join(" and ")
    )];
    lines.push(format!(
        "Organizer: {} ({})",
        m.organizer.name, m.organizer.contact
    ));
    if let Some(e) = &m.event {
        let parts: Vec<&str> = [e.venue.as_deref(), e.date.as_deref(), start]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            lines.push(format!("Event: {}", parts.join(", ")));
        }
    }
    let when = match (start, base) {
        (Some(s), Some(_)) => format!("Planned start times count from the event start, {s} (event.start in kit.toml)."),
        (Some(s), None) => format!("event.start in kit.toml is \u{201c}{s}\u{201d}, not a time like 19:00, so times count from +0:00:00, when you press the first key."),
        (None, _) => "Times count from +0:00:00, when you press the first key (give event.start = \"19:00\" in kit.toml for clock times).".into(),
    };
    let mut sections = vec![Section {
        heading: "Run sheet: the programme".into(),
        paragraphs: vec![
            when,
            format!(
                "Total: {} of clips, cards and discussion.",
                clock(total, None).trim_start_matches('+')
            ),
        ],
        rows,
        ..Default::default()
    }];
    sections.push(loudness(i));
    sections.push(Section {
        heading: "Keys in the player (index.html)".into(),
        pairs: CONTROLS
            .iter()
            .map(|(k, v)| [k.to_string(), v.to_string()])
            .collect(),
        ..Default::default()
    });
    sections.push(Section {
        heading: "Projectionist checklist".into(),
        checklist: vec![
            "Copy the whole folder to the laptop, or play it from the stick; never one file at a time.".into(),
            "Open index.html in Chrome, Edge or Firefox. No internet is needed.".into(),
            "Sound check: play the first seconds of clip 1 and set the room's volume there; the player levels the others to it.".into(),
            "Subtitle delay check: play a clip where someone speaks; if the subtitles come early or late (projectors and Bluetooth speakers add delay), press G or H until they match, 100 ms a press. The player keeps the setting for the evening.".into(),
            "Full screen: press F and check the subtitles still show at the bottom.".into(),
            "Black screen: press B, and B again to come back.".into(),
            format!("VLC fallback: if a clip will not play, the player says so and names the file. Open {} (or playlist.m3u) in VLC: every clip in order, with its subtitles. Or open the clip's file from the programme above in VLC and add its subtitles file.", i.playlist),
            "Print data/cards/cards.html (one card per A6 page) for the facilitator.".into(),
        ],
        ..Default::default()
    });
    sections.push(Section {
        heading: "What the build let through".into(),
        paragraphs: if i.forced.is_empty() {
            vec!["Nothing: the kit passed `screenkit check` without errors.".into()]
        } else {
            let mut p = vec![format!(
                "This kit was built with --force despite {} error(s) from `screenkit check`. Check these before the audience arrives:",
                i.forced.len()
            )];
            p.extend(i.forced.iter().map(|e| format!("- {e}")));
            p
        },
        ..Default::default()
    });
    let example = m
        .clips
        .first()
        .map_or_else(|| "data/cards/cards.html".into(), |_| media_path(m, 0));
    sections.push(Section {
        heading: "Check that this stick is intact".into(),
        paragraphs: vec![
            "manifest-sha256.txt lists every file under data/ with its SHA-256. Open a terminal in this folder and compare a file's hash with its line there:".into(),
        ],
        commands: vec![
            format!("Windows:  certutil -hashfile {} SHA256", example.replace('/', "\\")),
            format!("macOS:    shasum -a 256 {example}"),
            "Linux:    sha256sum -c manifest-sha256.txt".into(),
            "screenkit verify /path/to/this/folder".into(),
        ],
        ..Default::default()
    });
    sections.push(Section {
        heading: "Rights".into(),
        paragraphs: vec![m.rights.clone()],
        ..Default::default()
    });
    RunSheet {
        title: m.title.clone(),
        lines,
        sections,
    }
}

fn loudness(i: &Input) -> Section {
    let m = i.manifest;
    let (lv, target) = levels(&i.facts.iter().map(|f| f.lufs).collect::<Vec<_>>());
    let unmeasured: Vec<String> = m
        .clips
        .iter()
        .zip(&lv)
        .enumerate()
        .filter(|(_, (_, l))| l.gain_db.is_none())
        .map(|(n, (c, _))| {
            format!(
                "clip {} \u{201c}{}\u{201d} ({})",
                n + 1,
                c.title,
                media_path(m, n)
            )
        })
        .collect();
    let levelled = lv.len() - unmeasured.len();
    let mut p = vec![match target {
        Some(t) => format!(
            "The player plays {levelled} of {} clips at the loudness of the quietest, {t:.1} LUFS (EBU R128), by turning the louder ones down; each clip's adjustment is in the programme above.",
            lv.len()
        ),
        None => "No clip's loudness could be measured, so none is levelled: set the volume by ear for each clip.".into(),
    }];
    if !unmeasured.is_empty() && target.is_some() {
        p.push(format!(
            "Not levelled (loudness could not be measured): {}. Set the volume by ear for {}.",
            unmeasured.join("; "),
            if unmeasured.len() == 1 { "it" } else { "them" }
        ));
    }
    Section {
        heading: "Loudness".into(),
        paragraphs: p,
        ..Default::default()
    }
}

fn wrap(s: &str, first: &str, rest: &str) -> String {
    let opts = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false);
    let mut out = textwrap::wrap(s, opts).join("\n");
    out.push('\n');
    out
}

/// `README.txt`.
pub fn text(sheet: &RunSheet) -> String {
    let mut s = format!(
        "{}\n{}\n\n",
        sheet.title,
        "=".repeat(textwrap::core::display_width(&sheet.title).min(WIDTH))
    );
    for l in &sheet.lines {
        s.push_str(&wrap(l, "", "  "));
    }
    for sec in &sheet.sections {
        s.push_str(&format!("\n{}\n\n", sec.heading.to_uppercase()));
        for (n, p) in sec.paragraphs.iter().enumerate() {
            if n > 0 && !p.starts_with("- ") {
                s.push('\n');
            }
            s.push_str(&wrap(p, "", if p.starts_with("- ") { "  " } else { "" }));
        }
        if !sec.rows.is_empty() {
            s.push_str(&format!("\n{:<9}  {:>6}  what\n", "start", "length"));
        }
        let indent = " ".repeat(19);
        for r in &sec.rows {
            s.push_str(&wrap(
                &r.what,
                &format!("{:<9}  {:>6}  ", r.start, r.length),
                &indent,
            ));
            for d in &r.details {
                s.push_str(&wrap(d, &format!("{indent}  "), &format!("{indent}    ")));
            }
        }
        for c in &sec.checklist {
            s.push_str(&wrap(c, "[ ] ", "    "));
        }
        for [k, v] in &sec.pairs {
            s.push_str(&wrap(v, &format!("  {k:<29} "), &" ".repeat(32)));
        }
        for c in &sec.commands {
            s.push_str(&wrap(c, "  ", "      "));
        }
    }
    s
}

/// `runsheet.html`: the same sheet, for printing.
pub fn html(sheet: &RunSheet) -> String {
    let html = fill(
        PAGE,
        &[
            ("title", &crate::cards::render::escape(&sheet.title)),
            ("sheet", &super::player::script_json(sheet)),
            ("script", JS),
        ],
    );
    crate::csp::seal(&html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::parse;

    fn manifest() -> Manifest {
        toml::from_str(
            "title = \"An evening with a rather long title that goes on and on and on past eighty\"\ncards = \"c.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"x\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n[event]\nstart = \"23:50\"\n[[clip]]\nid = \"loud\"\ntitle = \"Loud\"\nmedia = \"a.mp4\"\nsubtitles = \"a.srt\"\nminutes = 5\n[[clip]]\nid = \"quiet\"\ntitle = \"Quiet\"\nmedia = \"b.mp4\"\nsubtitles = \"b.srt\"\nminutes = 5\n[[clip]]\nid = \"mute\"\ntitle = \"Unmeasurable\"\nmedia = \"c.mkv\"\nsubtitles = \"c.srt\"\nminutes = 5\n",
        )
        .unwrap()
    }

    #[test]
    fn an_unmeasured_clip_is_named_and_not_counted_as_levelled() {
        let m = manifest();
        let cards = parse("").unwrap();
        let programme = Programme::new(&m, &cards);
        let facts = [
            Facts {
                duration_ms: Some(61_400),
                lufs: Some(-20.0),
                ..Default::default()
            },
            Facts {
                duration_ms: Some(30_000),
                lufs: Some(-26.0),
                ..Default::default()
            },
            Facts::default(),
        ];
        let sheet = build(&Input {
            manifest: &m,
            cards: &cards,
            programme: &programme,
            facts: &facts,
            forced: &[],
            playlist: "playlist.xspf",
        });
        let t = text(&sheet);
        let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("plays 2 of 3 clips at the loudness of the quietest, -26.0 LUFS"),
            "{t}"
        );
        assert!(flat.contains("Not levelled (loudness could not be measured): clip 3 \u{201c}Unmeasurable\u{201d} (data/clips/mute.mkv)"), "{t}");
        assert!(
            flat.contains("volume: -6.0 dB (the player sets it to 50%)"),
            "{t}"
        );
        // Clock times roll over midnight; 61.4 s rounds to 1:01.
        assert!(t.contains("23:50:00"), "{t}");
        assert!(t.contains("  1:01  Clip 1 of 3: Loud"), "{t}");
        assert!(t.contains("00:01:31"), "{t}");
        assert!(t.lines().all(|l| l.chars().count() <= WIDTH), "{t}");
    }

    #[test]
    fn start_times_parse_only_as_clock_times() {
        assert_eq!(parse_start("19:30"), Some(19 * 60 + 30));
        assert_eq!(parse_start(" 7:05 "), Some(7 * 60 + 5));
        for bad in ["24:00", "7pm", "19:60", ""] {
            assert_eq!(parse_start(bad), None, "{bad}");
        }
    }
}
