import type { PaymentView } from '../../shared/payments';
import type { ExceptionActionRequest, Reconciliation, ReconciliationException } from '../../shared/reports';
import type { DojoClient } from '../dojo/client';
import { DojoError, isDojoError } from '../dojo/errors';
import type { DojoIntent } from '../dojo/schemas';
import { AUDIT_ACTIONS } from '../../shared/audit';
import { AppError } from '../errors';
import type { Journal } from '../journal/journal';
import type { Logger } from '../logging/logger';
import type { PaymentEngine } from '../payments/engine';
import type { PaymentRecord } from '../payments/record';
import type { EodAuthority } from './authority';
import { factsOf, intentsToRead, match, ourIntents, verdictOf } from './reconcile';
import { ReconciliationStore } from './reconciliation-store';
import { clock, reconciliationMessage } from './reconciliation-summary';
import type { TradingDays } from './trading-day';

/** Dojo's largest search page (Cursor.limit maximum in every spec version). */
export const SEARCH_PAGE_SIZE = 100;
/** Intents are searched a little beyond the period: a payment started at 23:59:59 may get its intent after midnight. */
const SEARCH_MARGIN_MS = 15 * 60_000;
/** A runaway cursor (the same page again and again) must end: 5,000 pages is 500,000 intents. */
const MAX_PAGES = 5_000;

export interface ReconcilerOptions {
  journal: Journal;
  engine: PaymentEngine;
  client: () => DojoClient;
  days: TradingDays;
  tillId: string;
  now: () => number;
  authority: EodAuthority;
  logger: Logger;
  /** Training only: what the practice terminal's record keeps (older finished payments are no longer on it). */
  trainingRecord?: TrainingRecordKeeps;
}

export interface TrainingRecordKeeps {
  keepsDays: number;
  /** The till's time before which finished training payments may be gone from the record. */
  keptFrom(): number;
}

/**
 * Reconciliation against Dojo: every page of POST /payment-intents/search for the period (all statuses), single
 * reads only for our intents a page did not show, matched with the journal; exceptions stored with their
 * actions. Dojo first: an action reads Dojo's record again before anything is written.
 */
export class Reconciler {
  private readonly store: ReconciliationStore;

  constructor(private readonly options: ReconcilerOptions) {
    this.store = new ReconciliationStore(options.journal);
  }

  async run(from: string, to: string): Promise<Reconciliation> {
    const { days, now } = this.options;
    const period = { start: days.bounds(from).start, end: days.bounds(to).end };
    const ranAt = now();
    const base = { from, to, period: { start: iso(period.start), end: iso(period.end) }, ranAt: iso(ranAt) };
    let pages = 0;
    let reads = 0;
    // The first page is on its way while the journal is read (Dojo's answer takes far longer than the journal).
    const keptFrom = this.options.trainingRecord?.keptFrom();
    const searching = this.searchAll(period.start - SEARCH_MARGIN_MS, period.end + SEARCH_MARGIN_MS, () => pages++);
    searching.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
    await new Promise((resolve) => setImmediate(resolve));
    const payments = this.store.paymentFacts(period.start, period.end);
    const inPeriod = new Map(payments.map((p) => [p.id, p]));
    const earlierSales = [...new Set(payments.filter((p) => p.type === 'MatchedRefund' && p.originalPaymentId && !inPeriod.has(p.originalPaymentId)).map((p) => p.originalPaymentId!))]
      .map((id) => this.options.journal.get(id))
      .filter((p): p is PaymentRecord => !!p)
      .map(factsOf);
    const refundedBySale = this.store.refundedBySale([...payments.filter((p) => p.type === 'Sale').map((p) => p.id), ...earlierSales.map((p) => p.id)]);
    try {
      const searched = await searching;
      const found = new Set(searched.map((i) => i.id));
      const missing = intentsToRead(payments, earlierSales, found, ourIntents(searched, this.options.tillId));
      const notFound = new Set<string>();
      const read: DojoIntent[] = [];
      // One empty look-up is not evidence: an intent a search page did not show is read directly.
      for (const id of missing) {
        reads++;
        const intent = await this.readIntent(id);
        if (intent) read.push(intent);
        else notFound.add(id);
      }
      const result = match({
        tillId: this.options.tillId,
        period,
        intents: [...searched, ...read],
        notFound,
        payments,
        earlierSales,
        refundedBySale,
        paymentById: (id) => {
          const known = inPeriod.get(id) ?? this.options.journal.get(id);
          return known && 'handVerdict' in known ? known : known ? factsOf(known) : undefined;
        },
        ...(keptFrom !== undefined ? { keptFrom } : {}),
      });
      const exceptions: ReconciliationException[] = result.exceptions.map((e) => ({ ...e, state: 'open', note: null, resolvedAt: null }));
      const complete = {
        ...base,
        status: 'complete' as const,
        matched: result.matched,
        exceptions,
        otherTills: result.otherTills,
        outside: result.outside,
        notChecked: result.notChecked,
        ...(result.beyondRecord.payments && keptFrom !== undefined ? { beyondRecord: { keepsDays: this.options.trainingRecord!.keepsDays, before: iso(keptFrom), ...result.beyondRecord } } : {}),
        requests: { pages, reads },
      };
      const record = { ...complete, message: reconciliationMessage(complete) };
      const id = this.store.save(record, ranAt);
      return this.store.latest(from, to) ?? { ...record, id };
    } catch (error) {
      if (!isDojoError(error)) throw error;
      this.options.logger.warn('reconciliation: Dojo could not be reached', { code: error.code });
      const record = {
        ...base,
        status: 'unreachable' as const,
        message: `Dojo could not be reached at ${clock(ranAt)}, so nothing was reconciled (${error.message})`,
        matched: 0,
        exceptions: [],
        otherTills: [],
        outside: [],
        notChecked: { unlinkedRefunds: 0, running: 0, needsAttention: 0, unclear: 0 },
        requests: { pages, reads },
      };
      return { ...record, id: this.store.save(record, ranAt) };
    }
  }

  latest(from: string, to: string): Reconciliation | null {
    return this.store.latest(from, to);
  }

  /** Record Dojo's truth, start a matched refund, or mark explained: guarded, audited, Dojo read again first. */
  async act(request: ExceptionActionRequest, source: 'till' | 'epos' = 'till'): Promise<{ reconciliation: Reconciliation; payment: PaymentView | null }> {
    const run = this.store.runWithException(request.exceptionId);
    const exception = run?.exceptions.find((e) => e.id === request.exceptionId);
    if (!run || !exception) throw new AppError('NOT_FOUND', 'That exception is not in any reconciliation. Run the reconciliation again.');
    if (exception.state !== 'open') throw new AppError('CONFLICT', `This exception was already ${exception.state}.`);
    if (!exception.actions.includes(request.action)) throw new AppError('VALIDATION', 'That action does not apply to this exception.', { action: [`Choose one of: ${exception.actions.join(', ')}.`] });
    if (request.action === 'refund' && !request.terminalId) throw new AppError('VALIDATION', 'Choose the terminal to take the refund on.', { terminalId: ['Required for a refund.'] });
    const { guard, audit } = this.options.authority;
    const log = (action: ExceptionActionRequest['action'], actor: string, detail: Record<string, unknown>) =>
      this.store.append({ exceptionId: exception.id, action, note: request.note, actor, at: this.options.now(), detail });
    const detail = { kind: exception.kind, paymentId: exception.paymentId, intentId: exception.intentId, note: request.note };
    const subject = exception.paymentId ?? exception.intentId;
    if (request.action === 'explain') {
      log('explain', `${source}:cashier`, detail);
      audit.record({ action: AUDIT_ACTIONS.reconcileExplain, outcome: 'ok', actor: source === 'epos' ? 'epos' : 'cashier', subject, summary: `Reconciliation exception marked explained (${exception.kind})`, detail });
      return { reconciliation: this.store.latest(run.from, run.to)!, payment: null };
    }
    const refund = request.action === 'refund';
    const context = {
      summary: refund ? `Refund from reconciliation: Dojo's record applied and a matched refund started (${exception.kind})` : `Dojo's record applied from reconciliation (${exception.kind})`,
      subject,
      detail,
    };
    return guard.withSupervisor(request.supervisorPin, refund ? AUDIT_ACTIONS.reconcileRefund : AUDIT_ACTIONS.reconcileRecordDojo, context, async () => {
      const applied = await this.applyDojoRecord(exception, request.note);
      const done = { ...detail, dojoStatus: applied.dojoStatus };
      if (!refund) {
        log('record_dojo', `${source}:supervisor`, done);
        return { reconciliation: this.store.latest(run.from, run.to)!, payment: applied.payment };
      }
      // Dojo's record first (the sale is approved, as Dojo says), then the matched refund of what is left.
      const amount = applied.payment.refundableAmount;
      let started: PaymentView;
      try {
        if (amount <= 0) throw new AppError('CONFLICT', 'Nothing is left to refund on this payment.');
        started = await this.options.engine.startMatchedRefund({ paymentId: applied.payment.id, amount, terminalId: request.terminalId! });
      } catch (error) {
        log('record_dojo', `${source}:supervisor`, { ...done, refundNotStarted: true });
        const why = error instanceof AppError ? error.message : 'the refund could not start.';
        throw new AppError(error instanceof AppError ? error.code : 'INTERNAL', `Dojo's record was recorded, but the refund did not start: ${why} Start it from History.`);
      }
      log('refund', `${source}:supervisor`, { ...done, refundPaymentId: started.id, amount });
      return { reconciliation: this.store.latest(run.from, run.to)!, payment: started };
    });
  }

  /** Reads the intent again and writes what Dojo says into the payment (never the snapshot of the earlier run). */
  private async applyDojoRecord(exception: ReconciliationException, note: string): Promise<{ payment: PaymentView; dojoStatus: string }> {
    const { engine, now } = this.options;
    if (!exception.paymentId) throw new AppError('CONFLICT', 'There is no payment in this till to record it on.');
    const record = this.options.journal.get(exception.paymentId);
    if (!record) throw new AppError('NOT_FOUND', 'That payment is not in this till\'s journal.');
    if (exception.till && record.status !== exception.till.status) throw new AppError('CONFLICT', 'The payment changed since the reconciliation. Run it again.');
    const intentId = exception.intentId ?? record.intentId;
    const intent = intentId ? await this.readIntent(intentId) : null;
    const verdict = verdictOf(intent);
    if (verdict === 'unclear') throw new AppError('CONFLICT', `Dojo shows the payment as "${intent!.status}", which the till cannot interpret: check it in the Dojo portal.`);
    const at = new Date(now()).toISOString();
    const reconciled = { at, note, exceptionId: exception.id, dojoStatus: intent?.status ?? 'not found' };
    const payment = engine.amend(
      record.id,
      (r) => {
        if (exception.kind === 'refund_differs') return { ...r, refundedAmount: intent?.refundedAmount ?? 0, reconciled };
        if (verdict === 'charged') {
          const card = intent!.paymentDetails?.card;
          return {
            ...r,
            status: 'approved',
            step: 'done',
            totalAmount: intent!.totalAmount?.value ?? intent!.amount?.value ?? r.amount,
            tipsAmount: intent!.tipsAmount?.value ?? 0,
            cashbackAmount: intent!.cashbackAmount?.value ?? 0,
            cardScheme: card?.cardType ?? r.cardScheme,
            last4: card?.last4PAN ?? r.last4,
            authCode: intent!.paymentDetails?.authCode ?? r.authCode,
            attention: null,
            outcomeMessage: "Recorded as approved from Dojo's record (end-of-day reconciliation).",
            finishedAt: r.finishedAt ?? now(),
            reconciled,
          };
        }
        return { ...r, status: 'failed', step: 'done', attention: null, outcomeMessage: "Recorded as not charged from Dojo's record (end-of-day reconciliation).", finishedAt: r.finishedAt ?? now(), reconciled };
      },
      { at: now(), kind: 'reconciled', message: `Dojo's record applied by the supervisor (${reconciled.dojoStatus}): ${note}`, detail: { exceptionId: exception.id, dojoStatus: reconciled.dojoStatus } },
    );
    return { payment, dojoStatus: reconciled.dojoStatus };
  }

  private async readIntent(id: string): Promise<DojoIntent | null> {
    try {
      return await this.options.client().getIntent(id, true);
    } catch (error) {
      if (isDojoError(error) && error.code === 'DOJO_NOT_FOUND') return null;
      throw error;
    }
  }

  /**
   * Every page, at Dojo's largest page size, until Dojo gives no next cursor. The next page is asked for as soon
   * as this one's cursor is known; this page's intents are checked while that request is on its way.
   */
  private async searchAll(start: number, end: number, onPage: () => void): Promise<DojoIntent[]> {
    const all: DojoIntent[] = [];
    const seen = new Set<string>();
    const page = (after?: string) => {
      onPage();
      const asked = this.options.client().searchIntentsPage({ startDate: iso(start), endDate: iso(end), cursor: { limit: SEARCH_PAGE_SIZE, ...(after ? { after } : {}) } });
      asked.catch(() => {}); // awaited in turn below; never an unhandled rejection while the page before is checked
      return asked;
    };
    let next = page();
    let previous: string | undefined;
    for (let pages = 1; pages <= MAX_PAGES; pages++) {
      const current = await next;
      const more = !!current.after && current.count > 0 && current.after !== previous;
      if (more) {
        previous = current.after!;
        next = page(previous);
      }
      for (const intent of current.intents()) {
        if (seen.has(intent.id)) continue;
        seen.add(intent.id);
        all.push(intent);
      }
      if (!more) return all;
    }
    throw new DojoError('DOJO_BAD_RESPONSE', 'Dojo kept returning more pages than a day can hold; reconciliation stopped.', { outcomeUnknown: false });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
