//! The command line, as clap derive structs. Doc comments are the `--help`
//! text. Nothing downstream of `commands/` sees these types' clap parts.

use crate::check::profile::{Overrides, ProfileName};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

// Each command's `--help` ends with its own exit codes, true to what its
// `commands/*.rs` returns (clap itself exits 2 on a bad flag).

/// The top-level help: what the codes mean for every command.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done, nothing wrong (warnings allowed)
  1  done, but problems were found (errors in subtitles, clips, cards or a kit),
     or the command refused and wrote nothing
  2  could not run: bad flag, unreadable input, I/O error
Each command's --help gives its own.";

pub const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  no errors (warnings and info allowed)
  1  errors were found in a subtitle file or in a kit
  2  could not run: bad flag, unreadable or non-subtitle file or one over 2 GiB,
     unreadable --clip, a kit.toml that cannot be read";

pub const FIX_EXIT_CODES: &str = "\
Exit codes:
  0  fixed (or nothing to fix); no errors left (warnings may need a person)
  1  errors that no safe fix repairs are left in the output, or no cue would be
     left (nothing written)
  2  could not run: bad flag, unreadable or non-subtitle file or one over 2 GiB,
     unreadable --clip, the output exists (without --force), write failed";

pub const CONVERT_EXIT_CODES: &str = "\
Exit codes:
  0  converted and written (cues WebVTT cannot hold are listed)
  2  could not run: bad flag, unreadable or non-subtitle file or one over 2 GiB,
     no cues, the output exists (without --force), write failed";

pub const RETIME_EXIT_CODES: &str = "\
Exit codes:
  0  retimed and written (overlaps the move makes are warned about)
  1  a cue would start before 00:00:00,000 and --drop-negative was not given,
     or no cue shows in the --cut window; nothing written
  2  could not run: bad flag, unreadable or non-subtitle file or one over 2 GiB,
     the output exists (without --force), write failed";

pub const SPLIT_LANG_EXIT_CODES: &str = "\
Exit codes:
  0  split: FILE.en.srt and FILE.zh.srt were written
  1  no cue has an English line, or none a Chinese one; nothing written
  2  could not run: bad flag, unreadable or non-subtitle file, no cues, an output
     exists (without --force), write failed";

pub const PROBE_EXIT_CODES: &str = "\
Exit codes:
  0  every clip looks fine
  1  a problem was found (undecodable audio, decode error, a codec that will not play everywhere)
  2  could not run: not a media file, unreadable path, bad flag";

pub const TRACKS_EXIT_CODES: &str = "\
Exit codes:
  0  the clip's subtitle tracks were listed
  1  the clip has no subtitle track
  2  could not run: not an MKV/WebM or MP4/MOV file, unreadable or damaged file";

pub const EXTRACT_EXIT_CODES: &str = "\
Exit codes:
  0  the track was written
  1  refused, nothing written: the track holds images (they need OCR) or no cue
  2  could not run: no track matches --track/--lang, or several do (each is
     listed), the clip has no subtitle track, not an MKV/WebM or MP4/MOV file,
     the output exists (without --force), write failed";

pub const SYNC_EXIT_CODES: &str = "\
Exit codes:
  0  synced: the fit is trusted and was written
  1  refused: no speech in the clip, or the fit is not trusted (another clip's
     subtitles, music only), or a cue would start before 00:00:00,000 without
     --drop-negative; nothing written unless --force
  2  could not run: unreadable or undecodable file, bad flag";

pub const CARDS_EXIT_CODES: &str = "\
Exit codes:
  0  the cards are valid and were written (warnings allowed)
  1  cards.toml has errors (each given as file:line); nothing written
  2  could not run: not a kit, unreadable kit.toml or cards.toml, write failed";

pub const NEW_EXIT_CODES: &str = "\
Exit codes:
  0  the kit folder was created
  2  could not create it: NAME already exists, or the folder cannot be written";

pub const BUILD_EXIT_CODES: &str = "\
Exit codes:
  0  built: DIR/NAME.zip was written
  1  `screenkit check KIT` finds errors; nothing built (--force builds anyway)
  2  could not run: not a kit, a file the kit names is missing or unreadable,
     write failed";

pub const VERIFY_EXIT_CODES: &str = "\
Exit codes:
  0  intact: in every kit given, every file is present and matches its SHA-256
  1  problems: a kit has missing, extra, changed or damaged files (each named)
  2  could not run: a PATH is not a kit or cannot be read (the others are
     still verified)";

pub const COPY_EXIT_CODES: &str = "\
Exit codes:
  0  every stick was written, flushed and read back: each file matched its SHA-256
  1  a stick was refused before writing (too little room, FAT32 and a file of 4 GiB
     or more, names it cannot hold, NAME/ there without --replace) or a file read
     back from it differs; each stick is named with why, the others were written
  2  could not run: not a kit zip or folder, a damaged source, bad flag";

pub const COMPLETIONS_EXIT_CODES: &str = "\
Exit codes:
  0  the script was printed
  2  could not run: bad flag or unknown shell";

pub const MAN_EXIT_CODES: &str = "\
Exit codes:
  0  the man page was printed
  2  could not run: bad flag or unknown command";

/// Offline film-screening kits: check, fix and convert subtitles.
#[derive(Debug, Parser)]
#[command(name = "screenkit", version, about, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    /// When to colour output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print nothing on stdout; errors still go to stderr and the exit code tells the result.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate subtitle files: encoding, structure, timing, layout, markup, language.
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(CheckArgs),
    /// Apply safe mechanical fixes (never rewording) and write a clean UTF-8 file.
    #[command(after_help = FIX_EXIT_CODES)]
    Fix(FixArgs),
    /// Convert SubRip (.srt), WebVTT (.vtt) or ASS/SSA (.ass, .ssa) to SubRip or WebVTT.
    #[command(after_help = CONVERT_EXIT_CODES)]
    Convert(ConvertArgs),
    /// Move cue times: shift, frame-rate change, or a map through anchor points.
    #[command(after_help = RETIME_EXIT_CODES)]
    Retime(RetimeArgs),
    /// Align subtitles to a clip's speech (or a correctly timed track): offset, fps ratio, splits.
    #[command(
        after_help = SYNC_EXIT_CODES,
        mut_arg("force", |a| a.help("Write even when the fit is not trusted, and replace an existing output file")),
        mut_arg("dry_run", |a| a.help("Say what was found; write nothing"))
    )]
    Sync(SyncArgs),
    /// Split a bilingual track (English and Chinese lines in each cue) into FILE.en.srt and FILE.zh.srt.
    #[command(after_help = SPLIT_LANG_EXIT_CODES)]
    SplitLang(SplitLangArgs),
    /// Describe clips: container, duration, tracks; --deep decodes audio for errors and loudness.
    #[command(after_help = PROBE_EXIT_CODES)]
    Probe(ProbeArgs),
    /// List the subtitle tracks inside a clip (MKV, WebM, MP4, MOV): number, kind, language, name.
    #[command(after_help = TRACKS_EXIT_CODES)]
    Tracks(TracksArgs),
    /// Write a subtitle track inside a clip as SubRip (or WebVTT), with no external program.
    #[command(after_help = EXTRACT_EXIT_CODES)]
    Extract(ExtractArgs),
    /// Validate a kit's discussion cards and render them for print, projection, Markdown or text.
    #[command(after_help = CARDS_EXIT_CODES)]
    Cards(CardsArgs),
    /// Start a new kit: a folder with a commented kit.toml and cards.toml.
    #[command(after_help = NEW_EXIT_CODES)]
    New(NewArgs),
    /// Build a kit into one zip (a BagIt bag with the player, subtitles and cards).
    #[command(after_help = BUILD_EXIT_CODES)]
    Build(BuildArgs),
    /// Check that a kit zip, folder or USB stick is intact.
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify(VerifyArgs),
    /// Copy a kit onto USB sticks, all at once, and prove each copy by reading it back.
    #[command(after_help = COPY_EXIT_CODES)]
    Copy(CopyArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(after_help = COMPLETIONS_EXIT_CODES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout: `screenkit man > screenkit.1`, `screenkit man check`.
    #[command(after_help = MAN_EXIT_CODES)]
    Man(ManArgs),
}

/// Style-guide profile (thresholds: `screenkit check --list-rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Netflix English: 42 chars/line, 2 lines, 20 chars/s, 0.833–7 s, 2-frame gaps.
    Netflix,
    /// BBC: 37 chars/line, 2 lines, 180 words/min, 0.3 s per word.
    Bbc,
    /// Cinema/DCP (Bv2.1, DCP-o-matic): 52 (79) chars, 3 lines, 15 frames, strict syntax.
    Dcp,
    /// Subtitle Edit default: 43 chars, 2 lines, 25 chars/s, 1–8 s, 24 ms gaps.
    Relaxed,
}

impl From<ProfileArg> for ProfileName {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Netflix => ProfileName::Netflix,
            ProfileArg::Bbc => ProfileName::Bbc,
            ProfileArg::Dcp => ProfileName::Dcp,
            ProfileArg::Relaxed => ProfileName::Relaxed,
        }
    }
}

/// Profile and threshold flags, shared by `check` and `fix`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Style-guide profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::Netflix)]
    pub profile: ProfileArg,
    /// Frame rate of the video, for frame-based limits (23.976, 24, 25, 29.97 …).
    #[arg(long, default_value_t = 24.0, value_parser = parse_fps)]
    pub fps: f64,
    /// Override: maximum characters per line.
    #[arg(long, value_name = "N")]
    pub max_line_length: Option<usize>,
    /// Override: maximum lines per cue.
    #[arg(long, value_name = "N")]
    pub max_lines: Option<usize>,
    /// Override: maximum reading speed in characters per second.
    #[arg(long, value_name = "CPS")]
    pub max_cps: Option<f64>,
    /// Override: minimum cue duration in milliseconds.
    #[arg(long, value_name = "MS")]
    pub min_duration: Option<i64>,
    /// Override: maximum cue duration in milliseconds.
    #[arg(long, value_name = "MS")]
    pub max_duration: Option<i64>,
    /// Override: minimum gap between cues in milliseconds.
    #[arg(long, value_name = "MS")]
    pub min_gap: Option<i64>,
}

impl LimitArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            max_line_chars: self.max_line_length,
            max_lines: self.max_lines,
            max_cps: self.max_cps,
            min_duration_ms: self.min_duration,
            max_duration_ms: self.max_duration,
            min_gap_ms: self.min_gap,
        }
    }
}

/// A flag value clap cannot turn into what the flag means; clap prefixes
/// the flag's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("'{0}' is not a size like 8GB or 32GiB")]
    Size(String),
    #[error("'{value}': unknown unit '{unit}' (use MB, GB, GiB …)")]
    SizeUnit { value: String, unit: String },
    #[error("'{0}' is not a frame rate between 1 and 1000")]
    Fps(String),
    #[error("expected a duration from 1s to 6h such as 10min, 90s or 00:05:00,000, got {0:?}")]
    MaxOffset(String),
}

/// `8GB` (decimal, as sticks are sold), `32GiB`, `500MB`, `16G`.
pub fn parse_size(s: &str) -> Result<u64, ValueError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| ValueError::Size(s.into()))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(ValueError::SizeUnit {
                value: s.into(),
                unit: unit.into(),
            });
        }
    };
    Ok((n * mult) as u64)
}

fn parse_fps(s: &str) -> Result<f64, ValueError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (1.0..=1000.0).contains(&v) => Ok(v),
        _ => Err(ValueError::Fps(s.into())),
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Subtitle files to check, or kit folders (with kit.toml) to check whole.
    #[arg(required_unless_present = "list_rules", value_name = "FILE|KIT")]
    pub files: Vec<PathBuf>,
    /// For kits: the USB stick size the kit must fit (8GB, 16GB, 32GiB …).
    #[arg(long, value_name = "SIZE", default_value = "8GB", value_parser = parse_size)]
    pub usb_size: u64,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The clip these subtitles belong to: enables `past-clip-end`.
    #[arg(long, value_name = "CLIP")]
    pub clip: Option<PathBuf>,
    /// Read the files in this encoding instead of detecting it (e.g. gbk, windows-1252).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Rules to skip, by id (repeat or separate with commas).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Print one JSON object on stdout instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Show every finding (the human report shows 20 per rule per file).
    #[arg(long)]
    pub all: bool,
    /// List the rules and each profile's thresholds, then exit.
    #[arg(long)]
    pub list_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EolArg {
    Lf,
    Crlf,
}

/// Where a rewriting command (fix, retime) writes, shared by both.
#[derive(Debug, Clone, Args)]
pub struct RewriteArgs {
    /// Where to write (`-` for stdout). Default: a new file beside FILE.
    #[arg(short, long, value_name = "OUT", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE, keeping the original as FILE.bak.
    #[arg(long)]
    pub in_place: bool,
    /// Say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace the default output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// The subtitle file to fix (output default: FILE.fixed.srt).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub out: RewriteArgs,
    /// Line endings to write (default: the file's own, LF for bare CR).
    #[arg(long, value_enum)]
    pub eol: Option<EolArg>,
    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The clip these subtitles belong to: drop cues that start after it ends, trim those that
    /// run past it (`past-clip-end`), each one reported.
    #[arg(long, value_name = "CLIP")]
    pub clip: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("op").required(true).args(["shift", "fps", "map", "cut"])))]
pub struct RetimeArgs {
    /// The subtitle file to retime (output default: FILE.retimed.srt).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub out: RewriteArgs,
    /// Add a constant: 2.5s, -1500ms, or -00:00:01,500.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = crate::retime::parse_duration)]
    pub shift: Option<i64>,
    /// Timed for video at FROM fps that now plays at TO fps (23.976:25 for PAL speed-up).
    #[arg(long, value_name = "FROM:TO", value_parser = crate::retime::parse_fps_pair)]
    pub fps: Option<crate::retime::Op>,
    /// An anchor OLD=NEW (HH:MM:SS,mmm). One anchor shifts; two or more map piecewise-linearly.
    #[arg(long = "map", value_name = "OLD=NEW", value_parser = crate::retime::parse_anchor)]
    pub map: Vec<(i64, i64)>,
    /// Only move cues that start in START..END (HH:MM:SS,mmm; either end may be left out).
    #[arg(long, value_name = "START..END", value_parser = crate::retime::parse_range)]
    pub range: Option<crate::retime::Range>,
    /// Keep only the cues showing in START..END, shifted to start at 0, for media cut to that
    /// window; cues crossing an edge are trimmed to it (HH:MM:SS,mmm; either end may be left out).
    #[arg(long, value_name = "START..END", conflicts_with = "range", value_parser = crate::retime::parse_range)]
    pub cut: Option<crate::retime::Range>,
    /// Drop cues pushed entirely before 00:00:00,000 and start straddling ones at 0, instead of refusing.
    #[arg(long)]
    pub drop_negative: bool,
    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The subtitle file to sync (output default: FILE.synced.srt).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The clip whose speech the cues belong on, or a correctly timed subtitle track (.srt, .vtt,
    /// .ass, or CLIP#N: track N inside a clip, as `screenkit tracks CLIP` numbers it).
    #[arg(long, value_name = "CLIP|REF.srt|CLIP#N")]
    pub to: PathBuf,
    #[command(flatten)]
    pub out: RewriteArgs,
    /// Who decodes the clip's audio; ffmpeg (from PATH) only when symphonia cannot.
    #[arg(long, value_enum, default_value_t = DecoderArg::Symphonia)]
    pub decoder: DecoderArg,
    /// Largest offset to look for, either way (e.g. 10min, 90s).
    #[arg(long, value_name = "DUR", default_value = "10min", value_parser = parse_max_offset)]
    pub max_offset: i64,
    /// One offset for the whole file: do not look for re-edited parts.
    #[arg(long)]
    pub no_splits: bool,
    /// Drop cues the fit puts entirely before 00:00:00,000 (and start straddling ones at 0) instead of refusing.
    #[arg(long)]
    pub drop_negative: bool,
    /// Read the subtitle file(s) in this encoding instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Print one JSON object on stdout instead of the human report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecoderArg {
    /// Built in (MP4/AAC-LC, MKV, OGG Vorbis, FLAC, WAV, MP3).
    Symphonia,
    /// An `ffmpeg` binary on PATH (AC-3, HE-AAC, Opus, 5.1 AAC ...).
    Ffmpeg,
}

fn parse_max_offset(s: &str) -> Result<i64, ValueError> {
    let ms = match s.strip_suffix("min") {
        Some(m) => m
            .parse::<f64>()
            .ok()
            .filter(|m| m.is_finite() && *m >= 0.0)
            .map(|m| (m * 60_000.0).round() as i64),
        None => crate::retime::parse_duration(s).ok().filter(|d| *d >= 0),
    };
    ms.filter(|&ms| (1000..=6 * 3_600_000).contains(&ms))
        .ok_or_else(|| ValueError::MaxOffset(s.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CardFormat {
    /// Printable cards (cards.html) and a projection view (cards-projection.html).
    Html,
    /// Markdown (cards.md).
    Md,
    /// Plain text (cards.txt).
    Txt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CardLayout {
    /// One card per A6 page.
    A6,
    /// Four cards per A4 sheet, with cut lines.
    A4,
}

#[derive(Debug, Args)]
pub struct CardsArgs {
    /// The kit folder (with kit.toml).
    #[arg(value_name = "KIT")]
    pub kit: PathBuf,
    /// Formats to write (repeat or separate with commas).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html")]
    pub format: Vec<CardFormat>,
    /// Output folder. Default: dist/NAME/cards.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Printed layout.
    #[arg(long, value_enum, default_value_t = CardLayout::A6)]
    pub layout: CardLayout,
    /// Large print: 18 pt, one card per A5 page.
    #[arg(long)]
    pub large_print: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new kit's folder (its name becomes the zip's name), e.g. kits/my-screening.
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The kit folder (with kit.toml).
    #[arg(value_name = "KIT")]
    pub kit: PathBuf,
    /// Output folder for NAME.zip.
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    pub output: PathBuf,
    /// Build even if the kit check finds problems (recorded in bag-info.txt).
    #[arg(long)]
    pub force: bool,
    /// The USB stick size the kit must fit, as `check KIT --usb-size` (8GB, 16GB, 32GiB …).
    #[arg(long, value_name = "SIZE", default_value = "8GB", value_parser = parse_size)]
    pub usb_size: u64,
    /// Print one JSON object on stdout (the zip, its files and bytes).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Kit zips, unpacked kit folders, or sticks holding the kit folder; several are verified in parallel.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Print one JSON object on stdout (with several PATHs: one per kit, in `kits`).
    #[arg(long)]
    pub json: bool,
    /// Name each problem in BagIt's terms (manifest, Payload-Oxum) with its details.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The kit zip from `screenkit build`, or an unpacked kit folder.
    #[arg(value_name = "ZIP|KITDIR")]
    pub source: PathBuf,
    /// Mounted sticks (or any folders): each gets DEST/NAME/, all written at once.
    #[arg(required = true, value_name = "DEST")]
    pub dests: Vec<PathBuf>,
    /// Also put a copy of the zip on each stick (DEST/NAME.zip).
    #[arg(long)]
    pub with_zip: bool,
    /// Replace an existing DEST/NAME/: the new copy is written beside it and swapped in only
    /// once it reads back intact.
    #[arg(long)]
    pub replace: bool,
    /// Eject each stick when done (udisksctl or diskutil, when installed).
    #[arg(long)]
    pub eject: bool,
    /// Print one JSON object on stdout: each stick's result.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Clips to probe (MP4, MKV, WebM, OGG, FLAC, WAV, MP3).
    #[arg(required = true, value_name = "CLIP")]
    pub clips: Vec<PathBuf>,
    /// Decode every audio packet: first undecodable point, loudness (LUFS), true peak (dBTP).
    #[arg(long)]
    pub deep: bool,
    /// Print one JSON object on stdout instead of the human report.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TracksArgs {
    /// The clip (MKV, WebM, MP4, MOV).
    #[arg(value_name = "CLIP")]
    pub clip: PathBuf,
    /// Print one JSON object on stdout instead of the list.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The clip (MKV, WebM, MP4, MOV).
    #[arg(value_name = "CLIP")]
    pub clip: PathBuf,
    /// The track numbered N in `screenkit tracks CLIP` (the container's own track number).
    #[arg(long, value_name = "N", conflicts_with = "lang")]
    pub track: Option<u64>,
    /// The one text track in this language (eng, fre, zh-Hans; `zh` also takes zh-Hans).
    /// Without --track or --lang, the clip's only text track.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Srt)]
    pub to: Format,
    /// Where to write (`-` for stdout). Default: beside the clip, CLIP.LANG.srt (or CLIP.trackN.srt).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Replace the default output file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Vtt,
    Srt,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The subtitle file (.srt, .vtt or .ass/.ssa, recognised by content).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    pub to: Format,
    /// Where to write (`-` for stdout). Default: FILE with the new extension.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Replace the default output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct SplitLangArgs {
    /// The bilingual subtitle file (.srt, .vtt or .ass/.ssa, recognised by content).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE.en.srt and FILE.zh.srt if they exist.
    #[arg(long)]
    pub force: bool,
    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page (screenkit-COMMAND(1)) instead of the top one.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_parse() {
        let c = Cli::try_parse_from([
            "screenkit",
            "-q",
            "check",
            "a.srt",
            "--profile",
            "dcp",
            "--fps",
            "25",
            "--ignore",
            "bom,untranslated",
        ])
        .unwrap();
        let Command::Check(a) = c.command else {
            panic!("not check")
        };
        assert!(c.quiet);
        assert_eq!((a.limits.profile, a.limits.fps), (ProfileArg::Dcp, 25.0));
        assert_eq!(a.ignore, ["bom", "untranslated"]);
        assert!(Cli::try_parse_from(["screenkit", "check"]).is_err());
        assert!(Cli::try_parse_from(["screenkit", "check", "--list-rules"]).is_ok());
        assert!(Cli::try_parse_from(["screenkit", "check", "a.srt", "--fps", "0"]).is_err());
        assert!(
            Cli::try_parse_from(["screenkit", "fix", "a.srt", "-o", "b.srt", "--in-place"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["screenkit", "convert", "a.srt", "--to", "vtt"]).is_ok());
        assert_eq!(parse_size("8GB"), Ok(8_000_000_000));
        assert_eq!(parse_size("32GiB"), Ok(32 * 1024 * 1024 * 1024));
        assert!(parse_size("8 bananas").is_err() && parse_size("GB").is_err());
        let c =
            Cli::try_parse_from(["screenkit", "retime", "a.srt", "--shift", "-1500ms"]).unwrap();
        let Command::Retime(r) = c.command else {
            panic!("not retime")
        };
        assert_eq!(r.shift, Some(-1500));
        assert!(
            Cli::try_parse_from(["screenkit", "retime", "a.srt"]).is_err(),
            "an operation is required"
        );
        assert!(
            Cli::try_parse_from([
                "screenkit",
                "retime",
                "a.srt",
                "--shift",
                "1s",
                "--fps",
                "25:24"
            ])
            .is_err(),
            "only one"
        );
        assert!(
            Cli::try_parse_from(["screenkit", "retime", "a.srt", "--shift", "1.5"]).is_err(),
            "unit required"
        );
        let c = Cli::try_parse_from([
            "screenkit",
            "retime",
            "a.srt",
            "--map",
            "00:00:01,000=00:00:02,000",
            "--map",
            "00:01:00,000=00:01:03,000",
        ])
        .unwrap();
        let Command::Retime(r) = c.command else {
            panic!("not retime")
        };
        assert_eq!(r.map.len(), 2);
    }
}
