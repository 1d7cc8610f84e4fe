import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatMoney } from '../../shared/money';
import { writeFileAtomicSync } from '../files/atomic-write';
import { fileMac as mac, macMatches } from './file-mac';
import { auditChainIntact, keyedAuditHash, type AuditKey, type AuditRowInput } from '../journal/audit-chain';
import type { Journal, UnlinkedRefundRow } from '../journal/journal';
import type { Logger } from '../logging/logger';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';

/**
 * Tamper evidence for what the journal holds that someone with the SQLite file could otherwise rewrite unseen:
 *
 * - the audit chain is keyed (HMAC-SHA256, `k1.` rows) with a key kept in the OS keychain, so an edited row cannot
 *   be re-chained without the keychain;
 * - the latest audit position (row id and hash) is sealed, so rows removed from the end show;
 * - the unlinked refunds the daily caps count (since the caps' day start: id, amount, currency, time, status) are
 *   sealed, so a refund deleted, moved to another day, made smaller or turned from approved into failed shows.
 *
 * The seal is `journal-seal.json` (0600) with an HMAC whose key, with the generation last written, lives in the
 * keychain (account `journal-seal`), as for the supervisor settings (security-store.ts): an edited, older or
 * missing file, or a missing keychain entry, shows too. Checked per journal at start-up (and when the till first
 * uses another environment's journal). A problem freezes the seal, refuses unlinked refunds and is said to the
 * supervisor until acknowledged with the PIN (audited); the seal then starts again from the journal as it is.
 */
const SealedRefundSchema = z.object({ id: z.string().max(100), amount: z.number().int(), currency: z.string().max(3), status: z.string().max(40), createdAt: z.number().int() }).strict();
const JournalEntrySchema = z
  .object({
    /** Audit rows from this id on are keyed with the current key (earlier ones: plain SHA-256, or an earlier key). */
    keyedFrom: z.number().int().min(1),
    audit: z.object({ id: z.number().int().min(1), hash: z.string().max(80) }).strict().nullable(),
    caps: z.object({ dayStart: z.number().int().min(0), refunds: z.array(SealedRefundSchema).max(5_000) }).strict().nullable(),
  })
  .strict();
type JournalEntry = z.infer<typeof JournalEntrySchema>;
const BodySchema = z.object({ v: z.literal(1), generation: z.number().int().min(0), journals: z.record(z.string(), JournalEntrySchema) }).strict();
type Body = z.infer<typeof BodySchema>;
const KeychainSchema = z.object({ v: z.literal(1), key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/), generation: z.number().int().min(0) }).strict();

const SEAL_FILE = 'journal-seal.json';

/** What the supervisor is told (settings view, refund screen, EPOS problem detail). */
export const journalTamperMessage = (why: string) =>
  `The till’s journal (its own record of payments and supervisor actions) was changed outside the app: ${why}. Until a supervisor has checked the till and acknowledged this with the PIN (Settings → Supervisor PIN), unlinked refunds are refused. The audit keeps what was found.`;

const refundTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
/** A sealed refund as a manager finds it on a receipt (amount, local time): people never see its id (the audit keeps it). */
const refundWords = (r: { amount: number; currency: string; createdAt: number }) => `the unlinked refund of ${formatMoney(r.amount, r.currency)} on ${refundTime.format(r.createdAt)}`;

/** What the check found: the words people read, and the payment it concerns (for the audit only). */
interface Finding {
  why: string;
  paymentId?: string;
}

export class JournalSeal {
  readonly file: string;
  private key: Buffer | null = null;
  private body: Body = { v: 1, generation: 0, journals: {} };
  /** Why the seal itself cannot be trusted (file or keychain entry edited, replaced, missing), or null. */
  private sealProblem: string | null = null;
  /** Journals checked this run: null when they check out, else what was found. */
  private readonly checked = new Map<string, string | null>();
  /** The keychain could not be read: nothing can be checked or sealed this run. */
  private unavailable = false;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly options: {
      dataDir: string;
      secrets: SecretStore;
      logger: Logger;
    },
  ) {
    this.file = path.join(options.dataDir, SEAL_FILE);
  }

  /** Reads the seal (keychain entry and file). A first start of this version creates both. */
  async load(): Promise<void> {
    let raw: string | null;
    try {
      raw = await this.options.secrets.get(SECRET_ACCOUNTS.journalSeal);
    } catch (error) {
      this.unavailable = true;
      this.options.logger.warn('the journal seal cannot be read: keychain unavailable', { error: String(error) });
      return;
    }
    const file = this.readFile();
    if (raw === null) {
      this.key = randomBytes(32);
      if (file.kind === 'missing') {
        // The first start with a sealed journal: every journal is adopted as it is when first checked.
        await this.save();
        return;
      }
      this.sealProblem = 'the keychain entry that seals it is missing';
      return;
    }
    const stored = KeychainSchema.safeParse(safeJson(raw));
    if (!stored.success) {
      this.key = randomBytes(32);
      this.sealProblem = 'the keychain entry that seals it is damaged';
      return;
    }
    this.key = Buffer.from(stored.data.key, 'base64');
    if (file.kind !== 'ok') {
      this.sealProblem = file.kind === 'missing' ? `${SEAL_FILE} is missing` : `${SEAL_FILE} is not valid`;
      return;
    }
    if (!macMatches(this.key, file.text, file.mac)) this.sealProblem = `${SEAL_FILE} was changed outside the app`;
    else if (file.body.generation < stored.data.generation) this.sealProblem = `${SEAL_FILE} is an older copy`;
    else if (file.body.generation > stored.data.generation + 1) this.sealProblem = `${SEAL_FILE} is from another seal`;
    else {
      this.body = file.body;
      // The app stopped between the file and the keychain: the file is the newer one.
      if (file.body.generation === stored.data.generation + 1) await this.options.secrets.set(SECRET_ACCOUNTS.journalSeal, this.keychainText());
    }
  }

  /**
   * What is wrong with this environment's journal, or null. Checked once per run for each journal (the first
   * call); `found` is told the first time a problem is found (for the audit, with the payment it concerns).
   */
  problem(environment: string, journal: Journal, found?: (why: string, paymentId?: string) => void): string | null {
    if (this.unavailable) return null;
    if (!this.checked.has(environment)) {
      const finding: Finding | null = this.sealProblem ? { why: this.sealProblem } : this.check(environment, journal);
      this.checked.set(environment, finding?.why ?? null);
      if (finding) {
        this.options.logger.warn('journal seal: the journal was changed outside the app', { environment, why: finding.why, paymentId: finding.paymentId });
        found?.(finding.why, finding.paymentId);
      }
    }
    return this.checked.get(environment) ?? null;
  }

  /** How new audit rows of this environment's journal are chained (keyed when the key is known). */
  signer(): ((prevHash: string, row: AuditRowInput) => string) | undefined {
    const key = this.key;
    return key && !this.unavailable ? (prev, row) => keyedAuditHash(key, prev, row) : undefined;
  }

  /** How this environment's audit is checked (the audit view and the support bundle). */
  auditKey(environment: string): AuditKey | undefined {
    const entry = this.body.journals[environment];
    return this.key && entry && !this.sealProblem ? { key: this.key, from: entry.keyedFrom } : undefined;
  }

  /** A new audit row: its position is sealed (not while a problem waits for the supervisor: the evidence stays). */
  noteAudit(environment: string, row: { id: number; hash: string }): void {
    const entry = this.sealable(environment);
    if (!entry || (entry.audit && entry.audit.id >= row.id)) return;
    entry.audit = { id: row.id, hash: row.hash };
    this.schedule();
  }

  /** The unlinked refunds the daily caps count now (since the caps' day start), as the journal has them. */
  sealCaps(environment: string, dayStart: number, refunds: readonly UnlinkedRefundRow[]): void {
    const entry = this.sealable(environment);
    if (!entry) return;
    const caps = { dayStart, refunds: refunds.map(({ id, amount, currency, status, createdAt }) => ({ id, amount, currency, status, createdAt })) };
    if (JSON.stringify(caps) === JSON.stringify(entry.caps)) return;
    entry.caps = caps;
    this.schedule();
  }

  /**
   * A supervisor has checked the till (PIN checked and audited by the caller): the seal starts again from the
   * journal as it is now — a new key if the old one was lost, keyed rows from the next row on, this position.
   */
  async acknowledge(environment: string, journal: Journal): Promise<void> {
    if (this.sealProblem) {
      // The seal as a whole could not be trusted: a fresh one for every journal (each restarts from its next row).
      this.key = randomBytes(32);
      for (const entry of Object.values(this.body.journals)) entry.keyedFrom = (entry.audit?.id ?? entry.keyedFrom - 1) + 1;
      this.sealProblem = null;
      this.checked.clear();
    }
    this.body.journals[environment] = this.adopt(journal);
    this.checked.set(environment, null);
    this.schedule();
    await this.flushed();
  }

  /** Resolves once every change so far is written (closing the app, tests). */
  async flushed(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.writing;
      await current;
    } while (current !== this.writing || this.dirty);
  }

  private sealable(environment: string): JournalEntry | undefined {
    // Only a journal checked this run and found right: a position noted before the check could hide removed rows.
    if (this.unavailable || this.sealProblem || !this.key || this.checked.get(environment) !== null) return undefined;
    return this.body.journals[environment];
  }

  private check(environment: string, journal: Journal): Finding | null {
    const entry = this.body.journals[environment];
    if (!entry) {
      // First check of this journal: sealed as it is (rows from the next one on are keyed).
      this.body.journals[environment] = this.adopt(journal);
      this.schedule();
      return null;
    }
    const { rows, prev } = journal.auditFrom(entry.keyedFrom);
    if (!auditChainIntact(rows, prev, { key: this.key!, from: entry.keyedFrom })) return { why: 'audit entries were changed, removed or rewritten' };
    if (entry.audit) {
      const row = journal.auditRow(entry.audit.id);
      if (!row || row.hash !== entry.audit.hash) return { why: 'the latest audit entries were removed' };
    }
    if (entry.caps) {
      const now = new Map(journal.paymentColumns(entry.caps.refunds.map((r) => r.id)).map((r) => [r.id, r]));
      for (const sealed of entry.caps.refunds) {
        const row = now.get(sealed.id);
        const paymentId = sealed.id;
        if (!row || row.type !== 'UnlinkedRefund') return { why: `${refundWords(sealed)} was removed`, paymentId };
        if (row.amount !== sealed.amount || row.currency !== sealed.currency) return { why: `the amount of ${refundWords(sealed)} was changed`, paymentId };
        if (row.createdAt !== sealed.createdAt) return { why: `the time of ${refundWords(sealed)} was changed`, paymentId };
        if (sealed.status === 'approved' && row.status !== 'approved') return { why: `${refundWords(sealed)} was approved and now says ${row.status}`, paymentId };
      }
    }
    return null;
  }

  private adopt(journal: Journal): JournalEntry {
    const last = journal.lastAudit();
    return { keyedFrom: (last?.id ?? 0) + 1, audit: last, caps: null };
  }

  /** Writes are serialised and coalesced: the latest state is what reaches the file and the keychain. */
  private schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      this.dirty = false;
      try {
        await this.save();
      } catch (error) {
        this.options.logger.warn('the journal seal could not be written', { error: String(error) });
      }
    });
  }

  private async save(): Promise<void> {
    if (!this.key) return;
    this.body = { ...this.body, generation: this.body.generation + 1 };
    const text = JSON.stringify(this.body);
    writeFileAtomicSync(this.file, `${JSON.stringify({ mac: mac(this.key, text), body: JSON.parse(text) as unknown }, null, 2)}\n`);
    await this.options.secrets.set(SECRET_ACCOUNTS.journalSeal, this.keychainText());
  }

  private keychainText(): string {
    return JSON.stringify({ v: 1, key: this.key!.toString('base64'), generation: this.body.generation });
  }

  private readFile(): { kind: 'missing' } | { kind: 'invalid' } | { kind: 'ok'; body: Body; text: string; mac: string } {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'invalid' };
    }
    const json = safeJson(raw) as { mac?: unknown; body?: unknown } | undefined;
    const body = BodySchema.safeParse(json?.body);
    if (typeof json?.mac !== 'string' || !body.success) return { kind: 'invalid' };
    return { kind: 'ok', body: body.data, text: JSON.stringify(json.body), mac: json.mac };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
