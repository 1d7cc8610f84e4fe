import type { Environment } from '../../shared/app-info';
import { AppError } from '../errors';

/**
 * The EPOS environment rule, as the exchange applies it to a request's `environment=` line: outside production a
 * request must name the till's environment (training or sandbox), so a training or sandbox result can never pass
 * for real money; in production it may be left out (or say production). A request naming another environment
 * than the till's is refused either way.
 *
 * SEAM: the HTTP API's `Till-Environment` header follows the same rule (issue 12); when that reusable function
 * is in main, this file re-exports it instead and both doors share one rule.
 */
export function checkRequestEnvironment(named: Environment | undefined, till: Environment): void {
  if (named === till) return;
  if (named === undefined && till === 'production') return;
  const message =
    named === undefined
      ? `The till is in ${till} mode: no real money moves. Add the line environment=${till} to requests meant for ${till}; without it the request is refused so a ${till} result can never pass for a real payment.`
      : `The request is for ${named} but the till is in ${till} mode. Nothing was started.`;
  throw new AppError('CONFLICT', message, { environment: [named === undefined ? `Must be ${till} on this till.` : `This till is in ${till} mode.`] });
}
