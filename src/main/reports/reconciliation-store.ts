import type { DatabaseSync } from 'node:sqlite';
import { ReconciliationSchema, type ExceptionAction, type Reconciliation, type ReconciliationException } from '../../shared/reports';
import type { Journal } from '../journal/journal';
import type { PaymentFacts } from './reconcile';
import { reconciliationMessage } from './reconciliation-summary';

export interface ActionRow {
  exceptionId: string;
  action: ExceptionAction;
  note: string;
  actor: string;
  at: number;
  detail: Record<string, unknown> | null;
}

const STATE_OF: Record<ExceptionAction, ReconciliationException['state']> = { record_dojo: 'recorded', refund: 'refunded', explain: 'explained' };

/** Reconciliation runs and the (append-only) actions people took on their exceptions, in the journal. */
export class ReconciliationStore {
  private readonly db: DatabaseSync;

  constructor(private readonly journal: Journal) {
    this.db = journal.database;
  }

  /**
   * What matching needs of every payment that started in [start, end), from the indexed and generated columns
   * (no full record parse: a day of thousands is read in milliseconds).
   */
  paymentFacts(start: number, end: number): PaymentFacts[] {
    const rows = this.db
      .prepare(
        `SELECT id, type, status, amount, currency, reference, intent_id AS intentId, original_payment_id AS originalPaymentId, total_amount AS totalAmount,
           tips_amount AS tipsAmount, cashback_amount AS cashbackAmount, created_at AS createdAt,
           CASE WHEN by_hand THEN json_extract(data, '$.resolution.outcome') END AS handVerdict
         FROM payments WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`,
      )
      .all(start, end) as unknown as PaymentFacts[];
    return rows.map((r) => ({ ...r }));
  }

  /** Approved matched refunds per sale (all time), for the given sales. */
  refundedBySale(saleIds: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    const query = this.db.prepare("SELECT original_payment_id AS sale, sum(amount) AS refunded FROM payments WHERE type = 'MatchedRefund' AND status = 'approved' AND original_payment_id = ? GROUP BY original_payment_id");
    for (const id of saleIds) {
      const row = query.get(id) as { sale: string; refunded: number } | undefined;
      if (row) out.set(row.sale, row.refunded);
    }
    return out;
  }

  save(result: Omit<Reconciliation, 'id'>, ranAt: number): number {
    const info = this.db.prepare('INSERT INTO reconciliations (from_day, to_day, ran_at, result) VALUES (?, ?, ?, ?)').run(result.from, result.to, ranAt, JSON.stringify(result));
    return Number(info.lastInsertRowid);
  }

  latest(from: string, to: string): Reconciliation | null {
    const row = this.db.prepare('SELECT id, result FROM reconciliations WHERE from_day = ? AND to_day = ? ORDER BY id DESC LIMIT 1').get(from, to) as { id: number; result: string } | undefined;
    return row ? this.withStates({ ...JSON.parse(row.result), id: row.id }) : null;
  }

  /** The run an exception id was last seen in. */
  runWithException(exceptionId: string): Reconciliation | null {
    const row = this.db
      .prepare("SELECT r.id, r.result FROM reconciliations r, json_each(r.result, '$.exceptions') e WHERE json_extract(e.value, '$.id') = ? ORDER BY r.id DESC LIMIT 1")
      .get(exceptionId) as { id: number; result: string } | undefined;
    return row ? this.withStates({ ...JSON.parse(row.result), id: row.id }) : null;
  }

  append(row: ActionRow): void {
    this.db.prepare('INSERT INTO reconciliation_actions (exception_id, action, note, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?)').run(row.exceptionId, row.action, row.note, row.actor, row.at, row.detail ? JSON.stringify(row.detail) : null);
  }

  actions(exceptionId: string): ActionRow[] {
    return (this.db.prepare('SELECT exception_id AS exceptionId, action, note, actor, at, detail FROM reconciliation_actions WHERE exception_id = ? ORDER BY id').all(exceptionId) as Record<string, unknown>[]).map((r) => ({
      exceptionId: r['exceptionId'] as string,
      action: r['action'] as ExceptionAction,
      note: r['note'] as string,
      actor: r['actor'] as string,
      at: r['at'] as number,
      detail: r['detail'] ? (JSON.parse(r['detail'] as string) as Record<string, unknown>) : null,
    }));
  }

  /** Exceptions carry the state of the last action on them (an explained exception stays explained on later runs). */
  private withStates(raw: unknown): Reconciliation {
    const result = ReconciliationSchema.parse(raw);
    const last = this.db.prepare('SELECT action, note, at FROM reconciliation_actions WHERE exception_id = ? ORDER BY id DESC LIMIT 1');
    result.exceptions = result.exceptions.map((e) => {
      const row = last.get(e.id) as { action: ExceptionAction; note: string; at: number } | undefined;
      return row ? { ...e, state: STATE_OF[row.action], note: row.note, resolvedAt: new Date(row.at).toISOString() } : e;
    });
    result.message = reconciliationMessage(result);
    return result;
  }

  transaction<T>(work: () => T): T {
    return this.journal.transaction(work);
  }
}
