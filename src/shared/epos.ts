import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from './money';
import { GuardPinSchema } from './settings';

/** Whether the EPOS API is listening; `error` says in cashier words why not. Pushed on `epos:status` when it changes. */
export const EposStatusSchema = z.object({
  state: z.enum(['listening', 'off', 'port_in_use', 'failed']),
  url: z.string().nullable(),
  port: z.number().int(),
  error: z.string().nullable(),
});
export type EposStatus = z.infer<typeof EposStatusSchema>;

export const EposInfoSchema = EposStatusSchema.extend({
  enabled: z.boolean(),
  /** Whether a token is set; the token itself only comes back through the guarded `epos:revealToken`. */
  tokenSet: z.boolean(),
  tokenStorage: z.enum(['keychain', 'memory', 'environment']),
});
export type EposInfo = z.infer<typeof EposInfoSchema>;

/** The EPOS bearer token, shown to a supervisor so it can be copied into the EPOS configuration. */
export const EposTokenSchema = z.object({ token: z.string() });
export const RevealTokenSchema = z.object({ supervisorPin: GuardPinSchema }).strict();

export const RefundRequestViewSchema = z.object({
  requestId: z.string(),
  /** `unlinked`: to any card; `matched`: back to the card of an earlier sale, above the PIN threshold. */
  kind: z.enum(['unlinked', 'matched']),
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string().nullable(),
  /** The sale a matched refund goes back to. */
  saleId: z.string().nullable(),
  /** The terminal the refund will run on (the EPOS's choice, else the till's). */
  terminalId: z.string().nullable(),
  createdAt: z.string(),
});
export type RefundRequestView = z.infer<typeof RefundRequestViewSchema>;

/**
 * The supervisor confirms the request they were shown: the amount and currency on screen travel with the PIN,
 * and main refuses when they are not the request's (a request swapped under the PIN never starts).
 */
export const ConfirmRefundRequestSchema = z
  .object({ requestId: z.string().min(1).max(60), amount: AmountMinorSchema, currency: CurrencySchema, supervisorPin: GuardPinSchema, terminalId: z.string().min(1).max(100).optional() })
  .strict();
export const RequestIdSchema = z.object({ requestId: z.string().min(1).max(60) }).strict();
