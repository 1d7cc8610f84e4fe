import { chooseTerminal, expect, expectAccessible, panel, paySale, shoot, sim, slowPinTerminal, test } from './fixtures';

test('sale screen: keyboard amount in pounds (the last two digits are pence), accessible', async ({ till }) => {
  await chooseTerminal(till, 'VCMTILLSIP0');
  await till.keyboard.type('1250');
  await expect(till.getByTestId('amount-display')).toHaveValue('£12.50');
  await expect(till.getByText('Type it as on the terminal: the last two digits are pence.')).toBeVisible();
  await till.keyboard.press('Backspace');
  await expect(till.getByTestId('amount-display')).toHaveValue('£1.25');
  await till.getByRole('button', { name: '0', exact: true }).click();
  await expect(till.getByTestId('amount-display')).toHaveValue('£12.50');
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
  await expect(till.getByTestId('amount-display')).toHaveValue('£0.00');
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

// Dojo does not say whether totalAmount counts the cashback (docs/dojo-api.md A6): the simulator plays both.
for (const reading of ['withCashback', 'withoutCashback'] as const) {
  test(`Dojo's totalAmount ${reading}: the result says the card was charged goods + cashback`, async ({ till }) => {
    await sim('PUT', '/readings', { totalAmount: reading });
    try {
      await paySale(till, 'VCMCASHSIP0', '1000');
      await expect(panel(till)).toHaveAttribute('data-status', 'approved');
      await expect(till.getByTestId('cashback-callout')).toHaveText('Give the customer £20.00 cash.');
      await expect(till.getByTestId('result-total')).toHaveText('£30.00');
    } finally {
      await sim('PUT', '/readings', { totalAmount: 'withCashback' });
    }
  });
}

test('declined card', async ({ till }) => {
  await paySale(till, 'VCMTILLDIP0', '999');
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  await expect(till.getByTestId('payment-outcome')).toContainText('Declined by the card issuer');
  await shoot(till, '04-sale-declined');
});

test('cancel before the card: cancelled, nothing charged (Esc asks first, Enter confirms)', async ({ till }) => {
  await paySale(till, 'VCMTILLVIP0', '500');
  await expect(till.getByTestId('terminal-prompt')).toHaveText('Present card');
  await till.keyboard.press('Escape');
  await expect(till.getByRole('button', { name: 'Yes, cancel it' })).toBeFocused();
  await expect(panel(till)).toHaveAttribute('data-status', 'in_progress');
  await till.keyboard.press('Enter');
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
  // Behind the dialog the panel says what the terminal is waiting for, not the terminal's own "Please wait".
  await expect(panel(till).getByTestId('terminal-prompt')).toHaveText('The terminal is waiting for you to check the signature');
  await shoot(till, '06-signature');
  await expectAccessible(till);
  await dialog.getByRole('button', { name: 'Accept signature' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await till.getByRole('button', { name: /New sale/ }).click();

  await paySale(till, 'VCMTILLSIS0', '1500');
  await till.getByRole('alertdialog', { name: 'Check the signature' }).getByRole('button', { name: 'Reject signature' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  await expect(till.getByTestId('payment-outcome')).toContainText('Signature rejected');
});
