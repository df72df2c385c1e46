// One card per screen, driven by the same keys as the player (keys.js).
(function () {
  "use strict";
  var slides = document.querySelectorAll(".slide");
  var where = document.getElementById("where");
  var i = 0;
  function show(n) {
    if (!slides.length) return;
    i = Math.max(0, Math.min(slides.length - 1, n));
    for (var k = 0; k < slides.length; k++) slides[k].classList.toggle("current", k === i);
    where.textContent = (i + 1) + " / " + slides.length + "  (\u2192 or PageDown: next, F: full screen, B: black)";
  }
  var next = function () { show(i + 1); };
  window.screenkitKeys({
    next: next, space: next, enter: next,
    prev: function () { show(i - 1); },
    home: function () { show(0); },
    end: function () { show(slides.length - 1); },
    black: function () { window.screenkitBlack(document.getElementById("black")); },
    fullscreen: function () { window.screenkitFullscreen(); }
  });
  show(0);
})();
