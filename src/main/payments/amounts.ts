/** The amounts of a payment as the journal keeps them from Dojo's record (minor units). */
export interface DojoAmounts {
  amount: number;
  totalAmount: number | null;
  tipsAmount: number | null;
  cashbackAmount: number | null;
}

/** What a payment moved: the goods (the amount asked), gratuity and cashback added on the terminal, and the card's charge. */
export interface Amounts {
  goods: number;
  gratuity: number;
  cashback: number;
  charged: number;
}

/**
 * The one rule for "what the card was charged", used by everything that shows, totals or exports an amount (the
 * screens, history totals and CSV, the EPOS API, the folder exchange, the X/Z reports) and by the refundable amount.
 *
 * Dojo's `totalAmount` counts the gratuity, but Dojo does not say whether it counts the cashback
 * (docs/dojo-api.md A6). The card paid the cashback either way (the customer took it from the drawer), so the
 * charge is the larger of Dojo's total and goods + gratuity + cashback: with the cashback in the total the two
 * agree (or the total is larger by something else the card paid, which is kept); without it, the sum is the charge.
 */
export function amountsOf(p: DojoAmounts): Amounts {
  const goods = p.amount;
  const gratuity = p.tipsAmount ?? 0;
  const cashback = p.cashbackAmount ?? 0;
  return { goods, gratuity, cashback, charged: Math.max(p.totalAmount ?? goods, goods + gratuity + cashback) };
}

/** `amountsOf(...).charged` in SQL over the journal's payments columns; `p` is a table alias with its dot, or ''. */
export const chargedSql = (p = '') => `max(coalesce(${p}total_amount, ${p}amount), ${p}amount + coalesce(${p}tips_amount, 0) + coalesce(${p}cashback_amount, 0))`;
