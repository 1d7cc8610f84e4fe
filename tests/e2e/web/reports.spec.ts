import { expect, expectAccessible, panel, paySale, setSupervisorPin, shoot, sim, SUPERVISOR_PIN, test } from './fixtures';

const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1024x768', width: 1024, height: 768 },
  { name: '420x600', width: 420, height: 600 },
] as const;

test('reports: the X report on screen at three sizes, slips at 58 and 80 mm, print, CSV and JSON, keyboard only', async ({ till }) => {
  await paySale(till, 'VCMTIPSSIP0', '2000', 'EOD-TIP');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await till.getByRole('button', { name: /New sale/ }).click();

  await till.keyboard.press('F6');
  await expect(till.getByRole('heading', { name: 'X report' })).toBeVisible();
  const slip = till.getByTestId('report-slip');
  await expect(slip).toContainText('X REPORT');
  await expect(slip).toContainText('Gratuity');
  await expect(slip).toContainText('TRAINING: NOT REAL MONEY');
  for (const size of SIZES) {
    await till.setViewportSize({ width: size.width, height: size.height });
    await shoot(till, `30-reports-x-${size.name}`);
    await expectAccessible(till);
  }
  await till.setViewportSize({ width: 1280, height: 800 });

  // Keyboard only: the width, then print and the exports.
  const width = till.getByLabel('Slip width');
  await width.focus();
  await width.selectOption('58');
  await expect(slip.getByRole('document')).toBeVisible();
  const lines = await slip.locator('.receipt-line').allInnerTexts();
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32);
  await slip.screenshot({ path: 'test-results/screens/31-slip-x-58mm.png' });
  await width.selectOption('80');
  expect(Math.max(...(await slip.locator('.receipt-line').allInnerTexts()).map((l) => l.length))).toBeLessThanOrEqual(48);
  await slip.screenshot({ path: 'test-results/screens/32-slip-x-80mm.png' });

  const print = till.getByRole('button', { name: 'Print (80 mm)' });
  await print.focus();
  await till.keyboard.press('Enter');
  await expect.poll(() => till.evaluate(() => (window as unknown as { printed?: number }).printed ?? 0)).toBe(1);

  for (const [button, pattern, content] of [
    ['Export CSV', /^till-x-.*\.csv$/, 'section,currency,item,count,amount,detail'],
    ['Export JSON', /^till-x-.*\.json$/, '"kind": "X"'],
  ] as const) {
    const download = till.waitForEvent('download');
    await till.getByRole('button', { name: button }).focus();
    await till.keyboard.press('Enter');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(pattern);
    expect(Buffer.concat(await (await file.createReadStream()).toArray()).toString()).toContain(content);
  }
});

test('reports: reconciliation finds an exception and a payment taken outside; the supervisor records Dojo\'s record', async ({ till }) => {
  await setSupervisorPin(till);
  await paySale(till, 'VCMTILLDIP0', '1500', 'EOD-DECLINED');
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  // Dojo's record says otherwise (the card was taken after all), and a sale was keyed on the terminal itself.
  const state = await sim('GET', '/state');
  const intent = state.intents.find((i: { reference: string }) => i.reference === 'EOD-DECLINED');
  await sim('PATCH', `/intents/${intent.id}`, { status: 'Captured' });
  await sim('POST', '/intents', { amount: { value: 999, currencyCode: 'GBP' }, reference: 'EOD-KEYPAD' });

  await till.keyboard.press('F6');
  const check = till.getByRole('region', { name: 'Check against Dojo' });
  await check.getByRole('button', { name: 'Check with Dojo' }).click();
  await expect(check.getByRole('status')).toContainText(/Reconciled with Dojo at \d\d:\d\d: \d+ matched, [1-9]\d* exceptions?/);
  const exception = check.getByRole('article', { name: /Taken by Dojo, not approved on the till · EOD-DECLINED/ });
  await expect(exception).toContainText('Dojo took £15.00');
  await expect(check.getByRole('table', { name: 'Taken outside the companion' })).toContainText('EOD-KEYPAD');
  await shoot(till, '33-reconciliation-exception');
  await expectAccessible(till);

  await exception.getByLabel(/^Note/).fill('Customer paid with this card; the terminal showed approved.');
  await exception.getByLabel(/Supervisor PIN/).fill('1111');
  await exception.getByRole('button', { name: "Record Dojo's record" }).click();
  await expect(exception.getByRole('alert')).toContainText(/PIN/);
  await exception.getByLabel(/Supervisor PIN/).fill(SUPERVISOR_PIN);
  await exception.getByRole('button', { name: "Record Dojo's record" }).click();
  await expect(exception).toContainText("Dojo's record applied");
  await till.keyboard.press('F3');
  await till.getByLabel('Search').fill('EOD-DECLINED');
  await expect(till.getByRole('row', { name: /EOD-DECLINED/ })).toContainText('Approved');
});

test('reports: closing the day makes a numbered Z (keyboard, Escape keeps it open), reprinted from the list', async ({ till }) => {
  await setSupervisorPin(till);
  await till.keyboard.press('F6');
  await expect(till.getByRole('heading', { name: 'X report' })).toBeVisible();
  const open = till.getByRole('button', { name: 'Close the day (Z)…' });
  await open.focus();
  await till.keyboard.press('Enter');
  const dialog = till.getByRole('dialog', { name: /Close trading day/ });
  await expect(dialog).toBeVisible();
  await expectAccessible(till);
  await till.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await open.click();
  if (await dialog.getByLabel('Supervisor PIN').count()) await dialog.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await shoot(till, '34-close-day-dialog');
  await dialog.getByRole('button', { name: 'Close the day' }).click();
  await expect(dialog).toHaveCount(0);
  const heading = till.getByRole('heading', { name: /^Z report \d+$/ });
  await expect(heading).toBeVisible();
  const number = Number((await heading.innerText()).replace('Z report ', ''));
  const slip = till.getByTestId('report-slip');
  await expect(slip).toContainText(`Z REPORT ${number}`);
  await expect(slip).toContainText(/Reconciled with Dojo at|Dojo could not be reached/);
  await expect(slip).not.toContainText('REPRINT');
  await slip.screenshot({ path: 'test-results/screens/35-slip-z-80mm.png' });

  await till.getByRole('button', { name: 'X report now' }).click();
  await till.getByRole('button', { name: `Open Z ${number}` }).click();
  await expect(slip).toContainText('*** REPRINT ***');
  await till.getByLabel('Slip width').selectOption('58');
  await slip.screenshot({ path: 'test-results/screens/36-slip-z-58mm-reprint.png' });
  await shoot(till, '37-reports-z');
  await expectAccessible(till);
});

test('reports: the close-day dialog gives the keyboard back — Escape or Keep it open to its button, a closed day to the Z heading', async ({ till }) => {
  await setSupervisorPin(till);
  await till.keyboard.press('F6');
  await expect(till.getByRole('heading', { name: 'X report' })).toBeFocused();
  const open = till.getByRole('button', { name: 'Close the day (Z)…' });
  await open.focus();
  await till.keyboard.press('Enter');
  const dialog = till.getByRole('dialog', { name: /Close trading day/ });
  await expect(dialog).toBeVisible();
  await till.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(open).toBeFocused();
  await till.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  const keepOpen = dialog.getByRole('button', { name: 'Keep it open' });
  while (!(await keepOpen.evaluate((el) => el === document.activeElement))) await till.keyboard.press('Tab');
  await till.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(open).toBeFocused();

  await till.keyboard.press('Enter');
  const pin = dialog.getByLabel('Supervisor PIN');
  if (await pin.count()) {
    await expect(pin).toBeFocused();
    await till.keyboard.type(SUPERVISOR_PIN);
  }
  const closeDay = dialog.getByRole('button', { name: 'Close the day' });
  while (!(await closeDay.evaluate((el) => el === document.activeElement))) await till.keyboard.press('Tab');
  await till.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(till.getByRole('heading', { name: /^Z report \d+$/ })).toBeFocused();
});
