// Drives headless Chromium through one login at the fake Globus, as a
// person would: open the authorize URL, click the user, land on the local
// server's page. Prints {"url", "title", "message"} of that page as JSON.
// Run with: deno run --node-modules-dir=manual -A _chromium_driver.ts <chromium> <url> <username>
// (--node-modules-dir=manual lets puppeteer-core's own bare imports resolve
// from tools/node_modules, with no npm download).

const [chromium, url, username] = Deno.args as [string, string, string];
const modulePath = new URL(
  "../../tools/node_modules/puppeteer-core/lib/puppeteer/puppeteer-core.js",
  import.meta.url,
);
// deno-lint-ignore no-explicit-any
const puppeteer: any = (await import(modulePath.href)).default;
const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
const browser = await puppeteer.launch({
  executablePath: chromium,
  userDataDir: profile,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  const link = await page.waitForSelector(`a.fake-login::-p-text(${username})`);
  await Promise.all([
    page.waitForSelector("#login-result", { timeout: 30_000 }),
    link.click(),
  ]);
  // Runs in the page: its globals are the browser's, not Deno's (hence the casts).
  const result = await page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const { document, location } = globalThis as any;
    return {
      url: location.href,
      title: document.querySelector("#login-result")?.textContent,
      message: document.querySelector("#login-message")?.textContent,
    };
  });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await Deno.remove(profile, { recursive: true });
}
