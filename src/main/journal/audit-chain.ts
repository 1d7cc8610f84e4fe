import { createHash, createHmac } from 'node:crypto';

/** One audit row as stored (detail as JSON text). */
export interface AuditRow {
  id: number;
  at: number;
  environment: string;
  action: string;
  outcome: string;
  actor: string;
  subject: string | null;
  summary: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export type AuditRowInput = Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>;

/** The first row's predecessor. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** Each row's hash covers its content and the hash of the row before: an edited or removed row breaks the chain. */
export function auditHash(prevHash: string, row: AuditRowInput): string {
  const content = JSON.stringify([row.at, row.environment, row.action, row.outcome, row.actor, row.subject, row.summary, row.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/**
 * Rows written since the journal was sealed (authority/journal-seal.ts) are keyed: HMAC-SHA256 with a key held in
 * the OS keychain, marked `k1.`, so someone with the SQLite file alone cannot rewrite the chain after an edit.
 */
export const KEYED_PREFIX = 'k1.';

export function keyedAuditHash(key: Buffer, prevHash: string, row: AuditRowInput): string {
  const content = JSON.stringify([row.at, row.environment, row.action, row.outcome, row.actor, row.subject, row.summary, row.detail]);
  return KEYED_PREFIX + createHmac('sha256', key).update(prevHash).update('\n').update(content).digest('hex');
}

/** How a journal's chain is checked: rows from `from` on must be keyed with `key`. */
export interface AuditKey {
  key: Buffer;
  from: number;
}

/**
 * Rows in ascending id order chain up: each names the row before it, and each row's hash is right — plain SHA-256
 * for rows from before the seal, the HMAC for rows from `keyed.from` on (which must be keyed). A keyed row before
 * `keyed.from` (made with a key since replaced, after a supervisor acknowledged a broken seal) is checked for its
 * link only: its content can no longer be checked.
 */
export function auditChainIntact(rows: readonly AuditRow[], prevOfFirst?: string, keyed?: AuditKey): boolean {
  let prev = prevOfFirst;
  for (const row of rows) {
    if (prev !== undefined && row.prev_hash !== prev) return false;
    if (!rowHashRight(row, keyed)) return false;
    prev = row.hash;
  }
  return true;
}

function rowHashRight(row: AuditRow, keyed: AuditKey | undefined): boolean {
  if (keyed && row.id >= keyed.from) return keyedAuditHash(keyed.key, row.prev_hash, row) === row.hash;
  if (row.hash.startsWith(KEYED_PREFIX)) return !!keyed;
  return auditHash(row.prev_hash, row) === row.hash;
}
