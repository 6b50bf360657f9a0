import { expect, test } from '@playwright/test';
import { openFromMenu, said, signInAsAdmin } from './helpers';

test('an admin sets the organisation, then prints a donor receipt for last year from the donor report', async ({ page }, testInfo) => {
  await signInAsAdmin(page);
  const donor = `Receipt Tester ${Date.now()}`;
  const year = new Date().getFullYear() - 1;
  for (const [kind, quantity, day] of [['money', '12.50', `${year}-03-01`], ['food', '4', `${year}-07-15`], ['money', '0.25', `${year}-11-30`]]) {
    const response = await page.request.post('/api/donations', {
      data: { donor_name: donor, kind, quantity, donated_on: day },
    });
    expect(response.status()).toBe(201);
  }

  await page.goto('/');
  await openFromMenu(page, 'Admin', 'Settings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  const name = page.getByLabel('Name');
  await name.fill(' ');
  await name.press('Tab');
  await expect(said(page, 'alert')).toHaveText('is required');
  await name.fill('Riverside Community Pantry');
  await page.getByLabel('Address').fill('14 Mill Lane\nRiverside');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(said(page, 'status')).toHaveText("Saved the organisation's details.");

  await page.goto('/reports');
  await page.getByLabel('Donor', { exact: true }).fill(donor);
  await page.getByRole('link', { name: `Receipt for ${donor}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Donation receipt: ${donor}`);
  await expect(page.getByLabel('From')).toHaveValue(`${year}-01-01`);
  await expect(page.getByRole('heading', { name: 'Riverside Community Pantry' })).toBeVisible();
  const donations = page.getByRole('table', { name: 'Each donation, by date' });
  await expect(donations.getByRole('row')).toHaveCount(4);
  await expect(page.getByText('Money given:')).toContainText('$12.75');
  await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath('donor-receipt-print.png'), fullPage: true });
});
