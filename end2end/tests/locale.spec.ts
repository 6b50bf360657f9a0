import { expect, test } from '@playwright/test';
import { signInAsStaff } from './helpers';

// Someone on Kiritimati (UTC+14, where the day starts first) whose browser speaks German.
const timezoneId = 'Pacific/Kiritimati';
test.use({ locale: 'de-DE', timezoneId });

test('date fields start on the local day and amounts are written as the locale writes them', async ({ page }) => {
  await signInAsStaff(page);
  await page.goto('/donations');
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: timezoneId }).format(new Date());
  const form = page.getByRole('region', { name: 'Record a donation' });
  await expect(form.getByLabel('Date received')).toHaveValue(localDay);

  // The local day may be tomorrow in UTC; the server takes it all the same.
  await form.getByLabel('Donor').fill('Ortsverein Nord');
  await form.getByLabel('Kind').selectOption('money');
  await form.getByLabel('Quantity').fill('1234.50');
  await form.getByRole('button', { name: 'Record donation' }).click();
  const row = page.getByRole('table').getByRole('row', { name: /Ortsverein Nord/ }).first();
  await expect(row).toContainText(/1\.234,50\s\$/);
  // The day is written as German writes it, and it is the local day, not the one in UTC.
  const writtenDay = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${localDay}T00:00:00Z`),
  );
  await expect(row).toContainText(writtenDay);
});
