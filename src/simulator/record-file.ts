import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { renameWithRetrySync, writeFileAtomic } from '../main/files/atomic-write';
import { ReadingsSchema } from './readings';
import { DAY_MS, pruneFinished, RECORD_KEEPS_MS } from './retention';
import { scenarioForTid } from './scenarios';
import { MoneySchema, PAYMENT_INTENT_STATUSES, SessionDetailsSchema } from './schemas';
import { printReceipts, type Environment, type SimState } from './state';

/**
 * Dojo's record kept across restarts (training mode): intents, sessions, refunds, terminals and the intent
 * changes still due, as one atomic snapshot (temp file, fsync, rename; user-only). The simulator's rules decide
 * what happens to a session that was running: it goes on from where the record left it, like a terminal that
 * kept going while the till was off. A file that cannot be read is kept aside, never overwritten. Finished
 * payments are kept for RECORD_KEEPS_DAYS (retention.ts), so the file stays small however long a shop trains.
 */
export const RECORD_VERSION = 1;

const PaymentDetailsSchema = z.object({
  transactionId: z.string(),
  transactionDateTime: z.string(),
  message: z.string(),
  authCode: z.string().nullable(),
  card: z.object({
    cardNumber: z.string(),
    expiryDate: z.string(),
    cardType: z.string(),
    cardFundingType: z.string(),
    last4PAN: z.string(),
    entryMode: z.string(),
    verificationMethod: z.string(),
  }),
});

const ReceiptSchema = z.object({
  lines: z.array(
    z.object({
      lineType: z.enum(['Text', 'LogoImage', 'NewLine', 'SingleLineSeperator', 'DoubleLineSeperator']),
      text: z.object({ value: z.string(), size: z.enum(['SizeHeader1', 'SizeHeader2', 'SizeBody']), align: z.enum(['AlignLeft', 'AlignCenter', 'AlignRight']), emphasisBold: z.boolean() }).optional(),
    }),
  ),
});

const ms = z.number().finite();
const StepSchema = z.union([
  z.strictObject({ after: ms, status: z.string(), debug: z.string().optional() }),
  z.strictObject({ after: ms, notify: z.string() }),
  z.strictObject({ after: ms, cardPresented: z.literal(true) }),
  z.strictObject({ after: ms, outcome: z.enum(['captured', 'declined', 'canceled', 'signature', 'authorized', 'capturedPendingSignature']) }),
]);

const TerminalSchema = z.object({
  id: z.string(),
  tid: z.string(),
  forcedStatus: z.enum(['InUse', 'Offline']).optional(),
  activeSessionId: z.string().optional(),
  updatedAt: ms,
  tipsAmount: z.number().int().min(0),
  cashbackAmount: z.number().int().min(0),
});

const IntentSchema = z.object({
  id: z.string(),
  status: z.enum(PAYMENT_INTENT_STATUSES),
  captureMode: z.enum(['Auto', 'Manual']),
  amount: MoneySchema,
  tips: z.number().int().optional(),
  cashback: z.number().int().optional(),
  refundedAmount: z.number().int(),
  reference: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  createdAt: ms,
  seq: z.number().int(),
  updatedAt: ms,
  expireAt: z.string().nullable().optional(),
  paymentDetails: PaymentDetailsSchema.optional(),
  sessionIds: z.array(z.string()),
  captures: z.array(z.object({ id: z.string(), amount: z.number().int(), tipsAmount: z.number().int().nullable(), status: z.literal('Successful'), createdAt: z.string() })),
});

const SessionSchema = z.object({
  id: z.string(),
  terminalId: z.string(),
  tid: z.string(),
  sessionType: z.enum(['Sale', 'MatchedRefund', 'UnlinkedRefund']),
  details: SessionDetailsSchema,
  intentId: z.string().optional(),
  amount: MoneySchema,
  status: z.string(),
  createdAt: ms,
  updatedAt: ms,
  expireAt: ms,
  notificationEvents: z.array(z.object({ notificationType: z.string(), createdAt: z.string() })),
  statusEvents: z.array(z.object({ status: z.string(), createdAt: z.string(), debugMessage: z.string() })),
  pending: z.array(StepSchema),
  cursor: ms,
  cardPresented: z.boolean(),
  signatureDeadline: ms.optional(),
  final: z.boolean(),
  captured: z.object({ tips: z.number().int(), cashback: z.number().int() }).optional(),
  paymentDetails: PaymentDetailsSchema.optional(),
  customerReceipt: ReceiptSchema.optional(),
  merchantReceipt: ReceiptSchema.optional(),
});

const RefundSchema = z.object({
  refundId: z.string(),
  paymentIntentId: z.string(),
  idempotencyKey: z.string(),
  amount: z.number().int(),
  refundReason: z.string().nullable(),
  notes: z.string().nullable(),
});

const DeferredSchema = z.object({
  dueAt: ms,
  intentId: z.string(),
  change: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('charge'), status: z.enum(['Authorized', 'Captured']), tips: z.number().int(), cashback: z.number().int(), paymentDetails: PaymentDetailsSchema, at: ms }),
    z.object({ kind: z.literal('reverse'), at: ms, result: z.enum(['Reversed', 'Captured']).optional() }),
    z.object({ kind: z.literal('refund'), amount: z.number().int() }),
  ]),
});

const StateSchema = z
  .object({
    environment: z.enum(['sandbox', 'production']),
    readings: ReadingsSchema,
    searchOrder: z.enum(['oldest', 'newest']),
    terminals: z.array(TerminalSchema),
    intents: z.array(IntentSchema),
    sessions: z.array(SessionSchema),
    refunds: z.array(RefundSchema),
    deferred: z.array(DeferredSchema),
  })
  // Every id one part names must be there: the simulator looks them up without checking.
  .superRefine((state, ctx) => {
    const sessions = new Map(state.sessions.map((s) => [s.id, s]));
    const intents = new Set(state.intents.map((i) => i.id));
    const terminals = new Set(state.terminals.map((t) => t.id));
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    for (const intent of state.intents) for (const id of intent.sessionIds) if (!sessions.has(id)) problem(`intent ${intent.id} names an unknown session ${id}`);
    for (const terminal of state.terminals) {
      const active = terminal.activeSessionId ? sessions.get(terminal.activeSessionId) : undefined;
      if (terminal.activeSessionId && (!active || active.final || active.terminalId !== terminal.id)) problem(`terminal ${terminal.id} names a session that is not running on it`);
    }
    for (const session of state.sessions) {
      if (!terminals.has(session.terminalId)) problem(`session ${session.id} names an unknown terminal`);
      if (session.intentId && !intents.has(session.intentId)) problem(`session ${session.id} names an unknown intent`);
      if (!session.final && session.status === 'SignatureVerificationRequired' && session.signatureDeadline === undefined) problem(`session ${session.id} waits for a signature without a deadline`);
    }
    for (const change of state.deferred) if (!intents.has(change.intentId)) problem(`a change is due on an unknown intent ${change.intentId}`);
  });

const RecordSchema = z.object({
  version: z.literal(RECORD_VERSION),
  savedAt: z.string(),
  /** The simulator's clock when saved: a restarted simulator's time never runs backwards. */
  clock: ms,
  state: StateSchema,
});
export type SimRecord = z.infer<typeof RecordSchema>;

/** What a simulator found at start. `keptAs`: where an unusable file was moved (null: it could not be moved). */
export type RecordLoad =
  | { kind: 'fresh' }
  | { kind: 'restored'; file: string; savedAt: string; intents: number; running: number }
  | { kind: 'setAside'; why: 'corrupt' | 'newer' | 'unreadable'; detail: string; keptAs: string | null };

/** The record's content (no clock): two saves with the same content write once. */
function stateOf(state: SimState): SimRecord['state'] {
  return {
    environment: state.environment,
    readings: state.readings,
    searchOrder: state.searchOrder,
    terminals: [...state.terminals.values()].map(({ scenario: _scenario, ...terminal }) => terminal),
    intents: [...state.intents.values()],
    // Receipts are two thirds of a sale's bytes and follow from the session: printed again at load.
    sessions: [...state.sessions.values()].map(({ scenario: _scenario, customerReceipt: _customer, merchantReceipt: _merchant, ...session }) => session),
    refunds: [...state.refunds.values()],
    deferred: state.deferred,
  };
}

/** Puts a record into a reset state: saved terminals over the default ones (a newer version may add some). */
export function restoreRecord(state: SimState, record: SimRecord): void {
  const saved = record.state;
  state.readings = saved.readings;
  state.searchOrder = saved.searchOrder;
  for (const terminal of saved.terminals) state.terminals.set(terminal.id, { ...terminal, scenario: scenarioForTid(terminal.tid) });
  for (const intent of saved.intents) state.intents.set(intent.id, intent);
  for (const kept of saved.sessions) {
    const session = { ...kept, scenario: scenarioForTid(kept.tid) };
    if (!session.customerReceipt) printReceipts(session); // an older record kept them
    state.sessions.set(session.id, session);
  }
  for (const refund of saved.refunds) state.refunds.set(`${refund.paymentIntentId}:${refund.idempotencyKey}`, refund);
  state.deferred = saved.deferred;
}

/**
 * Reads the record for a simulator of `environment`. No file: fresh. A file that is not JSON, fails the schema,
 * belongs to another environment, or was written by a newer version is moved aside (`<name>.<why>-<time>`), so
 * nothing is lost and the simulator starts fresh; the caller says so.
 */
export function readRecord(file: string, environment: Environment, now = Date.now()): { load: RecordLoad; record?: SimRecord } {
  removeLeftoverTemps(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { load: { kind: 'fresh' } };
    return { load: setAside(file, 'unreadable', String(error), now) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { load: setAside(file, 'corrupt', `not JSON (${(error as Error).message})`, now) };
  }
  const version = z.object({ version: z.number() }).safeParse(json);
  if (version.success && version.data.version > RECORD_VERSION) return { load: setAside(file, 'newer', `version ${version.data.version}; this version reads ${RECORD_VERSION}`, now) };
  const parsed = RecordSchema.safeParse(json);
  if (!parsed.success) return { load: setAside(file, 'corrupt', z.prettifyError(parsed.error).slice(0, 500), now) };
  if (parsed.data.state.environment !== environment) return { load: setAside(file, 'corrupt', `a ${parsed.data.state.environment} record, not ${environment}`, now) };
  // An older copy left readable by others is tightened (the next save replaces it with a 0600 file anyway).
  try {
    if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
  } catch {
    // Not ours to change (another owner): the next save replaces it with a 0600 file of our own.
  }
  const { state } = parsed.data;
  return {
    record: parsed.data,
    load: { kind: 'restored', file, savedAt: parsed.data.savedAt, intents: state.intents.length, running: state.sessions.filter((s) => !s.final).length },
  };
}

function setAside(file: string, why: 'corrupt' | 'newer' | 'unreadable', detail: string, now: number): RecordLoad {
  const keptAs = `${file}.${why}-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameWithRetrySync(file, keptAs);
    return { kind: 'setAside', why, detail, keptAs };
  } catch (error) {
    return { kind: 'setAside', why, detail: `${detail}; it could not be moved aside (${String(error)})`, keptAs: null };
  }
}

/** A save a crash cut short leaves `<name>.<pid>.<hex>.tmp` behind: never the record, only litter. */
function removeLeftoverTemps(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // Held by another program for a moment: litter, not a reason to stop training.
    }
  }
}

/**
 * Saves the record when it changes. `commit()` saves now and resolves once the record is on disk (the server
 * answers a request that changed Dojo's record only then, so a crash never forgets what the till was told);
 * `changed()` saves soon (time moving a session on, which the simulator replays from the record anyway). Saves
 * are coalesced: one write at a time, and one more if anything changed meanwhile.
 */
export class RecordKeeper {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private lastState: string | undefined;
  private closed = false;
  private prunedAt = -Infinity;

  constructor(
    private readonly file: string,
    private readonly state: SimState,
    private readonly options: { delayMs?: number; onError?: (error: unknown) => void; keepMs?: number } = {},
  ) {}

  /**
   * Drops finished payments older than the record keeps, at most once a simulated day (and at load): the record
   * changes only then, so a save in between writes what it would have anyway. True when something went.
   */
  prune(): boolean {
    const now = this.state.clock.now();
    if (now - this.prunedAt < DAY_MS) return false;
    this.prunedAt = now;
    const dropped = pruneFinished(this.state, this.options.keepMs ?? RECORD_KEEPS_MS);
    return dropped.intents + dropped.sessions > 0;
  }

  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => void this.run(), this.options.delayMs ?? 250);
    this.timer.unref();
  }

  commit(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.dirty = true;
    return this.run();
  }

  /** The last save (flushed on stop); nothing is written after. */
  async close(): Promise<void> {
    if (this.closed) return this.writing;
    this.dirty = true;
    const last = this.run();
    this.closed = true;
    await last;
  }

  private run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.write();
        }
      } finally {
        this.writing = undefined;
      }
    })();
    return this.writing;
  }

  private async write(): Promise<void> {
    this.prune();
    const body = JSON.stringify(stateOf(this.state));
    if (body === this.lastState) return;
    const now = this.state.clock.now();
    const text = `{"version":${RECORD_VERSION},"savedAt":${JSON.stringify(new Date().toISOString())},"clock":${now},"state":${body}}`;
    try {
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, text, 0o600);
      this.lastState = body;
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
