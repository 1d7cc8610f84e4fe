import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentView } from '../../src/shared/payments';
import type { CurrencyFigures } from '../../src/shared/reports';
import { engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';
import { eodOn, movableDays, SUPERVISOR_PIN } from '../support/eod';

let h: EngineHarness;
beforeEach(async () => {
  h = await engineHarness();
  // One terminal per concurrent payment: each runs one session at a time.
  for (const tid of ['VCMEUROSIP0', 'VCMATT1SIP0', 'VCMATT2SIP0', 'VCMLATESIP0']) h.sim.admin.addTerminal({ tid });
});
afterEach(() => h.close());

const ended = (p: PaymentView) => h.waitFor(p.id, isEnded, 20_000);
const sale = (tid: string, amount: number, currency: 'GBP' | 'EUR' = 'GBP') => h.engine.startSale({ amount, currency, terminalId: h.terminal(tid) });
/** An unlinked refund whose create-session answer is lost: Dojo cannot tell, so it needs a person. */
async function refundNeedingAttention(tid: string, amount: number) {
  h.sim.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions', count: 1 });
  const refund = h.engine.startUnlinkedRefund({ amount, currency: 'GBP', terminalId: h.terminal(tid) });
  return h.waitFor(refund.id, (p) => p.status === 'needs_attention', 20_000);
}

/** The scripted day: every kind of payment, one hand verdict and one payment left needing attention. */
async function scriptedDay() {
  const [plain, tipped, cashback, contactless, declined, cancelled, euro] = await Promise.all([
    ended(sale('VCMTILLSIP0', 1000)),
    ended(sale('VCMTIPSSIP0', 1000)),
    ended(sale('VCMCASHSIP0', 1000)),
    ended(sale('VCMTILLSCP0', 2000)),
    ended(sale('VCMTILLDIP0', 500)),
    ended(sale('VCMTILLCIP0', 700)),
    ended(sale('VCMEUROSIP0', 800, 'EUR')),
  ]);
  const [matched, unlinked] = await Promise.all([
    ended(h.engine.startMatchedRefund({ paymentId: contactless!.id, amount: 400, terminalId: h.terminal('VCMTILLSCP0') })),
    ended(h.engine.startUnlinkedRefund({ amount: 300, currency: 'GBP', terminalId: h.terminal('VCMTILLSIP0') })),
  ]);
  // One at a time: the lost answer must be this refund's.
  const byHand = await refundNeedingAttention('VCMATT1SIP0', 250);
  const open = await refundNeedingAttention('VCMATT2SIP0', 150);
  await h.engine.resolve(byHand.id, 'approved', 'The terminal showed the refund approved.');
  return { plain, tipped, cashback, contactless, declined, cancelled, euro, matched, unlinked, byHand, open };
}

// Worked out by hand from the script above (amounts in pence):
//   sales: 1000 (VISA) + 1000 + 150 gratuity (VISA) + 1000 + 2000 cashback (VISA) + 2000 (MASTERCARD contactless)
//   refunds: 400 matched (MASTERCARD), 300 unlinked (VISA); 250 unlinked resolved by hand; 150 still open
const GBP: CurrencyFigures = {
  currency: 'GBP',
  sales: { count: 4, goods: 5000, gratuity: 150, cashback: 2000, total: 7150 },
  matchedRefunds: { count: 1, amount: 400 },
  unlinkedRefunds: { count: 1, amount: 300 },
  netCardTakings: 6450,
  cashbackPaidOut: 2000,
  bySchemes: [
    { scheme: 'MASTERCARD', sales: { count: 1, amount: 2000 }, refunds: { count: 1, amount: 400 }, net: 1600 },
    { scheme: 'VISA', sales: { count: 3, amount: 5150 }, refunds: { count: 1, amount: 300 }, net: 4850 },
  ],
  declined: 1,
  cancelled: 1,
  expired: 0,
  notCharged: 0,
  handResolved: { sales: { count: 0, amount: 0 }, refunds: { count: 1, amount: 250 }, notCharged: 0, net: -250 },
};
const EUR: CurrencyFigures = {
  currency: 'EUR',
  sales: { count: 1, goods: 800, gratuity: 0, cashback: 0, total: 800 },
  matchedRefunds: { count: 0, amount: 0 },
  unlinkedRefunds: { count: 0, amount: 0 },
  netCardTakings: 800,
  cashbackPaidOut: 0,
  bySchemes: [{ scheme: 'VISA', sales: { count: 1, amount: 800 }, refunds: { count: 0, amount: 0 }, net: 800 }],
  declined: 0,
  cancelled: 0,
  expired: 0,
  notCharged: 0,
  handResolved: { sales: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, notCharged: 0, net: 0 },
};

describe('X and Z reports on a scripted day', () => {
  it('X: figures per currency match the hand-computed day; the open attention is listed; nothing is changed', async () => {
    const { days, names } = movableDays();
    const { reports } = eodOn(h, days);
    const day = await scriptedDay();
    const x = reports.x();
    expect(x).toMatchObject({ kind: 'X', number: null, tradingDay: names[0], environment: 'sandbox', closedBy: null, supervisorApproved: false });
    expect(x.currencies).toEqual([EUR, GBP]);
    expect(x.open).toEqual([expect.objectContaining({ paymentId: day.open.id, status: 'needs_attention', amount: 150, type: 'UnlinkedRefund' })]);
    expect(x.adjustments).toEqual({ lines: [], byCurrency: [] });
    expect(x.reconciliation).toMatchObject({ status: 'not_run' });
    expect(reports.x()).toEqual({ ...x, generatedAt: expect.any(String) });
    expect(reports.list(10, 0).total).toBe(0);
  });

  it('Z: needs the supervisor PIN while a payment needs attention, is numbered, reconciled, stored and immutable, and idempotent per day', async () => {
    const { days, names } = movableDays();
    const { reports, authority } = eodOn(h, days);
    await scriptedDay();
    await expect(reports.closeDay({})).rejects.toMatchObject({ code: 'SUPERVISOR_REQUIRED' });
    await expect(reports.closeDay({ supervisorPin: '1111' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(reports.list(10, 0).total).toBe(0);

    const { report: z, created } = await reports.closeDay({ supervisorPin: SUPERVISOR_PIN });
    expect(created).toBe(true);
    expect(z).toMatchObject({ kind: 'Z', number: 1, tradingDay: names[0], supervisorApproved: true });
    expect(z.currencies).toEqual([EUR, GBP]);
    expect(z.open).toHaveLength(1);
    expect(z.notes).toContain("Closed while payments still needed attention, on the supervisor's PIN.");
    // 6 GBP sales + 1 EUR sale + the matched refund agree with Dojo; unlinked refunds have no intent to compare.
    expect(z.reconciliation).toMatchObject({ status: 'reconciled', matched: 8, exceptions: 0, otherTills: 0, outside: 0 });
    expect(z.reconciliation.message).toMatch(/^Reconciled with Dojo at \d\d:\d\d: 8 matched, 0 exceptions\.$/);
    expect(z.notes).toContain('2 unlinked refunds have no payment intent at Dojo and cannot be reconciled.');
    expect(authority.audits.map((a) => [a.action, a.outcome, a.actor])).toEqual([
      ['report.close_day', 'refused', 'cashier'], // the wrong PIN
      ['report.close_day', 'ok', 'supervisor'],
    ]);

    // Idempotent per trading day; reprint gives exactly the stored Z.
    const again = await reports.closeDay({ supervisorPin: SUPERVISOR_PIN });
    expect(again).toEqual({ report: z, created: false });
    expect(reports.z(1)).toEqual(z);
    expect(reports.list(10, 0)).toEqual({ total: 1, items: [{ number: 1, tradingDay: names[0], closedAt: z.generatedAt, net: [{ currency: 'EUR', amount: 800 }, { currency: 'GBP', amount: 6450 }] }] });
    // The journal itself refuses to change or delete a Z.
    expect(() => h.journal.database.prepare("UPDATE z_reports SET report = '{}' WHERE number = 1").run()).toThrow(/never changed/);
    expect(() => h.journal.database.prepare('DELETE FROM z_reports').run()).toThrow(/never deleted/);
    expect(reports.z(1)).toEqual(z);
    await expect(Promise.resolve().then(() => reports.z(2))).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // The X of a closed day shows only what no Z counted yet.
    const after = reports.x();
    expect(after.closedBy).toEqual({ number: 1, at: z.generatedAt });
    expect(after.currencies).toEqual([]);
  });

  it('a payment that finishes after its day was closed is an adjustment on the next Z, and only there', async () => {
    const { days, names, nextDay } = movableDays();
    const { reports } = eodOn(h, days);
    const sold = await ended(sale('VCMTILLSIP0', 1200));
    const open = await refundNeedingAttention('VCMATT1SIP0', 150);
    const z1 = (await reports.closeDay({ supervisorPin: SUPERVISOR_PIN })).report;
    expect(z1.currencies[0]).toMatchObject({ currency: 'GBP', netCardTakings: 1200 });
    expect(z1.open.map((p) => p.paymentId)).toEqual([open.id]);

    // The supervisor checks the terminal the next morning; a new trading day has begun.
    nextDay();
    await h.engine.resolve(open.id, 'approved', 'The terminal showed the refund approved.');
    const next = await ended(sale('VCMLATESIP0', 500));
    const x = reports.x();
    expect(x.tradingDay).toBe(names[1]);
    expect(x.adjustments.lines).toEqual([
      expect.objectContaining({ paymentId: open.id, tradingDay: names[0], reason: 'finished_after_close', before: null, now: { status: 'approved', byHand: true, net: -150 }, netChange: -150 }),
    ]);
    expect(x.adjustments.byCurrency).toEqual([{ currency: 'GBP', netChange: -150 }]);

    const z2 = (await reports.closeDay({})).report;
    expect(z2).toMatchObject({ number: 2, tradingDay: names[1], supervisorApproved: false, open: [] });
    expect(z2.currencies[0]).toMatchObject({ currency: 'GBP', netCardTakings: 500, sales: { count: 1, total: 500 } });
    expect(z2.adjustments).toEqual(x.adjustments);
    expect(z2.currencies.flatMap((c) => c.bySchemes.map((s) => s.net))).toEqual([500]);
    expect(sold.status).toBe('approved');
    expect(next.status).toBe('approved');
    // Counted once: neither the next X nor a reprint counts it again.
    expect(reports.x().adjustments.lines).toEqual([]);
    expect(reports.z(1)).toEqual(z1);
    // A day before the last Z cannot be closed on its own any more.
    await expect(reports.closeDay({ tradingDay: names[0] })).resolves.toMatchObject({ created: false, report: { number: 1 } });
    await expect(reports.closeDay({ tradingDay: names[2] })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a payment whose record cannot be read still counts from its columns, and never stops a report', async () => {
    const { days } = movableDays();
    const { reports } = eodOn(h, days);
    const sold = await ended(sale('VCMTIPSSIP0', 1000));
    h.journal.database.prepare("UPDATE payments SET data = '{\"damaged' WHERE id = ?").run(sold.id);
    const x = reports.x();
    // The split and the scheme lived only in the record; the total charged is in the indexed columns.
    expect(x.currencies).toEqual([expect.objectContaining({ currency: 'GBP', sales: { count: 1, goods: 1000, gratuity: 0, cashback: 0, total: 1150 }, netCardTakings: 1150 })]);
    expect(x.currencies[0]!.bySchemes).toEqual([{ scheme: 'Unknown', sales: { count: 1, amount: 1150 }, refunds: { count: 0, amount: 0 }, net: 1150 }]);
  });
});
