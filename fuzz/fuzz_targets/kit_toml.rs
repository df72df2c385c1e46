//! Any bytes as a kit's kit.toml and as its cards.toml: parse, validate
//! (the checks kit.toml's text alone allows: placeholders, bag-info.txt
//! text, clip ids, the lines findings point at) and plan the programme.
//! Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use screenkit::kit::check::text_findings;
use screenkit::kit::programme::Programme;
use screenkit::kit::{Kit, safe_id};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let cards = screenkit::cards::parse(text).unwrap_or_default();
    let Ok(kit) = Kit::from_text(Path::new("kit"), text.to_string(), "kit.toml".into()) else {
        return;
    };
    for f in text_findings(&kit) {
        assert!(f.line >= 1 && f.line <= text.lines().count().max(1) + 1, "{f:?}");
    }
    for (n, c) in kit.manifest.clips.iter().enumerate() {
        let _ = safe_id(&c.id);
        let _ = kit.clip_line(n, "id");
        let _ = c.media_ext();
    }
    let programme = Programme::new(&kit.manifest, &cards);
    let _ = programme.print_order(&cards);
    let _ = kit.unknown_listed_cards(&cards);
});
