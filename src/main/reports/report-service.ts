import { RUNNING_STATUSES, type PaymentStatus } from '../../shared/payments';
import { ReportSchema, type Adjustment, type OpenPayment, type Reconciliation, type Report, type ZSummary } from '../../shared/reports';
import { AUDIT_ACTIONS } from '../../shared/audit';
import { addDays } from '../../shared/dates';
import { AppError } from '../errors';
import type { Journal } from '../journal/journal';
import type { Logger } from '../logging/logger';
import type { PaymentRecord } from '../payments/record';
import { supervisorRequired, type EodAuthority } from './authority';
import { figuresOf } from './figures';
import type { Reconciler } from './reconciler';
import { reconciliationSummary } from './reconciliation-summary';
import { ReportJournal, type StoredZ } from './report-journal';
import type { TradingDays } from './trading-day';

export interface ReportServiceOptions {
  journal: Journal;
  days: TradingDays;
  now: () => number;
  environment: string;
  tillId: string;
  reconciler: Reconciler;
  authority: EodAuthority;
  logger: Logger;
  /** How long closing the day waits for Dojo before the Z says Dojo could not be reached. */
  reconcileTimeoutMs?: number;
  /**
   * Needs-attention items that are not a payment status: the folder exchange's approved payments the EPOS never
   * confirmed it recorded. Listed with the open payments; like them, closing the day needs the supervisor PIN.
   */
  otherAttention?: () => readonly { paymentId: string | null; reason: string }[];
}

/**
 * X and Z reports from the journal. An X changes nothing and never calls Dojo. A Z closes a trading day: it is
 * numbered, stored whole and never changed (the journal refuses updates), and carries the day's reconciliation
 * with Dojo. A payment of a closed day that finishes or changes later is an adjustment on the next Z.
 */
export class ReportService {
  private readonly store: ReportJournal;
  private readonly closing = new Map<string, Promise<{ report: Report; created: boolean }>>();

  constructor(private readonly options: ReportServiceOptions) {
    this.store = new ReportJournal(options.journal);
  }

  /** The X report of a trading day (default: the current one). */
  x(tradingDay?: string): Report {
    const day = tradingDay ?? this.today();
    const closed = this.store.zOfDay(day);
    return this.build('X', day, this.options.now(), {
      number: null,
      supervisorApproved: false,
      closedBy: closed ? { number: closed.number, at: new Date(closed.closedAt).toISOString() } : null,
      reconciliation: this.options.reconciler.latest(day, day),
    }).report;
  }

  /**
   * Closes a trading day with a Z (idempotent: the day's Z again if it exists). Payments still needing attention
   * need the supervisor's PIN, and the Z says so.
   */
  async closeDay(input: { tradingDay?: string | undefined; supervisorPin?: string | undefined }, source: 'till' | 'epos' = 'till'): Promise<{ report: Report; created: boolean }> {
    const today = this.today();
    const day = input.tradingDay ?? today;
    if (day > today) throw new AppError('VALIDATION', 'A trading day can only be closed once it has begun.', { tradingDay: [`At most ${today}.`] });
    if (day < addDays(today, -366)) throw new AppError('VALIDATION', 'Only a trading day of the last year can be closed.', { tradingDay: [`From ${addDays(today, -366)}.`] });
    const existing = this.store.zOfDay(day);
    if (existing) return { report: parse(existing), created: false };
    const latest = this.store.latestZ();
    if (latest && latest.tradingDay > day) throw new AppError('CONFLICT', `Z ${latest.number} already closed ${latest.tradingDay}, a later trading day: ${day} can no longer be closed on its own. Its payments are on the next Z as adjustments.`);
    const attention = this.openAttention();
    if (attention > 0) {
      const open = `${attention} payment${attention === 1 ? ' still needs' : 's still need'} attention`;
      if (!input.supervisorPin) throw supervisorRequired(`${open}: closing the day needs the supervisor PIN, and the Z will say so.`);
      const context = { summary: `Trading day ${day} closed while ${open}`, subject: `day ${day}`, detail: { tradingDay: day, openAttention: attention } };
      return this.options.authority.guard.withSupervisor(input.supervisorPin, AUDIT_ACTIONS.closeDay, context, () => this.closeOnce(day, true));
    }
    const result = await this.closeOnce(day, false);
    if (result.created) {
      const { number } = result.report;
      this.options.authority.audit.record({ action: AUDIT_ACTIONS.closeDay, outcome: 'ok', actor: source === 'epos' ? 'epos' : 'cashier', subject: `Z ${number}`, summary: `Trading day ${day} closed: Z ${number}`, detail: { tradingDay: day, number } });
    }
    return result;
  }

  /** One Z per day even for concurrent requests: the others get the same Z, as a replay. */
  private closeOnce(day: string, approved: boolean): Promise<{ report: Report; created: boolean }> {
    const running = this.closing.get(day);
    if (running) return running.then(({ report }) => ({ report, created: false }));
    const work = this.close(day, approved).finally(() => this.closing.delete(day));
    this.closing.set(day, work);
    return work;
  }

  z(number: number): Report {
    const stored = this.store.z(number);
    if (!stored) throw new AppError('NOT_FOUND', `There is no Z ${number}.`);
    return parse(stored);
  }

  list(limit: number, offset: number): { items: ZSummary[]; total: number } {
    const { items, total } = this.store.list(limit, offset);
    return {
      total,
      items: items.map((stored) => {
        const report = parse(stored);
        return { number: stored.number, tradingDay: stored.tradingDay, closedAt: report.generatedAt, net: report.currencies.map((c) => ({ currency: c.currency, amount: c.netCardTakings })) };
      }),
    };
  }

  private async close(day: string, approved: boolean): Promise<{ report: Report; created: boolean }> {
    const reconciliation = await this.reconcileBounded(day);
    const result = this.store.transaction(() => {
      const again = this.store.zOfDay(day);
      if (again) return { report: parse(again), created: false };
      const stillOpen = this.openAttention();
      if (stillOpen > 0 && !approved) throw supervisorRequired(`${stillOpen} payment${stillOpen === 1 ? ' now needs' : 's now need'} attention: closing the day needs the supervisor PIN.`);
      const number = (this.store.latestZ()?.number ?? 0) + 1;
      const closedAt = this.options.now();
      const { report, adjusted } = this.build('Z', day, closedAt, { number, supervisorApproved: approved && stillOpen > 0, closedBy: null, reconciliation });
      this.store.insertZ({ number, tradingDay: day, closedAt, report: JSON.stringify(report) }, this.options.days.bounds(day), adjusted);
      return { report, created: true };
    });
    if (result.created) this.options.logger.info('trading day closed', { number: result.report.number, tradingDay: day });
    return result;
  }

  /** The day's reconciliation, or "Dojo could not be reached" when it takes too long: the Z never waits forever. */
  private async reconcileBounded(day: string): Promise<Reconciliation | { unreachable: string }> {
    const limit = this.options.reconcileTimeoutMs ?? 90_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ unreachable: string }>((resolve) => {
      timer = setTimeout(() => resolve({ unreachable: `Dojo did not answer within ${Math.round(limit / 1000)} s, so this Z is not reconciled.` }), limit);
    });
    try {
      return await Promise.race([this.options.reconciler.run(day, day), timeout]);
    } catch (error) {
      this.options.logger.warn('reconciliation for the Z failed', { error: String(error) });
      return { unreachable: 'Reconciliation with Dojo failed, so this Z is not reconciled.' };
    } finally {
      clearTimeout(timer);
    }
  }

  private build(
    kind: Report['kind'],
    day: string,
    at: number,
    extra: { number: number | null; supervisorApproved: boolean; closedBy: Report['closedBy']; reconciliation: Reconciliation | { unreachable: string } | null },
  ): { report: Report; adjusted: string[] } {
    const { days, environment, tillId } = this.options;
    const bounds = days.bounds(day);
    const first = this.store.firstZ();
    const latest = this.store.latestZ();
    // Adjustments reach back to the first Z's day: earlier payments were never on any Z.
    const from = first ? Math.min(days.bounds(first.tradingDay).start, bounds.start) : bounds.start;
    const changed = this.store.changedSince(latest?.closedAt ?? Number.MIN_SAFE_INTEGER, from, bounds.start, bounds.end);
    const closedDays = this.store.closedDays([...new Set(changed.map((c) => days.dayOf(c.createdAt)))]);
    const lines: Adjustment[] = changed.map((c) => {
      const paymentDay = days.dayOf(c.createdAt);
      return {
        paymentId: c.id,
        type: c.type,
        reference: c.reference,
        currency: c.currency,
        tradingDay: paymentDay,
        reason: c.before ? 'changed_after_close' : closedDays.has(paymentDay) ? 'finished_after_close' : 'day_not_closed',
        before: c.before,
        now: { status: c.status, byHand: c.byHand, net: c.net },
        netChange: c.net - (c.before?.net ?? 0),
      };
    });
    const byCurrency = new Map<string, number>();
    for (const line of lines) byCurrency.set(line.currency, (byCurrency.get(line.currency) ?? 0) + line.netChange);

    const reconciliation = extra.reconciliation && 'unreachable' in extra.reconciliation
      ? { status: 'unreachable' as const, at: new Date(at).toISOString(), matched: 0, exceptions: 0, otherTills: 0, outside: 0, message: extra.reconciliation.unreachable }
      : reconciliationSummary(extra.reconciliation);
    const notes: string[] = [];
    if (environment === 'training') notes.push('Training: no real money moved.');
    if (environment === 'sandbox') notes.push('Dojo sandbox: test cards only, no real money.');
    if (extra.closedBy) notes.push(`This trading day was closed by Z ${extra.closedBy.number}: the figures show only what no Z has counted yet (it goes on the next Z).`);
    if (extra.supervisorApproved) notes.push('Closed while payments still needed attention, on the supervisor\'s PIN.');
    if ((!first || first.tradingDay >= day) && this.store.anyBefore(bounds.start)) notes.push(`Z reports begin with ${day}: payments before it are on no Z.`);
    const unlinked = extra.reconciliation && !('unreachable' in extra.reconciliation) ? extra.reconciliation.notChecked.unlinkedRefunds : 0;
    if (unlinked) notes.push(`${unlinked} unlinked refund${unlinked === 1 ? ' has' : 's have'} no payment intent at Dojo and cannot be reconciled.`);

    const report: Report = {
      kind,
      number: extra.number,
      tradingDay: day,
      period: { start: new Date(bounds.start).toISOString(), end: new Date(bounds.end).toISOString() },
      generatedAt: new Date(at).toISOString(),
      environment,
      tillId,
      currencies: figuresOf(this.store.day(bounds.start, bounds.end)),
      adjustments: { lines, byCurrency: [...byCurrency].map(([currency, netChange]) => ({ currency, netChange })).sort((a, b) => a.currency.localeCompare(b.currency)) },
      open: [...OPEN_STATUSES.flatMap((status) => this.options.journal.withStatus(status)).sort((a, b) => a.createdAt - b.createdAt).map(openOf), ...this.otherAttention()],
      supervisorApproved: extra.supervisorApproved,
      closedBy: extra.closedBy,
      reconciliation,
      notes,
    };
    return { report, adjusted: lines.map((l) => l.paymentId) };
  }

  private openAttention(): number {
    return this.options.journal.withStatus('needs_attention').length + this.otherAttention().length;
  }

  /** The other attention items of this journal's payments (another environment's are not on this report). */
  private otherAttention(): OpenPayment[] {
    return (this.options.otherAttention?.() ?? []).flatMap(({ paymentId, reason }) => {
      const record = paymentId ? this.options.journal.get(paymentId) : undefined;
      return record ? [{ ...openOf(record), reason }] : [];
    });
  }

  private today(): string {
    return this.options.days.dayOf(this.options.now());
  }
}

/** Payments not finished: each status read through its index (a report never scans the whole journal). */
const OPEN_STATUSES: readonly PaymentStatus[] = [...RUNNING_STATUSES, 'needs_attention'];

function openOf(record: PaymentRecord): OpenPayment {
  return {
    paymentId: record.id,
    type: record.type,
    status: record.status,
    amount: record.amount,
    currency: record.currency,
    reference: record.reference,
    createdAt: new Date(record.createdAt).toISOString(),
    reason: record.status === 'needs_attention' ? (record.attention?.reason ?? 'Needs checking on the terminal.') : 'Still running.',
  };
}

/** A stored Z, read back exactly as it was written (and checked, like any input). */
function parse(stored: StoredZ): Report {
  return ReportSchema.parse(JSON.parse(stored.report));
}
