//! Screening kits: a folder with `kit.toml` (the manifest model here),
//! checked (`check`), planned and packed as a BagIt zip (`build`, `bag`),
//! verified (`verify`) and started from a scaffold (`scaffold`). Paths in
//! the manifest are relative to the kit folder.

pub mod bag;
pub mod browsers;
pub mod build;
pub mod check;
pub mod player;
pub mod playlist;
pub mod programme;
pub mod runsheet;
pub mod scaffold;
pub mod verify;

use crate::tomlpos::{Step, line_at, line_of};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a kit could not be read.
#[derive(Debug, Error)]
pub enum KitError {
    #[error("{0}: no kit.toml here (make one with `screenkit new NAME`, or pass a kit folder)")]
    NoManifest(String),
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub title: String,
    pub film: Film,
    pub organizer: Organizer,
    #[serde(default)]
    pub event: Option<Event>,
    /// Who licensed the public performance and the clips.
    pub rights: String,
    /// The cards file, relative to the kit folder.
    pub cards: PathBuf,
    #[serde(rename = "clip", default)]
    pub clips: Vec<Clip>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Film {
    pub title: String,
    pub director: String,
    pub year: u16,
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organizer {
    pub name: String,
    pub contact: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: Option<String>,
    pub venue: Option<String>,
    /// Start time, `19:00`: the run sheet's times count from it.
    pub start: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clip {
    pub id: String,
    pub title: String,
    pub media: PathBuf,
    pub subtitles: PathBuf,
    /// Cards (by id) that follow this clip, besides those whose `follows`
    /// names it.
    #[serde(default)]
    pub cards: Vec<String>,
    /// Minutes of discussion after the clip.
    pub minutes: u32,
    /// An excerpt of the media file: where it starts and ends (`00:01:30`).
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
}

/// A kit on disk.
#[derive(Debug, Clone)]
pub struct Kit {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// The text of `kit.toml`, to point messages at its lines.
    pub text: String,
}

/// Whether `id` is a safe slug: ASCII letters, digits, `-` and `_`, at
/// most 64 of them. A clip id names files in the bag and reaches the
/// player's pages and scripts, so nothing else may be in one; `build`
/// refuses any other id, `--force` or not.
pub fn safe_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Clip {
    /// The media file's extension, lower-cased (names the file in the kit).
    pub fn media_ext(&self) -> String {
        self.media
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("mp4")
            .to_ascii_lowercase()
    }
}

/// Lower-case hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Kit {
    /// Resolve a manifest path against the kit folder.
    pub fn path(&self, p: &Path) -> PathBuf {
        self.dir.join(p)
    }

    /// The kit's cards, ready to render, with its title, film and clips.
    pub fn deck<'a>(&'a self, cards: &'a [crate::cards::Card]) -> crate::cards::render::Deck<'a> {
        let m = &self.manifest;
        crate::cards::render::Deck {
            title: &m.title,
            film: format!("{} ({}, {})", m.film.title, m.film.director, m.film.year),
            clips: m
                .clips
                .iter()
                .map(|c| (c.id.as_str(), c.title.as_str()))
                .collect(),
            cards,
        }
    }

    /// Read `DIR/kit.toml`.
    pub fn open(dir: &Path) -> Result<Kit, KitError> {
        let path = dir.join("kit.toml");
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(KitError::NoManifest(dir.display().to_string()));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| KitError::Io(shown.clone(), e))?;
        Kit::from_text(dir, text, shown)
    }

    /// A kit in `dir` whose kit.toml (shown as `shown` in messages) holds
    /// `text`; what [`Kit::open`] does once it has read the file, public so
    /// the fuzz target can feed it bytes.
    pub fn from_text(dir: &Path, text: String, shown: String) -> Result<Kit, KitError> {
        let manifest = toml::from_str(&text).map_err(|e: toml::de::Error| KitError::Syntax {
            path: shown,
            line: e.span().map_or(1, |s| line_of(&text, s.start)),
            message: e.message().to_string(),
        })?;
        Ok(Kit {
            dir: dir.to_path_buf(),
            manifest,
            text,
        })
    }

    /// The line of `kit.toml` holding the value at `path` (1 if unknown).
    pub fn line(&self, path: &[Step]) -> usize {
        line_at(&self.text, path).unwrap_or(1)
    }

    /// The line of the `n`th clip's `key`.
    pub fn clip_line(&self, n: usize, key: &str) -> usize {
        self.line(&[Step::Key("clip"), Step::Index(n), Step::Key(key)])
    }

    /// Each clip with the cards it lists, as the card policy sees it.
    pub fn clip_cards(&self) -> Vec<crate::cards::policy::ClipCards<'_>> {
        self.manifest
            .clips
            .iter()
            .map(|c| crate::cards::policy::ClipCards {
                id: &c.id,
                listed: &c.cards,
            })
            .collect()
    }

    /// Cards a clip lists that the deck lacks: (line in kit.toml, message).
    pub fn unknown_listed_cards(&self, cards: &[crate::cards::Card]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (n, clip) in self.manifest.clips.iter().enumerate() {
            for id in clip
                .cards
                .iter()
                .filter(|id| !cards.iter().any(|c| &c.id == *id))
            {
                out.push((
                    self.clip_line(n, "cards"),
                    format!(
                        "clip '{}' lists card '{id}', which is not in {}",
                        clip.id,
                        self.manifest.cards.display()
                    ),
                ));
            }
        }
        out
    }

    /// The kit's name: its folder name.
    pub fn name(&self) -> String {
        self.dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "kit".into())
    }
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Kit {
    /// The time stamped on every zip entry and the Bagging-Date:
    /// `SOURCE_DATE_EPOCH`, else the event date, else 1 January of the film's year.
    pub fn epoch(&self, source_date_epoch: Option<&str>) -> i64 {
        if let Some(e) = source_date_epoch.and_then(|v| v.trim().parse::<i64>().ok()) {
            return e;
        }
        let date = self
            .manifest
            .event
            .as_ref()
            .and_then(|e| e.date.as_deref())
            .and_then(|d| {
                let mut parts = d.splitn(3, '-').map(|p| p.parse::<i64>().ok());
                Some((parts.next()??, parts.next()?? as u32, parts.next()?? as u32))
            });
        let (y, m, d) = date.unwrap_or((i64::from(self.manifest.film.year), 1, 1));
        days_from_civil(y, m, d) * 86_400
    }
}
