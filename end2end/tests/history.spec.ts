import { expect, test } from '@playwright/test';
import { said, signInAsStaff, staff } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsStaff(page);
});

test('a corrected donation shows its history from the list, the change marked in words', async ({ page }, testInfo) => {
  const donor = `History Hall ${Date.now()}`;
  await page.goto('/donations');
  const form = page.getByRole('region', { name: 'Record a donation' });
  await form.getByLabel('Donor').fill(donor);
  await form.getByLabel('Kind').selectOption('food');
  await form.getByLabel('Quantity').fill('7');
  await form.getByRole('button', { name: 'Record donation' }).click();
  await expect(said(form, 'status')).toContainText(`from ${donor}`);

  const row = page.getByRole('table').getByRole('row', { name: new RegExp(donor) }).first();
  await row.getByRole('button', { name: 'Edit' }).click();
  const correction = page.getByRole('region', { name: 'Correct a donation' });
  await correction.getByLabel('Quantity').fill('9');
  await correction.getByRole('button', { name: 'Save correction' }).click();
  await expect(said(page, 'status')).toContainText('Corrected to 9');

  await row.getByRole('link', { name: new RegExp(`^History of the donation from ${donor}`) }).click();
  await expect(page).toHaveURL(/\/history\?record_type=donation&record_id=\d+$/);
  await expect(page.getByRole('heading', { name: 'History', level: 1 })).toBeVisible();
  const id = new URL(page.url()).searchParams.get('record_id');
  const table = page.getByRole('table', { name: `Changes to donation ${id}, newest first` });
  const rows = table.getByRole('row');
  // The header row, then the correction above the creation.
  await expect(rows).toHaveCount(3);
  const updated = rows.nth(1);
  await expect(updated).toContainText('Updated');
  await expect(updated).toContainText(staff.name);
  await expect(updated.getByRole('term').filter({ hasText: 'changed' })).toHaveText('Quantity changed');
  await expect(updated.getByRole('definition').filter({ hasText: '9.00' })).toHaveText(/7\.00.*9\.00/);
  await expect(rows.nth(2)).toContainText('Created');
  for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`record-history-${label}.png`), fullPage: true });
  }

  // The download takes the same filters as the table.
  const csv = page.getByRole('link', { name: 'Download CSV' });
  const href = (await csv.getAttribute('href'))!;
  expect(href).toContain(`record_type=donation&record_id=${id}`);
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('quantity: 7.00 → 9.00');

  // The person filter goes into the address, so the view can be shared and reloaded.
  await page.getByLabel('Person').selectOption({ label: staff.name });
  await expect(page).toHaveURL(/actor=\d+/);
  await page.reload();
  await expect(page.getByLabel('Person')).toHaveValue(/\d+/);
  await expect(table.getByRole('row')).toHaveCount(3);

  await page.getByRole('button', { name: 'Show every record' }).click();
  await expect(page).not.toHaveURL(/record_id/);
  await expect(page.getByRole('table', { name: 'Changes, newest first' })).toBeVisible();
});

test('the history pages and filters by record type and day', async ({ page }) => {
  // More than one page of changes.
  for (let quantity = 1; quantity <= 21; quantity++) {
    const created = await page.request.post('/api/donations', {
      data: { donor_name: 'Pager Pantry', kind: 'other', quantity },
    });
    expect(created.status()).toBe(201);
  }
  await page.goto('/history');
  await page.getByLabel('Record').selectOption('Donation');
  await expect(page).toHaveURL(/record_type=donation/);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('From', { exact: true }).dispatchEvent('change');
  await expect(page).toHaveURL(new RegExp(`from=${today}`));
  const table = page.getByRole('table', { name: 'Changes, newest first' });
  await expect(table.getByRole('row').nth(1)).toContainText('Donation');

  const pager = page.getByRole('navigation', { name: 'Pages' });
  await expect(pager.getByText(/Page 1 of [2-9]/)).toBeVisible();
  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pager.getByText(/Page 2 of/)).toBeVisible();

  await page.getByLabel('To', { exact: true }).fill('2000-01-01');
  await page.getByLabel('To', { exact: true }).dispatchEvent('change');
  await expect(page.getByRole('alert')).toContainText('to must not be before from');
});
