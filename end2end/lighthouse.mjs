// Lighthouse (mobile, its default throttling) on several pages, one after another in one browser:
// starting Node, Lighthouse and Chromium again for each page took more time than some audits.
//
// usage: node lighthouse.mjs PAGES
// PAGES is a JSON array of {"url", "report", "cookie"}: each page's JSON report is written to
// `report`, and `cookie`, when not null, is sent as the page's Cookie header (signed in).
// CHROME_PATH names the browser.
import { writeFile } from 'node:fs/promises';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const pages = JSON.parse(process.argv[2]);
const chrome = await chromeLauncher.launch({
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const { url, report, cookie } of pages) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      extraHeaders: cookie === null ? undefined : { Cookie: cookie },
    });
    if (result === undefined) throw new Error(`Lighthouse returned no result for ${url}`);
    await writeFile(report, result.report);
  }
} finally {
  await chrome.kill();
}
