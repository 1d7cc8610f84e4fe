import { z } from 'zod';
import { SupervisorPinSchema } from './settings';

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
  /** The EPOS bearer token: shown so it can be copied into the EPOS configuration. */
  token: z.string().nullable(),
  tokenStorage: z.enum(['keychain', 'memory', 'environment']),
});
export type EposInfo = z.infer<typeof EposInfoSchema>;

export const RefundRequestViewSchema = z.object({
  requestId: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reference: z.string().nullable(),
  createdAt: z.string(),
});
export type RefundRequestView = z.infer<typeof RefundRequestViewSchema>;

export const ConfirmRefundRequestSchema = z.object({ requestId: z.string().min(1).max(60), supervisorPin: SupervisorPinSchema, terminalId: z.string().min(1).max(100).optional() }).strict();
export const RequestIdSchema = z.object({ requestId: z.string().min(1).max(60) }).strict();
