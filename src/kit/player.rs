//! The kit's `index.html`: plays each clip in order with its English
//! subtitles, then shows its cards. Works from `file://` with no network:
//! subtitles come from `.vtt.js` scripts and become Blob URLs (a plain
//! `<track src>` is blocked from `file://`). All kit text reaches the page
//! as JSON and is set with `textContent`, so a `<script>` in a cue or a
//! card shows as text.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub kind: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Clip {
    pub id: String,
    pub title: String,
    pub media: String,
    pub subtitles: String,
    pub cards: Vec<Card>,
}

/// A JSON string safe inside `<script>` (no `</script>`, no U+2028).
pub fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .expect("strings serialise")
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The player page.
pub fn html(title: &str, film: &str, clips: &[Clip]) -> String {
    let data = serde_json::json!({ "title": title, "film": film, "clips": clips }).to_string();
    let data = data.replace('<', "\\u003c");
    let scripts: String = clips
        .iter()
        .map(|c| format!("<script src={}></script>\n", js_string(&c.subtitles)))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Screening kit</title>
<style>
html, body {{ margin: 0; background: #111; color: #f5f5f5; font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 20px; }}
header {{ padding: 0.6em 1em; }}
h1 {{ font-size: 1.4em; margin: 0; }}
#help {{ color: #cfcfcf; margin: 0.3em 0 0; }}
main {{ display: flex; justify-content: center; }}
video {{ width: 100%; max-height: 78vh; background: #000; }}
video::cue {{ font-size: 1.5em; line-height: 1.3; color: #fff; background: rgba(0, 0, 0, 0.85); }}
#cards {{ max-width: 44em; padding: 1em 2em; font-size: 1.4em; line-height: 1.4; }}
#cards .kind {{ color: #ffd866; font-weight: bold; font-size: 0.75em; margin: 1em 0 0.2em; }}
#cards h2 {{ margin: 0 0 0.4em; }}
ol {{ margin: 0.5em 1em 2em 2.5em; color: #cfcfcf; }}
li.current {{ color: #fff; font-weight: bold; }}
</style>
</head>
<body>
<header><h1 id="title"></h1><p id="help">Right arrow: next clip. Left arrow: previous. Space: play or pause. C: cards. F: full screen.</p></header>
<main><video id="video" controls preload="metadata" playsinline></video><section id="cards" hidden></section></main>
<ol id="list"></ol>
<script type="application/json" id="kit">{data}</script>
{scripts}<script>
(function () {{
  var kit = JSON.parse(document.getElementById("kit").textContent);
  var video = document.getElementById("video"), cards = document.getElementById("cards"), list = document.getElementById("list");
  var i = 0;
  document.getElementById("title").textContent = kit.title;
  document.title = kit.title;
  kit.clips.forEach(function (c, n) {{
    var li = document.createElement("li");
    li.textContent = c.title;
    li.addEventListener("click", function () {{ load(n); }});
    list.appendChild(li);
  }});
  function el(tag, cls, text) {{ var e = document.createElement(tag); if (cls) e.className = cls; e.textContent = text; return e; }}
  function load(n) {{
    i = Math.max(0, Math.min(kit.clips.length - 1, n));
    var c = kit.clips[i];
    cards.hidden = true;
    video.hidden = false;
    while (video.firstChild) video.removeChild(video.firstChild);
    video.src = c.media;
    var vtt = (window.SCREENKIT_VTT || {{}})[c.id];
    if (vtt) {{
      var track = document.createElement("track");
      track.kind = "subtitles"; track.srclang = "en"; track.label = "English"; track.default = true;
      track.src = URL.createObjectURL(new Blob([vtt], {{ type: "text/vtt" }}));
      video.appendChild(track);
      track.track.mode = "showing";
    }}
    for (var k = 0; k < list.children.length; k++) list.children[k].className = k === i ? "current" : "";
  }}
  function showCards() {{
    var c = kit.clips[i];
    cards.textContent = "";
    cards.appendChild(el("h2", "", c.title));
    if (!c.cards.length) cards.appendChild(el("p", "", "No cards for this clip."));
    c.cards.forEach(function (card) {{
      cards.appendChild(el("p", "kind", card.kind));
      cards.appendChild(el("h3", "", card.title));
      card.text.split("\n\n").forEach(function (p) {{ cards.appendChild(el("p", "", p)); }});
    }});
    video.pause();
    video.hidden = true;
    cards.hidden = false;
  }}
  video.addEventListener("ended", showCards);
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowRight" || e.key === "n") load(i + 1);
    else if (e.key === "ArrowLeft" || e.key === "p") load(i - 1);
    else if (e.key === " ") {{ if (!cards.hidden) {{ load(i); }} else if (video.paused) video.play(); else video.pause(); e.preventDefault(); }}
    else if (e.key === "c" || e.key === "C") {{ if (cards.hidden) showCards(); else load(i); }}
    else if (e.key === "f" || e.key === "F") {{ if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen(); }}
  }});
  load(0);
}})();
</script>
</body>
</html>
"#
    )
}
