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
    format!(
        "<section class=\"{class}\" id=\"{}\">\n<p class=\"kind\">{}</p>\n<h2>{}</h2>\n<div class=\"text\">{}</div>\n{meta}</section>\n",
        escape(&c.id),
        escape(c.kind.label()),
        escape(&c.title),
        paragraphs(&c.text)
    )
}

const FONT: &str = "\"DejaVu Sans\", Verdana, Tahoma, Arial, Helvetica, sans-serif";

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
            body.push_str(&format!("<div class=\"sheet\">\n{cards}</div>\n"));
        } else {
            body.push_str(&cards);
        }
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: discussion cards</title>
<style>
@page {{ size: {page}; margin: {margin}; }}
html, body {{ margin: 0; background: #fff; color: #000; }}
body {{ font-family: {FONT}; font-size: {size}; line-height: 1.45; }}
h1 {{ font-size: 1.4em; margin: 0 0 0.4em; }}
h2 {{ font-size: 1.25em; margin: 0.1em 0 0.5em; line-height: 1.25; }}
p {{ margin: 0 0 0.6em; }}
.kind {{ font-weight: bold; letter-spacing: 0.04em; margin: 0; }}
.meta {{ color: #333; font-size: 1em; border-top: 1pt solid #777; padding-top: 0.3em; }}
.note .kind {{ background: #000; color: #fff; display: inline-block; padding: 0.05em 0.4em; }}
.cover {{ break-after: page; }}
{sheet_css}
@media screen {{ body {{ max-width: 42em; margin: 1em auto; padding: 0 1em; }} .card, .sheet .card {{ border: 1px solid #999; margin: 0 0 1em; padding: 1em; min-height: 0; }} .sheet {{ display: block; height: auto; }} }}
</style>
</head>
<body>
<section class="cover card">
<p class="kind">Discussion cards</p>
<h1>{title}</h1>
<p>{film}</p>
<p>{count} cards, in the order of the evening. Cards marked “For the facilitator” are not for the audience.</p>
</section>
{body}</body>
</html>
"#,
        title = escape(deck.title),
        film = escape(&deck.film),
        count = deck.cards.len(),
        margin = if large { "14mm" } else { "8mm" },
    )
}

/// One card per screen for a projector: arrow keys, space, Home/End, F for
/// full screen. Facilitator notes are left out.
pub fn projection_html(deck: &Deck) -> String {
    let slides: String = deck
        .cards
        .iter()
        .filter(|c| c.kind != Kind::FacilitatorNote)
        .map(|c| {
            card_html(deck, c).replacen("<section class=\"card", "<section class=\"slide card", 1)
        })
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: cards for the screen</title>
<style>
html, body {{ margin: 0; height: 100%; background: #111; color: #f5f5f5; font-family: {FONT}; }}
.slide {{ display: none; box-sizing: border-box; height: 100vh; padding: 6vh 8vw; font-size: clamp(24px, 3.6vw, 60px); line-height: 1.35; }}
.slide.current {{ display: block; }}
.kind {{ color: #ffd866; font-weight: bold; margin: 0 0 0.4em; font-size: 0.7em; letter-spacing: 0.05em; }}
h2 {{ font-size: 1.3em; margin: 0 0 0.6em; }}
p {{ margin: 0 0 0.6em; }}
.meta {{ color: #cfcfcf; font-size: 0.6em; }}
#where {{ position: fixed; right: 1em; bottom: 0.6em; color: #cfcfcf; font-size: 18px; }}
</style>
</head>
<body>
<main>
{slides}</main>
<div id="where" aria-live="polite"></div>
<script>
(function () {{
  var slides = document.querySelectorAll(".slide");
  var where = document.getElementById("where");
  var i = 0;
  function show(n) {{
    if (!slides.length) return;
    i = Math.max(0, Math.min(slides.length - 1, n));
    for (var k = 0; k < slides.length; k++) slides[k].classList.toggle("current", k === i);
    where.textContent = (i + 1) + " / " + slides.length + "  (arrows to move, F for full screen)";
  }}
  document.addEventListener("keydown", function (e) {{
    if (["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"].indexOf(e.key) >= 0) {{ show(i + 1); e.preventDefault(); }}
    else if (["ArrowLeft", "ArrowUp", "PageUp", "Backspace"].indexOf(e.key) >= 0) {{ show(i - 1); e.preventDefault(); }}
    else if (e.key === "Home") show(0);
    else if (e.key === "End") show(slides.length - 1);
    else if (e.key === "f" || e.key === "F") {{ if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen(); }}
  }});
  show(0);
}})();
</script>
</body>
</html>
"#,
        title = escape(deck.title),
    )
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
