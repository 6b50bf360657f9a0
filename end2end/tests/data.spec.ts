import { expect, Page, test } from '@playwright/test';
import { signInAsAdmin, said, openFromMenu } from './helpers';

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
  await expect(latest).toContainText('2020-04-06');
  await expect(latest).toContainText('367,000');
  await expect(latest).toContainText('19,800');
  await expect(page.locator('svg').first()).toBeVisible();

  await page.getByLabel('From', { exact: true }).fill('2020-04-02');
  await page.getByLabel('To', { exact: true }).fill('2020-04-03');
  await expect(latest).toContainText('2020-04-03');
  await expect(latest).toContainText('276,000');

  await page.getByLabel('From', { exact: true }).fill('2020-04-05');
  await expect(said(page, 'alert')).toContainText('must not be before');
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
