/**
 * Regenerates docs/page.png, the README's picture of the status page: `npm run demo` in one terminal, then
 * `npx tsx scripts/screenshot.ts [URL]` (default http://127.0.0.1:9275/). Waits until the page shows a RUNNING job
 * with throughput and its job graph, then takes the screenshot with Debian's chromium (playwright-core, as the e2e
 * test does; CHROMIUM_BIN overrides /usr/bin/chromium).
 */
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://127.0.0.1:9275/';
const out = new URL('../docs/page.png', import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(url);
  // A running job with throughput, its sparkline and its graph: what a newcomer should see.
  await page.waitForSelector('tr.job[data-state="RUNNING"]:not([data-source-rps=""]) polyline', { timeout: 180_000 });
  await page.waitForSelector('svg.job-graph g.vertex', { timeout: 60_000 });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
