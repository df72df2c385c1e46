//! The only place that knows indicatif. A bar is shown only on a terminal
//! (stderr), and never with `--quiet` or `--json`.

use crate::progress::Progress;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar (over media time or bytes read), or a hidden one.
pub struct Bar(ProgressBar);

impl Bar {
    pub fn new(label: &str, visible: bool) -> Bar {
        let bar = if visible && std::io::stderr().is_terminal() {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{prefix} {wide_bar} {percent:>3}% {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            b.set_style(style);
            b.set_prefix(label.to_string());
            b
        } else {
            ProgressBar::hidden()
        };
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, total: Option<i64>) {
        if let Some(t) = total {
            self.0.set_length(t.max(1) as u64);
        }
    }

    fn advance(&self, pos: i64) {
        self.0.set_position(pos.max(0) as u64);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Several bars drawn together, one per job running at once (a stick
/// being written), shown only on a terminal.
pub struct Bars(Option<MultiProgress>);

impl Bars {
    pub fn new(visible: bool) -> Bars {
        Bars((visible && std::io::stderr().is_terminal()).then(MultiProgress::new))
    }

    /// A bar for one job, labelled `label`.
    pub fn add(&self, label: &str) -> Bar {
        match &self.0 {
            Some(m) => {
                let b = m.add(ProgressBar::new(1));
                let style = ProgressStyle::with_template(
                    "{prefix:20!} {wide_bar} {percent:>3}% {binary_bytes_per_sec} {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                b.set_style(style);
                b.set_prefix(label.to_string());
                Bar(b)
            }
            None => Bar(ProgressBar::hidden()),
        }
    }
}

/// A spinner for work with no measurable length (aligning cues), shown only
/// on a terminal; it clears itself when dropped.
pub struct Spinner(ProgressBar);

impl Spinner {
    pub fn new(label: &str, visible: bool) -> Spinner {
        let bar = if visible && std::io::stderr().is_terminal() {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_message(label.to_string());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        } else {
            ProgressBar::hidden()
        };
        Spinner(bar)
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
