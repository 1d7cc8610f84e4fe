// A security review playing a dishonest person at the till (issues 14, 16, 20): each test is an attack that
// worked before its fix, driven through the same bridge the renderer uses (the IPC dispatcher), the EPOS API
// over real HTTP, or real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentView } from '../../src/shared/payments';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { FileEpos, kv, waitUntil } from '../support/exchange-files';
import { SANDBOX_KEY } from '../support/till-services';
import { offsetToYesterdayAt, tillsForEachTest } from '../support/supervised-tills';

const PIN = '246813';
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});
// Registered after the folders' hook, so (hooks run as a stack) the tills are closed before their folders go.
const { start, supervised: till } = tillsForEachTest(PIN);

const tempFolder = (name: string) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `till-fraud-${name}-`));
  folders.push(folder);
  return folder;
};

describe('a refund request is bound to the environment it came from', () => {
  it('an EPOS request made in training and confirmed after the switch to sandbox is refused, nothing started', async () => {
    // A training till whose sandbox simulator is ready for the key the supervisor will enter.
    const t = await till({ sandbox: true, secrets: new MemorySecretStore() });
    expect(t.services.environment()).toBe('training');
    const unlinked = await t.epos('POST', '/v1/refunds/unlinked', { amount: 900, currency: 'GBP', reference: 'TRAINING-ONLY' });
    expect(unlinked).toMatchObject({ status: 202, body: { environment: 'training' } });
    const sale = await t.ok<PaymentView>('payment:startSale', { amount: 9000, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0'), reference: 'T-SALE' });
    await t.finish(sale.id);
    // Above the matched-refund threshold (£50.00): a request too.
    const matched = await t.epos('POST', '/v1/refunds', { paymentId: sale.id, amount: 6000 });
    expect(matched).toMatchObject({ status: 202, body: { kind: 'matched', environment: 'training' } });

    await t.ok('settings:setApiKey', { apiKey: SANDBOX_KEY, supervisorPin: PIN });
    expect(t.services.environment()).toBe('sandbox');
    await t.ok('settings:update', { terminalId: await t.terminal('VCMTILLSIP0') });

    const confirm = await t.dispatch('epos:confirmRefundRequest', { requestId: unlinked.body.requestId, amount: 900, currency: 'GBP', supervisorPin: PIN });
    expect(confirm).toMatchObject({ ok: false, error: { code: 'ENVIRONMENT_MISMATCH', message: expect.stringMatching(/training mode.*sandbox mode.*not started/s) } });
    expect(await t.dispatch('epos:confirmRefundRequest', { requestId: matched.body.requestId, amount: 6000, currency: 'GBP', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'ENVIRONMENT_MISMATCH' } });
    expect(t.services.payments().history({ limit: 10, offset: 0 }).total).toBe(0);
    expect(t.sim!.admin.snapshot().intents).toHaveLength(0);
    // The EPOS still sees the request as it was, in the environment it was made in.
    expect((await t.epos('GET', `/v1/refund-requests/${unlinked.body.requestId}`)).body).toMatchObject({ status: 'awaiting_confirmation', environment: 'training', paymentId: null });
    expect((await t.audit()).find((e) => e.action === 'refund_request.confirm' && e.subject === unlinked.body.requestId)).toMatchObject({
      outcome: 'refused',
      detail: { environment: 'training', tillEnvironment: 'sandbox' },
    });
    // The cashier can still turn it down.
    expect(await t.dispatch('epos:declineRefundRequest', { requestId: unlinked.body.requestId })).toMatchObject({ ok: true });
  });

  it('a request through the folder exchange, confirmed after a switch, is refused too; declined, the EPOS gets its answer', async () => {
    const folder = tempFolder('switch');
    const t = await till({ sandbox: true, secrets: new MemorySecretStore() });
    await t.ok('exchange:configure', { folder, supervisorPin: PIN });
    const epos = new FileEpos(folder);
    epos.send('U1', kv({ type: 'unlinked_refund', amount: 700, currency: 'GBP', environment: 'training' }));
    const pending = await waitUntil('the request on the till', () => t.services.epos.pendingRequests()[0]);

    await t.ok('settings:setApiKey', { apiKey: SANDBOX_KEY, supervisorPin: PIN });
    await t.ok('settings:update', { terminalId: await t.terminal('VCMTILLSIP0') });
    expect(await t.dispatch('epos:confirmRefundRequest', { requestId: pending.requestId, amount: 700, currency: 'GBP', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'ENVIRONMENT_MISMATCH' } });
    expect(t.sim!.admin.snapshot().intents).toHaveLength(0);
    await t.ok('epos:declineRefundRequest', { requestId: pending.requestId });
    expect(await epos.waitFor('responses', 'U1.res')).toMatchObject({ status: 'cancelled', environment: 'training' });
  });
});

describe('the exchange folder is a sealed supervisor setting', () => {
  it('an edited or planted exchange.json does not move the exchange to another folder, nor raise its limits', async () => {
    const shop = tempFolder('shop');
    const thief = tempFolder('thief');
    const t = await till();
    // A till that never had the exchange: a planted file does not turn it on.
    const planted = { version: 1, folder: thief, commitTimeoutMinutes: 1_440, maxPending: 500, networkShare: false };
    fs.writeFileSync(path.join(t.dir, 'exchange.json'), JSON.stringify(planted));
    await t.restart();
    expect(await t.ok('exchange:status')).toMatchObject({ folder: null, running: false });
    expect(fs.existsSync(path.join(thief, 'requests'))).toBe(false);

    // The supervisor chooses the shop's folder; the cashier rewrites the file to point elsewhere and restarts.
    await t.ok('exchange:configure', { folder: shop, commitTimeoutMinutes: 10, supervisorPin: PIN });
    fs.writeFileSync(path.join(t.dir, 'exchange.json'), JSON.stringify(planted));
    await t.restart();
    expect(await t.ok('exchange:status')).toMatchObject({ folder: shop, running: true, commitTimeoutMinutes: 10, maxPending: 20 });
    expect(fs.existsSync(path.join(thief, 'requests'))).toBe(false);
  });

  it('an exchange.json from an earlier version is adopted once at the upgrade (audited), then never read again', async () => {
    const shop = tempFolder('upgrade');
    const dir = tempFolder('upgrade-data');
    fs.writeFileSync(path.join(dir, 'exchange.json'), JSON.stringify({ version: 1, folder: shop, commitTimeoutMinutes: 30, maxPending: 20, networkShare: false }));
    const t = await start({ dir });
    expect(await t.ok('exchange:status')).toMatchObject({ folder: shop, running: true, commitTimeoutMinutes: 30 });
    expect(fs.existsSync(path.join(dir, 'exchange.json'))).toBe(false);
    expect((await t.audit()).find((e) => e.action === 'exchange.configure')).toMatchObject({ actor: 'system', outcome: 'ok', detail: { folder: shop } });
  });
});

describe('the daily caps cannot be restarted by editing a file', () => {
  it('a trading day start written into settings.json by hand is put back at the next start (audited): the cap holds', async () => {
    let offset = offsetToYesterdayAt(10, 30); // the till's clock at 10:30 yesterday
    const t = await till({ now: () => Date.now() + offset });
    await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { count: 1 } });
    const first = await t.ok<PaymentView>('payment:startUnlinkedRefund', { amount: 1_000, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0'), supervisorPin: PIN });
    expect((await t.finish(first.id)).status).toBe('approved');
    offset += 10 * 60_000; // 10:40

    // Settings refuse the change without the PIN; the file is edited instead (a day starting at 10:35 would leave
    // the 10:30 refund on "yesterday") and the app restarted.
    const file = path.join(t.dir, 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), tradingDayStart: '10:35' }));
    await t.restart();
    expect((await t.ok('settings:get')).tradingDayStart).toBe('00:00');
    expect(await t.dispatch('payment:startUnlinkedRefund', { amount: 1_000, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0'), supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).tradingDayStart).toBe('00:00');
    expect((await t.audit()).find((e) => e.action === 'security.refused' && e.subject === 'settings.json')).toMatchObject({ actor: 'system', summary: expect.stringMatching(/10:35.*00:00/) });

    // The supervisor's own change (with the PIN) is kept across a restart.
    await t.ok('settings:update', { tradingDayStart: '10:35', supervisorPin: PIN });
    await t.restart();
    expect((await t.ok('settings:get')).tradingDayStart).toBe('10:35');
  });
});

describe('the matched-refund threshold cannot be split', () => {
  it('refunds of one sale count together: under the threshold each, over it together, they need the supervisor (till and EPOS)', async () => {
    const t = await till({ tillBuild: { matchedRefundPinThreshold: { GBP: 1000, EUR: 1000 } } });
    const sale = await t.ok<PaymentView>('payment:startSale', { amount: 5000, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0'), reference: 'OWN-CARD' });
    expect((await t.finish(sale.id)).status).toBe('approved');
    const terminalId = await t.terminal('VCMTILLSCP0');
    const first = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 600, terminalId });
    expect((await t.finish(first.id)).status).toBe('approved');
    // £6.00 given back: another £6.00 would make £12.00 back on this sale, over the £10.00 threshold.
    expect(await t.dispatch('payment:startMatchedRefund', { paymentId: sale.id, amount: 600, terminalId })).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    const viaEpos = await t.epos('POST', '/v1/refunds', { reference: 'OWN-CARD', amount: 600 });
    expect(viaEpos).toMatchObject({ status: 202, body: { kind: 'matched', status: 'awaiting_confirmation', paymentId: null } });
    // Up to the threshold in all, no PIN.
    const small = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 400, terminalId });
    expect((await t.finish(small.id)).status).toBe('approved');
    // With the PIN, as any refund above the threshold.
    const more = await t.ok<PaymentView>('payment:startMatchedRefund', { paymentId: sale.id, amount: 600, terminalId, supervisorPin: PIN });
    expect((await t.finish(more.id)).status).toBe('approved');
    expect(t.services.payments().payment(sale.id).refundedAmount).toBe(1600);
  });
});

describe('the daily caps cannot be restarted by changing the time zone', () => {
  const zone = process.env['TZ'];
  afterEach(() => {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  });

  it('a time zone that puts the till just after midnight (no administrator needed on Windows) does not start a new day', async () => {
    process.env['TZ'] = 'Europe/London';
    let offset = offsetToYesterdayAt(10, 30); // the till's clock at 10:30 yesterday
    const t = await till({ now: () => Date.now() + offset });
    await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { count: 1 } });
    const refund = () => t.dispatch('payment:startUnlinkedRefund', { amount: 1_000, currency: 'GBP', terminalId: tid, supervisorPin: PIN });
    const tid = await t.terminal('VCMTILLSIP0');
    const first = await refund();
    expect((await t.finish((first as { data: PaymentView }).data.id)).status).toBe('approved');

    // At 11:10 the cashier picks the zone where it is now ten past midnight (UTC−11 while London is at UTC+0) and
    // restarts: by that zone's clock the trading day began ten minutes ago, after the first refund.
    offset += 40 * 60_000;
    const utcHour = new Date(Date.now() + offset).getUTCHours();
    process.env['TZ'] = `Etc/GMT+${utcHour}`;
    expect(new Date(Date.now() + offset).getHours()).toBe(0);
    await t.restart();
    expect(await refund()).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect((await t.ok('settings:get')).limits.usedToday.count).toBe(1);

    // The real next day is a new day, whatever the zone.
    offset += 24 * 60 * 60_000;
    const next = await refund();
    expect(next).toMatchObject({ ok: true });
  });
});

