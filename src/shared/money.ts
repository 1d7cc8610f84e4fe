import { z } from 'zod';

/** Dojo accepts GBP and EUR; both have two minor-unit digits. */
export const CURRENCIES = ['GBP', 'EUR'] as const;
export const CurrencySchema = z.enum(CURRENCIES);
export type Currency = z.infer<typeof CurrencySchema>;

/**
 * Our own ceiling for one card payment (99,999.99): far above a shop's basket, far below Dojo's int64,
 * so a mistyped amount cannot reach the terminal.
 */
export const MAX_AMOUNT_MINOR = 9_999_999;

export const AmountMinorSchema = z
  .number()
  .int('Amount must be a whole number of minor units (pence or cents).')
  .positive('Amount must be more than zero.')
  .max(MAX_AMOUNT_MINOR, `Amount must be at most ${MAX_AMOUNT_MINOR} minor units.`);

export const MoneySchema = z.object({ amount: z.number().int(), currency: z.string() });
export type Money = z.infer<typeof MoneySchema>;

const formatters = new Map<string, Intl.NumberFormat>();

/** Minor units -> what people read (en-GB, major units): 1250 GBP -> "£12.50". The one money formatter. */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-GB', { style: 'currency', currency, minimumFractionDigits: 2 });
    formatters.set(currency, formatter);
  }
  return formatter.format(minor / 100);
}
