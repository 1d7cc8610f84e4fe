import { keychainUnavailable, type SecretAccount, type SecretStore } from './secret-store';

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

/**
 * The OS keychain through keytar: Keychain on macOS, Credential Manager on Windows, Secret Service on Linux.
 * keytar is archived upstream; this file is the only one that knows about it, so a swap (e.g. to
 * @napi-rs/keyring's keytar-compatible entry) touches nothing else.
 */
export class KeytarSecretStore implements SecretStore {
  readonly backend = 'os-keychain';
  private keytar: Promise<Keytar> | undefined;

  constructor(private readonly service: string) {}

  private load(): Promise<Keytar> {
    this.keytar ??= import('keytar').then((module) => (module.default ?? module) as Keytar);
    return this.keytar;
  }

  private async run<T>(action: (keytar: Keytar) => Promise<T>): Promise<T> {
    try {
      return await action(await this.load());
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
