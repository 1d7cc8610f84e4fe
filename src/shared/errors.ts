import { z } from 'zod';

/** Stable error codes: the UI and the EPOS API switch on these, never on messages. */
export const ERROR_CODES = [
  'VALIDATION',
  'FORBIDDEN_SENDER',
  'NOT_CONFIGURED',
  'NOT_FOUND',
  'CONFLICT',
  'KEYCHAIN_UNAVAILABLE',
  'PAYMENT_IN_PROGRESS',
  'CANNOT_CANCEL',
  /** The action needs the supervisor PIN (given on the companion, checked in main). */
  'SUPERVISOR_REQUIRED',
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
