import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEposApi } from '../../src/main/integration/epos-api';
import { nodeAdapters } from '../../src/main/node-adapters';
import { silentLogger } from '../../src/main/logging/logger';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { startSimulator, type Simulator } from '../../src/simulator';
import { eposConforms } from '../support/epos-openapi';

const TOKEN = 'epos-test-token-4f9a8b7c6d5e';
let sim: Simulator;
let services: Services;
let base: string;
let dir: string;
const fronted: string[] = [];
const started: string[] = [];

/** This till runs on a sandbox key, so sales and refunds name the environment unless a test says otherwise. */
async function api(method: string, url: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string>; route?: string; environment?: string | null } = {}) {
  const headers: Record<string, string> = {
    ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? TOKEN}` }),
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.environment === null ? {} : { 'till-environment': options.environment ?? 'sandbox' }),
    ...options.headers,
  };
  const response = await fetch(`${base}${url}`, { method, headers, ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}) });
  const body: any = await response.json();
  if (options.route) eposConforms(method, options.route, response.status, body);
  return { status: response.status, body, headers: response.headers };
}
const waitFor = async (paymentId: string, done: (p: any) => boolean): Promise<any> => {
  for (let i = 0; i < 100; i++) {
    const { body } = await api('GET', `/v1/payments/${paymentId}?wait=5`, { route: '/v1/payments/{paymentId}' });
    if (done(body)) return body;
  }
  throw new Error('payment did not reach the expected state');
};
const ended = (p: any) => !['starting', 'in_progress', 'signature_required'].includes(p.status);

beforeAll(async () => {
  sim = await startSimulator({ speed: 40 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-epos-'));
  services = await createServices({
    ...nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_epos_tests_key' }), env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
    window: { print: async () => {}, setCompact: () => {}, bringToFront: () => void fronted.push('front') },
  });
  services.events.on('payment:started', (event) => started.push(`${event.source}:${event.payment.id}`));
  base = services.epos.info().url!;
  await services.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
  await services.authority.setPin({ next: '246813', confirm: '246813' });
});
afterAll(async () => {
  await services.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('EPOS API: access', () => {
  it('listens on 127.0.0.1 only and refuses any other address', async () => {
    expect(new URL(base).hostname).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await expect(startEposApi({ backend: {} as never, token: () => TOKEN, port: 0, host, logger: silentLogger })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('answers /v1/health and /v1/openapi.json without a token (terminal detail only with it)', async () => {
    const health = await api('GET', '/v1/health', { token: null, route: '/v1/health' });
    expect(health.body).toEqual({ status: 'ok', version: expect.any(String), trainingMode: false, environment: 'sandbox' });
    const detailed = await api('GET', '/v1/health', { route: '/v1/health' });
    expect(detailed.body).toMatchObject({ status: 'ok', trainingMode: false, environment: 'sandbox', terminal: { tid: 'VCMTILLSIP0', status: 'Available' } });
    const doc = await api('GET', '/v1/openapi.json', { token: null });
    expect(doc.body.openapi).toBe('3.1.0');
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'epos-test-token-0000000000'],
    ['a token of another length', 'x'],
  ])('refuses %s with a bare 401 that says nothing more', async (_name, token) => {
    const response = await api('GET', '/v1/terminals', { token });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ type: 'urn:till-companion:problem:unauthorized', title: 'Unauthorized', status: 401 });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses requests from web pages (an Origin header)', async () => {
    expect((await api('GET', '/v1/terminals', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });

  it.each([
    [{ amount: 12.5, currency: 'GBP', reference: 'R' }, 'amount'],
    [{ amount: 1250, currency: 'USD', reference: 'R' }, 'currency'],
    [{ amount: 1250, currency: 'GBP' }, 'reference'],
    [{ amount: 1250, currency: 'GBP', reference: 'R', tip: 100 }, '(input)'],
    ['{"amount": 1250,', 'body'],
  ])('refuses a bad sale body %j with 400 and field errors', async (body, field) => {
    const response = await api('POST', '/v1/sales', { body, route: '/v1/sales' });
    expect(response.status).toBe(400);
    if (field === 'body') expect(response.body.detail).toMatch(/not valid JSON/);
    else expect(Object.keys(response.body.errors)).toContain(field);
  });
});

describe('EPOS API: payments', () => {
  it('runs a sale to its end and the window comes forward showing it', async () => {
    const before = fronted.length;
    const accepted = await api('POST', '/v1/sales', { body: { amount: 1250, currency: 'GBP', reference: 'EPOS-1' }, headers: { 'idempotency-key': 'sale-epos-1' }, route: '/v1/sales' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ paymentId: expect.stringMatching(/^pay_/), status: 'starting', environment: 'sandbox' });
    expect(accepted.headers.get('till-environment')).toBe('sandbox');
    expect(fronted.length).toBe(before + 1);
    expect(started).toContain(`epos:${accepted.body.paymentId}`);
    const done = await waitFor(accepted.body.paymentId, ended);
    expect(done).toMatchObject({ status: 'approved', amount: 1250, reference: 'EPOS-1', result: { totalAmount: 1250, cardScheme: 'VISA', last4: '1013' } });
    expect(done.receipts.customer.length).toBeGreaterThan(5);
    const found = await api('GET', '/v1/payments?reference=EPOS-1', { route: '/v1/payments' });
    expect(found.body.payments.map((p: any) => p.paymentId)).toEqual([accepted.body.paymentId]);
  });

  it('20 concurrent identical requests start exactly one charge (one intent, one session)', async () => {
    const intentsBefore = sim.admin.snapshot().intents.length;
    const sessionsBefore = sim.admin.snapshot().sessions.length;
    const frontedBefore = fronted.length;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api('POST', '/v1/sales', { body: { amount: 777, currency: 'GBP', reference: 'DUP-1' }, headers: { 'idempotency-key': 'dup-key-1' } })),
    );
    const ids = new Set(responses.map((r) => r.body.paymentId));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    await waitFor([...ids][0]!, ended);
    expect(sim.admin.snapshot().intents.length - intentsBefore).toBe(1);
    expect(sim.admin.snapshot().sessions.length - sessionsBefore).toBe(1);
    // Only the one payment that started brings the window forward: replays and polls never pull it again.
    expect(fronted.length - frontedBefore).toBe(1);
    // Without a key the reference is the key (for today): a resend of the same sale is the same payment.
    const a = await api('POST', '/v1/sales', { body: { amount: 300, currency: 'GBP', reference: 'REF-ONLY' } });
    const b = await api('POST', '/v1/sales', { body: { amount: 300, currency: 'GBP', reference: 'REF-ONLY' } });
    expect(b.body.paymentId).toBe(a.body.paymentId);
    await waitFor(a.body.paymentId, ended);
  });

  // What is asserted is that every long-poll answers because the payment changed (never by running out its 30 s);
  // how fast it answered is printed as a figure, never asserted (a loaded machine is slow, not wrong).
  it('long-poll answers on a status change, not at the end of its wait', async () => {
    const terminalId = sim.admin.terminalByTid('VCMTILLVIP0')!.id;
    const { body } = await api('POST', '/v1/sales', { body: { amount: 500, currency: 'GBP', reference: 'POLL-1', terminalId } });
    const id = body.paymentId;
    const pushes: number[] = [];
    const off = services.events.on('payment:update', (view) => view.id === id && pushes.push(performance.now()));
    const delays: number[] = [];
    let seen = (await api('GET', `/v1/payments/${id}`)).body;
    for (let i = 0; i < 6; i++) {
      const { body: after } = await api('GET', `/v1/payments/${id}?wait=30&since=${encodeURIComponent(seen.updatedAt)}`, { route: '/v1/payments/{paymentId}' });
      const answered = performance.now();
      expect(after.updatedAt).not.toBe(seen.updatedAt); // answered by a change, not by the wait running out
      // From the change the answer reflects (the last push before it) to the answer.
      const push = pushes.filter((t) => t <= answered).at(-1);
      if (push !== undefined) delays.push(answered - push);
      seen = after;
      if (ended(after)) break;
      if (i === 1) await api('POST', `/v1/payments/${id}/cancel`, { route: '/v1/payments/{paymentId}/cancel' });
    }
    off();
    expect(delays.length).toBeGreaterThan(0);
    console.log(`long-poll answer after the change it reflects: max ${Math.max(...delays).toFixed(1)} ms over ${delays.length} answers`);
    const final = await waitFor(id, ended);
    expect(final.status).toBe('cancelled');
  });

  it('cancel after the card is refused with 409 and the reason', async () => {
    const { body } = await api('POST', '/v1/sales', { body: { amount: 650, currency: 'GBP', reference: 'LATE-CANCEL' } });
    await waitFor(body.paymentId, (p) => p.prompt === 'EnterPin' || p.prompt === 'PleaseWait' || ended(p));
    const refused = await api('POST', `/v1/payments/${body.paymentId}/cancel`);
    if (refused.status === 200) expect(refused.body.cancelNote ?? refused.body.status).toBeTruthy();
    else expect(refused.status).toBe(409);
    expect((await waitFor(body.paymentId, ended)).status).toBe('approved');
  });

  it('signature answered over the API', async () => {
    const terminalId = sim.admin.terminalByTid('VCMTILLSIS0')!.id;
    const { body } = await api('POST', '/v1/sales', { body: { amount: 1800, currency: 'GBP', reference: 'SIG-1', terminalId } });
    await waitFor(body.paymentId, (p) => p.status === 'signature_required');
    const answered = await api('POST', `/v1/payments/${body.paymentId}/signature`, { body: { accepted: true }, route: '/v1/payments/{paymentId}/signature' });
    expect(answered.status).toBe(200);
    expect((await waitFor(body.paymentId, ended)).status).toBe('approved');
  });

  it('matched refund by paymentId and by reference, never more than is left', async () => {
    const { body: sale } = await api('POST', '/v1/sales', { body: { amount: 2000, currency: 'GBP', reference: 'REFUND-EPOS' } });
    await waitFor(sale.paymentId, ended);
    const byId = await api('POST', '/v1/refunds', { body: { paymentId: sale.paymentId, amount: 500 }, headers: { 'idempotency-key': 'refund-a' }, route: '/v1/refunds' });
    expect(byId.status).toBe(202);
    expect((await api('POST', '/v1/refunds', { body: { paymentId: sale.paymentId, amount: 500 }, headers: { 'idempotency-key': 'refund-a' } })).body.paymentId).toBe(byId.body.paymentId);
    expect((await waitFor(byId.body.paymentId, ended)).status).toBe('approved');
    const tooMuch = await api('POST', '/v1/refunds', { body: { reference: 'REFUND-EPOS', amount: 1600 }, route: '/v1/refunds' });
    expect(tooMuch.status).toBe(400);
    const byRef = await api('POST', '/v1/refunds', { body: { reference: 'REFUND-EPOS', amount: 1500 } });
    expect((await waitFor(byRef.body.paymentId, ended)).status).toBe('approved');
    expect((await api('GET', `/v1/payments/${sale.paymentId}`)).body).toMatchObject({ refundedAmount: 2000, refundableAmount: 0 });
    expect((await api('POST', '/v1/refunds', { body: { paymentId: 'x', reference: 'y', amount: 1 } })).status).toBe(400);
  });

  it('unlinked refunds wait for the cashier to confirm with the supervisor PIN', async () => {
    const asked = await api('POST', '/v1/refunds/unlinked', { body: { amount: 900, currency: 'GBP', reference: 'UNLINKED-EPOS' }, route: '/v1/refunds/unlinked' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'awaiting_confirmation', paymentId: null });
    expect(services.epos.pendingRequests().map((r) => r.requestId)).toContain(asked.body.requestId);
    const shown = { requestId: asked.body.requestId, amount: 900, currency: 'GBP' as const };
    await expect(services.epos.confirmRequest({ ...shown, supervisorPin: '111111' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const payment = await services.epos.confirmRequest({ ...shown, supervisorPin: '246813' });
    const followed = await api('GET', `/v1/refund-requests/${asked.body.requestId}`, { route: '/v1/refund-requests/{requestId}' });
    expect(followed.body).toMatchObject({ status: 'started', paymentId: payment.id });
    expect((await waitFor(payment.id, ended)).status).toBe('approved');
    const declined = await api('POST', '/v1/refunds/unlinked', { body: { amount: 100, currency: 'GBP' } });
    services.epos.declineRequest(declined.body.requestId);
    expect((await api('GET', `/v1/refund-requests/${declined.body.requestId}`)).body.status).toBe('declined');
  });

  it('unknown payments and endpoints are 404 problems', async () => {
    expect((await api('GET', '/v1/payments/pay_nope', { route: '/v1/payments/{paymentId}' })).status).toBe(404);
    expect((await api('GET', '/v1/nothing')).status).toBe(404);
    expect((await api('GET', '/v1/payments/pay_nope?wait=abc')).status).toBe(400);
  });
});

describe('EPOS API: the environment rule (no training or sandbox approval can pass for real money)', () => {
  it('outside production, a sale or refund that does not name the till\'s environment is refused with 409 and nothing starts', async () => {
    const intentsBefore = sim.admin.snapshot().intents.length;
    const missing = await api('POST', '/v1/sales', { body: { amount: 100, currency: 'GBP', reference: 'ENV-1' }, environment: null, route: '/v1/sales' });
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ code: 'ENVIRONMENT_NOT_CONFIRMED', environment: 'sandbox', detail: expect.stringMatching(/Till-Environment: sandbox/) });
    expect(missing.headers.get('till-environment')).toBe('sandbox');
    const wrong = await api('POST', '/v1/sales', { body: { amount: 100, currency: 'GBP', reference: 'ENV-1' }, environment: 'production', route: '/v1/sales' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('ENVIRONMENT_MISMATCH');
    const training = await api('POST', '/v1/refunds', { body: { reference: 'EPOS-1', amount: 1 }, environment: 'training', route: '/v1/refunds' });
    expect(training.body.code).toBe('ENVIRONMENT_MISMATCH');
    const unlinked = await api('POST', '/v1/refunds/unlinked', { body: { amount: 100, currency: 'GBP' }, environment: null, route: '/v1/refunds/unlinked' });
    expect(unlinked.body.code).toBe('ENVIRONMENT_NOT_CONFIRMED');
    const odd = await api('POST', '/v1/sales', { body: { amount: 100, currency: 'GBP', reference: 'ENV-1' }, environment: 'live', route: '/v1/sales' });
    expect(odd.status).toBe(400);
    expect(sim.admin.snapshot().intents.length).toBe(intentsBefore);
  });

  it('every answer carries the environment: header, start answers, payments, terminals, refund requests, problems', async () => {
    const terminals = await api('GET', '/v1/terminals', { route: '/v1/terminals' });
    expect([terminals.headers.get('till-environment'), terminals.body.environment]).toEqual(['sandbox', 'sandbox']);
    const { body } = await api('POST', '/v1/sales', { body: { amount: 100, currency: 'GBP', reference: 'ENV-2' }, environment: 'SANDBOX', route: '/v1/sales' });
    expect(body.environment).toBe('sandbox');
    const done = await waitFor(body.paymentId, ended);
    expect(done).toMatchObject({ status: 'approved', environment: 'sandbox' });
    const notFound = await api('GET', '/v1/payments/pay_nope');
    expect([notFound.headers.get('till-environment'), notFound.body.environment]).toEqual(['sandbox', 'sandbox']);
    const health = await api('GET', '/v1/health', { token: null });
    expect(health.headers.get('till-environment')).toBe('sandbox');
  });

  it('a retry with the same Idempotency-Key answers with the payment it started, even without the header', async () => {
    const first = await api('POST', '/v1/sales', { body: { amount: 200, currency: 'GBP', reference: 'ENV-3' }, headers: { 'idempotency-key': 'env-retry-1' } });
    const retry = await api('POST', '/v1/sales', { body: { amount: 200, currency: 'GBP', reference: 'ENV-3' }, headers: { 'idempotency-key': 'env-retry-1' }, environment: null, route: '/v1/sales' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ paymentId: first.body.paymentId, status: expect.any(String), environment: 'sandbox' });
    await waitFor(first.body.paymentId, ended);
  });
});
