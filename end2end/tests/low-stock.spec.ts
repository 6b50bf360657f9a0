import { expect, Page, test } from '@playwright/test';
import { signInAsStaff, said } from './helpers';

/// Sets a kind's threshold back to none, so the other tests see the stock as they left it.
async function clearThreshold(page: Page, kind: string) {
  const response = await page.request.put(`/api/stock-thresholds/${kind}`, { data: { threshold: null } });
  expect(response.status()).toBe(200);
}

test.beforeEach(async ({ page }) => {
  await signInAsStaff(page);
});

test('staff set a threshold and the kind shows as low on the reports and the dashboard', async ({ page }, testInfo) => {
  const donation = await page.request.post('/api/donations', {
    data: { donor_name: 'Low Stock Tester', kind: 'other', quantity: '3' },
  });
  expect(donation.status()).toBe(201);

  await page.goto('/reports');
  const thresholds = page.getByRole('region', { name: 'Low-stock thresholds' });
  const other = thresholds.getByLabel('Other');
  await other.fill('-2');
  await other.press('Tab');
  await expect(said(thresholds, 'alert')).toHaveText('must not be negative');
  await other.fill('1000000');
  await thresholds.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(said(thresholds, 'status')).toHaveText('Saved the thresholds.');

  const inventory = page.getByRole('table', { name: 'Inventory' });
  await expect(inventory.getByRole('row', { name: /Other/ })).toContainText('Low');

  for (const [label, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    const card = page.locator('.stock-card[data-kind="other"]');
    await expect(card).toContainText('Low');
    await page.screenshot({ path: testInfo.outputPath(`dashboard-low-${label}.png`), fullPage: true });
    await page.goto('/reports');
    await expect(page.getByRole('region', { name: 'Low-stock thresholds' }).getByLabel('Other')).toHaveValue('1000000.00');
    await page.screenshot({ path: testInfo.outputPath(`reports-thresholds-${label}.png`), fullPage: true });
  }

  await clearThreshold(page, 'other');
});

test('a product below its threshold is marked in the product list and in the shop', async ({ page }, testInfo) => {
  const name = `Lantern ${Date.now()}`;
  const created = await page.request.post('/api/products', {
    data: { name, description: 'Solar, for power cuts', price: '9', stock: 2, low_stock_threshold: 5 },
  });
  expect(created.status()).toBe(201);

  await page.goto('/products');
  const catalogue = page.getByRole('table', { name: 'Catalogue' });
  const row = catalogue.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('Low');

  await page.goto('/shop');
  await page.getByLabel('Search products').fill(name);
  const card = page.getByRole('listitem').filter({ hasText: name });
  await expect(card).toContainText('Low stock: only 2 left');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath('shop-low-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.goto('/products');
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  const form = page.getByRole('region', { name: 'Edit product' });
  await form.getByLabel('Mark as low below').fill('2');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(said(page, 'status')).toContainText(`Saved ${name}.`);
  await expect(row).not.toContainText('Low');
  await page.screenshot({ path: testInfo.outputPath('products-desktop.png'), fullPage: true });
});
