//! Cards out: printable HTML (one per A6 page, four per A4 sheet, or large
//! print), a full-screen projection view driven by the keyboard, Markdown
//! and plain text. Pure functions from cards to strings; nothing here
//! touches the disk or the network (fonts and styles are inline, system
//! sans-serif faces only), and every piece of text is HTML-escaped.
//!
//! Print rules from `shared/research/screening.md` §4.1: sans-serif, 14 pt
//! body (18 pt large print), black on white, left-aligned, no italics.

use super::{Card, Kind};

/// What the renderers need besides the cards.
#[derive(Debug, Clone)]
pub struct Deck<'a> {
    /// The kit's title.
    pub title: &'a str,
    /// "Last Train Home (Lixin Fan, 2009)".
    pub film: String,
    /// Clip ids and titles, in screening order.
    pub clips: Vec<(&'a str, &'a str)>,
    pub cards: &'a [Card],
}

/// How printed cards are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One card per A6 page.
    A6,
    /// Four cards per A4 sheet, with cut lines.
    A4,
}

impl Deck<'_> {
    fn clip_title(&self, id: &str) -> String {
        self.clips
            .iter()
            .find(|(c, _)| *c == id)
            .map_or_else(|| id.to_string(), |(_, t)| t.to_string())
    }

    /// "After: Trailer, Clip 2" for a card that follows clips.
    fn after(&self, c: &Card) -> Option<String> {
        (!c.follows.is_empty()).then(|| {
            c.follows
                .iter()
                .map(|f| self.clip_title(f))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    fn meta(&self, c: &Card) -> Vec<String> {
        let mut m = Vec::new();
        if let Some(a) = self.after(c) {
            m.push(format!("After: {a}"));
        }
        if let Some(n) = c.minutes {
            m.push(format!("About {n} min"));
        }
        if let Some(s) = &c.source {
            m.push(format!("Source: {s}"));
        }
        m
    }
}

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Paragraphs (blank-line separated) with line breaks kept.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

const CARD: &str = include_str!("pages/card.html");
const PRINT: &str = include_str!("pages/print.html");
const PROJECTION: &str = include_str!("pages/projection.html");
const PROJECTION_JS: &str = include_str!("pages/projection.js");

/// `template` with each `{{name}}` replaced by its value, in one pass (a
/// value is never scanned for slots). Values go in as given: escape kit
/// text first. An unknown slot is left as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let slot = after[2..].find("}}").and_then(|close| {
            values
                .iter()
                .find(|(k, _)| *k == &after[2..2 + close])
                .map(|(k, v)| (k.len(), v))
        });
        match slot {
            Some((len, value)) => {
                out.push_str(value);
                rest = &after[4 + len..];
            }
            None => {
                out.push_str("{{");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn card_html(deck: &Deck, c: &Card) -> String {
    let meta: String = deck
        .meta(c)
        .iter()
        .map(|m| format!("<p class=\"meta\">{}</p>", escape(m)))
        .collect();
    let class = if c.kind == Kind::FacilitatorNote {
        "card note"
    } else {
        "card"
    };
    fill(
        CARD,
        &[
            ("class", class),
            ("id", &escape(&c.id)),
            ("kind", &escape(c.kind.label())),
            ("title", &escape(&c.title)),
            ("text", &paragraphs(&c.text)),
            ("meta", &meta),
        ],
    )
}

/// Printable cards: open in a browser and print (no scaling).
pub fn print_html(deck: &Deck, layout: Layout, large: bool) -> String {
    let (size, page) = match (layout, large) {
        // Sizes in mm: Chromium ignores the `A6` keyword.
        (_, true) => ("18pt", "148mm 210mm"),
        (Layout::A6, false) => ("14pt", "105mm 148mm"),
        (Layout::A4, false) => ("14pt", "210mm 297mm"),
    };
    let sheet_css = if layout == Layout::A4 && !large {
        ".sheet{display:grid;grid-template-columns:1fr 1fr;grid-template-rows:1fr 1fr;gap:0;height:281mm;break-after:page}\n.sheet .card{border:1pt dashed #555;padding:7mm;overflow:hidden;break-after:auto}"
    } else {
        ".card{min-height:100%;break-after:page}"
    };
    let mut body = String::new();
    let per_sheet = if layout == Layout::A4 && !large { 4 } else { 1 };
    for chunk in deck.cards.chunks(per_sheet) {
        let cards: String = chunk.iter().map(|c| card_html(deck, c)).collect();
        if per_sheet > 1 {
            body.push_str("<div class=\"sheet\">\n");
            body.push_str(&cards);
            body.push_str("</div>\n");
        } else {
            body.push_str(&cards);
        }
    }
    let html = fill(
        PRINT,
        &[
            ("title", &escape(deck.title)),
            ("film", &escape(&deck.film)),
            ("count", &deck.cards.len().to_string()),
            ("page", page),
            ("size", size),
            ("margin", if large { "14mm" } else { "8mm" }),
            ("sheet_css", sheet_css),
            ("body", &body),
        ],
    );
    crate::csp::seal(&html)
}

/// One card per screen for a projector, with the player's keys (arrows,
/// PageUp/PageDown, Space, Home/End, B, F). Facilitator notes are left out.
pub fn projection_html(deck: &Deck) -> String {
    let slides: String = deck
        .cards
        .iter()
        .filter(|c| c.kind != Kind::FacilitatorNote)
        .map(|c| {
            card_html(deck, c).replacen("<section class=\"card", "<section class=\"slide card", 1)
        })
        .collect();
    let html = fill(
        PROJECTION,
        &[
            ("title", &escape(deck.title)),
            ("slides", &slides),
            ("keys", crate::kit::player::KEYS_JS),
            ("script", PROJECTION_JS),
        ],
    );
    crate::csp::seal(&html)
}

/// The deck as Markdown.
pub fn markdown(deck: &Deck) -> String {
    let mut out = format!("# {}: discussion cards\n\n{}\n", deck.title, deck.film);
    for c in deck.cards {
        // Markdown joins single-newline lines; keep them as hard breaks.
        let body = c
            .text
            .split("\n\n")
            .map(|p| p.replace('\n', "  \n"))
            .collect::<Vec<_>>()
            .join("\n\n");
        out.push_str(&format!("\n## {}: {}\n\n{body}\n", c.kind.label(), c.title));
        for m in deck.meta(c) {
            out.push_str(&format!("\n*{m}*\n"));
        }
    }
    out
}

/// The deck as plain text, 72 columns of rules between cards.
pub fn text(deck: &Deck) -> String {
    let rule = "-".repeat(72);
    let mut out = format!(
        "{}: DISCUSSION CARDS\n{}\n",
        deck.title.to_uppercase(),
        deck.film
    );
    for c in deck.cards {
        out.push_str(&format!(
            "\n{rule}\n{}: {}\n\n{}\n",
            c.kind.label().to_uppercase(),
            c.title,
            c.text
        ));
        for m in deck.meta(c) {
            out.push_str(&format!("\n{m}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, kind: Kind, text: &str) -> Card {
        Card {
            id: id.into(),
            kind,
            title: format!("T {id}"),
            text: text.into(),
            follows: vec!["c1".into()],
            source: Some("seeds/000".into()),
            minutes: Some(3),
            line: 1,
        }
    }

    /// WCAG 2 contrast ratio of two #rrggbb colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let lum = |hex: &str| {
            let c: Vec<f64> = (0..3)
                .map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0)
                .map(|v| {
                    if v <= 0.03928 {
                        v / 12.92
                    } else {
                        ((v + 0.055) / 1.055).powf(2.4)
                    }
                })
                .collect();
            0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_text_colour_has_at_least_4_5_to_1_contrast() {
        let cards = [card("x", Kind::Question, "q")];
        let deck = Deck {
            title: "K",
            film: "F".into(),
            clips: vec![],
            cards: &cards,
        };
        let print = print_html(&deck, Layout::A6, false);
        let proj = projection_html(&deck);
        // (text, background) pairs as the stylesheets use them.
        for (page, pairs) in [
            (
                &print,
                [
                    ("#000000", "#ffffff"),
                    ("#333333", "#ffffff"),
                    ("#ffffff", "#000000"),
                ],
            ),
            (
                &proj,
                [
                    ("#f5f5f5", "#111111"),
                    ("#ffd866", "#111111"),
                    ("#cfcfcf", "#111111"),
                ],
            ),
        ] {
            for (fg, bg) in pairs {
                let short = |c: &str| {
                    if c.as_bytes()[1..].chunks(2).all(|p| p[0] == p[1]) {
                        format!("#{}{}{}", &c[1..2], &c[3..4], &c[5..6])
                    } else {
                        c.to_string()
                    }
                };
                assert!(
                    page.contains(&short(fg)) || page.contains(fg),
                    "{fg} not used"
                );
                assert!(
                    contrast(fg, bg) >= 4.5,
                    "{fg} on {bg}: {:.2}",
                    contrast(fg, bg)
                );
            }
        }
    }

    #[test]
    fn everything_is_escaped_and_nothing_is_fetched() {
        let cards = [
            card("x", Kind::Question, "<script>alert(1)</script> & \"q\""),
            card("n", Kind::FacilitatorNote, "hush"),
        ];
        let deck = Deck {
            title: "Kit <b>",
            film: "Film".into(),
            clips: vec![("c1", "Clip <one>")],
            cards: &cards,
        };
        for html in [
            print_html(&deck, Layout::A6, false),
            print_html(&deck, Layout::A4, false),
            projection_html(&deck),
        ] {
            assert!(!html.contains("<script>alert"), "raw script in output");
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
            assert!(html.contains("After: Clip &lt;one&gt;"));
            assert!(
                !html.contains("http://")
                    && !html.contains("https://")
                    && !html.contains("@import"),
                "no network resources"
            );
        }
        assert!(
            !projection_html(&deck).contains("hush"),
            "facilitator notes stay off the screen"
        );
        assert!(print_html(&deck, Layout::A6, false).contains("size: 105mm 148mm"));
        assert!(print_html(&deck, Layout::A4, false).contains("class=\"sheet\""));
        assert!(print_html(&deck, Layout::A6, true).contains("font-size: 18pt"));
        assert!(markdown(&deck).contains("## Question: T x"));
        assert!(text(&deck).contains("QUESTION: T x"));
    }
}
