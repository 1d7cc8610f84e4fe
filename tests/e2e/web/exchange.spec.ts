import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseTerminal, expect, expectAccessible, ipc, panel, setSupervisorPin, shoot, SUPERVISOR_PIN, test } from './fixtures';

// Whatever happens in the test, later tests find the exchange off and nothing waiting for a person.
test.afterEach(async () => {
  const status = await ipc('exchange:status');
  for (const item of status.data?.attention ?? []) await ipc('exchange:resolveAttention', { requestId: item.requestId, note: 'test clean-up', supervisorPin: SUPERVISOR_PIN });
  if (status.data?.source === 'settings') await ipc('exchange:configure', { folder: null, supervisorPin: SUPERVISOR_PIN });
});

/** What an EPOS that can only write files does: a temporary name, then the rename. */
function sendRequest(folder: string, id: string, lines: string[]) {
  const temp = path.join(folder, 'requests', `${id}.tmp`);
  fs.writeFileSync(temp, `${lines.join('\r\n')}\r\n`);
  fs.renameSync(temp, path.join(folder, 'requests', `${id}.req`));
}

test('the EPOS file exchange: folder chosen with the PIN, a file sale on the till, a missing commit resolved with the PIN', async ({ till }) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'till-e2e-exchange-'));
  await setSupervisorPin(till);
  await chooseTerminal(till, 'VCMTILLSIP0');
  const settings = till.getByRole('region', { name: 'EPOS file exchange' });
  await expect(settings.getByTestId('exchange-state')).toHaveText('off');
  await settings.getByLabel(/^Folder/).fill(folder);
  await settings.getByLabel('Supervisor PIN').fill('111111');
  await settings.getByRole('button', { name: 'Use this folder' }).click();
  await expect(settings.getByRole('alert')).toContainText('Wrong PIN');
  await expect(settings.getByTestId('exchange-state')).toHaveText('off');
  await settings.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await settings.getByRole('button', { name: 'Use this folder' }).click();
  await expect(settings.getByTestId('exchange-state')).toHaveText('on');
  await shoot(till, '30-exchange-settings');
  await expectAccessible(till);

  sendRequest(folder, 'E2E1', ['type=sale', 'amount=1575', 'currency=GBP', 'reference=FILE-1', 'environment=training']);
  await expect(panel(till)).toContainText('Sale £15.75');
  await expect(panel(till)).toHaveAttribute('data-status', 'approved');
  await expect.poll(() => fs.existsSync(path.join(folder, 'responses', 'E2E1.res'))).toBe(true);
  expect(fs.readFileSync(path.join(folder, 'responses', 'E2E1.res'), 'utf8')).toContain('training=yes');

  // The EPOS never commits: the till asks a person to check the EPOS (nothing is refunded).
  const strip = till.getByRole('button', { name: /the EPOS did not confirm/ });
  await expect(strip).toBeVisible({ timeout: 20_000 });
  await till.keyboard.press('F4');
  await expect(till.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  const item = till.getByRole('article', { name: /EPOS request E2E1/ });
  await expect(item).toContainText('The EPOS did not confirm it recorded this payment.');
  await shoot(till, '31-exchange-attention');
  await expectAccessible(till);
  await item.getByLabel('What you found on the EPOS').fill('Sale was missing; entered by hand');
  await item.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await item.getByRole('button', { name: 'The EPOS has it now' }).click();
  await expect(item).toHaveCount(0);
  await expect.poll(() => fs.existsSync(path.join(folder, 'archive', 'E2E1.resolved'))).toBe(true);

  // Turned off again with the PIN, so later tests see the default.
  await till.keyboard.press('F5');
  await settings.getByLabel('Supervisor PIN').fill(SUPERVISOR_PIN);
  await settings.getByRole('button', { name: 'Turn off' }).click();
  await expect(settings.getByTestId('exchange-state')).toHaveText('off');
  fs.rmSync(folder, { recursive: true, force: true });
});
