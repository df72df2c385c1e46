//! Text rules: layout (QC-RULES.md §2.4), markup (§2.5), invisible
//! characters (F07), escaped breaks (S09), and the mission's language checks
//! (`untranslated`, `mojibake`, `advert`).

use super::profile::Limits;
use super::rules::{Finding, Message, Rule, Severity};
use crate::subtitle::Cue;
use crate::subtitle::markup::{
    PAIRED, balanced_lines, char_count, clean_line, is_cjk, is_fullwidth_punct, is_invisible,
    mojibake, overrides, tag_balance, tags, visible,
};

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

/// One case-insensitive pass over a line finds any advert mark.
static ADVERTS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(ADVERT_MARKS)
        .expect("static patterns build")
});

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
}

fn scan(line: &str) -> Scan {
    let mut s = Scan::default();
    let mut prev = 0u8;
    for &b in line.as_bytes() {
        match b {
            b'<' | b'>' => s.angle = true,
            b'{' => s.brace = true,
            b'\\' | b'[' => s.escape = true,
            b'&' => s.amp = true,
            b' ' if prev == b' ' => s.double_space = true,
            b'\t' => s.tab = true,
            0x80.. => s.non_ascii = true,
            _ => {}
        }
        prev = b;
    }
    if s.non_ascii {
        let (mut prev, mut latin_run) = (' ', 0);
        for c in line.chars() {
            if c.is_ascii() {
                (prev, latin_run) = (c, 0);
                continue;
            }
            if s.invisible.is_none() && is_invisible(c) {
                s.invisible = Some(c);
            }
            s.cjk |= is_cjk(c);
            s.fullwidth |= is_fullwidth_punct(c);
            latin_run = if (c as u32) < 0x100 { latin_run + 1 } else { 0 };
            s.suspect |= c == '\u{FFFD}'
                || latin_run >= 2
                || (matches!(prev as u32, 0xC2..=0xF4) && (c as u32) > 0xFF);
            prev = c;
        }
        s.suspect |= s.cjk;
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
            line: c.text_line(i),
            cue: Some(c.pos + 1),
            message,
            fixable,
        });
    };
    // Blank lines inside a cue take screen height too in players that keep them.
    let shown_lines = if c.is_empty() { 0 } else { c.line_count() };
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
    let mut tagged = false;
    for (i, line) in c.lines().enumerate() {
        let sc = scan(line);
        tagged |= sc.angle;
        let shown = if sc.angle || sc.brace {
            visible(line)
        } else {
            std::borrow::Cow::Borrowed(line)
        };
        let n = char_count(&shown);
        total += n;
        if line.trim().is_empty() {
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
        if let Some(esc) = ESCAPED_BREAKS
            .iter()
            .find(|e| sc.escape && line.contains(**e))
        {
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
            "i" | "b" | "u" => (true, Severity::Warning),
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
    if ADVERTS.is_match(shown) {
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
