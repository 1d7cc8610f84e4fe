import { afterEach, describe, expect, it } from 'vitest';
import { tradingDay } from '../../src/shared/dates';
import { startTill, type TillUnderTest } from '../support/till-services';

/**
 * Issue 13 through the same dispatcher the renderer's bridge uses, and the EPOS API: what a cashier and an EPOS
 * see while Dojo cannot be reached, and a person's verdict: guarded by the supervisor PIN (checked in main),
 * recorded with who, when and why, audited, checked against Dojo's record, and flagged when Dojo contradicts it.
 */
const PIN = '246813';
let t: TillUnderTest | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('needs attention, through the bridge and the EPOS API', () => {
  it('says Dojo cannot be reached; resolving needs the PIN and records who/when/why; a verdict Dojo contradicts is flagged on the screen and to the EPOS', async () => {
    t = await startTill({ sandbox: true });
    const till = t;
    await till.services.authority.setPin({ next: PIN, confirm: PIN });
    const terminalId = await till.terminal('VCMTILLSIP0');
    // Dojo stops answering reads as the payment starts: the session is created, every poll fails.
    till.sim!.admin.injectFault({ kind: 'status', status: 503, count: 100_000, method: 'GET' });
    const sale = await till.ok('payment:startSale', { amount: 2500, currency: 'GBP', reference: 'VERDICT-1', terminalId });

    // The EPOS sees the state, not a stale prompt: Dojo cannot be reached, still trying, no Cancel.
    await till.finish(sale.id, (v) => !v.dojoReachable);
    const lost = (await till.epos('GET', `/v1/payments/${sale.id}`)).body;
    expect(lost).toMatchObject({ dojoReachable: false, canCancel: false, message: expect.stringMatching(/^Dojo cannot be reached — still trying \(last answer \d+ (s|min) ago\)\. Follow the terminal; do not start the payment again\.$/) });
    expect(lost.lastDojoAnswerAt).toEqual(expect.any(String));
    // A cancel sent anyway is refused with the reason (Dojo stays silent until the test clears the fault, so the
    // payment is still running with contact lost, or already needs attention: either way nothing was cancelled).
    const cancel = await till.epos('POST', `/v1/payments/${sale.id}/cancel`);
    expect(cancel).toMatchObject({ status: 409, body: { code: 'CANNOT_CANCEL' } });
    if ((await till.epos('GET', `/v1/payments/${sale.id}`)).body.status === 'in_progress') expect(cancel.body.detail).toMatch(/^Dojo cannot be reached, so the till cannot cancel/);
    expect(lost.slip.map((l: any) => l.text?.value).join(' ')).toMatch(/DO NOT TAKE THIS PAYMENT AGAIN/);

    await till.finish(sale.id, (v) => v.status === 'needs_attention');
    const verdict = { paymentId: sale.id, outcome: 'not_charged', note: 'The terminal showed nothing', by: 'Sam' };
    expect(await till.dispatch('payment:resolve', verdict)).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await till.dispatch('payment:resolve', { ...verdict, supervisorPin: '975310' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // A renderer (or a DevTools console) without the PIN changed nothing; the EPOS has no way to record a verdict at all.
    expect((await till.epos('POST', `/v1/payments/${sale.id}/resolve`, { outcome: 'not_charged', note: 'EPOS says so' })).status).toBe(404);
    expect(till.services.payments().payment(sale.id)).toMatchObject({ status: 'needs_attention', resolution: null });
    const refused = (await till.ok('audit:list', { limit: 50 })).entries.filter((e: any) => e.action === 'payment.resolve' && e.outcome === 'refused');
    expect(refused).toHaveLength(2);
    const recorded = await till.ok('payment:resolve', { ...verdict, supervisorPin: PIN });
    expect(recorded).toMatchObject({ status: 'failed', resolution: { outcome: 'not_charged', note: 'The terminal showed nothing', by: 'Sam', dojo: 'pending' } });
    // History, the CSV and the day totals show it as a person's word while Dojo has not settled it.
    const listed = (await till.ok('history:list', { limit: 10, offset: 0 })).items.find((p: any) => p.id === sale.id);
    expect(listed).toMatchObject({ status: 'failed', resolution: { by: 'Sam', note: 'The terminal showed nothing', at: expect.any(String) } });
    const csv = (await till.ok('history:exportCsv', { limit: 10, offset: 0 })).csv.trim().split('\r\n');
    expect(csv[0]).toMatch(/,Resolution$/);
    expect(csv.find((line: string) => line.includes('VERDICT-1'))).toMatch(/by hand: not charged \(Sam, supervisor PIN, .*\): The terminal showed nothing \[Dojo not asked yet\]/);
    const audit = await till.ok('audit:list', { limit: 50 });
    expect(audit.entries.find((e: any) => e.action === 'payment.resolve' && e.outcome === 'ok')).toMatchObject({ subject: sale.id, detail: expect.objectContaining({ by: 'Sam', note: 'The terminal showed nothing' }) });

    // Dojo answers: the customer did pay. The verdict is contradicted at once, on the screen and to the EPOS.
    till.sim!.admin.clearFaults();
    const flagged = await till.finish(sale.id, (v) => v.contradiction !== null);
    expect(flagged).toMatchObject({ status: 'approved', resolution: { dojo: 'contradicted' }, contradiction: { verdict: 'not_charged', dojoSays: 'approved', acknowledged: false } });
    expect((await till.epos('GET', `/v1/payments/${sale.id}`)).body).toMatchObject({ status: 'approved', contradiction: { acknowledged: false, message: expect.stringMatching(/Dojo's record shows it was charged/) } });
    expect((await till.ok('payment:listActive')).payments.map((p: any) => p.id)).toContain(sale.id);

    const acknowledge = { paymentId: sale.id, note: 'Customer paid once; nothing more to do', by: 'Alex' };
    expect(await till.dispatch('payment:acknowledgeContradiction', acknowledge)).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await till.ok('payment:acknowledgeContradiction', { ...acknowledge, supervisorPin: PIN })).toMatchObject({ contradiction: { acknowledged: true } });
    expect((await till.ok('payment:listActive')).payments.map((p: any) => p.id)).not.toContain(sale.id);
    // Now Dojo's: the CSV says so, the totals count it with Dojo's approvals (not by hand).
    expect((await till.ok('history:exportCsv', { limit: 10, offset: 0 })).csv).toMatch(/by hand: not charged .*\[Dojo contradicts it\]/);
    const day = tradingDay(new Date(Date.parse(listed.createdAt)));
    expect((await till.ok('history:totals', { from: day, to: day })).rows).toEqual([expect.objectContaining({ type: 'Sale', count: 1, total: 2500, handCount: 0, handTotal: 0 })]);
    const detail = await till.ok('payment:get', { paymentId: sale.id });
    expect(detail.events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['resolved', 'verdict_contradicted', 'contradiction_acknowledged']));
  });
});

describe("the terminal's word, through the bridge and the EPOS API", () => {
  it('a rejected signature whose reversal never happens: declined "confirming" to the EPOS, then flagged (source terminal) on the screen and to the EPOS; acknowledged with the PIN', async () => {
    t = await startTill({ sandbox: true });
    const till = t;
    await till.services.authority.setPin({ next: PIN, confirm: PIN });
    till.sim!.admin.addTerminal({ tid: 'VCMTILLAIS0' });
    // The intent shows the capture (no reversal) 5 minutes of Dojo time later: the "confirming" answer lasts.
    till.sim!.admin.setReadings({ reversalLagMs: 300_000, rejectedSignature: 'notReversed' });
    const terminalId = await till.terminal('VCMTILLAIS0');
    const sale = await till.ok('payment:startSale', { amount: 3100, currency: 'GBP', reference: 'WORD-1', terminalId });
    await till.finish(sale.id, (v) => v.status === 'signature_required');
    await till.ok('payment:answerSignature', { paymentId: sale.id, accepted: false });
    await till.finish(sale.id);
    const told = (await till.epos('GET', `/v1/payments/${sale.id}`)).body;
    expect(told).toMatchObject({ status: 'declined', contradiction: null, dojoCheck: { canTell: true }, message: expect.stringMatching(/confirming it with Dojo/) });
    // An EPOS long-polling the declined sale (it may still change) is answered when it does.
    let seen = told;
    for (let i = 0; i < 200 && !seen.contradiction; i++) seen = (await till.epos('GET', `/v1/payments/${sale.id}?wait=30&since=${encodeURIComponent(seen.updatedAt)}`)).body;
    expect(seen).toMatchObject({ status: 'approved', contradiction: { source: 'terminal', verdict: 'not_charged', dojoSays: 'approved', acknowledged: false, message: expect.stringMatching(/terminal reported the signature rejected/) } });
    expect((await till.ok('payment:listActive')).payments.map((p: any) => p.id)).toContain(sale.id);
    const acknowledge = { paymentId: sale.id, note: 'Customer told; goods kept back, payment refunded', by: 'Alex' };
    expect(await till.dispatch('payment:acknowledgeContradiction', acknowledge)).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await till.ok('payment:acknowledgeContradiction', { ...acknowledge, supervisorPin: PIN })).toMatchObject({ contradiction: { acknowledged: true } });
    expect((await till.ok('payment:listActive')).payments.map((p: any) => p.id)).not.toContain(sale.id);
  });
});
