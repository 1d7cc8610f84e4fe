import type { PaymentStatus, PaymentType, ReceiptLine } from '../../shared/payments';
import { FINAL_STATUSES } from '../../shared/payments';

/**
 * Where a payment is in its flow. Each step is written to the journal *before* the Dojo call it leads to, so
 * after a crash the step says exactly what may have happened.
 */
export type Step =
  | 'intent_requested' // POST /payment-intents may have been sent
  | 'session_requested' // POST /terminal-sessions may have been sent
  | 'following' // the session exists: poll it to its end
  | 'confirming' // the session ended: read the intent back
  | 'done';

export interface PaymentRecord {
  id: string;
  type: PaymentType;
  status: PaymentStatus;
  step: Step;
  amount: number;
  currency: string;
  reference: string;
  terminalId: string;
  terminalTid: string | null;
  environment: string;
  intentId: string | null;
  sessionId: string | null;
  originalPaymentId: string | null;
  idempotencyKey: string | null;
  /** When the create-session request went out (for the timeline and support; recovery matches on priorSessionIds). */
  sessionRequestedAt: number | null;
  /** Sessions on the intent that existed before ours (a retried intent's earlier attempts). */
  priorSessionIds: string[];
  sessionStatus: string | null;
  prompt: string | null;
  cardPresented: boolean;
  cancelNote: string | null;
  signatureDeadline: number | null;
  expireAt: number | null;
  lastChangeAt: number;
  pollFailures: number;
  totalAmount: number | null;
  tipsAmount: number | null;
  cashbackAmount: number | null;
  cardScheme: string | null;
  last4: string | null;
  authCode: string | null;
  entryMode: string | null;
  verification: string | null;
  receipts: { customer: ReceiptLine[] | null; merchant: ReceiptLine[] | null } | null;
  /** How it ended, in words for the cashier (set with the final status). */
  outcomeMessage: string | null;
  /** The cashier asked to cancel before the session existed: cancel as soon as it does. */
  cancelWanted: boolean;
  /** Resumed after a restart before any session was requested: finish without asking the terminal. */
  restartedBeforeSession: boolean;
  /** Recovery attempts (finding a lost intent or session, confirming), for backoff and giving up. */
  recoveryAttempts: number;
  attention: { reason: string; instruction: string } | null;
  resolution: { outcome: 'approved' | 'not_charged'; note: string; at: string } | null;
  /** Dojo's record applied by a supervisor from an end-of-day reconciliation exception (then Dojo, not a person, decided). */
  reconciled?: { at: string; note: string; exceptionId: string; dojoStatus: string } | null;
  refundedAmount: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export const isFinal = (status: PaymentStatus): boolean => FINAL_STATUSES.includes(status);
/** Statuses that keep a terminal for this payment (one active payment per terminal). */
export const holdsTerminal = (record: PaymentRecord): boolean => !isFinal(record.status) && record.status !== 'needs_attention';

export function newRecord(input: {
  id: string;
  type: PaymentType;
  amount: number;
  currency: string;
  reference: string;
  terminalId: string;
  terminalTid: string | null;
  environment: string;
  now: number;
  intentId?: string | null;
  originalPaymentId?: string | null;
  idempotencyKey?: string | null;
}): PaymentRecord {
  return {
    id: input.id,
    type: input.type,
    status: 'starting',
    step: input.type === 'Sale' ? 'intent_requested' : 'session_requested',
    amount: input.amount,
    currency: input.currency,
    reference: input.reference,
    terminalId: input.terminalId,
    terminalTid: input.terminalTid,
    environment: input.environment,
    intentId: input.intentId ?? null,
    sessionId: null,
    originalPaymentId: input.originalPaymentId ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    sessionRequestedAt: null,
    priorSessionIds: [],
    sessionStatus: null,
    prompt: null,
    cardPresented: false,
    cancelNote: null,
    signatureDeadline: null,
    expireAt: null,
    lastChangeAt: input.now,
    pollFailures: 0,
    totalAmount: null,
    tipsAmount: null,
    cashbackAmount: null,
    cardScheme: null,
    last4: null,
    authCode: null,
    entryMode: null,
    verification: null,
    receipts: null,
    outcomeMessage: null,
    cancelWanted: false,
    recoveryAttempts: 0,
    restartedBeforeSession: false,
    attention: null,
    resolution: null,
    refundedAmount: 0,
    createdAt: input.now,
    updatedAt: input.now,
    finishedAt: null,
  };
}
