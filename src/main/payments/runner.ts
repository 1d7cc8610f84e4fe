import type { DojoClient, SessionDetails } from '../dojo/client';
import { isDojoError } from '../dojo/errors';
import type { DojoIntent } from '../dojo/schemas';
import type { Journal } from '../journal/journal';
import type { Logger } from '../logging/logger';
import { transition, type Call, type CallFailure, type Effect, type EngineEvent } from './machine';
import type { PollingPolicy } from './polling';
import { timeline } from './messages';
import type { PaymentRecord } from './record';

export interface RunnerOptions {
  journal: Journal;
  client: () => DojoClient;
  tillId: string;
  now: () => number;
  policy: PollingPolicy;
  logger: Logger;
  /** Called after every durable change, with the record before and after. */
  onChange: (record: PaymentRecord, previous: PaymentRecord | undefined) => void;
}

/**
 * Performs the machine's effects: Dojo calls, timers and journal writes. Each payment's events are handled one
 * at a time, and the new state is written to the journal before any effect it asks for starts (write-ahead).
 */
export class PaymentRunner {
  private readonly records = new Map<string, PaymentRecord>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, Set<NodeJS.Timeout>>();
  private closed = false;

  constructor(private readonly options: RunnerOptions) {}

  current(id: string): PaymentRecord | undefined {
    return this.records.get(id) ?? this.options.journal.get(id);
  }

  active(): PaymentRecord[] {
    return [...this.records.values()];
  }

  /** Adds a new payment (written before anything is sent) and starts it. */
  begin(record: PaymentRecord): void {
    this.options.journal.save(record, { at: record.createdAt, kind: 'created', message: timeline.created(record.type, record.amount, record.currency, record.reference) });
    this.records.set(record.id, record);
    this.options.onChange(record, undefined);
    void this.send(record.id, { kind: 'start' });
  }

  /** Picks up a payment found unfinished in the journal at start-up. */
  resume(record: PaymentRecord): Promise<void> {
    this.records.set(record.id, record);
    return this.send(record.id, { kind: 'resume' });
  }

  send(id: string, event: EngineEvent): Promise<void> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.handle(id, event)).catch((error: unknown) => this.options.logger.error('payment event failed', { paymentId: id, event: event.kind, error: String(error) }));
    this.queues.set(id, next);
    return next;
  }

  /** Resolves when every queued event (not timers) has been handled: tests and shutdown use it. */
  async settled(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  close(): void {
    this.closed = true;
    for (const set of this.timers.values()) for (const timer of set) clearTimeout(timer);
    this.timers.clear();
    for (const timer of this.rechecks.values()) clearTimeout(timer);
    this.rechecks.clear();
  }

  private handle(id: string, event: EngineEvent): void {
    if (this.closed) return;
    const current = this.current(id);
    if (!current) return;
    const { record, effects, log } = transition(current, event, this.options.now(), this.options.policy);
    this.options.journal.save(record, ...log);
    if (record.step === 'done' || record.status === 'needs_attention') this.records.delete(id);
    else this.records.set(id, record);
    this.options.onChange(record, current);
    for (const effect of effects) this.perform(record, effect);
  }

  private later(id: string, delayMs: number, work: () => void): void {
    if (delayMs <= 0) return void queueMicrotask(work);
    const set = this.timers.get(id) ?? new Set();
    this.timers.set(id, set);
    const timer = setTimeout(() => {
      set.delete(timer);
      if (!this.closed) work();
    }, delayMs);
    set.add(timer);
  }

  /** The one pending re-check of a payment: a new one replaces it (backoff, start-up and "Dojo is back" never pile up). */
  private readonly rechecks = new Map<string, NodeJS.Timeout>();

  private recheckLater(id: string, delayMs: number, work: () => void): void {
    clearTimeout(this.rechecks.get(id));
    const timer = setTimeout(() => {
      this.rechecks.delete(id);
      if (!this.closed) work();
    }, Math.max(0, delayMs));
    this.rechecks.set(id, timer);
  }

  private perform(record: PaymentRecord, effect: Effect): void {
    const id = record.id;
    const run = (call: Call, work: () => Promise<EngineEvent>) =>
      work().then(
        (event) => this.send(id, event),
        (error: unknown) => this.send(id, { kind: 'failed', call, error: toFailure(error) }),
      );
    const client = () => this.options.client();
    switch (effect.kind) {
      case 'createIntent':
        return void run('createIntent', async () => ({
          kind: 'intentCreated',
          intent: await client().createIntent({
            amount: { value: record.amount, currencyCode: record.currency },
            reference: record.reference,
            description: 'Till Companion sale',
            metadata: { tillPaymentId: record.id, tillId: this.options.tillId },
          }),
        }));
      case 'findIntent':
        return void run('findIntent', async () => ({ kind: 'intentFound', intent: await this.findIntent(record) }));
      case 'createSession':
        return void run('createSession', async () => ({ kind: 'sessionCreated', session: await client().createSession(record.terminalId, sessionDetails(record)) }));
      case 'findSession':
        return this.later(id, effect.delayMs, () =>
          void run('findSession', async () => {
            if (record.type === 'UnlinkedRefund' || !record.intentId) throw new Error('An unlinked refund cannot be looked up on Dojo.');
            const intent = await client().getIntent(record.intentId, true);
            const ours = findOurSession(intent, record);
            return { kind: 'sessionFound', session: ours ? await client().getSession(ours) : null, intent };
          }),
        );
      case 'poll':
        return this.later(id, effect.delayMs, () => {
          const latest = this.current(id);
          if (!latest?.sessionId || latest.step !== 'following') return;
          void run('poll', async () => ({ kind: 'sessionPolled', session: await client().getSession(latest.sessionId!) }));
        });
      case 'confirm':
        return this.later(id, effect.delayMs, () => void run('confirm', async () => ({ kind: 'confirmed', intent: await client().getIntent(record.intentId!, true) })));
      case 'cancelSession':
        return void run('cancelSession', async () => ({ kind: 'cancelAnswered', session: await client().cancelSession(record.sessionId!) }));
      case 'answerSignature':
        return void run('answerSignature', async () => ({ kind: 'signatureAnswered', session: await client().answerSignature(record.sessionId!, effect.accepted) }));
      case 'checkDojo':
        return this.recheckLater(id, effect.delayMs, () => {
          const latest = this.current(id);
          if (!latest) return;
          void run('checkDojo', async () => {
            // Dojo's record as it is now: the intent (if any) and our session, found through the intent if need be.
            const intent = latest.intentId ? await client().getIntent(latest.intentId, true) : null;
            const sessionId = latest.sessionId ?? (intent ? findOurSession(intent, latest) : null);
            return { kind: 'dojoRecord', session: sessionId ? await client().getSession(sessionId) : null, intent };
          });
        });
      case 'watchSession':
        return this.later(id, effect.delayMs, () => {
          const latest = this.current(id);
          if (!latest?.sessionId || latest.step !== 'done' || latest.signatureWatchUntil === null) return;
          void run('watchSession', async () => ({ kind: 'sessionWatched', session: await client().getSession(latest.sessionId!) }));
        });
      case 'checkTerminal':
        return this.later(id, effect.delayMs, () => void run('checkTerminal', async () => ({ kind: 'terminalChecked', status: (await client().getTerminal(record.terminalId)).status })));
      case 'cancelIntent':
        return this.later(id, effect.delayMs, () =>
          void run('cancelIntent', async () => {
            await client().cancelIntent(record.intentId!);
            return { kind: 'intentCancelled' };
          }),
        );
    }
  }

  /** Finds the intent a lost create-intent answer made, by our payment id in its metadata (never by creating another). */
  private async findIntent(record: PaymentRecord): Promise<DojoIntent | null> {
    const startDate = new Date(record.createdAt - 60 * 60_000).toISOString();
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await this.options.client().searchIntents({ startDate, cursor: { limit: 100, ...(after ? { after } : {}) } });
      const match = result.data.find((intent) => intent.metadata?.['tillPaymentId'] === record.id);
      if (match) return match;
      if (!result.after || result.data.length === 0) return null;
      after = result.after;
    }
    return null;
  }
}

function sessionDetails(record: PaymentRecord): SessionDetails {
  const amount = { value: record.amount, currencyCode: record.currency };
  if (record.type === 'Sale') return { sessionType: 'Sale', sale: { paymentIntentId: record.intentId! } };
  if (record.type === 'MatchedRefund') return { sessionType: 'MatchedRefund', matchedRefund: { paymentIntentId: record.intentId!, amount } };
  return { sessionType: 'UnlinkedRefund', unlinkedRefund: { amount } };
}

/** A session on the intent that is not one we knew before, on our terminal, of our type: ours. */
export function findOurSession(intent: DojoIntent, record: PaymentRecord): string | null {
  const candidates = intent.terminalSessionHistory
    .map((h) => h.terminalSession)
    .filter((s): s is NonNullable<typeof s> => !!s?.id)
    .filter((s) => !record.priorSessionIds.includes(s.id!) && (!s.terminalId || s.terminalId === record.terminalId))
    .filter((s) => !s.details?.sessionType || s.details.sessionType === record.type);
  return candidates.length ? candidates[candidates.length - 1]!.id! : null;
}

function toFailure(error: unknown): CallFailure {
  if (isDojoError(error)) return { code: error.code, message: error.message, outcomeUnknown: error.outcomeUnknown, ...(error.status ? { status: error.status } : {}) };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), outcomeUnknown: true };
}
