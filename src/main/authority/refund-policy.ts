import { AUDIT_ACTIONS, type AuditActor } from '../../shared/audit';
import { formatMoney as money, type Currency } from '../../shared/money';
import { AppError } from '../errors';
import { isFinal } from '../payments/record';
import type { PaymentsPort } from '../payments/port';
import type { Logger } from '../logging/logger';
import type { AuditLog } from './audit';
import type { SupervisorAuthority } from './guard';
import type { RefundLimits } from './security-store';
import { journalTamperMessage } from './journal-seal';

/** What a sale has given back or is giving back now (refunds approved, running or waiting for a person). */
export function givenBack(engine: Pick<PaymentsPort, 'checkRefundable'>, saleId: string): number {
  const { sale, refunds } = engine.checkRefundable(saleId, 0);
  return sale.refundedAmount + refunds.filter((r) => !isFinal(r.status)).reduce((sum, r) => sum + r.amount, 0);
}

/** Unlinked refunds since a time that gave (or may still give) money, per currency. */
export type RefundUsage = { count: number; byCurrency: Record<string, number> };

/** Why an unlinked refund is over a limit or a daily cap, or null. Pure: the same rule for the till and the EPOS. */
export function unlinkedRefundProblem(limits: RefundLimits, used: RefundUsage, amount: number, currency: Currency): string | null {
  const limit = limits.unlinkedRefund[currency];
  if (amount > limit) return `Unlinked refunds are limited to ${money(limit, currency)} each at this till.`;
  if (used.count + 1 > limits.daily.count) return `This till has already made ${used.count} unlinked refund${used.count === 1 ? '' : 's'} today: the daily limit is ${limits.daily.count}.`;
  const usedAmount = used.byCurrency[currency] ?? 0;
  const cap = limits.daily.amount[currency];
  if (usedAmount + amount > cap) return `Unlinked refunds today would come to ${money(usedAmount + amount, currency)}: the daily limit at this till is ${money(cap, currency)} (${money(Math.max(0, cap - usedAmount), currency)} left).`;
  return null;
}

/** A trading day lasts at least this long in real time (23 h on the day the clocks go forward). */
export const SHORTEST_TRADING_DAY_MS = 23 * 60 * 60_000;

/** Where the start of the day the caps count from is kept (sealed: authority/security-store.ts `capDayStart`). */
export interface CapDayStore {
  read(): Promise<number | undefined>;
  write(start: number | undefined): Promise<void>;
}

/**
 * The refund rules enforced in main: unlinked refunds need the supervisor and stay within the per-currency
 * limit and the till's daily caps (count and amount, so a large refund cannot be split); matched refunds above
 * the build's threshold need the supervisor too, wherever they come from.
 */
export class RefundPolicy {
  constructor(
    private readonly options: {
      authority: SupervisorAuthority;
      audit: AuditLog;
      /** Unlinked refunds in the current environment's journal since a time. */
      usage: (since: number) => RefundUsage;
      /** Start of the current trading day (epoch ms). */
      dayStart: () => number;
      matchedThreshold: Record<Currency, number>;
      /** What a sale has given back or is giving back now (see givenBack). */
      givenBack: (saleId: string) => number;
      capDay: CapDayStore;
      logger: Logger;
      /** What the journal seal found changed outside the app in the current journal, or null (journal-seal.ts). */
      journalProblem?: () => string | null;
    },
  ) {}

  /** The start of the day the caps last counted from (read from the sealed settings by `refreshDay`). */
  private capDay: number | undefined;

  usedToday(): RefundUsage {
    return this.options.usage(this.dayStart());
  }

  /** What the journal seal found changed in the current journal, as the supervisor is told, or null. */
  journalTampered(): string | null {
    const why = this.options.journalProblem?.();
    return why ? journalTamperMessage(why) : null;
  }

  /** Where today's caps count from (the journal seal seals the refunds since then). */
  countingFrom(): number {
    return this.dayStart();
  }

  /**
   * Where today's caps count from: the trading day's start, unless that came less than a day after the start the
   * caps last counted from — then the clock or the time zone moved (a cashier can change the zone without
   * being an administrator on Windows), and the caps go on counting from that earlier start.
   */
  private dayStart(): number {
    const start = this.options.dayStart();
    const last = this.capDay;
    return last !== undefined && start > last && start - last < SHORTEST_TRADING_DAY_MS ? last : start;
  }

  /** Reads the sealed start of the caps' day, and moves it on when a new day has really begun (at most daily). */
  async refreshDay(): Promise<void> {
    try {
      const last = await this.options.capDay.read();
      this.capDay = last;
      const start = this.options.dayStart();
      if (last === undefined || start - last >= SHORTEST_TRADING_DAY_MS) {
        await this.options.capDay.write(start);
        this.capDay = start;
      }
    } catch (error) {
      // Locked or no keychain: no unlinked refund can be approved then anyway; the last start read still holds.
      this.options.logger.warn('the start of the daily refund caps could not be read or saved', { error: String(error) });
    }
  }

  /** The supervisor moved the trading day start (their decision, audited): the caps count from the new one. */
  dayStartChanged(): void {
    this.capDay = undefined;
  }

  /** Refuses (LIMIT_EXCEEDED, audited) an unlinked refund over a limit or cap: before asking anyone for a PIN. */
  async checkUnlinked(amount: number, currency: Currency, requestedBy: AuditActor = 'cashier'): Promise<void> {
    // A journal changed outside the app may have had its cap usage reset: no unlinked refund until a supervisor
    // has acknowledged it (with the PIN, audited).
    const tampered = this.options.journalProblem?.();
    if (tampered) {
      this.options.audit.record({ action: AUDIT_ACTIONS.unlinkedRefund, outcome: 'refused', actor: requestedBy, summary: `Unlinked refund of ${money(amount, currency)}: refused (the journal was changed outside the app)`, detail: { amount, currency, reason: tampered } });
      throw new AppError('JOURNAL_TAMPERED', journalTamperMessage(tampered));
    }
    await this.refreshDay();
    const problem = unlinkedRefundProblem(await this.options.authority.limits(), this.usedToday(), amount, currency);
    if (!problem) return;
    this.options.audit.record({ action: AUDIT_ACTIONS.unlinkedRefund, outcome: 'refused', actor: requestedBy, summary: `Unlinked refund of ${money(amount, currency)}: refused (${problem})`, detail: { amount, currency, reason: problem } });
    throw new AppError('LIMIT_EXCEEDED', problem, { amount: [problem] });
  }

  /**
   * An unlinked refund: limits, then the supervisor PIN, then the limits again and `start` in one synchronous
   * step (two refunds approved at once cannot both squeeze under a cap).
   */
  async unlinked<T>(pin: string | undefined, input: { amount: number; currency: Currency; subject?: string; requestedBy?: AuditActor; action?: string }, start: () => T): Promise<T> {
    const { amount, currency } = input;
    await this.checkUnlinked(amount, currency, input.requestedBy);
    const limits = await this.options.authority.limits();
    const context = { summary: `Unlinked refund of ${money(amount, currency)} approved`, subject: input.subject ?? null, detail: { amount, currency }, ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}) };
    return this.options.authority.withSupervisor(pin, input.action ?? AUDIT_ACTIONS.unlinkedRefund, context, () => {
      const problem = unlinkedRefundProblem(limits, this.usedToday(), amount, currency);
      if (problem) throw new AppError('LIMIT_EXCEEDED', problem, { amount: [problem] });
      return start();
    });
  }

  /**
   * Whether a matched refund needs the supervisor: when the sale's refunds, this one included, would come to more
   * than the threshold (refunds of one sale count together, so a large refund cannot be split into small ones).
   */
  matchedNeedsPin(amount: number, currency: Currency, saleId: string): boolean {
    return this.options.givenBack(saleId) + amount > this.options.matchedThreshold[currency];
  }

  /** A matched refund: above the threshold only with the supervisor PIN (audited); below it, as it is. */
  async matched<T>(pin: string | undefined, input: { amount: number; currency: Currency; saleId: string; subject?: string; requestedBy?: AuditActor; action?: string }, start: () => T): Promise<T> {
    if (!this.matchedNeedsPin(input.amount, input.currency, input.saleId)) return start();
    const context = { summary: `Matched refund of ${money(input.amount, input.currency)} approved`, subject: input.subject ?? input.saleId, detail: { amount: input.amount, currency: input.currency, saleId: input.saleId }, ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}) };
    return this.options.authority.withSupervisor(pin, input.action ?? AUDIT_ACTIONS.matchedRefund, context, start);
  }
}
