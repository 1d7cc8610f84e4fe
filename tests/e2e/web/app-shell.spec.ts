import { expect, test } from './fixtures';

test('the web harness renders app:info from the real services', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));

  await page.goto(`/?token=${process.env['TILL_E2E_TOKEN']}`);
  await expect(page.getByTestId('app-info')).toContainText('Version 0.1.0');
  await expect(page.getByTestId('app-info')).toContainText('web-harness');
  await expect(page.getByTestId('training-banner')).toContainText('Training mode');
  expect(consoleErrors).toEqual([]);
});

test('the page has no Node and exactly the contract methods on window.till', async ({ page }) => {
  await page.goto(`/?token=${process.env['TILL_E2E_TOKEN']}`);
  await expect(page.getByTestId('app-info')).toBeVisible();
  const { requireType, keys } = await page.evaluate(() => ({
    requireType: typeof (window as unknown as { require?: unknown }).require,
    keys: Object.keys(window.till ?? {}).sort(),
  }));
  expect(requireType).toBe('undefined');
  const { TILL_API_KEYS } = await import('../../../src/shared/channels');
  expect(keys).toEqual([...TILL_API_KEYS]);
});
