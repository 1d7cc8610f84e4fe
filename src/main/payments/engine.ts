import { randomBytes } from 'node:crypto';
import type { HistoryQuery, PaymentEventView, PaymentView, TerminalView, TotalsRow } from '../../shared/payments';
import type { DojoClient } from '../dojo/client';
import { AppError } from '../errors';
import type { Journal, JournalEvent } from '../journal/journal';
import type { Logger } from '../logging/logger';
import { DEFAULT_POLLING, type PollingPolicy } from './polling';
import { holdsTerminal, isFinal, newRecord, refundableOf, type PaymentRecord } from './record';
import { PaymentRunner } from './runner';
import { cancel as cancelWords, refusal, timeline } from './messages';
import { toView as viewOf } from './view';
import { MIDNIGHT } from '../../shared/dates';

export interface EngineOptions {
  journal: Journal;
  client: () => DojoClient;
  environment: string;
  /** This installation's id (see settings/till-id.ts): written into every intent's metadata with our payment id. */
  tillId: string;
  now?: () => number;
  policy?: Partial<PollingPolicy>;
  logger: Logger;
  /** When the trading day starts ("HH:MM", shared/dates.ts): history, totals and CSV group days by it. */
  tradingDayStart?: () => string;
  /** Pushed only when what the cashier sees changed. */
  onUpdate?: (view: PaymentView) => void;
}

/** "Dojo answers again" re-checks everything waiting for it at most this often (Dojo time). */
const RECHECK_ALL_MIN_GAP_MS = 2_000;

/** Sortable, unguessable payment ids: time first (history order), then randomness. */
export const newPaymentId = (now: number) => `pay_${now.toString(36)}${randomBytes(6).toString('hex')}`;

/**
 * Sales and refunds on Dojo terminals: one active payment per terminal, every step journalled, every unknown
 * outcome recovered from Dojo or handed to the cashier — never guessed, never retried blindly.
 */
export class PaymentEngine {
  private readonly runner: PaymentRunner;
  private readonly now: () => number;
  private readonly journal: Journal;
  private readonly lastViews = new Map<string, string>();
  private readonly policy: PollingPolicy;
  /** Some payment found Dojo unreachable; the next answer from Dojo triggers the re-checks. */
  private contactLost = false;
  private lastRecheckAll = 0;
  /** Long-polls (EPOS API `?wait=`) waiting for a payment's next visible change. */
  private readonly waiters = new Map<string, Set<(view: PaymentView) => void>>();
  private terminalTids = new Map<string, string | null>();

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? Date.now;
    this.journal = options.journal;
    this.policy = { ...DEFAULT_POLLING, ...options.policy };
    this.runner = new PaymentRunner({
      journal: options.journal,
      client: options.client,
      tillId: options.tillId,
      now: this.now,
      policy: this.policy,
      logger: options.logger,
      onChange: (record, previous) => this.changed(record, previous),
    });
  }

  /** Start-up recovery: every unfinished payment is resumed (or resolved) before new work starts. */
  async recover(): Promise<number> {
    const unfinished = this.journal.unfinished().filter((r) => r.status !== 'needs_attention');
    await Promise.all(unfinished.map((record) => this.runner.resume(record)));
    // Approved sales whose session may still ask for a signature check: the watch goes on.
    for (const record of this.journal.watchingForSignature()) void this.runner.send(record.id, { kind: 'resume' });
    // Dojo first: what needs attention, and verdicts not yet checked, are asked about again at once.
    this.recheckAwaiting();
    return unfinished.length;
  }

  /** Asks Dojo again about every payment it has not settled (start-up, and as soon as Dojo answers again). */
  recheckAwaiting(): number {
    this.lastRecheckAll = this.now();
    const since = this.now() - this.policy.verifyVerdictMs * this.policy.scale;
    const awaiting = this.journal.awaitingDojo(since);
    for (const record of awaiting) void this.runner.send(record.id, { kind: 'recheck' });
    return awaiting.length;
  }

  /**
   * Training only, when the built-in simulator starts without its record (none yet, or one set aside as
   * unreadable): payments a restart interrupted cannot be looked up there, so they end as failed (no money ever
   * moves in training) instead of waiting for a person. A restored record is asked like Dojo (recover()).
   */
  abandonUnfinished(message: string): number {
    const unfinished = this.journal.unfinished();
    const now = this.now();
    for (const record of unfinished) {
      this.journal.save({ ...record, status: 'failed', step: 'done', outcomeMessage: message, attention: null, finishedAt: now, updatedAt: now }, { at: now, kind: 'finished', message });
    }
    return unfinished.length;
  }

  async listTerminals(): Promise<TerminalView[]> {
    const terminals = await this.options.client().listTerminals();
    // Dojo answers again (the screen refreshes the terminal list even when no payment runs): ask about the others now.
    if (this.contactLost) this.dojoAnswered();
    this.terminalTids = new Map(terminals.map((t) => [t.id, t.properties?.tid ?? null]));
    return terminals.map((t) => ({ id: t.id, tid: t.properties?.tid ?? null, status: t.status, updatedAt: t.updatedAt ?? null }));
  }

  startSale(input: { amount: number; currency: string; reference?: string; terminalId: string; idempotencyKey?: string }): PaymentView {
    return this.existing(input.idempotencyKey) ?? this.begin('Sale', input);
  }

  startMatchedRefund(input: { paymentId: string; amount: number; terminalId: string; idempotencyKey?: string }): PaymentView {
    const replay = this.existing(input.idempotencyKey);
    if (replay) return replay;
    const { sale, refunds } = this.checkRefundable(input.paymentId, input.amount);
    return this.begin('MatchedRefund', { ...input, currency: sale.currency, reference: sale.reference }, (record) => {
      record.intentId = sale.intentId;
      record.originalPaymentId = sale.id;
      // What the sale had given back when this refund started: after a lost answer, Dojo's refundedAmount tells.
      record.refundedBefore = sale.refundedAmount;
      // Sessions we already know on the sale's intent: recovery must never mistake one of them for this refund.
      record.priorSessionIds = [sale.sessionId, ...refunds.map((r) => r.sessionId)].filter((s): s is string => !!s);
    });
  }

  /** Refuses a matched refund above what is left on the sale (cashback excluded, refunds in progress counted). */
  checkRefundable(paymentId: string, amount: number): { sale: PaymentRecord; refunds: PaymentRecord[] } {
    const sale = this.runner.current(paymentId);
    if (!sale || sale.type !== 'Sale') throw new AppError('NOT_FOUND', refusal.saleNotFound);
    if (sale.status !== 'approved' || !sale.intentId) throw new AppError('CONFLICT', refusal.onlyApprovedRefundable);
    // The terminal may still ask for a signature check (and a rejection reverses the sale): a refund now could pay twice.
    if (sale.signatureWatchUntil !== null && sale.signatureWatchUntil > this.now()) throw new AppError('CONFLICT', refusal.signatureMayFollow);
    const refunds = this.journal.refundsOf(sale.id);
    const pending = refunds.filter((r) => !isFinal(r.status)).reduce((sum, r) => sum + r.amount, 0);
    const left = refundableOf(sale, pending);
    if (amount > left) {
      throw new AppError('VALIDATION', refusal.refundTooLarge(left, sale.currency, { pending: pending > 0, cashback: !!sale.cashbackAmount }), { amount: [refusal.refundTooLargeField(left, sale.currency)] });
    }
    return { sale, refunds };
  }

  startUnlinkedRefund(input: { amount: number; currency: string; reference?: string; terminalId: string; idempotencyKey?: string }): PaymentView {
    return this.existing(input.idempotencyKey) ?? this.begin('UnlinkedRefund', input);
  }

  /** The payment an idempotency key already started, if any (the same key never starts a second one). */
  private existing(idempotencyKey: string | undefined): PaymentView | undefined {
    const record = idempotencyKey ? this.journal.findByIdempotencyKey(idempotencyKey) : undefined;
    return record ? this.toView(this.runner.current(record.id) ?? record) : undefined;
  }

  /** Journals a new payment (one per terminal at a time) and starts its flow. */
  private begin(
    type: PaymentRecord['type'],
    input: { amount: number; currency: string; reference?: string; terminalId: string; idempotencyKey?: string },
    adjust?: (record: PaymentRecord) => void,
  ): PaymentView {
    this.ensureTerminalFree(input.terminalId);
    const now = this.now();
    const id = newPaymentId(now);
    const record = newRecord({
      id,
      type,
      amount: input.amount,
      currency: input.currency,
      reference: input.reference ?? `TC-${id.slice(4, 14)}`,
      terminalId: input.terminalId,
      terminalTid: this.terminalTids.get(input.terminalId) ?? null,
      environment: this.options.environment,
      now,
      idempotencyKey: input.idempotencyKey ?? null,
    });
    adjust?.(record);
    this.runner.begin(record);
    return this.toView(this.runner.current(id)!);
  }

  async cancel(paymentId: string): Promise<PaymentView> {
    const record = this.require(paymentId);
    if (record.status !== 'starting' && record.status !== 'in_progress') throw new AppError('CANNOT_CANCEL', refusal.notRunning);
    // Cancel is offered only when it can work: a cancel that cannot reach Dojo is refused with the reason, not taken and lost.
    if (record.contactLost) throw new AppError('CANNOT_CANCEL', cancelWords.dojoUnreachable);
    await this.runner.send(paymentId, { kind: 'cancelRequested' });
    return this.view(paymentId);
  }

  async answerSignature(paymentId: string, accepted: boolean): Promise<PaymentView> {
    const record = this.require(paymentId);
    if (record.status !== 'signature_required') throw new AppError('CONFLICT', refusal.notAwaitingSignature);
    await this.runner.send(paymentId, { kind: 'signatureRequested', accepted });
    return this.view(paymentId);
  }

  /** A person's verdict (the supervisor PIN is checked by the caller, in main): who, why; checked against Dojo later. */
  async resolve(paymentId: string, outcome: 'approved' | 'not_charged', note: string, by: string | null = null): Promise<PaymentView> {
    const record = this.require(paymentId);
    if (record.status !== 'needs_attention') throw new AppError('CONFLICT', refusal.notNeedingAttention);
    await this.runner.send(paymentId, { kind: 'resolved', outcome, note, by });
    return this.view(paymentId);
  }

  /** A supervisor has seen that Dojo's record contradicted a verdict (the status already follows Dojo). */
  acknowledgeContradiction(paymentId: string, note: string, by: string | null = null): PaymentView {
    const record = this.require(paymentId);
    if (!record.contradiction || record.contradiction.acknowledged) throw new AppError('CONFLICT', refusal.noContradiction);
    const at = this.now();
    return this.amend(paymentId, (r) => ({ ...r, contradiction: { ...r.contradiction!, acknowledged: { at, by, note } } }), { at, kind: 'contradiction_acknowledged', message: timeline.contradictionAcknowledged(note, by) });
  }

  /**
   * Changes a payment that is not running (Dojo's record applied from an end-of-day reconciliation): journalled
   * with its event and pushed like any other change. A running payment is the engine's alone.
   */
  amend(paymentId: string, change: (record: PaymentRecord) => PaymentRecord, event: JournalEvent): PaymentView {
    const record = this.require(paymentId);
    if (this.runner.active().some((r) => r.id === paymentId)) throw new AppError('PAYMENT_IN_PROGRESS', 'This payment is still running: let it finish first.');
    const next = { ...change(record), updatedAt: this.now() };
    this.journal.save(next, event);
    this.push(next);
    return this.toView(next);
  }

  /** The payment as the cashier sees it (without its timeline: cheap enough for every long-poll). */
  payment(paymentId: string): PaymentView {
    return this.view(paymentId);
  }

  /** The payment with its event timeline, for the detail view. */
  get(paymentId: string): { payment: PaymentView; events: PaymentEventView[] } {
    const record = this.require(paymentId);
    return {
      payment: this.toView(record),
      events: this.journal.events(paymentId).map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, message: e.message })),
    };
  }

  findByIdempotencyKey(key: string): PaymentView | undefined {
    return this.existing(key);
  }

  byReference(reference: string): PaymentView[] {
    return this.journal.findByReference(reference).map((r) => this.toView(this.runner.current(r.id) ?? r));
  }

  /**
   * The payment after its next visible change, or as it is after `ms` (at once when it has ended for good: a final
   * status still being checked with Dojo, `dojoCheck`, may change yet).
   */
  nextChange(paymentId: string, ms: number): Promise<PaymentView> {
    const current = this.view(paymentId);
    if ((isFinal(current.status) && current.dojoCheck === null) || ms <= 0) return Promise.resolve(current);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(paymentId) ?? new Set();
      this.waiters.set(paymentId, waiters);
      const done = (view: PaymentView) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(paymentId);
        resolve(view);
      };
      const timer = setTimeout(() => done(this.view(paymentId)), ms);
      waiters.add(done);
    });
  }

  /** Running payments and those waiting for a person, newest first. */
  activeAndAttention(): PaymentView[] {
    const running = this.runner.active();
    const attention = this.journal.withStatus('needs_attention');
    const contradicted = this.journal.contradictions();
    return [...running, ...attention, ...contradicted].sort((a, b) => b.createdAt - a.createdAt).map((r) => this.toView(r));
  }

  history(query: HistoryQuery): { items: PaymentView[]; total: number } {
    const { items, total } = this.journal.history(query, this.dayStart());
    return { items: items.map((r) => this.toView(this.runner.current(r.id) ?? r)), total };
  }

  totals(from: string, to: string): TotalsRow[] {
    return this.journal.totals(from, to, this.dayStart());
  }

  exportCsv(query: HistoryQuery): string {
    return this.journal.exportCsv(query, this.dayStart());
  }

  private dayStart(): string {
    return this.options.tradingDayStart?.() ?? MIDNIGHT;
  }

  /** Resolves when no event is being handled: used by tests and before switching environments. */
  settled(): Promise<void> {
    return this.runner.settled();
  }

  hasRunningPayments(): boolean {
    return this.runner.active().some(holdsTerminal);
  }

  close(): void {
    this.runner.close();
    for (const [id, waiters] of this.waiters) for (const waiter of [...waiters]) waiter(this.view(id));
  }

  /** A payment as seen now (the engine's clock). */
  private toView(record: PaymentRecord): PaymentView {
    return viewOf(record, this.now());
  }

  private view(id: string): PaymentView {
    return this.toView(this.require(id));
  }

  private require(id: string): PaymentRecord {
    const record = this.runner.current(id);
    if (!record) throw new AppError('NOT_FOUND', refusal.unknownPayment);
    return record;
  }

  private ensureTerminalFree(terminalId: string): void {
    const busy = this.runner.active().find((r) => r.terminalId === terminalId && holdsTerminal(r));
    if (busy) throw new AppError('PAYMENT_IN_PROGRESS', refusal.terminalBusy(busy.reference));
  }

  private changed(record: PaymentRecord, previous: PaymentRecord | undefined): void {
    // A matched refund that went through reduces what is left to refund on its sale (and one Dojo's record later
    // shows did not go through gives it back).
    const approvedNow = record.status === 'approved';
    const approvedBefore = previous?.status === 'approved';
    if (record.type === 'MatchedRefund' && approvedNow !== approvedBefore && previous && record.originalPaymentId) {
      const sale = this.runner.current(record.originalPaymentId);
      if (sale) {
        const change = approvedNow ? record.amount : -record.amount;
        const updated = { ...sale, refundedAmount: sale.refundedAmount + change, updatedAt: this.now() };
        this.journal.save(updated, { at: this.now(), kind: 'refunded', message: approvedNow ? timeline.refunded(record.amount, record.currency) : timeline.refundUndone(record.amount, record.currency), detail: { refundId: record.id } });
        this.push(updated);
      }
    }
    // Dojo answers again after it could not be reached: ask at once about everything it has not settled.
    if (record.contactLost) this.contactLost = true;
    else if (this.contactLost && record.lastAnswerAt !== null && record.lastAnswerAt !== previous?.lastAnswerAt) this.dojoAnswered();
    this.push(record);
  }

  /** Some payment just heard from Dojo after a silence: the others waiting for Dojo are asked again now. */
  private dojoAnswered(): void {
    this.contactLost = false;
    if (this.now() - this.lastRecheckAll < RECHECK_ALL_MIN_GAP_MS * this.policy.scale) return;
    this.recheckAwaiting();
  }

  private push(record: PaymentRecord): void {
    const view = this.toView(record);
    const { updatedAt: _updated, revision: _revision, ...visible } = view;
    const key = JSON.stringify(visible);
    if (this.lastViews.get(record.id) === key) return;
    this.lastViews.set(record.id, key);
    if (this.lastViews.size > 500) this.lastViews.delete(this.lastViews.keys().next().value!);
    this.options.onUpdate?.(view);
    for (const waiter of [...(this.waiters.get(record.id) ?? [])]) waiter(view);
  }
}
