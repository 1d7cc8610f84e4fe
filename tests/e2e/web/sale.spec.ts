import { chooseTerminal, expect, expectAccessible, panel, paySale, shoot, sim, slowPinTerminal, terminalId, test } from './fixtures';

test('sale screen: keyboard amount in pounds with minor units underneath, accessible', async ({ till }) => {
  await chooseTerminal(till, 'VCMTILLSIP0');
  await till.keyboard.type('1250');
  await expect(till.getByTestId('amount-display')).toHaveText('£12.50');
  await expect(till.getByText('1250 minor units · GBP')).toBeVisible();
  await till.keyboard.press('Backspace');
  await expect(till.getByTestId('amount-display')).toHaveText('£1.25');
  await till.getByRole('button', { name: '0', exact: true }).click();
  await expect(till.getByTestId('amount-display')).toHaveText('£12.50');
  await expect(till.getByRole('button', { name: /Pay £12.50/ })).toBeEnabled();
  await shoot(till, '01-sale-entry');
  await expectAccessible(till);
});

test('chip & PIN sale: the terminal prompts in plain words, then approved with card, auth code and receipts', async ({ till }) => {
  // The PIN prompt lasts (a customer who takes a minute over it), so it is seen however loaded the machine is.
  const tid = await slowPinTerminal(till);
  // Record every prompt the cashier is shown (the simulator runs 10x faster than a real customer).
  await till.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { prompts: string[] }).prompts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="terminal-prompt"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await paySale(till, tid, '4250', 'Order 1001');
  await expect(till.getByTestId('terminal-prompt')).toHaveText(/Present card|Please wait|Enter PIN|Waking the terminal|Contacting Dojo/);
  await shoot(till, '02-sale-in-progress');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  const prompts = await till.evaluate(() => (window as unknown as { prompts: string[] }).prompts);
  expect(prompts).toEqual(expect.arrayContaining(['Present card', 'Enter PIN']));
  await expect(till.getByTestId('result-total')).toHaveText('£42.50');
  await expect(panel(till)).toContainText('VISA •••• 1013');
  await expect(panel(till)).toContainText('Auth code');
  await expect(till.getByRole('document', { name: 'Customer receipt' })).toContainText('SUCCESSFUL');
  await expect(till.getByTestId('live-region')).toContainText('Approved');
  await shoot(till, '03-sale-approved');
  await expectAccessible(till);
  await till.getByRole('button', { name: 'Print customer copy' }).click();
  await expect.poll(() => till.evaluate(() => (window as unknown as { printed?: number }).printed ?? 0)).toBe(1);
  await till.getByRole('button', { name: /New sale/ }).click();
  await expect(till.getByTestId('amount-display')).toHaveText('£0.00');
});

test('gratuity and cashback added on the terminal are read back', async ({ till }) => {
  await paySale(till, 'VCMTIPSSIP0', '1000');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await expect(panel(till)).toContainText('Gratuity£1.50');
  await expect(till.getByTestId('result-total')).toHaveText('£11.50');
  await till.getByRole('button', { name: /New sale/ }).click();
  await paySale(till, 'VCMCASHSIP0', '1000');
  await expect(panel(till)).toContainText('Cashback£20.00');
});

test('declined card', async ({ till }) => {
  await paySale(till, 'VCMTILLDIP0', '999');
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  await expect(till.getByTestId('payment-outcome')).toContainText('Declined by the card issuer');
  await shoot(till, '04-sale-declined');
});

test('cancel before the card: cancelled, nothing charged (Esc works too)', async ({ till }) => {
  await paySale(till, 'VCMTILLVIP0', '500');
  await expect(till.getByTestId('terminal-prompt')).toHaveText('Present card');
  await till.keyboard.press('Escape');
  await expect(panel(till)).toHaveAttribute('data-status', 'cancelled');
  await expect(till.getByTestId('payment-outcome')).toContainText('Nothing was charged');
});

test('after the card is presented, Cancel is explained, not silently disabled', async ({ till }) => {
  // A customer who takes a minute over the PIN: the state lasts, so the test never races the clock.
  await paySale(till, await slowPinTerminal(till), '700');
  await expect(till.getByTestId('terminal-prompt')).toHaveText('Enter PIN');
  await expect(till.getByRole('button', { name: /Cancel payment/ })).toBeDisabled();
  await expect(till.getByText('The card has been presented, so the till can no longer cancel this payment.')).toBeVisible();
  await shoot(till, '05-cancel-explained');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
});

test('signature: countdown, accept and reject', async ({ till }) => {
  await paySale(till, 'VCMTILLSIS0', '1500');
  const dialog = till.getByRole('alertdialog', { name: 'Check the signature' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/\d+ s left/);
  await expect(dialog.getByRole('button', { name: 'Accept signature' })).toBeFocused();
  await shoot(till, '06-signature');
  await expectAccessible(till);
  await dialog.getByRole('button', { name: 'Accept signature' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await till.getByRole('button', { name: /New sale/ }).click();

  await paySale(till, 'VCMTILLSIS0', '1500');
  await till.getByRole('alertdialog').getByRole('button', { name: 'Reject signature' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  await expect(till.getByTestId('payment-outcome')).toContainText('Signature rejected');
});

test('signature unanswered: when time runs out the UI shows Dojo accepting it', async ({ till }) => {
  test.setTimeout(60_000);
  await paySale(till, 'VCMTILLSIS0', '1600');
  await expect(till.getByRole('alertdialog')).toBeVisible();
  await expect(panel(till)).toHaveAttribute('data-status', 'approved', { timeout: 30_000 });
  await expect(panel(till)).toContainText('Approved');
});

test('busy and offline terminals give a clear message, and cannot take the sale', async ({ till }) => {
  await paySale(till, 'VCMBUSYSIP0', '100');
  await expect(panel(till)).toHaveAttribute('data-status', 'failed');
  await expect(till.getByTestId('payment-outcome')).toContainText('busy with another payment');
  await till.getByRole('button', { name: /New sale/ }).click();
  await sim('PUT', `/terminals/${await terminalId('VCMTILLSCP0')}/status`, { status: 'Offline' });
  await till.getByRole('button', { name: 'Refresh' }).click();
  await expect(till.getByRole('radio', { name: /VCMTILLSCP0/ })).toContainText('Offline');
  await paySale(till, 'VCMTILLSCP0', '100');
  await expect(till.getByTestId('payment-outcome')).toContainText('offline');
});
