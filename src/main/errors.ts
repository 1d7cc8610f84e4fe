import type { ErrorCode, IpcError } from '../shared/errors';

/** An error with a stable code and a message a cashier can act on. Anything else is reported as INTERNAL. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Turns anything thrown into an IpcError without leaking stacks or internals. */
export function toIpcError(error: unknown): IpcError {
  if (isAppError(error)) {
    return error.fields ? { code: error.code, message: error.message, fields: error.fields } : { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: 'Something went wrong inside the app. The action was not completed; please try again.' };
}

/** zod issues -> `{ "amount": ["Amount must be more than zero."] }`. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '(input)';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
