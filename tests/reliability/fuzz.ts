// Fuzzing with fast-check: random payloads on every IPC channel and every EPOS API endpoint must be refused or
// handled — never crash, never an INTERNAL error, never reach Dojo unvalidated; odd but schema-valid Dojo
// answers must never crash the engine or the renderer's payment store.
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METHOD_CHANNELS } from '../../src/shared/channels';
import { ERROR_CODES } from '../../src/shared/errors';
import { PaymentViewSchema, type PaymentView } from '../../src/shared/payments';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { transition } from '../../src/main/payments/machine';
import { DEFAULT_POLLING } from '../../src/main/payments/polling';
import { newRecord } from '../../src/main/payments/record';
import { toView } from '../../src/main/payments/view';
import { DojoSessionSchema } from '../../src/main/dojo/schemas';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';
import { startSimulator } from '../../src/simulator';
import { runStandalone, type CheckResult, type Profile } from './report';

const TOKEN = 'fuzz-epos-token-0123456789abcdef';

/** Payloads near the real ones (so validation is really exercised) and anything at all. */
const money = fc.oneof(fc.integer(), fc.double(), fc.constant(0), fc.constant(-1), fc.constant(9_999_999), fc.constant(10_000_000), fc.string());
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constant(''), fc.constant('x'.repeat(61)), fc.constant('\u0000\u001f'), fc.constant('<script>'));
const nearRequest = fc.record(
  {
    amount: money,
    currency: fc.oneof(fc.constantFrom('GBP', 'EUR', 'USD', 'gbp', ''), fc.string()),
    reference: text,
    terminalId: text,
    paymentId: text,
    accepted: fc.oneof(fc.boolean(), fc.string()),
    outcome: fc.oneof(fc.constantFrom('approved', 'not_charged'), fc.string()),
    note: text,
    pin: fc.oneof(fc.constantFrom('1234', '12', 'abcd'), fc.string()),
    supervisorPin: fc.oneof(fc.constantFrom('2468', '1'), fc.string()),
    apiKey: fc.oneof(fc.constantFrom('sk_sandbox_fuzzfuzzfuzz', 'sk_prod_x'), fc.string()),
    limit: money,
    offset: money,
    from: text,
    to: text,
    compact: fc.oneof(fc.boolean(), fc.string()),
    copy: fc.oneof(fc.constantFrom('customer', 'merchant'), fc.string()),
    requestId: text,
  },
  { requiredKeys: [] },
);
const payload = fc.oneof(nearRequest, fc.anything(), fc.constant(undefined), fc.constant(null));

export async function run(profile: Profile = 'quick'): Promise<CheckResult> {
  const runs = profile === 'full' ? 10_000 : 1_000;
  const failures: string[] = [];
  let cases = 0;
  const sim = await startSimulator({ speed: 1_000, record: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-fuzz-'));
  const services = await createServices(
    {
      ...nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_TRAINING_SIM_SPEED: '1000', DOJO_API_BASE_URL: sim.url } }),
      // The rate cap would answer most payloads 429 before a handler saw them: fuzz the handlers, not the limiter.
      eposLimits: { rate: { perSecond: 1e6, burst: 1e6 }, publicRate: { perSecond: 1e6, burst: 1e6 } },
    },
  );
  const dispatch = createDispatcher(createHandlers(services));
  try {
    // 1. Every IPC channel.
    for (const channel of Object.values(METHOD_CHANNELS)) {
      let internal = 0;
      await fc.assert(
        fc.asyncProperty(payload, async (request) => {
          cases++;
          const result = await dispatch(channel, request);
          if (typeof result.ok !== 'boolean') throw new Error('not a result');
          if (!result.ok && !ERROR_CODES.includes(result.error.code)) throw new Error(`unknown code ${result.error.code}`);
          if (!result.ok && result.error.code === 'INTERNAL') internal++;
        }),
        { numRuns: runs, seed: 4242 },
      ).catch((error: unknown) => failures.push(`IPC ${channel}: ${String(error).slice(0, 300)}`));
      if (internal) failures.push(`IPC ${channel}: ${internal} INTERNAL errors`);
      await services.payments().settled();
    }

    // 2. Every EPOS API endpoint over HTTP.
    const base = services.epos.info().url!;
    const endpoints: [string, (p: unknown) => string][] = [
      ['POST', () => '/v1/sales'],
      ['POST', () => '/v1/refunds'],
      ['POST', () => '/v1/refunds/unlinked'],
      ['GET', (p) => `/v1/payments/${encodeURIComponent(String((p as { paymentId?: unknown })?.paymentId ?? 'x'))}?wait=${encodeURIComponent(String((p as { amount?: unknown })?.amount ?? ''))}`],
      ['GET', (p) => `/v1/payments?reference=${encodeURIComponent(String((p as { reference?: unknown })?.reference ?? ''))}`],
      ['POST', (p) => `/v1/payments/${encodeURIComponent(String((p as { paymentId?: unknown })?.paymentId ?? 'x'))}/cancel`],
      ['POST', (p) => `/v1/payments/${encodeURIComponent(String((p as { paymentId?: unknown })?.paymentId ?? 'x'))}/signature`],
      ['GET', (p) => `/v1/refund-requests/${encodeURIComponent(String((p as { requestId?: unknown })?.requestId ?? 'x'))}`],
      ['GET', () => '/v1/terminals'],
    ];
    for (const [method, route] of endpoints) {
      await fc.assert(
        fc.asyncProperty(payload, fc.boolean(), async (body, withKey) => {
          cases++;
          const response = await fetch(`${base}${route(body)}`, {
            method,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'till-environment': services.environment(), ...(withKey ? { 'idempotency-key': 'fuzz-key' } : {}) },
            ...(method === 'POST' ? { body: body === undefined ? '' : JSON.stringify(body) } : {}),
          });
          await response.arrayBuffer();
          if (response.status >= 500 && response.status !== 502 && response.status !== 503) throw new Error(`HTTP ${response.status}`);
        }),
        { numRuns: runs, seed: 4242 },
      ).catch((error: unknown) => failures.push(`EPOS ${method} ${route({})}: ${String(error).slice(0, 300)}`));
    }
    await services.payments().settled();
    await new Promise((r) => setTimeout(r, 500));

    // Nothing invalid reached Dojo: every request Dojo refused as malformed would show as a 400 validation answer.
    const unvalidated = sim.admin.requests().filter((r) => r.status === 400 && JSON.stringify(r.responseBody).includes('validation errors'));
    if (unvalidated.length) failures.push(`${unvalidated.length} requests reached Dojo unvalidated`);
  } finally {
    await services.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // 3. Odd but valid Dojo answers: unknown statuses and prompts, missing optional fields, huge receipts, odd times.
  const oddSession = fc.record({
    id: fc.string({ minLength: 1 }),
    status: fc.oneof(fc.constantFrom('Initiated', 'Captured', 'Declined', 'SignatureVerificationRequired', 'Expired'), fc.string()),
    expireAt: fc.option(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), { nil: undefined }),
    updatedAt: fc.option(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), { nil: undefined }),
    notificationEvents: fc.option(fc.array(fc.record({ notificationType: fc.string(), createdAt: fc.option(fc.string(), { nil: null }) }), { maxLength: 30 }), { nil: null }),
    statusEvents: fc.option(fc.array(fc.record({ status: fc.string(), createdAt: fc.string(), debugMessage: fc.string() }), { maxLength: 10 }), { nil: undefined }),
    paymentDetails: fc.option(fc.record({ authCode: fc.option(fc.string(), { nil: null }), card: fc.option(fc.record({ cardType: fc.option(fc.string(), { nil: null }), last4PAN: fc.option(fc.string(), { nil: null }) }), { nil: null }) }, { requiredKeys: [] }), { nil: null }),
    customerReceipt: fc.option(fc.record({ lines: fc.array(fc.record({ lineType: fc.string(), text: fc.option(fc.record({ value: fc.string({ maxLength: 400 }), size: fc.string(), align: fc.string(), emphasisBold: fc.boolean() }), { nil: null }) }), { maxLength: 2_000 }) }), { nil: null }),
  });
  // The renderer's real store (zustand runs under Node); imported by a computed path so the Node typecheck does
  // not pull the renderer's DOM-typed files in.
  const storeModule = '../../src/renderer/stores/payment-store';
  const { usePaymentStore } = (await import(storeModule)) as { usePaymentStore: { getState(): { show(view: PaymentView): void; receive(view: PaymentView): void } } };
  try {
    fc.assert(
    fc.property(oddSession, fc.constantFrom('Sale', 'MatchedRefund', 'UnlinkedRefund' as const), (raw, type) => {
      cases++;
      const session = DojoSessionSchema.parse(raw);
      const record = { ...newRecord({ id: 'p', type, amount: 100, currency: 'GBP', reference: 'r', terminalId: 't', terminalTid: null, environment: 'sandbox', now: 1 }), intentId: 'pi', sessionId: session.id, step: 'following' as const, status: 'in_progress' as const };
      const { record: next } = transition(record, { kind: 'sessionPolled', session }, 2, DEFAULT_POLLING);
      const view = PaymentViewSchema.parse(toView(next));
      usePaymentStore.getState().show({ ...view, updatedAt: '1970-01-01T00:00:00.000Z' });
      usePaymentStore.getState().receive(view);
    }),
    { numRuns: runs, seed: 4242 },
    );
  } catch (error) {
    failures.push(`odd Dojo answers: ${String(error).slice(0, 300)}`);
  }

  const groups = Object.values(METHOD_CHANNELS).length + 9 + 1;
  const failedGroups = new Set(failures.map((f) => f.split(':')[0])).size;
  return { name: 'fuzzing', passed: groups - failedGroups, total: groups, figures: { 'payloads per target': runs, 'cases run': cases }, failures };
}

if (require.main === module) runStandalone((profile) => run(profile));
