import { describe, expect, it } from 'vitest';
import { reportCsv, reportSlip, SLIP_COLUMNS } from '../../src/shared/report-slip';
import { ReportSchema, type Report } from '../../src/shared/reports';

const report: Report = ReportSchema.parse({
  kind: 'Z',
  number: 12,
  tradingDay: '2026-11-25',
  period: { start: '2026-11-25T04:00:00.000Z', end: '2026-11-26T04:00:00.000Z' },
  generatedAt: '2026-11-26T02:41:00.000Z',
  environment: 'production',
  tillId: 'till_0123456789abcdef',
  currencies: [
    {
      currency: 'GBP',
      sales: { count: 4, goods: 5000, gratuity: 150, cashback: 2000, total: 7150 },
      matchedRefunds: { count: 1, amount: 400 },
      unlinkedRefunds: { count: 0, amount: 0 },
      netCardTakings: 6750,
      cashbackPaidOut: 2000,
      bySchemes: [
        { scheme: 'MASTERCARD', sales: { count: 1, amount: 2000 }, refunds: { count: 1, amount: 400 }, net: 1600 },
        { scheme: 'VISA', sales: { count: 3, amount: 5150 }, refunds: { count: 0, amount: 0 }, net: 5150 },
      ],
      declined: 1,
      cancelled: 1,
      expired: 0,
      notCharged: 0,
      handResolved: { sales: { count: 0, amount: 0 }, refunds: { count: 1, amount: 250 }, notCharged: 0, net: -250 },
    },
  ],
  adjustments: {
    lines: [{ paymentId: 'pay_1', type: 'UnlinkedRefund', reference: 'A very long reference that will not fit on one slip line', currency: 'GBP', tradingDay: '2026-11-24', reason: 'finished_after_close', before: null, now: { status: 'approved', byHand: true, net: -150 }, netChange: -150 }],
    byCurrency: [{ currency: 'GBP', netChange: -150 }],
  },
  open: [{ paymentId: 'pay_2', type: 'UnlinkedRefund', status: 'needs_attention', amount: 150, currency: 'GBP', reference: 'R-9', createdAt: '2026-11-25T20:00:00.000Z', reason: 'The terminal may have started the refund, but Dojo did not confirm it.' }],
  supervisorApproved: true,
  closedBy: null,
  reconciliation: { status: 'reconciled', at: '2026-11-26T02:40:00.000Z', matched: 212, exceptions: 1, otherTills: 0, outside: 2, message: 'Reconciled with Dojo at 02:40: 212 matched, 1 exception; 2 payments not made by this till.' },
  notes: ['1 unlinked refund has no payment intent at Dojo and cannot be reconciled.'],
});

describe('report slips and CSV', () => {
  it.each([58, 80] as const)('fits a %i mm roll: no line wider than the printer, everything a manager needs on it', (width) => {
    const lines = reportSlip(report, width, { productName: 'Till Companion' });
    const texts = lines.map((l) => l.text?.value ?? '');
    for (const text of texts) expect(text.length, text).toBeLessThanOrEqual(SLIP_COLUMNS[width]);
    const all = texts.join(' ').replace(/\s+/g, ' ');
    for (const words of ['Z REPORT 12', 'Goods', 'Gratuity', 'Cashback', 'Net card takings', '£67.50', 'Cashback paid out in cash', 'MASTERCARD', 'Resolved by hand', 'ADJUSTMENTS', 'NEEDS ATTENTION (1)', 'supervisor PIN', '212 matched, 1 exception']) {
      expect(all).toContain(words);
    }
    expect(all).not.toContain('-£0.00');
    expect(all).not.toContain('REPRINT');
    expect(reportSlip(report, width, { reprint: true }).some((l) => l.text?.value === '*** REPRINT ***')).toBe(true);
  });

  it.each([58, 80] as const)('a reference longer than a %i mm line reaches the paper whole (broken across lines, never cut)', (width) => {
    const reference = 'EPOS-ORDER-000000000042-TABLE-12-SEAT-4-SPLIT-2-OF-3-REV-7'; // 58: wider than either roll
    const withLong = { ...report, open: [{ ...report.open[0]!, reference }] };
    const texts = reportSlip(withLong, width).map((l) => l.text?.value ?? '');
    for (const text of texts) expect(text.length, text).toBeLessThanOrEqual(SLIP_COLUMNS[width]);
    expect(texts.join('')).toContain(reference);
  });

  it('CSV: one table, major units, money out negative, local times with their offset', () => {
    const csv = reportCsv(report);
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('section,currency,item,count,amount,detail');
    expect(rows).toContain('sales,GBP,total,4,71.50,');
    expect(rows).toContain('sales,GBP,gratuity,,1.50,');
    expect(rows).toContain('refunds,GBP,matched,1,-4.00,');
    expect(rows).toContain('refunds,GBP,unlinked,0,0.00,');
    expect(rows).toContain('totals,GBP,net_card_takings,,67.50,');
    expect(rows).toContain('by_hand,GBP,refunds,1,-2.50,');
    expect(rows.some((r) => /^report,,closed_at,,,2026-11-2\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/.test(r))).toBe(true);
    expect(rows.some((r) => r.startsWith('adjustment,GBP,Unlinked refund A very long reference'))).toBe(true);
  });
});
