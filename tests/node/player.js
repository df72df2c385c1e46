// Drive a kit's index.html from file:// in Debian's chromium and report
// what a projectionist would see, as JSON on stdout:
// - walk: every screen reached pressing PageDown from the welcome screen
//   ({kind, title, text}; for a clip, its file and whether it became
//   playable or showed a problem screen, and any notice);
// - cue: at a time inside a cue, what the subtitle area shows; delay: at a
//   cue's start, what it shows before and after pressing H (+100 ms);
// - requests that were not file:// URLs; whether kit text ran as script
//   (window.PWNED); page errors; csp: what the page's Content-Security-Policy
//   blocked (each "directive blocked-url");
// - pages: the kit's other pages (cards.html, cards-projection.html,
//   runsheet.html), each opened from file:// as {name, csp (its policy
//   meta), blocked, pwned}.
// Usage: node player.js /abs/path/index.html [SHOTS_DIR]
// With SHOTS_DIR, screenshots of the welcome, a clip with a subtitle and a
// card screen at 1280x720 and 1920x1080.
const { chromium } = require("playwright-core");

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"];

async function open(browser, index, size, report) {
  const page = await browser.newPage({ viewport: size });
  page.on("pageerror", (e) => report.errors.push(String(e)));
  await page.addInitScript(() => {
    window.CSP_BLOCKED = [];
    document.addEventListener("securitypolicyviolation", (e) => window.CSP_BLOCKED.push(e.violatedDirective + " " + e.blockedURI));
  });
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) report.network.push(r.url()); });
  await page.goto("file://" + index);
  return page;
}

const screenState = () => {
  const s = document.getElementById("screen");
  const stage = document.getElementById("stage");
  const v = document.getElementById("video");
  const h = s.querySelector("h1, h2");
  return {
    kind: s.getAttribute("data-step"),
    title: h ? h.textContent : "",
    text: s.hidden ? "" : s.textContent,
    playing: !stage.hidden,
    src: v.getAttribute("src"),
    ready: v.readyState,
    time: v.currentTime,
    notice: document.getElementById("notice").hidden ? "" : document.getElementById("notice").textContent,
  };
};

async function settleClip(page) {
  // A clip settles when it can play, or when a problem screen replaced it.
  await page.waitForFunction(() => {
    const v = document.getElementById("video");
    return document.getElementById("stage").hidden || v.readyState >= 1;
  }, null, { timeout: 15000 }).catch(() => {});
  await page.waitForTimeout(300);
}

async function walk(page) {
  const seen = [];
  for (let n = 0; n < 500; n++) {
    const s = await page.evaluate(screenState);
    if (s.kind === "clip") {
      await settleClip(page);
      Object.assign(s, await page.evaluate(screenState));
    }
    seen.push(s);
    if (s.kind === "end") break;
    await page.keyboard.press("PageDown");
  }
  return seen;
}

// Go to clip `n` (1-based), pause it at `ms`, and return the subtitle text.
async function subsAt(page, n, ms) {
  await page.evaluate((t) => { const v = document.getElementById("video"); v.pause(); v.currentTime = t / 1000; }, ms);
  await page.waitForFunction((t) => Math.abs(document.getElementById("video").currentTime * 1000 - t) < 5, ms);
  await page.waitForTimeout(200);
  return page.evaluate(() => document.getElementById("subs").textContent);
}

async function toClip(page, n) {
  await page.keyboard.press(String(n));
  await page.keyboard.press("PageDown");
  await settleClip(page);
}

(async () => {
  const [index, shots] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  const report = { errors: [], network: [] };
  const page = await open(browser, index, { width: 1280, height: 720 }, report);
  await page.waitForTimeout(500);
  report.walk = await walk(page);
  const kit = await page.evaluate(() => JSON.parse(document.getElementById("kit").textContent).page);
  await page.keyboard.press("Home");
  // The first clip with subtitles loaded: a cue's middle, then its start
  // with the delay keys.
  const cues = await page.evaluate(() => window.SCREENKIT_SUBS);
  const clip = kit.clips.findIndex((c) => cues[c.subtitles[0].key] && cues[c.subtitles[0].key].length > 1);
  if (clip >= 0) {
    const list = cues[kit.clips[clip].subtitles[0].key];
    const cue = list[1];
    await toClip(page, clip + 1);
    const mid = Math.floor((cue[0] + cue[1]) / 2);
    report.cue = { clip: kit.clips[clip].id, ms: mid, text: await subsAt(page, clip + 1, mid) };
    const at = cue[0] + 50;
    const before = await subsAt(page, clip + 1, at);
    await page.keyboard.press("h");
    const after = await subsAt(page, clip + 1, at);
    const notice = await page.evaluate(() => document.getElementById("notice").textContent);
    await page.keyboard.press("g");
    report.delay = { clip: kit.clips[clip].id, ms: at, before, after, notice };
  }
  report.pwned = await page.evaluate(() => window.PWNED === 1);
  report.csp = await page.evaluate(() => window.CSP_BLOCKED);
  report.pages = [];
  const dir = index.replace(/index\.html$/, "");
  for (const name of ["data/cards/cards.html", "data/cards/cards-projection.html", "runsheet.html"]) {
    const p = await open(browser, dir + name, { width: 1280, height: 720 }, report);
    await p.waitForTimeout(300);
    await p.keyboard.press("PageDown");
    await p.waitForTimeout(100);
    report.pages.push(await p.evaluate((name) => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      return { name, csp: meta ? meta.getAttribute("content") : null, blocked: window.CSP_BLOCKED, pwned: window.PWNED === 1, text: document.body.textContent.length };
    }, name));
    await p.close();
  }
  if (shots) {
    for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      const p = await open(browser, index, size, report);
      const tag = `${size.width}x${size.height}`;
      await p.waitForTimeout(400);
      await p.screenshot({ path: `${shots}/welcome-${tag}.png` });
      if (clip >= 0) {
        const cue = cues[kit.clips[clip].subtitles[0].key][1];
        await toClip(p, clip + 1);
        await subsAt(p, clip + 1, Math.floor((cue[0] + cue[1]) / 2));
        await p.screenshot({ path: `${shots}/clip-${tag}.png` });
        await p.keyboard.press("PageDown");
        await p.waitForTimeout(300);
        await p.screenshot({ path: `${shots}/card-${tag}.png` });
      }
      await p.close();
    }
  }
  console.log(JSON.stringify(report));
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
