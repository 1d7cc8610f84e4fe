import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * This installation's till id: made once, kept in the user-data folder, never changed. It goes into every
 * payment intent's metadata (beside our payment id) so that reconciliation can tell this till's intents from
 * those of other tills on the same Dojo account.
 */
const TillIdFileSchema = z.object({ tillId: z.string().regex(/^till_[0-9a-f]{16}$/), createdAt: z.string() });
export const TILL_ID_FILE = 'till-id.json';

export function loadTillId(dataDir: string, now: () => number = Date.now): string {
  const file = path.join(dataDir, TILL_ID_FILE);
  const existing = read(file);
  if (existing) return existing;
  fs.mkdirSync(dataDir, { recursive: true });
  const fresh = { tillId: `till_${randomBytes(8).toString('hex')}`, createdAt: new Date(now()).toISOString() };
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 });
  try {
    // link() fails if another process made the file first: then theirs is the till's id.
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const stored = read(file);
  if (!stored) throw new Error(`${TILL_ID_FILE} could not be read back.`);
  return stored;
}

function read(file: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = TillIdFileSchema.safeParse(safeJson(text));
  if (parsed.success) return parsed.data.tillId;
  // A damaged file is kept aside (for support) and a new id made. Reconciliation still recognises this till's
  // earlier intents by the payment ids in the journal; only the till id on them would differ.
  fs.renameSync(file, `${file}.damaged-${Date.now()}`);
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
