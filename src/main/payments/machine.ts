import {
  INTENT_CHARGED,
  INTENT_CREATED,
  INTENT_NOT_CHARGED,
  isSessionEnded,
  SESSION_APPROVED,
  SESSION_AUTHORIZED,
  SESSION_NOT_CHARGED,
  SESSION_SIGNATURE_REQUIRED,
  SESSION_WAKING,
} from '../../shared/dojo-statuses';
import type { ReceiptLine } from '../../shared/payments';
import type { DojoIntent, DojoReceipt, DojoSession } from '../dojo/schemas';
import type { JournalEvent } from '../journal/journal';
import { dojoCanTell, dojoVerdict, readDojoRecord, type DojoSays } from './dojo-record';
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
  | { kind: 'cancelIntent'; delayMs: number }
  /** Read Dojo's record of a payment it has not settled (its session and intent), for a background re-check. */
  | { kind: 'checkDojo'; delayMs: number }
  /** Read the terminal's status (an unlinked refund whose answer was lost: wait until the terminal has finished). */
  | { kind: 'checkTerminal'; delayMs: number }
  /** Read the session of a sale that ended approved, in case the terminal asks for a signature check late. */
  | { kind: 'watchSession'; delayMs: number };

export type Call = Effect['kind'];

export interface CallFailure {
  code: string;
  message: string;
  outcomeUnknown: boolean;
  status?: number;
}

/** Failures that mean Dojo gave no usable answer (unreachable, timing out, failing): the till has lost contact. */
const NO_ANSWER = new Set(['NETWORK', 'TIMEOUT', 'DOJO_SERVER', 'DOJO_BAD_RESPONSE', 'INTERNAL']);

export type EngineEvent =
  | { kind: 'start' }
  | { kind: 'resume' }
  | { kind: 'intentCreated'; intent: DojoIntent }
  | { kind: 'intentFound'; intent: DojoIntent | null }
  | { kind: 'sessionCreated'; session: DojoSession }
  /** The look-up after a lost create answer: our session if the intent lists it, and the intent as read. */
  | { kind: 'sessionFound'; session: DojoSession | null; intent: DojoIntent | null }
  | { kind: 'sessionPolled'; session: DojoSession }
  | { kind: 'confirmed'; intent: DojoIntent }
  | { kind: 'intentCancelled' }
  | { kind: 'cancelRequested' }
  | { kind: 'cancelAnswered'; session: DojoSession }
  | { kind: 'signatureRequested'; accepted: boolean }
  | { kind: 'signatureAnswered'; session: DojoSession }
  | { kind: 'resolved'; outcome: 'approved' | 'not_charged'; note: string; by: string | null }
  /** Time to ask Dojo again about a payment it has not settled (start-up, backoff, Dojo reachable again). */
  | { kind: 'recheck' }
  | { kind: 'dojoRecord'; session: DojoSession | null; intent: DojoIntent | null }
  | { kind: 'terminalChecked'; status: string }
  | { kind: 'sessionWatched'; session: DojoSession }
  | { kind: 'failed'; call: Call; error: CallFailure; resumed?: boolean };

export interface Transition {
  record: PaymentRecord;
  effects: Effect[];
  log: JournalEvent[];
}

/** Notifications that mean the card has been presented: from then on Dojo refuses to cancel. */
const CARD_IN_PLAY = new Set(['PleaseWait', 'EnterPin', 'InsertCard', 'RemoveCard', 'Approved', 'Declined', 'PresentOnlyOneCard', 'CardUnsupported', 'CardError', 'ReEnterCard']);
/** Session statuses that mean there is a card result (so the card was presented). */
const CARD_RESULT = new Set([...SESSION_APPROVED, ...SESSION_NOT_CHARGED.filter((s) => s !== 'Canceled' && s !== 'Expired'), SESSION_AUTHORIZED, SESSION_SIGNATURE_REQUIRED]);
const SIGNATURE_STEP = /^SignatureVerification/;

export const MAX_RECOVERY_ATTEMPTS = 6;
/** Dojo's window for a terminal to take a session (createdAt + 10 s in its examples), and a margin. */
const TERMINAL_WAKE_MS = 12_000;
/** How often to look at a busy terminal while an unlinked refund's outcome is unknown (Dojo time). */
const TERMINAL_CHECK_MS = 3_000;
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

  /** Dojo time -> till time. */
  till(dojoMs: number): number {
    return dojoMs * this.policy.scale;
  }

  /** Grace after Dojo's deadlines, in till time. */
  get grace(): number {
    return this.till(this.policy.graceMs);
  }

  finish(status: PaymentRecord['status'], message: string): void {
    const record = this.record;
    record.status = status;
    record.step = 'done';
    record.outcomeMessage = message;
    record.finishedAt = this.now;
    record.lookingForSession = false;
    this.note('finished', message, { status });
  }

  /** A person is needed: why, and what to do. While Dojo can still tell, the till keeps asking it (re-checks). */
  attention(reason: string): void {
    const record = this.record;
    const instruction = attentionWords.instruction(record.type, dojoCanTell(record));
    record.status = 'needs_attention';
    record.attention = { reason, instruction };
    record.lookingForSession = false;
    record.recheck = { attempts: 0, lastAt: null, nextAt: null };
    this.note('needs_attention', reason, { instruction });
    this.scheduleRecheck();
  }

  /** The next background re-check with Dojo (when Dojo can tell at all): soon at first, then less often (at most `capMs`, till time). */
  scheduleRecheck(capMs = Infinity): void {
    const record = this.record;
    if (!dojoCanTell(record)) {
      record.recheck = { ...record.recheck, nextAt: null };
      return;
    }
    const { recheckBaseMs, recheckMaxMs } = this.policy;
    const delayMs = Math.max(0, Math.min(capMs, Math.round(Math.min(recheckMaxMs, recheckBaseMs * 2 ** record.recheck.attempts) * this.policy.scale)));
    record.recheck = { ...record.recheck, nextAt: this.now + delayMs };
    this.effect({ kind: 'checkDojo', delayMs });
  }

  requestSession(): void {
    const record = this.record;
    record.step = 'session_requested';
    record.sessionRequestedAt = this.now;
    record.recoveryAttempts = 0;
    this.effect({ kind: 'createSession' });
    this.note('dojo_request', timeline.askingTerminal(record.terminalTid ?? record.terminalId, record.type));
  }

  /**
   * No session was ever made for this intent (the journal or Dojo says so): cancel the unused intent and say how
   * the payment ended once Dojo has answered the cancel, so what the cashier and the EPOS read matches Dojo.
   */
  cancelIntentThen(status: PaymentRecord['status'], message: string): void {
    this.record.pendingOutcome = { status, message };
    this.effect({ kind: 'cancelIntent', delayMs: 0 });
  }

  /** The unused intent was cancelled (or could not be, after retries): the payment ends as decided. */
  endAfterCancel(): boolean {
    const pending = this.record.pendingOutcome;
    if (!pending) return false;
    this.record.pendingOutcome = null;
    this.finish(pending.status, pending.message);
    return true;
  }

  /** The cancel failed: retry with backoff; the outcome does not depend on it (no session can use the intent). */
  retryCancelOrEnd(): boolean {
    if (!this.record.pendingOutcome) return false;
    this.record.recoveryAttempts += 1;
    if (this.record.recoveryAttempts < MAX_RECOVERY_ATTEMPTS) this.effect({ kind: 'cancelIntent', delayMs: this.backoff() });
    else this.endAfterCancel();
    return true;
  }

  /**
   * An unlinked refund whose create answer was lost cannot be looked up on Dojo: watch the terminal until it has
   * finished (it is not busy any more, past the time it takes to wake), so the cashier is asked only then.
   */
  waitForTerminal(): void {
    this.record.lookingForSession = true;
    this.effect({ kind: 'checkTerminal', delayMs: this.till(TERMINAL_WAKE_MS) });
  }

  /** Looks for the session a lost create answer may have made, again after a wait that grows. */
  lookForSession(delayMs: number): void {
    this.record.lookingForSession = true;
    this.effect({ kind: 'findSession', delayMs });
  }

  /** Until this moment a session created by our request may still appear on Dojo. */
  get sessionWindowOpen(): boolean {
    const asked = this.record.sessionRequestedAt ?? this.record.createdAt;
    return this.now < asked + this.till(this.policy.sessionLifetimeMs);
  }

  /** Our session exists: follow it from this snapshot. */
  follow(session: DojoSession): void {
    const record = this.record;
    record.sessionId = session.id;
    record.step = 'following';
    record.status = 'in_progress';
    record.recoveryAttempts = 0;
    record.lookingForSession = false;
    applySession(record, session, this.now, this.policy.scale);
    if (record.cancelWanted && !record.cardPresented) {
      this.effect({ kind: 'cancelSession' });
      this.note('dojo_request', timeline.cancellingAsAsked);
    }
    this.afterSnapshot();
  }

  /**
   * After a fresh session snapshot: finish, confirm, or keep following. Dojo's orderings are open (docs/dojo-api.md
   * §13), so "final-looking" is not "final":
   * - `Authorized` on our auto-capture sale is interim: keep following (bounded by expireAt), then let the intent say;
   * - `Captured` may still be followed by a signature check: it is final once a signature step has been seen, or
   *   the card was verified another way (paymentDetails), or it stayed unchanged for the settle window;
   * - a sale is approved only once its intent shows the capture (confirming).
   */
  afterSnapshot(): void {
    const record = this.record;
    const status = record.sessionStatus ?? '';
    if (status !== 'Captured') record.approvedSeenAt = null;
    if (status === SESSION_SIGNATURE_REQUIRED) return this.poll();
    if (SESSION_NOT_CHARGED.includes(status)) {
      if (record.type === 'Sale' && status === 'SignatureVerificationRejected') return this.confirm();
      return this.finishNotCharged(status);
    }
    if (status === 'SignatureVerificationAccepted') return this.approvedOnTerminal();
    if (status === 'Captured') {
      if (record.signatureStepSeen || verifiedWithoutSignature(record)) return this.approvedOnTerminal();
      record.approvedSeenAt ??= this.now;
      const settled = this.now - record.approvedSeenAt >= this.till(this.policy.settleMs);
      if (settled) return this.approvedOnTerminal();
      return this.poll();
    }
    // Running, Authorized (interim) or a status Dojo may add tomorrow: keep following until well past expireAt.
    if (record.expireAt !== null && this.now > record.expireAt + this.grace) {
      if (status === SESSION_AUTHORIZED && record.type === 'Sale') return this.confirm();
      return this.attention(attentionWords.stillRunningAfterExpiry(record.sessionStatus));
    }
    this.poll();
  }

  /** The terminal's session says the card paid (or the refund went through). */
  approvedOnTerminal(): void {
    const record = this.record;
    if (record.type === 'UnlinkedRefund') {
      record.totalAmount ??= record.amount;
      return this.finish('approved', outcome.approved(record.type));
    }
    this.confirm();
  }

  /** Reads the intent back before saying how it ended (sales: the capture and its amounts). */
  confirm(): void {
    const record = this.record;
    record.step = 'confirming';
    record.recoveryAttempts = 0;
    record.confirmingSince ??= this.now;
    this.effect({ kind: 'confirm', delayMs: 0 });
  }

  /** Another read of the intent, while the confirm window lasts; false once it has passed. */
  confirmAgain(): boolean {
    const record = this.record;
    record.recoveryAttempts += 1;
    const since = record.confirmingSince ?? this.now;
    if (this.now >= since + this.till(this.policy.confirmWindowMs)) return false;
    this.effect({ kind: 'confirm', delayMs: this.backoff() });
    return true;
  }

  /**
   * The session says the signature was rejected ("the payment has been reversed") but Dojo's payment record does
   * not show the reversal (yet). The customer is at the counter, so the decline is reported now, in words that say
   * it is being confirmed; the re-checks ask Dojo until its record shows the money not taken (confirmed) or taken
   * (a contradiction, flagged at once like a contradicted verdict).
   */
  declineOnSessionWord(): void {
    const record = this.record;
    this.finish('declined', outcome.signatureRejectedUnconfirmed);
    record.sessionWord = { at: this.now, dojo: 'pending' };
    record.recheck = { attempts: 0, lastAt: null, nextAt: null };
    this.note('confirming_with_dojo', timeline.declineUnconfirmed);
    this.scheduleRecheck();
  }

  finishNotCharged(status: string): void {
    const { type } = this.record;
    if (status === 'Declined') return this.finish('declined', outcome.declined(type));
    if (status === 'SignatureVerificationRejected') return this.finish('declined', outcome.signatureRejected);
    if (status === 'Canceled') return this.finish('cancelled', outcome.cancelled(type));
    // Expired: a terminal that never took the session did not time out waiting for a card.
    if (!this.record.terminalAccepted) return this.finish('failed', outcome.terminalDidNotRespond(type));
    return this.finish('expired', outcome.expired(type));
  }

  /** Approved: the amounts (gratuity, cashback, card) from Dojo's payment record. */
  finishApprovedFrom(intent: DojoIntent | null): void {
    const record = this.record;
    this.amountsFrom(intent);
    // A signature check that went unanswered ended with Dojo's automatic acceptance: say so.
    const automatic = record.signatureDeadline !== null && !record.signatureAnswered;
    this.finish('approved', automatic ? outcome.approvedSignatureAutomatically : outcome.approved(record.type));
    // Approved on the settle window alone (Captured, no signature step, not verified another way): a signature
    // check may still come (A2, no documented gap). Watch the session lightly so it still reaches the cashier.
    if (record.type === 'Sale' && record.sessionId && record.sessionStatus === 'Captured' && !record.signatureStepSeen && !verifiedWithoutSignature(record)) {
      record.signatureWatchUntil = Math.max(record.expireAt ?? 0, this.now + this.till(this.policy.lateSignatureMs));
      this.note('watching_for_signature', timeline.watchingForSignature);
      this.effect({ kind: 'watchSession', delayMs: this.till(this.policy.watchMs) });
    }
  }

  /** What Dojo's payment record says was taken (gratuity, cashback, card): a sale's amounts come from Dojo, never a guess. */
  amountsFrom(intent: DojoIntent | null): void {
    const record = this.record;
    if (intent && record.type === 'Sale') {
      record.totalAmount = intent.totalAmount?.value ?? record.amount;
      record.tipsAmount = intent.tipsAmount?.value ?? 0;
      record.cashbackAmount = intent.cashbackAmount?.value ?? 0;
      if (intent.paymentDetails) applyPaymentDetails(record, intent.paymentDetails);
    } else {
      record.totalAmount ??= record.amount;
    }
  }

  /** A Dojo call failed: written to the timeline before the step decides what it means. */
  noteFailure(call: Call, error: CallFailure): void {
    this.note('dojo_error', timeline.dojoError(call, error.message), { call, code: error.code, status: error.status ?? null, outcomeUnknown: error.outcomeUnknown });
  }
}

/** The card was verified by PIN, device or not at all: no signature check can follow a capture. */
function verifiedWithoutSignature(record: PaymentRecord): boolean {
  return !!record.verification && !/signature/i.test(record.verification);
}

/** Events that carry an answer from Dojo. */
const ANSWERS = new Set<EngineEvent['kind']>(['intentCreated', 'intentFound', 'sessionCreated', 'sessionFound', 'sessionPolled', 'confirmed', 'intentCancelled', 'cancelAnswered', 'signatureAnswered', 'dojoRecord', 'terminalChecked', 'sessionWatched']);

/**
 * The payment flow as a table read by step first: "in step X, event Y does Z". An event a step does not list
 * (a late answer, a duplicate) changes nothing, so no late answer can start, cancel or approve a payment.
 */
export function transition(current: PaymentRecord, event: EngineEvent, now: number, policy: PollingPolicy): Transition {
  const move = new Move(current, now, policy);
  const { record } = move;
  if (ANSWERS.has(event.kind)) {
    record.lastAnswerAt = now;
    record.contactLost = false;
  }
  if (event.kind === 'resolved') resolvedByCashier(move, event);
  else if (event.kind === 'failed') {
    const wasLost = record.contactLost;
    // An HTTP answer from Dojo (a refusal) is still contact; no answer at all is not. (The watch of an ended
    // sale is in the background: it does not make the payment say Dojo cannot be reached.)
    if (NO_ANSWER.has(event.error.code)) record.contactLost = event.call !== 'watchSession' || record.contactLost;
    else {
      record.lastAnswerAt = now;
      record.contactLost = false;
    }
    // A background re-check that finds Dojo still silent is not news: the timeline notes only the first.
    if ((event.call !== 'checkDojo' && event.call !== 'watchSession') || !wasLost) move.noteFailure(event.call, event.error);
    if (event.call === 'checkDojo') rechecking(move, event);
    else STEPS[record.step](move, event);
  } else if (event.kind === 'recheck' || event.kind === 'dojoRecord') rechecking(move, event);
  else STEPS[record.step](move, event);
  return { record: move.record, effects: move.effects, log: move.log };
}

type StepEvent = Exclude<EngineEvent, { kind: 'resolved' | 'recheck' | 'dojoRecord' }>;
type StepHandler = (move: Move, event: StepEvent) => void;

/** The payment waits for Dojo's record (needs attention), or a person's verdict or the session's word (a rejected signature) waits to be checked against it. */
const awaitingDojo = (record: PaymentRecord) => record.status === 'needs_attention' || record.resolution?.dojo === 'pending' || record.sessionWord?.dojo === 'pending';

/**
 * Background re-checks: "Dojo first, people last". A payment Dojo has not settled is asked about again (with
 * backoff, at start-up and as soon as Dojo answers again) until Dojo's record says how it ended; it then settles
 * by itself ("resolved from Dojo's record"). A person's verdict is checked the same way: Dojo agreeing confirms
 * it; Dojo contradicting it puts the status right and flags the payment at once.
 */
function rechecking(move: Move, event: Extract<EngineEvent, { kind: 'recheck' | 'dojoRecord' | 'failed' }>): void {
  const { record, now } = move;
  if (!awaitingDojo(record) || !dojoCanTell(record)) return;
  if (event.kind === 'recheck') {
    move.effect({ kind: 'checkDojo', delayMs: 0 });
    return;
  }
  record.recheck = { attempts: record.recheck.attempts + 1, lastAt: now, nextAt: null };
  if (event.kind === 'failed') return move.scheduleRecheck();
  if (record.status !== 'needs_attention' && record.sessionWord?.dojo === 'pending') return verifySessionWord(move, event.intent);
  const windowPassed = now >= (record.sessionRequestedAt ?? record.createdAt) + move.till(move.policy.sessionLifetimeMs);
  const says = readDojoRecord(record, event.session, event.intent, windowPassed);
  if (record.status === 'needs_attention') return settleFromDojo(move, says, event.intent);
  verifyVerdict(move, says, event.intent);
}

/** Needs attention, and Dojo has answered: follow the payment again, settle it from Dojo's record, or ask again later. */
function settleFromDojo(move: Move, says: DojoSays, intent: DojoIntent | null): void {
  const { record } = move;
  switch (says.kind) {
    case 'running':
      record.attention = null;
      move.note('recovery', timeline.dojoAnsweredFollowing);
      return move.follow(says.session);
    case 'approved':
    case 'notCharged':
      record.attention = null;
      move.note('resolved_by_dojo', timeline.resolvedFromDojo);
      return finishAs(move, says, intent);
    case 'neverStarted':
      move.note('resolved_by_dojo', timeline.resolvedFromDojo);
      return move.cancelIntentThen('failed', outcome.terminalNeverAsked(record.type));
    case 'unknown':
      return move.scheduleRecheck();
  }
}

/** Ends the payment as Dojo's record says. */
function finishAs(move: Move, says: Extract<DojoSays, { kind: 'approved' | 'notCharged' }>, intent: DojoIntent | null): void {
  const { record, now, policy } = move;
  if (says.session) applySession(record, says.session, now, policy.scale);
  if (says.kind === 'approved') return move.finishApprovedFrom(says.intent);
  // A rejected signature is "reversed" on the session's word alone until the payment record shows it.
  if (record.type === 'Sale' && record.sessionStatus === 'SignatureVerificationRejected' && !INTENT_NOT_CHARGED.includes(intent?.status ?? '')) return move.declineOnSessionWord();
  const message = says.status === 'failed' ? outcome.terminalNeverAsked(record.type) : notChargedMessage(record, says.status);
  move.finish(says.status, message);
}

function notChargedMessage(record: PaymentRecord, status: 'declined' | 'cancelled' | 'expired'): string {
  if (status === 'declined') return record.sessionStatus === 'SignatureVerificationRejected' ? outcome.signatureRejected : outcome.declined(record.type);
  return status === 'cancelled' ? outcome.cancelled(record.type) : outcome.expired(record.type);
}

/**
 * A person's verdict, checked against Dojo's record once Dojo can tell: agreeing confirms it (then Dojo, not a
 * person, decided it); contradicting it puts the status right from Dojo's record and flags the payment.
 */
function verifyVerdict(move: Move, says: DojoSays, intent: DojoIntent | null): void {
  const { record, now } = move;
  const resolution = record.resolution!;
  const dojo = dojoVerdict(says);
  if (dojo === null) {
    if (now - Date.parse(resolution.at) > move.till(move.policy.verifyVerdictMs)) {
      record.resolution = { ...resolution, dojo: 'cannot_tell' };
      return move.note('verdict_unchecked', timeline.verdictUnchecked);
    }
    return move.scheduleRecheck();
  }
  const dojoStatus = says.kind === 'approved' ? 'approved' : says.kind === 'notCharged' ? says.status : 'failed';
  record.reconciled = { at: new Date(now).toISOString(), note: timeline.reconciledByRecheck, exceptionId: 'recheck', dojoStatus };
  if (dojo === resolution.outcome) {
    record.resolution = { ...resolution, dojo: 'confirmed' };
    // Dojo agrees it was charged: what was taken (a gratuity, cashback) is Dojo's figure, not the amount asked for.
    if (says.kind === 'approved') move.amountsFrom(says.intent);
    return move.note('verdict_confirmed', timeline.verdictConfirmed);
  }
  record.resolution = { ...resolution, dojo: 'contradicted' };
  record.contradiction = { verdict: resolution.outcome, dojoSays: dojoStatus, at: now, acknowledged: null, source: 'hand' };
  move.note('verdict_contradicted', timeline.verdictContradicted(record.type, resolution.outcome, dojoStatus));
  if (says.kind === 'approved' || says.kind === 'notCharged') return finishAs(move, says, intent);
  move.finish('failed', outcome.terminalNeverAsked(record.type));
}

/**
 * A decline on the session's word, checked against Dojo's payment record: Reversed or Canceled confirms it;
 * the money still taken contradicts it. The record may pass through the capture on its way to the reversal (A5:
 * it lags the session), so "taken" counts once the confirm window since the decline has passed — then it is
 * flagged at once, the status put right from Dojo's record, exactly as a contradicted verdict.
 */
function verifySessionWord(move: Move, intent: DojoIntent | null): void {
  const { record, now, policy } = move;
  const word = record.sessionWord!;
  const status = intent?.status ?? '';
  if (INTENT_NOT_CHARGED.includes(status)) {
    record.sessionWord = { ...word, dojo: 'confirmed' };
    record.outcomeMessage = outcome.signatureRejected;
    return move.note('decline_confirmed', timeline.declineConfirmed, { intentStatus: status });
  }
  const windowEnd = word.at + move.till(policy.confirmWindowMs);
  if (INTENT_CHARGED.includes(status) && now >= windowEnd) {
    record.sessionWord = { ...word, dojo: 'contradicted' };
    record.contradiction = { verdict: 'not_charged', dojoSays: 'approved', at: now, acknowledged: null, source: 'terminal' };
    move.note('session_contradicted', timeline.sessionContradicted, { intentStatus: status });
    return move.finishApprovedFrom(intent);
  }
  if (now - word.at > move.till(policy.verifyVerdictMs)) {
    record.sessionWord = { ...word, dojo: 'cannot_tell' };
    record.outcomeMessage = outcome.signatureRejectedUnchecked;
    return move.note('decline_unchecked', timeline.declineUnchecked);
  }
  // Taken, within the window: ask again as the window ends (not on a long backoff).
  move.scheduleRecheck(INTENT_CHARGED.includes(status) ? windowEnd - now : Infinity);
}

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
      // After a restart the customer may be long gone: never start a terminal session on our own.
      if (record.restartedBeforeSession) return move.cancelIntentThen('failed', outcome.restartedBeforeTerminal);
      if (record.cancelWanted) return move.cancelIntentThen('cancelled', outcome.cancelledBeforeTerminal);
      return move.requestSession();
    }
    case 'intentCancelled':
      move.note('dojo_response', timeline.intentCancelled);
      move.endAfterCancel();
      return;
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
      if (event.call === 'cancelIntent') move.retryCancelOrEnd();
      return;
    default:
      return;
  }
};

/**
 * session_requested: POST /terminal-sessions may have been sent. After a lost answer one empty look-up is not
 * evidence (a session may join its intent's history only once it has ended, A3): look again for as long as a
 * session could live, and conclude "never asked" only from what Dojo shows once that window has passed.
 */
const sessionRequested: StepHandler = (move, event) => {
  const { record } = move;
  switch (event.kind) {
    case 'start':
      return move.requestSession();
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      return record.type === 'UnlinkedRefund' ? move.waitForTerminal() : move.lookForSession(0);
    case 'terminalChecked':
      // The terminal is still busy (perhaps with this refund) while a session could still be running: wait more.
      if (event.status === 'InUse' && move.sessionWindowOpen) return move.effect({ kind: 'checkTerminal', delayMs: move.till(TERMINAL_CHECK_MS) });
      return move.attention(attentionWords.unlinkedRefundUnknown);
    case 'sessionCreated':
      move.note('dojo_response', timeline.sessionCreated, { sessionId: event.session.id });
      return move.follow(event.session);
    case 'sessionFound': {
      if (event.session) {
        move.note('recovery', timeline.sessionFound, { sessionId: event.session.id });
        return move.follow(event.session);
      }
      if (move.sessionWindowOpen) {
        record.recoveryAttempts += 1;
        return move.lookForSession(move.backoff());
      }
      return afterSessionWindow(move, event.intent);
    }
    case 'intentCancelled':
      move.note('dojo_response', timeline.intentCancelled);
      if (move.endAfterCancel()) return;
      return move.finish(record.cancelWanted ? 'cancelled' : 'failed', record.cancelWanted ? outcome.cancelled(record.type) : outcome.terminalNeverAsked(record.type));
    case 'cancelRequested':
      record.cancelWanted = true;
      return move.note('cancel_requested', timeline.cancelWhenPossible);
    case 'failed': {
      const { call, error } = event;
      if (call === 'createSession') {
        // An unlinked refund cannot be looked up: wait until the terminal has finished before asking a person.
        if (error.outcomeUnknown) return record.type === 'UnlinkedRefund' ? move.waitForTerminal() : move.lookForSession(0);
        // Dojo refused the session, so no card was charged; a sale's unused intent is cancelled first.
        if (record.type === 'Sale' && record.intentId) return move.cancelIntentThen('failed', outcome.refusedByDojo(record.type, error.message));
        return move.finish('failed', outcome.refusedByDojo(record.type, error.message));
      }
      if (call === 'checkTerminal') {
        if (move.sessionWindowOpen) return move.effect({ kind: 'checkTerminal', delayMs: move.till(TERMINAL_CHECK_MS) });
        return move.attention(attentionWords.unlinkedRefundUnknown);
      }
      if (call === 'findSession') {
        record.recoveryAttempts += 1;
        if (record.type === 'UnlinkedRefund') return move.attention(attentionWords.unlinkedRefundUnknown);
        if (move.sessionWindowOpen) return move.lookForSession(move.backoff());
        return move.attention(attentionWords.sessionUnknown);
      }
      if (call === 'cancelIntent' && move.retryCancelOrEnd()) return;
      if (call === 'cancelIntent' && record.status === 'starting') {
        // The intent could not be cancelled: a session may have charged it after all. Look again, then ask a person.
        record.recoveryAttempts += 1;
        if (record.recoveryAttempts >= MAX_RECOVERY_ATTEMPTS) return move.attention(attentionWords.sessionUnconfirmed);
        return move.lookForSession(move.backoff());
      }
      return;
    }
    default:
      return;
  }
};

/** The session window has passed and the intent lists no session of ours: what Dojo's record shows decides. */
function afterSessionWindow(move: Move, intent: DojoIntent | null): void {
  const { record } = move;
  if (record.type === 'MatchedRefund') {
    // Nothing more refunded on the sale than before this refund started: the refund never happened.
    const refunded = intent?.refundedAmount ?? null;
    if (refunded !== null && record.refundedBefore !== null && refunded <= record.refundedBefore) return move.finish('failed', outcome.terminalNeverAsked(record.type));
    return move.attention(attentionWords.refundUnaccounted);
  }
  const status = intent?.status ?? '';
  if (status === INTENT_CREATED) {
    // No session can still be running: cancelling the unused intent makes sure none ever will.
    move.note('recovery', timeline.noSessionCancellingIntent);
    return move.effect({ kind: 'cancelIntent', delayMs: 0 });
  }
  if (INTENT_CHARGED.includes(status)) return move.finishApprovedFrom(intent);
  move.attention(attentionWords.sessionUnconfirmed);
}

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
      record.signatureAnswered = true;
      move.effect({ kind: 'answerSignature', accepted: event.accepted });
      return move.note('dojo_request', event.accepted ? timeline.signatureAccepted : timeline.signatureRejected);
    case 'signatureAnswered':
      applySession(record, event.session, now, policy.scale);
      move.note('dojo_response', timeline.signatureRecorded(event.session.status));
      // The next poll (already scheduled) takes it from here; an ended session is settled at once.
      if (isSessionEnded(record.sessionStatus)) move.afterSnapshot();
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

/**
 * confirming: the session has spoken; read the intent back. Dojo promises no ordering between the two (A5), so
 * an intent that does not show the result yet is read again with backoff for the confirm window before a
 * person is asked. A sale is approved only with the intent's amounts (gratuity and cashback included).
 */
const confirming: StepHandler = (move, event) => {
  const { record } = move;
  switch (event.kind) {
    case 'resume':
      move.note('recovery', timeline.resuming, { step: record.step });
      record.confirmingSince ??= move.now;
      return move.effect({ kind: 'confirm', delayMs: 0 });
    case 'confirmed': {
      const intent = event.intent;
      move.note('dojo_response', timeline.intentRead(intent.status), { intentStatus: intent.status, total: intent.totalAmount?.value ?? null });
      if (record.type !== 'Sale') return move.finishApprovedFrom(intent);
      const session = record.sessionStatus ?? '';
      if (session === 'SignatureVerificationRejected') {
        if (INTENT_NOT_CHARGED.includes(intent.status)) return move.finishNotCharged(session);
        if (INTENT_CHARGED.includes(intent.status)) {
          // Not reported yet, and Dojo's record says the money was taken: give it the confirm window, then a person.
          if (!move.confirmAgain()) move.attention(attentionWords.rejectedButCharged);
          return;
        }
        // Created, Authorized (or a status Dojo adds): the reversal has not reached the payment record yet.
        return move.declineOnSessionWord();
      }
      if (INTENT_CHARGED.includes(intent.status)) return move.finishApprovedFrom(intent);
      if (session === SESSION_AUTHORIZED && INTENT_NOT_CHARGED.includes(intent.status)) return move.finish('declined', outcome.authorisationReleased);
      if (INTENT_NOT_CHARGED.includes(intent.status)) return move.attention(attentionWords.approvedButIntentDisagrees(intent.status));
      // Created or Authorized: the intent has not caught up with the session yet.
      if (!move.confirmAgain()) move.attention(session === SESSION_AUTHORIZED ? attentionWords.authorisedNotCaptured : attentionWords.captureNotShown);
      return;
    }
    case 'cancelRequested':
      record.cancelNote = CARD_PRESENTED_NOTE;
      return move.note('cancel_refused', CARD_PRESENTED_NOTE);
    case 'failed': {
      if (event.call !== 'confirm') return;
      if (move.confirmAgain()) return;
      // Dojo's payment record could not be read in time. The session's word stands where it needs no amounts.
      const session = record.sessionStatus ?? '';
      if (record.type !== 'Sale') return move.finishApprovedFrom(null);
      if (session === 'SignatureVerificationRejected') return move.declineOnSessionWord();
      if (SESSION_NOT_CHARGED.includes(session)) return move.finishNotCharged(session);
      return move.attention(session === SESSION_AUTHORIZED ? attentionWords.authorisedNotCaptured : attentionWords.captureNotShown);
    }
    default:
      return;
  }
};

/**
 * done: late answers arrive here (the timeline keeps them), and the watch of a sale approved on the settle window:
 * a signature check the terminal asks for late reopens the payment ("approved — signature check needed"), and the
 * cashier's answer takes the normal path (a rejection reverses it: declined).
 */
const done: StepHandler = (move, event) => {
  const { record, now, policy } = move;
  switch (event.kind) {
    case 'intentCancelled':
      return move.note('dojo_response', timeline.intentCancelled);
    case 'resume':
      if (record.signatureWatchUntil !== null) move.effect({ kind: 'watchSession', delayMs: 0 });
      return;
    case 'sessionWatched':
      if (record.signatureWatchUntil === null || record.status !== 'approved') return;
      if (SIGNATURE_STEP.test(event.session.status)) {
        record.signatureWatchUntil = null;
        record.lateSignature = true;
        record.step = 'following';
        record.finishedAt = null;
        record.outcomeMessage = null;
        record.approvedSeenAt = null;
        record.confirmingSince = null;
        record.pollFailures = 0;
        move.note('late_signature', timeline.lateSignature(event.session.status));
        applySession(record, event.session, now, policy.scale);
        return move.afterSnapshot();
      }
      return keepWatching(move);
    case 'failed':
      if (event.call === 'watchSession' && record.signatureWatchUntil !== null) keepWatching(move);
      return;
    default:
      return;
  }
};

/** The next light read of an approved sale's session, until the watch ends. */
function keepWatching(move: Move): void {
  const { record, now, policy } = move;
  if (now >= record.signatureWatchUntil!) {
    record.signatureWatchUntil = null;
    return;
  }
  move.effect({ kind: 'watchSession', delayMs: move.till(policy.watchMs) });
}

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
  const canTell = dojoCanTell(record);
  record.resolution = { outcome: event.outcome, note: event.note, at: new Date(move.now).toISOString(), by: event.by, dojo: canTell ? 'pending' : 'cannot_tell' };
  record.attention = null;
  move.note('resolved', timeline.resolved(record.type, event.outcome, event.note, event.by), { by: event.by });
  if (event.outcome === 'approved') {
    record.totalAmount ??= record.amount;
    move.finish('approved', outcome.resolvedBy(record.type, 'approved'));
  } else move.finish('failed', outcome.resolvedBy(record.type, 'not_charged'));
  // The verdict is checked against Dojo's record whenever Dojo can tell.
  record.recheck = { attempts: 0, lastAt: null, nextAt: null };
  if (canTell) move.scheduleRecheck();
}

/** Copies what the till needs from a session snapshot; notes when the status or prompt changed. */
/** `timeScale` converts Dojo durations to the till's clock (1 in real life; smaller with an accelerated simulator). */
export function applySession(record: PaymentRecord, session: DojoSession, now: number, timeScale = 1): void {
  const before = `${record.sessionStatus}|${record.prompt}`;
  record.sessionId = session.id;
  record.sessionStatus = session.status;
  const prompts = session.notificationEvents;
  record.prompt = prompts.length ? prompts[prompts.length - 1]!.notificationType : null;
  if (prompts.some((p) => CARD_IN_PLAY.has(p.notificationType)) || CARD_RESULT.has(session.status)) record.cardPresented = true;
  if (record.cardPresented && !record.cancelNote && !isSessionEnded(session.status)) record.cancelNote = CARD_PRESENTED_NOTE;
  const statuses = [...session.statusEvents.map((e) => e.status), session.status];
  if (prompts.length || statuses.some((s) => !SESSION_WAKING.includes(s) && s !== 'Expired' && s !== 'CancelRequested' && s !== 'Canceled')) record.terminalAccepted = true;
  if (statuses.some((s) => SIGNATURE_STEP.test(s))) record.signatureStepSeen = true;
  const remaining = session.expireAt && session.updatedAt ? Date.parse(session.expireAt) - Date.parse(session.updatedAt) : NaN;
  // Dojo's windows are seconds to minutes; an absurd pair of timestamps must not become an absurd deadline.
  if (Number.isFinite(remaining)) record.expireAt = now + Math.min(Math.max(0, remaining), MAX_SESSION_WINDOW_MS) * timeScale;
  if (session.status === SESSION_SIGNATURE_REQUIRED) {
    record.status = 'signature_required';
    if (record.signatureDeadline === null || before.split('|')[0] !== SESSION_SIGNATURE_REQUIRED) record.signatureDeadline = record.expireAt;
  } else if (record.status !== 'needs_attention') {
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
