import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher, type Dispatch } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { localDay } from '../../src/shared/dates';
import { RUNNING_STATUSES, type PaymentView } from '../../src/shared/payments';
import { startSimulator, type Simulator } from '../../src/simulator';

const opened: { services: Services; dir: string; sim?: Simulator }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.services.close();
    await o.sim?.close();
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
});

async function boot(options: { key?: string; sim?: Simulator; dir?: string } = {}) {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'till-services-'));
  const env = { TILL_TRAINING_SIM_SPEED: '40', ...(options.sim ? { DOJO_API_BASE_URL: options.sim.url } : {}) };
  const services = await createServices(
    nodeAdapters({ host: 'test', dataDir: dir, env, secrets: new MemorySecretStore(options.key ? { 'dojo-api-key': options.key } : {}) }),
  );
  opened.push({ services, dir });
  const updates: PaymentView[] = [];
  services.events.on('payment:update', (view) => updates.push(view));
  return { services, dir, updates, dispatch: createDispatcher(createHandlers(services)) };
}

async function until(dispatch: Dispatch, paymentId: string, done: (view: PaymentView) => boolean): Promise<PaymentView> {
  const deadline = Date.now() + 60_000; // generous: a loaded machine is slow, not stuck
  for (;;) {
    const result = await dispatch('payment:get', { paymentId });
    if (result.ok && done((result.data as { payment: PaymentView }).payment)) return (result.data as { payment: PaymentView }).payment;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(result)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const ended = (v: PaymentView) => !RUNNING_STATUSES.includes(v.status);

describe('the service graph over the IPC contract', () => {
  it('without a key: training mode on the built-in simulator, a full sale, history, totals and CSV', async () => {
    const { dispatch, updates } = await boot();
    const info = await dispatch('app:info', undefined);
    expect(info).toMatchObject({ ok: true, data: { environment: 'training', trainingMode: true, trainingReason: expect.stringMatching(/No Dojo API key/) } });
    const terminals = await dispatch('terminals:list', undefined);
    expect(terminals.ok).toBe(true);
    const list = (terminals as { data: { terminals: { id: string; tid: string; status: string }[] } }).data.terminals;
    expect(list.map((t) => t.tid)).toContain('VCMTILLSIP0');
    const terminal = list.find((t) => t.tid === 'VCMTILLSIP0')!;

    const started = await dispatch('payment:startSale', { amount: 1250, currency: 'GBP', reference: 'Order 7', terminalId: terminal.id });
    expect(started).toMatchObject({ ok: true, data: { status: 'starting', terminalTid: 'VCMTILLSIP0', environment: 'training' } });
    const id = (started as { data: PaymentView }).data.id;
    const done = await until(dispatch, id, ended);
    expect(done.status).toBe('approved');
    expect(updates.filter((u) => u.id === id).at(-1)!.status).toBe('approved');

    const history = await dispatch('history:list', { search: 'Order 7' });
    expect(history).toMatchObject({ ok: true, data: { total: 1, items: [{ id, status: 'approved' }] } });
    const day = localDay();
    expect(await dispatch('history:totals', { from: day, to: day })).toMatchObject({ ok: true, data: { rows: [{ type: 'Sale', currency: 'GBP', count: 1, amount: 1250 }] } });
    const csv = await dispatch('history:exportCsv', { from: day });
    expect((csv as { data: { csv: string } }).data.csv).toContain('Order 7');
  });

  it.each([
    [{ amount: 0, currency: 'GBP', terminalId: 't' }, 'amount'],
    [{ amount: 12.5, currency: 'GBP', terminalId: 't' }, 'amount'],
    [{ amount: 100, currency: 'USD', terminalId: 't' }, 'currency'],
    [{ amount: 100, currency: 'GBP', terminalId: 't', reference: 'x'.repeat(61) }, 'reference'],
    [{ amount: 100, currency: 'GBP', terminalId: 't', extra: true }, '(input)'],
    [{ amount: 100_000_000, currency: 'GBP', terminalId: 't' }, 'amount'],
  ])('refuses a bad sale request %j with VALIDATION on %s, and nothing reaches Dojo', async (request, field) => {
    const { dispatch, services } = await boot();
    const result = await dispatch('payment:startSale', request);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(Object.keys(result.error.fields ?? {})).toContain(field);
    }
    expect(services.payments().history({ limit: 10, offset: 0 }).total).toBe(0);
  });

  it('with a sandbox key: talks to the Dojo at DOJO_API_BASE_URL (dev/test builds) with the key from the keychain', async () => {
    const sim = await startSimulator({ speed: 40 });
    sim.admin.acceptKeys(['sk_sandbox_real_looking_key_1234']);
    const { dispatch } = await boot({ key: 'sk_sandbox_real_looking_key_1234', sim });
    opened.at(-1)!.sim = sim;
    expect(await dispatch('app:info', undefined)).toMatchObject({ ok: true, data: { environment: 'sandbox', trainingMode: false } });
    const terminal = sim.admin.terminalByTid('VCMTILLSCP0')!.id;
    const started = (await dispatch('payment:startSale', { amount: 300, currency: 'EUR', terminalId: terminal })) as { ok: true; data: PaymentView };
    expect(started.data.environment).toBe('sandbox');
    // The sandbox simulator here runs at speed 40 but the engine polls in real time: give it a moment.
    const done = await until(dispatch, started.data.id, ended);
    expect(done.status).toBe('approved');
  });

  // The training simulator keeps its record in training-simulator.json (tests/integration/training-record.test.ts);
  // only when it has none to read (never written, or set aside) does it start afresh.
  it('in training, a payment a restart interrupted ends as failed when the training record is gone (the built-in simulator starts afresh)', async () => {
    const first = await boot();
    const terminal = (await first.services.payments().listTerminals()).find((t) => t.tid === 'VCMTILLSIS0')!.id;
    const started = first.services.payments().startSale({ amount: 990, currency: 'GBP', terminalId: terminal });
    await until(first.dispatch, started.id, (v) => v.status === 'signature_required');
    await first.services.close();
    opened.splice(opened.findIndex((o) => o.services === first.services), 1);
    fs.rmSync(path.join(first.dir, 'training-simulator.json'));
    const second = await boot({ dir: first.dir });
    const after = await second.dispatch('payment:get', { paymentId: started.id });
    expect(after).toMatchObject({ ok: true, data: { payment: { status: 'failed', message: expect.stringMatching(/Training payment interrupted/) } } });
    expect(await second.dispatch('payment:listActive', undefined)).toMatchObject({ ok: true, data: { payments: [] } });
  });

  it('a restart resumes an unfinished payment from the journal before taking new work', async () => {
    const sim = await startSimulator({ speed: 40 });
    const first = await boot({ key: 'sk_sandbox_restart_test_1', sim });
    const terminal = sim.admin.terminalByTid('VCMTILLSIS0')!.id;
    const started = (await first.dispatch('payment:startSale', { amount: 990, currency: 'GBP', terminalId: terminal })) as { ok: true; data: PaymentView };
    await until(first.dispatch, started.data.id, (v) => v.status === 'signature_required');
    first.services.payments().close(); // the process dies: timers stop, nothing more is written
    const second = await boot({ key: 'sk_sandbox_restart_test_1', sim, dir: first.dir });
    opened.at(-1)!.sim = sim;
    const done = await until(second.dispatch, started.data.id, ended);
    expect(done.status).toBe('approved');
  });
});
