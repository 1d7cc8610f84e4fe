import { chooseTerminal, epos, expect, expectAccessible, panel, setSupervisorPin, shoot, SUPERVISOR_PIN, test } from './fixtures';

test('a sale started by the EPOS shows on the till like a manual one', async ({ till }) => {
  await chooseTerminal(till, 'VCMTILLSIP0');
  await till.keyboard.press('F3'); // the cashier is somewhere else
  const started = await epos('POST', '/v1/sales', { amount: 1999, currency: 'GBP', reference: 'EPOS-UI-1' }, `ui-${Date.now()}`);
  expect(started.status).toBe(202);
  await expect(panel(till)).toBeVisible();
  await expect(panel(till)).toContainText('Sale £19.99');
  await expect(panel(till)).toContainText('EPOS-UI-1');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await shoot(till, '20-epos-sale');
  const final = await epos('GET', `/v1/payments/${started.body.paymentId}`);
  expect(final.body.status).toBe('approved');
});

test('an unlinked refund asked by the EPOS waits for the supervisor PIN on the till', async ({ till }) => {
  await setSupervisorPin(till);
  await expect(till.getByRole('region', { name: 'EPOS connection' })).toContainText('http://127.0.0.1:');
  await chooseTerminal(till, 'VCMTILLSCP0');
  const asked = await epos('POST', '/v1/refunds/unlinked', { amount: 450, currency: 'GBP', reference: 'EPOS-REFUND' });
  expect(asked.body.status).toBe('awaiting_confirmation');
  const dialog = till.getByRole('alertdialog', { name: 'The EPOS asks for an unlinked refund' });
  await expect(dialog).toContainText('£4.50');
  await shoot(till, '21-epos-refund-request');
  await expectAccessible(till);
  await expect(dialog.getByTestId('request-terminal')).toHaveText('VCMTILLSCP0');
  await expect(dialog.getByTestId('request-queue')).toHaveText('this request only');
  await dialog.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await dialog.getByRole('button', { name: 'Refund £4.50' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  const request = await epos('GET', `/v1/refund-requests/${asked.body.requestId}`);
  expect(request.body.status).toBe('started');
});
