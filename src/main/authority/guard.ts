import { AUDIT_ACTIONS, type AuditActor, type AuditDetail } from '../../shared/audit';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import type { AuditLog } from './audit';
import { hashPin, requireGoodPin, verifyPin } from './pin';
import type { RefundLimits, SecurityBlock, SecurityStore } from './security-store';

/** Wrong PINs in a row before a lock-out. */
export const PIN_ATTEMPTS = 5;
/** Each lock-out lasts longer than the one before, until a right PIN: 1 min, 5 min, 15 min, 1 h, then 4 h. */
export const LOCKOUT_STEPS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 4 * 60 * 60_000] as const;

/** What a guarded action says about itself in the audit. */
export interface GuardContext {
  /** One line for the audit ("Unlinked refund of £12.50 approved"). */
  summary: string;
  /** The payment, request or setting it is about. */
  subject?: string | null;
  /** Plain facts (never a PIN, key or token). */
  detail?: AuditDetail;
  /** Who asked, besides the supervisor whose PIN it is (e.g. the EPOS for a refund request). */
  requestedBy?: AuditActor;
}

export interface SupervisorStatus {
  pinSet: boolean;
  minPinLength: number;
  /** End of the current lock-out after wrong PINs (epoch ms), or null. */
  lockedUntil: number | null;
  /** Why supervisor actions are locked until a reseller resets the settings, or null. */
  locked: string | null;
  limits: RefundLimits | null;
}

/**
 * The one main-side guard for supervisor-protected actions. Every such action (IPC handler, EPOS refund-request
 * approval, anything added later) goes through `withSupervisor` or `requireSupervisor`: the PIN is checked here,
 * never in the renderer; checks are serialised and each attempt is counted and saved *before* the PIN is
 * evaluated, so concurrent guesses cannot outrun the lock-out and a restart does not reset it. Every decision
 * (allowed, refused, failed) is written to the audit.
 */
export class SupervisorAuthority {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      store: SecurityStore;
      audit: AuditLog;
      minPinLength: number;
      now: () => number;
      logger: Logger;
    },
  ) {}

  async status(): Promise<SupervisorStatus> {
    const state = await this.options.store.read();
    if (state.kind === 'locked') return { pinSet: true, minPinLength: this.options.minPinLength, lockedUntil: null, locked: state.reason, limits: null };
    const { supervisorPin, lockout, limits } = state.block;
    const now = this.options.now();
    const lockedUntil = Math.min(lockout.lockedUntil, now + LOCKOUT_STEPS_MS.at(-1)!);
    return { pinSet: supervisorPin !== null, minPinLength: this.options.minPinLength, lockedUntil: lockedUntil > now ? lockedUntil : null, locked: null, limits };
  }

  /** The verified refund limits (throws SECURITY_LOCKED when the settings cannot be verified). */
  async limits(): Promise<RefundLimits> {
    return (await this.verified()).limits;
  }

  /**
   * Checks the supervisor PIN for `action`, then runs `run` and audits the outcome. `run` starts right after the
   * PIN is accepted: keep a check and the step it guards in one synchronous block (e.g. a daily cap and the
   * refund it allows), so no other action can slip in between.
   */
  async withSupervisor<T>(pin: string | undefined, action: string, context: GuardContext, run: () => T | Promise<T>): Promise<T> {
    await this.checkPin(pin, action, context);
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const refused = error instanceof AppError && ['LIMIT_EXCEEDED', 'VALIDATION', 'CONFLICT', 'NOT_FOUND', 'PAYMENT_IN_PROGRESS', 'NOT_CONFIGURED'].includes(error.code);
      this.audit(action, refused ? 'refused' : 'failed', context, { reason: reasonOf(error) });
      throw error;
    }
    this.audit(action, 'ok', context);
    return result;
  }

  requireSupervisor(pin: string | undefined, action: string, context: GuardContext): Promise<void> {
    return this.withSupervisor(pin, action, context, () => undefined);
  }

  /** `settings:verifySupervisorPin`: the same counted, serialised check; a wrong PIN is `false`, a lock-out an error. */
  async verify(pin: string): Promise<boolean> {
    try {
      await this.checkPin(pin, AUDIT_ACTIONS.pinCheck, { summary: 'Supervisor PIN checked' });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') return false;
      throw error;
    }
    this.audit(AUDIT_ACTIONS.pinCheck, 'ok', { summary: 'Supervisor PIN checked' });
    return true;
  }

  /** Sets the first PIN, or changes it with the current one. The new PIN is typed twice and must not be trivial. */
  async setPin(change: { current?: string | undefined; next: string; confirm: string }): Promise<void> {
    if (change.next !== change.confirm) throw new AppError('VALIDATION', 'The two new PINs are not the same.', { confirm: ['Type the same PIN again.'] });
    requireGoodPin(change.next, this.options.minPinLength);
    const block = await this.verified();
    const write = async (first: boolean) => {
      const supervisorPin = await hashPin(change.next);
      await this.options.store.write((b) => {
        // Checked again in the write itself: a PIN set meanwhile (another window) is not replaced without it.
        if (first && b.supervisorPin) throw new AppError('SUPERVISOR_REQUIRED', 'A supervisor PIN is already set. Enter it to change it.', { current: ['Required to change the PIN.'] });
        return { ...b, supervisorPin, lockout: { failures: 0, lockouts: 0, lockedUntil: 0 } };
      });
    };
    if (block.supervisorPin === null) {
      // The first PIN needs none (a till whose PIN was lost or tampered with is locked, never "not set").
      await write(true);
      this.options.audit.record({ action: AUDIT_ACTIONS.pinSet, outcome: 'ok', actor: 'cashier', subject: 'supervisorPin', summary: 'Supervisor PIN set (the first one: no PIN was needed)' });
      return;
    }
    if (!change.current) throw new AppError('SUPERVISOR_REQUIRED', 'Enter the current supervisor PIN to change it.', { current: ['Required to change the PIN.'] });
    await this.withSupervisor(change.current, AUDIT_ACTIONS.pinChange, { summary: 'Supervisor PIN changed' }, () => write(false));
  }

  /** Changes refund limits (supervisor only): each value bounded by the domain's maximum. */
  async setLimits(pin: string | undefined, change: (limits: RefundLimits) => RefundLimits, detail: AuditDetail): Promise<RefundLimits> {
    return this.withSupervisor(pin, AUDIT_ACTIONS.limitsChange, { summary: 'Refund limits changed', subject: 'limits', detail }, async () => {
      const block = await this.options.store.write((b) => ({ ...b, limits: change(b.limits) }));
      return block.limits;
    });
  }

  private async verified(): Promise<SecurityBlock> {
    const state = await this.options.store.read();
    if (state.kind === 'locked') throw new AppError('SECURITY_LOCKED', state.reason);
    return state.block;
  }

  /** One PIN check at a time; the attempt is saved before the PIN is evaluated. */
  private checkPin(pin: string | undefined, action: string, context: GuardContext): Promise<void> {
    const run = this.queue.then(() => this.evaluate(pin, action, context));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluate(pin: string | undefined, action: string, context: GuardContext): Promise<void> {
    const refuse = (error: AppError, reason: string): never => {
      this.audit(action, 'refused', context, { reason });
      throw error;
    };
    if (!pin) refuse(new AppError('SUPERVISOR_REQUIRED', 'This needs the supervisor PIN.', { supervisorPin: ['Enter the supervisor PIN.'] }), 'no PIN given');
    const state = await this.options.store.read();
    if (state.kind === 'locked') return refuse(new AppError('SECURITY_LOCKED', state.reason), 'supervisor settings locked');
    const { supervisorPin, lockout } = state.block;
    if (!supervisorPin) return refuse(new AppError('NOT_CONFIGURED', 'No supervisor PIN is set. Set one in Settings first.'), 'no PIN set');
    const now = this.options.now();
    // A clock set back never makes a lock-out longer than the longest step.
    const lockedUntil = Math.min(lockout.lockedUntil, now + LOCKOUT_STEPS_MS.at(-1)!);
    if (now < lockedUntil) return refuse(lockedOut(lockedUntil, now), 'locked out after wrong PINs');

    // Counted (and on disk) before the slow part: a guess in flight, or a restart during it, still counts.
    const counted = await this.options.store.write((b) => ({ ...b, lockout: { ...b.lockout, failures: b.lockout.failures + 1 } }));
    if (await verifyPin(pin!, supervisorPin)) {
      await this.options.store.write((b) => ({ ...b, lockout: { failures: 0, lockouts: 0, lockedUntil: 0 } }));
      return;
    }
    if (counted.lockout.failures < PIN_ATTEMPTS) {
      const left = PIN_ATTEMPTS - counted.lockout.failures;
      return refuse(new AppError('VALIDATION', `The supervisor PIN is not right (${left} ${left === 1 ? 'try' : 'tries'} left before a lock-out).`, { supervisorPin: ['Wrong PIN.'] }), 'wrong PIN');
    }
    const step = LOCKOUT_STEPS_MS[Math.min(counted.lockout.lockouts, LOCKOUT_STEPS_MS.length - 1)]!;
    const until = this.options.now() + step;
    await this.options.store.write((b) => ({ ...b, lockout: { failures: 0, lockouts: b.lockout.lockouts + 1, lockedUntil: until } }));
    this.audit(AUDIT_ACTIONS.pinLockedOut, 'refused', { summary: `Supervisor PIN locked for ${minutes(step)} after ${PIN_ATTEMPTS} wrong tries`, detail: { lockouts: counted.lockout.lockouts + 1, lockedUntil: new Date(until).toISOString() } });
    return refuse(lockedOut(until, this.options.now()), 'wrong PIN');
  }

  /** A decision for the audit: allowed actions were the supervisor's (the PIN proved it); refused ones whoever asked. */
  private audit(action: string, outcome: 'ok' | 'refused' | 'failed', context: GuardContext, extra: AuditDetail = {}): void {
    const reason = extra['reason'] ? ` (${String(extra['reason'])})` : '';
    this.options.audit.record({
      action,
      outcome,
      actor: outcome === 'refused' ? (context.requestedBy ?? 'cashier') : 'supervisor',
      subject: context.subject ?? null,
      summary: outcome === 'ok' ? context.summary : `${context.summary}: ${outcome}${reason}`,
      detail: { ...(context.detail ?? {}), ...(context.requestedBy ? { requestedBy: context.requestedBy } : {}), ...extra },
    });
  }
}

function lockedOut(until: number, now: number): AppError {
  const wait = Math.max(1, Math.ceil((until - now) / 60_000));
  return new AppError('PIN_LOCKED', `Too many wrong supervisor PINs. Try again in ${wait} minute${wait === 1 ? '' : 's'} (at ${new Date(until).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}).`);
}

const minutes = (ms: number) => (ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);

function reasonOf(error: unknown): string {
  return error instanceof AppError ? `${error.code}: ${error.message}`.slice(0, 300) : 'internal error';
}
