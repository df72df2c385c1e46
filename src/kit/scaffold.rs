//! `new NAME`: a kit folder with a commented `kit.toml` and a `cards.toml`
//! to start from. Never overwrites.

use std::path::Path;

// What `new` leaves for the user to replace. `check KIT` looks for these
// same texts, so a kit cannot ship with them unnoticed.
pub const TITLE: &str = "TITLE OF THE EVENING";
pub const RIGHTS: &str = "WHO LICENSED THE SCREENING AND THE CLIPS";
pub const FILM_TITLE: &str = "FILM TITLE";
pub const DIRECTOR: &str = "DIRECTOR";
pub const ORGANIZER: &str = "YOUR NAME OR GROUP";
pub const CONTACT: &str = "E-MAIL OR PHONE";
pub const VENUE: &str = "VENUE";
pub const CLIP_TITLE: &str = "FIRST CLIP";
pub const CARD_TITLE: &str = "FIRST QUESTION";

/// Every placeholder text `new` writes.
pub const PLACEHOLDERS: [&str; 9] = [
    TITLE, RIGHTS, FILM_TITLE, DIRECTOR, ORGANIZER, CONTACT, VENUE, CLIP_TITLE, CARD_TITLE,
];

/// Whether a manifest or card value is still one of `new`'s placeholders.
pub fn is_placeholder(value: &str) -> bool {
    PLACEHOLDERS.contains(&value.trim())
}

fn kit_toml() -> String {
    format!(
        r#"# A screenkit kit. Paths are relative to this folder.
# Check it with `screenkit check .` and build it with `screenkit build .`.

title = "{TITLE}"
cards = "cards.toml"
# Who licensed the public performance of the film and of each clip.
rights = "{RIGHTS}"

[film]
title = "{FILM_TITLE}"
director = "{DIRECTOR}"
year = 2009
languages = ["Mandarin"]

[organizer]
name = "{ORGANIZER}"
contact = "{CONTACT}"

# Optional: the date also fixes the timestamps inside the zip.
[event]
date = "2026-12-05"
venue = "{VENUE}"

# One [[clip]] per clip, in screening order. The id names the files in the
# kit (letters, digits and dashes are safe on every USB stick).
[[clip]]
id = "clip-1"
title = "{CLIP_TITLE}"
media = "clips/clip-1.mp4"            # H.264 + AAC-LC stereo in MP4 plays everywhere
subtitles = "subtitles/clip-1.en.srt"
minutes = 5                           # discussion after the clip
"#
    )
}

fn cards_toml() -> String {
    format!(
        r#"# Discussion cards, in the order of the evening.
# kind: opening, background, person, question, quote, activity, action, facilitator-note
# follows: clip ids from kit.toml; source: where the facts come from.

[[card]]
id = "ground-rules"
kind = "opening"
title = "Ground rules"
text = """
Speak for yourself. Listen to the end. Leave room for others.
"""

[[card]]
id = "clip-1-q1"
kind = "question"
title = "{CARD_TITLE}"
text = "What stayed with you from this clip?"
follows = ["clip-1"]
"#
    )
}

/// Create the kit folder; fails if it exists.
pub fn create(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "already exists; choose a new name",
        ));
    }
    std::fs::create_dir_all(dir.join("clips"))?;
    std::fs::create_dir_all(dir.join("subtitles"))?;
    std::fs::write(dir.join("kit.toml"), kit_toml())?;
    std::fs::write(dir.join("cards.toml"), cards_toml())
}

#[cfg(test)]
mod tests {
    #[test]
    fn scaffold_parses_and_its_cards_validate() {
        let dir = tempfile::tempdir().unwrap();
        let kit_dir = dir.path().join("new-kit");
        super::create(&kit_dir).unwrap();
        let kit = crate::kit::Kit::open(&kit_dir).unwrap();
        assert_eq!(kit.manifest.clips[0].id, "clip-1");
        let cards =
            crate::cards::parse(&std::fs::read_to_string(kit_dir.join("cards.toml")).unwrap())
                .unwrap();
        assert!(crate::cards::validate(&cards, &["clip-1"]).is_empty());
        assert!(super::create(&kit_dir).is_err(), "never overwrites");
    }
}
