//! The evening as one sequence, defined once from the kit: the player walks
//! it, the run sheet times it, and the printed cards follow its order.
//!
//! welcome → opening cards → per clip (intro, clip, its cards one per
//! screen) → closing cards → end. A card that follows no clip is an opening
//! card unless it is an action card or comes after the deck's last
//! clip-following card (the cards file is written "in the order of the
//! evening", so what is left after the clips closes it). Facilitator notes
//! are never projected; they only take a place in the printed order.

use super::{Clip, Manifest};
use crate::cards::{Card, Kind};
use serde::Serialize;

/// Where a card sits in the evening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Opening,
    /// After a clip, in its discussion.
    Discussion,
    Closing,
}

/// One screen of the evening. Indices are into the manifest's clips and
/// the cards file's cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Step {
    Welcome,
    Card {
        card: usize,
        part: Part,
        /// The clip whose discussion this card belongs to.
        clip: Option<usize>,
    },
    Intro {
        clip: usize,
    },
    Clip {
        clip: usize,
    },
    End,
}

/// The evening's screens in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    pub steps: Vec<Step>,
    /// Facilitator notes (card indices) in print order, with the clip whose
    /// cards they follow (`None`: printed before everything else).
    pub notes: Vec<(usize, Option<usize>)>,
}

/// The cards that follow clip `clip`: those whose `follows` names it and
/// those the clip lists in kit.toml, in the cards file's order.
fn follows(m: &Manifest, card: &Card, clip: usize) -> bool {
    let c = &m.clips[clip];
    card.follows.contains(&c.id) || c.cards.contains(&card.id)
}

fn follows_any(m: &Manifest, card: &Card) -> bool {
    (0..m.clips.len()).any(|i| follows(m, card, i))
}

impl Programme {
    /// The evening for this manifest and deck.
    pub fn new(m: &Manifest, cards: &[Card]) -> Programme {
        let last_clip_card = cards.iter().rposition(|c| follows_any(m, c));
        let part = |i: usize, c: &Card| {
            if c.kind == Kind::Action || last_clip_card.is_some_and(|l| i > l) {
                Part::Closing
            } else {
                Part::Opening
            }
        };
        let free: Vec<(usize, Part)> = cards
            .iter()
            .enumerate()
            .filter(|(_, c)| !follows_any(m, c) && c.kind != Kind::FacilitatorNote)
            .map(|(i, c)| (i, part(i, c)))
            .collect();
        let mut steps = vec![Step::Welcome];
        let free_cards = |p: Part| {
            free.iter()
                .filter(move |(_, q)| *q == p)
                .map(move |&(card, part)| Step::Card {
                    card,
                    part,
                    clip: None,
                })
        };
        steps.extend(free_cards(Part::Opening));
        let mut notes: Vec<(usize, Option<usize>)> = cards
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::FacilitatorNote && !follows_any(m, c))
            .map(|(i, _)| (i, None))
            .collect();
        for clip in 0..m.clips.len() {
            steps.push(Step::Intro { clip });
            steps.push(Step::Clip { clip });
            for (card, c) in cards.iter().enumerate() {
                if !follows(m, c, clip) {
                    continue;
                }
                if c.kind == Kind::FacilitatorNote {
                    notes.push((card, Some(clip)));
                } else {
                    steps.push(Step::Card {
                        card,
                        part: Part::Discussion,
                        clip: Some(clip),
                    });
                }
            }
        }
        steps.extend(free_cards(Part::Closing));
        steps.push(Step::End);
        Programme { steps, notes }
    }

    /// Card indices in the order the audience sees them (a card that follows
    /// two clips is shown after each).
    pub fn shown_cards(&self) -> impl Iterator<Item = usize> + '_ {
        self.steps.iter().filter_map(|s| match s {
            Step::Card { card, .. } => Some(*card),
            _ => None,
        })
    }

    /// Every card once, in the evening's order: facilitator notes that
    /// follow no clip first, each clip's notes after its cards.
    pub fn print_order(&self, cards: &[Card]) -> Vec<Card> {
        let mut order: Vec<usize> = self
            .notes
            .iter()
            .filter(|(_, c)| c.is_none())
            .map(|(i, _)| *i)
            .collect();
        let mut last_clip = None;
        let flush = |order: &mut Vec<usize>, clip: Option<usize>| {
            order.extend(
                self.notes
                    .iter()
                    .filter(|(_, c)| c.is_some() && *c == clip)
                    .map(|(i, _)| *i),
            );
        };
        for s in &self.steps {
            let clip = match s {
                Step::Card { clip, .. } => *clip,
                Step::Intro { clip } | Step::Clip { clip } => Some(*clip),
                _ => None,
            };
            if clip != last_clip && last_clip.is_some() {
                flush(&mut order, last_clip);
            }
            last_clip = clip;
            if let Step::Card { card, .. } = s {
                order.push(*card);
            }
        }
        flush(&mut order, last_clip);
        let mut seen = vec![false; cards.len()];
        order
            .into_iter()
            .filter(|&i| !std::mem::replace(&mut seen[i], true))
            .map(|i| cards[i].clone())
            .collect()
    }
}

/// What probing a clip learned, for the player and the run sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// How long it plays: the excerpt's length for an excerpt.
    pub duration_ms: Option<i64>,
    /// The excerpt's start and end in the media file.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// Integrated loudness of its first audio track (EBU R128).
    pub lufs: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
}

/// How one clip is levelled: media elements can only attenuate, so every
/// clip plays at the quietest measured clip's loudness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Gain in dB (0 or below); `None` when the clip was not measured.
    pub gain_db: Option<f64>,
    /// The media element's volume, 0..=1.
    pub volume: f64,
}

/// The level of each clip, and the loudness they are levelled to.
pub fn levels(lufs: &[Option<f64>]) -> (Vec<Level>, Option<f64>) {
    let target = lufs.iter().flatten().copied().reduce(f64::min);
    let levels = lufs
        .iter()
        .map(|l| match (l, target) {
            (Some(l), Some(t)) => {
                let gain = (t - l).min(0.0);
                Level {
                    gain_db: Some(gain),
                    volume: 10f64.powf(gain / 20.0),
                }
            }
            _ => Level {
                gain_db: None,
                volume: 1.0,
            },
        })
        .collect();
    (levels, target)
}

/// Where clip `i`'s media file goes in the bag. Excerpts of one file share
/// it, named after the first clip that uses it.
pub fn media_path(m: &Manifest, i: usize) -> String {
    let c = &m.clips[i];
    let first = m.clips.iter().find(|o| o.media == c.media).unwrap_or(c);
    format!("data/clips/{}.{}", first.id, first.media_ext())
}

/// `H:MM:SS`, `M:SS` or `SS`, each with an optional decimal fraction
/// (`1:50.5` is 110 500 ms), as ms.
fn clock_ms(s: &str) -> Option<i64> {
    let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut ms = 0i64;
    for (n, part) in whole.split(':').enumerate() {
        if n > 2 || part.is_empty() || part.len() > 2 && n > 0 {
            return None;
        }
        let v: i64 = part
            .parse()
            .ok()
            .filter(|_| part.bytes().all(|b| b.is_ascii_digit()))?;
        if n > 0 && v >= 60 {
            return None;
        }
        ms = ms.checked_mul(60)?.checked_add(v)?;
    }
    Some(ms * 1000 + format!("{frac:0<3}").parse::<i64>().ok()?)
}

/// A clip's excerpt (start, end) in ms, from kit.toml's `start`/`end`.
pub fn excerpt(c: &Clip) -> Result<(Option<i64>, Option<i64>), String> {
    let parse = |field: &str, v: &Option<String>| -> Result<Option<i64>, String> {
        v.as_deref()
            .map(|s| {
                clock_ms(s)
                    .ok_or_else(|| {
                        format!(
                            "kit.toml: clip '{}': {field} = \"{s}\" is not a time like 00:01:30 or 00:01:30.500",
                            c.id
                        )
                    })
            })
            .transpose()
    };
    let (start, end) = (parse("start", &c.start)?, parse("end", &c.end)?);
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        return Err(format!(
            "kit.toml: clip '{}': end ({e} ms) is not after start ({s} ms)",
            c.id
        ));
    }
    Ok((start, end))
}

/// Where a clip's subtitles go in the bag: `ext` is `srt`, `vtt` or `vtt.js`.
pub fn subtitles_path(c: &Clip, lang: &str, ext: &str) -> String {
    format!("data/subtitles/{}.{lang}.{ext}", c.id)
}

/// The MIME type a browser is asked about (`canPlayType`), from the file's
/// extension and, when known, its codecs.
pub fn mime(c: &Clip, f: &Facts) -> String {
    let ext = c.media_ext();
    let container = match ext.as_str() {
        "mp4" | "m4v" | "mov" => "video/mp4",
        "m4a" => "audio/mp4",
        "mkv" => "video/x-matroska",
        "webm" => "video/webm",
        "mp3" => return "audio/mpeg".into(),
        "ogg" | "ogv" => "video/ogg",
        _ => return String::new(),
    };
    // RFC 6381 names for what `probe` reports; an unknown codec is left out
    // rather than guessed.
    let codecs: Vec<&str> = [
        f.video_codec.as_deref().and_then(|v| match v {
            "h264" => Some("avc1.640028"),
            "hevc" => Some("hvc1.1.6.L93.B0"),
            "vp8" => Some("vp8"),
            "vp9" => Some("vp09.00.10.08"),
            "av1" => Some("av01.0.05M.08"),
            _ => None,
        }),
        f.audio_codec.as_deref().and_then(|a| match a {
            "aac" => Some("mp4a.40.2"),
            "mp3" => Some("mp4a.6B"),
            "opus" => Some("opus"),
            "vorbis" => Some("vorbis"),
            "flac" => Some("flac"),
            "ac3" => Some("ac-3"),
            "eac3" => Some("ec-3"),
            "dts" => Some("dtsc"),
            _ => None,
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if codecs.is_empty() {
        container.into()
    } else {
        format!("{container}; codecs=\"{}\"", codecs.join(", "))
    }
}

/// What each key does, shown on the welcome screen and in the run sheet.
pub const CONTROLS: [(&str, &str); 12] = [
    (
        "Right arrow, PageDown, Space",
        "next screen (a presentation clicker works too)",
    ),
    ("Left arrow, PageUp", "previous screen"),
    (
        "Space on a clip",
        "play or pause (clicking the picture does the same)",
    ),
    ("1 to 9", "jump to that clip; O shows the whole programme"),
    ("Home", "back to the welcome screen"),
    ("B", "black screen, and back"),
    ("F", "full screen, and back (subtitles stay on)"),
    ("+ and -", "larger or smaller subtitles"),
    ("G and H", "subtitles 100 ms earlier or later"),
    ("0", "subtitle delay back to zero"),
    ("T", "pause or restart the discussion countdown"),
    ("Esc", "close the programme or leave full screen"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::parse;

    fn manifest(clips: &[(&str, &[&str])]) -> Manifest {
        let mut s = String::from(
            "title = \"K\"\ncards = \"c.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"x\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n",
        );
        for (id, cards) in clips {
            s.push_str(&format!(
                "[[clip]]\nid = \"{id}\"\ntitle = \"{id}\"\nmedia = \"{id}.mp4\"\nsubtitles = \"{id}.srt\"\nminutes = 2\ncards = {cards:?}\n"
            ));
        }
        toml::from_str(&s).unwrap()
    }

    fn card(id: &str, kind: &str, follows: &[&str]) -> String {
        format!(
            "[[card]]\nid = \"{id}\"\nkind = \"{kind}\"\ntitle = \"{id}\"\ntext = \"t\"\nfollows = {follows:?}\n"
        )
    }

    #[test]
    fn every_card_has_a_place_and_notes_stay_off_screen() {
        let m = manifest(&[("a", &[]), ("b", &["listed"])]);
        let deck: String = [
            card("note", "facilitator-note", &[]),
            card("rules", "opening", &[]),
            card("act-early", "action", &[]),
            card("qa", "question", &["a"]),
            card("listed", "background", &[]),
            card("qb", "question", &["b"]),
            card("both", "quote", &["a", "b"]),
            card("b-note", "facilitator-note", &["b"]),
            card("again", "opening", &[]),
        ]
        .concat();
        let cards = parse(&deck).unwrap();
        let p = Programme::new(&m, &cards);
        let ids =
            |v: Vec<usize>| -> Vec<&str> { v.iter().map(|&i| cards[i].id.as_str()).collect() };
        let kinds: Vec<String> = p
            .steps
            .iter()
            .map(|s| match s {
                Step::Welcome => "welcome".into(),
                Step::Card { card, part, .. } => format!("{}:{part:?}", cards[*card].id),
                Step::Intro { clip } => format!("intro{clip}"),
                Step::Clip { clip } => format!("clip{clip}"),
                Step::End => "end".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "welcome",
                "rules:Opening",
                "intro0",
                "clip0",
                "qa:Discussion",
                "both:Discussion",
                "intro1",
                "clip1",
                "listed:Discussion",
                "qb:Discussion",
                "both:Discussion",
                "act-early:Closing",
                "again:Closing",
                "end"
            ]
        );
        assert_eq!(
            ids(p
                .print_order(&cards)
                .iter()
                .map(|c| cards.iter().position(|x| x.id == c.id).unwrap())
                .collect()),
            [
                "note",
                "rules",
                "qa",
                "both",
                "listed",
                "qb",
                "b-note",
                "act-early",
                "again"
            ]
        );
    }

    #[test]
    fn excerpt_times_read_decimal_fractions() {
        for (s, ms) in [
            ("00:01:50.5", 110_500),
            ("1:50.5", 110_500),
            ("90", 90_000),
            ("1:00:00.25", 3_600_250),
            ("0:00:00.007", 7),
        ] {
            assert_eq!(clock_ms(s), Some(ms), "{s}");
        }
        for bad in ["", "1:60", "a:00", "1:2:3:4", "1.2345", "-5", "1:5x"] {
            assert_eq!(clock_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_demo_deck_is_all_there() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home");
        let kit = crate::kit::Kit::open(&root).unwrap();
        let cards = parse(&std::fs::read_to_string(root.join("cards.toml")).unwrap()).unwrap();
        let p = Programme::new(&kit.manifest, &cards);
        let printed = p.print_order(&cards);
        assert_eq!(printed.len(), cards.len());
        let shown: Vec<usize> = p.shown_cards().collect();
        for (i, c) in cards.iter().enumerate() {
            assert_eq!(
                shown.contains(&i),
                c.kind != Kind::FacilitatorNote,
                "{}",
                c.id
            );
        }
        assert_eq!(p.steps.last(), Some(&Step::End));
    }
}
