// Open a kit's index.html from file:// in Debian's chromium and report, for
// each clip, the video's readyState and its text track's cue count; plus
// whether any script smuggled into cues or cards ran (window.PWNED).
// Usage: node player.js /abs/path/index.html
const { chromium } = require("playwright-core");

(async () => {
  const [index] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("file://" + index);
  const n = await page.evaluate(() => JSON.parse(document.getElementById("kit").textContent).clips.length);
  const clips = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await page.keyboard.press("ArrowRight");
    const ok = (f) => page.waitForFunction(f, null, { timeout: 15000 }).then(() => true, () => false);
    await ok(() => document.getElementById("video").readyState >= 1);
    await ok(() => { const t = document.getElementById("video").textTracks[0]; return t && t.cues && t.cues.length > 0; });
    clips.push(await page.evaluate(() => {
      const v = document.getElementById("video");
      const t = v.textTracks[0];
      return { src: v.currentSrc, ready: v.readyState, cues: t && t.cues ? t.cues.length : -1, error: v.error ? v.error.code : null };
    }));
  }
  await page.keyboard.press("c");
  const cardsShown = await page.evaluate(() => !document.getElementById("cards").hidden && document.getElementById("cards").textContent.length > 0);
  const pwned = await page.evaluate(() => window.PWNED === 1);
  console.log(JSON.stringify({ clips, cardsShown, pwned, errors }));
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
