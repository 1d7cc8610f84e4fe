import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { realClock } from '../../src/simulator/clock';
import { dojo } from '../support/dojo-http';

let sim: Simulator;
beforeAll(async () => (sim = await startSimulator({ clock: 'manual' })));
afterAll(() => sim.close());
afterEach(() => sim.admin.reset());

const tid = (t: string) => sim.admin.terminalByTid(t)!.id;
const call = (c: Parameters<typeof dojo>[1]) => dojo(sim.url, c);

async function startSale(terminal: string, amount = 1250, currency = 'GBP') {
  const intent = (await call({ method: 'POST', path: '/payment-intents', body: { amount: { value: amount, currencyCode: currency }, reference: 'Order 1' } })).body;
  const created = await call({ method: 'POST', path: '/terminal-sessions', body: { terminalId: tid(terminal), details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } } });
  return { intent, session: created.body, status: created.status };
}
const getSession = async (id: string) => (await call({ path: `/terminal-sessions/${id}` })).body;
const getIntent = async (id: string) => (await call({ path: `/payment-intents/${id}` })).body;
const runFor = async (id: string, ms: number) => {
  sim.admin.advance(ms);
  return getSession(id);
};

describe('scenarios by TID', () => {
  it('chip & PIN (…SIP0): the real status flow, prompts, receipts, paymentDetails, terminal InUse then Available', async () => {
    const { intent, session } = await startSale('VCMTILLSIP0');
    expect(session.status).toBe('InitiateRequested');
    expect(session.id).toMatch(/^ts_sandbox_/);
    expect(intent.id).toMatch(/^pi_sandbox_/);
    expect(Date.parse(session.expireAt) - Date.parse(session.createdAt)).toBe(10_000);
    expect((await call({ path: `/terminals/${tid('VCMTILLSIP0')}` })).body.status).toBe('InUse');

    const initiated = await runFor(session.id, 1_000);
    expect(initiated.status).toBe('Initiated');
    expect(initiated.notificationEvents.map((n: any) => n.notificationType)).toEqual(['PresentCard']);
    expect(Date.parse(initiated.expireAt)).toBeGreaterThan(Date.parse(session.expireAt)); // expireAt moves

    const done = await runFor(session.id, 20_000);
    expect(done.status).toBe('Captured');
    expect(done.statusEvents.map((e: any) => e.status)).toEqual(['InitiateRequested', 'Initiated', 'Captured']);
    expect(done.notificationEvents.map((n: any) => n.notificationType)).toEqual(['PresentCard', 'PleaseWait', 'EnterPin', 'PleaseWait', 'Approved', 'RemoveCard']);
    expect(done.paymentDetails.card).toMatchObject({ cardType: 'VISA', last4PAN: '1013', entryMode: 'ContactChip', verificationMethod: 'Pin' });
    expect(done.paymentDetails.authCode).toMatch(/^[0-9A-F]{6}$/);
    const receiptText = done.customerReceipt.lines.map((l: any) => l.text?.value ?? '').join('\n');
    expect(receiptText).toContain('SUCCESSFUL');
    expect(receiptText).toContain('CUSTOMER COPY');
    expect(done.merchantReceipt.lines.some((l: any) => l.text?.value === 'MERCHANT COPY')).toBe(true);

    const paid = await getIntent(intent.id);
    expect(paid).toMatchObject({ status: 'Captured', totalAmount: { value: 1250, currencyCode: 'GBP' }, refundedAmount: 0 });
    expect(paid.terminalSessionHistory).toHaveLength(1);
    expect(paid.terminalSessionHistory[0].terminalSession.id).toBe(session.id);
    expect((await call({ path: `/terminals/${tid('VCMTILLSIP0')}` })).body.status).toBe('Available');
  });

  it('contactless (…SCP0) is captured with device verification and no PIN', async () => {
    const { session } = await startSale('VCMTILLSCP0');
    const done = await runFor(session.id, 20_000);
    expect(done.status).toBe('Captured');
    expect(done.notificationEvents.map((n: any) => n.notificationType)).not.toContain('EnterPin');
    expect(done.paymentDetails.card.entryMode).toBe('Contactless');
  });

  it('declined (…DIP0) leaves the intent Created so it can be retried', async () => {
    const { intent, session } = await startSale('VCMTILLDIP0');
    const done = await runFor(session.id, 20_000);
    expect(done.status).toBe('Declined');
    expect(done.notificationEvents.map((n: any) => n.notificationType)).toContain('Declined');
    expect((await getIntent(intent.id)).status).toBe('Created');
    const retry = await call({ method: 'POST', path: '/terminal-sessions', body: { terminalId: tid('VCMTILLSIP0'), details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } } });
    expect(retry.status).toBe(200);
  });

  it('expires (…VIP0) at the moved expireAt; times out (…TIP0) 10 s after creation', async () => {
    const expiring = await startSale('VCMTILLVIP0');
    expect((await runFor(expiring.session.id, 60_000)).status).toBe('Initiated');
    expect((await runFor(expiring.session.id, 40_000)).status).toBe('Expired');
    const timing = await startSale('VCMTILLTIP0');
    expect((await runFor(timing.session.id, 9_000)).status).toBe('InitiateRequested');
    const expired = await runFor(timing.session.id, 2_000);
    expect(expired.status).toBe('Expired');
    expect(expired.statusEvents.at(-1).createdAt).toBe(timing.session.expireAt);
  });

  it('cancelled on the terminal (…CIP0)', async () => {
    const { intent, session } = await startSale('VCMTILLCIP0');
    expect((await runFor(session.id, 10_000)).status).toBe('Canceled');
    expect((await getIntent(intent.id)).status).toBe('Created');
  });

  it('gratuity and cashback added on the terminal are read back on the intent', async () => {
    const tipped = await startSale('VCMTIPSSIP0', 1000);
    await runFor(tipped.session.id, 20_000);
    expect(await getIntent(tipped.intent.id)).toMatchObject({ tipsAmount: { value: 150 }, totalAmount: { value: 1150 } });
    const cashback = await startSale('VCMCASHSIP0', 1000);
    await runFor(cashback.session.id, 20_000);
    expect(await getIntent(cashback.intent.id)).toMatchObject({ cashbackAmount: { value: 2000 }, totalAmount: { value: 3000 } });
  });
});

describe('signature (…SIS0)', () => {
  it('waits for the answer; accepted -> SignatureVerificationAccepted and Captured intent', async () => {
    const { intent, session } = await startSale('VCMTILLSIS0');
    const waiting = await runFor(session.id, 10_000);
    expect(waiting.status).toBe('SignatureVerificationRequired');
    expect(Date.parse(waiting.expireAt) - Date.parse(waiting.statusEvents.at(-1).createdAt)).toBe(80_000);
    expect((await runFor(session.id, 30_000)).status).toBe('SignatureVerificationRequired');
    const answered = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/signature`, body: { accepted: true } });
    expect(answered.body.status).toBe('SignatureVerificationAccepted');
    expect((await getIntent(intent.id)).status).toBe('Captured');
  });

  it('rejected -> SignatureVerificationRejected and the intent reversed', async () => {
    const { intent, session } = await startSale('VCMTILLSIS0');
    await runFor(session.id, 10_000);
    const answered = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/signature`, body: { accepted: false } });
    expect(answered.body.status).toBe('SignatureVerificationRejected');
    expect((await getIntent(intent.id)).status).toBe('Reversed');
  });

  it('unanswered for 80 s -> accepted by Dojo; answering afterwards is refused with 422', async () => {
    const { session } = await startSale('VCMTILLSIS0');
    await runFor(session.id, 10_000);
    const auto = await runFor(session.id, 80_000);
    expect(auto.status).toBe('SignatureVerificationAccepted');
    expect(auto.statusEvents.at(-1).debugMessage).toMatch(/80 seconds/);
    expect((await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/signature`, body: { accepted: false } })).status).toBe(422);
  });
});

describe('orderings Dojo allows but does not promise (Rule 6: each reading can be played)', () => {
  const statuses = (session: any) => session.statusEvents.map((e: any) => e.status);
  // Not among the default terminals (training mode shows those); any terminal with the TID plays the scenario.
  beforeEach(() => ['VCMTILLAIS0', 'VCMTILLCIS0', 'VCMTILLAIP0'].forEach((t) => sim.admin.addTerminal({ tid: t })));

  it('A1 …AIS0: Authorized (intent Authorized) before the signature check; accepted -> Captured intent, rejected -> Reversed', async () => {
    for (const accepted of [true, false]) {
      const { intent, session } = await startSale('VCMTILLAIS0');
      const authorised = await runFor(session.id, 8_600);
      expect(authorised.status).toBe('Authorized');
      expect(authorised.paymentDetails.card.verificationMethod).toBe('Signature');
      expect((await getIntent(intent.id)).status).toBe('Authorized');
      expect((await call({ path: `/terminals/${tid('VCMTILLAIS0')}` })).body.status).toBe('InUse');
      expect((await runFor(session.id, 3_000)).status).toBe('SignatureVerificationRequired');
      const answered = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/signature`, body: { accepted } });
      expect(statuses(answered.body)).toEqual(['InitiateRequested', 'Initiated', 'Authorized', 'SignatureVerificationRequired', accepted ? 'SignatureVerificationAccepted' : 'SignatureVerificationRejected']);
      expect((await getIntent(intent.id)).status).toBe(accepted ? 'Captured' : 'Reversed');
    }
  });

  it('A2 …CIS0: Captured (intent Captured) before the signature check, as in Dojo\'s PUT …/signature example; rejected -> Reversed', async () => {
    const { intent, session } = await startSale('VCMTILLCIS0');
    const captured = await runFor(session.id, 8_600);
    expect(captured.status).toBe('Captured');
    expect((await getIntent(intent.id)).status).toBe('Captured');
    expect((await runFor(session.id, 3_000)).status).toBe('SignatureVerificationRequired');
    const rejected = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/signature`, body: { accepted: false } });
    expect(statuses(rejected.body)).toEqual(['InitiateRequested', 'Initiated', 'Captured', 'SignatureVerificationRequired', 'SignatureVerificationRejected']);
    expect((await getIntent(intent.id)).status).toBe('Reversed');
  });

  it('A1 …AIP0: Authorized for a while, then Captured', async () => {
    const { intent, session } = await startSale('VCMTILLAIP0');
    expect((await runFor(session.id, 9_100)).status).toBe('Authorized');
    expect((await getIntent(intent.id)).status).toBe('Authorized');
    const done = await runFor(session.id, 3_000);
    expect(statuses(done)).toEqual(['InitiateRequested', 'Initiated', 'Authorized', 'Captured']);
    expect((await getIntent(intent.id)).status).toBe('Captured');
  });

  it('A3: a session can appear in terminalSessionHistory only once it has ended', async () => {
    sim.admin.setReadings({ sessionHistory: 'whenFinal' });
    const { intent, session } = await startSale('VCMTILLSIP0');
    expect((await runFor(session.id, 2_000)).status).toBe('Initiated');
    expect((await getIntent(intent.id)).terminalSessionHistory).toEqual([]);
    await runFor(session.id, 20_000);
    expect((await getIntent(intent.id)).terminalSessionHistory.map((h: any) => h.terminalSession.id)).toEqual([session.id]);
  });

  it('A5: the intent can show the capture (with gratuity) seconds after the session', async () => {
    sim.admin.setReadings({ intentLagMs: 5_000 });
    const { intent, session } = await startSale('VCMTIPSSIP0', 1000);
    expect((await runFor(session.id, 12_000)).status).toBe('Captured');
    expect(await getIntent(intent.id)).toMatchObject({ status: 'Created', tipsAmount: null });
    sim.admin.advance(5_000);
    expect(await getIntent(intent.id)).toMatchObject({ status: 'Captured', tipsAmount: { value: 150 }, totalAmount: { value: 1150 } });
  });

  it('A6: totalAmount with the cashback (the default) or without it; tipsAmount and cashbackAmount either way', async () => {
    const first = await startSale('VCMCASHSIP0', 100);
    expect((await runFor(first.session.id, 20_000)).status).toBe('Captured');
    expect(await getIntent(first.intent.id)).toMatchObject({ amount: { value: 100 }, totalAmount: { value: 2100 }, cashbackAmount: { value: 2000 } });
    sim.admin.setReadings({ totalAmount: 'withoutCashback' });
    expect(await getIntent(first.intent.id)).toMatchObject({ amount: { value: 100 }, totalAmount: { value: 100 }, cashbackAmount: { value: 2000 } });
    const tipped = await startSale('VCMTIPSSIP0', 1000);
    expect((await runFor(tipped.session.id, 20_000)).status).toBe('Captured');
    expect(await getIntent(tipped.intent.id)).toMatchObject({ totalAmount: { value: 1150 }, tipsAmount: { value: 150 } });
  });

  it('A4: DELETE on a Created intent whose session runs: refused, or accepted while the card is still charged', async () => {
    const refused = await startSale('VCMTILLSIP0');
    expect((await call({ method: 'DELETE', path: `/payment-intents/${refused.intent.id}` })).status).toBe(400);
    await runFor(refused.session.id, 20_000);
    await call({ method: 'PUT', path: '/__sim/readings', body: { deleteWhileSessionRuns: 'accepted' } });
    expect((await call({ path: '/__sim/readings' })).body).toEqual({ sessionHistory: 'atCreation', intentLagMs: 0, deleteWhileSessionRuns: 'accepted', totalAmount: 'withCashback', reversalLagMs: 0, rejectedSignature: 'reversed' });
    const { intent, session } = await startSale('VCMTILLSIP0');
    const deleted = await call({ method: 'DELETE', path: `/payment-intents/${intent.id}` });
    expect([deleted.status, deleted.body.status]).toEqual([200, 'Canceled']);
    expect((await runFor(session.id, 20_000)).status).toBe('Captured');
    expect((await call({ path: `/payment-intents/${intent.id}` })).body.status).toBe('Captured');
    expect((await call({ method: 'PUT', path: '/__sim/readings', body: { intentLag: 1 } })).status).toBe(400);
  });
});

describe('cancel', () => {
  it('before the card: CancelRequested, then Canceled, terminal free again', async () => {
    const { session } = await startSale('VCMTILLSIP0');
    await runFor(session.id, 1_000);
    const cancelling = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/cancel` });
    expect(cancelling.status).toBe(200);
    expect(cancelling.body.status).toBe('CancelRequested');
    expect((await runFor(session.id, 1_000)).status).toBe('Canceled');
    expect((await call({ path: `/terminals/${tid('VCMTILLSIP0')}` })).body.status).toBe('Available');
  });

  it('after the card was presented: 422 "Session cannot be canceled." and the payment goes on', async () => {
    const { session } = await startSale('VCMTILLSIP0');
    await runFor(session.id, 4_500);
    const refused = await call({ method: 'PUT', path: `/terminal-sessions/${session.id}/cancel` });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe('Session cannot be canceled.');
    expect((await runFor(session.id, 20_000)).status).toBe('Captured');
  });
});

describe('terminals and refunds', () => {
  it('lists terminals with the repeatable statuses filter; busy and offline ones refuse sessions with TERMINAL_UNAVAILABLE', async () => {
    const all = (await call({ path: '/terminals' })).body;
    expect(all.length).toBe(11);
    const some = (await call({ path: '/terminals?statuses=InUse&statuses=Offline' })).body;
    expect(some.map((t: any) => t.properties.tid).sort()).toEqual(['VCMBUSYSIP0', 'VCMOFFLSIP0']);
    for (const terminal of ['VCMBUSYSIP0', 'VCMOFFLSIP0']) {
      const { status, session } = await startSale(terminal);
      expect(status).toBe(400);
      expect(session.code).toBe('TERMINAL_UNAVAILABLE');
    }
  });

  it('admin can switch a terminal offline and back', async () => {
    sim.admin.setTerminalStatus(tid('VCMTILLSIP0'), 'Offline');
    expect((await startSale('VCMTILLSIP0')).session.code).toBe('TERMINAL_UNAVAILABLE');
    sim.admin.setTerminalStatus(tid('VCMTILLSIP0'), 'Available');
    expect((await startSale('VCMTILLSIP0')).status).toBe(200);
  });

  it('matched refunds never exceed what is left; unlinked refunds need no intent', async () => {
    const { intent, session } = await startSale('VCMTILLSIP0', 1000);
    await runFor(session.id, 20_000);
    const matched = (amount: number) =>
      call({ method: 'POST', path: '/terminal-sessions', body: { terminalId: tid('VCMTILLSCP0'), details: { sessionType: 'MatchedRefund', matchedRefund: { paymentIntentId: intent.id, amount: { value: amount, currencyCode: 'GBP' } } } } });
    const first = await matched(600);
    expect(first.status).toBe(200);
    expect((await matched(500)).status).toBe(400); // 600 is pending: only 400 left
    await runFor(first.body.id, 20_000);
    expect(await getIntent(intent.id)).toMatchObject({ status: 'Captured', refundedAmount: 600 });
    const second = await matched(400);
    await runFor(second.body.id, 20_000);
    expect(await getIntent(intent.id)).toMatchObject({ status: 'Refunded', refundedAmount: 1000 });
    expect((await getIntent(intent.id)).terminalSessionHistory).toHaveLength(3);

    const unlinked = await call({ method: 'POST', path: '/terminal-sessions', body: { terminalId: tid('VCMTILLSIP0'), details: { sessionType: 'UnlinkedRefund', unlinkedRefund: { amount: { value: 700, currencyCode: 'EUR' } } } } });
    expect(unlinked.status).toBe(200);
    expect((await runFor(unlinked.body.id, 20_000)).status).toBe('Captured');
  });

  it('API refunds need idempotencyKey and the same key returns the same refund', async () => {
    const { intent, session } = await startSale('VCMTILLSIP0', 1000);
    await runFor(session.id, 20_000);
    expect((await call({ method: 'POST', path: `/payment-intents/${intent.id}/refunds`, body: { amount: 100 } })).status).toBe(400);
    const a = await call({ method: 'POST', path: `/payment-intents/${intent.id}/refunds`, headers: { idempotencyKey: 'k1' }, body: { amount: 100 } });
    const b = await call({ method: 'POST', path: `/payment-intents/${intent.id}/refunds`, headers: { idempotencyKey: 'k1' }, body: { amount: 100 } });
    expect(a.body.refundId).toMatch(/^rfnd_sandbox_/);
    expect(b.body.refundId).toBe(a.body.refundId);
    expect((await getIntent(intent.id)).refundedAmount).toBe(100);
  });

  it('search finds intents by date range and status, page by page', async () => {
    for (let i = 0; i < 5; i++) await call({ method: 'POST', path: '/payment-intents', body: { amount: { value: 100 + i, currencyCode: 'GBP' }, reference: `S${i}` } });
    const first = (await call({ method: 'POST', path: '/payment-intents/search', body: { statuses: ['Created'], cursor: { limit: 2 } } })).body;
    expect(first.data.map((i: any) => i.reference)).toEqual(['S0', 'S1']);
    const second = (await call({ method: 'POST', path: '/payment-intents/search', body: { statuses: ['Created'], cursor: { limit: 2, after: first.after } } })).body;
    expect(second.data.map((i: any) => i.reference)).toEqual(['S2', 'S3']);
    const none = (await call({ method: 'POST', path: '/payment-intents/search', body: { startDate: '2030-01-01T00:00:00Z' } })).body;
    expect(none.data).toEqual([]);
  });
});

describe('auth and headers like Dojo', () => {
  it.each([
    ['no key', { key: null }, 401],
    ['a Bearer key', { headers: { authorization: 'Bearer sk_sandbox_abc12345' } }, 401],
    ['a production key on the sandbox', { key: 'sk_prod_abc12345' }, 401],
    ['no version', { version: null }, 400],
    ['an unknown version', { version: '2024-01-01' }, 400],
    ['no partner headers', { partnerHeaders: false }, 401],
    ['no reseller-id', { headers: { 'reseller-id': null } }, 401],
  ] as const)('refuses %s', async (_name, options, status) => {
    const response = await call({ path: '/terminals', ...options });
    expect(response.status).toBe(status);
    expect(response.body.traceId).toMatch(/^00-/);
  });

  it('payment-intent calls do not need the partner headers', async () => {
    expect((await call({ method: 'POST', path: '/payment-intents', partnerHeaders: false, body: { amount: { value: 1, currencyCode: 'GBP' }, reference: 'x' } })).status).toBe(200);
  });

  it('a restricted key list turns a well-formed but unknown key away', async () => {
    sim.admin.acceptKeys(['sk_sandbox_only_this_one']);
    expect((await call({ path: '/terminals' })).status).toBe(401);
    expect((await call({ path: '/terminals', key: 'sk_sandbox_only_this_one' })).status).toBe(200);
  });

  it('a production simulator issues ids without _sandbox_', async () => {
    const prod = await startSimulator({ clock: 'manual', environment: 'production' });
    const intent = await dojo(prod.url, { method: 'POST', path: '/payment-intents', key: 'sk_prod_abc12345', body: { amount: { value: 1, currencyCode: 'GBP' }, reference: 'x' } });
    expect(intent.body.id).toMatch(/^pi_(?!sandbox_)/);
    await prod.close();
  });
});

describe('faults', () => {
  it('status: the next N matching calls get 5xx and change nothing', async () => {
    sim.admin.injectFault({ kind: 'status', status: 502, count: 2, method: 'POST', path: '/payment-intents' });
    const body = { amount: { value: 1, currencyCode: 'GBP' }, reference: 'f' };
    expect((await call({ method: 'POST', path: '/payment-intents', body })).status).toBe(502);
    expect((await call({ method: 'POST', path: '/payment-intents', body })).status).toBe(502);
    expect(sim.admin.snapshot().intents).toHaveLength(0);
    expect((await call({ method: 'POST', path: '/payment-intents', body })).status).toBe(200);
  });

  it('drop: the change is made, the connection closes without an answer', async () => {
    sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/payment-intents' });
    await expect(call({ method: 'POST', path: '/payment-intents', body: { amount: { value: 1, currencyCode: 'GBP' }, reference: 'dropped' } })).rejects.toThrow();
    expect(sim.admin.snapshot().intents.map((i) => i.reference)).toEqual(['dropped']);
  });

  it('hang: no answer until the client gives up, and nothing happens', async () => {
    sim.admin.injectFault({ kind: 'hang', method: 'POST', path: '/payment-intents' });
    const signal = AbortSignal.timeout(300);
    await expect(fetch(`${sim.url}/payment-intents`, { method: 'POST', signal, headers: { authorization: 'Basic sk_sandbox_abc12345', version: '2026-02-27', 'content-type': 'application/json' }, body: '{"amount":{"value":1,"currencyCode":"GBP"},"reference":"h"}' })).rejects.toThrow();
    expect(sim.admin.snapshot().intents).toHaveLength(0);
  });

  it('malformed: the change is made and the body is not JSON', async () => {
    sim.admin.injectFault({ kind: 'malformed', method: 'POST', path: '/payment-intents' });
    const response = await call({ method: 'POST', path: '/payment-intents', body: { amount: { value: 1, currencyCode: 'GBP' }, reference: 'm' } });
    expect(response.status).toBe(200);
    expect(typeof response.body).toBe('string');
    expect(sim.admin.snapshot().intents).toHaveLength(1);
  });

  it('latency delays every answer', async () => {
    sim.admin.setLatency(120);
    const started = performance.now();
    await call({ path: '/terminals' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('the same controls work over the /__sim admin API', async () => {
    const post = (p: string, body: unknown, method = 'POST') => fetch(`${sim.url}/__sim${p}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/faults', { kind: 'status', status: 500, path: '/terminals' })).status).toBe(200);
    expect((await call({ path: '/terminals' })).status).toBe(500);
    const added = (await (await post('/terminals', { tid: 'VCMNEWWSCP0' })).json()) as any;
    expect(added.properties.tid).toBe('VCMNEWWSCP0');
    expect((await post(`/terminals/${added.id}/status`, { status: 'Offline' }, 'PUT')).status).toBe(200);
    expect((await post('/clock/advance', { ms: 1000 })).status).toBe(200);
    expect((await post('/faults', { kind: 'explode' })).status).toBe(400);
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as any;
    expect(state.terminals.find((t: any) => t.id === added.id).status).toBe('Offline');
    expect((await post('/reset', {})).status).toBe(200);
    expect((await call({ path: '/terminals' })).body).toHaveLength(11);
  });
});

describe('speed factor', () => {
  it('at speed 50 one real millisecond is 50 of Dojo\'s (the clock, with real time held still by the test)', () => {
    const real = vi.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const clock = realClock(50, 0);
      expect(clock.now()).toBe(0);
      real.mockReturnValue(1_000_400);
      expect(clock.now()).toBe(20_000);
    } finally {
      real.mockRestore();
    }
  });

  it('at speed 50 a chip & PIN sale runs its whole script (many Dojo seconds) and ends Captured', async () => {
    const fast = await startSimulator({ speed: 50 });
    try {
      const intent = (await dojo(fast.url, { method: 'POST', path: '/payment-intents', body: { amount: { value: 1, currencyCode: 'GBP' }, reference: 'fast' } })).body;
      const terminal = fast.admin.terminalByTid('VCMTILLSIP0')!.id;
      const started = performance.now();
      const session = (await dojo(fast.url, { method: 'POST', path: '/terminal-sessions', body: { terminalId: terminal, details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } } })).body;
      // Waits for the state (a generous bound), never for the clock; the real time it took is a figure, not a test.
      let read = session;
      for (const deadline = Date.now() + 30_000; read.status !== 'Captured'; await new Promise((r) => setTimeout(r, 10))) {
        if (Date.now() > deadline) throw new Error(`still ${read.status}`);
        read = (await dojo(fast.url, { path: `/terminal-sessions/${session.id}` })).body;
      }
      const captured = read.statusEvents.find((e: { status: string }) => e.status === 'Captured');
      const dojoSeconds = (Date.parse(captured.createdAt) - Date.parse(session.statusEvents[0].createdAt)) / 1000;
      expect(dojoSeconds).toBeGreaterThanOrEqual(5);
      console.log(`speed 50: ${dojoSeconds.toFixed(1)} s of Dojo time in ${Math.round(performance.now() - started)} ms of real time`);
    } finally {
      await fast.close();
    }
  });
});

describe('npm run sim', () => {
  it('starts standalone and prints its URL and terminals', async () => {
    const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'src/simulator/cli.ts', '--port', '0', '--speed', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('VCMOFFLSIP0')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('VCMTILLSIP0');
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
    expect(url).toBeTruthy();
  });
});
