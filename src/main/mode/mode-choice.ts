import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../files/atomic-write';
import type { LiveEnvironment } from '../settings/api-key';

/**
 * What the shop chose: live Dojo (a key in the keychain) or training. Kept beside the journals (never the key
 * itself), so a till that had a key and cannot read it at start is known to be a live till: it stops and says
 * so, and never drops into training on its own (training is a state the shop chose, never a fallback).
 */
const ModeChoiceSchema = z.object({
  version: z.literal(1),
  chosen: z.enum(['live', 'training']),
  /** The live key's environment, when live. */
  environment: z.enum(['sandbox', 'production']).nullable(),
  at: z.string(),
});
export type ModeChoice = z.infer<typeof ModeChoiceSchema>;

const FILE = 'mode.json';

export function readModeChoice(dataDir: string): ModeChoice {
  const file = path.join(dataDir, FILE);
  try {
    const parsed = ModeChoiceSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or unreadable: decided from the journals below
  }
  return inferredChoice(dataDir);
}

/**
 * A till from before this file existed (or whose file is damaged): a live journal means it has taken live
 * payments, so it is treated as live (the safe reading); otherwise it is a training till.
 */
function inferredChoice(dataDir: string): ModeChoice {
  const has = (environment: LiveEnvironment) => fs.existsSync(path.join(dataDir, `journal-${environment}.sqlite`));
  const environment = has('production') ? 'production' : has('sandbox') ? 'sandbox' : null;
  return { version: 1, chosen: environment ? 'live' : 'training', environment, at: new Date(0).toISOString() };
}

export function writeModeChoice(dataDir: string, chosen: ModeChoice['chosen'], environment: LiveEnvironment | null, now: number): void {
  const choice: ModeChoice = { version: 1, chosen, environment, at: new Date(now).toISOString() };
  writeFileAtomicSync(path.join(dataDir, FILE), `${JSON.stringify(choice, null, 2)}\n`);
}
