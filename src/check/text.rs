//! Text rules: layout (QC-RULES.md §2.4), markup (§2.5), invisible
//! characters (F07), escaped breaks (S09), and the mission's language checks
//! (`untranslated`, `mojibake`, `advert`).

use super::profile::Limits;
use super::rules::{Finding, Message, Rule, Severity, num};
use crate::subtitle::Cue;
use crate::subtitle::markup::{
    PAIRED, balanced_lines, char_count, clean_line, extends_cluster, is_cjk, is_fullwidth_punct,
    is_invisible, mojibake, overrides, tag_balance, tags, visible,
};
use crate::subtitle::parse::is_blank;

/// Literal escapes from ASS or other formats.
pub const ESCAPED_BREAKS: [&str; 4] = ["\\N", "\\n", "\\h", "[br]"];

const ADVERT_MARKS: [&str; 7] = [
    "www.",
    "http://",
    "https://",
    "downloaded from",
    "subtitles by",
    "synced by",
    "opensubtitles",
];

/// Whether a line holds an advert mark, ignoring ASCII case.
///
/// Every position is first tested, without branching, for the first two
/// letters of some mark; only the rare candidates are compared in full.
/// This beats a general matcher on short lines and has no branch per mark
/// letter to mispredict (benches/README.md).
pub fn has_advert(line: &str) -> bool {
    let b = line.as_bytes();
    let pairs = b.windows(2).fold(0u8, |hit, w| hit | mark_pair(w[0], w[1]));
    pairs != 0 && advert_at_pairs(b)
}

/// Bit `k` is set when `a`, `b` can be the first two letters of mark `k`.
fn mark_pair(a: u8, b: u8) -> u8 {
    MARK_FIRST[usize::from(a)] & MARK_SECOND[usize::from(b)]
}

/// The full comparison, at the positions where a mark could start.
fn advert_at_pairs(b: &[u8]) -> bool {
    (0..b.len().saturating_sub(1)).any(|i| {
        let bits = mark_pair(b[i], b[i + 1]);
        bits != 0
            && ADVERT_MARKS.iter().enumerate().any(|(k, m)| {
                bits & (1 << k) != 0
                    && b.get(i..i + m.len())
                        .is_some_and(|at| at.eq_ignore_ascii_case(m.as_bytes()))
            })
    })
}

/// Per byte, the marks (as bits) whose letter `n` it is, in either case.
const fn mark_letters(n: usize) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < ADVERT_MARKS.len() {
        let c = ADVERT_MARKS[k].as_bytes()[n];
        t[c as usize] |= 1 << k;
        t[c.to_ascii_uppercase() as usize] |= 1 << k;
        k += 1;
    }
    t
}

static MARK_FIRST: [u8; 256] = mark_letters(0);
static MARK_SECOND: [u8; 256] = mark_letters(1);

/// What one pass over a line found, so each rule runs only where it can hit.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    non_ascii: bool,
    angle: bool,
    brace: bool,
    escape: bool,
    amp: bool,
    double_space: bool,
    tab: bool,
    invisible: Option<char>,
    cjk: bool,
    fullwidth: bool,
    /// Worth running the mojibake heuristics.
    suspect: bool,
    /// `char_count(line)`, unless the line needs grapheme segmentation.
    chars: Option<usize>,
    /// Some two bytes in a row could begin an advert mark.
    mark_pair: bool,
}

const ANGLE: u8 = 1;
const BRACE: u8 = 2;
const ESCAPE: u8 = 4;
const AMP: u8 = 8;
const TAB: u8 = 16;
const HIGH: u8 = 32;
const CONTROL: u8 = 64;
const SPACE: u8 = 128;

/// Byte classes: the pass ORs one table entry per byte, with no branches.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'<' as usize] = ANGLE;
    t[b'>' as usize] = ANGLE;
    t[b'{' as usize] = BRACE;
    t[b'\\' as usize] = ESCAPE;
    t[b'[' as usize] = ESCAPE;
    t[b'&' as usize] = AMP;
    t[b' ' as usize] = SPACE;
    let mut b = 0;
    while b < 0x20 {
        t[b] = CONTROL;
        b += 1;
    }
    t[0x7f] = CONTROL;
    t[b'\t' as usize] = TAB | CONTROL;
    let mut b = 0x80;
    while b < 256 {
        t[b] = HIGH;
        b += 1;
    }
    t
};

fn scan(line: &str) -> Scan {
    let bytes = line.as_bytes();
    // `double` collects classes seen in two bytes in a row (only SPACE is read).
    let (mut flags, mut double, mut prev, mut pairs, mut prev_byte) = (0u8, 0u8, 0u8, 0u8, 0u8);
    for &b in bytes {
        let class = CLASS[b as usize];
        flags |= class;
        double |= class & prev;
        prev = class;
        pairs |= mark_pair(prev_byte, b);
        prev_byte = b;
    }
    let controls = if flags & CONTROL != 0 {
        bytes.iter().filter(|&&b| b < 0x20 || b == 0x7f).count()
    } else {
        0
    };
    let mut s = Scan {
        non_ascii: flags & HIGH != 0,
        angle: flags & ANGLE != 0,
        brace: flags & BRACE != 0,
        escape: flags & ESCAPE != 0,
        amp: flags & AMP != 0,
        double_space: double & SPACE != 0,
        tab: flags & TAB != 0,
        chars: Some(bytes.len() - controls),
        mark_pair: pairs != 0,
        ..Scan::default()
    };
    if s.non_ascii {
        // ASCII bytes were counted above; only the other characters are
        // decoded, one at a time, where they start.
        let (mut prev, mut latin_run, mut clusters) = (' ', 0, false);
        let (mut high_bytes, mut high_shown, mut i) = (0, 0, 0);
        while i < bytes.len() {
            if bytes[i] < 0x80 {
                (prev, latin_run) = (char::from(bytes[i]), 0);
                i += 1;
                continue;
            }
            let Some(c) = line[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            high_bytes += c.len_utf8();
            high_shown += usize::from(!c.is_control());
            // Accented Latin letters (below U+0300) are nearly every
            // non-ASCII character of a European track: of the classes
            // below, only the soft hyphen (U+00AD, invisible) lives there.
            if (c as u32) < 0x300 {
                if c == '\u{AD}' && s.invisible.is_none() {
                    s.invisible = Some(c);
                }
            } else {
                clusters |= extends_cluster(c);
                if s.invisible.is_none() && is_invisible(c) {
                    s.invisible = Some(c);
                }
                s.cjk |= is_cjk(c);
                s.fullwidth |= is_fullwidth_punct(c);
            }
            latin_run = if (c as u32) < 0x100 { latin_run + 1 } else { 0 };
            s.suspect |= c == '\u{FFFD}'
                || latin_run >= 2
                || (matches!(prev as u32, 0xC2..=0xF4) && (c as u32) > 0xFF);
            prev = c;
        }
        s.suspect |= s.cjk;
        s.chars = (!clusters).then_some(bytes.len() - high_bytes - controls + high_shown);
    }
    s
}

/// Run the text rules on one cue; returns its displayed character count.
pub fn check(c: &Cue, lim: &Limits, out: &mut Vec<Finding>) -> usize {
    let mut total = 0;
    let mut add = |rule, severity, i: usize, message: Message, fixable| {
        out.push(Finding {
            rule,
            severity,
            line: num(c.text_line(i)),
            cue: Some(num(c.pos + 1)),
            message,
            fixable,
        });
    };
    let (mut tagged, mut lines) = (false, 0);
    for (i, line) in c.lines().enumerate() {
        lines += 1;
        let sc = scan(line);
        tagged |= sc.angle;
        let shown = if sc.angle || sc.brace {
            visible(line)
        } else {
            std::borrow::Cow::Borrowed(line)
        };
        // Counted in the scan, unless tags hide characters or graphemes
        // span several chars.
        let n = match sc.chars {
            Some(n) if !(sc.angle || sc.brace) => n,
            _ => char_count(&shown),
        };
        total += n;
        if is_blank(line) {
            continue;
        }
        if n > lim.max_line_chars {
            let sev = if lim.max_line_chars_error.is_some_and(|e| n > e) {
                Severity::Error
            } else {
                Severity::Warning
            };
            add(
                Rule::LineTooLong,
                sev,
                i,
                Message::LineTooLong {
                    chars: n,
                    max: lim.max_line_chars,
                },
                false,
            );
        }
        whitespace(line, &sc, i, &mut add);
        if let Some(ch) = sc.invisible {
            add(
                Rule::InvisibleChar,
                Severity::Warning,
                i,
                format!("invisible character U+{:04X}", ch as u32).into(),
                clean_line(line).is_some(),
            );
        }
        let escaped = sc
            .escape
            .then(|| ESCAPED_BREAKS.iter().find(|e| line.contains(**e)));
        if let Some(esc) = escaped.flatten() {
            add(
                Rule::EscapedBreak,
                Severity::Warning,
                i,
                format!("literal '{esc}' shows as text in SRT players").into(),
                clean_line(line).is_some(),
            );
        }
        if sc.angle || sc.brace || sc.amp {
            markup(line, &shown, i, lim, &mut add);
        }
        language(&shown, &sc, i, &mut add);
    }
    // Blank lines inside a cue take screen height too in players that keep them.
    let shown_lines = if c.is_empty() { 0 } else { lines };
    if shown_lines > lim.max_lines {
        let sev = if lim.too_many_lines_is_error {
            Severity::Error
        } else {
            Severity::Warning
        };
        add(
            Rule::TooManyLines,
            sev,
            0,
            format!("{shown_lines} lines (maximum {})", lim.max_lines).into(),
            false,
        );
    }
    if !tagged {
        return total;
    }
    let lines: Vec<&str> = c.lines().collect();
    let problems = tag_balance(&lines);
    let fixable = !problems.is_empty() && balanced_lines(&lines).is_some();
    for (i, problem) in problems {
        add(
            Rule::UnbalancedTags,
            Severity::Error,
            i,
            problem.into(),
            fixable,
        );
    }
    total
}

type Add<'a> = dyn FnMut(Rule, Severity, usize, Message, bool) + 'a;

fn whitespace(line: &str, sc: &Scan, i: usize, add: &mut Add<'_>) {
    let what = if line.starts_with([' ', '\t']) {
        "space at the start of the line"
    } else if line.ends_with([' ', '\t']) {
        "space at the end of the line"
    } else if sc.double_space {
        "two spaces in a row"
    } else if sc.tab {
        "tab character"
    } else {
        return;
    };
    add(
        Rule::Whitespace,
        Severity::Info,
        i,
        what.into(),
        clean_line(line).is_some(),
    );
}

fn markup(line: &str, shown: &str, i: usize, lim: &Limits, add: &mut Add<'_>) {
    for t in tags(line) {
        let named_colour = t.name == "font" && named_font_colour(t.raw);
        let (ok, sev) = match t.name.as_str() {
            // Ruby comes from WebVTT; SubRip output gets the reading in
            // parentheses.
            "i" | "b" | "u" | "ruby" | "rt" => (true, Severity::Warning),
            "font" if named_colour && lim.strict_syntax => (false, Severity::Error),
            _ if PAIRED.contains(&t.name.as_str()) => (false, Severity::Warning),
            _ => (false, Severity::Warning),
        };
        if !ok && !t.closing {
            let why = if named_colour && lim.strict_syntax {
                "DCP-o-matic rejects the whole file on a colour that is not #rrggbb"
            } else if PAIRED.contains(&t.name.as_str()) {
                "not shown by WebVTT players and against Netflix style"
            } else {
                "unknown tag; players show it as text or drop it"
            };
            add(
                Rule::UnsupportedTags,
                sev,
                i,
                format!("<{}>: {why}", t.raw).into(),
                false,
            );
        }
    }
    for (s, e) in overrides(line) {
        let o = &line[s..e];
        if o != "{\\an8}" && o != "{\\an2}" {
            add(
                Rule::UnsupportedTags,
                Severity::Warning,
                i,
                format!("ASS override {o}: only {{\\an8}} (top) and {{\\an2}} are safe").into(),
                false,
            );
        }
    }
    if shown.trim_start().starts_with(">>") {
        add(
            Rule::Chevrons,
            Severity::Info,
            i,
            "'>>' speaker chevrons (a TV-caption habit)".into(),
            false,
        );
    } else if shown.contains(['<', '>']) {
        add(
            Rule::Chevrons,
            Severity::Info,
            i,
            "bare '<' or '>' in the text; some players take it for a tag".into(),
            false,
        );
    }
    if let Some(ent) = html_entity(line) {
        add(
            Rule::HtmlEntity,
            Severity::Warning,
            i,
            format!("HTML entity '{ent}'").into(),
            false,
        );
    }
}

fn named_font_colour(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    let Some(at) = lower.find("color") else {
        return false;
    };
    let v = lower[at + 5..].trim_start_matches([' ', '=', '"', '\'']);
    !(v.starts_with('#') || v.starts_with("rgba("))
}

fn html_entity(line: &str) -> Option<&str> {
    let mut i = 0;
    while let Some(off) = line[i..].find('&') {
        let s = i + off;
        let rest = &line[s + 1..];
        let len = rest.find(';').filter(|&n| (2..=8).contains(&n))?;
        let body = &rest[..len];
        let named = body.bytes().all(|b| b.is_ascii_alphabetic());
        let numeric = body
            .strip_prefix('#')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphanumeric()));
        if named || numeric {
            return Some(&line[s..s + len + 2]);
        }
        i = s + 1;
    }
    None
}

fn language(shown: &str, sc: &Scan, i: usize, add: &mut Add<'_>) {
    if let Some(why) = sc.suspect.then(|| mojibake(shown)).flatten() {
        add(Rule::Mojibake, Severity::Error, i, why.into(), false);
    } else if sc.non_ascii {
        if sc.cjk {
            let cjk: String = shown.chars().filter(|&c| is_cjk(c)).take(12).collect();
            add(
                Rule::Untranslated,
                Severity::Warning,
                i,
                format!("Chinese/CJK text in an English track: '{cjk}'").into(),
                false,
            );
        } else if let Some(p) = shown
            .chars()
            .find(|&c| sc.fullwidth && is_fullwidth_punct(c))
        {
            add(
                Rule::Untranslated,
                Severity::Warning,
                i,
                format!("full-width punctuation '{p}' (use the ASCII form)").into(),
                false,
            );
        }
    }
    // Without tags the line is what shows, and the scan has done the prefilter.
    let advert = if sc.angle || sc.brace {
        has_advert(shown)
    } else {
        sc.mark_pair && advert_at_pairs(shown.as_bytes())
    };
    if advert {
        add(
            Rule::Advert,
            Severity::Info,
            i,
            "looks like an advert or credit line".into(),
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_scan_counts_what_char_count_counts(line in "\\PC{0,60}|[a-z \t\u{7f}\u{80}-\u{9f}é\u{ad}\u{2ff}\u{300}\u{301}\u{200b}\u{200d}\u{3001}\u{ff01}中<>{}&\\\\]{0,40}") {
            let sc = scan(&line);
            if let Some(n) = sc.chars {
                proptest::prop_assert_eq!(n, char_count(&line));
            }
            proptest::prop_assert_eq!(sc.chars.is_some(), !line.chars().any(extends_cluster));
            proptest::prop_assert_eq!(sc.invisible, line.chars().find(|&c| is_invisible(c)));
            proptest::prop_assert_eq!(sc.cjk, line.chars().any(is_cjk));
            proptest::prop_assert_eq!(sc.fullwidth, line.chars().any(is_fullwidth_punct));
            proptest::prop_assert_eq!(sc.double_space, line.contains("  "));
            proptest::prop_assert_eq!(sc.angle, line.contains(['<', '>']));
            proptest::prop_assert_eq!(sc.non_ascii, !line.is_ascii());
        }
    }

    proptest::proptest! {
        #[test]
        fn the_advert_search_finds_what_aho_corasick_finds(
            line in "[a-zA-Z .:/]{0,30}(www|WwW|http|Https|://|downloaded from|SUBTITLES BY|synced by|OpenSubtitles|sub|syn|dow)?[a-z .é]{0,10}"
        ) {
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(ADVERT_MARKS)
                .unwrap();
            proptest::prop_assert_eq!(has_advert(&line), ac.is_match(&line));
            // The scan's prefilter, used on lines without tags, agrees too.
            let sc = scan(&line);
            proptest::prop_assert_eq!(sc.mark_pair && advert_at_pairs(line.as_bytes()), ac.is_match(&line));
        }
    }

    #[test]
    fn advert_marks_are_found_anywhere() {
        assert!(has_advert("Downloaded From www.example.com"));
        assert!(has_advert("synced BY x"));
        assert!(has_advert("ww http://"));
        assert!(!has_advert("a wow, how do sub opera"));
        assert!(!has_advert("w"));
    }

    #[test]
    fn the_scan_leaves_graphemes_to_char_count() {
        assert_eq!(scan("cafe\u{301}").chars, None);
        assert_eq!(scan("café\u{85}\t").chars, Some(4));
        assert_eq!(scan("a  b\u{7f}").chars, Some(4));
    }

    #[test]
    fn entities_and_colours() {
        assert_eq!(html_entity("a &amp; b"), Some("&amp;"));
        assert_eq!(html_entity("&#39;"), Some("&#39;"));
        assert_eq!(html_entity("fish & chips; yes"), None);
        assert!(named_font_colour("font color=\"red\""));
        assert!(named_font_colour("font color=00ff00"));
        assert!(!named_font_colour("font color=\"#00ff00\""));
        assert!(!named_font_colour("font size=\"20\""));
    }
}
