import type { Environment } from '../../shared/app-info';
import type { SettingsUpdate, SettingsView } from '../../shared/settings';
import type { SupervisorAuthority } from '../authority/guard';
import type { RefundPolicy } from '../authority/refund-policy';
import { AppError } from '../errors';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import { environmentOfKey, keyHint } from './api-key';
import type { BuildConfig } from './build-config';
import type { SettingsStore } from './settings-store';

const MAX_TERMINAL_NAMES = 200;

/** Sets (or, with an empty name, removes) a terminal's friendly name. */
function named(names: Record<string, string>, change: { terminalId: string; name: string }): Record<string, string> {
  const { [change.terminalId]: _old, ...others } = names;
  if (!change.name) return others;
  if (Object.keys(others).length >= MAX_TERMINAL_NAMES) throw new AppError('VALIDATION', 'Too many terminal names are saved; remove some first.');
  return { ...others, [change.terminalId]: change.name };
}

function environmentOrNull(key: string): 'sandbox' | 'production' | null {
  try {
    return environmentOfKey(key);
  } catch {
    return null;
  }
}

/**
 * Settings anyone at the till may change (terminal and terminal names, currency, compact mode) and the view of all settings. The
 * supervisor PIN and the refund limits belong to the supervisor authority (authority/), which guards them.
 */
export class SettingsService {
  constructor(
    private readonly store: SettingsStore,
    private readonly secrets: SecretStore,
    private readonly buildConfig: BuildConfig,
    private readonly authority: SupervisorAuthority,
    private readonly refunds: RefundPolicy,
  ) {}

  get file(): string {
    return this.store.file;
  }

  stored() {
    return this.store.get();
  }

  /** When the trading day starts (see shared/dates.ts): every per-day grouping in main reads it here. */
  tradingDayStart(): string {
    return this.store.get().tradingDayStart;
  }

  async view(environment: Environment): Promise<SettingsView> {
    const settings = this.store.get();
    let key: string | null = null;
    let keychain: SettingsView['keychain'] = { available: true, message: null };
    try {
      key = await this.secrets.get(SECRET_ACCOUNTS.dojoApiKey);
    } catch (error) {
      keychain = { available: false, message: error instanceof AppError ? error.message : 'The system keychain could not be read.' };
    }
    const keyEnvironment = key ? environmentOrNull(key) : null;
    const supervisor = await this.authority.status();
    const used = supervisor.limits ? this.refunds.usedToday() : null;
    return {
      apiKey: { configured: !!key, hint: key ? keyHint(key) : null, environment: keyEnvironment },
      keychain,
      terminalId: settings.terminals[environment],
      currency: settings.currency,
      supervisorPinSet: supervisor.pinSet,
      unlinkedRefundLimit: supervisor.limits?.unlinkedRefund[settings.currency] ?? 0,
      supervisor: {
        pinSet: supervisor.pinSet,
        minPinLength: supervisor.minPinLength,
        lockedUntil: supervisor.lockedUntil ? new Date(supervisor.lockedUntil).toISOString() : null,
        locked: supervisor.locked,
        journalTampered: this.refunds.journalTampered(),
      },
      limits:
        supervisor.limits && used
          ? { ...supervisor.limits, usedToday: { count: used.count, amount: { GBP: used.byCurrency['GBP'] ?? 0, EUR: used.byCurrency['EUR'] ?? 0 } } }
          : null,
      matchedRefundPinThreshold: this.buildConfig.matchedRefundPinThreshold,
      compactMode: settings.compactMode,
      tradingDayStart: settings.tradingDayStart,
      terminalNames: settings.terminalNames,
      build: {
        productName: this.buildConfig.productName,
        variantId: this.buildConfig.variantId,
        supportUrl: this.buildConfig.supportUrl ?? null,
        apiVersion: this.buildConfig.apiVersion,
        allowedEnvironments: this.buildConfig.allowedEnvironments,
        partnerIdsConfigured: !!(this.buildConfig.softwareHouseId && this.buildConfig.resellerId),
      },
    };
  }

  update(environment: Environment, change: SettingsUpdate): void {
    this.store.update((settings) => ({
      ...settings,
      ...(change.terminalId !== undefined ? { terminals: { ...settings.terminals, [environment]: change.terminalId } } : {}),
      ...(change.currency ? { currency: change.currency } : {}),
      ...(change.compactMode !== undefined ? { compactMode: change.compactMode } : {}),
      ...(change.tradingDayStart ? { tradingDayStart: change.tradingDayStart } : {}),
      ...(change.terminalName ? { terminalNames: named(settings.terminalNames, change.terminalName) } : {}),
    }));
  }
}
