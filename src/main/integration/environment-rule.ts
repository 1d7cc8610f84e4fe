import { EnvironmentSchema, type Environment } from '../../shared/app-info';
import { AppError } from '../errors';

/**
 * The environment rule for every way an EPOS reaches the till (the HTTP API, the command line, a folder
 * exchange): an EPOS must never take a training or sandbox approval for real money.
 *
 * - Every answer says which environment produced it (`Till-Environment` header, `environment` in the body).
 * - Outside production, a request that starts a sale or a refund must name the till's environment
 *   (`Till-Environment: training` or `sandbox`); without it, or naming another one, it is refused with 409.
 *   Production needs nothing (naming `production` is allowed).
 * - The command line takes `--environment` or `TILL_ENVIRONMENT` for the same, and exits with its own code
 *   when the result comes from training or sandbox.
 */
export const ENVIRONMENT_HEADER = 'Till-Environment';
export const ENVIRONMENT_VARIABLE = 'TILL_ENVIRONMENT';
/** The command line's exit code for any payment result that is not real money (training or sandbox). */
export const EXIT_NOT_PRODUCTION = 5;

/** The environment a request named (a header, a CLI option, a field in an exchange file): undefined when absent. */
export function namedEnvironment(raw: string | readonly string[] | undefined | null): Environment | undefined {
  const value = Array.isArray(raw) ? raw[0] : (raw as string | undefined | null);
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = EnvironmentSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new AppError('VALIDATION', `${ENVIRONMENT_HEADER} must be training, sandbox or production.`, { [ENVIRONMENT_HEADER]: ['training, sandbox or production.'] });
  }
  return parsed.data;
}

const DESCRIBE: Record<Environment, string> = {
  training: 'training mode (the built-in simulator: no money moves)',
  sandbox: "sandbox mode (Dojo's test environment: no real money moves)",
  production: 'production mode (real money)',
};

/** The environment in words for a cashier or an EPOS ("training mode (the built-in simulator: no money moves)"). */
export const describeEnvironment = (environment: Environment): string => DESCRIBE[environment];

/** How a door names the environment: the HTTP header (and the CLI option), or a field in an exchange file. */
export interface EnvironmentField {
  /** The field's name, for field errors. */
  name: string;
  /** How a request says it, e.g. "Till-Environment: sandbox" or "the line environment=sandbox". */
  say: (environment: Environment) => string;
}
export const HEADER_FIELD: EnvironmentField = { name: ENVIRONMENT_HEADER, say: (environment) => `${ENVIRONMENT_HEADER}: ${environment} (command line: --environment ${environment})` };

/**
 * May a request that starts a sale or a refund go ahead on this till? Throws the refusal the EPOS sees
 * (ENVIRONMENT_NOT_CONFIRMED or ENVIRONMENT_MISMATCH, both 409) when not. Every door calls this one function.
 */
export function requireEnvironment(till: Environment, named: Environment | undefined, field: EnvironmentField = HEADER_FIELD): void {
  if (named === till) return;
  if (named === undefined) {
    if (till === 'production') return;
    throw new AppError(
      'ENVIRONMENT_NOT_CONFIRMED',
      `The till is in ${DESCRIBE[till]}. A request must say ${field.say(till)}, so a ${till} result can never pass for a real payment. Nothing was started.`,
      { [field.name]: [`Must be ${till} on this till.`] },
    );
  }
  throw new AppError('ENVIRONMENT_MISMATCH', `The request is for ${named} but the till is in ${DESCRIBE[till]}. Nothing was started.`, { [field.name]: [`This till is in ${till}.`] });
}

/**
 * A retry with a key already used answers with that payment only in the till's environment: a key first used
 * for a training or sandbox payment never answers a production request as if that were its result (and the
 * other way round). Nothing is started either way.
 */
export function requireReplayEnvironment(till: Environment, payment: { id: string; environment: string }): void {
  if (payment.environment === till) return;
  const then = DESCRIBE[payment.environment as Environment] ?? payment.environment;
  throw new AppError('ENVIRONMENT_MISMATCH', `This key was already used for payment ${payment.id} in ${then}; this till is now in ${DESCRIBE[till]}. Nothing was started: use a new key for a new payment.`);
}

/** The header every answer carries. */
export const environmentHeaders = (environment: Environment | null): Record<string, string> => (environment ? { [ENVIRONMENT_HEADER.toLowerCase()]: environment } : {});

/** The command line's exit code for a payment result: its own code outside production, else the outcome's. */
export const exitCodeInEnvironment = (environment: unknown, productionCode: number): number => (environment === 'production' ? productionCode : EXIT_NOT_PRODUCTION);
