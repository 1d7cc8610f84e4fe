import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';

const SIM = process.env['TILL_E2E_SIM_URL']!;

/** The simulator's admin API (training mode's Dojo), to set terminals and faults like a tester would. */
export async function sim(method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${SIM}/__sim${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
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
export async function shoot(page: Page, name: string) {
  const dir = path.resolve('test-results/screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** No serious or critical accessibility violation on what is shown. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

export const test = base.extend<{ till: Page }>({
  till: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    // The browser's print dialog would block a headless run: record the call instead.
    await page.addInitScript(() => {
      window.print = () => {
        (window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1;
      };
    });
    await sim('DELETE', '/faults');
    for (const tid of ['VCMTILLSIP0', 'VCMTILLSCP0', 'VCMTILLSIS0']) await sim('PUT', `/terminals/${await terminalId(tid)}/status`, { status: 'Available' });
    // Every test starts in the full view, whatever an earlier one left (compact mode is a saved setting).
    await ipc('settings:update', { compactMode: false });
    await page.goto(`/?token=${process.env['TILL_E2E_TOKEN']}`);
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
  const base = `http://127.0.0.1:${process.env['TILL_E2E_PORT'] ?? 5191}`;
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
