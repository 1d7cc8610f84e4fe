import type { BuildConfig } from '../settings/build-config';
import type { UpdateStatus } from '../../shared/updates';

/** The parts of electron-updater's AppUpdater the controller uses (a fake stands in for it in tests). */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: string, listener: (...args: any[]) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Whether this build may update itself: never from source, never for MSI (managed estates), never when the reseller turned it off. */
export function updatePolicy(build: BuildConfig, packaged: boolean): { enabled: true } | { enabled: false; reason: string } {
  if (!packaged) return { enabled: false, reason: 'Updates are off when the app runs from source.' };
  if (build.installer === 'msi') return { enabled: false, reason: 'This is a managed installation: updates come from your reseller’s tooling.' };
  if (!build.updates.enabled || !build.updates.url) return { enabled: false, reason: 'Updates are turned off in this build.' };
  return { enabled: true };
}

export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;

/**
 * Checks at start and every few hours, downloads in the background, installs on quit or when the cashier asks —
 * never in the middle of a payment: an install asked for during one waits until the till is idle.
 */
export class UpdateController {
  private state: UpdateStatus;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly options: {
      updater: Updater;
      policy: ReturnType<typeof updatePolicy>;
      paymentsRunning: () => boolean;
      now: () => number;
      intervalMs?: number;
      onChange?: (status: UpdateStatus) => void;
    },
  ) {
    this.state = options.policy.enabled ? { state: 'idle' } : { state: 'disabled', reason: options.policy.reason };
  }

  start(): void {
    if (!this.options.policy.enabled) return;
    const { updater } = this.options;
    updater.autoDownload = true;
    this.paymentsChanged();
    updater.on('checking-for-update', () => this.set({ state: 'checking' }));
    updater.on('update-available', (info: { version?: string }) => this.set({ state: 'downloading', percent: 0, ...(info?.version ? { version: info.version } : {}) }));
    updater.on('download-progress', (progress: { percent?: number }) => this.set({ ...this.state, state: 'downloading', percent: Math.round(progress?.percent ?? 0) }));
    updater.on('update-not-available', () => this.set({ state: 'up-to-date' }));
    updater.on('update-downloaded', (info: { version?: string }) => {
      this.set({ state: 'ready', ...(info?.version ? { version: info.version } : {}) });
      this.installIfWaiting();
    });
    updater.on('error', (error: Error) => this.set({ state: 'error', reason: `The update check failed: ${error?.message ?? String(error)}` }));
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? CHECK_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  status(): UpdateStatus {
    return { ...this.state };
  }

  /** The cashier's "install now": at once when idle, otherwise as soon as the running payment has finished. */
  install(): UpdateStatus {
    if (this.state.state !== 'ready') return this.status();
    if (this.options.paymentsRunning()) {
      this.set({ ...this.state, installWhenIdle: true });
      return this.status();
    }
    this.options.updater.quitAndInstall(false, true);
    return this.status();
  }

  /** Called whenever a payment starts or ends. */
  paymentsChanged(): void {
    const running = this.options.paymentsRunning();
    // Installing on quit is fine, but never if the till is quit in the middle of a payment.
    this.options.updater.autoInstallOnAppQuit = !running;
    if (!running) this.installIfWaiting();
  }

  private installIfWaiting(): void {
    if (this.state.state === 'ready' && this.state.installWhenIdle && !this.options.paymentsRunning()) this.options.updater.quitAndInstall(false, true);
  }

  private async check(): Promise<void> {
    try {
      await this.options.updater.checkForUpdates();
      this.state = { ...this.state, lastCheckedAt: new Date(this.options.now()).toISOString() };
    } catch (error) {
      this.set({ state: 'error', reason: `The update check failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  private set(next: UpdateStatus): void {
    this.state = { ...next, ...(this.state.lastCheckedAt ? { lastCheckedAt: this.state.lastCheckedAt } : {}) };
    this.options.onChange?.(this.status());
  }
}
