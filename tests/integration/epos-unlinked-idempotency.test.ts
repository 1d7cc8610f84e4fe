import { afterEach, describe, expect, it } from 'vitest';
import { startTill, type TillUnderTest } from '../support/till-services';
import { eposConforms } from '../support/epos-openapi';

// Fraud review item 1: POST /v1/refunds/unlinked honours Idempotency-Key like sales and matched refunds do. A
// retried request returns the same refund request (then its refund), never a second request for the supervisor
// nor a second refund, also after a restart of the companion; the same key with another body is a clear 422.

const PIN = '246813';
const tills: TillUnderTest[] = [];
afterEach(async () => {
  for (const till of tills.splice(0)) await till.close();
});

async function till() {
  const t = await startTill({ sandbox: true });
  tills.push(t);
  await t.ok('settings:setSupervisorPin', { next: PIN, confirm: PIN });
  await t.ok('settings:update', { terminalId: await t.terminal('VCMTILLSIP0') });
  return t;
}

/** POST /v1/refunds/unlinked over real HTTP, checked against the OpenAPI document. */
async function ask(t: TillUnderTest, body: Record<string, unknown>, key?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.services.epos.url}/v1/refunds/unlinked`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.services.epos.secrets()[0]}`, 'till-environment': t.services.environment(), 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const json: any = await response.json();
  eposConforms('POST', '/v1/refunds/unlinked', response.status, json);
  return { status: response.status, body: json, replayed: response.headers.get('idempotent-replayed') };
}

const unlinkedRefundsAtDojo = (t: TillUnderTest) => t.sim!.admin.snapshot().sessions.filter((s: { sessionType: string }) => s.sessionType === 'UnlinkedRefund').length;
const unlinkedRefundsInJournal = async (t: TillUnderTest) => (await t.ok<{ total: number }>('history:list', { types: ['UnlinkedRefund'] })).total;

describe('EPOS unlinked refunds: Idempotency-Key', () => {
  it('a retry while the request waits is the same request (also 10 at once): one request for the supervisor', async () => {
    const t = await till();
    const body = { amount: 900, currency: 'GBP', reference: 'RETURN-1' };
    const first = await ask(t, body, 'return-1');
    expect(first.status).toBe(202);
    const retries = await Promise.all(Array.from({ length: 10 }, () => ask(t, body, 'return-1')));
    for (const retry of retries) {
      expect(retry).toMatchObject({ status: 200, replayed: 'true', body: { requestId: first.body.requestId, status: 'awaiting_confirmation' } });
    }
    expect(t.services.epos.pendingRequests()).toHaveLength(1);
  });

  it('ten identical first requests sent at once make one request', async () => {
    const t = await till();
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(t, { amount: 700, currency: 'GBP' }, 'burst-1')));
    expect(new Set(answers.map((a) => a.body.requestId)).size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(t.services.epos.pendingRequests()).toHaveLength(1);
  });

  it('after the supervisor confirmed it, a retry answers the started request with its refund; no second refund, no second request', async () => {
    const t = await till();
    const body = { amount: 1200, currency: 'GBP', reference: 'RETURN-2' };
    const first = await ask(t, body, 'return-2');
    const payment = await t.services.epos.confirmRequest({ requestId: first.body.requestId, amount: 1200, currency: 'GBP', supervisorPin: PIN });
    expect((await t.finish(payment.id)).status).toBe('approved');
    // The retry needs no Till-Environment header (as for sales: a replay is answered header or not).
    const retry = await ask(t, body, 'return-2', { 'till-environment': '' });
    expect(retry).toMatchObject({ status: 200, replayed: 'true', body: { requestId: first.body.requestId, status: 'started', paymentId: payment.id } });
    expect(t.services.epos.pendingRequests()).toHaveLength(0);
    expect(unlinkedRefundsAtDojo(t)).toBe(1);
    expect(await unlinkedRefundsInJournal(t)).toBe(1);
  });

  it('after a decline, a retry answers declined and puts nothing new to the supervisor', async () => {
    const t = await till();
    const first = await ask(t, { amount: 500, currency: 'GBP' }, 'return-3');
    t.services.epos.declineRequest(first.body.requestId);
    const retry = await ask(t, { amount: 500, currency: 'GBP' }, 'return-3');
    expect(retry).toMatchObject({ status: 200, body: { requestId: first.body.requestId, status: 'declined', paymentId: null } });
    expect(t.services.epos.pendingRequests()).toHaveLength(0);
  });

  it('after a restart of the companion, a retry finds the refund the key started (same requestId), never a new request', async () => {
    const t = await till();
    const body = { amount: 1500, currency: 'GBP', reference: 'RETURN-4' };
    const first = await ask(t, body, 'return-4');
    const payment = await t.services.epos.confirmRequest({ requestId: first.body.requestId, amount: 1500, currency: 'GBP', supervisorPin: PIN });
    expect((await t.finish(payment.id)).status).toBe('approved');
    await t.restart();
    const retry = await ask(t, body, 'return-4');
    expect(retry).toMatchObject({ status: 200, replayed: 'true', body: { requestId: first.body.requestId, status: 'started', paymentId: payment.id, amount: 1500, reference: 'RETURN-4' } });
    const followed = await fetch(`${t.services.epos.url}/v1/refund-requests/${first.body.requestId}`, { headers: { authorization: `Bearer ${t.services.epos.secrets()[0]}` } });
    expect(await followed.json()).toMatchObject({ status: 'started', paymentId: payment.id });
    expect(t.services.epos.pendingRequests()).toHaveLength(0);
    // The same key with another amount after the restart is refused too.
    expect((await ask(t, { ...body, amount: 1600 }, 'return-4')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(unlinkedRefundsAtDojo(t)).toBe(1);
    expect(await unlinkedRefundsInJournal(t)).toBe(1);
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and nothing is queued or started', async () => {
    const t = await till();
    const first = await ask(t, { amount: 900, currency: 'GBP', reference: 'RETURN-5' }, 'return-5');
    for (const other of [{ amount: 9000, currency: 'GBP', reference: 'RETURN-5' }, { amount: 900, currency: 'EUR', reference: 'RETURN-5' }, { amount: 900, currency: 'GBP', reference: 'RETURN-6' }, { amount: 900, currency: 'GBP' }]) {
      const refused = await ask(t, other, 'return-5');
      expect(refused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED', errors: { 'Idempotency-Key': expect.any(Array) } } });
    }
    expect(t.services.epos.pendingRequests().map((r) => r.requestId)).toEqual([first.body.requestId]);
    expect(t.services.epos.pendingRequests()[0]).toMatchObject({ amount: 900, currency: 'GBP', reference: 'RETURN-5' });
  });

  it('without a key every request is a new one (the EPOS chose not to deduplicate)', async () => {
    const t = await till();
    const a = await ask(t, { amount: 100, currency: 'GBP' });
    const b = await ask(t, { amount: 100, currency: 'GBP' });
    expect(a.body.requestId).not.toBe(b.body.requestId);
    expect(t.services.epos.pendingRequests()).toHaveLength(2);
  });
});
