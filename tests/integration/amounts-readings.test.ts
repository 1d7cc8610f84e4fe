import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../src/shared/dates';
import type { PaymentView } from '../../src/shared/payments';
import { FileEpos } from '../support/exchange-files';
import { startTill, type TillUnderTest } from '../support/till-services';

// Dojo does not say whether a payment intent's totalAmount counts the cashback (docs/dojo-api.md A6, Rule 6). The
// simulator plays both readings; under each, every surface that shows, totals or exports an amount must say the
// card was charged goods + gratuity + cashback. The sandbox simulator over real HTTP, the real journal, the EPOS API
// over real HTTP and the folder exchange on real files. VCMCASHSIP0 adds £20.00 cashback on the terminal.

const READINGS = ['withCashback', 'withoutCashback'] as const;

describe.each(READINGS)("Dojo's totalAmount %s: a £1.00 sale with £20.00 cashback charged the card £21.00", (reading) => {
  let t: TillUnderTest;
  let epos: FileEpos;
  let cashTerminal: string;
  let tillSale: PaymentView;

  beforeAll(async () => {
    const folder = fs.mkdtempSync(path.join(fs.realpathSync(process.env['TMPDIR'] ?? '/tmp'), 'till-amounts-exchange-'));
    epos = new FileEpos(folder);
    t = await startTill({ sandbox: true, env: { TILL_EXCHANGE_DIR: folder, TILL_EXCHANGE_SCAN_MS: '250' } });
    t.sim!.admin.setReadings({ totalAmount: reading });
    cashTerminal = await t.terminal('VCMCASHSIP0');
    const started = await t.ok<PaymentView>('payment:startSale', { amount: 100, currency: 'GBP', terminalId: cashTerminal, reference: `TILL-${reading}` });
    tillSale = await t.finish(started.id);
    expect(tillSale.status).toBe('approved');
    // Dojo's record as this reading has it: the premise of every test below.
    const intent = t.sim!.admin.snapshot().intents.find((i) => i.id === tillSale.intentId)!;
    expect(intent).toMatchObject({ totalAmount: { value: reading === 'withCashback' ? 2100 : 100 }, cashbackAmount: { value: 2000 } });
  });
  afterAll(async () => {
    await t?.close();
    if (epos) fs.rmSync(epos.folder, { recursive: true, force: true });
  });

  it("the till's result screen and history list (the payment's view): total charged £21.00, £1.00 refundable", async () => {
    const { payment: view } = await t.ok<{ payment: PaymentView }>('payment:get', { paymentId: tillSale.id });
    expect(view.result).toMatchObject({ totalAmount: 2100, tipsAmount: 0, cashbackAmount: 2000 });
    expect(view.refundableAmount).toBe(100);
    const { items } = await t.ok<{ items: PaymentView[] }>('history:list', { search: `TILL-${reading}` });
    expect(items.map((p) => p.result?.totalAmount)).toEqual([2100]);
  });

  it('EPOS API over HTTP: GET /v1/payments/{id} and ?reference= answer totalAmount 2100', async () => {
    const reference = `EPOS-${reading}`;
    const started = await t.epos('POST', '/v1/sales', { amount: 100, currency: 'GBP', reference, terminalId: cashTerminal });
    expect(started.status).toBe(202);
    await t.finish(started.body.paymentId);
    const payment = await t.epos('GET', `/v1/payments/${started.body.paymentId}`);
    expect(payment).toMatchObject({ status: 200, body: { status: 'approved', amount: 100, result: { totalAmount: 2100, cashbackAmount: 2000 } } });
    const byReference = await t.epos('GET', `/v1/payments?reference=${reference}`);
    expect(byReference.body.payments.map((p: PaymentView) => p.result?.totalAmount)).toEqual([2100]);
  });

  it('folder exchange: the .res file says total=2100 (goods 100, cashback 2000)', async () => {
    const id = `X${reading}`;
    epos.sale(id, { amount: 100, terminal: cashTerminal, reference: `FILE-${reading}` });
    const result = await epos.waitFor('responses', `${id}.res`, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ id, status: 'approved', amount: '100', total: '2100', cashback: '2000' });
  });

  it('history CSV: the sale’s line has goods 1.00, cashback 20.00, total 21.00', async () => {
    const { csv } = await t.ok<{ csv: string }>('history:exportCsv', { search: `TILL-${reading}` });
    const [header, line, ...rest] = csv.trim().split('\r\n');
    expect(rest).toEqual([]);
    const row = Object.fromEntries(header!.split(',').map((name, i) => [name, line!.split(',')[i]]));
    expect(row).toMatchObject({ Reference: `TILL-${reading}`, Goods: '1.00', Gratuity: '0.00', Cashback: '20.00', Total: '21.00' });
  });

  it('day totals and search: the day’s sales total what the cards were charged; "21.00" finds each sale', async () => {
    // The sales of this reading's till so far (the tests above ran first, in order): each charged £21.00.
    const day = localDay();
    const { items } = await t.ok<{ items: PaymentView[] }>('history:list', { from: day, to: day, statuses: ['approved'] });
    const sales = items.filter((p) => p.type === 'Sale');
    const { rows } = await t.ok<{ rows: unknown[] }>('history:totals', { from: day, to: day });
    expect(rows).toEqual([expect.objectContaining({ type: 'Sale', currency: 'GBP', count: sales.length, amount: 100 * sales.length, cashback: 2000 * sales.length, total: 2100 * sales.length })]);
    expect(sales.length).toBeGreaterThanOrEqual(1);
    const found = await t.ok<{ items: PaymentView[] }>('history:list', { search: '21.00' });
    expect(found.items.map((p) => p.id).sort()).toEqual(sales.map((p) => p.id).sort());
  });
});
