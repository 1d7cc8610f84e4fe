/** A PIN long enough to send (main decides whether it is right). */
export const pinEntered = (pin: string) => pin.length >= 4;

/** The PIN a guarded request carries: left out when empty, so main's guard refuses it as missing (and audits it). */
export const withPin = (pin: string | undefined) => (pin ? { supervisorPin: pin } : {});
