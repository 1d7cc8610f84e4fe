import type { PaymentView } from '../../shared/payments';
import { CARD_PRESENTED_NOTE } from './machine';
import { dojoCanTell } from './dojo-record';
import { attention as attentionWords, cancel as cancelWords, contradictionWords, doNotRetrySlip, running } from './messages';
import { amountsOf } from './amounts';
import { isFinal, refundableOf, type PaymentRecord } from './record';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * What the renderer and the EPOS API see of a payment (never the key, never more card data than Dojo masks), as of
 * `now` (the engine's clock: how long ago Dojo last answered is part of what is said while it cannot be reached).
 */
export function toView(record: PaymentRecord, now: number = Date.now()): PaymentView {
  const running = record.status === 'starting' || record.status === 'in_progress';
  // Cancel is offered only when it can work: not once the card is in play, and not while Dojo cannot be reached.
  const canCancel = running && !record.cardPresented && record.sessionStatus !== 'CancelRequested' && !record.cancelWanted && !record.contactLost && !record.lookingForSession && !record.pendingOutcome;
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    amount: record.amount,
    currency: record.currency,
    reference: record.reference,
    terminalId: record.terminalId,
    terminalTid: record.terminalTid,
    environment: record.environment,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    revision: record.revision ?? 0,
    intentId: record.intentId,
    sessionId: record.sessionId,
    sessionStatus: record.sessionStatus,
    prompt: record.prompt,
    message: messageOf(record, now),
    dojoReachable: !record.contactLost,
    lastDojoAnswerAt: record.contactLost ? iso(record.lastAnswerAt) : null,
    canCancel,
    cancelNote: canCancel || isFinal(record.status) ? null : running && record.cardPresented ? (record.cancelNote ?? CARD_PRESENTED_NOTE) : running && record.contactLost ? cancelWords.dojoUnreachable : record.cancelNote,
    signatureDeadline: record.status === 'signature_required' ? iso(record.signatureDeadline) : null,
    lateSignature: record.status === 'signature_required' && record.lateSignature,
    result:
      record.status === 'approved' || record.authCode || record.last4
        ? {
            // What the card was charged, whichever way Dojo counted the cashback (amounts.ts); null while unknown.
            totalAmount: record.totalAmount === null ? null : amountsOf(record).charged,
            tipsAmount: record.tipsAmount,
            cashbackAmount: record.cashbackAmount,
            cardScheme: record.cardScheme,
            last4: record.last4,
            authCode: record.authCode,
            entryMode: record.entryMode,
            verification: record.verification,
          }
        : null,
    receipts: { customer: record.receipts?.customer ?? null, merchant: record.receipts?.merchant ?? null },
    attention: record.status === 'needs_attention' && record.attention ? { ...record.attention, choices: attentionWords.choices(record.type) } : null,
    resolution: record.resolution,
    contradiction: record.contradiction
      ? { verdict: record.contradiction.verdict, dojoSays: record.contradiction.dojoSays, at: new Date(record.contradiction.at).toISOString(), message: contradictionWords(record.type, record.contradiction.verdict, record.contradiction.dojoSays, record.contradiction.source), acknowledged: !!record.contradiction.acknowledged, source: record.contradiction.source }
      : null,
    // Non-null while what is said may still change: Dojo not settled, a verdict or a decline on the terminal
    // session's word not yet checked, or an approved sale whose session may still ask for a signature check.
    dojoCheck:
      record.status === 'needs_attention' || record.resolution?.dojo === 'pending' || record.sessionWord?.dojo === 'pending'
        ? { canTell: dojoCanTell(record), lastCheckedAt: iso(record.recheck.lastAt), nextCheckAt: iso(record.recheck.nextAt) }
        : record.signatureWatchUntil !== null && record.signatureWatchUntil > now && record.status === 'approved'
          ? { canTell: true, lastCheckedAt: null, nextCheckAt: null }
          : null,
    slip: outcomeUnknown(record) ? doNotRetrySlip(record, dojoCanTell(record)) : null,
    originalPaymentId: record.originalPaymentId,
    refundedAmount: record.refundedAmount,
    refundableAmount: refundableOf(record),
  };
}

/** The till does not know yet whether money moved: a person must not start it again. */
function outcomeUnknown(record: PaymentRecord): boolean {
  if (record.status === 'needs_attention') return true;
  const running = record.status === 'starting' || record.status === 'in_progress' || record.status === 'signature_required';
  return running && (record.contactLost || record.lookingForSession);
}

function messageOf(record: PaymentRecord, now: number): string {
  if (record.outcomeMessage && isFinal(record.status)) return record.outcomeMessage;
  const ongoing = record.status === 'starting' || record.status === 'in_progress' || record.status === 'signature_required';
  if (ongoing && record.contactLost) return running.lostContact(record.lastAnswerAt, now);
  switch (record.status) {
    case 'starting':
      if (record.lookingForSession) return running.lookingForSession(record.type);
      if (record.pendingOutcome) return running.cancelling;
      return record.cancelWanted ? running.cancelling : running.sending(record.type);
    case 'signature_required':
      return record.lateSignature ? running.lateSignature : running.signature;
    case 'needs_attention':
      return record.attention?.reason ?? running.needsChecking;
    case 'in_progress':
      if (record.cancelWanted) return running.cancellingOnTerminal;
      if (record.step === 'confirming') return running.confirming;
      switch (record.sessionStatus) {
        case 'Authorized':
          return running.authorised;
        case 'Captured':
          return running.checkingApproval;
        case 'InitiateRequested':
          return running.waking;
        case 'Initiated':
          return running.followTerminal;
        case 'CancelRequested':
          return running.cancellingOnTerminal;
        default:
          return running.terminalStatus(record.sessionStatus);
      }
    default:
      return record.outcomeMessage ?? record.status;
  }
}
