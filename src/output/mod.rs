//! Everything that reaches the terminal goes through `Printer`: results on
//! stdout, diagnostics on stderr, colour decided once (TTY, `NO_COLOR`,
//! `TERM=dumb`, `--color`), `--quiet` honoured, a closed pipe exits quietly.

pub mod json;
pub mod progress;

use crate::cli::ColorWhen;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};

/// Characters a name must never send to a terminal raw: C0 controls, DEL,
/// C1 controls (an ESC or CSI starts a sequence that can set the title or
/// rewrite the screen), and the bidi overrides and isolates that make text
/// read in another order than it is.
fn is_unsafe_char(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_char(c: char, out: &mut String) {
    use std::fmt::Write as _;
    let _ = if (c as u32) < 0x100 {
        write!(out, "\\x{:02x}", c as u32)
    } else {
        write!(out, "\\u{{{:x}}}", c as u32)
    };
}

/// "1 file", "3 files": a count with its noun, for sentences.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A path or name as printed in human output: every control character and
/// bidi override escaped (`\x1b`, `\u{202e}`), the rest as it is.
/// `--json` needs none of this: serde escapes controls itself.
pub fn name(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            escape_char(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`name`] for a path.
pub fn path(p: &std::path::Path) -> String {
    name(&p.to_string_lossy()).into_owned()
}

/// A whole line about to be printed, as a last guard for any name that
/// reached it without [`name`]: line breaks and tabs stay, and with colour
/// on, the `ESC [ … m` styles `paint` makes; every other unsafe character
/// is escaped.
fn guard(s: &str, color: bool) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| is_unsafe_char(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if color && c == '\x1b' {
            let body = &rest[1..];
            let sgr = body.strip_prefix('[').and_then(|b| {
                let n = b.find(|c: char| !c.is_ascii_digit() && c != ';')?;
                (b.as_bytes()[n] == b'm').then_some(n + 3)
            });
            if let Some(len) = sgr {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if is_unsafe_char(c) && c != '\n' && c != '\t' {
            escape_char(c, &mut out);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// ANSI styles used in human output.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Error,
    Warning,
    Info,
    Bold,
    Dim,
    Good,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Error => "1;31",
            Style::Warning => "1;33",
            Style::Info => "1;36",
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Good => "1;32",
        }
    }
}

/// Output settings, decided once from the command line and environment.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub color: bool,
    pub quiet: bool,
}

/// Colour `auto` means: stdout is a terminal, `NO_COLOR` unset or empty,
/// `TERM` not `dumb`.
pub fn use_color(
    when: ColorWhen,
    is_tty: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_tty && no_color.is_none_or(str::is_empty) && term != Some("dumb"),
    }
}

impl Printer {
    pub fn new(when: ColorWhen, quiet: bool) -> Printer {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        Printer {
            color: use_color(
                when,
                std::io::stdout().is_terminal(),
                no_color.as_deref(),
                term.as_deref(),
            ),
            quiet,
        }
    }

    /// `s` in `style` when colour is on.
    pub fn paint(&self, s: &str, style: Style) -> String {
        if self.color {
            format!("\x1b[{}m{s}\x1b[0m", style.code())
        } else {
            s.to_string()
        }
    }

    /// A result line on stdout (suppressed by `--quiet`).
    pub fn out(&self, s: &str) {
        if !self.quiet {
            write_or_exit(&mut std::io::stdout().lock(), &guard(s, self.color));
        }
    }

    /// A status line on stderr (suppressed by `--quiet`).
    pub fn status(&self, s: &str) {
        if !self.quiet {
            write_or_exit(&mut std::io::stderr().lock(), &guard(s, self.color));
        }
    }

    /// An error on stderr, never suppressed.
    pub fn error(&self, s: &(impl std::fmt::Display + ?Sized)) {
        let tag = if self.color {
            "\x1b[1;31mscreenkit:\x1b[0m"
        } else {
            "screenkit:"
        };
        let s = s.to_string();
        write_or_exit(
            &mut std::io::stderr().lock(),
            &format!("{tag} {}", guard(&s, self.color)),
        );
    }

    /// One JSON value on stdout, streamed compactly (suppressed by `--quiet`).
    pub fn json<T: serde::Serialize>(&self, value: &T) {
        self.json_with(|w| serde_json::to_writer(w, value).map_err(Into::into));
    }

    /// One JSON value on stdout, written by `write` (suppressed by `--quiet`).
    pub fn json_with(&self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if self.quiet {
            return;
        }
        let mut o = std::io::BufWriter::with_capacity(1 << 16, raw_stdout());
        let done = write(&mut o)
            .and_then(|_| o.write_all(b"\n"))
            .and_then(|_| o.flush());
        if let Err(e) = done {
            exit_on_pipe(e);
        }
    }

    /// Raw bytes on stdout (for `-o -`), never suppressed: the user asked.
    pub fn data(&self, bytes: &[u8]) {
        let mut o = std::io::stdout().lock();
        if let Err(e) = o.write_all(bytes).and_then(|_| o.flush()) {
            exit_on_pipe(e);
        }
    }
}

/// Standard output without its line buffering. `Stdout` searches every
/// write for a newline; JSON has one, at the very end, so megabytes of it
/// were searched for nothing. Falls back to `Stdout` if the descriptor
/// cannot be duplicated.
#[cfg(unix)]
fn raw_stdout() -> Box<dyn Write> {
    use std::os::fd::AsFd;
    let out = std::io::stdout();
    let _ = out.lock().flush();
    match out.as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(out.lock()),
    }
}

#[cfg(not(unix))]
fn raw_stdout() -> Box<dyn Write> {
    Box::new(std::io::stdout().lock())
}

fn write_or_exit(w: &mut impl Write, s: &str) {
    if let Err(e) = writeln!(w, "{s}") {
        exit_on_pipe(e);
    }
}

/// A reader that went away (`| head`) is not an error: stop quietly.
fn exit_on_pipe(e: std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_lines_never_carry_controls() {
        assert_eq!(name("plain/ä.srt"), "plain/ä.srt");
        assert_eq!(
            name("a\x1b]0;x\x07\u{9b}\u{202e}b\u{2066}\n\x7f"),
            "a\\x1b]0;x\\x07\\x9b\\u{202e}b\\u{2066}\\x0a\\x7f"
        );
        let p = Printer {
            color: true,
            quiet: false,
        };
        let painted = p.paint("ok", Style::Good);
        assert_eq!(guard(&painted, true), painted, "our own styles stay");
        assert_eq!(guard(&painted, false), "\\x1b[1;32mok\\x1b[0m");
        assert_eq!(guard("a\x1b]0;t\x07\n\tb", true), "a\\x1b]0;t\\x07\n\tb");
    }

    #[test]
    fn colour_decision() {
        let cases = [
            (ColorWhen::Auto, true, None, None, true),
            (ColorWhen::Auto, false, None, None, false),
            (ColorWhen::Auto, true, Some("1"), None, false),
            (ColorWhen::Auto, true, Some(""), None, true),
            (ColorWhen::Auto, true, None, Some("dumb"), false),
            (ColorWhen::Always, false, Some("1"), None, true),
            (ColorWhen::Never, true, None, None, false),
        ];
        for (when, tty, nc, term, want) in cases {
            assert_eq!(
                use_color(when, tty, nc, term),
                want,
                "{when:?} {tty} {nc:?} {term:?}"
            );
        }
    }
}
