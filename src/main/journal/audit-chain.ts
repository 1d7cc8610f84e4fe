import { createHash } from 'node:crypto';

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

/** Rows in ascending id order chain up: each row's hash is right and names the row before it. */
export function auditChainIntact(rows: readonly AuditRow[], prevOfFirst?: string): boolean {
  let prev = prevOfFirst;
  for (const row of rows) {
    if (prev !== undefined && row.prev_hash !== prev) return false;
    if (auditHash(row.prev_hash, row) !== row.hash) return false;
    prev = row.hash;
  }
  return true;
}
