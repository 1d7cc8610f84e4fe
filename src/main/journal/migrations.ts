/** Schema versions, applied in order by `PRAGMA user_version`. Never edit a shipped one: add the next. */
export const MIGRATIONS: readonly string[] = [
  // 1: payments and their events
  `
  CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    step TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    intent_id TEXT,
    session_id TEXT,
    original_payment_id TEXT,
    idempotency_key TEXT UNIQUE,
    total_amount INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX payments_created ON payments (created_at DESC, id);
  CREATE INDEX payments_reference ON payments (reference);
  CREATE INDEX payments_status ON payments (status, created_at);
  CREATE INDEX payments_original ON payments (original_payment_id);
  CREATE TABLE payment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX payment_events_payment ON payment_events (payment_id, id);
  `,
  // 2: fast history at 100k+ payments: reference prefix search (case-insensitive) and type filters by date
  `
  CREATE INDEX payments_reference_nocase ON payments (reference COLLATE NOCASE);
  CREATE INDEX payments_type_created ON payments (type, created_at);
  `,
  // 3: the audit of supervisor actions and other decisions people made (append-only; each row chained to the one
  // before by a hash, so a row edited or removed outside the app shows)
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    environment TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_action ON audit (action, at);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END;
  `,
];
