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

/** Major units as plain text for files (CSV): 1250 -> "12.50", -300 -> "-3.00" (no symbol, no thousands separator). */
export const majorUnits = (minor: number): string => `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

/**
 * An amount a person typed in major units -> minor units, or why not. Understands "20", "£20", "12.50",
 * "12,50" (decimal comma), "1,234.56" and "€ 7". Never rounds: a third decimal is refused.
 */
export function parseMajorAmount(text: string): { ok: true; minor: number } | { ok: false; message: string } {
  const cleaned = text.replace(/[£€\s]|GBP|EUR/gi, '');
  if (!cleaned) return { ok: false, message: 'Enter an amount, like 20 or 12.50.' };
  let normalised = cleaned;
  const lastComma = cleaned.lastIndexOf(',');
  const lastDot = cleaned.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // Both: the later one is the decimal mark, the other groups thousands.
    normalised = lastDot > lastComma ? cleaned.replace(/,/g, '') : cleaned.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    // Only commas: "12,50" is a decimal comma; "1,234" groups thousands.
    normalised = /^\d+,\d{1,2}$/.test(cleaned) ? cleaned.replace(',', '.') : /^\d{1,3}(,\d{3})+$/.test(cleaned) ? cleaned.replace(/,/g, '') : cleaned;
  }
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(normalised);
  if (!match) return { ok: false, message: `"${text.trim()}" is not an amount. Use digits, like 20 or 12.50.` };
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const tooMuch = `That is more than the till takes in one payment (at most ${new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2 }).format(MAX_AMOUNT_MINOR / 100)}).`;
  if (whole.length > 5) return { ok: false, message: tooMuch };
  const minor = Number(whole) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (minor > MAX_AMOUNT_MINOR) return { ok: false, message: tooMuch };
  return { ok: true, minor };
}
