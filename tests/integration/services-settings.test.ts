import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { loadBuildConfig } from '../../src/main/settings/build-config';
import { createServices, type Services } from '../../src/main/services';
import { RUNNING_STATUSES, type PaymentView } from '../../src/shared/payments';
import { startSimulator } from '../../src/simulator';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(options: { tillBuild?: Record<string, unknown>; environment?: 'sandbox' | 'production' } = {}) {
  const sim = await startSimulator({ speed: 40, environment: options.environment ?? 'sandbox' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-settings-int-'));
  const secrets = new MemorySecretStore();
  const services: Services = await createServices(
    nodeAdapters({
      host: 'test',
      dataDir: dir,
      secrets,
      env: { DOJO_API_BASE_URL: sim.url, TILL_TRAINING_SIM_SPEED: '40' },
      buildConfig: loadBuildConfig({ tillBuild: options.tillBuild ?? {} }),
    }),
  );
  cleanup.push(() => sim.close(), () => services.close(), () => fs.rmSync(dir, { recursive: true, force: true }));
  // Changing the API key is a supervisor action: these tests have a supervisor.
  await services.authority.setPin({ next: PIN, confirm: PIN });
  return { sim, dir, secrets, services, dispatch: createDispatcher(createHandlers(services)) };
}
const PIN = '246813';

async function finish(services: Services, id: string): Promise<PaymentView> {
  for (let i = 0; i < 500; i++) {
    const view = services.payments().get(id).payment;
    if (!RUNNING_STATUSES.includes(view.status)) return view;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('payment did not finish');
}

describe('API key: write-only, tested before saving, switches without a restart', () => {
  it('refuses a key of the wrong form with a clear message and saves nothing', async () => {
    const { dispatch, secrets } = await setup();
    const result = await dispatch('settings:setApiKey', { apiKey: 'pk_live_123', supervisorPin: PIN });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/sk_sandbox_ or sk_prod_/) } });
    expect(await secrets.get('dojo-api-key')).toBeNull();
  });

  it('tests the key with GET /terminals first: a key Dojo refuses is DOJO_AUTH and is not saved', async () => {
    const { dispatch, secrets, sim, services } = await setup();
    sim.admin.acceptKeys(['sk_sandbox_the_right_one']);
    const result = await dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_the_wrong_one', supervisorPin: PIN });
    expect(result).toMatchObject({ ok: false, error: { code: 'DOJO_AUTH' } });
    expect(await secrets.get('dojo-api-key')).toBeNull();
    expect(services.environment()).toBe('training');
  });

  it('saves a working sandbox key, shows only its hint, and moves to sandbox at once; clearing goes back to training', async () => {
    const { dispatch, secrets, sim, services } = await setup();
    sim.admin.acceptKeys(['sk_sandbox_works_fine_9876']);
    const saved = await dispatch('settings:setApiKey', { apiKey: ' sk_sandbox_works_fine_9876 ', supervisorPin: PIN });
    expect(saved).toMatchObject({ ok: true, data: { apiKey: { configured: true, hint: '…9876', environment: 'sandbox' } } });
    expect(JSON.stringify(saved)).not.toContain('works_fine');
    expect(await secrets.get('dojo-api-key')).toBe('sk_sandbox_works_fine_9876');
    expect(await dispatch('app:info', undefined)).toMatchObject({ ok: true, data: { environment: 'sandbox', trainingMode: false } });
    const cleared = await dispatch('settings:clearApiKey', { supervisorPin: PIN });
    expect(cleared).toMatchObject({ ok: true, data: { apiKey: { configured: false, hint: null } } });
    expect(services.environment()).toBe('training');
  });

  it('production keys need the Dojo-issued partner ids in the build and an allowed environment', async () => {
    const plain = await setup({ environment: 'production' });
    expect(await plain.dispatch('settings:setApiKey', { apiKey: 'sk_prod_real_money_1234', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED', message: expect.stringMatching(/software-house-id/) } });
    const sandboxOnly = await setup({ environment: 'production', tillBuild: { softwareHouseId: 'SH1', resellerId: 'RS1', allowedEnvironments: ['sandbox'] } });
    expect(await sandboxOnly.dispatch('settings:setApiKey', { apiKey: 'sk_prod_real_money_1234', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    const reseller = await setup({ environment: 'production', tillBuild: { softwareHouseId: 'SH1', resellerId: 'RS1' } });
    expect(await reseller.dispatch('settings:setApiKey', { apiKey: 'sk_prod_real_money_1234', supervisorPin: PIN })).toMatchObject({ ok: true, data: { apiKey: { environment: 'production' } } });
    expect(reseller.services.environment()).toBe('production');
  });

  it('keeps training payments apart from live ones', async () => {
    const { services, sim } = await setup();
    const trainingTerminal = (await services.payments().listTerminals()).find((t) => t.tid === 'VCMTILLSCP0')!.id;
    const trainingSale = services.payments().startSale({ amount: 700, currency: 'GBP', terminalId: trainingTerminal });
    expect((await finish(services, trainingSale.id)).status).toBe('approved');
    await services.setApiKey('sk_sandbox_live_sandbox_key', PIN);
    expect(services.payments().history({ limit: 10, offset: 0 }).total).toBe(0);
    const live = services.payments().startSale({ amount: 300, currency: 'GBP', terminalId: sim.admin.terminalByTid('VCMTILLSCP0')!.id });
    expect((await finish(services, live.id)).environment).toBe('sandbox');
    await services.clearApiKey(PIN);
    const back = services.payments().history({ limit: 10, offset: 0 });
    expect(back.items.map((p) => p.id)).toEqual([trainingSale.id]);
  });

  it('refuses to switch keys while a payment is running', async () => {
    const { services } = await setup();
    const terminal = (await services.payments().listTerminals()).find((t) => t.tid === 'VCMTILLSIS0')!.id;
    services.payments().startSale({ amount: 700, currency: 'GBP', terminalId: terminal });
    await expect(services.setApiKey('sk_sandbox_while_running', PIN)).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect(services.environment()).toBe('training');
  });
});

describe('settings over IPC', () => {
  it('updates terminal (per environment), currency and compact mode; verifies the supervisor PIN', async () => {
    const { dispatch } = await setup();
    expect(await dispatch('settings:update', { terminalId: 'tm_sandbox_x', currency: 'EUR', compactMode: true })).toMatchObject({
      ok: true,
      data: { terminalId: 'tm_sandbox_x', currency: 'EUR', unlinkedRefundLimit: 5000, compactMode: true, supervisorPinSet: true },
    });
    expect(await dispatch('settings:verifySupervisorPin', { pin: PIN })).toEqual({ ok: true, data: { valid: true } });
    expect(await dispatch('settings:verifySupervisorPin', { pin: '1111' })).toEqual({ ok: true, data: { valid: false } });
    expect(await dispatch('settings:update', { currency: 'USD' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('starts an unlinked refund only with the supervisor PIN and within the limit', async () => {
    const { dispatch, services } = await setup();
    const terminal = (await services.payments().listTerminals()).find((t) => t.tid === 'VCMTILLSIP0')!.id;
    const refund = (pin: string, amount = 1000) => dispatch('payment:startUnlinkedRefund', { amount, currency: 'GBP', terminalId: terminal, supervisorPin: pin });
    expect(await dispatch('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { GBP: 2000 } })).toMatchObject({ ok: true, data: { unlinkedRefundLimit: 2000 } });
    expect(await refund('135792')).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { supervisorPin: ['Wrong PIN.'] } } });
    expect(await refund(PIN, 2001)).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', fields: { amount: expect.any(Array) } } });
    const ok = await refund(PIN);
    expect(ok).toMatchObject({ ok: true, data: { type: 'UnlinkedRefund', status: 'starting' } });
    expect((await finish(services, (ok as { data: PaymentView }).data.id)).status).toBe('approved');
  });
});
