import type { Scenario } from './scenarios';

export interface ReceiptLine {
  lineType: 'Text' | 'LogoImage' | 'NewLine' | 'SingleLineSeperator' | 'DoubleLineSeperator';
  text?: { value: string; size: 'SizeHeader1' | 'SizeHeader2' | 'SizeBody'; align: 'AlignLeft' | 'AlignCenter' | 'AlignRight'; emphasisBold: boolean };
}

const text = (value: string, options: Partial<NonNullable<ReceiptLine['text']>> = {}): ReceiptLine => ({
  lineType: 'Text',
  text: { value, size: 'SizeBody', align: 'AlignLeft', emphasisBold: false, ...options },
});
const pair = (label: string, value: string, bold = false): ReceiptLine => text(`${label.padEnd(16)}${value.padStart(16)}`, { emphasisBold: bold });

export interface ReceiptInput {
  copy: 'CUSTOMER' | 'MERCHANT';
  kind: 'SALE' | 'REFUND';
  tid: string;
  at: string;
  scenario: Scenario;
  currency: string;
  amount: number;
  tips: number;
  cashback: number;
  approved: boolean;
  authCode?: string;
}

const money = (currency: string, minor: number) => `${currency === 'EUR' ? 'EUR' : 'GBP'} ${(minor / 100).toFixed(2)}`;

/** Receipt lines in Dojo's shape (note Dojo's own spelling "Seperator"), as a terminal would print them. */
export function receiptLines(input: ReceiptInput): ReceiptLine[] {
  const total = input.amount + input.tips + input.cashback;
  const lines: ReceiptLine[] = [
    text('TILL COMPANION TRAINING SHOP', { size: 'SizeHeader2', align: 'AlignCenter', emphasisBold: true }),
    text('1 High Street, Anytown', { align: 'AlignCenter' }),
    { lineType: 'NewLine' },
    pair('TID:', input.tid),
    pair('DATE:', input.at.slice(0, 10)),
    pair('TIME:', input.at.slice(11, 19)),
    pair('AID:', input.scenario.card.scheme === 'VISA' ? 'A0000000031010' : 'A0000000041010'),
    text(input.scenario.card.scheme, { emphasisBold: true }),
    text(input.scenario.card.masked),
    text(input.scenario.entryMode === 'Contactless' ? 'CONTACTLESS' : 'ICC_CHIP'),
    { lineType: 'SingleLineSeperator' },
    text(input.kind, { size: 'SizeHeader2', emphasisBold: true }),
    pair('AMOUNT', money(input.currency, input.amount)),
  ];
  if (input.tips) lines.push(pair('GRATUITY', money(input.currency, input.tips)));
  if (input.cashback) lines.push(pair('CASHBACK', money(input.currency, input.cashback)));
  lines.push(
    pair('TOTAL', money(input.currency, total), true),
    { lineType: 'DoubleLineSeperator' },
    text(input.approved ? 'SUCCESSFUL' : 'DECLINED', { size: 'SizeHeader1', align: 'AlignCenter', emphasisBold: true }),
  );
  if (input.approved && input.authCode) lines.push(pair('AUTH CODE:', input.authCode));
  if (input.approved) {
    const cvm = { Pin: 'PIN VERIFIED', Signature: 'SIGNATURE VERIFIED', Device: 'DEVICE VERIFIED', None: 'NO CVM' }[input.scenario.verification];
    lines.push(text(cvm, { align: 'AlignCenter' }));
  }
  lines.push({ lineType: 'NewLine' }, text(`${input.copy} COPY`, { align: 'AlignCenter', emphasisBold: true }), text('PLEASE RETAIN RECEIPT', { align: 'AlignCenter' }));
  return lines;
}
