// Keys shared by the player and the cards' projection view: one table from
// key to action, so a presentation clicker (PageUp/PageDown, and "." or "b"
// for a black screen) drives both the same way.
(function () {
  "use strict";
  var TABLE = {
    ArrowRight: "next", PageDown: "next", ArrowDown: "next",
    ArrowLeft: "prev", PageUp: "prev", ArrowUp: "prev",
    " ": "space", Spacebar: "space", Enter: "enter",
    Home: "home", End: "end", Escape: "escape",
    b: "black", B: "black", ".": "black",
    f: "fullscreen", F: "fullscreen",
    "+": "bigger", "=": "bigger", "-": "smaller", _: "smaller",
    g: "earlier", G: "earlier", h: "later", H: "later",
    t: "timer", T: "timer", o: "overview", O: "overview"
  };
  // on: { action: function (key) }. Unhandled actions keep the browser's
  // own behaviour.
  window.screenkitKeys = function (on) {
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var act = /^[0-9]$/.test(e.key) ? "digit" : TABLE[e.key];
      if (!act || !on[act]) return;
      e.preventDefault();
      on[act](e.key);
    });
  };
  window.screenkitFullscreen = function () {
    var d = document;
    if (d.fullscreenElement) d.exitFullscreen();
    else if (d.documentElement.requestFullscreen) d.documentElement.requestFullscreen().catch(function () {});
  };
  // A black cover over everything, as presentation software's B key.
  window.screenkitBlack = function (el) {
    el.hidden = !el.hidden;
  };
})();
