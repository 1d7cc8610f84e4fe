// Issue 19: one notion of the trading day everywhere. The start time chosen in Settings (supervisor PIN) moves the
// X report's period, and the X report, the history's day totals and its list agree on which payments are the
// day's. Real service graph through the renderer's bridge (the IPC dispatcher), training simulator, real SQLite.
// The expectations are computed with the shared helper for the moment the test runs: no test depends on the hour.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { tradingDay, tradingDayBounds } from '../../src/shared/dates';
import { waitUntil } from '../support/exchange-files';

const PIN = '246813';
let opened: { services: Services; dir: string } | undefined;
afterEach(async () => {
  await opened?.services.close();
  if (opened) fs.rmSync(opened.dir, { recursive: true, force: true });
  opened = undefined;
});

describe('trading day start from Settings', () => {
  it('moves the X report period; X, day totals and history count the same payments', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-eod-day-'));
    const services = await createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore(), env: { TILL_TRAINING_SIM_SPEED: '40' } }));
    opened = { services, dir };
    const dispatch = createDispatcher(createHandlers(services));
    const ok = async (channel: string, request?: unknown) => {
      const answer = (await dispatch(channel as never, request as never)) as { ok: boolean; data?: any; error?: unknown };
      if (!answer.ok) throw new Error(`${channel}: ${JSON.stringify(answer.error)}`);
      return answer.data;
    };
    await services.authority.setPin({ next: PIN, confirm: PIN });
    const terminals = await services.payments().listTerminals();
    const terminalId = terminals.find((t) => t.tid === 'VCMTILLSIP0')!.id;
    const sale = await ok('payment:startSale', { amount: 1250, currency: 'GBP', reference: 'DAY-1', terminalId });
    await waitUntil('the sale approved', () => services.payments().payment(sale.id).status === 'approved');

    for (const start of ['00:00', '10:35', '04:00']) {
      if (start !== '00:00') await ok('settings:update', { tradingDayStart: start, supervisorPin: PIN });
      const now = Date.now();
      const day = tradingDay(now, start);
      const bounds = tradingDayBounds(day, start);
      const x = await ok('reports:x', {});
      expect(x.tradingDay).toBe(day);
      expect(x.period).toEqual({ start: new Date(bounds.start).toISOString(), end: new Date(bounds.end).toISOString() });
      // The sale belongs to the day in all three views, or to none.
      const inDay = Date.parse(sale.createdAt) >= bounds.start && Date.parse(sale.createdAt) < bounds.end;
      const xSales = x.currencies.find((c: { currency: string }) => c.currency === 'GBP')?.sales.count ?? 0;
      const totals = await ok('history:totals', { from: day, to: day });
      const totalSales = totals.rows.find((r: { type: string }) => r.type === 'Sale')?.count ?? 0;
      const history = await ok('history:list', { from: day, to: day, limit: 50, offset: 0 });
      expect([xSales, totalSales, history.total]).toEqual(inDay ? [1, 1, 1] : [0, 0, 0]);
    }
  }, 120_000);
});
