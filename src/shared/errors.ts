import { z } from 'zod';

/** Stable error codes: the UI and the EPOS API switch on these, never on messages. */
export const ERROR_CODES = [
  'VALIDATION',
  'FORBIDDEN_SENDER',
  'NOT_CONFIGURED',
  'NOT_FOUND',
  'CONFLICT',
  'KEYCHAIN_UNAVAILABLE',
  /** A supervisor-protected action was asked for without the supervisor PIN. */
  'SUPERVISOR_REQUIRED',
  /** Too many wrong supervisor PINs: locked for a while (the message says until when). */
  'PIN_LOCKED',
  /** The supervisor settings could not be verified (edited, missing or no keychain): locked until a reseller resets them. */
  'SECURITY_LOCKED',
  /** The journal was changed outside the app (audit rows or cap usage): unlinked refunds wait for a supervisor's acknowledgement. */
  'JOURNAL_TAMPERED',
  /** Over a refund limit or a daily cap set for this till. */
  'LIMIT_EXCEEDED',
  /** Too many requests waiting (e.g. EPOS refund requests): try again later. */
  'TOO_MANY_REQUESTS',
  /** An EPOS Idempotency-Key sent again with a different body: another request, never a replay (nothing started). */
  'IDEMPOTENCY_KEY_REUSED',
  'PAYMENT_IN_PROGRESS',
  'CANNOT_CANCEL',
  'DOJO_AUTH',
  'DOJO_VALIDATION',
  'DOJO_NOT_FOUND',
  'DOJO_CONFLICT',
  'DOJO_SERVER',
  'DOJO_BAD_RESPONSE',
  'TERMINAL_BUSY',
  'TERMINAL_OFFLINE',
  'NETWORK',
  'TIMEOUT',
  /** The EPOS did not name the till's (non-production) environment on a sale or refund: see environment-rule.ts. */
  'ENVIRONMENT_NOT_CONFIRMED',
  /** The EPOS named another environment than the till's. */
  'ENVIRONMENT_MISMATCH',
  /** The till had a Dojo key and cannot read it now (keychain locked, key gone): no payments until fixed. */
  'KEY_UNAVAILABLE',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const IpcErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Field messages for VALIDATION / DOJO_VALIDATION: path -> messages. */
  fields: z.record(z.string(), z.array(z.string())).optional(),
});
export type IpcError = z.infer<typeof IpcErrorSchema>;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };
