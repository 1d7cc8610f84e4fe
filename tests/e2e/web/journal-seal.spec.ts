// The journal seal as a shop manager meets it: someone edits the till's journal between two runs, the next start
// says so in Settings → Supervisor PIN and on the Refund screen, unlinked refunds are refused (at the till, from the
// EPOS, from a DevTools console) until a supervisor acknowledges with the PIN, and then refunds work again.
//
// The shared harness cannot be stopped mid-run (and a till left sealed shut would refuse every later spec's refunds),
// so this spec runs its own till: the real service graph (tests/support/till-services.ts: its own data folder, a
// keychain that outlives a restart) behind its own web harness, the same renderer in the same Chromium. Nothing here
// is in the app: the restart and the edit happen in the test, as someone holding the SQLite file would do it.
import { test as base, type Page } from '@playwright/test';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { PaymentView } from '../../../src/shared/payments';
import { startWebHarness, type WebHarness } from '../../../src/web-harness/server/harness';
import { createDispatcher } from '../../../src/main/ipc/dispatcher';
import { createHandlers } from '../../../src/main/handlers';
import { editJournal, startTill, type TillUnderTest } from '../../support/till-services';
import { expect, expectAccessible, shoot, SUPERVISOR_PIN, tabTo } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const token = `seal-${Math.random().toString(36).slice(2)}`;

/** One run of the till behind a web harness (closed and started again around each restart). */
async function serve(till: TillUnderTest): Promise<WebHarness> {
  return startWebHarness({
    dispatch: createDispatcher(createHandlers(till.services)),
    events: till.services.events,
    rendererDir: path.join(root, 'out/renderer'), // built in tests/e2e/global-setup.ts before any spec runs, with the bridge
    bridgeScriptPath: path.join(root, 'out/web-harness/bridge.js'),
    token,
    port: 0,
  });
}

const test = base.extend<{ sealed: { page: Page; till: TillUnderTest; open(): Promise<void>; restartAfter(edit: (db: DatabaseSync) => void): Promise<void> } }>({
  sealed: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    const till = await startTill();
    let harness = await serve(till);
    const open = async () => {
      await page.goto(harness.pageUrl);
      await expect(page.getByTestId('app-info')).toBeVisible();
    };
    await use({
      page,
      till,
      open,
      async restartAfter(edit) {
        await harness.close();
        await editJournal(till, 'training', edit);
        harness = await serve(till);
        await open();
      },
    });
    await harness.close();
    await till.close();
    expect(errors, 'console errors during the test').toEqual([]);
  },
});

/** Tab (never the mouse) until that element has the keyboard. */
test('journal changed outside the app: the manager is told, unlinked refunds wait for the supervisor PIN, then work again', async ({ sealed }) => {
  const { page, till } = sealed;
  await page.setViewportSize({ width: 1280, height: 800 });
  await till.ok('settings:setSupervisorPin', { next: SUPERVISOR_PIN, confirm: SUPERVISOR_PIN });
  const terminalId = await till.terminal('VCMTILLSIP0');
  await till.ok('settings:update', { terminalId });
  // Yesterday's story: one unlinked refund, sealed with the day's cap usage.
  const refund = await till.ok<PaymentView>('payment:startUnlinkedRefund', { amount: 1500, currency: 'GBP', terminalId, supervisorPin: SUPERVISOR_PIN });
  expect((await till.finish(refund.id)).status).toBe('approved');

  // Someone with the SQLite file deletes that refund (to free the daily cap) and the till starts again.
  await sealed.restartAfter((db) => db.exec(`DELETE FROM payment_events WHERE payment_id = '${refund.id}'; DELETE FROM payments WHERE id = '${refund.id}';`));

  // Settings → Supervisor PIN says what was found, in words a manager reads, and how to go on.
  await page.keyboard.press('F5');
  const supervisor = page.getByRole('region', { name: 'Supervisor PIN' });
  const notice = supervisor.getByRole('group', { name: /changed outside the app/ });
  await expect(notice).toBeVisible();
  await expect(notice.getByRole('alert')).toContainText('Until a supervisor has checked the till and acknowledged this with the PIN (Settings → Supervisor PIN), unlinked refunds are refused.');
  // What was found, as the manager can match it with a receipt: the amount and when.
  // People see the amount and the time, never the till's internal payment id (the audit keeps that).
  await expect(notice.getByRole('alert')).toContainText(/the unlinked refund of £15\.00 on \d{1,2} \w{3} \d{4}, \d\d:\d\d was removed/);
  await expect(notice).not.toContainText(refund.id);
  // Above the fold, the first thing on Settings says so too, one key press from the acknowledgement.
  const pointer = page.getByTestId('journal-pointer');
  await expect(pointer).toContainText('Unlinked refunds are refused until a supervisor acknowledges it with the PIN.');
  await expect(pointer).toBeInViewport();
  await shoot(page, '90-journal-changed-settings-top', { fullPage: false });
  await notice.scrollIntoViewIfNeeded();
  await shoot(page, '91-journal-changed-settings', { fullPage: false });
  await expectAccessible(page);

  // The Refund screen says the same and offers no unlinked refund form.
  await page.keyboard.press('F2');
  await tabTo(page, page.getByRole('tab', { name: 'Refund a sale' }));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Unlinked refund' })).toHaveAttribute('aria-selected', 'true');
  const panelArea = page.getByRole('tabpanel', { name: 'Unlinked refund' });
  await expect(panelArea.getByRole('alert')).toContainText(/changed outside the app: the unlinked refund of £15\.00 on .* was removed/);
  await expect(panelArea).not.toContainText(refund.id);
  await expect(panelArea.getByLabel('Refund amount')).toHaveCount(0);
  await shoot(page, '92-journal-changed-refund', { fullPage: false });
  await expectAccessible(page);
  // Main refuses it whatever the screen shows: a DevTools console, and the EPOS (423, nothing queued).
  const fromConsole = await page.evaluate(
    ({ id, pin }) => (window as any).till.startUnlinkedRefund({ amount: 100, currency: 'GBP', terminalId: id, supervisorPin: pin }),
    { id: terminalId, pin: SUPERVISOR_PIN },
  );
  expect(fromConsole).toMatchObject({ ok: false, error: { code: 'JOURNAL_TAMPERED' } });
  const epos = await till.epos('POST', '/v1/refunds/unlinked', { amount: 100, currency: 'GBP' });
  expect([epos.status, epos.body.code]).toEqual([423, 'JOURNAL_TAMPERED']);

  // The supervisor acknowledges with the PIN, on the keyboard.
  await page.keyboard.press('F5');
  await tabTo(page, pointer.getByRole('button', { name: 'Go to the acknowledgement' }));
  await page.keyboard.press('Enter');
  await expect(notice.getByLabel('Supervisor PIN to acknowledge')).toBeFocused();
  await page.keyboard.type(SUPERVISOR_PIN);
  await page.keyboard.press('Tab');
  await expect(notice.getByRole('button', { name: /acknowledge/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(supervisor.getByRole('status')).toContainText('Acknowledged');
  await expect(notice).toHaveCount(0);
  await expect(pointer).toHaveCount(0);
  // Focus stays in the section (on the confirmation), never dropped to the page.
  await expect(supervisor.getByRole('status')).toBeFocused();
  await shoot(page, '93-journal-acknowledged', { fullPage: false });
  await expectAccessible(page);

  // An unlinked refund now goes through, on the keyboard: amount, PIN, Continue, then the question's Yes.
  await page.keyboard.press('F2');
  await tabTo(page, page.getByRole('tab', { name: 'Refund a sale' }));
  await page.keyboard.press('ArrowRight');
  await tabTo(page, page.getByLabel('Refund amount'));
  await page.keyboard.type('250');
  await expect(page.getByLabel('Refund amount')).toHaveValue('£2.50');
  await tabTo(page, page.getByLabel('Supervisor PIN'));
  await page.keyboard.type(SUPERVISOR_PIN);
  await page.keyboard.press('Enter');
  const yes = page.getByRole('button', { name: 'Yes, refund £2.50' });
  await tabTo(page, yes);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-panel')).toHaveAttribute('data-status', 'approved');
  await expect(page.getByTestId('payment-panel')).toContainText('Unlinked refund £2.50');
  // And the audit keeps what was found and who acknowledged it.
  const { entries } = await till.ok<{ entries: { action: string; outcome: string }[] }>('audit:list', { limit: 200 });
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['journal.tampered', 'journal.acknowledge']));
});
