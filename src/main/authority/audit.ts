import type { AuditActor, AuditDetail, AuditEntryView, AuditList, AuditOutcome, AuditQuery } from '../../shared/audit';
import { AuditActionSchema, AuditDetailSchema } from '../../shared/audit';
import type { AuditKey, AuditRow, AuditRowInput } from '../journal/audit-chain';
import type { Journal } from '../journal/journal';
import type { Logger } from '../logging/logger';

export interface AuditInput {
  /** `area.what` (see AUDIT_ACTIONS). */
  action: string;
  outcome: AuditOutcome;
  actor: AuditActor;
  /** The payment, request or setting the action was about. */
  subject?: string | null;
  /** One line for a person reading the audit. */
  summary: string;
  /** Plain facts only: never a PIN, a key, a token or card data. */
  detail?: AuditDetail;
}

/**
 * The append-only audit of supervisor actions and other decisions people made, kept in the journal of the
 * environment in use (so a training audit never mixes with a live one). Recording never throws: an action
 * that happened is not undone because its audit line could not be written (that is logged instead).
 */
export class AuditLog {
  constructor(
    private readonly options: {
      journal: () => Journal;
      environment: () => string;
      now: () => number;
      logger: Logger;
      /** Strings that must never reach the audit (the API key, the EPOS token); replaced if they ever do. */
      secrets?: () => readonly string[];
      /** The journal seal (journal-seal.ts): keys the chain and seals the latest position. */
      seal?: {
        /** Checks the current journal (once per run) before its first new row. */
        check(): void;
        signer(): ((prevHash: string, row: AuditRowInput) => string) | undefined;
        auditKey(environment: string): AuditKey | undefined;
        noteAudit(environment: string, row: { id: number; hash: string }): void;
      };
    },
  ) {}

  record(input: AuditInput): AuditEntryView | null {
    try {
      AuditActionSchema.parse(input.action);
      const detail = AuditDetailSchema.parse(input.detail ?? {});
      const environment = this.options.environment();
      this.options.seal?.check();
      const row = this.options.journal().appendAudit(
        {
          at: this.options.now(),
          environment,
          action: input.action,
          outcome: input.outcome,
          actor: input.actor,
          subject: input.subject ?? null,
          summary: this.scrub(input.summary),
          detail: this.scrub(JSON.stringify(detail)),
        },
        this.options.seal?.signer(),
      );
      this.options.seal?.noteAudit(environment, row);
      return toView(row);
    } catch (error) {
      this.options.logger.error('audit entry could not be written', { action: input.action, error: String(error) });
      return null;
    }
  }

  list(query: AuditQuery): AuditList {
    const { rows, intact } = this.options.journal().auditPage(query.limit, query.before, this.keyed());
    return { entries: rows.map(toView), intact };
  }

  /** Every entry, oldest first, with the whole chain checked (the support bundle). */
  all(): AuditList {
    const { rows, intact } = this.options.journal().auditAll(this.keyed());
    return { entries: rows.map(toView), intact };
  }

  private keyed(): AuditKey | undefined {
    return this.options.seal?.auditKey(this.options.environment());
  }

  private scrub(text: string): string {
    let clean = text;
    for (const secret of this.options.secrets?.() ?? []) if (secret.length >= 8) clean = clean.split(secret).join('[secret]');
    return clean;
  }
}

function toView(row: AuditRow): AuditEntryView {
  let detail: AuditDetail;
  try {
    detail = AuditDetailSchema.parse(JSON.parse(row.detail));
  } catch {
    detail = { unreadable: true };
  }
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    environment: row.environment,
    action: row.action,
    outcome: row.outcome as AuditOutcome,
    actor: row.actor as AuditActor,
    subject: row.subject,
    summary: row.summary,
    detail,
  };
}
