import { AppError } from '../errors';

/** Keychain accounts the app uses (the service name is the app id). */
export const SECRET_ACCOUNTS = {
  dojoApiKey: 'dojo-api-key',
  eposToken: 'epos-api-token',
  /** The key that seals the supervisor settings (HMAC) and their generation: see authority/security-store.ts. */
  securitySeal: 'security-seal',
  /** The key that keys the journals' audit chains and seals their latest audit row and cap usage: authority/journal-seal.ts. */
  journalSeal: 'journal-seal',
} as const;
export type SecretAccount = (typeof SECRET_ACCOUNTS)[keyof typeof SECRET_ACCOUNTS];

/**
 * Where secrets live. The only implementations are the OS keychain and memory (tests): there is deliberately
 * no file-based fallback, so a key can never land on disk in plaintext.
 */
export interface SecretStore {
  readonly backend: string;
  get(account: SecretAccount): Promise<string | null>;
  set(account: SecretAccount, value: string): Promise<void>;
  delete(account: SecretAccount): Promise<boolean>;
}

export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory';
  private readonly values = new Map<string, string>();

  constructor(initial: Partial<Record<SecretAccount, string>> = {}) {
    for (const [account, value] of Object.entries(initial)) if (value) this.values.set(account, value);
  }

  async get(account: SecretAccount) {
    return this.values.get(account) ?? null;
  }
  async set(account: SecretAccount, value: string) {
    this.values.set(account, value);
  }
  async delete(account: SecretAccount) {
    return this.values.delete(account);
  }
}

export const keychainUnavailable = (cause: unknown) =>
  new AppError(
    'KEYCHAIN_UNAVAILABLE',
    `The system keychain could not be used (${describe(cause)}). It may be locked: signing in to this computer's account again unlocks it. The API key was not read or saved; restart the app once the keychain is unlocked.`,
  );

function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  // Keep the reason short and free of anything but the library's own words.
  return text.split('\n')[0]!.slice(0, 160);
}
