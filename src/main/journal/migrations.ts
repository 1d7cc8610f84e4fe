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
  // 4: end of day. Report figures read from the record JSON through generated columns held in one covering
  // index (one source of truth, fast over a day at 100k+ payments; a damaged record's JSON reads as nulls);
  // Z reports, immutable; what each Z counted (for adjustments on the next one); reconciliation runs and the
  // actions taken on their exceptions.
  `
  ALTER TABLE payments ADD COLUMN tips_amount INTEGER GENERATED ALWAYS AS (CASE WHEN json_valid(data) THEN json_extract(data, '$.tipsAmount') END) VIRTUAL;
  ALTER TABLE payments ADD COLUMN cashback_amount INTEGER GENERATED ALWAYS AS (CASE WHEN json_valid(data) THEN json_extract(data, '$.cashbackAmount') END) VIRTUAL;
  ALTER TABLE payments ADD COLUMN card_scheme TEXT GENERATED ALWAYS AS (CASE WHEN json_valid(data) THEN json_extract(data, '$.cardScheme') END) VIRTUAL;
  ALTER TABLE payments ADD COLUMN by_hand INTEGER GENERATED ALWAYS AS (CASE WHEN json_valid(data) THEN
    coalesce(json_type(data, '$.resolution'), 'null') = 'object' AND coalesce(json_type(data, '$.reconciled'), 'null') <> 'object' ELSE 0 END
  ) VIRTUAL;
  CREATE INDEX payments_report ON payments (created_at, currency, type, status, by_hand, card_scheme, amount, total_amount, tips_amount, cashback_amount, id);
  CREATE INDEX payments_updated ON payments (updated_at);
  CREATE TABLE z_reports (
    number INTEGER PRIMARY KEY,
    trading_day TEXT NOT NULL UNIQUE,
    closed_at INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE TRIGGER z_reports_immutable BEFORE UPDATE ON z_reports BEGIN SELECT RAISE(ABORT, 'A Z report is never changed.'); END;
  CREATE TRIGGER z_reports_kept BEFORE DELETE ON z_reports BEGIN SELECT RAISE(ABORT, 'A Z report is never deleted.'); END;
  CREATE TABLE z_counted (
    payment_id TEXT PRIMARY KEY REFERENCES payments (id),
    z_number INTEGER NOT NULL REFERENCES z_reports (number),
    status TEXT NOT NULL,
    by_hand INTEGER NOT NULL,
    net INTEGER NOT NULL
  );
  CREATE TABLE reconciliations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    ran_at INTEGER NOT NULL,
    result TEXT NOT NULL
  );
  CREATE INDEX reconciliations_period ON reconciliations (from_day, to_day, id);
  CREATE TABLE reconciliation_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exception_id TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT
  );
  CREATE INDEX reconciliation_actions_exception ON reconciliation_actions (exception_id, id);
  CREATE TRIGGER reconciliation_actions_append_only BEFORE UPDATE ON reconciliation_actions BEGIN SELECT RAISE(ABORT, 'Reconciliation actions are append-only.'); END;
  CREATE TRIGGER reconciliation_actions_kept BEFORE DELETE ON reconciliation_actions BEGIN SELECT RAISE(ABORT, 'Reconciliation actions are append-only.'); END;
  `,
];
