import { expect, Page, test } from '@playwright/test';
import { signInAsStaff, said, openFromMenu } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsStaff(page);
});

/// The balance of one kind as the dashboard shows it, e.g. "12" or "$40.00".
async function dashboardBalance(page: Page, kind: string): Promise<string> {
  await page.goto('/');
  const balance = page.getByLabel(`${kind} balance`);
  await expect(balance).toBeVisible();
  return (await balance.textContent())!.trim();
}

function units(text: string): number {
  return Number(text.replace(/[$,]/g, ''));
}

async function recordDonation(page: Page, donor: string, kind: string, quantity: string) {
  await page.goto('/donations');
  const form = page.getByRole('region', { name: 'Record a donation' });
  await form.getByLabel('Donor').fill(donor);
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByLabel('Quantity').fill(quantity);
  await form.getByRole('button', { name: 'Record donation' }).click();
  await expect(said(form, 'status')).toContainText(`from ${donor}`);
}

test('recording a donation updates the dashboard and the inventory report', async ({ page }) => {
  const before = units(await dashboardBalance(page, 'Hygiene'));

  await recordDonation(page, 'Greenway Pharmacy', 'hygiene', '12');
  const list = page.getByRole('table');
  await expect(list.getByRole('row', { name: /Greenway Pharmacy/ }).first()).toBeVisible();

  expect(units(await dashboardBalance(page, 'Hygiene'))).toBe(before + 12);

  await openFromMenu(page, 'Ledger', 'Reports');
  const inventory = page.getByRole('table', { name: 'Inventory' });
  const hygiene = inventory.getByRole('row', { name: /Hygiene/ });
  await expect(hygiene.getByRole('cell').nth(1)).toHaveText(String(before + 12));
  const donors = page.getByRole('table', { name: 'Donors' });
  await expect(donors.getByRole('row', { name: /Greenway Pharmacy/ })).toBeVisible();
});

test('the form checks a field once it is left and the server refuses overdrawn stock', async ({ page }) => {
  await recordDonation(page, 'Riverside Bakery', 'food', '5');

  await page.goto('/distributions');
  const form = page.getByRole('region', { name: 'Record a distribution' });
  const quantity = form.getByLabel('Quantity');
  await quantity.fill('1.234');
  await quantity.press('Tab');
  await expect(said(form, 'alert')).toHaveText('must have at most 2 decimal places');

  await quantity.fill('999999');
  await form.getByRole('button', { name: 'Record distribution' }).click();
  await expect(said(form, 'alert').filter({ hasText: 'not enough food in stock' })).toBeVisible();

  await quantity.fill('2');
  await form.getByLabel('Recipient').fill('Tuesday pantry');
  await form.getByRole('button', { name: 'Record distribution' }).click();
  await expect(said(form, 'status')).toContainText('Recorded 2 of food handed out');
  await expect(page.getByRole('table').getByRole('row', { name: /Tuesday pantry/ }).first()).toBeVisible();
});

test('a reload on a deep link serves the app', async ({ page }) => {
  await page.goto('/reports');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('a donation entered wrongly is corrected from the list', async ({ page }) => {
  const before = units(await dashboardBalance(page, 'Clothing'));
  await recordDonation(page, 'Northside Thrift', 'clothing', '4');

  const row = page.getByRole('table').getByRole('row', { name: /Northside Thrift/ }).first();
  await row.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('region', { name: 'Correct a donation' });
  await expect(form.getByLabel('Quantity')).toHaveValue('4.00');
  await form.getByLabel('Quantity').fill('9');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(said(page, 'status')).toContainText('Corrected to 9 of clothing from Northside Thrift');
  await expect(page.getByRole('region', { name: 'Record a donation' })).toBeVisible();

  expect(units(await dashboardBalance(page, 'Clothing'))).toBe(before + 9);
});
