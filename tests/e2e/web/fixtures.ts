import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePortBlock } from '../../../scripts/lib/free-port-block';
import { startHarnessProcess } from '../../support/till-process';

/** The simulator's admin API (training mode's Dojo), to set terminals and faults like a tester would. */
export async function sim(method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${process.env['TILL_E2E_SIM_URL']}/__sim${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return response.json();
}

/**
 * A terminal whose customer takes a minute over the PIN (…SLP0): prompts that last, so a test that looks for
 * them never races the 10x clock. Added on first use (not a default terminal); the page reloads to list it.
 */
export async function slowPinTerminal(page: Page): Promise<string> {
  const tid = 'VCMTILLSLP0';
  const terminals: { properties: { tid: string } }[] = await sim('GET', '/terminals');
  if (!terminals.some((t) => t.properties.tid === tid)) await sim('POST', '/terminals', { tid });
  await page.reload();
  await expect(page.getByTestId('app-info')).toBeVisible();
  return tid;
}

export async function terminalId(tid: string): Promise<string> {
  const terminals: { id: string; properties: { tid: string } }[] = await sim('GET', '/terminals');
  return terminals.find((t) => t.properties.tid === tid)!.id;
}

/** Screenshots of each screen, kept as test artifacts (test-results/screens). */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  const dir = path.resolve('test-results/screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** No serious or critical accessibility violation on what is shown. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

export const test = base.extend<{ till: Page }, { harness: { baseURL: string } }>({
  /**
   * One web harness per Playwright worker (workers run test files side by side), started before the worker's first
   * test: the real services in training mode on a simulator 10x faster than life, on loopback ports free at the
   * start, with a per-worker token and a fresh data folder (the renderer is built once, in global-setup.ts). The
   * simulator's port is fixed for the harness so tests can steer it (/__sim). The EPOS token is the app's own (tests
   * read it with the supervisor PIN, like a person would, and can replace it). The folder exchange's commit step is
   * shortened to 2 s so a missing commit shows within the test. Its addresses go in this worker's process.env,
   * where the helpers here read them.
   */
  harness: [
    // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring even when nothing is used
    async ({}, use) => {
      const port = freePortBlock(3);
      const token = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-e2e-'));
      // The token goes by environment, never on the command line (where `ps` shows it).
      const child = await startHarnessProcess({
        port,
        token,
        dataDir,
        build: false,
        stderr: 'inherit',
        env: { TILL_TRAINING_SIM_SPEED: '10', TILL_TRAINING_SIM_PORT: String(port + 1), TILL_EPOS_PORT: String(port + 2), TILL_EXCHANGE_COMMIT_TIMEOUT_MS: '2000' },
      });
      Object.assign(process.env, { TILL_E2E_PORT: String(port), TILL_E2E_SIM_URL: `http://127.0.0.1:${port + 1}`, TILL_E2E_EPOS_URL: `http://127.0.0.1:${port + 2}`, TILL_E2E_TOKEN: token });
      await use({ baseURL: `http://127.0.0.1:${port}` });
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', auto: true, timeout: 120_000 },
  ],
  baseURL: async ({ harness }, use) => use(harness.baseURL),
  till: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    // The browser's print dialog would block a headless run: record the call (and what would be printed) instead.
    await page.addInitScript(() => {
      window.print = () => {
        const w = window as unknown as { printed: number; printedText: string[] };
        w.printed = (w.printed ?? 0) + 1;
        (w.printedText ??= []).push(document.querySelector('.print-area')?.textContent ?? '');
      };
    });
    await sim('DELETE', '/faults');
    for (const tid of ['VCMTILLSIP0', 'VCMTILLSCP0', 'VCMTILLSIS0']) await sim('PUT', `/terminals/${await terminalId(tid)}/status`, { status: 'Available' });
    // Every test starts in the full view, whatever an earlier one left (compact mode is a saved setting).
    await ipc('settings:update', { compactMode: false });
    await page.goto(`/?token=${process.env['TILL_E2E_TOKEN']}`);
    // Every test starts from the full window, calendar days, no refund request waiting and no payment running,
    // whatever an earlier (failed) test left behind.
    const tidyUp = () =>
      page.evaluate(async (pin) => {
        const till = (window as any).till;
        const pending = (await till.listRefundRequests()).data.pending;
        for (const request of pending) await till.declineRefundRequest({ requestId: request.requestId });
        const running = (await till.listActivePayments()).data.payments.filter((p: { status: string }) => ['starting', 'in_progress', 'signature_required'].includes(p.status));
        for (const p of running) {
          if (p.canCancel) await till.cancelPayment({ paymentId: p.id });
          if (p.status === 'signature_required') await till.answerSignature({ paymentId: p.id, accepted: false });
        }
        const { data } = await till.getSettings();
        const dayStart = data.tradingDayStart !== undefined && data.tradingDayStart !== '00:00';
        const settings = data.compactMode || dayStart;
        if (settings) await till.updateSettings({ compactMode: false, ...(dayStart ? { tradingDayStart: '00:00', supervisorPin: pin } : {}) });
        return { running: running.length, changed: settings || pending.length > 0 || running.length > 0 };
      }, SUPERVISOR_PIN);
    let changed = false;
    await expect
      .poll(async () => {
        const state = await tidyUp();
        changed ||= state.changed;
        return state.running;
      }, { timeout: 60_000 })
      .toBe(0);
    await roomForUnlinkedRefunds();
    if (changed) await page.reload();
    await expect(page.getByTestId('app-info')).toBeVisible();
    await use(page);
    expect(errors, 'console errors during the test').toEqual([]);
  },
});

export { expect };

export async function chooseTerminal(page: Page, tid: string) {
  await page.getByRole('radio', { name: new RegExp(tid) }).click();
  await expect(page.getByRole('radio', { name: new RegExp(tid) })).toHaveAttribute('aria-checked', 'true');
}

/** Types the amount on the keyboard (digits = minor units) and pays with Enter. */
export async function paySale(page: Page, tid: string, digits: string, reference?: string) {
  await page.getByRole('button', { name: /^Sale/ }).click();
  await chooseTerminal(page, tid);
  await page.keyboard.type(digits);
  if (reference) await page.getByLabel('EPOS reference (optional)').fill(reference);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-panel')).toBeVisible();
}

export const panel = (page: Page) => page.getByTestId('payment-panel');

export interface PanelState {
  status: string | null;
  prompt: string | null;
  cancelDisabled: boolean | null;
  note: string | null;
}

/**
 * Records every state the payment panel shows: at the simulator's speed a terminal passes through some of them
 * (the card presented, Cancel explained) in a blink, so a test checks what was shown, not what is shown now.
 */
export async function recordPanelStates(page: Page): Promise<() => Promise<PanelState[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { panelStates: string[] }).panelStates = seen;
    new MutationObserver(() => {
      const shown = document.querySelector('[data-testid="payment-panel"]');
      if (!shown) return;
      const cancel = shown.querySelector<HTMLButtonElement>('.cancel-row button.danger');
      const state = JSON.stringify({
        status: shown.getAttribute('data-status'),
        prompt: shown.querySelector('[data-testid="terminal-prompt"]')?.textContent ?? null,
        cancelDisabled: cancel ? cancel.disabled : null,
        note: shown.querySelector('[data-testid="cancel-note"]')?.textContent ?? null,
      });
      if (seen.at(-1) !== state) seen.push(state);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  return async () => (await page.evaluate(() => (window as unknown as { panelStates: string[] }).panelStates)).map((s) => JSON.parse(s) as PanelState);
}

/** The supervisor PIN the e2e run uses (6 digits, not trivial). */
export const SUPERVISOR_PIN = '246813';

/** Sets (or re-confirms) the supervisor PIN in Settings, whatever an earlier test left. */
export async function setSupervisorPin(page: Page) {
  await page.keyboard.press('F5');
  const pin = page.getByRole('region', { name: 'Supervisor PIN' });
  if (await pin.getByLabel('Current PIN').count()) await pin.getByLabel('Current PIN').fill(SUPERVISOR_PIN);
  await pin.getByLabel(/^New PIN \(at least/).fill(SUPERVISOR_PIN);
  await pin.getByLabel('New PIN again').fill(SUPERVISOR_PIN);
  await pin.getByRole('button', { name: /Set PIN|Change PIN/ }).click();
  await expect(pin.getByRole('status')).toHaveText('Supervisor PIN saved.');
}

/** A call through the harness's IPC route (the same dispatcher the page's bridge uses), as another window could. */
export async function ipc(channel: string, request?: unknown): Promise<any> {
  const base = `http://127.0.0.1:${process.env['TILL_E2E_PORT']}`; // set by playwright.config.ts
  const response = await fetch(`${base}/__harness/ipc/${channel}`, {
    method: 'POST',
    headers: { 'x-till-harness-token': process.env['TILL_E2E_TOKEN']!, 'content-type': 'application/json' },
    body: JSON.stringify({ request }),
  });
  return response.json();
}

/** The EPOS token as a supervisor reads it (sets the PIN first if the till has none yet). */
export async function eposToken(): Promise<string> {
  const settings = await ipc('settings:get');
  if (!settings.data.supervisorPinSet) await ipc('settings:setSupervisorPin', { next: SUPERVISOR_PIN, confirm: SUPERVISOR_PIN });
  const revealed = await ipc('epos:revealToken', { supervisorPin: SUPERVISOR_PIN });
  if (!revealed.ok) throw new Error(`EPOS token not revealed: ${JSON.stringify(revealed.error)}`);
  return revealed.data.token;
}

/** A call to the EPOS loopback API with the till's current token. */
export async function epos(method: string, route: string, body?: unknown, key?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${process.env['TILL_E2E_EPOS_URL']}${route}`, {
    method,
    // The web harness runs in training mode: the EPOS names it (no training approval passes for real money).
    headers: { authorization: `Bearer ${await eposToken()}`, 'content-type': 'application/json', 'till-environment': 'training', ...(key ? { 'idempotency-key': key } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/**
 * The whole run shares one till, so its daily cap on unlinked refunds fills up as tests go: before each test the
 * cap is raised when fewer than five refunds are left today (never lowered), whatever order the files run in.
 */
async function roomForUnlinkedRefunds(): Promise<void> {
  const { data } = await ipc('settings:get');
  const limits = data?.limits;
  if (!data?.supervisorPinSet || !limits) return;
  const left = limits.daily.count - limits.usedToday.count;
  const amountLeft = Math.min(limits.daily.amount.GBP - limits.usedToday.amount.GBP, limits.daily.amount.EUR - limits.usedToday.amount.EUR);
  if (left >= 5 && amountLeft >= 10_000) return;
  const raised = await ipc('settings:updateLimits', {
    supervisorPin: SUPERVISOR_PIN,
    daily: { count: Math.min(200, limits.usedToday.count + 20), amount: { GBP: limits.usedToday.amount.GBP + 50_000, EUR: limits.usedToday.amount.EUR + 50_000 } },
  });
  if (!raised.ok) throw new Error(`the daily refund cap could not be raised: ${JSON.stringify(raised.error)}`);
}
