//! What goes in a kit's bag: the clips, each subtitle track as `.srt`,
//! `.vtt` and `.vtt.js` (the player needs the last: a `<track src>` is
//! blocked from `file://`, so cues arrive as a script and become a Blob URL),
//! the rendered cards, and two tag files at the top: `index.html` (the
//! player) and `README.txt` (the run sheet).

use super::bag::{BuildError, Content, Entry};
use super::player::js_string;
use super::{Kit, player};
use crate::cards::render::{Layout, markdown, print_html, projection_html};
use crate::cards::{Kind, parse as parse_cards};
use crate::media::probe::probe;
use crate::progress::Quiet;
use crate::subtitle::read_path;
use crate::subtitle::vtt::to_vtt;

/// How many payload files of each kind, by their folder under `data/`
/// (`clips`, `subtitles`, `cards`), in the order the plan first packs each.
pub fn payload_parts(payload: &[Entry]) -> Vec<(String, usize)> {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for e in payload {
        let rest = e.path.strip_prefix("data/").unwrap_or(&e.path);
        let folder = rest.split_once('/').map_or("", |(f, _)| f);
        match parts.iter_mut().find(|(f, _)| f == folder) {
            Some((_, n)) => *n += 1,
            None => parts.push((folder.to_string(), 1)),
        }
    }
    parts
}

/// Everything `write_bag` needs.
pub struct Plan {
    pub payload: Vec<Entry>,
    pub tags: Vec<Entry>,
    pub info: Vec<(String, String)>,
}

fn mmss(ms: i64) -> String {
    format!("{}:{:02}", ms / 60_000, ms / 1000 % 60)
}

/// Plan the bag for `kit` (run `check_kit` first: this only packs).
pub fn plan(kit: &Kit) -> Result<Plan, BuildError> {
    let m = &kit.manifest;
    let mut payload = Vec::new();
    let cards_path = kit.path(&m.cards);
    let cards_text = std::fs::read_to_string(&cards_path)
        .map_err(|e| BuildError::Io(cards_path.display().to_string(), e))?;
    let cards = parse_cards(&cards_text).map_err(|i| {
        BuildError::Content(format!(
            "{}:{}: {}",
            cards_path.display(),
            i.line,
            i.message
        ))
    })?;
    let mut clips = Vec::new();
    let mut durations = Vec::new();
    for c in &m.clips {
        let media = kit.path(&c.media);
        let subs = kit.path(&c.subtitles);
        let ext = c.media_ext();
        // An unreadable clip was already reported by the kit check; with
        // --force the run sheet just shows its length as unknown.
        durations.push(
            probe(&media, false, &Quiet)
                .ok()
                .and_then(|i| i.duration_ms),
        );
        let track = read_path(&subs, None)
            .map_err(|e| BuildError::Content(format!("{}: {e}", subs.display())))?;
        let vtt = to_vtt(&track)
            .map_err(|e| BuildError::Content(format!("{}: {e}", subs.display())))?
            .text;
        let js = format!(
            "(window.SCREENKIT_VTT = window.SCREENKIT_VTT || {{}})[{}] = {};\n",
            js_string(&c.id),
            js_string(&vtt)
        );
        let media_path = format!("data/clips/{}.{ext}", c.id);
        payload.push(Entry {
            path: media_path.clone(),
            content: Content::File(media),
        });
        payload.push(Entry {
            path: format!("data/subtitles/{}.en.srt", c.id),
            content: Content::File(subs),
        });
        payload.push(Entry {
            path: format!("data/subtitles/{}.en.vtt", c.id),
            content: Content::Bytes(vtt.into_bytes()),
        });
        payload.push(Entry {
            path: format!("data/subtitles/{}.en.vtt.js", c.id),
            content: Content::Bytes(js.into_bytes()),
        });
        let after: Vec<player::Card> = cards
            .iter()
            .filter(|k| {
                (k.follows.contains(&c.id) || c.cards.contains(&k.id))
                    && k.kind != Kind::FacilitatorNote
            })
            .map(|k| player::Card {
                kind: k.kind.label().into(),
                title: k.title.clone(),
                text: k.text.clone(),
            })
            .collect();
        clips.push(player::Clip {
            id: c.id.clone(),
            title: c.title.clone(),
            media: media_path,
            subtitles: format!("data/subtitles/{}.en.vtt.js", c.id),
            cards: after,
        });
    }
    let deck = kit.deck(&cards);
    for (name, body) in [
        ("cards.html", print_html(&deck, Layout::A6, false)),
        ("cards-projection.html", projection_html(&deck)),
        ("cards.md", markdown(&deck)),
    ] {
        payload.push(Entry {
            path: format!("data/cards/{name}"),
            content: Content::Bytes(body.into_bytes()),
        });
    }
    let tags = vec![
        Entry {
            path: "index.html".into(),
            content: Content::Bytes(player::html(&m.title, &deck.film, &clips).into_bytes()),
        },
        Entry {
            path: "README.txt".into(),
            content: Content::Bytes(run_sheet(kit, &durations).into_bytes()),
        },
    ];
    let mut info = vec![
        ("Source-Organization".to_string(), m.organizer.name.clone()),
        ("Contact-Name".to_string(), m.organizer.name.clone()),
        ("Contact-Email".to_string(), m.organizer.contact.clone()),
        (
            "External-Description".to_string(),
            format!(
                "{}: screening kit for {} with {} clips, English subtitles and discussion cards",
                m.title,
                deck.film,
                m.clips.len()
            ),
        ),
        ("External-Identifier".to_string(), kit.name()),
        ("Rights".to_string(), m.rights.clone()),
    ];
    info.push((
        "Bag-Software-Agent".to_string(),
        format!("screenkit {}", env!("CARGO_PKG_VERSION")),
    ));
    Ok(Plan {
        payload,
        tags,
        info,
    })
}

/// README.txt: the run sheet, the projectionist's checklist, how to verify
/// the stick, and the rights statement.
fn run_sheet(kit: &Kit, durations: &[Option<i64>]) -> String {
    let m = &kit.manifest;
    let mut s = format!("{}\n{}\n\n", m.title, "=".repeat(m.title.chars().count()));
    s.push_str(&format!(
        "Film: {} ({}, {}), {} with English subtitles\n",
        m.film.title,
        m.film.director,
        m.film.year,
        m.film.languages.join(" and ")
    ));
    s.push_str(&format!(
        "Organizer: {} ({})\n",
        m.organizer.name, m.organizer.contact
    ));
    if let Some(e) = &m.event {
        s.push_str(&format!(
            "Event: {} {}\n",
            e.date.as_deref().unwrap_or(""),
            e.venue.as_deref().unwrap_or("")
        ));
    }
    s.push_str("\nRUN SHEET (start times from the first clip)\n\n  #  start  clip                                               length  talk\n");
    let mut at = 0i64;
    for (n, (c, d)) in m.clips.iter().zip(durations).enumerate() {
        s.push_str(&format!(
            "{:>3}  {:>5}  {:<50} {:>6}  {} min\n",
            n + 1,
            mmss(at),
            c.title.chars().take(50).collect::<String>(),
            d.map_or_else(|| "?".to_string(), mmss),
            c.minutes
        ));
        at += d.unwrap_or(0) + i64::from(c.minutes) * 60_000;
    }
    s.push_str(&format!("\n  Total: {} (clips and discussion)\n", mmss(at)));
    s.push_str("\nPROJECTIONIST CHECKLIST\n\n");
    for line in [
        "Copy the whole folder to the laptop or play it from the stick; do not unzip one file at a time.",
        "Open index.html in Chrome, Edge or Firefox. No internet is needed.",
        "Play the first seconds of every clip: picture, sound, and English subtitles.",
        "Set the volume with the loudest clip; all clips are levelled to within 3 LU.",
        "Press F for full screen; arrows move between clips; C shows the discussion cards.",
        "Print data/cards/cards.html (one card per A6 page) for the facilitator.",
    ] {
        s.push_str(&format!("[ ] {line}\n"));
    }
    s.push_str("\nCHECK THAT THIS STICK IS INTACT\n\n");
    s.push_str("  screenkit verify /path/to/this/folder      (or: bagit.py --validate /path/to/this/folder)\n");
    s.push_str("  Every file is listed with its SHA-256 in manifest-sha256.txt.\n");
    s.push_str(&format!("\nRIGHTS\n\n{}\n", m.rights));
    s
}
