// The screening player: walks kit.page.steps one screen at a time. All kit
// text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kit").textContent);
  var kit = data.page, steps = kit.steps;
  var $ = function (id) { return document.getElementById(id); };
  var screen = $("screen"), stage = $("stage"), video = $("video"), subs = $("subs");
  var where = $("where"), timerEl = $("timer"), nextEl = $("next");
  var notice = $("notice"), overview = $("overview"), black = $("black");
  var at = 0;

  // Subtitle size and delay are the venue's, not the kit's: kept for the
  // evening in localStorage (which works from file://).
  var PREFS = "screenkit:" + kit.title;
  var prefs = { size: 1, delay: 0 };
  try { var saved = JSON.parse(localStorage.getItem(PREFS) || "{}"); if (typeof saved.size === "number") prefs.size = saved.size; if (typeof saved.delay === "number") prefs.delay = saved.delay; } catch (e) { /* private mode: defaults */ }
  function savePrefs() { try { localStorage.setItem(PREFS, JSON.stringify(prefs)); } catch (e) { /* not kept */ } }
  function applySize() { subs.style.setProperty("--subs", String(prefs.size)); }
  applySize();

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function add(parent, tag, cls, text) { var e = el(tag, cls, text); parent.appendChild(e); return e; }
  function mmss(ms) { var s = Math.max(0, Math.round(ms / 1000)); return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2); }
  function paragraphs(parent, text) { text.split("\n\n").forEach(function (p) { add(parent, "p", "", p); }); }

  var noticeTimer = null;
  function say(text, ms) {
    notice.textContent = text; notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { notice.hidden = true; }, ms || 2500);
  }

  // Subtitles: each track's script defines SCREENKIT_SUBS[key] as
  // [start_ms, end_ms, text] cues; a script that fails to load is named.
  window.SCREENKIT_SUBS = window.SCREENKIT_SUBS || {};
  var subsState = {};
  kit.clips.forEach(function (c) {
    c.subtitles.forEach(function (t) {
      subsState[t.key] = "loading";
      var s = document.createElement("script");
      s.src = t.script;
      s.onload = function () { loaded(c, t, window.SCREENKIT_SUBS[t.key] ? "ok" : "missing"); };
      s.onerror = function () { loaded(c, t, "missing"); };
      document.head.appendChild(s);
    });
  });
  // A track that turns out missing is named on the screen showing its clip.
  function loaded(c, t, state) {
    subsState[t.key] = state;
    var s = steps[at];
    if (state !== "missing" || !s || kit.clips[s.clip] !== c) return;
    if (s.kind === "intro") render();
    else if (s.kind === "clip") say("No subtitles: " + t.script + " is missing", 15000);
  }
  function missingSubs(c) { return c.subtitles.filter(function (t) { return subsState[t.key] === "missing"; }); }

  function cueAt(cues, ms) {
    for (var i = 0; i < cues.length; i++) if (cues[i][0] <= ms && ms < cues[i][1]) return cues[i][2];
    return null;
  }
  var shownSubs = "";
  function drawSubs() {
    var s = step();
    if (s.kind !== "clip") return;
    var c = kit.clips[s.clip];
    // A positive delay shows each cue later, for sound that reaches the room late.
    var ms = video.currentTime * 1000 - prefs.delay;
    var lines = [];
    c.subtitles.forEach(function (t) { var cues = window.SCREENKIT_SUBS[t.key]; var text = cues && cueAt(cues, ms); if (text) lines.push(text); });
    var key = lines.join("\u0000");
    if (key !== shownSubs) {
      shownSubs = key;
      subs.textContent = "";
      lines.forEach(function (l) { add(add(subs, "div"), "span", "cue", l); });
    }
  }
  function excerptEnd() {
    var s = step();
    if (s.kind !== "clip" || video.paused) return;
    var end = kit.clips[s.clip].end_ms;
    if (end !== null && video.currentTime * 1000 >= end) { video.pause(); go(at + 1); }
  }
  (function loop() { excerptEnd(); drawSubs(); updateBar(); requestAnimationFrame(loop); })();

  // Discussion countdowns, one per clip: start when its first card shows.
  var timers = {};
  function timer(clip) {
    var t = timers[clip];
    if (!t) t = timers[clip] = { total: kit.clips[clip].minutes * 60000, used: 0, since: null };
    return t;
  }
  function left(t) { return t.total - t.used - (t.since === null ? 0 : Date.now() - t.since); }

  function step() { return steps[at]; }
  function clipLabel(i) { return "Clip " + (i + 1) + " of " + kit.clips.length + ": " + kit.clips[i].title; }
  function describe(s) {
    if (!s) return "";
    if (s.kind === "welcome") return "Welcome";
    if (s.kind === "end") return "End";
    if (s.kind === "intro") return "Before " + clipLabel(s.clip).charAt(0).toLowerCase() + clipLabel(s.clip).slice(1);
    if (s.kind === "clip") return clipLabel(s.clip);
    var card = kit.cards[s.card];
    return card.kind + ": " + card.title;
  }

  function updateBar() {
    var s = step(), w;
    if (s.kind === "clip" && stage.hidden) {
      w = clipLabel(s.clip) + " (cannot play here: use VLC)";
    } else if (s.kind === "clip") {
      var c = kit.clips[s.clip], from = c.start_ms || 0;
      var length = c.duration_ms !== null ? c.duration_ms : (isFinite(video.duration) ? video.duration * 1000 - from : null);
      w = clipLabel(s.clip) + "  " + mmss(video.currentTime * 1000 - from) + (length !== null ? " / " + mmss(length) : "") + (video.paused ? "  (paused: Space plays)" : "");
    } else {
      w = (at + 1) + " / " + steps.length + "  " + describe(s);
    }
    if (where.textContent !== w) where.textContent = w;
    var tt = "";
    if (s.kind === "card" && s.clip !== null && s.clip !== undefined) {
      var t = timer(s.clip), l = left(t);
      tt = l >= 0 ? "Discussion " + mmss(l) + " left" : "Discussion over by " + mmss(-l);
      if (t.since === null) tt += " (paused: T)";
      timerEl.className = l < 0 ? "over" : "";
    }
    if (timerEl.textContent !== tt) timerEl.textContent = tt;
    var n = steps[at + 1] ? "Next: " + describe(steps[at + 1]) : "";
    if (nextEl.textContent !== n) nextEl.textContent = n;
  }

  function clipFailed(c, why) {
    if (!stage.hidden) { video.pause(); stage.hidden = true; }
    screen.hidden = false;
    screen.className = "";
    screen.textContent = "";
    var box = add(screen, "div", "problem");
    add(box, "h1", "", "This clip cannot play here");
    var p = add(box, "p", "", "File: ");
    add(p, "code", "", c.media);
    add(box, "p", "", "Why: " + why);
    add(box, "p", "", "Fallback: open " + kit.playlist + " (next to index.html on the stick) in VLC and choose \u201c" + c.title + "\u201d, or open the file above in VLC directly.");
    add(box, "p", "quiet", "Press \u2192 or PageDown to go on to the discussion.");
  }

  function showClip(s) {
    var c = kit.clips[s.clip];
    screen.hidden = true;
    stage.hidden = false;
    shownSubs = null;
    subs.textContent = "";
    if (video.canPlayType && c.mime && video.canPlayType(c.mime) === "") {
      clipFailed(c, "this browser cannot play " + c.mime + ".");
      return;
    }
    var mine = at;
    video.onerror = function () {
      if (at !== mine) return;
      var code = video.error ? video.error.code : 0;
      clipFailed(c, code === 4 ? "the file is missing from the stick, or this browser cannot decode it (media error 4)." : "the browser stopped with media error " + code + ".");
    };
    video.onloadedmetadata = function () {
      if (at === mine && c.video && video.videoWidth === 0) clipFailed(c, "this browser plays its sound but cannot decode its picture.");
    };
    video.onended = function () { if (at === mine) go(at + 1); };
    // An excerpt plays from its start (a media fragment); the loop below
    // stops it at its end.
    var excerpt = c.start_ms !== null || c.end_ms !== null;
    video.src = c.media + (excerpt ? "#t=" + (c.start_ms || 0) / 1000 + (c.end_ms !== null ? "," + c.end_ms / 1000 : "") : "");
    video.volume = Math.max(0, Math.min(1, c.volume));
    var missing = missingSubs(c);
    if (missing.length) say("No subtitles: " + missing.map(function (t) { return t.script; }).join(", ") + " is missing", 15000);
    var p = video.play();
    if (p && p.catch) p.catch(function () { /* autoplay refused: Space plays */ });
  }

  function showIntro(s) {
    var c = kit.clips[s.clip];
    add(screen, "p", "label", "Clip " + (s.clip + 1) + " of " + kit.clips.length);
    add(screen, "h1", "", c.title);
    add(screen, "p", "", c.duration_ms ? "Length " + mmss(c.duration_ms) + "." : "Length unknown.");
    var cards = steps.filter(function (x) { return x.kind === "card" && x.clip === s.clip; }).length;
    add(screen, "p", "", "Then " + cards + " card" + (cards === 1 ? "" : "s") + " and about " + c.minutes + " minute" + (c.minutes === 1 ? "" : "s") + " of discussion.");
    missingSubs(c).forEach(function (t) {
      var p = add(screen, "p", "problem", "Subtitles missing: ");
      add(p, "code", "", t.script);
      p.appendChild(document.createTextNode(" is not on the stick, so this clip will play without " + t.label + " subtitles. In VLC, use "));
      add(p, "code", "", t.srt);
      p.appendChild(document.createTextNode("."));
    });
    if (c.mime && video.canPlayType && video.canPlayType(c.mime) === "") add(screen, "p", "problem", "This browser cannot play this clip (" + c.mime + "); use VLC: open " + kit.playlist + ".");
    add(screen, "p", "quiet", "Press \u2192 or PageDown to start the clip; Space pauses it.");
  }

  function showCard(s) {
    var card = kit.cards[s.card];
    var label = card.kind;
    if (s.clip !== null && s.clip !== undefined) {
      var mine = steps.filter(function (x) { return x.kind === "card" && x.clip === s.clip; });
      label += " \u00b7 after \u201c" + kit.clips[s.clip].title + "\u201d \u00b7 " + (mine.indexOf(s) + 1) + " of " + mine.length;
      var t = timer(s.clip);
      if (t.since === null && t.used === 0) t.since = Date.now();
    }
    add(screen, "p", "label", label);
    add(screen, "h2", "", card.title);
    paragraphs(screen, card.text);
  }

  function showWelcome() {
    screen.className = "welcome";
    var main = add(screen, "div");
    add(main, "p", "label", "Welcome");
    add(main, "h1", "", kit.title);
    if (kit.event) add(main, "p", "", kit.event);
    add(main, "p", "", kit.credit);
    add(main, "p", "quiet", kit.rights);
    add(main, "p", "", "Press \u2192 or PageDown to begin.");
    var side = add(screen, "div");
    add(side, "p", "label", "Keys");
    var table = add(side, "table", "keys");
    data.controls.forEach(function (k) { var tr = add(table, "tr"); add(tr, "th", "", k[0]); add(tr, "td", "", k[1]); });
  }

  function showEnd() {
    add(screen, "p", "label", "The end");
    add(screen, "h1", "", "Thank you for coming");
    add(screen, "p", "", kit.credit);
    add(screen, "p", "quiet", kit.rights);
  }

  function render() {
    var s = step();
    if (s.kind !== "clip") {
      if (!stage.hidden) { video.pause(); stage.hidden = true; }
      video.onerror = video.onended = video.onloadedmetadata = null;
      video.removeAttribute("src");
      screen.hidden = false;
      screen.className = "";
      screen.textContent = "";
    }
    screen.setAttribute("data-step", s.kind);
    if (s.kind === "welcome") showWelcome();
    else if (s.kind === "intro") showIntro(s);
    else if (s.kind === "clip") showClip(s);
    else if (s.kind === "card") showCard(s);
    else showEnd();
    updateBar();
  }

  function go(n) {
    n = Math.max(0, Math.min(steps.length - 1, n));
    if (n === at) return;
    at = n;
    render();
  }

  function toggleOverview() {
    if (!overview.hidden) { overview.hidden = true; return; }
    overview.textContent = "";
    add(overview, "h2", "", "Programme (number keys jump to a clip; Esc closes)");
    var ol = add(overview, "ol");
    steps.forEach(function (s, i) {
      if (s.kind === "clip" || (s.kind === "card" && s.clip !== null && s.clip !== undefined)) return;
      var li = add(ol, "li", i === at ? "current" : "");
      var b = add(li, "button", "", s.kind === "intro" ? clipLabel(s.clip) : describe(s));
      b.addEventListener("click", function () { overview.hidden = true; go(i); });
    });
    overview.hidden = false;
  }

  video.addEventListener("click", function () { if (video.paused) video.play(); else video.pause(); });
  // While a clip plays the audience sees only the picture: the status bar
  // comes back when it pauses.
  video.addEventListener("play", function () { document.body.classList.add("playing"); });
  video.addEventListener("pause", function () { document.body.classList.remove("playing"); });
  video.addEventListener("emptied", function () { document.body.classList.remove("playing"); });

  window.screenkitKeys({
    next: function () { go(at + 1); },
    prev: function () { go(at - 1); },
    space: function () {
      if (step().kind === "clip" && !stage.hidden) { if (video.paused) video.play(); else video.pause(); }
      else go(at + 1);
    },
    enter: function () { go(at + 1); },
    home: function () { go(0); },
    end: function () { go(steps.length - 1); },
    escape: function () { overview.hidden = true; },
    black: function () { window.screenkitBlack(black); },
    fullscreen: function () { window.screenkitFullscreen(); },
    overview: toggleOverview,
    digit: function (k) {
      var n = Number(k);
      if (n === 0) { prefs.delay = 0; savePrefs(); say("subtitles in sync (0 ms)"); return; }
      for (var i = 0; i < steps.length; i++) if (steps[i].kind === "intro" && steps[i].clip === n - 1) { overview.hidden = true; go(i); return; }
    },
    bigger: function () { prefs.size = Math.min(3, Math.round((prefs.size + 0.1) * 10) / 10); applySize(); savePrefs(); say("subtitles " + Math.round(prefs.size * 100) + "%"); },
    smaller: function () { prefs.size = Math.max(0.5, Math.round((prefs.size - 0.1) * 10) / 10); applySize(); savePrefs(); say("subtitles " + Math.round(prefs.size * 100) + "%"); },
    earlier: function () { prefs.delay -= 100; savePrefs(); say("subtitles " + (prefs.delay > 0 ? "+" : "") + prefs.delay + " ms"); },
    later: function () { prefs.delay += 100; savePrefs(); say("subtitles " + (prefs.delay > 0 ? "+" : "") + prefs.delay + " ms"); },
    timer: function () {
      var s = step();
      if (s.kind !== "card" || s.clip === null || s.clip === undefined) return;
      var t = timer(s.clip);
      if (t.since === null) { t.since = Date.now(); say("countdown running"); }
      else { t.used += Date.now() - t.since; t.since = null; say("countdown paused"); }
    }
  });

  document.title = kit.title;
  render();
})();
