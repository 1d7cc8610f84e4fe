import { describe, expect, it } from 'vitest';
import { KeychainModuleError, KeytarSecretStore, loadKeytar, type Keytar } from '../../src/main/secrets/keytar-store';
import { AppError } from '../../src/main/errors';

const brokenInstall = () => {
  throw new Error("The module '/app/node_modules/keytar/build/Release/keytar.node'\nwas compiled against a different Node.js version");
};
const keychain = (overrides: Partial<Keytar> = {}): Keytar => ({
  getPassword: async () => null,
  setPassword: async () => {},
  deletePassword: async () => true,
  ...overrides,
});

describe('loading keytar', () => {
  it('loads the real native module with a CommonJS require', () => {
    const keytar = loadKeytar();
    expect(typeof keytar.getPassword).toBe('function');
  });

  it('a module that fails to load is a KeychainModuleError (fatal), never "keychain unavailable"', () => {
    const error = (() => {
      try {
        loadKeytar(brokenInstall);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KeychainModuleError);
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as KeychainModuleError).message).toMatch(/compiled against a different Node.js version/);
    expect((error as KeychainModuleError).cashierMessage).toMatch(/reinstall/i);
    expect(() => loadKeytar(() => ({}))).toThrow(KeychainModuleError);
  });

  it('a store whose module fails to load reports that, on every call, not KEYCHAIN_UNAVAILABLE (which means training)', async () => {
    const store = new KeytarSecretStore('com.tillcompanion.test', () => loadKeytar(brokenInstall));
    await expect(store.get('dojo-api-key')).rejects.toBeInstanceOf(KeychainModuleError);
    await expect(store.set('dojo-api-key', 'sk_sandbox_x')).rejects.toBeInstanceOf(KeychainModuleError);
    expect(() => store.load()).toThrow(KeychainModuleError);
  });

  it('a locked keychain is KEYCHAIN_UNAVAILABLE with an explanation the cashier can act on', async () => {
    const store = new KeytarSecretStore('com.tillcompanion.test', () =>
      keychain({ getPassword: async () => Promise.reject(new Error('Cannot get secret of a locked object')) }),
    );
    const error = await store.get('dojo-api-key').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/locked object/);
    expect((error as Error).message).toMatch(/may be locked.*signing in/);
  });

  it('loads the module once and uses the service name given', async () => {
    let loads = 0;
    const seen: string[] = [];
    const store = new KeytarSecretStore('com.tillcompanion.svc', () => (loads++, keychain({ getPassword: async (service, account) => (seen.push(`${service}/${account}`), 'v') })));
    expect(await store.get('dojo-api-key')).toBe('v');
    expect(await store.get('epos-api-token')).toBe('v');
    expect(loads).toBe(1);
    expect(seen).toEqual(['com.tillcompanion.svc/dojo-api-key', 'com.tillcompanion.svc/epos-api-token']);
  });
});

describe('the services with a keychain module that does not load', () => {
  it('refuse to start (the app reports it) instead of falling back to training mode', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { createServices } = await import('../../src/main/services');
    const { nodeAdapters } = await import('../../src/main/node-adapters');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-keytar-broken-'));
    const secrets = new KeytarSecretStore('com.tillcompanion.test', () => loadKeytar(brokenInstall));
    await expect(createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets, env: {} }))).rejects.toBeInstanceOf(KeychainModuleError);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('journal-training'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
