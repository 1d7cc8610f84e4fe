import type { Environment } from '../../shared/app-info';
import type { SettingsUpdate, SettingsView } from '../../shared/settings';
import { AppError } from '../errors';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import { environmentOfKey, keyHint } from './api-key';
import type { BuildConfig } from './build-config';
import { hashPin, verifyPin } from './pin';
import type { SettingsStore } from './settings-store';

const MAX_PIN_FAILURES = 5;

function environmentOrNull(key: string): 'sandbox' | 'production' | null {
  try {
    return environmentOfKey(key);
  } catch {
    return null;
  }
}
const PIN_LOCK_MS = 60_000;

/** Non-secret settings plus the supervisor PIN checks; the API key itself only passes through main. */
export class SettingsService {
  private pinFailures = 0;
  private pinLockedUntil = 0;

  constructor(
    private readonly store: SettingsStore,
    private readonly secrets: SecretStore,
    private readonly buildConfig: BuildConfig,
    private readonly now: () => number,
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
    return {
      apiKey: { configured: !!key, hint: key ? keyHint(key) : null, environment: keyEnvironment },
      keychain,
      terminalId: settings.terminals[environment],
      currency: settings.currency,
      supervisorPinSet: settings.supervisorPin !== null,
      unlinkedRefundLimit: settings.unlinkedRefundLimit,
      compactMode: settings.compactMode,
      tradingDayStart: settings.tradingDayStart,
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

  async update(environment: Environment, change: SettingsUpdate): Promise<void> {
    const pin = change.supervisorPin ? await this.newPin(change.supervisorPin) : undefined;
    this.store.update((settings) => ({
      ...settings,
      ...(change.terminalId !== undefined ? { terminals: { ...settings.terminals, [environment]: change.terminalId } } : {}),
      ...(change.currency ? { currency: change.currency } : {}),
      ...(change.unlinkedRefundLimit ? { unlinkedRefundLimit: change.unlinkedRefundLimit } : {}),
      ...(change.compactMode !== undefined ? { compactMode: change.compactMode } : {}),
      ...(change.tradingDayStart ? { tradingDayStart: change.tradingDayStart } : {}),
      ...(pin ? { supervisorPin: pin } : {}),
    }));
  }

  /** A new PIN's hash; replacing an existing PIN needs the current one. */
  private async newPin(change: NonNullable<SettingsUpdate['supervisorPin']>) {
    if (this.store.get().supervisorPin) {
      if (!change.current) throw new AppError('VALIDATION', 'Enter the current supervisor PIN to change it.', { 'supervisorPin.current': ['Required to change the PIN.'] });
      await this.requireSupervisor(change.current);
    }
    return hashPin(change.next);
  }

  /** Checks the supervisor PIN; five wrong tries lock it for a minute. */
  async checkPin(pin: string): Promise<boolean> {
    const stored = this.store.get().supervisorPin;
    if (!stored) throw new AppError('NOT_CONFIGURED', 'No supervisor PIN is set. Set one in Settings first.');
    if (this.now() < this.pinLockedUntil) throw new AppError('CONFLICT', 'Too many wrong PINs. Wait a minute, then try again.');
    const ok = await verifyPin(pin, stored);
    if (ok) this.pinFailures = 0;
    else if (++this.pinFailures >= MAX_PIN_FAILURES) {
      this.pinFailures = 0;
      this.pinLockedUntil = this.now() + PIN_LOCK_MS;
    }
    return ok;
  }

  async requireSupervisor(pin: string): Promise<void> {
    if (!(await this.checkPin(pin))) throw new AppError('VALIDATION', 'The supervisor PIN is not right.', { supervisorPin: ['Wrong PIN.'] });
  }

  /** An unlinked refund needs the supervisor PIN and must be within the configured limit. */
  async authoriseUnlinkedRefund(amount: number, pin: string): Promise<void> {
    const { unlinkedRefundLimit } = this.store.get();
    if (amount > unlinkedRefundLimit) {
      throw new AppError('VALIDATION', `Unlinked refunds are limited to ${unlinkedRefundLimit} minor units at this till.`, { amount: [`At most ${unlinkedRefundLimit}.`] });
    }
    await this.requireSupervisor(pin);
  }
}
