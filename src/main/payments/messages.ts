import { formatMoney } from '../../shared/money';
import { SLIP_COLUMNS, slipLines } from '../../shared/report-slip';
import { FINAL_STATUSES, type PaymentStatus, type PaymentType, type ReceiptLine } from '../../shared/payments';
import { DOJO_ON_VERDICT, DOJO_UNREACHABLE_ADVICE, dojoUnreachableWords, STATUS_WORDS, statusWord, verdictWords } from '../../shared/words';

/**
 * Every word the payment engine says to a cashier or an EPOS: outcomes, instructions, the running line, the
 * timeline. One module, so the wording is consistent and reviewed in one place. Amounts are in major units
 * (en-GB); no Dojo call names, step names or minor units reach a person.
 */

const isSale = (type: PaymentType) => type === 'Sale';
const noun = (type: PaymentType) => (isSale(type) ? 'payment' : 'refund');
const nothingMoved = (type: PaymentType) => (isSale(type) ? 'Nothing was charged.' : 'Nothing was refunded.');

/** How a payment ended (the final line the cashier and the EPOS see). */
export const outcome = {
  approved: (type: PaymentType) => (isSale(type) ? 'Approved.' : 'Refund approved.'),
  declined: (type: PaymentType) => `Declined by the card issuer. ${nothingMoved(type)}`,
  signatureRejected: 'Signature rejected: the payment was reversed. Nothing was charged.',
  /** Dojo's session said "reversed", its payment record does not show it yet: reported, and not yet as a fact. */
  signatureRejectedUnchecked: "Signature rejected: the terminal reported the payment reversed, but Dojo's payment record never showed the reversal. Check the payment in the Dojo portal.",
  signatureRejectedUnconfirmed: "Signature rejected: the terminal reports the payment reversed. Do not hand over the goods. Dojo's payment record does not show the reversal yet: the till is confirming it with Dojo.",
  cancelled: (type: PaymentType) => `Cancelled. ${nothingMoved(type)}`,
  cancelledBeforeTerminal: 'Cancelled before the terminal was asked. Nothing was charged.',
  expired: (type: PaymentType) => `The terminal timed out waiting for the card. ${nothingMoved(type)}`,
  terminalDidNotRespond: (type: PaymentType) => `The terminal did not respond to the request (it may be switched off or out of reach). ${nothingMoved(type)}`,
  authorisationReleased: 'Dojo released the authorisation without taking the money. Nothing was charged.',
  /** Nobody answered the signature check in time and Dojo accepted it by itself: the cashier must know. */
  approvedSignatureAutomatically: 'Approved: nobody answered the signature check in time, so Dojo accepted the signature automatically.',
  refusedByDojo: (type: PaymentType, reason: string) => `${reason} ${nothingMoved(type)}`,
  intentNeverCreated: 'The payment did not reach Dojo, so nothing was charged. Start the sale again.',
  restartedBeforeTerminal: 'The app stopped before the terminal was asked, so nothing was charged. Start the sale again.',
  dojoUnreachableAtStart: 'Dojo could not be reached to start the payment, so nothing was charged. Try again when the connection is back.',
  terminalNeverAsked: (type: PaymentType) => `The terminal was never asked, so ${isSale(type) ? 'nothing was charged. Start the sale again.' : 'nothing was refunded. Start the refund again.'}`,
  resolvedBy: (type: PaymentType, verdict: 'approved' | 'not_charged') => `Recorded as ${verdictWords(type, verdict)} by the cashier after checking the terminal.`,
  trainingInterrupted: 'Training payment interrupted by a restart (the training simulator starts afresh). No money moves in training.',
} as const;

/** Why a payment needs a person, and what to check. */
/**
 * Why a payment needs a person (the reason), and what to do (the instruction). The instruction never tells a
 * cashier that "nothing on the terminal" means nothing was charged while Dojo can still be asked: for those the
 * till keeps asking Dojo by itself, and a person's verdict is checked against Dojo's record when it answers.
 */
export const attention = {
  stillRunningAfterExpiry: (status: string | null) => `The terminal session is still "${status ?? 'unknown'}" well after it should have expired.`,
  approvedButIntentDisagrees: (intentStatus: string) => `The terminal reported the payment approved but Dojo's payment record shows "${intentStatus}".`,
  unlinkedRefundUnknown: 'The terminal may have made the refund, but its answer was lost and an unlinked refund cannot be looked up on Dojo. The terminal has finished now.',
  sessionUnknown: 'Dojo could not be asked whether the terminal started this payment.',
  dojoSilent: 'Dojo has not answered about this payment for too long; the terminal may have finished it.',
  captureNotShown: "The terminal approved the payment, but Dojo's payment record did not show it in time, so the amount taken (with any gratuity or cashback) is not confirmed.",
  rejectedButCharged: "The signature was rejected, but Dojo's payment record still shows the money taken.",
  authorisedNotCaptured: 'Dojo shows the payment authorised but not completed, long after the terminal finished.',
  refundUnaccounted: "Dojo shows money refunded on this sale that the till cannot match, and this refund's terminal session cannot be found.",
  sessionUnconfirmed: 'Dojo did not confirm whether the terminal started this payment.',

  /** What to do: depends on whether Dojo can still be asked (the till does so by itself) or not. */
  instruction(type: PaymentType, dojoCanTell: boolean): string {
    const again = isSale(type) ? 'Do not take the payment again' : 'Do not refund again';
    if (dojoCanTell) {
      return `${again} yet. The till keeps asking Dojo and settles this by itself when Dojo answers. Record it by hand only with proof (a receipt the terminal printed, or the Dojo portal): Dojo's record is checked against what you record.`;
    }
    return `${again} yet. Dojo cannot tell this one, so look at the terminal's last transaction or receipt: record it only if it clearly shows this ${noun(type)} approved, or declined or cancelled. If the terminal shows nothing, check the Dojo portal before recording anything.`;
  },

  /** The words on the two verdict buttons: refunds speak of refunds. */
  choices: (type: PaymentType) =>
    isSale(type) ? { approved: 'It was charged', not_charged: 'It was not charged' } : { approved: 'It was refunded', not_charged: 'It was not refunded' },
} as const;

/** The one line shown while a payment runs. */
export const running = {
  sending: (type: PaymentType) => (isSale(type) ? 'Sending the payment to Dojo…' : 'Sending the refund to the terminal…'),
  cancelling: 'Cancelling…',
  cancellingOnTerminal: 'Cancelling on the terminal…',
  signature: "Check the customer's signature against the card, then accept or reject it.",
  /** The till had reported the sale approved when the terminal asked for the check. */
  lateSignature: 'Approved by the card, but the terminal now asks for a signature check: compare the signature with the card, then accept or reject it.',
  waking: 'Waiting for the terminal to wake up…',
  followTerminal: 'Follow the terminal.',
  terminalStatus: (status: string | null) => `Terminal status: ${status ?? 'unknown'}`,
  needsChecking: 'This payment needs checking on the terminal.',
  lostContact: (lastAnswerAt: number | null, now: number) => `${dojoUnreachableWords(lastAnswerAt, now)}. ${DOJO_UNREACHABLE_ADVICE}`,
  lookingForSession: (type: PaymentType) => `Dojo did not confirm that the terminal took the ${noun(type)}: checking with Dojo…`,
  checkingApproval: 'The terminal shows it approved: checking with Dojo before confirming…',
  authorised: 'Authorised: waiting for Dojo to complete the payment…',
  confirming: 'Confirming the amount with Dojo…',
} as const;

/** Why the till cannot cancel (shown beside the disabled Cancel button). */
export const cancel = {
  cardPresented: 'The card has been presented, so the till can no longer cancel this payment. Let it finish, or cancel it on the terminal.',
  notReached: (reason: string) => `The cancel request did not reach Dojo (${reason}). Try again or cancel on the terminal.`,
  dojoUnreachable: 'Dojo cannot be reached, so the till cannot cancel this payment now. Cancel it on the terminal if the customer has gone.',
} as const;

/** The payment's timeline (the detail view in history, the support bundle). */
export const timeline = {
  created: (type: PaymentType, amount: number, currency: string, reference: string) =>
    `${isSale(type) ? 'Sale' : type === 'MatchedRefund' ? 'Refund' : 'Unlinked refund'} of ${formatMoney(amount, currency)} (reference ${reference}).`,
  creatingIntent: (amount: number, currency: string) => `Creating the payment on Dojo for ${formatMoney(amount, currency)}.`,
  askingTerminal: (terminal: string, type: PaymentType) => `Asking terminal ${terminal} to take the ${noun(type)}.`,
  resuming: 'Picking the payment up again after a restart.',
  intentCreated: 'Dojo created the payment.',
  intentFound: 'Found the payment on Dojo.',
  sessionCreated: 'The terminal was asked to take it.',
  sessionFound: 'Found the terminal session on Dojo.',
  noSessionCancellingIntent: 'Dojo has no terminal session for this payment: cancelling the unused payment on Dojo.',
  intentCancelled: 'The unused payment was cancelled on Dojo.',
  intentRead: (status: string) => `Dojo's payment record reads "${status}".`,
  cancelWhenPossible: 'The cashier asked to cancel: cancelling as soon as Dojo answers.',
  cancelAsked: 'The cashier asked to cancel: asking Dojo to cancel the session.',
  cancellingAsAsked: 'Cancelling the session, as the cashier asked.',
  cancelAccepted: (status: string) => `Dojo accepted the cancel request (terminal: ${status}).`,
  signatureAccepted: 'The cashier accepted the signature.',
  watchingForSignature: 'Approved without a signature step: the till keeps reading the terminal session in case it asks for a signature check late.',
  lateSignature: (status: string) => `The terminal asked for a signature check after the payment was reported approved (terminal: ${status}): the check is back in front of the cashier.`,
  signatureRejected: 'The cashier rejected the signature.',
  signatureRecorded: (status: string) => `Dojo recorded the signature answer (terminal: ${status}).`,
  resolved: (type: PaymentType, verdict: 'approved' | 'not_charged', note: string, by: string | null) => `Recorded by hand${by ? ` by ${by}` : ''} (supervisor PIN) as ${verdictWords(type, verdict)}: ${note}`,
  resolvedFromDojo: "Resolved from Dojo's record.",
  dojoAnsweredFollowing: 'Dojo answered again: following the payment.',
  verdictConfirmed: "Dojo's record agrees with the verdict recorded by hand.",
  declineUnconfirmed: "Declined on the terminal session's word (signature rejected, payment reversed); Dojo's payment record does not show the reversal yet: asking Dojo until it does.",
  declineConfirmed: "Dojo's payment record shows the reversal: nothing was charged.",
  declineUnchecked: "Dojo's payment record did not show the reversal in a week: the till has stopped asking.",
  sessionContradicted: "Dojo's payment record shows the money taken, although the terminal reported the signature rejected and the payment reversed. The payment now follows Dojo's record.",
  verdictUnchecked: "Dojo could not tell in a week whether the verdict recorded by hand was right: the till has stopped asking.",
  verdictContradicted: (type: PaymentType, verdict: 'approved' | 'not_charged', dojo: string) =>
    `Dojo's record contradicts the verdict recorded by hand (${verdictWords(type, verdict)}): Dojo shows ${dojoStatusWord(dojo, type)}. The payment now follows Dojo's record.`,
  reconciledByRecheck: "Dojo's record, read by the till's own re-check of a verdict recorded by hand.",
  refunded: (amount: number, currency: string) => `${formatMoney(amount, currency)} refunded.`,
  refundUndone: (amount: number, currency: string) => `${formatMoney(amount, currency)} refund not made after all (Dojo's record): it can be refunded again.`,
  contradictionAcknowledged: (note: string, by: string | null) => `A supervisor${by ? ` (${by})` : ''} acknowledged that Dojo's record contradicted the verdict: ${note}`,
  dojoError: (call: string, message: string) => `${CALL_WORDS[call] ?? 'Talking to Dojo'}: ${message}`,
} as const;

/** A status Dojo's record gave, in the screen's words (a refund that moved nothing is "not refunded"). */
const dojoStatusWord = (status: string, type: PaymentType): string =>
  (status in STATUS_WORDS ? statusWord(status as PaymentStatus, type) : status).toLowerCase();

/** What each Dojo call is, for the timeline (never the call's name in code). */
const CALL_WORDS: Record<string, string> = {
  createIntent: 'Creating the payment on Dojo',
  findIntent: 'Looking the payment up on Dojo',
  createSession: 'Asking the terminal',
  findSession: 'Looking for the terminal session on Dojo',
  poll: 'Reading the terminal session',
  confirm: "Reading Dojo's payment record",
  cancelSession: 'Cancelling on the terminal',
  answerSignature: 'Sending the signature answer',
  cancelIntent: 'Cancelling the unused payment on Dojo',
  checkDojo: "Asking Dojo again how the payment ended",
  checkTerminal: 'Looking at the terminal',
  watchSession: 'Reading the terminal session for a late signature check',
};

/** Refusals when a cashier or the EPOS asks for something the engine will not do. */
export const refusal = {
  saleNotFound: "That sale was not found in this till's history.",
  onlyApprovedRefundable: 'Only an approved sale can be refunded.',
  signatureMayFollow: 'The terminal may still ask for a signature check on this sale (for about a minute and a half after it was approved): refund it once that has passed.',
  /** What is left excludes cashback (paid in cash) and refunds still in progress: say which applied. */
  refundTooLarge: (left: number, currency: string, why: { pending: boolean; cashback: boolean }) => {
    const reasons = [why.cashback ? 'cashback was paid in cash and is not refunded' : '', why.pending ? 'another refund is in progress' : ''].filter(Boolean);
    return `At most ${formatMoney(left, currency)} can be refunded on this sale${reasons.length ? ` (${reasons.join('; ')})` : ''}.`;
  },
  refundTooLargeField: (left: number, currency: string) => `At most ${formatMoney(left, currency)} is left to refund.`,
  notRunning: 'This payment is not running, so there is nothing to cancel.',
  notAwaitingSignature: 'This payment is not waiting for a signature check.',
  notNeedingAttention: 'Only a payment that needs attention can be resolved by hand.',
  noContradiction: "This payment has no contradiction between a verdict and Dojo's record waiting to be acknowledged.",
  unknownPayment: 'No payment with that id.',
  terminalBusy: (reference: string) => `This terminal is already taking a payment (${reference}). Wait for it to finish or cancel it first.`,
} as const;

/** A journal entry that cannot be read (damaged disk, or written by a newer app): shown, never dropped. */
export const journalWords = {
  endedMessage: "This payment's journal entry could not be read in full; its status and amounts come from the journal's index.",
  attention: {
    reason: "This payment's journal entry could not be read, so the till cannot tell how it ended.",
    instruction: 'Do not take the payment again yet. Check it in the Dojo portal (by its reference and time), then record what happened.',
  },
} as const;

/** A till that had a Dojo key and cannot use it: it takes no payments and says why (never training instead). */
export const keyWords = {
  keychainLocked: (environment: string) => ({
    reason: `This till takes ${environment === 'production' ? 'real card payments' : "payments on Dojo's sandbox"}, but it cannot read its Dojo key from the system keychain (it may be locked). No payments can be taken until it can.`,
    instruction: 'Unlock the keychain (sign in to this computer again), then choose Try again; or a manager enters the Dojo key again in Settings (F5).',
  }),
  keyGone: {
    reason: 'This till had a Dojo key, but it is no longer in the system keychain. No payments can be taken until it is set again.',
    instruction: 'A manager enters the Dojo key again in Settings (F5). Training mode is only for a till the shop has chosen to train on.',
  },
  keyUnusable: (why: string) => ({
    reason: `The Dojo key saved on this till cannot be used: ${why} No payments can be taken until it is fixed.`,
    instruction: 'A manager enters a working Dojo key in Settings (F5), or asks the reseller.',
  }),
  trainingNoKey: 'No Dojo API key is set: payments go to the built-in simulator.',
  trainingKeychain: (why: string) => why,
  /** The training record could not be used (mode/training-record.ts): added to the training banner's reason. */
  trainingRecordSetAside: (newer: boolean, keptAs: string | null) =>
    `The training record ${newer ? 'was written by a newer version of the app' : 'could not be read'}, so training starts afresh: earlier training payments are not on the training terminal's record.${
      keptAs ? ` The old file was kept as ${keptAs}.` : ' The old file could not be moved aside, so training is not kept after the app closes this time.'
    }`,
} as const;

const dateTime = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The "do not retry" slip for a payment whose outcome is not known yet, in Dojo's receipt-line shape so it prints
 * like a receipt, every line at most 32 characters (a 58 mm roll). What it says of Dojo depends on whether Dojo
 * can still tell (the till keeps asking) or not (a supervisor must check).
 */
export function doNotRetrySlip(
  payment: { type: PaymentType; amount: number; currency: string; reference: string; createdAt: number; terminalTid: string | null; terminalId: string; id: string },
  dojoCanTell: boolean,
): ReceiptLine[] {
  const lines: ReceiptLine[] = [];
  const text = (value: string, style: { bold?: boolean; align?: string; size?: string } = {}) => {
    for (const part of slipLines(value, SLIP_COLUMNS[58])) {
      lines.push({ lineType: 'Text', text: { value: part, size: style.size ?? 'SizeBody', align: style.align ?? 'AlignLeft', bold: style.bold ?? false } });
    }
  };
  const rule = () => lines.push({ lineType: 'SingleLineSeperator', text: null });
  const sale = isSale(payment.type);
  text(sale ? 'DO NOT TAKE THIS' : 'DO NOT MAKE THIS', { bold: true, align: 'AlignCenter', size: 'SizeHeader2' });
  text(sale ? 'PAYMENT AGAIN' : 'REFUND AGAIN', { bold: true, align: 'AlignCenter', size: 'SizeHeader2' });
  text('until it has been checked', { bold: true, align: 'AlignCenter' });
  rule();
  text(`${sale ? 'Sale' : payment.type === 'MatchedRefund' ? 'Refund' : 'Unlinked refund'} ${formatMoney(payment.amount, payment.currency)}`, { bold: true });
  text(`Reference: ${payment.reference}`);
  text(`Time: ${dateTime.format(payment.createdAt)}`);
  text(`Terminal: ${payment.terminalTid ?? payment.terminalId}`);
  text(`Payment: ${payment.id}`);
  rule();
  text(dojoCanTell ? 'The outcome is not known yet. The till keeps checking with Dojo.' : 'The outcome is not known, and Dojo cannot tell it: a supervisor must check the terminal.');
  text('Keep this slip with the till until a supervisor has checked it.');
  return lines;
}

/** What the screen and the EPOS are told when Dojo's record contradicts a person's verdict (or the terminal's word). */
export function contradictionWords(type: PaymentType, verdict: 'approved' | 'not_charged', dojoSays: string, source: 'hand' | 'terminal' = 'hand'): string {
  if (source === 'terminal') {
    return "The terminal reported the signature rejected and the payment reversed, but Dojo's record shows the money was taken. The payment now shows Dojo's record (approved). Tell the customer; if they paid again another way, refund one of the payments.";
  }
  const moved = isSale(type) ? 'charged' : 'refunded';
  if (verdict === 'not_charged') {
    return `Recorded by hand as not ${moved}, but Dojo's record shows it was ${moved}. The payment now shows Dojo's record. Do not take it again; if the customer paid twice, refund one of them.`;
  }
  return `Recorded by hand as ${moved}, but Dojo's record shows it was not (${dojoStatusWord(dojoSays, type)}). The payment now shows Dojo's record: the money was not ${moved}.`;
}


/**
 * The CSV's resolution column: how the outcome was settled. "Dojo" (Dojo's record, including a verdict Dojo
 * later confirmed or put right), "by hand" with who, when, why and what Dojo said of it, or empty while open.
 */
export function resolutionWords(record: { type: PaymentType; status: PaymentStatus; resolution: { outcome: 'approved' | 'not_charged'; note: string; at: string; by: string | null; dojo: keyof typeof DOJO_ON_VERDICT } | null }): string {
  const r = record.resolution;
  if (!r) return FINAL_STATUSES.includes(record.status) ? 'Dojo' : '';
  const verdict = verdictWords(record.type, r.outcome);
  const when = dateTime.format(Date.parse(r.at));
  return `by hand: ${verdict} (${r.by ? `${r.by}, ` : ''}supervisor PIN, ${when}): ${r.note} [${DOJO_ON_VERDICT[r.dojo]}]`;
}
