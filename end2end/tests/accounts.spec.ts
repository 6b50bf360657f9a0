import { expect, test } from '@playwright/test';
import { signIn, staff, said } from './helpers';

test('sign up, sign out, sign in, and a member is refused a staff page', async ({ page }) => {
  const email = `member-${Date.now()}@e2e.test`;
  const password = 'a member password';

  await page.goto('/donations');
  await expect(page).toHaveURL(/\/login\?next=%2Fdonations$/);
  await page.getByRole('link', { name: 'Sign up' }).last().click();

  await page.getByLabel('Name').fill('Morgan Member');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  // A field is checked once it is left, not while the first characters are typed.
  await expect(said(page, 'alert')).toHaveCount(0);
  await page.getByLabel('Password').press('Tab');
  await expect(said(page, 'alert')).toContainText('most common passwords');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  // Back on the page that asked for an account, which is for staff only.
  await expect(page).toHaveURL(/\/donations$/);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Donations' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(said(page, 'alert')).toContainText('email or password is not correct');

  await signIn(page, email, password, 'Morgan Member');
  await page.goto('/reports');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
});

test('a return address that leads to another site is ignored after sign-in', async ({ page, baseURL }) => {
  await page.goto('/login?next=/%5Cevil.example');
  await page.getByLabel('Email').fill(staff.email);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText(staff.name);
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  await expect(page).toHaveURL(/\/$/);
});
