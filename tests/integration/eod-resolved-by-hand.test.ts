// End-of-day reports beside issue 13 (Dojo first, people last): a payment Dojo's record settled by itself, and a
// person's verdict Dojo later confirmed or contradicted, count with Dojo's figures; only a verdict Dojo has not
// checked counts apart as "resolved by hand". Real engine, real SQLite journal, the simulator over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { FINAL_STATUSES, type PaymentView } from '../../src/shared/payments';
import type { CurrencyFigures } from '../../src/shared/reports';
import { engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';
import { eodOn, movableDays } from '../support/eod';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const noHand: CurrencyFigures['handResolved'] = { sales: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, notCharged: 0, net: 0 };

describe("X report and issue 13: resolved from Dojo's record is not resolved by hand", () => {
  it('settled by Dojo, a verdict Dojo confirmed and a verdict Dojo contradicted all count with Dojo; unchecked verdicts apart', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    const harness = h;
    const { days } = movableDays();
    const { reports, reconciler } = eodOn(harness, days);
    // Dojo stops answering reads: three sales on three terminals (all charged on the terminal) need attention.
    harness.sim.admin.injectFault({ kind: 'status', status: 503, count: 100_000, method: 'GET' });
    const start = (tid: string, amount: number) => harness.engine.startSale({ amount, currency: 'GBP', terminalId: harness.terminal(tid) }).id;
    const [byDojo, confirmed, contradicted] = [start('VCMTILLSIP0', 1000), start('VCMTILLSCP0', 2000), start('VCMTIPSSIP0', 3000)];
    for (const id of [byDojo, confirmed, contradicted]) expect((await harness.waitFor(id, isEnded, 30_000)).status).toBe('needs_attention');
    await harness.engine.resolve(confirmed, 'approved', 'Receipt printed APPROVED', 'Sam');
    await harness.engine.resolve(contradicted, 'not_charged', 'The terminal showed nothing', 'Sam');

    // While Dojo cannot tell: the two verdicts are counted apart, the third is open.
    const before = reports.x().currencies[0]!;
    expect(before.sales.count).toBe(0);
    expect(before.handResolved).toEqual({ sales: { count: 1, amount: 2000 }, refunds: { count: 0, amount: 0 }, notCharged: 1, net: 2000 });
    expect(reports.x().open.map((p) => p.paymentId)).toEqual([byDojo]);

    // Dojo answers again: the first settles from Dojo's record, the verdicts are checked.
    harness.sim.admin.clearFaults();
    const settled = (v: PaymentView) => FINAL_STATUSES.includes(v.status);
    expect(await harness.waitFor(byDojo, settled, 30_000)).toMatchObject({ status: 'approved', resolution: null });
    expect(await harness.waitFor(confirmed, (v) => v.resolution?.dojo === 'confirmed', 30_000)).toMatchObject({ status: 'approved' });
    expect(await harness.waitFor(contradicted, (v) => v.resolution?.dojo === 'contradicted', 30_000)).toMatchObject({ status: 'approved' });
    expect(harness.engine.get(byDojo).events.map((e) => e.kind)).toContain('resolved_by_dojo');

    const after = reports.x();
    expect(after.open).toEqual([]);
    const gbp = after.currencies[0]!;
    expect(gbp.sales).toMatchObject({ count: 3, goods: 6000 });
    expect(gbp.handResolved).toEqual(noHand);
    expect(gbp.netCardTakings).toBe(gbp.sales.total);
    // Nothing for the reconciliation to flag either: each payment now stands on Dojo's record.
    const reconciled = await reconciler.run(days.dayOf(Date.now()), days.dayOf(Date.now()));
    expect(reconciled).toMatchObject({ status: 'complete', matched: 3, exceptions: [] });
  }, 120_000);
});
