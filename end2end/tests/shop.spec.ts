import { expect, Page, test } from '@playwright/test';
import { signInAsStaff, said, openFromMenu } from './helpers';

async function createProduct(page: Page, name: string, price: string, stock: number): Promise<number> {
  const response = await page.request.post('/api/products', {
    data: { name, description: `${name}, made in the neighbourhood`, price, stock },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).id;
}

async function signUp(page: Page, email: string) {
  await page.goto('/register');
  await page.getByLabel('Name').fill('Sam Shopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('shopping e2e password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('banner')).toContainText('Sam Shopper');
}

async function addToCart(page: Page, name: string, quantity: string) {
  await page.goto('/shop');
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByLabel('Quantity').fill(quantity);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(said(page, 'status')).toContainText(`${quantity} × ${name}`);
}

test('a member fills a cart, checks out, and sees the order and the lower stock', async ({ page }) => {
  const suffix = Date.now();
  const mug = `Enamel mug ${suffix}`;
  const tote = `Tote bag ${suffix}`;
  await signInAsStaff(page);
  await createProduct(page, mug, '8.50', 10);
  await createProduct(page, tote, '12', 4);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();

  await signUp(page, `shopper-${suffix}@e2e.test`);
  await addToCart(page, mug, '2');
  await addToCart(page, tote, '1');
  const header = page.getByRole('banner');
  await expect(header.getByRole('link', { name: 'Cart (3)' })).toBeVisible();

  await header.getByRole('link', { name: 'Cart (3)' }).click();
  const cart = page.getByRole('table', { name: 'Cart' });
  await expect(cart).toContainText('$29.00');
  await cart.getByLabel(`Quantity of ${mug}`).fill('3');
  await cart.getByLabel(`Quantity of ${mug}`).press('Tab');
  await expect(cart).toContainText('$37.50');
  await expect(header.getByRole('link', { name: 'Cart (4)' })).toBeVisible();

  await page.getByRole('button', { name: 'Place order' }).click();
  const confirmation = page.getByRole('region', { name: /Order #\d+ placed/ });
  await expect(confirmation).toBeVisible();
  await expect(said(confirmation, 'status')).toContainText('$37.50');
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
  await expect(header.getByRole('link', { name: 'Cart (0)' })).toBeVisible();

  const orderName = (await confirmation.getByRole('heading').textContent())!.replace(' placed', '');
  await openFromMenu(page, 'Shop', 'Orders');
  const order = page.getByRole('table', { name: orderName, exact: true });
  await expect(order.getByRole('row', { name: new RegExp(mug) })).toContainText('3');
  await expect(order.getByRole('row', { name: new RegExp(tote) })).toContainText('$12.00');
  await expect(order).toContainText('$37.50');

  await openFromMenu(page, 'Shop', 'Shop');
  await page.getByLabel('Search products').fill(String(suffix));
  const products = page.getByRole('list', { name: 'Products' });
  await expect(products.getByRole('listitem').filter({ hasText: mug })).toContainText('7 in stock');
  await expect(products.getByRole('listitem').filter({ hasText: tote })).toContainText('3 in stock');
});

test('a product edited from an outdated form is refused and the list shows it as it is', async ({ page }) => {
  await signInAsStaff(page);
  const name = `Kettle ${Date.now()}`;
  const id = await createProduct(page, name, '20.00', 5);
  await page.goto('/products');
  await page.getByRole('button', { name: `Edit ${name}` }).click();
  await expect(page.getByLabel('Stock')).toHaveValue('5');

  // Meanwhile someone else changes the stock.
  const current = await (await page.request.get(`/api/products/${id}`)).json();
  const changed = await page.request.put(`/api/products/${id}`, {
    headers: { 'If-Match': `"${current.version}"` },
    data: { name, description: current.description, price: '20.00', stock: 2 },
  });
  expect(changed.status()).toBe(200);

  await page.getByLabel('Stock').fill('9');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(said(page, 'alert')).toContainText('Someone changed this record');
  const catalogue = page.getByRole('table', { name: 'Catalogue' });
  await expect(catalogue.getByRole('row').filter({ hasText: name })).toContainText('2');
  expect((await (await page.request.get(`/api/products/${id}`)).json()).stock).toBe(2);
});
