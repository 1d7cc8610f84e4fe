import { z } from 'zod';
import { PaymentStatusSchema, PaymentTypeSchema } from './payments';

/**
 * End of day: X reports (any time, change nothing), Z reports (close a trading day: numbered, stored in the
 * journal, never changed) and reconciliation of the till's record against Dojo's. Money in integer minor units.
 */

const Int = z.number().int();
/** A real calendar date, YYYY-MM-DD ("2026-02-30" is refused, not rolled over). */
export const IsoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-11-25.')
  .refine((day) => {
    const at = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day) && day >= '2000-01-01';
  }, 'Use a real date like 2026-11-25.');
const IsoDay = IsoDaySchema;
export const CountAmountSchema = z.object({ count: Int, amount: Int });
export type CountAmount = z.infer<typeof CountAmountSchema>;

/** The figures of one currency. Sales and refunds here are those Dojo confirmed; hand-resolved ones are apart. */
export const CurrencyFiguresSchema = z.object({
  currency: z.string(),
  /**
   * Approved sales: goods (the amount asked for), gratuity and cashback added on the terminal, and the total
   * charged to the cards (Dojo's totalAmount, or goods + gratuity + cashback when that is larger).
   */
  sales: z.object({ count: Int, goods: Int, gratuity: Int, cashback: Int, total: Int }),
  matchedRefunds: CountAmountSchema,
  unlinkedRefunds: CountAmountSchema,
  /** Sales total − refunds, as confirmed by Dojo (cashback included: it was charged to the card). */
  netCardTakings: Int,
  /** Cash handed to customers as cashback: it leaves the drawer. */
  cashbackPaidOut: Int,
  bySchemes: z.array(z.object({ scheme: z.string(), sales: CountAmountSchema, refunds: CountAmountSchema, net: Int })),
  declined: Int,
  cancelled: Int,
  expired: Int,
  /** Ended without a charge for another reason (never reached the terminal, or recorded as not charged). */
  notCharged: Int,
  /** Payments a person resolved by hand (Dojo could not tell): counted apart from what Dojo confirmed. */
  handResolved: z.object({ sales: CountAmountSchema, refunds: CountAmountSchema, notCharged: Int, net: Int }),
});
export type CurrencyFigures = z.infer<typeof CurrencyFiguresSchema>;

export const ADJUSTMENT_REASONS = ['finished_after_close', 'changed_after_close', 'day_not_closed'] as const;
export const AdjustmentSchema = z.object({
  paymentId: z.string(),
  type: PaymentTypeSchema,
  reference: z.string(),
  currency: z.string(),
  /** The trading day the payment started in (an earlier day than the report's). */
  tradingDay: IsoDay,
  reason: z.enum(ADJUSTMENT_REASONS),
  /** As an earlier Z counted it (null: no Z counted it yet). */
  before: z.object({ status: PaymentStatusSchema, byHand: z.boolean(), net: Int, zNumber: Int }).nullable(),
  now: z.object({ status: PaymentStatusSchema, byHand: z.boolean(), net: Int }),
  /** What this changes in net card takings (minor units, signed). */
  netChange: Int,
});
export type Adjustment = z.infer<typeof AdjustmentSchema>;

export const OpenPaymentSchema = z.object({
  paymentId: z.string(),
  type: PaymentTypeSchema,
  status: PaymentStatusSchema,
  amount: Int,
  currency: z.string(),
  reference: z.string(),
  createdAt: z.string(),
  /** Why it is open: the attention reason, or that it is still running. */
  reason: z.string(),
});
export type OpenPayment = z.infer<typeof OpenPaymentSchema>;

/** The reconciliation a report carries: its counts, or that Dojo could not be reached. */
export const ReconciliationSummarySchema = z.object({
  status: z.enum(['reconciled', 'unreachable', 'not_run']),
  at: z.string().nullable(),
  matched: Int,
  exceptions: Int,
  otherTills: Int,
  outside: Int,
  /** One line for people: "Reconciled with Dojo at 23:41: 212 matched, 1 exception." */
  message: z.string(),
});
export type ReconciliationSummary = z.infer<typeof ReconciliationSummarySchema>;

export const ReportSchema = z.object({
  kind: z.enum(['X', 'Z']),
  /** Z only: 1, 2, 3… per journal (training, sandbox and production each count their own). */
  number: Int.nullable(),
  tradingDay: IsoDay,
  period: z.object({ start: z.string(), end: z.string() }),
  /** X: when it was taken; Z: when the day was closed. */
  generatedAt: z.string(),
  environment: z.string(),
  tillId: z.string(),
  currencies: z.array(CurrencyFiguresSchema),
  /** Payments of earlier days that finished or changed after those days were counted. */
  adjustments: z.object({ lines: z.array(AdjustmentSchema), byCurrency: z.array(z.object({ currency: z.string(), netChange: Int })) }),
  open: z.array(OpenPaymentSchema),
  /** Z only: closed while payments needed attention, on the supervisor's PIN. */
  supervisorApproved: z.boolean(),
  /** X only: the Z that already closed this trading day, if any. */
  closedBy: z.object({ number: Int, at: z.string() }).nullable(),
  reconciliation: ReconciliationSummarySchema,
  /** Plain remarks printed at the foot (first Z, what cannot be checked against Dojo…). */
  notes: z.array(z.string()),
});
export type Report = z.infer<typeof ReportSchema>;

export const ZSummarySchema = z.object({ number: Int, tradingDay: IsoDay, closedAt: z.string(), net: z.array(z.object({ currency: z.string(), amount: Int })) });
export type ZSummary = z.infer<typeof ZSummarySchema>;

// ---- reconciliation ------------------------------------------------------------------------------------------

export const EXCEPTION_KINDS = [
  'captured_not_approved',
  'approved_not_captured',
  'amount_differs',
  'refund_differs',
  'verdict_contradicted',
  'unknown_to_journal',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];
export const EXCEPTION_ACTIONS = ['record_dojo', 'refund', 'explain'] as const;
export type ExceptionAction = (typeof EXCEPTION_ACTIONS)[number];

/** What each side says about one payment (minor units; refunded = matched refunds given back so far). */
export const SideSchema = z.object({ status: z.string(), total: Int.nullable(), gratuity: Int.nullable(), cashback: Int.nullable(), refunded: Int.nullable() });
export type Side = z.infer<typeof SideSchema>;

export const ReconciliationExceptionSchema = z.object({
  /** Stable while neither side changes: an explained exception stays explained on the next run. */
  id: z.string(),
  kind: z.enum(EXCEPTION_KINDS),
  state: z.enum(['open', 'recorded', 'refunded', 'explained']),
  paymentId: z.string().nullable(),
  intentId: z.string().nullable(),
  reference: z.string().nullable(),
  currency: z.string(),
  createdAt: z.string().nullable(),
  till: SideSchema.nullable(),
  dojo: SideSchema.nullable(),
  /** In plain words: what differs and what it means for the shop. */
  explanation: z.string(),
  actions: z.array(z.enum(EXCEPTION_ACTIONS)),
  note: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type ReconciliationException = z.infer<typeof ReconciliationExceptionSchema>;

/** An intent this till did not make: another till on the same Dojo account, or taken outside any companion. */
export const ForeignIntentSchema = z.object({
  intentId: z.string(),
  status: z.string(),
  total: Int,
  currency: z.string(),
  reference: z.string().nullable(),
  createdAt: z.string().nullable(),
  tillId: z.string().nullable(),
});
export type ForeignIntent = z.infer<typeof ForeignIntentSchema>;

export const ReconciliationSchema = z.object({
  id: Int,
  from: IsoDay,
  to: IsoDay,
  period: z.object({ start: z.string(), end: z.string() }),
  ranAt: z.string(),
  status: z.enum(['complete', 'unreachable']),
  message: z.string(),
  matched: Int,
  exceptions: z.array(ReconciliationExceptionSchema),
  otherTills: z.array(ForeignIntentSchema),
  outside: z.array(ForeignIntentSchema),
  /**
   * What could not be compared: unlinked refunds have no payment intent at Dojo; running and needs-attention
   * payments are not final yet; `unclear`: Dojo answered with a status the till does not know.
   */
  notChecked: z.object({ unlinkedRefunds: Int, running: Int, needsAttention: Int, unclear: Int }),
  /**
   * Training only: payments older than the practice terminal's record keeps (its finished payments go after
   * `keepsDays`), whose payment intent it no longer holds, and refunds of them. Not compared, and never called
   * "no record at Dojo".
   */
  beyondRecord: z.object({ keepsDays: Int, before: z.string(), payments: Int, refunds: Int }).optional(),
  /** Dojo calls made: search pages, and single reads to confirm what a page did not show. */
  requests: z.object({ pages: Int, reads: Int }),
});
export type Reconciliation = z.infer<typeof ReconciliationSchema>;

// ---- requests (IPC and EPOS) -----------------------------------------------------------------------------------

const SupervisorPin = z.string().regex(/^\d{4,8}$/, 'The supervisor PIN is 4 to 8 digits.');

export const XReportRequestSchema = z.object({ tradingDay: IsoDay.optional() }).strict().optional();
export const CloseDayRequestSchema = z.object({ tradingDay: IsoDay.optional(), supervisorPin: SupervisorPin.optional() }).strict();
export const ZNumberSchema = z.object({ number: Int.min(1).max(10_000_000) }).strict();
export const ZListRequestSchema = z.object({ limit: Int.min(1).max(100).default(20), offset: Int.min(0).max(10_000_000).default(0) }).strict();
export const PrintReportSchema = z.object({ width: z.union([z.literal(58), z.literal(80)]) }).strict();
export const ReconcileRequestSchema = z
  .object({ from: IsoDay, to: IsoDay })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'From must not be after To.', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 31 * 86_400_000, { message: 'Reconcile at most 31 days at a time.', path: ['to'] });
export const LatestReconciliationSchema = z.object({ from: IsoDay, to: IsoDay }).strict();
export const ExceptionActionSchema = z
  .object({
    exceptionId: z.string().min(1).max(200),
    action: z.enum(EXCEPTION_ACTIONS),
    note: z.string().trim().min(3, 'Say briefly why.').max(500),
    supervisorPin: SupervisorPin.optional(),
    /** For a refund: the terminal to take it on. */
    terminalId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type ExceptionActionRequest = z.infer<typeof ExceptionActionSchema>;
