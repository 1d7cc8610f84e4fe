import { csvOf } from './csv';
import { formatMoney, majorUnits as major } from './money';
import { RUNNING_STATUSES, type ReceiptLine } from './payments';
import type { Adjustment, CurrencyFigures, Report } from './reports';
import { statusWord, TYPE_WORDS } from './words';

/**
 * X and Z reports as receipt lines (printed through the same path as Dojo's receipts) and as CSV. A 58 mm roll
 * takes 32 characters a line, an 80 mm roll 48.
 */
export const SLIP_COLUMNS = { 58: 32, 80: 48 } as const;
export type SlipWidth = keyof typeof SLIP_COLUMNS;

const REASONS: Record<Adjustment['reason'], string> = {
  finished_after_close: 'after its day was closed',
  changed_after_close: 'changed after it was counted',
  day_not_closed: 'its day had no Z',
};

const dateTime = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dayName = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const when = (iso: string) => dateTime.format(new Date(iso));
const dayWords = (day: string) => dayName.format(new Date(`${day}T00:00:00Z`));

export function reportTitle(report: Report): string {
  return report.kind === 'Z' ? `Z report ${report.number}` : 'X report';
}

export function reportSlip(report: Report, width: SlipWidth, options: { reprint?: boolean; productName?: string } = {}): ReceiptLine[] {
  const cols = SLIP_COLUMNS[width];
  const lines: ReceiptLine[] = [];
  // Too long for the roll: wrapped at word boundaries (a printer would cut it off).
  const text = (value: string, style: { align?: 'AlignLeft' | 'AlignCenter' | 'AlignRight'; bold?: boolean; size?: string } = {}) => {
    for (const part of value.length > cols ? wrap(value, cols) : [value]) {
      lines.push({ lineType: 'Text', text: { value: part, size: style.size ?? 'SizeBody', align: style.align ?? 'AlignLeft', bold: style.bold ?? false } });
    }
  };
  const wrapped = (value: string, indent = '', bold = false) => wrap(value, cols, indent).forEach((line) => text(line, { bold }));
  const pair = (label: string, value: string, bold = false) => {
    for (const line of pairLines(label, value, cols)) text(line, { bold });
  };
  const rule = () => lines.push({ lineType: 'SingleLineSeperator', text: null });
  const double = () => lines.push({ lineType: 'DoubleLineSeperator', text: null });

  if (options.productName) text(options.productName.toUpperCase(), { align: 'AlignCenter' });
  text(reportTitle(report).toUpperCase(), { align: 'AlignCenter', bold: true, size: 'SizeHeader1' });
  if (options.reprint) text('*** REPRINT ***', { align: 'AlignCenter', bold: true });
  if (report.environment !== 'production') text(`*** ${report.environment.toUpperCase()}: NOT REAL MONEY ***`, { align: 'AlignCenter', bold: true });
  text(`Trading day ${dayWords(report.tradingDay)}`, { align: 'AlignCenter' });
  wrapped(`From ${when(report.period.start)}`);
  wrapped(`To   ${when(report.period.end)}`);
  wrapped(`${report.kind === 'Z' ? 'Closed' : 'Taken'} ${when(report.generatedAt)}`);
  wrapped(`Till ${report.tillId}`);
  if (report.closedBy) wrapped(`Day closed by Z ${report.closedBy.number} at ${when(report.closedBy.at)}: only what no Z counted yet.`);

  if (report.currencies.length === 0) {
    rule();
    text('No finished payments.', { align: 'AlignCenter' });
  }
  for (const f of report.currencies) currencyLines(f, pair, text, rule, cols);

  if (report.adjustments.lines.length) {
    double();
    text('ADJUSTMENTS (EARLIER DAYS)', { bold: true });
    for (const a of report.adjustments.lines) {
      pair(`${TYPE_WORDS[a.type]} ${a.reference}`, formatMoney(a.netChange, a.currency));
      wrapped(`${a.tradingDay}: ${a.before ? `${statusWord(a.before.status, a.type)} on Z ${a.before.zNumber}, now ` : ''}${statusWord(a.now.status, a.type)}${a.now.byHand ? ' (by hand)' : ''}, ${REASONS[a.reason]}`, '  ');
    }
    for (const c of report.adjustments.byCurrency) pair(`Net change ${c.currency}`, formatMoney(c.netChange, c.currency), true);
  }

  double();
  // Everything open that is not still running needs attention (a payment, or e.g. an EPOS that never confirmed).
  const attention = report.open.filter((p) => !RUNNING_STATUSES.includes(p.status));
  text(attention.length ? `NEEDS ATTENTION (${attention.length})` : 'Nothing needs attention.', { bold: attention.length > 0 });
  for (const p of report.open) {
    pair(`${TYPE_WORDS[p.type]} ${p.reference}`, formatMoney(p.amount, p.currency));
    wrapped(`${statusWord(p.status, p.type)}: ${p.reason}`, '  ');
  }
  if (report.supervisorApproved) wrapped('Closed with payments needing attention, on the supervisor PIN.', '', true);

  rule();
  wrapped(report.reconciliation.message, '', report.reconciliation.status !== 'reconciled');
  if (report.notes.length) {
    rule();
    for (const note of report.notes) wrapped(note);
  }
  rule();
  text(`End of ${reportTitle(report)}`, { align: 'AlignCenter' });
  return lines;
}

function currencyLines(
  f: CurrencyFigures,
  pair: (label: string, value: string, bold?: boolean) => void,
  text: (value: string, style?: { bold?: boolean; align?: 'AlignLeft' | 'AlignCenter' | 'AlignRight' }) => void,
  rule: () => void,
  cols: number,
) {
  const m = (minor: number) => formatMoney(minor, f.currency);
  // Label, then the count in a column of its own, then the amount on the right.
  const counted = (label: string, count: number, amount: number, bold = false) => {
    const left = `${label.padEnd(cols - 14)}${String(count).padStart(3)}`;
    if (label.length > cols - 14) return pair(`${label} ${count}`, m(amount), bold);
    pair(left, m(amount), bold);
  };
  rule();
  text(f.currency, { bold: true });
  counted('Sales', f.sales.count, f.sales.total, true);
  pair('  Goods', m(f.sales.goods));
  pair('  Gratuity', m(f.sales.gratuity));
  pair('  Cashback', m(f.sales.cashback));
  counted('Matched refunds', f.matchedRefunds.count, out(f.matchedRefunds.amount));
  counted('Unlinked refunds', f.unlinkedRefunds.count, out(f.unlinkedRefunds.amount));
  pair('Net card takings', m(f.netCardTakings), true);
  pair('Cashback paid out in cash', m(f.cashbackPaidOut));
  if (f.bySchemes.length) {
    text('By card scheme');
    for (const s of f.bySchemes) {
      pair(`  ${s.scheme}`, m(s.net));
      counted('    sales', s.sales.count, s.sales.amount);
      if (s.refunds.count) counted('    refunds', s.refunds.count, out(s.refunds.amount));
    }
  }
  pair('Declined', String(f.declined));
  pair('Cancelled', String(f.cancelled));
  if (f.expired) pair('Timed out', String(f.expired));
  if (f.notCharged) pair('Not charged (other)', String(f.notCharged));
  const hand = f.handResolved;
  if (hand.sales.count || hand.refunds.count || hand.notCharged) {
    text('Resolved by hand (not confirmed by Dojo)');
    counted('  Sales', hand.sales.count, hand.sales.amount);
    counted('  Refunds', hand.refunds.count, out(hand.refunds.amount));
    if (hand.notCharged) pair('  Not charged', String(hand.notCharged));
    pair('  Net by hand', m(hand.net));
  }
}

/** Label on the left, value on the right; a label too long for the line goes on lines of its own. */
function pairLines(label: string, value: string, cols: number): string[] {
  if (label.length + 1 + value.length <= cols) return [`${label}${' '.repeat(cols - label.length - value.length)}${value}`];
  const head = wrap(label, cols);
  return [...head, value.padStart(cols)];
}

function wrap(value: string, cols: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const piece = word.length > cols - indent.length ? word.slice(0, cols - indent.length - 1) + '…' : word;
    const next = line ? `${line} ${piece}` : `${out.length ? indent : ''}${piece}`;
    if (next.length > cols && line) {
      out.push(line);
      line = `${indent}${piece}`;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

// ---- CSV -------------------------------------------------------------------------------------------------------

/** Money going out, shown negative (never "-0.00"). */
const out = (minor: number) => (minor === 0 ? 0 : -minor);
const localTime = (iso: string) => {
  const d = new Date(iso);
  const offset = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
};

/** One table: section, currency, item, count, amount (major units; money out negative), detail. Local times with offset. */
export function reportCsv(report: Report): string {
  const rows: unknown[][] = [['section', 'currency', 'item', 'count', 'amount', 'detail']];
  const info = (item: string, detail: unknown) => rows.push(['report', '', item, '', '', detail]);
  info('report', reportTitle(report));
  info('trading_day', report.tradingDay);
  info('from', localTime(report.period.start));
  info('to', localTime(report.period.end));
  info(report.kind === 'Z' ? 'closed_at' : 'taken_at', localTime(report.generatedAt));
  info('environment', report.environment);
  info('till', report.tillId);
  for (const f of report.currencies) {
    const add = (section: string, item: string, count: number | '', amount: number | '') => rows.push([section, f.currency, item, count, amount === '' ? '' : major(amount), '']);
    add('sales', 'total', f.sales.count, f.sales.total);
    add('sales', 'goods', '', f.sales.goods);
    add('sales', 'gratuity', '', f.sales.gratuity);
    add('sales', 'cashback', '', f.sales.cashback);
    add('refunds', 'matched', f.matchedRefunds.count, out(f.matchedRefunds.amount));
    add('refunds', 'unlinked', f.unlinkedRefunds.count, out(f.unlinkedRefunds.amount));
    add('totals', 'net_card_takings', '', f.netCardTakings);
    add('totals', 'cashback_paid_out', '', out(f.cashbackPaidOut));
    for (const s of f.bySchemes) {
      add('scheme', `${s.scheme} sales`, s.sales.count, s.sales.amount);
      add('scheme', `${s.scheme} refunds`, s.refunds.count, out(s.refunds.amount));
    }
    add('not_charged', 'declined', f.declined, '');
    add('not_charged', 'cancelled', f.cancelled, '');
    add('not_charged', 'timed_out', f.expired, '');
    add('not_charged', 'other', f.notCharged, '');
    add('by_hand', 'sales', f.handResolved.sales.count, f.handResolved.sales.amount);
    add('by_hand', 'refunds', f.handResolved.refunds.count, out(f.handResolved.refunds.amount));
    add('by_hand', 'not_charged', f.handResolved.notCharged, '');
  }
  for (const a of report.adjustments.lines) {
    rows.push(['adjustment', a.currency, `${TYPE_WORDS[a.type]} ${a.reference}`, '', major(a.netChange), `${a.paymentId}; ${a.tradingDay}; ${statusWord(a.now.status, a.type)}; ${REASONS[a.reason]}`]);
  }
  for (const p of report.open) rows.push(['open', p.currency, `${TYPE_WORDS[p.type]} ${p.reference}`, '', major(p.amount), `${p.paymentId}; ${statusWord(p.status, p.type)}; ${p.reason}`]);
  rows.push(['reconciliation', '', report.reconciliation.status, report.reconciliation.matched, '', report.reconciliation.message]);
  if (report.supervisorApproved) info('supervisor_approved', 'Closed with payments needing attention, on the supervisor PIN');
  for (const note of report.notes) info('note', note);
  return csvOf(rows);
}

export const reportFilename = (report: Report, extension: 'csv' | 'json') =>
  `till-${report.kind === 'Z' ? `z${report.number}` : 'x'}-${report.tradingDay}${report.kind === 'X' ? `-${report.generatedAt.slice(11, 16).replace(':', '')}` : ''}.${extension}`;
