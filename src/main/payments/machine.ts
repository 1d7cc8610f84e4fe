import { SESSION_APPROVED, SESSION_AUTHORIZED, SESSION_ENDED } from '../../shared/dojo-statuses';
import type { ReceiptLine } from '../../shared/payments';
import type { DojoIntent, DojoReceipt, DojoSession } from '../dojo/schemas';
import type { JournalEvent } from '../journal/journal';
import { nextPollDelay, type PollingPolicy } from './polling';
import { attention as attentionWords, cancel as cancelWords, outcome, timeline } from './messages';
import type { PaymentRecord } from './record';

/**
 * The payment flow as a pure function: (record, event) -> (record, effects, journal entries). No I/O here; the
 * runner performs the effects and feeds their results back as events.
 */
export type Effect =
  | { kind: 'createIntent' }
  | { kind: 'findIntent' }
  | { kind: 'createSession' }
  | { kind: 'findSession'; delayMs: number }
  | { kind: 'poll'; delayMs: number }
  | { kind: 'confirm'; delayMs: number }
  | { kind: 'cancelSession' }
  | { kind: 'answerSignature'; accepted: boolean }
  | { kind: 'cancelIntent' };

export type Call = Effect['kind'];

export interface CallFailure {
  code: string;
  message: string;
  outcomeUnknown: boolean;
  status?: number;
}

export type EngineEvent =
  | { kind: 'start' }
  | { kind: 'resume' }
  | { kind: 'intentCreated'; intent: DojoIntent }
  | { kind: 'intentFound'; intent: DojoIntent | null }
  | { kind: 'sessionCreated'; session: DojoSession }
  | { kind: 'sessionFound'; session: DojoSession | null }
  | { kind: 'sessionPolled'; session: DojoSession }
  | { kind: 'confirmed'; intent: DojoIntent }
  | { kind: 'intentCancelled' }
  | { kind: 'cancelRequested' }
  | { kind: 'cancelAnswered'; session: DojoSession }
  | { kind: 'signatureRequested'; accepted: boolean }
  | { kind: 'signatureAnswered'; session: DojoSession }
  | { kind: 'resolved'; outcome: 'approved' | 'not_charged'; note: string }
  | { kind: 'failed'; call: Call; error: CallFailure; resumed?: boolean };

export interface Transition {
  record: PaymentRecord;
  effects: Effect[];
  log: JournalEvent[];
}

/** Dojo session statuses that end a session (anything else, known or not, means "keep following"). */
const FINAL_SESSION = new Set([...SESSION_ENDED, SESSION_AUTHORIZED]);
const APPROVED_SESSION = new Set([...SESSION_APPROVED, SESSION_AUTHORIZED]);
/** Notifications that mean the card has been presented: from then on Dojo refuses to cancel. */
const CARD_IN_PLAY = new Set(['PleaseWait', 'EnterPin', 'InsertCard', 'RemoveCard', 'Approved', 'Declined', 'PresentOnlyOneCard', 'CardUnsupported', 'CardError', 'ReEnterCard']);

export const MAX_RECOVERY_ATTEMPTS = 6;
const MAX_SESSION_WINDOW_MS = 60 * 60_000;
export const CARD_PRESENTED_NOTE = cancelWords.cardPresented;

/**
 * One transition: the record being changed, what to do next and what to write in the timeline, with the moves
 * every step shares (finish, ask a person, ask the terminal, follow a session).
 */
class Move {
  readonly record: PaymentRecord;
  readonly effects: Effect[] = [];
  readonly log: JournalEvent[] = [];

  constructor(
    current: PaymentRecord,
    readonly now: number,
    readonly policy: PollingPolicy,
  ) {
    this.record = { ...current, updatedAt: now };
  }

  note(kind: string, message: string, detail?: Record<string, unknown>): void {
    this.log.push({ at: this.now, kind, message, ...(detail ? { detail } : {}) });
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  poll(delayMs = nextPollDelay(this.record, this.now, this.policy)): void {
    this.effects.push({ kind: 'poll', delayMs });
  }

  /** The wait before the next recovery attempt: exponential, capped. */
  backoff(): number {
    return Math.round(Math.min(this.policy.errorMaxMs, this.policy.errorBaseMs * 2 ** this.record.recoveryAttempts) * this.policy.scale);
  }

  /** Grace after Dojo's deadlines, in till time. */
  get grace(): number {
    return this.policy.graceMs * this.policy.scale;
  }

  finish(status: PaymentRecord['status'], message: string): void {
    const record = this.record;
    record.status = status;
    record.step = 'done';
    record.outcomeMessage = message;
    record.finishedAt = this.now;
    this.note('finished', message, { status });
  }

  attention({ reason, instruction }: { reason: string; instruction: string }): void {
    this.record.status = 'needs_attention';
    this.record.attention = { reason, instruction };
    this.note('needs_attention', reason, { instruction });
  }

  requestSession(): void {
    const record = this.record;
    record.step = 'session_requested';
    record.sessionRequestedAt = this.now;
    record.recoveryAttempts = 0;
    this.effect({ kind: 'createSession' });
    this.note('dojo_request', timeline.askingTerminal(record.terminalTid ?? record.terminalId, record.type));
  }

  /** Our session exists: follow it from this snapshot. */
  follow(session: DojoSession): void {
    const record = this.record;
    record.sessionId = session.id;
    record.step = 'following';
    record.status = 'in_progress';
    record.recoveryAttempts = 0;
    applySession(record, session, this.now, this.policy.scale);
    if (record.cancelWanted && !record.cardPresented) {
      this.effect({ kind: 'cancelSession' });
      this.note('dojo_request', timeline.cancellingAsAsked);
    }
    this.afterSnapshot();
  }

  /** After a fresh session snapshot: finish it, or keep following. */
  afterSnapshot(): void {
    const record = this.record;
    if (!record.sessionStatus || !FINAL_SESSION.has(record.sessionStatus)) {
      if (record.expireAt !== null && this.now > record.expireAt + this.grace) return this.attention(attentionWords.stillRunningAfterExpiry(record.sessionStatus));
      return this.poll();
    }
    if (record.type === 'UnlinkedRefund') return this.finishFromSession(null);
    record.step = 'confirming';
    record.recoveryAttempts = 0;
    this.effect({ kind: 'confirm', delayMs: 0 });
  }

  /** The session is over: set the outcome (with the intent read back, when there is one). */
  finishFromSession(intent: DojoIntent | null): void {
    const record = this.record;
    const status = record.sessionStatus!;
    if (APPROVED_SESSION.has(status)) {
      if (intent && record.type === 'Sale') {
        if (intent.status !== 'Captured' && intent.status !== 'Authorized') return this.attention(attentionWords.approvedButIntentDisagrees(intent.status));
        record.totalAmount = intent.totalAmount?.value ?? record.amount;
        record.tipsAmount = intent.tipsAmount?.value ?? 0;
        record.cashbackAmount = intent.cashbackAmount?.value ?? 0;
        if (intent.paymentDetails) applyPaymentDetails(record, intent.paymentDetails);
      } else {
        record.totalAmount ??= record.amount;
      }
      return this.finish('approved', outcome.approved(record.type));
    }
    if (status === 'Declined') return this.finish('declined', outcome.declined(record.type));
    if (status === 'SignatureVerificationRejected') return this.finish('declined', outcome.signatureRejected);
    if (status === 'Canceled') return this.finish('cancelled', outcome.cancelled(record.type));
    return this.finish('expired', outcome.expired(record.type));
  }

  /** A Dojo call failed: written to the timeline before the step decides what it means. */
  noteFailure(call: Call, error: CallFailure): void {
    this.note('dojo_error', timeline.dojoError(call, error.message), { call, code: error.code, status: error.status ?? null, outcomeUnknown: error.outcomeUnknown });
  }
}

/**
 * The payment flow as a table read by step first: "in step X, event Y does Z". An event a step does not list
 * (a late answer, a duplicate) changes nothing, so no late answer can start, cancel or approve a payment.
 */
export function transition(current: PaymentRecord, event: EngineEvent, now: number, policy: PollingPolicy): Transition {
  const move = new Move(current, now, policy);
  if (event.kind === 'resolved') resolvedByCashier(move, event);
  else if (event.kind === 'failed') {
    move.noteFailure(event.call, event.error);
    STEPS[move.record.step](move, event);
  } else STEPS[move.record.step](move, event);
  return { record: move.record, effects: move.effects, log: move.log };
}

type StepHandler = (move: Move, event: Exclude<EngineEvent, { kind: 'resolved' }>) => void;

/** intent_requested: POST /payment-intents may have been sent (sales only). */
const intentRequested: StepHandler = (move, event) => {
  const { record } = move;
  switch (event.kind) {
    case 'start':
      move.effect({ kind: 'createIntent' });
      return move.note('dojo_request', timeline.creatingIntent(record.amount, record.currency));
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      record.restartedBeforeSession = true;
      return move.effect({ kind: 'findIntent' });
    case 'intentCreated':
    case 'intentFound': {
      const intent = event.intent;
      if (!intent) return move.finish('failed', outcome.intentNeverCreated);
      record.intentId = intent.id;
      record.priorSessionIds = intent.terminalSessionHistory.map((h) => h.terminalSession?.id).filter((id): id is string => !!id);
      move.note('dojo_response', event.kind === 'intentCreated' ? timeline.intentCreated : timeline.intentFound, { intentId: intent.id });
      if (record.restartedBeforeSession) {
        // After a restart the customer may be long gone: never start a terminal session on our own.
        move.effect({ kind: 'cancelIntent' });
        return move.finish('failed', outcome.restartedBeforeTerminal);
      }
      if (record.cancelWanted) {
        record.cancelWanted = false;
        move.effect({ kind: 'cancelIntent' });
        return move.finish('cancelled', outcome.cancelledBeforeTerminal);
      }
      return move.requestSession();
    }
    case 'cancelRequested':
      record.cancelWanted = true;
      return move.note('cancel_requested', timeline.cancelWhenPossible);
    case 'failed':
      if (event.call === 'createIntent') {
        if (event.error.outcomeUnknown) return move.effect({ kind: 'findIntent' });
        return move.finish('failed', outcome.refusedByDojo(record.type, event.error.message));
      }
      // The session was never requested (the journal says so): whatever happened to the intent, no card was charged.
      if (event.call === 'findIntent') return move.finish('failed', outcome.dojoUnreachableAtStart);
      return;
    default:
      return;
  }
};

/** session_requested: POST /terminal-sessions may have been sent. */
const sessionRequested: StepHandler = (move, event) => {
  const { record } = move;
  switch (event.kind) {
    case 'start':
      return move.requestSession();
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      return move.effect({ kind: 'findSession', delayMs: 0 });
    case 'sessionCreated':
      move.note('dojo_response', timeline.sessionCreated, { sessionId: event.session.id });
      return move.follow(event.session);
    case 'sessionFound':
      if (event.session) {
        move.note('recovery', timeline.sessionFound, { sessionId: event.session.id });
        return move.follow(event.session);
      }
      if (record.type === 'Sale') {
        move.note('recovery', timeline.noSessionCancellingIntent);
        return move.effect({ kind: 'cancelIntent' });
      }
      return move.finish('failed', outcome.terminalNeverAsked(record.type));
    case 'intentCancelled':
      move.finish(record.cancelWanted ? 'cancelled' : 'failed', record.cancelWanted ? outcome.cancelled(record.type) : outcome.terminalNeverAsked(record.type));
      return move.note('dojo_response', timeline.intentCancelled);
    case 'cancelRequested':
      record.cancelWanted = true;
      return move.note('cancel_requested', timeline.cancelWhenPossible);
    case 'failed': {
      const { call, error } = event;
      if (call === 'createSession') {
        if (error.outcomeUnknown) return move.effect({ kind: 'findSession', delayMs: 0 });
        if (record.type === 'Sale' && record.intentId) move.effect({ kind: 'cancelIntent' });
        return move.finish('failed', outcome.refusedByDojo(record.type, error.message));
      }
      if (call === 'findSession') {
        record.recoveryAttempts += 1;
        if (record.type === 'UnlinkedRefund' || record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) {
          return move.attention(record.type === 'UnlinkedRefund' ? attentionWords.unlinkedRefundUnknown : attentionWords.sessionUnknown);
        }
        return move.effect({ kind: 'findSession', delayMs: move.backoff() });
      }
      if (call === 'cancelIntent' && record.status === 'starting') {
        // The intent could not be cancelled: a session may exist after all. Look again, then ask a person.
        record.recoveryAttempts += 1;
        if (record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) return move.attention(attentionWords.sessionUnconfirmed);
        return move.effect({ kind: 'findSession', delayMs: move.backoff() });
      }
      return;
    }
    default:
      return;
  }
};

/** following: our session exists; poll it to its end. */
const following: StepHandler = (move, event) => {
  const { record, now, policy } = move;
  switch (event.kind) {
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      return move.poll(0);
    case 'sessionPolled':
      record.pollFailures = 0;
      applySession(record, event.session, now, policy.scale);
      return move.afterSnapshot();
    case 'cancelRequested':
      if (record.cardPresented) {
        record.cancelNote = CARD_PRESENTED_NOTE;
        return move.note('cancel_refused', CARD_PRESENTED_NOTE);
      }
      record.cancelWanted = true;
      move.effect({ kind: 'cancelSession' });
      return move.note('dojo_request', timeline.cancelAsked);
    case 'cancelAnswered':
      applySession(record, event.session, now, policy.scale);
      return move.note('dojo_response', timeline.cancelAccepted(event.session.status));
    case 'signatureRequested':
      move.effect({ kind: 'answerSignature', accepted: event.accepted });
      return move.note('dojo_request', event.accepted ? timeline.signatureAccepted : timeline.signatureRejected);
    case 'signatureAnswered':
      applySession(record, event.session, now, policy.scale);
      move.note('dojo_response', timeline.signatureRecorded(event.session.status));
      if (record.sessionStatus && FINAL_SESSION.has(record.sessionStatus)) move.afterSnapshot();
      return;
    case 'failed': {
      const { call, error } = event;
      if (call === 'poll') {
        record.pollFailures += 1;
        if (now - record.lastChangeAt > move.grace && (record.expireAt === null || now > record.expireAt + move.grace)) return move.attention(attentionWords.dojoSilent);
        return move.poll();
      }
      if (call === 'cancelSession') {
        record.cancelWanted = false;
        record.cancelNote = error.status === 422 ? CARD_PRESENTED_NOTE : cancelWords.notReached(error.message);
        if (error.status === 422) record.cardPresented = true;
      }
      // answerSignature: Dojo may have accepted by itself (80 s) or the answer did arrive: the next poll tells.
      return;
    }
    default:
      return;
  }
};

/** confirming: the session ended; read the intent back for the amounts and the final word. */
const confirming: StepHandler = (move, event) => {
  const { record } = move;
  switch (event.kind) {
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      return move.effect({ kind: 'confirm', delayMs: 0 });
    case 'confirmed':
      move.note('dojo_response', timeline.intentRead(event.intent.status), { intentStatus: event.intent.status, total: event.intent.totalAmount?.value ?? null });
      return move.finishFromSession(event.intent);
    case 'cancelRequested':
      record.cancelNote = CARD_PRESENTED_NOTE;
      return move.note('cancel_refused', CARD_PRESENTED_NOTE);
    case 'failed':
      if (event.call !== 'confirm') return;
      record.recoveryAttempts += 1;
      if (record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) return move.finishFromSession(null);
      return move.effect({ kind: 'confirm', delayMs: move.backoff() });
    default:
      return;
  }
};

/** done: only late answers arrive here; the timeline keeps them. */
const done: StepHandler = (move, event) => {
  if (event.kind === 'intentCancelled') move.note('dojo_response', timeline.intentCancelled);
};

const STEPS: Record<PaymentRecord['step'], StepHandler> = {
  intent_requested: intentRequested,
  session_requested: sessionRequested,
  following,
  confirming,
  done,
};

/** A person's verdict on a payment Dojo could not settle (any step; only while it needs attention). */
function resolvedByCashier(move: Move, event: Extract<EngineEvent, { kind: 'resolved' }>): void {
  const { record } = move;
  record.resolution = { outcome: event.outcome, note: event.note, at: new Date(move.now).toISOString() };
  move.note('resolved', timeline.resolved(event.outcome === 'approved', event.note));
  if (event.outcome === 'approved') {
    record.totalAmount ??= record.amount;
    return move.finish('approved', outcome.resolvedApproved);
  }
  move.finish('failed', outcome.resolvedNotCharged);
}

/** Copies what the till needs from a session snapshot; notes when the status or prompt changed. */
/** `timeScale` converts Dojo durations to the till's clock (1 in real life; smaller with an accelerated simulator). */
export function applySession(record: PaymentRecord, session: DojoSession, now: number, timeScale = 1): void {
  const before = `${record.sessionStatus}|${record.prompt}`;
  record.sessionId = session.id;
  record.sessionStatus = session.status;
  const prompts = session.notificationEvents;
  record.prompt = prompts.length ? prompts[prompts.length - 1]!.notificationType : null;
  if (prompts.some((p) => CARD_IN_PLAY.has(p.notificationType)) || FINAL_SESSION.has(session.status) || session.status === 'SignatureVerificationRequired') {
    record.cardPresented = true;
  }
  if (record.cardPresented && !record.cancelNote && !FINAL_SESSION.has(session.status)) record.cancelNote = CARD_PRESENTED_NOTE;
  const remaining = session.expireAt && session.updatedAt ? Date.parse(session.expireAt) - Date.parse(session.updatedAt) : NaN;
  // Dojo's windows are seconds to minutes; an absurd pair of timestamps must not become an absurd deadline.
  if (Number.isFinite(remaining)) record.expireAt = now + Math.min(Math.max(0, remaining), MAX_SESSION_WINDOW_MS) * timeScale;
  if (session.status === 'SignatureVerificationRequired') {
    record.status = 'signature_required';
    if (record.signatureDeadline === null || before.split('|')[0] !== 'SignatureVerificationRequired') record.signatureDeadline = record.expireAt;
  } else if (!FINAL_SESSION.has(session.status) && record.status !== 'needs_attention') {
    record.status = 'in_progress';
  }
  if (session.paymentDetails) applyPaymentDetails(record, session.paymentDetails);
  const customer = receiptOf(session.customerReceipt ?? session.receipt);
  const merchant = receiptOf(session.merchantReceipt);
  if (customer || merchant) record.receipts = { customer, merchant };
  if (`${record.sessionStatus}|${record.prompt}` !== before) record.lastChangeAt = now;
}

function applyPaymentDetails(record: PaymentRecord, details: NonNullable<DojoSession['paymentDetails']>): void {
  record.authCode = details.authCode ?? record.authCode;
  const card = details.card;
  if (!card) return;
  record.cardScheme = card.cardType ?? record.cardScheme;
  record.last4 = card.last4PAN ?? (card.cardNumber ? card.cardNumber.slice(-4) : record.last4);
  record.entryMode = card.entryMode ?? record.entryMode;
  record.verification = card.verificationMethod ?? record.verification;
}

function receiptOf(receipt: DojoReceipt | null | undefined): ReceiptLine[] | null {
  if (!receipt?.lines.length) return null;
  return receipt.lines.map((line) => ({
    lineType: line.lineType,
    text: line.text ? { value: line.text.value, size: line.text.size ?? null, align: line.text.align ?? null, bold: line.text.emphasisBold ?? false } : null,
  }));
}
