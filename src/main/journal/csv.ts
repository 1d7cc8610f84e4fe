import { csvCell } from '../../shared/csv';
import { tradingDay, type DayStart } from '../../shared/dates';
import { majorUnits } from '../../shared/money';
import { signOf, statusWord, TYPE_WORDS } from '../../shared/words';
import { resolutionWords } from '../payments/messages';
import { amountsOf } from '../payments/amounts';
import type { PaymentRecord } from '../payments/record';

/**
 * The history export a manager opens in a spreadsheet: one row per payment, amounts in major units with the
 * currency beside them, refunds negative, the status in the screen's words, local time with its UTC offset, and
 * what a sale charged split into goods, gratuity and cashback. Each column is one entry here: adding one (e.g.
 * how a payment needing attention was resolved) is one line.
 */
export interface CsvColumn {
  header: string;
  value(record: PaymentRecord, context: { dayStart: DayStart }): string | number | null;
}

/** Signed major units: a refund of 10.00 is "-10.00". Null stays empty (nothing known, e.g. a declined sale's total). */
const signed = (record: PaymentRecord, minor: number | null) => (minor === null ? null : majorUnits(signOf(record.type) * minor));
/** An approved payment's amounts (payments/amounts.ts: the card's charge under either reading of Dojo's total); else nothing. */
const approved = (record: PaymentRecord, part: keyof ReturnType<typeof amountsOf>) => (record.status === 'approved' ? signed(record, amountsOf(record)[part]) : null);

export const CSV_COLUMNS: CsvColumn[] = [
  { header: 'Local time', value: (r) => localIsoWithOffset(r.createdAt) },
  { header: 'Trading day', value: (r, { dayStart }) => tradingDay(r.createdAt, dayStart) },
  { header: 'Type', value: (r) => TYPE_WORDS[r.type] },
  { header: 'Status', value: (r) => statusWord(r.status, r.type) },
  { header: 'Reference', value: (r) => r.reference },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Amount asked', value: (r) => signed(r, r.amount) },
  { header: 'Goods', value: (r) => approved(r, 'goods') },
  { header: 'Gratuity', value: (r) => approved(r, 'gratuity') },
  { header: 'Cashback', value: (r) => approved(r, 'cashback') },
  { header: 'Total', value: (r) => approved(r, 'charged') },
  { header: 'Terminal', value: (r) => r.terminalTid ?? r.terminalId },
  { header: 'Card', value: (r) => r.cardScheme },
  { header: 'Card last 4', value: (r) => r.last4 },
  { header: 'Auth code', value: (r) => r.authCode },
  { header: 'Payment id', value: (r) => r.id },
  { header: 'Refund of', value: (r) => r.originalPaymentId },
  { header: 'Dojo payment intent', value: (r) => r.intentId },
  { header: 'Dojo terminal session', value: (r) => r.sessionId },
  { header: 'Resolution', value: (r) => resolutionWords(r) },
];

export function toCsv(records: PaymentRecord[], dayStart: DayStart, columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const record of records) lines.push(columns.map((c) => csvCell(c.value(record, { dayStart }))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** 2026-11-27T00:03:04+00:00: the till's own clock, with the offset so the instant is never ambiguous. */
export function localIsoWithOffset(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}
