import { app } from 'electron';
import electronUpdater from 'electron-updater';
import type { UpdateStatus } from '../../shared/updates';
import type { Logger } from '../logging/logger';
import type { BuildConfig } from '../settings/build-config';
import { UpdateController, updatePolicy } from '../updates/update-controller';

/** electron-updater on the reseller's generic feed (app-update.yml, written by electron-builder from `publish`). */
export function createUpdater(build: BuildConfig, logger: Logger, paymentsRunning: () => boolean, onChange: (status: UpdateStatus) => void): UpdateController {
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = { info: (m: unknown) => logger.info(String(m)), warn: (m: unknown) => logger.warn(String(m)), error: (m: unknown) => logger.error(String(m)), debug: () => {} };
  return new UpdateController({ updater: autoUpdater, policy: updatePolicy(build, app.isPackaged), paymentsRunning, now: Date.now, onChange });
}
