import { z } from 'zod';

/**
 * Request bodies as Dojo's OpenAPI describes them (strict where the spec sets additionalProperties: false).
 * The simulator ships inside the app for training mode, where the OpenAPI files are not available, so the
 * rules live here; the contract tests check them against the spec files.
 */
const dateTime = z.iso.datetime({ offset: true });

export const MoneySchema = z
  .object({
    value: z.number().int(),
    currencyCode: z.string().min(1).max(10),
  })
  .strict();
export type Money = z.infer<typeof MoneySchema>;

/** Dojo accepts GBP and EUR only; anything else is a 400 from the business rules, not the schema. */
export const SUPPORTED_CURRENCIES = ['GBP', 'EUR'];

export const CreateIntentSchema = z.object({
  amount: MoneySchema,
  reference: z.string().min(1).max(60),
  captureMode: z.enum(['Auto', 'Manual']).optional(),
  description: z.string().max(4096).nullable().optional(),
  tipsAmount: MoneySchema.nullable().optional(),
  cashbackAmount: MoneySchema.nullable().optional(),
  expireAt: dateTime.nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  cardHolderNotPresent: z.boolean().optional(),
});
export type CreateIntentBody = z.infer<typeof CreateIntentSchema>;

export const SessionDetailsSchema = z.object({
  sessionType: z.enum(['Sale', 'MatchedRefund', 'UnlinkedRefund']),
  sale: z.object({ paymentIntentId: z.string() }).optional(),
  matchedRefund: z.object({ paymentIntentId: z.string(), amount: MoneySchema.optional() }).optional(),
  unlinkedRefund: z.object({ amount: MoneySchema, cardholderNotPresent: z.boolean().optional() }).optional(),
});

const DETAIL_KEY = { Sale: 'sale', MatchedRefund: 'matchedRefund', UnlinkedRefund: 'unlinkedRefund' } as const;

export const CreateSessionSchema = z
  .object({ terminalId: z.string(), details: SessionDetailsSchema })
  .strict()
  // The spec cannot tie sessionType to the detail object; Dojo (and we) refuse a mismatch.
  .superRefine((body, ctx) => {
    const present = (['sale', 'matchedRefund', 'unlinkedRefund'] as const).filter((key) => body.details[key] !== undefined);
    const expected = DETAIL_KEY[body.details.sessionType];
    if (present.length !== 1 || present[0] !== expected) {
      ctx.addIssue({ code: 'custom', path: ['details'], message: `A ${body.details.sessionType} session needs exactly one detail object: "${expected}".` });
    }
  });
export type CreateSessionBody = z.infer<typeof CreateSessionSchema>;

export const SignatureSchema = z.object({ accepted: z.boolean() });

export const RefundSchema = z
  .object({
    amount: z.number().int(),
    previousTransactionId: z.string().max(100).nullable().optional(),
    refundReason: z.string().max(1024).nullable().optional(),
    notes: z.string().max(4096).nullable().optional(),
  })
  .strict();
export type RefundBody = z.infer<typeof RefundSchema>;

export const CaptureSchema = z.object({ amount: z.number().int(), tipsAmount: z.number().int().nullable().optional() }).strict();
export type CaptureBody = z.infer<typeof CaptureSchema>;

export const PAYMENT_INTENT_STATUSES = ['Created', 'Authorized', 'Captured', 'Reversed', 'Refunded', 'Canceled'] as const;

export const SearchSchema = z
  .object({
    statuses: z.array(z.enum(PAYMENT_INTENT_STATUSES)).nullable().optional(),
    startDate: dateTime.nullable().optional(),
    endDate: dateTime.nullable().optional(),
    cursor: z
      .object({ limit: z.number().int().min(1).max(100).optional(), before: z.string().nullable().optional(), after: z.string().nullable().optional() })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
export type SearchBody = z.infer<typeof SearchSchema>;

export const TERMINAL_STATUSES = ['Available', 'Offline', 'InUse'] as const;
