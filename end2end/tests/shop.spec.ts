import { expect, Page, request as playwrightRequest, test } from '@playwright/test';
import { signInAsStaff, said, openFromMenu, staff } from './helpers';

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
  // The header marks the page shown as the current one, and no other.
  await expect(header.getByRole('link', { name: 'Cart (3)' })).toHaveAttribute('aria-current', 'page');
  await expect(header.locator('[aria-current]')).toHaveCount(1);
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

test('adding to the cart adds up, a refused checkout shows what is short, and the order prints as a receipt', async ({ page }) => {
  const suffix = Date.now();
  const lamp = `Reading lamp ${suffix}`;
  await signInAsStaff(page);
  const id = await createProduct(page, lamp, '15.00', 3);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();

  const email = `lamp-${suffix}@e2e.test`;
  await signUp(page, email);
  await addToCart(page, lamp, '1');
  await page.getByLabel('Quantity').fill('1');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(said(page, 'status')).toContainText('your cart now holds 2');

  await page.getByRole('banner').getByRole('link', { name: 'Cart (2)' }).click();
  const cart = page.getByRole('table', { name: 'Cart' });
  await expect(cart).toContainText('$30.00');
  await expect(cart).not.toContainText('left in stock');

  // Meanwhile staff sell most of the stock elsewhere.
  const staffApi = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  await staffApi.post('/api/auth/login', { data: { email: staff.email, password: staff.password } });
  const current = await (await staffApi.get(`/api/products/${id}`)).json();
  const lowered = await staffApi.put(`/api/products/${id}`, {
    data: { name: lamp, description: current.description, price: '15.00', stock: 1 },
  });
  expect(lowered.status()).toBe(200);

  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(said(page, 'alert')).toContainText(`${lamp} (1 left)`);
  // The refusal reloads the cart, which now marks the line that is short.
  const quantity = cart.getByLabel(`Quantity of ${lamp}`);
  await expect(cart).toContainText('Only 1 left in stock');
  await expect(quantity).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: test.info().outputPath('cart-short.png'), fullPage: true });
  await quantity.fill('1');
  await quantity.press('Tab');
  await expect(cart).not.toContainText('Only 1 left in stock');
  await page.getByRole('button', { name: 'Place order' }).click();
  const confirmation = page.getByRole('region', { name: /Order #\d+ placed/ });
  await expect(confirmation).toBeVisible();

  await confirmation.getByRole('link', { name: 'Receipt' }).click();
  const receipt = page.getByRole('heading', { level: 1, name: /Receipt for order #\d+/ });
  await expect(receipt).toBeVisible();
  await expect(page.getByRole('main')).toContainText(`Sam Shopper <${email}>`);
  await expect(page.getByRole('main')).toContainText('$15.00');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByRole('banner')).toBeHidden();
  await page.screenshot({ path: test.info().outputPath('receipt-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  const orderName = (await receipt.textContent())!.replace('Receipt for order', 'Order');
  await staffApi.dispose();

  // Staff see whose order it is among everyone's.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAsStaff(page);
  await openFromMenu(page, 'Shop', 'Orders');
  await page.getByLabel("Show everyone's orders").check();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: orderName, exact: true }) });
  await expect(card).toContainText(`Customer: Sam Shopper · ${email}`);
  await expect(card.getByRole('link', { name: `Receipt for ${orderName}` })).toBeVisible();

  // The catalogue is searched, shows the stock state, and asks before removing.
  await openFromMenu(page, 'Admin', 'Products');
  await page.getByLabel('Search products').fill(String(suffix));
  const catalogue = page.getByRole('table', { name: 'Catalogue' });
  await expect(catalogue.getByRole('row')).toHaveCount(2);
  await expect(catalogue.getByRole('row').filter({ hasText: lamp })).toContainText('Out of stock');
  await page.getByRole('button', { name: `Remove ${lamp}` }).click();
  const question = page.getByRole('group', { name: `Remove ${lamp} from the catalogue? Orders keep it.` });
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(catalogue.getByRole('row').filter({ hasText: lamp })).toBeVisible();
  await page.getByRole('button', { name: `Remove ${lamp}` }).click();
  await question.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('No products match.')).toBeVisible();
});

test('an answer the app cannot read says so, and not that the server is out of reach', async ({ page }) => {
  // What an app left open across an upgrade meets: the server answers, in a shape it no longer knows.
  await page.route(/\/api\/products(\?|$)/, (route) => route.fulfill({ json: { products: 'elsewhere' } }));
  await page.goto('/shop');
  const error = page.getByRole('alert');
  await expect(error).toContainText("The server's answer could not be read");
  await expect(error).toContainText('Reload the page');
  await expect(error).not.toContainText('Could not reach the server');
});
