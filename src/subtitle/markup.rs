//! Reading subtitle text: what is displayed, how long it is, which tags it
//! uses and whether they balance, and whether it is untranslated or garbled.
//!
//! Characters are counted as displayed (QC-RULES §1): grapheme clusters,
//! tags and `{\…}` overrides stripped, line breaks not counted.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// A markup tag found in a text line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    /// Lower-cased name (`i`, `font`, `ggg`).
    pub name: String,
    pub closing: bool,
    /// Everything between `<` and `>`.
    pub raw: &'a str,
    /// Byte range of the whole tag in the line.
    pub span: (usize, usize),
}

/// Find `<tag>`-like markup: `<` then an optional `/`, an ASCII letter, and
/// a `>` before the next `<`. A bare `2 < 3` is not a tag.
pub fn tags(line: &str) -> Vec<Tag<'_>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = line[i..].find('<') {
        let s = i + off;
        let mut j = s + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        if !b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            i = s + 1;
            continue;
        }
        let Some(len) = line[j..].find(['>', '<']) else {
            break;
        };
        let e = j + len;
        if b[e] == b'<' {
            i = e;
            continue;
        }
        let raw = &line[s + 1..e];
        let name_end = line[j..e]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(e, |k| j + k);
        out.push(Tag {
            name: line[j..name_end].to_ascii_lowercase(),
            closing,
            raw,
            span: (s, e + 1),
        });
        i = e + 1;
    }
    out
}

/// ASS override blocks `{\…}` with their byte ranges.
pub fn overrides(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !line.contains('{') {
        return out;
    }
    let mut i = 0;
    while let Some(off) = line[i..].find("{\\") {
        let s = i + off;
        match line[s..].find('}') {
            Some(len) => {
                out.push((s, s + len + 1));
                i = s + len + 1;
            }
            None => break,
        }
    }
    out
}

/// The displayed text of a line: tags and overrides removed.
pub fn visible(line: &str) -> Cow<'_, str> {
    if !line.contains(['<', '{']) {
        return Cow::Borrowed(line);
    }
    let mut spans: Vec<(usize, usize)> = tags(line).iter().map(|t| t.span).collect();
    spans.extend(overrides(line));
    spans.sort_unstable();
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (s, e) in spans {
        if s >= at {
            out.push_str(&line[at..s]);
            at = e;
        }
    }
    out.push_str(&line[at..]);
    Cow::Owned(out)
}

/// A line with its ruby (`<ruby>base<rt>reading</rt></ruby>`, WebVTT's)
/// as plain text: the reading in parentheses after its base, never glued
/// to it or to the next word. For SubRip, which has no ruby, and for
/// anything that shows text without markup.
pub fn ruby_as_text(line: &str) -> Cow<'_, str> {
    let found = tags(line);
    // An `<rt>` with no `<ruby>` open is plain text in SubRip, kept as it is.
    if !found.iter().any(|t| t.name == "ruby" && !t.closing) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 2);
    let (mut at, mut in_ruby, mut in_rt) = (0, false, false);
    for t in &found {
        let drop = match (t.name.as_str(), t.closing) {
            ("ruby", false) => {
                in_ruby = true;
                true
            }
            ("ruby", true) if in_ruby => true,
            ("rt", _) if in_ruby => true,
            _ => false,
        };
        if !drop {
            continue;
        }
        out.push_str(&line[at..t.span.0]);
        at = t.span.1;
        match (t.name.as_str(), t.closing) {
            ("rt", false) if !in_rt => {
                in_rt = true;
                out.push('(');
            }
            ("rt", true) | ("ruby", true) if in_rt => {
                in_rt = false;
                out.push(')');
            }
            _ => {}
        }
        if t.name == "ruby" && t.closing {
            in_ruby = false;
        }
    }
    out.push_str(&line[at..]);
    if in_rt {
        out.push(')');
    }
    Cow::Owned(out)
}

/// Displayed characters (grapheme clusters, control characters skipped).
pub fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    // Grapheme segmentation is slow; one char is one grapheme unless the
    // text has combining marks, joiners, selectors or jamo.
    let mut n = 0;
    for c in s.chars() {
        if extends_cluster(c) {
            return s
                .graphemes(true)
                .filter(|g| !g.chars().all(char::is_control))
                .count();
        }
        n += usize::from(!c.is_control());
    }
    n
}

/// A character that may join the grapheme before it (so chars != graphemes).
pub fn extends_cluster(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0DFF | 0x0E31..=0x0EFF | 0x1100..=0x11FF | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D | 0x20D0..=0x20FF | 0x302A..=0x302F | 0x3099..=0x309A | 0xD7B0..=0xD7FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0000..=0xE01EF)
}

/// Words, for the BBC words-per-minute limits.
pub fn word_count(s: &str) -> usize {
    s.unicode_words().count()
}

/// Tags screenkit knows how to pair.
pub const PAIRED: [&str; 5] = ["i", "b", "u", "s", "font"];

/// Problems with the pairing of `<i>`, `<b>`, `<u>`, `<s>`, `<font>` across a
/// cue's lines: (line index, description).
pub fn tag_balance<S: AsRef<str>>(lines: &[S]) -> Vec<(usize, String)> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        for t in tags(line.as_ref())
            .into_iter()
            .filter(|t| PAIRED.contains(&t.name.as_str()))
        {
            if !t.closing {
                stack.push((t.name, li));
            } else if stack.last().is_some_and(|(n, _)| *n == t.name) {
                stack.pop();
            } else if stack.iter().any(|(n, _)| *n == t.name) {
                let top = stack.last().map(|(n, _)| n.clone()).unwrap_or_default();
                problems.push((
                    li,
                    format!("</{}> closes before <{top}> (mis-nested)", t.name),
                ));
                stack.retain(|(n, _)| *n != t.name);
            } else {
                problems.push((li, format!("</{}> has no opening <{}>", t.name, t.name)));
            }
        }
    }
    for (name, li) in stack {
        problems.push((li, format!("<{name}> is never closed")));
    }
    problems
}

/// Rewrite a cue's lines so paired tags balance and nest: stray closers are
/// dropped, a closer that skips open tags closes them first (and their own
/// later closers are dropped), and tags left open are closed at the end.
/// Text is never changed.
pub fn balance_tags<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut pending_drop: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        let line = line.as_ref();
        let mut s = String::with_capacity(line.len() + 8);
        let mut at = 0;
        for t in tags(line) {
            if !PAIRED.contains(&t.name.as_str()) {
                continue;
            }
            s.push_str(&line[at..t.span.0]);
            at = t.span.1;
            let tag_text = &line[t.span.0..t.span.1];
            if !t.closing {
                stack.push(t.name);
                s.push_str(tag_text);
            } else if let Some(k) = stack.iter().rposition(|n| *n == t.name) {
                for n in stack.drain(k + 1..).rev() {
                    s.push_str(&format!("</{n}>"));
                    pending_drop.push(n);
                }
                stack.pop();
                s.push_str(tag_text);
            } else if let Some(k) = pending_drop.iter().position(|n| *n == t.name) {
                pending_drop.remove(k);
            }
        }
        s.push_str(&line[at..]);
        out.push(s);
    }
    if let Some(last) = out.last_mut() {
        for n in stack.iter().rev() {
            last.push_str(&format!("</{n}>"));
        }
    }
    out
}

/// Characters that display as nothing (or break lines) and confuse players.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{FEFF}' | '\u{00AD}' | '\u{2060}')
}

/// A fixed text line must never read back as a time line (that would end
/// the cue early on the next read), so cleaning that would make one is not done.
fn safe(lines: Vec<String>) -> Option<Vec<String>> {
    (!lines.iter().any(|l| crate::time::looks_like_time_line(l))).then_some(lines)
}

/// One text line, cleaned: U+2028/U+2029, `\N`, `\n` and `[br]` become line
/// breaks, `\h` a no-break space; invisible characters go; spaces are trimmed
/// and collapsed; empty results vanish. `None` when the result would read
/// back as a time line (the line is then left as it is).
pub fn clean_line(line: &str) -> Option<Vec<String>> {
    let mut l = line
        .replace(['\u{2028}', '\u{2029}'], "\n")
        .replace("\\N", "\n")
        .replace("\\n", "\n")
        .replace("\\h", "\u{a0}")
        .replace("[br]", "\n");
    l.retain(|ch| !is_invisible(ch));
    // A line blank as the reader sees it (Unicode whitespace, such as the
    // no-break spaces `\h` becomes) would read back as the end of the cue.
    safe(
        l.split('\n')
            .map(tidy_spaces)
            .filter(|p| !p.trim().is_empty())
            .collect(),
    )
}

/// Trim both ends, turn tabs into spaces, collapse runs of spaces.
fn tidy_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `balance_tags` repeated until nothing changes, minus lines it emptied (a
/// line that held only a stray closer would read back as the end of the
/// cue). Repeating matters: dropping a stray `</font>` can expose a new
/// `<font …>` whose `>` was further along the line. `None` when it does not
/// settle, or when the result would read back as a time line.
pub fn balanced_lines<S: AsRef<str>>(lines: &[S]) -> Option<Vec<String>> {
    let mut cur: Vec<String> = lines.iter().map(|l| l.as_ref().to_string()).collect();
    for _ in 0..8 {
        let mut next = balance_tags(&cur);
        next.retain(|l| !l.is_empty());
        if next == cur {
            return safe(cur);
        }
        cur = next;
    }
    None
}

/// CJK ideographs, kana and hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x20000..=0x2FFFF)
}

/// Full-width and CJK punctuation (`，。：！？“”` as typed by Chinese IMEs).
pub fn is_fullwidth_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Why a line looks mis-decoded, with the text it probably should have been.
pub fn mojibake(line: &str) -> Option<String> {
    if line.is_ascii() {
        return None;
    }
    if line.contains('\u{FFFD}') {
        return Some("contains U+FFFD replacement characters: bytes that could not be decoded (try --encoding)".into());
    }
    if line.contains("锟斤拷") {
        return Some(
            "contains '锟斤拷', the trace of U+FFFD saved in UTF-8 and read as GBK".into(),
        );
    }
    utf8_as_cp1252(line)
        .or_else(|| utf8_as_gbk(line))
        .or_else(|| gbk_as_latin(line))
}

fn non_ascii_runs(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_ascii()).filter(|r| !r.is_empty())
}

/// The characters windows-1252 puts at bytes 0x80…0x9F.
const CP1252_HIGH: [char; 27] = [
    '€', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 'Ž', '‘', '’', '“', '”', '•', '–',
    '—', '˜', '™', 'š', '›', 'œ', 'ž', 'Ÿ',
];

/// `Ã©`, `â€™`: UTF-8 bytes shown as windows-1252.
fn utf8_as_cp1252(line: &str) -> Option<String> {
    // A UTF-8 lead byte shown as cp1252 (Â…ô) followed by a continuation
    // byte shown as cp1252 (U+00A0…U+00BF or one of its 0x80…0x9F marks).
    let lead = |c: char| matches!(c as u32, 0xC2..=0xF4);
    let cont = |c: char| matches!(c as u32, 0xA0..=0xBF) || CP1252_HIGH.contains(&c);
    let mut prev = ' ';
    if !line.chars().any(|c| {
        let hit = lead(prev) && cont(c);
        prev = c;
        hit
    }) {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(line);
    if unmappable {
        return None;
    }
    let fixed = std::str::from_utf8(&bytes).ok()?;
    (fixed != line)
        .then(|| format!("looks like UTF-8 read as windows-1252; probably meant: {fixed}"))
}

/// `鈥檚`: UTF-8 punctuation bytes shown as GBK. Runs may swallow one ASCII
/// byte (the GBK trail byte), so each non-ASCII run is tested with the byte
/// that follows it.
fn utf8_as_gbk(line: &str) -> Option<String> {
    if !line.chars().any(is_cjk) {
        return None;
    }
    for run in non_ascii_runs(line) {
        let start = run.as_ptr() as usize - line.as_ptr() as usize;
        let end = (start + run.len() + 1).min(line.len());
        let cand = line.get(start..end).unwrap_or(run);
        for c in [cand, run] {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(c);
            if unmappable {
                continue;
            }
            if let Ok(s) = std::str::from_utf8(&bytes)
                && s.chars().any(|ch| matches!(ch as u32, 0x2000..=0x206F))
            {
                let meant = format!("{}{s}{}", &line[..start], &line[start + c.len()..]);
                return Some(format!(
                    "looks like UTF-8 read as GBK; probably meant: {meant}"
                ));
            }
        }
    }
    None
}

/// `ÖÐÎÄ`: Chinese GBK bytes shown as a Latin code page.
fn gbk_as_latin(line: &str) -> Option<String> {
    for run in non_ascii_runs(line).filter(|r| r.chars().count() >= 4) {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(run);
        if unmappable {
            continue;
        }
        let (s, _, errors) = encoding_rs::GBK.decode(&bytes);
        if !errors && s.chars().all(is_cjk) {
            return Some(format!(
                "looks like Chinese (GBK) read as windows-1252; probably meant: {s} (try --encoding gbk)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_reads_as_base_then_reading() {
        assert_eq!(
            ruby_as_text("<ruby>漢字<rt>かんじ</rt></ruby> and <ruby>over<rt>ruby</ruby>!"),
            "漢字(かんじ) and over(ruby)!"
        );
        assert_eq!(ruby_as_text("<i>no ruby</i>"), "<i>no ruby</i>");
        assert_eq!(ruby_as_text("<ruby>a<rt>b"), "a(b)");
        // Outside a ruby, `<rt>` is text a SubRip file happens to hold.
        assert_eq!(ruby_as_text("<rt>"), "<rt>");
        assert_eq!(
            ruby_as_text("a <rt>b</rt> <ruby>c<rt>d</rt></ruby>"),
            "a <rt>b</rt> c(d)"
        );
    }

    #[test]
    fn tags_and_visible_text() {
        let l = r#"<font color="red">Hi</font> 2 < 3 {\an8}<i>x</i>"#;
        let names: Vec<_> = tags(l)
            .iter()
            .map(|t| (t.name.clone(), t.closing))
            .collect();
        assert_eq!(
            names,
            [
                ("font".into(), false),
                ("font".into(), true),
                ("i".into(), false),
                ("i".into(), true)
            ]
        );
        assert_eq!(visible(l), "Hi 2 < 3 x");
        assert_eq!(char_count("naïve café"), 10);
        assert_eq!(char_count("中文字幕"), 4);
    }

    #[test]
    fn balance_detects_and_repairs() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let cases: [(&[&str], &[&str], usize); 5] = [
            (&["<i>ok</i>"], &["<i>ok</i>"], 0),
            (&["<i>open"], &["<i>open</i>"], 1),
            (&["<b><i>x</b></i>"], &["<b><i>x</i></b>"], 1),
            (&["stray</i>"], &["stray"], 1),
            (&["<i>two", "lines</i>"], &["<i>two", "lines</i>"], 0),
        ];
        for (input, fixed, problems) in cases {
            assert_eq!(tag_balance(&v(input)).len(), problems, "{input:?}");
            let out = balance_tags(&v(input));
            assert_eq!(out, v(fixed), "{input:?}");
            assert!(tag_balance(&out).is_empty(), "{out:?}");
            assert_eq!(balance_tags(&out), out, "idempotent");
        }
    }

    #[test]
    fn mojibake_kinds() {
        assert!(mojibake("CafÃ© au lait").unwrap().contains("Café"));
        assert!(mojibake("It鈥檚 late").unwrap().contains("It’s"));
        assert!(mojibake("ÖÐÎÄ×ÖÄ»").unwrap().contains("GBK"));
        assert!(mojibake("bad \u{FFFD} byte").is_some());
        for ok in [
            "Café au lait",
            "“Quoted” – dash…",
            "中文字幕",
            "Ça va? Très bien.",
            "Привет",
        ] {
            assert_eq!(mojibake(ok), None, "{ok}");
        }
    }

    #[test]
    fn cjk_classes() {
        assert!(is_cjk('中') && is_cjk('の') && !is_cjk('a'));
        assert!(is_fullwidth_punct('，') && is_fullwidth_punct('。') && !is_fullwidth_punct(','));
    }
}
