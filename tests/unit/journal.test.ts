import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Journal } from '../../src/main/journal/journal';
import { MIGRATIONS } from '../../src/main/journal/migrations';
import { newRecord, RECORD_VERSION, type PaymentRecord } from '../../src/main/payments/record';

let dir: string;
let journal: Journal;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-journal-'));
  journal = Journal.open(path.join(dir, 'journal.sqlite'));
});
afterEach(() => {
  journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const day = (d: string, hour = 12) => new Date(`${d}T${String(hour).padStart(2, '0')}:00:00`).getTime();
function payment(id: string, overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return { ...newRecord({ id, type: 'Sale', amount: 1000, currency: 'GBP', reference: `R-${id}`, terminalId: 'tm1', terminalTid: 'TID1', environment: 'sandbox', now: day('2026-11-25') }), ...overrides };
}

describe('journal', () => {
  it('opens in WAL mode with synchronous=FULL and a migrated schema', () => {
    const db = new DatabaseSync(path.join(dir, 'journal.sqlite'));
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    db.close();
    expect(journal.schemaVersion).toBe(MIGRATIONS.length);
  });

  it('refuses a journal written by a newer app instead of damaging it', () => {
    journal.close();
    const db = new DatabaseSync(path.join(dir, 'journal.sqlite'));
    db.exec('PRAGMA user_version = 99');
    db.close();
    expect(() => Journal.open(path.join(dir, 'journal.sqlite'))).toThrow(/newer version/);
    journal = Journal.open(path.join(dir, 'other.sqlite'));
  });

  it('saves a payment and its events atomically and reads them back after reopening', () => {
    journal.save(payment('p1'), { at: 1, kind: 'created', message: 'Sale of 1000 GBP' });
    journal.save({ ...payment('p1'), status: 'approved', step: 'done', totalAmount: 1150 }, { at: 2, kind: 'finished', message: 'Approved.', detail: { status: 'approved' } });
    journal.close();
    journal = Journal.open(path.join(dir, 'journal.sqlite'));
    expect(journal.get('p1')).toMatchObject({ status: 'approved', totalAmount: 1150 });
    expect(journal.events('p1')).toEqual([
      { at: 1, kind: 'created', message: 'Sale of 1000 GBP' },
      { at: 2, kind: 'finished', message: 'Approved.', detail: { status: 'approved' } },
    ]);
  });

  it('lists unfinished payments (in progress and needing attention) for recovery', () => {
    journal.save(payment('a', { status: 'in_progress', step: 'following' }));
    journal.save(payment('b', { status: 'approved', step: 'done' }));
    journal.save(payment('c', { status: 'needs_attention', step: 'following' }));
    expect(journal.unfinished().map((r) => r.id).sort()).toEqual(['a', 'c']);
  });

  it('keeps idempotency keys unique', () => {
    journal.save(payment('a', { idempotencyKey: 'K1' }));
    expect(() => journal.save(payment('b', { idempotencyKey: 'K1' }))).toThrow();
    expect(journal.findByIdempotencyKey('K1')?.id).toBe('a');
  });

  it('pages history newest first and filters by date, status, type and reference', () => {
    for (let i = 0; i < 30; i++) {
      journal.save(payment(`p${String(i).padStart(2, '0')}`, { createdAt: day('2026-11-20', 8) + i * 3_600_000 * 6, status: i % 3 === 0 ? 'declined' : 'approved', type: i % 5 === 0 ? 'UnlinkedRefund' : 'Sale', reference: i === 7 ? 'Table 7 50%_off' : `R${i}` }));
    }
    const first = journal.history({ limit: 10, offset: 0 });
    expect(first.total).toBe(30);
    expect(first.items[0]!.id).toBe('p29');
    expect(journal.history({ limit: 10, offset: 20 }).items.at(-1)!.id).toBe('p00');
    expect(journal.history({ limit: 50, offset: 0, statuses: ['declined'] }).total).toBe(10);
    expect(journal.history({ limit: 50, offset: 0, types: ['UnlinkedRefund'] }).total).toBe(6);
    // Reference search: the start of the reference, case-insensitive, wildcards taken literally; or an exact id.
    expect(journal.history({ limit: 50, offset: 0, search: 'table 7 50%_' }).items.map((r) => r.id)).toEqual(['p07']);
    expect(journal.history({ limit: 50, offset: 0, search: '%' }).items).toEqual([]);
    expect(journal.history({ limit: 50, offset: 0, search: 'p12' }).items.map((r) => r.id)).toEqual(['p12']);
    const oneDay = journal.history({ limit: 50, offset: 0, from: '2026-11-21', to: '2026-11-21' });
    expect(oneDay.items.every((r) => new Date(r.createdAt).getDate() === 21)).toBe(true);
    expect(oneDay.total).toBe(4);
  });

  it('totals approved payments by type and currency for a day, tips included in the total', () => {
    journal.save(payment('s1', { status: 'approved', totalAmount: 3150, tipsAmount: 150, cashbackAmount: 2000 }));
    journal.save(payment('s2', { status: 'approved', amount: 500, totalAmount: 500, currency: 'EUR' }));
    journal.save(payment('s3', { status: 'declined' }));
    journal.save(payment('r1', { status: 'approved', type: 'MatchedRefund', amount: 300, totalAmount: 300 }));
    journal.save(payment('old', { status: 'approved', createdAt: day('2026-11-24') }));
    expect(journal.totals('2026-11-25', '2026-11-25')).toEqual([
      { type: 'MatchedRefund', currency: 'GBP', count: 1, amount: 300, total: 300, tips: 0, cashback: 0, handCount: 0, handTotal: 0 },
      { type: 'Sale', currency: 'EUR', count: 1, amount: 500, total: 500, tips: 0, cashback: 0, handCount: 0, handTotal: 0 },
      { type: 'Sale', currency: 'GBP', count: 1, amount: 1000, total: 3150, tips: 150, cashback: 2000, handCount: 0, handTotal: 0 },
    ]);
  });

  it('groups days by the trading day: with a 04:00 start, 00:30 belongs to the day before (history, totals, CSV)', () => {
    journal.save(payment('late', { status: 'approved', totalAmount: 2000, amount: 2000, createdAt: day('2026-11-26', 0) + 30 * 60_000 }));
    journal.save(payment('next', { status: 'approved', totalAmount: 700, amount: 700, createdAt: day('2026-11-26', 4) + 60_000 }));
    expect(journal.totals('2026-11-25', '2026-11-25', '04:00')).toEqual([{ type: 'Sale', currency: 'GBP', count: 1, amount: 2000, total: 2000, tips: 0, cashback: 0, handCount: 0, handTotal: 0 }]);
    expect(journal.totals('2026-11-26', '2026-11-26', '04:00')).toEqual([{ type: 'Sale', currency: 'GBP', count: 1, amount: 700, total: 700, tips: 0, cashback: 0, handCount: 0, handTotal: 0 }]);
    expect(journal.totals('2026-11-26', '2026-11-26')).toEqual([{ type: 'Sale', currency: 'GBP', count: 2, amount: 2700, total: 2700, tips: 0, cashback: 0, handCount: 0, handTotal: 0 }]);
    expect(journal.history({ limit: 50, offset: 0, from: '2026-11-25', to: '2026-11-25' }, '04:00').items.map((r) => r.id)).toEqual(['late']);
    expect(journal.exportCsv({ limit: 50, offset: 0, from: '2026-11-26', to: '2026-11-26' }, '04:00')).toContain('next');
    expect(journal.exportCsv({ limit: 50, offset: 0, from: '2026-11-26', to: '2026-11-26' }, '04:00')).not.toContain('late');
  });

  it('exports CSV with quoting and spreadsheet-formula protection', () => {
    journal.save(payment('x', { reference: '=HYPERLINK("evil")', status: 'approved', totalAmount: 1000, last4: '1013', cardScheme: 'VISA' }));
    journal.save(payment('y', { reference: 'Order, "big"' }));
    const csv = journal.exportCsv({ limit: 50, offset: 0 });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^Local time,Trading day,Type,Status,Reference,Currency,/);
    expect(lines).toHaveLength(3);
    expect(csv).toContain(`"'=HYPERLINK(""evil"")"`);
    expect(csv).toContain('"Order, ""big"""');
    expect(csv).not.toMatch(/\d{12,}/);
  });

  it('exports CSV a manager can trust: major units with currency, local time with offset, refunds negative, screen words, goods/gratuity/cashback', () => {
    journal.save(payment('sale', { reference: 'S1', status: 'approved', amount: 1000, totalAmount: 3150, tipsAmount: 150, cashbackAmount: 2000, last4: '1013', authCode: 'A1B2C3' }));
    journal.save(payment('refund', { type: 'MatchedRefund', reference: 'S1', status: 'approved', amount: 300, totalAmount: 300, originalPaymentId: 'sale', createdAt: day('2026-11-25', 13) }));
    journal.save(payment('busy', { reference: 'S2', status: 'failed', amount: 999, createdAt: day('2026-11-25', 14) }));
    journal.save(payment('offline', { type: 'UnlinkedRefund', reference: 'S3', status: 'failed', amount: 275, createdAt: day('2026-11-25', 15) }));
    const [sale, refund, busy, offline] = parseCsv(journal.exportCsv({ limit: 50, offset: 0 }));
    expect(sale).toMatchObject({ Type: 'Sale', Status: 'Approved', Currency: 'GBP', 'Amount asked': '10.00', Goods: '10.00', Gratuity: '1.50', Cashback: '20.00', Total: '31.50', 'Card last 4': '1013', 'Auth code': 'A1B2C3', 'Trading day': '2026-11-25' });
    expect(sale!['Local time']).toMatch(/^2026-11-25T12:00:00[+-]\d{2}:\d{2}$/);
    expect(new Date(sale!['Local time']!).getTime()).toBe(day('2026-11-25'));
    expect(refund).toMatchObject({ Type: 'Refund', Status: 'Approved', 'Amount asked': '-3.00', Total: '-3.00', 'Refund of': 'sale' });
    expect(busy).toMatchObject({ Status: 'Not charged', 'Amount asked': '9.99', Goods: '', Total: '' });
    // A refund that moved no money speaks of refunds, never of charges.
    expect(offline).toMatchObject({ Type: 'Unlinked refund', Status: 'Not refunded', 'Amount asked': '-2.75' });
  });

  it('finds payments by amount, card last four and auth code as well as reference', () => {
    journal.save(payment('a', { reference: 'Table 4', status: 'approved', amount: 1250, totalAmount: 1400, last4: '1013', authCode: 'AB12CD' }));
    journal.save(payment('b', { reference: '1013 Main St', amount: 999 }));
    const ids = (search: string) => journal.history({ limit: 50, offset: 0, search }).items.map((r) => r.id).sort();
    expect(ids('12.50')).toEqual(['a']);
    expect(ids('£14.00')).toEqual(['a']);
    expect(ids('9,99')).toEqual(['b']);
    expect(ids('1013')).toEqual(['a', 'b']);
    expect(ids('ab12cd')).toEqual(['a']);
    expect(ids('table')).toEqual(['a']);
  });

  it('stores each record with its version and validates it on read; an old record reads with defaults', () => {
    journal.save(payment('v', { status: 'approved', step: 'done' }));
    journal.close();
    const db = new DatabaseSync(path.join(dir, 'journal.sqlite'));
    const stored = JSON.parse((db.prepare("SELECT data FROM payments WHERE id = 'v'").get() as { data: string }).data);
    expect(stored.v).toBe(RECORD_VERSION);
    // A record written before versions existed (no `v`, a field added later missing) reads as today's shape.
    const { v: _v, restartedBeforeSession: _r, ...old } = stored;
    db.prepare("UPDATE payments SET data = ? WHERE id = 'v'").run(JSON.stringify(old));
    db.close();
    journal = Journal.open(path.join(dir, 'journal.sqlite'));
    expect(journal.get('v')).toMatchObject({ id: 'v', status: 'approved', restartedBeforeSession: false });
    expect(journal.get('v')).not.toHaveProperty('v');
  });

  it('never drops a payment whose record cannot be read: rebuilt from the index, and a running one waits for a person', () => {
    journal.save(payment('done1', { status: 'approved', step: 'done', totalAmount: 1150, intentId: 'pi_1' }));
    journal.save(payment('run1', { status: 'in_progress', step: 'following', intentId: 'pi_2' }));
    journal.save(payment('new1', { status: 'in_progress', step: 'following' }));
    journal.close();
    const db = new DatabaseSync(path.join(dir, 'journal.sqlite'));
    db.prepare("UPDATE payments SET data = '{\"id\": \"done1\", \"trunc' WHERE id = 'done1'").run();
    db.prepare("UPDATE payments SET data = json_set(data, '$.amount', 'lots') WHERE id = 'run1'").run();
    db.prepare("UPDATE payments SET data = json_set(data, '$.v', 99) WHERE id = 'new1'").run();
    db.close();
    journal = Journal.open(path.join(dir, 'journal.sqlite'));
    expect(journal.get('done1')).toMatchObject({ status: 'approved', totalAmount: 1150, intentId: 'pi_1', amount: 1000, reference: 'R-done1' });
    expect(journal.get('run1')).toMatchObject({ status: 'needs_attention', intentId: 'pi_2', attention: { reason: expect.stringMatching(/could not be read/) } });
    expect(journal.get('new1')!.status).toBe('needs_attention');
    expect(journal.history({ limit: 10, offset: 0 }).total).toBe(3);
    expect(journal.unfinished().map((r) => r.id).sort()).toEqual(['new1', 'run1']);
    // Set aside at once, so the attention list shows them, with the damaged text kept for support.
    expect(journal.withStatus('needs_attention').map((r) => r.id).sort()).toEqual(['new1', 'run1']);
    expect(journal.events('run1').at(-1)!.detail!['unreadableRecord']).toContain('lots');
  });
});

/** A small RFC 4180 reader for the tests: header row -> one object per line. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}
