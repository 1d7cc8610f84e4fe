import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from './money';
import { GuardPinSchema } from './settings';

export const PAYMENT_TYPES = ['Sale', 'MatchedRefund', 'UnlinkedRefund'] as const;
export const PaymentTypeSchema = z.enum(PAYMENT_TYPES);
export type PaymentType = z.infer<typeof PaymentTypeSchema>;

/** Our own status of a payment; Dojo's raw session status is kept beside it (`sessionStatus`). */
export const PAYMENT_STATUSES = ['starting', 'in_progress', 'signature_required', 'approved', 'declined', 'cancelled', 'expired', 'failed', 'needs_attention'] as const;
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;
export const FINAL_STATUSES: readonly PaymentStatus[] = ['approved', 'declined', 'cancelled', 'expired', 'failed'];
/** On its way: the terminal or the cashier still has something to do. */
export const RUNNING_STATUSES: readonly PaymentStatus[] = ['starting', 'in_progress', 'signature_required'];

export const ReceiptLineSchema = z.object({
  lineType: z.string(),
  text: z.object({ value: z.string(), size: z.string().nullish(), align: z.string().nullish(), bold: z.boolean() }).nullish(),
});
export type ReceiptLine = z.infer<typeof ReceiptLineSchema>;

export const PaymentViewSchema = z.object({
  id: z.string(),
  type: PaymentTypeSchema,
  status: PaymentStatusSchema,
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string(),
  terminalId: z.string(),
  terminalTid: z.string().nullable(),
  environment: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Grows with every change of the payment: a view with a lower revision is older, whatever arrived last. */
  revision: z.number().int(),
  intentId: z.string().nullable(),
  sessionId: z.string().nullable(),
  /** Dojo's session status as it came (open: an unknown value is shown as it is). */
  sessionStatus: z.string().nullable(),
  /** The terminal's latest prompt (Dojo notification type, open). */
  prompt: z.string().nullable(),
  /** One line for the cashier: what is happening or how it ended. */
  message: z.string(),
  /** False while Dojo gives no usable answer about this payment (the till keeps trying). */
  dojoReachable: z.boolean(),
  /** While Dojo cannot be reached: when it last answered about this payment. */
  lastDojoAnswerAt: z.string().nullable(),
  canCancel: z.boolean(),
  /** Why cancelling is not (or no longer) possible, when it is not. */
  cancelNote: z.string().nullable(),
  signatureDeadline: z.string().nullable(),
  /** The signature check came after the payment had been reported approved (the terminal asked late). */
  lateSignature: z.boolean(),
  result: z
    .object({
      totalAmount: z.number().int().nullable(),
      tipsAmount: z.number().int().nullable(),
      cashbackAmount: z.number().int().nullable(),
      cardScheme: z.string().nullable(),
      last4: z.string().nullable(),
      authCode: z.string().nullable(),
      entryMode: z.string().nullable(),
      verification: z.string().nullable(),
    })
    .nullable(),
  receipts: z.object({ customer: z.array(ReceiptLineSchema).nullable(), merchant: z.array(ReceiptLineSchema).nullable() }),
  /** Why a person is needed, what to do, and the words of the two verdict buttons (refunds speak of refunds). */
  attention: z.object({ reason: z.string(), instruction: z.string(), choices: z.object({ approved: z.string(), not_charged: z.string() }) }).nullable(),
  /**
   * A person's verdict: what, why (note), when (at), who (by, as typed; the supervisor PIN was checked), and
   * what Dojo's record said of it since: pending (still asking), confirmed, contradicted, or cannot_tell.
   */
  resolution: z
    .object({
      outcome: z.enum(['approved', 'not_charged']),
      note: z.string(),
      at: z.string(),
      by: z.string().nullable(),
      dojo: z.enum(['pending', 'confirmed', 'contradicted', 'cannot_tell']),
    })
    .nullable(),
  /** Dojo's record contradicted a person's verdict (or the terminal's word): the status follows Dojo now; a supervisor must acknowledge it. */
  contradiction: z.object({ verdict: z.enum(['approved', 'not_charged']), dojoSays: PaymentStatusSchema, at: z.string(), message: z.string(), acknowledged: z.boolean(), source: z.enum(['hand', 'terminal']) }).nullable(),
  /** While the till keeps asking Dojo about a payment it has not settled: whether Dojo can tell, last and next ask. */
  dojoCheck: z.object({ canTell: z.boolean(), lastCheckedAt: z.string().nullable(), nextCheckAt: z.string().nullable() }).nullable(),
  /** A "do not take this payment again" slip (receipt-printer lines) while the outcome is unknown. */
  slip: z.array(ReceiptLineSchema).nullable(),
  originalPaymentId: z.string().nullable(),
  /** Sales: approved matched refunds so far, and what is left to refund. */
  refundedAmount: z.number().int(),
  refundableAmount: z.number().int(),
});
export type PaymentView = z.infer<typeof PaymentViewSchema>;

export const PaymentEventViewSchema = z.object({ at: z.string(), kind: z.string(), message: z.string() });
export type PaymentEventView = z.infer<typeof PaymentEventViewSchema>;

export const TerminalViewSchema = z.object({
  id: z.string(),
  tid: z.string().nullable(),
  status: z.string(),
  updatedAt: z.string().nullable(),
  /** Training only: what this virtual terminal does ("always declines"). */
  note: z.string().nullable().optional(),
});
export type TerminalView = z.infer<typeof TerminalViewSchema>;

/** An EPOS reference: what the till calls the sale (order number); Dojo allows 1–60 characters. */
export const ReferenceSchema = z
  .string()
  .trim()
  .min(1, 'Reference must not be empty.')
  .max(60, 'Reference must be at most 60 characters.')
  .regex(/^[^\p{Cc}]*$/u, 'Reference must not contain control characters.');

export const StartSaleSchema = z.object({
  amount: AmountMinorSchema,
  currency: CurrencySchema,
  reference: ReferenceSchema.optional(),
  terminalId: z.string().min(1).max(100),
}).strict();

export const StartMatchedRefundSchema = z.object({
  paymentId: z.string().min(1).max(100),
  amount: AmountMinorSchema,
  terminalId: z.string().min(1).max(100),
  /** Needed above the build's threshold (settings view: matchedRefundPinThreshold). */
  supervisorPin: GuardPinSchema,
}).strict();

export const StartUnlinkedRefundSchema = z.object({
  amount: AmountMinorSchema,
  currency: CurrencySchema,
  reference: ReferenceSchema.optional(),
  terminalId: z.string().min(1).max(100),
  /** Unlinked refunds give money to any card: a supervisor approves each one (checked in main). */
  supervisorPin: GuardPinSchema,
}).strict();

export const PaymentIdSchema = z.object({ paymentId: z.string().min(1).max(100) }).strict();

export const AnswerSignatureSchema = z.object({ paymentId: z.string().min(1).max(100), accepted: z.boolean() }).strict();

export const ResolvePaymentSchema = z.object({
  paymentId: z.string().min(1).max(100),
  outcome: z.enum(['approved', 'not_charged']),
  note: z.string().trim().min(3, 'Say briefly what the terminal showed.').max(500),
  /** Who records it (a name or initials): kept with the verdict, in the audit and the CSV. */
  by: z.string().trim().min(1).max(40).regex(/^[^\p{Cc}]*$/u, 'No control characters.').optional(),
  /** A person's verdict on money: the supervisor's (checked in main). */
  supervisorPin: GuardPinSchema,
}).strict();

/** A supervisor has seen that Dojo's record contradicted a verdict (the payment's status already follows Dojo). */
export const AcknowledgeContradictionSchema = z.object({
  paymentId: z.string().min(1).max(100),
  note: z.string().trim().min(3, 'Say briefly what was done about it.').max(500),
  by: z.string().trim().min(1).max(40).regex(/^[^\p{Cc}]*$/u, 'No control characters.').optional(),
  supervisorPin: GuardPinSchema,
}).strict();

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-11-25.');

export const HistoryQuerySchema = z.object({
  from: IsoDay.optional(),
  to: IsoDay.optional(),
  statuses: z.array(PaymentStatusSchema).max(10).optional(),
  types: z.array(PaymentTypeSchema).max(3).optional(),
  search: z.string().trim().max(60).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(10_000_000).default(0),
}).strict();
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export const TotalsQuerySchema = z.object({ from: IsoDay, to: IsoDay }).strict();

/**
 * Approved payments of one type and currency: `amount` = goods, `total` = what the cards were charged, goods +
 * gratuity + cashback (minor units; main's payments/amounts.ts, whichever way Dojo counts the cashback); apart, those approved only on a person's word (a verdict Dojo has not
 * confirmed): handCount, handTotal.
 */
export const TotalsRowSchema = z.object({
  type: PaymentTypeSchema,
  currency: z.string(),
  count: z.number().int(),
  amount: z.number().int(),
  total: z.number().int(),
  tips: z.number().int(),
  cashback: z.number().int(),
  handCount: z.number().int(),
  handTotal: z.number().int(),
});
export type TotalsRow = z.infer<typeof TotalsRowSchema>;
