import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBuildConfig } from '../../src/main/settings/build-config';
import { UpdateController, updatePolicy, type Updater } from '../../src/main/updates/update-controller';

class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  checks = 0;
  installs = 0;
  async checkForUpdates() {
    this.checks++;
    return null;
  }
  quitAndInstall() {
    this.installs++;
  }
}

const build = (tillBuild: Record<string, unknown>) => loadBuildConfig({ tillBuild });
const feed = { enabled: true, url: 'https://updates.example-reseller.co.uk/till' };

describe('update policy', () => {
  it('is off from source, for MSI (managed estates) and when the reseller turned it off; on for a packaged NSIS/mac build with a feed', () => {
    expect(updatePolicy(build({ installer: 'nsis', updates: feed }), false)).toMatchObject({ enabled: false, reason: expect.stringMatching(/from source/) });
    expect(updatePolicy(build({ installer: 'msi', updates: feed }), true)).toMatchObject({ enabled: false, reason: expect.stringMatching(/managed/) });
    expect(updatePolicy(build({ installer: 'nsis', updates: { enabled: false, url: null } }), true)).toMatchObject({ enabled: false, reason: expect.stringMatching(/turned off/) });
    expect(updatePolicy(build({ installer: 'nsis', updates: feed }), true)).toEqual({ enabled: true });
    expect(updatePolicy(build({ installer: 'mac', updates: feed }), true)).toEqual({ enabled: true });
  });
});

describe('update controller', () => {
  afterEach(() => vi.useRealTimers());
  const setup = (running = { value: false }, enabled = true) => {
    const updater = new FakeUpdater();
    const controller = new UpdateController({
      updater,
      policy: enabled ? { enabled: true } : { enabled: false, reason: 'Updates are turned off in this build.' },
      paymentsRunning: () => running.value,
      now: Date.now,
      intervalMs: 60_000,
    });
    return { updater, controller, running };
  };

  it('checks at start and every few hours, downloading in the background', () => {
    vi.useFakeTimers();
    const { updater, controller } = setup();
    controller.start();
    expect(updater.autoDownload).toBe(true);
    expect(updater.checks).toBe(1);
    vi.advanceTimersByTime(180_000);
    expect(updater.checks).toBe(4);
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('download-progress', { percent: 42.4 });
    expect(controller.status()).toMatchObject({ state: 'downloading', percent: 42, version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(controller.status()).toMatchObject({ state: 'ready', version: '1.2.0' });
    controller.stop();
  });

  it('installs at once when the till is idle', () => {
    const { updater, controller } = setup();
    controller.start();
    updater.emit('update-downloaded', { version: '1.2.0' });
    controller.install();
    expect(updater.installs).toBe(1);
    controller.stop();
  });

  it('never installs in the middle of a payment: it waits until the payment has finished', () => {
    const running = { value: true };
    const { updater, controller } = setup(running);
    controller.start();
    expect(updater.autoInstallOnAppQuit).toBe(false); // quitting mid-payment must not install either
    updater.emit('update-downloaded', { version: '1.3.0' });
    expect(controller.install()).toMatchObject({ state: 'ready', installWhenIdle: true });
    expect(updater.installs).toBe(0);
    running.value = false;
    controller.paymentsChanged();
    expect(updater.installs).toBe(1);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    controller.stop();
  });

  it('reports errors and stays usable; a disabled controller says why and never checks', async () => {
    const { updater, controller } = setup();
    controller.start();
    updater.emit('error', new Error('feed unreachable'));
    expect(controller.status()).toMatchObject({ state: 'error', reason: expect.stringMatching(/feed unreachable/) });
    controller.stop();
    const off = setup({ value: false }, false);
    off.controller.start();
    expect(off.updater.checks).toBe(0);
    expect(off.controller.status()).toEqual({ state: 'disabled', reason: 'Updates are turned off in this build.' });
  });
});
