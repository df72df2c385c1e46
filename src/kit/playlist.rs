//! The VLC fallback: `playlist.xspf` and `playlist.m3u` at the top of the
//! bag list every clip in programme order with paths relative to the
//! playlist (so they work wherever the stick is mounted), each with its
//! subtitles as VLC's `sub-file` option.

use super::Manifest;
use super::programme::{Facts, media_path, subtitles_path};
use crate::cards::render::escape;

pub const XSPF: &str = "playlist.xspf";
pub const M3U: &str = "playlist.m3u";

/// A bag path as a relative URI: each segment percent-encoded beyond the
/// unreserved characters.
fn uri(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            seg.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Seconds as VLC's options take them (`90.5`).
fn secs(ms: i64) -> String {
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `playlist.xspf` (XSPF 1, with VLC's extension for options).
pub fn xspf(m: &Manifest, facts: &[Facts]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\" xmlns:vlc=\"http://www.videolan.org/vlc/playlist/ns/0/\">\n",
    );
    s.push_str(&format!(
        "  <title>{}</title>\n  <trackList>\n",
        escape(&m.title)
    ));
    for (n, (c, f)) in m.clips.iter().zip(facts).enumerate() {
        s.push_str("    <track>\n");
        s.push_str(&format!(
            "      <location>{}</location>\n",
            escape(&uri(&media_path(m, n)))
        ));
        s.push_str(&format!(
            "      <title>{}. {}</title>\n",
            n + 1,
            escape(&c.title)
        ));
        if let Some(ms) = f.duration_ms {
            s.push_str(&format!("      <duration>{ms}</duration>\n"));
        }
        s.push_str("      <extension application=\"http://www.videolan.org/vlc/playlist/0\">\n");
        s.push_str(&format!("        <vlc:id>{n}</vlc:id>\n"));
        s.push_str(&format!(
            "        <vlc:option>sub-file={}</vlc:option>\n",
            escape(&subtitles_path(c, "en", "srt"))
        ));
        for (name, ms) in [("start-time", f.start_ms), ("stop-time", f.end_ms)] {
            if let Some(ms) = ms {
                s.push_str(&format!(
                    "        <vlc:option>{name}={}</vlc:option>\n",
                    secs(ms)
                ));
            }
        }
        s.push_str("      </extension>\n    </track>\n");
    }
    s.push_str("  </trackList>\n</playlist>\n");
    s
}

/// `playlist.m3u` (extended M3U with VLC's options).
pub fn m3u(m: &Manifest, facts: &[Facts]) -> String {
    let mut s = String::from("#EXTM3U\n");
    for (n, (c, f)) in m.clips.iter().zip(facts).enumerate() {
        let length = f.duration_ms.map_or(-1, |ms| (ms + 500) / 1000);
        // One line per entry: a newline in a title would start a new one.
        let title = c.title.replace(['\r', '\n'], " ");
        s.push_str(&format!("#EXTINF:{length},{}. {title}\n", n + 1));
        s.push_str(&format!(
            "#EXTVLCOPT:sub-file={}\n",
            subtitles_path(c, "en", "srt")
        ));
        for (name, ms) in [("start-time", f.start_ms), ("stop-time", f.end_ms)] {
            if let Some(ms) = ms {
                s.push_str(&format!("#EXTVLCOPT:{name}={}\n", secs(ms)));
            }
        }
        s.push_str(&media_path(m, n));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(uri("data/clips/a b&c.mp4"), "data/clips/a%20b%26c.mp4");
        assert_eq!(
            uri("data/clips/歸途.mp4"),
            "data/clips/%E6%AD%B8%E9%80%94.mp4"
        );
    }
}
