// Validate WebVTT files with the parser behind the W3C validator
// (webvtt-parser). Prints "path: N cues" or each error; exits 1 on errors.
const fs = require("fs");
const { WebVTTParser } = require("webvtt-parser");

let failed = false;
for (const path of process.argv.slice(2)) {
  const tree = new WebVTTParser().parse(fs.readFileSync(path, "utf8"), "subtitles/captions/descriptions");
  for (const e of tree.errors) {
    failed = true;
    console.log(`${path}:${e.line}:${e.col}: ${e.message}`);
  }
  console.log(`${path}: ${tree.cues.length} cues`);
}
process.exit(failed ? 1 : 0);
