import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A private, unlocked Secret Service for the keychain tests on Linux: its own D-Bus session bus and a
 * gnome-keyring-daemon with a throwaway keyring. Returns why it cannot when the tools are missing.
 */
export async function startSecretService(): Promise<{ address: string; stop(): void; stopKeyring(): Promise<void> } | { missing: string }> {
  if (process.platform !== 'linux') return { missing: 'the private Secret Service is only set up on Linux' };
  for (const tool of ['dbus-daemon', 'gnome-keyring-daemon']) {
    if (spawnSync('which', [tool]).status !== 0) return { missing: `${tool} is not installed (Debian packages dbus and gnome-keyring)` };
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'till-keyring-'));
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    // Generous bounds (a loaded 2-core machine is slow, not stuck): they only stop a set-up that is truly stuck.
    const timer = setTimeout(() => reject(new Error('dbus-daemon did not start')), 30_000);
    bus.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString().split('\n')[0]!.trim());
    });
  });
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home, HOME: home };
  const owned = () => spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { env, encoding: 'utf8' }).stdout?.includes('boolean true');
  /** Waits (bounded) until org.freedesktop.secrets is, or is no longer, owned on the bus. */
  const until = async (wanted: boolean) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && owned() !== wanted) await new Promise((r) => setTimeout(r, 100));
  };
  let keyring: ChildProcess | undefined;
  const startKeyring = async () => {
    keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    keyring.stdin!.end('till-test-keyring');
    await until(true);
  };
  await startKeyring();
  return {
    address,
    /** The keychain goes away (its daemon stops; the bus and the keyring on disk stay), as a locked or broken one would. */
    async stopKeyring() {
      const stopping = keyring;
      keyring = undefined;
      if (!stopping || stopping.exitCode !== null) return;
      const exited = new Promise((r) => stopping.once('exit', r));
      stopping.kill();
      await exited;
      await until(false);
    },
    stop() {
      keyring?.kill();
      bus.kill();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
