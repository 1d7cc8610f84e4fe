import { watch, type FSWatcher } from 'chokidar';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from '../../shared/app-info';
import type { ExchangeAttention } from '../../shared/exchange';
import { FINAL_STATUSES, type PaymentView } from '../../shared/payments';
import { AppError, toIpcError } from '../errors';
import type { EposBackend } from '../integration/epos-api';
import type { Logger } from '../logging/logger';
import { checkRequestEnvironment } from './environment-rule';
import { requireReplayEnvironment } from '../integration/environment-rule';
import { fileProofFor, verifyFileProof } from '../integration/proof';
import { ensureFolder, exists, moveInto, readLimited, writeAtomic, writeProgress } from './files';
import {
  FileContentError,
  MAX_COMMIT_BYTES,
  MAX_REQUEST_BYTES,
  SUBFOLDERS,
  decodeText,
  formatOf,
  parseCommit,
  parseRequest,
  readAnswer,
  requestFileName,
  resultAnswer,
  serialise,
  splitProofLine,
  withProofLine,
  type Answer,
  type ExchangeRequest,
  type FileFormat,
} from './protocol';

/** What the exchange needs from the companion: the EPOS operations (one engine path) and their events. */
export interface ExchangeBackend {
  environment(): Environment;
  operations: Pick<EposBackend, 'startSale' | 'refund' | 'requestUnlinkedRefund' | 'refundRequest' | 'payment'>;
  /** The payment an EPOS idempotency key already started (any kind), if any. */
  replayed(key: string): PaymentView | undefined;
  onPaymentUpdate(listener: (view: PaymentView) => void): () => void;
  onRefundRequests(listener: () => void): () => void;
  /** The key of the proof line in every answer file: the EPOS token (the EPOS holds it; integration/proof.ts). */
  proofKey(): string;
}

export interface FolderExchangeOptions {
  folder: string;
  backend: ExchangeBackend;
  logger: Logger;
  now: () => number;
  /** After an approved result, how long the EPOS has to write its commit before a person is asked. */
  commitTimeoutMs: number;
  /** Requests started or waiting for the PIN at once; more are refused with an .err. */
  maxPending: number;
  /** The periodic scan that backs up file events (network shares lose events). */
  scanIntervalMs?: number;
  /** Poll the folder instead of relying on file events (network shares). */
  polling?: boolean;
  /** Something the Settings status shows changed (attention, error, counts). */
  onChange?: () => void;
}

/** One request id the exchange is looking after, from its acknowledgement to its commit. */
interface Entry {
  id: string;
  format: FileFormat;
  request: ExchangeRequest | null;
  paymentId: string | null;
  refundRequestId: string | null;
  /** The status word in the result file written so far (null: no result yet). */
  resultStatus: string | null;
  /** When the result was first written: the commit clock starts here. */
  resultAt: number | null;
  lastStatus: string;
  attention: boolean;
}

/** The EPOS's request id is its idempotency key; this prefix keeps it apart from HTTP Idempotency-Keys. */
const keyOf = (id: string) => `exchange:${id}`;
const isFinal = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);
const hasResult = (status: string) => isFinal(status) || status === 'needs_attention';
export const NOT_COMMITTED_REASON = 'The EPOS did not confirm it recorded this payment.';

/**
 * The folder exchange: an EPOS that can only write files drops `requests/<id>.req`; the companion acknowledges,
 * starts the payment through the same EPOS operations as the HTTP API, writes progress and the result, and
 * archives both once the EPOS commits. Every decision is taken again from the files and the journal, so a
 * restart of either side lands in the same place: one request id, at most one payment.
 */
export class FolderExchange {
  private readonly dirs: Record<(typeof SUBFOLDERS)[number], string>;
  private readonly entries = new Map<string, Entry>();
  private readonly byPayment = new Map<string, string>();
  /** The actual names seen for each id (an EPOS may write ORDER1.REQ). */
  private readonly names = new Map<string, { req?: string; commit?: string }>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  /** Ids whose files changed since their last pass (a pass for a payment update alone skips the folder). */
  private readonly touched = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void)[] = [];
  private stopped = false;
  /** Requests between their checks and their start (which may await the refund limits). */
  private starting = 0;
  private scanning: Promise<void> | undefined;
  error: string | null = null;
  readonly counts = { received: 0, rejected: 0, archived: 0 };
  lastRequestAt: number | null = null;

  constructor(private readonly options: FolderExchangeOptions) {
    this.dirs = Object.fromEntries(SUBFOLDERS.map((name) => [name, path.join(options.folder, name)])) as FolderExchange['dirs'];
  }

  async start(): Promise<void> {
    await ensureFolder(this.options.folder);
    for (const dir of Object.values(this.dirs)) await ensureFolder(dir);
    const { backend } = this.options;
    this.unsubscribe.push(
      backend.onPaymentUpdate((view) => {
        const id = this.byPayment.get(view.id);
        if (id) this.schedule(id);
      }),
      backend.onRefundRequests(() => {
        for (const entry of this.entries.values()) if (entry.refundRequestId && !entry.paymentId) this.schedule(entry.id);
      }),
    );
    // What is already there first (requests written while the companion was closed, results awaiting a commit).
    await this.scan();
    this.watcher = watch(this.dirs.requests, {
      depth: 0,
      ignoreInitial: true,
      usePolling: !!this.options.polling,
      interval: 500,
      ignored: (file, stats) => !!stats?.isFile() && !requestFileName(path.basename(file)),
    });
    this.watcher.on('add', (file) => this.noticed(path.basename(file)));
    this.watcher.on('change', (file) => this.noticed(path.basename(file)));
    this.watcher.on('error', (error) => this.options.logger.warn('exchange watcher error (the periodic scan goes on)', { error: String(error) }));
    this.timer = setInterval(() => void this.tick(), this.options.scanIntervalMs ?? 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
    await this.watcher?.close();
    await this.scanning;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  get folder(): string {
    return this.options.folder;
  }

  /** Requests started or waiting for the supervisor: what the pending cap counts. */
  pendingCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.resultStatus === null) n++;
    return n;
  }

  awaitingCommit(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.resultStatus !== null) n++;
    return n;
  }

  attention(): ExchangeAttention[] {
    return [...this.entries.values()]
      .filter((e) => e.attention)
      .map((e) => {
        const payment = e.paymentId ? this.options.backend.operations.payment(e.paymentId) : null;
        return {
          requestId: e.id,
          paymentId: e.paymentId,
          type: payment?.type ?? 'Sale',
          amount: payment?.result?.totalAmount ?? payment?.amount ?? 0,
          currency: payment?.currency ?? 'GBP',
          reference: payment?.reference ?? '',
          resultAt: new Date(e.resultAt ?? this.options.now()).toISOString(),
          reason: NOT_COMMITTED_REASON,
          instruction: `Check that the EPOS shows ${payment?.reference ?? e.id} as paid. If it does not, record it there by hand. The payment went through: do not refund it unless the customer asks.`,
        };
      });
  }

  /**
   * A person checked the EPOS for a payment it never committed: the request and its answers go to archive/ with
   * the note beside them (`<id>.resolved`), and the item leaves the attention list.
   */
  async resolveAttention(requestId: string, note: string): Promise<void> {
    const entry = this.entries.get(requestId);
    if (!entry?.attention) throw new AppError('NOT_FOUND', 'That exchange request does not need attention (the EPOS may have committed it meanwhile).');
    await this.whileRunning(requestId, async () => {
      await writeAtomic(path.join(this.dirs.archive, `${requestId}.resolved`), this.signed(`${requestId}.resolved`, { id: requestId, payment: entry.paymentId, resolved_at: new Date(this.options.now()).toISOString(), note }, entry.format));
      await this.archive(entry);
    });
  }

  /** Test and shutdown aid: resolves once every noticed file has been handled. */
  async idle(): Promise<void> {
    while (this.inFlight.size || this.scanning) {
      await this.scanning;
      await Promise.all([...this.inFlight]);
    }
  }

  // ---- detection ----------------------------------------------------------------------------------------------

  private noticed(name: string): void {
    const parsed = requestFileName(name);
    if (!parsed) return; // a temporary name: the EPOS has not renamed it yet
    if (!parsed.valid) {
      void this.track(this.rejectName(name));
      return;
    }
    const names = this.names.get(parsed.id) ?? {};
    names[parsed.kind] = name;
    this.names.set(parsed.id, names);
    this.touched.add(parsed.id);
    this.schedule(parsed.id);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.scanning) return;
    await this.scan();
    const now = this.options.now();
    let changed = false;
    for (const entry of this.entries.values()) {
      // Payments are followed through their updates; this catches any update missed (e.g. across a mode switch).
      if (entry.resultStatus === null || entry.resultStatus === 'needs_attention') this.schedule(entry.id);
      if (entry.resultStatus === 'approved' && !entry.attention && entry.resultAt !== null && now - entry.resultAt >= this.options.commitTimeoutMs) {
        entry.attention = true;
        changed = true;
        this.options.logger.warn('exchange: no commit for an approved payment', { requestId: entry.id, paymentId: entry.paymentId });
      }
    }
    if (changed) this.options.onChange?.();
  }

  /** Lists requests/ and responses/ (results awaiting a commit) and schedules every id found. */
  private scan(): Promise<void> {
    this.scanning = (async () => {
      try {
        const [requests, responses] = await Promise.all([fs.readdir(this.dirs.requests), fs.readdir(this.dirs.responses)]);
        for (const name of requests) this.noticed(name);
        for (const name of responses) {
          const id = name.endsWith('.res') ? name.slice(0, -4) : '';
          if (id && !this.entries.has(id) && !name.startsWith('.')) this.schedule(id);
        }
        if (this.error) {
          this.error = null;
          this.options.onChange?.();
        }
      } catch (error) {
        const message = `The exchange folder cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). The companion keeps trying.`;
        if (this.error !== message) {
          this.error = message;
          this.options.logger.warn('exchange folder unreadable', { error: String(error) });
          this.options.onChange?.();
        }
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  /** One pass per id at a time; a change while it runs queues exactly one more pass. */
  private schedule(id: string): void {
    if (this.stopped) return;
    if (this.running.has(id)) {
      this.dirty.add(id);
      return;
    }
    this.running.add(id);
    void this.track(
      (async () => {
        try {
          do {
            this.dirty.delete(id);
            await this.reconcile(id).catch((error: unknown) => this.options.logger.error('exchange request failed', { requestId: id, error: String(error) }));
          } while (this.dirty.has(id) && !this.stopped);
        } finally {
          this.running.delete(id);
        }
      })(),
    );
  }

  /** Runs `work` as this id's pass (waiting for a pass already running). */
  private async whileRunning(id: string, work: () => Promise<void>): Promise<void> {
    while (this.running.has(id)) await Promise.all([...this.inFlight]);
    this.running.add(id);
    try {
      await work();
    } finally {
      this.running.delete(id);
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  // ---- one request id ------------------------------------------------------------------------------------------

  private file(folder: keyof FolderExchange['dirs'], name: string) {
    return path.join(this.dirs[folder], name);
  }

  private async reconcile(id: string): Promise<void> {
    const names = this.names.get(id) ?? {};
    const reqFile = this.file('requests', names.req ?? `${id}.req`);
    const commitFile = this.file('requests', names.commit ?? `${id}.commit`);
    // A pass for a payment update only follows the payment; the folder is looked at when a file was noticed.
    const filesChanged = this.touched.delete(id);
    let entry = this.entries.get(id);
    if (!entry) {
      if (await exists(reqFile)) entry = await this.discover(id, reqFile);
      else if (await exists(this.file('responses', `${id}.res`))) entry = await this.fromResult(id);
      else if (await exists(commitFile)) return this.orphanCommit(id, commitFile);
      if (!entry) return;
    } else if (!filesChanged) {
      return this.follow(entry);
    }
    await this.follow(entry);
    if (await exists(commitFile)) await this.commit(entry, commitFile);
  }

  /** A request file with no entry: a replay of an id seen before, an answer waiting for its commit, or new work. */
  private async discover(id: string, reqFile: string): Promise<Entry | undefined> {
    const bytes = await readLimited(reqFile, MAX_REQUEST_BYTES);
    if (bytes === null) return undefined;
    const format = Buffer.isBuffer(bytes) ? sniffFormat(bytes) : 'kv';
    const { backend } = this.options;

    // The same id again (after a restart of either side, or an EPOS retry): the payment it started, never a second.
    const replay = backend.replayed(keyOf(id));
    if (replay && replay.environment !== backend.environment()) {
      // As over HTTP: a used id answers only in the environment it was used in (the till has switched since).
      try {
        requireReplayEnvironment(backend.environment(), replay);
      } catch (error) {
        const { code, message, fields } = toIpcError(error);
        return this.reject(id, reqFile, format, code, message, fields);
      }
    }
    if (replay) {
      const entry = await this.remember(id, format, null, replay.id, null);
      if (!(await exists(this.file('responses', `${id}.ack`)))) await this.acknowledge(entry, { replayed: true });
      return entry;
    }
    // A result only if it is the companion's own: a forged .res (written while the companion was closed) does not
    // stand in for the request's outcome; the request is handled and the real result replaces it.
    if (await this.ownResult(id)) return this.fromResult(id, format);

    if (bytes === 'too_large') return this.reject(id, reqFile, format, 'VALIDATION', `The request file is larger than ${MAX_REQUEST_BYTES} bytes.`);
    if (bytes === 'not_a_file') return this.reject(id, reqFile, format, 'VALIDATION', 'The request is not a plain file.');
    let request: ExchangeRequest;
    try {
      request = parseRequest(bytes).request;
    } catch (error) {
      if (error instanceof FileContentError) return this.reject(id, reqFile, format, 'VALIDATION', error.message, error.fields);
      throw error;
    }

    let entry: Entry;
    try {
      checkRequestEnvironment(request.environment, backend.environment());
      // The slot is taken before anything awaits, so requests arriving together cannot all slip under the cap.
      if (this.pendingCount() + this.starting >= this.options.maxPending) {
        throw new AppError('CONFLICT', `${this.options.maxPending} requests are already waiting. Nothing was started; send this one again (same id) once earlier ones have finished.`);
      }
      this.starting++;
      try {
        entry = await this.begin(id, format, request);
      } finally {
        this.starting--;
      }
    } catch (error) {
      const { code, message, fields } = toIpcError(error);
      return this.reject(id, reqFile, format, code, message, fields);
    }
    this.counts.received++;
    this.lastRequestAt = this.options.now();
    // An .err from an earlier attempt with this id must not sit beside the new answers.
    if (await exists(this.file('responses', `${id}.err`))) await moveInto(this.file('responses', `${id}.err`), this.dirs.rejected);
    await this.acknowledge(entry, { replayed: false });
    return entry;
  }

  /**
   * Starts the request through the EPOS operations: a payment journalled before this returns, or a refund request
   * waiting for the supervisor's PIN on the till (every unlinked refund; a matched one above the PIN threshold).
   */
  private async begin(id: string, format: FileFormat, request: ExchangeRequest): Promise<Entry> {
    const { operations } = this.options.backend;
    const key = keyOf(id);
    const terminal = request.terminal ? { terminalId: request.terminal } : {};
    if (request.type === 'sale') {
      const { payment } = operations.startSale({ amount: request.amount, currency: request.currency, reference: request.reference, ...terminal }, key);
      return this.rememberSync(id, format, request, payment.id, null);
    }
    if (request.type === 'refund') {
      const target = request.payment ? { paymentId: request.payment } : { reference: request.reference! };
      const answer = operations.refund({ amount: request.amount, ...target, ...terminal }, key);
      return 'payment' in answer ? this.rememberSync(id, format, request, answer.payment.id, null) : this.rememberSync(id, format, request, answer.request.paymentId, answer.request.requestId);
    }
    const { request: pending } = await operations.requestUnlinkedRefund({ amount: request.amount, currency: request.currency, ...(request.reference ? { reference: request.reference } : {}), ...terminal }, key);
    return this.rememberSync(id, format, request, pending.paymentId, pending.requestId);
  }

  private rememberSync(id: string, format: FileFormat, request: ExchangeRequest | null, paymentId: string | null, refundRequestId: string | null): Entry {
    const entry: Entry = { id, format, request, paymentId, refundRequestId, resultStatus: null, resultAt: null, lastStatus: '', attention: false };
    this.entries.set(id, entry);
    if (paymentId) this.byPayment.set(paymentId, id);
    return entry;
  }

  /** An entry for an id seen before, with the result already written (if any) read back. */
  private async remember(id: string, format: FileFormat, request: ExchangeRequest | null, paymentId: string | null, refundRequestId: string | null): Promise<Entry> {
    const entry = this.rememberSync(id, format, request, paymentId, refundRequestId);
    const answer = await this.ownResult(id);
    if (answer) {
      entry.resultStatus = answer.status;
      const at = answer.completed_at ? Date.parse(answer.completed_at) : NaN;
      // Unreadable time: the commit clock starts now (later attention, never none).
      entry.resultAt = Number.isFinite(at) ? at : this.options.now();
    }
    return entry;
  }

  /** A result waiting for its commit whose request file is gone (the EPOS removed it, or it was never ours). */
  private async fromResult(id: string, format?: FileFormat): Promise<Entry | undefined> {
    const bytes = await readLimited(this.file('responses', `${id}.res`), 64 * 1024);
    if (!Buffer.isBuffer(bytes)) return undefined;
    const answer = this.provenAnswer(`${id}.res`, bytes);
    const payment = answer?.payment ?? null;
    const replay = this.options.backend.replayed(keyOf(id));
    return this.remember(id, format ?? sniffFormat(bytes), null, replay?.id ?? (payment && this.knownPayment(payment) ? payment : null), null);
  }

  private knownPayment(paymentId: string): boolean {
    try {
      this.options.backend.operations.payment(paymentId);
      return true;
    } catch {
      return false;
    }
  }

  /** Brings the answer files up to date with the payment (or the refund request waiting for the PIN). */
  private async follow(entry: Entry): Promise<void> {
    const { operations } = this.options.backend;
    if (entry.refundRequestId && !entry.paymentId && entry.resultStatus === null) {
      let request;
      try {
        request = operations.refundRequest(entry.refundRequestId);
      } catch {
        request = undefined;
      }
      if (request?.status === 'started' && request.paymentId) {
        entry.paymentId = request.paymentId;
        this.byPayment.set(request.paymentId, entry.id);
      } else if (request?.status === 'declined') {
        return this.writeResult(entry, {
          id: entry.id,
          status: 'cancelled',
          // The environment the request was made in (the till may have switched since).
          environment: request.environment,
          training: request.environment === 'training',
          type: entry.request?.type === 'refund' ? 'refund' : 'unlinked_refund',
          amount: entry.request?.amount,
          currency: entry.request && 'currency' in entry.request ? entry.request.currency : undefined,
          reference: entry.request?.reference,
          message: 'The refund was declined on the till by the supervisor. Nothing was refunded.',
        }, 'cancelled');
      } else if (!request) {
        // The request was lost on the till side (e.g. a restart): ask again, or pick up the refund it started.
        const replay = this.options.backend.replayed(keyOf(entry.id));
        if (replay) {
          entry.paymentId = replay.id;
          this.byPayment.set(replay.id, entry.id);
        } else if (entry.request && entry.request.type !== 'sale') {
          const again = await this.begin(entry.id, entry.format, entry.request);
          entry.refundRequestId = again.refundRequestId;
          entry.paymentId = again.paymentId;
          this.entries.set(entry.id, entry); // begin() registered a fresh entry: keep this one (its answers so far)
        }
      }
      if (!entry.paymentId) return this.writeStatus(entry);
    }
    if (!entry.paymentId) return;
    const payment = operations.payment(entry.paymentId);
    await this.writeStatus(entry, payment);
    if (hasResult(payment.status) && entry.resultStatus !== payment.status) {
      await this.writeResult(entry, resultAnswer(entry.id, payment, entry.resultAt ?? this.options.now()), payment.status);
    }
  }

  private async writeResult(entry: Entry, answer: Answer, status: string): Promise<void> {
    const at = entry.resultAt ?? this.options.now();
    await writeAtomic(this.file('responses', `${entry.id}.res`), this.signed(`${entry.id}.res`, { ...answer, completed_at: new Date(at).toISOString() }, entry.format));
    entry.resultStatus = status;
    entry.resultAt = at;
    this.options.onChange?.();
  }

  private async writeStatus(entry: Entry, payment?: PaymentView): Promise<void> {
    const answer: Answer = payment
      ? { id: entry.id, status: payment.status, prompt: payment.prompt, message: payment.message, payment: payment.id, environment: payment.environment, can_cancel: payment.canCancel }
      : { id: entry.id, status: 'awaiting_confirmation', message: 'Waiting for the supervisor to confirm the refund with the PIN on the till.', environment: this.options.backend.environment() };
    const content = serialise(answer, entry.format);
    if (content === entry.lastStatus) return;
    entry.lastStatus = content;
    await writeProgress(this.file('responses', `${entry.id}.status`), this.signed(`${entry.id}.status`, { ...answer, updated_at: new Date(this.options.now()).toISOString() }, entry.format));
  }

  private async acknowledge(entry: Entry, options: { replayed: boolean }): Promise<void> {
    const answer: Answer = {
      id: entry.id,
      status: 'received',
      payment: entry.paymentId,
      refund_request: entry.refundRequestId,
      replayed: options.replayed,
      environment: this.options.backend.environment(),
      received_at: new Date(this.options.now()).toISOString(),
    };
    await writeAtomic(this.file('responses', `${entry.id}.ack`), this.signed(`${entry.id}.ack`, answer, entry.format));
  }

  // ---- proof lines -----------------------------------------------------------------------------------------------

  /**
   * Every answer carries a proof line keyed with the EPOS token, so a result written by anyone else who can write to
   * the folder ("approved" for a payment that never happened) fails the EPOS's check. `name` is the answer's name
   * in responses/ (`<id>.res`), also for the copies beside a rejected file.
   */
  private signed(name: string, answer: Answer, format: FileFormat): string {
    const content = serialise(answer, format);
    return withProofLine(content, format, fileProofFor(this.options.backend.proofKey(), name, content));
  }

  /** A result file read back after a restart counts only if its proof is the companion's (never a forged one). */
  private provenAnswer(name: string, bytes: Buffer): ReturnType<typeof readAnswer> {
    const split = splitProofLine(bytes);
    if (!split || !verifyFileProof(this.options.backend.proofKey(), name, split.content, split.proof)) {
      this.options.logger.warn('exchange answer file without a valid proof ignored (not written by this companion, or before the token changed)', { file: name });
      return null;
    }
    return readAnswer(split.content);
  }

  private async ownResult(id: string): Promise<ReturnType<typeof readAnswer>> {
    const bytes = await readLimited(this.file('responses', `${id}.res`), 64 * 1024);
    return Buffer.isBuffer(bytes) ? this.provenAnswer(`${id}.res`, bytes) : null;
  }

  // ---- commit and archive --------------------------------------------------------------------------------------

  private async commit(entry: Entry, commitFile: string): Promise<void> {
    const bytes = await readLimited(commitFile, MAX_COMMIT_BYTES);
    if (bytes === null) return;
    let problem: string | null = null;
    if (entry.resultStatus === null) problem = 'The commit came before the result: write it only once responses/<id>.res is there.';
    else if (!isFinal(entry.resultStatus)) problem = `The outcome is not known yet (${entry.resultStatus}): the result file is rewritten when it is settled; commit after that.`;
    else if (!Buffer.isBuffer(bytes)) problem = `The commit file is not a plain file of at most ${MAX_COMMIT_BYTES} bytes.`;
    else {
      try {
        const commit = parseCommit(bytes);
        if (commit.status && commit.status !== entry.resultStatus) problem = `The commit says ${commit.status} but the result is ${entry.resultStatus}. Record the result as it is, then commit again.`;
      } catch (error) {
        problem = error instanceof FileContentError ? `The commit file is not valid: ${error.message}` : String(error);
      }
    }
    if (problem) {
      await this.rejectCommit(entry.id, commitFile, entry.format, problem);
      return;
    }
    await this.archive(entry, commitFile);
  }

  /** Moves every file of a settled request to archive/ (nothing is deleted) and forgets it. */
  private async archive(entry: Entry, commitFile?: string): Promise<void> {
    const names = this.names.get(entry.id) ?? {};
    const files = [
      this.file('requests', names.req ?? `${entry.id}.req`),
      ...(commitFile ? [commitFile] : []),
      ...['ack', 'status', 'res'].map((ext) => this.file('responses', `${entry.id}.${ext}`)),
    ];
    // The result last: while it is still in responses/ the request is not settled.
    for (const file of files) await moveInto(file, this.dirs.archive);
    this.entries.delete(entry.id);
    if (entry.paymentId) this.byPayment.delete(entry.paymentId);
    this.names.delete(entry.id);
    this.counts.archived++;
    this.options.onChange?.();
  }

  /** A commit for an id with no request or result here: fine after an archive (a repeated commit), else refused. */
  private async orphanCommit(id: string, commitFile: string): Promise<void> {
    if (this.options.backend.replayed(keyOf(id)) || (await exists(this.file('archive', `${id}.res`)))) {
      await moveInto(commitFile, this.dirs.archive);
      this.names.delete(id);
      return;
    }
    await this.rejectCommit(id, commitFile, 'kv', 'No request or result with this id is waiting for a commit.');
  }

  // ---- refusals ------------------------------------------------------------------------------------------------

  /**
   * Moves the request to rejected/, then writes responses/<id>.err (and a copy beside the request): when the EPOS
   * sees the .err, its request is already out of requests/ and the id can be sent again.
   */
  private async reject(id: string, file: string, format: FileFormat, code: string, message: string, fields?: Record<string, string[]>): Promise<undefined> {
    const content = this.signed(`${id}.err`, { id, code, message, field: fields, rejected_at: new Date(this.options.now()).toISOString() }, format);
    const moved = await moveInto(file, this.dirs.rejected);
    await writeAtomic(this.file('responses', `${id}.err`), content);
    if (moved) await writeAtomic(`${moved}.err`, content);
    this.names.delete(id);
    this.counts.rejected++;
    this.options.logger.info('exchange request refused', { requestId: id, code });
    this.options.onChange?.();
    return undefined;
  }

  private async rejectCommit(id: string, file: string, format: FileFormat, message: string): Promise<void> {
    const moved = await moveInto(file, this.dirs.rejected);
    if (moved) await writeAtomic(`${moved}.err`, this.signed(`${id}.commit.err`, { id, code: 'VALIDATION', message, rejected_at: new Date(this.options.now()).toISOString() }, format));
    const names = this.names.get(id);
    if (names) delete names.commit;
    this.options.logger.info('exchange commit refused', { requestId: id, message });
  }

  /** A request whose name is not a valid id: answered under the same name, moved to rejected/. */
  private async rejectName(name: string): Promise<void> {
    const stem = name.replace(/\.(req|commit)$/i, '');
    const message = 'The request id (the file name before .req) must be 1 to 60 letters, digits, - or _.';
    const content = this.signed(`${stem}.err`, { id: stem.slice(0, 60), code: 'VALIDATION', message, rejected_at: new Date(this.options.now()).toISOString() }, 'kv');
    if (name.length <= 200) await writeAtomic(this.file('responses', `${stem}.err`), content);
    const moved = await moveInto(this.file('requests', name), this.dirs.rejected);
    if (moved) {
      await writeAtomic(`${moved}.err`, content);
      this.counts.rejected++;
      this.options.onChange?.();
    }
  }
}

function sniffFormat(bytes: Buffer): FileFormat {
  try {
    return formatOf(decodeText(bytes));
  } catch {
    return 'kv';
  }
}
