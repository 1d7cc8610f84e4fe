import { expect, panel, paySale, setSupervisorPin, sim, SUPERVISOR_PIN, test } from './fixtures';

/**
 * Issue 13 as a cashier meets it: Dojo goes quiet while the customer pays. The screen says so (not "waking the
 * terminal"), offers no Cancel, prints a do-not-retry slip; a verdict needs the supervisor PIN (a DevTools call
 * without it is refused in main); and when Dojo answers and contradicts the verdict, the screen says so at once.
 */
test('Dojo goes quiet mid-sale: still trying, no Cancel, a slip; a verdict needs the PIN; Dojo contradicting it shows at once', async ({ till }) => {
  await setSupervisorPin(till);
  // Dojo stops answering reads about payments (the terminal list still answers): the customer pays meanwhile.
  await sim('POST', '/faults', { kind: 'status', status: 503, count: 100_000, method: 'GET', path: '/terminal-sessions/{id}' });
  await sim('POST', '/faults', { kind: 'status', status: 503, count: 100_000, method: 'GET', path: '/payment-intents/{id}' });
  await till.keyboard.press('F1');
  await paySale(till, 'VCMTILLSIP0', '1234', 'QUIET-1');

  const prompt = panel(till).getByTestId('terminal-prompt');
  await expect(prompt).toHaveText(/^Dojo cannot be reached — still trying \(last answer \d+ s ago\)$/, { timeout: 60_000 });
  await expect(panel(till).getByRole('button', { name: /Cancel payment/ })).toBeDisabled();
  await expect(panel(till).getByTestId('cancel-note')).toContainText('Dojo cannot be reached, so the till cannot cancel');
  await expect(panel(till)).not.toContainText('wake up');

  await panel(till).getByRole('button', { name: 'Print a do-not-retry slip' }).click();
  await expect.poll(() => till.evaluate(() => (window as unknown as { printedText?: string[] }).printedText?.at(-1) ?? '')).toMatch(/DO NOT TAKE THIS.*PAYMENT AGAIN.*until it has been checked.*Sale £12\.34.*Reference: QUIET-1.*Terminal: VCMTILLSIP0/);

  // Dojo stays silent well past the terminal's window: a person is told, with what the till is doing about it.
  await expect(panel(till)).toHaveAttribute('data-status', 'needs_attention', { timeout: 90_000 });
  // The screen says not to take the payment again yet, so Enter must not start a new sale: the instruction has the
  // keyboard (it is read out first), and New sale is one Tab further on (after the slip).
  const instruction = panel(till).getByTestId('attention-instruction');
  await expect(instruction).toBeFocused();
  await till.keyboard.press('Enter');
  await expect(panel(till)).toHaveAttribute('data-status', 'needs_attention');
  await expect(instruction).toBeFocused();
  await till.keyboard.press('Tab');
  await expect(panel(till).getByRole('button', { name: 'Print a do-not-retry slip' })).toBeFocused();
  await till.keyboard.press('Tab');
  await expect(panel(till).getByRole('button', { name: 'New sale' })).toBeFocused();
  const paymentId = await till.evaluate(async () => (await (window as any).till.listActivePayments()).data.payments.find((p: any) => p.reference === 'QUIET-1').id);
  await till.keyboard.press('F4');
  const item = till.getByRole('article').filter({ hasText: 'QUIET-1' });
  await expect(item.getByTestId('dojo-check')).toContainText('The till keeps asking Dojo');
  await expect(item.getByTestId('attention-instruction')).not.toContainText(/nothing.*not charged/i);

  // A dishonest cashier with DevTools: no PIN, no verdict (main refuses; nothing recorded).
  const bare = await till.evaluate((id) => (window as any).till.resolvePayment({ paymentId: id, outcome: 'not_charged', note: 'nothing on the terminal' }), paymentId);
  expect(bare).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
  await expect(item).toBeVisible();

  await item.getByLabel('What the terminal showed').fill('The terminal showed nothing');
  await item.getByLabel('Your name (kept with the verdict)').fill('Sam');
  await item.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await item.getByRole('button', { name: 'It was not charged' }).click();
  await expect(item).toHaveCount(0);

  // Dojo answers: the customer did pay. The screen flags it at once, without anyone asking.
  await sim('DELETE', '/faults');
  const flagged = till.getByTestId('contradiction');
  await expect(flagged).toContainText("Dojo's record shows it was charged", { timeout: 60_000 });
  await expect(flagged).toContainText('QUIET-1');
  await flagged.getByLabel('What was done about it').fill('Customer paid once; sale kept');
  await flagged.getByLabel('Your name').fill('Alex');
  await flagged.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await flagged.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(flagged).toHaveCount(0);
  // History tells the whole story: Dojo's outcome, and the verdict with who, why and that Dojo contradicts it.
  await till.keyboard.press('F3');
  await till.getByLabel('Search').fill('QUIET-1');
  await expect(till.getByRole('row', { name: /QUIET-1/ })).toContainText('Approved');
  await till.getByRole('row', { name: /QUIET-1/ }).getByRole('button', { name: 'QUIET-1' }).click();
  await expect(till.getByTestId('verdict')).toContainText(/Recorded by hand as not charged by Sam .*The terminal showed nothing — Dojo's record contradicts it/);
  const detail = await till.evaluate(async (id) => (await (window as any).till.getPayment({ paymentId: id })).data, paymentId);
  expect(detail.payment).toMatchObject({ status: 'approved', resolution: { outcome: 'not_charged', by: 'Sam', dojo: 'contradicted' }, contradiction: { acknowledged: true } });
});
