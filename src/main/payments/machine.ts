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

export function transition(current: PaymentRecord, event: EngineEvent, now: number, policy: PollingPolicy): Transition {
  const record: PaymentRecord = { ...current, updatedAt: now };
  const effects: Effect[] = [];
  const log: JournalEvent[] = [];
  const note = (kind: string, message: string, detail?: Record<string, unknown>) => log.push({ at: now, kind, message, ...(detail ? { detail } : {}) });
  const poll = (delayMs = nextPollDelay(record, now, policy)) => effects.push({ kind: 'poll', delayMs });
  const backoff = () => Math.round(Math.min(policy.errorMaxMs, policy.errorBaseMs * 2 ** record.recoveryAttempts) * policy.scale);

  const finish = (status: PaymentRecord['status'], message: string) => {
    record.status = status;
    record.step = 'done';
    record.outcomeMessage = message;
    record.finishedAt = now;
    note('finished', message, { status });
  };
  const attention = ({ reason, instruction }: { reason: string; instruction: string }) => {
    record.status = 'needs_attention';
    record.attention = { reason, instruction };
    note('needs_attention', reason, { instruction });
  };
  const requestSession = () => {
    record.step = 'session_requested';
    record.sessionRequestedAt = now;
    record.recoveryAttempts = 0;
    effects.push({ kind: 'createSession' });
    note('dojo_request', timeline.askingTerminal(record.terminalTid ?? record.terminalId, record.type));
  };
  const follow = (session: DojoSession) => {
    record.sessionId = session.id;
    record.step = 'following';
    record.status = 'in_progress';
    record.recoveryAttempts = 0;
    applySession(record, session, now, policy.scale);
    if (record.cancelWanted && !record.cardPresented) {
      effects.push({ kind: 'cancelSession' });
      note('dojo_request', timeline.cancellingAsAsked);
    }
    afterSnapshot();
  };
  /** After a fresh session snapshot: finish it, or keep following. */
  const afterSnapshot = () => {
    if (!record.sessionStatus || !FINAL_SESSION.has(record.sessionStatus)) {
      if (record.expireAt !== null && now > record.expireAt + policy.graceMs * policy.scale) {
        attention(attentionWords.stillRunningAfterExpiry(record.sessionStatus));
        return;
      }
      poll();
      return;
    }
    if (record.type === 'UnlinkedRefund') return finishFromSession(null);
    record.step = 'confirming';
    record.recoveryAttempts = 0;
    effects.push({ kind: 'confirm', delayMs: 0 });
  };
  /** The session is over: set the outcome (with the intent read back, when there is one). */
  const finishFromSession = (intent: DojoIntent | null) => {
    const status = record.sessionStatus!;
    if (APPROVED_SESSION.has(status)) {
      if (intent && record.type === 'Sale') {
        if (intent.status !== 'Captured' && intent.status !== 'Authorized') {
          return attention(attentionWords.approvedButIntentDisagrees(intent.status));
        }
        record.totalAmount = intent.totalAmount?.value ?? record.amount;
        record.tipsAmount = intent.tipsAmount?.value ?? 0;
        record.cashbackAmount = intent.cashbackAmount?.value ?? 0;
        if (intent.paymentDetails) applyPaymentDetails(record, intent.paymentDetails);
      } else {
        record.totalAmount ??= record.amount;
      }
      return finish('approved', outcome.approved(record.type));
    }
    if (status === 'Declined') return finish('declined', outcome.declined(record.type));
    if (status === 'SignatureVerificationRejected') return finish('declined', outcome.signatureRejected);
    if (status === 'Canceled') return finish('cancelled', outcome.cancelled(record.type));
    return finish('expired', outcome.expired(record.type));
  };

  switch (event.kind) {
    case 'start': {
      if (record.type === 'Sale') {
        record.step = 'intent_requested';
        effects.push({ kind: 'createIntent' });
        note('dojo_request', timeline.creatingIntent(record.amount, record.currency));
      } else {
        requestSession();
      }
      break;
    }

    case 'resume': {
      note('recovery', timeline.resuming, { step: record.step });
      if (record.step === 'intent_requested') {
        record.restartedBeforeSession = true;
        effects.push({ kind: 'findIntent' });
      } else if (record.step === 'session_requested') effects.push({ kind: 'findSession', delayMs: 0 });
      else if (record.step === 'following') poll(0);
      else if (record.step === 'confirming') effects.push({ kind: 'confirm', delayMs: 0 });
      break;
    }

    case 'intentCreated':
    case 'intentFound': {
      if (event.kind === 'intentFound' && !event.intent) {
        finish('failed', outcome.intentNeverCreated);
        break;
      }
      const intent = event.kind === 'intentCreated' ? event.intent : event.intent!;
      record.intentId = intent.id;
      record.priorSessionIds = intent.terminalSessionHistory.map((h) => h.terminalSession?.id).filter((id): id is string => !!id);
      note('dojo_response', event.kind === 'intentCreated' ? timeline.intentCreated : timeline.intentFound, { intentId: intent.id });
      if (record.restartedBeforeSession) {
        // After a restart the customer may be long gone: never start a terminal session on our own.
        effects.push({ kind: 'cancelIntent' });
        finish('failed', outcome.restartedBeforeTerminal);
        break;
      }
      if (record.cancelWanted) {
        record.cancelWanted = false;
        effects.push({ kind: 'cancelIntent' });
        finish('cancelled', outcome.cancelledBeforeTerminal);
        break;
      }
      requestSession();
      break;
    }

    case 'sessionCreated': {
      note('dojo_response', timeline.sessionCreated, { sessionId: event.session.id });
      follow(event.session);
      break;
    }

    case 'sessionFound': {
      if (event.session) {
        note('recovery', timeline.sessionFound, { sessionId: event.session.id });
        follow(event.session);
      } else if (record.type === 'Sale') {
        note('recovery', timeline.noSessionCancellingIntent);
        effects.push({ kind: 'cancelIntent' });
      } else {
        finish('failed', outcome.terminalNeverAsked(record.type));
      }
      break;
    }

    case 'intentCancelled': {
      if (record.status === 'starting' || record.step === 'session_requested') {
        finish(record.cancelWanted ? 'cancelled' : 'failed', record.cancelWanted ? outcome.cancelled(record.type) : outcome.terminalNeverAsked(record.type));
      }
      note('dojo_response', timeline.intentCancelled);
      break;
    }

    case 'sessionPolled': {
      record.pollFailures = 0;
      applySession(record, event.session, now, policy.scale);
      afterSnapshot();
      break;
    }

    case 'confirmed': {
      note('dojo_response', timeline.intentRead(event.intent.status), { intentStatus: event.intent.status, total: event.intent.totalAmount?.value ?? null });
      finishFromSession(event.intent);
      break;
    }

    case 'cancelRequested': {
      if (record.cardPresented) {
        record.cancelNote = CARD_PRESENTED_NOTE;
        note('cancel_refused', CARD_PRESENTED_NOTE);
      } else if (!record.sessionId) {
        record.cancelWanted = true;
        note('cancel_requested', timeline.cancelWhenPossible);
      } else {
        record.cancelWanted = true;
        effects.push({ kind: 'cancelSession' });
        note('dojo_request', timeline.cancelAsked);
      }
      break;
    }

    case 'cancelAnswered': {
      applySession(record, event.session, now, policy.scale);
      note('dojo_response', timeline.cancelAccepted(event.session.status));
      break;
    }

    case 'signatureRequested': {
      effects.push({ kind: 'answerSignature', accepted: event.accepted });
      note('dojo_request', event.accepted ? timeline.signatureAccepted : timeline.signatureRejected);
      break;
    }

    case 'signatureAnswered': {
      applySession(record, event.session, now, policy.scale);
      note('dojo_response', timeline.signatureRecorded(event.session.status));
      if (record.sessionStatus && FINAL_SESSION.has(record.sessionStatus)) afterSnapshot();
      break;
    }

    case 'resolved': {
      record.resolution = { outcome: event.outcome, note: event.note, at: new Date(now).toISOString() };
      note('resolved', timeline.resolved(event.outcome === 'approved', event.note));
      if (event.outcome === 'approved') {
        record.totalAmount ??= record.amount;
        finish('approved', outcome.resolvedApproved);
      } else {
        finish('failed', outcome.resolvedNotCharged);
      }
      break;
    }

    case 'failed': {
      const { call, error } = event;
      note('dojo_error', timeline.dojoError(call, error.message), { call,  code: error.code, status: error.status ?? null, outcomeUnknown: error.outcomeUnknown });
      switch (call) {
        case 'createIntent':
          if (error.outcomeUnknown) effects.push({ kind: 'findIntent' });
          else finish('failed', outcome.refusedByDojo(record.type, error.message));
          break;
        case 'findIntent':
          // The session was never requested (the journal says so): whatever happened to the intent, no card was charged.
          finish('failed', outcome.dojoUnreachableAtStart);
          break;
        case 'createSession':
          if (error.outcomeUnknown) effects.push({ kind: 'findSession', delayMs: 0 });
          else {
            if (record.type === 'Sale' && record.intentId) effects.push({ kind: 'cancelIntent' });
            finish('failed', outcome.refusedByDojo(record.type, error.message));
          }
          break;
        case 'findSession':
          record.recoveryAttempts += 1;
          if (record.type === 'UnlinkedRefund' || record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) {
            attention(record.type === 'UnlinkedRefund' ? attentionWords.unlinkedRefundUnknown : attentionWords.sessionUnknown);
          } else effects.push({ kind: 'findSession', delayMs: backoff() });
          break;
        case 'poll':
          record.pollFailures += 1;
          if (now - record.lastChangeAt > policy.graceMs * policy.scale && (record.expireAt === null || now > record.expireAt + policy.graceMs * policy.scale)) {
            attention(attentionWords.dojoSilent);
          } else poll();
          break;
        case 'confirm':
          record.recoveryAttempts += 1;
          if (record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) finishFromSession(null);
          else effects.push({ kind: 'confirm', delayMs: backoff() });
          break;
        case 'cancelSession':
          record.cancelWanted = false;
          record.cancelNote = error.status === 422 ? CARD_PRESENTED_NOTE : cancelWords.notReached(error.message);
          if (error.status === 422) record.cardPresented = true;
          break;
        case 'answerSignature':
          // Dojo may have accepted by itself (80 s) or the answer did arrive: the next poll tells.
          break;
        case 'cancelIntent':
          if (record.step === 'session_requested' && record.status === 'starting') {
            // The intent could not be cancelled: a session may exist after all. Look again, then ask a person.
            record.recoveryAttempts += 1;
            if (record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) {
              attention(attentionWords.sessionUnconfirmed);
            } else effects.push({ kind: 'findSession', delayMs: backoff() });
          }
          break;
      }
      break;
    }
  }
  return { record, effects, log };
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
