import { createRequire } from 'node:module';
import { keychainUnavailable, type SecretAccount, type SecretStore } from './secret-store';

export type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

/**
 * keytar's native module did not load: a broken or incomplete install, not a state of the keychain. The app
 * cannot know whether this till has a key, so it must stop and say so (never fall back to training mode).
 */
export class KeychainModuleError extends Error {
  readonly cashierMessage =
    'The app could not load its keychain component, so it cannot read the Dojo API key. No payment can be taken until this is fixed: reinstall the app or contact your reseller.';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`keytar could not be loaded: ${detail}`, options);
    this.name = 'KeychainModuleError';
  }
}

/**
 * Loads keytar with a CommonJS require. Inside app.asar a dynamic `import()` goes through Electron's ESM
 * loader, which has had packaged-only regressions; `require` is the path asarUnpack'd native modules are made for.
 */
export function loadKeytar(load: (id: string) => unknown = createRequire(__filename)): Keytar {
  let loaded: unknown;
  try {
    loaded = load('keytar');
  } catch (error) {
    throw new KeychainModuleError(oneLine(error), { cause: error });
  }
  const keytar = ((loaded as { default?: unknown } | null)?.default ?? loaded) as Partial<Keytar> | null;
  if (!keytar || typeof keytar.getPassword !== 'function' || typeof keytar.setPassword !== 'function' || typeof keytar.deletePassword !== 'function') {
    throw new KeychainModuleError('the module has no getPassword/setPassword/deletePassword');
  }
  return keytar as Keytar;
}

/** The loader's own words (which file, which ABI) for the log and the support bundle. */
const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);

/**
 * The OS keychain through keytar: Keychain on macOS, Credential Manager on Windows, Secret Service on Linux.
 * keytar is archived upstream; this file is the only one that knows about it, so a swap (e.g. to
 * @napi-rs/keyring's keytar-compatible entry) touches nothing else.
 *
 * Two failures, kept apart: the module not loading is a `KeychainModuleError` (fatal, reported at start);
 * the keychain refusing a call (locked, no Secret Service) is `KEYCHAIN_UNAVAILABLE` with an explanation.
 */
export class KeytarSecretStore implements SecretStore {
  readonly backend = 'os-keychain';
  private keytar: Keytar | undefined;

  constructor(
    private readonly service: string,
    private readonly loader: () => Keytar = () => loadKeytar(),
  ) {}

  /** Loads keytar now (the app does this before anything else, so a broken install stops the start). */
  load(): Keytar {
    this.keytar ??= this.loader();
    return this.keytar;
  }

  private async run<T>(action: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = this.load(); // a KeychainModuleError is not a keychain state: it goes up as it is
    try {
      return await action(keytar);
    } catch (error) {
      throw keychainUnavailable(error);
    }
  }

  get(account: SecretAccount) {
    return this.run((k) => k.getPassword(this.service, account));
  }
  set(account: SecretAccount, value: string) {
    return this.run((k) => k.setPassword(this.service, account, value));
  }
  delete(account: SecretAccount) {
    return this.run((k) => k.deletePassword(this.service, account));
  }
}
