import { expect, test } from '@playwright/test';
import { admin, openFromMenu, said, signIn, signInAsAdmin, staff } from './helpers';

test('an admin changes a role and deactivates an account, which is signed out at once', async ({ page, browser }) => {
  const suffix = Date.now();
  const name = `Vic Vôlunteer ${suffix}`;
  const email = `volunteer-${suffix}@e2e.test`;
  const password = 'a volunteer password';

  // The volunteer signs up in a browser of their own and stays on their orders page.
  const theirs = await browser.newContext();
  const volunteer = await theirs.newPage();
  // Ending the session takes the page away while it is still taking in the answer: nothing may break.
  const crashes: string[] = [];
  volunteer.on('pageerror', (error) => crashes.push(error.message));
  await volunteer.goto('/register');
  await volunteer.getByLabel('Name').fill(name);
  await volunteer.getByLabel('Email').fill(email);
  await volunteer.getByLabel('Password').fill(password);
  await volunteer.getByRole('button', { name: 'Create account' }).click();
  await expect(volunteer.getByRole('banner')).toContainText(name);
  await volunteer.goto('/orders');
  await expect(volunteer.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();

  await signInAsAdmin(page);
  await openFromMenu(page, 'Admin', 'Users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  const accounts = page.getByRole('table', { name: 'Accounts' });
  // The name is found in any case, in any script.
  await page.getByLabel('Search by name or email').fill(`VÔLUNTEER ${suffix}`);
  await expect(accounts.getByRole('row')).toHaveCount(2);
  const row = accounts.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Active');
  await expect(row).not.toContainText('Never');

  // Choosing a role changes nothing until asked; focus then stays on the row's role.
  await page.getByLabel(`Role of ${name}`, { exact: true }).selectOption('staff');
  await page.getByRole('button', { name: `Change role of ${name}` }).click();
  await expect(said(page, 'status')).toContainText(`${name} is now staff, active.`);
  await expect(page.getByLabel(`Role of ${name}`, { exact: true })).toBeFocused();
  await expect(page.getByRole('button', { name: `Change role of ${name}` })).toHaveCount(0);

  // Deactivating asks first; Escape takes the question back.
  const deactivate = page.getByRole('button', { name: `Deactivate ${name}` });
  await deactivate.click();
  const question = page.getByRole('group', { name: `Deactivate ${name}? They are signed out at once.` });
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  await expect(deactivate).toBeFocused();
  await deactivate.click();
  await page.screenshot({ path: test.info().outputPath('users-confirm.png'), fullPage: true });
  await question.getByRole('button', { name: 'Confirm' }).click();
  await expect(said(page, 'status')).toContainText(`${name} is now staff, deactivated`);
  await expect(row).toContainText('Deactivated');
  await expect(page.getByRole('button', { name: `Reactivate ${name}` })).toBeFocused();

  // Their next request finds the session gone: to sign-in, and the way back remembered.
  await volunteer.getByRole('link', { name: 'Cart (0)' }).click();
  await expect(volunteer).toHaveURL(/\/login\?next=%2Fcart$/);
  await expect(volunteer.getByRole('status').filter({ hasText: 'Your session has ended' })).toBeVisible();
  await expect(volunteer.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await volunteer.getByLabel('Email').fill(email);
  await volunteer.getByLabel('Password').fill(password);
  await volunteer.getByRole('button', { name: 'Sign in' }).click();
  await expect(said(volunteer, 'alert')).toContainText('deactivated');

  await page.getByRole('button', { name: `Reactivate ${name}` }).click();
  await expect(said(page, 'status')).toContainText(`${name} is now staff, active.`);
  await volunteer.getByRole('button', { name: 'Sign in' }).click();
  await expect(volunteer).toHaveURL(/\/cart$/);
  await expect(volunteer.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  expect(crashes).toEqual([]);
  await theirs.close();
});

test('the last active admin cannot be changed, and the page says why', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/users');
  await page.getByLabel('Search by name or email').fill(admin.email);
  const row = page.getByRole('table', { name: 'Accounts' }).getByRole('row').filter({ hasText: admin.email });
  await expect(row).toContainText('The last active admin');
  await expect(page.getByLabel(`Role of ${admin.name}`, { exact: true })).toBeDisabled();
  await expect(row.getByRole('button', { name: /Deactivate/ })).toHaveCount(0);
});

test('a session that ends on a page sends to sign-in and back to that page', async ({ page }) => {
  await signIn(page, staff.email, staff.password, staff.name);
  await page.goto('/donations?page=1');
  // The heading comes with the page's HTML; the search box only once the app knows the session.
  await expect(page.getByRole('searchbox', { name: 'Donor' })).toBeVisible();
  // Signed out elsewhere: the browser still believes it is signed in.
  expect((await page.request.post('/api/auth/logout')).status()).toBe(204);
  // The search is part of the list's address (back on its first page), so it is where the
  // sign-in returns to.
  await page.getByRole('searchbox', { name: 'Donor' }).fill('anyone');
  await expect(page).toHaveURL(/\/login\?next=%2Fdonations%3Fdonor%3Danyone$/);
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/donations\?donor=anyone$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Donations' })).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Donor' })).toHaveValue('anyone');
});

test('the header shows no sign-in link until the server says who is signed in', async ({ page }) => {
  await signIn(page, staff.email, staff.password, staff.name);
  let answer = () => {};
  const answered = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/api/auth/session', async (route) => {
    await answered;
    await route.continue();
  });
  await page.goto('/shop');
  await expect(page.getByRole('heading', { level: 1, name: 'Shop' })).toBeVisible();
  const header = page.getByRole('banner');
  await expect(header.locator('.user-placeholder')).toBeAttached();
  await expect(header.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
  answer();
  await expect(header).toContainText(staff.name);
  await expect(header.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
});
