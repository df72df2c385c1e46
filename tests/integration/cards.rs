//! `screenkit cards`: the Last Train Home deck validates and renders in
//! every format; broken decks get file:line errors and no output; the
//! printable HTML prints to PDF in headless Chromium (one A6 page a card).

use crate::util::{screenkit, shared};
use std::path::{Path, PathBuf};
use std::process::Command;

fn demo_kit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kits/last-train-home")
}

/// (id, kind, follows, source) of every card, read back from the Markdown-free TOML.
fn deck() -> Vec<toml::Table> {
    let text = std::fs::read_to_string(demo_kit().join("cards.toml")).unwrap();
    let t: toml::Table = toml::from_str(&text).unwrap();
    t["card"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_table().unwrap().clone())
        .collect()
}

#[test]
fn demo_deck_has_three_questions_per_clip_and_a_plan() {
    let kit: toml::Table =
        toml::from_str(&std::fs::read_to_string(demo_kit().join("kit.toml")).unwrap()).unwrap();
    let clips: Vec<&str> = kit["clip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(clips.len(), 9, "one clip per web clip in seeds/001");
    let cards = deck();
    for clip in &clips {
        let n = cards
            .iter()
            .filter(|c| {
                c["kind"].as_str() == Some("question")
                    && c.get("follows")
                        .and_then(|f| f.as_array())
                        .is_some_and(|f| f.iter().any(|x| x.as_str() == Some(clip)))
            })
            .count();
        assert!(n >= 3, "clip {clip} has {n} questions");
    }
    for kind in ["opening", "activity", "action", "facilitator-note"] {
        assert!(
            cards.iter().any(|c| c["kind"].as_str() == Some(kind)),
            "no {kind} card"
        );
    }
    let minutes: i64 = cards
        .iter()
        .filter(|c| c["kind"].as_str() == Some("facilitator-note"))
        .filter_map(|c| c.get("minutes")?.as_integer())
        .sum();
    assert!(
        (20..=30).contains(&minutes),
        "the plan covers {minutes} minutes"
    );
}

/// Every fact card names the seed file it was written from, and that file
/// exists in `../shared/seeds`.
#[test]
fn shared_demo_deck_facts_name_existing_seed_files() {
    let cards = deck();
    let seeds = shared("seeds");
    for c in cards
        .iter()
        .filter(|c| matches!(c["kind"].as_str(), Some("background" | "person" | "quote")))
    {
        let source = c
            .get("source")
            .and_then(|s| s.as_str())
            .unwrap_or_else(|| panic!("{} has no source", c["id"]));
        let mut named = 0;
        for part in source.split("seeds/").skip(1) {
            let prefix = &part[..3];
            let found = std::fs::read_dir(&seeds).unwrap().any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{prefix}_"))
            });
            assert!(found, "{}: no seed file {prefix}_*", c["id"]);
            named += 1;
        }
        assert!(
            named > 0,
            "{}: source names no seed file: {source}",
            c["id"]
        );
    }
}

#[test]
fn renders_every_format_escaped_and_offline() {
    let tmp = tempfile::tempdir().unwrap();
    let run = screenkit([
        "cards".as_ref(),
        demo_kit().as_os_str(),
        "--format".as_ref(),
        "html,md,txt".as_ref(),
        "-o".as_ref(),
        tmp.path().as_os_str(),
    ]);
    run.code(0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let read = |n: &str| std::fs::read_to_string(tmp.path().join(n)).unwrap();
    let (html, proj, md, txt) = (
        read("cards.html"),
        read("cards-projection.html"),
        read("cards.md"),
        read("cards.txt"),
    );
    for c in deck() {
        let title = c["title"].as_str().unwrap();
        let escaped = title
            .replace('&', "&amp;")
            .replace('\'', "&#39;")
            .replace('"', "&quot;");
        assert!(html.contains(&escaped), "print view lacks {title}");
        assert!(md.contains(title) && txt.contains(title), "{title}");
        let note = c["kind"].as_str() == Some("facilitator-note");
        assert_eq!(
            proj.contains(&escaped),
            !note,
            "projection view and {title}"
        );
    }
    for page in [&html, &proj] {
        assert!(
            !page.contains("http://") && !page.contains("https://") && !page.contains("<link"),
            "no network resources"
        );
    }
    assert!(html.contains("font-size: 14pt") && html.contains("size: 105mm 148mm"));
    assert!(proj.contains("ArrowRight") && proj.contains("requestFullscreen"));
}

#[test]
fn broken_decks_get_file_line_errors_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("kit");
    std::fs::create_dir(&kit).unwrap();
    let manifest = std::fs::read_to_string(demo_kit().join("kit.toml")).unwrap();
    std::fs::write(kit.join("kit.toml"), manifest).unwrap();
    let cards = "[[card]]\nid = \"a\"\nkind = \"question\"\ntitle = \"A\"\ntext = \"ok\"\nfollows = [\"trailer\"]\n\n[[card]]\nid = \"a\"\nkind = \"question\"\ntitle = \"B\"\ntext = \"\"\nfollows = [\"no-such-clip\"]\n";
    std::fs::write(kit.join("cards.toml"), cards).unwrap();
    let out = tmp.path().join("out");
    let run = screenkit([
        "cards".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    run.code(1);
    let file = kit.join("cards.toml").display().to_string();
    for needle in [
        "duplicate card id 'a' (first at line 1)",
        "card 'a' has no text",
        "card 'a' follows unknown clip 'no-such-clip'",
    ] {
        assert!(
            run.stderr.contains(&format!("{file}:8: {needle}")),
            "{needle}: {}",
            run.stderr
        );
    }
    assert!(!out.exists(), "nothing written");
    std::fs::write(
        kit.join("cards.toml"),
        "[[card]]\nid = \"a\"\nkind = \"sermon\"\n",
    )
    .unwrap();
    let run = screenkit([
        "cards".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.code(1).stderr.contains(&format!("{file}:3: ")),
        "{}",
        run.stderr
    );
    let run = screenkit(["cards".as_ref(), tmp.path().as_os_str()]);
    assert!(run.code(2).stderr.contains("no kit.toml"), "{}", run.stderr);
}

#[test]
fn printable_cards_print_one_a6_page_each_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    screenkit([
        "cards".as_ref(),
        demo_kit().as_os_str(),
        "-o".as_ref(),
        tmp.path().as_os_str(),
    ])
    .code(0);
    let pdf = tmp.path().join("cards.pdf");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/print.js");
    let run = Command::new("node")
        .arg(script)
        .arg(tmp.path().join("cards.html"))
        .arg(&pdf)
        .output()
        .expect("node, playwright-core and chromium are needed for the print test: run `bash tests/run`");
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(pages, deck().len() + 1, "one page per card plus the cover");
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    // A6 is 297.64 x 419.53 pt; Chromium rounds to its own units.
    let dims: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        (dims[0] - 297.64).abs() < 1.5 && (dims[1] - 419.53).abs() < 1.5,
        "{size}"
    );
}

#[test]
fn check_kit_and_cards_run_one_card_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kit = tmp.path().join("kit");
    std::fs::create_dir(&kit).unwrap();
    std::fs::write(
        kit.join("kit.toml"),
        format!(
            "title = \"T\"\ncards = \"cards.toml\"\nrights = \"r\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n[[clip]]\nid = \"trailer\"\ntitle = \"Trailer\"\nmedia = \"{}\"\nsubtitles = \"{}\"\nminutes = 1\n",
            root.join("clips/trailer.mp4").display(),
            root.join("subtitles/trailer.en.srt").display()
        ),
    )
    .unwrap();
    std::fs::write(
        kit.join("cards.toml"),
        "[[card]]\nid = \"hello\"\nkind = \"opening\"\ntitle = \"Hello\"\ntext = \"Welcome.\"\n\n[[card]]\nid = \"only\"\nkind = \"question\"\ntitle = \"Only one\"\ntext = \"Why did they leave?\"\nfollows = [\"trailer\"]\n",
    )
    .unwrap();
    let file = kit.join("cards.toml").display().to_string();
    let want = "clip 'trailer' has 1 question card(s); 3 or more make a better discussion";
    // check KIT: a warning in cards.toml, at the clip's first card.
    let run = screenkit(["check".as_ref(), "--json".as_ref(), kit.as_os_str()]);
    let v: serde_json::Value = serde_json::from_str(&run.code(0).stdout).unwrap();
    let cards = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == file.as_str())
        .unwrap_or_else(|| panic!("no {file} in {v}"));
    let findings = cards["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (
            findings[0]["rule"].as_str(),
            findings[0]["severity"].as_str(),
            findings[0]["line"].as_u64(),
            findings[0]["message"].as_str()
        ),
        (Some("cards"), Some("warning"), Some(7), Some(want))
    );
    // cards: the same warning, same file and line, and the cards are written.
    let out = tmp.path().join("out");
    let run = screenkit([
        "cards".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.code(0)
            .stderr
            .contains(&format!("warning: {file}:7: {want}")),
        "{}",
        run.stderr
    );
    assert!(out.join("cards.html").is_file());
}
