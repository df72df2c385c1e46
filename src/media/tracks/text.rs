//! What one subtitle packet holds, as text: an MKV block of SubRip, ASS or
//! WebVTT text, an MP4 `tx3g` sample or an MP4 `wvtt` sample.
//!
//! Each function takes one packet's bytes and gives the displayed text (or
//! `None` for a packet that shows nothing). Invalid UTF-8 is replaced, not
//! refused: one bad byte should not cost a whole track.

use crate::subtitle::ass::Header;

/// An MKV `S_TEXT/UTF8` block: the cue text itself.
pub fn plain(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    let text = text
        .trim_end_matches(['\r', '\n', '\0'])
        .replace("\r\n", "\n");
    (!text.trim().is_empty()).then_some(text)
}

/// An MKV `S_TEXT/ASS` or `S_TEXT/SSA` block:
/// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`, read
/// with the track's header (its CodecPrivate) by the ASS reader, so an
/// extracted event keeps what a whole `.ass` file's would: italics, bold,
/// a top position. Returns the read order (the event's place in the
/// original script) and the cue text.
pub fn ass_block(data: &[u8], header: &Header) -> Option<(u64, String)> {
    let line = String::from_utf8_lossy(data);
    let mut fields = line.splitn(9, ',');
    let order = fields.next()?.trim().parse().unwrap_or(u64::MAX);
    let style = fields.nth(1)?;
    let text = fields.nth(5)?;
    let text = header.event_text(style, text.trim_end_matches(['\r', '\n', '\0']))?;
    Some((order, text))
}

/// An MP4 `tx3g` (3GPP timed text, ffmpeg's `mov_text`) sample: a 16-bit
/// big-endian length, the text (UTF-8, or UTF-16 after a byte-order mark),
/// then style boxes, which are ignored. An empty text is a gap.
pub fn tx3g(sample: &[u8]) -> Option<String> {
    let len = usize::from(u16::from_be_bytes([*sample.first()?, *sample.get(1)?]));
    let body = sample.get(2..2 + len).unwrap_or(&sample[2..]);
    let text = match body {
        [0xFE, 0xFF, utf16 @ ..] => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    plain(text.as_bytes())
}

/// One cue read from an MP4 `wvtt` sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VttPayload {
    /// The cue text (`payl`).
    pub text: String,
    /// The cue settings (`sttg`), e.g. `line:10%`.
    pub settings: Option<String>,
}

/// An MP4 `wvtt` sample: `vttc` boxes (one per cue showing then), each
/// with `payl` (the text) and maybe `sttg` (settings); a `vtte` box alone
/// is a gap.
pub fn wvtt(sample: &[u8]) -> Vec<VttPayload> {
    let mut cues = Vec::new();
    for (kind, body) in boxes(sample) {
        if kind != *b"vttc" {
            continue;
        }
        let mut cue = VttPayload {
            text: String::new(),
            settings: None,
        };
        for (inner, data) in boxes(body) {
            let s = String::from_utf8_lossy(data).trim_end().to_string();
            match &inner {
                b"payl" => cue.text = s,
                b"sttg" if !s.is_empty() => cue.settings = Some(s),
                _ => {}
            }
        }
        if !cue.text.trim().is_empty() {
            cues.push(cue);
        }
    }
    cues
}

/// A WebM `D_WEBVTT/*` block: the cue identifier line, the settings line
/// (either may be empty), then the cue text. (Matroska's `S_TEXT/WEBVTT`
/// keeps those two in BlockAdditions instead, and its block is `plain`.)
pub fn webm_vtt(data: &[u8]) -> Option<VttPayload> {
    let block = String::from_utf8_lossy(data).replace("\r\n", "\n");
    let mut parts = block.splitn(3, '\n');
    let _id = parts.next()?;
    let settings = parts.next()?.trim();
    let text = plain(parts.next()?.as_bytes())?;
    Some(VttPayload {
        text,
        settings: (!settings.is_empty()).then(|| settings.to_string()),
    })
}

/// The boxes laid end to end in `data` (32-bit sizes only: these are
/// boxes inside one sample). Stops at the first malformed one.
fn boxes(mut data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    while data.len() >= 8 {
        let size = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
        if size < 8 || size > data.len() {
            break;
        }
        out.push(([data[4], data[5], data[6], data[7]], &data[8..size]));
        data = &data[size..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ass_blocks_read_as_the_ass_reader_reads_events() {
        let header = Header::parse(
            "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\n\
             Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
             Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1\n\
             Style: Thoughts,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,100,100,0,0,1,2,2,8,10,10,10,1\n\n\
             [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        );
        let block = |b: &str| ass_block(b.as_bytes(), &header);
        assert_eq!(
            block("3,0,Default,Bob,0,0,0,,Top, with comma"),
            Some((3, "Top, with comma".to_string()))
        );
        assert_eq!(
            block(r"4,0,Default,,0,0,0,,{\an8}{\i1}English{\i0}\N中文"),
            Some((4, "{\\an8}<i>English</i>\n中文".to_string()))
        );
        // The style's italics and top alignment, as in a whole script.
        assert_eq!(
            block("5,0,Thoughts,,0,0,0,,I should go home"),
            Some((5, "{\\an8}<i>I should go home</i>".to_string()))
        );
        assert_eq!(block(r"1,0,Default,,0,0,0,,{\p1}m 0 0{\p0}"), None);
        assert_eq!(block("not an event"), None);
        let bare = Header::parse("");
        assert_eq!(
            ass_block(br"2,0,Missing,,0,0,0,,a\nb", &bare),
            Some((2, "a\nb".to_string()))
        );
    }

    #[test]
    fn tx3g_samples() {
        let mut s = vec![0, 5];
        s.extend_from_slice(b"Hello");
        s.extend_from_slice(&[0, 0, 0, 12, b's', b't', b'y', b'l', 0, 0, 0, 0]);
        assert_eq!(tx3g(&s).as_deref(), Some("Hello"));
        assert_eq!(tx3g(&[0, 0]), None, "an empty sample is a gap");
        assert_eq!(tx3g(&[0, 4, 0xFE, 0xFF, 0, b'A']).as_deref(), Some("A"));
        assert_eq!(tx3g(&[0]), None);
    }

    #[test]
    fn webm_vtt_blocks() {
        let cue = webm_vtt(b"id2\nline:10%\nTwo\nlines").unwrap();
        assert_eq!(cue.text, "Two\nlines");
        assert_eq!(cue.settings.as_deref(), Some("line:10%"));
        assert_eq!(webm_vtt(b"\n\nHi").unwrap().settings, None);
        assert_eq!(webm_vtt(b"\n\n"), None);
        assert_eq!(webm_vtt(b"just text"), None);
    }

    #[test]
    fn wvtt_samples() {
        fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
            let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
            v.extend_from_slice(kind);
            v.extend_from_slice(body);
            v
        }
        let mut cue = bx(b"sttg", b"line:10%");
        cue.extend(bx(b"payl", b"Two\nlines"));
        let sample = bx(b"vttc", &cue);
        assert_eq!(
            wvtt(&sample),
            vec![VttPayload {
                text: "Two\nlines".into(),
                settings: Some("line:10%".into())
            }]
        );
        assert!(wvtt(&bx(b"vtte", b"")).is_empty());
        assert!(wvtt(&[0, 0, 0, 99, b'v']).is_empty(), "a box past the end");
    }
}
