import type { CurrencyFigures } from '../../shared/reports';
import type { DayRow } from './report-journal';

/** Unknown card schemes (hand-resolved payments, refunds without card details) are shown as this. */
export const UNKNOWN_SCHEME = 'Unknown';

const emptyFigures = (currency: string): CurrencyFigures => ({
  currency,
  sales: { count: 0, goods: 0, gratuity: 0, cashback: 0, total: 0 },
  matchedRefunds: { count: 0, amount: 0 },
  unlinkedRefunds: { count: 0, amount: 0 },
  netCardTakings: 0,
  cashbackPaidOut: 0,
  bySchemes: [],
  declined: 0,
  cancelled: 0,
  expired: 0,
  notCharged: 0,
  handResolved: { sales: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, notCharged: 0, net: 0 },
});

/**
 * A day's grouped rows -> figures per currency. Sales and refunds count what Dojo confirmed; payments a person
 * resolved by hand are counted apart (their amounts rest on what the cashier saw, not on Dojo's record).
 */
export function figuresOf(rows: readonly DayRow[]): CurrencyFigures[] {
  const byCurrency = new Map<string, CurrencyFigures>();
  const schemes = new Map<string, Map<string, CurrencyFigures['bySchemes'][number]>>();
  for (const row of rows) {
    const f = byCurrency.get(row.currency) ?? emptyFigures(row.currency);
    byCurrency.set(row.currency, f);
    const charged = row.charged;
    if (row.status === 'approved') {
      const isSale = row.type === 'Sale';
      if (row.byHand) {
        const bucket = isSale ? f.handResolved.sales : f.handResolved.refunds;
        bucket.count += row.count;
        bucket.amount += isSale ? charged : row.goods;
        continue;
      }
      if (isSale) {
        f.sales.count += row.count;
        f.sales.goods += row.goods;
        f.sales.gratuity += row.gratuity;
        f.sales.cashback += row.cashback;
        f.sales.total += charged;
      } else {
        const bucket = row.type === 'MatchedRefund' ? f.matchedRefunds : f.unlinkedRefunds;
        bucket.count += row.count;
        bucket.amount += row.goods;
      }
      const perCurrency = schemes.get(row.currency) ?? new Map();
      schemes.set(row.currency, perCurrency);
      const name = row.scheme || UNKNOWN_SCHEME;
      const scheme = perCurrency.get(name) ?? { scheme: name, sales: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 }, net: 0 };
      perCurrency.set(name, scheme);
      const side = isSale ? scheme.sales : scheme.refunds;
      side.count += row.count;
      side.amount += isSale ? charged : row.goods;
      scheme.net += isSale ? charged : -row.goods;
    } else if (row.status === 'declined') f.declined += row.count;
    else if (row.status === 'cancelled') f.cancelled += row.count;
    else if (row.status === 'expired') f.expired += row.count;
    else if (row.status === 'failed') {
      if (row.byHand) f.handResolved.notCharged += row.count;
      else f.notCharged += row.count;
    }
  }
  for (const f of byCurrency.values()) {
    f.netCardTakings = f.sales.total - f.matchedRefunds.amount - f.unlinkedRefunds.amount;
    f.cashbackPaidOut = f.sales.cashback;
    f.handResolved.net = f.handResolved.sales.amount - f.handResolved.refunds.amount;
    f.bySchemes = [...(schemes.get(f.currency)?.values() ?? [])].sort((a, b) => a.scheme.localeCompare(b.scheme));
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
