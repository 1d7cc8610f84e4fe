// Money is integer minor units + currency everywhere; it becomes text only through shared/money.ts (en-GB).
export { formatMoney } from '../../shared/money';

const dateTime = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOnly = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatTime = (iso: string) => timeOnly.format(new Date(iso));

/** Digits typed on the keypad -> minor units ("1250" -> 1250 = £12.50); at most 7 digits (99,999.99). */
export function appendDigit(minor: number, digit: string): number {
  const next = Number(`${minor === 0 ? '' : minor}${digit}`);
  return next > 9_999_999 ? minor : next;
}
export const removeDigit = (minor: number): number => Math.floor(minor / 10);
