import { expect, panel, paySale, sim, slowPinTerminal, test } from './fixtures';

// Issue 12 item 7 on the screen: while Dojo cannot be reached the cashier is told the till has lost contact and is
// still trying — not a stale "Enter PIN" or "Follow the terminal" — and nothing offers to cancel.

test('Dojo unreachable mid-payment: the panel and the running bar say the till lost contact and is still trying', async ({ till }) => {
  // A customer who takes a minute over the PIN: the payment is still running while Dojo is silent.
  await paySale(till, await slowPinTerminal(till), '1800');
  await expect(till.getByTestId('terminal-prompt')).toHaveText('Enter PIN');
  await sim('POST', '/faults', { kind: 'status', status: 503, count: 100_000, method: 'GET', path: '/terminal-sessions/{id}' });
  // Issue 13: the line says how long ago Dojo last answered (ticking on the screen's own clock).
  await expect(till.getByTestId('terminal-prompt')).toHaveText(/^Dojo cannot be reached — still trying \(last answer \d+ s ago\)$/);
  await expect(panel(till)).toContainText('do not start the payment again');
  await expect(till.getByRole('button', { name: /Cancel payment/ })).toBeDisabled();
  // Elsewhere in the app the running bar says the same.
  await till.keyboard.press('F5');
  await expect(till.getByTestId('running-bar')).toContainText(/Dojo cannot be reached — still trying \(last answer \d+ s ago\)/);
  // Dojo answers again: the payment is followed to its end (and leaves the running bar).
  await sim('DELETE', '/faults');
  await expect(till.getByTestId('running-bar')).toBeHidden();
});

// A signature check the terminal asks for after the till had shown the sale approved (…LIS0: 20 s after Captured,
// past the 5 s settle window): the check comes back in front of the cashier, and a rejection turns it into declined.
test('a late signature check: back in front of the cashier on an approved sale; rejected, it becomes declined', async ({ till }) => {
  const tid = 'VCMTILLLIS0';
  const terminals: { properties: { tid: string } }[] = await sim('GET', '/terminals');
  if (!terminals.some((t) => t.properties.tid === tid)) await sim('POST', '/terminals', { tid });
  await till.reload();
  await paySale(till, tid, '1600');
  const dialog = till.getByRole('alertdialog', { name: 'Check the signature' });
  // The note exists only on a check that came after the sale was shown approved.
  await expect(dialog.getByTestId('late-signature')).toContainText('This sale was shown approved, but the terminal now asks for a signature check.');
  await dialog.getByRole('button', { name: 'Reject signature' }).click();
  await expect(panel(till)).toHaveAttribute('data-status', 'declined');
  await expect(till.getByTestId('payment-outcome')).toContainText('Signature rejected');
});
