//! Bytes to text: BOM sniffing, UTF-16 without BOM, legacy code-page
//! detection (chardetng) and decoding (encoding_rs).
//!
//! encoding_rs has no UTF-32 decoder (the WHATWG standard dropped it), so the
//! two UTF-32 forms are decoded here by hand; they are only ever seen with a
//! BOM (pysrt and UMS test files).

use super::{EncodingHow, Source};
use encoding_rs::Encoding;
use thiserror::Error;

/// Why bytes could not be turned into subtitle text.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("file is empty (0 bytes)")]
    Empty,
    #[error("this looks like a binary file, not subtitles (NUL byte at offset {offset})")]
    Binary { offset: usize },
    #[error(
        "unknown encoding '{0}' (try utf-8, windows-1252, gbk, gb18030, big5, koi8-r, utf-16le)"
    )]
    UnknownEncoding(String),
}

/// Decoded text plus what we learned about the bytes.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub source: Source,
}

/// An encoding screenkit can decode: one of encoding_rs's or UTF-32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Rs(&'static Encoding),
    Utf32Le,
    Utf32Be,
}

impl Charset {
    /// Look an encoding up by any WHATWG label (`latin1`, `cp1252`, `gb2312`…).
    pub fn for_label(label: &str) -> Result<Charset, DecodeError> {
        match label.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-32" | "utf-32le" | "utf32" | "utf32le" => Ok(Charset::Utf32Le),
            "utf-32be" | "utf32be" => Ok(Charset::Utf32Be),
            "cp1252" | "cp1250" | "cp1251" | "cp1253" | "cp1254" | "cp1255" | "cp1256" => {
                Charset::for_label(&label.replace("cp", "windows-"))
            }
            l => Encoding::for_label(l.as_bytes())
                .map(Charset::Rs)
                .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string())),
        }
    }

    pub const UTF_8: Charset = Charset::Rs(encoding_rs::UTF_8);

    /// The WHATWG/encoding_rs name (`UTF-8`, `windows-1252`, `UTF-32LE`…).
    pub fn name(self) -> &'static str {
        match self {
            Charset::Rs(e) => e.name(),
            Charset::Utf32Le => "UTF-32LE",
            Charset::Utf32Be => "UTF-32BE",
        }
    }

    /// A Unicode encoding (UTF-8, -16 or -32), as opposed to a legacy code page.
    pub fn is_unicode(self) -> bool {
        match self {
            Charset::Rs(e) => {
                e == encoding_rs::UTF_8 || e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE
            }
            Charset::Utf32Le | Charset::Utf32Be => true,
        }
    }

    /// A Chinese, Japanese or Korean multi-byte code page.
    pub fn is_cjk_code_page(self) -> bool {
        use encoding_rs::{BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS};
        matches!(self, Charset::Rs(e) if [GBK, GB18030, BIG5, EUC_JP, SHIFT_JIS, EUC_KR].contains(&e))
    }
}

/// Text read from a file is UTF-8 until something says otherwise.
impl Default for Charset {
    fn default() -> Charset {
        Charset::UTF_8
    }
}

impl std::fmt::Display for Charset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Decode subtitle bytes. `forced` overrides detection (`--encoding`).
///
/// Order: BOM, then valid UTF-8, then a UTF-16 NUL pattern, then chardetng.
/// NUL bytes in anything that is not UTF-16/32 mean a binary file.
pub fn decode(bytes: &[u8], forced: Option<Charset>) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (charset, bom_len, how) = match (forced, sniff_bom(bytes)) {
        (Some(c), bom) => {
            let bom_len = bom.filter(|(b, _)| *b == c).map_or(0, |(_, n)| n);
            (c, bom_len, EncodingHow::Override)
        }
        (None, Some((c, n))) => (c, n, EncodingHow::Bom),
        (None, None) => guess(bytes)?,
    };
    let body = &bytes[bom_len..];
    // Valid UTF-8 needs no decoding, only a copy.
    let utf8 = (charset == Charset::UTF_8)
        .then(|| std::str::from_utf8(body).ok())
        .flatten();
    let (text, errors) = match charset {
        _ if utf8.is_some() => (utf8.unwrap_or_default().to_owned(), false),
        Charset::Rs(e) => {
            let (cow, had_errors) = e.decode_without_bom_handling(body);
            (cow.into_owned(), had_errors)
        }
        Charset::Utf32Le => utf32(body, u32::from_le_bytes),
        Charset::Utf32Be => utf32(body, u32::from_be_bytes),
    };
    if let Some(offset) = text.find('\0') {
        return Err(DecodeError::Binary { offset });
    }
    Ok(Decoded {
        text,
        source: Source {
            encoding: charset,
            encoding_how: how,
            bom: bom_len > 0,
            decode_errors: errors,
            ..Source::default()
        },
    })
}

/// BOM-less UTF-8 (the common case) as a view of the bytes read: validated
/// once (simdutf8, faster than std on accented text) and never
/// copied. `Ok(None)` when the bytes need `decode`.
pub fn borrow_utf8(
    bytes: &[u8],
    forced: Option<Charset>,
) -> Result<Option<(&str, Source)>, DecodeError> {
    let plain = forced.is_none()
        && !bytes.is_empty()
        && sniff_bom(bytes).is_none()
        && utf16_by_nuls(bytes).is_none();
    if !plain {
        return Ok(None);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset });
    }
    Ok(simdutf8::basic::from_utf8(bytes).ok().map(|text| {
        let source = Source {
            encoding: Charset::UTF_8,
            ..Source::default()
        };
        (text, source)
    }))
}

fn sniff_bom(b: &[u8]) -> Option<(Charset, usize)> {
    // UTF-32LE's BOM starts like UTF-16LE's, so test it first.
    if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some((Charset::Utf32Le, 4))
    } else if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some((Charset::Utf32Be, 4))
    } else {
        Encoding::for_bom(b).map(|(e, n)| (Charset::Rs(e), n))
    }
}

fn guess(bytes: &[u8]) -> Result<(Charset, usize, EncodingHow), DecodeError> {
    if let Some(e) = utf16_by_nuls(bytes) {
        return Ok((Charset::Rs(e), 0, EncodingHow::NulPattern));
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary { offset });
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok((Charset::Rs(encoding_rs::UTF_8), 0, EncodingHow::Utf8));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    // No TLD hint: subtitles come from anywhere.
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    Ok((Charset::Rs(enc), 0, EncodingHow::Detected))
}

/// UTF-16 without a BOM: ASCII-heavy text leaves every other byte zero.
fn utf16_by_nuls(b: &[u8]) -> Option<&'static Encoding> {
    if b.len() < 4 || !b.len().is_multiple_of(2) {
        return None;
    }
    let sample = &b[..b.len().min(4096)];
    let pairs = sample.len() / 2;
    let even0 = sample.iter().step_by(2).filter(|&&x| x == 0).count();
    let odd0 = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&x| x == 0)
        .count();
    // Three quarters of one side zero and almost none of the other.
    if odd0 * 4 >= pairs * 3 && even0 * 20 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even0 * 4 >= pairs * 3 && odd0 * 20 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn utf32(body: &[u8], word: fn([u8; 4]) -> u32) -> (String, bool) {
    let mut errors = !body.len().is_multiple_of(4);
    let mut s = String::with_capacity(body.len() / 4);
    for c in body.chunks_exact(4) {
        match char::from_u32(word([c[0], c[1], c[2], c[3]])) {
            Some(ch) => s.push(ch),
            None => {
                errors = true;
                s.push('\u{FFFD}');
            }
        }
    }
    (s, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(bytes: &[u8]) -> (String, String, bool) {
        let d = decode(bytes, None).unwrap();
        (d.text, d.source.encoding.name().to_string(), d.source.bom)
    }

    #[test]
    fn charset_families() {
        let cs = |l: &str| Charset::for_label(l).unwrap();
        for l in ["utf-8", "utf-16le", "utf-16be", "utf-32", "utf-32be"] {
            assert!(cs(l).is_unicode() && !cs(l).is_cjk_code_page(), "{l}");
        }
        for l in ["gbk", "gb18030", "big5", "euc-jp", "shift_jis", "euc-kr"] {
            assert!(cs(l).is_cjk_code_page() && !cs(l).is_unicode(), "{l}");
        }
        for l in ["windows-1252", "koi8-r", "iso-8859-2"] {
            assert!(!cs(l).is_cjk_code_page() && !cs(l).is_unicode(), "{l}");
        }
        assert_eq!(Charset::default(), cs("utf8"));
    }

    #[test]
    fn boms() {
        assert_eq!(enc(b"\xEF\xBB\xBFhi"), ("hi".into(), "UTF-8".into(), true));
        assert_eq!(
            enc(b"\xFF\xFEh\0i\0"),
            ("hi".into(), "UTF-16LE".into(), true)
        );
        assert_eq!(
            enc(b"\xFE\xFF\0h\0i"),
            ("hi".into(), "UTF-16BE".into(), true)
        );
        assert_eq!(
            enc(b"\xFF\xFE\0\0h\0\0\0i\0\0\0"),
            ("hi".into(), "UTF-32LE".into(), true)
        );
        assert_eq!(
            enc(b"\0\0\xFE\xFF\0\0\0h\0\0\0i"),
            ("hi".into(), "UTF-32BE".into(), true)
        );
    }

    #[test]
    fn utf16_without_bom() {
        let b: Vec<u8> = "1\n00:00:01,000"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode(&b, None).unwrap();
        assert_eq!(d.source.encoding.name(), "UTF-16LE");
        assert_eq!(d.text, "1\n00:00:01,000");
    }

    #[test]
    fn legacy_detection() {
        // "Café déjà vu, à la carte" in windows-1252.
        let (text, name, _) = enc(b"Caf\xE9 d\xE9j\xE0 vu, \xE0 la carte, tr\xE8s \xE9l\xE9gant");
        assert!(text.starts_with("Café déjà"), "{text}");
        assert_eq!(name, "windows-1252");
    }

    #[test]
    fn borrowed_decoding_agrees() {
        for b in [
            &b"1\n00:00:01,000"[..],
            "1\n00:00:01,000 --> 00:00:02,000\nCafé déjà vu, 你好\n".as_bytes(),
            b"\xEF\xBB\xBFhi",
            b"caf\xE9 cr\xE8me br\xFBl\xE9e",
            b"\xFF\xFEh\0i\0",
            b"bin\0ary",
            b"",
        ] {
            let owned = decode(b, None).map(|d| (d.text, d.source));
            match borrow_utf8(b, None) {
                Ok(Some((text, source))) => {
                    assert_eq!(owned, Ok((text.to_string(), source)), "{b:?}")
                }
                Ok(None) => {
                    // Only what plain UTF-8 is not goes the long way.
                    let how = owned.as_ref().map(|(_, s)| (s.encoding_how, s.bom));
                    assert_ne!(how, Ok((EncodingHow::Utf8, false)), "{b:?}");
                }
                Err(e) => assert_eq!(owned.map(|_| ()), Err(e), "{b:?}"),
            }
        }
    }

    #[test]
    fn errors() {
        assert_eq!(decode(b"", None).unwrap_err(), DecodeError::Empty);
        assert!(matches!(
            decode(b"\x7FELF\x02\x01\x01\0\0\0", None),
            Err(DecodeError::Binary { .. })
        ));
        assert!(Charset::for_label("klingon").is_err());
        assert_eq!(Charset::for_label("cp1251").unwrap().name(), "windows-1251");
        assert_eq!(Charset::for_label("gb2312").unwrap().name(), "GBK");
    }

    #[test]
    fn override_beats_detection() {
        let d = decode(b"\xC3\xA9", Some(Charset::for_label("latin1").unwrap())).unwrap();
        assert_eq!(d.text, "Ã©");
        assert_eq!(d.source.encoding_how, EncodingHow::Override);
    }
}
