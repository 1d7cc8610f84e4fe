import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CurrencySchema } from '../../shared/money';
import { MIDNIGHT } from '../../shared/dates';
import { TradingDayStartSchema } from '../../shared/settings';
import { AppError } from '../errors';
import { renameWithRetrySync, writeFileAtomicSync } from '../files/atomic-write';
import type { Logger } from '../logging/logger';

const PinHashSchema = z.object({ algorithm: z.literal('scrypt'), salt: z.string(), hash: z.string(), N: z.number(), r: z.number(), p: z.number() });

/** The settings file (never secrets: the API key and the EPOS token live in the OS keychain). */
export const StoredSettingsSchema = z.object({
  version: z.literal(2),
  /** The chosen terminal per environment: training, sandbox and production terminals are different. */
  terminals: z.object({ training: z.string().nullable(), sandbox: z.string().nullable(), production: z.string().nullable() }),
  currency: CurrencySchema,
  supervisorPin: PinHashSchema.nullable(),
  /** Largest unlinked refund (minor units) a supervisor may approve at the till. */
  unlinkedRefundLimit: z.number().int().positive(),
  compactMode: z.boolean(),
  /** When the trading day rolls over; files from before this setting get midnight (no version bump needed). */
  tradingDayStart: TradingDayStartSchema.default(MIDNIGHT),
  /** The loopback API the EPOS uses (its bearer token lives in the keychain). */
  epos: z.object({ enabled: z.boolean(), port: z.number().int().min(1024).max(65535) }),
});
export type StoredSettings = z.infer<typeof StoredSettingsSchema>;

export const SETTINGS_VERSION = 2;
export const DEFAULT_EPOS_PORT = 7878;
export const DEFAULT_SETTINGS: StoredSettings = {
  version: 2,
  terminals: { training: null, sandbox: null, production: null },
  currency: 'GBP',
  supervisorPin: null,
  unlinkedRefundLimit: 5_000,
  compactMode: false,
  tradingDayStart: MIDNIGHT,
  epos: { enabled: true, port: DEFAULT_EPOS_PORT },
};

/**
 * Upgrades an older settings file one version at a time. Index i turns version i into version i + 1;
 * version 0 is a file written before versions existed (it has no `version` field).
 */
const MIGRATIONS: ((raw: Record<string, unknown>) => Record<string, unknown>)[] = [
  // 0 -> 1: files from before versions: fill in every setting that was missing.
  (raw) => ({ terminals: { training: null, sandbox: null, production: null }, currency: 'GBP', supervisorPin: null, unlinkedRefundLimit: 5_000, compactMode: false, ...raw, version: 1 }),
  // 1 -> 2: the EPOS loopback API arrives, on by default on port 7878.
  (raw) => ({ ...raw, epos: { enabled: true, port: DEFAULT_EPOS_PORT }, version: 2 }),
];

/** Reads and writes settings.json atomically (temp file, fsync, rename), validated and migrated. */
export class SettingsStore {
  private current: StoredSettings;
  readonly file: string;
  /** Set when the file was written by a newer app: it is used read-only and never overwritten. */
  private newerVersion: number | null = null;

  constructor(dataDir: string, private readonly logger: Logger) {
    this.file = path.join(dataDir, 'settings.json');
    this.current = this.load();
  }

  get(): StoredSettings {
    return structuredClone(this.current);
  }

  update(change: (settings: StoredSettings) => StoredSettings): StoredSettings {
    if (this.newerVersion !== null) {
      throw new AppError('CONFLICT', `Settings were saved by a newer version of the app (settings version ${this.newerVersion}); update the app before changing them.`);
    }
    const next = StoredSettingsSchema.parse(change(this.get()));
    this.write(next);
    this.current = next;
    return this.get();
  }

  private load(): StoredSettings {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return structuredClone(DEFAULT_SETTINGS);
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text);
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not an object');
    } catch {
      return this.setAside('unreadable');
    }
    const version = typeof raw['version'] === 'number' ? raw['version'] : 0;
    if (version > SETTINGS_VERSION) {
      // Written by a newer app: use defaults for now but never overwrite the newer file.
      this.logger.warn('settings file is from a newer version; using defaults without saving over it', { version });
      this.newerVersion = version;
      return structuredClone(DEFAULT_SETTINGS);
    }
    for (let v = version; v < SETTINGS_VERSION; v++) raw = MIGRATIONS[v]!(raw);
    const parsed = StoredSettingsSchema.safeParse(raw);
    if (!parsed.success) return this.setAside('invalid');
    if (version < SETTINGS_VERSION) this.write(parsed.data);
    return parsed.data;
  }

  /** Keeps a broken file beside the new one (for support) and starts from defaults. */
  private setAside(why: string): StoredSettings {
    const aside = `${this.file}.${why}-${Date.now()}`;
    renameWithRetrySync(this.file, aside);
    this.logger.warn('settings file could not be used; kept aside and reset to defaults', { aside: path.basename(aside) });
    return structuredClone(DEFAULT_SETTINGS);
  }

  private write(settings: StoredSettings): void {
    // Atomic, and the rename rides out antivirus briefly locking settings.json on Windows (EPERM/EBUSY).
    writeFileAtomicSync(this.file, `${JSON.stringify(settings, null, 2)}\n`);
  }
}
