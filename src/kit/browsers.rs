//! Whether current browsers can play a clip, beyond what `probe` already
//! reports (non-H.264 video, audio symphonia cannot decode): containers and
//! container/codec pairs that Chromium, Firefox or Safari refuse. The
//! warning carries the ffmpeg command that makes an MP4 every browser plays.

use crate::media::probe::ClipInfo;
use std::path::Path;

/// Why some current browser will not play `media`, with the fix.
pub fn warning(media: &Path, info: &ClipInfo) -> Option<String> {
    let ext = media
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let audio = info.audio.first().map(|a| a.codec.as_str());
    let why = match (ext.as_str(), audio) {
        ("mkv", _) => "MKV plays in Chrome and Edge but not in Firefox or Safari".to_string(),
        ("mp4" | "m4v" | "mov", Some("opus")) => "Opus audio in MP4 does not play in Safari".into(),
        ("mp4" | "m4v" | "mov", Some(a @ ("vorbis" | "flac" | "alac" | "pcm"))) => {
            format!("{a} audio in MP4 does not play in every browser")
        }
        ("webm", _) => {
            "WebM does not play in older Safari (macOS before 14, iOS before 17.4)".into()
        }
        ("mp4" | "m4v" | "mov" | "mp3" | "m4a", _) => return None,
        (other, _) => format!("browsers do not play .{other} files"),
    };
    Some(format!(
        "{why}; convert it to H.264 + AAC-LC in MP4: {}",
        crate::media::reencode_command(media)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::probe::AudioTrack;

    fn info(audio: &str) -> ClipInfo {
        ClipInfo {
            container: String::new(),
            duration_ms: None,
            audio: vec![AudioTrack {
                codec: audio.into(),
                sample_rate: None,
                channels: None,
                language: None,
                loudness_lufs: None,
                true_peak_dbtp: None,
            }],
            video: vec![],
            problems: vec![],
        }
    }

    #[test]
    fn warns_for_what_some_browser_refuses_with_the_command() {
        let w = warning(Path::new("clips/my film.mkv"), &info("aac")).unwrap();
        assert!(w.starts_with("MKV plays in Chrome and Edge"), "{w}");
        assert!(
            w.ends_with("ffmpeg -i 'clips/my film.mkv' -c:v libx264 -crf 18 -preset slow -c:a aac -b:a 192k -ac 2 -movflags +faststart 'clips/my film.h264.mp4'"),
            "{w}"
        );
        let w = warning(Path::new("a.mp4"), &info("opus")).unwrap();
        assert!(w.contains("Safari") && w.ends_with("a.h264.mp4"), "{w}");
        assert!(
            warning(Path::new("a.avi"), &info("mp3"))
                .unwrap()
                .contains(".avi")
        );
        assert_eq!(warning(Path::new("a.mp4"), &info("aac")), None);
        assert_eq!(warning(Path::new("a.MP4"), &info("mp3")), None);
    }
}
