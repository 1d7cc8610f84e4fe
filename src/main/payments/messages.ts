import { formatMoney } from '../../shared/money';
import type { PaymentType } from '../../shared/payments';

/**
 * Every word the payment engine says to a cashier or an EPOS: outcomes, instructions, the running line, the
 * timeline. One module, so the wording is consistent and reviewed in one place. Amounts are in major units
 * (en-GB); no Dojo call names, step names or minor units reach a person.
 */

const isSale = (type: PaymentType) => type === 'Sale';
const noun = (type: PaymentType) => (isSale(type) ? 'payment' : 'refund');
const nothingMoved = (type: PaymentType) => (isSale(type) ? 'Nothing was charged.' : 'Nothing was refunded.');
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** How a payment ended (the final line the cashier and the EPOS see). */
export const outcome = {
  approved: (type: PaymentType) => (isSale(type) ? 'Approved.' : 'Refund approved.'),
  declined: (type: PaymentType) => `Declined by the card issuer. ${nothingMoved(type)}`,
  signatureRejected: 'Signature rejected: the payment was reversed. Nothing was charged.',
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
  resolvedApproved: 'Recorded as approved by the cashier after checking the terminal.',
  resolvedNotCharged: 'Recorded as not charged by the cashier after checking the terminal.',
  trainingInterrupted: 'Training payment interrupted by a restart (the training simulator starts afresh). No money moves in training.',
} as const;

/** Why a payment needs a person, and what to check. */
export const attention = {
  stillRunningAfterExpiry: (status: string | null) => ({
    reason: `The terminal session is still "${status ?? 'unknown'}" well after it should have expired.`,
    instruction: 'Look at the terminal: if it shows the payment approved, record it as approved; if it shows nothing or declined, record it as not charged.',
  }),
  approvedButIntentDisagrees: (intentStatus: string) => ({
    reason: `The terminal reported the payment approved but Dojo's payment shows "${intentStatus}".`,
    instruction: 'Check the terminal and the Dojo portal for this payment, then record what happened.',
  }),
  unlinkedRefundUnknown: {
    reason: 'The terminal may have started the refund, but Dojo did not confirm it and an unlinked refund cannot be looked up.',
    instruction: 'Look at the terminal: if it shows the transaction approved, record it as approved; if it shows nothing or cancelled, record it as not charged.',
  },
  sessionUnknown: {
    reason: 'Dojo could not be asked whether the terminal started this payment.',
    instruction: 'Look at the terminal: if it shows the transaction approved, record it as approved; if it shows nothing or cancelled, record it as not charged.',
  },
  dojoSilent: {
    reason: 'Dojo has not answered about this payment for too long; the terminal may have finished it.',
    instruction: 'Look at the terminal: if it shows the payment approved, record it as approved; if it shows declined, cancelled or nothing, record it as not charged.',
  },
  captureNotShown: {
    reason: "The terminal approved the payment, but Dojo's payment record did not show it in time, so the amount taken (with any gratuity or cashback) is not confirmed.",
    instruction: 'Do not take the payment again. Check it in the Dojo portal, then record what happened.',
  },
  rejectedButCharged: {
    reason: "The signature was rejected, but Dojo's payment record still shows the money taken.",
    instruction: 'Do not take the payment again until this is clear. Check it in the Dojo portal, then record what happened.',
  },
  authorisedNotCaptured: {
    reason: 'Dojo shows the payment authorised but not completed, long after the terminal finished.',
    instruction: 'Do not take the payment again. Check it in the Dojo portal, then record what happened.',
  },
  refundUnaccounted: {
    reason: "Dojo shows money refunded on this sale that the till cannot match, and this refund's terminal session cannot be found.",
    instruction: "Check the sale's refunds in the Dojo portal, then record whether this refund was made.",
  },
  sessionUnconfirmed: {
    reason: 'Dojo did not confirm whether the terminal started this payment.',
    instruction: 'Look at the terminal: if it shows the payment approved, record it as approved; otherwise record it as not charged.',
  },
} as const;

/** The one line shown while a payment runs. */
export const running = {
  sending: (type: PaymentType) => (isSale(type) ? 'Sending the payment to Dojo…' : 'Sending the refund to the terminal…'),
  cancelling: 'Cancelling…',
  cancellingOnTerminal: 'Cancelling on the terminal…',
  signature: "Check the customer's signature against the card, then accept or reject it.",
  waking: 'Waiting for the terminal to wake up…',
  followTerminal: 'Follow the terminal.',
  terminalStatus: (status: string | null) => `Terminal status: ${status ?? 'unknown'}`,
  needsChecking: 'This payment needs checking on the terminal.',
  lostContact: (lastAnswerAt: number | null) =>
    `The till has lost contact with Dojo and is still trying${lastAnswerAt === null ? '' : ` (last answer at ${clock.format(lastAnswerAt)})`}. Follow the terminal; do not start the payment again.`,
  lookingForSession: (type: PaymentType) => `Dojo did not confirm that the terminal took the ${noun(type)}: checking with Dojo…`,
  checkingApproval: 'The terminal shows it approved: checking with Dojo before confirming…',
  authorised: 'Authorised: waiting for Dojo to complete the payment…',
  confirming: 'Confirming the amount with Dojo…',
} as const;

/** Why the till cannot cancel (shown beside the disabled Cancel button). */
export const cancel = {
  cardPresented: 'The card has been presented, so the till can no longer cancel this payment. Let it finish, or cancel it on the terminal.',
  notReached: (reason: string) => `The cancel request did not reach Dojo (${reason}). Try again or cancel on the terminal.`,
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
  signatureRejected: 'The cashier rejected the signature.',
  signatureRecorded: (status: string) => `Dojo recorded the signature answer (terminal: ${status}).`,
  resolved: (approved: boolean, note: string) => `Resolved by the cashier as ${approved ? 'approved' : 'not charged'}: ${note}`,
  refunded: (amount: number, currency: string) => `${formatMoney(amount, currency)} refunded.`,
  dojoError: (call: string, message: string) => `${CALL_WORDS[call] ?? 'Talking to Dojo'}: ${message}`,
} as const;

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
};

/** Refusals when a cashier or the EPOS asks for something the engine will not do. */
export const refusal = {
  saleNotFound: "That sale was not found in this till's history.",
  onlyApprovedRefundable: 'Only an approved sale can be refunded.',
  /** What is left excludes cashback (paid in cash) and refunds still in progress: say which applied. */
  refundTooLarge: (left: number, currency: string, why: { pending: boolean; cashback: boolean }) => {
    const reasons = [why.cashback ? 'cashback was paid in cash and is not refunded' : '', why.pending ? 'another refund is in progress' : ''].filter(Boolean);
    return `At most ${formatMoney(left, currency)} can be refunded on this sale${reasons.length ? ` (${reasons.join('; ')})` : ''}.`;
  },
  refundTooLargeField: (left: number, currency: string) => `At most ${formatMoney(left, currency)} is left to refund.`,
  notRunning: 'This payment is not running, so there is nothing to cancel.',
  notAwaitingSignature: 'This payment is not waiting for a signature check.',
  notNeedingAttention: 'Only a payment that needs attention can be resolved by hand.',
  unknownPayment: 'No payment with that id.',
  terminalBusy: (reference: string) => `This terminal is already taking a payment (${reference}). Wait for it to finish or cancel it first.`,
} as const;

/** A journal entry that cannot be read (damaged disk, or written by a newer app): shown, never dropped. */
export const journalWords = {
  endedMessage: "This payment's journal entry could not be read in full; its status and amounts come from the journal's index.",
  attention: {
    reason: "This payment's journal entry could not be read, so the till cannot tell how it ended.",
    instruction: 'Check this payment in the Dojo portal (by its reference and time), then record what happened.',
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
} as const;
