/**
 * Dojo's terminal-session and payment-intent statuses: the one place the engine, the journal's queries and the
 * simulator learn which of them end a session and which mean money moved. Dojo's enums are open (a value not
 * listed here means "still running"), and its documentation allows more than one ordering (docs/dojo-api.md
 * §13): the engine section of the README says how the engine tells "final" from "final-looking".
 */

/** Dojo documents no further change to a session after these. */
export const SESSION_ENDED: readonly string[] = ['Captured', 'Canceled', 'Declined', 'Expired', 'SignatureVerificationAccepted', 'SignatureVerificationRejected'];

/** The card was charged (or the refund paid). `Captured` may still be followed by a signature check (A2). */
export const SESSION_APPROVED: readonly string[] = ['Captured', 'SignatureVerificationAccepted'];

/** Nothing was charged (or refunded): the session ended without money moving, or the payment was reversed. */
export const SESSION_NOT_CHARGED: readonly string[] = ['Canceled', 'Declined', 'Expired', 'SignatureVerificationRejected'];

/** "Authorised, capture pending": final only for a Manual-capture intent; this till creates Auto ones (A1). */
export const SESSION_AUTHORIZED = 'Authorized';

/** The cashier must compare the signature with the card. */
export const SESSION_SIGNATURE_REQUIRED = 'SignatureVerificationRequired';

/** Before the terminal has confirmed the session (it may never: switched off, out of reach). */
export const SESSION_WAKING: readonly string[] = ['InitiateRequested'];

export const isSessionEnded = (status: string | null | undefined): boolean => !!status && SESSION_ENDED.includes(status);

/** Payment-intent statuses (open as well). */
export const INTENT_CREATED = 'Created';
/** The intent holds money taken from the card. */
export const INTENT_CHARGED: readonly string[] = ['Captured', 'Refunded'];
/** Money was given back in full, or the intent never took any and can take none now. */
export const INTENT_NOT_CHARGED: readonly string[] = ['Reversed', 'Canceled'];
