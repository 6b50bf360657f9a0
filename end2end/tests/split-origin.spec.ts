import { expect, test } from '@playwright/test';
import { staff, openFromMenu } from './helpers';
import { ports } from './ports';

// The built app on a plain static host of its own origin, whose config.json points it at an API
// on another origin that lists the app's origin in ALLOWED_ORIGINS.
const spa = `http://127.0.0.1:${ports.spa}`;
const api = `http://127.0.0.1:${ports.splitApi}`;

test('the app served from another origin signs in and works against the API', async ({ page }) => {
  const apiCalls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/')) apiCalls.push(request.url());
  });

  await page.goto(`${spa}/login`);
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText(staff.name);

  await openFromMenu(page, 'Ledger', 'Reports');
  await expect(page.getByRole('table').first()).toContainText('Money');
  await page.reload();
  await expect(page.getByRole('banner')).toContainText(staff.name);

  expect(apiCalls.length).toBeGreaterThan(0);
  expect(apiCalls.every((url) => url.startsWith(`${api}/api/`))).toBe(true);
});
