// Walk a kit's index.html from file:// in Debian's Firefox ESR, driven over
// WebDriver (geckodriver), pressing PageDown from the welcome screen to the
// end screen, and report what was seen as JSON on stdout:
// - walk: {kind, title, src, ready, playing} for every screen;
// - cue: the subtitle shown inside a cue of the first clip with subtitles;
// - network: resources loaded from anywhere but file:, data: or blob:;
// - errors: script errors the page caught.
// Usage: node player-firefox.js /abs/path/index.html [SCREENSHOT.png]
// GECKODRIVER names the driver (default: geckodriver on PATH).
const { Builder, Key } = require("selenium-webdriver");
const firefox = require("selenium-webdriver/firefox");

const screenState = () => {
  const s = document.getElementById("screen");
  const stage = document.getElementById("stage");
  const v = document.getElementById("video");
  const h = s.querySelector("h1, h2");
  return {
    kind: s.getAttribute("data-step"),
    title: h ? h.textContent : "",
    playing: !stage.hidden,
    src: v.getAttribute("src"),
    ready: v.readyState,
  };
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function state(driver) {
  return driver.executeScript(`return (${screenState})();`);
}

async function press(driver, key) {
  await driver.actions().sendKeys(key).perform();
  await sleep(150);
}

// A clip settles when it can play, or when a problem screen replaced it.
async function settleClip(driver) {
  for (let i = 0; i < 75; i++) {
    const ok = await driver.executeScript(
      "const v = document.getElementById('video'); return document.getElementById('stage').hidden || v.readyState >= 1;"
    );
    if (ok) break;
    await sleep(200);
  }
  await sleep(300);
}

(async () => {
  const [index, shot] = process.argv.slice(2);
  const options = new firefox.Options()
    .setBinary("/usr/bin/firefox-esr")
    .addArguments("-headless", "--width=1280", "--height=720")
    .setPreference("media.autoplay.default", 0)
    .setPreference("app.update.enabled", false)
    .setPreference("app.normandy.enabled", false)
    .setPreference("datareporting.policy.dataSubmissionEnabled", false)
    .setPreference("toolkit.telemetry.enabled", false)
    .setPreference("browser.shell.checkDefaultBrowser", false)
    .setPreference("network.captive-portal-service.enabled", false)
    .setPreference("network.connectivity-service.enabled", false)
    .setPreference("browser.safebrowsing.update.enabled", false)
    .setPreference("extensions.update.enabled", false);
  const service = new firefox.ServiceBuilder(process.env.GECKODRIVER || "geckodriver");
  const driver = await new Builder()
    .forBrowser("firefox")
    .setFirefoxOptions(options)
    .setFirefoxService(service)
    .build();
  const report = {};
  try {
    await driver.get("file://" + index);
    await driver.executeScript(
      "window.__errors = []; window.addEventListener('error', (e) => window.__errors.push(String(e.message)));"
    );
    await sleep(500);
    const walk = [];
    for (let n = 0; n < 500; n++) {
      let s = await state(driver);
      if (s.kind === "clip") {
        await settleClip(driver);
        s = await state(driver);
      }
      walk.push(s);
      if (s.kind === "end") break;
      await press(driver, Key.PAGE_DOWN);
    }
    report.walk = walk;
    // The first clip with more than one cue: pause inside its second cue.
    const at = await driver.executeScript(`
      const kit = JSON.parse(document.getElementById("kit").textContent).page;
      const cues = window.SCREENKIT_SUBS;
      const n = kit.clips.findIndex((c) => cues[c.subtitles[0].key] && cues[c.subtitles[0].key].length > 1);
      if (n < 0) return null;
      const cue = cues[kit.clips[n].subtitles[0].key][1];
      return { n: n + 1, clip: kit.clips[n].id, ms: Math.floor((cue[0] + cue[1]) / 2) };`);
    if (at) {
      await press(driver, Key.HOME);
      await press(driver, String(at.n));
      await press(driver, Key.PAGE_DOWN);
      await settleClip(driver);
      await driver.executeScript(
        "const v = document.getElementById('video'); v.pause(); v.currentTime = arguments[0] / 1000;",
        at.ms
      );
      for (let i = 0; i < 50; i++) {
        const t = await driver.executeScript("return document.getElementById('video').currentTime * 1000;");
        if (Math.abs(t - at.ms) < 5) break;
        await sleep(100);
      }
      await sleep(300);
      const text = await driver.executeScript("return document.getElementById('subs').textContent;");
      report.cue = { clip: at.clip, ms: at.ms, text };
      if (shot) require("fs").writeFileSync(shot, await driver.takeScreenshot(), "base64");
    }
    report.network = await driver.executeScript(
      "return performance.getEntriesByType('resource').map((e) => e.name).filter((u) => !/^(file|data|blob):/.test(u));"
    );
    report.errors = await driver.executeScript("return window.__errors;");
  } finally {
    await driver.quit();
  }
  console.log(JSON.stringify(report));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
