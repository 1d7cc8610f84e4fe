import type { ErrorCode } from '../../shared/errors';
import { AppError } from '../errors';
import type { DojoProblem } from './schemas';

/**
 * A Dojo call that failed. `outcomeUnknown` says the request may have taken effect (a write that timed out, lost
 * its answer, got a 5xx or an unreadable body): the engine must recover from Dojo, never assume "declined".
 */
export class DojoError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly details: { status?: number; outcomeUnknown: boolean; fields?: Record<string, string[]>; dojoCode?: string },
  ) {
    super(code, message, details.fields);
    this.name = 'DojoError';
  }
  get outcomeUnknown(): boolean {
    return this.details.outcomeUnknown;
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

export const isDojoError = (error: unknown): error is DojoError => error instanceof DojoError;

function fieldsOf(problem: DojoProblem | undefined): Record<string, string[]> | undefined {
  if (!problem?.errors) return undefined;
  const out: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(problem.errors)) {
    out[field] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return Object.keys(out).length ? out : undefined;
}

/** Maps an HTTP error answer to a stable code and a message the cashier can act on. */
export function errorFromResponse(status: number, problem: DojoProblem | undefined, write: boolean): DojoError {
  const said = problem?.detail || problem?.title || '';
  const fields = fieldsOf(problem);
  const base = { status, outcomeUnknown: false, ...(fields ? { fields } : {}), ...(problem?.code ? { dojoCode: problem.code } : {}) };
  if (status === 401 || status === 403) {
    const partner = /software house|reseller/i.test(said);
    return new DojoError(
      'DOJO_AUTH',
      partner
        ? `Dojo refused the request: ${said} This build's partner ids (software-house-id / reseller-id) need checking by your reseller.`
        : 'Dojo did not accept the API key. Check the key in Settings (it may have been revoked or belong to another environment).',
      base,
    );
  }
  if (problem?.code === 'TERMINAL_UNAVAILABLE') {
    return /offline/i.test(said)
      ? new DojoError('TERMINAL_OFFLINE', 'The terminal is offline. Check it is switched on and connected, then try again.', base)
      : new DojoError('TERMINAL_BUSY', 'The terminal is busy with another payment. Wait for it to finish, or choose another terminal.', base);
  }
  if (status === 404) return new DojoError('DOJO_NOT_FOUND', `Dojo could not find that ${said ? `(${said})` : 'item'}.`, base);
  if (status === 409 || status === 422) return new DojoError('DOJO_CONFLICT', said || 'Dojo refused the request in the current state.', base);
  if (status >= 400 && status < 500) {
    return new DojoError('DOJO_VALIDATION', said ? `Dojo refused the request: ${said}` : 'Dojo refused the request as invalid.', base);
  }
  return new DojoError('DOJO_SERVER', `Dojo had a problem (HTTP ${status}). ${write ? 'Checking what happened before going on.' : 'Please try again shortly.'}`, {
    ...base,
    outcomeUnknown: write,
  });
}
