import { z } from 'zod';

/**
 * Dojo's JSON as the till reads it: only what it needs is required, unknown fields are dropped, and every enum
 * is an open string (a status or notification Dojo adds tomorrow is shown, never a crash).
 */
const OpenString = z.string();
const NullableString = z.string().nullish();

export const DojoMoneySchema = z.object({ value: z.number().int(), currencyCode: z.string() });
export type DojoMoney = z.infer<typeof DojoMoneySchema>;

export const DojoTerminalSchema = z.object({
  id: z.string(),
  status: OpenString,
  properties: z.object({ tid: z.string().nullish() }).nullish(),
  updatedAt: NullableString,
});
export type DojoTerminal = z.infer<typeof DojoTerminalSchema>;

const ReceiptLineSchema = z.object({
  lineType: OpenString,
  text: z
    .object({ value: z.string().default(''), size: OpenString.nullish(), align: OpenString.nullish(), emphasisBold: z.boolean().nullish() })
    .nullish(),
  imageLogo: z.object({ value: z.string(), align: OpenString.nullish() }).nullish(),
});
export const DojoReceiptSchema = z.object({ lines: z.array(ReceiptLineSchema).default([]) });
export type DojoReceipt = z.infer<typeof DojoReceiptSchema>;

export const DojoPaymentDetailsSchema = z.object({
  transactionId: NullableString,
  transactionDateTime: NullableString,
  message: NullableString,
  authCode: NullableString,
  card: z
    .object({
      cardNumber: NullableString,
      cardType: NullableString,
      last4PAN: NullableString,
      expiryDate: NullableString,
      cardFundingType: NullableString,
      entryMode: NullableString,
      verificationMethod: NullableString,
    })
    .nullish(),
});
export type DojoPaymentDetails = z.infer<typeof DojoPaymentDetailsSchema>;

export const DojoSessionSchema = z.object({
  id: z.string(),
  terminalId: NullableString,
  status: OpenString,
  createdAt: NullableString,
  updatedAt: NullableString,
  expireAt: NullableString,
  notificationEvents: z.array(z.object({ notificationType: OpenString, createdAt: NullableString })).nullish().transform((v) => v ?? []),
  statusEvents: z.array(z.object({ status: OpenString, createdAt: NullableString, debugMessage: NullableString })).nullish().transform((v) => v ?? []),
  details: z.object({ sessionType: OpenString.nullish() }).loose().nullish(),
  paymentDetails: DojoPaymentDetailsSchema.nullish(),
  // The schema names `receipt`; Dojo's examples return customerReceipt and merchantReceipt. Read all three.
  receipt: DojoReceiptSchema.nullish(),
  customerReceipt: DojoReceiptSchema.nullish(),
  merchantReceipt: DojoReceiptSchema.nullish(),
});
export type DojoSession = z.infer<typeof DojoSessionSchema>;

const HistorySessionSchema = z.object({
  id: NullableString,
  terminalId: NullableString,
  status: OpenString.nullish(),
  createdAt: NullableString,
  details: z.object({ sessionType: OpenString.nullish() }).loose().nullish(),
});

export const DojoIntentSchema = z.object({
  id: z.string(),
  status: OpenString,
  captureMode: NullableString,
  amount: DojoMoneySchema.nullish(),
  totalAmount: DojoMoneySchema.nullish(),
  tipsAmount: DojoMoneySchema.nullish(),
  cashbackAmount: DojoMoneySchema.nullish(),
  refundedAmount: z.number().int().nullish(),
  reference: NullableString,
  metadata: z.record(z.string(), z.string()).nullish(),
  createdAt: NullableString,
  paymentDetails: DojoPaymentDetailsSchema.nullish(),
  terminalSessionHistory: z
    .array(z.object({ terminalSession: HistorySessionSchema.nullish() }).loose())
    .nullish()
    .transform((v) => v ?? []),
});
export type DojoIntent = z.infer<typeof DojoIntentSchema>;

export const DojoIntentPageSchema = z.object({
  data: z.array(DojoIntentSchema).nullish().transform((v) => v ?? []),
  after: NullableString,
});
/** A search page before its intents are checked (they are, with DojoIntentSchema, by whoever reads them). */
export const DojoIntentPageShellSchema = z.object({
  data: z.array(z.unknown()).nullish().transform((v) => v ?? []),
  after: NullableString,
});

export const DojoRefundSchema = z.object({ refundId: NullableString, paymentIntentId: NullableString });

/** Problem bodies of all three families (Error, ProblemDetails, ProblemDetailsTerminals), read defensively. */
export const DojoProblemSchema = z
  .object({
    code: NullableString,
    title: NullableString,
    detail: NullableString,
    status: z.number().nullish(),
    errors: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type DojoProblem = z.infer<typeof DojoProblemSchema>;
