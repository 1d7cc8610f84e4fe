/**
 * What a virtual terminal does with a session, chosen by its TID like Dojo's sandbox terminals
 * (`VCM` + account code + scenario): …SIP0 chip & PIN success, …SCP0 contactless, …DIP0 declined, …SIS0 signature,
 * …VIP0 expires, …TIP0 times out, …CIP0 cancelled on the terminal.
 *
 * Orderings Dojo's documentation allows but does not promise (docs/dojo-api.md §13), so the engine is tested
 * under each: …AIS0 `Authorized` before the signature check (A1), …CIS0 `Captured` before the signature check
 * (A2, as in Dojo's own PUT …/signature example), …AIP0 `Authorized` for a while, then `Captured` (A1).
 * …LIS0 `Captured`, then a signature check that comes only after 20 s (later than the till's settle window).
 * …SLP0 is a chip & PIN success where the customer takes a minute over the PIN: a state that lasts, for tests.
 */
export type ScenarioName =
  | 'chipPin'
  | 'contactless'
  | 'declined'
  | 'signature'
  | 'expires'
  | 'timesOut'
  | 'cancelledOnTerminal'
  | 'authorizedThenSignature'
  | 'capturedThenSignature'
  | 'authorizedThenCaptured'
  | 'capturedThenLateSignature'
  | 'slowPin';

export interface Scenario {
  name: ScenarioName;
  /** How the card was read and verified, for paymentDetails and receipts. */
  entryMode: 'ContactChip' | 'Contactless';
  verification: 'Pin' | 'Signature' | 'Device' | 'None';
  card: { scheme: string; masked: string; last4: string; expiry: string; funding: 'Debit' | 'Credit' };
}

const VISA = { scheme: 'VISA', masked: '445653******1013', last4: '1013', expiry: '12/29', funding: 'Debit' as const };
const MASTERCARD = { scheme: 'MASTERCARD', masked: '520000******1005', last4: '1005', expiry: '12/29', funding: 'Credit' as const };

const SCENARIOS: Record<string, Scenario> = {
  SIP0: { name: 'chipPin', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  SCP0: { name: 'contactless', entryMode: 'Contactless', verification: 'Device', card: MASTERCARD },
  DIP0: { name: 'declined', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  SIS0: { name: 'signature', entryMode: 'ContactChip', verification: 'Signature', card: MASTERCARD },
  VIP0: { name: 'expires', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  TIP0: { name: 'timesOut', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  CIP0: { name: 'cancelledOnTerminal', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  AIS0: { name: 'authorizedThenSignature', entryMode: 'ContactChip', verification: 'Signature', card: MASTERCARD },
  CIS0: { name: 'capturedThenSignature', entryMode: 'ContactChip', verification: 'Signature', card: MASTERCARD },
  AIP0: { name: 'authorizedThenCaptured', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
  LIS0: { name: 'capturedThenLateSignature', entryMode: 'ContactChip', verification: 'Signature', card: MASTERCARD },
  SLP0: { name: 'slowPin', entryMode: 'ContactChip', verification: 'Pin', card: VISA },
};

/** The scenario of a TID: its last four characters; anything unknown behaves as a successful chip & PIN. */
export function scenarioForTid(tid: string): Scenario {
  return SCENARIOS[tid.slice(-4).toUpperCase()] ?? SCENARIOS['SIP0']!;
}

/** Simulated durations (ms of Dojo time). */
export const TIMING = {
  /** The terminal confirms the session. */
  initiate: 1_000,
  /** The customer presents the card. */
  presentCard: 3_000,
  /** Card read / PIN entry / authorisation steps. */
  step: 1_500,
  /** CancelRequested -> Canceled. */
  cancel: 1_000,
  /** expireAt while InitiateRequested (Dojo's example: createdAt + 10 s). */
  initiateWindow: 10_000,
  /** expireAt once Initiated (Dojo's example: + 90 s). */
  cardWindow: 90_000,
  /** Dojo accepts an unanswered signature after 80 s. */
  signatureWindow: 80_000,
  /** From an interim Authorized or Captured to the next step (signature check or capture): a guess, Dojo says nothing. */
  interim: 3_000,
  /** A signature check that comes long after the capture (A2 with a gap Dojo does not rule out). */
  lateSignature: 20_000,
} as const;

export type ScriptStep =
  | { after: number; status: string; debug?: string }
  | { after: number; notify: string }
  | { after: number; cardPresented: true }
  | { after: number; outcome: 'captured' | 'declined' | 'canceled' | 'signature' | 'authorized' | 'capturedPendingSignature' };

/**
 * The steps a session takes on a terminal, each `after` ms after the previous one. `human` adds a delay to the
 * steps a person takes (presenting the card, typing the PIN): zero for reproducible tests, random for benchmarks.
 */
export function scriptFor(scenario: Scenario, human: () => number = () => 0): ScriptStep[] {
  const start: ScriptStep[] = [
    { after: TIMING.initiate, status: 'Initiated' },
    { after: 0, notify: 'PresentCard' },
  ];
  const presentCard = TIMING.presentCard + human();
  const cardRead: ScriptStep[] =
    scenario.entryMode === 'Contactless'
      ? [{ after: presentCard, cardPresented: true }, { after: 0, notify: 'PleaseWait' }]
      : [
          { after: presentCard, cardPresented: true },
          { after: 0, notify: 'PleaseWait' },
          { after: TIMING.step + human(), notify: 'EnterPin' },
          { after: TIMING.step + human(), notify: 'PleaseWait' },
        ];
  switch (scenario.name) {
    case 'chipPin':
      return [...start, ...cardRead, { after: TIMING.step, notify: 'Approved' }, { after: 500, notify: 'RemoveCard' }, { after: 1_000, outcome: 'captured' }];
    case 'contactless':
      return [...start, ...cardRead, { after: TIMING.step, notify: 'Approved' }, { after: 500, outcome: 'captured' }];
    case 'declined':
      return [...start, ...cardRead, { after: TIMING.step, notify: 'Declined' }, { after: 500, notify: 'RemoveCard' }, { after: 1_000, outcome: 'declined' }];
    case 'signature':
      return [
        ...start,
        { after: presentCard, cardPresented: true },
        { after: 0, notify: 'PleaseWait' },
        { after: TIMING.step, outcome: 'signature' },
      ];
    case 'expires':
      return start; // the card never comes: the session expires at expireAt
    case 'timesOut':
      return []; // the terminal never confirms: expires 10 s after creation
    case 'cancelledOnTerminal':
      return [...start, { after: presentCard, status: 'Canceled', debug: 'Cancelled on the terminal' }];
    case 'authorizedThenSignature':
      return [...start, ...cardRead, { after: TIMING.step, outcome: 'authorized' }, { after: TIMING.interim, outcome: 'signature' }];
    case 'capturedThenSignature':
      return [...start, ...cardRead, { after: TIMING.step, outcome: 'capturedPendingSignature' }, { after: TIMING.interim, outcome: 'signature' }];
    case 'capturedThenLateSignature':
      return [...start, ...cardRead, { after: TIMING.step, outcome: 'capturedPendingSignature' }, { after: TIMING.lateSignature, outcome: 'signature' }];
    case 'slowPin':
      return [
        ...start,
        { after: presentCard, cardPresented: true },
        { after: 0, notify: 'PleaseWait' },
        { after: TIMING.step, notify: 'EnterPin' },
        { after: 60_000, notify: 'PleaseWait' },
        { after: TIMING.step, notify: 'Approved' },
        { after: 500, notify: 'RemoveCard' },
        { after: 1_000, outcome: 'captured' },
      ];
    case 'authorizedThenCaptured':
      return [...start, ...cardRead, { after: TIMING.step, notify: 'Approved' }, { after: 500, outcome: 'authorized' }, { after: TIMING.interim, outcome: 'captured' }];
  }
}
