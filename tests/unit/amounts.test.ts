import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/journal/journal';
import { amountsOf, chargedSql, type DojoAmounts } from '../../src/main/payments/amounts';
import { newRecord, refundableOf } from '../../src/main/payments/record';

// What the card was charged, from Dojo's record, whichever way Dojo counts the cashback in totalAmount
// (docs/dojo-api.md A6). The journal's SQL twin (day totals, search, X/Z reports) must agree with it.

const CASES: { name: string; dojo: DojoAmounts; charged: number; refundable: number }[] = [
  { name: 'plain sale', dojo: { amount: 1250, totalAmount: 1250, tipsAmount: 0, cashbackAmount: 0 }, charged: 1250, refundable: 1250 },
  { name: 'gratuity (always in the total)', dojo: { amount: 1000, totalAmount: 1150, tipsAmount: 150, cashbackAmount: 0 }, charged: 1150, refundable: 1150 },
  { name: 'cashback, total counts it', dojo: { amount: 100, totalAmount: 2100, tipsAmount: null, cashbackAmount: 2000 }, charged: 2100, refundable: 100 },
  { name: 'cashback, total leaves it out', dojo: { amount: 100, totalAmount: 100, tipsAmount: null, cashbackAmount: 2000 }, charged: 2100, refundable: 100 },
  { name: 'gratuity and cashback, total leaves the cashback out', dojo: { amount: 1000, totalAmount: 1150, tipsAmount: 150, cashbackAmount: 2000 }, charged: 3150, refundable: 1150 },
  { name: 'something else the card paid inside the total is kept', dojo: { amount: 1000, totalAmount: 1100, tipsAmount: 0, cashbackAmount: 0 }, charged: 1100, refundable: 1100 },
  { name: 'no total from Dojo (e.g. approved by hand)', dojo: { amount: 700, totalAmount: null, tipsAmount: null, cashbackAmount: null }, charged: 700, refundable: 700 },
];

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('amountsOf: what the card was charged under either reading of totalAmount', () => {
  it.each(CASES)('$name: charged $charged, refundable $refundable', ({ dojo, charged, refundable }) => {
    expect(amountsOf(dojo)).toEqual({ goods: dojo.amount, gratuity: dojo.tipsAmount ?? 0, cashback: dojo.cashbackAmount ?? 0, charged });
    const sale = { ...newRecord({ id: 'p1', type: 'Sale', amount: dojo.amount, currency: 'GBP', reference: 'R', terminalId: 't', terminalTid: 'T', environment: 'sandbox', now: 0 }), ...dojo, status: 'approved' as const };
    expect(refundableOf(sale)).toBe(refundable);
  });

  it('the SQL twin over a real journal gives the same charge for every case', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-amounts-'));
    const journal = Journal.open(path.join(dir, 'journal.sqlite'));
    try {
      CASES.forEach(({ dojo }, i) => journal.save({ ...newRecord({ id: `p${i}`, type: 'Sale', amount: dojo.amount, currency: 'GBP', reference: `R${i}`, terminalId: 't', terminalTid: 'T', environment: 'sandbox', now: 0 }), ...dojo, status: 'approved' }));
      const rows = journal.database.prepare(`SELECT id, ${chargedSql('p.')} AS charged FROM payments p ORDER BY id`).all() as { id: string; charged: number }[];
      expect(rows).toEqual(CASES.map((c, i) => ({ id: `p${i}`, charged: c.charged })));
    } finally {
      journal.close();
    }
  });
});
