//! The Content-Security-Policy every page screenkit writes carries, so that
//! one escaping mistake in kit text cannot run anything: nothing is
//! allowed by default; scripts, media, images and subtitle tracks come
//! from the kit itself (`'self'`), and the page's own inline `<script>` and
//! `<style>` elements run only because their SHA-256 is listed. Kit text
//! turned into markup, an event-handler attribute or a script from
//! elsewhere is then blocked by the browser even if it got into the page.
//!
//! Each page template has `<meta http-equiv="Content-Security-Policy"
//! content="{{csp}}">` before any slot that holds kit text; [`seal`] fills
//! it once the page is otherwise complete, hashing what the page holds.

use sha2::{Digest, Sha256};

/// The slot each template holds in its CSP `<meta>`.
const SLOT: &str = "{{csp}}";

/// `page` with its CSP slot filled: the policy, with a hash of each inline
/// script and style it holds. JSON data blocks (`type="application/json"`)
/// are never run, so they need none.
pub fn seal(page: &str) -> String {
    let scripts: Vec<String> = inline(page, "script").map(hash).collect();
    let styles: Vec<String> = inline(page, "style").map(hash).collect();
    let policy = format!(
        "default-src 'none'; script-src 'self'{}; style-src{}; media-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
        scripts.concat(),
        if styles.is_empty() {
            " 'none'".to_string()
        } else {
            styles.concat()
        }
    );
    debug_assert!(page.contains(SLOT), "every page template has a CSP slot");
    // The first slot is the template's: it comes before any kit text.
    page.replacen(SLOT, &policy, 1)
}

/// The text of each `<tag>` element with no `src` and no JSON type, as the
/// browser hashes it (everything between the start and end tags).
fn inline<'a>(page: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = page;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(&open)?;
            let after = &rest[at + open.len()..];
            let end = after.find('>')?;
            let attrs = &after[..end];
            let body = &after[end + 1..];
            let stop = body.find(&close)?;
            rest = &body[stop + close.len()..];
            // `<scripts…` or `<styled…` would be other tags.
            if !(attrs.is_empty() || attrs.starts_with(char::is_whitespace)) {
                continue;
            }
            if attrs.contains("src=") || attrs.contains("application/json") {
                continue;
            }
            return Some(&body[..stop]);
        }
    })
}

fn hash(text: &str) -> String {
    format!(" 'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding, as CSP hash sources are written.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (raw, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), want, "{raw}");
        }
    }

    #[test]
    fn inline_scripts_and_styles_are_hashed_data_and_src_are_not() {
        let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{{csp}}\"><title>{{csp}}</title><style>\nb{}\n</style></head><body>\
            <script type=\"application/json\" id=\"kit\">{\"a\":1}</script>\
            <script>\nrun();\n</script><script src=\"x.js\"></script></body></html>";
        let sealed = seal(page);
        let policy = sealed
            .split("content=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(policy.contains(&hash("\nrun();\n")), "{policy}");
        assert!(
            policy.contains(&format!("style-src{};", hash("\nb{}\n"))),
            "{policy}"
        );
        assert!(!policy.contains(&hash("{\"a\":1}")), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        // Only the template's slot is filled, never one in kit text.
        assert!(sealed.contains("<title>{{csp}}</title>"));
    }

    /// A known digest: sha256("alert(1)") in CSP's spelling.
    #[test]
    fn hashes_are_written_as_browsers_compute_them() {
        assert_eq!(
            hash("alert(1)"),
            " 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }
}
