import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FINAL_STATUSES, type PaymentStatus, type PaymentType } from '../../shared/payments';
import type { Journal } from '../journal/journal';
import { chargedSql } from '../payments/amounts';

/** The final statuses as an SQL list (from the one shared list). */
const FINAL_SQL = `(${FINAL_STATUSES.map((s) => `'${s}'`).join(',')})`;

/**
 * What a sale charged to the card: the one rule in payments/amounts.ts (right under either reading of Dojo's
 * totalAmount, dojo-api.md A6); a record whose JSON cannot be read still counts its indexed total.
 */
const chargedOf = chargedSql;

/**
 * What a payment adds to net card takings, in minor units: an approved sale what it charged, an approved refund
 * minus its amount, anything else nothing. Used for what a Z counted and for adjustments, so both agree.
 */
const netOf = (p: string) => `CASE WHEN ${p}status = 'approved' THEN CASE WHEN ${p}type = 'Sale' THEN ${chargedOf(p)} ELSE -${p}amount END ELSE 0 END`;

export interface DayRow {
  currency: string;
  type: PaymentType;
  status: PaymentStatus;
  byHand: boolean;
  scheme: string | null;
  count: number;
  goods: number;
  gratuity: number;
  cashback: number;
  /** Sales: what the cards were charged (see chargedOf); refunds: their amount. */
  charged: number;
}

export interface CandidateRow {
  id: string;
  type: PaymentType;
  status: PaymentStatus;
  byHand: boolean;
  currency: string;
  reference: string;
  createdAt: number;
  net: number;
  before: { status: PaymentStatus; byHand: boolean; net: number; zNumber: number } | null;
}

export interface StoredZ {
  number: number;
  tradingDay: string;
  closedAt: number;
  report: string;
}

/** The SQL behind X and Z reports: figures of a day, what changed since the last Z, and the Z table itself. */
export class ReportJournal {
  private readonly db: DatabaseSync;
  private readonly dayRows: StatementSync;
  private readonly candidates: StatementSync;

  constructor(private readonly journal: Journal) {
    this.db = journal.database;
    // The day's payments no Z has counted yet. The covering index holds every column the figures need; the
    // counted check is one primary-key look-up per row.
    this.dayRows = this.db.prepare(`
      SELECT p.currency, p.type, p.status, p.by_hand AS byHand, p.card_scheme AS scheme, count(*) AS count, sum(p.amount) AS goods,
        sum(coalesce(p.tips_amount, 0)) AS gratuity, sum(coalesce(p.cashback_amount, 0)) AS cashback,
        sum(CASE WHEN p.type = 'Sale' THEN ${chargedOf('p.')} ELSE p.amount END) AS charged
      FROM payments p INDEXED BY payments_report
      WHERE p.created_at >= ? AND p.created_at < ? AND p.status IN ${FINAL_SQL}
        AND NOT EXISTS (SELECT 1 FROM z_counted c WHERE c.payment_id = p.id)
      GROUP BY p.currency, p.type, p.status, p.by_hand, p.card_scheme`);
    // Adjustments: payments changed since the last Z that a Z counted differently, or that started before the day
    // and no Z has counted (they finished after their day was closed, or their day was never closed).
    this.candidates = this.db.prepare(`
      SELECT p.id, p.type, p.status, p.by_hand AS byHand, p.currency, p.reference, p.created_at AS createdAt, ${netOf('p.')} AS net,
        c.status AS beforeStatus, c.by_hand AS beforeByHand, c.net AS beforeNet, c.z_number AS beforeZ
      FROM payments p INDEXED BY payments_updated LEFT JOIN z_counted c ON c.payment_id = p.id
      WHERE p.updated_at > ? AND p.created_at >= ? AND p.created_at < ? AND p.status IN ${FINAL_SQL}
        AND ((c.payment_id IS NULL AND p.created_at < ?) OR c.status <> p.status OR c.by_hand <> p.by_hand OR c.net <> ${netOf('p.')})
      ORDER BY p.created_at, p.id`);
  }

  day(start: number, end: number): DayRow[] {
    return (this.dayRows.all(start, end) as unknown as DayRow[]).map((r) => ({ ...r, byHand: !!r.byHand }));
  }

  /** Adjustment candidates for a report of the day [dayStart, dayEnd), changed after `since`, back to `from`. */
  changedSince(since: number, from: number, dayStart: number, dayEnd: number): CandidateRow[] {
    return (this.candidates.all(since, from, dayEnd, dayStart) as Record<string, unknown>[]).map((r) => ({
      id: r['id'] as string,
      type: r['type'] as PaymentType,
      status: r['status'] as PaymentStatus,
      byHand: !!r['byHand'],
      currency: r['currency'] as string,
      reference: r['reference'] as string,
      createdAt: r['createdAt'] as number,
      net: r['net'] as number,
      before:
        r['beforeZ'] === null
          ? null
          : { status: r['beforeStatus'] as PaymentStatus, byHand: !!r['beforeByHand'], net: r['beforeNet'] as number, zNumber: r['beforeZ'] as number },
    }));
  }

  /** Whether any payment started before this moment (a first Z says earlier days are on no Z). */
  anyBefore(ms: number): boolean {
    return !!this.db.prepare('SELECT 1 AS found FROM payments WHERE created_at < ? LIMIT 1').get(ms);
  }

  latestZ(): StoredZ | undefined {
    return this.one('SELECT number, trading_day AS tradingDay, closed_at AS closedAt, report FROM z_reports ORDER BY number DESC LIMIT 1');
  }

  firstZ(): StoredZ | undefined {
    return this.one('SELECT number, trading_day AS tradingDay, closed_at AS closedAt, report FROM z_reports ORDER BY number LIMIT 1');
  }

  zOfDay(day: string): StoredZ | undefined {
    return this.one('SELECT number, trading_day AS tradingDay, closed_at AS closedAt, report FROM z_reports WHERE trading_day = ?', day);
  }

  z(number: number): StoredZ | undefined {
    return this.one('SELECT number, trading_day AS tradingDay, closed_at AS closedAt, report FROM z_reports WHERE number = ?', number);
  }

  closedDays(days: string[]): Set<string> {
    if (days.length === 0) return new Set();
    const rows = this.db.prepare(`SELECT trading_day AS day FROM z_reports WHERE trading_day IN (${days.map(() => '?').join(',')})`).all(...days) as { day: string }[];
    return new Set(rows.map((r) => r.day));
  }

  list(limit: number, offset: number): { items: StoredZ[]; total: number } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM z_reports').get() as { n: number }).n;
    const items = this.db.prepare('SELECT number, trading_day AS tradingDay, closed_at AS closedAt, report FROM z_reports ORDER BY number DESC LIMIT ? OFFSET ?').all(limit, offset) as unknown as StoredZ[];
    return { items, total };
  }

  /**
   * Stores a Z and what it counted: the final payments of its day no Z had counted, and each adjustment's
   * payment as it is now. Call inside journal.transaction() with the figures, so nothing changes in between.
   */
  insertZ(z: StoredZ, day: { start: number; end: number }, adjusted: string[]): void {
    this.db.prepare('INSERT INTO z_reports (number, trading_day, closed_at, report) VALUES (?, ?, ?, ?)').run(z.number, z.tradingDay, z.closedAt, z.report);
    this.db
      .prepare(`INSERT INTO z_counted (payment_id, z_number, status, by_hand, net) SELECT id, ?, status, by_hand, ${netOf('')} FROM payments WHERE created_at >= ? AND created_at < ? AND status IN ${FINAL_SQL} ON CONFLICT (payment_id) DO NOTHING`)
      .run(z.number, day.start, day.end);
    const adjust = this.db.prepare(
      `INSERT INTO z_counted (payment_id, z_number, status, by_hand, net) SELECT id, ?, status, by_hand, ${netOf('')} FROM payments WHERE id = ?
       ON CONFLICT (payment_id) DO UPDATE SET z_number = excluded.z_number, status = excluded.status, by_hand = excluded.by_hand, net = excluded.net`,
    );
    for (const id of adjusted) adjust.run(z.number, id);
  }

  transaction<T>(work: () => T): T {
    return this.journal.transaction(work);
  }

  private one(sql: string, ...params: (string | number)[]): StoredZ | undefined {
    return this.db.prepare(sql).get(...params) as StoredZ | undefined;
  }
}
