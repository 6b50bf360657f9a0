import { expect, test } from '@playwright/test';
import { signInAsStaff } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsStaff(page);
});

test('a list keeps its search and sort in the address, sorts by a heading and downloads what it shows', async ({ page }, testInfo) => {
  const donor = `Sorter ${Date.now()}`;
  for (const [suffix, quantity] of [['A', 5], ['B', 12], ['C', 1]] as const) {
    const created = await page.request.post('/api/donations', {
      data: { donor_name: `${donor} ${suffix}`, kind: 'food', quantity },
    });
    expect(created.status()).toBe(201);
  }
  await page.goto('/donations');
  const table = page.getByRole('table', { name: 'Donations' });
  await expect(table).toBeVisible();

  // The search runs once typing pauses: one request for the whole name, not one per letter.
  const searches: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/donations' && url.searchParams.has('donor')) {
      searches.push(url.searchParams.get('donor')!);
    }
  });
  const search = page.getByRole('search', { name: 'Filter donations' }).getByLabel('Donor');
  await search.pressSequentially(donor, { delay: 20 });
  await expect(page).toHaveURL(/donor=Sorter/);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  expect(searches).toEqual([donor]);

  const quantity = table.getByRole('columnheader', { name: 'Quantity' });
  await quantity.getByRole('button').click();
  await expect(page).toHaveURL(/sort=-quantity/);
  await expect(quantity).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toContainText(`${donor} B`);
  await quantity.getByRole('button').click();
  await expect(page).toHaveURL(/sort=quantity/);
  await expect(quantity).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toContainText(`${donor} C`);
  await expect(table.getByRole('columnheader', { name: 'Date' })).toHaveAttribute('aria-sort', 'none');

  // A reload shows the same list; Back returns to the order before.
  await page.reload();
  await expect(search).toHaveValue(donor);
  await expect(rows.first()).toContainText(`${donor} C`);
  await page.goBack();
  await expect(page).toHaveURL(/sort=-quantity/);
  await expect(rows.first()).toContainText(`${donor} B`);

  // The download is the filtered list, in the same order, whatever the page size.
  const href = (await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!;
  expect(href).toContain('sort=-quantity');
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trim().split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[1]).toContain(`${donor} B`);
  expect(lines[3]).toContain(`${donor} C`);

  for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`sorted-donations-${label}.png`), fullPage: true });
  }
});

test('staff find everyone\'s orders by date and sort them by total', async ({ page }) => {
  await page.goto('/orders');
  await page.getByLabel("Show everyone's orders").check();
  await expect(page).toHaveURL(/all=true/);
  await expect(page.getByLabel('Customer')).toBeVisible();
  await page.getByLabel('Sort').selectOption({ label: 'Largest total first' });
  await expect(page).toHaveURL(/sort=-total/);
  const href = (await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!;
  expect(href).toMatch(/all=true.*sort=-total/);
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  expect((await download.text()).split('\n')[0]).toBe('id,placed_at,customer,email,items,total,status');
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=/);
  await expect(page.getByLabel('Sort')).toHaveValue('-date');
});

test('the donor report searches, sorts by what was given and keeps both in the address', async ({ page }, testInfo) => {
  const donor = `Giver ${Date.now()}`;
  for (const [suffix, quantity] of [['A', 5], ['B', 40], ['C', 12]] as const) {
    const created = await page.request.post('/api/donations', {
      data: { donor_name: `${donor} ${suffix}`, kind: 'food', quantity },
    });
    expect(created.status()).toBe(201);
  }
  await page.goto('/reports');
  const donors = page.getByRole('table', { name: 'Donors' });
  await page.getByRole('search', { name: 'Find donors' }).getByLabel('Donor').pressSequentially(donor, { delay: 20 });
  await expect(page).toHaveURL(/q=Giver/);
  const rows = donors.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText(`${donor} A`);

  const given = donors.getByRole('columnheader', { name: 'Given' });
  await given.getByRole('button').click();
  await expect(page).toHaveURL(/sort=-total/);
  await expect(given).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toContainText(`${donor} B`);
  await expect(rows.last()).toContainText(`${donor} A`);

  await page.reload();
  await expect(rows.first()).toContainText(`${donor} B`);
  await expect(donors.getByRole('columnheader', { name: 'Donor' })).toHaveAttribute('aria-sort', 'none');
  for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`sorted-donors-${label}.png`), fullPage: true });
  }
});
