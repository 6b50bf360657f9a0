import { expect, Page, test, TestInfo } from '@playwright/test';
import { axe, openFromMenu, signInAsAdmin } from './helpers';

/// The pages a visitor can open, and those an admin can: every page of the app.
const visitorPages = ['/', '/login', '/register', '/shop', '/covid', '/greeting'];
const adminPages = [
  '/',
  '/donations',
  '/donations/import',
  '/distributions',
  '/reports',
  '/reports/receipt?donor=Ada&from=2025-01-01&to=2025-12-31',
  '/history',
  '/products',
  '/jobs',
  '/shop',
  '/cart',
  '/orders',
  '/data-reports',
  '/covid',
  '/greeting',
  '/users',
  '/settings',
];

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };

/// Collects what a visitor should never cause: console errors, uncaught exceptions, failed
/// requests and error answers.
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/// Opens `path` and checks it: titled, without problems, with no axe violations, and looked at
/// on a phone and a desktop (the screenshots land in the test's output folder).
async function checkPage(page: Page, path: string, who: string, problems: string[], testInfo: TestInfo) {
  await test.step(`${who} ${path}`, async () => {
    await page.setViewportSize(desktop);
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expect(page).toHaveTitle(/^(?!Page not found).+ · Community Hub$/);

    const name = `${who}${path === '/' ? '-home' : path.replace(/\//g, '-')}`;
    for (const [label, size] of [['desktop', desktop], ['phone', phone]] as const) {
      await page.setViewportSize(size);
      const { violations } = await axe(page).analyze();
      expect(
        violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(' | ')}`),
        `axe on ${path} (${label})`,
      ).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath(`${name}-${label}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the ${label} screen`).toBeLessThanOrEqual(0);
    }
    expect(problems, `problems on ${path}`).toEqual([]);
  });
}

// Each page is loaded, checked by axe and photographed twice: more than the default allows.
const perPage = 15_000;

test('every page a visitor opens is clean, accessible and fits a phone', async ({ page }, testInfo) => {
  test.setTimeout(perPage * visitorPages.length);
  const problems = watchProblems(page);
  for (const path of visitorPages) {
    await checkPage(page, path, 'visitor', problems, testInfo);
  }
});

test('every page an admin opens is clean, accessible and fits a phone', async ({ page }, testInfo) => {
  test.setTimeout(perPage * (adminPages.length + 3));
  await signInAsAdmin(page);
  const towel = `Pages tea towel ${Date.now()}`;
  const created = await page.request.post('/api/products', {
    data: { name: towel, description: 'Linen, printed locally', price: '6.50', stock: 3 },
  });
  expect(created.status()).toBe(201);
  const productId = (await created.json()).id;
  const product = `/shop/${productId}`;
  // An order placed and a line left in the cart, so that those pages show their tables.
  const line = `/api/cart/items/${productId}`;
  expect((await page.request.put(line, { data: { quantity: 1 } })).status()).toBe(200);
  const checkout = await page.request.post('/api/cart/checkout');
  expect(checkout.status()).toBe(201);
  const receipt = `/orders/${(await checkout.json()).id}`;
  expect((await page.request.put(line, { data: { quantity: 2 } })).status()).toBe(200);
  // What the sign-in's own page loads would be cut off by the next visit, which is no problem.
  await page.waitForLoadState('networkidle');
  const problems = watchProblems(page);
  for (const path of [...adminPages, receipt, product]) {
    await checkPage(page, path, 'admin', problems, testInfo);
  }
  // A page whose heading comes with its data is named after it.
  await expect(page).toHaveTitle(`${towel} · Community Hub`);
});

test('the dark colour scheme passes the same checks', async ({ page }, testInfo) => {
  test.setTimeout(perPage * 5);
  await page.emulateMedia({ colorScheme: 'dark' });
  await signInAsAdmin(page);
  // What the sign-in's own page loads would be cut off by the next visit, which is no problem.
  await page.waitForLoadState('networkidle');
  const problems = watchProblems(page);
  for (const path of ['/', '/donations', '/covid', '/login']) {
    await checkPage(page, path, 'dark', problems, testInfo);
  }
});

test('a path that is no page shows the Not Found page with a 404', async ({ page, request }) => {
  const response = await page.goto('/no/such/page');
  expect(response!.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page).toHaveTitle('Page not found · Community Hub');

  const missing = await request.get('/frontend-00000000000000aa.js');
  expect(missing.status()).toBe(404);
  expect(await missing.text()).not.toContain('<html');
});

test('the favicon and robots.txt are served', async ({ request }) => {
  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toContain('Disallow: /api/');
  for (const [path, type] of [['/favicon.ico', 'image/x-icon'], ['/favicon.svg', 'image/svg+xml']]) {
    const icon = await request.get(path);
    expect(icon.status(), path).toBe(200);
    expect(icon.headers()['content-type'], path).toBe(type);
  }
});

test('the header is one row for an admin and its menus work from the keyboard', async ({ page }) => {
  await page.setViewportSize(desktop);
  await signInAsAdmin(page);
  const brand = await page.getByRole('link', { name: 'Community Hub' }).boundingBox();
  const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
  expect(Math.abs(brand!.y + brand!.height / 2 - (signOut!.y + signOut!.height / 2))).toBeLessThan(8);
  // Just above the width where the Menu button takes over, the row still fits.
  await page.setViewportSize({ width: 901, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeInViewport({ ratio: 1 });
  await page.setViewportSize(desktop);

  const nav = page.getByRole('navigation', { name: 'Main' });
  const ledger = nav.getByRole('button', { name: 'Ledger' });
  await ledger.focus();
  await page.keyboard.press('Enter');
  await expect(ledger).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('link', { name: 'Donations', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(nav.getByRole('link', { name: 'Donations', exact: true })).toBeHidden();
  await expect(ledger).toBeFocused();

  await page.keyboard.press('Space');
  await expect(ledger).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(nav.getByRole('link', { name: 'Donations', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/donations$/);
  // After navigating inside the app, focus is on the new page's heading.
  await expect(page.getByRole('heading', { level: 1, name: 'Donations' })).toBeFocused();
  await expect(page).toHaveTitle('Donations · Community Hub');
  await expect(ledger).toHaveAttribute('aria-expanded', 'false');

  // The browser's Back returns to the page before, and Forward to the one left.
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Community Hub' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { level: 1, name: 'Donations' })).toBeVisible();
});

test('on a phone a menu button opens the navigation', async ({ page }, testInfo) => {
  await page.setViewportSize(phone);
  await signInAsAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await nav.getByRole('button', { name: 'Ledger' }).click();
  await page.screenshot({ path: testInfo.outputPath('phone-menu-open.png') });
  await openFromMenu(page, 'Data', 'COVID-19');
  await expect(page).toHaveURL(/\/covid$/);
  await expect(nav).toBeHidden();

  await menu.click();
  await page.keyboard.press('Escape');
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();
});

test('the skip link takes the keyboard past the header to the page', async ({ page }) => {
  await page.goto('/shop');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});
