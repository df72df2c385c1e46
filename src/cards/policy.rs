//! The card policy: what makes a deck good for an evening, beyond what
//! `validate` rejects. `screenkit cards` and `screenkit check KIT` (and so
//! `build`) run this one function, so they never disagree about a deck.

use super::{Card, Issue, Kind, validate};

/// Fewer questions than this after a clip earns a warning.
pub const MIN_QUESTIONS: usize = 3;

/// About what fits on one A6 card at 14 pt with a title (measured in Chromium).
pub const A6_CHARS: usize = 460;

/// A clip as the policy sees it: its id and the cards `kit.toml` lists for it.
#[derive(Debug, Clone, Copy)]
pub struct ClipCards<'a> {
    pub id: &'a str,
    pub listed: &'a [String],
}

/// What the policy finds in a deck: errors (nothing should be made from
/// it) and warnings (it works, but could be better).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Review {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

/// Review `cards` for a kit with `clips`: `validate`'s errors, then a
/// warning for each clip with fewer than `MIN_QUESTIONS` questions after it
/// (at the line of its first card, else line 1) and for each card too long
/// for one A6 card.
pub fn review(cards: &[Card], clips: &[ClipCards]) -> Review {
    let ids: Vec<&str> = clips.iter().map(|c| c.id).collect();
    let mut warnings = Vec::new();
    for clip in clips {
        let after =
            |c: &&Card| c.follows.iter().any(|f| f == clip.id) || clip.listed.contains(&c.id);
        let n = cards
            .iter()
            .filter(after)
            .filter(|c| c.kind == Kind::Question)
            .count();
        if n < MIN_QUESTIONS {
            warnings.push(Issue {
                line: cards.iter().find(after).map_or(1, |c| c.line),
                message: format!(
                    "clip '{}' has {n} question card(s); {MIN_QUESTIONS} or more make a better discussion",
                    clip.id
                ),
            });
        }
    }
    for c in cards
        .iter()
        .filter(|c| c.text.chars().count() + c.title.chars().count() > A6_CHARS)
    {
        warnings.push(Issue {
            line: c.line,
            message: format!(
                "card '{}' may not fit on one A6 card; shorten it or split it",
                c.id
            ),
        });
    }
    Review {
        errors: validate(cards, &ids),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::parse;

    fn question(id: &str, follows: &str) -> String {
        format!(
            "[[card]]\nid = \"{id}\"\nkind = \"question\"\ntitle = \"Q\"\ntext = \"Why?\"\nfollows = [\"{follows}\"]\n"
        )
    }

    #[test]
    fn too_few_questions_and_long_cards_warn() {
        let deck = [
            question("a1", "a"),
            question("a2", "a"),
            question("a3", "a"),
            question("b1", "b"),
        ]
        .concat();
        let long = format!(
            "[[card]]\nid = \"long\"\nkind = \"quote\"\ntitle = \"L\"\ntext = \"{}\"\n",
            "x".repeat(A6_CHARS)
        );
        let cards = parse(&(deck + &long)).unwrap();
        let listed = ["long".to_string()];
        let clips = [
            ClipCards {
                id: "a",
                listed: &[],
            },
            ClipCards {
                id: "b",
                listed: &[],
            },
            ClipCards {
                id: "c",
                listed: &listed,
            },
        ];
        let r = review(&cards, &clips);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let got: Vec<(usize, &str)> = r
            .warnings
            .iter()
            .map(|i| (i.line, i.message.as_str()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, 19, "b's first card");
        assert!(
            got[0].1.starts_with("clip 'b' has 1 question card(s)"),
            "{got:?}"
        );
        assert_eq!(got[1].0, 25, "c's listed card");
        assert!(
            got[1].1.starts_with("clip 'c' has 0 question card(s)"),
            "{got:?}"
        );
        assert!(got[2].1.contains("card 'long' may not fit"), "{got:?}");
    }

    #[test]
    fn listed_questions_count_for_their_clip() {
        let cards = parse(
            &[
                question("q1", "x"),
                question("q2", "x"),
                question("q3", "x"),
            ]
            .concat(),
        )
        .unwrap();
        let listed: Vec<String> = ["q1", "q2", "q3"].map(String::from).to_vec();
        let clips = [
            ClipCards {
                id: "x",
                listed: &[],
            },
            ClipCards {
                id: "y",
                listed: &listed,
            },
        ];
        assert!(review(&cards, &clips).warnings.is_empty());
    }
}
