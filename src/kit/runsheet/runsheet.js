// Renders the run sheet's JSON (the model README.txt is written from);
// every piece of kit text is set with textContent.
(function () {
  "use strict";
  var sheet = JSON.parse(document.getElementById("data").textContent);
  var main = document.getElementById("sheet");
  function add(parent, tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; parent.appendChild(e); return e; }
  document.title = sheet.title + ": run sheet";
  add(main, "h1", sheet.title);
  sheet.lines.forEach(function (l) { add(main, "p", l); });
  sheet.sections.forEach(function (s) {
    add(main, "h2", s.heading);
    s.paragraphs.forEach(function (p) { add(main, "p", p); });
    if (s.rows.length) {
      var t = add(main, "table"), h = add(t, "tr");
      ["Start", "Length", "What"].forEach(function (x) { add(h, "th", x); });
      s.rows.forEach(function (r) {
        var tr = add(t, "tr");
        add(tr, "td", r.start, "time"); add(tr, "td", r.length, "time");
        var what = add(tr, "td", r.what);
        if (r.details.length) { var ul = add(what, "ul", undefined, "details"); r.details.forEach(function (d) { add(ul, "li", d); }); }
      });
    }
    if (s.checklist.length) { var ul = add(main, "ul", undefined, "check"); s.checklist.forEach(function (c) { add(ul, "li", c); }); }
    if (s.pairs.length) { var kt = add(main, "table"); s.pairs.forEach(function (p) { var tr = add(kt, "tr"); add(tr, "th", p[0]); add(tr, "td", p[1]); }); }
    s.commands.forEach(function (c) { add(add(main, "p"), "code", c); });
  });
})();
