//! The kit's `index.html`: walks the programme (see `programme`) screen by
//! screen, plays each clip with subtitles the page draws itself, and shows
//! each clip's cards one per screen with a discussion countdown.
//!
//! The page, its CSS and its script are files beside this one; the kit's
//! data goes in as one JSON blob in `<script type="application/json">`, with
//! `<` escaped so no kit text can close the element, and the script sets
//! all kit text with `textContent`. Subtitles come from `.vtt.js` scripts
//! (a `<track src>` is blocked from `file://`), loaded one by one so a
//! missing one is named on screen.

use super::programme::{CONTROLS, Step};
use crate::cards::render::fill;
use crate::subtitle::Track;
use crate::subtitle::markup::visible;
use serde::Serialize;

const PAGE: &str = include_str!("player/index.html");
const CSS: &str = include_str!("player/player.css");
const JS: &str = include_str!("player/player.js");
/// Key handling shared with the cards' projection view.
pub const KEYS_JS: &str = include_str!("player/keys.js");

/// What the page shows for one card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub kind: String,
    pub title: String,
    pub text: String,
}

/// One subtitle track of a clip; a clip may have several (languages).
#[derive(Debug, Clone, Serialize)]
pub struct Subtitles {
    /// BCP 47 language, e.g. `en`.
    pub lang: String,
    pub label: String,
    /// The key its script stores the cues under.
    pub key: String,
    /// The script's path in the bag.
    pub script: String,
    /// The SubRip file's path in the bag (named when the script is missing).
    pub srt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Clip {
    pub id: String,
    pub title: String,
    /// Path in the bag.
    pub media: String,
    /// MIME type for `canPlayType` (container, and codecs when known).
    pub mime: String,
    /// Whether the file has a picture (a browser that decodes only its
    /// sound is a failure to report, not a success).
    pub video: bool,
    /// How long it plays (an excerpt's length).
    pub duration_ms: Option<i64>,
    /// An excerpt's start and end in the media file.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// Discussion minutes after it.
    pub minutes: u32,
    /// Media-element volume that levels it with the quietest clip.
    pub volume: f64,
    pub subtitles: Vec<Subtitles>,
}

/// Everything the page needs.
#[derive(Debug, Clone, Serialize)]
pub struct Page<'a> {
    pub title: &'a str,
    /// "Venue · date · 19:00", when given.
    pub event: Option<String>,
    /// "Last Train Home (Lixin Fan, 2009), in Mandarin and Sichuan dialect".
    pub credit: String,
    pub rights: &'a str,
    pub clips: Vec<Clip>,
    /// Indexed like the cards file; facilitator notes are `None`.
    pub cards: Vec<Option<Card>>,
    pub steps: &'a [Step],
    /// The VLC playlist's file name.
    pub playlist: &'a str,
}

/// JSON safe inside a `<script>` element: no `<` (so no `</script>` or
/// `<!--`), and no U+2028/2029 for old JavaScript parsers.
pub fn script_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .expect("kit data serialises")
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The `.vtt.js` script of one track: its cues as `[start_ms, end_ms,
/// text]` with markup removed, stored under `key`.
pub fn subtitles_js(key: &str, track: &Track) -> String {
    let cues: Vec<(i64, i64, String)> = track
        .cues
        .iter()
        .map(|c| {
            let text: Vec<String> = c
                .lines()
                .map(|l| visible(&crate::subtitle::markup::ruby_as_text(l)).into_owned())
                .collect();
            (c.start.ms(), c.end.ms(), text.join("\n"))
        })
        .collect();
    format!(
        "(window.SCREENKIT_SUBS = window.SCREENKIT_SUBS || {{}})[{}] = {};\n",
        script_json(key),
        script_json(&cues)
    )
}

/// The player page.
pub fn html(page: &Page) -> String {
    let controls: Vec<[&str; 2]> = CONTROLS.iter().map(|(k, v)| [*k, *v]).collect();
    let data = serde_json::json!({ "page": page, "controls": controls });
    let html = fill(
        PAGE,
        &[
            ("css", CSS),
            ("kit", &script_json(&data)),
            ("keys", KEYS_JS),
            ("player", JS),
        ],
    );
    crate::csp::seal(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kit_text_cannot_leave_the_json_blob() {
        let page = Page {
            title: "</script><script>alert(1)</script>",
            event: None,
            credit: "<!-- \u{2028}".into(),
            rights: "r",
            clips: vec![],
            cards: vec![],
            steps: &[Step::Welcome, Step::End],
            playlist: "playlist.xspf",
        };
        let html = html(&page);
        assert!(!html.contains("</script><script>alert"));
        assert!(!html.contains("<!-- "));
        assert!(html.contains("\\u003c/script>"));
        assert_eq!(html.matches("id=\"kit\"").count(), 1);
        assert!(!html.contains("{{"), "every slot filled");
    }
}
