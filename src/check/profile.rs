//! Profiles: the numbers each style guide sets (QC-RULES.md §1), turned
//! into milliseconds for a given frame rate, with user overrides on top.

use serde::Serialize;

/// A named set of limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// Netflix English (adult): 42 chars, 2 lines, 20 cps, 5/6 s to 7 s, 2-frame gaps.
    #[default]
    Netflix,
    /// BBC: 37 chars, 2 lines, 180 wpm, 0.3 s per word.
    Bbc,
    /// Cinema/DCP (Bv2.1, DCP-o-matic): 52/79 chars, 3 lines, 15 frames, strict syntax.
    Dcp,
    /// Subtitle Edit's default: 43 chars, 2 lines, 25 cps, 1 s to 8 s, 24 ms gaps.
    Relaxed,
}

/// Minimum time on screen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MinDuration {
    Fixed(i64),
    /// BBC: this many ms per word.
    PerWord(i64),
}

/// All thresholds, in ms and characters. `None` means "no limit".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    pub profile: ProfileName,
    pub fps: f64,
    pub max_line_chars: usize,
    /// Above this a long line is an error, not a warning (DCP: 79).
    pub max_line_chars_error: Option<usize>,
    pub max_lines: usize,
    pub too_many_lines_is_error: bool,
    pub max_cps: Option<f64>,
    pub max_wpm: Option<f64>,
    pub min_duration: MinDuration,
    pub max_duration_ms: Option<i64>,
    pub min_gap_ms: i64,
    /// Gaps in this range (inclusive) should be closed to `min_gap_ms`.
    pub close_gap_ms: Option<(i64, i64)>,
    pub first_cue_min_ms: Option<i64>,
    /// Syntax deviations that DCP-o-matic rejects are errors.
    pub strict_syntax: bool,
}

fn frames(n: f64, fps: f64) -> i64 {
    (n * 1000.0 / fps).round() as i64
}

impl Limits {
    /// The profile's limits at `fps` frames per second.
    pub fn new(profile: ProfileName, fps: f64) -> Limits {
        let base = Limits {
            profile,
            fps,
            max_line_chars: 42,
            max_line_chars_error: None,
            max_lines: 2,
            too_many_lines_is_error: false,
            max_cps: None,
            max_wpm: None,
            min_duration: MinDuration::Fixed(833),
            max_duration_ms: None,
            min_gap_ms: frames(2.0, fps),
            close_gap_ms: None,
            first_cue_min_ms: None,
            strict_syntax: false,
        };
        match profile {
            ProfileName::Netflix => Limits {
                max_cps: Some(20.0),
                max_duration_ms: Some(7000),
                // 3 frames up to half a second (12 frames at 24 fps).
                close_gap_ms: Some((frames(3.0, fps), 500)),
                ..base
            },
            ProfileName::Bbc => Limits {
                max_line_chars: 37,
                max_wpm: Some(180.0),
                min_duration: MinDuration::PerWord(300),
                min_gap_ms: 0,
                ..base
            },
            ProfileName::Dcp => Limits {
                max_line_chars: 52,
                max_line_chars_error: Some(79),
                max_lines: 3,
                too_many_lines_is_error: true,
                min_duration: MinDuration::Fixed(frames(15.0, fps)),
                first_cue_min_ms: Some(4000),
                strict_syntax: true,
                ..base
            },
            ProfileName::Relaxed => Limits {
                max_line_chars: 43,
                max_cps: Some(25.0),
                max_wpm: Some(400.0),
                min_duration: MinDuration::Fixed(1000),
                max_duration_ms: Some(8000),
                min_gap_ms: 24,
                ..base
            },
        }
    }

    /// Minimum duration for a cue with `words` words.
    pub fn min_duration_ms(&self, words: usize) -> i64 {
        match self.min_duration {
            MinDuration::Fixed(ms) => ms,
            MinDuration::PerWord(ms) => ms * words.max(1) as i64,
        }
    }
}

/// Overrides from the command line; `None` keeps the profile's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub max_line_chars: Option<usize>,
    pub max_lines: Option<usize>,
    pub max_cps: Option<f64>,
    pub min_duration_ms: Option<i64>,
    pub max_duration_ms: Option<i64>,
    pub min_gap_ms: Option<i64>,
}

impl Limits {
    /// Apply user overrides.
    pub fn with(mut self, o: &Overrides) -> Limits {
        if let Some(v) = o.max_line_chars {
            self.max_line_chars = v;
        }
        if let Some(v) = o.max_lines {
            self.max_lines = v;
        }
        if let Some(v) = o.max_cps {
            self.max_cps = Some(v);
        }
        if let Some(v) = o.min_duration_ms {
            self.min_duration = MinDuration::Fixed(v);
        }
        if let Some(v) = o.max_duration_ms {
            self.max_duration_ms = Some(v);
        }
        if let Some(v) = o.min_gap_ms {
            self.min_gap_ms = v;
        }
        self
    }

    /// Human summary of the thresholds, for `--list-rules`.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let opt = |v: Option<String>| v.unwrap_or_else(|| "none".into());
        vec![
            (
                "max chars per line",
                match self.max_line_chars_error {
                    Some(e) => format!("{} (error above {e})", self.max_line_chars),
                    None => self.max_line_chars.to_string(),
                },
            ),
            ("max lines per cue", self.max_lines.to_string()),
            (
                "max reading speed",
                opt(self.max_cps.map(|c| format!("{c} chars/s"))),
            ),
            (
                "max words per minute",
                opt(self.max_wpm.map(|w| format!("{w} wpm"))),
            ),
            (
                "min duration",
                match self.min_duration {
                    MinDuration::Fixed(ms) => format!("{ms} ms"),
                    MinDuration::PerWord(ms) => format!("{ms} ms per word"),
                },
            ),
            (
                "max duration",
                opt(self.max_duration_ms.map(|m| format!("{m} ms"))),
            ),
            ("min gap", format!("{} ms", self.min_gap_ms)),
            (
                "gap to close",
                opt(self.close_gap_ms.map(|(a, b)| format!("{a}-{b} ms"))),
            ),
            (
                "first cue not before",
                opt(self.first_cue_min_ms.map(|m| format!("{m} ms"))),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_based_limits_follow_fps() {
        let cases = [
            (ProfileName::Netflix, 24.0, 83, 833),
            (ProfileName::Netflix, 25.0, 80, 833),
            (ProfileName::Dcp, 24.0, 83, 625),
            (ProfileName::Dcp, 25.0, 80, 600),
            (ProfileName::Relaxed, 24.0, 24, 1000),
        ];
        for (p, fps, gap, min) in cases {
            let l = Limits::new(p, fps);
            assert_eq!(
                (l.min_gap_ms, l.min_duration_ms(1)),
                (gap, min),
                "{p:?} @ {fps}"
            );
        }
        assert_eq!(Limits::new(ProfileName::Bbc, 24.0).min_duration_ms(4), 1200);
    }

    #[test]
    fn overrides_win() {
        let l = Limits::new(ProfileName::Netflix, 24.0).with(&Overrides {
            max_line_chars: Some(37),
            min_gap_ms: Some(0),
            ..Overrides::default()
        });
        assert_eq!((l.max_line_chars, l.min_gap_ms), (37, 0));
    }
}
