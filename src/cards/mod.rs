//! Discussion cards: the hand-edited source (`cards.toml`), validation
//! with file:line messages, the policy for a good deck (`policy`), and
//! rendering (`render`).
//!
//! A card has an id, a kind, a title, its text, the clips it follows and
//! optionally a source (the seed file its facts come from) and minutes.

pub mod policy;
pub mod render;

use crate::tomlpos::line_of;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Opening,
    Background,
    Person,
    Question,
    Quote,
    Activity,
    Action,
    FacilitatorNote,
}

impl Kind {
    /// How the kind is labelled on a card.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Opening => "Opening",
            Kind::Background => "Background",
            Kind::Person => "Who's who",
            Kind::Question => "Question",
            Kind::Quote => "Quote",
            Kind::Activity => "Activity",
            Kind::Action => "Taking action",
            Kind::FacilitatorNote => "For the facilitator",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeck {
    #[serde(rename = "card", default)]
    cards: Vec<Spanned<RawCard>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    id: String,
    kind: Kind,
    title: String,
    text: String,
    #[serde(default)]
    follows: Vec<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    minutes: Option<u32>,
}

/// One card, with the line its `[[card]]` table starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub text: String,
    pub follows: Vec<String>,
    pub source: Option<String>,
    pub minutes: Option<u32>,
    pub line: usize,
}

/// A problem in the cards file, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: usize,
    pub message: String,
}

/// Parse `cards.toml` text. A syntax error is one issue with its line.
pub fn parse(text: &str) -> Result<Vec<Card>, Issue> {
    let raw: RawDeck = toml::from_str(text).map_err(|e: toml::de::Error| Issue {
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    Ok(raw
        .cards
        .into_iter()
        .map(|s| {
            let line = line_of(text, s.span().start);
            let c = s.into_inner();
            Card {
                id: c.id,
                kind: c.kind,
                title: c.title,
                text: c.text.trim().to_string(),
                follows: c.follows,
                source: c.source,
                minutes: c.minutes,
                line,
            }
        })
        .collect())
}

/// Unknown clips, duplicate ids, empty titles or texts.
pub fn validate(cards: &[Card], clip_ids: &[&str]) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for c in cards {
        let mut push = |message: String| {
            issues.push(Issue {
                line: c.line,
                message,
            })
        };
        if let Some(first) = seen.insert(c.id.as_str(), c.line) {
            push(format!(
                "duplicate card id '{}' (first at line {first})",
                c.id
            ));
        }
        if c.id.trim().is_empty() {
            push("card id is empty".into());
        }
        if c.title.trim().is_empty() {
            push(format!("card '{}' has an empty title", c.id));
        }
        if c.text.trim().is_empty() {
            push(format!("card '{}' has no text", c.id));
        }
        for clip in c.follows.iter().filter(|f| !clip_ids.contains(&f.as_str())) {
            push(format!(
                "card '{}' follows unknown clip '{clip}' (clips in kit.toml: {})",
                c.id,
                clip_ids.join(", ")
            ));
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = r#"
[[card]]
id = "welcome"
kind = "opening"
title = "Welcome"
text = "Hello."

[[card]]
id = "q1"
kind = "question"
title = "Leaving"
text = """
Why did they go?
"""
follows = ["trailer"]
source = "seeds/000"
"#;

    #[test]
    fn parses_with_lines() {
        let cards = parse(DECK).unwrap();
        assert_eq!(cards.len(), 2);
        assert_eq!((cards[0].line, cards[1].line), (2, 8));
        assert_eq!(cards[1].text, "Why did they go?");
        assert_eq!(cards[1].kind, Kind::Question);
        assert!(validate(&cards, &["trailer"]).is_empty());
    }

    #[test]
    fn validation_points_at_lines() {
        let bad = format!(
            "{DECK}\n[[card]]\nid = \"q1\"\nkind = \"quote\"\ntitle = \"\"\ntext = \" \"\nfollows = [\"nope\"]\n"
        );
        let cards = parse(&bad).unwrap();
        let issues = validate(&cards, &["trailer"]);
        let msgs: Vec<(usize, &str)> = issues
            .iter()
            .map(|i| (i.line, i.message.as_str()))
            .collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(
            msgs.iter().all(|(l, _)| *l == 18),
            "each issue points at its [[card]] line"
        );
        assert!(
            msgs[0]
                .1
                .contains("duplicate card id 'q1' (first at line 8)")
        );
        assert!(msgs[3].1.contains("unknown clip 'nope'"));
    }

    #[test]
    fn syntax_errors_have_lines() {
        let e = parse("[[card]]\nid = \"x\"\nkind = \"lecture\"\ntitle = \"t\"\ntext = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("lecture"), "{}", e.message);
    }
}
