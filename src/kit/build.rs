//! What goes in a kit's bag: the clips, each subtitle track as `.srt`,
//! `.vtt` and `.vtt.js` (the player needs the last: a `<track src>` is
//! blocked from `file://`, so cues arrive as a script the player draws from),
//! the rendered cards (in programme order), and tag files at the top:
//! `index.html` (the player), `README.txt` and `runsheet.html` (the run
//! sheet), and `playlist.xspf`/`playlist.m3u` (the VLC fallback).

use super::bag::{BuildError, Content, Entry};
use super::programme::{Facts, Programme, excerpt, levels, media_path, mime, subtitles_path};
use super::{Kit, player, playlist, runsheet};
use crate::cards::render::{Layout, markdown, print_html, projection_html};
use crate::cards::{Card, Kind, parse as parse_cards};
use crate::media::probe::ClipInfo;
use crate::subtitle::read_path;
use crate::subtitle::vtt::to_vtt;
use std::collections::HashMap;
use std::path::PathBuf;

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

/// Plan the bag for `kit` (run `check_kit` first: this only packs).
/// `forced` are the check errors a `--force` build lets through; the run
/// sheet lists them.
/// `probed` is what `check_kit` found for each clip's media file (a clip it
/// could not read is absent), so each clip is decoded once per build.
pub fn plan(
    kit: &Kit,
    forced: &[String],
    probed: &HashMap<PathBuf, ClipInfo>,
) -> Result<Plan, BuildError> {
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
    if let Some((n, c)) = m
        .clips
        .iter()
        .enumerate()
        .find(|(_, c)| !super::safe_id(&c.id))
    {
        return Err(BuildError::Content(format!(
            "{}:{}: clip id {:?} is not a safe id (letters, digits, - and _); nothing built, and --force cannot override this",
            kit.dir.join("kit.toml").display(),
            kit.clip_line(n, "id"),
            c.id
        )));
    }
    let mut facts = Vec::new();
    for (n, c) in m.clips.iter().enumerate() {
        let media = kit.path(&c.media);
        let subs = kit.path(&c.subtitles);
        let (start_ms, end_ms) = excerpt(c).map_err(BuildError::Content)?;
        // An unreadable clip was already reported by the kit check; with
        // --force the run sheet names it as unmeasured and of unknown length.
        let mut f = probed.get(&media).map_or_else(Facts::default, |i| Facts {
            duration_ms: i.duration_ms,
            lufs: i.audio.first().and_then(|a| a.loudness_lufs),
            video_codec: i.video.first().map(|v| v.codec.clone()),
            audio_codec: i.audio.first().map(|a| a.codec.clone()),
            ..Facts::default()
        });
        if start_ms.is_some() || end_ms.is_some() {
            let start = start_ms.unwrap_or(0);
            f.duration_ms = end_ms.or(f.duration_ms).map(|e| e - start);
            (f.start_ms, f.end_ms) = (start_ms, end_ms);
        }
        facts.push(f);
        let mut track = read_path(&subs, None)
            .map_err(|e| BuildError::Content(format!("{}: {e}", subs.display())))?;
        let vtt = to_vtt(&track)
            .map_err(|e| BuildError::Content(format!("{}: {e}", subs.display())))?
            .text;
        // An excerpt's player script holds only the cues it shows.
        let (lo, hi) = (start_ms.unwrap_or(0), end_ms.unwrap_or(i64::MAX));
        track.cues.retain(|q| q.end.ms() > lo && q.start.ms() < hi);
        let js = player::subtitles_js(&format!("{}.en", c.id), &track);
        let path = media_path(m, n);
        if !payload.iter().any(|e: &Entry| e.path == path) {
            payload.push(Entry {
                path,
                content: Content::File(media),
            });
        }
        payload.push(Entry {
            path: subtitles_path(c, "en", "srt"),
            content: Content::File(subs),
        });
        payload.push(Entry {
            path: subtitles_path(c, "en", "vtt"),
            content: Content::Bytes(vtt.into_bytes()),
        });
        payload.push(Entry {
            path: subtitles_path(c, "en", "vtt.js"),
            content: Content::Bytes(js.into_bytes()),
        });
    }
    let programme = Programme::new(m, &cards);
    let ordered = programme.print_order(&cards);
    let deck = kit.deck(&ordered);
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
    let sheet = runsheet::build(&runsheet::Input {
        manifest: m,
        cards: &cards,
        programme: &programme,
        facts: &facts,
        forced,
        playlist: playlist::XSPF,
    });
    let page = player_page(kit, &cards, &programme, &facts);
    let tags = [
        ("index.html", player::html(&page)),
        ("README.txt", runsheet::text(&sheet)),
        ("runsheet.html", runsheet::html(&sheet)),
        (playlist::XSPF, playlist::xspf(m, &facts)),
        (playlist::M3U, playlist::m3u(m, &facts)),
    ]
    .into_iter()
    .map(|(path, body)| Entry {
        path: path.into(),
        content: Content::Bytes(body.into_bytes()),
    })
    .collect();
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

/// The player's data: every clip with its levelled volume and subtitle
/// tracks, every card the audience sees, and the programme.
fn player_page<'a>(
    kit: &'a Kit,
    cards: &[Card],
    programme: &'a Programme,
    facts: &[Facts],
) -> player::Page<'a> {
    let m = &kit.manifest;
    let (lv, _) = levels(&facts.iter().map(|f| f.lufs).collect::<Vec<_>>());
    let event = m.event.as_ref().and_then(|e| {
        let parts: Vec<&str> = [e.venue.as_deref(), e.date.as_deref(), e.start.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" \u{b7} "))
    });
    player::Page {
        title: &m.title,
        event,
        credit: format!(
            "{} ({}, {}), in {}, with English subtitles",
            m.film.title,
            m.film.director,
            m.film.year,
            m.film.languages.join(" and ")
        ),
        rights: &m.rights,
        clips: m
            .clips
            .iter()
            .zip(facts)
            .zip(&lv)
            .enumerate()
            .map(|(n, ((c, f), l))| player::Clip {
                id: c.id.clone(),
                title: c.title.clone(),
                media: media_path(m, n),
                start_ms: f.start_ms,
                end_ms: f.end_ms,
                mime: mime(c, f),
                video: f.video_codec.is_some(),
                duration_ms: f.duration_ms,
                minutes: c.minutes,
                volume: l.volume,
                subtitles: vec![player::Subtitles {
                    lang: "en".into(),
                    label: "English".into(),
                    key: format!("{}.en", c.id),
                    script: subtitles_path(c, "en", "vtt.js"),
                    srt: subtitles_path(c, "en", "srt"),
                }],
            })
            .collect(),
        cards: cards
            .iter()
            .map(|k| {
                (k.kind != Kind::FacilitatorNote).then(|| player::Card {
                    kind: k.kind.label().into(),
                    title: k.title.clone(),
                    text: k.text.clone(),
                })
            })
            .collect(),
        steps: &programme.steps,
        playlist: playlist::XSPF,
    }
}
