import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from '../../shared/money';
import { ReferenceSchema } from '../../shared/payments';
import { IsoDaySchema } from '../../shared/reports';

/** Request bodies of the EPOS API (JSON in, amounts in integer minor units). */
export const SaleRequestSchema = z
  .object({
    amount: AmountMinorSchema,
    currency: CurrencySchema,
    reference: ReferenceSchema,
    terminalId: z.string().min(1).max(100).optional(),
  })
  .strict();

export const RefundRequestSchema = z
  .object({
    paymentId: z.string().min(1).max(100).optional(),
    reference: ReferenceSchema.optional(),
    amount: AmountMinorSchema,
    terminalId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((r) => !!r.paymentId !== !!r.reference, { message: 'Give either paymentId or reference (not both).', path: ['paymentId'] });

export const UnlinkedRefundRequestSchema = z
  .object({ amount: AmountMinorSchema, currency: CurrencySchema, reference: ReferenceSchema.optional(), terminalId: z.string().min(1).max(100).optional() })
  .strict();

export const SignatureRequestSchema = z.object({ accepted: z.boolean() }).strict();

export const IdempotencyKeySchema = z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces.');

export const WaitSchema = z.coerce.number().min(0).max(60);

/** POST /v1/reports/z: an empty body closes the current trading day; the supervisor PIN is never sent by the EPOS. */
export const CloseDayBodySchema = z
  .object({ tradingDay: IsoDaySchema.optional() })
  .strict()
  .nullable();

export const ZNumberParamSchema = z.coerce.number().int().min(1).max(10_000_000);
