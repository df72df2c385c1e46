// Print an HTML file to PDF in Debian's chromium, honouring CSS @page size
// (the command line's --print-to-pdf always uses Letter paper).
// Usage: node print.js IN.html OUT.pdf
const { chromium } = require("playwright-core");

(async () => {
  const [input, output] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage();
  await page.goto("file://" + input);
  await page.pdf({ path: output, preferCSSPageSize: true, printBackground: true });
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
