//! Words for a POSIX shell, for the commands screenkit suggests (`screenkit
//! check OUT`, `ffmpeg -i IN … OUT`): a path is shown as it is when that is
//! safe to paste, else in single quotes, so a suggestion can be copied as is.

use std::path::Path;

/// `s` as one shell word: unchanged when every character is safe, else in
/// single quotes (a quote inside becomes `'\''`).
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./,:+@%=".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A path as one shell word.
pub fn quote_path(p: &Path) -> String {
    quote(&p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("dir/talk.fixed.srt"), "dir/talk.fixed.srt");
        assert_eq!(quote("my talk.srt"), "'my talk.srt'");
        assert_eq!(quote("it's.srt"), r"'it'\''s.srt'");
        assert_eq!(quote("$x.srt"), "'$x.srt'");
        assert_eq!(quote(""), "''");
    }
}
