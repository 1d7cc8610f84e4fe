import { z } from 'zod';
import { SupervisorPinSchema } from './settings';

export const EposInfoSchema = z.object({
  enabled: z.boolean(),
  url: z.string().nullable(),
  port: z.number().int(),
  /** The EPOS bearer token: shown so it can be copied into the EPOS configuration. */
  token: z.string().nullable(),
  tokenStorage: z.enum(['keychain', 'memory', 'environment']),
  error: z.string().nullable(),
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
