//! `screenkit cards KIT --format html|md|txt`: validate the kit's cards
//! (file:line errors, exit 1, nothing written) and render them.

use super::Exit;
use crate::cards::render::{Layout, markdown, print_html, projection_html, text};
use crate::cards::{Kind, parse, validate};
use crate::cli::{CardFormat, CardLayout, CardsArgs};
use crate::fsutil::write_atomic;
use crate::kit::Kit;
use crate::output::{Printer, Style};
use std::path::PathBuf;

/// Fewer questions than this after a clip earns a warning.
const MIN_QUESTIONS: usize = 3;

/// About what fits on one A6 card at 14 pt with a title (measured in Chromium).
const A6_CHARS: usize = 460;

pub fn run(args: &CardsArgs, p: &Printer) -> Exit {
    match cards(args, p) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn cards(args: &CardsArgs, p: &Printer) -> Result<Exit, String> {
    let kit = Kit::open(&args.kit).map_err(|e| e.to_string())?;
    let m = &kit.manifest;
    let path = kit.dir.join(&m.cards);
    let shown = path.display().to_string();
    let source = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: {e}"))?;
    let cards = match parse(&source) {
        Ok(c) => c,
        Err(issue) => {
            p.error(&format!("{shown}:{}: {}", issue.line, issue.message));
            return Ok(Exit::Problems);
        }
    };
    let ids: Vec<&str> = m.clips.iter().map(|c| c.id.as_str()).collect();
    let issues = validate(&cards, &ids);
    for i in &issues {
        p.error(&format!("{shown}:{}: {}", i.line, i.message));
    }
    if !issues.is_empty() {
        p.error(&format!(
            "{} problem(s) in the cards; nothing written",
            issues.len()
        ));
        return Ok(Exit::Problems);
    }
    for clip in &m.clips {
        let n = cards
            .iter()
            .filter(|c| c.kind == Kind::Question && c.follows.contains(&clip.id))
            .count();
        if n < MIN_QUESTIONS {
            p.status(&format!("{} clip '{}' has {n} question card(s); {MIN_QUESTIONS} or more make a better discussion", p.paint("warning:", Style::Warning), clip.id));
        }
    }
    for c in cards
        .iter()
        .filter(|c| c.text.chars().count() + c.title.chars().count() > A6_CHARS)
    {
        p.status(&format!(
            "{} {shown}:{}: card '{}' may not fit on one A6 card; shorten it or split it",
            p.paint("warning:", Style::Warning),
            c.line,
            c.id
        ));
    }
    // Printed in the evening's order, as the kit's player shows them.
    let ordered = crate::kit::programme::Programme::new(m, &cards).print_order(&cards);
    let deck = kit.deck(&ordered);
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("dist").join(kit.name()).join("cards"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let layout = match args.layout {
        CardLayout::A6 => Layout::A6,
        CardLayout::A4 => Layout::A4,
    };
    let mut outputs: Vec<(&str, String)> = Vec::new();
    for f in &args.format {
        match f {
            CardFormat::Html => {
                outputs.push(("cards.html", print_html(&deck, layout, args.large_print)));
                outputs.push(("cards-projection.html", projection_html(&deck)));
            }
            CardFormat::Md => outputs.push(("cards.md", markdown(&deck))),
            CardFormat::Txt => outputs.push(("cards.txt", text(&deck))),
        }
    }
    for (name, body) in outputs {
        let out = dir.join(name);
        write_atomic(&out, body.as_bytes()).map_err(|e| format!("{}: {e}", out.display()))?;
        p.status(&format!("wrote {} ({} cards)", out.display(), cards.len()));
    }
    Ok(Exit::Ok)
}
