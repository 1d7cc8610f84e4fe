import type { SimState } from './state';

/**
 * How long the training record keeps finished payments. The record is rewritten whole on every change, so it
 * must stay small however long a shop trains; a week covers a reconciliation of the last few days and a refund
 * the same week. Anything unfinished stays whatever its age.
 */
export const RECORD_KEEPS_DAYS = 7;
export const DAY_MS = 86_400_000;
export const RECORD_KEEPS_MS = RECORD_KEEPS_DAYS * DAY_MS;

/** The simulator's time before which finished payments may no longer be on the record. */
export const recordKeptFrom = (now: number, keepMs = RECORD_KEEPS_MS): number => now - keepMs;

/**
 * Drops finished intents and sessions whose last change is older than `keepMs`, with their refunds. Kept whatever
 * their age: a session still running (and its intent), an intent with a change still due, an Authorized intent
 * (money held until it is captured or reversed). An intent goes only with all its sessions, so the record's ids
 * always fit together.
 */
export function pruneFinished(state: SimState, keepMs = RECORD_KEEPS_MS): { intents: number; sessions: number } {
  const before = recordKeptFrom(state.clock.now(), keepMs);
  const due = new Set(state.deferred.map((d) => d.intentId));
  const running = new Set([...state.terminals.values()].map((t) => t.activeSessionId).filter((id): id is string => !!id));
  const old = (id: string) => {
    const session = state.sessions.get(id);
    return !session || (session.final && !running.has(id) && session.updatedAt < before);
  };
  let intents = 0;
  let sessions = 0;
  for (const intent of state.intents.values()) {
    if (intent.status === 'Authorized' || due.has(intent.id) || intent.updatedAt >= before || !intent.sessionIds.every(old)) continue;
    for (const id of intent.sessionIds) if (state.sessions.delete(id)) sessions++;
    state.intents.delete(intent.id);
    intents++;
  }
  for (const session of state.sessions.values()) {
    // Sessions of kept intents stay with them; an unlinked refund (no intent) goes on its own.
    if (session.intentId && state.intents.has(session.intentId)) continue;
    if (!old(session.id)) continue;
    state.sessions.delete(session.id);
    sessions++;
  }
  for (const [key, refund] of state.refunds) if (!state.intents.has(refund.paymentIntentId)) state.refunds.delete(key);
  return { intents, sessions };
}
