/** What the terminal is showing, in plain words. Unknown values are shown as they came. */
const PROMPTS: Record<string, string> = {
  PresentCard: 'Present card',
  InsertCard: 'Insert card',
  EnterPin: 'Enter PIN',
  PleaseWait: 'Please wait',
  RemoveCard: 'Remove card',
  Approved: 'Approved',
  Declined: 'Declined',
  PresentOnlyOneCard: 'Present only one card',
  CardUnsupported: 'Card not supported',
  CardError: 'Card error',
  ReEnterCard: 'Re-enter card',
};
export const promptWords = (prompt: string | null): string | null => (prompt ? (PROMPTS[prompt] ?? prompt) : null);

const SESSION: Record<string, string> = {
  InitiateRequested: 'Waking the terminal',
  Initiated: 'Terminal ready',
  Authorized: 'Authorised',
  Captured: 'Captured',
  CancelRequested: 'Cancelling',
  Canceled: 'Cancelled',
  SignatureVerificationRequired: 'Signature check',
  SignatureVerificationAccepted: 'Signature accepted',
  SignatureVerificationRejected: 'Signature rejected',
  Expired: 'Expired',
  Declined: 'Declined',
};
export const sessionWords = (status: string | null): string | null => (status ? (SESSION[status] ?? status) : null);

/** During a signature check the terminal shows "Please wait": the cashier is told what it is waiting for instead. */
export const SIGNATURE_WAIT_WORDS = 'The terminal is waiting for you to check the signature';

/** What a running payment's terminal is doing, in words (null before Dojo has said anything). */
export const terminalWords = (payment: { status: string; prompt: string | null; sessionStatus: string | null }): string | null =>
  payment.status === 'signature_required' ? SIGNATURE_WAIT_WORDS : (promptWords(payment.prompt) ?? sessionWords(payment.sessionStatus));

export { STATUS_WORDS, statusWord, TYPE_WORDS } from '../../shared/words';

export const TERMINAL_WORDS: Record<string, string> = { Available: 'Available', InUse: 'In use', Offline: 'Offline' };

/** The heading of a contradiction: whose word Dojo's record contradicted (a verdict by hand, or the terminal's decline). */
export const contradictionHeading = (source: 'hand' | 'terminal'): string => (source === 'terminal' ? "Dojo contradicts the terminal's decline." : 'Dojo contradicts the verdict.');

/** The signature dialog, when the terminal asks for the check after the sale was shown approved. */
export const LATE_SIGNATURE_NOTE = 'This sale was shown approved, but the terminal now asks for a signature check. If you reject the signature, the payment is reversed and the sale becomes declined.';
