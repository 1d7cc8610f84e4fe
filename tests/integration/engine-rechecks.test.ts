import { afterEach, describe, expect, it } from 'vitest';
import { tradingDay } from '../../src/shared/dates';
import { FINAL_STATUSES, type PaymentView } from '../../src/shared/payments';
import { auditAgainstSimulator, engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';
import { eodOn, movableDays } from '../support/eod';

/**
 * Issue 13: Dojo first, people last. A payment Dojo has not settled is asked about again until Dojo answers and
 * settles by itself; a person is asked only what Dojo cannot tell, and their verdict is checked against Dojo.
 */
let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Dojo gives up on the payment's reads (sessions and intents) until the faults are cleared. */
const outage = (harness: EngineHarness) => harness.sim.admin.injectFault({ kind: 'status', status: 503, count: 100_000, method: 'GET' });
const sale = (harness: EngineHarness, tid: string, amount = 1250) => harness.engine.startSale({ amount, currency: 'GBP', terminalId: harness.terminal(tid) });
const needsAttention = (v: PaymentView) => v.status === 'needs_attention';
/** Final: settled, not waiting for a person. */
const settled = (v: PaymentView) => FINAL_STATUSES.includes(v.status);
const kinds = (harness: EngineHarness, id: string) => harness.engine.get(id).events.map((e) => e.kind);

/**
 * A sale whose outcome Dojo could not tell while the customer paid: Dojo stops answering reads as soon as it has
 * started (the terminal session is created; every poll fails), and it needs attention by the end of this.
 */
async function saleDuringOutage(harness: EngineHarness, tid: string) {
  outage(harness);
  const id = sale(harness, tid).id;
  const view = await harness.waitFor(id, (v) => needsAttention(v) || isEnded(v));
  expect(view.status).toBe('needs_attention');
  return id;
}

describe('keep asking Dojo', () => {
  it('an outage during a paid sale resolves to approved by itself once Dojo answers (no person involved)', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const id = await saleDuringOutage(h, 'VCMTILLSIP0');
    const waiting = h.engine.payment(id);
    expect(waiting.dojoCheck).toMatchObject({ canTell: true });
    expect(waiting.attention!.instruction).not.toMatch(/nothing.*record it as not charged/i);
    expect(waiting.attention!.instruction).toMatch(/keeps asking Dojo/);
    expect(waiting.slip!.map((l) => l.text?.value).join('\n')).toMatch(/DO NOT TAKE THIS[\s\S]*PAYMENT AGAIN[\s\S]*Reference: /);
    h.sim.admin.clearFaults();
    const done = await h.waitFor(id, settled);
    expect(done).toMatchObject({ status: 'approved', resolution: null, result: { totalAmount: 1250 } });
    expect(h.engine.get(id).events.find((e) => e.kind === 'resolved_by_dojo')!.message).toBe("Resolved from Dojo's record.");
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('an outage on a declined card resolves to declined', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const id = await saleDuringOutage(h, 'VCMTILLDIP0');
    h.sim.admin.clearFaults();
    expect((await h.waitFor(id, settled)).status).toBe('declined');
    expect(kinds(h, id)).toContain('resolved_by_dojo');
  });

  it('an outage while the customer never presents a card ends not charged (expired) by itself', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const id = await saleDuringOutage(h, 'VCMTILLVIP0');
    h.sim.admin.clearFaults();
    const done = await h.waitFor(id, settled);
    expect(done).toMatchObject({ status: 'expired', resolution: null });
    expect(done.message).toMatch(/Nothing was charged/);
    expect(h.sim.admin.snapshot().intents.find((i) => i.metadata?.['tillPaymentId'] === id)!.status).not.toBe('Captured');
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('asks again at once when Dojo answers again, and at start-up (not only on its backoff)', async () => {
    // Re-checks an hour apart: only "Dojo is back" and a restart can bring the answer within this test.
    h = await engineHarness({ policy: { graceMs: 2_000, recheckBaseMs: 3_600_000, recheckMaxMs: 3_600_000 } });
    const first = await saleDuringOutage(h, 'VCMTILLSIP0');
    h.sim.admin.clearFaults();
    // Another payment hears from Dojo: the one waiting is asked at once.
    await h.waitFor(sale(h, 'VCMTILLSCP0').id, isEnded);
    expect((await h.waitFor(first, settled)).status).toBe('approved');

    // No payment running: the terminal list the screen refreshes is the first answer from Dojo.
    const third = await saleDuringOutage(h, 'VCMTILLDIP0');
    h.sim.admin.clearFaults();
    await h.engine.listTerminals();
    expect((await h.waitFor(third, settled)).status).toBe('declined');

    const second = await saleDuringOutage(h, 'VCMTIPSSIP0');
    h.sim.admin.clearFaults();
    await h.restart();
    expect(await h.waitFor(second, settled)).toMatchObject({ status: 'approved', result: { tipsAmount: 150, totalAmount: 1400 } });
  });
});

describe('a "do not retry" slip on an unknown outcome', () => {
  const slipText = (v: PaymentView) => v.slip!.filter((l) => l.text).map((l) => l.text!.value);

  it('has the amount, the whole reference, the time, the terminal and "do not take this payment again until checked", at 58 mm width', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const harness = h;
    // A reference as long as the EPOS may send (60), with a word longer than a slip line.
    const reference = 'TABLE-14/SPLIT-BILL-PART-2-OF-3-ORDER-00012345678 Ms Okonkwo';
    expect(reference).toHaveLength(60);
    await harness.engine.listTerminals(); // as the till does: the slip names the terminal by its TID
    outage(harness);
    const started = harness.engine.startSale({ amount: 4_321, currency: 'GBP', reference, terminalId: harness.terminal('VCMTILLSIP0') });
    // Printable while the payment still runs with Dojo silent, and once it needs attention.
    const running = await harness.waitFor(started.id, (v) => !v.dojoReachable || isEnded(v));
    expect(running.slip).not.toBeNull();
    const waiting = await harness.waitFor(started.id, needsAttention);
    const lines = slipText(waiting);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(32);
    const all = lines.join('\n');
    expect(lines.slice(0, 3)).toEqual(['DO NOT TAKE THIS', 'PAYMENT AGAIN', 'until it has been checked']);
    expect(all).toContain('Sale £43.21');
    // Every character of the reference reaches the paper (wrapped, never cut).
    expect(lines.join('').replace(/\s/g, '')).toContain(`Reference:${reference.replace(/\s/g, '')}`);
    expect(all).toMatch(/^Time: \d\d [A-Z][a-z]{2} 2\d{3}, \d\d:\d\d:\d\d$/m);
    expect(all).toContain('Terminal: VCMTILLSIP0');
    expect(lines.join('')).toContain(`Payment:${started.id}`);
    expect(all).toMatch(/The till keeps\s+checking\s+with\s+Dojo/);
    // Settled from Dojo's record: nothing left to keep a slip for.
    harness.sim.admin.clearFaults();
    expect((await harness.waitFor(started.id, settled)).slip).toBeNull();
  });

  it('for a refund Dojo cannot tell: refund words, and it does not claim the till keeps checking', async () => {
    h = await engineHarness();
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const id = h.engine.startUnlinkedRefund({ amount: 900, currency: 'GBP', reference: 'RET-9', terminalId: h.terminal('VCMTILLSIP0') }).id;
    const lines = slipText(await h.waitFor(id, needsAttention));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(32);
    expect(lines.slice(0, 2)).toEqual(['DO NOT MAKE THIS', 'REFUND AGAIN']);
    expect(lines).toContain('Unlinked refund £9.00');
    expect(lines.join(' ')).not.toMatch(/keeps checking/);
    expect(lines.join(' ')).toMatch(/Dojo cannot tell it: a supervisor must check the terminal/);
  });
});

describe('a person is asked only what Dojo cannot tell', () => {
  it('an unlinked refund whose answer was lost asks the cashier only after the terminal has finished, in refund words', async () => {
    // Dojo's own record of the refund's session at the very moment the cashier is first asked (not later).
    let sessionWhenAsked: string | undefined;
    h = await engineHarness({
      onUpdate: (view) => {
        if (view.status === 'needs_attention' && sessionWhenAsked === undefined) sessionWhenAsked = harness.sim.admin.snapshot().sessions.find((s) => s.sessionType === 'UnlinkedRefund')?.status ?? 'none';
      },
    });
    const harness = h;
    harness.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const id = harness.engine.startUnlinkedRefund({ amount: 900, currency: 'GBP', terminalId: harness.terminal('VCMTILLSIP0') }).id;
    const asked = await harness.waitFor(id, (v) => needsAttention(v) || isEnded(v));
    expect(asked.status).toBe('needs_attention');
    // The terminal had finished the refund the lost answer was about before anyone was asked.
    expect(['Captured', 'Declined', 'Expired', 'Canceled']).toContain(sessionWhenAsked);
    expect(asked.attention!.choices).toEqual({ approved: 'It was refunded', not_charged: 'It was not refunded' });
    expect(asked.attention!.instruction).toMatch(/Dojo cannot tell/);
    expect(asked.dojoCheck).toMatchObject({ canTell: false, nextCheckAt: null });
    expect(asked.slip!.map((l) => l.text?.value).join('\n')).toMatch(/DO NOT MAKE THIS[\s\S]*REFUND AGAIN/);
  });
});

describe("a person's verdict: who, when, why, checked against Dojo", () => {
  it('a verdict Dojo contradicts is flagged at once; the status follows Dojo until a supervisor acknowledges it', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const id = await saleDuringOutage(h, 'VCMTILLSIP0');
    const recorded = await h.engine.resolve(id, 'not_charged', 'The terminal showed nothing', 'Sam');
    expect(recorded).toMatchObject({ status: 'failed', resolution: { outcome: 'not_charged', note: 'The terminal showed nothing', by: 'Sam', dojo: 'pending' } });
    expect(Date.parse(recorded.resolution!.at)).toBeGreaterThan(0);
    h.sim.admin.clearFaults();
    const flagged = await h.waitFor(id, (v) => v.contradiction !== null);
    expect(flagged).toMatchObject({ status: 'approved', resolution: { dojo: 'contradicted', by: 'Sam' }, contradiction: { verdict: 'not_charged', dojoSays: 'approved', acknowledged: false } });
    expect(flagged.contradiction!.message).toMatch(/shows it was charged/);
    expect(h.updates.some((u) => u.id === id && u.contradiction !== null)).toBe(true);
    expect(h.engine.activeAndAttention().map((p) => p.id)).toContain(id);
    h.engine.acknowledgeContradiction(id, 'Customer told; one payment refunded', 'Alex');
    expect(h.engine.activeAndAttention().map((p) => p.id)).not.toContain(id);
    expect(h.engine.payment(id).contradiction).toMatchObject({ acknowledged: true });
    expect(auditAgainstSimulator(h)).toEqual([]);
  });

  it('a verdict Dojo agrees with is confirmed, and then counts with the payments Dojo confirmed', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const id = await saleDuringOutage(h, 'VCMTILLSIP0');
    await h.engine.resolve(id, 'approved', 'Receipt printed APPROVED', 'Sam');
    const day = tradingDay();
    h.sim.admin.clearFaults();
    expect((await h.waitFor(id, (v) => v.resolution?.dojo === 'confirmed')).contradiction).toBeNull();
    expect(h.engine.totals(day, day)).toEqual([expect.objectContaining({ type: 'Sale', count: 1, handCount: 0 })]);
  });

  it('end-of-day reports count what Dojo settled (by itself, or by confirming a verdict) with Dojo\'s figures; only verdicts Dojo has not confirmed are "by hand"', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const { reports } = eodOn(h, movableDays().days);
    const byDojo = await saleDuringOutage(h, 'VCMTILLSIP0');
    // A customer who added a £1.50 gratuity: the verdict cannot know it, Dojo's record does.
    const verdict = await saleDuringOutage(h, 'VCMTIPSSIP0');
    await h.engine.resolve(verdict, 'approved', 'Receipt printed APPROVED', 'Sam');
    const gbp = () => reports.x().currencies.find((c) => c.currency === 'GBP');
    // Dojo still silent: the verdict is the only word on it, counted apart; the other payment is open.
    expect(gbp()).toMatchObject({ sales: { count: 0, total: 0 }, handResolved: { sales: { count: 1, amount: 1250 } } });
    expect(reports.x().open.map((o) => o.paymentId)).toEqual([byDojo]);

    h.sim.admin.clearFaults();
    await h.waitFor(byDojo, settled);
    const confirmed = await h.waitFor(verdict, (v) => v.resolution?.dojo === 'confirmed');
    expect(confirmed.result).toMatchObject({ totalAmount: 1400, tipsAmount: 150 });
    // Both are Dojo's now: the one it settled by itself and the verdict it confirmed (with the gratuity it took).
    expect(gbp()).toMatchObject({
      sales: { count: 2, goods: 2500, gratuity: 150, total: 2650 },
      handResolved: { sales: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, notCharged: 0, net: 0 },
    });
    expect(reports.x().open).toEqual([]);
    expect(h.engine.totals(tradingDay(), tradingDay())).toEqual([expect.objectContaining({ type: 'Sale', count: 2, total: 2650, handCount: 0, handTotal: 0 })]);
  });

  it('CSV and day totals show payments resolved by hand apart from those Dojo confirmed', async () => {
    h = await engineHarness();
    const paid = await h.waitFor(sale(h, 'VCMTILLSCP0', 1000).id, isEnded);
    h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const lost = h.engine.startUnlinkedRefund({ amount: 900, currency: 'GBP', reference: 'HAND-1', terminalId: h.terminal('VCMTILLSIP0') }).id;
    await h.waitFor(lost, needsAttention);
    await h.engine.resolve(lost, 'approved', 'Terminal printed an approved refund', 'Sam');
    const day = tradingDay();
    expect(h.engine.totals(day, day)).toEqual([
      { type: 'Sale', currency: 'GBP', count: 1, amount: 1000, total: 1000, tips: 0, cashback: 0, handCount: 0, handTotal: 0 },
      { type: 'UnlinkedRefund', currency: 'GBP', count: 0, amount: 0, total: 0, tips: 0, cashback: 0, handCount: 1, handTotal: 900 },
    ]);
    const csv = h.engine.exportCsv({ limit: 50, offset: 0 }).trim().split('\r\n');
    expect(csv[0]).toMatch(/,Resolution$/);
    expect(csv.find((line) => line.includes(paid.id))).toMatch(/,Dojo$/);
    expect(csv.find((line) => line.includes(lost))).toMatch(/by hand: refunded \(Sam, supervisor PIN, .*\): Terminal printed an approved refund \[Dojo cannot tell\]/);
    expect(h.engine.payment(lost).message).toBe('Recorded as refunded by the cashier after checking the terminal.');
    expect(h.engine.get(lost).events.find((e) => e.kind === 'resolved')!.message).toBe('Recorded by hand by Sam (supervisor PIN) as refunded: Terminal printed an approved refund');
  });
});
