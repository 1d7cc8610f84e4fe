import { DatabaseSync, type StatementSync } from 'node:sqlite';
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryQuery, PaymentStatus, TotalsRow } from '../../shared/payments';
import type { PaymentRecord } from '../payments/record';
import { MIGRATIONS } from './migrations';
import { csvCell } from '../../shared/csv';

export interface JournalEvent {
  at: number;
  kind: string;
  message: string;
  detail?: Record<string, unknown>;
}

const FINAL_SQL = "('approved','declined','cancelled','expired','failed')";

/**
 * The durable record of every payment: SQLite (node:sqlite) in WAL mode with synchronous=FULL, so a write that
 * returned is on disk before the Dojo call that depends on it goes out.
 */
export class Journal {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly insertEvent: StatementSync;
  private readonly selectOne: StatementSync;

  private constructor(readonly file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.migrate();
    this.upsert = this.db.prepare(`
      INSERT INTO payments (id, type, status, step, amount, currency, reference, terminal_id, intent_id, session_id,
        original_payment_id, idempotency_key, total_amount, created_at, updated_at, data)
      VALUES (:id, :type, :status, :step, :amount, :currency, :reference, :terminal_id, :intent_id, :session_id,
        :original_payment_id, :idempotency_key, :total_amount, :created_at, :updated_at, :data)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, step = excluded.step, intent_id = excluded.intent_id,
        session_id = excluded.session_id, total_amount = excluded.total_amount, updated_at = excluded.updated_at,
        data = excluded.data`);
    this.insertEvent = this.db.prepare('INSERT INTO payment_events (payment_id, at, kind, message, detail) VALUES (?, ?, ?, ?, ?)');
    this.selectOne = this.db.prepare('SELECT data FROM payments WHERE id = ?');
  }

  static open(file: string): Journal {
    return new Journal(file);
  }

  get schemaVersion(): number {
    return (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) throw new Error(`The journal was written by a newer version of the app (schema ${current}).`);
    for (let version = current; version < MIGRATIONS.length; version++) {
      this.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
  }

  /** The database, for modules that keep their own tables in this journal (end-of-day reports). */
  get database(): DatabaseSync {
    return this.db;
  }

  /** Runs work in one write transaction: nothing else writes in between. */
  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Writes the payment's current state and, in the same transaction, what just happened. */
  save(record: PaymentRecord, ...events: JournalEvent[]): void {
    this.transaction(() => {
      this.upsert.run({
        id: record.id,
        type: record.type,
        status: record.status,
        step: record.step,
        amount: record.amount,
        currency: record.currency,
        reference: record.reference,
        terminal_id: record.terminalId,
        intent_id: record.intentId,
        session_id: record.sessionId,
        original_payment_id: record.originalPaymentId,
        idempotency_key: record.idempotencyKey,
        total_amount: record.totalAmount,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
        data: JSON.stringify(record),
      });
      for (const event of events) this.insertEvent.run(record.id, event.at, event.kind, event.message, event.detail ? JSON.stringify(event.detail) : null);
    });
  }

  get(id: string): PaymentRecord | undefined {
    const row = this.selectOne.get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as PaymentRecord) : undefined;
  }

  findByIdempotencyKey(key: string): PaymentRecord | undefined {
    const row = this.db.prepare('SELECT data FROM payments WHERE idempotency_key = ?').get(key) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as PaymentRecord) : undefined;
  }

  findByReference(reference: string, limit = 20): PaymentRecord[] {
    return this.records(this.db.prepare('SELECT data FROM payments WHERE reference = ? ORDER BY created_at DESC LIMIT ?').all(reference, limit));
  }

  /** Payments that are not final (in progress or needing attention): start-up recovery resumes these. */
  unfinished(): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT data FROM payments WHERE status NOT IN ${FINAL_SQL} ORDER BY created_at`).all());
  }

  withStatus(status: PaymentStatus): PaymentRecord[] {
    return this.records(this.db.prepare('SELECT data FROM payments WHERE status = ? ORDER BY created_at DESC').all(status));
  }

  /** Approved matched refunds against a sale (what has been given back so far). */
  refundsOf(paymentId: string): PaymentRecord[] {
    return this.records(this.db.prepare('SELECT data FROM payments WHERE original_payment_id = ? ORDER BY created_at').all(paymentId));
  }

  events(paymentId: string): JournalEvent[] {
    return (this.db.prepare('SELECT at, kind, message, detail FROM payment_events WHERE payment_id = ? ORDER BY id').all(paymentId) as {
      at: number;
      kind: string;
      message: string;
      detail: string | null;
    }[]).map((row) => ({ at: row.at, kind: row.kind, message: row.message, ...(row.detail ? { detail: JSON.parse(row.detail) } : {}) }));
  }

  history(query: HistoryQuery): { items: PaymentRecord[]; total: number } {
    const { where, params } = historyFilter(query);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM payments ${where}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT data FROM payments ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset);
    return { items: this.records(rows), total };
  }

  /** Approved payments between two local days (inclusive), by type and currency. */
  totals(from: string, to: string): TotalsRow[] {
    const rows = this.db
      .prepare(
        `SELECT type, currency, count(*) AS count, sum(amount) AS amount, sum(coalesce(total_amount, amount)) AS total
         FROM payments WHERE status = 'approved' AND created_at >= ? AND created_at < ? GROUP BY type, currency ORDER BY type, currency`,
      )
      .all(dayStart(from), dayStart(to, 1)) as { type: TotalsRow['type']; currency: string; count: number; amount: number; total: number }[];
    return rows.map((r) => ({ type: r.type, currency: r.currency, count: r.count, amount: r.amount, total: r.total }));
  }

  /** Every payment matching the query as CSV (RFC 4180), amounts in minor units, times in ISO 8601. */
  exportCsv(query: HistoryQuery): string {
    const { where, params } = historyFilter(query);
    const rows = this.records(this.db.prepare(`SELECT data FROM payments ${where} ORDER BY created_at, id`).all(...params));
    const header = ['id', 'created_at', 'type', 'status', 'amount_minor', 'currency', 'total_minor', 'tips_minor', 'cashback_minor', 'reference', 'terminal_tid', 'card_scheme', 'card_last4', 'auth_code', 'intent_id', 'session_id', 'original_payment_id'];
    const lines = rows.map((r) =>
      [r.id, new Date(r.createdAt).toISOString(), r.type, r.status, r.amount, r.currency, r.totalAmount, r.tipsAmount, r.cashbackAmount, r.reference, r.terminalTid, r.cardScheme, r.last4, r.authCode, r.intentId, r.sessionId, r.originalPaymentId]
        .map(csvCell)
        .join(','),
    );
    return [header.join(','), ...lines].join('\r\n') + '\r\n';
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private records(rows: unknown[]): PaymentRecord[] {
    return (rows as { data: string }[]).map((row) => JSON.parse(row.data) as PaymentRecord);
  }
}

function dayStart(day: string, plusDays = 0): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).getTime();
}

function historyFilter(query: HistoryQuery): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.from) add('created_at >= ?', dayStart(query.from));
  if (query.to) add('created_at < ?', dayStart(query.to, 1));
  if (query.statuses?.length) add(`status IN (${query.statuses.map(() => '?').join(',')})`, ...query.statuses);
  if (query.types?.length) add(`type IN (${query.types.map(() => '?').join(',')})`, ...query.types);
  // Reference search matches the start of the reference, case-insensitively (an index range, fast at 100k+
  // payments), or a payment id exactly.
  if (query.search) add("(reference LIKE ? ESCAPE '\\' OR id = ?)", `${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, query.search);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
