import { expect, Page, test, TestInfo } from '@playwright/test';
import { said, signInAsStaff } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsStaff(page);
});

const sizes = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const;

async function choose(page: Page, name: string, text: string) {
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Preview' }).click();
}

/// Looks at the page on a desktop and a phone; nothing may be wider than the screen.
async function lookAt(page: Page, testInfo: TestInfo, name: string) {
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`${name}-${label}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} is wider than the ${label} screen`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(sizes[0][1]);
}

test('a CSV file is previewed with its problems, then imported whole', async ({ page }, testInfo) => {
  const donor = `Importing Bakery ${Date.now()}`;
  await page.goto('/donations');
  await page.getByRole('link', { name: 'Import donations from a CSV file' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import donations');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download a sample file' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('donations-sample.csv');

  const importButton = page.getByRole('button', { name: /^Import \d+ donations?$/ });
  await expect(importButton).toBeDisabled();

  await choose(page, 'bad.csv', `donor,kind,quantity,date,note\n${donor},food,4,2025-03-01,\n${donor},food,0,2025-03-01,\n${donor},toys,1,2025-03-01,\n`);
  const preview = page.getByRole('region', { name: 'Preview' });
  const verdict = said(preview, 'status').first();
  await expect(verdict).toContainText('3 donations and 2 problems');
  await expect(verdict).toContainText('Line 3, quantity: must be greater than 0');
  await expect(verdict).toContainText('Line 4, kind: must be one of');
  await expect(importButton).toBeDisabled();
  await lookAt(page, testInfo, 'import-problems');

  await choose(
    page,
    'good.csv',
    `\uFEFFDonor,Kind,Quantity,Date,Note\n"${donor}",food,4,2025-03-01,"Bread, rolls"\n${donor},money,25.50,2025-03-02,\n${donor},food,1.5,2025-03-03,\n`,
  );
  await expect(verdict).toContainText('3 donations and no problems');
  await expect(preview.getByRole('table', { name: 'Totals per kind' })).toContainText('$25.50');
  await expect(preview.getByRole('table', { name: 'First rows of the file' })).toContainText('Bread, rolls');
  await lookAt(page, testInfo, 'import-ready');

  await page.getByRole('button', { name: 'Import 3 donations' }).click();
  await expect(said(preview, 'status').filter({ hasText: 'Imported' })).toContainText('Imported 3 donations.');
  // The imported file is let go of, so it cannot be imported twice by mistake.
  await expect(page.getByLabel('CSV file')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Preview' })).toBeDisabled();
  await preview.getByRole('link', { name: 'See the donations' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Donations');
  // Dated in the past, they may be pages down the list, so find them by donor.
  await page.getByRole('search', { name: 'Filter donations' }).getByLabel('Donor').fill(donor);
  await expect(page.getByRole('table', { name: 'Donations' }).getByRole('row', { name: new RegExp(donor) })).toHaveCount(3);
});
