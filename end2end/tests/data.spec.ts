import { expect, Page, test } from '@playwright/test';
import { axe, signInAsAdmin, said, openFromMenu } from './helpers';

// The server's jobs read the small synthetic files in end2end/fixtures. The tests here build on
// each other in order: the jobs load the figures and reports the later tests look at.
test.describe.configure({ mode: 'serial' });

async function runJob(page: Page, job: string) {
  const row = page.getByRole('row').filter({ has: page.getByText(job, { exact: true }) });
  await row.getByRole('button', { name: `Run now: ${job}` }).click();
  await row.getByRole('group', { name: `Run ${job} now?` }).getByRole('button', { name: 'Confirm' }).click();
  await expect(row.getByText('Started')).toBeVisible();
  await expect(row.locator('.badge').first()).toHaveText('success', { timeout: 15_000 });
}

test('an admin runs the data jobs from the Jobs page and sees each run succeed', async ({ page }) => {
  await signInAsAdmin(page);
  await openFromMenu(page, 'Admin', 'Jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();

  await runJob(page, 'covid-etl');
  await runJob(page, 'population-sync');
  await runJob(page, 'bls-sync');
  // The sync changed data, so a report followed; one more makes a second version.
  await runJob(page, 'data-report');

  const reportRow = page.getByRole('row').filter({ has: page.getByText('data-report', { exact: true }) });
  await reportRow.getByRole('button', { name: 'Recent runs' }).click();
  const runs = page.getByRole('table', { name: /data-report/ });
  await expect(runs.getByRole('row').filter({ hasText: 'success' })).toHaveCount(2);
  await expect(runs.getByRole('row').filter({ hasText: 'follow-up' }).first()).toBeVisible();
});

test('the COVID-19 page charts the loaded figures and narrows them to a date range', async ({ page }) => {
  await page.goto('/covid');
  await expect(page.getByRole('heading', { level: 1, name: 'COVID-19' })).toBeVisible();
  const latest = page.getByRole('region', { name: 'Latest figures' });
  await expect(latest).toContainText('Apr 6, 2020');
  await expect(latest).toContainText('367,000');
  await expect(latest).toContainText('19,800');
  await expect(page.locator('svg').first()).toBeVisible();

  await page.getByLabel('From', { exact: true }).fill('2020-04-02');
  await page.getByLabel('To', { exact: true }).fill('2020-04-03');
  await expect(latest).toContainText('Apr 3, 2020');
  await expect(latest).toContainText('276,000');

  await page.getByLabel('From', { exact: true }).fill('2020-04-05');
  await expect(said(page, 'alert')).toContainText('must not be before');
});

test('every value of a chart is reachable by keyboard, pointer and as a table', async ({ page }) => {
  await page.goto('/covid');
  const chart = page.getByRole('img', { name: /^US cases, deaths and recoveries/ });
  const slider = page.getByRole('slider', { name: /^Date, US cases, deaths and recoveries/ });
  // Drawn at its container's width: as wide as tall at most on a desktop, and its text keeps
  // its size on a phone rather than shrinking with the drawing.
  await expect.poll(async () => { const box = (await chart.boundingBox())!; return box.height / box.width; }).toBeLessThan(0.6);
  const tick = chart.locator('text').nth(1);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(async () => (await tick.boundingBox())!.height).toBeGreaterThan(10);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The newest day is read out first.
  await expect(slider).toHaveAttribute('aria-valuetext', 'Apr 6, 2020: Cases 367,000; Deaths 10,900; Recovered 19,800');
  await expect(page.getByText('Apr 6, 2020: Cases 367,000; Deaths 10,900; Recovered 19,800')).toBeVisible();

  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuetext', 'Apr 1, 2020: Cases 215,000; Deaths 5,100; Recovered 8,500');
  await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', /^Apr 2, 2020: Cases 244,000;/);

  // A pointer over the drawing moves the cursor to the nearest day.
  const box = (await chart.boundingBox())!;
  await chart.hover({ position: { x: box.width * 0.99, y: box.height / 2 } });
  await expect(slider).toHaveAttribute('aria-valuetext', /^Apr 6, 2020:/);
  await chart.hover({ position: { x: box.width * 0.09, y: box.height / 2 } });
  await expect(slider).toHaveAttribute('aria-valuetext', /^Apr 1, 2020:/);

  const show = page.getByRole('button', { name: 'Show data' }).first();
  await expect(show).toHaveAttribute('aria-expanded', 'false');
  await show.click();
  const table = page.getByRole('table', { name: /^US cases, deaths and recoveries.*: data$/ });
  await expect(table.getByRole('row')).toHaveCount(7);
  await expect(table.getByRole('row').nth(1)).toHaveText(/Apr 1, 2020\s*215,000\s*5,100\s*8,500/);
  await expect(table.getByRole('columnheader')).toHaveText(['Date', 'Cases', 'Deaths', 'Recovered']);
  // The visitors' page check sees no charts (no figures loaded there), so they are checked here.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await axe(page).analyze();
    expect(violations.map((violation) => violation.id), `axe, ${colorScheme}`).toEqual([]);
  }
  await page.getByRole('button', { name: 'Hide data' }).click();
  await expect(table).toHaveCount(0);
});

test('the report viewer opens on the newest version, switches without a reload, and downloads', async ({ page }) => {
  await signInAsAdmin(page);
  await openFromMenu(page, 'Data', 'Data reports');
  await expect(page.getByRole('heading', { level: 1, name: 'Data reports' })).toBeVisible();
  const version = page.getByLabel('Version');
  const options = version.locator('option');
  await expect(options).toHaveCount(2);
  const newest = await options.nth(0).getAttribute('value');
  const older = await options.nth(1).getAttribute('value');
  await expect(version).toHaveValue(newest!);

  await expect(page.getByRole('region', { name: 'US population' })).toContainText('321,000,000');
  const joined = page.getByRole('table', { name: 'PRS30006032 Q01 with population' });
  await expect(joined.getByRole('row')).toHaveCount(4);
  await expect(joined).toContainText('316,000,000');
  const best = page.getByRole('table', { name: 'Best year of each series' });
  await page.getByLabel('Search series').fill('PRS85006173');
  await expect(best.getByRole('row')).toHaveCount(2);
  await expect(best).toContainText('annual only');

  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'still here'));
  await version.selectOption(older!);
  await expect(version).toHaveValue(older!);
  await expect(page.getByRole('link', { name: 'Download JSON' })).toHaveAttribute('href', new RegExp(`/${older}/download`));
  expect(await page.evaluate(() => (window as unknown as { marker: string }).marker)).toBe('still here');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download HTML' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^report-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.html$/);
});
