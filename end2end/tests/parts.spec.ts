import { expect, Page, Response, test } from '@playwright/test';
import { openFromMenu, signInAsAdmin } from './helpers';

/// The wasm files `page` fetches, by their names without the build's hash. The code that parts
/// share is left out: which chunks there are depends on the build.
function fetchedWasm(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.match(/^\/(.+)-[0-9a-f]{16}(_bg)?\.wasm$/);
    if (name && !name[1].startsWith('chunk_')) names.push(name[1] + (name[2] ?? ''));
  });
  return names;
}

test('a visitor fetches the public app alone, and signing in fetches the parts of the role', async ({ page }) => {
  const wasm = fetchedWasm(page);
  await page.goto('/shop');
  await expect(page.getByRole('heading', { level: 1, name: 'Shop' })).toBeVisible();
  expect(wasm).toEqual(['frontend_bg']);
  await openFromMenu(page, 'Data', 'COVID-19');
  await expect(page.getByRole('heading', { level: 1, name: 'COVID-19' })).toBeFocused();
  expect(wasm).toEqual(['frontend_bg', 'split_data']);

  await signInAsAdmin(page);
  // Fetched once the role is known, before any of their pages is opened.
  await expect.poll(() => wasm.includes('split_staff') && wasm.includes('split_member')).toBe(true);
  await openFromMenu(page, 'Ledger', 'Donations');
  await expect(page.getByRole('heading', { level: 1, name: 'Donations' })).toBeFocused();
  await openFromMenu(page, 'Shop', 'Orders');
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeFocused();
  expect(wasm.filter((name) => name === 'split_staff')).toHaveLength(1);
});

test('the app a visitor loads first is at most 150 KB over the wire', async ({ page }) => {
  for (const path of ['/', '/shop']) {
    const code: Promise<[string, number]>[] = [];
    const listener = (response: Response) => {
      if (/\.(wasm|js|css)$/.test(new URL(response.url()).pathname)) {
        code.push(response.request().sizes().then((sizes) => [response.headers()['content-encoding'], sizes.responseBodySize]));
      }
    };
    page.on('response', listener);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    page.off('response', listener);
    const fetched = await Promise.all(code);
    expect(fetched.map(([encoding]) => encoding)).toEqual(fetched.map(() => 'br'));
    const bytes = fetched.reduce((sum, [, size]) => sum + size, 0);
    expect(bytes, `the first load of ${path}`).toBeLessThanOrEqual(150_000);
  }
});

test('a part that cannot be fetched says so on its page, and the rest of the app goes on', async ({ page }) => {
  await page.route(/\/split_staff-[0-9a-f]{16}\.wasm$/, (route) => route.abort());
  await signInAsAdmin(page);
  await openFromMenu(page, 'Ledger', 'Donations');
  await expect(page.getByRole('heading', { level: 1, name: 'Donations' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(
    'This page could not be loaded. Check your connection, then reload the page.',
  );

  await openFromMenu(page, 'Shop', 'Shop');
  await expect(page.getByRole('heading', { level: 1, name: 'Shop' })).toBeFocused();
  await openFromMenu(page, 'Shop', 'Orders');
  await expect(page.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();

  // Once the connection is back, the part is fetched again rather than the failure kept.
  await page.unroute(/\/split_staff-[0-9a-f]{16}\.wasm$/);
  await openFromMenu(page, 'Admin', 'Jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeFocused();
});

test('while a part is on its way, its page keeps its heading, and focus goes to the page once it is there', async ({
  page,
}) => {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/split_greeting-[0-9a-f]{16}\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await page.getByRole('link', { name: 'birthday greeting API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Birthday greeting' })).toBeVisible();
  await expect(page.getByText('Loading…')).toBeVisible();
  await expect(page.locator('main')).toBeFocused();

  release();
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Birthday greeting' })).toBeFocused();
});
