import { z } from 'zod';
import { FINAL_STATUSES, PaymentStatusSchema, PaymentTypeSchema, ReceiptLineSchema, type PaymentStatus, type PaymentType } from '../../shared/payments';
import { amountsOf } from './amounts';

/**
 * Where a payment is in its flow. Each step is written to the journal *before* the Dojo call it leads to, so
 * after a crash the step says exactly what may have happened.
 */
export const STEPS = [
  'intent_requested', // POST /payment-intents may have been sent
  'session_requested', // POST /terminal-sessions may have been sent
  'following', // the session exists: poll it to its end
  'confirming', // the session ended: read the intent back
  'done',
] as const;
export type Step = (typeof STEPS)[number];

/**
 * The journal's record of a payment, as JSON in its `data` column. It carries a version and is validated on
 * every read: fields added later get their defaults here, so a record written by an older version reads as
 * the current shape (version 1 had no `v`).
 */
export const RECORD_VERSION = 5;

const ReceiptsSchema = z.object({ customer: z.array(ReceiptLineSchema).nullable(), merchant: z.array(ReceiptLineSchema).nullable() });
const nullableInt = z.number().int().nullable();

export const PaymentRecordSchema = z.object({
  id: z.string().min(1),
  type: PaymentTypeSchema,
  status: PaymentStatusSchema,
  step: z.enum(STEPS),
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string(),
  terminalId: z.string(),
  terminalTid: z.string().nullable(),
  environment: z.string(),
  intentId: z.string().nullable(),
  sessionId: z.string().nullable(),
  originalPaymentId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  /** When the create-session request went out (for the timeline and support; recovery matches on priorSessionIds). */
  sessionRequestedAt: z.number().nullable(),
  /** Sessions on the intent that existed before ours (a retried intent's earlier attempts). */
  priorSessionIds: z.array(z.string()),
  sessionStatus: z.string().nullable(),
  prompt: z.string().nullable(),
  cardPresented: z.boolean(),
  cancelNote: z.string().nullable(),
  signatureDeadline: z.number().nullable(),
  expireAt: z.number().nullable(),
  lastChangeAt: z.number(),
  pollFailures: z.number().int(),
  totalAmount: nullableInt,
  tipsAmount: nullableInt,
  cashbackAmount: nullableInt,
  cardScheme: z.string().nullable(),
  last4: z.string().nullable(),
  authCode: z.string().nullable(),
  entryMode: z.string().nullable(),
  verification: z.string().nullable(),
  receipts: ReceiptsSchema.nullable(),
  /** How it ended, in words for the cashier (set with the final status). */
  outcomeMessage: z.string().nullable(),
  /** The cashier asked to cancel before the session existed: cancel as soon as it does. */
  cancelWanted: z.boolean(),
  /** Resumed after a restart before any session was requested: finish without asking the terminal. */
  restartedBeforeSession: z.boolean(),
  /** Recovery attempts (finding a lost intent or session, confirming), for backoff and giving up. */
  recoveryAttempts: z.number().int(),
  attention: z.object({ reason: z.string(), instruction: z.string() }).nullable(),
  /**
   * A person's verdict on a payment Dojo had not settled: what (outcome), why (note), when (at), who (by, as
   * typed; the supervisor PIN was checked in main) and what Dojo's record said of it since (dojo).
   */
  resolution: z
    .object({
      outcome: z.enum(['approved', 'not_charged']),
      note: z.string(),
      at: z.string(),
      by: z.string().nullable().default(null),
      dojo: z.enum(['pending', 'confirmed', 'contradicted', 'cannot_tell']).default('cannot_tell'),
    })
    .nullable(),
  /** Dojo's record applied by a supervisor from an end-of-day reconciliation exception (then Dojo, not a person, decided). */
  reconciled: z.object({ at: z.string(), note: z.string(), exceptionId: z.string(), dojoStatus: z.string() }).nullable().default(null),
  refundedAmount: z.number().int(),
  // Version 3 (issue 12): what the engine needs to tell "final" from "final-looking" and to say what is happening.
  /** When an approval that may still be followed by a signature check was first seen (the settle window). */
  approvedSeenAt: z.number().nullable().default(null),
  /** A signature step has been part of this session (its statusEvents say so). */
  signatureStepSeen: z.boolean().default(false),
  /** The terminal took the session (it went past InitiateRequested, or showed a prompt). */
  terminalAccepted: z.boolean().default(false),
  /** When the engine started reading the intent back (the confirm window). */
  confirmingSince: z.number().nullable().default(null),
  /** The create-session answer was lost: looking for the session on Dojo. */
  lookingForSession: z.boolean().default(false),
  /** Matched refunds: what the sale's intent had refunded when this refund started (evidence after a lost answer). */
  refundedBefore: z.number().int().nullable().default(null),
  /** The last usable answer from Dojo, and whether the last call got none (Dojo unreachable or failing). */
  lastAnswerAt: z.number().nullable().default(null),
  /** How the payment ends once Dojo has answered the cancel of its unused intent. */
  pendingOutcome: z.object({ status: PaymentStatusSchema, message: z.string() }).nullable().default(null),
  contactLost: z.boolean().default(false),
  // Version 4 (issue 13): Dojo first, people last.
  /** Background re-checks with Dojo of a payment it has not settled (needs attention, or a verdict not yet confirmed). */
  recheck: z.object({ attempts: z.number().int(), lastAt: z.number().nullable(), nextAt: z.number().nullable() }).default({ attempts: 0, lastAt: null, nextAt: null }),
  /** Dojo's record contradicted a person's verdict: the status now follows Dojo, and a supervisor must see it. */
  contradiction: z
    .object({
      verdict: z.enum(['approved', 'not_charged']),
      dojoSays: PaymentStatusSchema,
      at: z.number(),
      acknowledged: z.object({ at: z.number(), by: z.string().nullable(), note: z.string() }).nullable(),
      /** Whose word Dojo's record contradicted: a person's verdict, or the terminal session's (a rejected signature). */
      source: z.enum(['hand', 'terminal']).default('hand'),
    })
    .nullable()
    .default(null),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** The cashier answered a signature check (else an approval after one was Dojo's automatic acceptance). */
  signatureAnswered: z.boolean().default(false),
  // Version 5: the terminal session's word is checked against Dojo's payment record like a person's.
  /**
   * Declined on the session's word (a rejected signature: "the payment has been reversed") before Dojo's payment
   * record showed the money not taken: re-checked until it does (confirmed) or shows it taken (contradicted).
   */
  sessionWord: z.object({ at: z.number(), dojo: z.enum(['pending', 'confirmed', 'contradicted', 'cannot_tell']) }).nullable().default(null),
  /** Ended approved without proof that no signature check follows: the session is watched until this moment. */
  signatureWatchUntil: z.number().nullable().default(null),
  /** The terminal asked for a signature check after the till had reported the payment approved. */
  lateSignature: z.boolean().default(false),
  /** How many times the journal has written this payment: views are ordered by it (a late answer never wins). */
  revision: z.number().int().min(0).default(0),
});
export type PaymentRecord = z.infer<typeof PaymentRecordSchema>;

/** The JSON the journal stores: the record with its version. */
export const serializeRecord = (record: PaymentRecord): string => JSON.stringify({ v: RECORD_VERSION, ...record });

/** Reads a stored record back: its version checked, its fields validated (defaults for fields added since). */
export function parseRecord(json: string): { ok: true; record: PaymentRecord } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const version = typeof raw === 'object' && raw !== null && 'v' in raw ? (raw as { v: unknown }).v : 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, problem: `unknown record version ${String(version)}` };
  if (version > RECORD_VERSION) return { ok: false, problem: `written by a newer version of the app (record version ${version})` };
  const parsed = PaymentRecordSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, record: parsed.data };
}

export const isFinal = (status: PaymentStatus): boolean => FINAL_STATUSES.includes(status);
/** Statuses that keep a terminal for this payment (one active payment per terminal). */
export const holdsTerminal = (record: PaymentRecord): boolean => !isFinal(record.status) && record.status !== 'needs_attention';

/**
 * What is left to refund on a sale: what the card paid for the goods and the gratuity, less refunds approved and
 * in progress. Cashback is not refundable: the customer took it as cash, so refunding it would pay it twice.
 * Gratuity is: it was paid by card and goes back to the card like the goods.
 *
 * What the card was charged comes from amountsOf (right whether or not Dojo's `totalAmount` counts the cashback,
 * docs/dojo-api.md A6); less the cashback, that is what the card paid for the goods and the gratuity.
 */
export function refundableOf(sale: PaymentRecord, inProgress = 0): number {
  if (sale.type !== 'Sale' || sale.status !== 'approved') return 0;
  const { charged, cashback } = amountsOf(sale);
  return Math.max(0, charged - cashback - sale.refundedAmount - inProgress);
}

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
    reconciled: null,
    refundedAmount: 0,
    approvedSeenAt: null,
    signatureStepSeen: false,
    terminalAccepted: false,
    confirmingSince: null,
    lookingForSession: false,
    refundedBefore: null,
    lastAnswerAt: null,
    pendingOutcome: null,
    contactLost: false,
    recheck: { attempts: 0, lastAt: null, nextAt: null },
    contradiction: null,
    createdAt: input.now,
    updatedAt: input.now,
    finishedAt: null,
    signatureAnswered: false,
    sessionWord: null,
    signatureWatchUntil: null,
    lateSignature: false,
    revision: 0,
  };
}
