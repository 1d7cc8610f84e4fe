import { z } from 'zod';
import { SupervisorPinSchema } from './settings';

/** A payment the EPOS was told about through the folder exchange but never committed: a person checks the EPOS. */
export const ExchangeAttentionSchema = z.object({
  requestId: z.string(),
  paymentId: z.string().nullable(),
  type: z.enum(['Sale', 'MatchedRefund', 'UnlinkedRefund']),
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string(),
  resultAt: z.string(),
  reason: z.string(),
  instruction: z.string(),
});
export type ExchangeAttention = z.infer<typeof ExchangeAttentionSchema>;

/** The folder exchange as Settings shows it. */
export const ExchangeStatusSchema = z.object({
  /** 'settings': chosen in Settings; 'environment': TILL_EXCHANGE_DIR for this run; 'off': no folder. */
  source: z.enum(['settings', 'environment', 'off']),
  folder: z.string().nullable(),
  running: z.boolean(),
  error: z.string().nullable(),
  /** Something about the folder the shop should fix (e.g. other users can write to it). */
  warning: z.string().nullable(),
  commitTimeoutMinutes: z.number(),
  maxPending: z.number().int(),
  networkShare: z.boolean(),
  pending: z.number().int(),
  awaitingCommit: z.number().int(),
  received: z.number().int(),
  rejected: z.number().int(),
  archived: z.number().int(),
  lastRequestAt: z.string().nullable(),
  attention: z.array(ExchangeAttentionSchema),
});
export type ExchangeStatus = z.infer<typeof ExchangeStatusSchema>;

/** An absolute folder path (a local disk or a mapped/UNC network share), or null to turn the exchange off. */
export const ExchangeFolderSchema = z
  .string()
  .trim()
  .min(1, 'Choose a folder.')
  .max(400, 'The folder path is too long.')
  .regex(/^[^\p{Cc}]*$/u, 'The folder path must not contain control characters.');

export const ConfigureExchangeSchema = z
  .object({
    folder: ExchangeFolderSchema.nullable(),
    commitTimeoutMinutes: z.number().int().min(1, 'At least 1 minute.').max(1_440, 'At most 24 hours (1440 minutes).').optional(),
    networkShare: z.boolean().optional(),
    supervisorPin: SupervisorPinSchema,
  })
  .strict();
export type ConfigureExchange = z.infer<typeof ConfigureExchangeSchema>;

export const ResolveExchangeAttentionSchema = z
  .object({
    requestId: z.string().min(1).max(60),
    note: z.string().trim().min(3, 'Say briefly what you found on the EPOS.').max(500),
    supervisorPin: SupervisorPinSchema,
  })
  .strict();
