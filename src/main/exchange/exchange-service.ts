import fs from 'node:fs';
import path from 'node:path';
import type { ConfigureExchange, ExchangeStatus } from '../../shared/exchange';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import type { AuditLog } from '../authority/audit';
import type { SupervisorAuthority } from '../authority/guard';
import { AUDIT_ACTIONS } from '../../shared/audit';
import { FolderExchange, type ExchangeBackend } from './folder-exchange';
import { EXCHANGE_DEFAULTS as DEFAULTS, ExchangeSettingsSchema, type ExchangeSettings } from './settings';

/** Where the exchange's settings are kept: the sealed supervisor settings (services.ts wires the security store). */
export interface SealedExchangeSettings {
  /** The sealed choice, or undefined when none was saved yet; throws (SECURITY_LOCKED) when it cannot be verified. */
  read(): Promise<ExchangeSettings | undefined>;
  write(settings: ExchangeSettings): Promise<void>;
}

export interface ExchangeServiceOptions {
  dataDir: string;
  backend: ExchangeBackend;
  logger: Logger;
  now: () => number;
  /** Development and tests only (TILL_EXCHANGE_DIR and friends): they win over the settings file for this run. */
  overrides: { folder?: string; commitTimeoutMs?: number; maxPending?: number; polling?: boolean; scanIntervalMs?: number };
  /** The main-side supervisor guard: checks the PIN, runs the action, and writes the audit line either way. */
  guard: Pick<SupervisorAuthority, 'withSupervisor'>;
  /** The settings, sealed with the supervisor's (an edited file cannot point the exchange at another folder). */
  sealed: SealedExchangeSettings;
  audit: Pick<AuditLog, 'record'>;
  onChange: (status: ExchangeStatus) => void;
}

/** Turns the folder exchange on, off or to another folder (supervisor PIN), and reports its state to Settings. */
export class ExchangeService {
  private exchange: FolderExchange | undefined;
  private settings: ExchangeSettings = DEFAULTS;
  private error: string | null = null;
  /** The settings file of earlier versions, adopted once into the sealed settings, then never read again. */
  private readonly oldFile: string;

  constructor(private readonly options: ExchangeServiceOptions) {
    this.oldFile = path.join(options.dataDir, 'exchange.json');
  }

  async start(): Promise<void> {
    this.settings = await this.load();
    const folder = this.folder();
    if (folder) await this.open(folder).catch((error: unknown) => this.failed(folder, error));
  }

  async stop(): Promise<void> {
    const exchange = this.exchange;
    this.exchange = undefined;
    await exchange?.stop();
  }

  status(): ExchangeStatus {
    const x = this.exchange;
    const folder = this.folder();
    return {
      source: this.options.overrides.folder ? 'environment' : folder ? 'settings' : 'off',
      folder,
      running: !!x,
      error: x?.error ?? this.error,
      warning: folder ? folderWarning(folder) : null,
      // The saved choice (a development override of the time, TILL_EXCHANGE_COMMIT_TIMEOUT_MS, is not a setting).
      commitTimeoutMinutes: this.settings.commitTimeoutMinutes,
      maxPending: this.maxPending(),
      networkShare: this.polling(),
      pending: x?.pendingCount() ?? 0,
      awaitingCommit: x?.awaitingCommit() ?? 0,
      received: x?.counts.received ?? 0,
      rejected: x?.counts.rejected ?? 0,
      archived: x?.counts.archived ?? 0,
      lastRequestAt: x?.lastRequestAt ? new Date(x.lastRequestAt).toISOString() : null,
      attention: x?.attention() ?? [],
    };
  }

  /** Settings → EPOS file exchange: choose, change or clear the folder (supervisor PIN, checked here in main). */
  async configure(change: ConfigureExchange): Promise<ExchangeStatus> {
    if (this.options.overrides.folder) throw new AppError('CONFLICT', 'The exchange folder is set by TILL_EXCHANGE_DIR for this run.');
    const next: ExchangeSettings = {
      ...this.settings,
      folder: change.folder,
      ...(change.commitTimeoutMinutes !== undefined ? { commitTimeoutMinutes: change.commitTimeoutMinutes } : {}),
      ...(change.networkShare !== undefined ? { networkShare: change.networkShare } : {}),
    };
    const context = {
      summary: next.folder ? 'EPOS file exchange folder set' : 'EPOS file exchange turned off',
      subject: 'exchange',
      detail: { folder: next.folder, commitTimeoutMinutes: next.commitTimeoutMinutes, networkShare: next.networkShare },
    };
    await this.options.guard.withSupervisor(change.supervisorPin, AUDIT_ACTIONS.exchangeConfigure, context, () => this.apply(next));
    this.changed();
    return this.status();
  }

  private async apply(next: ExchangeSettings): Promise<void> {
    const current = this.exchange;
    if (current && (current.pendingCount() > 0 || current.attention().length > 0)) {
      throw new AppError('CONFLICT', 'Requests from the EPOS are still running or need attention in the current folder. Let them finish (or resolve them) first.');
    }
    if (next.folder && !path.isAbsolute(next.folder)) throw new AppError('VALIDATION', 'Give the full path of the folder (e.g. C:\\TillExchange or \\\\server\\share\\till1).', { folder: ['A full path.'] });
    await this.stop();
    const previous = this.settings;
    this.settings = next;
    if (next.folder) {
      try {
        await this.open(next.folder);
      } catch (error) {
        // Nothing saved: the previous folder (if any) goes on as before.
        this.settings = previous;
        if (previous.folder) await this.open(previous.folder).catch((again: unknown) => this.failed(previous.folder!, again));
        throw new AppError('VALIDATION', `The folder cannot be used (${String((error as NodeJS.ErrnoException).code ?? error)}). Check that it exists and that this user can write to it.`, { folder: ['Not usable.'] });
      }
    }
    this.error = null;
    await this.save(next);
  }

  async resolveAttention(requestId: string, note: string, pin: string): Promise<ExchangeStatus> {
    const exchange = this.exchange;
    if (!exchange) throw new AppError('NOT_FOUND', 'The folder exchange is off.');
    const item = exchange.attention().find((a) => a.requestId === requestId);
    const context = { summary: 'EPOS exchange: payment the EPOS never confirmed, checked on the EPOS', subject: item?.paymentId ?? requestId, detail: { requestId, note, amount: item?.amount ?? null, currency: item?.currency ?? null } };
    await this.options.guard.withSupervisor(pin, AUDIT_ACTIONS.exchangeResolve, context, () => exchange.resolveAttention(requestId, note));
    return this.status();
  }

  /** For tests and shutdown: every noticed file handled. */
  idle(): Promise<void> {
    return this.exchange?.idle() ?? Promise.resolve();
  }

  private folder(): string | null {
    return this.options.overrides.folder ?? this.settings.folder;
  }
  private commitTimeoutMs() {
    return this.options.overrides.commitTimeoutMs ?? this.settings.commitTimeoutMinutes * 60_000;
  }
  private maxPending() {
    return this.options.overrides.maxPending ?? this.settings.maxPending;
  }
  private polling() {
    return this.options.overrides.polling ?? this.settings.networkShare;
  }

  private async open(folder: string): Promise<void> {
    const exchange = new FolderExchange({
      folder,
      backend: this.options.backend,
      logger: this.options.logger,
      now: this.options.now,
      commitTimeoutMs: this.commitTimeoutMs(),
      maxPending: this.maxPending(),
      polling: this.polling(),
      ...(this.options.overrides.scanIntervalMs ? { scanIntervalMs: this.options.overrides.scanIntervalMs } : {}),
      onChange: () => this.changed(),
    });
    try {
      await exchange.start();
    } catch (error) {
      await exchange.stop();
      throw error;
    }
    this.exchange = exchange;
    this.error = null;
    this.options.logger.info('folder exchange on', { folder });
  }

  private failed(folder: string, error: unknown) {
    this.error = `The exchange folder ${folder} cannot be used (${String((error as NodeJS.ErrnoException).code ?? error)}). The EPOS's files are not being read.`;
    this.options.logger.warn('folder exchange did not start', { folder, error: String(error) });
  }

  private changed() {
    this.options.onChange(this.status());
  }

  /** The sealed settings; on the first start with the sealed store, an earlier version's exchange.json is adopted once. */
  private async load(): Promise<ExchangeSettings> {
    let sealed: ExchangeSettings | undefined;
    try {
      sealed = await this.options.sealed.read();
    } catch (error) {
      this.error = `The folder exchange is off: ${error instanceof AppError ? error.message : 'the supervisor settings could not be read.'}`;
      return DEFAULTS;
    }
    if (sealed) return sealed;
    const adopted = this.readOldFile();
    try {
      await this.options.sealed.write(adopted);
    } catch (error) {
      // Not sealed, so not trusted: off until the sealed settings can be written (the next start tries again).
      this.error = `The folder exchange is off: its settings could not be saved with the supervisor settings (${error instanceof AppError ? error.message : String(error)}).`;
      return DEFAULTS;
    }
    if (fs.existsSync(this.oldFile)) {
      fs.renameSync(this.oldFile, `${this.oldFile}.adopted-${this.options.now()}`);
      this.options.audit.record({ action: AUDIT_ACTIONS.exchangeConfigure, outcome: 'ok', actor: 'system', subject: 'exchange', summary: 'EPOS file exchange settings moved into the sealed supervisor settings (exchange.json is no longer read)', detail: { folder: adopted.folder } });
    }
    return adopted;
  }

  /** exchange.json as an earlier version wrote it, or the defaults. */
  private readOldFile(): ExchangeSettings {
    let text: string;
    try {
      text = fs.readFileSync(this.oldFile, 'utf8');
    } catch {
      return DEFAULTS;
    }
    try {
      return ExchangeSettingsSchema.parse(JSON.parse(text));
    } catch {
      // Kept aside for support; the exchange stays off until a supervisor chooses the folder again.
      const aside = `${this.oldFile}.invalid-${this.options.now()}`;
      fs.renameSync(this.oldFile, aside);
      this.error = 'The exchange settings file was damaged and has been kept aside: the exchange is off until the folder is chosen again in Settings.';
      this.options.logger.warn('exchange settings unreadable; kept aside', { aside: path.basename(aside) });
      return DEFAULTS;
    }
  }

  private async save(settings: ExchangeSettings): Promise<void> {
    await this.options.sealed.write(settings);
  }
}

/** POSIX only: a folder other users can write to lets them start payments. */
function folderWarning(folder: string): string | null {
  if (process.platform === 'win32') return null;
  try {
    const mode = fs.statSync(folder).mode;
    return mode & 0o022 ? 'Other users on this computer can write to this folder and so could start payments. Restrict it to the till\'s own user.' : null;
  } catch {
    return null;
  }
}
