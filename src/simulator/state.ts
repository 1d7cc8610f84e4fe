import { randomBytes, createHash } from 'node:crypto';
import { isSessionEnded, SESSION_APPROVED, SESSION_AUTHORIZED } from '../shared/dojo-statuses';
import { trainingRecordKeepsWords } from '../shared/words';
import { iso, type SimClock } from './clock';
import { DEFAULT_READINGS, ReadingsSchema, type Readings, type ReadingsInput } from './readings';
import { receiptLines, type ReceiptLine } from './receipts';
import { scenarioForTid, scriptFor, TIMING, type Scenario, type ScriptStep } from './scenarios';
import type { CaptureBody, CreateIntentBody, CreateSessionBody, Money, RefundBody, SearchBody } from './schemas';

export type Environment = 'sandbox' | 'production';
export type TerminalStatus = 'Available' | 'InUse' | 'Offline';
type ErrorFamily = 'terminals' | 'sessions' | 'intents';

/** A refusal in Dojo's terms; the server renders it as the error body of the endpoint's family. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { code?: 'INTERNAL_ERROR' | 'TERMINAL_UNAVAILABLE' | 'INVALID_REQUEST'; errors?: Record<string, string[]> } = {},
  ) {
    super(detail);
  }
}

export interface SimTerminal {
  id: string;
  tid: string;
  scenario: Scenario;
  /** Set by the admin API: a terminal in use by another till, or switched off. */
  forcedStatus?: 'InUse' | 'Offline';
  activeSessionId?: string;
  updatedAt: number;
  /** What the customer adds on this terminal (gratuity, cashback), in minor units. */
  tipsAmount: number;
  cashbackAmount: number;
}

interface Captured {
  tips: number;
  cashback: number;
}

export interface SimIntent {
  id: string;
  status: 'Created' | 'Authorized' | 'Captured' | 'Reversed' | 'Refunded' | 'Canceled';
  captureMode: 'Auto' | 'Manual';
  amount: Money;
  tips?: number;
  cashback?: number;
  refundedAmount: number;
  reference: string;
  description?: string | null;
  metadata?: Record<string, string> | null;
  createdAt: number;
  /** Creation order, for stable search pages when several intents share a millisecond. */
  seq: number;
  updatedAt: number;
  expireAt?: string | null;
  paymentDetails?: PaymentDetails;
  sessionIds: string[];
  captures: { id: string; amount: number; tipsAmount: number | null; status: 'Successful'; createdAt: string }[];
}

export interface PaymentDetails {
  transactionId: string;
  transactionDateTime: string;
  message: string;
  authCode: string | null;
  card: {
    cardNumber: string;
    expiryDate: string;
    cardType: string;
    cardFundingType: string;
    last4PAN: string;
    entryMode: string;
    verificationMethod: string;
  };
}

export interface SimSession {
  id: string;
  terminalId: string;
  tid: string;
  scenario: Scenario;
  sessionType: 'Sale' | 'MatchedRefund' | 'UnlinkedRefund';
  details: CreateSessionBody['details'];
  intentId?: string;
  amount: Money;
  status: string;
  createdAt: number;
  updatedAt: number;
  expireAt: number;
  notificationEvents: { notificationType: string; createdAt: string }[];
  statusEvents: { status: string; createdAt: string; debugMessage: string }[];
  pending: ScriptStep[];
  /** Time the last applied step happened; the next one is due `after` ms later. */
  cursor: number;
  cardPresented: boolean;
  signatureDeadline?: number;
  final: boolean;
  captured?: Captured;
  paymentDetails?: PaymentDetails;
  customerReceipt?: { lines: ReceiptLine[] };
  merchantReceipt?: { lines: ReceiptLine[] };
}

/**
 * A change a session's result makes to its intent, applied at once or later (the A5 reading). Plain data, not a
 * closure, so the training record (record-file.ts) can keep one that is still due across a restart.
 */
export type IntentChange =
  | { kind: 'charge'; status: 'Authorized' | 'Captured'; tips: number; cashback: number; paymentDetails: PaymentDetails; at: number }
  /** A rejected signature: the intent shows the reversal (or, when it never happened, the capture). */
  | { kind: 'reverse'; at: number; result?: 'Reversed' | 'Captured' }
  | { kind: 'refund'; amount: number };

export interface DeferredChange {
  dueAt: number;
  intentId: string;
  change: IntentChange;
}

export interface SimRefund {
  refundId: string;
  paymentIntentId: string;
  idempotencyKey: string;
  amount: number;
  refundReason: string | null;
  notes: string | null;
}

/**
 * The terminal's receipts for a session's result, from what the session holds (its payment details, what was
 * captured, its terminal's scenario): the training record leaves them out and prints them again when it loads.
 */
export function printReceipts(session: SimSession): void {
  const details = session.paymentDetails;
  if (!details) return;
  const approved = details.message === 'Approved';
  const base = {
    kind: session.sessionType === 'Sale' ? ('SALE' as const) : ('REFUND' as const),
    tid: session.tid,
    at: details.transactionDateTime,
    scenario: session.scenario,
    currency: session.amount.currencyCode,
    amount: session.amount.value,
    tips: session.captured?.tips ?? 0,
    cashback: session.captured?.cashback ?? 0,
    approved,
    ...(approved && details.authCode ? { authCode: details.authCode } : {}),
  };
  session.customerReceipt = { lines: receiptLines({ ...base, copy: 'CUSTOMER' }) };
  session.merchantReceipt = { lines: receiptLines({ ...base, copy: 'MERCHANT' }) };
}

/** The default virtual terminals: Dojo's sandbox scenarios plus a gratuity, a cashback, a busy and an offline one. */
export const DEFAULT_TERMINALS: { tid: string; status?: 'InUse' | 'Offline'; tipsAmount?: number; cashbackAmount?: number }[] = [
  { tid: 'VCMTILLSIP0' },
  { tid: 'VCMTILLSCP0' },
  { tid: 'VCMTILLDIP0' },
  { tid: 'VCMTILLSIS0' },
  { tid: 'VCMTILLVIP0' },
  { tid: 'VCMTILLTIP0' },
  { tid: 'VCMTILLCIP0' },
  { tid: 'VCMTIPSSIP0', tipsAmount: 150 },
  { tid: 'VCMCASHSIP0', cashbackAmount: 2000 },
  { tid: 'VCMBUSYSIP0', status: 'InUse' },
  { tid: 'VCMOFFLSIP0', status: 'Offline' },
];

const SCENARIO_WORDS: Record<Scenario['name'], string> = {
  chipPin: 'chip & PIN, approves',
  contactless: 'contactless, approves',
  declined: 'always declines',
  signature: 'asks you to check a signature',
  expires: 'the card never comes (expires after 90 s)',
  timesOut: 'never wakes up (the request expires after 10 s)',
  cancelledOnTerminal: 'the customer cancels on the terminal',
  authorizedThenSignature: 'authorises, then asks you to check a signature',
  capturedThenSignature: 'approves, then asks you to check a signature',
  authorizedThenCaptured: 'authorises first, then completes the payment',
  capturedThenLateSignature: 'approves, then asks for a signature check 20 s later',
  slowPin: 'chip & PIN, the customer takes a minute over the PIN',
};

/** What a default virtual terminal does, in a cashier's words (training mode shows it beside each terminal). */
export function describeVirtualTerminal(tid: string): string {
  const seed = DEFAULT_TERMINALS.find((t) => t.tid === tid);
  if (seed?.status === 'InUse') return 'always in use by another till';
  if (seed?.status === 'Offline') return 'always offline';
  const pounds = (minor: number) => `£${(minor / 100).toFixed(2)}`;
  if (seed?.tipsAmount) return `approves, with ${pounds(seed.tipsAmount)} gratuity added on the terminal`;
  if (seed?.cashbackAmount) return `approves, with ${pounds(seed.cashbackAmount)} cashback added on the terminal`;
  return SCENARIO_WORDS[scenarioForTid(tid).name];
}

/** Dojo's state for one account: terminals, payment intents, terminal sessions and refunds. */
export class SimState {
  terminals = new Map<string, SimTerminal>();
  intents = new Map<string, SimIntent>();
  sessions = new Map<string, SimSession>();
  refunds = new Map<string, SimRefund>();
  /** Which reading of Dojo's open behaviours to play (docs/dojo-api.md §13). */
  readings: Readings = { ...DEFAULT_READINGS };
  /** Intent changes that become visible later (the A5 reading: the intent lags behind the session). */
  deferred: DeferredChange[] = [];
  /** Set when a kept record lets finished payments go after this many days (retention.ts): a 404 says so. */
  keepsFinishedDays: number | undefined;

  constructor(
    readonly clock: SimClock,
    readonly environment: Environment = 'sandbox',
    /** Up to this many ms added at random to each step a person takes (0: reproducible timings). */
    readonly humanJitterMs = 0,
  ) {
    this.reset();
  }

  reset(): void {
    this.terminals.clear();
    this.intents.clear();
    this.sessions.clear();
    this.refunds.clear();
    this.deferred = [];
    this.readings = { ...DEFAULT_READINGS };
    this.searchOrder = 'oldest';
    for (const terminal of DEFAULT_TERMINALS) this.addTerminal(terminal);
  }

  setReadings(input: ReadingsInput): Readings {
    this.readings = ReadingsSchema.parse({ ...this.readings, ...input });
    return this.readings;
  }

  /** Changes an intent as a session's result, now or after the reading's lag. */
  private updateIntent(intent: SimIntent, at: number, change: IntentChange, extraLagMs = 0): void {
    const lag = this.readings.intentLagMs + extraLagMs;
    if (lag <= 0) return this.applyIntentChange(intent.id, change);
    this.deferred.push({ dueAt: at + lag, intentId: intent.id, change });
  }

  private applyIntentChange(intentId: string, change: IntentChange): void {
    const intent = this.intents.get(intentId);
    if (!intent) return;
    if (change.kind === 'refund') return this.addRefunded(intent, change.amount);
    if (change.kind === 'reverse') intent.status = change.result ?? 'Reversed';
    else Object.assign(intent, { status: change.status, tips: change.tips, cashback: change.cashback, paymentDetails: change.paymentDetails });
    intent.updatedAt = change.at;
  }

  private id(prefix: string): string {
    return `${prefix}_${this.environment === 'sandbox' ? 'sandbox_' : ''}${randomBytes(16).toString('base64url').slice(0, 22)}`;
  }

  // ---- terminals -------------------------------------------------------------------------------------------

  addTerminal(input: { tid: string; status?: 'InUse' | 'Offline'; tipsAmount?: number; cashbackAmount?: number }): SimTerminal {
    // Stable ids per TID, so a restarted simulator keeps the till's chosen terminal.
    const id = `tm_${this.environment === 'sandbox' ? 'sandbox_' : ''}${createHash('sha256').update(input.tid).digest('hex').slice(0, 24)}`;
    const terminal: SimTerminal = {
      id,
      tid: input.tid,
      scenario: scenarioForTid(input.tid),
      updatedAt: this.clock.now(),
      tipsAmount: input.tipsAmount ?? 0,
      cashbackAmount: input.cashbackAmount ?? 0,
      ...(input.status ? { forcedStatus: input.status } : {}),
    };
    this.terminals.set(id, terminal);
    return terminal;
  }

  setTerminalStatus(id: string, status: TerminalStatus): SimTerminal {
    const terminal = this.terminals.get(id);
    if (!terminal) throw new SimError(404, 'Terminal not found.');
    if (status === 'Available') delete terminal.forcedStatus;
    else terminal.forcedStatus = status;
    terminal.updatedAt = this.clock.now();
    return terminal;
  }

  terminalStatus(terminal: SimTerminal): TerminalStatus {
    return terminal.forcedStatus ?? (terminal.activeSessionId ? 'InUse' : 'Available');
  }

  terminalJson(terminal: SimTerminal) {
    return { id: terminal.id, properties: { tid: terminal.tid }, status: this.terminalStatus(terminal), updatedAt: iso(terminal.updatedAt) };
  }

  listTerminals(statuses: string[]) {
    this.advance();
    return [...this.terminals.values()].filter((t) => statuses.length === 0 || statuses.includes(this.terminalStatus(t))).map((t) => this.terminalJson(t));
  }

  getTerminal(id: string) {
    this.advance();
    const terminal = this.terminals.get(id);
    if (!terminal) throw new SimError(404, 'Terminal not found.');
    return this.terminalJson(terminal);
  }

  // ---- payment intents -------------------------------------------------------------------------------------

  createIntent(body: CreateIntentBody): SimIntent {
    const now = this.clock.now();
    const intent: SimIntent = {
      id: this.id('pi'),
      status: 'Created',
      captureMode: body.captureMode ?? 'Auto',
      amount: body.amount,
      refundedAmount: 0,
      reference: body.reference,
      description: body.description ?? null,
      metadata: body.metadata ?? null,
      createdAt: now,
      seq: this.intents.size,
      updatedAt: now,
      expireAt: body.expireAt ?? null,
      sessionIds: [],
      captures: [],
    };
    this.intents.set(intent.id, intent);
    return intent;
  }

  private intentNotFound(): SimError {
    const kept = this.keepsFinishedDays ? ` ${trainingRecordKeepsWords(this.keepsFinishedDays)}: an older finished one is no longer on it.` : '';
    return new SimError(404, `Payment intent not found.${kept}`);
  }

  intent(id: string, returnCanceled = true): SimIntent {
    this.advance();
    const intent = this.intents.get(id);
    if (!intent || (intent.status === 'Canceled' && !returnCanceled)) throw this.intentNotFound();
    return intent;
  }

  cancelIntent(id: string): SimIntent {
    const intent = this.intent(id, false);
    if (intent.status !== 'Created') throw new SimError(400, `A payment intent in status ${intent.status} cannot be canceled.`);
    // A4: one reading refuses while a sale session runs; the other accepts (the intent is still Created) and the
    // session runs on, so a successful DELETE proves nothing about the card.
    if (this.activeSessionOf(intent) && this.readings.deleteWhileSessionRuns === 'refused') throw new SimError(400, 'The payment intent has a terminal session in progress.');
    intent.status = 'Canceled';
    intent.updatedAt = this.clock.now();
    return intent;
  }

  capture(id: string, body: CaptureBody) {
    const intent = this.intent(id, false);
    if (intent.status !== 'Authorized') throw new SimError(409, `Only an Authorized payment intent can be captured (it is ${intent.status}).`);
    if (body.amount <= 0 || body.amount > intent.amount.value) throw new SimError(400, 'The capture amount is not valid.', { errors: { Amount: ['The capture amount must be between 1 and the authorised amount.'] } });
    const capture = { id: this.id('cp'), amount: body.amount, tipsAmount: body.tipsAmount ?? null, status: 'Successful' as const, createdAt: iso(this.clock.now()) };
    intent.captures.push(capture);
    intent.status = 'Captured';
    intent.updatedAt = this.clock.now();
    return { message: 'Capture successful', captureId: capture.id };
  }

  refund(id: string, idempotencyKey: string, body: RefundBody) {
    const intent = this.intent(id, false);
    const existing = this.refunds.get(`${id}:${idempotencyKey}`);
    if (existing) return existing;
    if (intent.status !== 'Captured') throw new SimError(400, `A payment intent in status ${intent.status} cannot be refunded.`);
    if (body.amount <= 0 || body.amount > this.refundable(intent)) {
      throw new SimError(400, 'The refund amount is more than is left to refund.', { errors: { Amount: ['The refund amount must be between 1 and what is left to refund.'] } });
    }
    const refund: SimRefund = {
      refundId: this.id('rfnd'),
      paymentIntentId: id,
      idempotencyKey,
      amount: body.amount,
      refundReason: body.refundReason ?? null,
      notes: body.notes ?? null,
    };
    this.refunds.set(`${id}:${idempotencyKey}`, refund);
    this.addRefunded(intent, body.amount);
    return refund;
  }

  reverse(id: string) {
    const intent = this.intent(id, false);
    if (intent.status !== 'Captured' && intent.status !== 'Authorized') throw new SimError(409, `A payment intent in status ${intent.status} cannot be reversed.`);
    intent.status = 'Reversed';
    intent.updatedAt = this.clock.now();
    return { message: 'Reversal successful', reversalId: this.id('rvs') };
  }

  /**
   * Dojo documents paging (cursor `limit` 1–100, `before`/`after`) but not the order of the results: the
   * simulator plays oldest-first (default) or newest-first (admin API), and the app must be right under both.
   */
  searchOrder: 'oldest' | 'newest' = 'oldest';

  search(body: SearchBody) {
    this.advance();
    if (body.cursor?.after && body.cursor.before) throw new SimError(400, '`before` and `after` are mutually exclusive.', { errors: { Cursor: ['Use either before or after.'] } });
    const start = body.startDate ? Date.parse(body.startDate) : -Infinity;
    const end = body.endDate ? Date.parse(body.endDate) : Infinity;
    const statuses = body.statuses ?? [];
    const all = [...this.intents.values()]
      .filter((i) => i.createdAt >= start && i.createdAt <= end && (statuses.length === 0 || statuses.includes(i.status)))
      .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
    if (this.searchOrder === 'newest') all.reverse();
    const limit = body.cursor?.limit ?? 50;
    let from = 0;
    let to = all.length;
    if (body.cursor?.after) {
      const index = all.findIndex((i) => i.id === body.cursor!.after);
      from = index >= 0 ? index + 1 : all.length;
    } else if (body.cursor?.before) {
      const index = all.findIndex((i) => i.id === body.cursor!.before);
      to = index >= 0 ? index : 0;
      from = Math.max(0, to - limit);
    }
    const page = all.slice(from, Math.min(to, from + limit));
    const more = from + page.length < all.length;
    return {
      data: page,
      ...(more && page.length ? { after: page[page.length - 1]!.id } : {}),
      ...(from > 0 && page.length ? { before: page[0]!.id } : {}),
    };
  }

  refundable(intent: SimIntent): number {
    const pending = intent.sessionIds
      .map((sid) => this.sessions.get(sid)!)
      .filter((s) => s.sessionType === 'MatchedRefund' && !s.final)
      .reduce((sum, s) => sum + s.amount.value, 0);
    return this.totalOf(intent) - intent.refundedAmount - pending;
  }

  totalOf(intent: SimIntent): number {
    return intent.amount.value + (intent.tips ?? 0) + (intent.cashback ?? 0);
  }

  private addRefunded(intent: SimIntent, amount: number) {
    intent.refundedAmount += amount;
    if (intent.refundedAmount >= this.totalOf(intent)) intent.status = 'Refunded';
    intent.updatedAt = this.clock.now();
  }

  private activeSessionOf(intent: SimIntent): SimSession | undefined {
    return intent.sessionIds.map((id) => this.sessions.get(id)!).find((s) => !s.final && s.sessionType === 'Sale');
  }

  // ---- terminal sessions -----------------------------------------------------------------------------------

  createSession(body: CreateSessionBody): SimSession {
    this.advance();
    const terminal = this.terminals.get(body.terminalId);
    if (!terminal) throw new SimError(404, 'Terminal not found.');
    const status = this.terminalStatus(terminal);
    if (status !== 'Available') {
      throw new SimError(400, status === 'Offline' ? 'The terminal is offline.' : 'The terminal is busy with another session.', { code: 'TERMINAL_UNAVAILABLE' });
    }
    const { details } = body;
    let amount: Money;
    let intentId: string | undefined;
    if (details.sessionType === 'Sale') {
      const intent = this.intents.get(details.sale!.paymentIntentId);
      if (!intent) throw this.intentNotFound();
      if (intent.status !== 'Created') throw new SimError(400, `A payment intent in status ${intent.status} cannot start a sale.`);
      if (this.activeSessionOf(intent)) throw new SimError(400, 'The payment intent already has a terminal session in progress.');
      amount = intent.amount;
      intentId = intent.id;
    } else if (details.sessionType === 'MatchedRefund') {
      const intent = this.intents.get(details.matchedRefund!.paymentIntentId);
      if (!intent) throw this.intentNotFound();
      if (intent.status !== 'Captured') throw new SimError(400, `A payment intent in status ${intent.status} cannot be refunded.`);
      const remaining = this.refundable(intent);
      amount = details.matchedRefund!.amount ?? { value: remaining, currencyCode: intent.amount.currencyCode };
      if (amount.currencyCode !== intent.amount.currencyCode) throw new SimError(400, 'The refund currency must match the payment.', { errors: { 'Details.MatchedRefund.Amount.CurrencyCode': ['Currency does not match the payment intent.'] } });
      if (amount.value <= 0 || amount.value > remaining) {
        throw new SimError(400, `The refund amount is more than is left to refund (${remaining}).`, { errors: { 'Details.MatchedRefund.Amount.Value': ['The refund amount is more than is left to refund.'] } });
      }
      intentId = intent.id;
    } else {
      amount = details.unlinkedRefund!.amount;
    }

    const now = this.clock.now();
    const session: SimSession = {
      id: this.id('ts'),
      terminalId: terminal.id,
      tid: terminal.tid,
      scenario: terminal.scenario,
      sessionType: details.sessionType,
      details,
      ...(intentId ? { intentId } : {}),
      amount,
      status: 'InitiateRequested',
      createdAt: now,
      updatedAt: now,
      expireAt: now + TIMING.initiateWindow,
      notificationEvents: [],
      statusEvents: [{ status: 'InitiateRequested', createdAt: iso(now), debugMessage: '' }],
      pending: scriptFor(terminal.scenario, () => Math.round(Math.random() * this.humanJitterMs)),
      cursor: now,
      cardPresented: false,
      final: false,
    };
    this.sessions.set(session.id, session);
    if (intentId) this.intents.get(intentId)!.sessionIds.push(session.id);
    terminal.activeSessionId = session.id;
    terminal.updatedAt = now;
    return session;
  }

  session(id: string): SimSession {
    this.advance();
    const session = this.sessions.get(id);
    if (!session) throw new SimError(404, 'Terminal session not found.');
    return session;
  }

  cancelSession(id: string): SimSession {
    const session = this.session(id);
    if (session.final || session.cardPresented || session.status === 'SignatureVerificationRequired') throw new SimError(422, 'Session cannot be canceled.');
    if (session.status === 'CancelRequested') return session;
    const now = this.clock.now();
    this.setStatus(session, 'CancelRequested', now, 'Cancel requested by the till');
    session.pending = [{ after: TIMING.cancel, status: 'Canceled', debug: 'Cancelled by the till' }];
    session.cursor = now;
    return session;
  }

  answerSignature(id: string, accepted: boolean): SimSession {
    const session = this.session(id);
    if (session.status !== 'SignatureVerificationRequired') throw new SimError(422, 'Signature verification is not pending for this session.');
    this.resolveSignature(session, accepted, this.clock.now(), '');
    return session;
  }

  /** Moves every running session forward to the clock's current time. Called before every request. */
  advance(): void {
    const now = this.clock.now();
    if (this.deferred.length) {
      const due = this.deferred.filter((d) => d.dueAt <= now);
      this.deferred = this.deferred.filter((d) => d.dueAt > now);
      for (const { intentId, change } of due) this.applyIntentChange(intentId, change);
    }
    for (const terminal of this.terminals.values()) {
      const session = terminal.activeSessionId ? this.sessions.get(terminal.activeSessionId) : undefined;
      if (session) this.progress(session, now);
    }
  }

  private progress(session: SimSession, now: number): void {
    while (!session.final) {
      if (session.status === 'SignatureVerificationRequired') {
        if (now < session.signatureDeadline!) return;
        this.resolveSignature(session, true, session.signatureDeadline!, 'Signature accepted automatically after 80 seconds');
        continue;
      }
      const next = session.pending[0];
      const dueAt = next ? session.cursor + next.after : Infinity;
      if (session.status !== 'CancelRequested' && session.expireAt <= Math.min(now, dueAt)) {
        this.setStatus(session, 'Expired', session.expireAt, 'Session expired');
        this.finish(session);
        return;
      }
      if (!next || dueAt > now) return;
      session.pending.shift();
      session.cursor = dueAt;
      this.apply(session, next, dueAt);
    }
  }

  private apply(session: SimSession, step: ScriptStep, at: number): void {
    if ('notify' in step) {
      session.notificationEvents.push({ notificationType: step.notify, createdAt: iso(at) });
      session.updatedAt = at;
    } else if ('cardPresented' in step) {
      session.cardPresented = true;
    } else if ('status' in step) {
      this.setStatus(session, step.status, at, step.debug ?? '');
      if (isSessionEnded(step.status)) this.finish(session);
    } else if (step.outcome === 'authorized') {
      this.interimApproval(session, SESSION_AUTHORIZED, at);
    } else if (step.outcome === 'capturedPendingSignature') {
      this.interimApproval(session, 'Captured', at);
    } else if (step.outcome === 'signature') {
      // The card was read and authorised before the check: its details come with the session (the signature
      // slip shows them). Whether Dojo sends them at this point is not documented; the till copes without them.
      this.recordPayment(session, true, at);
      this.setStatus(session, 'SignatureVerificationRequired', at, 'Awaiting signature verification');
      session.signatureDeadline = at + TIMING.signatureWindow;
      session.expireAt = session.signatureDeadline;
    } else {
      this.complete(session, step.outcome === 'captured', at);
    }
  }

  private setStatus(session: SimSession, status: string, at: number, debugMessage: string): void {
    session.status = status;
    session.updatedAt = at;
    session.statusEvents.push({ status, createdAt: iso(at), debugMessage });
    if (status === 'Initiated') session.expireAt = at + TIMING.cardWindow;
  }

  private resolveSignature(session: SimSession, accepted: boolean, at: number, debug: string): void {
    if (accepted) {
      this.complete(session, true, at, 'SignatureVerificationAccepted', debug);
    } else {
      this.setStatus(session, 'SignatureVerificationRejected', at, debug || 'Signature rejected: payment reversed');
      this.recordPayment(session, false, at);
      const intent = session.intentId ? this.intents.get(session.intentId) : undefined;
      if (intent && session.sessionType === 'Sale') {
        // The session's word ("reversed") may reach the intent late, or the reversal may not happen at all and
        // the sale goes on to its capture (readings.ts): the till must not take the session's word as final.
        const { reversalLagMs, rejectedSignature } = this.readings;
        this.updateIntent(intent, at, { kind: 'reverse', at: at + reversalLagMs, result: rejectedSignature === 'notReversed' ? 'Captured' : 'Reversed' }, reversalLagMs);
      }
      this.finish(session);
    }
  }

  /** A card result: approved (Captured, or Authorized for a Manual intent) or declined. */
  private complete(session: SimSession, approved: boolean, at: number, approvedStatus?: string, debug = ''): void {
    const intent = session.intentId ? this.intents.get(session.intentId) : undefined;
    const manual = session.sessionType === 'Sale' && intent?.captureMode === 'Manual';
    const status = approved ? (approvedStatus ?? (manual ? 'Authorized' : 'Captured')) : 'Declined';
    this.setStatus(session, status, at, debug);
    this.recordPayment(session, approved, at);
    if (approved && intent) {
      if (session.sessionType === 'Sale') this.chargeIntent(session, intent, manual ? 'Authorized' : 'Captured', at);
      else this.updateIntent(intent, at, { kind: 'refund', amount: session.amount.value });
    }
    this.finish(session);
  }

  /**
   * The card was approved but the session goes on (A1: Authorized before capture or a signature check; A2:
   * Captured before a signature check): the intent follows, the session is not over.
   */
  private interimApproval(session: SimSession, status: string, at: number): void {
    this.setStatus(session, status, at, status === SESSION_AUTHORIZED ? 'Authorised, capture pending' : 'Captured, signature check to follow');
    this.recordPayment(session, true, at);
    const intent = session.intentId ? this.intents.get(session.intentId) : undefined;
    if (intent && session.sessionType === 'Sale') this.chargeIntent(session, intent, status === SESSION_AUTHORIZED ? 'Authorized' : 'Captured', at);
  }

  private chargeIntent(session: SimSession, intent: SimIntent, status: 'Authorized' | 'Captured', at: number): void {
    const { tips, cashback } = session.captured!;
    const details = session.paymentDetails!;
    this.updateIntent(intent, at, { kind: 'charge', status, tips, cashback, paymentDetails: details, at });
  }

  private recordPayment(session: SimSession, approved: boolean, at: number): void {
    const terminal = this.terminals.get(session.terminalId)!;
    const isSale = session.sessionType === 'Sale';
    const captured = { tips: isSale ? terminal.tipsAmount : 0, cashback: isSale ? terminal.cashbackAmount : 0 };
    session.captured = captured;
    const authCode = approved ? createHash('sha1').update(session.id).digest('hex').slice(0, 6).toUpperCase() : null;
    const { card } = session.scenario;
    session.paymentDetails = {
      transactionId: this.id('tx'),
      transactionDateTime: iso(at),
      message: approved ? 'Approved' : 'Declined',
      authCode,
      card: {
        cardNumber: card.masked,
        expiryDate: card.expiry,
        cardType: card.scheme,
        cardFundingType: card.funding,
        last4PAN: card.last4,
        entryMode: session.scenario.entryMode,
        verificationMethod: session.scenario.verification,
      },
    };
    printReceipts(session);
  }

  private finish(session: SimSession): void {
    session.final = true;
    session.pending = [];
    const terminal = this.terminals.get(session.terminalId);
    if (terminal?.activeSessionId === session.id) {
      delete terminal.activeSessionId;
      terminal.updatedAt = session.updatedAt;
    }
  }

  // ---- JSON in Dojo's shapes -------------------------------------------------------------------------------

  sessionJson(session: SimSession) {
    return {
      id: session.id,
      terminalId: session.terminalId,
      status: session.status,
      createdAt: iso(session.createdAt),
      updatedAt: iso(session.updatedAt),
      expireAt: iso(session.expireAt),
      details: session.details,
      notificationEvents: session.notificationEvents,
      statusEvents: session.statusEvents,
      // paymentDetails "only once the status is finalized": here once there is a card result (final or interim).
      ...(session.paymentDetails && (session.final || SESSION_APPROVED.includes(session.status) || session.status === SESSION_AUTHORIZED || session.status === 'SignatureVerificationRequired') ? { paymentDetails: session.paymentDetails } : {}),
      ...(session.final && session.customerReceipt ? { customerReceipt: session.customerReceipt, merchantReceipt: session.merchantReceipt } : {}),
    };
  }

  intentJson(intent: SimIntent) {
    const money = (value: number) => ({ value, currencyCode: intent.amount.currencyCode });
    return {
      id: intent.id,
      captureMode: intent.captureMode,
      status: intent.status,
      amount: intent.amount,
      requestedAmount: intent.amount,
      // A6: one reading counts the cashback handed over in cash in totalAmount, the other does not.
      totalAmount: money(this.totalOf(intent) - (this.readings.totalAmount === 'withoutCashback' ? (intent.cashback ?? 0) : 0)),
      tipsAmount: intent.tips ? money(intent.tips) : null,
      cashbackAmount: intent.cashback ? money(intent.cashback) : null,
      refundedAmount: intent.refundedAmount,
      reference: intent.reference,
      description: intent.description ?? null,
      metadata: intent.metadata ?? null,
      createdAt: iso(intent.createdAt),
      updatedAt: iso(intent.updatedAt),
      expireAt: intent.expireAt ?? null,
      paymentDetails: intent.paymentDetails ?? null,
      captures: intent.captures,
      // A3: under the 'whenFinal' reading a session appears here only once it has ended.
      terminalSessionHistory: intent.sessionIds
        .map((id) => this.sessions.get(id)!)
        .filter((s) => s.final || this.readings.sessionHistory === 'atCreation')
        .map((s) => {
        return {
          terminalSession: {
            terminalId: s.terminalId,
            id: s.id,
            status: s.status,
            expireAt: iso(s.expireAt),
            createdAt: iso(s.createdAt),
            updatedAt: iso(s.updatedAt),
            notificationEvents: s.notificationEvents,
            statusEvents: s.statusEvents,
            details: s.details,
          },
          payment: s.final && s.paymentDetails
            ? {
                transactionDateTime: s.paymentDetails.transactionDateTime,
                cardNumber: s.paymentDetails.card.cardNumber,
                expiryDate: s.paymentDetails.card.expiryDate,
                cardType: s.paymentDetails.card.cardType,
                authGatewayTransactionId: s.paymentDetails.transactionId,
                cardHolderName: null,
                entryMode: s.paymentDetails.card.entryMode,
                verificationMode: s.paymentDetails.card.verificationMethod,
              }
            : null,
        };
      }),
    };
  }

  /** Everything Dojo holds, for tests that compare the till's journal with Dojo's own record. */
  snapshot() {
    this.advance();
    return {
      terminals: [...this.terminals.values()].map((t) => ({ ...this.terminalJson(t), activeSessionId: t.activeSessionId ?? null })),
      intents: [...this.intents.values()].map((i) => this.intentJson(i)),
      sessions: [...this.sessions.values()].map((s) => ({ ...this.sessionJson(s), sessionType: s.sessionType, amount: s.amount, intentId: s.intentId ?? null })),
      refunds: [...this.refunds.values()],
    };
  }
}

export type { ErrorFamily };
