import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/main/errors';
import { createHandlers } from '../../src/main/handlers';
import { Journal } from '../../src/main/journal/journal';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore, type SecretAccount } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { startSimulator, type Simulator } from '../../src/simulator';

/**
 * Issue 12 item 5: training is a state the shop chose, never a fallback. A till that had a key and cannot read
 * it stops with a cashier-worded error and the EPOS API answers 503 until it is fixed; idempotency keys and
 * references are honoured across every journal.
 */
const TOKEN = 'mode-test-token-0123456789abcdef';
/** Changing the API key is a supervisor action (issue 14): these tills have a supervisor. */
const PIN = '246813';

/** A keychain that can be locked (every call refused, as keytar does with a locked Secret Service). */
class LockableSecretStore extends MemorySecretStore {
  locked = false;
  private check() {
    if (this.locked) throw new AppError('KEYCHAIN_UNAVAILABLE', 'The system keychain could not be used (locked).');
  }
  override async get(account: SecretAccount) {
    this.check();
    return super.get(account);
  }
  override async set(account: SecretAccount, value: string) {
    this.check();
    return super.set(account, value);
  }
  override async delete(account: SecretAccount) {
    this.check();
    return super.delete(account);
  }
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function till(sim: Simulator, dir: string, secrets: LockableSecretStore) {
  const services = await createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets, env: { DOJO_API_BASE_URL: sim.url, TILL_TRAINING_SIM_SPEED: '40', TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }));
  const base = services.epos.info().url!;
  const epos = async (method: string, route: string, options: { body?: unknown; key?: string; environment?: string } = {}) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.key ? { 'idempotency-key': options.key } : {}),
        ...(options.environment ? { 'till-environment': options.environment } : {}),
      },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as any, environment: response.headers.get('till-environment') };
  };
  if (!(await services.settingsView()).supervisorPinSet) await services.authority.setPin({ next: PIN, confirm: PIN });
  return { services, epos, dispatch: createDispatcher(createHandlers(services)) };
}

async function setup() {
  const sim = await startSimulator({ speed: 40 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-mode-'));
  cleanup.push(() => sim.close(), () => fs.rmSync(dir, { recursive: true, force: true }));
  return { sim, dir, secrets: new LockableSecretStore() };
}

async function ended(services: Services, id: string) {
  // Waits for the state with a generous bound (a loaded machine is slow, not stuck).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const view = services.payments().payment(id);
    if (!['starting', 'in_progress', 'signature_required'].includes(view.status)) return view;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('payment did not end');
}

describe('item 5: training is never a fallback', () => {
  it('a till that had a key and cannot read it at start takes no payments, says so, and the EPOS gets 503 (a retry with the same key starts nothing)', async () => {
    const { sim, dir, secrets } = await setup();
    const first = await till(sim, dir, secrets);
    await first.dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_shops_key', supervisorPin: PIN });
    expect(first.services.environment()).toBe('sandbox');
    await first.services.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLVIP0')!.id });
    const sale = await first.epos('POST', '/v1/sales', { body: { amount: 1250, currency: 'GBP', reference: 'KEY-1' }, key: 'order-1', environment: 'sandbox' });
    expect(sale.status).toBe(202);
    // The customer is at the terminal (the card never comes on …VIP0) when the till stops.
    const atTerminal = Date.now() + 60_000;
    while (first.services.payments().payment(sale.body.paymentId).sessionStatus !== 'Initiated') {
      if (Date.now() > atTerminal) throw new Error('the sale never reached the terminal');
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.services.close();

    secrets.locked = true; // e.g. the harness restarted and the keychain is locked
    const second = await till(sim, dir, secrets);
    cleanup.push(() => second.services.close());
    const info = await second.services.appInfo();
    expect(info).toMatchObject({ trainingMode: false, environment: 'sandbox', unavailable: { reason: expect.stringMatching(/cannot read its Dojo key/), instruction: expect.stringMatching(/Try again/) } });
    const intentsBefore = sim.admin.snapshot().intents.length;
    for (const environment of ['training', 'sandbox', undefined]) {
      const retry = await second.epos('POST', '/v1/sales', { body: { amount: 1250, currency: 'GBP', reference: 'KEY-1' }, key: 'order-1', ...(environment ? { environment } : {}) });
      expect([retry.status, retry.body.code, retry.environment]).toEqual([503, 'KEY_UNAVAILABLE', 'sandbox']);
    }
    const health = await second.epos('GET', '/v1/health');
    expect(health).toMatchObject({ status: 503, body: { status: 'unavailable', code: 'KEY_UNAVAILABLE', trainingMode: false } });
    expect(await second.dispatch('payment:startSale', { amount: 100, currency: 'GBP', terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id })).toMatchObject({ ok: false, error: { code: 'KEY_UNAVAILABLE' } });
    expect(sim.admin.snapshot().intents.length).toBe(intentsBefore);
    const training = Journal.open(path.join(dir, 'journal-training.sqlite'));
    expect(training.history({ limit: 10, offset: 0 }).total).toBe(0);
    training.close();

    // Fixed: the keychain opens again; the till picks its key up (the screen's Try again, or the timer) and
    // the EPOS's retry with the same key answers with the payment it started.
    secrets.locked = false;
    expect((await second.services.appInfo()).unavailable).toBeUndefined();
    const replay = await second.epos('POST', '/v1/sales', { body: { amount: 1250, currency: 'GBP', reference: 'KEY-1' }, key: 'order-1', environment: 'sandbox' });
    expect([replay.status, replay.body.paymentId]).toEqual([200, sale.body.paymentId]);
    expect((await second.epos('GET', '/v1/health')).status).toBe(200);
  });

  it('a key removed from the keychain outside the app: unavailable, not training; removing it in the app is the shop choosing training', async () => {
    const { sim, dir, secrets } = await setup();
    const first = await till(sim, dir, secrets);
    await first.dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_shops_key', supervisorPin: PIN });
    await first.services.close();
    await secrets.delete('dojo-api-key');
    const second = await till(sim, dir, secrets);
    expect(await second.services.appInfo()).toMatchObject({ trainingMode: false, unavailable: { reason: expect.stringMatching(/no longer in the system keychain/) } });
    await second.dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_shops_key', supervisorPin: PIN });
    expect(await second.services.appInfo()).toMatchObject({ environment: 'sandbox', trainingMode: false });
    expect((await second.services.appInfo()).unavailable).toBeUndefined();
    await second.dispatch('settings:clearApiKey', { supervisorPin: PIN });
    await second.services.close();
    const third = await till(sim, dir, secrets);
    cleanup.push(() => third.services.close());
    expect(await third.services.appInfo()).toMatchObject({ environment: 'training', trainingMode: true });
  });

  it('a till from before the choice was recorded, with a live journal and a locked keychain, is unavailable too', async () => {
    const { sim, dir, secrets } = await setup();
    const first = await till(sim, dir, secrets);
    await first.dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_shops_key', supervisorPin: PIN });
    await first.services.close();
    fs.rmSync(path.join(dir, 'mode.json'));
    secrets.locked = true;
    const second = await till(sim, dir, secrets);
    cleanup.push(() => second.services.close());
    expect(await second.services.appInfo()).toMatchObject({ trainingMode: false, environment: 'sandbox', unavailable: expect.any(Object) });
  });

  it('idempotency keys and references are honoured across every journal, and a training payment never answers a live request', async () => {
    const { sim, dir, secrets } = await setup();
    const { services, epos, dispatch } = await till(sim, dir, secrets);
    cleanup.push(() => services.close());
    expect(services.environment()).toBe('training');
    await services.updateSettings({ terminalId: (await services.payments().listTerminals()).find((t) => t.tid === 'VCMTILLSIP0')!.id });
    const practice = await epos('POST', '/v1/sales', { body: { amount: 500, currency: 'GBP', reference: 'SHARED-1' }, key: 'order-7', environment: 'training' });
    expect(practice.status).toBe(202);
    await ended(services, practice.body.paymentId);

    await dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_shops_key', supervisorPin: PIN });
    await services.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
    const intentsBefore = sim.admin.snapshot().intents.length;
    const live = await epos('POST', '/v1/sales', { body: { amount: 500, currency: 'GBP', reference: 'SHARED-1' }, key: 'order-7', environment: 'sandbox' });
    expect([live.status, live.body.code]).toEqual([409, 'ENVIRONMENT_MISMATCH']);
    expect(live.body.detail).toContain(practice.body.paymentId);
    expect(sim.admin.snapshot().intents.length).toBe(intentsBefore);
    const byReference = await epos('GET', '/v1/payments?reference=SHARED-1');
    expect(byReference.body.payments.map((p: any) => [p.paymentId, p.environment])).toEqual([[practice.body.paymentId, 'training']]);
    expect((await epos('GET', `/v1/payments/${practice.body.paymentId}`)).body).toMatchObject({ environment: 'training', status: 'approved' });
  });
});
