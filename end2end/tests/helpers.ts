import AxeBuilder from '@axe-core/playwright';
import { expect, Locator, Page } from '@playwright/test';

export const staff = { email: 'staff@e2e.test', password: 'staff e2e password', name: 'Erin Staff' };
export const admin = { email: 'admin@e2e.test', password: 'admin e2e password', name: 'Ada Admin' };

/// Signs in through the sign-in page and waits for the header to show the user.
export async function signIn(page: Page, email: string, password: string, name: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText(name);
}

/// axe for `page`, run in the page itself. The app has no frames, so the default mode's blank
/// page for gathering results from frames of other origins only doubled each check's time.
export function axe(page: Page): AxeBuilder {
  return new AxeBuilder({ page }).setLegacyMode(true);
}

export async function signInAsStaff(page: Page) {
  await signIn(page, staff.email, staff.password, staff.name);
}

export async function signInAsAdmin(page: Page) {
  await signIn(page, admin.email, admin.password, admin.name);
}

/// The live region of `role` in `scope` that has something to say: forms keep their regions in
/// the page, empty until a message comes, so that screen readers announce it.
export function said(scope: Page | Locator, role: 'alert' | 'status'): Locator {
  return scope.getByRole(role).filter({ hasText: /\S/ });
}

/// Follows a link of the main navigation that sits in the menu of `group`.
export async function openFromMenu(page: Page, group: string, link: string) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: group }).click();
  await nav.getByRole('link', { name: link, exact: true }).click();
}
