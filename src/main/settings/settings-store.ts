import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CurrencySchema } from '../../shared/money';
import { MIDNIGHT } from '../../shared/dates';
import { TerminalNameSchema, TradingDayStartSchema } from '../../shared/settings';
import { AppError } from '../errors';
import { renameWithRetrySync, writeFileAtomicSync } from '../files/atomic-write';
import type { LegacySecurity } from '../authority/security-store';
import type { Logger } from '../logging/logger';
import { ensurePrivateDir, tightenIfPresent } from '../security/private-files';

/**
 * The settings file (never secrets: the API key and the EPOS token live in the OS keychain). The supervisor PIN
 * and the refund limits are not here: they live in the sealed `security.json` (authority/security-store.ts).
 */
export const StoredSettingsSchema = z.object({
  version: z.literal(3),
  /** The chosen terminal per environment: training, sandbox and production terminals are different. */
  terminals: z.object({ training: z.string().nullable(), sandbox: z.string().nullable(), production: z.string().nullable() }),
  currency: CurrencySchema,
  compactMode: z.boolean(),
  /** When the trading day rolls over; files from before this setting get midnight (no version bump needed). */
  tradingDayStart: TradingDayStartSchema.default(MIDNIGHT),
  /** The shop's names for its terminals (terminal id -> name); older files have none. */
  terminalNames: z.record(z.string().max(100), TerminalNameSchema).default({}),
  /** The loopback API the EPOS uses (its bearer token lives in the keychain). */
  epos: z.object({ enabled: z.boolean(), port: z.number().int().min(1024).max(65535) }),
  /** Version 2's PIN hash and limit, kept until security.json has adopted them (checked there, not here). */
  legacySecurity: z.object({ supervisorPin: z.unknown(), unlinkedRefundLimit: z.unknown() }).optional(),
});
export type StoredSettings = z.infer<typeof StoredSettingsSchema>;

export const SETTINGS_VERSION = 3;
export const DEFAULT_EPOS_PORT = 7878;
export const DEFAULT_SETTINGS: StoredSettings = {
  version: 3,
  terminals: { training: null, sandbox: null, production: null },
  currency: 'GBP',
  compactMode: false,
  tradingDayStart: MIDNIGHT,
  terminalNames: {},
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
  // 2 -> 3: the supervisor PIN and the refund limit move to the sealed security.json, which adopts them once.
  ({ supervisorPin, unlinkedRefundLimit, ...raw }) => ({ ...raw, legacySecurity: { supervisorPin: supervisorPin ?? null, unlinkedRefundLimit }, version: 3 }),
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

  /** The PIN and limit a version 2 file held, until the security store has adopted them (once). */
  legacySecurity(): LegacySecurity | null {
    const legacy = this.current.legacySecurity;
    return legacy ? { supervisorPin: legacy.supervisorPin ?? null, unlinkedRefundLimit: legacy.unlinkedRefundLimit, currency: this.current.currency } : null;
  }

  legacyAdopted(): void {
    if (this.current.legacySecurity) this.update(({ legacySecurity: _adopted, ...settings }) => settings);
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
    // A file an older version left readable by others is made user-only, with its folder.
    ensurePrivateDir(path.dirname(this.file));
    tightenIfPresent(this.file);
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
    ensurePrivateDir(path.dirname(this.file));
    // Atomic, and the rename rides out antivirus briefly locking settings.json on Windows (EPERM/EBUSY).
    writeFileAtomicSync(this.file, `${JSON.stringify(settings, null, 2)}\n`);
  }
}
