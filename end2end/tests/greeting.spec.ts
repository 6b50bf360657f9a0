import { expect, test } from '@playwright/test';
import { said } from './helpers';

test('a visitor saves a date of birth and is greeted', async ({ page }) => {
  await page.goto('/greeting');
  const form = page.getByRole('region', { name: 'Try it' });

  await form.getByLabel('Username').fill('Ada1');
  await form.getByLabel('Username').press('Tab');
  await expect(said(form, 'alert')).toHaveText('may contain only the letters A–Z and a–z');

  await form.getByLabel('Username').fill('Ada');
  await form.getByLabel('Date of birth').fill('1990-12-10');
  await form.getByRole('button', { name: 'Save and greet' }).click();
  await expect(said(form, 'status')).toHaveText(/^Hello, Ada! (Your birthday is in \d+ day\(s\)|Happy birthday!)$/);

  const answer = await page.request.get('/hello/Ada');
  expect((await answer.json()).message).toBe(await said(form, 'status').textContent());
});
