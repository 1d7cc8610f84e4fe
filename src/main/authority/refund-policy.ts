import { AUDIT_ACTIONS, type AuditActor } from '../../shared/audit';
import { formatMoney as money, type Currency } from '../../shared/money';
import { AppError } from '../errors';
import { isFinal } from '../payments/record';
import type { PaymentsPort } from '../payments/port';
import type { AuditLog } from './audit';
import type { SupervisorAuthority } from './guard';
import type { RefundLimits } from './security-store';

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
    },
  ) {}

  usedToday(): RefundUsage {
    return this.options.usage(this.options.dayStart());
  }

  /** Refuses (LIMIT_EXCEEDED, audited) an unlinked refund over a limit or cap: before asking anyone for a PIN. */
  async checkUnlinked(amount: number, currency: Currency, requestedBy: AuditActor = 'cashier'): Promise<void> {
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
