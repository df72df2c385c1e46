//! Where things sit in a hand-edited TOML file (`kit.toml`, `cards.toml`),
//! so messages can say `file:line`. Its own module because both `kit` and
//! `cards` need it and neither should depend on the other for it.

use toml::de::{DeTable, DeValue};

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// One step of a path into a TOML document: a key, or the index into an
/// array (of tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The line where the value at `path` starts, e.g. `[Key("clip"),
/// Index(2), Key("media")]` for the third `[[clip]]`'s `media`. `None` when
/// the text does not parse or has no such value.
pub fn line_at(text: &str, path: &[Step]) -> Option<usize> {
    let doc = DeTable::parse(text).ok()?;
    let mut start = doc.span().start;
    let mut here: Option<&DeValue> = None;
    let root = doc.get_ref();
    for step in path {
        let next = match (step, here) {
            (Step::Key(k), None) => find(root, k)?,
            (Step::Key(k), Some(DeValue::Table(t))) => find(t, k)?,
            (Step::Index(i), Some(DeValue::Array(a))) => a.get(*i)?,
            _ => return None,
        };
        start = next.span().start;
        here = Some(next.get_ref());
    }
    Some(line_of(text, start))
}

fn find<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t toml::Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title = \"T\"\n\n[film]\ntitle = \"F\"\n\n[[clip]]\nid = \"a\"\n\n[[clip]]\nid = \"b\"\nmedia = \"b.mp4\"\n";

    #[test]
    fn finds_lines_of_keys_in_tables_and_arrays_of_tables() {
        assert_eq!(line_at(DOC, &[Step::Key("title")]), Some(1));
        assert_eq!(
            line_at(DOC, &[Step::Key("film"), Step::Key("title")]),
            Some(4)
        );
        let media = [Step::Key("clip"), Step::Index(1), Step::Key("media")];
        assert_eq!(line_at(DOC, &media), Some(11));
        assert_eq!(line_at(DOC, &[Step::Key("clip"), Step::Index(2)]), None);
        assert_eq!(line_at(DOC, &[Step::Key("nope")]), None);
        assert_eq!(line_at("x = ", &[Step::Key("x")]), None);
        assert_eq!(line_of("a\nb\nc", 2), 2);
    }
}
