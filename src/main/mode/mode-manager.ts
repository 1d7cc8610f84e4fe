import fs from 'node:fs';
import path from 'node:path';
import { EnvironmentSchema, type Environment } from '../../shared/app-info';
import type { PaymentView } from '../../shared/payments';
import { startSimulator, type Simulator } from '../../simulator';
import { DojoClient } from '../dojo/client';
import { AppError } from '../errors';
import type { EventBus } from '../events';
import { Journal } from '../journal/journal';
import type { Logger } from '../logging/logger';
import { PaymentEngine } from '../payments/engine';
import type { Reconciler, TrainingRecordKeeps } from '../reports/reconciler';
import type { ReportService } from '../reports/report-service';
import type { PaymentRecord } from '../payments/record';
import { toView } from '../payments/view';
import { keyWords, outcome } from '../payments/messages';
import { KeychainModuleError } from '../secrets/keytar-store';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import { environmentOfKey, type LiveEnvironment } from '../settings/api-key';
import { SANDBOX_PARTNER_IDS, type BuildConfig } from '../settings/build-config';
import { readModeChoice, writeModeChoice } from './mode-choice';
import { trainingRecordKeeps, trainingRecordNotice, trainingRecordPath } from './training-record';
import { UnavailableEngine } from './unavailable-engine';

export const DOJO_BASE_URL = 'https://api.dojo.tech';
/** The key training mode uses against the built-in simulator (it moves no money anywhere). */
export const TRAINING_KEY = 'sk_sandbox_training';

/** Which Dojo the till talks to right now, with that environment's own journal and engine. */
export interface Mode {
  environment: Environment;
  /** Why the till is in training mode, in words for the cashier. */
  reason?: string;
  /** The till had a Dojo key and cannot use it: no payments until it can (why, and what to do). */
  unavailable?: { reason: string; instruction: string };
  journal: Journal;
  engine: PaymentEngine;
  /** End-of-day reports and reconciliation on this environment's journal. */
  reports: ReportService;
  reconciler: Reconciler;
  simulator?: Simulator;
}

export interface ModeOptions {
  buildConfig: BuildConfig;
  secrets: SecretStore;
  dataDir: string;
  fetch: typeof fetch;
  now: () => number;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  events: EventBus;
  /** Development overrides (DOJO_API_BASE_URL, TILL_TRAINING_SIM_*) are honoured. */
  devOverrides: boolean;
  /** When the trading day starts ("HH:MM", shared/dates.ts). */
  tradingDayStart: () => string;
  /** While the key cannot be used, how often to try again (ms). */
  retryUnavailableMs?: number;
  /** This installation's id, written into every intent's metadata (settings/till-id.ts). */
  tillId: string;
  /** Builds the end-of-day services for an environment's journal and engine. */
  endOfDay: (parts: { environment: Environment; journal: Journal; engine: PaymentEngine; client: () => DojoClient; trainingRecord?: TrainingRecordKeeps }) => { reports: ReportService; reconciler: Reconciler };
}

/**
 * The till's mode and its API key: training (the built-in simulator), sandbox or production, chosen from the
 * key in the keychain. Each environment has its own journal, so training or sandbox payments never mix with
 * real totals. Switching happens without a restart, never while a payment runs.
 */
export class ModeManager {
  private mode!: Mode;
  private readonly liveBaseUrl: string;
  private retryTimer: NodeJS.Timeout | undefined;
  private retrying: Promise<void> | undefined;

  private constructor(private readonly options: ModeOptions) {
    this.liveBaseUrl = ((options.devOverrides && options.env['DOJO_API_BASE_URL']) || DOJO_BASE_URL).replace(/\/$/, '');
  }

  static async start(options: ModeOptions): Promise<ModeManager> {
    const manager = new ModeManager(options);
    manager.mode = await manager.begin(await manager.activate());
    return manager;
  }

  get current(): Mode {
    return this.mode;
  }

  /** The payment engine of the current environment. */
  payments(): PaymentEngine {
    return this.mode.engine;
  }

  environment(): Environment {
    return this.mode.environment;
  }

  /** A client for a live key, after the build's rules for that key's environment. */
  liveClient(key: string): { environment: LiveEnvironment; client: DojoClient } {
    const { buildConfig } = this.options;
    const environment = environmentOfKey(key);
    if (!buildConfig.allowedEnvironments.includes(environment)) {
      throw new AppError('NOT_CONFIGURED', `This build of ${buildConfig.productName} does not accept ${environment} keys.`);
    }
    const client = new DojoClient({ baseUrl: this.liveBaseUrl, fetch: this.options.fetch, apiKey: async () => key, version: buildConfig.apiVersion, ...this.partnerIds(environment) });
    return { environment, client };
  }

  /** Tests a key against Dojo, stores it in the keychain and switches to it. */
  async setApiKey(raw: string): Promise<void> {
    const key = raw.trim();
    const { client } = this.liveClient(key);
    try {
      await client.listTerminals();
    } catch (error) {
      if (error instanceof AppError && (error.code === 'NETWORK' || error.code === 'TIMEOUT')) {
        throw new AppError(error.code, 'Dojo could not be reached to test the key, so it was not saved. Check the connection and try again.');
      }
      throw error;
    }
    this.refuseWhileRunning('changing the API key');
    await this.options.secrets.set(SECRET_ACCOUNTS.dojoApiKey, key);
    writeModeChoice(this.options.dataDir, 'live', environmentOfKey(key), this.options.now());
    await this.switch();
  }

  /** Removes the key: the shop chooses training (the one way into training for a till that had a key). */
  async clearApiKey(): Promise<void> {
    this.refuseWhileRunning('removing the API key');
    await this.options.secrets.delete(SECRET_ACCOUNTS.dojoApiKey);
    writeModeChoice(this.options.dataDir, 'training', null, this.options.now());
    await this.switch();
  }

  /**
   * Look-ups across every environment's journal (the current one first, with live state): an EPOS retry with the
   * same Idempotency-Key, or a search by reference, finds the payment wherever it was taken. Each answer carries
   * the payment's own environment.
   */
  findByIdempotencyKey(key: string): PaymentView | undefined {
    return this.mode.engine.findByIdempotencyKey(key) ?? this.elsewhere((journal) => journal.findByIdempotencyKey(key))[0];
  }

  byReference(reference: string): PaymentView[] {
    return [...this.mode.engine.byReference(reference), ...this.elsewhere((journal) => journal.findByReference(reference))];
  }

  payment(id: string): PaymentView {
    try {
      return this.mode.engine.payment(id);
    } catch (error) {
      const found = this.elsewhere((journal) => journal.get(id))[0];
      if (found) return found;
      throw error;
    }
  }

  /** Runs a read on the journals of the other environments (opened for the read, then closed). */
  private elsewhere(read: (journal: Journal) => PaymentRecord | PaymentRecord[] | undefined): PaymentView[] {
    const found: PaymentView[] = [];
    for (const environment of EnvironmentSchema.options) {
      if (environment === this.mode.environment) continue;
      const file = path.join(this.options.dataDir, `journal-${environment}.sqlite`);
      if (!fs.existsSync(file)) continue;
      let journal: Journal | undefined;
      try {
        journal = Journal.open(file);
        const result = read(journal);
        found.push(...(Array.isArray(result) ? result : result ? [result] : []).map(toView));
      } catch (error) {
        this.options.logger.warn('another journal could not be read for a look-up', { environment, error: String(error) });
      } finally {
        journal?.close();
      }
    }
    return found;
  }

  /** Why no payment can be taken now (the till's key cannot be used), or null. */
  unavailable(): { reason: string; instruction: string } | null {
    return this.mode.unavailable ?? null;
  }

  /**
   * While the key cannot be used: reads the keychain again and, once the key can be used, switches to it and
   * recovers its unfinished payments. One attempt at a time; does nothing when the till is not unavailable.
   */
  retryUnavailable(): Promise<void> {
    if (!this.mode.unavailable) return Promise.resolve();
    this.retrying ??= (async () => {
      try {
        const key = await this.options.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
        if (!key) return;
        this.liveClient(key);
      } catch {
        return;
      }
      await this.switch();
    })().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    await this.retrying?.catch(() => undefined);
    await this.stop(this.mode);
  }

  private refuseWhileRunning(what: string): void {
    if (this.mode.engine.hasRunningPayments()) throw new AppError('PAYMENT_IN_PROGRESS', `A payment is running. Let it finish before ${what}.`);
  }

  /** Switches environment without a restart, never while a payment is running. */
  private async switch(): Promise<void> {
    this.refuseWhileRunning('changing the API key');
    await this.mode.engine.settled();
    const old = this.mode;
    await this.stop(old);
    this.mode = await this.begin(await this.activate());
    this.options.logger.info('switched environment', { from: old.environment, to: this.mode.environment });
  }

  private partnerIds(environment: LiveEnvironment) {
    const { buildConfig } = this.options;
    if (buildConfig.softwareHouseId && buildConfig.resellerId) return { softwareHouseId: buildConfig.softwareHouseId, resellerId: buildConfig.resellerId };
    if (environment === 'sandbox') return SANDBOX_PARTNER_IDS;
    throw new AppError('NOT_CONFIGURED', 'Production keys need the Dojo-issued software-house-id and reseller-id in this build. Ask your reseller for a production build.');
  }

  private engineFor(environment: Environment, client: DojoClient, scale = 1, trainingRecord?: TrainingRecordKeeps): Pick<Mode, 'journal' | 'engine' | 'reports' | 'reconciler'> {
    const { dataDir, now, logger, events, tillId } = this.options;
    const journal = Journal.open(path.join(dataDir, `journal-${environment}.sqlite`));
    const engine = new PaymentEngine({ journal, client: () => client, environment, tillId, now, policy: { scale }, logger, tradingDayStart: this.options.tradingDayStart, onUpdate: (view) => events.emit('payment:update', view) });
    return { journal, engine, ...this.options.endOfDay({ environment, journal, engine, client: () => client, ...(trainingRecord ? { trainingRecord } : {}) }) };
  }

  private async trainingMode(reason: string): Promise<Mode> {
    const { devOverrides, env, logger, fetch, buildConfig, dataDir } = this.options;
    const speed = devOverrides && env['TILL_TRAINING_SIM_SPEED'] ? Number(env['TILL_TRAINING_SIM_SPEED']) : 1;
    const port = devOverrides && env['TILL_TRAINING_SIM_PORT'] ? Number(env['TILL_TRAINING_SIM_PORT']) : 0;
    // The simulator keeps its record of Dojo in the data folder, so a restart forgets no training payment.
    const recordFile = trainingRecordPath(dataDir);
    const simulator = await startSimulator({ port, speed, recordFile, onRecordError: (error) => logger.warn('the training record could not be saved', { error: String(error) }) });
    const { recordLoad } = simulator;
    logger.info('training mode on the built-in simulator', { url: simulator.url, speed, record: recordLoad.kind, ...(recordLoad.kind === 'restored' ? { intents: recordLoad.intents, running: recordLoad.running } : {}) });
    const notice = trainingRecordNotice(recordLoad);
    if (recordLoad.kind === 'setAside') logger.warn('the training record was set aside: training starts afresh', { why: recordLoad.why, detail: recordLoad.detail, keptAs: recordLoad.keptAs });
    const client = new DojoClient({ baseUrl: simulator.url, fetch, apiKey: async () => TRAINING_KEY, version: buildConfig.apiVersion, ...SANDBOX_PARTNER_IDS });
    return { environment: 'training', reason: notice ? `${reason} ${notice}` : reason, simulator, ...this.engineFor('training', client, 1 / speed, trainingRecordKeeps(simulator.clock)) };
  }

  /**
   * The mode the key decides. Training only for a till the shop has put in training (mode-choice.ts): a till that
   * had a key and cannot read or use it now is unavailable, never silently a training till.
   */
  private async activate(): Promise<Mode> {
    const { dataDir, logger, now } = this.options;
    const choice = readModeChoice(dataDir);
    const live = choice.chosen === 'live';
    const lastEnvironment = choice.environment ?? 'production';
    let key: string | null;
    try {
      key = await this.options.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
    } catch (error) {
      // keytar not loading (KeychainModuleError) is a broken install, not a keychain state: the app stops and says so.
      if (error instanceof KeychainModuleError) throw error;
      const why = error instanceof AppError ? error.message : 'The system keychain could not be read.';
      if (live) {
        logger.warn('keychain unavailable on a live till: no payments until it can be read');
        return this.unavailableMode(lastEnvironment, keyWords.keychainLocked(lastEnvironment));
      }
      logger.warn('keychain unavailable, training mode');
      return this.trainingMode(keyWords.trainingKeychain(why));
    }
    if (!key) return live ? this.unavailableMode(lastEnvironment, keyWords.keyGone) : this.trainingMode(keyWords.trainingNoKey);
    try {
      const { environment, client } = this.liveClient(key);
      if (!live || choice.environment !== environment) writeModeChoice(dataDir, 'live', environment, now());
      // DOJO_API_BASE_URL may point at an accelerated simulator (development and tests): its speed scales Dojo's windows.
      const { devOverrides, env } = this.options;
      const speed = devOverrides && env['TILL_DOJO_SPEED'] ? Number(env['TILL_DOJO_SPEED']) : 1;
      return { environment, ...this.engineFor(environment, client, speed > 0 ? 1 / speed : 1) };
    } catch (error) {
      // A key is there, so the shop chose live Dojo: say why it cannot be used instead of training.
      return this.unavailableMode(lastEnvironment, keyWords.keyUnusable(error instanceof AppError ? error.message : 'it was not recognised.'));
    }
  }

  /** The live journal, readable; every payment action refused with KEY_UNAVAILABLE. */
  private unavailableMode(environment: LiveEnvironment, problem: { reason: string; instruction: string }): Mode {
    const { dataDir, now, logger, events, tillId } = this.options;
    const journal = Journal.open(path.join(dataDir, `journal-${environment}.sqlite`));
    const refusal = () => new AppError('KEY_UNAVAILABLE', `${problem.reason} ${problem.instruction}`);
    const engine = new UnavailableEngine({ journal, environment, tillId, now, logger, tradingDayStart: this.options.tradingDayStart, onUpdate: (view) => events.emit('payment:update', view) }, refusal);
    // Reports still read the journal; reconciling needs Dojo, so it says why it cannot.
    const client = (): DojoClient => {
      throw refusal();
    };
    return { environment, unavailable: problem, journal, engine, ...this.options.endOfDay({ environment, journal, engine, client }) };
  }

  private async begin(next: Mode): Promise<Mode> {
    const { logger } = this.options;
    clearInterval(this.retryTimer);
    if (next.unavailable) {
      this.retryTimer = setInterval(() => void this.retryUnavailable().catch((error: unknown) => logger.warn('retrying the key failed', { error: String(error) })), this.options.retryUnavailableMs ?? 15_000);
      this.retryTimer.unref();
      return next;
    }
    // A training simulator that restored its record is asked like Dojo; one that starts afresh (no record yet, or
    // one set aside) cannot know the payments a restart interrupted: they end as failed (no money moves in training).
    if (next.environment === 'training' && next.simulator?.recordLoad.kind !== 'restored') {
      const ended = next.engine.abandonUnfinished(outcome.trainingInterrupted);
      if (ended) logger.info('ended interrupted training payments', { count: ended });
    }
    // Start-up recovery: unfinished payments are resumed or resolved before the till takes new work.
    const resumed = await next.engine.recover();
    if (resumed) logger.info('resumed unfinished payments', { environment: next.environment, count: resumed });
    return next;
  }

  private async stop(old: Mode): Promise<void> {
    old.engine.close();
    old.journal.close();
    await old.simulator?.close();
  }
}
