//! `screenkit cards KIT --format html|md|txt`: run the card policy on the
//! kit's cards (file:line errors, exit 1, nothing written; warnings) and
//! render them.

use super::Exit;
use super::Failure;
use crate::cards::parse;
use crate::cards::policy::review;
use crate::cards::render::{Layout, markdown, print_html, projection_html, text};
use crate::cli::{CardFormat, CardLayout, CardsArgs};
use crate::fsutil::write_atomic;
use crate::kit::Kit;
use crate::output::{Printer, Style};
use std::path::PathBuf;

pub fn run(args: &CardsArgs, p: &Printer) -> Exit {
    match cards(args, p) {
        Ok(exit) => exit,
        Err(e) => {
            p.error(&e);
            Exit::Failed
        }
    }
}

fn cards(args: &CardsArgs, p: &Printer) -> Result<Exit, Failure> {
    let kit = Kit::open(&args.kit)?;
    let m = &kit.manifest;
    let path = kit.dir.join(&m.cards);
    let shown = path.display().to_string();
    let source = std::fs::read_to_string(&path).map_err(|source| Failure::Io {
        path: path.clone(),
        source,
    })?;
    let cards = match parse(&source) {
        Ok(c) => c,
        Err(issue) => {
            p.error(&format!("{shown}:{}: {}", issue.line, issue.message));
            return Ok(Exit::Problems);
        }
    };
    let r = review(&cards, &kit.clip_cards());
    let manifest = kit.dir.join("kit.toml");
    let listed = kit.unknown_listed_cards(&cards);
    for i in &r.errors {
        p.error(&format!("{shown}:{}: {}", i.line, i.message));
    }
    for (line, message) in &listed {
        p.error(&format!("{}:{line}: {message}", manifest.display()));
    }
    if !r.errors.is_empty() || !listed.is_empty() {
        p.error(&format!(
            "{} problem(s) in the cards; nothing written",
            r.errors.len() + listed.len()
        ));
        return Ok(Exit::Problems);
    }
    for i in &r.warnings {
        p.status(&format!(
            "{} {shown}:{}: {}",
            p.paint("warning:", Style::Warning),
            i.line,
            i.message
        ));
    }
    // Printed in the evening's order, as the kit's player shows them.
    let ordered = crate::kit::programme::Programme::new(m, &cards).print_order(&cards);
    let deck = kit.deck(&ordered);
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("dist").join(kit.name()).join("cards"));
    std::fs::create_dir_all(&dir).map_err(|source| Failure::Io {
        path: dir.clone(),
        source,
    })?;
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
        write_atomic(&out, body.as_bytes()).map_err(|source| Failure::Io {
            path: out.clone(),
            source,
        })?;
        p.status(&format!("wrote {} ({} cards)", out.display(), cards.len()));
    }
    Ok(Exit::Ok)
}
