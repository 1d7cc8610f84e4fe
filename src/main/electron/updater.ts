import { app } from 'electron';
// Named import: electron-updater is CommonJS marked __esModule, so it has no default export.
import { autoUpdater } from 'electron-updater';
import type { UpdateStatus } from '../../shared/updates';
import type { Logger } from '../logging/logger';
import type { BuildConfig } from '../settings/build-config';
import { UpdateController, updatePolicy } from '../updates/update-controller';

/** electron-updater on the reseller's generic feed (app-update.yml, written by electron-builder from `publish`). */
export function createUpdater(build: BuildConfig, logger: Logger, paymentsRunning: () => boolean, onChange: (status: UpdateStatus) => void): UpdateController {
  autoUpdater.logger = { info: (m: unknown) => logger.info(String(m)), warn: (m: unknown) => logger.warn(String(m)), error: (m: unknown) => logger.error(String(m)), debug: () => {} };
  return new UpdateController({ updater: autoUpdater, policy: updatePolicy(build, app.isPackaged), paymentsRunning, now: Date.now, onChange });
}
