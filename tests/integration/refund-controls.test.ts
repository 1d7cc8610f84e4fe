import { describe, expect, it } from 'vitest';
import type { PaymentView } from '../../src/shared/payments';
import type { TillUnderTest } from '../support/till-services';
import { offsetToYesterdayAt, tillsForEachTest } from '../support/supervised-tills';

// Issue 14, items 4-6, at the service level through the same dispatcher the renderer's bridge uses, and the EPOS
// API over real HTTP.

const PIN = '246813';
const { supervised: till } = tillsForEachTest(PIN);

async function approvedSale(t: TillUnderTest, tid: string, amount: number, reference?: string): Promise<PaymentView> {
  const sale = await t.ok<PaymentView>('payment:startSale', { amount, currency: 'GBP', terminalId: await t.terminal(tid), ...(reference ? { reference } : {}) });
  const done = await t.finish(sale.id);
  expect(done.status).toBe('approved');
  return done;
}

const unlinked = async (t: TillUnderTest, amount: number, currency: 'GBP' | 'EUR' = 'GBP', tid = 'VCMTILLSIP0') =>
  t.dispatch('payment:startUnlinkedRefund', { amount, currency, terminalId: await t.terminal(tid), supervisorPin: PIN });

async function refundedOk(t: TillUnderTest, amount: number, currency: 'GBP' | 'EUR' = 'GBP') {
  const result = await unlinked(t, amount, currency);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  expect((await t.finish((result.data as PaymentView).id)).status).toBe('approved');
}

describe('4. a refund never exceeds what the customer paid by card', () => {
  it('cashback is not refundable: a £1 sale with £20 cashback refunds at most £1 (till and EPOS)', async () => {
    const t = await till();
    const sale = await approvedSale(t, 'VCMCASHSIP0', 100, 'CASHBACK-1');
    expect(sale.result).toMatchObject({ totalAmount: 2100, cashbackAmount: 2000 });
    expect(sale.refundableAmount).toBe(100);
    const terminalId = await t.terminal('VCMTILLSIP0');
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 2100, terminalId })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/cashback/) } });
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 101, terminalId })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await t.epos('POST', '/v1/refunds', { reference: 'CASHBACK-1', amount: 2100 })).status).toBe(400);
    const refund = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 100, terminalId });
    expect((await t.finish(refund.id)).status).toBe('approved');
    expect(t.services.payments().payment(sale.id)).toMatchObject({ refundedAmount: 100, refundableAmount: 0 });
  });

  // Dojo does not say whether totalAmount counts the cashback (docs/dojo-api.md A6): the cap must hold under both.
  it.each(['withCashback', 'withoutCashback'] as const)('Dojo\'s totalAmount %s: the card paid £1.00 and £1.00 is what can be refunded (till and EPOS)', async (reading) => {
    const t = await till({ sandbox: true });
    t.sim!.admin.setReadings({ totalAmount: reading });
    const sale = await approvedSale(t, 'VCMCASHSIP0', 100, `CASHBACK-${reading}`);
    // The till shows what the card was charged under either reading (payments/amounts.ts).
    expect(sale.result).toMatchObject({ totalAmount: 2100, cashbackAmount: 2000 });
    expect(sale.refundableAmount).toBe(100);
    const terminalId = await t.terminal('VCMTILLSIP0');
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 101, terminalId })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await t.epos('POST', '/v1/refunds', { reference: `CASHBACK-${reading}`, amount: 101 })).status).toBe(400);
    const refund = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 100, terminalId });
    expect((await t.finish(refund.id)).status).toBe('approved');
    expect(t.services.payments().payment(sale.id)).toMatchObject({ refundedAmount: 100, refundableAmount: 0 });
    // Gratuity was paid by card: refundable with the goods under either reading.
    const tipped = await approvedSale(t, 'VCMTIPSSIP0', 1000);
    expect(tipped.refundableAmount).toBe(1150);
  });

  it('gratuity was paid by card and is refundable with the goods', async () => {
    const t = await till();
    const sale = await approvedSale(t, 'VCMTIPSSIP0', 1000);
    expect(sale).toMatchObject({ result: { totalAmount: 1150, tipsAmount: 150 }, refundableAmount: 1150 });
  });

  it('a refund still in progress counts against what is left', async () => {
    // Real time: the card that never comes keeps its refund running for well over a minute.
    const t = await till({ sandbox: true, speed: 1 });
    const sale = await approvedSale(t, 'VCMTILLSCP0', 3000);
    const running = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 2000, terminalId: await t.terminal('VCMTILLVIP0') });
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 1001, terminalId: await t.terminal('VCMTILLSIP0') })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/in progress/) },
    });
    expect(t.services.payments().payment(running.id).status).not.toBe('approved');
  });

  it('matched refunds above the build threshold need the supervisor PIN, from the till and from the EPOS', async () => {
    const t = await till({ tillBuild: { matchedRefundPinThreshold: { GBP: 1000, EUR: 1000 } } });
    const sale = await approvedSale(t, 'VCMTILLSIP0', 5000, 'BIG-SALE');
    const terminalId = await t.terminal('VCMTILLSCP0');
    const small = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 1000, terminalId });
    await t.finish(small.id);
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 1001, terminalId })).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    const big = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 1500, terminalId, supervisorPin: PIN });
    await t.finish(big.id);
    const audit = await t.audit();
    expect(audit.find((e) => e.action === 'refund.matched' && e.outcome === 'ok')).toMatchObject({ actor: 'supervisor', subject: sale.id, detail: { amount: 1500 } });

    // From the EPOS: at or below the threshold it starts at once; above it waits for the supervisor on the till.
    // (On another sale: this one has given back more than the threshold already, so any refund of it needs the PIN.)
    const second = await approvedSale(t, 'VCMTILLSIP0', 5000, 'BIG-SALE-2');
    const below = await t.epos('POST', '/v1/refunds', { reference: 'BIG-SALE-2', amount: 500 });
    expect(below).toMatchObject({ status: 202, body: { paymentId: expect.any(String) } });
    await t.finish(below.body.paymentId);
    const asked = await t.epos('POST', '/v1/refunds', { reference: 'BIG-SALE-2', amount: 1200 });
    expect(asked).toMatchObject({ status: 202, body: { requestId: expect.stringMatching(/^rr_/), kind: 'matched', status: 'awaiting_confirmation', amount: 1200 } });
    expect(t.services.epos.pendingRequests()).toMatchObject([{ kind: 'matched', saleId: second.id, amount: 1200 }]);
    const request = { requestId: asked.body.requestId, amount: 1200, currency: 'GBP' };
    expect(await t.dispatch('epos:confirmRefundRequest', request)).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    const started = await t.ok<PaymentView>('epos:confirmRefundRequest', { ...request, supervisorPin: PIN });
    expect(started).toMatchObject({ type: 'MatchedRefund', amount: 1200, originalPaymentId: second.id });
    expect((await t.epos('GET', `/v1/refund-requests/${asked.body.requestId}`)).body).toMatchObject({ status: 'started', paymentId: started.id });
    await t.finish(started.id);
    expect(t.services.payments().payment(sale.id).refundedAmount).toBe(1000 + 1500);
    expect(t.services.payments().payment(second.id).refundedAmount).toBe(500 + 1200);
  });
});

describe('5. the EPOS cannot swap the refund request under the supervisor\'s PIN', () => {
  it('a flood of requests never evicts the one on screen: past the cap the EPOS gets 429, and the £5.00 shown is what starts', async () => {
    // The API's connection and rate caps raised, so all 250 reach the request queue this test is about.
    const t = await till({ eposLimits: { connections: 512, rate: { perSecond: 1e6, burst: 1e6 } } });
    const first = await t.epos('POST', '/v1/refunds/unlinked', { amount: 500, currency: 'GBP', reference: 'SHOWN' });
    expect(first.status).toBe(202);
    expect(t.services.epos.pendingRequests()[0]).toMatchObject({ requestId: first.body.requestId, amount: 500, terminalId: await t.terminal('VCMTILLSIP0') });
    const flood = await Promise.all(Array.from({ length: 250 }, (_, i) => t.epos('POST', '/v1/refunds/unlinked', { amount: 4999, currency: 'GBP', reference: `FLOOD-${i}` })));
    expect(flood.filter((r) => r.status === 202)).toHaveLength(19);
    const refused = flood.filter((r) => r.status === 429);
    expect(refused).toHaveLength(231);
    expect(refused[0]!.headers.get('retry-after')).toBe('30');
    expect(refused[0]!.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const pending = t.services.epos.pendingRequests();
    expect(pending).toHaveLength(20);
    expect(pending[0]).toMatchObject({ requestId: first.body.requestId, amount: 500 });

    // A confirmation carries what the supervisor saw; one that does not match the request starts nothing.
    expect(await t.dispatch('epos:confirmRefundRequest', { requestId: pending[1]!.requestId, amount: 500, currency: 'GBP', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const started = await t.ok<PaymentView>('epos:confirmRefundRequest', { requestId: first.body.requestId, amount: 500, currency: 'GBP', supervisorPin: PIN });
    expect(started).toMatchObject({ type: 'UnlinkedRefund', amount: 500, reference: 'SHOWN' });
    expect(t.services.payments().history({ limit: 50, offset: 0, types: ['UnlinkedRefund'] }).items.map((p) => p.amount)).toEqual([500]);
    // Answered requests make room again.
    expect((await t.epos('POST', '/v1/refunds/unlinked', { amount: 100, currency: 'GBP' })).status).toBe(202);
  });

  it('two confirmations of the same request start one refund', async () => {
    const t = await till();
    const asked = (await t.epos('POST', '/v1/refunds/unlinked', { amount: 300, currency: 'GBP' })).body;
    const confirm = { requestId: asked.requestId, amount: 300, currency: 'GBP', supervisorPin: PIN };
    const [a, b] = await Promise.all([t.dispatch('epos:confirmRefundRequest', confirm), t.dispatch('epos:confirmRefundRequest', confirm)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(t.services.payments().history({ limit: 50, offset: 0, types: ['UnlinkedRefund'] }).total).toBe(1);
  });
});

describe('6. unlinked-refund limits per currency and daily caps per till, enforced in main', () => {
  it('the limit is per currency: switching GBP to EUR does not turn £100 into €100', async () => {
    const t = await till();
    await t.ok('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { GBP: 10_000, EUR: 2_000 } });
    await t.ok('settings:update', { currency: 'EUR' });
    expect(await t.ok('settings:get')).toMatchObject({ currency: 'EUR', unlinkedRefundLimit: 2_000, limits: { unlinkedRefund: { GBP: 10_000, EUR: 2_000 } } });
    expect(await unlinked(t, 5_000, 'EUR')).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/€20\.00/) } });
    await refundedOk(t, 5_000, 'GBP');
    await refundedOk(t, 2_000, 'EUR');
    expect((await t.epos('POST', '/v1/refunds/unlinked', { amount: 2_001, currency: 'EUR' })).status).toBe(422);
  });

  it('daily caps (count and amount) stop a large refund being split, survive a restart and reset the next day', async () => {
    let offset = 0;
    const t = await till({ now: () => Date.now() + offset });
    await t.ok('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { GBP: 5_000 }, daily: { count: 3, amount: { GBP: 6_000 } } });
    await refundedOk(t, 2_500);
    await refundedOk(t, 2_500);
    expect(await unlinked(t, 2_000)).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/£60\.00.*£10\.00 left/) } });
    expect((await t.epos('POST', '/v1/refunds/unlinked', { amount: 2_000, currency: 'GBP' })).status).toBe(422);
    await refundedOk(t, 1_000);
    expect((await t.ok('settings:get')).limits.usedToday).toEqual({ count: 3, amount: { GBP: 6_000, EUR: 0 } });
    await t.restart();
    expect(await unlinked(t, 1, 'EUR')).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/3 unlinked refunds today/) } });
    offset = 24 * 60 * 60_000;
    await refundedOk(t, 2_500);
  });

  it('the caps count the trading day, and only a supervisor can move its start (a cashier could otherwise restart them)', async () => {
    let offset = offsetToYesterdayAt(10, 30); // the till's clock at 10:30 yesterday
    const t = await till({ now: () => Date.now() + offset });
    await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { count: 1 } });
    await refundedOk(t, 1_000); // at 10:30
    offset += 10 * 60_000; // 10:40
    // A day starting at 10:35 would leave the 10:30 refund on "yesterday" and allow another one.
    expect(await t.dispatch('settings:update', { tradingDayStart: '10:35' })).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect((await t.ok('settings:get')).tradingDayStart).toBe('00:00');
    expect(await unlinked(t, 1_000)).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    // The supervisor may (it is their decision, and it is audited).
    expect(await t.dispatch('settings:update', { tradingDayStart: '10:35', supervisorPin: PIN })).toMatchObject({ ok: true, data: { tradingDayStart: '10:35' } });
    const audit = await t.audit();
    expect(audit.find((e) => e.action === 'trading_day.change' && e.outcome === 'ok')).toMatchObject({ actor: 'supervisor', detail: { from: '00:00', to: '10:35' } });
    await refundedOk(t, 1_000);
  });

  it('refunds that gave no money do not count; refunds approved at the same moment cannot both squeeze under the cap', async () => {
    const t = await till();
    await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { amount: { GBP: 6_000 } } });
    const declined = await unlinked(t, 5_000, 'GBP', 'VCMTILLCIP0'); // cancelled on the terminal
    expect((await t.finish((declined as { data: PaymentView }).data.id)).status).toBe('cancelled');
    const [a, b] = await Promise.all([unlinked(t, 4_000, 'GBP', 'VCMTILLSIP0'), unlinked(t, 4_000, 'GBP', 'VCMTILLSCP0')]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ error: { code: 'LIMIT_EXCEEDED' } });
  });
});
