import { createHash } from 'node:crypto';
import { formatMoney } from '../../shared/money';
import type { PaymentStatus } from '../../shared/payments';
import { STATUS_WORDS, statusWord } from '../../shared/words';
import type { ExceptionAction, ExceptionKind, ForeignIntent, ReconciliationException, Side } from '../../shared/reports';
import type { DojoIntent } from '../dojo/schemas';
import { amountsOf } from '../payments/amounts';
import type { PaymentRecord } from '../payments/record';

/** What matching needs of a payment (read straight from the journal's columns: cheap for a whole day). */
export type PaymentFacts = Pick<
  PaymentRecord,
  'id' | 'type' | 'status' | 'amount' | 'currency' | 'reference' | 'intentId' | 'originalPaymentId' | 'totalAmount' | 'tipsAmount' | 'cashbackAmount' | 'createdAt'
> & {
  /** A person's verdict that Dojo's record has not since replaced. */
  handVerdict: 'approved' | 'not_charged' | null;
};

export const factsOf = (r: PaymentRecord): PaymentFacts => ({
  id: r.id,
  type: r.type,
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  reference: r.reference,
  intentId: r.intentId,
  originalPaymentId: r.originalPaymentId,
  totalAmount: r.totalAmount,
  tipsAmount: r.tipsAmount,
  cashbackAmount: r.cashbackAmount,
  createdAt: r.createdAt,
  handVerdict: r.resolution && !r.reconciled ? r.resolution.outcome : null,
});

/**
 * Matches Dojo's payment intents with the journal: pure, no I/O. Our intents carry our payment id and till id
 * in their metadata; intents of other tills or taken outside the companion are listed apart, never as errors
 * of this till. Dojo's intent statuses are an open list: one the till does not know is "unclear", never guessed.
 */
const CHARGED = new Set(['Captured', 'Authorized', 'Refunded']);
const NOT_CHARGED = new Set(['Created', 'Canceled', 'Reversed']);
const RUNNING = new Set(['starting', 'in_progress', 'signature_required']);

export type DojoVerdict = 'charged' | 'not_charged' | 'unclear';
export const verdictOf = (intent: DojoIntent | null): DojoVerdict =>
  !intent ? 'not_charged' : CHARGED.has(intent.status) ? 'charged' : NOT_CHARGED.has(intent.status) ? 'not_charged' : 'unclear';

export interface MatchInput {
  tillId: string;
  /** Exactly the period reconciled: intents outside it (searched with a margin) are only used to match ours. */
  period: { start: number; end: number };
  /** Every intent Dojo returned, plus those read one by one. A `null` value: Dojo answered "not found". */
  intents: readonly DojoIntent[];
  notFound: ReadonlySet<string>;
  /** The journal's payments that started in the period. */
  payments: readonly PaymentFacts[];
  /** Sales of matched refunds in the period that started earlier (their refunded amount is checked too). */
  earlierSales: readonly PaymentFacts[];
  /** Approved matched refunds per sale id, all time (what the till says was given back). */
  refundedBySale: ReadonlyMap<string, number>;
  /** A payment of this journal by id (an intent of ours may belong to a payment outside the period). */
  paymentById: (id: string) => PaymentFacts | undefined;
  /**
   * Training only: the time before which the practice terminal's record may have let finished payments go. An
   * intent of a payment older than this that it does not find is beyond its record, not "no record at Dojo".
   */
  keptFrom?: number;
}

export type ExceptionDraft = Omit<ReconciliationException, 'state' | 'note' | 'resolvedAt'>;

export interface MatchResult {
  matched: number;
  exceptions: ExceptionDraft[];
  otherTills: ForeignIntent[];
  outside: ForeignIntent[];
  notChecked: { unlinkedRefunds: number; running: number; needsAttention: number; unclear: number };
  /** Training: sales older than the record keeps, and refunds of them: not compared. */
  beyondRecord: { payments: number; refunds: number };
}

/** The intents a reconciliation must read one by one: ours that the search did not return. */
export function intentsToRead(payments: readonly PaymentFacts[], earlierSales: readonly PaymentFacts[], found: ReadonlySet<string>, byPaymentId: ReadonlyMap<string, DojoIntent>): string[] {
  const wanted = new Set<string>();
  for (const p of [...payments, ...earlierSales]) {
    if (p.type !== 'Sale' || !p.intentId || byPaymentId.has(p.id) || found.has(p.intentId)) continue;
    if (RUNNING.has(p.status)) continue;
    wanted.add(p.intentId);
  }
  return [...wanted];
}

/** Our intents by the payment id in their metadata (only those another till did not make). */
export function ourIntents(intents: readonly DojoIntent[], tillId: string): Map<string, DojoIntent> {
  const map = new Map<string, DojoIntent>();
  for (const intent of intents) {
    const paymentId = intent.metadata?.['tillPaymentId'];
    const owner = intent.metadata?.['tillId'];
    if (paymentId && (!owner || owner === tillId)) map.set(paymentId, intent);
  }
  return map;
}

export function match(input: MatchInput): MatchResult {
  const { tillId, period } = input;
  const byId = new Map(input.intents.map((i) => [i.id, i]));
  const byPaymentId = ourIntents(input.intents, tillId);
  const result: MatchResult = { matched: 0, exceptions: [], otherTills: [], outside: [], notChecked: { unlinkedRefunds: 0, running: 0, needsAttention: 0, unclear: 0 }, beyondRecord: { payments: 0, refunds: 0 } };
  const seenIntents = new Set<string>();
  const intentOf = (sale: PaymentFacts): DojoIntent | null | undefined => {
    const found = byPaymentId.get(sale.id) ?? (sale.intentId ? byId.get(sale.intentId) : undefined);
    if (found) return found;
    return sale.intentId && input.notFound.has(sale.intentId) ? null : sale.intentId ? undefined : null;
  };
  const refundProblems = new Set<string>();
  // Sales whose intent the training record let go: neither they nor their refunds can be compared.
  const beyond = new Set<string>();
  const isBeyond = (sale: PaymentFacts) => input.keptFrom !== undefined && !!sale.intentId && sale.createdAt < input.keptFrom && intentOf(sale) === null;

  const checkRefunds = (sale: PaymentFacts, intent: DojoIntent) => {
    const till = input.refundedBySale.get(sale.id) ?? 0;
    const dojo = intent.refundedAmount ?? 0;
    if (till === dojo) return;
    refundProblems.add(sale.id);
    result.exceptions.push(draft('refund_differs', sale, intent, { ...tillSide(sale), refunded: till }, dojoSide(intent)));
  };

  for (const p of input.payments) {
    if (RUNNING.has(p.status)) {
      result.notChecked.running++;
      continue;
    }
    if (p.status === 'needs_attention') {
      result.notChecked.needsAttention++;
      continue;
    }
    if (p.type === 'UnlinkedRefund') {
      result.notChecked.unlinkedRefunds++;
      continue;
    }
    if (p.type === 'MatchedRefund') continue; // checked through its sale's refunded amount, below
    if (isBeyond(p)) {
      beyond.add(p.id);
      result.beyondRecord.payments++;
      continue;
    }
    const intent = intentOf(p);
    if (intent) seenIntents.add(intent.id);
    if (intent === undefined) {
      // Neither the search nor a direct read answered for it: not evidence either way.
      result.notChecked.unclear++;
      continue;
    }
    const verdict = verdictOf(intent);
    if (verdict === 'unclear') {
      result.notChecked.unclear++;
      continue;
    }
    const approved = p.status === 'approved';
    const hand = p.handVerdict;
    const till = { ...tillSide(p), refunded: input.refundedBySale.get(p.id) ?? 0 };
    if (verdict === 'charged' && !approved) {
      result.exceptions.push(draft(hand === 'not_charged' ? 'verdict_contradicted' : 'captured_not_approved', p, intent, till, dojoSide(intent!)));
    } else if (verdict === 'not_charged' && approved) {
      result.exceptions.push(draft(hand === 'approved' ? 'verdict_contradicted' : 'approved_not_captured', p, intent, till, intent ? dojoSide(intent) : null));
    } else if (verdict === 'charged' && approved) {
      const dojo = dojoSide(intent!);
      const differs = till.total !== dojo.total || till.gratuity !== dojo.gratuity || till.cashback !== dojo.cashback;
      if (differs) result.exceptions.push(draft('amount_differs', p, intent, till, dojo));
      checkRefunds(p, intent!);
      if (!differs && !refundProblems.has(p.id)) result.matched++;
    } else {
      result.matched++; // not charged on either side
    }
  }

  // Matched refunds: each agrees when its sale's refunded amount does.
  const checkedSales = new Set([...input.payments.filter((p) => p.type === 'Sale'), ...input.earlierSales].map((p) => p.id));
  for (const sale of input.earlierSales) {
    if (isBeyond(sale)) beyond.add(sale.id);
    const intent = intentOf(sale);
    if (intent && verdictOf(intent) !== 'unclear') checkRefunds(sale, intent);
  }
  for (const p of input.payments) {
    if (p.type !== 'MatchedRefund' || RUNNING.has(p.status) || p.status === 'needs_attention') continue;
    const sale = p.originalPaymentId;
    if (!sale || refundProblems.has(sale)) continue;
    if (beyond.has(sale)) result.beyondRecord.refunds++;
    else if (checkedSales.has(sale)) result.matched++;
  }

  // Intents the journal's payments did not claim: ours unknown to the journal, other tills', outside ones.
  for (const intent of input.intents) {
    if (seenIntents.has(intent.id)) continue;
    const created = intent.createdAt ? Date.parse(intent.createdAt) : NaN;
    const paymentId = intent.metadata?.['tillPaymentId'];
    const owner = intent.metadata?.['tillId'] ?? null;
    const known = paymentId && (!owner || owner === tillId) ? input.paymentById(paymentId) : undefined;
    // Ours, for a payment outside the period: reconciled with its own day.
    if (known && (!known.intentId || known.intentId === intent.id)) continue;
    if (!known && !(created >= period.start && created < period.end)) continue;
    if (known || (paymentId && owner === tillId)) {
      // A charged intent of this till that no journalled payment accounts for (or a second one for a payment).
      if (verdictOf(intent) === 'charged') result.exceptions.push(draft('unknown_to_journal', null, intent, null, dojoSide(intent), paymentId));
      continue;
    }
    (paymentId ? result.otherTills : result.outside).push(foreign(intent, owner));
  }
  return result;
}

// Each side's total is what the card was charged (payments/amounts.ts), whichever way Dojo counts the cashback.
function tillSide(p: PaymentFacts): Side {
  return { status: p.status, total: amountsOf(p).charged, gratuity: p.tipsAmount ?? 0, cashback: p.cashbackAmount ?? 0, refunded: null };
}

/** What Dojo's intent charged the card (payments/amounts.ts); null when it shows no amount at all. */
function dojoCharged(intent: DojoIntent): number | null {
  const amount = intent.amount?.value ?? intent.totalAmount?.value;
  if (amount === undefined) return null;
  return amountsOf({ amount, totalAmount: intent.totalAmount?.value ?? null, tipsAmount: intent.tipsAmount?.value ?? null, cashbackAmount: intent.cashbackAmount?.value ?? null }).charged;
}

function dojoSide(intent: DojoIntent): Side {
  return {
    status: intent.status,
    total: dojoCharged(intent),
    gratuity: intent.tipsAmount?.value ?? 0,
    cashback: intent.cashbackAmount?.value ?? 0,
    refunded: intent.refundedAmount ?? 0,
  };
}

function foreign(intent: DojoIntent, tillId: string | null): ForeignIntent {
  return {
    intentId: intent.id,
    status: intent.status,
    total: dojoCharged(intent) ?? 0,
    currency: intent.totalAmount?.currencyCode ?? intent.amount?.currencyCode ?? '',
    reference: intent.reference ?? null,
    createdAt: intent.createdAt ?? null,
    tillId,
  };
}

const ACTIONS: Record<ExceptionKind, ExceptionAction[]> = {
  captured_not_approved: ['record_dojo', 'refund', 'explain'],
  approved_not_captured: ['record_dojo', 'explain'],
  amount_differs: ['record_dojo', 'explain'],
  refund_differs: ['record_dojo', 'explain'],
  verdict_contradicted: ['record_dojo', 'refund', 'explain'],
  unknown_to_journal: ['explain'],
};

function draft(kind: ExceptionKind, payment: PaymentFacts | null, intent: DojoIntent | null, till: Side | null, dojo: Side | null, unknownPaymentId?: string): ExceptionDraft {
  const currency = payment?.currency ?? intent?.amount?.currencyCode ?? intent?.totalAmount?.currencyCode ?? 'GBP';
  // A refund goes back on the card Dojo charged: only offered while Dojo holds a captured payment.
  const actions = ACTIONS[kind].filter((a) => a !== 'refund' || (dojo?.status === 'Captured' && (dojo.total ?? 0) > (dojo.refunded ?? 0)));
  const paymentId = payment?.id ?? null;
  const fingerprint = createHash('sha256').update(JSON.stringify([kind, paymentId ?? unknownPaymentId ?? null, intent?.id ?? null, till, dojo])).digest('hex').slice(0, 16);
  return {
    id: `${kind}:${fingerprint}`,
    kind,
    paymentId,
    intentId: intent?.id ?? payment?.intentId ?? null,
    reference: payment?.reference ?? intent?.reference ?? null,
    currency,
    createdAt: payment ? new Date(payment.createdAt).toISOString() : (intent?.createdAt ?? null),
    till,
    dojo,
    explanation: explain(kind, currency, payment, till, dojo, unknownPaymentId),
    actions,
  };
}

/** Each exception in plain words: what differs, and what it means for the shop. */
function explain(kind: ExceptionKind, currency: string, payment: PaymentFacts | null, till: Side | null, dojo: Side | null, unknownPaymentId?: string): string {
  const money = (minor: number | null | undefined) => formatMoney(minor ?? 0, currency);
  const parts = (s: Side) => `${money(s.total)} (gratuity ${money(s.gratuity)}, cashback ${money(s.cashback)})`;
  const tillWord = till ? (payment ? statusWord(till.status as PaymentStatus, payment.type) : (STATUS_WORDS[till.status as PaymentStatus] ?? till.status)).toLowerCase() : '';
  const dojoWord = dojo ? `Dojo shows it as ${dojo.status}` : 'Dojo has no record of its payment intent';
  switch (kind) {
    case 'captured_not_approved':
      return `Dojo took ${money(dojo?.total)} from the customer's card, but the till recorded this sale as ${tillWord}. The customer may have paid twice (by card again, or in cash). If this card payment is what paid for the goods, record Dojo's record; if the customer paid another way, refund it.`;
    case 'approved_not_captured':
      return `The till recorded ${money(till?.total)} as approved, but ${dojoWord}: the money was not taken. Record Dojo's record so the totals show what was really charged, and settle with the customer if they left with the goods.`;
    case 'amount_differs':
      return `Dojo charged ${parts(dojo!)}; the till recorded ${parts(till!)}. Record Dojo's amounts so the till's totals match what the bank will pay.`;
    case 'refund_differs':
      return `Dojo shows ${money(dojo?.refunded)} refunded on this sale; the till recorded ${money(till?.refunded)}. A refund may have been made outside the till, or a refund the till thinks did not go through did. Record Dojo's amount so no more is refunded than is left.`;
    case 'verdict_contradicted':
      return payment?.handVerdict === 'not_charged'
        ? `A person recorded this payment as not charged, but Dojo shows ${money(dojo?.total)} taken (${dojo?.status}). The customer may have paid twice: record Dojo's record, or refund it.`
        : `A person recorded this payment as approved, but ${dojoWord}: the money was not taken. Record Dojo's record so the totals are right.`;
    case 'unknown_to_journal':
      return `Dojo has a payment of ${money(dojo?.total)} made by this till (payment ${unknownPaymentId}) that the till's journal does not account for (for example after the journal was restored from a backup, or a second intent for one payment). Check it in the Dojo portal and note what happened.`;
  }
}
