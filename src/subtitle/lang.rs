//! Bilingual cues (a Chinese line and an English one, as fansubs make
//! them): found by the script of each line, and split into one track per
//! language with the same timings.

use super::markup::{balance_tags, is_cjk, visible};
use super::{Cue, Track};

/// The script a text line is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Holds Chinese (or other CJK) characters.
    Cjk,
    /// Latin letters and no CJK.
    Latin,
    /// Neither: punctuation, digits, a music note.
    Other,
}

/// The script of a line as shown (tags and overrides left out).
pub fn script(line: &str) -> Script {
    let shown = visible(line);
    if shown.chars().any(is_cjk) {
        Script::Cjk
    } else if shown.chars().any(|c| c.is_alphabetic()) {
        Script::Latin
    } else {
        Script::Other
    }
}

/// The index of the first CJK line of a cue that also has a Latin line.
pub fn bilingual(c: &Cue) -> Option<usize> {
    let mut cjk = None;
    let mut latin = false;
    for (i, l) in c.lines().enumerate() {
        match script(l) {
            Script::Cjk => {
                cjk.get_or_insert(i);
            }
            Script::Latin => latin = true,
            Script::Other => {}
        }
    }
    cjk.filter(|_| latin)
}

/// A track split by script: the English (Latin) lines and the Chinese
/// (CJK) lines of each cue, same timings. A cue with no line of a language
/// is left out of that track; lines of neither script go to both.
#[derive(Debug, Clone)]
pub struct Split {
    pub en: Track,
    pub zh: Track,
}

/// Split every cue's lines by script.
pub fn split(track: &Track) -> Split {
    let (mut en, mut zh) = (Vec::new(), Vec::new());
    for c in &track.cues {
        // A position tag belongs to the cue, not to the line it opens.
        let mut lines: Vec<String> = c.lines().map(str::to_string).collect();
        let pos = lines.first_mut().and_then(|first| {
            let end = first
                .starts_with("{\\an")
                .then(|| first.find('}'))
                .flatten()?;
            let tag = first[..=end].to_string();
            first.replace_range(..=end, "");
            Some(tag)
        });
        // Balanced first, so that a tag opened on one line and closed on
        // another is closed on each.
        let lines: Vec<String> = balance_per_line(&lines);
        for (want, out) in [(Script::Latin, &mut en), (Script::Cjk, &mut zh)] {
            let kept: Vec<&String> = lines
                .iter()
                .filter(|l| matches!(script(l), s if s == want || s == Script::Other))
                .collect();
            if !kept.iter().any(|l| script(l) == want) {
                continue;
            }
            let mut text = pos.clone().unwrap_or_default();
            for (i, l) in kept.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(l);
            }
            out.push(Cue::new(c.start, c.end, &text));
        }
    }
    Split {
        en: Track::from_cues(en),
        zh: Track::from_cues(zh),
    }
}

/// Each line with its own tags balanced: what was open at its start is
/// opened again, what is open at its end is closed.
fn balance_per_line(lines: &[String]) -> Vec<String> {
    let balanced = balance_tags(lines);
    let mut open: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(balanced.len());
    for l in balanced {
        let mut line: String = open.iter().map(|t| format!("<{t}>")).collect();
        line.push_str(&l);
        for t in super::markup::tags(&l) {
            if !super::markup::PAIRED.contains(&t.name.as_str()) {
                continue;
            }
            if t.closing {
                if let Some(k) = open.iter().rposition(|n| *n == t.name) {
                    open.remove(k);
                }
            } else {
                open.push(t.name);
            }
        }
        for t in open.iter().rev() {
            line.push_str(&format!("</{t}>"));
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    #[test]
    fn lines_are_split_by_script_with_the_position_kept() {
        let t = Track::from_cues(vec![
            Cue::new(
                Timestamp(0),
                Timestamp(1000),
                "{\\an8}<i>我们回家吧。\nLet's go home.</i>",
            ),
            Cue::new(Timestamp(2000), Timestamp(3000), "English only"),
            Cue::new(Timestamp(4000), Timestamp(5000), "只有中文\n♪"),
        ]);
        assert_eq!(bilingual(&t.cues[0]), Some(0));
        assert_eq!(bilingual(&t.cues[1]), None);
        assert_eq!(bilingual(&t.cues[2]), None);
        let s = split(&t);
        let en: Vec<&str> = s.en.cues.iter().map(Cue::text).collect();
        let zh: Vec<&str> = s.zh.cues.iter().map(Cue::text).collect();
        assert_eq!(en, ["{\\an8}<i>Let's go home.</i>", "English only"]);
        assert_eq!(zh, ["{\\an8}<i>我们回家吧。</i>", "只有中文\n♪"]);
        assert_eq!(s.zh.cues[1].start, Timestamp(4000));
    }
}
