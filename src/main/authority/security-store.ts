import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from '../../shared/money';
import { TradingDayStartSchema } from '../../shared/settings';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import { writeFileAtomicSync } from '../files/atomic-write';
import { fileMac as mac, macMatches } from './file-mac';
import { ExchangeSettingsSchema } from '../exchange/settings';
import { PinHashSchema } from './pin';

/** The most unlinked refunds a till may allow in a day (a cap above this is not a cap). */
export const MAX_DAILY_UNLINKED_COUNT = 200;

const LimitAmountSchema = z.number().int().min(1).max(MAX_AMOUNT_MINOR);
const PerCurrencySchema = z.object({ GBP: LimitAmountSchema, EUR: LimitAmountSchema }).strict();

/** Refund limits, per currency (a limit set in pounds never silently becomes the same number of euros). */
export const RefundLimitsSchema = z
  .object({
    /** Largest single unlinked refund a supervisor may approve. */
    unlinkedRefund: PerCurrencySchema,
    /** Unlinked refunds per trading day at this till: how many, and how much in each currency. */
    daily: z.object({ count: z.number().int().min(1).max(MAX_DAILY_UNLINKED_COUNT), amount: PerCurrencySchema }).strict(),
  })
  .strict();
export type RefundLimits = z.infer<typeof RefundLimitsSchema>;

/** The supervisor settings: everything a cashier must not change by editing a file. */
export const SecurityBlockSchema = z
  .object({
    version: z.literal(1),
    /** Goes up with every write; the keychain seal holds it too, so an older copy of the file is refused. */
    generation: z.number().int().min(0),
    supervisorPin: PinHashSchema.nullable(),
    /** Wrong PINs in a row, lock-outs since the last right PIN, and the end of the current lock-out (epoch ms). */
    lockout: z.object({ failures: z.number().int().min(0).max(1000), lockouts: z.number().int().min(0).max(1000), lockedUntil: z.number().int().min(0) }).strict(),
    limits: RefundLimitsSchema,
    /** When the trading day starts, as the supervisor set it: the daily caps count from it (authority/sealed-trading-day.ts). */
    tradingDayStart: TradingDayStartSchema.optional(),
    /** Start (epoch ms) of the trading day the daily caps last counted from (RefundPolicy: a day cannot restart early). */
    capDayStart: z.number().int().min(0).optional(),
    /** The folder exchange's folder and limits (absent until the exchange first started with this store). */
    exchange: ExchangeSettingsSchema.optional(),
  })
  .strict();
export type SecurityBlock = z.infer<typeof SecurityBlockSchema>;

export const DEFAULT_LIMITS: RefundLimits = {
  unlinkedRefund: { GBP: 5_000, EUR: 5_000 },
  daily: { count: 5, amount: { GBP: 20_000, EUR: 20_000 } },
};

const defaults = (): SecurityBlock => ({ version: 1, generation: 0, supervisorPin: null, lockout: { failures: 0, lockouts: 0, lockedUntil: 0 }, limits: structuredClone(DEFAULT_LIMITS) });

/** What the keychain holds for this till: the HMAC key, the generation last written, and whether a PIN is set. */
const SealSchema = z.object({ v: z.literal(1), key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/), generation: z.number().int().min(0), pinSet: z.boolean() }).strict();
type Seal = z.infer<typeof SealSchema>;

/** Settings from before the security file (settings.json version 2), adopted once on a till that has no seal yet. */
export interface LegacySecurity {
  supervisorPin: unknown;
  unlinkedRefundLimit: unknown;
  currency: 'GBP' | 'EUR';
}

export type SecurityState = { kind: 'ok'; block: SecurityBlock; sealed: boolean } | { kind: 'locked'; reason: string };

/** Something the audit should hear about (the store itself has no journal). */
export interface SecurityNotice {
  action: 'security.initialised' | 'security.refused' | 'security.locked';
  summary: string;
}

export const LOCKED_BY_RESELLER =
  'The supervisor settings on this till could not be verified, so supervisor actions are locked. Your reseller can reset them (see "Resetting the supervisor settings" in the README).';

/**
 * `security.json`: the supervisor PIN hash, the PIN lock-out and the refund limits, sealed with an HMAC whose key
 * lives in the OS keychain (with the generation last written, so an older copy is refused too). A file that is
 * edited, replaced, unreadable or missing on a till that had a PIN does not fall back to "no PIN": it is
 * *locked* until the reseller procedure resets it. A till that never had a PIN falls back to the defaults.
 */
export class SecurityStore {
  readonly file: string;
  private cached: { block: SecurityBlock; key: Buffer } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lockedWhy: string | null = null;

  constructor(
    private readonly options: {
      dataDir: string;
      secrets: SecretStore;
      logger: Logger;
      legacy?: { read(): LegacySecurity | null; adopted(): void };
      notice?: (notice: SecurityNotice) => void;
    },
  ) {
    this.file = path.join(options.dataDir, 'security.json');
  }

  /** The verified supervisor settings, or why they are locked. Re-checked while locked (a reseller's fix needs no restart). */
  read(): Promise<SecurityState> {
    return this.serial(() => this.load());
  }

  /** Changes the supervisor settings: the next generation, written to the file, then sealed in the keychain. */
  write(change: (block: SecurityBlock) => SecurityBlock): Promise<SecurityBlock> {
    return this.serial(async () => {
      const state = await this.load();
      if (state.kind === 'locked') throw new AppError('SECURITY_LOCKED', state.reason);
      if (!this.cached) throw new AppError('KEYCHAIN_UNAVAILABLE', 'The system keychain is not available, so supervisor settings cannot be saved. Try again when it is.');
      const next = SecurityBlockSchema.parse({ ...change(structuredClone(this.cached.block)), version: 1, generation: this.cached.block.generation + 1 });
      await this.persist(next, this.cached.key);
      return structuredClone(next);
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<SecurityState> {
    if (this.cached) return { kind: 'ok', block: structuredClone(this.cached.block), sealed: true };
    const file = this.readFile();
    let seal: Seal | null;
    try {
      const raw = await this.options.secrets.get(SECRET_ACCOUNTS.securitySeal);
      seal = raw === null ? null : parseSeal(raw);
    } catch (error) {
      if (error instanceof AppError && error.code === 'SECURITY_LOCKED') return this.lock('the keychain entry that seals them is damaged');
      // No keychain: a till with supervisor settings cannot check them; a till without any uses the defaults
      // (nothing can be saved until the keychain is back).
      if (file.kind === 'missing') return { kind: 'ok', block: defaults(), sealed: false };
      return { kind: 'locked', reason: 'The system keychain is not available, so the supervisor settings cannot be checked. Supervisor actions are locked until it is.' };
    }

    if (!seal) {
      if (file.kind === 'missing') {
        const start = this.adoptLegacy();
        return 'reason' in start ? this.lock(start.reason) : this.initialise(start);
      }
      if (file.kind === 'ok' && file.block.supervisorPin === null) {
        return this.initialise({ block: defaults(), notice: 'The supervisor settings file could not be verified (its keychain seal is missing) and no PIN was set: the default limits apply.' });
      }
      return this.lock('the keychain entry that seals them is missing');
    }

    const key = Buffer.from(seal.key, 'base64');
    const why = file.kind === 'missing' ? 'the file is missing' : file.kind === 'invalid' ? `the file is not valid (${file.why})` : !macMatches(key, file.text, file.mac) ? 'the file was changed outside the app' : file.block.generation < seal.generation ? 'the file is an older copy' : file.block.generation > seal.generation + 1 ? 'the file is from a different seal' : null;
    if (why || file.kind !== 'ok') {
      if (seal.pinSet) return this.lock(why ?? 'the file could not be read');
      return this.initialise({ block: defaults(), notice: `The supervisor settings file was refused (${why}); no PIN was set, so the default limits apply.` }, key);
    }
    if (file.block.generation === seal.generation + 1) await this.seal(key, file.block); // the app stopped between the two writes
    this.cached = { block: file.block, key };
    this.lockedWhy = null;
    return { kind: 'ok', block: structuredClone(file.block), sealed: true };
  }

  private lock(why: string): SecurityState {
    if (this.lockedWhy !== why) {
      // Said once per reason: every refused action re-checks, and the audit should not fill with the same line.
      this.lockedWhy = why;
      this.options.logger.warn('supervisor settings locked', { why });
      this.options.notice?.({ action: 'security.locked', summary: `Supervisor settings locked: ${why}.` });
    }
    return { kind: 'locked', reason: `${LOCKED_BY_RESELLER} (${why})` };
  }

  private async initialise(start: { block: SecurityBlock; notice: string }, key = randomBytes(32)): Promise<SecurityState> {
    this.lockedWhy = null;
    await this.persist(start.block, key);
    this.options.legacy?.adopted();
    this.options.notice?.({ action: start.notice.startsWith('The supervisor settings file') ? 'security.refused' : 'security.initialised', summary: start.notice });
    return { kind: 'ok', block: structuredClone(start.block), sealed: true };
  }

  /** A till upgraded from settings version 2 brings its PIN and limit along (once: there is no seal yet). */
  private adoptLegacy(): { block: SecurityBlock; notice: string } | { reason: string } {
    const legacy = this.options.legacy?.read() ?? null;
    const block = defaults();
    if (!legacy) return { block, notice: 'Supervisor settings created (no PIN yet; default refund limits).' };
    const limit = LimitAmountSchema.safeParse(legacy.unlinkedRefundLimit);
    if (limit.success) block.limits.unlinkedRefund[legacy.currency] = limit.data;
    if (legacy.supervisorPin !== null && legacy.supervisorPin !== undefined) {
      const pin = PinHashSchema.safeParse(legacy.supervisorPin);
      if (!pin.success) return { reason: 'the PIN carried over from the old settings file is not a valid hash' };
      block.supervisorPin = pin.data;
    }
    return { block, notice: `Supervisor settings carried over from the old settings file (PIN ${block.supervisorPin ? 'set' : 'not set'}; limits per currency).` };
  }

  private async persist(block: SecurityBlock, key: Buffer): Promise<void> {
    const text = JSON.stringify(block);
    writeFileAtomicSync(this.file, `${JSON.stringify({ mac: mac(key, text), block: JSON.parse(text) as unknown }, null, 2)}\n`);
    await this.seal(key, block);
    this.cached = { block: structuredClone(block), key };
  }

  private async seal(key: Buffer, block: SecurityBlock): Promise<void> {
    const seal: Seal = { v: 1, key: key.toString('base64'), generation: block.generation, pinSet: block.supervisorPin !== null };
    await this.options.secrets.set(SECRET_ACCOUNTS.securitySeal, JSON.stringify(seal));
  }

  private readFile(): { kind: 'missing' } | { kind: 'invalid'; why: string } | { kind: 'ok'; block: SecurityBlock; text: string; mac: string } {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'invalid', why: 'unreadable' };
    }
    let json: { mac?: unknown; block?: unknown };
    try {
      json = JSON.parse(raw) as typeof json;
    } catch {
      return { kind: 'invalid', why: 'not JSON' };
    }
    if (typeof json?.mac !== 'string') return { kind: 'invalid', why: 'no seal' };
    const parsed = SecurityBlockSchema.safeParse(json.block);
    if (!parsed.success) return { kind: 'invalid', why: `out of bounds: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
    return { kind: 'ok', block: parsed.data, text: JSON.stringify(json.block), mac: json.mac };
  }
}

function parseSeal(raw: string): Seal {
  try {
    return SealSchema.parse(JSON.parse(raw));
  } catch {
    throw new AppError('SECURITY_LOCKED', 'damaged seal');
  }
}
