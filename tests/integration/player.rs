//! The screening day: the player walks the whole programme in Chromium
//! (tests/node/player.js), draws the right cue and moves it with the delay
//! keys, names missing files on screen, fetches nothing and runs no kit
//! text; the run sheet and the VLC playlists hold what a venue needs.

use crate::util::screenkit;
use screenkit::subtitle::markup::visible;
use screenkit::subtitle::read_path;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Clip ids of the demo kit in kit.toml order.
fn demo_clips() -> Vec<(String, String)> {
    let m: toml::Value = toml::from_str(
        &std::fs::read_to_string(root().join("kits/last-train-home/kit.toml")).unwrap(),
    )
    .unwrap();
    m["clip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Build `kit` into `dir` (extra args appended) and unzip it; the bag folder.
fn build_bag(kit: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    let mut args: Vec<std::ffi::OsString> =
        vec!["build".into(), kit.into(), "-o".into(), dir.into()];
    args.extend(extra.iter().map(Into::into));
    screenkit(&args).code(0);
    let name = kit.file_name().unwrap().to_str().unwrap();
    let out = Command::new("unzip")
        .arg("-q")
        .arg(dir.join(format!("{name}.zip")))
        .arg("-d")
        .arg(dir.join("u"))
        .output()
        .expect("unzip: run `bash tests/run`");
    assert!(out.status.success());
    dir.join("u").join(name)
}

/// Run tests/node/player.js on a bag; screenshots go to `shots` if given.
fn play(bag: &Path, shots: Option<&Path>) -> serde_json::Value {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/node/player.js"))
        .arg(bag.join("index.html"));
    if let Some(s) = shots {
        cmd.arg(s);
    }
    let out = cmd
        .output()
        .expect("node, playwright-core and chromium: run `bash tests/run`");
    assert!(
        out.status.success(),
        "player.js: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The visible text of the cue of `srt` showing at `ms`, if any.
fn cue_at(srt: &Path, ms: i64) -> String {
    let track = read_path(srt, None).unwrap();
    track
        .cues
        .iter()
        .find(|c| c.start.ms() <= ms && ms < c.end.ms())
        .map(|c| {
            c.lines()
                .map(|l| visible(l).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn cards_file(path: &Path) -> Vec<toml::Value> {
    let v: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["card"].as_array().unwrap().clone()
}

/// A walk of the demo kit from the welcome screen to the end screen: every
/// clip in kit.toml order, each one playing, and every card the audience
/// sees (facilitator notes only in print). Returns the clip ids in order.
fn assert_walks_the_whole_demo(walk: &[serde_json::Value]) -> Vec<String> {
    assert_eq!(walk.first().unwrap()["kind"], "welcome");
    assert_eq!(walk.last().unwrap()["kind"], "end");
    let ids: Vec<String> = demo_clips().into_iter().map(|c| c.0).collect();
    let srcs: Vec<&str> = walk
        .iter()
        .filter(|s| s["kind"] == "clip")
        .inspect(|c| {
            assert!(
                c["ready"].as_u64().unwrap() >= 1 && c["playing"] == true,
                "{c}"
            )
        })
        .map(|c| c["src"].as_str().unwrap())
        .collect();
    let want: Vec<String> = ids
        .iter()
        .map(|id| format!("data/clips/{id}.mp4"))
        .collect();
    assert_eq!(srcs, want);
    let titles: Vec<&str> = walk
        .iter()
        .filter(|s| s["kind"] == "card")
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    let deck = cards_file(&root().join("kits/last-train-home/cards.toml"));
    for c in &deck {
        let title = c["title"].as_str().unwrap();
        let note = c["kind"].as_str() == Some("facilitator-note");
        assert_eq!(titles.contains(&title), !note, "{title}");
    }
    ids
}

#[test]
fn page_down_walks_every_card_and_clip_in_kit_order_and_cues_follow_the_delay_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = build_bag(&root().join("kits/last-train-home"), tmp.path(), &[]);
    let shots = std::env::var_os("SCREENKIT_SHOTS").map(PathBuf::from);
    let r = play(&bag, shots.as_deref());
    let walk = r["walk"].as_array().unwrap();
    let ids = assert_walks_the_whole_demo(walk);
    let deck = cards_file(&root().join("kits/last-train-home/cards.toml"));
    for (n, id) in ids.iter().enumerate() {
        let at = walk
            .iter()
            .position(|s| s["src"] == format!("data/clips/{id}.mp4").as_str())
            .unwrap();
        let next = &walk[at + 1];
        let first = deck
            .iter()
            .find(|c| {
                c.get("follows")
                    .and_then(|f| f.as_array())
                    .is_some_and(|f| f.iter().any(|x| x.as_str() == Some(id.as_str())))
            })
            .unwrap();
        assert_eq!(
            next["title"].as_str(),
            first["title"].as_str(),
            "clip {n} is followed by its first card"
        );
    }
    // The cue showing at a time inside it, and the delay keys at a boundary.
    let srt = |id: &str| root().join(format!("subtitles/{id}.en.srt"));
    let cue = &r["cue"];
    let id = cue["clip"].as_str().unwrap();
    let text = cue_at(&srt(id), cue["ms"].as_i64().unwrap());
    assert!(!text.is_empty());
    assert_eq!(cue["text"], text.as_str());
    let d = &r["delay"];
    let ms = d["ms"].as_i64().unwrap();
    assert_eq!(d["before"], cue_at(&srt(id), ms).as_str());
    assert_eq!(d["after"], cue_at(&srt(id), ms - 100).as_str());
    assert_ne!(d["before"], d["after"], "+100 ms moves which cue shows");
    assert!(d["notice"].as_str().unwrap().contains("+100 ms"), "{d}");
    assert_eq!(r["network"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(r["pwned"], false);
    assert_pages_sealed(&r);
}

/// Every page of the kit opened from file:// carries the CSP, which
/// blocked nothing the kit itself needs (the walk above played every clip
/// and drew its cues under it), and its own script ran (the run sheet and
/// the projection view are drawn by script).
fn assert_pages_sealed(r: &serde_json::Value) {
    assert_eq!(r["csp"].as_array().unwrap().len(), 0, "{}", r["csp"]);
    let pages = r["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 3, "{r}");
    for p in pages {
        assert!(
            p["csp"]
                .as_str()
                .is_some_and(|c| c.starts_with("default-src 'none'; script-src 'self'")),
            "{p}"
        );
        assert_eq!(p["blocked"].as_array().unwrap().len(), 0, "{p}");
        assert_eq!(p["pwned"], false, "{p}");
        assert!(p["text"].as_u64().unwrap() > 0, "{p}");
    }
}

#[test]
fn a_missing_clip_or_subtitles_file_is_named_on_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = build_bag(&root().join("kits/last-train-home"), tmp.path(), &[]);
    std::fs::remove_file(bag.join("data/clips/trailer.mp4")).unwrap();
    std::fs::remove_file(bag.join("data/subtitles/mother-leaves.en.vtt.js")).unwrap();
    let r = play(&bag, None);
    let walk = r["walk"].as_array().unwrap();
    let trailer = walk
        .iter()
        .find(|s| s["kind"] == "clip" && s["src"] == "data/clips/trailer.mp4")
        .unwrap();
    let text = trailer["text"].as_str().unwrap();
    assert!(
        trailer["playing"] == false
            && text.contains("cannot play here")
            && text.contains("data/clips/trailer.mp4")
            && text.contains("playlist.xspf"),
        "{trailer}"
    );
    let intro = walk
        .iter()
        .find(|s| {
            s["kind"] == "intro" && s["title"] == "A Mother Leaves Her Child for Work in the City"
        })
        .unwrap();
    assert!(
        intro["text"]
            .as_str()
            .unwrap()
            .contains("data/subtitles/mother-leaves.en.vtt.js"),
        "{intro}"
    );
    let clip = walk
        .iter()
        .find(|s| s["kind"] == "clip" && s["src"] == "data/clips/mother-leaves.mp4")
        .unwrap();
    assert!(
        clip["notice"]
            .as_str()
            .unwrap()
            .contains("data/subtitles/mother-leaves.en.vtt.js"),
        "{clip}"
    );
    // The other clips still play.
    let ok = walk
        .iter()
        .filter(|s| s["kind"] == "clip" && s["playing"] == true)
        .count();
    assert_eq!(ok, 8);
}

#[test]
fn kit_text_never_runs_as_script_and_the_run_sheet_names_what_force_let_through() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("evil-kit");
    std::fs::create_dir(&kit).unwrap();
    std::fs::write(kit.join("evil.srt"), "1\n00:00:01,000 --> 00:00:03,000\n<script>window.PWNED=1</script>\n\n2\n00:00:02,000 --> 00:00:06,000\n</c><img src=x onerror=\"window.PWNED=1\">\n").unwrap();
    // Every text field of kit.toml and cards.toml tries a way out of its
    // element, its attribute or its script; the ids are the oddest that
    // pass validation.
    let s = "</script><script>window.PWNED=1</script>";
    let a = "\\\"><img src=x onerror=window.PWNED=1>";
    let manifest = format!(
        "title = \"{s}\"\ncards = \"cards.toml\"\nrights = \"{a}\"\n[film]\ntitle = \"{a}\"\ndirector = \"{s}\"\nyear = 2009\nlanguages = [\"{a}\", \"{s}\"]\n[organizer]\nname = \"{s}\"\ncontact = \"{a}\"\n[event]\nvenue = \"{s}\"\ndate = \"{a}\"\n[[clip]]\nid = \"c1\"\ntitle = \"{s}\"\nmedia = \"{m}\"\nsubtitles = \"evil.srt\"\nminutes = 1\n[[clip]]\nid = \"-_-\"\ntitle = \"{a}\"\nmedia = \"{m}\"\nsubtitles = \"evil.srt\"\nminutes = 1\n",
        m = root().join("clips/any-feelings.mp4").display()
    );
    std::fs::write(kit.join("kit.toml"), manifest).unwrap();
    std::fs::write(kit.join("cards.toml"), format!("[[card]]\nid = \"x\"\nkind = \"question\"\ntitle = \"<img src=x onerror=window.PWNED=1>\"\ntext = \"{s}\"\nfollows = [\"c1\"]\n[[card]]\nid = \"y_-\"\nkind = \"quote\"\ntitle = \"{a}\"\ntext = \"{a}\"\nsource = \"{s}\"\nfollows = [\"-_-\"]\n[[card]]\nid = \"z\"\nkind = \"facilitator-note\"\ntitle = \"{s}\"\ntext = \"{a}\"\nfollows = [\"-_-\"]\n")).unwrap();
    let out = tmp.path().join("out");
    let bag = build_bag(&kit, &out, &["--force"]);
    let r = play(&bag, None);
    assert_eq!(r["pwned"], false, "{r}");
    for p in r["pages"].as_array().unwrap() {
        assert_eq!(p["pwned"], false, "{p}");
    }
    // Every page in the zip carries the policy.
    let mut pages = 0;
    let zip = out.join("evil-kit.zip");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.ends_with(".html") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            let head = text.split("<title>").next().unwrap();
            assert!(
                head.contains(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                ),
                "{name}"
            );
            pages += 1;
        }
    }
    assert_eq!(pages, 4);
    let card = r["walk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "card")
        .unwrap();
    assert_eq!(card["title"], "<img src=x onerror=window.PWNED=1>");
    assert!(card["text"].as_str().unwrap().contains("</script><script>"));
    let readme = std::fs::read_to_string(bag.join("README.txt")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        // One overlap in each clip's copy of evil.srt.
        flat.contains("built with --force despite 2 error(s)") && flat.contains("error[overlap]"),
        "{readme}"
    );
}

/// Rows of README.txt's programme: (start seconds, length seconds, line).
fn rows(readme: &str) -> Vec<(i64, i64, String)> {
    let secs = |t: &str| -> Option<i64> {
        let p: Vec<i64> = t
            .trim_start_matches('+')
            .split(':')
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        Some(p.iter().fold(0, |a, x| a * 60 + x))
    };
    readme
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (s, len) = (w.next()?, w.next()?);
            (s.matches(':').count() == 2 && len.matches(':').count() == 1)
                .then(|| Some((secs(s)?, secs(len)?, l.to_string())))?
        })
        .collect()
}

fn check_run_sheet(bag: &Path, first_start: i64) {
    let readme = std::fs::read_to_string(bag.join("README.txt")).unwrap();
    for l in readme.lines() {
        assert!(l.chars().count() <= 80, "over 80 columns: {l}");
    }
    // Joined back, the wrapped text holds every title whole: no word was cut.
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for (id, title) in demo_clips() {
        assert!(flat.contains(&title), "{title} cut or missing");
        for f in [
            format!("data/clips/{id}.mp4"),
            format!("data/subtitles/{id}.en.srt"),
        ] {
            assert!(readme.contains(&f), "{f}");
            assert!(bag.join(&f).is_file(), "{f}");
        }
    }
    let rows = rows(&readme);
    assert!(rows.len() > 20, "{readme}");
    assert_eq!(rows[0].0, first_start);
    for w in rows.windows(2) {
        assert_eq!(w[0].0 + w[0].1, w[1].0, "{} then {}", w[0].2, w[1].2);
    }
    let total = rows.last().unwrap().0 - first_start;
    let shown = format!(
        "Total: {}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    );
    assert!(readme.contains(&shown), "{shown}");
    for needle in [
        "certutil -hashfile",
        "shasum -a 256",
        "sha256sum",
        "manifest-sha256.txt",
        "playlist.xspf",
        "9 of 9 clips",
    ] {
        assert!(flat.contains(needle), "{needle}");
    }
    let html = std::fs::read_to_string(bag.join("runsheet.html")).unwrap();
    assert!(html.contains("\"rows\"") && html.contains("certutil"));
}

#[test]
fn the_run_sheet_wraps_whole_words_names_every_file_and_its_times_add_up() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = build_bag(&root().join("kits/last-train-home"), tmp.path(), &[]);
    check_run_sheet(&bag, 0);
    // With event.start the times are clock times from it.
    let kit = tmp.path().join("timed");
    std::fs::create_dir(&kit).unwrap();
    let m = std::fs::read_to_string(root().join("kits/last-train-home/kit.toml"))
        .unwrap()
        .replace("../../", &format!("{}/", root().display()))
        + "\n[event]\nstart = \"19:30\"\n";
    std::fs::write(kit.join("kit.toml"), m).unwrap();
    std::fs::copy(
        root().join("kits/last-train-home/cards.toml"),
        kit.join("cards.toml"),
    )
    .unwrap();
    let bag = build_bag(&kit, &tmp.path().join("t"), &[]);
    check_run_sheet(&bag, 19 * 3600 + 30 * 60);
}

#[test]
fn the_vlc_playlists_list_every_clip_in_order_with_paths_in_the_bag() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = build_bag(&root().join("kits/last-train-home"), tmp.path(), &[]);
    let xml = std::fs::read_to_string(bag.join("playlist.xspf")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("playlist.xspf is XML");
    let tracks: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("track"))
        .collect();
    let ids: Vec<String> = demo_clips().into_iter().map(|c| c.0).collect();
    assert_eq!(tracks.len(), ids.len());
    for (t, id) in tracks.iter().zip(&ids) {
        let text = |name: &str| {
            t.descendants()
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
                .unwrap()
                .to_string()
        };
        let location = text("location");
        assert_eq!(location, format!("data/clips/{id}.mp4"));
        assert!(bag.join(&location).is_file());
        let sub = text("option");
        let sub = sub.strip_prefix("sub-file=").unwrap();
        assert!(bag.join(sub).is_file(), "{sub}");
        assert!(sub.contains(id.as_str()));
    }
    let m3u = std::fs::read_to_string(bag.join("playlist.m3u")).unwrap();
    let files: Vec<&str> = m3u.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(files.len(), ids.len());
    for (f, id) in files.iter().zip(&ids) {
        assert_eq!(*f, format!("data/clips/{id}.mp4"));
        assert!(bag.join(f).is_file());
    }
    for l in m3u
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTVLCOPT:sub-file="))
    {
        assert!(bag.join(l).is_file(), "{l}");
    }
}

#[test]
fn an_hevc_clip_in_mkv_gets_the_cannot_play_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = tmp.path().join("hevc-kit");
    std::fs::create_dir(&kit).unwrap();
    let clip = kit.join("hevc.mkv");
    let ok = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc=size=320x240:rate=25")
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"])
        .args([
            "-t",
            "3",
            "-c:v",
            "libx265",
            "-x265-params",
            "log-level=error",
        ])
        .args(["-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2"])
        .arg(&clip)
        .status()
        .expect("ffmpeg: run `bash tests/run`");
    assert!(ok.success());
    std::fs::write(
        kit.join("hevc.srt"),
        "1\n00:00:00,500 --> 00:00:02,000\nHello.\n",
    )
    .unwrap();
    std::fs::write(
        kit.join("kit.toml"),
        "title = \"HEVC\"\ncards = \"cards.toml\"\nrights = \"test\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n[[clip]]\nid = \"h\"\ntitle = \"In HEVC\"\nmedia = \"hevc.mkv\"\nsubtitles = \"hevc.srt\"\nminutes = 1\n",
    )
    .unwrap();
    std::fs::write(kit.join("cards.toml"), "").unwrap();
    // check KIT says which browsers refuse it and how to convert it.
    let run = screenkit(["check".as_ref(), kit.as_os_str()]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("MKV plays in Chrome and Edge but not in Firefox or Safari")
            && all.contains("-c:v libx264")
            && all.contains("hevc.h264.mp4"),
        "{all}"
    );
    let bag = build_bag(&kit, &tmp.path().join("out"), &["--force"]);
    let r = play(&bag, None);
    let clip = r["walk"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "clip")
        .unwrap()
        .clone();
    let text = clip["text"].as_str().unwrap();
    assert!(
        clip["playing"] == false
            && text.contains("cannot play here")
            && text.contains("data/clips/h.mkv")
            && text.contains("VLC"),
        "{clip}"
    );
}

/// A kit in `dir/excerpts` whose clips `a` (0:30–1:00) and `b` (1:00–1:50.5)
/// are excerpts of one 2-minute `film.mp4`, sharing the track `srt`.
fn excerpt_kit(dir: &Path, srt: &str) -> PathBuf {
    let kit = dir.join("excerpts");
    std::fs::create_dir(&kit).unwrap();
    let ok = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc=size=160x120:rate=10")
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"])
        .args(["-t", "120", "-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .args(["-c:a", "aac", "-ac", "2", "-movflags", "+faststart"])
        .arg(kit.join("film.mp4"))
        .status()
        .expect("ffmpeg: run `bash tests/run`");
    assert!(ok.success());
    std::fs::write(kit.join("film.en.srt"), srt).unwrap();
    let clip = |id: &str, start: &str, end: &str| {
        format!(
            "[[clip]]\nid = \"{id}\"\ntitle = \"Part {id}\"\nmedia = \"film.mp4\"\nsubtitles = \"film.en.srt\"\nminutes = 2\nstart = \"{start}\"\nend = \"{end}\"\n"
        )
    };
    std::fs::write(
        kit.join("kit.toml"),
        format!(
            "title = \"Excerpts\"\ncards = \"cards.toml\"\nrights = \"test\"\n[film]\ntitle = \"F\"\ndirector = \"D\"\nyear = 2009\nlanguages = [\"Mandarin\"]\n[organizer]\nname = \"o\"\ncontact = \"c\"\n{}{}",
            clip("a", "00:00:30", "00:01:00"),
            clip("b", "00:01:00", "00:01:50.5")
        ),
    )
    .unwrap();
    std::fs::write(kit.join("cards.toml"), "").unwrap();
    kit
}

#[test]
fn two_excerpts_of_one_file_share_it_and_show_only_their_cues() {
    let tmp = tempfile::tempdir().unwrap();
    let kit = excerpt_kit(
        tmp.path(),
        "1\n00:00:10,000 --> 00:00:12,000\nBefore both.\n\n2\n00:00:40,000 --> 00:00:43,000\nInside the first.\n\n3\n00:01:10,000 --> 00:01:13,000\nInside the second.\n\n4\n00:01:40,000 --> 00:01:43,000\nStill the second.\n\n5\n00:01:55,000 --> 00:01:58,000\nAfter both.\n",
    );
    let bag = build_bag(&kit, &tmp.path().join("out"), &[]);
    let clips: Vec<String> = std::fs::read_dir(bag.join("data/clips"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(clips, ["a.mp4"], "the film is stored once");
    let js = |id: &str| {
        std::fs::read_to_string(bag.join(format!("data/subtitles/{id}.en.vtt.js"))).unwrap()
    };
    let (a, b) = (js("a"), js("b"));
    assert!(a.contains("Inside the first.") && !a.contains("Before") && !a.contains("second"));
    assert!(b.contains("Inside the second.") && b.contains("Still the second."));
    assert!(!b.contains("first") && !b.contains("After"));
    let xspf = std::fs::read_to_string(bag.join("playlist.xspf")).unwrap();
    roxmltree::Document::parse(&xspf).unwrap();
    for want in [
        "<vlc:option>start-time=30</vlc:option>",
        "<vlc:option>stop-time=60</vlc:option>",
        "<vlc:option>start-time=60</vlc:option>",
        "<vlc:option>stop-time=110.5</vlc:option>",
    ] {
        assert!(xspf.contains(want), "{want}\n{xspf}");
    }
    assert_eq!(
        xspf.matches("<location>data/clips/a.mp4</location>")
            .count(),
        2
    );
    let readme = std::fs::read_to_string(bag.join("README.txt")).unwrap();
    assert!(readme.contains("  0:30  Clip 1 of 2: Part a"), "{readme}");
    assert!(readme.contains("  0:51  Clip 2 of 2: Part b"), "{readme}");
    assert!(
        readme.contains("data/clips/a.mp4 from 1:00 to 1:50"),
        "{readme}"
    );
    let r = play(&bag, None);
    let shown: Vec<&serde_json::Value> = r["walk"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "clip")
        .collect();
    assert_eq!(shown[0]["src"], "data/clips/a.mp4#t=30,60");
    assert_eq!(shown[1]["src"], "data/clips/a.mp4#t=60,110.5");
    for (s, from) in shown.iter().zip([30.0, 60.0]) {
        let t = s["time"].as_f64().unwrap();
        assert!(
            s["playing"] == true && (from..from + 5.0).contains(&t),
            "{s}"
        );
    }
    // A start that is not a time is named, with the clip, and nothing is built.
    let m = std::fs::read_to_string(kit.join("kit.toml"))
        .unwrap()
        .replace("start = \"00:00:30\"", "start = \"half past\"");
    std::fs::write(kit.join("kit.toml"), m).unwrap();
    let out = tmp.path().join("bad");
    let run = screenkit([
        "build".as_ref(),
        kit.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.code != 0
            && run
                .stderr
                .contains("clip 'a': start = \"half past\" is not a time like 00:01:30"),
        "{}",
        run.stderr
    );
    assert!(!out.join("excerpts.zip").exists());
}

#[test]
fn check_kit_sees_only_the_cues_inside_each_excerpt() {
    let tmp = tempfile::tempdir().unwrap();
    let long =
        "This line is far too long for any screen at all, and it goes on and on past the limit.";
    let kit = excerpt_kit(
        tmp.path(),
        &format!(
            "1\n00:00:10,000 --> 00:00:12,000\n{long}\n\n\
             2\n00:00:40,000 --> 00:00:43,000\nInside the first.\n\n\
             3\n00:01:10,000 --> 00:01:13,000\n{long}\n\n\
             4\n00:01:49,000 --> 00:01:52,000\nRuns past the second.\n\n\
             5\n00:01:55,000 --> 00:01:58,000\nAfter both.\n"
        ),
    );
    let run = screenkit(["check", kit.to_str().unwrap(), "--json"]);
    let report = run.json();
    let subs: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.path.ends_with("film.en.srt"))
        .collect();
    assert_eq!(subs.len(), 2, "{}", run.stdout);
    let cues = |f: &crate::util::FileReport| -> Vec<(usize, usize, String)> {
        f.findings
            .iter()
            .filter_map(|x| x.cue.map(|c| (c, x.line, x.rule.clone())))
            .collect()
    };
    let (a, b) = (cues(subs[0]), cues(subs[1]));
    // Clip a holds only cue 2, which is clean: cue 1's long line is outside it.
    assert!(a.is_empty(), "{a:?}");
    // Clip b: cue 3's long line (time line 10) and cue 4 running past `end`.
    assert!(b.iter().all(|(c, _, _)| [3, 4].contains(c)), "{b:?}");
    assert!(b.iter().any(|(c, l, _)| (*c, *l) == (3, 10)), "{b:?}");
    assert!(
        b.iter()
            .any(|(c, l, r)| (*c, *l, r.as_str()) == (4, 14, "past-clip-end")),
        "{b:?}"
    );
}

/// The same PageDown walk in Firefox ESR through geckodriver
/// (tests/node/player-firefox.js); the screenshot of a clip with a subtitle
/// goes to SCREENKIT_FIREFOX_SHOT if set.
#[test]
fn firefox_walks_every_card_and_clip_in_kit_order() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = build_bag(&root().join("kits/last-train-home"), tmp.path(), &[]);
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/node/player-firefox.js"))
        .arg(bag.join("index.html"));
    if let Some(shot) = std::env::var_os("SCREENKIT_FIREFOX_SHOT") {
        cmd.arg(shot);
    }
    let out = cmd
        .output()
        .expect("node, selenium-webdriver, geckodriver and firefox-esr: run `bash tests/run`");
    assert!(
        out.status.success(),
        "player-firefox.js: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let walk = r["walk"].as_array().unwrap();
    assert_walks_the_whole_demo(walk);
    let chromium = play(&bag, None);
    let steps = |w: &serde_json::Value| -> Vec<(String, String)> {
        w.as_array()
            .unwrap()
            .iter()
            .map(|s| (s["kind"].to_string(), s["title"].to_string()))
            .collect()
    };
    assert_eq!(steps(&r["walk"]), steps(&chromium["walk"]));
    let cue = &r["cue"];
    let id = cue["clip"].as_str().unwrap();
    let text = cue_at(
        &root().join(format!("subtitles/{id}.en.srt")),
        cue["ms"].as_i64().unwrap(),
    );
    assert!(!text.is_empty());
    assert_eq!(cue["text"], text.as_str());
    assert_eq!(r["network"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{r}");
}

/// `check KIT` (and so `build`) decodes each media file once: the deep
/// probe's decode feeds the loudness meter and the speech detector alike,
/// and excerpts of one film share that decode. Counted as the times the
/// film is opened, under strace: once to decode, once to read its MP4 edit
/// list.
#[test]
fn check_kit_decodes_each_media_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    // Ten cues inside each excerpt, so that each is judged for sync.
    let srt: String = (0..24)
        .map(|i| {
            let at = 32 + i * 3;
            format!(
                "{}\n00:{:02}:{:02},000 --> 00:{:02}:{:02},500\nLine {i}.\n\n",
                i + 1,
                at / 60,
                at % 60,
                (at + 1) / 60,
                (at + 1) % 60
            )
        })
        .collect();
    let kit = excerpt_kit(tmp.path(), &srt);
    let log = tmp.path().join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=open,openat", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_screenkit"))
        .args(["check", "--json"])
        .arg(&kit)
        .output()
        .expect("strace: run `bash tests/run`, which installs it");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "check KIT: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("\"cues\":10"),
        "both excerpts judged: {report}"
    );
    let trace = std::fs::read_to_string(&log).unwrap();
    let opens: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains("film.mp4\"") && !l.contains("ENOENT"))
        .collect();
    assert!(
        !opens.is_empty() && opens.len() <= 2,
        "film.mp4 opened {} times:\n{}",
        opens.len(),
        opens.join("\n")
    );
}
