import { AppError } from '../errors';

/**
 * What end of day needs from supervisor authority: the PIN checked in main (never in the renderer) and an
 * audit trail. The guard and audit table of issue 14 plug in here; until then the settings' PIN check is used
 * and reconciliation keeps its own append-only action log.
 */
export interface EodAuthority {
  /** Resolves when the PIN is right; SUPERVISOR_REQUIRED without one, VALIDATION when wrong (with lock-out). */
  requireSupervisor(pin: string | undefined, action: string): Promise<void>;
  /** One line in the audit trail (never a secret in `detail`). */
  audit(action: string, detail: Record<string, unknown>): void;
}

export function supervisorRequired(why: string): AppError {
  return new AppError('SUPERVISOR_REQUIRED', why, { supervisorPin: ['The supervisor PIN is needed for this.'] });
}
