//! Everything that reaches the terminal goes through `Printer`: results on
//! stdout, diagnostics on stderr, colour decided once (TTY, `NO_COLOR`,
//! `TERM=dumb`, `--color`), `--quiet` honoured, a closed pipe exits quietly.

pub mod json;
pub mod progress;

use crate::cli::ColorWhen;
use std::io::{IsTerminal, Write};

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
            write_or_exit(&mut std::io::stdout().lock(), s);
        }
    }

    /// A status line on stderr (suppressed by `--quiet`).
    pub fn status(&self, s: &str) {
        if !self.quiet {
            write_or_exit(&mut std::io::stderr().lock(), s);
        }
    }

    /// An error on stderr, never suppressed.
    pub fn error(&self, s: &(impl std::fmt::Display + ?Sized)) {
        let tag = if self.color {
            "\x1b[1;31mscreenkit:\x1b[0m"
        } else {
            "screenkit:"
        };
        write_or_exit(&mut std::io::stderr().lock(), &format!("{tag} {s}"));
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
