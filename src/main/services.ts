import path from 'node:path';
import type { AppInfo, Environment } from '../shared/app-info';
import type { SettingsUpdate, SettingsView } from '../shared/settings';
import { AppError } from './errors';
import { EventBus } from './events';
import type { Logger } from './logging/logger';
import type { PaymentEngine } from './payments/engine';
import { ModeManager } from './mode/mode-manager';
import { SECRET_ACCOUNTS, type SecretStore } from './secrets/secret-store';
import type { BuildConfig } from './settings/build-config';
import { SettingsService } from './settings/settings-service';
import { SettingsStore } from './settings/settings-store';
import { EposService } from './integration/epos-service';
import type { EposLimits } from './integration/limits';
import type { UpdateStatus } from '../shared/updates';
import { createSupportBundle } from './support/bundle';
import { ExchangeService } from './exchange/exchange-service';
import { AuditLog } from './authority/audit';
import { SupervisorAuthority } from './authority/guard';
import { givenBack, RefundPolicy } from './authority/refund-policy';
import { SecurityStore } from './authority/security-store';
import { JournalSeal } from './authority/journal-seal';
import { enforceSealedTradingDay, sealTradingDay } from './authority/sealed-trading-day';
import { AUDIT_ACTIONS } from '../shared/audit';
import { tradingDay, tradingDayBounds } from '../shared/dates';
import { loadTillId } from './settings/till-id';
import { Reconciler } from './reports/reconciler';
import { ReportService } from './reports/report-service';
import { tradingDays, type TradingDays } from './reports/trading-day';

/** Everything the services need from their host; Electron, the web harness and tests each supply their own. */
export interface ServiceAdapters {
  host: AppInfo['host'];
  version: string;
  platform: string;
  /** A packaged (shipped) build: development overrides such as DOJO_API_BASE_URL are off unless the build allows them. */
  packaged?: boolean;
  buildConfig: BuildConfig;
  secrets: SecretStore;
  /** The app's user-data folder: the journals and settings live here. */
  dataDir: string;
  fetch: typeof fetch;
  now: () => number;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** The desktop window, where there is one (Electron); the web harness has none. */
  window?: WindowControls;
  /** The in-app updater (Electron builds); absent elsewhere. */
  updates?: { status(): UpdateStatus; install(): UpdateStatus };
  /** The log files a support bundle should include. */
  logFiles?: () => string[];
  /** Caps of the EPOS API other than the defaults (tests and benchmarks). */
  eposLimits?: Partial<EposLimits>;
  /** Trading days for reports (tests give their own, so that no test depends on the hour it runs). */
  tradingDays?: TradingDays;
}

export interface WindowControls {
  print(): Promise<void>;
  setCompact(compact: boolean): void;
  bringToFront(): void;
  /** Start with the computer (the OS keeps the setting); only an installed app on Windows or macOS has it. */
  startAtLogin?: { get(): boolean; set(enabled: boolean): void };
}

export interface Services {
  readonly events: EventBus;
  readonly settings: SettingsService;
  /** The supervisor guard: every PIN-protected action goes through it (see authority/guard.ts). */
  readonly authority: SupervisorAuthority;
  /** Refund limits, daily caps and the matched-refund threshold, enforced in main. */
  readonly refunds: RefundPolicy;
  /** The append-only audit in the current environment's journal. */
  readonly audit: AuditLog;
  appInfo(): Promise<AppInfo>;
  /** The payment engine of the current environment (training, sandbox or production). */
  payments(): PaymentEngine;
  /** X and Z reports and reconciliation with Dojo, on the current environment's journal. */
  reports(): ReportService;
  reconciler(): Reconciler;
  environment(): Environment;
  settingsView(): Promise<SettingsView>;
  updateSettings(change: SettingsUpdate): Promise<SettingsView>;
  /** Supervisor only. Checks the key's form, tests it against Dojo, stores it in the keychain and switches to it: no restart. */
  setApiKey(key: string, supervisorPin: string | undefined): Promise<SettingsView>;
  /** Supervisor only: back to training mode. */
  clearApiKey(supervisorPin: string | undefined): Promise<SettingsView>;
  /** Supervisor only: the journal was changed outside the app and a supervisor has checked the till (journal-seal.ts). */
  acknowledgeJournal(supervisorPin: string | undefined): Promise<SettingsView>;
  readonly window: WindowControls | undefined;
  updateStatus(): UpdateStatus;
  installUpdate(): UpdateStatus;
  supportBundle(): Promise<{ filename: string; zip: Buffer }>;
  /** The EPOS loopback API and its token (started with the services). */
  readonly epos: EposService;
  /** The folder exchange (off unless a folder is chosen in Settings or by TILL_EXCHANGE_DIR). */
  readonly exchange: ExchangeService;
  close(): Promise<void>;
}

/**
 * The composition root: builds the service graph from the host's adapters. The same graph runs inside
 * Electron, in the web harness and in tests. The till's mode (training, sandbox, production) and its key live
 * in mode/mode-manager.ts; the EPOS integration sees only the narrow EposHost.
 */
export async function createServices(adapters: ServiceAdapters): Promise<Services> {
  const events = new EventBus();
  const { buildConfig, env, logger } = adapters;
  const devOverrides = !adapters.packaged || buildConfig.allowBaseUrlOverride;
  const settingsStore = new SettingsStore(adapters.dataDir, logger);
  // The audit's chain is keyed, and its latest row and the daily caps' refunds sealed, with a key in the keychain.
  const journalSeal = new JournalSeal({ dataDir: adapters.dataDir, secrets: adapters.secrets, logger });
  await journalSeal.load();
  /** What was changed outside the app in the current journal, or null; checked once per journal and run, audited. */
  const journalProblem = (): string | null =>
    journalSeal.problem(modes.environment(), modes.current.journal, (why, paymentId) =>
      audit.record({ action: AUDIT_ACTIONS.journalTampered, outcome: 'refused', actor: 'system', subject: `journal-${modes.environment()}.sqlite`, summary: `The journal was changed outside the app (${why}): unlinked refunds are refused until a supervisor acknowledges it with the PIN.`, detail: { why, ...(paymentId ? { paymentId } : {}) } }),
    );
  // The audit and the daily refund caps read the journal of the environment in use (`modes`, started below).
  const audit: AuditLog = new AuditLog({
    journal: () => modes.current.journal,
    environment: () => modes.environment(),
    now: adapters.now,
    logger,
    secrets: (): string[] => epos.secrets(),
    seal: { check: () => void journalProblem(), signer: () => journalSeal.signer(), auditKey: (environment) => journalSeal.auditKey(environment), noteAudit: (environment, row) => journalSeal.noteAudit(environment, row) },
  });
  const security = new SecurityStore({
    dataDir: adapters.dataDir,
    secrets: adapters.secrets,
    logger,
    legacy: { read: () => settingsStore.legacySecurity(), adopted: () => settingsStore.legacyAdopted() },
    notice: (notice) => audit.record({ action: notice.action, outcome: notice.action === 'security.initialised' ? 'ok' : 'refused', actor: 'system', subject: 'security.json', summary: notice.summary }),
  });
  const authority = new SupervisorAuthority({ store: security, audit, minPinLength: buildConfig.minPinLength, now: adapters.now, logger });
  const dayStart = () => settingsStore.get().tradingDayStart;
  const refunds = new RefundPolicy({
    authority,
    audit,
    usage: (since) => modes.current.journal.unlinkedRefundsSince(since),
    dayStart: () => tradingDayBounds(tradingDay(adapters.now(), dayStart()), dayStart()).start,
    matchedThreshold: buildConfig.matchedRefundPinThreshold,
    givenBack: (saleId) => givenBack(modes.payments(), saleId),
    capDay: {
      read: async () => {
        const state = await security.read();
        if (state.kind === 'locked') throw new AppError('SECURITY_LOCKED', state.reason);
        return state.block.capDayStart;
      },
      write: async (capDayStart) => void (await security.write((block) => ({ ...block, capDayStart }))),
    },
    logger,
    journalProblem,
  });
  /** Seals the unlinked refunds today's caps count, as the journal has them now (after every change to one). */
  const sealCaps = () => {
    if (journalProblem()) return;
    const since = refunds.countingFrom();
    journalSeal.sealCaps(modes.environment(), since, modes.current.journal.unlinkedRefundRows(since));
  };
  const settings = new SettingsService(settingsStore, adapters.secrets, buildConfig, authority, refunds);
  const tillId = loadTillId(adapters.dataDir, adapters.now);
  const days = adapters.tradingDays ?? tradingDays(() => settings.tradingDayStart());
  const modes = await ModeManager.start({
    tillId,
    endOfDay: ({ environment, journal, engine, client, trainingRecord }) => {
      const common = { journal, days, now: adapters.now, tillId, authority: { guard: authority, audit }, logger };
      const reconciler = new Reconciler({ ...common, engine, client, ...(trainingRecord ? { trainingRecord } : {}) });
      // The exchange's uncommitted payments need attention at the end of the day too (the EPOS may lack them).
      return { reconciler, reports: new ReportService({ ...common, environment, reconciler, otherAttention: () => exchange.status().attention }) };
    },
    buildConfig,
    secrets: adapters.secrets,
    dataDir: adapters.dataDir,
    fetch: adapters.fetch,
    now: adapters.now,
    env,
    logger,
    events,
    devOverrides,
    tradingDayStart: () => settings.tradingDayStart(),
  });

  // After the modes exist (recovery at start-up may already move refunds; the start-up check below seals them).
  events.on('payment:update', (view) => view.type === 'UnlinkedRefund' && sealCaps());
  events.on('payment:started', ({ payment }) => payment.type === 'UnlinkedRefund' && sealCaps());

  const envNumber = (name: string) => (devOverrides && env[name] ? Number(env[name]) : undefined);
  const epos: EposService = new EposService(
    {
      payments: () => modes.payments(),
      reports: () => modes.current.reports,
      lookup: modes,
      environment: () => modes.environment(),
      unavailable: () => modes.unavailable(),
      settings,
      authority,
      refunds,
      audit,
      events,
      window: adapters.window,
    },
    {
      secrets: adapters.secrets,
      logger,
      now: adapters.now,
      version: adapters.version,
      overrides: { ...(envNumber('TILL_EPOS_PORT') !== undefined ? { port: envNumber('TILL_EPOS_PORT')! } : {}), ...(devOverrides && env['TILL_EPOS_TOKEN'] ? { token: env['TILL_EPOS_TOKEN'] } : {}) },
      ...(envNumber('TILL_EPOS_RETRY_MS') !== undefined ? { retryMs: envNumber('TILL_EPOS_RETRY_MS')! } : {}),
      ...(adapters.eposLimits ? { limits: adapters.eposLimits } : {}),
    },
  );

  const exchange = new ExchangeService({
    dataDir: adapters.dataDir,
    logger,
    now: adapters.now,
    backend: {
      environment: () => modes.environment(),
      operations: epos.operations,
      replayed: (key) => epos.replayed(key),
      onPaymentUpdate: (listener) => events.on('payment:update', listener),
      onRefundRequests: (listener) => events.on('epos:refundRequests', () => listener()),
      proofKey: () => epos.proofKey(),
    },
    overrides: {
      ...(devOverrides && env['TILL_EXCHANGE_DIR'] ? { folder: path.resolve(env['TILL_EXCHANGE_DIR']) } : {}),
      ...(envNumber('TILL_EXCHANGE_COMMIT_TIMEOUT_MS') !== undefined ? { commitTimeoutMs: envNumber('TILL_EXCHANGE_COMMIT_TIMEOUT_MS')! } : {}),
      ...(envNumber('TILL_EXCHANGE_MAX_PENDING') !== undefined ? { maxPending: envNumber('TILL_EXCHANGE_MAX_PENDING')! } : {}),
      ...(envNumber('TILL_EXCHANGE_SCAN_MS') !== undefined ? { scanIntervalMs: envNumber('TILL_EXCHANGE_SCAN_MS')! } : {}),
      ...(devOverrides && env['TILL_EXCHANGE_POLL'] ? { polling: env['TILL_EXCHANGE_POLL'] === '1' } : {}),
    },
    guard: authority,
    audit,
    sealed: {
      read: async () => {
        const state = await security.read();
        if (state.kind === 'locked') throw new AppError('SECURITY_LOCKED', state.reason);
        return state.block.exchange;
      },
      write: async (settings) => void (await security.write((block) => ({ ...block, exchange: settings }))),
    },
    onChange: (status) => events.emit('exchange:update', status),
  });

  const services: Services = {
    events,
    settings,
    authority,
    refunds,
    audit,
    async appInfo() {
      // A till that cannot use its key tries again whenever the screen asks (and on a timer).
      await modes.retryUnavailable();
      const mode = modes.current;
      return {
        productName: buildConfig.productName,
        version: adapters.version,
        environment: mode.environment,
        trainingMode: mode.environment === 'training',
        host: adapters.host,
        platform: adapters.platform,
        resellerId: buildConfig.variantId,
        brandColour: buildConfig.brandColour,
        ...(buildConfig.supportUrl ? { supportUrl: buildConfig.supportUrl } : {}),
        ...(mode.reason ? { trainingReason: mode.reason } : {}),
        ...(mode.unavailable ? { unavailable: mode.unavailable } : {}),
      };
    },
    payments: () => modes.payments(),
    reports: () => modes.current.reports,
    reconciler: () => modes.current.reconciler,
    environment: () => modes.environment(),
    settingsView: () => settings.view(modes.environment()),
    async updateSettings({ supervisorPin, ...change }) {
      const from = settings.tradingDayStart();
      if (change.tradingDayStart && change.tradingDayStart !== from) {
        // The trading day decides what "today" is for totals, reports and the daily refund caps: a cashier moving
        // it could restart the caps, so it is the supervisor's.
        const context = { summary: `Trading day start changed from ${from} to ${change.tradingDayStart}`, subject: 'tradingDayStart', detail: { from, to: change.tradingDayStart } };
        await authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.tradingDayChange, context, async () => {
          await sealTradingDay(security, change.tradingDayStart!);
          settings.update(modes.environment(), change);
          refunds.dayStartChanged();
        });
      } else settings.update(modes.environment(), change);
      return settings.view(modes.environment());
    },
    async setApiKey(raw, supervisorPin) {
      const context = { summary: 'Dojo API key set', subject: 'apiKey', detail: { from: modes.environment(), hint: raw.trim().slice(-4) } };
      await authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.apiKeySet, context, () => modes.setApiKey(raw));
      return settings.view(modes.environment());
    },
    async clearApiKey(supervisorPin) {
      const context = { summary: 'Dojo API key removed: back to training', subject: 'apiKey', detail: { from: modes.environment() } };
      await authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.apiKeyRemove, context, () => modes.clearApiKey());
      return settings.view(modes.environment());
    },
    async acknowledgeJournal(supervisorPin) {
      const why = journalProblem();
      if (!why) throw new AppError('CONFLICT', 'The journal has nothing to acknowledge: it checks out.');
      const environment = modes.environment();
      const context = { summary: `Journal changes acknowledged (${why}): the seal starts again from the journal as it is`, subject: `journal-${environment}.sqlite`, detail: { why } };
      await authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.journalAcknowledge, context, () => journalSeal.acknowledge(environment, modes.current.journal));
      sealCaps();
      return settings.view(environment);
    },
    window: adapters.window,
    updateStatus: () => adapters.updates?.status() ?? { state: 'disabled', reason: adapters.host === 'electron' ? 'Updates are not available in this build.' : 'Updates belong to the installed app, not the web harness.' },
    installUpdate: () => adapters.updates?.install() ?? services.updateStatus(),
    async supportBundle() {
      const eposInfo = epos.info();
      const key = await adapters.secrets.get(SECRET_ACCOUNTS.dojoApiKey).catch(() => null);
      const now = adapters.now();
      const zip = await createSupportBundle({
        appInfo: { ...(await services.appInfo()), updates: services.updateStatus() },
        settings: await settings.view(modes.environment()), // the view: PIN as set/not set, key as its hint
        epos: eposInfo,
        audit: audit.all(),
        logFiles: adapters.logFiles?.() ?? [],
        secrets: [...(key ? [key] : []), ...epos.secrets()],
        now,
      });
      return { filename: `till-support-${new Date(now).toISOString().replace(/[:.]/g, '-')}.zip`, zip };
    },
    epos,
    exchange,
    async close() {
      await exchange.stop();
      await epos.stop();
      await journalSeal.flushed();
      await modes.close();
    },
  };
  // Reads (and, on a first start, creates) the sealed supervisor settings now, so a lock shows in the log and audit at once.
  await authority.status();
  // settings.json's trading day start agrees with the supervisor's sealed one (a hand edit could restart the caps).
  await enforceSealedTradingDay({ security, settings: settingsStore, audit, logger });
  await refunds.refreshDay();
  sealCaps();
  await epos.start();
  await exchange.start();
  return services;
}
