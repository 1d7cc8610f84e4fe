import { DatabaseSync, type StatementSync } from 'node:sqlite';
import path from 'node:path';
import { FINAL_STATUSES, type HistoryQuery, type PaymentStatus, type TotalsRow } from '../../shared/payments';
import { chargedSql } from '../payments/amounts';
import { newRecord, parseRecord, serializeRecord, type PaymentRecord } from '../payments/record';
import { journalWords as unreadable } from '../payments/messages';
import { MIGRATIONS } from './migrations';
import { ensurePrivateDir, ensurePrivateFile, tightenIfPresent } from '../security/private-files';
import { AUDIT_GENESIS, auditChainIntact, auditHash, type AuditKey, type AuditRow, type AuditRowInput } from './audit-chain';
import { MIDNIGHT, tradingDayBounds, tradingDayRange, type DayStart } from '../../shared/dates';
import { parseMajorAmount } from '../../shared/money';
import { toCsv } from './csv';

export interface JournalEvent {
  at: number;
  kind: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** The final statuses as an SQL list, built from the one list in shared/payments.ts. */
const FINAL_SQL = `(${FINAL_STATUSES.map((status) => `'${status}'`).join(',')})`;

/**
 * The durable record of every payment: SQLite (node:sqlite) in WAL mode with synchronous=FULL, so a write that
 * returned is on disk before the Dojo call that depends on it goes out.
 */
/** An unlinked refund as the daily caps count it. */
export interface UnlinkedRefundRow {
  id: string;
  amount: number;
  currency: string;
  status: string;
  createdAt: number;
}

export class Journal {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly insertEvent: StatementSync;
  private readonly selectOne: StatementSync;

  private constructor(readonly file: string) {
    if (file !== ':memory:') {
      // User-only before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
      ensurePrivateDir(path.dirname(file));
      ensurePrivateFile(file);
    }
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) tightenIfPresent(`${file}${suffix}`); // left by an older version
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
    this.selectOne = this.db.prepare(`SELECT ${ROW} FROM payments WHERE id = ?`);
    this.setAsideUnreadable();
  }

  /**
   * An unfinished payment whose record cannot be read is set aside at once as needing a person (so it shows in
   * the attention list), with the damaged text kept in its timeline for support.
   */
  private setAsideUnreadable(): void {
    const rows = this.db.prepare(`SELECT ${ROW} FROM payments WHERE status NOT IN ${FINAL_SQL} AND status != 'needs_attention'`).all() as unknown as StoredRow[];
    for (const row of rows) {
      if (parseRecord(row.data).ok) continue;
      const record = readRow(row);
      this.save(record, { at: record.updatedAt, kind: 'needs_attention', message: record.attention!.reason, detail: { unreadableRecord: row.data.slice(0, 4_000) } });
    }
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

  /**
   * Writes the payment's current state and, in the same transaction, what just happened. Every write is a new
   * revision of the payment (set on the record passed in, so the in-memory copy and its views carry it too).
   */
  save(record: PaymentRecord, ...events: JournalEvent[]): void {
    record.revision = (record.revision ?? 0) + 1;
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
        data: serializeRecord(record),
      });
      for (const event of events) this.insertEvent.run(record.id, event.at, event.kind, event.message, event.detail ? JSON.stringify(event.detail) : null);
    });
  }

  get(id: string): PaymentRecord | undefined {
    const row = this.selectOne.get(id) as StoredRow | undefined;
    return row ? readRow(row) : undefined;
  }

  findByIdempotencyKey(key: string): PaymentRecord | undefined {
    const row = this.db.prepare(`SELECT ${ROW} FROM payments WHERE idempotency_key = ?`).get(key) as StoredRow | undefined;
    return row ? readRow(row) : undefined;
  }

  findByReference(reference: string, limit = 20): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE reference = ? ORDER BY created_at DESC LIMIT ?`).all(reference, limit));
  }

  /** Payments that are not final (in progress or needing attention): start-up recovery resumes these. */
  unfinished(): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE status NOT IN ${FINAL_SQL} ORDER BY created_at`).all());
  }

  withStatus(status: PaymentStatus): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE status = ? ORDER BY created_at DESC`).all(status));
  }

  /** Payments that started in [start, end), oldest first (end-of-day reconciliation). */
  startedBetween(start: number, end: number): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`).all(start, end));
  }

  /**
   * Payments waiting for Dojo's record: needing attention, or with a person's verdict (or a decline on the
   * terminal session's word) not yet checked against Dojo (of the last `verdictDays` days; older ones are no
   * longer asked about).
   */
  awaitingDojo(since: number): PaymentRecord[] {
    const attention = this.withStatus('needs_attention');
    const verdicts = this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE created_at >= ? AND status IN ${FINAL_SQL} AND json_valid(data) AND (json_extract(data, '$.resolution.dojo') = 'pending' OR json_extract(data, '$.sessionWord.dojo') = 'pending') ORDER BY created_at`).all(since));
    return [...attention, ...verdicts];
  }

  /** Sales reported approved whose session is still watched for a late signature check (resumed at start-up). */
  watchingForSignature(): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE status = 'approved' AND json_valid(data) AND json_extract(data, '$.signatureWatchUntil') IS NOT NULL ORDER BY created_at`).all());
  }

  /** Payments whose verdict Dojo's record contradicted and no supervisor has acknowledged yet. */
  contradictions(): PaymentRecord[] {
    return this.records(
      this.db.prepare(`SELECT ${ROW} FROM payments WHERE json_valid(data) AND json_type(data, '$.contradiction') = 'object' AND coalesce(json_type(data, '$.contradiction.acknowledged'), 'null') = 'null' ORDER BY created_at DESC`).all(),
    );
  }

  /** Approved matched refunds against a sale (what has been given back so far). */
  refundsOf(paymentId: string): PaymentRecord[] {
    return this.records(this.db.prepare(`SELECT ${ROW} FROM payments WHERE original_payment_id = ? ORDER BY created_at`).all(paymentId));
  }

  events(paymentId: string): JournalEvent[] {
    return (this.db.prepare('SELECT at, kind, message, detail FROM payment_events WHERE payment_id = ? ORDER BY id').all(paymentId) as {
      at: number;
      kind: string;
      message: string;
      detail: string | null;
    }[]).map((row) => ({ at: row.at, kind: row.kind, message: row.message, ...(row.detail ? { detail: JSON.parse(row.detail) } : {}) }));
  }

  /** Days in queries are trading days starting at `dayStart` (shared/dates.ts). */
  history(query: HistoryQuery, dayStart: DayStart = MIDNIGHT): { items: PaymentRecord[]; total: number } {
    const { where, params } = historyFilter(query, dayStart);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM payments ${where}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT ${ROW} FROM payments ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset);
    return { items: this.records(rows), total };
  }

  /** Approved payments between two trading days (inclusive), by type and currency; `total` = what the cards were charged (payments/amounts.ts). */
  totals(from: string, to: string, dayStart: DayStart = MIDNIGHT): TotalsRow[] {
    const range = tradingDayRange(from, to, dayStart);
    const rows = this.db
      .prepare(
        // Approved as Dojo's record shows (count, amount, total, tips, cashback) apart from approved only on a
        // person's word (by_hand: a verdict Dojo has not confirmed, see migration 4).
        `SELECT type, currency,
           sum(by_hand = 0) AS count, coalesce(sum(CASE WHEN by_hand = 0 THEN amount END), 0) AS amount, coalesce(sum(CASE WHEN by_hand = 0 THEN ${chargedSql()} END), 0) AS total,
           coalesce(sum(CASE WHEN by_hand = 0 THEN coalesce(json_extract(data, '$.tipsAmount'), 0) END), 0) AS tips,
           coalesce(sum(CASE WHEN by_hand = 0 THEN coalesce(json_extract(data, '$.cashbackAmount'), 0) END), 0) AS cashback,
           sum(by_hand = 1) AS handCount, coalesce(sum(CASE WHEN by_hand = 1 THEN ${chargedSql()} END), 0) AS handTotal
         FROM payments WHERE status = 'approved' AND created_at >= ? AND created_at < ? GROUP BY type, currency ORDER BY type, currency`,
      )
      .all(range.start, range.end) as TotalsRow[];
    return rows.map((r) => ({ type: r.type, currency: r.currency, count: r.count, amount: r.amount, total: r.total, tips: r.tips, cashback: r.cashback, handCount: r.handCount, handTotal: r.handTotal }));
  }

  /** Every payment matching the query as CSV, oldest first (see csv.ts for the columns). */
  exportCsv(query: HistoryQuery, dayStart: DayStart = MIDNIGHT): string {
    const { where, params } = historyFilter(query, dayStart);
    return toCsv(this.records(this.db.prepare(`SELECT ${ROW} FROM payments ${where} ORDER BY created_at, id`).all(...params)), dayStart);
  }

  /** Appends one audit row, chained to the last one (in one transaction: no two rows claim the same predecessor). */
  appendAudit(input: AuditRowInput, sign: (prevHash: string, row: AuditRowInput) => string = auditHash): AuditRow {
    return this.transaction(() => {
      const last = this.db.prepare('SELECT hash FROM audit ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined;
      const prev = last?.hash ?? AUDIT_GENESIS;
      const hash = sign(prev, input);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO audit (at, environment, action, outcome, actor, subject, summary, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.at, input.environment, input.action, input.outcome, input.actor, input.subject, input.summary, input.detail, prev, hash);
      return { ...input, id: Number(lastInsertRowid), prev_hash: prev, hash };
    });
  }

  /** Audit rows newest first (before an id, for paging), and whether they chain up with the rows around them. */
  auditPage(limit: number, before?: number, keyed?: AuditKey): { rows: AuditRow[]; intact: boolean } {
    const rows = (before === undefined
      ? this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)) as unknown as AuditRow[];
    const ascending = [...rows].reverse();
    const first = ascending[0];
    const previous = first ? (this.db.prepare('SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1').get(first.id) as { hash: string } | undefined) : undefined;
    return { rows, intact: auditChainIntact(ascending, first ? (previous?.hash ?? AUDIT_GENESIS) : undefined, keyed) };
  }

  /** The whole audit checked from its first row (support bundle). */
  auditAll(keyed?: AuditKey): { rows: AuditRow[]; intact: boolean } {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id').all() as unknown as AuditRow[];
    return { rows, intact: auditChainIntact(rows, AUDIT_GENESIS, keyed) };
  }

  /** The last audit row's position (what the journal seal keeps), or null when the audit is empty. */
  lastAudit(): { id: number; hash: string } | null {
    return (this.db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined) ?? null;
  }

  /** Audit rows from an id on (ascending), with the hash of the row before the first (the journal seal's check). */
  auditFrom(id: number): { rows: AuditRow[]; prev: string } {
    const rows = this.db.prepare('SELECT * FROM audit WHERE id >= ? ORDER BY id').all(id) as unknown as AuditRow[];
    const before = this.db.prepare('SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1').get(id) as { hash: string } | undefined;
    return { rows, prev: before?.hash ?? AUDIT_GENESIS };
  }

  auditRow(id: number): AuditRow | undefined {
    return this.db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as unknown as AuditRow | undefined;
  }

  /** Every unlinked refund started since a time, any status, as the columns the daily caps count (the journal seal). */
  unlinkedRefundRows(since: number): UnlinkedRefundRow[] {
    return this.db.prepare(`SELECT id, amount, currency, status, created_at AS createdAt FROM payments WHERE type = 'UnlinkedRefund' AND created_at >= ? ORDER BY created_at, id`).all(since) as unknown as UnlinkedRefundRow[];
  }

  /** The cap-counting columns of some payments, whatever their type or time (the journal seal's check). */
  paymentColumns(ids: readonly string[]): (UnlinkedRefundRow & { type: string })[] {
    const statement = this.db.prepare('SELECT id, type, amount, currency, status, created_at AS createdAt FROM payments WHERE id = ?');
    return ids.flatMap((id) => (statement.get(id) as (UnlinkedRefundRow & { type: string }) | undefined) ?? []);
  }

  /** Unlinked refunds since a time that gave (or may still give) money: approved, running or waiting for a person. */
  unlinkedRefundsSince(since: number): { count: number; byCurrency: Record<string, number> } {
    const rows = this.db
      .prepare(
        `SELECT currency, count(*) AS n, sum(amount) AS amount FROM payments
         WHERE type = 'UnlinkedRefund' AND created_at >= ? AND status NOT IN ('declined','cancelled','expired','failed') GROUP BY currency`,
      )
      .all(since) as { currency: string; n: number; amount: number }[];
    return { count: rows.reduce((sum, r) => sum + r.n, 0), byCurrency: Object.fromEntries(rows.map((r) => [r.currency, r.amount])) };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private records(rows: unknown[]): PaymentRecord[] {
    return (rows as StoredRow[]).map(readRow);
  }
}

/** The indexed columns kept beside the JSON: enough to show a payment whose JSON cannot be read. */
const ROW = 'id, type, status, amount, currency, reference, terminal_id, intent_id, session_id, original_payment_id, idempotency_key, total_amount, created_at, updated_at, data';
interface StoredRow {
  id: string;
  type: PaymentRecord['type'];
  status: PaymentRecord['status'];
  amount: number;
  currency: string;
  reference: string;
  terminal_id: string;
  intent_id: string | null;
  session_id: string | null;
  original_payment_id: string | null;
  idempotency_key: string | null;
  total_amount: number | null;
  created_at: number;
  updated_at: number;
  data: string;
}

/**
 * A stored payment, validated. One whose JSON cannot be read (damaged, or from a newer app) is never dropped:
 * it is rebuilt from the indexed columns and, unless the columns say it ended, it waits for a person.
 */
function readRow(row: StoredRow): PaymentRecord {
  const parsed = parseRecord(row.data);
  if (parsed.ok) return parsed.record;
  const record = newRecord({ id: row.id, type: row.type, amount: row.amount, currency: row.currency, reference: row.reference, terminalId: row.terminal_id, terminalTid: null, environment: 'unknown', now: row.created_at });
  const ended = FINAL_STATUSES.includes(row.status);
  return {
    ...record,
    status: ended ? row.status : 'needs_attention',
    step: ended ? 'done' : record.step,
    intentId: row.intent_id,
    sessionId: row.session_id,
    originalPaymentId: row.original_payment_id,
    idempotencyKey: row.idempotency_key,
    totalAmount: row.total_amount,
    updatedAt: row.updated_at,
    outcomeMessage: ended ? unreadable.endedMessage : null,
    attention: ended ? null : unreadable.attention,
  };
}

function historyFilter(query: HistoryQuery, dayStart: DayStart): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.from) add('created_at >= ?', tradingDayBounds(query.from, dayStart).start);
  if (query.to) add('created_at < ?', tradingDayBounds(query.to, dayStart).end);
  if (query.statuses?.length) add(`status IN (${query.statuses.map(() => '?').join(',')})`, ...query.statuses);
  if (query.types?.length) add(`type IN (${query.types.map(() => '?').join(',')})`, ...query.types);
  if (query.search) add(...searchClause(query.search));
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * What a manager may type to find a payment: the start of its reference (case-insensitive, an index range, fast
 * at 100k+ payments) or its payment id; and, when the text has their shape, an amount ("12.50", "£12.50": what
 * was asked or charged), a card's last four digits ("1013") or an auth code (six letters and digits).
 */
function searchClause(search: string): [string, ...(string | number)[]] {
  const text = search.trim();
  const ors = ["reference LIKE ? ESCAPE '\\'", 'id = ?'];
  const params: (string | number)[] = [`${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, text];
  if (/^[£€]\s*\d|^\d+[.,]\d{1,2}$/.test(text)) {
    const money = parseMajorAmount(text);
    if (money.ok) {
      ors.push('amount = ?', `${chargedSql()} = ?`);
      params.push(money.minor, money.minor);
    }
  }
  if (/^\d{4}$/.test(text)) {
    ors.push("json_extract(data, '$.last4') = ?");
    params.push(text);
  }
  if (/^[A-Za-z0-9]{6}$/.test(text)) {
    ors.push("upper(json_extract(data, '$.authCode')) = ?");
    params.push(text.toUpperCase());
  }
  return [`(${ors.join(' OR ')})`, ...params];
}
