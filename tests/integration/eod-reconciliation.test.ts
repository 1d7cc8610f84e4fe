import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentView } from '../../src/shared/payments';
import type { ExceptionKind } from '../../src/shared/reports';
import { engineHarness, isEnded, TEST_TILL_ID, type EngineHarness } from '../support/engine-harness';
import { eodOn, movableDays, SUPERVISOR_PIN } from '../support/eod';

let h: EngineHarness;
beforeEach(async () => {
  h = await engineHarness();
  for (const tid of ['VCMCAP1SIP0', 'VCMREVESIP0', 'VCMAMOUSIP0', 'VCMREFUSIP0', 'VCMVERDSIP0', 'VCMCLEASIP0']) h.sim.admin.addTerminal({ tid });
});
afterEach(() => h.close());

const ended = (p: PaymentView) => h.waitFor(p.id, isEnded, 20_000);
const sale = (tid: string, amount: number) => ended(h.engine.startSale({ amount, currency: 'GBP', terminalId: h.terminal(tid) }));
const intentOf = (p: PaymentView) => h.engine.payment(p.id).intentId!;

/**
 * A sale a person recorded as not charged while Dojo took the money: the engine asks a person only what Dojo
 * cannot tell, so the verdict is written as a resolution would write it, on a sale Dojo captured.
 */
async function saleJudgedNotCharged(tid: string, amount: number) {
  const sold = await sale(tid, amount);
  const at = Date.now();
  return h.engine.amend(
    sold.id,
    (r) => ({ ...r, status: 'failed', resolution: { outcome: 'not_charged', note: 'The terminal showed nothing.', at: new Date(at).toISOString(), by: null, dojo: 'cannot_tell' } }),
    { at, kind: 'resolved', message: 'Resolved by the cashier as not charged: The terminal showed nothing.' },
  );
}

describe('reconciliation against Dojo', () => {
  it('a clean day: everything matched, no exception, every page read once', async () => {
    const { days, names } = movableDays();
    const { reconciler } = eodOn(h, days);
    const sold = await Promise.all([sale('VCMTILLSIP0', 1000), sale('VCMTIPSSIP0', 1000), sale('VCMCASHSIP0', 500), sale('VCMTILLDIP0', 700), sale('VCMTILLCIP0', 300)]);
    await ended(h.engine.startMatchedRefund({ paymentId: sold[0]!.id, amount: 250, terminalId: h.terminal('VCMTILLSCP0') }));
    for (const order of ['oldest', 'newest'] as const) {
      h.sim.admin.setSearchOrder(order);
      const before = h.sim.admin.counts()['POST /payment-intents/search'] ?? 0;
      const result = await reconciler.run(names[0]!, names[0]!);
      expect(result).toMatchObject({ status: 'complete', matched: 6, exceptions: [], otherTills: [], outside: [], requests: { pages: 1, reads: 0 } });
      expect(h.sim.admin.counts()['POST /payment-intents/search']).toBe(before + 1);
      expect(result.message).toMatch(/: 6 matched, 0 exceptions\.$/);
    }
  });

  it('reads every page of the search (all statuses), in either order: an exception on the last page is found', async () => {
    const { days, names } = movableDays();
    const { reconciler } = eodOn(h, days);
    // 250 intents of other tills and from the terminal's keypad (some never charged), then one of ours the journal
    // does not know: three pages at Dojo's largest page size.
    for (let i = 0; i < 250; i++) {
      const status = i % 10 === 0 ? 'Created' : i % 10 === 1 ? 'Canceled' : 'Captured';
      if (i % 2) h.sim.admin.injectIntent({ amount: { value: 100 + i, currencyCode: 'GBP' }, status, metadata: { tillPaymentId: `pay_other_${i}`, tillId: 'till_ffffffffffffffff' } });
      else h.sim.admin.injectIntent({ amount: { value: 100 + i, currencyCode: 'GBP' }, status, reference: `Keypad ${i}` });
    }
    h.sim.admin.injectIntent({ amount: { value: 4321, currencyCode: 'GBP' }, metadata: { tillPaymentId: 'pay_lost_on_last_page', tillId: TEST_TILL_ID } });
    for (const order of ['oldest', 'newest'] as const) {
      h.sim.admin.setSearchOrder(order);
      const before = h.sim.admin.counts()['POST /payment-intents/search'] ?? 0;
      const result = await reconciler.run(names[0]!, names[0]!);
      expect(result.requests.pages).toBe(3);
      expect(h.sim.admin.counts()['POST /payment-intents/search']).toBe(before + 3);
      expect(result.otherTills).toHaveLength(125);
      expect(result.outside).toHaveLength(125);
      expect(result.exceptions).toEqual([expect.objectContaining({ kind: 'unknown_to_journal', dojo: expect.objectContaining({ total: 4321 }) })]);
    }
  });

  it('finds each kind of exception injected on Dojo\'s side, lists other tills and outside payments apart', async () => {
    const { days, names } = movableDays();
    const { reconciler } = eodOn(h, days);
    const [declined, reversed, tipped, refunded, clean] = await Promise.all([
      sale('VCMTILLDIP0', 1000),
      sale('VCMREVESIP0', 1100),
      sale('VCMAMOUSIP0', 1200),
      sale('VCMREFUSIP0', 1300),
      sale('VCMCLEASIP0', 1400),
    ]);
    const contradicted = await saleJudgedNotCharged('VCMVERDSIP0', 1500);
    // Dojo's record differs from the till's:
    h.sim.admin.amendIntent(intentOf(declined!), { status: 'Captured' }); // captured although the till saw a decline
    h.sim.admin.amendIntent(intentOf(reversed!), { status: 'Reversed' }); // approved on the till, reversed at Dojo
    h.sim.admin.amendIntent(intentOf(tipped!), { tipsAmount: 200 }); // gratuity changed after the sale
    h.sim.admin.amendIntent(intentOf(refunded!), { refundedAmount: 500 }); // refunded outside the till
    h.sim.admin.injectIntent({ amount: { value: 900, currencyCode: 'GBP' }, metadata: { tillPaymentId: 'pay_lost', tillId: TEST_TILL_ID } });
    h.sim.admin.injectIntent({ amount: { value: 4200, currencyCode: 'GBP' }, metadata: { tillPaymentId: 'pay_elsewhere', tillId: 'till_ffffffffffffffff' } });
    h.sim.admin.injectIntent({ amount: { value: 2500, currencyCode: 'GBP' }, reference: 'Keypad sale' });

    const result = await reconciler.run(names[0]!, names[0]!);
    expect(result.status).toBe('complete');
    const kinds = Object.fromEntries(result.exceptions.map((e) => [e.kind, e]));
    expect(Object.keys(kinds).sort()).toEqual<ExceptionKind[]>(['amount_differs', 'approved_not_captured', 'captured_not_approved', 'refund_differs', 'unknown_to_journal', 'verdict_contradicted']);
    expect(kinds['captured_not_approved']).toMatchObject({ paymentId: declined!.id, state: 'open', till: { status: 'declined' }, dojo: { status: 'Captured', total: 1000 }, actions: ['record_dojo', 'refund', 'explain'] });
    expect(kinds['captured_not_approved']!.explanation).toMatch(/^Dojo took £10\.00 from the customer's card, but the till recorded this sale as declined\./);
    expect(kinds['approved_not_captured']).toMatchObject({ paymentId: reversed!.id, dojo: { status: 'Reversed' }, actions: ['record_dojo', 'explain'] });
    expect(kinds['amount_differs']).toMatchObject({ paymentId: tipped!.id, till: { total: 1200, gratuity: 0 }, dojo: { total: 1400, gratuity: 200 } });
    expect(kinds['amount_differs']!.explanation).toContain('Dojo charged £14.00 (gratuity £2.00, cashback £0.00); the till recorded £12.00');
    expect(kinds['refund_differs']).toMatchObject({ paymentId: refunded!.id, till: { refunded: 0 }, dojo: { refunded: 500 } });
    expect(kinds['verdict_contradicted']).toMatchObject({ paymentId: contradicted.id, till: { status: 'failed' }, dojo: { status: 'Captured', total: 1500 } });
    expect(kinds['verdict_contradicted']!.explanation).toMatch(/^A person recorded this payment as not charged, but Dojo shows £15\.00 taken/);
    expect(kinds['unknown_to_journal']).toMatchObject({ paymentId: null, dojo: { total: 900 }, actions: ['explain'] });
    expect(result.otherTills).toEqual([expect.objectContaining({ total: 4200, tillId: 'till_ffffffffffffffff' })]);
    expect(result.outside).toEqual([expect.objectContaining({ total: 2500, reference: 'Keypad sale', tillId: null })]);
    expect(result.matched).toBe(1); // the clean sale
    expect(clean!.status).toBe('approved');
  });

  // Dojo does not say whether totalAmount counts the cashback (docs/dojo-api.md A6): what the card was charged is
  // said the same under both readings, and a cashback sale the till and Dojo agree on matches.
  it.each(['withCashback', 'withoutCashback'] as const)("Dojo's totalAmount %s: a £5.00 sale with £20.00 cashback is £25.00 taken on both sides", async (reading) => {
    h.sim.admin.setReadings({ totalAmount: reading });
    const { days, names } = movableDays();
    const { reconciler } = eodOn(h, days);
    const clean = await sale('VCMCASHSIP0', 500);
    const contradicted = await saleJudgedNotCharged('VCMCASHSIP0', 500);
    const result = await reconciler.run(names[0]!, names[0]!);
    expect(result).toMatchObject({ status: 'complete', matched: 1 });
    expect(clean.status).toBe('approved');
    expect(result.exceptions).toEqual([expect.objectContaining({ kind: 'verdict_contradicted', paymentId: contradicted.id, dojo: expect.objectContaining({ status: 'Captured', total: 2500, cashback: 2000 }) })]);
    expect(result.exceptions[0]!.explanation).toMatch(/^A person recorded this payment as not charged, but Dojo shows £25\.00 taken/);
  });

  it('actions: record Dojo\'s truth (PIN, audited, Dojo read again), mark explained (kept on the next run), start a matched refund', async () => {
    const { days, names } = movableDays();
    const { reconciler, authority } = eodOn(h, days);
    const declined = await sale('VCMTILLDIP0', 1000);
    const reversed = await sale('VCMREVESIP0', 1100);
    const contradicted = await saleJudgedNotCharged('VCMVERDSIP0', 1500);
    h.sim.admin.amendIntent(intentOf(declined), { status: 'Captured', tipsAmount: 100 });
    h.sim.admin.amendIntent(intentOf(reversed), { status: 'Reversed' });
    const first = await reconciler.run(names[0]!, names[0]!);
    const exception = (kind: ExceptionKind) => first.exceptions.find((e) => e.kind === kind)!;

    // Record Dojo's truth: the supervisor PIN is checked in main.
    const captured = exception('captured_not_approved');
    await expect(reconciler.act({ exceptionId: captured.id, action: 'record_dojo', note: 'Customer paid by this card.' })).rejects.toMatchObject({ code: 'SUPERVISOR_REQUIRED' });
    await expect(reconciler.act({ exceptionId: captured.id, action: 'record_dojo', note: 'Customer paid by this card.', supervisorPin: '0000' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const recorded = await reconciler.act({ exceptionId: captured.id, action: 'record_dojo', note: 'Customer paid by this card.', supervisorPin: SUPERVISOR_PIN });
    expect(recorded.payment).toMatchObject({ id: declined.id, status: 'approved', result: { totalAmount: 1100, tipsAmount: 100 } });
    expect(recorded.reconciliation.exceptions.find((e) => e.id === captured.id)).toMatchObject({ state: 'recorded', note: 'Customer paid by this card.' });
    expect(h.engine.get(declined.id).events.at(-1)).toMatchObject({ kind: 'reconciled', message: expect.stringContaining('Captured') });
    expect(authority.audits.filter((a) => a.action === 'reconciliation.record_dojo').map((a) => [a.outcome, a.actor])).toEqual([
      ['refused', 'cashier'],
      ['refused', 'cashier'],
      ['ok', 'supervisor'],
    ]);
    expect(authority.audits.at(-1)).toMatchObject({ subject: declined.id, detail: { kind: 'captured_not_approved', note: 'Customer paid by this card.' } });
    await expect(reconciler.act({ exceptionId: captured.id, action: 'explain', note: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });

    // Mark explained: no PIN, a note, and it stays explained while neither side changes.
    const notTaken = exception('approved_not_captured');
    await reconciler.act({ exceptionId: notTaken.id, action: 'explain', note: 'Customer paid cash instead; see drawer note.' });
    // Start a matched refund: the hand verdict was wrong, the customer paid again in cash.
    const wrong = exception('verdict_contradicted');
    await expect(reconciler.act({ exceptionId: wrong.id, action: 'refund', note: 'Paid twice.', supervisorPin: SUPERVISOR_PIN })).rejects.toMatchObject({ code: 'VALIDATION', fields: { terminalId: expect.any(Array) } });
    const refund = await reconciler.act({ exceptionId: wrong.id, action: 'refund', note: 'Paid twice.', supervisorPin: SUPERVISOR_PIN, terminalId: h.terminal('VCMTILLSIP0') });
    expect(refund.payment).toMatchObject({ type: 'MatchedRefund', amount: 1500, originalPaymentId: contradicted.id });
    expect(await ended(refund.payment!)).toMatchObject({ status: 'approved' });
    expect(h.engine.payment(contradicted.id)).toMatchObject({ status: 'approved', refundedAmount: 1500 });

    const second = await reconciler.run(names[0]!, names[0]!);
    expect(second.exceptions.map((e) => [e.kind, e.state])).toEqual([['approved_not_captured', 'explained']]);
    expect(second.exceptions[0]!.note).toBe('Customer paid cash instead; see drawer note.');
    expect(second.matched).toBe(3); // the recorded sale, the refunded sale and its refund
  });

  it('Dojo unreachable: says so and reconciles nothing; a matched refund of an earlier day\'s sale reads that intent directly', async () => {
    const { days, names, nextDay } = movableDays();
    const { reconciler, reports } = eodOn(h, days);
    const yesterday = await sale('VCMTILLSIP0', 2000);
    h.sim.admin.amendIntent(intentOf(yesterday), { createdAt: new Date(Date.now() - 6 * 3_600_000).toISOString() }); // sold this morning
    nextDay();
    await ended(h.engine.startMatchedRefund({ paymentId: yesterday.id, amount: 500, terminalId: h.terminal('VCMTILLSIP0') }));
    const today = await reconciler.run(names[1]!, names[1]!);
    expect(today).toMatchObject({ status: 'complete', matched: 1, exceptions: [], requests: { reads: 1 } });

    h.sim.admin.injectFault({ kind: 'status', status: 503, method: 'POST', path: '/payment-intents/search', count: 10 });
    const down = await reconciler.run(names[1]!, names[1]!);
    expect(down).toMatchObject({ status: 'unreachable', matched: 0, exceptions: [] });
    expect(down.message).toMatch(/^Dojo could not be reached at \d\d:\d\d, so nothing was reconciled/);
    h.sim.admin.injectFault({ kind: 'status', status: 503, method: 'POST', path: '/payment-intents/search', count: 10 });
    const z = (await reports.closeDay({})).report;
    expect(z.reconciliation).toMatchObject({ status: 'unreachable' });
    expect(z.reconciliation.message).toMatch(/Dojo could not be reached/);
  });
});
