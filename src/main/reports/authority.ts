import type { AuditLog } from '../authority/audit';
import type { SupervisorAuthority } from '../authority/guard';
import { AppError } from '../errors';

/**
 * What end of day needs from supervisor authority: the one main-side guard (PIN checked, counted and audited
 * there, never in the renderer) and the append-only audit.
 */
export interface EodAuthority {
  guard: Pick<SupervisorAuthority, 'withSupervisor'>;
  audit: Pick<AuditLog, 'record'>;
}

export function supervisorRequired(why: string): AppError {
  return new AppError('SUPERVISOR_REQUIRED', why, { supervisorPin: ['The supervisor PIN is needed for this.'] });
}
